"""A fake platform (the Bot API, or Discord's gateway and REST API) in a process of its own,
for the full-stack benchmarks: its CPU never counts against the bot measured. Prints
``PORT <platform port> <control port> <token>`` when ready. Control routes (127.0.0.1 only):

- ``POST /control/warm``: one update or interaction of each kind, answered, before timing;
- ``POST /control/push?updates=N&users=U``: N mixed commands from U first-time users, at once;
- ``GET /control/wait``: answers when every command has had a reply, with the seconds from
  the push to the last reply, each reply's latency (push of its command to its arrival), the
  number of distinct TCP connections the bot used (connection reuse, to compare bots) and the
  requests it made since the push, by method (Telegram: besides getUpdates).

- ``GET /control/posts`` (Discord): the channel messages so far by channel, and the 429s
  (with a ``LIMIT``, channel messages above it a second are answered with a global 429).

    python -m benchmarks.fake_process telegram|discord [LIMIT]
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import sys
import time
from typing import Any

from aiohttp import web

from benchmarks.arrivals import SlidingWindow, arrival, listening_socket
from tests.auxil.fake_discord import FakeDiscord, _too_many
from tests.auxil.fake_discord import user as discord_user
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user

MIX = ("/log followers={f} views={v} likes={l}", "/estimate", "/tips", "/stats")
DISCORD_MIX: tuple[tuple[str, dict[str, str | bool]], ...] = (
    ("log", {"followers": "12k", "views": "40k", "likes": "3k"}),
    ("estimate", {}), ("tips", {}), ("stats", {}))

#: The people pushed speak the bot's six languages in turn (Telegram's ``language_code``,
#: Discord's interaction ``locale``), so the figures include each language's catalogue,
#: field names and number formats (bot.i18n, the per-language caches), not English only.
TELEGRAM_LANGUAGES = ("en", "es", "pt-br", "de", "fr", "ja")
DISCORD_LOCALES = ("en-US", "es-ES", "pt-BR", "de", "fr", "ja")


def mix_index(i: int, users: int) -> int:
    """Which command of the mix the ``i``-th pushed update is (``users`` people in rotation):
    each person's first is the ``/log``, their later ones rotate through ``/estimate``,
    ``/tips`` and ``/stats`` starting at a different one per person, so every command of the
    mix is in every run whatever the number of updates per person (with the same command for
    everyone per round, 3 updates per person never reached ``/stats``)."""
    person, turn = i % users, i // users
    return 0 if turn == 0 else 1 + (turn - 1 + person) % (len(MIX) - 1)


class CountingTelegram(FakeTelegram):
    """The fake Bot API, also counting the client's TCP connections."""

    peers: set[Any]

    async def _api(self, request: web.Request) -> web.Response:
        if request.transport is not None:
            self.peers.add(request.transport.get_extra_info("peername"))
        return await super()._api(request)


class CountingDiscord(FakeDiscord):
    """The fake Discord, also counting the client's TCP connections (REST and gateway), and
    holding channel messages to ``limit`` a second (a sliding one-second window, as Discord's
    global limit of 50 requests a second, by arrival: ``benchmarks.arrivals``): above it, a
    global 429."""

    peers: set[Any]
    too_many: int = 0
    window: SlidingWindow | None = None

    async def _channel_message(self, request: web.Request) -> web.Response:
        if self.window is not None and self.window.admit(arrival(request)) is not None:
            self.too_many += 1
            return _too_many(1.0, "global")
        return await super()._channel_message(request)

    async def posts(self, request: web.Request) -> web.Response:
        """Channel messages so far, by channel (a weekly fan-out's deliveries), and 429s."""
        delivered: collections.Counter[str] = collections.Counter()
        for call in self.calls:
            if call.route == "/channels/{channel_id}/messages" and call.status == 200:
                delivered[call.params["channel_id"]] += 1
        return web.json_response({"delivered": dict(delivered), "too_many": self.too_many})

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.transport is not None:
            self.peers.add(request.transport.get_extra_info("peername"))
        return await super()._middleware(request, handler)


