"""The short keys a preview puts in its confirm command (``/undo confirm key=…``,
``/forget confirm key=…``): what they are made of, and what a typed key must look like.

A key must come out the same in every process (a preview in one ``ask``, its confirm in the
next, or after a restart), so it is a SHA-256 of :func:`key_text`, never of ``repr()`` or
``hash()``: a set's ``repr`` lists its members in hash order, which PYTHONHASHSEED changes
from one start to the next."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

_KEY = re.compile(r"[0-9a-f]{8}")


def key_text(value: object) -> str:
    """``value`` as text that is the same in every process: strings JSON-quoted, numbers by
    ``repr``, dates ISO, dataclasses field by field (their type's name first), lists and
    tuples in order, sets and frozensets sorted, dicts sorted by key.

    Raises TypeError for any other type, so nothing falls back to a ``repr`` that may
    depend on the process."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ",".join(f"{f.name}={key_text(getattr(value, f.name))}"
                         for f in dataclasses.fields(value))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(key_text(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(key_text(v) for v in value)) + "}"
    if isinstance(value, dict):
        items = sorted((key_text(k), key_text(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    raise TypeError(f"no stable key text for {type(value).__name__}")


def confirm_key(*shown: object) -> str:
    """The key of ``shown`` (values naming exactly what the preview showed): 8 hex digits of
    the SHA-256 of their :func:`key_text`, the same in every process."""
    return hashlib.sha256(key_text(list(shown)).encode()).hexdigest()[:8]


def typed_key(text: str) -> str | None:
    """``text`` as a key (spaces dropped, full-width forms as their ASCII ones: NFKC, as
    names and numbers are read; lower case), or None if it cannot be one; the command says
    why in its own words."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    return key if _KEY.fullmatch(key) else None


def confirms(args: Mapping[str, Any]) -> bool:
    """Whether ``args`` (a command's, as parsed) confirm what a preview or a held reply
    showed: ``confirm``, or a ``key=`` alone (only a confirm line carries one, so a key typed
    without its ``confirm`` means it). The key still has to be the one shown: what it is for
    is the command's to check. The one rule of /log, /undo and /forget."""
    return bool(args.get("confirm")) or args.get("key") is not None
