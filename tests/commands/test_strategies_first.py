"""A command reads the ``strategies/`` files it uses before it writes anything.

Hostile trial: a one-shot ``ask`` reads the rate tables and the tip rules when first used
(``Services``). With a broken ``rules/content.toml``, ``ask "/goal followers=20k"`` exited 1 and
said which file was bad, but the goal was stored: ``set_goals`` ran before the rules were read.
Each command declares what it uses (``CommandSpec.strategies``), and the dispatcher reads it
before the command runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import PROJECT_ROOT
from bot.core.args import parse_args
from bot.core.context import Services
from bot.core.fieldnames import typed_example
from bot.domain.datafiles import DataFileError
from tests.auxil.clock import FakeClock


def _broken(tmp_path: Path, part: str) -> Path:
    """A copy of ``strategies/`` whose ``part`` (``rates`` or ``rules``) has a bad file."""
    strategies = tmp_path / f"strategies-{part}"
    shutil.copytree(PROJECT_ROOT / "strategies", strategies)
    if part == "rules":
        path = strategies / "rules" / "content.toml"
        path.write_text(path.read_text().replace("priority = 4", 'priority = "high"', 1))
    else:
        path = strategies / "rates" / "creator_rewards.toml"
        text = path.read_text()
        line = text.index("source = ", text.index("[rates.rpm_by_country.DE]"))
        path.write_text(text[:line] + text[text.index("\n", line) + 1:])
    return strategies


async def test_a_goal_is_not_stored_when_the_rules_it_reads_are_broken(
        app: App, console: ConsoleAdapter, clock: FakeClock, tmp_path: Path) -> None:
    assert (await console.ask("/log followers=12k views=40k")).ok
    clock.advance(days=8)
    assert (await console.ask("/log followers=13k")).ok
    good = app.dispatcher.services
    app.dispatcher.services = Services(_broken(tmp_path, "rules"))  # read on first use
    with pytest.raises(DataFileError, match=r"content\.toml:\d+: rules\[0\]\.priority"):
        await console.ask("/goal followers=20k")
    app.dispatcher.services = good
    goals = await console.ask("/goal")
    assert "You have no goals yet" in goals.text, goals.text


@pytest.mark.parametrize("part", ["rates", "rules"])
async def test_every_command_reads_the_strategies_it_uses_before_it_runs(
        app: App, console: ConsoleAdapter, clock: FakeClock, tmp_path: Path,
        part: str) -> None:
    """Every command's examples (and the command alone), after numbers, a goal and a payout
    are stored: with ``part`` broken, a command either answers without reading it, or stops
    before it runs (nothing it stores changes) because it declares that it uses it. A
    command reading it halfway through its work, undeclared, fails here."""
    assert (await console.ask("/log followers=12k views=40k likes=3k")).ok
    clock.advance(days=8)
    assert (await console.ask("/log followers=13k views=42k likes=3.2k")).ok
    assert (await console.ask("/goal followers=20k")).ok
    assert (await console.ask("/payout rewards=412 views=610k month=2026-10")).ok
    broken = _broken(tmp_path, part)
    good = app.dispatcher.services
    user = await app.store.ensure_user("console", "alice", "alice")
    stopped = set()
    for spec in app.registry:
        for line in (f"/{spec.name}", *map(typed_example, spec.examples)):
            if spec.name in ("forget", "disconnect", "import") and line != f"/{spec.name}":
                continue  # (they would delete the numbers, or need a file)
            before = await app.store.export_user(user.id)
            app.dispatcher.services = Services(broken)  # nothing read yet: on first use
            try:
                await console.ask(line)
            except DataFileError:
                raw = line.partition(" ")[2]
                args = parse_args(spec.args, raw, command=spec.name)
                assert part in spec.uses_strategies(args), (line, spec.strategies)
                assert await app.store.export_user(user.id) == before, line
                stopped.add(spec.name)
            finally:
                app.dispatcher.services = good
    expected = {"estimate", "tips", "why", "goal", "progress", "payout", "ratecard",
                "mediakit", "settings"} if part == "rates" else {"tips", "why", "goal"}
    assert stopped == expected
