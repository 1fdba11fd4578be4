"""Discord edge cases production bots hit, replayed through the real discord.py client against
the fake Discord: a deferral refused with 10062, presses on buttons from before a restart,
/subscribe where the bot cannot post, a subscription paused for permissions, 429s of every
shape on weekly posts, and long messages split without breaking an escape or markup."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from bot.adapters.discord_adapter import BUTTON_EXPIRED, DiscordAdapter
from bot.app import App
from bot.config import Settings
from bot.core.registry import CommandSpec
from bot.core.types import Reply
from bot.scheduler.compose import WeeklyComposer
from bot.scheduler.runner import DEFAULT_RETRY_AFTER, WeeklyPoster
from tests.auxil.clock import FakeClock
from tests.auxil.fake_discord import (
    CHANNEL_ID,
    CHANNEL_MESSAGES,
    MEMBER_PERMISSIONS,
    TIMESTAMP,
    FakeDiscord,
    Sent,
)

MAYA_ID = "500000000000000001"  # the fake's default user
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
def settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                       "discord_api_url": fake.api_url})


@pytest.fixture
async def bot(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(app, defer_after=1.0, guild_ready_timeout=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


class Sleeps:
    """The poster's sleep: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def poster(app: App, bot: DiscordAdapter, sleep: Sleeps) -> WeeklyPoster:
    composer = WeeklyComposer(app.store, app.services.catalogue, app.services.rates)
    return WeeklyPoster(app.store, app.clock, {"discord": bot.deliverer}, composer,
                        paces=app.paces, sleep=sleep)


async def subscribed(fake: FakeDiscord, app: App, clock: FakeClock) -> None:
    [answer] = await fake.answers(await fake.interact(fake.slash(
        "subscribe", {"day": "monday", "time": "10:00", "timezone": "UTC"}, admin=True)))
    assert "Weekly tips are on" in answer.text
    [sub] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    assert sub.next_run_at is not None
    clock.current = sub.next_run_at + timedelta(minutes=1)


def channel_posts(fake: FakeDiscord, channel_id: int = CHANNEL_ID) -> list[Sent]:
    return [s for s in fake.sent if s.kind == "channel" and s.message_id is not None
            and int(fake.messages[s.message_id]["channel_id"]) == channel_id]


# -- 10062 on the deferral ----------------------------------------------------------------------


async def test_a_refused_deferral_loses_only_the_reply(bot: DiscordAdapter, fake: FakeDiscord,
                                                       app: App) -> None:
    bot.defer_after = 0.0  # the 3-second window is missed under load
    payload = fake.slash("log", {"followers": "12k", "views": "40k"})
    fake.refuse_callback(payload["token"])  # 404, 10062 Unknown interaction
    token = await fake.interact(payload)

    async def saved() -> bool:
        user = await app.store.find_user("discord", MAYA_ID)
        return user is not None and await app.store.latest_snapshot(user.id) is not None

    for _ in range(250):  # up to 5 s
        if await saved():
            break
        await asyncio.sleep(0.02)
    user = await app.store.find_user("discord", MAYA_ID)
    assert user is not None
    latest = await app.store.latest_snapshot(user.id)
    assert latest is not None and latest.followers == 12_000 and latest.views == 40_000
    await asyncio.sleep(0.1)
    assert [s for s in fake.for_token(token) if s.is_message] == []  # nothing to answer to
    bot.defer_after = 1.0
    [stats] = await fake.answers(await fake.interact(fake.slash("stats")))
    assert "12k" in stats.text  # and the bot keeps serving


# -- buttons after a restart ---------------------------------------------------------------------


