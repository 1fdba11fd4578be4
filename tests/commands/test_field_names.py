"""Field names the bot shows a creator are the ones their language's parser reads (German
``Follower=12k``, not ``followers=12k``): in /estimate's missing inputs and hints, argument
errors, /help, /history and /undo, /progress's metric, and /start's greeting and example.

Each reply is read in the language, and what it says to type is parsed back with that
language's parser.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.core.args import parse_args
from bot.core.fieldnames import OWN_COLUMNS, column_names, field_name, typed_example
from bot.core.registry import metric_args
from tests.auxil.clock import FakeClock

#: The English keys with a name of their own in other languages (``date`` reads as a word).
KEYS = tuple(k for k in OWN_COLUMNS if k != "date")
ENGLISH_KEY = re.compile(r"(?<![\w/])(" + "|".join(KEYS) + r")(?![\w])")


async def _in(console: ConsoleAdapter, language: str) -> None:
    assert (await console.ask(f"/settings language={language}")).ok


def _english_keys(text: str, language: str) -> list[str]:
    """The English keys in ``text`` that are not also the language's own name for a field
    (German ``Likes`` is ``likes``)."""
    with i18n.using(language):
        own = {name.casefold() for name in column_names().values()}
    return [k for k in ENGLISH_KEY.findall(text) if k.casefold() not in own]


def _log_commands(text: str) -> list[str]:
    """The arguments of each ``/log name=value …`` in ``text`` (up to a bracket, a line's end
    or a sentence's)."""
    found = [m.rstrip(" .,;…") for m in re.findall(r"/log (?=(\w[^()（）\n`]*))", text)]
    return [m for m in found if "=" in m]


@pytest.mark.parametrize(("language", "views", "avg_views"), [
    ("de", "Aufrufe", "Aufrufe pro Video"),
    ("es", "visualizaciones", "visualizaciones medias"),
])
async def test_estimate_names_missing_fields_in_the_language(
        console: ConsoleAdapter, language: str, views: str, avg_views: str) -> None:
    await _in(console, language)
    assert (await console.ask("/log 12k")).ok
    result = await console.ask("/estimate")
    assert result.ok, result.text
    with i18n.using(language):
        missing = i18n.gettext("Missing: %(missing)s; ranges are wider or blank without them.",
                               missing="")
    head = missing.split(";")[0].split("：")[0].strip()
    (line,) = [ln for ln in result.text.splitlines() if ln.startswith(head)]
    assert views in line and avg_views in line, line
    assert not _english_keys(line, language), line
    # The requirement hint says how to give 30-day views, as this language types it (a
    # <placeholder> for the value since /why's merge: never a number that isn't theirs)...
    assert f"/log {views}=<" in result.text, result.text
    assert "/log views=" not in result.text and "avg_video_length=" not in result.text
    # ... and every /log example in the reply parses back in the language.
    with i18n.using(language):
        for command in _log_commands(result.text):
            if "<" not in command:
                parse_args(metric_args(), command, command="log")


async def test_argument_error_example_parses_in_german(console: ConsoleAdapter) -> None:
    await _in(console, "de")
    result = await console.ask("/log Follower=zwölf")
    assert not result.ok
    examples = _log_commands(result.text)
    assert examples, result.text
    assert any("Follower=12k" in e for e in examples), result.text
    assert not _english_keys(result.text, "de"), result.text
    with i18n.using("de"):
        for example in examples:
            assert parse_args(metric_args(), example, command="log"), example


async def test_unknown_argument_hint_uses_german_names(console: ConsoleAdapter) -> None:
    await _in(console, "de")
    result = await console.ask("/log Folower=12k")
    assert not result.ok
    assert "Follower" in result.text and not _english_keys(result.text, "de"), result.text


async def test_help_lists_arguments_and_examples_in_german(console: ConsoleAdapter) -> None:
    await _in(console, "de")
    result = await console.ask("/help log")
    assert result.ok
    assert "Follower=12k" in result.text and "Aufrufe pro Video=3.5k" in result.text
    assert not _english_keys(result.text, "de"), result.text
    with i18n.using("de"):
        for example in _log_commands(result.text):
            parse_args(metric_args(), example, command="log")
    progress = await console.ask("/help progress")
    assert "Follower" in progress.text and "Aufrufe pro Video" in progress.text
    assert not _english_keys(progress.text, "de"), progress.text


async def test_start_and_log_prompt_examples_in_german(console: ConsoleAdapter) -> None:
    await _in(console, "de")
    start = await console.ask("/start")
    assert "/log Follower=12k Aufrufe=40k" in start.text, start.text
    assert not _english_keys(start.text, "de"), start.text
    prompt = await console.ask("/log")
    assert "Follower=12k Aufrufe=40k" in prompt.text, prompt.text


async def test_progress_reads_german_metric_names(console: ConsoleAdapter,
                                                  clock: FakeClock) -> None:
    await _in(console, "de")
    clock.current = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) - timedelta(weeks=3)
    for followers in (1000, 1400, 1800):
        assert (await console.ask(f"/log Follower={followers} Aufrufe pro Video=2k")).ok
        clock.advance(weeks=1)
    result = await console.ask("/progress Follower 3m")
    assert result.ok, result.text
    assert result.replies[0].data["metric"] == "followers"
    result = await console.ask("/progress Aufrufe pro Video 3m")
    assert result.ok, result.text
    assert result.replies[0].data["metric"] == "avg_views"
    assert (await console.ask("/progress followers 3m")).ok  # the English keys still work
    wrong = await console.ask("/progress Folgende 3m")
    assert not wrong.ok and "Follower" in wrong.text and not _english_keys(wrong.text, "de")


