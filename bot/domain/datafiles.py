"""Load TOML data files (rules, rate tables) into pydantic models, failing with file:line:field.

The one loader every data file in ``strategies/`` goes through, so a maintainer who breaks a
file sees ``strategies/rates/brand.toml:14: tiers[2].low: Input should be a valid number``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DataFileError(Exception):
    """A data file is malformed. ``str(err)`` is ``path:line: field: problem`` lines."""

    def __init__(self, path: Path, problems: list[tuple[int | None, str, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = []
        for line, where, what in problems:
            loc = f"{path}:{line}" if line else str(path)
            lines.append(f"{loc}: {where}: {what}" if where else f"{loc}: {what}")
        super().__init__("\n".join(lines))


_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]+\")\s*=")


def locate(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort 1-based line of a pydantic error location inside TOML ``text``.

    Handles the shapes our files use: top-level keys, ``[table]`` keys and ``[[array]]``
    entries (``loc = ("rules", 3, "priority")`` is the 4th ``[[rules]]`` block's key).
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    path = list(loc)
    prefix = ""
    while path:
        head = path.pop(0)
        if isinstance(head, int):
            continue
        dotted = f"{prefix}.{head}" if prefix else str(head)
        if path and isinstance(path[0], int):
            index = int(path.pop(0))
            seen = -1
            found = None
            for i in range(start, end):
                m = _HEADER.match(lines[i])
                if m and m.group(1) == dotted:
                    seen += 1
                    if seen == index:
                        found = i
                        break
            if found is None:
                break
            block_end = end
            for i in range(found + 1, end):
                if _HEADER.match(lines[i]) or _TABLE.match(lines[i]):
                    name = (_HEADER.match(lines[i]) or _TABLE.match(lines[i]))
                    assert name is not None
                    if not name.group(1).startswith(dotted + "."):
                        block_end = i
                        break
            start, end, prefix = found, block_end, dotted
            if not path:
                return found + 1
            continue
        for i in range(start, end):
            t = _TABLE.match(lines[i])
            if t and t.group(1) == dotted and path:
                start, prefix = i, dotted
                break
            k = _KEY.match(lines[i])
            if k and k.group(1).strip('"') == str(head):
                return i + 1
        else:
            return start + 1 if start else None
    return start + 1 if start else None


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_toml(path: Path, model: type[M]) -> M:
    """Parse ``path`` and validate it as ``model``; raise :class:`DataFileError` if bad."""
    import tomllib  # (here: DataFileError is imported at every start, a file read by few)

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, [(None, "", f"cannot read: {exc}")]) from exc
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise DataFileError(path, [(int(m.group(1)) if m else None, "", str(exc))]) from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [
            (locate(text, tuple(err["loc"])), _where(tuple(err["loc"])), err["msg"])
            for err in exc.errors()
        ]
        raise DataFileError(path, problems) from exc
