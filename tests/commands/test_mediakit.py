"""/mediakit and /ratecard through the console, on a real SQLite file.

The PDF's text is read back with pypdf and checked against what the store holds; expected
numbers come from the fixture files and the store, not from the kit's own code.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

import pytest
from pypdf import PdfReader

from bot.adapters.console import ConsoleAdapter, file_prefix
from bot.config import Settings
from bot.domain.numbers import compact, money
from bot.render.mediakit import PAGE, PNG_DPI
from bot.store import parse_database_url
from tests.auxil.clock import FakeClock
from tests.auxil.requests import forget_everything

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_studio"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
#: Set MEDIAKIT_OUT=/some/dir to keep the rendered kits for a look.
OUT = os.environ.get("MEDIAKIT_OUT")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def db(settings: Settings) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(parse_database_url(settings.database_url))
    yield conn
    conn.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1  # one page
    return " ".join(reader.pages[0].extract_text().split())


def kit_files(result: object, name: str) -> tuple[bytes, bytes]:
    replies = result.replies  # type: ignore[attr-defined]
    attachments = [a for r in replies for a in r.attachments]
    png = next(a for a in attachments if a.content_type == "image/png")
    pdf = next(a for a in attachments if a.content_type == "application/pdf")
    assert png.filename.endswith(".png") and pdf.filename.endswith(".pdf")
    assert pdf.data.startswith(b"%PDF")
    if OUT:
        Path(OUT, f"{name}.png").write_bytes(png.data)
        Path(OUT, f"{name}.pdf").write_bytes(pdf.data)
    return png.data, pdf.data


def rows(name: str) -> list[list[str]]:
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


async def full_profile(console: ConsoleAdapter, clock: FakeClock) -> None:
    """Three months of weekly logs, a Studio export with videos and audience, a brand fee."""
    await console.ask("/settings handle=@maya.makes niche=beauty")
    clock.current = NOW - timedelta(weeks=13)
    for week in range(14):
        followers = 30_000 + week * 500
        await console.ask(f"/log followers={followers} views={followers * 5} "
                          f"likes={followers * 5 // 16} comments=900 shares=700")
        clock.advance(weeks=1)
    clock.current = NOW
    for name in ("Content.csv", "FollowerTopTerritories.csv", "FollowerGender.csv"):
        done = await console.ask(f"/import path={FIXTURES / name} confirm")
        assert done.ok, done.text
    assert (await console.ask("/payout brand=400 per=video")).ok


async def test_full_kit_pdf_holds_the_stored_figures(console: ConsoleAdapter, clock: FakeClock,
                                                     db: sqlite3.Connection) -> None:
    await full_profile(console, clock)
    result = await console.ask("/mediakit")
    assert result.ok, result.text
    assert "Your media kit for @maya.makes" in result.text
    png, pdf = kit_files(result, "full")
    assert png_size(png) == (int(PAGE[0] * PNG_DPI), int(PAGE[1] * PNG_DPI))
    text = pdf_text(pdf)

    assert "@maya.makes" in text and "Beauty creator on TikTok" in text
    (followers,) = db.execute("SELECT followers FROM snapshots WHERE given LIKE '%followers%' "
                              "ORDER BY taken_at DESC LIMIT 1").fetchone()
    assert followers == 36_500
    assert compact(followers) in text  # 36.5k
    # growth over 30 and 90 days: against the last stored count at least that old (weekly
    # logs: 5 weeks and 13 weeks before the latest)
    week5, week13 = (db.execute(
        "SELECT followers FROM snapshots WHERE taken_at <= ? ORDER BY taken_at DESC LIMIT 1",
        ((NOW - timedelta(days=d)).isoformat(),)).fetchone()[0] for d in (30, 90))
    assert (week5, week13) == (34_000, 30_000)
    assert f"+{compact(36_500 - week5)}" in text and f"+{compact(36_500 - week13)}" in text
    assert "+7.4% since 2026-10-25" in text and "34,000 → 36,500" in text
    views = sorted(float(r[7]) for r in rows("Content.csv")[1:])
    assert f"Median views per video {compact(median(views))}" in text
    assert f"across {len(views)} videos" in text
    # engagement by views: (likes + comments + shares) / views of the latest log
    rate = (36_500 * 5 // 16 + 900 + 700) / (36_500 * 5)
    assert f"{rate * 100:.1f}%" in text
    assert "Rival IQ 2023" in text and "Socialinsider 2023" in text
    # audience from the Studio files
    assert "United States" in text and "41%" in text and "Female" in text and "61%" in text
    # top three videos by views, with their views
    top = sorted(rows("Content.csv")[1:], key=lambda r: -float(r[7]))[:3]
    for r in top:
        assert compact(float(r[7])) + " views" in text
    assert "Replying to @viewer yes it's 1:1 scale" in text
    # the rate card, priced from the logged brand fee
    assert "from 1 brand fee paid for one video" in text  # said to a brand
    for label in ("One sponsored video", "Video + link in bio", "LIVE mention",
                  "Three-video bundle", "30 days of paid usage rights"):
        assert label in text
    assert "priced for each campaign" in text  # said to a brand
    assert "no market figure" not in text
    assert "/ratecard" not in text and "/payout" not in text  # a brand reads it
    # provenance and dates
    assert "logged" in text and "imported from TikTok Studio" in text
    assert "Last updated 2026-11-29" in text  # the newest number on it, ISO as every English date
    assert "not yet" not in text.lower()


async def test_sparse_kit_says_what_is_missing(console: ConsoleAdapter,
                                              clock: FakeClock) -> None:
    nothing = await console.ask("/mediakit")
    assert "I don't have any numbers for you yet" in nothing.text and not nothing.files
    await console.ask("/log followers=2400")
    result = await console.ask("/mediakit")
    assert result.ok, result.text
    png, pdf = kit_files(result, "sparse")
    assert png_size(png) == (int(PAGE[0] * PNG_DPI), int(PAGE[1] * PNG_DPI))
    text = pdf_text(pdf)
    assert "2.4k" in text and "logged" in text
    # The page is for a brand: no placeholder for the unset handle and niche, no "not yet"
    # tiles, no command to type; the chat reply tells the creator what would complete it.
    assert "@" not in text and "not set" not in text.lower() and "not yet" not in text.lower()
    assert "/" not in text, text  # no /settings, /import, /log, /ratecard
    assert "Growth" not in text and "Top videos" not in text.title()
    # nothing invented: no growth, no median, no audience share
    assert "%" not in re.sub(r"\d+(\.\d)?× the typical [\d.]+%", "", text).replace(
        "50–200%", "")
    assert "To complete it, add:" in result.text
    for hint in ("your handle and niche (/settings handle=@name niche=beauty)",
                 "/import your TikTok Studio history", "likes and views for your engagement",
                 "Followers files", "Content file"):
        assert hint in result.text, hint


async def test_ratecard_estimates_then_pinned_prices(console: ConsoleAdapter,
                                                     db: sqlite3.Connection) -> None:
    await console.ask("/log followers=20k avg_views=8k views=160k likes=12k")
    card = await console.ask("/ratecard")
    assert card.ok, card.text
    assert "One sponsored video: $" in card.text and "estimated from market rates for" in card.text
    assert "/payout brand=350 per=video" in card.text
    assert "LIVE mention: no price yet" in card.text
    assert "3 × the one-video price above, no bundle discount" in card.text
    pinned = await console.ask("/ratecard video=450")
    assert "Saved your price." in pinned.text
    assert "One sponsored video: $450 (your price)" in pinned.text
    assert f"Three-video bundle: {money(1350)}" in pinned.text  # 3 × 450, no discount
    assert "change it with /ratecard video=…" in pinned.text
    assert db.execute("SELECT deliverable, amount, currency FROM rate_card").fetchall() == [
        ("video", 450.0, "USD")]
    kit = await console.ask("/mediakit")
    _, pdf = kit_files(kit, "pinned")
    text = pdf_text(pdf)
    assert "$450" in text and "$1,350" in text and "the creator's own price" in text
    assert "your price" not in text.lower()  # a brand reads the creator's rate, not "yours"
    cleared = await console.ask("/ratecard clear")
    assert "cleared" in cleared.text and "(your price)" not in cleared.text
    replaced = await console.ask("/ratecard clear live=90")
    assert "LIVE mention: $90 (your price)" in replaced.text
    assert "One sponsored video: $450" not in replaced.text
    bad = await console.ask("/ratecard video=-5")
    assert not bad.ok


async def test_prices_with_cents_and_their_multiples_agree_on_card_and_kit(
        console: ConsoleAdapter) -> None:
    """Hostile trial: fees of €0.50 and €96.05 showed "One sponsored video: €0.50–€96.05"
    above "Three-video bundle: €2–€288" and "30 days of paid usage rights: €0.25–€192.00"
    (3 × and 2 × €96, the fee rounded first); and /ratecard video=1234.56 showed "€1,235 (your
    price)" with a bundle of €3,705. Multiples are of the prices as logged or typed, rounded
    once when shown, the same on /ratecard and in the media kit."""
    await console.ask("/settings currency=EUR")
    await console.ask("/log followers=20k views=300k likes=20k comments=500 shares=300")
    assert (await console.ask("/payout brand=0.5")).ok
    assert (await console.ask("/payout brand=96.05")).ok
    card = await console.ask("/ratecard")
    for line in ("One sponsored video: €0.50–€96.05", "Three-video bundle: €1.50–€288.15",
                 "30 days of paid usage rights: €0.25–€192.10"):
        assert line in card.text, card.text
    text = pdf_text(kit_files(await console.ask("/mediakit"), "cents")[1])
    for figure in ("€0.50–€96.05", "€1.50–€288.15", "€0.25–€192.10"):
        assert figure in text, text
    pinned = await console.ask("/ratecard video=1234.56")
    assert "One sponsored video: €1,234.56 (your price)" in pinned.text, pinned.text
    assert "Three-video bundle: €3,703.68" in pinned.text, pinned.text


async def test_equal_fees_are_said_so_and_a_price_has_one_minimum(
        console: ConsoleAdapter) -> None:
    """Hostile trial: four equal €300 fees read "your lowest to your highest, median €300";
    and a €0.50 brand fee was logged while /ratecard video= refused anything under 1. Equal
    fees are said to be equal; one minimum (a cent) is read by /payout brand= and
    /ratecard."""
    await console.ask("/settings currency=EUR")
    await console.ask("/log followers=20k views=300k likes=20k")
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        assert (await console.ask(f"/payout brand=300 per=video month={month}")).ok
    card = await console.ask("/ratecard")
    assert "from your 4 brand fees actually paid, all €300" in card.text, card.text
    assert "lowest to your highest" not in card.text, card.text
    assert (await console.ask("/payout brand=0.5")).ok
    pinned = await console.ask("/ratecard video=0.5")
    assert pinned.ok and "One sponsored video: €0.50 (your price)" in pinned.text, pinned.text
    for line in ("/ratecard video=0", "/payout brand=0", "/payout brand=0.005"):
        refused = await console.ask(line)
        assert not refused.ok and "must be at least 0.01" in refused.text, refused.text


async def test_settings_handle_and_niche(console: ConsoleAdapter) -> None:
    shown = await console.ask("/settings handle=maya.makes niche=Beauty")
    assert "Handle: @maya.makes" in shown.text and "Niche: beauty" in shown.text
    bad = await console.ask("/settings handle=<script>")
    assert not bad.ok and "TikTok username" in bad.text
    cleared = await console.ask("/settings handle=none")
    assert "Handle: not set" in cleared.text


async def test_console_saves_both_files_with_the_user_in_the_name(
        console: ConsoleAdapter, settings: Settings) -> None:
    await console.ask("/log followers=2400")
    result = await console.ask("/mediakit")
    names = sorted(p.name for p in result.files)
    prefix = file_prefix("alice")  # alice-<hash of the exact name>-
    assert prefix.startswith("alice-")
    assert len(names) == 2 and all(n.startswith(f"{prefix}mediakit-") for n in names)
    assert all(p.parent.is_relative_to(settings.data_dir) for p in result.files)
    await forget_everything(console)
    assert not any(p.exists() for p in result.files)


async def test_a_pinned_price_follows_a_currency_change(console: ConsoleAdapter, app: object
                                                        ) -> None:
    await console.ask("/settings currency=EUR")
    await console.ask("/ratecard video=400")
    await console.ask("/settings currency=USD")
    card = await console.ask("/ratecard")
    rates = app.services.rates  # type: ignore[attr-defined]
    usd = rates.currencies.from_usd(rates.currencies.to_usd(400, "EUR"), "USD")
    assert f"One sponsored video: ${round(usd):,} (your price)" in card.text


async def test_sources_are_named_once_and_joined_the_languages_way(
        console: ConsoleAdapter) -> None:
    # A growth figure from an imported start and a logged end named its two sources as one
    # "logged + imported" label, then listed that next to each one again: the footer read
    # "logged, imported from TikTok Studio + logged", the chat "logged and imported from
    # TikTok Studio + logged". One function names them: each once, joined as a list.
    assert (await console.ask(f"/import path={FIXTURES / 'FollowerHistory.csv'} confirm")).ok
    await console.ask("/log followers=37000 views=200000 likes=10000")
    result = await console.ask("/mediakit")
    assert "Numbers come from: logged and imported from TikTok Studio." in result.text
    assert "+" not in result.text.split("Numbers come from:")[1].split("\n")[0]
    _, pdf = kit_files(result, "sources")
    text = pdf_text(pdf)
    assert ("Where the numbers come from: logged and imported from TikTok Studio. "
            in text), text
    assert " + logged" not in text and "Studio + " not in text
    await console.ask("/settings language=de")
    german = await console.ask("/mediakit")
    assert "eingetragen und aus TikTok Studio importiert." in german.text, german.text
    assert ("eingetragen und aus TikTok Studio importiert. "
            in pdf_text(kit_files(german, "sources-de")[1]))


async def test_an_import_is_named_by_what_was_imported(console: ConsoleAdapter,
                                                      tmp_path: Path) -> None:
    """Trial: a plain CSV of dated numbers (no TikTok Studio file) made the kit say "imported
    from TikTok Studio", in the chat and on the page. Each import is named by what it was."""
    csv = tmp_path / "mine.csv"
    csv.write_text("date,followers,views,likes\n2026-08-30,30000,150000,8000\n"
                   "2026-10-29,33000,160000,9000\n")
    assert (await console.ask(f"/import path={csv} confirm")).ok
    await console.ask("/log followers=37000 views=200000 likes=10000")
    result = await console.ask("/mediakit")
    assert "Numbers come from: logged and imported from a CSV file." in result.text, \
        result.text
    _, pdf = kit_files(result, "csv-sources")
    text = pdf_text(pdf)
    assert "imported from a CSV file" in text and "TikTok Studio." not in text, text
    assert (await console.ask(f"/import path={FIXTURES / 'FollowerHistory.csv'} confirm")).ok
    studio = await console.ask("/mediakit")
    assert "imported from TikTok Studio" in studio.text, studio.text


