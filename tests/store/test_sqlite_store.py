"""Store contract tests, on a real SQLite file and (with TEST_DATABASE_URL) on PostgreSQL.

Tests that take ``store`` run on both backends; those about the SQLite file itself (WAL, the
migrations of old files, the file lock) take ``db_path`` and run on SQLite only."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.ports import SEEN_EVENTS_KEPT, SWEEP_EVERY, Store, StoreError
from bot.domain.metrics import METRIC_NAMES, MetricSnapshot
from bot.domain.profile import UserSettings
from bot.store import open_store, parse_database_url
from tests.store.rawdb import columns, query

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The SQLite file (the same one ``store`` opens on the SQLite backend)."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") != "sqlite":
        pytest.skip("tests the SQLite file itself")
    return tmp_path / "nested" / "store.db"


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = await open_store(store_url)
    yield s
    await s.close()


def raw(db_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(db_path)


async def test_schema_is_migrated_in_wal_mode(store: Store, db_path: Path) -> None:
    db = raw(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cols = [r[1] for r in db.execute("PRAGMA table_info(snapshots)")]
    assert cols == ["id", "user_id", "taken_at", *METRIC_NAMES, "given", "source", "action",
                    "replaced_by", "dated", "day", "recorded_at", "import_day",
                    "replaced_day", "wall"]
    db.close()


async def test_ensure_user_is_idempotent_and_refreshes_name(store: Store) -> None:
    a = await store.ensure_user("telegram", "42", "Ana")
    b = await store.ensure_user("telegram", "42", "Ana B")
    c = await store.ensure_user("discord", "42", "Ana")
    assert a.id == b.id != c.id
    assert b.display_name == "Ana B"
    found = await store.find_user("telegram", "42")
    assert found is not None and found.id == a.id
    assert await store.find_user("telegram", "nobody") is None


async def test_partial_updates_carry_values_forward(store: Store) -> None:
    u = await store.ensure_user("console", "u", "u")
    await store.add_snapshot(u.id, {"followers": 1000, "views": 5000}, T0)
    second = await store.add_snapshot(u.id, {"followers": 1200}, T0 + timedelta(days=7))
    assert second.followers == 1200 and second.views == 5000
    assert second.given == frozenset({"followers"})
    latest = await store.latest_snapshot(u.id)
    assert latest == second
    history = await store.history(u.id)
    assert [s.followers for s in history] == [1000, 1200]
    assert history[0].given == frozenset({"followers", "views"})


async def test_a_snapshot_and_the_history_after_it_equal_each_alone(store: Store) -> None:
    """``add_snapshot_and_history`` (what /log writes and reads, in one trip to SQLite's
    writer thread) writes what ``add_snapshot`` writes and returns what ``history`` reads
    after it; a refused write reads nothing and writes nothing."""
    u = await store.ensure_user("console", "both", "both")
    v = await store.ensure_user("console", "alone", "alone")
    for week in range(4):
        at = T0 + timedelta(weeks=week)
        changes = {"followers": 100.0 * week} if week % 2 else {"views": 10.0 * week + 1}
        snapshot, history = await store.add_snapshot_and_history(u.id, changes, at, limit=3)
        alone = await store.add_snapshot(v.id, changes, at)
        assert snapshot.values() == alone.values() and snapshot.given == alone.given
        assert history == await store.history(u.id, limit=3) and history[-1] == snapshot
        assert [s.values() for s in history] == [
            s.values() for s in await store.history(v.id, limit=3)]
    with pytest.raises(ValueError, match="at least one"):
        await store.add_snapshot_and_history(u.id, {}, T0, limit=3)
    with pytest.raises(ValueError, match="unknown metrics"):
        await store.add_snapshot_and_history(u.id, {"subs": 1}, T0, limit=3)
    assert len(await store.history(u.id)) == 4


async def test_a_guard_sees_the_last_two_snapshots_and_its_exception_undoes_the_write(
        store: Store) -> None:
    """``add_snapshot_and_history``'s guard (/log's check of numbers that look wrong, and of
    a correction after a confirmed outlier) is shown the last two snapshots at least (back
    to where the latest one's 30-day totals were given: see the next test) and the
    creator's day the snapshot goes on, inside the write's transaction: raising there
    writes nothing and reaches the caller; returning lets the write happen. (/log read the
    two in a trip of its own before the write.)"""
    u = await store.ensure_user("console", "guarded", "guarded")
    seen: list[list[object]] = []
    days: list[date] = []

    class Refused(Exception):
        pass

    def look(recent: list[object], day: date) -> None:
        seen.append(recent)
        days.append(day)

    def refuse(recent: list[object], day: date) -> None:
        look(recent, day)
        raise Refused

    with pytest.raises(Refused):
        await store.add_snapshot_and_history(u.id, {"followers": 10.0}, T0, limit=3,
                                             guard=refuse)
    assert seen == [[]] and await store.history(u.id) == []
    first, _ = await store.add_snapshot_and_history(u.id, {"followers": 10.0}, T0, limit=3,
                                                    guard=look)
    assert seen == [[], []] and days == [T0.date(), T0.date()]
    later = T0 + timedelta(days=1)
    with pytest.raises(Refused):
        await store.add_snapshot_and_history(u.id, {"followers": 99.0}, later, limit=3,
                                             guard=refuse)
    assert seen[-1] == [first] == await store.history(u.id, limit=2)
    assert days[-1] == later.date()
    assert [s.followers for s in await store.history(u.id)] == [10.0]
    second, history = await store.add_snapshot_and_history(u.id, {"followers": 12.0}, later,
                                                           limit=3, guard=look)
    assert seen[-1] == [first] and [s.followers for s in history] == [10.0, 12.0]
    third, _ = await store.add_snapshot_and_history(
        u.id, {"followers": 13.0}, later + timedelta(days=1), limit=3, guard=look)
    assert seen[-1] == [first, second]
    await store.add_snapshot_and_history(u.id, {"followers": 14.0}, later + timedelta(days=2),
                                         limit=3, guard=look)
    assert seen[-1] == [second, third] == (await store.history(u.id, limit=3))[:2]


async def test_a_guard_sees_back_to_where_the_latest_totals_were_given(store: Store) -> None:
    """Views logged, then followers three times: the guard is shown back to the views' log
    (what ``same_window`` reads to pair the day's totals, as /stats does), in the creator's
    time zone's day (16:00 UTC is the next day in Kiritimati)."""
    u = await store.ensure_user("console", "origins", "origins")
    await store.update_settings(u.id, {"timezone": "Pacific/Kiritimati"})
    seen: list[list[float | None]] = []
    days: list[date] = []

    def look(recent: list[MetricSnapshot], day: date) -> None:
        seen.append([s.views for s in recent])
        days.append(day)

    at = T0.replace(hour=1)
    await store.add_snapshot(u.id, {"views": 2000.0}, at)
    for n in range(3):
        await store.add_snapshot(u.id, {"followers": 10.0 + n}, at + timedelta(hours=n + 1))
    await store.add_snapshot_and_history(u.id, {"likes": 3000.0}, T0.replace(hour=16),
                                         limit=10, guard=look)
    assert seen == [[2000.0] * 4] and days == [T0.date() + timedelta(days=1)]


#: What /log may be given (a bare count is an int, a typed "12.5k" a float; every metric),
#: and when (a moment of another offset, with microseconds).
_FIRST_LOGS = (
    ({"followers": 1200}, T0),
    ({"followers": 12_500.0, "views": 30_000.0, "likes": 2_000.5}, T0),
    ({name: 7.25 + i for i, name in enumerate(METRIC_NAMES)},
     datetime(2026, 3, 1, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-7)))),
    ({"completion_rate": 0.345, "avg_watch_time": 12}, T0 + timedelta(microseconds=1)),
)


