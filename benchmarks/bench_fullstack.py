"""Full stack through python-telegram-bot, measured as a user pays for it: the bot process's
own CPU time per update (user + system, all threads, ``getrusage``), ours vs a bare PTB bot
answering "ok", on the same fake Bot API running in a process of its own (a fresh one per run),
with the same ApplicationBuilder defaults (connection pool, timeouts), the same limiter class
with limits out of the way, and the same ``concurrent_updates``: 32 ("on") and 1 ("off").
Each run pushes N mixed updates (/log, /estimate, /tips, /stats) from first-time users at once;
bare and ours alternate, so both see the same machine load. Also throughput and p50/p99.
A third bot in the same rotation, the bare one with our Bot API transport (aiohttp,
``bot.adapters.telegram_request``) instead of PTB's httpx, gives a second ratio for reading:
what our own work costs over the same transport.

    python -m benchmarks.bench_fullstack [--updates 2000] [--users 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.common import Row, percentile, print_ratios, print_table

#: The bare PTB bot with our Bot API transport (``AiohttpRequest``) instead of PTB's httpx:
#: printed beside the target's ratio, so what our own work costs over the same transport
#: stays visible (the target compares with a bare bot as PTB builds it).
BARE_AIOHTTP = "bare-aiohttp"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # the whole process, every thread
    return usage.ru_utime + usage.ru_stime


def _control(port: int, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    with urllib.request.urlopen(request, timeout=900) as answer:
        return json.load(answer)


async def _measured(control: int, updates: int, users: int) -> dict[str, Any]:
    await asyncio.to_thread(_control, control, "/control/warm", "POST")
    # Both bots as `creator-advisor run` leaves ours once it is up (bot.app.freeze_startup_heap,
    # not imported here so the bare bot's process holds no module of ours): the startup heap
    # collected and frozen, out of the collector's sight.
    gc.collect()
    gc.freeze()
    profile = os.environ.get("BENCH_PROFILE")  # a file: cProfile of the measured window only
    # CPU time of the event loop's thread only: what a profile of it attributes
    profiler = cProfile.Profile(time.thread_time) if profile else None
    cpu = _cpu()
    loop_cpu = time.thread_time()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    await asyncio.to_thread(_control, control, f"/control/push?updates={updates}&users={users}",
                            "POST")
    result: dict[str, Any] = await asyncio.to_thread(_control, control, "/control/wait")
    result["cpu"] = _cpu() - cpu
    result["loop_cpu"] = time.thread_time() - loop_cpu
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    result["wall"] = time.perf_counter() - started
    return result


async def run_bare(base_url: str, token: str, control: int, updates: int, users: int,
                   concurrency: int, *, aiohttp: bool = False) -> dict[str, Any]:
    """The bare PTB bot answering "ok"; with ``aiohttp``, its Bot API calls go through our
    request class (the same transport as ours: what our bot's own work costs over it)."""
    from telegram import Update
    from telegram.ext import (
        AIORateLimiter,
        ApplicationBuilder,
        ContextTypes,
        MessageHandler,
        filters,
    )

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("ok")

    builder = (ApplicationBuilder().token(token).base_url(base_url)
               .rate_limiter(AIORateLimiter(overall_max_rate=1e6))
               .concurrent_updates(concurrency))
    if aiohttp:
        from bot.adapters.telegram_request import AiohttpRequest

        builder = builder.request(AiohttpRequest(read_timeout=5.0)) \
            .get_updates_request(AiohttpRequest(connection_pool_size=1))
    else:
        builder = builder.read_timeout(5.0)
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, reply))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        try:
            return await _measured(control, updates, users)
        finally:
            await application.updater.stop()
            await application.stop()


async def run_ours(base_url: str, token: str, control: int, updates: int, users: int,
                   concurrency: int) -> dict[str, Any]:
    from pydantic import SecretStr

    from bot.adapters.telegram_adapter import TelegramAdapter
    from bot.app import running
    from bot.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=f"sqlite:///{Path(tmp) / 'full.db'}", data_dir=tmp,
            telegram_bot_token=SecretStr(token), telegram_base_url=base_url,
            rate_limit_burst=0)
        async with running(settings) as app:
            adapter = TelegramAdapter(app, poll_timeout=1, overall_max_rate=1e6,
                                      concurrent_updates=concurrency)
            await adapter.start()
            try:
                return await _measured(control, updates, users)
            finally:
                await adapter.stop()


