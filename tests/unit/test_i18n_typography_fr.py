"""French typography in the French catalogue: a no-break space before ``:`` ``;`` ``!`` ``?``
and inside « ».

French puts a space before the two-part punctuation marks and inside guillemets, and that space
must not break (a line that starts with ``:`` or ``»`` reads as a mistake). So every French
``msgstr`` writes U+00A0 (or the narrow U+202F) there, never a normal space and never nothing.

What is not prose is left alone, each by one precise rule below: times (``12:30``, ``1:02:30``),
addresses (``https://…``), what a creator types (``time=18:00``, ``category:trends``), a CSV header
written with ``;`` between column names (``Date;Abonnés;Vues``), code in backticks, and ``?!``
where the second mark follows the first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from tests.auxil.catalogues import translated_messages

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_studio"

#: The no-break spaces French typography accepts before ``: ; ! ?`` and inside « ».
NO_BREAK = "\u00a0\u202f"
NB = "\u00a0"

#: Stretches that are not French prose, blanked before checking (same length, so positions hold).
_NOT_PROSE = (
    re.compile(r"`[^`]*`"),                       # code in backticks
    re.compile(r"\S+://\S*|\bwww\.\S+"),         # addresses, query strings included (?p=3470)
    re.compile(r"\b\d{1,2}(?::\d{2}){1,2}\b"),     # times and durations: 12:30, 1:05, 1:02:30
    re.compile(r"[^\s=]+=\S+"),                    # typed key=value syntax: time=18:00, confirm=x
    re.compile(r"\b[a-z_]+:(?=[\w<])"),            # typed option:value syntax: category:trends
    re.compile(r"(?<=[^\s;]);(?=[^\s;])"),         # a CSV header: Date;Abonnés;Vues;…
)
_MARK = re.compile(r"[:;!?]")


def _prose(text: str) -> str:
    """``text`` with everything that is not French prose blanked out (replaced by ``x``)."""
    for pattern in _NOT_PROSE:
        text = pattern.sub(lambda m: "x" * len(m.group()), text)
    return text


def typography_faults(text: str) -> list[str]:
    """Each place in ``text`` where French typography wants a no-break space and has none,
    as an excerpt, e.g. ``["'Abonnés : 12' (normal space before ':')"]``; ``[]`` when right."""
    prose = _prose(text)
    faults: list[str] = []

    def fault(at: int, what: str) -> None:
        faults.append(f"{text[max(0, at - 20):at + 20]!r} ({what})")

    for mark in _MARK.finditer(prose):
        at = mark.start()
        before = text[at - 1] if at else ""
        if before in NO_BREAK:
            continue
        if mark.group() in "!?" and before in "!?":  # ?! and !? take one space, before the first
            continue
        what = "normal space" if before.isspace() else "no space"
        fault(at, f"{what} before {mark.group()!r}")
    for quote in re.finditer("«", prose):
        after = text[quote.end():quote.end() + 1]
        if after not in tuple(NO_BREAK):
            fault(quote.start(), "no no-break space after '«'")
    for quote in re.finditer("»", prose):
        before = text[quote.start() - 1:quote.start()]
        if before not in tuple(NO_BREAK):
            fault(quote.start(), "no no-break space before '»'")
    return faults


def test_every_french_message_has_no_break_spaces_where_french_typography_wants_them() -> None:
    bad = [f"{msgid!r}: {'; '.join(faults)}" for msgid, string in translated_messages("fr")
           if (faults := typography_faults(string))]
    assert not bad, f"{len(bad)} French messages lack a no-break space:\n" + "\n".join(bad)


@pytest.mark.parametrize("text", [
    f"Abonnés{NB}: 12k{NB}; vues{NB}: 40k",
    f"Au revoir{NB}! Ça va{NB}?",
    f"Quoi{NB}?!",
    f"vous avez saisi «{NB}%(text)s{NB}»",
    f"%(study)s{NB}: 8{NB}%",
    f"par défaut{NB}: le lundi à 10:00, ou 1:02:30",
    f"source{NB}: https://example.com/a?b=1{NB}; fin",  # the address ends at the no-break space
    "/subscribe day=friday time=18:00 et /tips category:trends",
    "Envoyez un CSV (Date;Abonnés;Vues;…).",
    "Tapez `a:b` tel quel.",
    "\u00ab\u202fguillemets\u202f\u00bb et fin\u202f!",
])
def test_right_french_typography_passes(text: str) -> None:
    assert typography_faults(text) == []


@pytest.mark.parametrize("text", [
    "Abonnés : 12k",             # normal space before :
    "Abonnés: 12k",              # no space before :
    "Au revoir !",
    "Ça va?",
    "vous ; nous",
    f"vous avez saisi « %(text)s{NB}»",
    f"vous avez saisi «{NB}%(text)s »",
    "%(study)s : 8 %",
    "à 10:00 : le lundi",        # the time is excluded, the colon after it is not
    f"https://example.com ; fin{NB}!",  # after the address, prose again
])
def test_wrong_french_typography_fails(text: str) -> None:
    assert typography_faults(text) != []


#: A "?" standing alone marks something unknown (/why, /estimate): a symbol, like ✓ and ✗.
_UNKNOWN_MARK = re.compile(r"(?<!\S)\?(?!\S)")


async def test_french_replies_join_each_label_and_its_value_the_french_way(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Hostile trial: "Abonnés: 10 k" in /log and /stats. What the bot joins itself (a label
    and its value in a template, two notes in code, the console's "[button: /command]") gets
    the no-break space the French sentences have, in the replies a creator reads."""
    csv = tmp_path / "h.csv"
    csv.write_text("date,followers,views,likes,comments,shares\n"
                   "2026-10-01,12000,40000,3000,200,90\n2026-10-08,11000,38000,2900,190,80\n")
    lines = ["/settings language=fr currency=EUR", f'/import path="{csv}"',
             f'/import path="{csv}" confirm', "/log followers=10k views=40k likes=3.1k",
             "/stats", "/history", "/goal followers=20k", "/goal",
             "/payout rewards=412 views=610k month=2026-10", "/payout", "/ratecard",
             "/tips", "/estimate", f'/import path="{FIXTURES / "tiktok_studio_export.zip"}"']
    faults = []
    for line in lines:
        text = (await console.ask(line)).text
        faults += [f"{line}: {fault}" for row in text.splitlines()
                   for fault in typography_faults(_UNKNOWN_MARK.sub("x", row))]
    assert not faults, "\n".join(faults)
    stats = (await console.ask("/stats")).text
    assert f"• Abonnés{NB}: 10\u00a0k" in stats, stats
