"""Full stack through discord.py: N slash-command interactions (/log, /estimate, /tips, /stats
from many users) dispatched over the local fake gateway to the advisor, vs. a bare discord.py
bot whose commands of the same names answer "ok", in the same run.

    python -m benchmarks.bench_discord [--interactions 1000] [--users 100]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from benchmarks.common import Row, ms, print_table, ratio, summary
from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import running
from bot.config import Settings
from tests.auxil.fake_discord import FakeDiscord, user

MIX: tuple[tuple[str, dict[str, str | bool]], ...] = (
    ("log", {"followers": "12k", "views": "40k", "likes": "3k"}),
    ("estimate", {}), ("tips", {}), ("stats", {}))


async def drive(fake: FakeDiscord, n: int, users: int) -> tuple[float, list[float]]:
    await fake.connected()
    for name, options in MIX:  # warm up both bots' command paths before timing
        await fake.answers(await fake.interact(fake.slash(name, options)), seconds=30)
    fake.sent.clear()
    people = [user(700000000000000000 + u, f"u{u}") for u in range(users)]
    started_at: dict[str, float] = {}
    started = time.perf_counter()
    tokens = []
    for i in range(n):
        name, options = MIX[(i // users) % len(MIX)]
        payload = fake.slash(name, options, who=people[i % users])
        started_at[payload["token"]] = time.perf_counter()
        tokens.append(await fake.interact(payload))
    done: dict[str, float] = {}

    def all_answered() -> bool:
        for s in fake.sent:
            if s.token is not None and s.is_message and s.token not in done:
                done[s.token] = time.perf_counter()
        return len(done) >= n

    await fake.wait_for(all_answered, seconds=600)
    seconds = time.perf_counter() - started
    return seconds, [done[t] - started_at[t] for t in tokens]


async def advisor(n: int, users: int, tmp: Path) -> tuple[float, list[float]]:
    fake = await FakeDiscord().start()
    try:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=f"sqlite:///{tmp / 'd.db'}", data_dir=tmp,
            discord_token=SecretStr(fake.token), discord_api_url=fake.api_url,
            rate_limit_burst=0)
        async with running(settings) as app:
            adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
            await adapter.start()
            try:
                return await drive(fake, n, users)
            finally:
                await adapter.stop()
    finally:
        await fake.close()


async def bare(n: int, users: int) -> tuple[float, list[float]]:
    fake = await FakeDiscord().start()
    before = Route.BASE
    Route.BASE = fake.api_url
    intents = discord.Intents.none()
    intents.guilds = True  # the same minimal intents as the advisor
    client = discord.Client(intents=intents)
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
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    task = asyncio.create_task(client.start(fake.token))
    try:
        async with asyncio.timeout(30):
            await ready.wait()
        return await drive(fake, n, users)
    finally:
        await client.close()
        task.cancel()
        Route.BASE = before
        DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
        await fake.close()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--interactions", type=int, default=1000)
    p.add_argument("--users", type=int, default=100)
    args = p.parse_args(argv)
    base_s, base_lat = asyncio.run(bare(args.interactions, args.users))
    with tempfile.TemporaryDirectory() as tmp:
        ours_s, ours_lat = asyncio.run(advisor(args.interactions, args.users, Path(tmp)))
    b50, b99, _ = summary(base_lat)
    o50, o99, _ = summary(ours_lat)
    n = args.interactions
    print_table(f"Full stack through discord.py: {n:,} interactions, {args.users} users", [
        Row("interactions/s", f"{n / ours_s:,.0f}", f"bare bot answering ok {n / base_s:,.0f}",
            ratio(base_s, ours_s), "≥ 0.8×"),
        Row("latency p50", ms(o50), f"bare bot {ms(b50)}", ratio(o50, b50)),
        Row("latency p99", ms(o99), f"bare bot {ms(b99)}", ratio(o99, b99)),
    ], ratios_prefix="discord")


if __name__ == "__main__":
    main()
