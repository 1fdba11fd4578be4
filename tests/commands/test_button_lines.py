"""A button that runs typed input again runs it in any language: its command line is the
canonical one (English names, language-neutral values; bot.core.args.command_line), never the
typed text, which was read in the language of the moment. A creator who switches language
between the reply and the press gets what the reply offered: the same numbers saved."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bot import i18n
from bot.adapters.console import ConsoleAdapter, ConsoleResult
from bot.app import App
from bot.commands import build_registry
from bot.core.args import parse_args, split_command
from bot.core.connections import SyncReport
from bot.domain.metrics import log_key
from tests.auxil.requests import save_anyway

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


async def _in(console: ConsoleAdapter, language: str) -> None:
    assert (await console.ask(f"/settings language={language}")).ok


async def _press(console: ConsoleAdapter, result: ConsoleResult) -> ConsoleResult:
    """Run the command of ``result``'s first button (as a press does; its label is in the
    language of the reply)."""
    found = [a for r in result.replies for a in r.actions]
    assert found, result.text
    return await console.ask(found[0].command)


async def test_save_anyway_held_in_german_saves_after_a_switch_to_japanese(
        app: App, console: ConsoleAdapter) -> None:
    await _in(console, "de")
    # more comments than views: held back; "35,5%" is German's decimal comma
    held = await console.ask("/log Follower=12k Aufrufe=1k Kommentare=5k Abschlussrate=35,5%")
    assert held.held, held.text
    await _in(console, "ja")
    saved = await _press(console, held)  # Save anyway
    assert saved.ok and not saved.held, saved.text
    # ... the very numbers typed: /stats as one who typed them in English sees it
    typed = ConsoleAdapter(app, user="bob")
    assert (await save_anyway(typed, "/log followers=12000 views=1000 comments=5000 "
                              "completion_rate=35.5%")).ok
    for who in (console, typed):
        await _in(who, "en")
    assert (await console.ask("/stats")).text == (await typed.ask("/stats")).text


async def test_save_it_again_reads_a_german_amount_as_german_after_a_switch_to_english(
        console: ConsoleAdapter) -> None:
    await _in(console, "de")
    assert (await console.ask("/payout rewards=1.250 views=610k")).ok  # 1250 in German
    held = await console.ask("/payout rewards=1.250 views=610k")
    assert held.held, held.text
    await _in(console, "en")  # where "1.250" is one and a quarter
    saved = await _press(console, held)  # Save it again
    assert saved.ok and not saved.held, saved.text
    listed = (await console.ask("/payout")).text
    assert listed.count("$1,250") == 2 and "$1.25" not in listed, listed


async def test_how_was_this_computed_after_a_switch_explains_the_same_what_if(
        console: ConsoleAdapter) -> None:
    await _in(console, "de")
    shown = await console.ask("/estimate Follower=50k Aufrufe=1,2 Mio. Videos pro Woche=3,5")
    assert shown.ok, shown.text
    await _in(console, "fr")
    explained = await _press(console, shown)  # How was this computed?
    assert explained.ok, explained.text
    assert explained.text == (await console.ask(
        "/estimate followers=50k views=1,2M videos_per_week=3,5 explain")).text


def test_a_sync_held_back_offers_a_log_that_reads_back_in_every_language() -> None:
    """The ``/log … confirm`` a TikTok sync offers for numbers it held back is written as a
    button's line is: a German creator's parser reads ``3.5`` as no number."""
    from bot.tiktok.web import connected_reply

    held = {"followers": 200_000.0, "videos_per_week": 3.5, "avg_video_length": 70.5}
    report = SyncReport(display_name="Maya", followers=200_000.0, likes_total=None,
                        video_count=None, videos_read=0, new_videos=0, written=frozenset(),
                        held_values=held)
    line = connected_reply(report).context["held_command"]
    parsed = split_command(line)
    assert parsed is not None and parsed[0] == "log", line
    spec = build_registry().get("log")
    assert spec is not None
    for language in i18n.LANGUAGES:
        with i18n.using(language):
            # with the key of exactly the numbers held: its confirm saves them, no others
            assert parse_args(spec.args, parsed[1]) == {
                **held, "confirm": True, "key": log_key(held, None)}, (language, line)


async def test_a_value_no_canonical_line_holds_keeps_the_typed_text(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Found by the lead's trial: a file name with both kinds of quote and a space (which the
    console's /import path= reads) has no canonical line; the preview crashed ("something went
    wrong") instead of offering its Import button. The button keeps the typed text."""
    csv = tmp_path / 'a "b" c\'s.csv'
    csv.write_text("date,followers\n2026-10-01,100\n")
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok, preview.text
    assert f'[Import: /import path="{csv}" confirm]' in preview.text
    done = await console.ask(f'/import path="{csv}" confirm')
    assert done.ok, done.text


