"""Connecting TikTok and syncing, against the loopback fake TikTok, on a real SQLite file.

Every test also checks that no token, code, verifier or client secret reached a log line.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, running
from bot.config import Settings
from bot.core.connections import SyncReport
from bot.core.types import Reply
from bot.render.formats import Format
from bot.store import open_store
from bot.store.sqlite import parse_database_url
from bot.tiktok.client import TikTokError
from tests.auxil.clock import FakeClock
from tests.auxil.fake_tiktok import CLIENT_SECRET, FakeTikTok, videos
from tests.auxil.requests import forget_everything
from tests.tiktok.helpers import authorize, counts, raw_bytes, redirect_uri, tiktok_settings

START = FakeClock().current
REASONS = ("denied", "state", "code", "revoked", "expired_token", "rate_limited",
           "unavailable", "bad_response", "scope", "config", "not_connected", "timeout", "key")


@pytest.fixture
async def tiktok() -> AsyncIterator[FakeTikTok]:
    async with FakeTikTok(redirect_uri=redirect_uri()) as fake:
        fake.account.videos = videos(45, newest=int(START.timestamp()) - 3600)
        yield fake


@pytest.fixture
async def tapp(settings: Settings, clock: FakeClock,
               tiktok: FakeTikTok) -> AsyncIterator[App]:
    async with running(tiktok_settings(settings, tiktok), clock=clock) as app:
        assert app.tiktok is not None and app.tiktok.client is not None
        app.tiktok.client.backoff = 0.01  # the retry schedule, shortened for tests
        yield app


@pytest.fixture
def db(settings: Settings) -> Path:
    return parse_database_url(settings.database_url)


def secrets_seen(fake: FakeTikTok) -> set[str]:
    """Every token, code and verifier TikTok issued or received, and the client secret."""
    found = set(fake.issued) | {CLIENT_SECRET}
    for call in fake.calls:
        for key in ("code", "code_verifier", "refresh_token", "token", "client_secret"):
            if call.form.get(key):
                found.add(call.form[key])
        if call.authorization:
            found.add(call.authorization.removeprefix("Bearer "))
    return found


@pytest.fixture(autouse=True)
def _no_secret_in_any_log_line(caplog: pytest.LogCaptureFixture,
                               tiktok: FakeTikTok) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    seen = secrets_seen(tiktok)
    for record in caplog.get_records("setup") + caplog.get_records("call"):
        line = record.getMessage() + (record.exc_text or "")
        leaked = [s for s in seen if s in line]
        assert not leaked, f"secret in log line: {record.name}: {line}"


async def maya(app: App) -> int:
    return (await app.store.ensure_user("telegram", "1001", "Maya")).id


async def connect(app: App, user_id: int) -> SyncReport:
    assert app.tiktok is not None
    start = await app.tiktok.begin(user_id, "telegram", "1001")
    q = await authorize(start.url)
    _, report = await app.tiktok.complete(q.get("state"), q.get("code"), q.get("error"))
    return report


async def fails(app: App, user_id: int, reason: str) -> None:
    with pytest.raises(TikTokError) as raised:
        await connect(app, user_id)
    assert raised.value.reason == reason


def one_sentence(app: App, reason: str) -> str:
    text = app.renderer.render(Reply("errors/tiktok", {"reason": reason,
                                                       "again": "send /connect"}), Format.PLAIN)
    assert "\n" not in text and text.endswith(".") and text.count(". ") == 0, text
    return text


# -- the whole flow ---------------------------------------------------------------------------


async def test_connect_reads_the_profile_and_every_video(tapp: App, tiktok: FakeTikTok,
                                                         db: Path) -> None:
    user_id = await maya(tapp)
    report = await connect(tapp, user_id)
    assert (report.display_name, report.followers, report.likes_total, report.video_count) == (
        "maya.makes", 12_345, 456_789, 45)
    assert report.videos_read == 45 and report.new_videos == 45
    pages = tiktok.named("/v2/video/list/")
    assert [c.body.get("cursor") for c in pages] == [None, 20, 40]
    assert all(c.body["max_count"] == 20 and c.authorization for c in pages)
    exchange = tiktok.named("/v2/oauth/token/")[0].form
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None and latest.followers == 12_345
    assert latest.videos_per_week == 7  # 28 posts in the last 28 days
    assert latest.avg_video_length == 34.5  # the 10 newest: 30..39 s
    assert latest.views is None  # older videos: 30-day views need a month of readings
    assert counts(db) == {"snapshots": 1, "videos": 45, "video_totals": 1,
                          "tiktok_connections": 1}
    con = sqlite3.connect(db)
    assert con.execute("SELECT source FROM snapshots").fetchall() == [("sync",)]
    newest = con.execute("SELECT title, link, posted_on, as_of, duration, source FROM videos"
                         " ORDER BY posted_at DESC LIMIT 1").fetchone()
    assert newest == ("Video 45", "https://www.tiktok.com/@maya.makes/video/0045",
                      "2026-11-02", "2026-11-02", 30.0, "sync")
    con.close()
    stored = raw_bytes(db)
    assert not [s for s in secrets_seen(tiktok) if s.encode() in stored]  # encrypted at rest
    export = json.dumps(await tapp.store.export_user(user_id))
    assert not [s for s in secrets_seen(tiktok) if s in export]
    assert "access_token" not in export and '"videos"' in export


async def test_30_day_counts_come_from_the_growth_of_lifetime_counts(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    assert tapp.tiktok is not None
    clock.advance(days=31)
    for video in tiktok.account.videos[:3]:
        video.view_count += 500
        video.like_count += 50
    report = await tapp.tiktok.sync_user(user_id)
    assert report.new_videos == 0
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None
    assert (latest.views, latest.likes) == (1_500, 150)
    assert latest.videos_per_week == 0  # nothing posted in the last four weeks


async def test_when_every_video_is_recent_lifetime_counts_are_the_30_days(
        tapp: App, tiktok: FakeTikTok) -> None:
    tiktok.account.videos = videos(3, newest=int(START.timestamp()) - 3600, views=2_000)
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None and latest.views == 2_000 + 4_000 + 6_000


async def test_a_log_of_the_same_field_the_same_day_wins(tapp: App, tiktok: FakeTikTok,
                                                        clock: FakeClock) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    clock.advance(hours=1)
    await tapp.store.add_snapshot(user_id, {"followers": 20_000}, clock.now())
    clock.advance(hours=1)
    assert tapp.tiktok is not None
    tapp.tiktok.settings = tapp.tiktok.settings.model_copy(update={"tiktok_sync_hours": 1})
    report = await tapp.tiktok.sync_user(user_id)
    assert "followers" in report.kept_typed and "followers" not in report.written
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None and latest.followers == 20_000
    clock.advance(days=1)
    await tapp.tiktok.sync_user(user_id)
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None and latest.followers == 12_345  # a new day: the reading counts


async def test_a_tenfold_jump_read_from_tiktok_is_not_stored_and_the_result_says_so(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock) -> None:
    """The same check as /log: 12,345 followers, then 200,000 read a day later, is held
    back (the other numbers of that sync are stored) and the sync result names it."""
    from bot.tiktok.web import connected_reply

    user_id = await maya(tapp)
    await connect(tapp, user_id)
    assert tapp.tiktok is not None
    clock.advance(days=1)
    tiktok.account.follower_count = 200_000
    report = await tapp.tiktok.sync_user(user_id)
    assert report.held_back == ("followers went from 12.3k to 200k since your latest "
                                "snapshot, 10× or more",)
    assert "followers" not in report.written and "videos_per_week" in report.written
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None and latest.followers == 12_345
    text = tapp.renderer.render(connected_reply(report, "tiktok_synced"), Format.PLAIN)
    assert "Not saved, because it looks wrong:" in text
    assert "/log followers=200000 confirm" in text


async def test_a_daily_sync_pages_only_until_known_videos(tapp: App, tiktok: FakeTikTok,
                                                          clock: FakeClock) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    clock.advance(days=1)
    newest = videos(1, newest=int(clock.now().timestamp()) - 60)[0]
    newest.id = "fresh"
    tiktok.account.videos.insert(0, newest)
    before = len(tiktok.named("/v2/video/list/"))
    assert tapp.tiktok is not None
    report = await tapp.tiktok.sync_user(user_id)
    assert report.new_videos == 1
    assert len(tiktok.named("/v2/video/list/")) - before == 2  # not all three pages


async def test_the_access_token_is_refreshed_after_it_expires(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    first_refresh = next(iter(tiktok.refresh_tokens))
    clock.advance(hours=25)  # access tokens live 24 h at the fake
    assert tapp.tiktok is not None
    await tapp.tiktok.sync_user(user_id)
    grants = [c.form["grant_type"] for c in tiktok.named("/v2/oauth/token/")]
    assert grants == ["authorization_code", "refresh_token"]
    assert first_refresh not in tiktok.refresh_tokens  # rotated; the new one was stored
    clock.advance(hours=25)
    await tapp.tiktok.sync_user(user_id)  # works with the rotated refresh token
    assert len(tiktok.named("/v2/oauth/token/")) == 3


async def test_an_access_token_refused_early_is_refreshed_once(
        tapp: App, tiktok: FakeTikTok) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    tiktok.expire_access_tokens()
    assert tapp.tiktok is not None
    await tapp.tiktok.sync_user(user_id)
    grants = [c.form["grant_type"] for c in tiktok.named("/v2/oauth/token/")]
    assert grants == ["authorization_code", "refresh_token"]


async def test_a_revoked_refresh_token_stops_syncing_and_tells_the_creator_once(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock, db: Path) -> None:
    told: list[tuple[str, str, Reply]] = []

    async def notify(platform: str, chat_id: str, reply: Reply) -> None:
        told.append((platform, chat_id, reply))

    user_id = await maya(tapp)
    await connect(tapp, user_id)
    assert tapp.tiktok is not None
    tapp.tiktok.notify = notify
    stored = counts(db)
    tiktok.withdraw_consent()
    clock.advance(days=1, hours=1)
    assert await tapp.tiktok.sync_due() == 0
    assert [(p, c, r.template) for p, c, r in told] == [("telegram", "1001", "tiktok_revoked")]
    status = await tapp.tiktok.status(user_id)
    assert status is not None and status.status == "revoked"
    calls = len(tiktok.calls)
    clock.advance(days=2)
    assert await tapp.tiktok.sync_due() == 0
    assert len(told) == 1 and len(tiktok.calls) == calls  # stopped; told once
    assert counts(db) == stored
    one_sentence(tapp, "revoked")


# -- faults: one sentence, nothing stored half-way ----------------------------------------------


async def test_a_state_that_does_not_match_is_refused(tapp: App, tiktok: FakeTikTok,
                                                      db: Path) -> None:
    assert tapp.tiktok is not None
    start = await tapp.tiktok.begin(await maya(tapp), "telegram", "1001")
    q = await authorize(start.url)
    with pytest.raises(TikTokError) as raised:
        await tapp.tiktok.complete("forged-" + q["state"], q["code"], None)
    assert raised.value.reason == "state"
    assert tiktok.named("/v2/oauth/token/") == []  # the code was never exchanged
    assert counts(db)["tiktok_connections"] == 0 and counts(db)["snapshots"] == 0
    one_sentence(tapp, "state")


async def test_an_expired_state_is_refused(tapp: App, clock: FakeClock, db: Path) -> None:
    assert tapp.tiktok is not None
    start = await tapp.tiktok.begin(await maya(tapp), "telegram", "1001")
    q = await authorize(start.url)
    clock.advance(minutes=11)
    with pytest.raises(TikTokError) as raised:
        await tapp.tiktok.complete(q["state"], q["code"], None)
    assert raised.value.reason == "state"
    assert counts(db)["tiktok_connections"] == 0


async def test_a_replayed_code_or_callback_is_refused(tapp: App, tiktok: FakeTikTok,
                                                      db: Path) -> None:
    assert tapp.tiktok is not None
    user_id = await maya(tapp)
    start = await tapp.tiktok.begin(user_id, "telegram", "1001")
    q = await authorize(start.url)
    await tapp.tiktok.complete(q["state"], q["code"], None)
    stored = counts(db)
    with pytest.raises(TikTokError) as same:  # the same callback again: the state is spent
        await tapp.tiktok.complete(q["state"], q["code"], None)
    assert same.value.reason == "state"
    fresh = await tapp.tiktok.begin(user_id, "telegram", "1001")
    with pytest.raises(TikTokError) as replay:  # the old code under a fresh state: TikTok says no
        await tapp.tiktok.complete(fresh.state, q["code"], None)
    assert replay.value.reason == "code"
    assert counts(db) == stored
    one_sentence(tapp, "code")


async def test_access_denied_stores_nothing(tapp: App, tiktok: FakeTikTok, db: Path) -> None:
    tiktok.consent = "deny"
    await fails(tapp, await maya(tapp), "denied")
    assert tiktok.named("/v2/oauth/token/") == []
    assert counts(db) == {"snapshots": 0, "videos": 0, "video_totals": 0,
                          "tiktok_connections": 0}
    one_sentence(tapp, "denied")


async def test_a_429_is_retried(tapp: App, tiktok: FakeTikTok) -> None:
    tiktok.fail("/v2/user/info/", 429, retry_after="0")
    report = await connect(tapp, await maya(tapp))
    assert report.followers == 12_345
    assert [c.status for c in tiktok.named("/v2/user/info/")] == [429, 200]


async def test_429s_that_do_not_stop_store_nothing(tapp: App, tiktok: FakeTikTok,
                                                   db: Path) -> None:
    tiktok.fail("/v2/video/list/", 429, retry_after="0", times=10, after=1)
    await fails(tapp, await maya(tapp), "rate_limited")
    assert counts(db) == {"snapshots": 0, "videos": 0, "video_totals": 0,
                          "tiktok_connections": 0}
    assert tiktok.revoked  # the grant just made is not left behind
    one_sentence(tapp, "rate_limited")


async def test_a_5xx_is_retried_and_persistent_5xx_store_nothing(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock, db: Path) -> None:
    tiktok.fail("/v2/video/list/", 503, after=1)  # page 2 fails once
    user_id = await maya(tapp)
    report = await connect(tapp, user_id)
    assert report.videos_read == 45
    stored = counts(db)
    clock.advance(days=1)
    tiktok.account.videos[0].view_count += 10_000
    tiktok.fail("/v2/video/list/", 500, times=10, after=1)
    assert tapp.tiktok is not None
    with pytest.raises(TikTokError) as raised:
        await tapp.tiktok.sync_user(user_id)
    assert raised.value.reason == "unavailable"
    assert counts(db) == stored  # page 1 was read but nothing of it was stored
    one_sentence(tapp, "unavailable")


async def test_malformed_json_stores_nothing(tapp: App, tiktok: FakeTikTok, db: Path) -> None:
    tiktok.fail("/v2/user/info/", 200, body=b'{"data": {"user": ')
    await fails(tapp, await maya(tapp), "bad_response")
    assert counts(db)["tiktok_connections"] == 0 and counts(db)["snapshots"] == 0
    tiktok.fail("/v2/video/list/", 200, body=b'{"data": {"videos": "nope"}, "error": '
                b'{"code": "ok"}}')
    await fails(tapp, await maya(tapp), "bad_response")
    assert counts(db)["tiktok_connections"] == 0
    one_sentence(tapp, "bad_response")


async def test_a_scope_left_unticked_stores_nothing(tapp: App, tiktok: FakeTikTok,
                                                    db: Path) -> None:
    tiktok.granted = "user.info.basic,user.info.stats"  # no video.list
    await fails(tapp, await maya(tapp), "scope")
    assert counts(db) == {"snapshots": 0, "videos": 0, "video_totals": 0,
                          "tiktok_connections": 0}
    assert "allow all three" in one_sentence(tapp, "scope")


async def test_a_wrong_client_secret_is_a_setup_sentence(
        settings: Settings, clock: FakeClock, tiktok: FakeTikTok, db: Path) -> None:
    from pydantic import SecretStr

    wrong = tiktok_settings(settings, tiktok).model_copy(
        update={"tiktok_client_secret": SecretStr("not-the-secret")})
    async with running(wrong, clock=clock) as app:
        await fails(app, await maya(app), "config")
        assert "TIKTOK_CLIENT_SECRET" in one_sentence(app, "config")
    assert counts(db)["tiktok_connections"] == 0


def test_every_reason_is_one_sentence(settings: Settings) -> None:
    from bot.render.environment import Renderer

    renderer = Renderer(settings.templates_dir)
    for reason in REASONS:
        text = renderer.render(Reply("errors/tiktok", {"reason": reason,
                                                       "again": "send /connect"}), Format.PLAIN)
        assert "\n" not in text and text.endswith(".") and ". " not in text, (reason, text)


# -- disconnect, forget, upgrade ----------------------------------------------------------------


async def test_disconnect_revokes_then_deletes_the_tokens(tapp: App, tiktok: FakeTikTok,
                                                          db: Path) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    assert tapp.tiktok is not None
    assert await tapp.tiktok.disconnect(user_id) is True
    assert tiktok.revoked and tiktok.access_tokens == {}
    assert counts(db)["tiktok_connections"] == 0 and counts(db)["snapshots"] == 1
    assert await tapp.tiktok.disconnect(user_id) is None


async def test_forget_revokes_at_tiktok_then_deletes_everything(
        tapp: App, tiktok: FakeTikTok, db: Path) -> None:
    console = ConsoleAdapter(tapp, user="alice")
    user = await tapp.store.ensure_user("console", "alice", "alice")
    await connect(tapp, user.id)
    result = await forget_everything(console)
    assert result.ok and "deleted everything" in result.text
    assert tiktok.revoked
    assert counts(db) == {"snapshots": 0, "videos": 0, "video_totals": 0,
                          "tiktok_connections": 0}


async def test_upgrading_keeps_snapshots_as_logged(tmp_path: Path) -> None:
    from importlib import resources

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    folder = resources.files("bot.store").joinpath("migrations")
    for name in ("0001_init.sql", "0002_subscriptions.sql", "0003_goals.sql"):
        con.executescript(folder.joinpath(name).read_text())
    con.execute("PRAGMA user_version = 3")
    con.execute("INSERT INTO users VALUES (1, 'telegram', '7', 'Old', '2026-01-01T00:00:00+00:00')")
    con.execute("INSERT INTO snapshots (user_id, taken_at, followers, given) VALUES "
                "(1, '2026-01-02T00:00:00+00:00', 900, 'followers')")
    con.commit()
    con.close()
    store = await open_store(f"sqlite:///{path}")
    try:
        latest = await store.latest_snapshot(1)
        assert latest is not None and latest.followers == 900
        assert await store.connection(1) is None
    finally:
        await store.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT source FROM snapshots").fetchall() == [("log",)]
    con.close()


async def test_status_never_hands_out_ciphertext(tapp: App) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    assert tapp.tiktok is not None
    status = await tapp.tiktok.status(user_id)
    assert status is not None and replace(status).access_token == b""


async def test_reconnecting_keeps_readings_and_another_account_starts_over(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock, db: Path) -> None:
    user_id = await maya(tapp)
    await connect(tapp, user_id)
    clock.advance(days=31)
    tiktok.account.videos[0].view_count += 700
    await connect(tapp, user_id)  # the same account again: a month of readings still counts
    latest = await tapp.store.latest_snapshot(user_id)
    assert latest is not None and latest.views == 700
    assert counts(db)["video_totals"] == 2
    tiktok.account.open_id = "open-id-other"
    tiktok.account.videos = videos(2, newest=int(clock.now().timestamp()) - 60)
    await connect(tapp, user_id)
    assert counts(db)["videos"] == 2 and counts(db)["video_totals"] == 1


async def test_console_connect_points_to_the_command_line(tapp: App) -> None:
    result = await ConsoleAdapter(tapp, user="alice").ask("/connect")
    assert result.ok and "creator-advisor connect --user alice" in result.text
    gone = await ConsoleAdapter(tapp, user="alice").ask("/disconnect")
    assert "No TikTok account is connected" in gone.text


async def test_stopping_mid_sync_cancels_it_and_stores_nothing(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock, db: Path) -> None:
    import asyncio

    from bot.tiktok.web import TikTokRunner

    await connect(tapp, await maya(tapp))
    stored = counts(db)
    clock.advance(days=1, hours=1)
    tiktok.delays["/v2/video/list/"] = 30  # TikTok hangs mid-sync
    assert tapp.tiktok is not None
    runner = TikTokRunner(tapp.tiktok, tapp.renderer, {})
    await runner.start()
    async with asyncio.timeout(10):
        while True:  # until the sync is waiting on the video list
            if tiktok.calls and tiktok.calls[-1].path == "/v2/video/list/":
                break
            await asyncio.sleep(0.02)
    async with asyncio.timeout(5):  # not the 30 s TikTok takes
        await runner.stop(grace=0.2)
    assert counts(db) == stored


async def test_synced_and_imported_videos_share_one_table(tapp: App, db: Path) -> None:
    from datetime import date

    from bot.domain.studio import StudioImport, Video

    console = ConsoleAdapter(tapp, user="alice")
    user = await tapp.store.ensure_user("console", "alice", "alice")
    await connect(tapp, user.id)
    listed = await console.ask("/videos")
    assert listed.ok and "1. Video 1: 45k views" in listed.text  # synced videos in /videos
    studio = StudioImport(downloaded=date(2026, 11, 2), downloaded_given=True)
    studio.videos.append(Video("v0045", "Video 45 (Studio)", "https://www.tiktok.com/@m/video/45",
                               date(2026, 11, 2), date(2026, 11, 2), 99_000, 9, 9, 9))
    await tapp.store.import_studio(user.id, [], studio)
    assert counts(db)["videos"] == 45  # the same video, updated, not a second row
    con = sqlite3.connect(db)
    row = con.execute("SELECT views, duration, posted_at IS NOT NULL, source FROM videos"
                      " WHERE video_id = 'v0045'").fetchone()
    con.close()
    assert row == (99_000, 30.0, 1, "import")  # Studio's numbers; length and time from the sync


async def test_a_database_at_the_latest_other_version_gets_the_tiktok_tables(
        tmp_path: Path) -> None:
    """Migrations run in number order and only above the stored version: a database already
    migrated by every migration before this one must still get it (so its number is above
    theirs). Later migrations (0220, issue 22) come after it on every upgrade path."""
    from bot.store.sqlite import _migrations, _statements

    path = tmp_path / "current.db"
    con = sqlite3.connect(path)
    ours = next(v for v, name, _ in _migrations() if "tiktok" in name)
    others = [(v, sql) for v, name, sql in _migrations() if v < ours]
    for _version, sql in others:
        for statement in _statements(sql):
            con.execute(statement)
    con.execute(f"PRAGMA user_version = {others[-1][0]}")
    con.commit()
    con.close()
    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.connection(1) is None  # the table exists
    finally:
        await store.close()
    con = sqlite3.connect(path)
    columns = {r[1] for r in con.execute("PRAGMA table_info(videos)")}
    con.close()
    assert {"posted_at", "duration", "source"} <= columns


async def test_history_names_a_sync_and_undo_removes_it(tapp: App) -> None:
    console = ConsoleAdapter(tapp, user="alice")
    user = await tapp.store.ensure_user("console", "alice", "alice")
    await console.ask("/log followers=9k")
    await connect(tapp, user.id)
    history = await console.ask("/history")
    assert "read from TikTok" in history.text and "logged" in history.text
    preview = await console.ask("/undo")
    await console.ask(preview.replies[0].actions[0].command)
    latest = await tapp.store.latest_snapshot(user.id)
    assert latest is not None and latest.followers == 9_000


async def test_stats_names_synced_videos_as_the_accounts_not_studios(tapp: App) -> None:
    """Trial: /stats headed the median of videos read from the connected account "From
    TikTok Studio", though nothing was imported. The section is named by where its numbers
    came from: the account, TikTok Studio's files, or both."""
    from datetime import date

    from bot.domain.studio import StudioImport, Video

    console = ConsoleAdapter(tapp, user="alice")
    user = await tapp.store.ensure_user("console", "alice", "alice")
    await connect(tapp, user.id)
    synced = await console.ask("/stats")
    assert "From your TikTok account" in synced.text, synced.text
    assert "From TikTok Studio" not in synced.text
    studio = StudioImport(downloaded=date(2026, 11, 2), downloaded_given=True)
    studio.videos.append(Video("v9999", "Video (Studio)", "https://www.tiktok.com/@m/video/9",
                               date(2026, 11, 2), date(2026, 11, 2), 99_000, 9, 9, 9))
    await tapp.store.import_studio(user.id, [], studio)
    both = await console.ask("/stats")
    assert "From TikTok Studio and your TikTok account" in both.text, both.text


async def test_a_sync_dates_videos_and_totals_by_the_creators_day(
        tapp: App, tiktok: FakeTikTok, clock: FakeClock, db: Path) -> None:
    """11:00 UTC on 2 November is 01:00 on the 3rd in Kiritimati (UTC+14): a video posted at
    10:30 UTC was posted on the creator's 3rd, read on their 3rd, and the day's totals are
    the 3rd's (branch trusttz: the UTC date, the 2nd, was stored)."""
    user_id = await maya(tapp)
    await tapp.store.update_settings(user_id, {"timezone": "Pacific/Kiritimati"})
    clock.advance(hours=2)
    tiktok.account.videos = videos(3, newest=int(clock.now().timestamp()) - 1800)
    await connect(tapp, user_id)
    con = sqlite3.connect(db)
    try:
        newest = con.execute("SELECT posted_on, as_of FROM videos ORDER BY posted_at DESC "
                             "LIMIT 1").fetchone()
        assert newest == ("2026-11-03", "2026-11-03")
        assert con.execute("SELECT day FROM video_totals").fetchall() == [("2026-11-03",)]
    finally:
        con.close()