async def test_a_metric_named_in_another_language_is_read_after_a_switch(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Every language reads every language's field names, a choice's too: German
    "/progress Aufrufe pro Video 3m" after /settings language=en (the console showed it in
    German), French "vues moyennes" in German."""
    await _in(console, "de")
    clock.current = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) - timedelta(weeks=3)
    for followers in (1000, 1400, 1800):
        assert (await console.ask(f"/log Follower={followers} Aufrufe pro Video=2k")).ok
        clock.advance(weeks=1)
    await _in(console, "en")
    result = await console.ask("/progress Aufrufe pro Video 3m")
    assert result.ok, result.text
    assert result.replies[0].data["metric"] == "avg_views"
    await _in(console, "de")
    result = await console.ask("/progress vues moyennes 3m")
    assert result.ok, result.text
    assert result.replies[0].data["metric"] == "avg_views"


async def test_history_and_undo_use_german_field_names(console: ConsoleAdapter) -> None:
    await _in(console, "de")
    assert (await console.ask("/log Follower=12k Aufrufe=40k")).ok
    history = await console.ask("/history")
    assert history.ok
    assert "Follower=12.000" in history.text and "Aufrufe=40.000" in history.text, history.text
    assert not _english_keys(history.text, "de"), history.text
    undo = await console.ask("/undo")
    assert "Follower=12.000" in undo.text and not _english_keys(undo.text, "de"), undo.text


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_console_start_greets_without_a_placeholder_name(app: App,
                                                               language: str) -> None:
    console = ConsoleAdapter(app)  # no --user: the default console user has no name
    await _in(console, language)
    result = await console.ask("/start")
    first = result.text.splitlines()[0]
    with i18n.using(language):
        assert first.strip("*") == i18n.gettext("Hi! I'm Creator Advisor."), first
    assert not re.search(r"\byou\b", first), first
    named = await console.ask("/start", user="Maya")
    assert "Maya" in named.text.splitlines()[0]


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_field_example_parses_back_in_its_language(language: str) -> None:
    """Each metric's example, and the names in :func:`field_name`, are what /log reads."""
    specs = metric_args()
    with i18n.using(language):
        for spec in specs:
            parsed = parse_args(specs, typed_example(spec.example), command="log")
            assert list(parsed) == [spec.name], (language, spec.example)
            # the column's name as a sentence writes it (a heading's capital dropped where the
            # language drops it: French "Abonnés" -> "abonnés", i18n.inside)
            assert field_name(spec.name) == (spec.name if language == i18n.SOURCE
                                             else i18n.inside(column_names()[spec.name]))


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE])
def test_discord_rewrites_the_languages_field_names_to_its_menu(language: str) -> None:
    """Replies name fields as the language types them (for the console and Telegram); on
    Discord a command line's options are shown as its menu names them, those included."""
    from bot.adapters.discord_names import localise_commands, menu_names, shown_name
    from bot.commands import build_registry

    names = menu_names(build_registry(), language)
    with i18n.using(language):
        line = typed_example("/log followers=12k avg_views=8k likes=3k")
    shown = localise_commands(f"`{line}`", names)
    option = {key: shown_name("option name", key, language)
              for key in ("followers", "avg_views", "likes")}
    command = shown_name("command name", "log", language)
    assert shown == (f"`/{command} {option['followers']}=12k {option['avg_views']}=8k "
                     f"{option['likes']}=3k`"), (line, shown)


