"""When a request reached a fake platform's host, as the kernel saw it.

A platform counts a request against its rate limit when the request reaches its servers. A
fake on this 2-core machine shares the CPU with the workers, PostgreSQL and Redis; when it
gets no CPU for a while, the requests that arrived meanwhile wait in its socket buffers, and a
fake that read the clock in its handler counted them all at the moment it ran again, as one
burst that never happened on the wire (a traced run showed six requests, sent over 85 ms by two
workers, counted within 1.2 ms). The strict fakes therefore count each request at the time
its bytes were received by the kernel (``SO_TIMESTAMPNS``, read with ``recvmsg``), which on
the loopback interface is the moment the client's write happened; their limits and answers
are unchanged. Linux only, as the benchmarks are.

Use :func:`listening_socket` for the fake's server (``aiohttp.web.SockSite``) and
:func:`arrival` in its handler.
"""

from __future__ import annotations

import bisect
import socket
import struct
import time
import weakref
from typing import Any

_TIMESTAMP = struct.Struct("qq")  # struct timespec: seconds, nanoseconds (64-bit Linux)
_ANCILLARY = socket.CMSG_SPACE(_TIMESTAMP.size)
SO_TIMESTAMPNS: int = getattr(socket, "SO_TIMESTAMPNS", 35)
SCM_TIMESTAMPNS: int = getattr(socket, "SCM_TIMESTAMPNS", SO_TIMESTAMPNS)

#: Accepted connections by file descriptor, for :func:`arrival` (the transport hands the
#: handler a wrapper of the socket, which tells its descriptor).
_CONNECTIONS: weakref.WeakValueDictionary[int, StampedSocket] = weakref.WeakValueDictionary()


class StampedSocket(socket.socket):
    """A TCP socket whose accepted connections read with ``recvmsg`` and keep the kernel's
    receive time of the last bytes read (:attr:`arrived`, in ``time.monotonic()`` seconds).
    asyncio's selector transports call ``accept`` and ``recv`` on the socket object they were
    given, so an aiohttp server on a listening :class:`StampedSocket` gets stamped
    connections without any change to aiohttp."""

    #: When the kernel received the last bytes :meth:`recv` returned (monotonic seconds; 0.0
    #: before the first read).
    arrived: float = 0.0

    def accept(self) -> tuple[socket.socket, Any]:
        fd, address = self._accept()  # type: ignore[attr-defined]
        connection = StampedSocket(self.family, self.type, self.proto, fileno=fd)
        connection.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)  # (inherited, to be sure)
        if socket.getdefaulttimeout() is None and self.gettimeout():
            connection.setblocking(True)  # (as socket.socket.accept does)
        _CONNECTIONS[connection.fileno()] = connection
        return connection, address

    def close(self) -> None:
        if _CONNECTIONS.get(self.fileno()) is self:  # (a later connection may reuse the number)
            del _CONNECTIONS[self.fileno()]
        super().close()

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        data, ancillary, _, _ = self.recvmsg(bufsize, _ANCILLARY, flags)
        self.arrived = 0.0  # (unknown unless the kernel stamped these bytes)
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SCM_TIMESTAMPNS:
                seconds, nanoseconds = _TIMESTAMP.unpack(value[:_TIMESTAMP.size])
                self.arrived = seconds + nanoseconds / 1e9 - _realtime_ahead()
        return data


def _realtime_ahead() -> float:
    """``time.time() - time.monotonic()`` now (seconds), from the best of three readings:
    the kernel stamps arrivals on the realtime clock, the fakes count on the monotonic one,
    and a thread switch between the two reads of one try would shift every arrival."""
    best = (float("inf"), 0.0)
    for _ in range(3):
        before = time.monotonic()
        real = time.time()
        after = time.monotonic()
        best = min(best, (after - before, real - (before + after) / 2))
    return best[1]


def listening_socket() -> StampedSocket:
    """A non-blocking listening socket on 127.0.0.1 and a free port, whose connections are
    stamped (give it to ``aiohttp.web.SockSite``)."""
    sock = StampedSocket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Before any client connects: the kernel stamps a connection's first bytes only if
    # stamping was on when they arrived (before accept); connections inherit the option.
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def arrival(request: Any) -> float:
    """When the kernel received the last bytes of ``request`` (an ``aiohttp.web.Request`` on
    a server started with :func:`listening_socket`), in ``time.monotonic()`` seconds. HTTP/1.1
    clients send a connection's next request only after the answer to this one, so the last
    read on the connection is this request's. Raises RuntimeError for a request on a socket
    that is not stamped (a fake started without :func:`listening_socket`)."""
    transport = request.transport
    wrapped = transport.get_extra_info("socket") if transport is not None else None
    connection = _CONNECTIONS.get(wrapped.fileno()) if wrapped is not None else None
    if connection is None:
        raise RuntimeError("this request's connection has no kernel receive time: "
                           "start the fake's server on arrivals.listening_socket()")
    if not connection.arrived:
        raise RuntimeError("the kernel did not stamp this request's bytes")
    return connection.arrived


class SlidingWindow:
    """A platform's per-token rate limit as the strict fakes enforce it: at most ``limit``
    requests in any one-second window of arrival times (Telegram's "no more than 30 messages
    per second", Discord's global 50 requests a second).

    Requests are judged in the order the fake handles them, at the time they arrived
    (:func:`arrival`), which can be slightly out of order across connections; so a request is
    refused if admitting it would put more than ``limit`` requests into *any* one second that
    contains its arrival, including seconds that already hold requests that arrived after it."""

    #: Seconds of admitted arrivals kept, for requests handled this much later than they came.
    HISTORY = 10.0

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._admitted: list[float] = []  # sorted arrival times

    def admit(self, at: float) -> float | None:
        """Count a request that arrived at ``at`` (monotonic seconds): None if it fits the
        limit (it is then counted), else the seconds until the window that refused it has
        room (a 429's ``retry_after``, at least 1 ms; the request is not counted)."""
        admitted = self._admitted
        if admitted and admitted[0] < admitted[-1] - self.HISTORY:
            del admitted[:bisect.bisect_left(admitted, admitted[-1] - self.HISTORY)]
        lo, hi = bisect.bisect_right(admitted, at - 1.0), bisect.bisect_left(admitted, at + 1.0)
        # The windows [x, x + 1) holding ``at`` that can be fullest start at ``at`` or at an
        # admitted arrival of the second before it.
        for start in [*admitted[lo:bisect.bisect_right(admitted, at)], at]:
            inside = bisect.bisect_left(admitted, start + 1.0, lo, hi) - bisect.bisect_left(
                admitted, start, lo, hi)
            if inside + 1 > self.limit:
                return max(0.001, start + 1.0 - at)
        bisect.insort(admitted, at)
        return None