async def test_a_first_users_upsert_and_snapshot_in_one_equal_them_apart(store: Store) -> None:
    """``ensure_user_adding_snapshot`` (a first-time user's /log: the upsert and the write in
    one trip, on SQLite reading nothing for the row it makes) makes the user ``ensure_user``
    makes, writes what ``add_snapshot_and_history`` writes and returns what it returns: the
    snapshot as written, the history as read back after it."""
    seen: list[tuple[list[MetricSnapshot], date]] = []

    def look(recent: list[MetricSnapshot], day: date) -> None:
        seen.append((recent, day))

    for n, (changes, at) in enumerate(_FIRST_LOGS):
        seen.clear()
        user, snapshot, history = await store.ensure_user_adding_snapshot(
            "telegram", f"first-{n}", "First", changes, at, limit=3, guard=look)
        # the guard is shown no snapshot (there is none), and the day in the default zone
        assert seen == [([], at.astimezone(UTC).date())]
        assert user == await store.find_user("telegram", f"first-{n}")
        assert user.display_name == "First"
        apart = await store.ensure_user("telegram", f"apart-{n}", "Apart")
        alone, alone_history = await store.add_snapshot_and_history(apart.id, changes, at,
                                                                     limit=3)
        assert snapshot == alone and snapshot.day == alone.day
        assert history == alone_history == await store.history(user.id, limit=3)
        assert [type(v) for v in history[0].values().values()] == [
            type(v) for v in alone_history[0].values().values()]
        assert history[0].taken_at == alone_history[0].taken_at
        assert history[0].source == alone_history[0].source == "log"
        assert await store.last_action(user.id) != [] and [
            e.action for e in await store.last_action(user.id)] == [
            e.action for e in await store.last_action(apart.id)]
    with pytest.raises(ValueError, match="at least one"):
        await store.ensure_user_adding_snapshot("telegram", "none", "None", {}, T0, limit=3)


