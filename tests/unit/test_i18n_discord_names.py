"""Issue 20: on Discord, what a reply says to type is what the user's command menu shows.

The menu's names (``name_localizations``) and the command lines quoted in replies come from
one table (bot.adapters.discord_names), read from the real catalogues here.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from bot import i18n
from bot.adapters import discord_names
from bot.adapters.discord_names import (
    MenuNames,
    localise_commands,
    localised_name,
    menu_names,
    plain_commands,
)
from bot.commands import build_registry

REGISTRY = build_registry()


@pytest.fixture(scope="module")
def names() -> dict[str, MenuNames]:
    return {language: menu_names(REGISTRY, language) for language in i18n.LANGUAGES}


def test_every_language_names_the_commands_in_its_own_words() -> None:
    """German too: each language's menu localises its command names (a name may stay as it is
    where the language uses the English word, but not most of them)."""
    for language in i18n.LANGUAGES[1:]:
        local = [spec.name for spec in REGISTRY
                 if localised_name("command name", spec.name, language) is not None]
        assert len(local) >= len(REGISTRY) * 3 // 4, (language, local)
    assert localised_name("command name", "log", "de") == "eintragen"
    assert localised_name("command name", "help", "de") == "hilfe"
    assert localised_name("option name", "views", "de") == "aufrufe"
    assert localised_name("command name", "log", "en") is None


def test_a_command_line_is_written_in_the_menus_names(names: dict[str, MenuNames]) -> None:
    de = names["de"]
    assert localise_commands("`/log followers=12k views=40k likes=3k`", de) == \
        "`/eintragen follower=12k aufrufe=40k likes=3k`"
    assert localise_commands("Then try /stats, or /help for every command.", de) == \
        "Then try /statistik, or /hilfe for every command."
    assert localise_commands("Type /help log.", de) == "Type /hilfe eintragen."
    assert localise_commands("`/help command=log` `/log followers:`", de) == \
        "`/hilfe befehl=eintragen` `/eintragen follower:`"
    assert localise_commands("Confirm with /forget confirm, or /forget cancel to keep it.",
                             de) == ("Confirm with /vergessen bestätigen, or /vergessen "
                                     "abbrechen to keep it.")
    assert localise_commands("**/estimate** — x\n/estimate explain shows", de) == \
        "**/schätzung** — x\n/schätzung erklären shows"
    # The command line ends at the first word that is not one of its options.
    assert localise_commands("/import to see a preview, then confirm:True", de) == \
        "/importieren to see a preview, then confirm:True"
    assert localise_commands("run /import again with confirm:True.", de) == \
        "run /importieren again with confirm:True."
    # Discord's own way to write an option, and the file option of /import.
    assert localise_commands("`/import file:` then `/import confirm:True`", de) == \
        "`/importieren datei:` then `/importieren bestätigen:True`"
    assert localise_commands("/goal followers=10k by=2027\\-03\\-01", de) == \
        "/ziel follower=10k bis=2027\\-03\\-01"


def test_only_real_command_lines_change(names: dict[str, MenuNames]) -> None:
    de = names["de"]
    for text in ("https://example.com/log", "see a/log or x/stats", "/logs and /log-in",
                 "open /log.txt", "https://tiktok.com/help/stats", "/unknown views=3",
                 "Europe/Berlin", "C:/tips", "`/ratecardx`"):
        assert localise_commands(text, de) == text, text
    assert localise_commands("/log views=3", names["en"]) == "/log views=3"


def test_markdown_and_scripts(names: dict[str, MenuNames]) -> None:
    """Outside code spans a name's ``_`` is escaped (it is markdown); inside, it is not.
    Japanese text writes a command right before a word: it is still one."""
    pt = names["pt_BR"]
    assert localise_commands("Use /ratecard or `/ratecard`.", pt) == \
        "Use /tabela\\_preços or `/tabela_preços`."
    assert plain_commands("List commands, or explain one: /help ratecard", pt) == \
        "List commands, or explain one: /ajuda tabela_preços"
    ja = names["ja"]
    assert localise_commands("/logで記録し、/statsを見てください。", ja) == \
        "/記録で記録し、/統計を見てください。"


def _english_lines(text: str, names: MenuNames) -> list[str]:
    """English command names quoted as commands in ``text`` where the menu shows another."""
    changed = [c for c, shown in names.commands.items() if shown != c]
    pattern = rf"(?<![A-Za-z0-9_./:])/({'|'.join(changed)})(?![A-Za-z0-9_])"
    return re.findall(pattern, text)


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_no_translated_text_quotes_a_command_the_menu_names_otherwise(
        language: str, names: dict[str, MenuNames]) -> None:
    """Every message of the catalogue (replies, help texts, tips, weekly posts, rules) that
    quotes a command, as Discord shows it: the English name is gone wherever the menu shows
    another one (so the mechanism covers how each language writes command lines)."""
    with i18n.catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp)
    left: dict[str, list[str]] = {}
    for message in catalog:
        if not message.id or message.context:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            shown = localise_commands(text, names[language])
            found = _english_lines(shown, names[language])
            if found:
                left[shown] = found
    assert not left


def _lookbehind_first(commands: frozenset[str]) -> re.Pattern[str]:
    """The command-line pattern as it was written before (lookbehind, then the slash): the
    reference the faster one must match exactly."""
    alternatives = "|".join(sorted(map(re.escape, commands), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_./:\\\-~%#=&?+@])/({alternatives})"
                      rf"(?![A-Za-z0-9_/]|-[a-z0-9]|\.[A-Za-z0-9])", re.MULTILINE)


def test_the_command_line_search_starts_at_a_slash(names: dict[str, MenuNames]) -> None:
    """Found by a pattern that begins with the literal "/", so the search jumps from slash to
    slash instead of trying a lookbehind at every character of a long reply."""
    for menu in names.values():
        assert menu.mention.pattern.startswith("/(?<!"), menu.language


@given(st.lists(st.sampled_from(
    ["/log", "/settings", "/estimate", "/logs", "/log-in", "/log.txt", "/log-Einträge", "/logで",
     "a/log", "x.com/log", "https://e.com/log", "\\/log", "@/log", " ", "\n", "`", "-", "_", "/",
     ":", "é", "ログ", " views=40k", " f=1k"]), max_size=12))
def test_the_command_line_search_finds_what_it_always_found(pieces: list[str]) -> None:
    text = "".join(pieces)
    commands = frozenset(spec.name for spec in REGISTRY)
    menu = menu_names(REGISTRY, "en")
    old = _lookbehind_first(commands)
    for pos in range(len(text) + 1):
        assert [m.span(1) for m in menu.mention.finditer(text, pos)] == [
            m.span(1) for m in old.finditer(text, pos)], (text, pos)


def test_a_line_rewritten_once_is_looked_up_after(names: dict[str, MenuNames]) -> None:
    """A reply's lines that quote a command are mostly a template's own text: each is
    rewritten once per language, then found in :attr:`MenuNames.lines` (bounded)."""
    german = menu_names(REGISTRY, "de")
    text = "Speichere: /log views=40k\nnichts hier\n`/tips all` oder /estimate explain"
    first = localise_commands(text, german)
    assert first == localise_commands(text, names["de"])
    assert set(german.lines) == {("Speichere: /log views=40k", False), ("/tips all", True),
                                 (" oder /estimate explain", False)}
    german.lines["Speichere: /log views=40k", False] = "looked up"
    assert localise_commands(text, german).startswith("looked up\n")
    for n in range(discord_names.MEMO_LINES + 5):
        localise_commands(f"/log views={n}", german)
    assert len(german.lines) <= discord_names.MEMO_LINES


@given(st.lists(st.sampled_from(
    ["/log", "/settings", "/help", "/tips", " views=40k", " f=1k", " Aufrufe pro Video=8k",
     " befehl:eintragen", " command=log", " all", " confirm", "\n", "`", " ", "x", "/", "-"]),
    max_size=14), st.sampled_from(i18n.LANGUAGES))
def test_lines_looked_up_read_as_lines_rewritten_afresh(pieces: list[str], language: str
                                                        ) -> None:
    """Line by line, looked up or not, a reply reads as the whole text rewritten at once
    (a command line never goes on past its line)."""
    text = "".join(pieces)
    warm = menu_names(REGISTRY, language)
    once = localise_commands(text, warm)
    assert localise_commands(text, warm) == once == localise_commands(
        text, menu_names(REGISTRY, language))
    joined = "\n".join(localise_commands(line, menu_names(REGISTRY, language))
                       for line in text.split("\n"))
    if "`" not in text:  # (a code span may hold several lines)
        assert once == joined
        # And as the text rewritten whole, at once (what the line-by-line memo replaced).
        names = menu_names(REGISTRY, language)
        if not names.english:
            assert once == discord_names._rewrite_commands(text, names, in_code=False)


def test_long_lines_are_not_kept() -> None:
    german = menu_names(REGISTRY, "de")
    german.lines.clear()
    line = "/log views=40k " + "x" * discord_names.MEMO_LINE_LENGTH
    assert localise_commands(line, german).startswith("/eintragen aufrufe=40k ")
    assert not german.lines
