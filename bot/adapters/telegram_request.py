"""How the Telegram adapter's Bot API calls travel: PTB's own HTTPX request class, with one
difference. A call without files is sent as one JSON body (``Content-Type: application/json``,
one of the three ways the Bot API accepts, https://core.telegram.org/bots/api#making-requests)
instead of PTB's URL-encoded form. Encoding a reply (about 1,000 characters) as a form
escapes it byte by byte in Python (``urllib.parse.quote``); ``json.dumps`` does it in C. With
it, sending a reply costs about what a bare PTB bot's "ok" costs (issue #19; the rest of the
difference per update is the command's own work). Calls with files (photos, documents) go
through PTB unchanged, as ``multipart/form-data``.

Everything else is PTB's :class:`telegram.request.HTTPXRequest`: the same ``httpx`` client
(connection pool, HTTP version, proxy), the same default timeouts and the same errors
(``TimedOut``, ``NetworkError``, with HTTPXRequest.do_request's wording, PTB 22). PTB
documents its request classes as the way to change how requests are sent
(:class:`telegram.request.BaseRequest`); this one uses HTTPXRequest's client (``_client``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # PTB's annotation of these parameters


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout passed to a call (seconds; None: none), else (``BaseRequest.DEFAULT_NONE``,
    "not passed") the request's default, as HTTPXRequest decides."""
    if value is None or isinstance(value, int | float):
        return value
    return default


class JsonBodyRequest(HTTPXRequest):
    """:class:`~telegram.request.HTTPXRequest` sending file-less calls as a JSON body.

    The body is :attr:`telegram.request.RequestData.parameters` as one JSON object (nested
    values such as ``reply_markup`` as JSON objects, as the Bot API documents them), UTF-8.
    Takes HTTPXRequest's parameters; its defaults are the ones ``ApplicationBuilder`` gives a
    bot it builds itself (256 connections; 5 s connect, read and write; 1 s pool; 20 s to
    write an upload)."""

    __slots__ = ()

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
        Raises ``TimedOut`` (any httpx timeout) or ``NetworkError`` (any other httpx error),
        as PTB does."""
        if request_data is None or request_data.contains_files or self._client.is_closed:
            return await super().do_request(url, method, request_data, read_timeout,
                                             write_timeout, connect_timeout, pool_timeout)
        defaults = self._client.timeout
        timeout = httpx.Timeout(connect=_given(connect_timeout, defaults.connect),
                                read=_given(read_timeout, defaults.read),
                                write=_given(write_timeout, defaults.write),
                                pool=_given(pool_timeout, defaults.pool))
        body = json.dumps(request_data.parameters, ensure_ascii=False,
                          separators=(",", ":")).encode()
        try:
            answer = await self._client.request(
                method=method, url=url, content=body, timeout=timeout,
                headers={"User-Agent": self.USER_AGENT, "Content-Type": "application/json"},
            )
        except httpx.TimeoutException as err:  # PTB's wording and types
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(
                    message="Pool timeout: All connections in the connection pool are "
                    "occupied. Request was *not* sent to Telegram. Consider adjusting the "
                    "connection pool size or the pool timeout.") from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return answer.status_code, answer.content


__all__ = ["JsonBodyRequest"]