async def test_a_row_made_in_the_same_clock_tick_is_not_taken_for_a_new_one(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: the one-hop first /log took a row for one it made when its ``created_at``
    equalled the call's own time, and then read nothing for it. On a coarse clock (Windows
    ticks every ~15.6 ms) a second first message of the same new user, or a /settings
    before the /log, lands in the same tick: the /log then dropped the followers logged
    before (followers=None, both rows action 1) and dated the snapshot by UTC instead of the
    creator's zone. Whether a row was made is what the INSERT says, not the clock."""
    import bot.store.sqlite as sqlite_store

    tick = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # 1 November, 16:00 in Pago Pago

    class Coarse(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Coarse:  # type: ignore[override]
            return cls.fromtimestamp(tick.timestamp(), tz=UTC)

    monkeypatch.setattr(sqlite_store, "datetime", Coarse)
    user = await store.ensure_user("telegram", "tick", "Tick")
    await store.update_settings(user.id, {"timezone": "Pacific/Pago_Pago"})
    first, _ = await store.add_snapshot_and_history(user.id, {"followers": 1000.0}, tick,
                                                    limit=3)
    again, snapshot, _history = await store.ensure_user_adding_snapshot(
        "telegram", "tick", "Tick", {"views": 5000.0}, tick, limit=3)
    assert again.id == user.id
    assert snapshot.followers == 1000.0 and snapshot.views == 5000.0  # carried forward
    assert snapshot.day == date(2026, 11, 1) == first.day  # the creator's day, not UTC's
    assert len({e.action for e in await store.entries(user.id)}) == 2  # two actions


async def test_a_first_users_held_back_snapshot_leaves_their_row(store: Store) -> None:
    """A guard that raises in ``ensure_user_adding_snapshot`` undoes the snapshot, not the
    user's row (as when ``ensure_user`` made it before): the exception reaches the caller,
    the user is stored with nothing else. For a row that was there, the write is the one
    ``add_snapshot_and_history`` makes, and the display name follows the platform's."""
    class Refused(Exception):
        pass

    def refuse(recent: list[MetricSnapshot], day: date) -> None:
        raise Refused

    with pytest.raises(Refused):
        await store.ensure_user_adding_snapshot("telegram", "held", "Held",
                                                {"followers": 10.0}, T0, limit=3, guard=refuse)
    user = await store.find_user("telegram", "held")
    assert user is not None and user.display_name == "Held"
    assert await store.history(user.id) == []
    first, _ = await store.add_snapshot_and_history(user.id, {"followers": 10.0}, T0, limit=3)
    seen: list[tuple[list[MetricSnapshot], date]] = []
    again, snapshot, history = await store.ensure_user_adding_snapshot(
        "telegram", "held", "Held again", {"views": 500.0}, T0 + timedelta(days=1), limit=3,
        guard=lambda recent, day: seen.append((recent, day)))
    assert again.id == user.id and again.display_name == "Held again"
    assert seen == [([first], T0.date() + timedelta(days=1))]
    assert snapshot.followers == 10.0 and snapshot.views == 500.0  # carried forward
    assert history == await store.history(user.id, limit=3) and len(history) == 2
    with pytest.raises(Refused):
        await store.ensure_user_adding_snapshot("telegram", "held", "Held", {"views": 1.0},
                                                T0 + timedelta(days=2), limit=3, guard=refuse)
    assert await store.history(user.id, limit=3) == history
    assert (await store.find_user("telegram", "held")) == replace(again, display_name="Held")


async def test_import_merges_with_logged_rows_in_date_order(store: Store) -> None:
    u = await store.ensure_user("console", "imp", "imp")
    await store.add_snapshot(u.id, {"followers": 1000, "views": 5000}, T0)
    await store.add_snapshot(u.id, {"likes": 70}, T0 + timedelta(days=14))
    written = await store.import_snapshots(u.id, [
        (T0 + timedelta(days=21), {"followers": 1500}),
        (T0 - timedelta(days=7), {"followers": 800, "likes": 40}),
        (T0 + timedelta(days=7), {"views": 6000}),
        (T0 + timedelta(days=14), {"followers": 1300}),  # same moment as a logged row
    ])
    assert written == 4
    history = await store.history(u.id)
    assert [(s.taken_at - T0).days for s in history] == [-7, 0, 7, 14, 14, 21]
    # Every row carries forward what was known at its date, whichever side it came from.
    assert [(s.followers, s.views, s.likes) for s in history] == [
        (800, None, 40), (1000, 5000, 40), (1000, 6000, 40), (1000, 6000, 70),
        (1300, 6000, 70), (1500, 6000, 70)]
    assert [sorted(s.given) for s in history] == [
        ["followers", "likes"], ["followers", "views"], ["views"], ["likes"], ["followers"],
        ["followers"]]


async def test_a_bad_import_writes_nothing(store: Store) -> None:
    u = await store.ensure_user("console", "bad", "bad")
    await store.add_snapshot(u.id, {"followers": 1000}, T0)
    with pytest.raises(ValueError, match="unknown metrics"):
        await store.import_snapshots(u.id, [(T0 + timedelta(days=1), {"followers": 2}),
                                            (T0 + timedelta(days=2), {"subs": 3})])
    assert [s.followers for s in await store.history(u.id)] == [1000]


async def test_history_order_since_and_limit(store: Store) -> None:
    u = await store.ensure_user("console", "h", "h")
    for week in range(6):
        await store.add_snapshot(u.id, {"followers": 100 * week}, T0 + timedelta(weeks=week))
    assert [s.followers for s in await store.history(u.id, limit=2)] == [400, 500]
    since = await store.history(u.id, since=T0 + timedelta(weeks=4))
    assert [s.followers for s in since] == [400, 500]
    assert await store.latest_snapshot(999) is None


async def test_bad_snapshots_are_refused(store: Store) -> None:
    u = await store.ensure_user("console", "b", "b")
    with pytest.raises(ValueError, match="unknown metrics"):
        await store.add_snapshot(u.id, {"subscribers": 1}, T0)
    with pytest.raises(ValueError, match="at least one"):
        await store.add_snapshot(u.id, {}, T0)
    assert await store.history(u.id) == []  # the failed write left nothing behind


async def test_settings_default_and_merge(store: Store) -> None:
    u = await store.ensure_user("console", "s", "s")
    assert await store.get_settings(u.id) == UserSettings()
    await store.update_settings(u.id, {"currency": "EUR"})
    merged = await store.update_settings(u.id, {"region": "DE", "adult": True})
    assert merged == UserSettings(currency="EUR", timezone="UTC", region="DE", adult=True)
    assert await store.get_settings(u.id) == merged
    with pytest.raises(ValueError, match="unknown settings"):
        await store.update_settings(u.id, {"colour": "red"})


async def test_data_survives_reopen(db_path: Path) -> None:
    s = await open_store(f"sqlite:///{db_path}")
    u = await s.ensure_user("console", "p", "p")
    await s.add_snapshot(u.id, {"followers": 77}, T0)
    await s.close()
    await s.close()  # closing twice is harmless
    again = await open_store(f"sqlite:///{db_path}")
    try:
        latest = await again.latest_snapshot(u.id)
        assert latest is not None and latest.followers == 77
    finally:
        await again.close()
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0


async def test_forget_removes_every_row_of_that_user_only(store: Store, store_url: str) -> None:
    gone = await store.ensure_user("telegram", "1", "gone")
    kept = await store.ensure_user("telegram", "2", "kept")
    for u in (gone, kept):
        await store.add_snapshot(u.id, {"followers": 10}, T0)
        await store.update_settings(u.id, {"currency": "GBP"})
    await query(
        store_url,
        "INSERT INTO subscriptions (platform, chat_id, chat_kind, kind, user_id, created_by,"
        " weekday, local_time, timezone, created_at) VALUES"
        " ('telegram','1','private','personal',?,?,0,'10:00','UTC','x'),"
        " ('telegram','-100','group','community',NULL,?,0,'10:00','UTC','x')",
        gone.id, gone.id, gone.id)
    await query(store_url, "INSERT INTO posted_tips (subscription_id, week_key, status,"
                           " created_at) SELECT id, '2026-W01', 'sent', 'x' FROM subscriptions")
    deleted = await store.forget_user(gone.id)
    assert deleted >= 5
    for table, cols in (await columns(store_url)).items():
        for col in {"user_id", "created_by"} & set(cols):
            n = await query(store_url, f"SELECT count(*) FROM {table} WHERE {col} = ?", gone.id)
            assert n == [(0,)], table
    assert await query(store_url, "SELECT count(*) FROM users WHERE id = ?", gone.id) == [(0,)]
    # The community subscription stays, only its creator is forgotten; kept's data is intact.
    assert await query(store_url, "SELECT count(*) FROM subscriptions") == [(1,)]
    assert (await store.latest_snapshot(kept.id)) is not None
    assert (await store.get_settings(kept.id)).currency == "GBP"


async def test_export_is_json_ready(store: Store) -> None:
    u = await store.ensure_user("discord", "9", "Nine")
    await store.add_snapshot(u.id, {"followers": 5, "completion_rate": 0.4}, T0)
    data = await store.export_user(u.id)
    text = json.dumps(data)
    assert '"completion_rate": 0.4' in text
    assert data["user"]["display_name"] == "Nine"
    assert data["snapshots"][0]["typed"] == ["completion_rate", "followers"]


async def test_concurrent_writes_and_reads_all_land(store: Store) -> None:
    async def one(n: int) -> None:
        u = await store.ensure_user("console", f"c{n}", "c")
        for k in range(5):
            await store.add_snapshot(u.id, {"followers": k}, T0 + timedelta(days=k))
            await store.latest_snapshot(u.id)

    await asyncio.gather(*(one(n) for n in range(50)))
    for n in range(50):
        u = await store.find_user("console", f"c{n}")
        assert u is not None
        assert len(await store.history(u.id)) == 5


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"definitely not sqlite" * 200)
    with pytest.raises(StoreError, match="is not a Creator Advisor database"):
        await open_store(f"sqlite:///{bad}")


