"""Issue 20 re-trial, through the console as a creator uses it: /history and /undo show times,
dates, months and counts as the creator's language writes them, never as ISO text."""

from __future__ import annotations

import re

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.domain import numbers
from bot.domain.fieldnames import field_name
from tests.auxil.clock import FakeClock

#: An ISO date shown as such (``date=YYYY-MM-DD`` in a command to copy is an argument).
_SHOWN_ISO = re.compile(r"(?<![=\w/-])\d{4}-\d{2}(-\d{2})?\b")


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
async def test_history_and_undo_write_times_for_the_language(
        console: ConsoleAdapter, clock: FakeClock, language: str) -> None:
    assert (await console.ask(f"/settings language={language}")).ok
    assert (await console.ask("/log followers=12k comments=1953")).ok
    assert (await console.ask("/payout rewards=412 views=610k month=2026-10")).ok
    clock.advance(hours=13, minutes=46)
    assert (await console.ask("/log followers=12.5k comments=1960")).ok
    history = (await console.ask("/history")).text
    assert not _SHOWN_ISO.search(history), (language, history)
    with i18n.using(language):
        logged_at = numbers.stamp(clock.now())  # the console creator's zone is UTC
        paid_on = numbers.day(clock.now())
        month = numbers.month("2026-10")
        comments = numbers.count(1953)
        comments_name = field_name("comments")  # the name the creator's parser reads back
    assert comments.replace("\u202f", "").replace(".", "").replace(",", "") == "1953"

    assert logged_at in history, (language, history)
    assert f"{paid_on} ·" in history and month in history, (language, history)
    assert f"{comments_name}={comments}" in history, (language, history)

    preview = (await console.ask("/undo")).text
    assert logged_at in preview and not _SHOWN_ISO.search(preview), (language, preview)
    confirm = re.search(r"/undo confirm key=\w+", preview)
    assert confirm, preview
    undone = (await console.ask(confirm.group(0))).text
    assert logged_at in undone and not _SHOWN_ISO.search(undone), (language, undone)
