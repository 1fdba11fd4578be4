"""The core path in-process: /estimate and /tips for a stored user (store + engine + render)
vs. rendering a constant template through the same dispatcher.

    python -m benchmarks.bench_core
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, ms, print_table, ratio, summary
from bot.app import running
from bot.config import Settings
from bot.core.types import ChatKind, Platform, Request
from bot.render.formats import Format


def request(command: str, raw: str = "") -> Request:
    return Request(platform=Platform.TELEGRAM, user_id="bench", display_name="bench",
                   chat_id="bench", chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw)


async def measure(tmp: Path, n: int) -> list[Row]:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'core.db'}",  # type: ignore[call-arg]
                        data_dir=tmp, rate_limit_burst=0)
    async with running(settings) as app:
        await app.dispatcher.handle(request("settings", "region=US adult=yes"))
        for week in range(12):
            await app.dispatcher.handle(request(
                "log", f"followers={8000 + 300 * week} views=90k likes=8k comments=300 "
                "shares=150 videos_per_week=3 avg_video_length=40"))

        async def timed(command: str, raw: str = "") -> list[float]:
            out = []
            for _ in range(n):
                t = time.perf_counter()
                for reply in await app.dispatcher.handle(request(command, raw)):
                    app.renderer.render(reply, Format.TELEGRAM_HTML)
                out.append(time.perf_counter() - t)
            return out

        for command in ("start", "estimate", "tips", "stats"):  # warm caches once
            await app.dispatcher.handle(request(command))
        baseline = await timed("start")  # constant template, same dispatcher and store
        results = {"estimate": await timed("estimate"), "tips": await timed("tips"),
                   "stats": await timed("stats")}
    b50, b99, _ = summary(baseline)
    rows = [Row("constant template (/start) p50 / p99", f"{ms(b50)} / {ms(b99)}", "", "")]
    for name, samples in results.items():
        p50, p99, _ = summary(samples)
        rows.append(Row(f"/{name} p50", ms(p50), f"/start {ms(b50)}", ratio(p50, b50)))
        rows.append(Row(f"/{name} p99", ms(p99), f"/start {ms(b99)}", ratio(p99, b99),
                        "< 2 ms"))
    return rows


def main(n: int = 500) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(measure(Path(tmp), n))
    print_table("Core path in-process (store + engine + render), per command", rows)


if __name__ == "__main__":
    main()