async def test_a_press_no_running_view_knows_is_answered_as_expired(
        bot: DiscordAdapter, fake: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.discord_adapter")
    payload = fake.press_unknown()
    [answer] = await fake.answers(await fake.interact(payload))
    assert answer.ephemeral and answer.content == BUTTON_EXPIRED
    assert any(payload["id"] in r.getMessage() and "expired" in r.getMessage()
               for r in caplog.records)
    # A live view's press is still the view's to answer, once.
    [prompt] = await fake.answers(await fake.interact(fake.slash("forget")))
    token = await fake.interact(fake.press(prompt, "Cancel"))
    [kept] = await fake.answers(token)
    assert "Nothing was deleted" in kept.text
    assert [s.kind for s in fake.for_token(token)] == ["update", "followup"]
    # The same button pressed again (its view is done): expired, not silence.
    [again] = await fake.answers(await fake.interact(fake.press(prompt, "Cancel")))
    assert again.content == BUTTON_EXPIRED



async def test_a_double_click_runs_the_choice_once(bot: DiscordAdapter, app: App,
                                                  fake: FakeDiscord) -> None:
    """Two presses of one "Save anyway" arriving back to back (both reach the view before
    either runs): the first saves, the second is answered as expired; one snapshot, not two
    (found by a hostile trial: both ran)."""
    await fake.answers(await fake.interact(fake.slash("log", {"followers": "12k"})))
    [prompt] = await fake.answers(await fake.interact(fake.slash("log", {"followers": "1B"})))
    first = await fake.interact(fake.press(prompt, "Save anyway"))
    second = await fake.interact(fake.press(prompt, "Save anyway"))
    answers = await fake.answers(first) + await fake.answers(second)
    assert sorted(a.content == BUTTON_EXPIRED for a in answers) == [False, True]
    maya = await app.store.find_user("discord", "500000000000000001")
    assert maya is not None
    assert [s.followers for s in await app.store.history(maya.id)] == [12_000, 1e9]


async def test_a_sent_view_is_forgotten_once_pressed_timed_out_or_stopped(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """The adapter keeps the buttons it sent (discord.py keeps none of them, ActionView): a
    view is forgotten, its timer with it, once pressed, once timed out, and when the adapter
    stops; a press after its timeout is expired."""
    [prompt] = await fake.answers(await fake.interact(fake.slash("forget")))
    assert len(bot._views) == 1 and len(bot._buttons) == 2
    await fake.answers(await fake.interact(fake.press(prompt, "Cancel")))
    assert not bot._views and not bot._buttons
    bot.view_timeout = 0.05
    [prompt] = await fake.answers(await fake.interact(fake.slash("forget")))
    [edit] = await fake.wait_for(lambda: [s for s in fake.for_token(prompt.token or "")
                                          if s.kind == "edit"])
    assert all(b["disabled"] for b in edit.buttons)
    assert not bot._views and not bot._buttons
    [late] = await fake.answers(await fake.interact(fake.press(prompt, "Cancel")))
    assert late.content == BUTTON_EXPIRED
    bot.view_timeout = 300.0
    await fake.answers(await fake.interact(fake.slash("forget")))
    [(view, timer)] = bot._views.items()
    await bot.stop()
    assert not bot._views and not bot._buttons and not view.live
    assert timer is not None and timer.cancelled()

# -- /subscribe where the bot cannot post ----------------------------------------------------------


@pytest.mark.parametrize(("how", "says"), [
    ({"app_permissions": MEMBER_PERMISSIONS & ~SEND_MESSAGES | EMBED_LINKS},
     "missing the Send Messages permission"),
    ({"app_permissions": MEMBER_PERMISSIONS & ~SEND_MESSAGES},
     "missing the Send Messages and Embed Links permissions"),
    ({"user_install": True}, "installed on your account, not in this server"),
])
async def test_subscribe_where_the_bot_cannot_post_says_why(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, how: dict[str, object],
        says: str) -> None:
    [answer] = await fake.answers(await fake.interact(fake.slash(
        "subscribe", {"day": "monday"}, admin=True, **how)))  # type: ignore[arg-type]
    assert says in answer.text and "Weekly tips are on" not in answer.text
    assert answer.ephemeral
    assert await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID)) == []


