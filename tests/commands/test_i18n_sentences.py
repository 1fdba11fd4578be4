"""Translated sentences get no English inserted into them (issue 20, translators' reports).

Each test runs with the real German catalogue plus German text for the messages this change
added (so it does not depend on how far translators got), and checks that what the code fills
into a sentence is in German too: spans of days, audience countries and genders, what an
import wrote, size limits, CSV column names, TikTok counts it did not get, and the two
meanings of "not yet".
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.core.types import Reply
from bot.render.environment import Renderer
from bot.render.formats import Format
from tests.auxil.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "tiktok_studio"

#: German for the messages this change added: (context or None, msgid) -> text; a plural
#: msgid is a (singular, plural) pair with a (one, many) text.
EXTRA: dict[tuple[str | None, str | tuple[str, str]], str | tuple[str, str]] = {
    # (one day is said without its count: "on %(last)s", test_i18n_grammar)
    (None, ("Profile views: %(views)s on %(last)s",
            "Profile views: %(views)s in the %(num)s days to %(last)s")):
        ("Profilaufrufe: %(views)s am %(last)s",
         "Profilaufrufe: %(views)s in den %(num)s Tagen bis %(last)s"),
    (None, ("Viewers a day: %(viewers)s on %(last)s",
            "Viewers a day: %(viewers)s on average over the %(num)s days to %(last)s")):
        ("Zuschauer pro Tag: %(viewers)s am %(last)s",
         "Zuschauer pro Tag: im Schnitt %(viewers)s in den %(num)s Tagen bis %(last)s"),
    ("audience gender", "Female"): "Weiblich",
    ("audience gender", "Male"): "Männlich",
    ("audience gender", "Other"): "Divers",
    ("audience territory", "Others"): "Andere",
    (None, "%(label)s %(share)s"): "%(label)s %(share)s",
    (None, "follower territories"): "Länder der Follower",
    (None, "follower genders"): "Geschlechter der Follower",
    (None, "followers' active hours"): "aktive Stunden der Follower",
    (None, "follower territories go back to what you had before it (none, if this file was "
           "your first)"): "Die Länder der Follower gehen auf den Stand davor zurück",
    (None, "follower genders go back to what you had before it (none, if this file was your "
           "first)"): "Die Geschlechter der Follower gehen auf den Stand davor zurück",
    (None, ("%(num)s new video", "%(num)s new videos")):
        ("%(num)s neues Video", "%(num)s neue Videos"),
    (None, "The zip holds %(count)s entries, more than the %(most)s allowed; send the TikTok "
           "Studio files alone."):
        "Das ZIP-Archiv enthält %(count)s Einträge, mehr als die erlaubten %(most)s.",
    (None, "The workbook unpacks to more than %(size)s MB, far beyond a TikTok Studio export; "
           "nothing was read."):
        "Die Arbeitsmappe ist entpackt größer als %(size)s MB; nichts wurde gelesen.",
    (None, ("Line 1: unknown column: %(unknown)s. Known: %(known)s; the English names work "
            "too: %(english)s.", "Line 1: unknown columns: %(unknown)s. Known: %(known)s; the "
            "English names work too: %(english)s.")):
        ("Zeile 1: unbekannte Spalte: %(unknown)s. Bekannt: %(known)s; die englischen "
         "Namen gehen auch: %(english)s.", "Zeile 1: unbekannte Spalten: %(unknown)s. "
         "Bekannt: %(known)s; die englischen Namen gehen auch: %(english)s."),
    (None, "The first row must name the columns, with a '%(date)s' column, e.g. %(example)s"):
        "Die erste Zeile muss die Spalten benennen, mit einer Spalte „%(date)s“, z. B. "
        "%(example)s",
    (None, ("I read %(num)s video (%(new)s new).", "I read %(num)s videos (%(new)s new).")):
        ("Ich habe %(num)s Video gelesen (%(new)s neu).",
         "Ich habe %(num)s Videos gelesen (%(new)s neu)."),
    (None, "Followers: %(value)s."): "Follower: %(value)s.",
    (None, "TikTok did not share your total likes."):
        "TikTok hat deine Likes insgesamt nicht mitgeteilt.",
    (None, "Videos on your profile: %(value)s."): "Videos in deinem Profil: %(value)s.",
    (None, "brand deals"): "Markendeals",
    (None, "handle is your TikTok username like @maya.makes: letters, digits, _ and . (you "
           "typed '%(text)s')."): "handle ist dein TikTok-Name wie @maya.makes (du hast "
                                  "„%(text)s“ geschrieben).",
    (None, "%(name)s (%(value)s) are more than views (%(views)s) for the same %(days)s days"):
        "%(name)s (%(value)s) sind mehr als Aufrufe (%(views)s) in denselben %(days)s Tagen",
    (None, "'%(text)s' is not a day of the week; use e.g. monday or mon."):
        "„%(text)s“ ist kein Wochentag; schreib z. B. monday oder mon.",
    ("estimate status", "not yet"): "noch nicht",
    ("media kit tile", "not yet"): "fehlt noch",
}


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real German catalogue plus :data:`EXTRA`, used instead of ``bot/locales``."""
    with i18n.catalogue_path("de").open("rb") as fp:
        catalog = read_po(fp, locale="de")
    for (context, msgid), text in EXTRA.items():
        if catalog.get(msgid, context=context) is not None:  # (an entry the update left empty)
            catalog.delete(msgid, context=context)
        catalog.add(msgid, text, context=context)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "locales")
    monkeypatch.setattr(i18n, "translations", functools.cache(i18n.translations.__wrapped__))
    po = i18n.catalogue_path("de")
    po.parent.mkdir(parents=True)
    with po.open("wb") as fp:
        write_po(fp, catalog)
    return po


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


