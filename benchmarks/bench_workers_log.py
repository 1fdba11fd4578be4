"""``/log`` throughput with several workers on one PostgreSQL (issue 21): 3 worker processes
vs 1, each the real app (dispatcher, commands, PostgreSQL store) logging for creators of its
own, ``--concurrency`` commands in flight per worker (as an adapter handles updates from
different people at once). Each run starts on a fresh database; the workers start, warm up,
then begin together. Prints commands a second (all workers from the first start to the last
finish), the ratio 3 : 1, and CPU per ``/log`` of the workers and of the PostgreSQL server
processes (from ``/proc``). Runs alternate 1, 3, 1, 3, … so the machine's load hits both.

    python -m benchmarks.bench_workers_log [--logs 2000] [--workers 3] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row, print_ratios, print_table
from benchmarks.servers import backend_cpu, backend_pids, scratch_database, unreachable

CREATORS = 200  # per worker: distinct creators, so workers never wait on one creator's lock


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _work(url: str, worker: int, logs: int, concurrency: int, data: Path) -> None:
    from bot.app import running
    from bot.config import Settings
    from bot.core.types import ChatKind, Platform, Request
    from bot.render.formats import Format

    def request(uid: str, raw: str) -> Request:
        return Request(platform=Platform.TELEGRAM, user_id=uid, display_name=f"C {uid}",
                       chat_id=uid, chat_kind=ChatKind.PRIVATE, command="log", raw_args=raw)

    settings = Settings(_env_file=None, database_url=url, data_dir=data,  # type: ignore[call-arg]
                        rate_limit_burst=0)
    async with running(settings) as app:
        creators = [f"w{worker}c{n}" for n in range(CREATORS)]
        for uid in creators:  # warm: each creator known, with a first snapshot
            await app.dispatcher.handle(request(uid, "followers=1000 views=20k likes=900"))
        print("READY", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        started, cpu = time.time(), _cpu()
        queue = iter(range(logs))

        async def lane() -> None:
            for i in queue:
                uid = creators[i % CREATORS]
                replies = await app.dispatcher.handle(
                    request(uid, f"followers=+{i % 7 + 1} views=+{i % 50 + 10}"))
                assert replies, "a /log without a reply"
                for reply in replies:
                    app.renderer.render(reply, Format.TELEGRAM_HTML)

        await asyncio.gather(*(lane() for _ in range(concurrency)))
        result = {"started": started, "finished": time.time(), "cpu": _cpu() - cpu}
        print("RESULT " + json.dumps(result), flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # its server processes are read first


def _line(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    raise RuntimeError(f"worker {process.pid} ended without {prefix}")


def _say(procs: list[subprocess.Popen[str]], word: str) -> None:
    for p in procs:
        assert p.stdin is not None
        p.stdin.write(word + "\n")
        p.stdin.flush()


def one_run(workers: int, logs: int, concurrency: int) -> dict[str, float]:
    """``workers`` processes, ``logs`` each, on a fresh database: throughput and CPU."""
    with scratch_database("log") as url, tempfile.TemporaryDirectory() as tmp:
        procs = [subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_workers_log", "--worker", url, str(n),
             str(logs), str(concurrency), tmp], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True) for n in range(workers)]
        try:
            for p in procs:
                _line(p, "READY")
            before = {pid: backend_cpu([pid]) for pid in asyncio.run(backend_pids(url))}
            _say(procs, "GO")
            results: list[dict[str, Any]] = [json.loads(_line(p, "RESULT")) for p in procs]
            after = asyncio.run(backend_pids(url))  # the pools may have grown meanwhile
            server = backend_cpu(after) - sum(before.get(pid, 0.0) for pid in after)
            _say(procs, "BYE")
            for p in procs:
                p.wait(60)
                if p.returncode:
                    raise RuntimeError(f"a /log worker failed ({p.returncode})")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait(10)
    seconds = max(r["finished"] for r in results) - min(r["started"] for r in results)
    total = workers * logs
    return {"rate": total / seconds, "cpu": sum(r["cpu"] for r in results) / total,
            "server_cpu": server / total, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--logs", type=int, default=2000, help="/log commands per worker")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=16, help="commands in flight a worker")
    p.add_argument("--runs", type=int, default=1, help="pairs of runs (1 worker, N workers)")
    p.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        url, n, logs, concurrency, data = args.worker
        asyncio.run(_work(url, int(n), int(logs), int(concurrency), Path(data)))
        return
    title = (f"/log throughput, {args.workers} workers vs 1 on one PostgreSQL "
             f"({args.logs:,} /log a worker, {args.concurrency} in flight a worker)")
    reason = unreachable()
    if reason:
        print(f"\n## {title}\n\n{reason}")
        return
    one: list[dict[str, float]] = []
    many: list[dict[str, float]] = []
    for _ in range(args.runs):
        one.append(one_run(1, args.logs, args.concurrency))
        many.append(one_run(args.workers, args.logs, args.concurrency))

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    r1, rn = med(one, "rate"), med(many, "rate")
    rows = [
        Row(f"/log a second, {args.workers} workers", f"{rn:,.0f}", f"1 worker {r1:,.0f}",
            f"{rn / r1:.2f}×"),
        Row("worker CPU per /log", f"{med(many, 'cpu') * 1000:.2f} ms",
            f"1 worker {med(one, 'cpu') * 1000:.2f} ms", ""),
        Row("PostgreSQL server CPU per /log", f"{med(many, 'server_cpu') * 1000:.2f} ms",
            f"1 worker {med(one, 'server_cpu') * 1000:.2f} ms", ""),
    ]
    print_table(title, rows)
    print_ratios({"workers_log_rate_one": r1, "workers_log_rate_many": rn,
                  "workers_log_many_vs_one": rn / r1,
                  "workers_log_cpu_ms": med(many, "cpu") * 1000,
                  "workers_log_server_cpu_ms": med(many, "server_cpu") * 1000})


if __name__ == "__main__":
    main()
