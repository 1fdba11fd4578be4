"""German conventions in the German catalogue: „…“ quotes, JJJJ-MM-TT, a space before ``%``,
and the German field names (``Follower=12k``) in the commands a message tells the creator to type.

A German reader expects „so“ for quotes (not 'so', "so" or “so”), JJJJ-MM-TT for a date format,
and ``17 %`` with a space. What is not prose is left alone: addresses (``https://…?p=3``) and what
a creator types (``commission=12%``, ``margin=60%%``). And where a message shows a ``/log``,
``/goal`` or ``/estimate`` example, it uses the field names the bot accepts in German (the
``CSV column`` entries, e.g. ``Follower``, ``Aufrufe pro Video``), spelled as those entries, and
the example parses with the real parser in German.
"""

from __future__ import annotations

import re

import pytest

from bot import i18n
from bot.commands import build_registry
from bot.core.args import ArgError, parse_args
from bot.core.fieldnames import column_names
from tests.auxil.catalogues import translated_messages

#: Stretches that are not German prose, blanked before checking (same length, so positions hold).
_NOT_PROSE = (
    re.compile(r"`[^`]*`"),                  # code in backticks
    re.compile(r"\S+://\S*|\bwww\.\S+"),     # addresses, query strings included (?p=3470)
    re.compile(r"[^\s=]+=\S+"),              # typed key=value syntax: commission=12%, margin=60%%
)
_STRAIGHT_QUOTES = re.compile(r"(?<![\w])'[^'\s][^']*'(?![\w])|\"[^\"]+\"")
_DATE_FORMAT = re.compile(r"\b(?:YYYY|MM-DD|DD\.MM)\b")
_PERCENT = re.compile(r"\d%")
#: Commands whose examples name metrics, and the text of one example: /log Follower=12k Likes=3k.
_EXAMPLE = re.compile(r"/(log|goal|estimate)((?: (?:Aufrufe pro Video|[^\s=),;]+)=[^\s),;]+)+)")


def _prose(text: str) -> str:
    """``text`` with everything that is not German prose blanked out (replaced by ``x``)."""
    for pattern in _NOT_PROSE:
        text = pattern.sub(lambda m: "x" * len(m.group()), text)
    return text


def typography_faults(text: str) -> list[str]:
    """Each place where ``text`` breaks German conventions, as an excerpt with the reason, e.g.
    ``["\\"'%(text)s' ist\\" (straight quotes; German uses „…“)"]``; ``[]`` when right."""
    prose = _prose(text)
    faults: list[str] = []

    def fault(at: int, what: str) -> None:
        faults.append(f"{text[max(0, at - 20):at + 20]!r} ({what})")

    for quote in _STRAIGHT_QUOTES.finditer(prose):
        fault(quote.start(), "straight quotes; German uses „…“")
    opened = False
    for mark in re.finditer("[„“”«»]", prose):
        if mark.group() == "„" and not opened:
            opened = True
        elif mark.group() == "“" and opened:
            opened = False
        else:
            fault(mark.start(), f"{mark.group()!r} out of place; German quotes are „…“")
    if opened:
        fault(prose.rindex("„"), "„ without its closing “")
    for date in _DATE_FORMAT.finditer(prose):
        fault(date.start(), "English date format; German writes JJJJ-MM-TT")
    for percent in _PERCENT.finditer(prose):
        fault(percent.start(), "no space before %; German writes 17 %")
    return faults


def test_every_german_message_follows_german_typography() -> None:
    bad = [f"{msgid!r}: {'; '.join(faults)}" for msgid, string in translated_messages("de")
           if (faults := typography_faults(string))]
    assert not bad, f"{len(bad)} German messages break German typography:\n" + "\n".join(bad)


def test_every_metric_example_uses_the_german_field_names_and_parses() -> None:
    registry = build_registry()
    with i18n.using("de"):
        german = column_names()
        english = {key for key, name in german.items() if name != key}
        bad: list[str] = []
        checked = 0
        for msgid, string in translated_messages("de"):
            for example in _EXAMPLE.finditer(string):
                command, raw = example.group(1), example.group(2).strip().rstrip(".")
                if re.search(r"%\(\w+\)s", str(msgid)):  # python-format: %% shows as %
                    raw = raw.replace("%%", "%")
                keys = [token.split("=", 1)[0] for token in re.findall(r"\S+=\S+", raw)]
                if english.intersection(keys):
                    bad.append(f"{msgid!r}: /{command} {raw} (English field name; German: "
                               f"{', '.join(german[k] for k in english.intersection(keys))})")
                    continue
                spec = registry.get(command)
                assert spec is not None
                if all(token.split("=", 1)[1].startswith("<")
                       for token in re.findall(r"\S+=\S+", raw)):
                    continue  # a hint's form (/log Follower=<deine Follower>), not a value
                try:
                    parse_args(spec.args, raw, command=command)
                except ArgError as err:  # every failure is reported, not only the first
                    bad.append(f"{msgid!r}: /{command} {raw} does not parse: {err}")
                checked += 1
    assert checked >= 10, checked  # the catalogue shows many such examples: the pattern finds them
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("text", [
    "Du hast „%(text)s“ eingegeben.",
    "Meintest du „%(close)s“? Oder „%(other)s“?",
    "nutze JJJJ-MM-TT, z. B. date=2026-11-20",
    "etwa 17 % mehr Aufrufe, 0,5–3 %",
    "nenn mir deine Provision (/estimate commission=12%)",
    "Marge (gib deine an: margin=60%%)",
    "Quelle: https://eurodripusa.net/?p=3470 (5 %)",
    "ein öffnendes \" ohne schließendes",
])
def test_right_german_typography_passes(text: str) -> None:
    assert typography_faults(text) == []


@pytest.mark.parametrize("text", [
    "Du hast '%(text)s' eingegeben.",
    'Du hast "%(text)s" eingegeben.',
    "Du hast “%(text)s” eingegeben.",
    "Du hast «%(text)s» eingegeben.",
    "Du hast „%(text)s eingegeben.",
    "nutze YYYY-MM-DD",
    "etwa 17% mehr Aufrufe",
])
def test_wrong_german_typography_fails(text: str) -> None:
    assert typography_faults(text) != []