async def test_newer_schema_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db = raw(db_path)
    db.execute("PRAGMA user_version = 999")
    db.close()
    with pytest.raises(StoreError, match="newer Creator Advisor"):
        await open_store(f"sqlite:///{db_path}")


@pytest.mark.parametrize(
    ("url", "expected"),
    [("sqlite:///data/x.db", Path("data/x.db")), ("sqlite:////tmp/x.db", Path("/tmp/x.db")),
     ("plain.db", Path("plain.db"))],
)
def test_parse_database_url(url: str, expected: Path) -> None:
    assert parse_database_url(url) == expected


@pytest.mark.parametrize(("url", "fragment"), [
    ("postgresql://u@h/db", "names a PostgreSQL server, not a SQLite file"),
    ("mysql://u@h/db", "'mysql' is not supported"),
])
def test_unsupported_urls(url: str, fragment: str) -> None:
    with pytest.raises(StoreError, match=fragment):
        parse_database_url(url)


async def _sub(store: Store, chat: str = "-1", kind: str = "community",
               user_id: int | None = None, at: datetime = T0) -> object:
    return await store.save_subscription(
        platform="telegram", chat_id=chat, chat_kind="group", kind=kind, user_id=user_id,
        created_by=user_id, weekday=0, local_time="10:00", timezone="Europe/Berlin",
        topics=("trends",), next_run_at=at)


async def test_one_subscription_per_chat_and_kind(store: Store) -> None:
    u = await store.ensure_user("telegram", "5", "five")
    await _sub(store)
    await _sub(store)  # replaces, does not duplicate
    await _sub(store, kind="personal", user_id=u.id)
    subs = await store.subscriptions_for_chat("telegram", "-1")
    assert sorted(s.kind for s in subs) == ["community", "personal"]
    assert subs[0].topics == ("trends",) and subs[0].next_run_at == T0
    assert await store.delete_subscription("telegram", "-1", "community", None)
    assert not await store.delete_subscription("telegram", "-1", "community", None)


async def test_due_claim_finish_and_rotation(store: Store) -> None:
    await _sub(store, chat="a", at=T0)
    await _sub(store, chat="b", at=T0 + timedelta(days=1))
    due = await store.due_subscriptions(T0 + timedelta(hours=1))
    assert [s.chat_id for s in due] == ["a"]
    sub = due[0]
    first = await store.claim_delivery(sub.id, "2026-W02", "rule-a", T0)
    assert first is not None
    assert await store.claim_delivery(sub.id, "2026-W02", "rule-b", T0) is None  # never twice
    assert [d.id for d in await store.stale_deliveries(T0 + timedelta(minutes=5))] == [first]
    await store.finish_delivery(first, "sent", T0)
    assert await store.stale_deliveries(T0 + timedelta(minutes=5)) == []
    second = await store.claim_delivery(sub.id, "2026-W03", "rule-b", T0 + timedelta(days=7))
    assert second is not None
    assert await store.recent_rules(sub.id, 10) == ["rule-b", "rule-a"]
    await store.set_next_run(sub.id, T0 + timedelta(days=7))
    assert await store.due_subscriptions(T0 + timedelta(hours=1)) == []
    await store.deactivate_subscription(sub.id, "Forbidden: bot was blocked by the user")
    (gone,) = [s for s in await store.subscriptions_for_chat("telegram", "a")]
    assert not gone.active and "blocked" in (gone.deactivated_reason or "")
    assert await store.due_subscriptions(T0 + timedelta(days=30)) != []  # only "b" is left
    assert all(s.chat_id == "b" for s in await store.due_subscriptions(T0 + timedelta(days=30)))


async def test_due_subscriptions_of_one_platform(store: Store) -> None:
    await _sub(store, chat="a", at=T0)
    await store.save_subscription(
        platform="discord", chat_id="900", chat_kind="group", kind="community", user_id=None,
        created_by=None, weekday=0, local_time="10:00", timezone="Europe/Berlin", topics=(),
        next_run_at=T0)
    later = T0 + timedelta(hours=1)
    assert [s.platform for s in await store.due_subscriptions(later)] == ["telegram",
                                                                          "discord"]
    assert [s.chat_id for s in await store.due_subscriptions(later, platform="discord")] \
        == ["900"]
    first = (await store.due_subscriptions(later, platform="telegram"))[0]
    assert first.next_run_at is not None
    assert await store.due_subscriptions(later, platform="telegram",
                                         after=(first.next_run_at, first.id)) == []


async def test_cancelled_writers_leave_no_open_transaction(store: Store) -> None:
    u = await store.ensure_user("console", "cx", "cx")
    for delay in (0, 0, 0.0001, 0.0005, 0.001):
        tasks = [asyncio.create_task(store.add_snapshot(u.id, {"followers": n}, T0))
                 for n in range(10)]
        await asyncio.sleep(delay)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    after = await store.add_snapshot(u.id, {"followers": 99}, T0 + timedelta(days=1))
    assert after.followers == 99
    latest = await store.latest_snapshot(u.id)
    assert latest is not None and latest.followers == 99


async def test_settings_cache_never_serves_an_older_value(store: Store) -> None:
    u = await store.ensure_user("console", "cache", "cache")
    results = await asyncio.gather(
        store.get_settings(u.id), store.update_settings(u.id, {"currency": "EUR"}),
        store.get_settings(u.id))
    assert results[1].currency == "EUR"
    assert (await store.get_settings(u.id)).currency == "EUR"
    await store.forget_user(u.id)
    again = await store.ensure_user("console", "cache", "cache")
    assert (await store.get_settings(again.id)).currency == "USD"