async def test_discord_progress_choices_show_the_languages_field_names() -> None:
    """Discord lists /progress's metrics under the language's names (the value it sends back
    stays the English key, which the core reads)."""
    import discord
    from discord.app_commands import TranslationContext, TranslationContextLocation, locale_str

    from bot.adapters.discord_commands import CatalogueTranslator
    from bot.commands import build_registry

    translator = CatalogueTranslator(build_registry())
    context = TranslationContext(TranslationContextLocation.choice_name, None)

    async def shown(choice: str, locale: discord.Locale) -> str | None:
        return await translator.translate(locale_str(choice), locale, context)

    assert await shown("followers", discord.Locale.german) == "Follower"
    assert await shown("avg_views", discord.Locale.german) == "Aufrufe pro Video"
    assert await shown("avg_views", discord.Locale.spain_spanish) == "visualizaciones medias"
    assert await shown("income", discord.Locale.german) == "Einkommen"  # a derived metric
    assert await shown("engagement", discord.Locale.japanese) == "エンゲージメント"
    assert await shown("3m", discord.Locale.german) is None  # not a field: no other name
    assert await shown("followers", discord.Locale.american_english) is None


async def test_log_check_names_fields_in_german(console: ConsoleAdapter) -> None:
    await _in(console, "de")
    held = await console.ask("/log Aufrufe=1k Kommentare=5k")
    assert held.held, held.text
    assert "Kommentare (" in held.text and not _english_keys(held.text, "de"), held.text


# --- The trial's second round: /import's preview, /estimate's hints, /progress's derived
# metrics and the top-level /help, in every language.

_CSV = (b"date,followers,views\n2025-11-08,11k,38000\n2025-11-09,12400,40000\n")


@pytest.mark.parametrize(("language", "columns", "row"), [
    ("de", "mit Follower und Aufrufe", "Follower=12.400, Aufrufe=40.000"),
    ("es", "con seguidores y visualizaciones", "seguidores=12,4\xa0mil, visualizaciones=40\xa0mil"),
    # each value with the digits the file has (metrics.format_typed): 12,400 is 1.24万
    ("ja", "（フォロワー、再生数）", "フォロワー=1.24万, 再生数=4万"),
])
async def test_import_preview_names_fields_in_the_language(
        console: ConsoleAdapter, tmp_path: Path, language: str, columns: str,
        row: str) -> None:
    await _in(console, language)
    path = tmp_path / "history.csv"
    path.write_bytes(_CSV)
    preview = await console.ask(f"/import path={path}")
    assert preview.ok, preview.text
    assert columns in preview.text and row in preview.text, preview.text
    assert not _english_keys(preview.text, language), preview.text


