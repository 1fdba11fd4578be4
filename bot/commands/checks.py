"""Plausibility of imported rows, for the /import previews (CSV and TikTok Studio)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from bot.core.context import CommandContext
from bot.core.csv_import import EARLIEST
from bot.domain.daily import snapshot_day
from bot.domain.metrics import import_checks

#: Flagged rows (and clashes) a preview lists; the rest are counted.
SHOWN = 8


def _shown(found: Sequence[tuple[datetime, str]], zone: tzinfo
           ) -> tuple[list[dict[str, str]], int]:
    """The first :data:`SHOWN` of ``found`` as ``{"date", "text"}`` (the creator's day of each,
    :func:`~bot.domain.daily.snapshot_day`) and how many more."""
    return ([{"date": snapshot_day(at, zone).isoformat(), "text": text}
             for at, text in found[:SHOWN]], max(0, len(found) - SHOWN))


async def flagged_rows(ctx: CommandContext,
                       rows: Sequence[tuple[datetime, Mapping[str, float]]]) -> dict[str, Any]:
    """What an import's preview flags, checked against the stored history
    (:func:`bot.domain.metrics.import_checks`): ``{"rows": [{"date", "text"}, …], "more": n,
    "clashes": [{"date", "text"}, …], "clashes_more": m}``. ``rows`` are the file's rows that
    look wrong, each checked as a ``/log`` of it would be; ``clashes`` where the file and what
    the creator logged disagree (their own /log is never called a fault of the file). At most
    :data:`SHOWN` of each are listed, the rest counted."""
    entries = await ctx.store.entries(ctx.user.id, since=EARLIEST)
    history = [e.snapshot for e in entries]
    replaced = [e.import_day for e in entries]  # by which day an import replaces each
    zone = (await ctx.store.get_settings(ctx.user.id)).zone
    found = await asyncio.to_thread(lambda: import_checks(history, rows, zone=zone,
                                                          replaced_on=replaced))
    listed, more = _shown(found.rows, zone)
    clashes, clashes_more = _shown(found.clashes, zone)
    return {"rows": listed, "more": more, "clashes": clashes, "clashes_more": clashes_more}
