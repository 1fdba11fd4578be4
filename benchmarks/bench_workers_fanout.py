"""Weekly fan-out with several workers (issue 21): N worker processes share one PostgreSQL
database and one Redis send budget, and post a community tip to C Telegram chats and C Discord
channels through the real poster, store, composer and platform adapters
(python-telegram-bot, discord.py) against strict fakes, each in a process of its own: a Bot API
that answers 429 above 30 sendMessage a second, and a Discord that answers a global 429 above
50 requests a second (both a sliding one-second window, counted where the request arrives).

Three runs, each on a fresh database and fresh fakes: the baseline, one worker on the same
fakes and budget (``--baseline-chats``, so the machine's load at the time shows in its pace
too); all N workers to the end; then the same with one worker killed with SIGKILL once half the
posts have arrived (the others must finish: every destination posted exactly once, or recorded
"unknown" by the lease rules, nothing twice, no claim left "sending", nothing still due).
Prints the duplicates, the 429s and each platform's combined pace as a fraction of its limit
(arrivals at the fake from the first to the last post), and the workers' CPU per post (the
fakes', PostgreSQL's and Redis's CPU is not counted).

    python -m benchmarks.bench_workers_fanout [--chats 10000] [--workers 3] [--only all]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import collections
import contextlib
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp import web

from benchmarks.arrivals import SlidingWindow, arrival, listening_socket
from benchmarks.bench_fanout import LimitedBotApi
from benchmarks.common import Row, print_ratios, print_table
from benchmarks.servers import redis_url, scratch_database, unreachable
from tests.auxil.fake_discord import API, FakeDiscord, _json

TELEGRAM_LIMIT = 30.0
DISCORD_LIMIT = 50.0
DISCORD_BASE = 900_000_000_000_000_000  # channel ids (snowflakes)
TELEGRAM_BASE = -1_000_000_000_000


class StrictBotApi(LimitedBotApi):
    """The Bot API fake of ``bench_fanout`` (which counts each request when it reached this
    host: ``benchmarks.arrivals``), also recording when each post arrived and every request it
    answered: ``(arrival, method, chat id, status, monotonic time this fake handled it)``."""

    accepted: list[float]
    requests: list[tuple[float, str, str, int, float]]

    async def _api(self, request: web.Request) -> web.Response:
        handled = time.monotonic()
        arrived = arrival(request)  # (what the base class counts)
        response = await super()._api(request)
        method = request.match_info["method"]
        if method == "sendMessage" and response.status == 200:
            self.accepted.append(arrived)
        if method != "getUpdates":  # (the body is cached: this reads what super() read)
            params: dict[str, Any] = dict(await request.post())
            if request.content_type == "application/json":
                params = await request.json()
            self.requests.append((arrived, method, str(params.get("chat_id", "")),
                                  response.status, handled))
        return response


class StrictDiscord(FakeDiscord):
    """The test suite's fake Discord with Discord's global limit: above ``limit`` REST
    requests in any one second of their arrival at this host (``benchmarks.arrivals``), a
    global 429 (``retry_after`` until the window has room)."""

    def __init__(self, token: str, limit: float) -> None:
        super().__init__(token)
        self.limit = limit
        self.window = SlidingWindow(limit)
        self.too_many = 0
        self.accepted: list[float] = []
        self.delivered: collections.Counter[str] = collections.Counter()
        #: Every request counted (or refused): (arrival, "METHOD path", channel, status,
        #: monotonic time this fake handled it).
        self.requests: list[tuple[float, str, str, int, float]] = []

    async def start(self, sock: socket.socket | None = None) -> StrictDiscord:
        await super().start(sock or listening_socket())
        return self

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway":
            return await super()._middleware(request, handler)
        handled = time.monotonic()
        now = arrival(request)
        channel = request.match_info.get("channel_id", "")
        wait = self.window.admit(now)
        if wait is not None:
            self.too_many += 1
            self.requests.append((now, f"{request.method} {request.path}", channel, 429,
                                  handled))
            return _json({"message": "You are being rate limited.", "retry_after": wait,
                          "global": True}, status=429,
                         headers={"Retry-After": f"{wait:.3f}", "X-RateLimit-Global": "true",
                                  "X-RateLimit-Scope": "global", "Via": "1.1 google"})
        response: web.StreamResponse = await super()._middleware(request, handler)
        self.requests.append((now, f"{request.method} {request.path}", channel, response.status,
                              handled))
        if request.method == "POST" and request.path.endswith("/messages") \
                and response.status == 200:
            self.accepted.append(now)
            self.delivered[request.match_info["channel_id"]] += 1
            self.calls.clear()  # keep memory flat over 10,000 posts
            self.sent.clear()
        return response


#: Scheduling priority (nice) the fakes ask for: a platform's servers do not share the bot's
#: cores, and a fake starved of CPU would count the requests that queued up meanwhile at the
#: moment it runs again, as if they had arrived in a burst (the limits stay the same).
FAKE_NICE = -10


async def _serve_fake(platform: str, token: str) -> None:
    """One strict fake (each platform's in a process of its own, so neither fake's queue
    holds up the other's requests), with a control port for its counts; at :data:`FAKE_NICE`
    where the system allows it (else at the workers' priority; /stats says which)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, FAKE_NICE)
    fake: StrictBotApi | StrictDiscord
    if platform == "telegram":
        fake = StrictBotApi(TELEGRAM_LIMIT)
        fake.accepted = []
        fake.requests = []
        await fake.start()
    else:
        fake = StrictDiscord(token, DISCORD_LIMIT)
        await fake.start()

    async def stats(request: web.Request) -> web.Response:
        accepted = fake.accepted
        return web.json_response({platform: {
            "delivered": dict(fake.delivered), "too_many": fake.too_many,
            "requests": fake.requests, "nice": os.getpriority(os.PRIO_PROCESS, 0),
            **({"first": min(accepted), "last": max(accepted)} if accepted else {})}})

    async def count(request: web.Request) -> web.Response:
        return web.json_response({"posts": len(fake.accepted)})

    control = web.Application()
    control.router.add_get("/stats", stats)
    control.router.add_get("/count", count)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"PORTS {fake.port} {runner.addresses[0][1]}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        if isinstance(fake, StrictDiscord):
            await fake.close()
        else:
            await fake.stop()


# -- the worker process -----------------------------------------------------------------------


class _Tracer:
    """Benchmark-side trace of one worker (``--trace``): one JSON line per event in its file,
    ``[kind, monotonic time, platform, destination, detail]``: ``deliver`` when the poster
    handed the post to the adapter (detail: when its slot of the pace was granted, i.e. the
    poster's ``post_slot`` returned), ``http`` when the HTTP client began a request (aiohttp's
    ``on_request_start``, both platforms; destination: the post being delivered, if any) and
    ``sent`` when its headers were written."""

    def __init__(self, path: Path) -> None:
        import contextvars

        self._out = path.open("w", buffering=1)
        self.post: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
            "post", default=("", ""))

    def log(self, kind: str, platform: str, chat: str, detail: str = "") -> None:
        self._out.write(json.dumps([kind, time.monotonic(), platform, chat, detail]) + "\n")

    def install(self, deliverers: dict[str, Any]) -> dict[str, Any]:
        """Wrap the pace and the deliverers; returns the deliverers to give the poster."""
        from bot.core.pace import PlatformPace

        tracer = self
        post_slot = PlatformPace.post_slot

        granted: dict[Any, float] = {}  # task -> when its last slot was granted

        async def traced_slot(pace: PlatformPace) -> None:
            await post_slot(pace)
            granted[asyncio.current_task()] = time.monotonic()

        PlatformPace.post_slot = traced_slot  # type: ignore[method-assign,assignment]

        class Traced:
            def __init__(self, inner: Any) -> None:
                self.inner = inner
                self.platform = inner.platform

            async def deliver(self, destination: Any, reply: Any, key: str) -> Any:
                token = tracer.post.set((self.platform, destination.chat_id))
                grant = granted.pop(asyncio.current_task(), None)
                tracer.log("deliver", self.platform, destination.chat_id, str(grant))
                try:
                    return await self.inner.deliver(destination, reply, key)
                finally:
                    tracer.post.reset(token)

        return {name: Traced(d) for name, d in deliverers.items()}

    def telegram_hook(self, telegram: Any) -> None:
        """Log every request the Telegram adapter's HTTP client makes (once it started: an
        aiohttp trace added to its request class's open session)."""
        import aiohttp

        async def on_start(session: Any, context: Any, params: Any) -> None:
            self.log("http", "telegram", self.post.get()[1],
                     f"{params.method} {params.url.path.rsplit('/', 1)[-1]}")

        async def on_sent(session: Any, context: Any, params: Any) -> None:
            self.log("sent", "telegram", self.post.get()[1],
                     f"{params.method} {params.url.path.rsplit('/', 1)[-1]}")

        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_start)
        trace.on_request_headers_sent.append(on_sent)
        trace.freeze()
        session = telegram.application.bot._request[1]._session
        session._trace_configs.append(trace)  # read by every request the session makes

    def discord_trace(self, discord: Any) -> None:
        """Log every request the Discord adapter's HTTP client makes (before it starts)."""
        import aiohttp

        async def on_start(session: Any, context: Any, params: Any) -> None:
            self.log("http", "discord", self.post.get()[1], f"{params.method} {params.url.path}")

        async def on_sent(session: Any, context: Any, params: Any) -> None:
            self.log("sent", "discord", self.post.get()[1], f"{params.method} {params.url.path}")

        trace = discord.client.http.http_trace  # the adapter's own, if any: after it
        if trace is None:
            trace = discord.client.http.http_trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_start)
        trace.on_request_headers_sent.append(on_sent)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _work(config: dict[str, Any]) -> None:
    """One worker: the real app on the shared database and budget; waits for ``GO`` on
    stdin, then runs the poster until nothing is due, and prints ``RESULT {json}``."""
    from pydantic import SecretStr

    from bot.adapters.discord_adapter import DiscordAdapter
    from bot.adapters.telegram_adapter import TelegramAdapter
    from bot.app import freeze_startup_heap, running, weekly_poster
    from bot.config import Settings

    if config.get("departure_delay") is not None:
        import bot.core.pace

        bot.core.pace.DEPARTURE_DELAY = float(config["departure_delay"])
        if not bot.core.pace.DEPARTURE_DELAY:  # as before: leave when ready, never re-slot
            bot.core.pace.LATE_DEPARTURE = float("inf")
    data = Path(config["data_dir"])
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=config["database_url"], data_dir=data,
        redis_url=SecretStr(config["redis_url"]), log_level="WARNING",
        telegram_bot_token=SecretStr(config["telegram_token"]),
        telegram_base_url=f"http://127.0.0.1:{config['telegram_port']}/bot",
        discord_token=SecretStr(config["discord_token"]),
        discord_api_url=f"http://127.0.0.1:{config['discord_port']}{API}")
    async with running(settings) as app:
        telegram = TelegramAdapter(app)
        discord = DiscordAdapter(app, guild_ready_timeout=0.05)
        tracer = _Tracer(Path(config["trace"])) if config.get("trace") else None
        if tracer is not None:
            tracer.discord_trace(discord)
        await telegram.start()
        await discord.start()
        if tracer is not None:
            tracer.telegram_hook(telegram)
        totals: collections.Counter[str] = collections.Counter()
        try:
            deliverers: dict[str, Any] = {"telegram": telegram.deliverer,
                                          "discord": discord.deliverer}
            if tracer is not None:
                deliverers = tracer.install(deliverers)
            poster = weekly_poster(app, deliverers)
            freeze_startup_heap()  # as `creator-advisor run` does once it is up
            print("READY", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            started, cpu = time.monotonic(), _cpu()
            while True:
                report = await poster.run_due()
                for name in ("sent", "elsewhere", "already_done", "rate_limited", "failed",
                             "released", "deactivated", "paused"):
                    totals[name] += getattr(report, name)
                totals["stale"] += len(report.stale)
                totals["rounds"] += 1
                if not await app.store.due_subscriptions(app.clock.now(), limit=1):
                    break
                await asyncio.sleep(0.5)  # what is left is another worker's, in flight
            result = {**totals, "seconds": time.monotonic() - started, "cpu": _cpu() - cpu,
                      "missed": {p: app.paces[p].missed for p in ("telegram", "discord")}}
        finally:
            await discord.stop()
            await telegram.stop()
    print("RESULT " + json.dumps(result), flush=True)


# -- the orchestrator -------------------------------------------------------------------------


async def _seed(url: str, chats: int, slot: datetime) -> None:
    from bot.store import open_store

    store = await open_store(url)
    try:
        async def some(platform: str, numbers: range) -> None:
            for n in numbers:
                chat = TELEGRAM_BASE - n if platform == "telegram" else DISCORD_BASE + n
                await store.save_subscription(
                    platform=platform, chat_id=str(chat), chat_kind="group",
                    kind="community", user_id=None, created_by=None,
                    weekday=slot.weekday(), local_time=slot.strftime("%H:%M"),
                    timezone="UTC", topics=(), next_run_at=slot)

        step = max(1, chats // 4)
        await asyncio.gather(*(some(p, range(i, min(chats, i + step)))
                               for p in ("telegram", "discord") for i in range(0, chats, step)))
    finally:
        await store.close()


async def _outcome(url: str) -> dict[str, Any]:
    db = await asyncpg.connect(url)
    try:
        statuses = {r[0]: int(r[1]) for r in await db.fetch(
            "SELECT status, count(*) FROM posted_tips GROUP BY status")}
        unknown = [(r[0], r[1]) for r in await db.fetch(
            "SELECT s.platform, s.chat_id FROM posted_tips p JOIN subscriptions s"
            " ON s.id = p.subscription_id WHERE p.status = 'unknown'")]
        due = int(await db.fetchval("SELECT count(*) FROM subscriptions WHERE active = 1 AND"
                                    " next_run_at <= $1", datetime.now(UTC).isoformat()))
    finally:
        await db.close()
    return {"statuses": statuses, "unknown": unknown, "due": due}


def _get(port: int, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
        return dict(json.load(answer))


def _line(process: subprocess.Popen[str], prefix: str, seconds: float) -> str:
    """The worker's next stdout line starting with ``prefix`` (its other lines are skipped)."""
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {process.pid} ended without {prefix}")
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    raise TimeoutError(f"worker {process.pid}: no {prefix} in {seconds:.0f} s")


def _quantiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    pick = [ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.5, 0.9, 0.99)]
    return (f"p50 {pick[0] * 1000:.1f} ms, p90 {pick[1] * 1000:.1f}, p99 {pick[2] * 1000:.1f},"
            f" max {ordered[-1] * 1000:.1f} (n={len(ordered)})")


def explain(run: dict[str, Any], detail: int = 4) -> None:
    """With ``--trace``: where each platform's time went between a post's slot and the fake
    counting it, and, for the first ``detail`` 429s of each platform, every request the fake
    counted in the second before it, with the worker that sent it and when its slot was
    granted (times relative to the 429; monotonic clocks, one machine)."""
    traces: list[list[list[Any]]] = run.get("traces") or []
    if not traces:
        return
    attempts: dict[tuple[str, str], list[dict[str, Any]]] = collections.defaultdict(list)
    others: list[tuple[float, int, str, str]] = []  # requests outside a post: t, worker, ...
    for worker, events in enumerate(traces):
        current: dict[tuple[str, str], dict[str, Any]] = {}
        for kind, t, platform, chat, what in events:
            if kind == "deliver":
                grant = None if what == "None" else float(what)
                current[(platform, chat)] = attempt = {"worker": worker, "grant": grant,
                                                       "deliver": t}
                attempts[(platform, chat)].append(attempt)
            elif kind in ("http", "sent"):
                found = current.get((platform, chat)) if chat else None
                if found is None:
                    if kind == "http":
                        others.append((t, worker, platform, what))
                elif kind not in found:
                    found[kind] = t
    print("\n### Trace (--trace)")
    for platform, limit in (("telegram", TELEGRAM_LIMIT), ("discord", DISCORD_LIMIT)):
        requests = [tuple(r) for r in run["stats"][platform]["requests"]]
        counted = sorted(r for r in requests if r[3] != 429 and (
            platform == "discord" or r[1] == "sendMessage"))
        times = [r[0] for r in counted]
        posts = [(r, a) for r in counted for a in attempts.get((platform, r[2]), [])[-1:]
                 if r[2] and "grant" in a and a["grant"] is not None]
        sent = sorted(r[0] for r, _ in posts)
        first, last = (sent[0], sent[-1]) if sent else (0.0, 0.0)
        print(f"\n{platform}: {len(counted)} requests counted, {len(requests) - len(counted)}"
              " not counted or refused")
        print(f"  slot -> deliver: {_quantiles([a['deliver'] - a['grant'] for _, a in posts])}")
        print(f"  deliver -> http: "
              f"{_quantiles([a['http'] - a['deliver'] for _, a in posts if 'http' in a])}")
        print(f"  headers written -> arrived at the fake: "
              f"{_quantiles([r[0] - a['sent'] for r, a in posts if 'sent' in a])}")
        print(f"  slot -> http: "
              f"{_quantiles([a['http'] - a['grant'] for _, a in posts if 'http' in a])}")
        print(f"  http -> arrived at the fake: "
              f"{_quantiles([r[0] - a['http'] for r, a in posts if 'http' in a])}")
        print(f"  slot -> arrived at the fake: {_quantiles([r[0] - a['grant'] for r, a in posts])}")
        print(f"  arrived -> handled by the fake (its own delays, not counted): "
              f"{_quantiles([r[4] - r[0] for r, _ in posts])}")
        most_grants = _most_in_a_second([a["grant"] for _, a in posts])
        most_counted = _most_in_a_second(times)
        print(f"  most slots granted in any 1 s: {most_grants}; most counted in any 1 s: "
              f"{most_counted} (limit {limit:.0f})")
        during = [o for o in others if o[2] == platform and first <= o[0] <= last]
        kinds = collections.Counter(o[3] for o in during)
        print(f"  requests outside a post during the fan-out: {len(during)} "
              f"{dict(kinds.most_common(8))}")
        refused = [r for r in requests if r[3] == 429]
        for r429 in refused[:detail]:
            t = r429[0]
            window = [r for r in counted if t - 1.0 < r[0] <= t]
            print(f"\n  429 at +{t - first:.3f} s ({r429[1]} {r429[2]}): {len(window)} counted "
                  "in the second before; offsets from the 429, ms: counted / http / slot")
            for r in window:
                a = (attempts.get((platform, r[2])) or [{}])[-1] if r[2] else {}
                def at(key: str, a: dict[str, Any] = a, t: float = t) -> str:
                    return f"{(a[key] - t) * 1000:7.1f}" if a.get(key) is not None else "      ?"
                print(f"    {(r[0] - t) * 1000:7.1f} {at('http')} {at('grant')}  "
                      f"w{a.get('worker', '?')} {r[1]} {r[2]}")
        if len(refused) > detail:
            print(f"  … {len(refused) - detail} more 429s at +" + ", +".join(
                f"{r[0] - first:.2f}" for r in refused[detail:detail + 30]))


def one_run(chats: int, workers: int, kill: bool, tmp: Path, trace: bool = False,
            departure_delay: float | None = None) -> dict[str, Any]:
    """One fan-out on a fresh database; returns what it measured."""
    telegram_token = f"{secrets.randbelow(10**9)}:BENCH{secrets.token_hex(16)}"
    discord_token = f"bench-{secrets.token_hex(16)}"
    with scratch_database("fanout") as url:
        slot = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
        asyncio.run(_seed(url, chats, slot))
        fakes = [subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_workers_fanout", "--serve", platform,
             token], stdout=subprocess.PIPE, text=True)
            for platform, token in (("telegram", telegram_token), ("discord", discord_token))]
        procs: list[subprocess.Popen[str]] = []
        logs = [tmp / f"worker{n}.log" for n in range(workers)]
        try:
            ports = []
            for fake in fakes:
                assert fake.stdout is not None
                ports.append(fake.stdout.readline().split()[1:])
            (tg_port, tg_control), (dc_port, dc_control) = ports
            controls = (int(tg_control), int(dc_control))

            def posts() -> int:
                return sum(_get(c, "/count")["posts"] for c in controls)
            for n in range(workers):
                config = {"database_url": url, "redis_url": redis_url(),
                          "data_dir": str(tmp / f"w{n}"), "telegram_token": telegram_token,
                          "discord_token": discord_token, "telegram_port": int(tg_port),
                          "discord_port": int(dc_port),
                          "trace": str(tmp / f"trace{n}.jsonl") if trace else None,
                          "departure_delay": departure_delay}
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "benchmarks.bench_workers_fanout", "--worker",
                     json.dumps(config)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=logs[n].open("w"), text=True))
            for p in procs:
                _line(p, "READY", 120)
            for p in procs:
                assert p.stdin is not None
                p.stdin.write("GO\n")
                p.stdin.flush()
            killed_at = None
            if kill:
                while posts() < chats:  # half of 2 × chats
                    if procs[0].poll() is not None:
                        raise RuntimeError("worker 0 ended before half the posts arrived")
                    time.sleep(0.2)
                procs[0].send_signal(signal.SIGKILL)
                procs[0].wait(10)
                killed_at = posts()
            results = []
            for n, p in enumerate(procs):
                if kill and n == 0:
                    continue
                results.append(json.loads(_line(p, "RESULT", 3600)))
                p.wait(60)
                if p.returncode != 0:
                    raise RuntimeError(f"worker {n} failed: {logs[n].read_text()[-3000:]}")
            stats = {**_get(controls[0], "/stats"), **_get(controls[1], "/stats")}
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait(10)
            for fake in fakes:
                fake.terminate()
                fake.wait(10)
        outcome = asyncio.run(_outcome(url))
    traces = [[json.loads(line) for line in (tmp / f"trace{n}.jsonl").read_text().splitlines()
               if line.endswith("]")] for n in range(workers)] if trace else []
    return {"stats": stats, "results": results, "outcome": outcome, "killed_at": killed_at,
            "chats": chats, "workers": workers, "kill": kill, "traces": traces}


