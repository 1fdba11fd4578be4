"""Plausibility of imported rows, for the /import previews (CSV and TikTok Studio)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.core.context import CommandContext
from bot.core.csv_import import EARLIEST
from bot.domain.metrics import implausible_rows

#: Flagged rows a preview lists; the rest are counted.
SHOWN = 8


async def flagged_rows(ctx: CommandContext,
                       rows: Sequence[tuple[datetime, Mapping[str, float]]]) -> dict[str, Any]:
    """The rows of an import that look wrong, as the preview shows them: ``{"rows": [{"date",
    "text"}, …], "more": n}`` (at most :data:`SHOWN` listed), each checked as a ``/log`` of it
    would be (:func:`bot.domain.metrics.implausible_rows`) against the stored history."""
    history = await ctx.store.history(ctx.user.id, since=EARLIEST)
    found = await asyncio.to_thread(implausible_rows, history, rows)
    return {"rows": [{"date": at.date().isoformat(), "text": text}
                     for at, text in found[:SHOWN]],
            "more": max(0, len(found) - SHOWN)}
