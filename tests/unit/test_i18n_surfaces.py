"""Issue 20, what was still English or broken: rate tables and names in the catalogue, rule
and rate texts never python-format, every sentence of the rate card and media kit marked, and
Japanese drawn with a font that has its glyphs."""

from __future__ import annotations

import gettext
import io
import logging
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot import i18n
from bot.adapters.discord_names import discord_name, valid_name
from bot.domain.mediakit import build_kit
from bot.domain.metrics import MetricSnapshot
from bot.domain.profile import UserSettings
from bot.domain.ratecard import RateCard
from bot.domain.studio import Audience, Video

ROOT = Path(__file__).resolve().parents[2]
T = datetime(2026, 11, 29, tzinfo=UTC)


def _pot() -> list[Message]:
    with (ROOT / "bot" / "locales" / "messages.pot").open("rb") as fp:
        return list(read_po(fp))


def test_rate_tables_are_in_the_template() -> None:
    ids = {m.id for m in _pot() if m.id}
    for text in ("Brand partnerships", "LIVE gifts", "no market figure for a link in bio",
                 "3 × the one-video price above, no bundle discount"):
        assert text in ids, text
    assert any(isinstance(i, str) and i.startswith("deals a month × price per video") for i in ids)


def test_no_rule_or_rate_text_is_flagged_python_format() -> None:
    """They are filled with str.format_map, never %: a python-format flag would make
    `pybabel compile` reject every translation that writes the % its own way."""
    for m in _pot():
        places = [path for path, _ in m.locations]
        if any(p.startswith("strategies/") for p in places):
            assert "python-format" not in m.flags, (m.id, places)


def test_the_extractors_refuse_a_text_that_reads_as_percent_format() -> None:
    bad = io.BytesIO('name = "x"\nsource = "reach 15–40% of followers"\n'.encode())
    with pytest.raises(ValueError, match="15–40% of"):
        list(i18n.extract_rates(bad, None, None, None))
    rule = io.BytesIO(b'id = "r"\nwhy = "fell by 50% or more"\n')
    with pytest.raises(ValueError, match="rule r"):
        list(i18n.extract_rules(rule, None, None, None))