async def test_subscribe_in_a_thread_needs_send_messages_in_threads(
        bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    payload = fake.slash("subscribe", {"day": "monday"}, admin=True,
                         app_permissions=MEMBER_PERMISSIONS | EMBED_LINKS)  # no 1 << 38
    thread_id = str(CHANNEL_ID + 99)
    payload["channel_id"] = thread_id
    payload["channel"] = {**payload["channel"], "id": thread_id, "type": 11,
                          "parent_id": str(CHANNEL_ID), "owner_id": MAYA_ID,
                          "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                              "archive_timestamp": TIMESTAMP, "locked": False},
                          "message_count": 0, "member_count": 1}
    [answer] = await fake.answers(await fake.interact(payload))
    assert "missing the Send Messages in Threads permission" in answer.text
    assert await app.store.subscriptions_for_chat("discord", thread_id) == []


async def test_a_subscription_paused_for_permissions_tells_the_admin_once_and_resumes(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, clock: FakeClock) -> None:
    await subscribed(fake, app, clock)
    fake.channel_errors[CHANNEL_ID] = (403, 50013, "Missing Permissions")
    weekly = poster(app, bot, Sleeps())
    report = await weekly.run_due()
    assert (report.paused, report.deactivated, report.sent) == (1, 0, 0)
    [listed] = await fake.answers(await fake.interact(fake.slash("subscriptions")))
    assert "paused: I'm missing a permission there" in listed.text.replace("\\", "")
    dm = fake.dms[int(MAYA_ID)]
    [told] = channel_posts(fake, dm)
    assert "paused" in told.text and "50013" in told.text

    clock.advance(days=7)
    assert (await weekly.run_due()).paused == 1  # retried weekly, still refused
    assert len(channel_posts(fake, dm)) == 1  # told once

    del fake.channel_errors[CHANNEL_ID]  # the admin fixed the permission
    clock.advance(days=7)
    assert (await weekly.run_due()).sent == 1
    [sub] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    assert sub.active and sub.paused_reason is None
    [listed] = await fake.answers(await fake.interact(fake.slash("subscriptions")))
    assert "next: Monday" in listed.text


# -- every 429 shape ------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "retry_after", "lane_pause"), [
    ("bucket", 0.1, None),  # discord.py waits it out inside the request
    ("global", 0.1, None),
    ("bucket", 45.0, 45.0),  # longer than discord.py waits: the poster pauses the lane
    ("cloudflare", 7.0, 7.0),  # an HTML 429 without Via: its Retry-After header
    ("no_retry_after", 0.0, DEFAULT_RETRY_AFTER),  # no wait named: the safe default
])
async def test_every_429_shape_means_not_delivered_slow_down(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, clock: FakeClock, shape: str,
        retry_after: float, lane_pause: float | None) -> None:
    await subscribed(fake, app, clock)
    fake.rate_limit("POST", CHANNEL_MESSAGES, retry_after=retry_after, shape=shape)
    sleeps = Sleeps()
    report = await poster(app, bot, sleeps).run_due()
    assert (report.sent, report.failed, report.rate_limited) == (1, 0, 0)
    assert len(channel_posts(fake)) == 1
    if lane_pause is None:
        assert sleeps.waits == []
    else:
        [wait] = sleeps.waits
        assert lane_pause - 1 < wait <= lane_pause


async def test_429s_to_the_last_attempt_leave_the_post_due_and_nothing_failed(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, clock: FakeClock) -> None:
    await subscribed(fake, app, clock)
    [before] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    fake.rate_limit("POST", CHANNEL_MESSAGES, retry_after=5, shape="cloudflare", times=10)
    sleeps = Sleeps()
    weekly = poster(app, bot, sleeps)
    report = await weekly.run_due()
    assert (report.sent, report.failed, report.rate_limited) == (0, 0, 1)
    assert len(sleeps.waits) == 3  # one pause before each retry
    [after] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    assert after.next_run_at == before.next_run_at and after.paused_reason is None  # still due
    assert await app.store.stale_deliveries(clock.now() + timedelta(days=1)) == []
    fake.rate_limit("POST", CHANNEL_MESSAGES, times=0)
    fake._limits.clear()
    assert (await weekly.run_due()).sent == 1  # the same week's post, once


