"""The short keys a preview puts in its confirm command (``/undo confirm key=…``,
``/forget confirm key=…``): what they are made of, and what a typed key must look like."""

from __future__ import annotations

import hashlib
import re

_KEY = re.compile(r"[0-9a-f]{8}")


def confirm_key(shown: str) -> str:
    """The key of ``shown`` (text naming exactly what the preview showed): 8 hex digits of
    its SHA-256."""
    return hashlib.sha256(shown.encode()).hexdigest()[:8]


def typed_key(text: str) -> str | None:
    """``text`` as a key (spaces dropped, lower case), or None if it cannot be one; the
    command says why in its own words."""
    key = text.strip().lower()
    return key if _KEY.fullmatch(key) else None