async def test_import_preview_of_a_german_header_shows_its_german_names(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    await _in(console, "de")
    path = tmp_path / "verlauf.csv"
    path.write_bytes(b"Datum;Aufrufe pro Video\n2025-11-09;3000\n")
    preview = await console.ask(f"/import path={path}")
    assert preview.ok, preview.text
    assert "Aufrufe pro Video=3.000" in preview.text, preview.text
    assert "avg_views" not in preview.text


@pytest.mark.parametrize("language", ["fr", "es", "ja", "pt_BR"])
async def test_estimate_hints_name_fields_in_the_language(console: ConsoleAdapter,
                                                         language: str) -> None:
    await _in(console, language)
    assert (await console.ask("/log followers=120k views=900k")).ok
    result = await console.ask("/estimate")
    assert result.ok, result.text
    assert "avg_views=" not in result.text and "diamonds=" not in result.text, result.text
    assert not _english_keys(result.text, language), result.text
    with i18n.using(language):  # every example (not a <placeholder>) parses back
        for command in _log_commands(result.text):
            if "<" not in command:
                parse_args(metric_args(), command, command="log")


# French "j'aime" as a creator types it, a key inside a sentence: never the column heading's
# capital (was "J'aime=…", see test_a_typed_name_is_written_as_the_creator_types_it)
@pytest.mark.parametrize(("language", "likes"), [("fr", "j'aime=…"), ("ja", "いいね=…"),
                                                 ("es", "me gusta=…")])
async def test_what_if_engagement_hint_names_likes_in_the_language(
        console: ConsoleAdapter, language: str, likes: str) -> None:
    await _in(console, language)
    with i18n.using(language):
        line = typed_example("/estimate followers=50k views=400k")
    result = await console.ask(line)
    assert result.ok, result.text
    assert "likes=" not in result.text, result.text
    assert likes in result.text, result.text


@pytest.mark.parametrize(("language", "engagement", "income"), [
    ("de", "Engagement", "Einkommen"), ("ja", "エンゲージメント", "収入"),
    # French: the names inside a sentence, as typed (were "Engagement", "Revenus": a
    # heading's capital in running text)
    ("es", "interacción", "ingresos"), ("fr", "engagement", "revenus"),
    ("pt_BR", "engajamento", "receita"),
])
async def test_progress_reads_engagement_and_income_in_the_language(
        console: ConsoleAdapter, clock: FakeClock, language: str, engagement: str,
        income: str) -> None:
    await _in(console, language)
    clock.current = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) - timedelta(weeks=3)
    for followers in (1000, 1400, 1800):
        assert (await console.ask(f"/log followers={followers} views=40k likes=3k")).ok
        clock.advance(weeks=1)
    for name, key in ((engagement, "engagement"), (income, "income")):
        result = await console.ask(f"/progress {name} 3m")
        assert result.ok, result.text
        assert result.replies[0].data["metric"] == key
    wrong = await console.ask("/progress nada 3m")
    assert not wrong.ok
    assert engagement in wrong.text and income in wrong.text, wrong.text
    if language not in ("de", "fr"):  # there "Engagement" is the English word too
        assert "engagement" not in wrong.text and "income" not in wrong.text, wrong.text
    help_text = (await console.ask("/help progress")).text
    assert income in help_text and "income" not in help_text, help_text


async def test_top_level_help_examples_in_japanese(console: ConsoleAdapter) -> None:
    await _in(console, "ja")
    result = await console.ask("/help")
    assert "/log フォロワー=12k 再生数=40k" in result.text, result.text
    assert "/progress フォロワー 3m" in result.text, result.text
    # /payout's views= too (trial: "/payout rewards=412 views=610k" where /estimate's hint
    # and /help payout's examples say 再生数=610k, which /payout reads)
    assert "/payout rewards=412 再生数=610k" in result.text, result.text
    assert not _english_keys(result.text, "ja"), result.text