def _most_in_a_second(times: list[float]) -> int:
    """The most of ``times`` (seconds) in any window [t, t + 1)."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered)),
               default=0)


def measures(run: dict[str, Any], tag: str) -> tuple[list[Row], dict[str, float]]:
    chats, kill = run["chats"], run["kill"]
    stats, outcome = run["stats"], run["outcome"]
    unknown = {(p, c) for p, c in outcome["unknown"]}
    rows: list[Row] = []
    ratios: dict[str, float] = {}
    posts = 0
    for platform, limit, base in (("telegram", TELEGRAM_LIMIT, TELEGRAM_BASE),
                                  ("discord", DISCORD_LIMIT, DISCORD_BASE)):
        s = stats[platform]
        delivered: dict[str, int] = s["delivered"]
        sent = sum(delivered.values())
        posts += sent
        duplicates = sum(c - 1 for c in delivered.values() if c > 1)
        expected = {str(base - n if platform == "telegram" else base + n)
                    for n in range(chats)}
        stranded = len(expected - set(delivered) - {c for p, c in unknown if p == platform})
        span = s["last"] - s["first"] if sent > 1 else 0.0
        pace = (sent - 1) / span / limit if span else 0.0
        missed = sum(r.get("missed", {}).get(platform, 0) for r in run["results"])
        counted = [r for r in s["requests"] if r[3] != 429 and (
            platform == "discord" or r[1] == "sendMessage")]
        by_arrival = _most_in_a_second([r[0] for r in counted])
        as_handled = _most_in_a_second([r[4] for r in counted])
        ratios |= {f"workers_fanout_{tag}_{platform}_missed_turns": float(missed),
                   f"workers_fanout_{tag}_{platform}_most_in_1s": float(by_arrival),
                   f"workers_fanout_{tag}_{platform}_most_in_1s_as_handled": float(as_handled),
                   f"workers_fanout_{tag}_{platform}_pace_vs_limit": pace,
                   f"workers_fanout_{tag}_{platform}_429": float(s["too_many"]),
                   f"workers_fanout_{tag}_{platform}_duplicates": float(duplicates),
                   f"workers_fanout_{tag}_{platform}_stranded": float(stranded)}
        rows += [
            Row(f"{platform}: posts arrived / due", f"{sent:,} / {chats:,}",
                f"{len([1 for p, _ in unknown if p == platform])} 'unknown'", ""),
            Row(f"{platform}: combined pace, posts/s", f"{pace * limit:.1f}",
                f"fake's limit {limit:.0f}/s", f"{pace:.2f}×", "≥ 0.95×" if tag == "all" else ""),
            Row(f"{platform}: 429 answers", str(s["too_many"]), "", "", "0"),
            Row(f"{platform}: most requests counted in any 1 s (by arrival / as the fake "
                "handled them)", f"{by_arrival} / {as_handled}", f"limit {limit:.0f}", ""),
            Row(f"{platform}: turns missed (a request > LATE_DEPARTURE late: next slot)",
                str(missed), "survivors only" if kill else "", ""),
            Row(f"{platform}: duplicates / stranded", f"{duplicates} / {stranded}", "", "",
                "0 / 0"),
        ]
    cpu = sum(r["cpu"] for r in run["results"])
    statuses = outcome["statuses"]
    ratios |= {f"workers_fanout_{tag}_sending_left": float(statuses.get("sending", 0)),
               f"workers_fanout_{tag}_still_due": float(outcome["due"]),
               f"workers_fanout_{tag}_unknown": float(len(unknown)),
               f"workers_fanout_{tag}_cpu_ms_per_post": cpu / max(1, posts) * 1000}
    rows += [
        Row("claims left 'sending' / subscriptions still due",
            f"{statuses.get('sending', 0)} / {outcome['due']}", "", "", "0 / 0"),
        Row("outbox by status", ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
            "", ""),
        Row("survivors' reports (sent / elsewhere / released / stale)" if kill
            else "workers' reports (sent / elsewhere / released / stale)",
            " + ".join(f"{r['sent']}/{r['elsewhere']}/{r['released']}/{r['stale']}"
                       for r in run["results"]), "", ""),
        Row("workers' CPU per post (survivors only when killed)",
            f"{cpu / max(1, posts) * 1000:.2f} ms", "", ""),
    ]
    if kill:
        rows.append(Row("killed worker 0 after", f"{run['killed_at']:,} posts", "", ""))
    return rows, ratios


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--chats", type=int, default=10_000,
                   help="Telegram chats, and as many Discord channels")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--baseline-chats", type=int, default=1000,
                   help="destinations per platform of the one-worker baseline run (0: none)")
    p.add_argument("--only", choices=("baseline", "all", "killed"), default=None,
                   help="only one of the three runs")
    p.add_argument("--trace", action="store_true",
                   help="log every request at the fakes and every slot in the workers, and "
                        "print where the time went and the second before each 429")
    p.add_argument("--departure-delay", type=float, default=None,
                   help="seconds from a post's slot to its request (default: the bot's "
                        "bot.core.pace.DEPARTURE_DELAY; 0: leave as soon as ready and never "
                        "take the next slot when late, as before; a post's further requests "
                        "still take slots of their own)")
    p.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve_fake(*args.serve))
        return
    if args.worker:
        asyncio.run(_work(json.loads(args.worker)))
        return
    reason = unreachable()
    if reason:
        print(f"\n## Weekly fan-out with several workers\n\n{reason}")
        return
    ratios: dict[str, float] = {}
    plan = [("baseline", 1, args.baseline_chats, False), ("all", args.workers, args.chats, False),
            ("killed", args.workers, args.chats, True)]
    for tag, workers, chats, kill in plan:
        if (args.only and args.only != tag) or chats <= 0:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            load_before = os.getloadavg()[0]
            run = one_run(chats, workers, kill, Path(tmp), args.trace, args.departure_delay)
            load_after = os.getloadavg()[0]
        rows, found = measures(run, tag)
        found |= {f"workers_fanout_{tag}_load1_before": load_before,
                  f"workers_fanout_{tag}_load1_after": load_after,
                  f"workers_fanout_{tag}_fakes_nice": float(max(
                      run["stats"][p]["nice"] for p in ("telegram", "discord")))}
        ratios |= found
        what = {"baseline": "the baseline: one worker, same fakes, same budget",
                "all": "all to the end", "killed": "one killed with SIGKILL halfway"}[tag]
        print_table(f"Weekly fan-out, {workers} worker(s) on one PostgreSQL and one Redis "
                    f"budget, {chats:,} Telegram chats + {chats:,} Discord channels "
                    f"({what})", rows)
        explain(run)
    for platform in ("telegram", "discord"):
        base = ratios.get(f"workers_fanout_baseline_{platform}_pace_vs_limit")
        ours = ratios.get(f"workers_fanout_all_{platform}_pace_vs_limit")
        if base and ours:
            ratios[f"workers_fanout_{platform}_pace_vs_one_worker"] = ours / base
    print_ratios(ratios)


if __name__ == "__main__":
    main()
