"""Full stack through discord.py, measured as a user pays for it: the bot process's own CPU
time per interaction (user + system, all threads, ``getrusage``), ours vs a bare discord.py bot
whose slash commands of the same names answer "ok", on the same fake Discord (gateway and REST)
running in a process of its own (a fresh one per run), with the same cap on open connections
for both (at most 8; discord.py's default has no cap, so a bare bot answering everything at
once opened one connection per answer; ours keeps its own connector class under that cap).
Each run sends N interactions (/log, /estimate, /tips, /stats) from first-time users at once;
bare and ours alternate. Also throughput, p50/p99 and the TCP connections each bot opened to
the fake.

    python -m benchmarks.bench_discord [--interactions 1000] [--users 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from benchmarks.bench_fullstack import _measured, compare
from benchmarks.common import print_ratios
from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import running
from bot.config import Settings
from tests.auxil.fake_discord import API

CONNECTIONS = 8  # both bots' aiohttp connector: the same cap on open connections to the fake
MIX: tuple[tuple[str, dict[str, str | bool]], ...] = (
    ("log", {"followers": "12k", "views": "40k", "likes": "3k"}),
    ("estimate", {}), ("tips", {}), ("stats", {}))


async def advisor(port: int, control: int, token: str, n: int, users: int
                  ) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=f"sqlite:///{tmp / 'd.db'}", data_dir=tmp,
            discord_token=SecretStr(token), discord_api_url=f"http://127.0.0.1:{port}{API}",
            rate_limit_burst=0)
        async with running(settings) as app:
            # Its own connector class (DepartingConnector, which holds weekly posts' requests)
            # with the same cap: replacing it with a plain one would measure less than it runs.
            adapter = DiscordAdapter(app, guild_ready_timeout=0.05, connections=CONNECTIONS)
            await adapter.start()
            try:
                return await _measured(control, n, users)
            finally:
                await adapter.stop()


async def bare(port: int, control: int, token: str, n: int, users: int) -> dict[str, Any]:
    before = Route.BASE
    Route.BASE = f"http://127.0.0.1:{port}{API}"
    intents = discord.Intents.none()
    intents.guilds = True  # the same minimal intents as the advisor
    client = discord.Client(intents=intents)
    client.http.connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    tree = app_commands.CommandTree(client)

    def ok_command(name: str, options: tuple[str, ...]) -> None:
        async def answer(interaction: discord.Interaction[Any], **_: str) -> None:
            await interaction.response.send_message("ok")

        params = ", ".join(f"{o}: str | None = None" for o in options)
        namespace: dict[str, Any] = {"answer": answer, "discord": discord, "Any": Any}
        exec(f"async def cb(interaction: discord.Interaction[Any], {params}) -> None:\n"
             f"    await answer(interaction)", namespace)
        tree.add_command(app_commands.Command(name=name, description=name,
                                              callback=namespace["cb"]))

    for name, options in MIX:
        ok_command(name, tuple(options) if name != "log" else ("followers", "views", "likes"))

    ready = asyncio.Event()

    async def setup_hook() -> None:
        await tree.sync()

    async def on_ready() -> None:
        ready.set()

    client.event(on_ready)

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    saved_gateway = DiscordWebSocket.DEFAULT_GATEWAY
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    task = asyncio.create_task(client.start(token))
    try:
        async with asyncio.timeout(30):
            await ready.wait()
        return await _measured(control, n, users)
    finally:
        await client.close()
        task.cancel()
        Route.BASE = before
        DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--interactions", "--updates", type=int, default=1000, dest="updates")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--as-bot", choices=("bare", "ours"), help=argparse.SUPPRESS)
    p.add_argument("--fake", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.as_bot:  # the bot process of one run
        port, control, token = args.fake
        runner = bare if args.as_bot == "bare" else advisor
        print(json.dumps(asyncio.run(runner(int(port), int(control), token, args.updates,
                                            args.users))))
        return
    found = compare("discord", "benchmarks.bench_discord", "Discord full stack", "interaction",
                    args.updates, args.users, args.runs, 0)
    print_ratios({"discord_cpu_per_interaction_ratio": found["cpu_ratio"],
                  "discord_cpu_per_interaction_ratio_max": found["cpu_ratio_max"],
                  "discord_throughput_ratio": found["throughput_ratio"]})


if __name__ == "__main__":
    main()
