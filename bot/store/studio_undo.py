"""What a TikTok Studio import changes outside the snapshots, kept so /undo can take it back.

Shared by the SQLite and PostgreSQL stores (each runs the SQL in its own dialect): before an
import writes its videos, audience shares, active hours and extra daily series, the store reads
the creator's rows of those tables and keeps a *before-image* (table ``studio_before``, one row
per row the import adds or replaces: the row as it was, or nothing if the import adds it).
Undoing the import deletes each such row and writes the earlier one back. Only the most recent
action can be undone, so before-images are always applied newest first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bot.core.ports import StudioRecord
from bot.domain.studio import StudioImport

#: The tables a Studio import writes besides snapshots, with their key columns (user_id aside).
KEYS: Final[dict[str, tuple[str, ...]]] = {
    "videos": ("video_id",),
    "audience_shares": ("dimension", "label"),
    "audience_activity": ("day", "hour"),
    "studio_daily": ("day", "series"),
}
#: How /history and /undo name the audience parts an import replaced.
AUDIENCE_PARTS: Final = ("territories", "genders", "active hours")
_IDENTIFIER = re.compile(r"[a-z_]{1,40}")


@dataclass(frozen=True, slots=True)
class BeforeRow:
    """One row of ``studio_before``: ``key`` and ``data`` are JSON (``data`` ``None``: the
    import added the row, so undoing it deletes the row)."""

    table: str
    key: str
    data: str | None


@dataclass(frozen=True, slots=True)
class StudioWrite:
    """What an import writes outside snapshots, summarised for ``studio_imports``."""

    before: tuple[BeforeRow, ...]
    files: str
    videos_added: int
    videos_updated: int
    audience: str
    daily_days: int


def _key(table: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in KEYS[table])


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def new_keys(studio: StudioImport) -> dict[str, set[tuple[Any, ...]]]:
    """The keys of the rows ``studio`` writes, by table (as the stores write them)."""
    return {
        "videos": {(v.video_id,) for v in studio.videos},
        "audience_shares": {(dim, label) for dim, shares in (("territory", studio.territories),
                                                             ("gender", studio.genders))
                            for label, _ in shares},
        "audience_activity": {(d.isoformat(), h) for d, h, _ in studio.activity},
        "studio_daily": {(d.isoformat(), name) for d, name, _ in studio.extra_daily()},
    }


def replaced_dimensions(studio: StudioImport) -> list[str]:
    """The audience_shares dimensions ``studio`` replaces as a whole."""
    return [dim for dim, shares in (("territory", studio.territories),
                                    ("gender", studio.genders)) if shares]


def plan_write(studio: StudioImport, current: Mapping[str, Sequence[Mapping[str, Any]]]
               ) -> StudioWrite:
    """The before-image of ``studio`` over ``current`` (the creator's rows of each table of
    :data:`KEYS`, as column -> value mappings without ``user_id``), and its summary.

    A file of territories, genders or active hours replaces every row of its kind, so every
    such row is kept; videos and daily series are kept where the import writes the same key."""
    dims = set(replaced_dimensions(studio))
    def in_scope(table: str, row: Mapping[str, Any]) -> bool:
        if table == "audience_shares":
            return row["dimension"] in dims
        return table == "audience_activity" and bool(studio.activity)

    writes = new_keys(studio)
    before: list[BeforeRow] = []
    counts: dict[str, tuple[int, int]] = {}
    for table, keys in writes.items():
        held = {_key(table, row): row for row in current.get(table, ())}
        affected = set(keys) | {k for k, row in held.items() if in_scope(table, row)}
        added = updated = 0
        for key in sorted(affected, key=_json):
            row = held.get(key)
            before.append(BeforeRow(table, _json(list(key)),
                                    None if row is None else _json(dict(row))))
            if key in keys:
                added, updated = (added + 1, updated) if row is None else (added, updated + 1)
        counts[table] = (added, updated)
    audience = [part for part, present in zip(
        AUDIENCE_PARTS, (studio.territories, studio.genders, studio.activity), strict=True)
        if present]
    files = ", ".join(f.name for f in studio.files)
    return StudioWrite(tuple(before), files, counts["videos"][0], counts["videos"][1],
                       ",".join(audience), len({d for d, _, _ in studio.extra_daily()}))


@dataclass(frozen=True, slots=True)
class Restore:
    """One step of undoing an import: delete the row of ``table`` whose key columns hold
    ``key``, then insert ``row`` (column -> value) if there is one."""

    table: str
    key: dict[str, Any]
    row: dict[str, Any] | None


def restores(rows: Iterable[tuple[str, str, str | None]]) -> list[Restore]:
    """``(table, row_key, row_data)`` rows of ``studio_before`` as steps. Raises
    ``ValueError`` for a table or column name that is not one of the store's own."""
    out = []
    for table, key_text, data_text in rows:
        if table not in KEYS:
            raise ValueError(f"unknown table in studio_before: {table!r}")
        key = dict(zip(KEYS[table], json.loads(key_text), strict=True))
        row = None if data_text is None else dict(json.loads(data_text))
        if row is not None and not all(_IDENTIFIER.fullmatch(c) for c in row):
            raise ValueError(f"unexpected column in studio_before of {table}")
        out.append(Restore(table, key, row))
    return out


def record_row(user_id: int, action: int, imported_at: str, write: StudioWrite
               ) -> tuple[Any, ...]:
    """A ``studio_imports`` row: ``(user_id, action, imported_at, files, videos_added,
    videos_updated, audience, daily_days)``."""
    return (user_id, action, imported_at, write.files, write.videos_added,
            write.videos_updated, write.audience, write.daily_days)


def record(row: Any) -> StudioRecord:
    """A ``studio_imports`` row (a ``sqlite3.Row`` or an asyncpg record) as a
    :class:`~bot.core.ports.StudioRecord`."""
    return StudioRecord(action=int(row["action"]),
                        imported_at=datetime.fromisoformat(str(row["imported_at"])),
                        files=str(row["files"]), videos_added=int(row["videos_added"]),
                        videos_updated=int(row["videos_updated"]),
                        audience=tuple(p for p in str(row["audience"]).split(",") if p),
                        daily_days=int(row["daily_days"]))