async def _german(console: ConsoleAdapter) -> None:
    switched = await console.ask("/settings language=de")
    assert switched.ok and "Deutsch" in switched.text


async def test_stats_says_spans_countries_and_genders_in_german(
        german: Path, console: ConsoleAdapter) -> None:
    await _german(console)
    for name in ("Viewers.csv", "FollowerGender.csv", "FollowerTopTerritories.csv"):
        done = await console.ask(f"/import path={FIXTURES / name} confirm")
        assert done.ok, (name, done.text)
    stats = (await console.ask("/stats")).text.replace("\xa0", " ")
    assert re.search(r"im Schnitt \S+ in den \d+ Tagen bis \d\d\.\d\d\.2026", stats), stats
    assert " days to " not in stats and "the " not in stats
    # a list as German joins one (numbers.items: "…, Australien 5 % und Andere 34 %")
    assert "Vereinigte Staaten 41 %, Vereinigtes Königreich 12 %, Kanada 8 %, Australien 5 % " \
           "und Andere 34 %" in stats, stats
    assert "Weiblich 61 %, Männlich 36 % und Divers 3 %" in stats, stats


def test_audience_names_follow_the_language() -> None:
    from bot.domain.audience_words import audience_label

    with i18n.using("ja"):
        assert audience_label("US") == "アメリカ合衆国"
    with i18n.using("fr"):
        assert audience_label("BR") == "Brésil"
    assert audience_label("US") == "United States" and audience_label("Female") == "Female"
    assert audience_label("Others") == "Others" and audience_label("XX") == "XX"


async def test_undo_and_history_name_what_an_import_wrote_in_german(
        german: Path, console: ConsoleAdapter) -> None:
    await _german(console)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("Content.csv", "FollowerGender.csv", "FollowerTopTerritories.csv"):
            z.write(FIXTURES / name, name)
    path = console.app.settings.data_dir / "studio.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(archive.getvalue())
    done = await console.ask(f"/import path={path} confirm")
    assert done.ok, done.text
    history = (await console.ask("/history")).text
    assert "18 neue Videos" in history and "Länder der Follower" in history, history
    assert "Geschlechter der Follower" in history and "territories" not in history
    preview = (await console.ask("/undo")).text
    assert "Die Länder der Follower gehen auf den Stand davor zurück" in preview, preview
    assert "Die Geschlechter der Follower gehen auf den Stand davor zurück" in preview
    assert "territories" not in preview and "genders" not in preview


def test_size_limits_are_whole_sentences(german: Path) -> None:
    from bot.core import studio_import
    from bot.core.studio_import import ImportError_

    infos = [zipfile.ZipInfo(f"f{i}.csv") for i in range(studio_import.MAX_ZIP_ENTRIES + 1)]
    with i18n.using("de"), pytest.raises(ImportError_) as many:
        studio_import._check_sizes(infos, False, studio_import.MAX_ZIP_ENTRIES)
    assert str(many.value).startswith("Das ZIP-Archiv enthält") and "zip" not in str(many.value)
    big = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    big.file_size = studio_import.MAX_XLSX_BYTES + 1
    with i18n.using("de"), pytest.raises(ImportError_) as large:
        studio_import._check_sizes([big], True, studio_import.MAX_XLSX_PARTS,
                                   studio_import.MAX_XLSX_BYTES)
    assert str(large.value).startswith("Die Arbeitsmappe ist entpackt größer als")
    with pytest.raises(ImportError_, match=r"^The workbook unpacks to more than"):
        studio_import._check_sizes([big], True, studio_import.MAX_XLSX_PARTS,
                                   studio_import.MAX_XLSX_BYTES)


