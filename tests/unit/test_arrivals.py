"""The strict benchmark fakes count a request when the kernel received it, not when the fake's
event loop got round to it (benchmarks/arrivals.py)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
from aiohttp import web

from benchmarks.arrivals import SlidingWindow, arrival, listening_socket

Seen = list[tuple[float, float]]  # (arrival, handled), per request


async def _serve(sock: socket.socket | None = None) -> tuple[web.AppRunner, int, Seen]:
    seen: Seen = []
    errors: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        try:
            seen.append((arrival(request), time.monotonic()))
        except RuntimeError as error:
            errors.append(str(error))
            return web.Response(status=500, text=str(error))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1]), seen


def _get(client: socket.socket) -> bytes:
    client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    return client.recv(4096)


#: How far a converted kernel stamp may be off (seconds): far less than the wait tested.
CONVERSION = 0.005


async def test_a_request_that_waited_for_a_busy_fake_counts_when_it_arrived() -> None:
    runner, port, seen = await _serve(listening_socket())
    try:
        client = socket.create_connection(("127.0.0.1", port))
        await asyncio.to_thread(_get, client)  # (connected and answered once)
        sent = threading.Event()
        before_send: list[float] = []

        def send() -> bytes:
            before_send.append(time.monotonic())
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            sent.set()
            return client.recv(4096)

        answer = asyncio.get_running_loop().run_in_executor(None, send)
        # The fake's loop gets no CPU until the request is in its socket buffer, and a while
        # after: it handles the request only then.
        assert sent.wait(10)
        time.sleep(0.2)  # noqa: ASYNC251 (the point: this loop gets no CPU meanwhile)
        busy_until = time.monotonic()
        assert b"200 OK" in await answer
        arrived, handled = seen[-1]
        # (the kernel's realtime stamp in monotonic seconds: within a few ms of the truth; a
        # run under load once read 1 ms before the send, against the 200 ms held here)
        assert before_send[0] - CONVERSION <= arrived <= busy_until < handled
        assert seen[0][0] < before_send[0]  # the earlier request kept its own time
        client.close()
    finally:
        await runner.cleanup()


async def test_a_fake_not_started_on_a_stamped_socket_is_refused() -> None:
    runner, port, seen = await _serve()
    try:
        client = socket.create_connection(("127.0.0.1", port))
        answer = await asyncio.to_thread(_get, client)
        client.close()
        assert b"500" in answer.split(b"\r\n")[0] and b"listening_socket" in answer
        assert not seen
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("requests", [3])
async def test_each_request_on_a_kept_alive_connection_has_its_own_arrival(requests: int) -> None:
    runner, port, seen = await _serve(listening_socket())
    try:
        client = socket.create_connection(("127.0.0.1", port))
        for _ in range(requests):
            await asyncio.to_thread(_get, client)
            await asyncio.sleep(0.01)
        client.close()
        arrivals = [a for a, _ in seen]
        assert len(arrivals) == requests and arrivals == sorted(set(arrivals))
        assert all(a <= h for a, h in seen)
    finally:
        await runner.cleanup()


def test_the_window_holds_the_limit_in_any_second() -> None:
    window = SlidingWindow(3)
    assert [window.admit(t) for t in (0.0, 0.1, 0.2)] == [None, None, None]
    assert window.admit(0.5) == pytest.approx(0.5)  # (0.0, 0.1, 0.2 in the second before)
    assert window.admit(1.0) is None  # 0.0 has left the window
    assert window.admit(1.05) == pytest.approx(0.05)
    assert window.admit(1.15) is None


def test_a_request_handled_late_counts_in_the_seconds_after_its_arrival() -> None:
    window = SlidingWindow(3)
    assert [window.admit(t) for t in (1.0, 1.1, 1.2)] == [None, None, None]
    # Arrived at 0.5 but handled after those: [0.5, 1.5) would hold four.
    assert window.admit(0.5) is not None
    roomier = SlidingWindow(4)
    assert [roomier.admit(t) for t in (1.0, 1.1, 1.2, 0.5)] == [None] * 4
    assert roomier.admit(0.9) is not None


def test_an_even_pace_at_the_limit_is_never_refused() -> None:
    window = SlidingWindow(30)
    assert all(window.admit(n * (1 / 30 + 1e-9)) is None for n in range(3000))
    assert window.admit(3000 / 30 - 0.01) is not None
