"""The fake Bot API in a process of its own, for the full-stack benchmark: its CPU never counts
against the bot measured. Prints ``PORT <n>`` when ready. Control routes (127.0.0.1 only):

- ``POST /control/push?updates=N&users=U``: queue N mixed updates from U users, at once;
- ``GET /control/wait``: answers when every update has had a reply, with the seconds from
  the push to the last reply and each reply's latency (push of its update to its arrival).

    python -m benchmarks.fake_process
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from typing import Any

from aiohttp import web

from tests.auxil.fake_telegram import FakeTelegram, private_chat, user

MIX = ("/log followers={f} views={v} likes={l}", "/estimate", "/tips", "/stats")


class Harness:
    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.pushed: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque)
        self.latencies: list[float] = []
        self.expected = 0
        self.replies = 0
        self.started = 0.0
        self.finished = 0.0
        self.done = asyncio.Event()
        self.round = 0
        original = fake._m_sendMessage

        async def send(params: dict[str, Any], files: dict[str, Any]) -> Any:
            result = await original(params, files)
            queue = self.pushed.get(int(params["chat_id"]))
            if queue:
                self.latencies.append(time.perf_counter() - queue.popleft())
            self.replies += 1
            if self.replies >= self.expected and not self.done.is_set():
                self.finished = time.perf_counter()
                self.done.set()
            return result

        fake._m_sendMessage = send  # type: ignore[method-assign]

    async def push(self, request: web.Request) -> web.Response:
        updates = int(request.query["updates"])
        users = int(request.query["users"])
        self.round += 1
        base = 10_000 + self.round * 100_000  # each run its own, first-time users
        people = [user(base + n, f"U{n}") for n in range(users)]
        self.pushed.clear()
        self.latencies = []
        self.replies = 0
        self.expected = updates
        self.done = asyncio.Event()
        self.started = time.perf_counter()
        for i in range(updates):
            person = people[i % users]
            line = MIX[(i // users) % len(MIX)].format(f=1000 + i, v=20_000 + i, l=900 + i)
            self.pushed[person["id"]].append(time.perf_counter())
            self.fake.message(line, chat=private_chat(person), sender=person)
        return web.json_response({"ok": True})

    async def wait(self, request: web.Request) -> web.Response:
        async with asyncio.timeout(600):
            await self.done.wait()
        return web.json_response({"seconds": self.finished - self.started,
                                  "latencies": self.latencies})


async def serve() -> None:
    async with FakeTelegram() as fake:
        harness = Harness(fake)
        control = web.Application()
        control.router.add_post("/control/push", harness.push)
        control.router.add_get("/control/wait", harness.wait)
        assert fake._runner is not None
        runner = web.AppRunner(control)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        control_port = int(runner.addresses[0][1])
        print(f"PORT {fake.port} {control_port} {fake.token}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