# -- splitting ----------------------------------------------------------------------------------


def _unescaped(text: str) -> str:
    return re.sub(r"\\.", "", text, flags=re.DOTALL)


@pytest.mark.parametrize("units", [1500, 3000])  # two embeds; past the 3-message cap
async def test_a_long_post_is_split_without_breaking_escapes_or_markup(
        bot: DiscordAdapter, fake: FakeDiscord, units: int) -> None:
    from bot.core.ports import DeliveryStatus, Destination

    tip = Reply("weekly_tip", {"category": "trends", "title": "a*" * units, "advice": "Go."})
    result = await bot.deliver(Destination("discord", str(CHANNEL_ID), "group"), tip, "k1")
    assert result.status is DeliveryStatus.SENT
    parts = [e["description"] for s in channel_posts(fake) for e in s.embeds]
    assert len(parts) >= (2 if units == 1500 else 1)
    for part in parts:
        assert len(part) <= 4096
        assert re.search(r"(?<!\\)(\\\\)*\\$", part) is None  # no escape cut in half
        assert _unescaped(part).count("**") % 2 == 0  # every bold closed where it opened
    joined = "".join(parts).replace("**", "")
    if units == 1500:
        assert "a\\*" * units in joined  # nothing lost at the cuts
    else:
        assert "too long to send here" in joined


# -- one person's flood ---------------------------------------------------------------------------


async def test_a_flood_runs_nothing_past_its_burst_and_every_press_is_answered(
        app: App, fake: FakeDiscord) -> None:
    from bot.core.dispatcher import Dispatcher, RateLimit

    app.dispatcher = Dispatcher(app.registry, app.store, app.clock, app.services,
                                RateLimit(burst=3, per_minute=1))
    adapter = DiscordAdapter(app, defer_after=1.0, guild_ready_timeout=0.05)
    await adapter.start()
    try:
        tokens = [await fake.interact(fake.slash("log", {"followers": f"{1000 + n}"}))
                  for n in range(8)]
        answers = [(await fake.answers(token))[0] for token in tokens]
    finally:
        await adapter.stop()
    slow = [a for a in answers if "faster than I can answer" in a.text]
    assert len(slow) == 5 and all(a.ephemeral for a in slow)  # answered, privately
    user = await app.store.find_user("discord", MAYA_ID)
    assert user is not None
    assert len(await app.store.history(user.id)) == 3  # only the burst ran


async def test_a_press_the_flood_limit_refuses_leaves_the_choice_to_make(
        app: App, fake: FakeDiscord) -> None:
    """A choice's press that was not run (over the limit: answered with the notice) does not
    disable the buttons: once the wait is over the same button makes the choice."""
    from bot.core.dispatcher import Dispatcher, RateLimit

    app.dispatcher = Dispatcher(app.registry, app.store, app.clock, app.services,
                                RateLimit(burst=2, per_minute=1))
    now = [1000.0]
    app.dispatcher._buckets._clock = lambda: now[0]  # the bucket's refill, by hand
    adapter = DiscordAdapter(app, defer_after=1.0, guild_ready_timeout=0.05)
    await adapter.start()
    try:
        await fake.answers(await fake.interact(fake.slash("log", {"followers": "2k"})))
        [prompt] = await fake.answers(await fake.interact(fake.slash("forget")))
        for _ in range(2):  # the notice, then the press past it: both answered, not run
            token = await fake.interact(fake.press(prompt, "Delete everything"))
            [refused] = await fake.answers(token)
            assert "faster than I can answer" in refused.text and refused.ephemeral
            assert not [s for s in fake.for_token(token) if s.kind == "update"]
        assert len(adapter._views) == 1  # still taking presses
        now[0] += 120
        token = await fake.interact(fake.press(prompt, "Delete everything"))
        [done] = await fake.answers(token)
    finally:
        await adapter.stop()
    assert "deleted everything" in done.text
    assert await app.store.find_user("discord", MAYA_ID) is None


