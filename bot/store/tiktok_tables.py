"""The SQLite side of :class:`bot.core.connections.ConnectionStore` (mixed into SqliteStore).

Tokens arrive and leave as ciphertext: this module never sees a token in plain text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.domain.metrics import MetricSnapshot
from bot.domain.videos import DayTotals

if TYPE_CHECKING:
    import aiosqlite

    # (imported where rows become them: a SQLite store that talks to no TikTok, as a
    # console ``ask "/stats"`` does, imports no connection code)
    from bot.core.connections import PendingAuth, StoredConnection, SyncSaved, SyncWrite



def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def _pending_auth(row: sqlite3.Row | Mapping[str, Any]) -> PendingAuth:
    """A ``tiktok_auth_states`` row (SQLite or PostgreSQL) as the pending consent it holds."""
    from bot.core.connections import PendingAuth

    expires = _when(row["expires_at"])
    assert expires is not None
    return PendingAuth(state=row["state"], user_id=row["user_id"],
                       verifier=bytes(row["verifier"]), chat_platform=row["chat_platform"],
                       chat_id=row["chat_id"], expires_at=expires)


def _connection(row: sqlite3.Row) -> StoredConnection:
    from bot.core.connections import StoredConnection

    access_expires = _when(row["access_expires_at"])
    connected = _when(row["connected_at"])
    assert access_expires is not None and connected is not None
    return StoredConnection(
        user_id=row["user_id"], open_id=row["open_id"], display_name=row["display_name"],
        scope=row["scope"], access_token=bytes(row["access_token"]),
        access_expires_at=access_expires, refresh_token=bytes(row["refresh_token"]),
        refresh_expires_at=_when(row["refresh_expires_at"]), status=row["status"],
        notified=bool(row["notified"]), chat_platform=row["chat_platform"],
        chat_id=row["chat_id"], connected_at=connected,
        last_sync_at=_when(row["last_sync_at"]), likes_total=row["likes_total"],
        video_count=row["video_count"],
    )


async def _upsert_connection(db: aiosqlite.Connection, c: StoredConnection) -> None:
    await db.execute(
        "INSERT OR REPLACE INTO tiktok_connections (user_id, open_id, display_name,"
        " scope, access_token, access_expires_at, refresh_token, refresh_expires_at,"
        " status, notified, chat_platform, chat_id, connected_at, last_sync_at,"
        " likes_total, video_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (c.user_id, c.open_id, c.display_name, c.scope, c.access_token,
         _iso(c.access_expires_at), c.refresh_token,
         None if c.refresh_expires_at is None else _iso(c.refresh_expires_at),
         c.status, int(c.notified), c.chat_platform, c.chat_id, _iso(c.connected_at),
         None if c.last_sync_at is None else _iso(c.last_sync_at), c.likes_total,
         c.video_count),
    )


class TikTokTables:
    """Connection, authorization-state and per-video queries; one transaction per write."""

    if TYPE_CHECKING:
        def _write(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

        def _read(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

        async def _insert_snapshot(
            self, db: aiosqlite.Connection, user_id: int, changes: Mapping[str, float],
            taken_at: datetime, source: str,
        ) -> MetricSnapshot: ...

    # -- authorizations in progress ---------------------------------------------------------

    async def save_auth_state(self, pending: PendingAuth) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO tiktok_auth_states (state, user_id, verifier, chat_platform,"
                " chat_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (pending.state, pending.user_id, pending.verifier, pending.chat_platform,
                 pending.chat_id, _iso(pending.expires_at)),
            )

    async def take_auth_state(self, state: str) -> PendingAuth | None:
        async with self._write() as db, db.execute(
            "DELETE FROM tiktok_auth_states WHERE state = ? RETURNING *", (state,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return _pending_auth(row)

    async def purge_auth_states(self, now: datetime) -> int:
        async with self._write() as db, db.execute(
            "DELETE FROM tiktok_auth_states WHERE expires_at < ?", (_iso(now),)
        ) as cur:
            return max(cur.rowcount, 0)

    # -- connections ------------------------------------------------------------------------

    async def save_connection(self, connection: StoredConnection) -> None:
        async with self._write() as db:
            await _upsert_connection(db, connection)

    async def connection(self, user_id: int) -> StoredConnection | None:
        async with self._read() as db, db.execute(
            "SELECT * FROM tiktok_connections WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else _connection(row)

    async def connections(self, *, status: str = "active") -> list[StoredConnection]:
        async with self._read() as db, db.execute(
            "SELECT * FROM tiktok_connections WHERE status = ? ORDER BY user_id", (status,)
        ) as cur:
            return [_connection(r) for r in await cur.fetchall()]

    async def update_tokens(
        self, user_id: int, access_token: bytes, access_expires_at: datetime,
        refresh_token: bytes, refresh_expires_at: datetime | None,
    ) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE tiktok_connections SET access_token = ?, access_expires_at = ?,"
                " refresh_token = ?, refresh_expires_at = ? WHERE user_id = ?",
                (access_token, _iso(access_expires_at), refresh_token,
                 None if refresh_expires_at is None else _iso(refresh_expires_at), user_id),
            )

    async def mark_revoked(self, user_id: int) -> bool:
        async with self._write() as db:
            await db.execute(
                "UPDATE tiktok_connections SET status = 'revoked' WHERE user_id = ?", (user_id,)
            )
            async with db.execute(
                "UPDATE tiktok_connections SET notified = 1 WHERE user_id = ? AND notified = 0"
                " RETURNING user_id", (user_id,),
            ) as cur:
                first = await cur.fetchone()
        return first is not None

    async def delete_connection(self, user_id: int) -> bool:
        async with self._write() as db:
            await db.execute("DELETE FROM tiktok_auth_states WHERE user_id = ?", (user_id,))
            async with db.execute(
                "DELETE FROM tiktok_connections WHERE user_id = ?", (user_id,)
            ) as cur:
                return cur.rowcount > 0

    # -- videos -----------------------------------------------------------------------------

    async def day_totals(self, user_id: int) -> list[DayTotals]:
        async with self._read() as db, db.execute(
            "SELECT * FROM video_totals WHERE user_id = ? ORDER BY day", (user_id,)
        ) as cur:
            return [DayTotals(r["day"], r["views"], r["likes"], r["comments"], r["shares"])
                    for r in await cur.fetchall()]

    async def save_sync(self, write: SyncWrite) -> SyncSaved:
        from bot.core.connections import SyncSaved

        w = write
        async with self._write() as db:
            if w.connection is not None:
                await _upsert_connection(db, w.connection)
            if w.reset:
                await db.execute("DELETE FROM videos WHERE user_id = ?", (w.user_id,))
                await db.execute("DELETE FROM video_totals WHERE user_id = ?", (w.user_id,))
            async with db.execute(
                "SELECT given FROM snapshots WHERE user_id = ? AND taken_at >= ?"
                " AND source <> 'sync' AND replaced_by IS NULL", (w.user_id, _iso(w.day_start)),
            ) as cur:
                typed = {g for (given,) in await cur.fetchall()
                         for g in str(given).split(",") if g}
            kept = {k: v for k, v in w.changes.items() if k not in typed}
            snapshot: MetricSnapshot | None = None
            if kept:  # its own action, like a /log: /history shows it, /undo can remove it
                snapshot = await self._insert_snapshot(db, w.user_id, kept, w.taken_at, "sync")
            async with db.execute(
                "SELECT video_id FROM videos WHERE user_id = ?", (w.user_id,)
            ) as cur:
                known = {str(r[0]) for r in await cur.fetchall()}
            now = _iso(w.taken_at)
            as_of = w.totals.day  # the creator's day of the sync (its totals')
            rows: list[tuple[Any, ...]] = [
                (w.user_id, v.video_id, v.title, v.link,
                 None if v.posted_on is None else v.posted_on.isoformat(), as_of, v.views,
                 v.likes, v.comments, v.shares, now,
                 None if v.posted_at is None else _iso(v.posted_at), v.duration, v.source)
                for v in w.videos
            ]
            await db.executemany(
                "INSERT INTO videos (user_id, video_id, title, link, posted_on, as_of, views,"
                " likes, comments, shares, updated_at, posted_at, duration, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id, video_id) DO UPDATE SET title = excluded.title,"
                " link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE videos.link END,"
                " posted_on = excluded.posted_on, as_of = excluded.as_of,"
                " views = excluded.views, likes = excluded.likes,"
                " comments = excluded.comments, shares = excluded.shares,"
                " updated_at = excluded.updated_at, posted_at = excluded.posted_at,"
                " duration = excluded.duration, source = excluded.source",
                rows,
            )
            t = w.totals
            await db.execute(
                "INSERT OR REPLACE INTO video_totals (user_id, day, views, likes, comments,"
                " shares) VALUES (?, ?, ?, ?, ?, ?)",
                (w.user_id, t.day, t.views, t.likes, t.comments, t.shares),
            )
            await db.execute(
                "UPDATE tiktok_connections SET display_name = ?, likes_total = ?,"
                " video_count = ?, last_sync_at = ? WHERE user_id = ?",
                (w.display_name, w.likes_total, w.video_count, now, w.user_id),
            )
        new = sum(1 for v in w.videos if v.video_id not in known)
        return SyncSaved(snapshot=snapshot, kept=frozenset(kept), new_videos=new)