P10_P90 = "The video's range is P10–P90"


async def test_p10_p90_is_explained_only_when_the_video_price_is_that_range(
        console: ConsoleAdapter) -> None:
    # The card said "The video's range is P10–P90: 8 in 10 creators…" under a single figure
    # (one brand fee, or the creator's own price): only the estimator's range is a P10–P90.
    await console.ask("/log followers=20k avg_views=8k views=160k likes=12k")
    estimated = await console.ask("/ratecard")
    assert re.search(r"One sponsored video: \$[\d,]+–\$[\d,]+", estimated.text), estimated.text
    assert P10_P90 in estimated.text
    assert "the video's price is an estimated range" in pdf_text(kit_files(
        await console.ask("/mediakit"), "p10-p90")[1])

    assert (await console.ask("/payout brand=400 per=video")).ok
    one_fee = await console.ask("/ratecard")
    assert "One sponsored video: $400\n" in one_fee.text
    assert P10_P90 not in one_fee.text and "P10" not in one_fee.text
    text = pdf_text(kit_files(await console.ask("/mediakit"), "one-fee")[1])
    assert "USD per deliverable" in text and "P10" not in text

    pinned = await console.ask("/ratecard video=450")
    assert "One sponsored video: $450 (your price)" in pinned.text
    assert "P10" not in pinned.text
    assert "P10" not in pdf_text(kit_files(await console.ask("/mediakit"), "own")[1])


