"""How money and reach are said (new-user and hostile trials): each fault is a kind fixed in
one place, and each example is a test here, through the console as a creator meets it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock

#: a 2M-follower account whose videos get the views of a much smaller one
BIG_FEW_VIEWS = "/log followers=2M views=600k avg_views=20k likes=40k comments=1k shares=500"


async def test_estimate_names_the_band_as_read_from_views_as_the_kit_does(
        console: ConsoleAdapter) -> None:
    """Trial: "accounts your size (5k–1M followers)" for a 2M-follower account. /estimate and
    the media kit read one function for the band's wording (estimator.band_wording)."""
    await console.ask(BIG_FEW_VIEWS)
    text = (await console.ask("/estimate")).text
    assert "accounts your size (5k–1M)" not in text, text
    assert ("the typical 4.2% for accounts with views like yours (those of 5k–1M "
            "followers)") in text, text
    assert "Typical engagement by views for accounts with views like yours:" in text


async def test_followers_in_the_band_of_their_views_are_still_your_size(
        console: ConsoleAdapter) -> None:
    await console.ask("/log followers=80k views=600k avg_views=20k likes=40k comments=1k "
                      "shares=500")
    text = (await console.ask("/estimate")).text
    assert "for accounts your size (5k–1M)" in text, text
    assert "Typical engagement by views for your size:" in text


async def test_a_pace_of_one_sponsored_video_a_month_is_said_in_the_singular(
        console: ConsoleAdapter) -> None:
    """Trial: "1 sponsored videos a month". Every count in a sentence takes its plural form
    (i18n.plural_count, a decimal one too: French "0,5 vidéo")."""
    await console.ask("/log followers=20k views=300k avg_views=10k likes=20k")
    await console.ask("/payout brand=300 per=video month=2026-10")
    text = (await console.ask("/estimate explain")).text
    assert "1 sponsored video a month" in text and "1 sponsored videos" not in text, text
    assert "1 brand payout logged with a month" in text
    await console.ask("/settings language=fr")
    await console.ask("/payout brand=300 per=video month=2026-09")  # 2 over 2 months... 1 a month
    french = (await console.ask("/estimate explain")).text
    assert "1 vidéo sponsorisée par mois" in french, french


def test_every_count_in_a_sentence_takes_the_form_its_language_gives_it() -> None:
    from bot import i18n
    from bot.domain.numbers import decimal
    rows = {"en": ("0.5 sponsored videos", "1 sponsored video", "1.5 sponsored videos"),
            "fr": ("0,5 vidéo sponsorisée", "1 vidéo sponsorisée", "1,5 vidéo sponsorisée")}
    for lang, expected in rows.items():
        with i18n.using(lang):
            said = tuple(i18n.ngettext(
                "%(num)s sponsored video a month, your own pace from your brand payouts "
                "logged with a month", "%(num)s sponsored videos a month, your own pace from "
                "your brand payouts logged with a month", i18n.plural_count(x),
                num=decimal(x, 2)) for x in (0.5, 1.0, 1.5))
        assert all(e in s for e, s in zip(expected, said, strict=True)), (lang, said)



async def test_both_ends_of_a_range_are_written_alike(console: ConsoleAdapter) -> None:
    """Trial: "€9.00–€108". One rule (numbers.range_digits) gives both ends of every range of
    amounts the same decimals: whole units when the larger end is written whole, both with
    cents when an end is below one unit."""
    await console.ask("/settings currency=EUR")
    await console.ask(BIG_FEW_VIEWS)
    await console.ask("/payout brand=9 per=video")
    await console.ask("/payout brand=250 per=video")
    card = (await console.ask("/ratecard")).text
    assert "€9–€250" in card and "€9.00" not in card, card
    from bot.domain.numbers import money_range, price_range, usd_ends
    assert money_range(9, 108, "EUR") == "€9–€108"
    assert money_range(0.4, 12, "EUR") == "€0.40–€12.00"
    assert price_range(4.5, 9, "USD") == "$4.50–$9.00"
    assert usd_ends(0.002, 0.0053) == {"low": "$0.0020", "high": "$0.0053"}
    explain = (await console.ask("/estimate explain")).text
    assert "0.25–1.00 USD per 1,000 qualified views" in explain, explain