def one_run(platform: str, module: str, bot: str, updates: int, users: int,
            concurrency: int) -> dict[str, Any]:
    """A fresh fake ``platform`` in its own process, then the bot (``python -m module
    --as-bot bot``) in another; returns the bot process's figures."""
    fake = subprocess.Popen([sys.executable, "-m", "benchmarks.fake_process", platform],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None
        _, port, control, token = fake.stdout.readline().split()
        done = subprocess.run(
            [sys.executable, "-m", module, "--as-bot", bot,
             "--updates", str(updates), "--users", str(users),
             "--concurrency", str(concurrency), "--fake", port, control, token],
            capture_output=True, text=True, check=False,
            env={**os.environ, "LOG_LEVEL": "ERROR"})
        if done.returncode != 0:
            raise SystemExit(f"{bot} bot failed:\n{done.stderr[-3000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        fake.terminate()
        fake.wait(10)


def _span(values: list[float], fmt: str) -> str:
    lo, hi = min(values), max(values)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else \
        f"{format(lo, fmt)}–{format(hi, fmt)}"


def compare(platform: str, module: str, title: str, unit: str, n: int, users: int,
            runs: int, concurrency: int, also: str | None = None) -> dict[str, float]:
    """``runs`` alternating runs of the bare bot and ours (and the bot ``also``, a variant of
    the bare one, in the same rotation); prints the table, returns the ratios (median and
    worst of CPU per ``unit``, median throughput; with ``also``, the median of ours ÷ it as
    ``cpu_ratio_also``)."""
    bots = ("bare", "ours") if also is None else ("bare", "ours", also)
    results: dict[str, list[dict[str, Any]]] = {bot: [] for bot in bots}
    for _ in range(runs):
        for bot in bots:
            results[bot].append(one_run(platform, module, bot, n, users, concurrency))

    def cpu(r: dict[str, Any]) -> float:
        return float(r["cpu"]) / n

    pairs = list(zip(results["ours"], results["bare"], strict=True))
    per_run = [cpu(o) / cpu(b) for o, b in pairs]
    tput = [float(b["seconds"]) / float(o["seconds"]) for o, b in pairs]
    rows = []
    for bot in ("ours", "bare") if also is None else ("ours", "bare", also):
        rs = results[bot]
        rows += [
            Row(f"{bot}: CPU per {unit}", _span([cpu(r) * 1000 for r in rs], ".3f") + " ms",
                "", ""),
            Row(f"{bot}: {unit}s/s", _span([n / r["seconds"] for r in rs], ",.0f"), "", ""),
            Row(f"{bot}: latency p50 / p99",
                _span([percentile(r["latencies"], 50) * 1000 for r in rs], ".0f") + " / "
                + _span([percentile(r["latencies"], 99) * 1000 for r in rs], ".0f") + " ms",
                "", ""),
            Row(f"{bot}: TCP connections to the fake",
                _span([float(r["connections"]) for r in rs], ".0f"), "", ""),
        ]
        if all("requests" in r for r in rs):  # requests besides getUpdates: one reply each
            rows.append(Row(f"{bot}: REST requests per {unit}",
                            _span([r["requests"] / n for r in rs], ".2f"), "", ""))
        rows.append(Row(f"{bot}: event-loop thread's share of the CPU",
                        _span([100 * r["loop_cpu"] / r["cpu"] for r in rs], ".0f") + "%",
                        "", ""))
    rows.append(Row(f"CPU per {unit}, ours ÷ bare", _span(per_run, ".2f") + "×",
                    "same run, alternating", "", "≤ 1.5×"))
    rows.append(Row("throughput, ours ÷ bare", _span(tput, ".2f") + "×", "", ""))
    found = {"cpu_ratio": statistics.median(per_run), "cpu_ratio_max": max(per_run),
             "throughput_ratio": statistics.median(tput)}
    if also is not None:
        same = [cpu(o) / cpu(b) for o, b in zip(results["ours"], results[also], strict=True)]
        rows.append(Row(f"CPU per {unit}, ours ÷ {also}", _span(same, ".2f") + "×",
                        "same run, alternating", "", "(for reading)"))
        found["cpu_ratio_also"] = statistics.median(same)
    print_table(f"{title}: {n:,} commands from {users} first-time users, {runs} runs", rows)
    return found


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--updates", type=int, default=2000)
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--concurrency", type=int, nargs="*", default=[32, 1])
    p.add_argument("--as-bot", choices=("bare", "ours", BARE_AIOHTTP), help=argparse.SUPPRESS)
    p.add_argument("--fake", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.as_bot:  # the bot process of one run
        port, control, token = args.fake
        runner = {"bare": run_bare, "ours": run_ours,
                  BARE_AIOHTTP: functools.partial(run_bare, aiohttp=True)}[args.as_bot]
        result = asyncio.run(runner(f"http://127.0.0.1:{port}/bot", token, int(control),
                                    args.updates, args.users, args.concurrency[0]))
        print(json.dumps(result))
        return
    ratios: dict[str, float] = {}
    for concurrency in args.concurrency:
        label = "on" if concurrency > 1 else "off"
        found = compare("telegram", "benchmarks.bench_fullstack",
                        f"Telegram full stack, concurrent_updates={concurrency} ({label})",
                        "update", args.updates, args.users, args.runs, concurrency,
                        also=BARE_AIOHTTP)
        ratios[f"telegram_cpu_per_update_ratio_concurrency_{label}"] = found["cpu_ratio"]
        ratios[f"telegram_cpu_per_update_ratio_concurrency_{label}_max"] = found["cpu_ratio_max"]
        ratios[f"telegram_throughput_ratio_concurrency_{label}"] = found["throughput_ratio"]
        ratios[f"telegram_cpu_per_update_ratio_concurrency_{label}_same_transport"] = \
            found["cpu_ratio_also"]
    print_ratios(ratios)


if __name__ == "__main__":
    main()