async def test_the_kit_speaks_to_a_brand_and_cuts_no_word(console: ConsoleAdapter,
                                                          tmp_path: Path) -> None:
    """Trial: the kit (for a brand) read "estimated from market rates for views per video
    11.1k: the median of your 18 imported videos …", "the video's range is P10–P90", "no market
    figure for a LIVE mention: quoted on request", "the source gives no term, so quoted for 30
    days", and cut its source tags mid-word ("imported from your CSV file…", "aus deiner
    CSV-Datei importi…"). The page now speaks of the creator in the third person, with no
    internal terms, and never cuts a word in half."""
    csv = tmp_path / "mine.csv"
    csv.write_text("date,followers,views,likes\n2026-08-30,30000,150000,8000\n"
                   "2026-10-29,33000,160000,9000\n")
    assert (await console.ask(f"/import path={csv} confirm")).ok
    await console.ask("/log followers=37000 avg_views=11.1k views=200000 likes=10000")
    assert "your" in (await console.ask("/ratecard")).text  # the creator's own card
    text = pdf_text(kit_files(await console.ask("/mediakit"), "brand-en")[1])
    assert not re.search(r"\byour?\b", text, re.IGNORECASE), text
    for internal in ("P10", "P90", "median of", "the source gives no term", "no market figure"):
        assert internal not in text, (internal, text)
    assert "estimated from market rates for accounts of this size" in text
    assert "30 days of paid usage" in text and "imported from a CSV file" in text
    assert not re.search(r"\w…", text.replace("Made with", "")), text  # no word cut short
    # the footer speaks to the brand too (trial: "a starting point for negotiation, not a
    # quote", the creator's words, on a brand-facing page)
    assert ("rates are indicative: contact the creator to confirm a campaign's price"
            in text), text
    assert "negotiation" not in text and "not a quote" not in text
    await console.ask("/settings language=de")
    german = pdf_text(kit_files(await console.ask("/mediakit"), "brand-de")[1])
    assert "aus einer CSV-Datei importiert" in german, german
    assert not re.search(r"\w…", german), german