async def test_the_rate_cards_fee_wording_follows_how_many_fees_there_are(
        console: ConsoleAdapter) -> None:
    """Trial: "lowest, median and highest" with two fees logged. One fee: that fee; two: the
    two; three or more: lowest to highest, with the median named (ratecard.fees_basis)."""
    await console.ask("/log followers=20k views=300k avg_views=10k likes=20k")
    await console.ask("/payout brand=200 per=video")
    one = (await console.ask("/ratecard")).text
    assert "from the brand fee you were actually paid" in one, one
    assert "lowest" not in one and "median" not in one
    await console.ask("/payout brand=300 per=video")
    two = (await console.ask("/ratecard")).text
    assert "from the two brand fees you were actually paid, the lower and the higher" in two
    assert "median" not in two and "lowest" not in two, two
    await console.ask("/payout brand=500 per=video")
    three = (await console.ask("/ratecard")).text
    assert ("from the 3 brand fees you were actually paid: your lowest to your highest, "
            "median $300") in three, three


async def test_a_fall_to_a_tenth_of_the_growth_is_not_called_halved(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Trial: "growth halved" for a fall from 7% to 0.4% a week. One function picks the word
    from the ratio (facts.slowdown_sentence); /tips says it."""
    for followers in (10_000, 10_700, 11_449, 12_250, 12_299):  # +7% a week, then +0.4%
        await console.ask(f"/log followers={followers}")
        clock.advance(days=7)
    tips = (await console.ask("/tips all")).text
    assert "halved" not in tips, tips
    assert "Your follower growth nearly stopped: under a tenth of your earlier weeks' pace." \
        in tips, tips


def test_the_slowdown_word_follows_the_ratio_at_its_edges() -> None:
    from bot.domain.facts import slowdown_sentence
    said = {r: slowdown_sentence(r) for r in (0.49, 0.4, 0.399, 0.25, 0.249, 0.1, 0.099,
                                              0.001, 0.0)}
    assert all("halved" in said[r] for r in (0.49, 0.4))
    assert all("about a third" in said[r] for r in (0.399, 0.25))
    assert all("under a quarter" in said[r] for r in (0.249, 0.1))
    assert all("nearly stopped" in said[r] for r in (0.099, 0.001))
    assert "stayed about the same in the latest week" in said[0.0]


@pytest.mark.parametrize("ratio", [0.5, 0.9, 1.0, 1.5, -0.1, float("nan")])
def test_no_slowdown_word_is_made_up_for_growth_that_did_not_slow(ratio: float) -> None:
    """Review: slowdown_sentence said "halved" for any ratio of 0.4 or more (0.9, 1.5 too):
    only the rule's guard kept it out of a tip. It is total on what the fact can be (under
    the slowing rule's half) and refuses the rest."""
    from bot.domain.facts import slowdown_sentence
    with pytest.raises(ValueError, match=r"only 0 up to 0\.5"):
        slowdown_sentence(ratio)


async def test_a_latest_week_inside_the_typed_rounding_never_claims_no_new_followers(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Review: 12k then 12.3k a week later (inside the rounding of "12k") reads as a latest
    week of 0, and the tip said "stopped: no new followers in the latest week": not what
    was typed. It reads as about the same count; the fact is set only while growth is
    slowing (slowing.is_slowing), never for steady growth or a fall."""
    for n, followers in enumerate(("11k", "11.4k", "11.7k", "12k", "12.3k")):
        if n:
            clock.advance(days=7)
        assert (await console.ask(f"/log followers={followers}")).ok
    tips = (await console.ask("/tips all")).text
    assert "no new followers" not in tips, tips
    assert ("Your follower count stayed about the same in the latest week, after growth in the "
            "weeks before.") in tips, tips


def test_the_slowdown_fact_is_set_only_while_growth_slows() -> None:
    """The ratio is a fact only when the slowing rule says growth slowed: never for steady
    growth (0.9×, which read "halved") and never for a fall (the fall tip says that)."""
    from bot.domain.facts import _trends
    from bot.domain.metrics import MetricSnapshot

    def weekly(*values: float) -> list[MetricSnapshot]:
        return [MetricSnapshot(taken_at=datetime(2026, 10, 1, 12, tzinfo=UTC)
                               + timedelta(days=7 * i), followers=v,
                               given=frozenset({"followers"})) for i, v in enumerate(values)]

    steady = _trends(weekly(10_000, 10_300, 10_600, 10_900, 11_150), None, UTC)
    assert "growth_slowdown" not in steady and steady["growth_slowing"] == 0, steady
    slowed = _trends(weekly(10_000, 10_300, 10_600, 10_900, 10_990), None, UTC)
    assert slowed["growth_slowing"] == 1 and 0 < slowed["growth_slowdown"] < 0.5, slowed
    fall = _trends(weekly(10_000, 10_300, 10_600, 10_900, 10_800), None, UTC)
    assert "growth_slowdown" not in fall and fall["growth_slowing"] == 1, fall


async def test_now_acknowledges_brand_deals_the_creator_said_they_do(
        console: ConsoleAdapter) -> None:
    """Trial: "Now: nothing yet … tell me which you do" for a creator who set does=brand. The
    sentence says brand deals are what they do and what is missing: a brand payout with its
    month (none logged), or the month of the fees logged without one."""
    await console.ask("/log followers=20k views=300k avg_views=10k likes=20k")
    await console.ask("/settings does=brand")
    text = (await console.ask("/estimate")).text
    assert "tell me which you do" not in text, text
    assert ("Now: nothing yet. You do brand deals, and they count here at your own pace: log "
            "each brand payout with its month (/payout brand=350 per=video month=2026-10).") \
        in text, text
    await console.ask("/payout brand=300 per=video")
    text = (await console.ask("/estimate")).text
    assert "your brand payouts are logged without their month: log each with it" in text, text
    await console.ask("/payout brand=300 per=video month=2026-10")
    assert "Now: nothing yet" not in (await console.ask("/estimate")).text


async def test_an_old_brand_payout_never_spreads_the_pace_over_years(
        console: ConsoleAdapter) -> None:
    """Trial: /payout brand=… month=2020-01 alone spread the brand pace over years silently.
    The pace is read from the last 12 months (estimator.PACE_MONTHS, in the README); an older
    payout is left out, and one sentence says so."""
    await console.ask("/log followers=20k views=300k avg_views=10k likes=20k")
    await console.ask("/settings does=brand")
    await console.ask("/payout brand=300 per=video month=2020-01")
    text = (await console.ask("/estimate explain")).text
    assert "from 2020-01" not in text and "0.01 sponsored" not in text, text
    assert "of the last 12 months: log each recent one with its month" in text, text
    assert ("Your brand payout logged with a month is from before 2025-11, older than the "
            "12 months your pace is read from, so it sets no pace") in text, text
    await console.ask("/payout brand=300 per=video month=2026-09")
    text = (await console.ask("/estimate explain")).text
    assert ("Your brand pace is read from your payouts since 2025-11 (the last 12 months): 1 "
            "older one is left out.") in text, text
    assert "input: 1 brand payout logged with a month, from 2026-09 to 2026-10" in text, text


async def test_explain_says_which_price_per_video_it_used_and_only_inputs_that_set_it(
        console: ConsoleAdapter) -> None:
    """Trial: /ratecard priced a video at the fee paid (€250) while /estimate explain weighed
    it against the market (€331), neither saying why; and explain listed followers as an input
    to the brand figure though, with views known, they set none of it."""
    await console.ask("/settings currency=EUR")
    await console.ask(BIG_FEW_VIEWS)
    await console.ask("/payout brand=250 per=video")
    card = (await console.ask("/ratecard")).text
    assert "One sponsored video: €250" in card, card
    text = (await console.ask("/estimate explain")).text
    assert ("your brand fee (€250, the price /ratecard quotes) weighed against market prices, "
            "since a few fees do not yet show your own rate") in text, text
    brand = text.split("Brand partnerships")[1].split("LIVE gifts")[0]
    assert "input: followers" not in brand, brand
    assert "input: views per video 20k" in brand


async def test_without_views_followers_are_the_brand_input(console: ConsoleAdapter) -> None:
    await console.ask("/log followers=30k")
    text = (await console.ask("/estimate explain")).text
    assert "input: followers 30k" in text.split("Brand partnerships")[1].split("LIVE")[0]


async def test_spanish_says_one_payout_without_a_count_and_a_madrid_example(
        console: ConsoleAdapter) -> None:
    """Hostile trial in Spanish: "tu 1 pago de Programa" (a count after the possessive, a
    route's name glued in without its article) and "p. ej., MX" to a creator in Madrid. A
    payout's sentence is one whole sentence per route, the singular without the count, and
    the example country follows the creator's time zone (UserSettings.example_region)."""
    await console.ask("/settings language=es timezone=Europe/Madrid currency=EUR")
    await console.ask("/log followers=12k views=200k")
    logged = (await console.ask("/payout rewards=100 views=200k")).text
    assert "tu 1 pago" not in logged and "pago de Programa" not in logged, logged
    assert "tu pago del Programa Creator Rewards" in logged, logged
    text = (await console.ask("/estimate")).text
    assert "p. ej., ES" in text and "p. ej., MX" not in text, text


async def test_tips_name_the_benchmark_band_as_estimate_does(console: ConsoleAdapter) -> None:
    """Trial: /tips and /why said "typical … for your size" for a 2M-follower account whose
    benchmark is read at the views of a 5k–1M one, where /estimate says "accounts with views
    like yours". The tips read the one rule (brandprice.read_by_reach, the er_band fact)."""
    await console.ask(BIG_FEW_VIEWS)
    estimate = (await console.ask("/estimate")).text
    assert "accounts with views like yours" in estimate, estimate
    tips = (await console.ask("/tips all")).text
    assert "your size" not in tips, tips
    assert "the typical 4.2% for accounts with views like yours." in tips, tips
    why = (await console.ask("/why brand-pitch-your-engagement")).text
    assert "your size" not in why, why
    assert "your engagement compared with typical for accounts with views like yours" in why, why


async def test_tips_say_your_size_when_the_followers_are_in_the_views_band(
        console: ConsoleAdapter) -> None:
    await console.ask("/log followers=80k views=600k avg_views=20k likes=40k comments=1k "
                      "shares=500")
    tips = (await console.ask("/tips all")).text
    assert "for accounts your size." in tips, tips
    assert "views like yours" not in tips, tips


@pytest.mark.parametrize(("zone", "region"), [("Asia/Calcutta", "IN"), ("US/Eastern", "US"),
                                              ("Europe/Kiev", "UA")])
async def test_the_example_country_follows_a_legacy_zone_name(
        console: ConsoleAdapter, zone: str, region: str) -> None:
    """Review: /settings takes legacy zone names (``Asia/Calcutta``, ``US/Eastern``), but the
    example country was looked up by CLDR's current ids only: a creator in Kolkata got the
    language's default example. A legacy name is read as the zone it links to."""
    await console.ask(f"/settings language=es timezone={zone}")
    await console.ask("/log followers=12k views=200k")
    text = (await console.ask("/estimate")).text
    assert f"p. ej., {region}" in text, text


async def test_a_recent_brand_payout_is_never_asked_for_again(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Review: with a brand payout of October logged on 1 December, /estimate said "log each
    recent one with its month (/payout brand=350 per=video month=2026-10)": the command
    read "any dated fee" as "the payouts are old", not the estimator's own decision. A pace
    the figure can't use yet (no followers) leaves the numbers named below to log."""
    clock.current = clock.current.replace(month=12, day=1)
    await console.ask("/log avg_video_length=1:10")
    await console.ask("/settings does=brand")
    await console.ask("/payout brand=50 per=video month=2026-10")
    text = (await console.ask("/estimate")).text
    assert "log each recent one with its month" not in text, text
    assert "Now: nothing yet: the routes you do need the numbers named below first." in text, \
        text
    assert "followers" in text.split("named below first.", 1)[1], text


async def test_a_range_gives_cents_only_beside_a_small_high_end(
        console: ConsoleAdapter) -> None:
    """Review: a sub-unit low end gave cents to a quarter million ("€0.40–€250,000.00"), and
    two fees of €9.99 and €10 read as one, "€10". Cents only while the high end is under
    100 units (numbers.CENTS_BELOW), else both whole; two amounts that read the same whole
    keep their cents, so the range never reads as one amount it isn't."""
    from bot.domain.numbers import money_range, price_range
    assert money_range(0.4, 250_000, "EUR") == "€0–€250,000"
    assert price_range(0.4, 250_000, "EUR") == "€0–€250,000"
    assert money_range(0.4, 99.9, "EUR") == "€0.40–€99.90"
    assert money_range(0.4, 100, "EUR") == "€0–€100"
    assert money_range(0.6, 150, "USD") == "$1–$150"
    assert money_range(9.99, 10.0, "USD") == "$9.99–$10.00"
    assert price_range(9.99, 10.0, "USD") == "$9.99–$10.00"
    assert money_range(10.0, 10.001, "USD") == "$10"  # the same to the cent: one amount
    assert money_range(9.99, 10.0, "JPY") == "¥10"  # (no smaller unit to tell them apart)
    await console.ask("/settings currency=EUR")
    await console.ask(BIG_FEW_VIEWS)
    await console.ask("/payout brand=9.99 per=video")
    await console.ask("/payout brand=10 per=video")
    card = (await console.ask("/ratecard")).text
    assert "€9.99–€10.00" in card, card


@pytest.mark.parametrize(("language", "said", "never"), [
    ("es", "Según tu pago", "tu 1 pago"),
    ("pt_BR", "Com base no seu pagamento", "seu 1 pagamento")])
async def test_estimate_says_one_brand_fee_without_its_count(
        console: ConsoleAdapter, language: str, said: str, never: str) -> None:
    """Hostile trial: "Según tu 1 pago" / "Com base no seu 1 pagamento" in /estimate after one
    brand fee (/payout brand=250), a path the earlier fix (72fb947) missed."""
    await console.ask(f"/settings language={language}")
    await console.ask("/log followers=12k views=200k")
    assert (await console.ask("/payout brand=250")).ok
    text = (await console.ask("/estimate")).text
    assert said in text and never not in text, text


async def test_one_estimate_names_one_example_month(console: ConsoleAdapter,
                                                    clock: FakeClock) -> None:
    """Hostile trial on 1 December 2026: one /estimate reply said "month=2026-11" in its Now
    line and "month=2026-10" (a fixed example) in the brand route's sentence. Every example
    month is the creator's last ended month (estimator.example_month), in their time zone."""
    clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    await console.ask("/settings does=brand timezone=Pacific/Honolulu")
    await console.ask("/log followers=20k views=300k likes=20k")
    await console.ask("/payout brand=250")
    text = (await console.ask("/estimate")).text
    assert set(re.findall(r"month=(\d{4}-\d{2})", text)) == {"2026-10"}, text  # still 30 Nov
    await console.ask("/settings timezone=Europe/Berlin")
    text = (await console.ask("/estimate")).text
    assert re.findall(r"month=(\d{4}-\d{2})", text) == ["2026-11", "2026-11"], text


async def test_a_payout_of_the_month_under_way_never_moves_the_pace_window(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Hostile trial on 1 December 2026: brand payouts of 2025-12, 2026-01, 2026-11 and
    2026-12 said "since 2026-01: 1 older one is left out" (the December one moved the window a
    month on); without it 2025-12 counted. The window is the last 12 ended months on the
    creator's day (2025-12 to 2026-11), and a payout of the month under way counts once that
    month has ended (README)."""
    clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    await console.ask("/settings does=brand timezone=Europe/Berlin")
    await console.ask("/log followers=20k views=300k likes=20k")
    for month in ("2025-12", "2026-01", "2026-11"):
        assert (await console.ask(f"/payout brand=300 per=video month={month}")).ok
    before = (await console.ask("/estimate explain")).text
    assert "left out" not in before, before
    assert "3 brand payouts logged with a month, from 2025-12 to 2026-11" in before, before
    assert (await console.ask("/payout brand=300 per=video month=2026-12")).ok
    after = (await console.ask("/estimate explain")).text
    assert "left out" not in after and "since 2026-01" not in after, after
    assert "3 brand payouts logged with a month, from 2025-12 to 2026-11" in after, after
    assert "0.25 sponsored videos a month" in after, after
    clock.current = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)  # December has ended: it counts
    later = (await console.ask("/estimate explain")).text
    assert "3 brand payouts logged with a month, from 2026-01 to 2026-12" in later, later
    assert "1 older one is left out" in later, later


async def test_a_study_is_quoted_by_its_own_figure_whatever_was_logged(
        console: ConsoleAdapter) -> None:
    """Hostile trial: with 20k followers /estimate quoted "Rival IQ 2023: 4.3% (5k–1M)", and
    after /log avg_views=8k "4.1%": the quote was read off a line through the study's bands at
    the creator's size, and rounded to one decimal. The study states 4.14% for 5k–1M: that
    figure, with its own digits, every time (numbers.stated_pct)."""
    await console.ask("/log followers=20k views=300k likes=20k")
    first = (await console.ask("/estimate")).text
    await console.ask("/log avg_views=8k")
    second = (await console.ask("/estimate")).text
    for text in (first, second):
        assert "Rival IQ 2023: 4.14% (5k–1M)" in text, text
    from bot.domain.numbers import stated_pct
    assert [stated_pct(x) for x in (0.0414, 0.038, 0.075, 0.05)] == [
        "4.14%", "3.8%", "7.5%", "5%"]


@pytest.mark.parametrize(("latest", "earlier", "word"), [
    (0.0235, 0.06, "halved"),  # shown +2.4% against 6%: 0.4 (unrounded 0.39)
    (0.02349, 0.06, "about a third"),  # shown +2.3%: 0.38
    (0.0149, 0.06, "about a third"),  # shown +1.5%: 0.25 (unrounded 0.248, under a quarter)
    (0.0144, 0.06, "under a quarter"),  # shown +1.4%: 0.23
])
def test_the_slowdown_word_is_read_from_the_figures_shown(latest: float, earlier: float,
                                                          word: str) -> None:
    """Hostile trial: "+2.4% against a median of 6%" reads as 0.4× (halved) but the tip said
    "about a third" (the unrounded 0.39). The word is picked from the two paces as the reply
    shows them (slowing.slowdown_ratio), the one place facts read."""
    from bot.domain.facts import slowdown_sentence
    from bot.domain.slowing import pace_shown, slowdown_ratio
    assert pace_shown(earlier) == "6%"
    assert word in slowdown_sentence(slowdown_ratio(latest, earlier)), pace_shown(latest)


async def test_a_number_refused_names_the_language_in_its_case(console: ConsoleAdapter) -> None:
    """Hostile trial: "como número en Español"."""
    await console.ask("/settings language=es")
    refused = await console.ask("/log followers=1.2.3")
    assert not refused.ok and "como número en español" in refused.text, refused.text
