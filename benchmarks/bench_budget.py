"""The shared send budget alone (issue 21): N processes × M waiters take weekly-post slots from
one :class:`bot.store.budget.RedisBudget` (one bot token, so one budget) for a few seconds, with
no posts sent, so the budget's own pace shows without the platform, the store or the composer.

Prints ``name=value`` lines: the slots a second granted and their ratio to the budget's rate,
the largest number of grants in any closed one-second window (grant times, wall clock, all
processes together; the platform's limit is what it must stay under), the budget's CPU per slot
(the waiters' processes, not Redis) and the machine's load averages before and after.

    python -m benchmarks.bench_budget [--processes 3] [--waiters 16] [--seconds 10]
                                      [--platform telegram]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import multiprocessing
import os
import resource
import secrets
import sys
import time
from typing import Any

import redis

from benchmarks.servers import REDIS_ENV, redis_url
from bot.core.pace import DEFAULT_PACE, PLATFORM_LIMIT
from bot.store.budget import RedisBudget


async def _take(url: str, token: str, platform: str, waiters: int, seconds: float,
                ready: Any, go: Any) -> tuple[list[float], float]:
    budget = RedisBudget(url, {platform: token})
    granted: list[float] = []
    ready.put(None)  # imported and running: the parent starts every process's clock at once
    start = await asyncio.to_thread(go.get)
    end = start + seconds

    async def waiter() -> None:
        while time.time() < end:
            await budget.acquire(platform)
            granted.append(time.time())

    await asyncio.sleep(max(0.0, start - time.time()))
    before = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(waiter() for _ in range(waiters)))
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return [at for at in granted if start <= at <= end], cpu


def _worker(url: str, token: str, platform: str, waiters: int, seconds: float, ready: Any,
            go: Any, out: Any) -> None:
    out.put(asyncio.run(_take(url, token, platform, waiters, seconds, ready, go)))


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most of ``times`` (seconds) in any closed window of ``window`` seconds."""
    ordered = sorted(times)
    return max((bisect.bisect_right(ordered, at + window) - index
                for index, at in enumerate(ordered)), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--waiters", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--platform", default="telegram", choices=["telegram", "discord"])
    args = parser.parse_args(argv)
    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        print(f"skipped: no Redis at {url} ({type(exc).__name__}); set {REDIS_ENV}")
        return 0
    token = secrets.token_hex(8)  # a budget of its own
    context = multiprocessing.get_context("spawn")
    ready, go, out = context.Queue(), context.Queue(), context.Queue()
    load_before = os.getloadavg()
    workers = [context.Process(target=_worker, args=(url, token, args.platform, args.waiters,
                                                     args.seconds, ready, go, out))
               for _ in range(args.processes)]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get()
    start = time.time() + 0.2  # every process waiting before the first slot
    for _ in workers:
        go.put(start)
    results = [out.get() for _ in workers]
    for worker in workers:
        worker.join()
    granted = [at for times, _ in results for at in times]
    cpu = sum(seconds for _, seconds in results)
    rate = DEFAULT_PACE[args.platform]
    pace = len(granted) / args.seconds
    print(f"platform={args.platform}")
    print(f"processes={args.processes}")
    print(f"waiters_per_process={args.waiters}")
    print(f"seconds={args.seconds:g}")
    print(f"rate={rate:g}")
    print(f"limit={PLATFORM_LIMIT[args.platform]:g}")
    print(f"slots={len(granted)}")
    print(f"slots_per_s={pace:.2f}")
    print(f"pace_vs_rate={pace / rate:.3f}")
    print(f"pace_vs_limit={pace / PLATFORM_LIMIT[args.platform]:.3f}")
    print(f"max_in_any_second={max_in_window(granted)}")
    print(f"cpu_ms_per_slot={1000 * cpu / max(1, len(granted)):.2f}")
    print(f"load_before={load_before[0]:.2f}")
    print(f"load_after={os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