async def test_the_kit_shows_views_per_video_from_logged_numbers(console: ConsoleAdapter
                                                                 ) -> None:
    """Trial: with 30-day views and the videos a week logged (no Studio videos), /ratecard
    priced from 14k views per video but the kit showed no views figure, and its hint named
    only /import. Both read the one figure (bot.domain.videos.views_per_video)."""
    await console.ask("/log followers=15k likes=20k")
    bare = await console.ask("/mediakit")
    assert "views per video (/import your Studio Content file, or /log avg_views=8k)" \
        in bare.text, bare.text
    await console.ask("/log views=300k videos_per_week=5")
    assert "views per video 14k" in (await console.ask("/ratecard")).text
    result = await console.ask("/mediakit")
    assert "views per video (" not in result.text, result.text
    text = pdf_text(kit_files(result, "derived-views")[1])
    assert "Views per video 14k 30-day views ÷ videos posted in them" in text, text
    await console.ask("/log avg_views=11.1k")
    text = pdf_text(kit_files(await console.ask("/mediakit"), "logged-views")[1])
    assert "Avg. views per video 11.1k" in text, text


async def test_a_kit_in_another_language_keeps_the_english_one(console: ConsoleAdapter) -> None:
    """Trial: the German kit of the day overwrote the English one (the same file name)."""
    await console.ask("/log followers=15k")
    english = await console.ask("/mediakit")
    await console.ask("/settings language=de")
    german = await console.ask("/mediakit")
    names = {a.filename for r in (english, german) for reply in r.replies
             for a in reply.attachments}
    assert len(names) == 4, names
    assert any(n.endswith("-de.pdf") for n in names), names
    assert all(f.exists() for r in (english, german) for f in r.files)


