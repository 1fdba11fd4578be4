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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.config import Settings
from bot.store import is_postgres_url

log = logging.getLogger("creator_advisor.workers")

#: Seconds a stopping worker gets to finish before SIGKILL.
GRACE = 30.0
#: Restart pauses: the first, doubling to the last, while a worker keeps failing quickly.
RESTART_BACKOFF = (1.0, 60.0)
#: A worker that exits within this many seconds of starting failed "quickly".
QUICK = 10.0
#: Quick failures in a row after which the supervisor gives up.
MAX_QUICK_FAILURES = 5


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
        env = {**self.env, "WORKER_INDEX": str(worker.index),
               "WORKER_COUNT": str(len(self.workers))}
        worker.process = await asyncio.create_subprocess_exec(*self.command, env=env)
        worker.started = time.monotonic()
        log.info("worker %d started (pid %d)", worker.index, worker.process.pid)

    async def _watch(self, worker: _Worker) -> None:
        """Wait for ``worker`` to exit; unless stopping, start it again after its pause."""
        while True:
            process = worker.process
            assert process is not None
            code = await process.wait()
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
            log.info("%d workers running; SIGTERM or Ctrl-C stops them all gracefully",
                     len(self.workers))
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
        return 1 if self._gave_up or not clean else 0

    async def _stop_all(self) -> bool:
        """SIGTERM to every live worker, SIGKILL after ``grace``; True if all exited 0."""
        live = [w for w in self.workers
                if w.process is not None and w.process.returncode is None]
        log.info("stopping %d workers", len(live))
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
            if code != 0:
                log.warning("worker %d stopped with code %d", worker.index, code)
                clean = False
        return clean


def run_workers(settings: Settings, count: int) -> int:
    """``run --workers N``: one sentence and exit 1 if this configuration can't have N
    workers, else supervise N ``creator-advisor run`` processes until stopped."""
    refused = workers_refusal(settings, count)
    if refused is not None:
        print(f"creator-advisor: {refused}", file=sys.stderr)
        return 1
    supervisor = Supervisor(count, [sys.executable, "-m", "bot", "run"], os.environ)
    return asyncio.run(supervisor.run())