@given(st.datetimes(timezones=st.timezones()))
def test_stored_moments_are_utc_isoformat(moment: datetime) -> None:
    from bot.store.sqlite import _iso

    assert _iso(moment) == moment.astimezone(UTC).isoformat()


async def test_a_cancelled_import_is_all_or_nothing_and_the_store_goes_on(store: Store) -> None:
    u = await store.ensure_user("console", "cancel", "cancel")
    rows = [(T0 + timedelta(days=d), {"followers": float(d)}) for d in range(3000)]
    task = asyncio.create_task(store.import_snapshots(u.id, rows))
    await asyncio.sleep(0.001)  # the import is under way in its worker thread
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(await store.history(u.id)) in (0, 3000)  # one transaction, whatever happened
    later = await store.add_snapshot(u.id, {"followers": 5}, T0 + timedelta(days=4000))
    assert later.followers == 5  # the write lock was released, no transaction left open


async def test_payouts_are_stored_exported_and_forgotten(store: Store) -> None:
    from bot.domain.payouts import Payout

    u = await store.ensure_user("console", "p", "Pay")
    other = await store.ensure_user("console", "q", "Other")
    first = await store.add_payout(u.id, Payout("creator_rewards", 412, "USD", T0,
                                                month="2026-10", views=610_000))
    await store.add_payout(u.id, Payout("live_gifts", 480, "EUR", T0 + timedelta(days=1),
                                        diamonds=120_000))
    await store.add_payout(other.id, Payout("brand_deals", 350, "USD", T0))
    assert first.id is not None
    mine = await store.payouts(u.id)
    assert [(p.route, p.amount, p.currency, p.views, p.diamonds) for p in mine] == [
        ("creator_rewards", 412, "USD", 610_000, None), ("live_gifts", 480, "EUR", None, 120_000)]
    exported = await store.export_user(u.id)
    assert [p["route"] for p in exported["payouts"]] == ["creator_rewards", "live_gifts"]
    json.dumps(exported)
    await store.update_settings(u.id, {"does": frozenset({"affiliate"})})
    assert (await store.get_settings(u.id)).does == frozenset({"affiliate"})
    assert (await store.export_user(u.id))["settings"]["does"] == ["affiliate"]
    await store.forget_user(u.id)
    assert await store.payouts(u.id) == []
    assert len(await store.payouts(other.id)) == 1


async def test_a_version_one_database_keeps_its_data_through_the_payouts_migration(
        tmp_path: Path) -> None:
    from importlib import resources

    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    sql = resources.files("bot.store").joinpath("migrations/0001_init.sql").read_text()
    db.executescript(sql)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO users (platform, platform_user_id, display_name, created_at) "
               "VALUES ('console', 'old', 'Old', '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO user_settings (user_id, currency, region, adult, updated_at) "
               "VALUES (1, 'EUR', 'DE', 1, '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO snapshots (user_id, taken_at, followers, given) "
               "VALUES (1, '2026-01-01T12:00:00+00:00', 1234, 'followers')")
    db.commit()
    db.close()
    s = await open_store(f"sqlite:///{path}")
    try:
        latest = await s.latest_snapshot(1)
        assert latest is not None and latest.followers == 1234
        settings = await s.get_settings(1)
        assert (settings.currency, settings.region, settings.does) == ("EUR", "DE", frozenset())
        assert await s.payouts(1) == []
    finally:
        await s.close()


async def test_a_database_at_the_previous_schema_gets_the_payouts_tables(tmp_path: Path) -> None:
    """A database already migrated by the previous release (every migration before this one)
    gains payouts and the new settings columns on open, and keeps its rows."""
    from importlib import resources

    from bot.domain.payouts import Payout

    files = sorted(e.name for e in resources.files("bot.store").joinpath("migrations").iterdir()
                   if e.name.endswith(".sql"))
    ours = next(n for n in files if n.endswith("_payouts.sql"))
    before = [n for n in files if n < ours]
    assert before  # there is a previous schema to upgrade from
    path = tmp_path / "previous.db"
    db = sqlite3.connect(path)
    for name in before:
        sql = resources.files("bot.store").joinpath(f"migrations/{name}").read_text()
        db.executescript(sql)
    db.execute(f"PRAGMA user_version = {int(before[-1][:4])}")
    db.execute("INSERT INTO users (platform, platform_user_id, display_name, created_at) "
               "VALUES ('console', 'old', 'Old', '2026-01-01T00:00:00+00:00')")
    db.commit()
    db.close()
    s = await open_store(f"sqlite:///{path}")
    try:
        user = await s.find_user("console", "old")
        assert user is not None
        await s.add_payout(user.id, Payout("brand_deals", 100, "USD", T0))
        assert len(await s.payouts(user.id)) == 1
        assert (await s.get_settings(user.id)).does == frozenset()
    finally:
        await s.close()


# -- destinations (migration 0017) ------------------------------------------------------------


def _older_schema(db_path: Path, upto: int) -> None:
    """A database as an older release left it: migrations up to ``upto`` only."""
    from importlib import resources

    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = raw(db_path)
    folder = resources.files("bot.store").joinpath("migrations")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql") and int(entry.name[:4]) <= upto \
                and "destinations" not in entry.name:  # the one under test
            db.executescript(entry.read_text(encoding="utf-8"))
    db.execute(f"PRAGMA user_version = {upto}")
    db.commit()
    db.close()


@pytest.mark.parametrize("version", [1, 3, 6, 14, 16])
async def test_upgrading_keeps_snapshots_and_subscriptions(db_path: Path, version: int) -> None:
    _older_schema(db_path, version)
    db = raw(db_path)
    db.execute("INSERT INTO users (id, platform, platform_user_id, display_name, created_at)"
               " VALUES (1, 'telegram', '42', 'Ana', '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO snapshots (user_id, taken_at, followers, given) VALUES"
               " (1, '2026-01-02T00:00:00+00:00', 1200, 'followers')")
    db.execute("INSERT INTO subscriptions (platform, chat_id, chat_kind, kind, weekday,"
               " local_time, timezone, next_run_at, created_at) VALUES ('telegram', '-5',"
               " 'group', 'community', 0, '10:00', 'UTC', '2026-01-05T10:00:00+00:00',"
               " '2026-01-01T00:00:00+00:00')")
    db.commit()
    db.close()
    store = await open_store(f"sqlite:///{db_path}")
    try:
        latest = await store.latest_snapshot(1)
        assert latest is not None and latest.followers == 1200
        [sub] = await store.subscriptions_for_chat("telegram", "-5")
        assert sub.active and sub.thread_id is None and sub.paused_reason is None
    finally:
        await store.close()


