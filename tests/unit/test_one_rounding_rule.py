"""One place rounds every number a creator reads (:mod:`bot.domain.numbers`: ``rounded``,
``whole``, ``fixed``, half-up by ``ROUNDING``). Review: several shown numbers still went
through Python's ``round()`` (half to even) or a float format (``f"{x:.0f}"``), so 2.5
followers a week read "2", a price list's 225 read 220 and 2.25 read 2.2, against the README's
"Every language rounds alike". This test keeps both out of ``bot/``, except where the
number is not shown (each listed with why)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"

#: round() calls that produce no text a creator reads, by file: how many and why.
ROUND_ALLOWED = {
    "render/charts.py": (1, "which spark glyph a value gets"),
    "store/budget.py": (1, "a flood budget's units"),
    "domain/samples.py": (1, "sample data's followers"),
    "domain/videos.py": (1, "a stored average video length, to 0.1 s"),
    "domain/engine.py": (1, "a tip's score, for ordering"),
    "domain/estimator.py": (1, "a converted order value, computed with"),
    "commands/progress.py": (1, "which points a chart keeps"),
    # a typed count stored whole: input, not display; a count that is not whole is asked
    # about before this, so round() only removes float noise (1.2k*1000 = 1200.0000000000002)
    "core/args.py": (1, "a typed count stored whole"),
    "commands/estimate.py": (6, "--json data, numbers for programs"),
}
#: Float formats with a precision ('.0f', '.3g', '.1%') in f-strings that are no creator's
#: number, by file: how many and why.
FORMAT_ALLOWED = {
    "core/args.py": (1, "a number beyond 1e15, refused"),
    "adapters/discord_adapter.py": (1, "an operator's start error"),
}
_PRECISION = re.compile(r"\.\d+[eEfFgG%]")


def _counts() -> tuple[dict[str, int], dict[str, int]]:
    rounds: dict[str, int] = {}
    formats: dict[str, int] = {}
    for path in sorted(BOT.rglob("*.py")):
        name = path.relative_to(BOT).as_posix()
        if name == "domain/numbers.py":  # the one place
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "round"):
                rounds[name] = rounds.get(name, 0) + 1
            if (isinstance(node, ast.FormattedValue) and node.format_spec is not None
                    and _PRECISION.search(ast.unparse(node.format_spec))):
                formats[name] = formats.get(name, 0) + 1
    return rounds, formats


def test_no_shown_number_is_rounded_outside_numbers() -> None:
    rounds, formats = _counts()
    assert rounds == {name: n for name, (n, _why) in ROUND_ALLOWED.items()}, (
        "round() outside bot/domain/numbers.py: use numbers.whole / numbers.rounded")
    assert formats == {name: n for name, (n, _why) in FORMAT_ALLOWED.items()}, (
        "a float format outside bot/domain/numbers.py: use numbers.fixed / number / pct")
