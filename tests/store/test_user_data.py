"""/forget's one list of what is stored about a creator (``bot.core.userdata``), on SQLite and
PostgreSQL: every per-user table of the schema is in it, the preview's counts are what
``forget_user`` deletes, and nothing about the user is left afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.connections import DayTotals, PendingAuth, StoredConnection, SyncWrite
from bot.core.userdata import USER_TABLES
from bot.domain.payouts import Payout
from bot.domain.studio import StudioImport, Video
from bot.store import open_store
from tests.store.rawdb import columns, query

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def test_every_per_user_table_is_in_the_forget_list(store_url: str) -> None:
    store = await open_store(store_url)
    await store.close()
    listed = {t.table for t in USER_TABLES}
    per_user = {table for table, cols in (await columns(store_url)).items()
                if "user_id" in cols or "sender_id" in cols or table == "users"}
    assert per_user - listed == set(), "add these tables to bot/core/userdata.py USER_TABLES"
    assert listed <= set(await columns(store_url))


async def test_the_preview_counts_are_what_forget_deletes(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        ana = await store.ensure_user("telegram", "1", "Ana")
        bo = await store.ensure_user("telegram", "2", "Bo")
        for who in (ana, bo):
            await store.add_snapshot(who.id, {"followers": 100.0}, T0 - timedelta(days=3))
            await store.import_snapshots(who.id, [(T0 - timedelta(days=9), {"views": 50.0})])
            await store.update_settings(who.id, {"currency": "EUR"})
            await store.set_goal(who.id, "followers", 10_000, date(2026, 12, 31), T0)
            studio = StudioImport(downloaded=date(2026, 3, 1), downloaded_given=True)
            studio.videos = [Video("7300000000000000001", "t", "https://www.tiktok.com/@c/v/7",
                                   date(2026, 2, 1), date(2026, 3, 1), 900.0, 10, 1, 1)]
            studio.territories = [("US", 0.5)]
            studio.activity = [(date(2026, 3, 1), 20, 40.0)]
            studio.daily = {"profile_views": {date(2026, 3, 1): 12.0}}
            await store.import_studio(who.id, [(T0 - timedelta(days=1), {"followers": 90.0})],
                                      studio)
            await store.add_payout(who.id, Payout(route="creator_rewards", amount=12.5,
                                                  currency="USD", recorded_at=T0))
            sub = await store.save_subscription(
                platform="telegram", chat_id=f"p{who.id}", chat_kind="private",
                kind="personal", user_id=who.id, created_by=who.id, weekday=0,
                local_time="10:00", timezone="UTC", topics=(), next_run_at=T0)
            claim = await store.claim_delivery(sub.id, "2026-W10", "rule-a", T0)
            assert claim is not None
            await store.finish_delivery(claim, "sent", T0)
            connection = StoredConnection(
                user_id=who.id, open_id=f"o{who.id}", display_name="x", scope="s",
                access_token=b"a", access_expires_at=T0, refresh_token=b"r",
                refresh_expires_at=None, status="active", notified=False, chat_platform=None,
                chat_id=None, connected_at=T0, last_sync_at=None, likes_total=None,
                video_count=None)
            await store.save_sync(SyncWrite(
                user_id=who.id, taken_at=T0, day_start=T0.replace(hour=0),
                changes={"views": 900.0}, videos=[],
                totals=DayTotals("2026-03-02", 900.0, 10.0, 1.0, 1.0), display_name="x",
                likes_total=10.0, video_count=1.0, connection=connection))
            await store.save_auth_state(PendingAuth(f"st{who.id}", who.id, b"v", None, None,
                                                    T0 + timedelta(hours=1)))
            await store.pin_prices(who.id, {"video": 450.0}, "EUR", T0)
            await store.await_message("telegram", f"p{who.id}", "1" if who is ana else "2", "log",
                                      T0 + timedelta(minutes=5), T0)
        counts = await store.user_rows(ana.id)
        assert list(counts) == [t.table for t in USER_TABLES]
        empty = [table for table, n in counts.items() if n == 0]
        assert empty == [], f"the test stores nothing in {empty}"
        before = {t: (await query(store_url, f"SELECT count(*) FROM {t}"))[0][0]
                  for t in counts}
        assert await store.forget_user(ana.id) == sum(counts.values())
        assert set((await store.user_rows(ana.id)).values()) == {0}
        for table, n in counts.items():  # Bo's rows are all still there
            left = (await query(store_url, f"SELECT count(*) FROM {table}"))[0][0]
            assert left == before[table] - n, table
        assert all(n > 0 for n in (await store.user_rows(bo.id)).values())
    finally:
        await store.close()
