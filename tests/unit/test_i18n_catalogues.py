"""Every template in every language: rendered, and every message it uses translated.

Issue 20's "done when": a test renders every template in every language and fails on a missing
or untranslated string (a message identical to English where the catalogue has no entry), and
checks that placeholders survive translation. A language whose translators have not finished
fails here by design; ``python -m bot.i18n status`` says which are complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2 import meta

from bot import i18n
from bot.render.environment import Renderer
from bot.render.formats import Format

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OTHER_LANGUAGES = i18n.LANGUAGES[1:]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
#: A word that needs translating: lower-case, four letters or more (names such as "LIVE",
#: "Socialinsider 2023" or "Rival IQ" are capitalised and may stay as they are).
_WORD = re.compile(r"(?<![\w.-])[a-z]{4,}\b")
#: Addresses are never translated.
_URL = re.compile(r"\S+://\S+")


class Anything(int):
    """A stand-in for any context value: a number (2), an object with every attribute, a
    one-item list, a date (``isoformat()``) and a string, so that every template renders
    without a hand-made context."""

    def __new__(cls) -> Anything:
        return super().__new__(cls, 2)

    def __getattr__(self, name: str) -> Anything:
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()

    def __getitem__(self, key: Any) -> Anything:
        return Anything()

    def __iter__(self) -> Iterator[Anything]:
        return iter([Anything()])

    def __len__(self) -> int:
        return 1

    def isoformat(self) -> str:  # a date (reply data holds dates as ISO strings)
        return "2026-11-09"


def _names() -> list[str]:
    return Renderer(TEMPLATES).names()


def _messages(name: str) -> list[str | tuple[str, ...]]:
    """The message ids a template uses (as Babel extracts them for the catalogue)."""
    found = extract_from_file("jinja2", str(TEMPLATES / f"{name}.j2"),
                              keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
                              options={"extensions": "jinja2.ext.i18n"})
    return [m[1] for m in found]


def _catalogue(language: str) -> dict[Any, Any]:
    """Entries by message id, and by (context, id) for those with a context."""
    with i18n.catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp)
    return {(m.context, m.id) if m.context else m.id: m for m in catalog if m.id}


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in _PLACEHOLDER.findall(text)}


#: Discord command and option names: a language may keep the English name (Discord then shows
#: the English one, and the bot's help texts quote it), so these may equal the English.
NAME_CONTEXTS = frozenset({"command name", "option name"})


def _untranslated(msgid: str | tuple[str, ...], entry: Any) -> str | None:
    """Why ``entry`` does not translate ``msgid`` (None: it does)."""
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    if entry is None:
        return "missing from the catalogue"
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if entry.fuzzy or not all(strings):
        return "not translated" + (" (fuzzy)" if entry.fuzzy else "")
    if entry.context in NAME_CONTEXTS:
        return None
    # a bare name ("LIVE") may stay
    words = _WORD.findall(_URL.sub("", _PLACEHOLDER.sub("", ids[0])))
    # A singular is untranslated when it equals the English; a plural when every form is one of
    # the English forms (a language's singular may rightly equal English's: es "%(num)s video").
    if words and (all(s in ids for s in strings) if len(ids) > 1 else strings[0] == ids[0]):
        return "identical to English"
    want = _placeholders(ids[-1]) | _placeholders(ids[0])
    for s in strings:
        if _placeholders(s) - want or _placeholders(ids[0]) - _placeholders(s) - {"num"}:
            return f"placeholders differ: {sorted(_placeholders(s))} vs {sorted(want)}"
    return None


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_template_message_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    problems = [f"{name}: {msgid!r}: {why}"
                for name in _names() for msgid in _messages(name)
                if (why := _untranslated(msgid, catalogue.get(msgid))) is not None]
    assert not problems, f"{len(problems)} problems in {language}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_message_of_the_code_and_rules_is_translated(language: str) -> None:
    """Error sentences, help texts, buttons, chart labels, rule texts: the whole template."""
    with (i18n.LOCALES_DIR / "messages.pot").open("rb") as fp:
        template = read_po(fp)
    catalogue = _catalogue(language)
    problems = [f"{m.locations[0][0] if m.locations else '?'}: {m.id!r}: {why}"
                for m in template if m.id
                if (why := _untranslated(m.id, catalogue.get((m.context, m.id) if m.context
                                                             else m.id))) is not None]
    assert not problems, f"{len(problems)} problems in {language}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("fmt", list(Format))
def test_every_template_renders_in_every_language(language: str, fmt: Format) -> None:
    """Rendered with a stand-in for every value: no template fails in any language and format
    (a translation that drops or renames a placeholder fails here with its name)."""
    renderer = Renderer(TEMPLATES)
    env = renderer._env(fmt)
    assert env.loader is not None
    for name in _names():
        source = env.loader.get_source(env, f"{name}.j2")[0]
        variables = meta.find_undeclared_variables(env.parse(source)) - set(env.globals)
        context = {v: Anything() for v in variables}
        with i18n.using(language):
            try:
                text = renderer._render(name, context, fmt)
            except (KeyError, ValueError, TypeError, jinja2.TemplateError) as exc:
                pytest.fail(f"{name} in {language} ({fmt}): {type(exc).__name__}: {exc}")
        assert text.strip(), f"{name} renders empty in {language}"
        assert "%(" not in text, f"{name} in {language} left a placeholder: {text!r}"


def test_the_template_extractor_sees_what_the_renderer_translates() -> None:
    """The extraction and the renderer agree: a template message is found by both."""
    assert "Nothing was deleted." in _messages("forget_cancelled")
    assert ("Removed %(num)s snapshot.", "Removed %(num)s snapshots.") in _messages("undone")