def test_csv_errors_name_columns_in_the_language(german: Path) -> None:
    from bot.core.csv_import import ImportError_, parse_csv

    now = datetime(2026, 11, 20, tzinfo=UTC)
    with i18n.using("de"), pytest.raises(ImportError_) as unknown:
        parse_csv("Datum;Follower;Spaß\n09.11.2026;30.600;1\n".encode(), now=now)
    text = str(unknown.value)
    assert text.startswith("Zeile 1: unbekannte Spalte: Spaß. Bekannt: Follower, Aufrufe")
    assert "die englischen Namen gehen auch: followers, views" in text
    with i18n.using("de"), pytest.raises(ImportError_) as undated:
        parse_csv(b"Follower\n30\n", now=now)
    assert "„Datum“, z. B. Datum;Follower;Aufrufe" in str(undated.value)
    with i18n.using("de"):
        plan = parse_csv(b"Datum;Aufrufe\n09.11.2026;viele\n", now=now)
    assert plan.errors and "Aufrufe:" in plan.errors[0] and "views" not in plan.errors[0]
    with i18n.using("de"):  # the English names are read too
        english = parse_csv(b"date;followers\n09.11.2026;30.600\n", now=now)
    assert not english.errors and english.rows[0][1] == {"followers": 30600.0}


def test_counts_tiktok_did_not_share_are_whole_sentences(german: Path) -> None:
    renderer = Renderer(ROOT / "templates")
    context = {"name": "maya", "followers": 30600.0, "likes_total": None, "video_count": 18.0,
               "videos_read": 18, "new_videos": 2, "written": [], "kept_typed": [], "held_back": [],
               "views_pending": False}
    text = renderer.render(Reply("tiktok_connected", context, locale="de"), Format.PLAIN)
    assert "Ich habe 18 Videos gelesen (2 neu).\nFollower: 30.600.\nTikTok hat deine Likes " \
           "insgesamt nicht mitgeteilt.\nVideos in deinem Profil: 18." in text, text
    assert "nein" not in text.lower()
    english = renderer.render(Reply("tiktok_connected", context), Format.PLAIN)
    assert "I read 18 videos (2 new).\nFollowers: 30.6k.\nTikTok did not share your total " \
           "likes." in english and " no " not in english


def test_not_yet_has_a_context_per_meaning(german: Path) -> None:
    from bot.i18n import pgettext

    with i18n.using("de"):
        assert pgettext("estimate status", "not yet") == "noch nicht"
    with (ROOT / "bot" / "locales" / "messages.pot").open("rb") as fp:
        pot = read_po(fp)
    assert pot.get("not yet", context="estimate status") is not None
    # the media kit no longer draws "not yet" tiles (a brand reads it: a number not held is
    # left off), so that meaning is gone from the catalogue
    assert pot.get("not yet", context="media kit tile") is None
    assert pot.get("not yet") is None  # no meaning left without its context


async def test_settings_log_and_schedule_sentences_in_german(
        german: Path, console: ConsoleAdapter) -> None:
    await _german(console)
    shown = await console.ask("/settings does=brand")
    assert shown.ok and "Markendeals" in shown.text and "brand deals" not in shown.text
    bad = await console.ask("/settings handle=a")
    assert not bad.ok and "du hast „a“ geschrieben" in bad.text, bad.text
    odd = await console.ask("/log views=3k likes=4k")
    assert "Likes (4.000) sind mehr als Aufrufe (3.000) in denselben 30 Tagen" in odd.text, \
        odd.text
    from bot.domain.schedule import parse_weekday

    with i18n.using("de"), pytest.raises(ValueError, match="„xyz“ ist kein Wochentag"):
        parse_weekday("xyz")


@pytest.mark.parametrize("line", ["/log xyz=5", "/log followers=5 blah"])
async def test_unknown_argument_shows_its_example_once(
        german: Path, console: ConsoleAdapter, line: str) -> None:
    await _german(console)
    bad = await console.ask(line)
    assert not bad.ok and bad.text.count("Beispiel:") == 1, bad.text


async def test_japanese_sentences_end_with_a_japanese_full_stop(console: ConsoleAdapter) -> None:
    """A full stop a template adds after a translated phrase is translated too (「。」)."""
    assert (await console.ask("/settings language=ja")).ok
    assert (await console.ask("/log followers=100 views=2000")).ok
    stats = await console.ask("/stats")
    assert "記録 1件。" in stats.text and "件." not in stats.text, stats.text


def test_words_after_a_label_or_a_money_range_agree_with_it() -> None:
    """'unknown' follows labels of either gender (pt_BR 'Taxa de conclusão'), so it is written
    without one; a Japanese counter (件) never follows a money range."""
    with i18n.using("pt_BR"):
        assert "desconhecid" not in i18n.gettext("unknown")
        assert "último 1" not in i18n.ngettext(
            "Your last %(num)s snapshot of %(total)s", "Your last %(num)s snapshots of %(total)s",
            1, total=1)
    with i18n.using("ja"):
        orders = i18n.gettext("orders %(low)s–%(high)s", low="$25.00", high="$75.00")
        assert "件" not in orders and orders.endswith("$75.00"), orders