#: An argument a command's summary or help writes out: ``key=value`` (``income=500``,
#: ``views=<the views paid for>``).
_WRITTEN = re.compile(r"(?<![\w=])([^\s=(（：:、,]+)=")


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE])
async def test_help_writes_every_argument_as_the_language_types_it(
        console: ConsoleAdapter, language: str) -> None:
    """Trial: Japanese /help showed ``/payout rewards=412 views=610k`` while /estimate's hint
    says 再生数=610k (German Aufrufe=610k). Every argument /help and /help <command> write
    out (summaries and help texts) is named as the language's parser reads it, by one
    mechanism (fieldnames.typed_arguments), and each names an argument of its command."""
    from bot.commands import build_registry

    await _in(console, language)
    registry = build_registry()
    pages = {"": (await console.ask("/help")).text}
    for spec in registry:
        pages[spec.name] = (await console.ask(f"/help {spec.name}")).text
    with i18n.using(language):
        keys = {k for k in (*OWN_COLUMNS, "income") if field_name(k) != k}
        for name, text in pages.items():
            written = _WRITTEN.findall(text)
            english = [w for w in written if w in keys]
            assert not english, (language, name, english)
    with i18n.using(language):
        payout = registry.get("payout")
        assert payout is not None
        line = next(ln for ln in pages[""].splitlines() if ln.startswith("/payout"))
        example = line[line.index("/payout", 1):].split(" ", 1)[1]
        assert parse_args(payout.args, example, command="payout")["views"] == 610_000, line


@pytest.mark.parametrize("language", ["de", "ja"])
async def test_import_help_and_studio_preview_name_fields_in_the_language(
        console: ConsoleAdapter, language: str) -> None:
    from tests.commands.test_studio_import import FIXTURES

    await _in(console, language)
    help_text = (await console.ask("/help import")).text
    with i18n.using(language):
        assert field_name("avg_views") in help_text, help_text
    assert not _english_keys(help_text, language), help_text
    preview = await console.ask(f"/import path={FIXTURES / 'tiktok_studio_export.zip'}")
    assert preview.ok, preview.text
    assert not _english_keys(preview.text, language), preview.text


async def test_progress_with_too_few_logs_names_the_field_as_german_writes_it(
        console: ConsoleAdapter) -> None:
    # Was "zwei Einträge von likes (30 tage)": a label lower-cased to fit a sentence, which
    # German (nouns are capitalised) does not do.
    await _in(console, "de")
    assert (await console.ask("/log Likes=3k")).ok
    result = await console.ask("/progress Likes")
    assert "Einträge von Likes an mindestens zwei Tagen" in result.text, result.text
    assert "tage" not in result.text, result.text


#: A field's name written before ``=`` in a reply: one or more words (``vues moyennes=8k``,
#: ``durée moyenne des vidéos=<…>``) after a space, a bracket or a line's start.
_TYPED = re.compile(r"(?:^|(?<=[\s(（：:]))([^\s=(（：:、,/]+(?: [^\s=(（：:、,/]+){0,4})=",
                    re.MULTILINE)


def _typed_names(text: str) -> list[tuple[str, str]]:
    """(name as written, the key it names) for each field name ``text`` writes before ``=``
    in the current language: the longest run of words before ``=`` that is a field's name."""
    from bot.core.fieldnames import field_key, local_field_names

    names = local_field_names()
    found = []
    for m in _TYPED.finditer(text):
        words = m.group(1).split(" ")
        for i in range(len(words)):
            written = " ".join(words[i:])
            key = names.get(field_key(written))
            if key is not None:
                found.append((written, key))
                break
    return found