async def _community(store: Store, chat: str, thread: str | None = None) -> int:
    sub = await store.save_subscription(
        platform="telegram", chat_id=chat, chat_kind="group", kind="community", user_id=None,
        created_by=None, weekday=0, local_time="10:00", timezone="UTC", topics=(),
        next_run_at=T0, thread_id=thread)
    return sub.id


async def test_a_chat_move_rekeys_its_subscription_and_outbox(store: Store) -> None:
    sub_id = await _community(store, "-5", thread="7")
    claim = await store.claim_delivery(sub_id, "2026-W02", "r1", T0)
    assert claim is not None
    assert await store.move_chat("telegram", "-5", "-1005", "group") == 1
    assert await store.subscriptions_for_chat("telegram", "-5") == []
    [moved] = await store.subscriptions_for_chat("telegram", "-1005")
    assert moved.id == sub_id and moved.thread_id is None  # a supergroup has no old topics
    assert await store.claim_delivery(sub_id, "2026-W02", "r1", T0) is None  # week kept
    # The new chat already has its own subscription: that one wins, the old one goes; the
    # week the old chat already got counts for the new one (the same people).
    old = await _community(store, "-6")
    assert await store.claim_delivery(old, "2026-W03", "r1", T0) is not None
    kept = await _community(store, "-1006")
    assert await store.move_chat("telegram", "-6", "-1006", "group") == 0
    assert [s.id for s in await store.subscriptions_for_chat("telegram", "-1006")] == [kept]
    assert await store.subscriptions_for_chat("telegram", "-6") == []
    assert await store.claim_delivery(kept, "2026-W03", "r1", T0) is None
    assert await store.claim_delivery(kept, "2026-W04", "r1", T0) is not None


async def test_pause_once_resume_once_and_release_a_claim(store: Store) -> None:
    sub_id = await _community(store, "-7")
    assert await store.set_paused(sub_id, "the topic is closed", T0) is True
    assert await store.set_paused(sub_id, "still closed", T0 + timedelta(days=7)) is False
    [sub] = await store.subscriptions_for_chat("telegram", "-7")
    assert sub.active and sub.paused_reason == "still closed" and sub.paused_at == T0
    assert await store.set_paused(sub_id, None, T0) is True
    assert await store.set_paused(sub_id, None, T0) is False
    claim = await store.claim_delivery(sub_id, "2026-W02", None, T0)
    assert claim is not None
    await store.release_delivery(claim)
    assert await store.claim_delivery(sub_id, "2026-W02", None, T0) is not None  # still due
    await _community(store, "-7")  # a new /subscribe starts unpaused
    [fresh] = await store.subscriptions_for_chat("telegram", "-7")
    assert fresh.paused_reason is None


async def test_a_claim_a_settler_marked_unknown_is_released_when_its_send_failed(
        store: Store, store_url: str) -> None:
    """A worker's holder connection dropped during a send: another worker's settler marked
    the attempted claim 'unknown'; the platform then answered the send with a 429 (nothing
    delivered), so the worker gives it back. The release matched only 'sending', the claim
    stayed 'unknown' and the week's post was taken as done and never sent."""
    sub_id = await _community(store, "-77")
    claim = await store.claim_delivery(sub_id, "2026-W02", None, T0)
    assert claim is not None
    await query(store_url, "UPDATE posted_tips SET status = 'unknown' WHERE id = ?", claim)
    await store.release_delivery(claim)
    assert await store.claim_delivery(sub_id, "2026-W02", None, T0) is not None  # still due


async def test_a_database_before_the_mediakit_migration_keeps_its_rows(tmp_path: Path) -> None:
    """Every migration before 0220 applied, a user with settings and a snapshot: opening it
    adds handle, niche and the rate card, and loses nothing."""
    from importlib import resources

    files = sorted(e.name for e in resources.files("bot.store").joinpath("migrations").iterdir()
                   if e.name.endswith(".sql"))
    before = [n for n in files if n < "0220"]
    path = tmp_path / "before-0220.db"
    db = sqlite3.connect(path)
    for name in before:
        db.executescript(resources.files("bot.store").joinpath(f"migrations/{name}").read_text())
    db.execute(f"PRAGMA user_version = {int(before[-1][:4])}")
    db.execute("INSERT INTO users (platform, platform_user_id, display_name, created_at) "
               "VALUES ('console', 'old', 'Old', '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO user_settings (user_id, currency, region, adult, updated_at) "
               "VALUES (1, 'EUR', 'DE', 1, '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO snapshots (user_id, taken_at, followers, given) "
               "VALUES (1, '2026-01-01T12:00:00+00:00', 1234, 'followers')")
    db.commit()
    db.close()
    s = await open_store(f"sqlite:///{path}")
    try:
        settings = await s.get_settings(1)
        assert (settings.currency, settings.handle, settings.niche) == ("EUR", None, None)
        assert (await s.latest_snapshot(1)).followers == 1234  # type: ignore[union-attr]
        await s.update_settings(1, {"handle": "@old", "niche": "food"})
        await s.pin_prices(1, {"video": 300.0}, "EUR", T0)
        await s.pin_prices(1, {"video": 350.0, "usage": 200.0}, "EUR", T0)
        assert [(p.deliverable, p.amount) for p in await s.pinned_prices(1)] == [
            ("usage", 200.0), ("video", 350.0)]
        exported = await s.export_user(1)
        assert exported["settings"]["handle"] == "@old"
        assert {p["deliverable"] for p in exported["rate_card"]} == {"usage", "video"}
        await s.forget_user(1)
        assert await s.pinned_prices(1) == []
    finally:
        await s.close()