async def test_the_rates_note_only_with_a_converted_amount(console: ConsoleAdapter) -> None:
    """Trial: /ratecard named the ECB rates' day though every price on it was typed by the
    creator in their own currency; it is said only when an amount was converted."""
    await console.ask("/settings currency=EUR")
    mine = await console.ask("/ratecard video=400 link=500 live=300 bundle=1000 usage=200")
    assert "ECB" not in mine.text, mine.text
    await console.ask("/log followers=15k")
    assert "ECB" not in (await console.ask("/ratecard clear video=400")).text
    market = await console.ask("/ratecard clear")  # the market's (USD) estimate, converted
    assert "Amounts in EUR at ECB reference rates" in market.text, market.text


async def test_the_kits_as_of_is_the_day_its_latest_snapshot_counts_on_never_tomorrow(
        console: ConsoleAdapter, clock: FakeClock, tmp_path: Path) -> None:
    """Hostile trial: a file's rows of 30 November and 1 December, imported in
    Pacific/Kiritimati where 1 December had begun, then a move to Los Angeles (still 30
    November there) and a /log: /mediakit said "numbers as of 2026-12-01" (the file's date,
    tomorrow there) while its Followers card said 2026-11-30. "As of" is the day the latest
    snapshot counts on (metrics.as_of, the stores' day, as /stats says it), never after the
    creator's today."""
    clock.current = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # LA: 30 Nov; Kiritimati: 1 Dec
    path = tmp_path / "h2.csv"
    path.write_text("date,followers,views,likes\n2026-11-30,2000,30000,2500\n"
                    "2026-12-01,2100,31000,2600\n")
    assert (await console.ask("/settings timezone=Pacific/Kiritimati")).ok
    assert (await console.ask(f"/import path={path} confirm")).ok
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    stats = await console.ask("/stats")
    assert "Your numbers (as of 2026-11-30)" in stats.text, stats.text
    clock.advance(minutes=5)
    assert (await console.ask("/log followers=2050")).ok
    kit = await console.ask("/mediakit")
    assert "numbers as of 2026-11-30" in kit.text, kit.text
    _png, pdf = kit_files(kit, "as-of")
    text = pdf_text(pdf)
    assert "Last updated 2026-11-30" in text and "on 2026-11-30" in text, text
    assert "2026-12-01" not in text, text
    assert "Your numbers (as of 2026-11-30)" in (await console.ask("/stats")).text


