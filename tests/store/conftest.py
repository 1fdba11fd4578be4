"""Fixtures of the store tests."""

from __future__ import annotations

import collections
from typing import Any

import aiosqlite.core
import pytest


@pytest.fixture
def thread_hops(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Hand-offs to aiosqlite's worker threads, by the function handed off."""
    counts: collections.Counter[str] = collections.Counter()
    original = aiosqlite.core.Connection._execute

    async def counting(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        counts[getattr(fn, "__name__", "?")] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counting)
    return counts