async def test_a_guided_step_is_taken_once_expires_moves_with_its_chat_and_is_forgotten(
        store: Store, store_url: str, backend: str) -> None:
    """Issue 21: a bare /log's waiting step lives in the store, so any worker that receives
    the person's next message finds it (and only one of them takes it)."""
    later = T0 + timedelta(minutes=10)
    await store.await_message("telegram", "-100", "7", "log", later, T0)
    # Another worker on the same database (SQLite is one process: the same store).
    other = store if backend == "sqlite" else await open_store(store_url)
    try:
        taken = await asyncio.gather(*(s.take_awaited("telegram", "-100", "7", T0)
                                       for s in (store, other, other)))
        assert sorted(taken, key=str) == [None, None, "log"]
        await store.await_message("telegram", "-100", "7", "log", later, T0)
        assert await other.take_awaited("telegram", "-100", "8", T0) is None  # someone else
        assert await other.take_awaited("telegram", "-200", "7", T0) is None  # another chat
        assert await other.take_awaited("telegram", "-100", "7", later + timedelta(seconds=1)) \
            is None  # expired, and gone
        assert await store.take_awaited("telegram", "-100", "7", T0) is None
        await store.await_message("telegram", "-100", "7", "log", later, T0)
        await other.move_chat("telegram", "-100", "-100500", "group")  # became a supergroup
        assert await store.take_awaited("telegram", "-100", "7", T0) is None
        assert await store.take_awaited("telegram", "-100500", "7", T0) == "log"
        ana = await store.ensure_user("telegram", "7", "Ana")
        await store.await_message("telegram", "-100", "7", "log", later, T0)
        await store.forget_user(ana.id)
        assert await query(store_url, "SELECT count(*) FROM guided_steps") == [(0,)]
    finally:
        if other is not store:
            await other.close()


async def test_expired_guided_steps_are_swept_at_most_every_sweep_interval(
        store: Store, store_url: str) -> None:
    """Expired waiting steps were deleted by every new step (one more statement in each
    write); like long buttons and seen updates, they are now swept at most every
    SWEEP_EVERY, by a later write."""
    await store.await_message("telegram", "-100", "1", "log", T0 + timedelta(seconds=10), T0)
    soon = T0 + timedelta(seconds=30)  # the first step has expired; the last sweep is recent
    await store.await_message("telegram", "-100", "2", "log", soon + timedelta(minutes=10), soon)
    assert await query(store_url, "SELECT sender_id FROM guided_steps ORDER BY sender_id") == [
        ("1",), ("2",)]
    later = T0 + SWEEP_EVERY + timedelta(seconds=1)
    await store.await_message("telegram", "-100", "3", "log", later + timedelta(minutes=10), later)
    assert await query(store_url, "SELECT sender_id FROM guided_steps ORDER BY sender_id") == [
        ("2",), ("3",)]
    assert await store.take_awaited("telegram", "-100", "2", later) == "log"


async def test_a_long_button_kept_by_one_worker_is_read_by_another_until_it_expires(
        store: Store, store_url: str, backend: str) -> None:
    """Issue 21: a Telegram button too long for callback_data lived in the memory of the worker
    that sent it; now any worker on the database reads it, for a bounded lifetime."""
    week = T0 + timedelta(days=7)
    data = "s7:/estimate followers=50k views=1.2M likes=3k region=US adult=yes explain"
    await store.keep_button("telegram", "a" * 20, "7", data, week, T0)
    other = store if backend == "sqlite" else await open_store(store_url)
    try:
        assert await other.button("telegram", "a" * 20, T0) == data
        assert await other.button("discord", "a" * 20, T0) is None  # another platform
        assert await other.button("telegram", "b" * 20, T0) is None  # never kept
        assert await other.button("telegram", "a" * 20, week + timedelta(seconds=1)) is None
        # Sent again before it expired: the same row, its lifetime extended (never shortened).
        await other.keep_button("telegram", "a" * 20, "7", data, week + timedelta(days=1), T0)
        await store.keep_button("telegram", "a" * 20, "7", data, week, T0)
        assert await store.button("telegram", "a" * 20, week + timedelta(hours=1)) == data
        assert await query(store_url, "SELECT count(*) FROM long_buttons") == [(1,)]
        # Expired rows are deleted by a later write (at most every SWEEP_EVERY).
        await store.keep_button("telegram", "c" * 20, None, "s:/help",
                                week + timedelta(days=9), week + timedelta(days=2))
        await other.keep_button("telegram", "d" * 20, None, "s:/help",
                                week + timedelta(days=9), week + timedelta(days=2))
        assert await query(store_url, "SELECT key FROM long_buttons ORDER BY key") == [
            ("c" * 20,), ("d" * 20,)]
        # /forget takes the person's buttons (their commands may hold their numbers).
        await store.keep_button("telegram", "a" * 20, "7", data, week, T0)
        ana = await store.ensure_user("telegram", "7", "Ana")
        await other.forget_user(ana.id)
        assert await store.button("telegram", "a" * 20, T0) is None
        assert len(await query(store_url, "SELECT key FROM long_buttons")) == 2  # others' stay
    finally:
        if other is not store:
            await other.close()


async def test_several_updates_are_recorded_in_one_call(store: Store) -> None:
    """``first_sights``: the ids seen for the first time among several (a batch of updates
    recorded in one statement), as ``first_sight`` says one by one."""
    assert await store.first_sight("telegram", "5002", T0)
    firsts = await store.first_sights("telegram", ["5001", "5002", "5003", "5001"], T0)
    assert firsts == {"5001", "5003"}  # 5002 was seen before; 5001 counts once
    assert await store.first_sights("telegram", ["5001", "5003"], T0) == set()
    assert await store.first_sights("discord", ["5001"], T0) == {"5001"}
    assert await store.first_sights("telegram", [], T0) == set()
    assert not await store.first_sight("telegram", "5003", T0)


async def test_an_event_kept_longer_outlives_the_hourly_sweep(store: Store) -> None:
    """Hostile trial: a Telegram choice's press was remembered for the hour updates are, so
    when its buttons could not be taken off, the same press ran again two hours later.
    ``keep`` remembers it as long as asked; other events still go after the hour."""
    month = timedelta(days=30)
    assert await store.first_sight("telegram", "press:a", T0, keep=month)
    assert await store.first_sight("telegram", "9001", T0)
    later = T0 + timedelta(hours=2)
    await store.first_sights("telegram", ["9002"], later)  # a write that sweeps
    assert not await store.first_sight("telegram", "press:a", later, keep=month)
    assert await store.first_sight("telegram", "9001", later)  # swept after its hour
    gone = T0 + month + timedelta(hours=2)
    await store.first_sights("telegram", ["9003"], gone)
    assert await store.first_sight("telegram", "press:a", gone, keep=month)


