"""How the Telegram adapter's Bot API calls travel: an aiohttp client behind PTB's documented
request interface (:class:`telegram.request.BaseRequest`, "can be implemented via different
asyncio HTTP libraries"), in place of PTB's own HTTPX one.

Why (issue #19): a Bot API call through ``httpx`` costs about 0.9 ms of CPU on this project's
machine, the same call through ``aiohttp`` about 0.2 ms (measured side by side against one
local server: a 1,000-character reply as one JSON body, answered with a message). For a bot
that sends one reply per update that is most of PTB's own cost per update. aiohttp is already
installed for discord.py.

What stays as PTB's ``HTTPXRequest`` and ``ApplicationBuilder`` have it:

- the connection pool (256 connections for calls, 1 for ``getUpdates``: the builder's
  defaults) and the default timeouts (5 s connect, read and write; 1 s to wait for a pooled
  connection; 20 s to write an upload), a timeout passed to a call winning over them;
- the errors: any timeout is PTB's ``TimedOut``, any other transport failure ``NetworkError``
  (``"aiohttp.<error class>: <message>"``, as PTB words an httpx one);
- proxies from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``),
  which httpx honours by default: read once per host (aiohttp's ``trust_env`` reads the
  environment again on every request, about 0.5 ms each);
- files go as ``multipart/form-data`` with the other fields JSON-encoded, as PTB sends them.

Differences: a call without files is one JSON body (``Content-Type: application/json``, one of
the three ways the Bot API accepts, https://core.telegram.org/bots/api#making-requests)
instead of PTB's URL-encoded form, whose byte-by-byte escaping in Python (``urllib.parse``)
costs more than ``json.dumps`` in C. aiohttp has no timeout for writing alone: an upload is
bounded as a whole by the sum of its timeouts (pool + connect + write + read), a call without
files by its connect and read timeouts (its body is a few kB, written at once). Nor does it
time waiting for a free connection apart from connecting: the two share one limit, pool +
connect (6 s by default, where httpx gives 1 s to wait and 5 s to connect).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING

import aiohttp
import yarl
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # PTB's annotation of these parameters

#: PTB's message for a call that found its request class closed (HTTPXRequest's wording).
NOT_INITIALIZED = "This request is not initialized: call initialize() first (PTB does)."


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout passed to a call (seconds; None: none), else (``BaseRequest.DEFAULT_NONE``,
    "not passed") the request's default, as HTTPXRequest decides."""
    if value is None or isinstance(value, int | float):
        return value
    return default


def _sum(*parts: float | None) -> float | None:
    """The sum of timeouts in seconds; None (no limit) if any part has none."""
    total = 0.0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


#: Characters of a file name that would end its ``Content-Disposition`` header.
_FILENAME_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


def _json_body(parameters: Mapping[str, object]) -> bytes:
    """``parameters`` as one UTF-8 JSON object; text UTF-8 cannot hold (a lone surrogate,
    which a client can put in a message) as JSON escapes instead of an encoding error."""
    try:
        return json.dumps(parameters, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(parameters, separators=(",", ":")).encode()


class AiohttpRequest(BaseRequest):
    """PTB's request interface over one :class:`aiohttp.ClientSession`.

    Parameters and defaults are :class:`telegram.request.HTTPXRequest`'s, the ones
    ``ApplicationBuilder`` gives a bot it builds itself: ``connection_pool_size`` connections
    at most (256; the builder gives ``getUpdates`` its own request of 1), timeouts in seconds
    (``None``: no limit). The session is made by :meth:`initialize` (PTB calls it when the
    bot starts) and closed by :meth:`shutdown`; :meth:`do_request` before the one or after
    the other raises ``RuntimeError``."""

    __slots__ = ("_connect_timeout", "_media_write_timeout", "_pool_size", "_pool_timeout",
                 "_proxies", "_read_timeout", "_session", "_write_timeout")

    def __init__(self, connection_pool_size: int = 256, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0,
                 media_write_timeout: float | None = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call passes none (seconds; None: no limit)."""
        return self._read_timeout

    @property
    def limits(self) -> dict[str, float | None]:
        """The pool size and the default timeouts, by HTTPXRequest's names (for comparing
        with the builder's own request)."""
        return {"connections": self._pool_size, "connect": self._connect_timeout,
                "read": self._read_timeout, "write": self._write_timeout,
                "pool": self._pool_timeout, "media_write": self._media_write_timeout}

    async def initialize(self) -> None:
        """Open the session (again, after :meth:`shutdown`); a no-op while it is open."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()

    def _proxy(self, url: yarl.URL) -> str | None:
        """The proxy the environment names for ``url``'s host, read once per host (as httpx
        reads it once per client), by httpx's rules: ``<SCHEME>_PROXY``, else ``ALL_PROXY``;
        a value without a scheme is an HTTP proxy (``proxy.corp:3128``); a host ``NO_PROXY``
        names goes direct (names and domains; unlike httpx, not address ranges). Raises
        ``NetworkError`` for a SOCKS proxy, which aiohttp cannot use."""
        key = (url.scheme, url.host or "")
        if key not in self._proxies:
            proxies = urllib.request.getproxies()
            proxy = proxies.get(url.scheme) or proxies.get("all") or None
            if url.host and urllib.request.proxy_bypass(url.host):
                proxy = None
            if proxy is not None and "://" not in proxy:
                proxy = f"http://{proxy}"
            self._proxies[key] = proxy
        proxy = self._proxies[key]
        if proxy is not None and not proxy.lower().startswith(("http://", "https://")):
            raise NetworkError(f"the proxy {yarl.URL(proxy).with_user(None)} from the "
                               "environment (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is not an "
                               "HTTP proxy; only HTTP proxies are supported")
        return proxy

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See :meth:`telegram.request.BaseRequest.do_request`: ``(HTTP status, body)``.
        Raises ``TimedOut`` (any timeout), ``NetworkError`` (any other aiohttp error) or
        ``RuntimeError`` (not initialized, or shut down)."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError(NOT_INITIALIZED)
        files = request_data.contains_files if request_data is not None else False
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        body: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] = {}
        total = None
        if request_data is not None and files:
            write = _given(write_timeout, self._media_write_timeout)
            total = _sum(pool, connect, write, read)
            # Names as they are (aiohttp would percent-encode "Übersicht 2024.csv"), with what
            # would end the header escaped as HTML5 (and httpx) write it.
            body = aiohttp.FormData(request_data.json_parameters, quote_fields=False)
            for name, (filename, content, mime) in request_data.multipart_data.items():
                body.add_field(name, content, content_type=mime,
                               filename=filename.translate(_FILENAME_ESCAPES))
        elif request_data is not None:
            body = _json_body(request_data.parameters)
            headers["Content-Type"] = "application/json"
        # aiohttp's "connect" is waiting for a pooled connection plus connecting; its
        # "sock_connect" the connecting alone; "sock_read" each read of the answer.
        timeout = aiohttp.ClientTimeout(total=total, connect=_sum(pool, connect),
                                        sock_connect=connect, sock_read=read)
        target = yarl.URL(url, encoded=True)
        try:
            async with session.request(method, target, data=body, headers=headers,
                                       timeout=timeout, proxy=self._proxy(target)) as answer:
                return answer.status, await answer.read()
        except TimeoutError as err:  # aiohttp's timeouts (and asyncio's, the same class)
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


__all__ = ["NOT_INITIALIZED", "AiohttpRequest"]
