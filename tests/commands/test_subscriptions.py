"""/subscribe, /unsubscribe and /subscriptions through the dispatcher and the console."""

from __future__ import annotations

from bot.adapters.console import ConsoleAdapter
from bot.core.types import ChatKind
from bot.render.formats import Format
from bot.runtime import App
from tests.auxil.requests import make_request


async def test_personal_digest_in_private(console: ConsoleAdapter) -> None:
    await console.ask("/settings timezone=Europe/Berlin")
    done = await console.ask("/subscribe day=friday time=6pm")
    assert done.ok, done.text
    assert "Every Friday at 18:00 (Europe/Berlin)" in done.text
    assert "Next: Friday 06 November 2026, 18:00" in done.text  # clock: Mon 2 Nov 2026
    listed = await console.ask("/subscriptions")
    assert "Your digest: Friday 18:00 (Europe/Berlin)" in listed.text
    bad = await console.ask("/subscribe topics=trends")
    assert not bad.ok and "Topics are for group posts" in bad.text
    off = await console.ask("/unsubscribe")
    assert "Your weekly digest is off" in off.text
    assert "Nothing weekly here yet" in (await console.ask("/subscriptions")).text


async def test_group_subscription_needs_an_admin(app: App) -> None:
    group = {"chat": "-100", "kind": ChatKind.GROUP}
    refused = await app.dispatcher.handle(make_request("subscribe", "", admin=False, **group))
    assert refused[0].is_error
    assert "Only admins" in app.renderer.render(refused[0], Format.PLAIN)
    ok = await app.dispatcher.handle(make_request(
        "subscribe", "day=mon time=10:00 timezone=America/New_York topics=trends,monetization",
        admin=True, **group))
    text = app.renderer.render(ok[0], Format.PLAIN)
    assert "Weekly tips are on for this chat" in text and "topics: trends and monetization" in text
    listed = await app.dispatcher.handle(make_request("subscriptions", user="someone", **group))
    assert "Community tip: Monday 10:00 (America/New_York)" in app.renderer.render(
        listed[0], Format.PLAIN)
    still = await app.dispatcher.handle(make_request("unsubscribe", admin=False, **group))
    assert still[0].is_error


async def test_bad_schedule_input(console: ConsoleAdapter) -> None:
    for line, fragment in [("/subscribe day=someday", "is not a day of the week"),
                           ("/subscribe time=25:00", "is not a time of day"),
                           ("/subscribe timezone=Nowhere", "not a time zone I know")]:
        result = await console.ask(line)
        assert not result.ok and fragment in result.text, result.text