def test_an_extraction_an_extractor_refuses_leaves_the_template_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused rate text (or any extractor's error) raises, and the template written before
    is still whole: pybabel writes as it goes, which left an emptied messages.pot behind."""
    pot = tmp_path / "messages.pot"
    pot.write_text("msgid \"kept\"\nmsgstr \"\"\n", encoding="utf-8")

    def refuse(text: str, where: str) -> str:
        raise ValueError(f"{where}: refused")

    monkeypatch.setattr(i18n, "_not_python_format", refuse)
    with pytest.raises(ValueError, match="refused"):
        i18n.extract(pot)
    assert pot.read_text(encoding="utf-8") == "msgid \"kept\"\nmsgstr \"\"\n"
    assert [p.name for p in tmp_path.iterdir()] == ["messages.pot"]


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_every_catalogue_passes_babels_compile_checks(language: str) -> None:
    """What `pybabel compile` checks (placeholders, plural forms): no errors, fuzzy entries
    included (it reports those too; `python -m bot.i18n update` makes no fuzzy guesses)."""
    with i18n.catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp, locale=language)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()
              if not _one_form_keeps_the_plurals_placeholders(catalog, m, errs)]
    assert errors == []


def _one_form_keeps_the_plurals_placeholders(catalog: Any, message: Message,
                                             errors: list[Any]) -> bool:
    """Whether ``errors`` are only Babel checking a one-form language's ``msgstr[0]`` against
    the singular msgid: in Japanese that one form is said for every count, so it keeps the
    plural msgid's ``%(num)s`` that an English singular ("your payout") leaves out ("your
    2 payouts"); GNU ``msgfmt --check-format`` compares it with ``msgid_plural`` alone.
    Checked here the GNU way: it must format with exactly the plural's placeholders."""
    from babel.messages.checkers import TranslationError, _validate_format

    if catalog.num_plurals != 1 or not message.pluralizable or "python-format" not in message.flags:
        return False
    if any("placeholder" not in str(e) for e in errors):
        return False
    (only,) = message.string if isinstance(message.string, tuple) else (message.string,)
    try:
        _validate_format(message.id[1], only)
    except TranslationError:
        return False
    return True


def test_names_for_discord() -> None:
    assert discord_name("Wer bin ich") == "wer_bin_ich"
    assert discord_name("Bestätigen") == "bestätigen"
    assert discord_name("フォロワー") == "フォロワー"
    assert discord_name("wer bin ich?") is None and discord_name("x" * 33) is None
    assert valid_name("avg_views") and not valid_name("Avg") and not valid_name("")


class _Marked(gettext.NullTranslations):
    """Every message wrapped in «», so a sentence that skipped the catalogue shows."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"

    def pgettext(self, context: str, message: str) -> str:
        return f"«{message}»"


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(i18n, "translations", lambda language: _Marked())
    with i18n.using("de"):
        yield


def _video(n: int, views: float) -> Video:
    return Video(str(n), "", "", date(2026, 10, n), date(2026, 11, 27), views, views / 10, 5, 5)


def test_every_media_kit_sentence_goes_through_the_catalogue(marked: None) -> None:
    empty = build_kit(UserSettings(), [], [], Audience(), None, RateCard("EUR", (), 0), T)
    for stat in (empty.followers, *empty.growth, empty.views, empty.engagement):
        assert stat.label.startswith("«") and (stat.missing or "").startswith("«"), stat
    assert empty.todo and all(t.startswith("«") for t in empty.todo)
    assert empty.videos_missing and empty.videos_missing.startswith("«")
    snaps = [(MetricSnapshot(T, followers=5000, given=frozenset({"followers"})), "log")]
    kit = build_kit(UserSettings(handle="@a", niche="food"), snaps,
                    [_video(1, 900), _video(2, 800)], Audience(), None, RateCard("EUR", (), 0),
                    T)
    assert kit.followers.source == "«logged»" and (kit.followers.detail or "").startswith("«")
    assert (kit.views.detail or "").startswith("«") and kit.videos[0].title.startswith("«")


def test_every_rate_card_sentence_goes_through_the_catalogue(marked: None) -> None:
    from bot.domain.ratecard import rate_card

    card = rate_card(_no_brand(), _add_ons(), {}, "USD")
    for p in card.prices:
        assert p.label.startswith("«") and p.how.startswith("«"), p
        assert p.hint is None or p.hint.startswith("«"), p


def test_japanese_media_kit_draws_every_glyph(caplog: pytest.LogCaptureFixture) -> None:
    """Issue 20: ja text (translations, titles) drawn with IPAexGothic, no missing glyphs."""
    from pypdf import PdfReader

    from bot.render.mediakit import render_kit

    videos = [Video("1", "東京で食べ歩き", "", date(2026, 10, 1), date(2026, 11, 27), 9000, 900,
                    5, 5)]
    with i18n.using("ja"):
        kit = build_kit(UserSettings(handle="@a", niche="グルメ"),
                        [(MetricSnapshot(T, followers=5000, given=frozenset({"followers"})),
                          "log")], videos, Audience(territories=(("JP", 1.0),)), None,
                        RateCard("JPY", (), 0), T)
        with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
            warnings.simplefilter("always")
            files = render_kit(kit)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    missing += [r.getMessage() for r in caplog.records if "missing from" in r.getMessage()]
    assert missing == []
    text = PdfReader(io.BytesIO(files.pdf)).pages[0].extract_text()
    assert "東京で食べ歩き" in text and "日本" in text


def _add_ons() -> Any:
    from bot.domain.rates import load_rates

    return load_rates(ROOT / "strategies" / "rates").brand_deals.add_ons


def _no_brand() -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(per_video=None, payouts_used=0, inputs=())


def test_the_tiktok_try_again_hint_is_translated(marked: None) -> None:
    """The %(again)s in TikTok errors ("send /connect", "run creator-advisor connect")."""
    from bot.render.environment import Renderer
    from bot.render.formats import Format
    from bot.tiktok.web import AGAIN_TERMINAL, error_reply

    renderer = Renderer(ROOT / "templates")
    chat = renderer.render(error_reply("denied"), Format.PLAIN)
    terminal = renderer.render(error_reply("denied", AGAIN_TERMINAL), Format.PLAIN)
    assert "«send /connect»" in chat and "«run creator-advisor connect»" in terminal


def test_a_stored_pause_reason_is_shown_in_the_readers_language(marked: None) -> None:
    """The scheduler stores Discord's refusal in English with its code; /subscriptions and
    the admin's notice translate the sentence and keep the code."""
    from bot.adapters.discord_adapter import NO_ACCESS

    stored = f"{NO_ACCESS} (50001 Missing Access)"
    assert i18n.translate_stored(stored) == f"«{NO_ACCESS}» (50001 Missing Access)"
    assert i18n.translate_stored(None) is None


def test_cannot_post_is_said_in_the_language_it_is_rendered_in(marked: None) -> None:
    from bot.core.dispatcher import error_reply
    from bot.render.environment import Renderer
    from bot.render.formats import Format

    reason = i18n.lazy("I'm missing the %(names)s permission in this channel",
                       names="Send Messages")
    text = Renderer(ROOT / "templates").render(
        error_reply("cannot_post", reason=reason, command="subscribe"), Format.PLAIN)
    assert "«I'm missing the Send Messages permission in this channel»" in text


def test_history_says_where_an_entry_came_from_in_the_readers_language(marked: None) -> None:
    from zoneinfo import ZoneInfo

    from bot.commands.corrections import entry_view

    class Entry:
        source = "sync"
        snapshot = MetricSnapshot(T, followers=5, given=frozenset({"followers"}))

    view = entry_view(Entry(), ZoneInfo("UTC"))  # type: ignore[arg-type]
    assert view["source"] == "«read from TikTok»"


@pytest.mark.parametrize(("language", "expected"), [("en", "29 Nov"), ("de", "29. Nov."),
                                                    ("ja", "11月29日")])
def test_chart_dates_are_written_in_the_chart_language(language: str, expected: str) -> None:
    from matplotlib.dates import date2num

    from bot.render.plot import DistinctDateFormatter

    with i18n.using(language):
        shown = DistinctDateFormatter().format_ticks(
            [date2num(datetime(2026, 11, 29, tzinfo=UTC)),
             date2num(datetime(2026, 11, 30, tzinfo=UTC))])
    assert shown[0] == expected


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_chart_ticks_on_one_day_show_the_time_in_every_language(language: str) -> None:
    # Three /logs on one day: the ticks need the time of day, and CLDR has no date-and-time
    # skeleton ("MMMdHm" raised KeyError, so /progress failed in de, es, fr and pt_BR).
    from matplotlib.dates import date2num

    from bot.render.plot import DistinctDateFormatter

    with i18n.using(language):
        shown = DistinctDateFormatter().format_ticks(
            [date2num(datetime(2026, 11, 29, hour, tzinfo=UTC)) for hour in (9, 13, 18)])
    assert len(set(shown)) == 3
    assert all("13:00" in label for label in shown[1:2])


def test_japanese_lines_wrap_at_about_half_the_latin_width() -> None:
    # The kit measures each line as drawn (no Latin character count), so a line of wide
    # characters holds about half as many, and none is wider than its room.
    from matplotlib.figure import Figure

    from bot.render import fonts
    from bot.render.mediakit import PAGE, PNG_DPI, _Page

    fonts.install()
    page = _Page(Figure(figsize=PAGE, dpi=PNG_DPI))
    latin = page.text(0.06, 0.5, "a " * 200, size=7.5, width=0.88, fit="wrap")
    japanese = page.text(0.06, 0.5, "あ" * 400, size=7.5, width=0.88, fit="wrap")
    latin_line = latin.get_text().split("\n")[0]  # "a a a …": spaces count as characters
    japanese_line = japanese.get_text().split("\n")[0]
    assert len(japanese_line) <= len(latin_line) // 2 + 1
    assert page._extent(japanese)[0] <= 0.88 and page._extent(latin)[0] <= 0.88
