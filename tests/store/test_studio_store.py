"""TikTok Studio rows in the store (SQLite, and PostgreSQL with TEST_DATABASE_URL): the 0006
migration keeps old data; videos upsert by id; an import is one transaction with its
snapshots."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from bot.core.ports import Reads, Store
from bot.domain.payouts import Payout
from bot.domain.studio import StudioImport, Video
from bot.store import open_store
from tests.store.test_sqlite_store import raw

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "studio.db"


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = await open_store(store_url)
    yield s
    await s.close()


def _video(views: float, video_id: str = "7300000000000000001") -> Video:
    return Video(video_id, "t", f"https://www.tiktok.com/@c/video/{video_id}", date(2026, 2, 1),
                 date(2026, 3, 1), views, 10, 1, 1)


async def test_a_version_1_database_keeps_its_snapshots(db_path: Path) -> None:
    db = raw(db_path)
    sql = resources.files("bot.store").joinpath("migrations/0001_init.sql").read_text()
    db.executescript(sql)
    db.execute("INSERT INTO users (platform, platform_user_id, display_name, created_at)"
               " VALUES ('console', 'old', 'old', '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO snapshots (user_id, taken_at, followers, given)"
               " VALUES (1, '2026-01-01T12:00:00+00:00', 1234, 'followers')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = await open_store(f"sqlite:///{db_path}")
    try:
        snap = await store.latest_snapshot(1)
        assert snap is not None and snap.followers == 1234
        assert await store.videos(1) == []
        await store.import_studio(1, [], _studio(videos=[_video(5)]))
        assert [v.views for v in await store.videos(1)] == [5]
    finally:
        await store.close()


def _studio(**kw: object) -> StudioImport:
    s = StudioImport(downloaded=date(2026, 3, 1), downloaded_given=True)
    for k, v in kw.items():
        setattr(s, k, v)
    return s


async def test_videos_update_by_id_and_audience_is_replaced(store: Store) -> None:
    u = await store.ensure_user("console", "c", "c")
    await store.import_studio(u.id, [(T0, {"views": 100.0})],
                              _studio(videos=[_video(5)], territories=[("US", 0.5)],
                                      genders=[("Female", 0.6)]))
    await store.import_studio(u.id, [], _studio(videos=[_video(9), _video(1, "2")],
                                                territories=[("GB", 1.0)]))
    assert [(v.video_id, v.views) for v in await store.videos(u.id)] == [
        ("7300000000000000001", 9), ("2", 1)]
    audience = await store.audience(u.id)
    assert audience.territories == (("GB", 1.0),)
    assert audience.genders == (("Female", 0.6),)  # no gender file the second time: kept
    exported = await store.export_user(u.id)
    assert len(exported["videos"]) == 2 and exported["audience"]["shares"]


async def test_a_failing_studio_import_writes_nothing(store: Store) -> None:
    u = await store.ensure_user("console", "f", "f")
    broken = _studio(activity=[(date(2026, 3, 1), 25, 1.0)])  # hour 25 breaks the CHECK
    # SQLite says "CHECK constraint failed", PostgreSQL "violates check constraint".
    with pytest.raises(Exception, match=r"(?i)check constraint"):
        await store.import_studio(u.id, [(T0, {"followers": 5.0})], broken)
    assert await store.latest_snapshot(u.id) is None


async def _undo_last(store: Store, user_id: int) -> int:
    """What /undo does: the most recent action (snapshots or a Studio import) goes."""
    entries = await store.last_action(user_id)
    records = await store.studio_imports(user_id)
    actions = [e.action for e in entries] + [r.action for r in records]
    return await store.undo_action(user_id, max(actions))


async def test_undoing_a_content_reimport_restores_the_earlier_numbers(store: Store) -> None:
    u = await store.ensure_user("console", "u", "u")
    await store.import_studio(u.id, [(T0, {"views": 100.0})], _studio(
        videos=[_video(5)], territories=[("US", 0.5), ("GB", 0.5)],
        activity=[(date(2026, 3, 1), 20, 40.0)]))
    day = date(2026, 3, 1)
    first = _studio(videos=[_video(5)])
    first.daily = {"profile_views": {day: 7.0}}
    await store.import_studio(u.id, [], first)  # profile views of that day, nothing else new
    again = _studio(videos=[_video(9), _video(1, "2")], territories=[("CA", 1.0)],
                    activity=[(date(2026, 3, 2), 21, 50.0)])
    again.daily = {"profile_views": {day: 8.0, date(2026, 3, 2): 3.0}}
    await store.import_studio(u.id, [(T0, {"views": 200.0})], again)
    records = await store.studio_imports(u.id)
    assert [(r.videos_added, r.videos_updated) for r in records] == [(1, 0), (0, 1), (1, 1)]
    assert records[-1].audience == ("territories", "active hours")
    assert records[-1].daily_days == 2

    assert await _undo_last(store, u.id) == 1  # its one snapshot
    assert [(v.video_id, v.views) for v in await store.videos(u.id)] == [
        ("7300000000000000001", 5)]
    audience = await store.audience(u.id)
    assert audience.territories == (("GB", 0.5), ("US", 0.5))
    assert audience.activity == ((date(2026, 3, 1), 20, 40.0),)
    assert await store.daily_series(u.id) == {"profile_views": {day: 7.0}}
    latest = await store.latest_snapshot(u.id)
    assert latest is not None and latest.views == 100  # the replaced import row is back
    assert len(await store.studio_imports(u.id)) == 2

    assert await _undo_last(store, u.id) == 0  # wrote no snapshot, still one import
    assert await store.daily_series(u.id) == {}
    assert [v.views for v in await store.videos(u.id)] == [5]
    assert await _undo_last(store, u.id) == 1  # the first import: its video goes
    assert await store.videos(u.id) == []
    assert await store.audience(u.id) == type(audience)()
    assert await store.studio_imports(u.id) == []
    assert await store.latest_snapshot(u.id) is None


async def test_an_audience_only_import_is_the_last_action(store: Store) -> None:
    u = await store.ensure_user("console", "a", "a")
    await store.add_snapshot(u.id, {"followers": 10.0}, T0)
    await store.import_studio(u.id, [], _studio(genders=[("Female", 0.6), ("Male", 0.4)]))
    assert await store.last_action(u.id) == []  # the import wrote no snapshot...
    [record] = await store.studio_imports(u.id)
    assert record.audience == ("genders",)
    assert await _undo_last(store, u.id) == 0  # ...and is what /undo takes back
    assert (await store.audience(u.id)).genders == ()
    assert [e.source for e in await store.last_action(u.id)] == ["log"]  # the /log is next
    await store.import_studio(u.id, [], _studio(genders=[("Female", 0.5), ("Male", 0.5)]))
    await store.add_snapshot(u.id, {"followers": 11.0}, T0)  # a /log after the import
    assert await _undo_last(store, u.id) == 1
    assert (await store.audience(u.id)).genders == (("Female", 0.5), ("Male", 0.5))


async def test_forget_and_export_cover_the_import_records(store: Store) -> None:
    u = await store.ensure_user("console", "e", "e")
    await store.import_studio(u.id, [], _studio(videos=[_video(5)]),
                              now=datetime(2026, 3, 2, 9, tzinfo=UTC))
    exported = await store.export_user(u.id)
    assert [(r["videos_added"], r["imported_at"][:10]) for r in exported["studio_imports"]] == [
        (1, "2026-03-02")]
    assert [(r["tbl"], r["row_data"]) for r in exported["studio_before"]] == [("videos", None)]
    await store.forget_user(u.id)
    v = await store.ensure_user("console", "e", "e")
    assert await store.studio_imports(v.id) == []
    assert await store.studio_imports(u.id) == []


async def test_reads_in_one_trip_equal_each_read_alone(store: Store) -> None:
    """``Store.reads`` (a command's reads in one trip where the store can) returns
    exactly what each read returns alone, and nothing it was not asked for."""
    u = await store.ensure_user("console", "reads", "r")
    empty = await store.reads(u.id, Reads(history=5, latest=True, videos=True, audience=True,
                                          payouts=True, daily_series=True, goals=True,
                                          count_snapshots=True))
    assert (empty.history, empty.latest, empty.videos, empty.payouts, empty.daily_series,
            empty.goals, empty.count_snapshots) == ([], None, [], [], {}, [], 0)
    assert empty.audience == await store.audience(u.id)
    studio = _studio(videos=[_video(5), _video(8, "2")], territories=[("US", 0.5)],
                     genders=[("Female", 0.6)])
    studio.daily = {"profile_views": {date(2026, 3, 1): 7.0, date(2026, 3, 2): 3.0}}
    await store.import_studio(u.id, [(T0, {"views": 100.0}), (T0.replace(day=2),
                                                                 {"followers": 7.0})], studio)
    await store.add_snapshot(u.id, {"likes": 3.0}, T0.replace(day=3))
    await store.set_goal(u.id, "followers", 10_000, None, T0)
    await store.set_goal(u.id, "views", 50_000, date(2026, 6, 1), T0.replace(day=2))
    await store.add_payout(u.id, Payout("creator_rewards", 12, "USD", T0))
    read = await store.reads(u.id, Reads(history=2, latest=True, videos=True, audience=True,
                                         payouts=True))
    assert read.history == await store.history(u.id, limit=2) and len(read.history) == 2
    assert read.latest == await store.latest_snapshot(u.id) and read.latest is not None
    assert read.videos == await store.videos(u.id) and len(read.videos) == 2
    assert read.audience == await store.audience(u.id) and read.audience.territories
    assert read.payouts == await store.payouts(u.id) and len(read.payouts) == 1
    # the latest is the history's last when that is read (limit 1 or more), else read alone
    for limit in (None, 0, 1):
        latest = await store.reads(u.id, Reads(history=limit, latest=True))
        assert latest.latest == read.latest and latest.latest is not None, limit
        assert latest.history == (None if limit is None else read.history[2 - limit:])
    more = await store.reads(u.id, Reads(daily_series=True, goals=True, count_snapshots=True))
    assert more.daily_series == await store.daily_series(u.id) and more.daily_series
    assert more.goals == await store.goals(u.id) and len(more.goals) == 2
    assert more.count_snapshots == await store.count_snapshots(u.id) == 3
    only = await store.reads(u.id, Reads(videos=True))
    assert only.videos == read.videos
    assert (only.history, only.latest, only.audience, only.payouts, only.daily_series,
            only.goals, only.count_snapshots) == (None,) * 7