async def test_a_press_whose_acknowledgement_is_refused_still_runs_its_command(
        bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    [_] = await fake.answers(await fake.interact(fake.slash("log", {"followers": "2k"})))
    [prompt] = await fake.answers(await fake.interact(fake.slash("forget")))
    payload = fake.press(prompt, "Delete everything")
    fake.refuse_callback(payload["token"], kind=7)  # the button update: 10062
    fake.refuse_callback(payload["token"], kind=4)  # and so is any answer
    await fake.interact(payload)
    for _ in range(250):  # up to 5 s
        if await app.store.find_user("discord", MAYA_ID) is None:
            break
        await asyncio.sleep(0.02)
    assert await app.store.find_user("discord", MAYA_ID) is None  # /forget confirm ran


async def test_a_reply_refused_as_unknown_interaction_keeps_the_log_and_one_quiet_line(
        bot: DiscordAdapter, fake: FakeDiscord, app: App,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.adapters.discord_adapter")
    payload = fake.slash("log", {"followers": "3k"})
    fake.refuse_callback(payload["token"], kind=4)  # the answer came after the 3 s window
    await fake.interact(payload)
    await fake.wait_for(lambda: any(r.levelno == logging.WARNING and "expired" in r.getMessage()
                                    for r in caplog.records))
    user = await app.store.find_user("discord", MAYA_ID)
    assert user is not None
    latest = await app.store.latest_snapshot(user.id)
    assert latest is not None and latest.followers == 3_000
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_long_429_on_the_command_sync_does_not_stop_the_start(
        app: App, fake: FakeDiscord) -> None:
    fake.rate_limit("PUT", "/applications/{application_id}/commands", retry_after=120.0)
    adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
    await adapter.start()  # longer than discord.py waits: raised, logged, the old set stays
    try:
        assert adapter.synced is False
        [reply] = await fake.answers(await fake.interact(fake.slash("help")))
        assert "/log" in reply.text
    finally:
        await adapter.stop()


async def test_the_flood_notice_is_in_the_persons_language_and_names_the_command(
        app: App, fake: FakeDiscord) -> None:
    """Every refused press is answered in the /settings language (not the client's en-US),
    saying which command was not run."""
    from bot.core.dispatcher import Dispatcher, RateLimit

    maya = await app.store.ensure_user("discord", MAYA_ID, "Maya")
    await app.store.update_settings(maya.id, {"language": "de"})
    app.dispatcher = Dispatcher(app.registry, app.store, app.clock, app.services,
                                RateLimit(burst=2, per_minute=1))
    adapter = DiscordAdapter(app, defer_after=1.0, guild_ready_timeout=0.05)
    await adapter.start()
    try:
        tokens = [await fake.interact(fake.slash("log", {"followers": f"{1000 + n}"}))
                  for n in range(5)]
        answers = [(await fake.answers(token))[0] for token in tokens]
    finally:
        await adapter.stop()
    refused = answers[2:]
    assert all("/log" in a.text and "nicht ausgeführt" in a.text for a in refused), \
        [a.text for a in refused]
    assert not any("faster than I can answer" in a.text for a in answers)


# -- every request a post makes takes a slot -------------------------------------------------


class CountingBudget:
    """A shared budget that grants at once and counts the post slots it granted."""

    def __init__(self) -> None:
        self.posts = 0

    async def acquire(self, platform: str, *, even: bool = True) -> None:
        self.posts += even


@pytest.fixture
def budget(app: App, monkeypatch: pytest.MonkeyPatch) -> CountingBudget:
    import bot.core.pace as pace_module

    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.0, raising=False)
    # A first render slower than LATE_DEPARTURE (a cold process, a busy machine) would be
    # a missed turn and take one more slot; that mechanism has its own tests (test_pace).
    monkeypatch.setattr(pace_module, "LATE_DEPARTURE", 60.0, raising=False)
    counting = app.paces.shared = CountingBudget()
    app.paces.set_rate("discord", 1000.0)  # a pace on the counting budget
    return counting


async def test_discord_pys_own_retry_after_a_429_takes_a_slot_of_its_own(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, budget: CountingBudget) -> None:
    """Discord counts every request in its global window, the retry discord.py makes by
    itself after a short 429 too: it takes a slot from the same budget as the post."""
    from bot.core.ports import DeliveryStatus, Destination

    fake.rate_limit("POST", CHANNEL_MESSAGES, retry_after=0.05, shape="global")
    await app.paces["discord"].post_slot()
    tip = Reply("weekly_tip", {"category": "trends", "title": "Hooks", "advice": "Go."})
    result = await bot.deliver(Destination("discord", str(CHANNEL_ID), "group"), tip, "k1")
    assert result.status is DeliveryStatus.SENT
    assert [c.status for c in fake.calls_to("POST", CHANNEL_MESSAGES)] == [429, 200]
    assert budget.posts == 2


async def test_a_direct_post_pays_for_its_dm_channel_too(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, budget: CountingBudget) -> None:
    from bot.core.ports import DeliveryStatus, Destination

    await app.paces["discord"].post_slot()
    tip = Reply("weekly_tip", {"category": "trends", "title": "Hooks", "advice": "Go."})
    result = await bot.deliver(Destination("discord", MAYA_ID, "user"), tip, "k1")
    assert result.status is DeliveryStatus.SENT
    assert len(fake.calls_to("POST", "/users/@me/channels")) == 1
    assert budget.posts == 2  # the DM channel, then the message



#: Option sets for :func:`test_the_short_way_passes_each_command_what_the_tree_would`: some
#: options, none, flags and a yes/no, an option the command no longer has (ignored by both).
SHAPES: tuple[tuple[str, dict[str, str | bool]], ...] = (
    ("log", {"followers": "12k", "views": "40k", "likes": "3k"}),
    ("estimate", {}),
    ("log", {"followers": "12k", "stale_option": "1"}),
    ("undo", {"confirm": True, "date": "2026-11-01"}),
    ("settings", {"adult": False, "currency": "EUR"}),
    ("help", {"command": "log"}),
    ("why", {"tip": "hooks"}),
)


async def test_the_short_way_passes_each_command_what_the_tree_would(
        app: App, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slash command with string and boolean options skips discord.py's namespace and
    transformers (_Tree._from_interaction): its values are the ones the tree passes, every
    argument by name and None when not given. A missing required option and a file option
    take the tree's way, as before (the first is answered with the apology)."""
    from bot.adapters import discord_adapter

    seen: list[tuple[str, dict[str, object]]] = []
    taken: list[bool] = []
    short = discord_adapter._Tree._plain
    way = {"short": True}  # False: every interaction the tree's way

    def plain(tree: discord_adapter._Tree, interaction: discord.Interaction[Any]) -> Any:
        found = short(tree, interaction)
        taken.append(found is not None)
        return found if way["short"] else None

    async def record(self: DiscordAdapter, interaction: discord.Interaction[Any],
                     spec: CommandSpec, values: dict[str, object]) -> None:
        seen.append((spec.name, dict(values)))

    monkeypatch.setattr(DiscordAdapter, "_slash", record)
    monkeypatch.setattr(discord_adapter._Tree, "_plain", plain)
    adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
    await adapter.start()
    try:
        for name, options in SHAPES:
            for way["short"] in (True, False):
                count = len(seen)
                await fake.interact(fake.slash(name, options))
                await fake.wait_for(lambda count=count: len(seen) > count)
                assert taken[-1]
            [(_, by_short), (_, by_tree)] = seen[-2:]
            assert by_short == by_tree, name
            spec = app.registry.get(name)
            assert spec is not None and set(by_tree) == {a.name for a in spec.args}, name
        way["short"] = True
        [apology] = await fake.answers(await fake.interact(fake.slash("why", {})))
        assert not taken[-1] and apology.ephemeral  # the tree's mismatch, apologised for
        assert [s[0] for s in seen].count("why") == 2
        count = len(seen)
        await fake.interact(fake.slash("import", {}, file=("a.csv", b"date,followers\n")))
        await fake.wait_for(lambda: len(seen) > count)
        assert not taken[-1] and seen[-1][0] == "import"
    finally:
        await adapter.stop()
    log = app.registry.get("log")
    assert log is not None and seen[0] == ("log", {
        **dict.fromkeys(a.name for a in log.args), "followers": "12k", "views": "40k",
        "likes": "3k"})


async def test_the_short_way_steps_aside_for_a_trees_check_and_when_it_breaks(
        app: App, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """The short way skips what the tree runs around a command: with an interaction check of
    the tree's own, every command goes the tree's way (and is refused by it); and a short
    way that breaks (a discord.py that reads interactions otherwise) falls back to the tree,
    answering as before."""
    from bot.adapters import discord_adapter

    checked: list[int] = []

    async def refuse(tree: Any, interaction: discord.Interaction[Any]) -> bool:
        checked.append(interaction.id)
        return False

    with monkeypatch.context() as patch:
        patch.setattr(discord_adapter._Tree, "interaction_check", refuse)
        adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
        await adapter.start()
        try:
            await fake.interact(fake.slash("log", {"followers": "12k"}))
            await fake.wait_for(lambda: checked)  # the tree's check ran, and refused it
            await asyncio.sleep(0.2)  # (nothing more comes)
            maya = await app.store.find_user("discord", "500000000000000001")
            assert maya is None or await app.store.latest_snapshot(maya.id) is None
        finally:
            await adapter.stop()

    def broken(tree: Any, interaction: discord.Interaction[Any]) -> Any:
        raise KeyError("options")

    monkeypatch.setattr(discord_adapter._Tree, "_plain", broken)
    adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
    await adapter.start()
    try:
        [logged] = await fake.answers(
            await fake.interact(fake.slash("log", {"followers": "12k"})))
        assert "12k" in logged.text
    finally:
        await adapter.stop()


async def test_buttons_that_only_show_more_take_every_press(bot: DiscordAdapter,
                                                            fake: FakeDiscord) -> None:
    """/tips' "Why this tip?" and "More tips" are no choice (Action.choice False): pressing
    one answers and leaves both, so the other (or the same again) still runs; a choice (the
    double-click test above) still disables them all."""
    await fake.answers(await fake.interact(fake.slash(
        "log", {"followers": "12k", "views": "40k", "likes": "3k", "comments": "200"})))
    [tips] = await fake.answers(await fake.interact(fake.slash("tips")))
    assert {"Why this tip?", "More tips"} <= {b["label"] for b in tips.buttons}
    why = await fake.answers(await fake.interact(fake.press(tips, "Why this tip?")))
    assert why and all(a.content != BUTTON_EXPIRED for a in why)
    assert not any(b.get("disabled") for b in tips.buttons)
    more = await fake.answers(await fake.interact(fake.press(tips, "More tips")))
    assert more and all(a.content != BUTTON_EXPIRED for a in more)
    again = await fake.answers(await fake.interact(fake.press(tips, "Why this tip?")))
    assert again and all(a.content != BUTTON_EXPIRED for a in again)
