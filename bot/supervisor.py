"""``creator-advisor run --workers N``: N worker processes on one bot token, supervised.

Each worker is an ordinary ``creator-advisor run`` with ``WORKER_INDEX`` (0 … N-1) and
``WORKER_COUNT`` (N) in its environment; they share the PostgreSQL database, the Telegram webhook
port (``SO_REUSEPORT``: the kernel hands each incoming connection to one of them) and the Discord
shards (worker i connects shards i, i+N, …). This parent only watches them:

- SIGTERM or SIGINT: every worker gets SIGTERM and stops gracefully (updates already accepted are
  answered, posts in flight finish); one still running after ``grace`` seconds gets SIGKILL.
- A worker that exits unasked (a crash, ``kill -9``, out of memory) is started again after a
  pause that doubles from 1 s to 60 s while it keeps dying within ``quick`` seconds of starting;
  after ``max_quick_failures`` such exits in a row the supervisor gives up, stops the others and
  exits 1, naming the worker and its last exit code (a bad token or setting fails every restart
  the same way: its own log lines above say why).
- Every line a worker writes (stdout and stderr) comes out of the supervisor's own stdout or
  stderr tagged with its worker: log lines carry ``worker N`` already; any other line (an
  error printed before the worker's logging was set up, a traceback) gets ``worker N: ``
  before it (:func:`bot.logs.process_line`).
- Before starting any worker the database is opened once (and its schema brought up to
  date): an unreachable ``DATABASE_URL`` is one sentence at once, not a round of restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from bot.config import Settings
from bot.logs import process_line
from bot.store import StoreError, is_postgres_url, open_store

log = logging.getLogger("creator_advisor.workers")

#: Seconds a stopping worker gets to finish before SIGKILL.
GRACE = 30.0
#: Restart pauses: the first, doubling to the last, while a worker keeps failing quickly.
RESTART_BACKOFF = (1.0, 60.0)
#: A worker that exits within this many seconds of starting failed "quickly".
QUICK = 10.0
#: Quick failures in a row after which the supervisor gives up.
MAX_QUICK_FAILURES = 5
#: Seconds to wait, once a worker has exited, for the rest of its output (a process it started
#: may hold its pipes open).
OUTPUT_DRAIN = 5.0
#: Bytes of a worker's output line relayed at once (a longer line comes out in pieces).
LINE_LIMIT = 1 << 20


def workers_text(count: int) -> str:
    """``"1 worker"``, ``"3 workers"``."""
    return f"{count} worker" if count == 1 else f"{count} workers"


def workers_refusal(settings: Settings, workers: int) -> str | None:
    """Why ``workers`` processes cannot share this configuration, as one sentence, or None.

    Several workers need PostgreSQL (SQLite is one file for one process), a platform token
    (without one, ``run`` is the console: one terminal, one process), for Telegram, webhook
    mode (``getUpdates`` polling admits one reader per token), and ``REDIS_URL`` (without it
    each worker keeps its own send budget and per-person flood limit, so N workers would allow
    N times each)."""
    if workers <= 1:
        return None
    if not is_postgres_url(settings.database_url):
        return (f"{workers} workers need PostgreSQL: SQLite is one file for one process, so set "
                "DATABASE_URL=postgresql://… (README: PostgreSQL and several workers).")
    if not settings.telegram_bot_token and not settings.discord_token:
        return (f"{workers} workers need a platform token: without TELEGRAM_BOT_TOKEN or "
                "DISCORD_TOKEN, run is the console, which is one process in one terminal.")
    if settings.telegram_bot_token and not settings.telegram_webhook_url:
        return (f"{workers} workers need Telegram's webhook mode: polling (getUpdates) admits "
                "one reader per bot token, so set TELEGRAM_WEBHOOK_URL (README: Webhook mode).")
    if settings.redis_url is None:
        return (f"{workers} workers need REDIS_URL: without it each worker keeps its own send "
                f"budget and per-person flood limit, so {workers} workers would allow {workers} "
                "times each (README: PostgreSQL and several workers).")
    return None


def unshared_limits_warning(settings: Settings) -> str | None:
    """What one ``run`` on PostgreSQL without ``REDIS_URL`` logs at start, or None.

    Such a process keeps the token's send budget and the per-person flood limit in its own
    memory: fine alone, but every other bot process started on the same database keeps its
    own too, so together they would allow each limit once per process (``run --workers N`` is
    refused in that case, see :func:`workers_refusal`)."""
    if not is_postgres_url(settings.database_url) or settings.redis_url is not None:
        return None
    return ("PostgreSQL without REDIS_URL: this process keeps its own send budget and "
            "per-person flood limit, so several bot processes on this database would each "
            "keep their own and together allow each limit once per process; set REDIS_URL to "
            "share them (README: PostgreSQL and several workers).")


@dataclass
class _Worker:
    index: int
    process: asyncio.subprocess.Process | None = None
    started: float = 0.0
    quick_failures: int = 0
    restarts: int = 0
    exit_codes: list[int] = field(default_factory=list)
    #: The tasks relaying this process's stdout and stderr.
    relays: list[asyncio.Task[None]] = field(default_factory=list)


class Supervisor:
    """Start ``count`` copies of ``command`` (``WORKER_INDEX``/``WORKER_COUNT`` added to
    ``env``), restart any that dies, stop them all on SIGTERM/SIGINT. :meth:`run` returns the
    exit status: 0 after a clean stop, 1 when a worker kept failing or did not stop cleanly."""

    def __init__(self, count: int, command: Sequence[str], env: Mapping[str, str], *,
                 grace: float = GRACE, backoff: tuple[float, float] = RESTART_BACKOFF,
                 quick: float = QUICK, max_quick_failures: int = MAX_QUICK_FAILURES) -> None:
        if count < 1:
            raise ValueError(f"at least one worker, not {count}")
        self.command = list(command)
        self.env = dict(env)
        self.grace = grace
        self.backoff = backoff
        self.quick = quick
        self.max_quick_failures = max_quick_failures
        self.workers = [_Worker(i) for i in range(count)]
        self._stop = asyncio.Event()
        self._changed = asyncio.Event()
        self._gave_up = False

    def stop(self) -> None:
        """Ask every worker to stop (what SIGTERM and SIGINT do)."""
        self._stop.set()
        self._changed.set()

    async def _start(self, worker: _Worker) -> None:
        # Unbuffered: a line the worker prints reaches the operator when printed, not at exit.
        env = {"PYTHONUNBUFFERED": "1", **self.env, "WORKER_INDEX": str(worker.index),
               "WORKER_COUNT": str(len(self.workers))}
        worker.process = process = await asyncio.create_subprocess_exec(
            *self.command, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, limit=LINE_LIMIT)
        worker.started = time.monotonic()
        assert process.stdout is not None and process.stderr is not None
        tag = f"worker {worker.index}"
        worker.relays = [
            asyncio.create_task(_relay(process.stdout, tag, lambda: sys.stdout)),
            asyncio.create_task(_relay(process.stderr, tag, lambda: sys.stderr))]
        log.info("worker %d started (pid %d)", worker.index, process.pid)

    async def _drained(self, worker: _Worker) -> None:
        """Wait (at most :data:`OUTPUT_DRAIN` s) until ``worker``'s output is all relayed,
        so its last lines (why it exited) come before what the supervisor says about it."""
        if worker.relays:
            _, late = await asyncio.wait(worker.relays, timeout=OUTPUT_DRAIN)
            for relay in late:
                relay.cancel()

    async def _watch(self, worker: _Worker) -> None:
        """Wait for ``worker`` to exit; unless stopping, start it again after its pause."""
        while True:
            process = worker.process
            assert process is not None
            code = await process.wait()
            await self._drained(worker)
            worker.exit_codes.append(code)
            self._changed.set()
            if self._stop.is_set():
                return
            lived = time.monotonic() - worker.started
            worker.quick_failures = worker.quick_failures + 1 if lived < self.quick else 0
            how = f"signal {-code}" if code < 0 else f"code {code}"
            if worker.quick_failures >= self.max_quick_failures:
                log.error("worker %d exited %d times within %.0f s of starting (last: %s); "
                          "giving up and stopping the others: its log lines above say why",
                          worker.index, worker.quick_failures, self.quick, how)
                self._gave_up = True
                self.stop()
                return
            pause = min(self.backoff[0] * 2 ** max(0, worker.quick_failures - 1), self.backoff[1])
            log.warning("worker %d (pid %d) exited unasked (%s) after %.0f s; starting it again "
                        "in %.0f s (the other workers keep serving meanwhile)", worker.index,
                        process.pid, how, lived, pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=pause)
            if self._stop.is_set():
                return
            worker.restarts += 1
            try:
                await self._start(worker)
            except OSError as exc:
                log.error("worker %d could not be started again (%s); stopping", worker.index,
                          exc)
                self._gave_up = True
                self.stop()
                return
            if self._stop.is_set() and worker.process is not None:  # stopped while starting
                with contextlib.suppress(ProcessLookupError):
                    worker.process.send_signal(signal.SIGTERM)

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self.stop)
        try:
            for worker in self.workers:
                await self._start(worker)
            log.info("%s running; SIGTERM or Ctrl-C stops them all gracefully",
                     workers_text(len(self.workers)))
            watchers = [asyncio.create_task(self._watch(w), name=f"worker-{w.index}")
                        for w in self.workers]
            await self._stop.wait()
            clean = await self._stop_all()
            # A worker restarted while stopping was told to stop too; wait as long for it.
            _, late = await asyncio.wait(watchers, timeout=self.grace)
            for watcher in late:
                watcher.cancel()
            clean = clean and not late
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError):
                    loop.remove_signal_handler(sig)
            for worker in self.workers:  # never leave one behind
                if worker.process is not None and worker.process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        worker.process.kill()
            for worker in self.workers:
                await self._drained(worker)
        return 1 if self._gave_up or not clean else 0

    async def _stop_all(self) -> bool:
        """SIGTERM to every live worker, SIGKILL after ``grace``; True if all exited 0 (or
        were ended by that SIGTERM itself, when it came before their graceful stop was set
        up: the stop that was asked for)."""
        live = [w for w in self.workers
                if w.process is not None and w.process.returncode is None]
        if live:
            log.info("stopping %s", workers_text(len(live)))
        for worker in live:
            assert worker.process is not None
            with contextlib.suppress(ProcessLookupError):
                worker.process.send_signal(signal.SIGTERM)
        clean = True
        for worker in live:
            assert worker.process is not None
            try:
                code = await asyncio.wait_for(worker.process.wait(), timeout=self.grace)
            except TimeoutError:
                log.error("worker %d did not stop within %.0f s; killing it", worker.index,
                          self.grace)
                with contextlib.suppress(ProcessLookupError):
                    worker.process.kill()
                await worker.process.wait()
                clean = False
                continue
            if code == -signal.SIGTERM:  # ended by the SIGTERM sent above, as asked
                log.info("worker %d stopped (SIGTERM came before its graceful stop was set up)",
                         worker.index)
            elif code != 0:
                how = f"signal {-code}" if code < 0 else f"code {code}"
                log.warning("worker %d stopped with %s", worker.index, how)
                clean = False
        return clean


async def _relay(stream: asyncio.StreamReader, process: str,
                 out: Callable[[], TextIO]) -> None:
    """Copy ``stream`` (a worker's stdout or stderr) line by line to ``out()`` (looked up
    per line), each line tagged with ``process`` (:func:`bot.logs.process_line`); undecodable
    bytes become U+FFFD. Ends at the end of the stream."""
    while True:
        try:
            raw = await stream.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:  # the last line, with no newline
            raw = exc.partial
            if not raw:
                return
        except asyncio.LimitOverrunError as exc:  # a very long line: relayed in pieces
            raw = await stream.read(exc.consumed or LINE_LIMIT)
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        target = out()
        with contextlib.suppress(OSError, ValueError):  # the supervisor's output is gone
            target.write(process_line(line, process) + "\n")
            target.flush()


async def database_problem(url: str) -> str | None:
    """Open the database at ``url`` once (bringing its schema up to date) and close it: why it
    can't be used, as one sentence, or None."""
    try:
        store = await open_store(url)
    except StoreError as exc:
        return str(exc)
    await store.close()
    return None


def run_workers(settings: Settings, count: int) -> int:
    """``run --workers N``: one sentence and exit 1 if this configuration can't have N
    workers or its database can't be opened, else supervise N ``creator-advisor run``
    processes until stopped."""
    refused = workers_refusal(settings, count)
    if refused is not None:
        print(f"creator-advisor: {refused}", file=sys.stderr)
        return 1
    problem = asyncio.run(database_problem(settings.database_url))
    if problem is not None:  # every worker would fail the same way, restart after restart
        print(f"creator-advisor: {problem}", file=sys.stderr)
        return 1
    supervisor = Supervisor(count, [sys.executable, "-m", "bot", "run"], os.environ)
    return asyncio.run(supervisor.run())