async def test_a_redelivered_update_is_recognised_by_whichever_worker_it_reaches(
        store: Store, store_url: str, backend: str) -> None:
    """Issue 21: each worker remembered only the update ids it had seen itself, so a webhook
    retry that reached another worker was handled twice."""
    other = store if backend == "sqlite" else await open_store(store_url)
    try:
        firsts = await asyncio.gather(*(s.first_sight("telegram", "4711", T0)
                                        for s in (store, other, other, store)))
        assert sorted(firsts) == [False, False, False, True]  # exactly one worker handles it
        assert await other.first_sight("discord", "4711", T0)  # another platform's id
        assert not await store.first_sight("telegram", "4711", T0 + SEEN_EVENTS_KEPT)
        # Kept for SEEN_EVENTS_KEPT: then swept away by a later sight (at most every
        # SWEEP_EVERY), so the table holds about an hour of updates.
        later = T0 + SEEN_EVENTS_KEPT + SWEEP_EVERY + timedelta(seconds=1)
        assert await store.first_sight("telegram", "4712", later)
        assert await other.first_sight("telegram", "4713", later)
        assert sorted(await query(store_url, "SELECT event_id FROM seen_updates")) == [
            ("4712",), ("4713",)]
    finally:
        if other is not store:
            await other.close()


def test_snapshot_rows_are_read_by_column_position_whatever_the_order() -> None:
    """The SQLite store reads a snapshot's columns by position (a ``sqlite3.Row``'s lookup by
    name is slow) and passes the metrics to MetricSnapshot by position: its fields after
    ``taken_at`` are METRIC_NAMES in order, and a query's columns in any order give the same
    snapshot as reading each by name."""
    from bot.domain.metrics import MetricSnapshot
    from bot.store.sqlite import _entries, _snapshot

    assert MetricSnapshot.__match_args__[1:len(METRIC_NAMES) + 1] == METRIC_NAMES
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    names = ["id", "action", "source", "given", "taken_at", *METRIC_NAMES]
    db.execute(f"CREATE TABLE s ({', '.join(names)})")
    db.execute(f"INSERT INTO s VALUES ({', '.join('?' * len(names))})",
               [7, 3, "log", "views,followers", T0.isoformat(),
                *(float(n) if n % 3 else None for n in range(len(METRIC_NAMES)))])
    for order in (names, names[::-1]):
        row = db.execute(f"SELECT {', '.join(order)} FROM s").fetchone()
        entry = _entries([row])[0]
        by_name = MetricSnapshot(taken_at=T0, given=frozenset({"views", "followers"}),
                                 source="log", **{n: row[n] for n in METRIC_NAMES})
        assert (entry.id, entry.action, entry.source) == (7, 3, "log")
        assert entry.snapshot == by_name == _snapshot(row)
        # made without MetricSnapshot's __init__: every field as the dataclass sets it
        assert repr(_snapshot(row)) == repr(by_name) and hash(_snapshot(row)) == hash(by_name)
        assert entry.snapshot.source == "log"
        assert [getattr(entry.snapshot, n) for n in METRIC_NAMES] == \
            [row[n] for n in METRIC_NAMES]


async def test_many_snapshots_are_read_by_positions_found_once_a_query(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found in review: the PostgreSQL store read each snapshot row with the SQLite store's
    ``_entry`` alone, which finds the columns' positions from the row's names for every
    row; both stores find them once a query (``_entries``), whatever rows they read."""
    from bot.store import sqlite as rows

    u = await store.ensure_user("console", "positions", "positions")
    for day in range(6):
        await store.add_snapshot(u.id, {"followers": 100.0 + day}, T0 + timedelta(days=day))
    found: list[tuple[str, ...]] = []
    original = rows._columns

    def counting(names: tuple[str, ...]) -> object:
        found.append(names)
        return original(names)

    monkeypatch.setattr(rows, "_columns", counting)
    history = await store.history(u.id)
    assert [s.followers for s in history] == [100.0 + day for day in range(6)]
    assert len(found) == 1, len(found)
    found.clear()
    entries = await store.entries(u.id, limit=4)
    assert [e.snapshot.followers for e in entries] == [102.0, 103.0, 104.0, 105.0]
    assert len(found) == 1, len(found)
    found.clear()
    assert len(await store.last_action(u.id)) == 1 and len(found) <= 1, len(found)


def test_a_failing_commit_rolls_back_and_raises(tmp_path: Path) -> None:
    """Review: ``_transaction``'s COMMIT stood outside its try, so a COMMIT that failed (here a
    deferred foreign key, checked at COMMIT) left the transaction open on the connection, and
    the next BEGIN on it failed ("cannot start a transaction within a transaction"). A real
    SQLite file: the COMMIT's error is raised, the transaction rolled back, the row not kept,
    and the connection takes the next transaction."""
    from bot.store.sqlite import _transaction

    db = sqlite3.connect(tmp_path / "commit.db", isolation_level=None)
    try:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        db.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES "
                   "parent(id) DEFERRABLE INITIALLY DEFERRED)")

        def orphan(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO child (id, parent) VALUES (1, 99)")  # fails at COMMIT

        with pytest.raises(sqlite3.IntegrityError):
            _transaction(db, orphan)
        assert not db.in_transaction
        assert db.execute("SELECT COUNT(*) FROM child").fetchone() == (0,)
        _transaction(db, lambda conn: conn.execute("INSERT INTO parent (id) VALUES (1)"))
        assert db.execute("SELECT COUNT(*) FROM parent").fetchone() == (1,)
    finally:
        db.close()


async def test_a_failing_commit_of_the_store_writer_rolls_back(tmp_path: Path) -> None:
    """The same kind in the store's writer (``SqliteStore._write``): its COMMIT stood after
    its try, so a failing COMMIT left the writer's transaction open for every later write."""
    s = await open_store(f"sqlite:///{tmp_path / 'writer.db'}")
    try:
        writer = s._writer  # type: ignore[attr-defined]
        await writer.execute("PRAGMA foreign_keys=ON")
        await writer.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        await writer.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER "
                             "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
        with pytest.raises(sqlite3.IntegrityError):
            async with s._write() as db:  # type: ignore[attr-defined]
                await db.execute("INSERT INTO child (id, parent) VALUES (1, 99)")
        assert not writer.in_transaction
        async with s._write() as db:  # type: ignore[attr-defined]
            await db.execute("INSERT INTO parent (id) VALUES (1)")
        assert not writer.in_transaction
    finally:
        await s.close()
