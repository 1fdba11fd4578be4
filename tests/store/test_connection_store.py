"""The TikTok connection store (issue 18's ConnectionStore) on both backends: authorizations
used once, connections and tokens, revocation told once, a sync in one transaction, /forget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.connections import PendingAuth, StoredConnection, SyncWrite
from bot.domain.studio import Video
from bot.domain.videos import DayTotals
from bot.store import open_store

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[object]:
    s = await open_store(store_url)
    yield s
    await s.close()


def _connection(user_id: int) -> StoredConnection:
    return StoredConnection(
        user_id=user_id, open_id="open-1", display_name="Ana", scope="user.info.basic",
        access_token=b"\x00cipher-a", access_expires_at=T0 + timedelta(hours=1),
        refresh_token=b"cipher-r\xff", refresh_expires_at=None, status="active",
        notified=False, chat_platform="telegram", chat_id="1", connected_at=T0,
        last_sync_at=None, likes_total=None, video_count=None)


async def test_connections_tokens_revocation_sync_and_forget(store: object) -> None:
    from bot.store import PostgresStore, SqliteStore

    assert isinstance(store, SqliteStore | PostgresStore)
    ana = await store.ensure_user("telegram", "1", "Ana")
    pending = PendingAuth("st-1", ana.id, b"verifier\x00", "telegram", "1", T0)
    await store.save_auth_state(pending)
    assert await store.take_auth_state("st-1") == pending
    assert await store.take_auth_state("st-1") is None  # usable once
    await store.save_auth_state(PendingAuth("old", ana.id, b"v", None, None, T0))
    assert await store.purge_auth_states(T0 + timedelta(seconds=1)) == 1

    await store.save_connection(_connection(ana.id))
    assert await store.connection(ana.id) == _connection(ana.id)
    await store.update_tokens(ana.id, b"new-a", T0 + timedelta(hours=2), b"new-r", None)
    stored = await store.connection(ana.id)
    assert stored is not None and stored.access_token == b"new-a"

    video = Video("7300000000000000001", "t", "https://www.tiktok.com/@a/video/73",
                  date(2026, 3, 1), date(2026, 3, 2), 900.0, 10.0, 1.0, 1.0,
                  posted_at=T0 - timedelta(days=1), duration=21.0, source="sync")
    await store.add_snapshot(ana.id, {"followers": 500.0}, T0 - timedelta(hours=1))
    saved = await store.save_sync(SyncWrite(
        user_id=ana.id, taken_at=T0, day_start=T0.replace(hour=0),
        changes={"followers": 510.0, "views": 900.0}, videos=[video],
        totals=DayTotals("2026-03-02", 900.0, 10.0, 1.0, 1.0), display_name="Ana B",
        likes_total=10.0, video_count=1.0))
    assert saved.kept == frozenset({"views"}) and saved.new_videos == 1  # typed today wins
    latest = await store.latest_snapshot(ana.id)
    assert latest is not None and latest.followers == 500.0 and latest.views == 900.0
    assert [v.duration for v in await store.videos(ana.id)] == [21.0]
    assert [t.views for t in await store.day_totals(ana.id)] == [900.0]
    assert [c.display_name for c in await store.connections()] == ["Ana B"]
    assert (await store.export_user(ana.id))["tiktok"]["display_name"] == "Ana B"

    assert await store.mark_revoked(ana.id) is True
    assert await store.mark_revoked(ana.id) is False  # told once
    assert await store.connections() == []
    await store.forget_user(ana.id)
    assert await store.connection(ana.id) is None and await store.day_totals(ana.id) == []
