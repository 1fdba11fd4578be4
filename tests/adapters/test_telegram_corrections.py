"""/undo with its buttons, and a same-day correction, on Telegram (the real PTB application
against the fake Bot API): the fixtures are those of ``test_telegram``."""

from __future__ import annotations

from bot.app import App
from tests.adapters import test_telegram as telegram_tests
from tests.adapters.test_telegram import MAYA, Chat, sends, shown, snapshot
from tests.auxil.clock import FakeClock

# The fake Bot API, the app on it and the chat with Maya, shared with test_telegram.
fake = telegram_tests.fake
tg_app = telegram_tests.tg_app
tg = telegram_tests.tg


async def test_undo_buttons_remove_the_last_log(tg: Chat, tg_app: App,
                                                clock: FakeClock) -> None:
    await tg.say("/log followers=10k views=40k")
    clock.advance(days=7)
    await tg.say("/log followers=99k")
    (ask,) = sends(await tg.say("/undo"))
    assert "Remove your last /log?" in ask.shown and "followers=99k" in ask.shown
    assert [b["text"] for b in ask.buttons] == ["Remove it", "Keep it"]
    kept = await tg.press(ask, "Keep it")
    assert "nothing was removed" in shown(kept)
    assert (await snapshot(tg_app, MAYA["id"])).followers == 99_000
    (ask,) = sends(await tg.say("/undo"))
    done = await tg.press(ask, "Remove it")
    assert "Removed 1 snapshot." in shown(done)
    latest = await snapshot(tg_app, MAYA["id"])
    assert latest.followers == 10_000 and latest.views == 40_000


async def test_same_day_log_is_a_correction(tg: Chat, clock: FakeClock) -> None:
    await tg.say("/log followers=12")
    clock.advance(minutes=2)
    # held (215×); saved with its Save anyway button (the confirm with the held numbers' key)
    (held,) = sends(await tg.say("/log followers=2.7k"))
    fixed = shown(await tg.press(held, "Save anyway"))
    assert "(less than a day ago it was 12)" in fixed
    assert "a week" not in fixed and "22400" not in fixed
    stats = shown(await tg.say("/stats"))
    assert "a week" not in stats and "log your followers again in a day or more" in stats