class DiscordHarness:
    def __init__(self, fake: CountingDiscord) -> None:
        self.fake = fake
        self.started_at: dict[str, float] = {}
        self.tokens: list[str] = []
        self.started = 0.0
        self.round = 0

    async def warm(self, request: web.Request) -> web.Response:
        fake = self.fake
        await fake.connected()
        for locale in DISCORD_LOCALES:  # every language once
            for name, options in DISCORD_MIX:
                await fake.answers(await fake.interact(fake.slash(name, options, locale=locale)),
                                   seconds=60)
        fake.sent.clear()
        return web.json_response({"ok": True})

    async def push(self, request: web.Request) -> web.Response:
        n = int(request.query["updates"])
        users = int(request.query["users"])
        self.round += 1
        base = 700000000000000000 + self.round * 1_000_000
        people = [discord_user(base + u, f"u{u}") for u in range(users)]
        self.fake.peers.clear()
        self.fake.calls.clear()
        self.started_at = {}
        self.tokens = []
        self.started = time.perf_counter()
        for i in range(n):
            name, options = DISCORD_MIX[mix_index(i, users)]
            payload = self.fake.slash(name, options, who=people[i % users],
                                      locale=DISCORD_LOCALES[i % users % len(DISCORD_LOCALES)])
            self.started_at[payload["token"]] = time.perf_counter()
            self.tokens.append(await self.fake.interact(payload))
        return web.json_response({"ok": True})

    async def wait(self, request: web.Request) -> web.Response:
        done: dict[str, float] = {}
        n = len(self.tokens)

        def all_answered() -> bool:
            for s in self.fake.sent:
                if s.token is not None and s.is_message and s.token not in done:
                    done[s.token] = time.perf_counter()
            return len(done) >= n

        await self.fake.wait_for(all_answered, seconds=600)
        finished = max(done.values())
        return web.json_response({
            "seconds": finished - self.started,
            "latencies": [done[t] - self.started_at[t] for t in self.tokens],
            "connections": len(self.fake.peers),
            "requests": len(self.fake.calls),
            "routes": dict(collections.Counter(f"{c.method} {c.route}" for c in self.fake.calls))})


class Harness:
    def __init__(self, fake: CountingTelegram) -> None:
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

    async def warm(self, request: web.Request) -> web.Response:
        """One update of each kind from a person of its own, answered, before timing (as the
        Discord harness does), so neither bot compiles or loads anything for the first time in
        the measured window. One at a time, each once the one before was answered: sent at
        once to a bot with concurrent updates, ``/estimate`` could run before the ``/log``
        and warm the reply for a creator with no numbers instead of the one timed."""
        for n, language in enumerate(TELEGRAM_LANGUAGES):  # a person of each language
            person = user(1 + n, "Warm", language_code=language)
            for line in MIX:
                self.replies = 0
                self.expected = 1
                self.done = asyncio.Event()
                self.fake.message(line.format(f=1000, v=20_000, l=900),
                                  chat=private_chat(person), sender=person)
                async with asyncio.timeout(120):
                    await self.done.wait()
        return web.json_response({"ok": True})

    async def push(self, request: web.Request) -> web.Response:
        updates = int(request.query["updates"])
        users = int(request.query["users"])
        self.round += 1
        base = 10_000 + self.round * 100_000  # each run its own, first-time users
        people = [user(base + n, f"U{n}",
                       language_code=TELEGRAM_LANGUAGES[n % len(TELEGRAM_LANGUAGES)])
                  for n in range(users)]
        self.pushed.clear()
        self.fake.peers.clear()
        self.fake.calls.clear()
        self.latencies = []
        self.replies = 0
        self.expected = updates
        self.done = asyncio.Event()
        self.started = time.perf_counter()
        for i in range(updates):
            person = people[i % users]
            line = MIX[mix_index(i, users)].format(f=1000 + i, v=20_000 + i, l=900 + i)
            self.pushed[person["id"]].append(time.perf_counter())
            self.fake.message(line, chat=private_chat(person), sender=person)
        return web.json_response({"ok": True})

    async def wait(self, request: web.Request) -> web.Response:
        async with asyncio.timeout(600):
            await self.done.wait()
        calls = [c for c in self.fake.calls if c.method != "getUpdates"]  # polling: not per update
        return web.json_response({"seconds": self.finished - self.started,
                                  "latencies": self.latencies,
                                  "connections": len(self.fake.peers),
                                  "requests": len(calls),
                                  "routes": dict(collections.Counter(c.method for c in calls))})


async def _control(routes: dict[str, Any], port: int, token: str) -> None:
    control = web.Application()
    for path, handler in routes.items():
        method, _, where = path.partition(" ")
        control.router.add_route(method, where, handler)
    runner = web.AppRunner(control)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"PORT {port} {int(runner.addresses[0][1])} {token}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve(platform: str, limit: float = 0.0) -> None:
    if platform == "telegram":
        async with CountingTelegram() as fake:
            fake.peers = set()
            harness = Harness(fake)
            await _control({"POST /control/warm": harness.warm, "POST /control/push": harness.push,
                            "GET /control/wait": harness.wait}, fake.port, fake.token)
    else:
        discord = CountingDiscord()
        discord.peers = set()
        discord.window = SlidingWindow(limit) if limit else None
        await discord.start(listening_socket())  # (counted as they arrive: benchmarks.arrivals)
        try:
            dh = DiscordHarness(discord)
            await _control({"POST /control/warm": dh.warm, "POST /control/push": dh.push,
                            "GET /control/wait": dh.wait, "GET /control/posts": discord.posts},
                           discord.port, discord.token)
        finally:
            await discord.close()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sys.argv[1] if len(sys.argv) > 1 else "telegram",
                          float(sys.argv[2]) if len(sys.argv) > 2 else 0.0))
