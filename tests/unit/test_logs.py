"""The log setup: known irrelevant library warnings are dropped (and nothing else), and a
worker's output line is tagged once with its worker."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import process_line, setup_logging


@pytest.fixture
def logged() -> Iterator[list[str]]:
    """Set up logging as the bot does, then collect what reaches the root logger's handler."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    setup_logging("INFO")
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.name}: {record.getMessage()}")

    root.handlers = [Collect()]
    yield lines
    root.handlers, root.level = saved, level


def test_discord_voice_notes_are_dropped_and_other_discord_warnings_kept(
        logged: list[str]) -> None:
    client = logging.getLogger("discord.client")
    client.warning("PyNaCl is not installed, voice will NOT be supported")
    client.warning("davey is not installed, voice will NOT be supported")
    client.warning("Shard ID %s heartbeat blocked for more than %s seconds.", 0, 10)
    logging.getLogger("bot.other").warning("PyNaCl is not installed, voice will NOT be supported")
    assert logged == [
        "discord.client: Shard ID 0 heartbeat blocked for more than 10 seconds.",
        "bot.other: PyNaCl is not installed, voice will NOT be supported"]


def test_the_kits_bold_japanese_fallback_note_is_dropped(logged: list[str]) -> None:
    """New-user trial: each /mediakit printed seven of these into the creator's console."""
    fonts = logging.getLogger("matplotlib.font_manager")
    fonts.warning("findfont: Failed to find font weight %s for %s, now using %s.",
                  "bold", "IPAexGothic", 400)
    fonts.warning("findfont: Font family %r not found.", "Nope")
    fonts.warning("findfont: Failed to find font weight %s for %s, now using %s.",
                  "bold", "Other Sans", 400)
    assert logged == ["matplotlib.font_manager: findfont: Font family 'Nope' not found.",
                      "matplotlib.font_manager: findfont: Failed to find font weight bold "
                      "for Other Sans, now using 400."]


def test_a_worker_line_is_tagged_once() -> None:
    logged = "2026-11-30 03:40:00,123 INFO worker 2 bot.app: started"
    assert process_line(logged, "worker 2") == logged
    assert process_line("creator-advisor: cannot connect", "worker 2") == (
        "worker 2: creator-advisor: cannot connect")
    # Another worker's tag (or a look-alike further on) is no tag of this one.
    assert process_line(logged, "worker 1").startswith("worker 1: 2026-")
    assert process_line("Traceback (most recent call last):", "worker 0") == (
        "worker 0: Traceback (most recent call last):")
