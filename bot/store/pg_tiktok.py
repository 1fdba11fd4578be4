"""The PostgreSQL side of :class:`bot.core.connections.ConnectionStore` (mixed into
PostgresStore); the same queries as :mod:`bot.store.tiktok_tables`. Tokens arrive and leave as
ciphertext: this module never sees a token in plain text."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.connections import (
    DayTotals,
    PendingAuth,
    StoredConnection,
    SyncSaved,
    SyncWrite,
)
from bot.domain.metrics import MetricSnapshot
from bot.store.tiktok_tables import _connection, _iso, _pending_auth

_Conn = Any  # asyncpg.Connection


def _f(value: float | None) -> float | None:
    return None if value is None else float(value)


async def _upsert_connection(db: _Conn, c: StoredConnection) -> None:
    await db.execute(
        "INSERT INTO tiktok_connections (user_id, open_id, display_name, scope, access_token,"
        " access_expires_at, refresh_token, refresh_expires_at, status, notified,"
        " chat_platform, chat_id, connected_at, last_sync_at, likes_total, video_count)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        " ON CONFLICT (user_id) DO UPDATE SET open_id = excluded.open_id,"
        " display_name = excluded.display_name, scope = excluded.scope,"
        " access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,"
        " refresh_token = excluded.refresh_token,"
        " refresh_expires_at = excluded.refresh_expires_at, status = excluded.status,"
        " notified = excluded.notified, chat_platform = excluded.chat_platform,"
        " chat_id = excluded.chat_id, connected_at = excluded.connected_at,"
        " last_sync_at = excluded.last_sync_at, likes_total = excluded.likes_total,"
        " video_count = excluded.video_count",
        c.user_id, c.open_id, c.display_name, c.scope, c.access_token,
        _iso(c.access_expires_at), c.refresh_token,
        None if c.refresh_expires_at is None else _iso(c.refresh_expires_at),
        c.status, int(c.notified), c.chat_platform, c.chat_id, _iso(c.connected_at),
        None if c.last_sync_at is None else _iso(c.last_sync_at), _f(c.likes_total),
        _f(c.video_count))


class PgTikTokTables:
    """Connection, authorization-state and per-video queries; one transaction per write."""

    if TYPE_CHECKING:
        def _write(self, user_id: int | None = None) -> AbstractAsyncContextManager[_Conn]: ...

        def _read(self) -> AbstractAsyncContextManager[_Conn]: ...

        async def _insert(self, db: _Conn, user_id: int, changes: Mapping[str, float],
                          taken_at: datetime, source: str) -> MetricSnapshot: ...

    async def save_auth_state(self, pending: PendingAuth) -> None:
        async with self._write(pending.user_id) as db:
            await db.execute(
                "INSERT INTO tiktok_auth_states (state, user_id, verifier, chat_platform,"
                " chat_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                pending.state, pending.user_id, pending.verifier, pending.chat_platform,
                pending.chat_id, _iso(pending.expires_at))

    async def take_auth_state(self, state: str) -> PendingAuth | None:
        async with self._write() as db:
            row = await db.fetchrow(
                "DELETE FROM tiktok_auth_states WHERE state = $1 RETURNING *", state)
        if row is None:
            return None
        return _pending_auth(row)

    async def purge_auth_states(self, now: datetime) -> int:
        async with self._write() as db:
            status = await db.execute(
                "DELETE FROM tiktok_auth_states WHERE expires_at < $1", _iso(now))
        return int(status.rsplit(" ", 1)[-1])

    async def save_connection(self, connection: StoredConnection) -> None:
        async with self._write(connection.user_id) as db:
            await _upsert_connection(db, connection)

    async def connection(self, user_id: int) -> StoredConnection | None:
        async with self._read() as db:
            row = await db.fetchrow("SELECT * FROM tiktok_connections WHERE user_id = $1",
                                    user_id)
        return None if row is None else _connection(row)

    async def connections(self, *, status: str = "active") -> list[StoredConnection]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM tiktok_connections WHERE status = $1 ORDER BY user_id", status)
        return [_connection(r) for r in rows]

    async def update_tokens(
        self, user_id: int, access_token: bytes, access_expires_at: datetime,
        refresh_token: bytes, refresh_expires_at: datetime | None,
    ) -> None:
        async with self._write(user_id) as db:
            await db.execute(
                "UPDATE tiktok_connections SET access_token = $1, access_expires_at = $2,"
                " refresh_token = $3, refresh_expires_at = $4 WHERE user_id = $5",
                access_token, _iso(access_expires_at), refresh_token,
                None if refresh_expires_at is None else _iso(refresh_expires_at), user_id)

    async def mark_revoked(self, user_id: int) -> bool:
        async with self._write(user_id) as db:
            await db.execute(
                "UPDATE tiktok_connections SET status = 'revoked' WHERE user_id = $1", user_id)
            first = await db.fetchval(
                "UPDATE tiktok_connections SET notified = 1 WHERE user_id = $1 AND notified = 0"
                " RETURNING user_id", user_id)
        return first is not None

    async def delete_connection(self, user_id: int) -> bool:
        async with self._write(user_id) as db:
            await db.execute("DELETE FROM tiktok_auth_states WHERE user_id = $1", user_id)
            status = await db.execute("DELETE FROM tiktok_connections WHERE user_id = $1",
                                      user_id)
        return int(status.rsplit(" ", 1)[-1]) > 0

    async def day_totals(self, user_id: int) -> list[DayTotals]:
        async with self._read() as db:
            rows = await db.fetch("SELECT * FROM video_totals WHERE user_id = $1 ORDER BY day",
                                  user_id)
        return [DayTotals(r["day"], r["views"], r["likes"], r["comments"], r["shares"])
                for r in rows]

    async def save_sync(self, write: SyncWrite) -> SyncSaved:
        w = write
        async with self._write(w.user_id) as db:
            if w.connection is not None:
                await _upsert_connection(db, w.connection)
            if w.reset:
                await db.execute("DELETE FROM videos WHERE user_id = $1", w.user_id)
                await db.execute("DELETE FROM video_totals WHERE user_id = $1", w.user_id)
            rows = await db.fetch(
                "SELECT given FROM snapshots WHERE user_id = $1 AND taken_at >= $2"
                " AND source <> 'sync' AND replaced_by IS NULL", w.user_id, _iso(w.day_start))
            typed = {g for (given,) in rows for g in str(given).split(",") if g}
            kept = {k: v for k, v in w.changes.items() if k not in typed}
            snapshot: MetricSnapshot | None = None
            if kept:  # its own action, like a /log: /history shows it, /undo can remove it
                snapshot = await self._insert(db, w.user_id, kept, w.taken_at, "sync")
            known = {str(r[0]) for r in await db.fetch(
                "SELECT video_id FROM videos WHERE user_id = $1", w.user_id)}
            now = _iso(w.taken_at)
            as_of = w.totals.day  # the creator's day of the sync (its totals')
            await db.executemany(
                "INSERT INTO videos (user_id, video_id, title, link, posted_on, as_of, views,"
                " likes, comments, shares, updated_at, posted_at, duration, source)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                " ON CONFLICT (user_id, video_id) DO UPDATE SET title = excluded.title,"
                " link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE videos.link END,"
                " posted_on = excluded.posted_on, as_of = excluded.as_of,"
                " views = excluded.views, likes = excluded.likes,"
                " comments = excluded.comments, shares = excluded.shares,"
                " updated_at = excluded.updated_at, posted_at = excluded.posted_at,"
                " duration = excluded.duration, source = excluded.source",
                [(w.user_id, v.video_id, v.title, v.link,
                  None if v.posted_on is None else v.posted_on.isoformat(), as_of, _f(v.views),
                  _f(v.likes), _f(v.comments), _f(v.shares), now,
                  None if v.posted_at is None else _iso(v.posted_at), _f(v.duration), v.source)
                 for v in w.videos])
            t = w.totals
            await db.execute(
                "INSERT INTO video_totals (user_id, day, views, likes, comments, shares)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, day) DO UPDATE SET"
                " views = excluded.views, likes = excluded.likes,"
                " comments = excluded.comments, shares = excluded.shares",
                w.user_id, t.day, float(t.views), float(t.likes), float(t.comments),
                float(t.shares))
            await db.execute(
                "UPDATE tiktok_connections SET display_name = $1, likes_total = $2,"
                " video_count = $3, last_sync_at = $4 WHERE user_id = $5",
                w.display_name, _f(w.likes_total), _f(w.video_count), now, w.user_id)
        new = sum(1 for v in w.videos if v.video_id not in known)
        return SyncSaved(snapshot=snapshot, kept=frozenset(kept), new_videos=new)