@pytest.mark.parametrize("language", ["fr", "es", "pt_BR", "de", "ja"])
async def test_a_typed_name_is_written_as_the_creator_types_it(
        console: ConsoleAdapter, language: str) -> None:
    """Trial (French): "/payout rewards=412 Vues=610k", "/log Vues moyennes=8k", "/log
    Abonnés=12k" in /help: a column's heading (capitalised where the language capitalises a
    heading) reused as a key. Every name a reply writes before ``=`` is exactly the name
    fieldnames.field_name gives, the one a creator types (French ``vues=610k``; German nouns
    keep their capital: ``Aufrufe=610k``)."""
    await _in(console, language)
    texts = [(await console.ask(line)).text for line in (
        "/estimate followers=50k views=1.2M likes=40k region=FR adult=yes", "/help",
        "/help log", "/help payout", "/help estimate", "/help goal", "/log", "/tips",
        "/stats", "/payout")]
    with i18n.using(language):
        for text in texts:
            for written, key in _typed_names(text):
                assert written == field_name(key), (language, written, text)
                # no heading's capital (German nouns keep theirs; Japanese has no case)
                assert language in ("de", "ja") or written[:1] == written[:1].lower(), (
                    language, written, text)


@pytest.mark.parametrize("language", ["fr", "es", "pt_BR"])
def test_a_field_name_reads_in_a_sentence_without_a_headings_capital(language: str) -> None:
    """Trial: French "enregistrez Diamants (ou Heures de LIVE et Spectateurs LIVE)",
    "Manquant : Vues moyennes et Diamants". A field's name as a sentence and a command line
    write it starts with a small letter where the language writes one (the CSV column's
    heading may be capitalised: French "Diamants"); a word with other capitals (LIVE) stays.
    German nouns and Japanese are unchanged (test below)."""
    with i18n.using(language):
        for key in (*OWN_COLUMNS, "engagement", "income"):
            name = field_name(key)
            assert name[:1] == name[:1].lower(), (language, key, name)
    with i18n.using("fr"):
        assert field_name("diamonds") == "diamants"
        assert field_name("live_hours") == "heures de LIVE"
        assert column_names()["diamonds"] == "Diamants"  # the CSV heading keeps its capital


def test_german_and_japanese_field_names_keep_their_form() -> None:
    with i18n.using("de"):
        assert field_name("diamonds") == "Diamanten"
        assert typed_example("/log views=40k") == "/log Aufrufe=40k"
    with i18n.using("ja"):
        assert field_name("views") == "再生数"


async def test_french_estimate_names_missing_fields_inside_its_sentences(
        console: ConsoleAdapter) -> None:
    await _in(console, "fr")
    text = (await console.ask(
        "/estimate followers=50k views=1.2M likes=40k region=FR adult=yes")).text
    for heading in ("Diamants", "Heures de LIVE", "Spectateurs LIVE", "Vues moyennes=",
                    "Vues=", "Abonnés="):
        assert heading not in text, (heading, text)
    assert "vues moyennes et diamants" in text, text
    assert "/payout rewards=412 vues=610k" in text, text
    assert "/log vues moyennes=8k" in text, text


#: A command line in a translation with a key written capitalised ("/log Vues moyennes=8k"):
#: the command, any ``key=value`` before it, then a name starting with a capital and ``=``.
_CAPITAL_KEY = re.compile(r"/(?:log|estimate|goal|payout|ratecard|settings)"
                          r"(?: [^\s=/]+=\S*[^\s.)])* ([A-ZÀ-Ý][\w'’]*(?: [\w'’]+){0,3})=")


@pytest.mark.parametrize("language", ["fr", "es", "pt_BR"])
def test_no_translation_writes_a_command_lines_key_capitalised(language: str) -> None:
    """Trial (French): "/log Vues moyennes=8k" in /mediakit and "/log Vidéos par semaine=4"
    in /estimate explain: lines a translator typed that no reply rewrites to the typed form
    (``typed_example``). Every command line in a catalogue writes its keys as typed."""
    from babel.messages.pofile import read_po

    with i18n.catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp)
    bad = [m.group(0) for message in catalog if message.id
           for text in (message.string if isinstance(message.string, tuple)
                        else (message.string,))
           for m in _CAPITAL_KEY.finditer(text or "")]
    assert not bad, f"{len(bad)} in {language}: {bad}"