async def test_the_console_never_translates_a_file_name(console: ConsoleAdapter,
                                                        tmp_path: Path) -> None:
    """Hostile trial: in German the Import line showed path=".../my Follower views.csv" (every
    word that is a field's name was translated, inside a file name too); typed, it named no
    file. Only argument names are the language's."""
    csv = tmp_path / "my followers views.csv"
    csv.write_text("date,followers\n2026-10-01,100\n")
    await console.ask("/settings language=de")
    preview = await console.ask(f'/import path="{csv}"')
    assert f'/import path="{csv}" confirm]' in preview.text, preview.text


async def test_a_file_name_with_the_word_confirm_imports_that_file(
        console: ConsoleAdapter, tmp_path: Path, app: App) -> None:
    """Hostile trial: the fallback line took every word "confirm" out of the typed text,
    inside the file name too, so the Import button imported another file."""
    shown = tmp_path / 'x "y" confirm it\'s.csv'
    other = tmp_path / 'x "y"  it\'s.csv'
    shown.write_text("date,followers\n2026-10-01,100\n")
    other.write_text("date,followers\n2026-10-01,999999\n")
    preview = await console.ask(f'/import path="{shown}"')
    line = preview.text.rsplit("[Import: ", 1)[1].rstrip("]")
    assert line == f'/import path="{shown}" confirm'
    done = await console.ask(line)
    assert done.ok, done.text
    assert "100" in (await console.ask("/stats")).text


def test_a_sync_held_back_shows_the_log_as_the_creator_types_it() -> None:
    """Review: the reply showed the canonical line itself ("videos_per_week=35e-1", English
    names in a German reply). Shown, it is the creator's language's (German names and decimal
    comma), and that text reads back to the same values in that language."""
    from bot.render.environment import Renderer
    from bot.render.formats import Format
    from bot.tiktok.web import connected_reply

    held = {"followers": 200_000.0, "videos_per_week": 3.5}
    report = SyncReport(display_name="Maya", followers=200_000.0, likes_total=None,
                        video_count=None, videos_read=0, new_videos=0, written=frozenset(),
                        held_values=held, held_back=("Videos pro Woche: 3,5",))
    reply = replace(connected_reply(report), locale="de")
    text = Renderer(TEMPLATES).render(reply, Format.PLAIN)
    assert "35e-1" not in text and "videos_per_week" not in text, text
    shown = re.search(r"/log [^\n]*confirm", text)
    assert shown is not None, text
    parsed = split_command(shown[0])
    spec = build_registry().get("log")
    assert parsed is not None and spec is not None
    with i18n.using("de"):
        assert parse_args(spec.args, parsed[1]) == {**held, "confirm": True}, shown[0]


async def test_a_button_label_with_its_own_question_mark_takes_no_colon(
        console: ConsoleAdapter) -> None:
    """Hostile trial: "[Wie wurde das berechnet?: …]", "[Comment est-ce calculé ? : …]"."""
    await console.ask("/log followers=12k views=40k")
    shown = (await console.ask("/estimate")).text
    assert "[How was this computed? /estimate explain]" in shown, shown
    await _in(console, "fr")
    shown = (await console.ask("/estimate")).text
    assert "? : " not in shown and "? /estimate explain]" in shown, shown