async def test_the_growth_heading_says_the_days_it_spans(console: ConsoleAdapter,
                                                         clock: FakeClock) -> None:
    """Hostile trial: "Growth, 30 days +2.5k, +25% since 2026-10-20" for an end date 35 days
    later: the kit reads growth from a count 30 to 45 days back, and a brand reads the
    heading as the span. The heading gives the days between the two counts."""
    await console.ask("/settings handle=@maya niche=beauty")
    await console.ask("/log followers=10k")
    clock.advance(days=35)
    await console.ask("/log followers=12.5k views=300k likes=20k")
    text = pdf_text(kit_files(await console.ask("/mediakit"), "growth-span")[1])
    assert "Growth, 35 days" in text and "Growth, 30 days" not in text, text


async def test_an_engagement_band_from_views_is_not_called_the_accounts_size(
        console: ConsoleAdapter) -> None:
    """Hostile trial: a 2M-follower account with 300k views read "for accounts this size
    (5k–1M followers)" under "Followers 2M": the benchmark is read at the size its views per
    video imply, so where that is another band than the followers the kit says so."""
    await console.ask("/settings handle=@maya niche=beauty")
    await console.ask("/log followers=2M views=300k likes=30k videos_per_week=5 confirm")
    text = pdf_text(kit_files(await console.ask("/mediakit"), "by-reach")[1])
    assert "for accounts this size" not in text, text
    assert "for accounts with views like these (those of" in text, text


@pytest.mark.parametrize(("language", "brands", "size"), [
    ("en", "media kit for brands", "your size"), ("de", "Media-Kit für Marken", "deine Größe"),
    ("es", "para marcas", "tu tamaño"), ("fr", "pour les marques", "votre taille"),
    ("pt_BR", "para marcas", "seu porte"), ("ja", "ブランド向け", "同規模")])
async def test_mediakit_help_says_it_is_for_brands_not_for_your_size(
        console: ConsoleAdapter, language: str, brands: str, size: str) -> None:
    """Trial: /mediakit's description (/help, the command menus) said "engagement against the
    benchmark for your size": the kit speaks to brands. It says what it makes, a one-page
    media kit for brands, and no "for your size", in every language."""
    await console.ask(f"/settings language={language}")
    text = (await console.ask("/help mediakit")).text
    assert brands in text and size not in text, text
