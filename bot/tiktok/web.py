"""The OAuth callback page: one aiohttp server on the path of ``TIKTOK_REDIRECT_URI``.

``creator-advisor connect`` serves it on the loopback address of the redirect URI until the
first answer; ``run`` serves it for as long as the bot runs (behind the same reverse proxy as
the Telegram webhook when the redirect URI is public).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import Settings
from bot.core.args import command_line
from bot.core.connections import PendingAuth, SyncReport
from bot.core.ports import Deliverer, DeliveryStatus, Destination
from bot.core.registry import metric_args
from bot.core.types import Reply
from bot.domain.metrics import METRIC_BY_NAME, log_key
from bot.i18n import N_, translate
from bot.render.environment import Renderer
from bot.render.formats import Format
from bot.tiktok.client import TikTokError
from bot.tiktok.service import TikTokService
from bot.tiktok.tokens import TokenKeyError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One callback's result: a connection and what was read, or an error reason."""

    pending: PendingAuth | None
    report: SyncReport | None
    reason: str | None


OnDone = Callable[[Outcome], Awaitable[None]]

#: Where ``run`` listens behind a reverse proxy when TIKTOK_CALLBACK_PORT is not set.
PROXIED_PORT = 8765


def callback_path(settings: Settings) -> str:
    return urlsplit(settings.tiktok_redirect_uri).path or "/"


def listen_address(settings: Settings) -> tuple[str, int]:
    """Where to listen: the redirect URI's own host and port when it is a loopback address,
    else ``TIKTOK_CALLBACK_LISTEN`` and ``TIKTOK_CALLBACK_PORT`` (behind a reverse proxy)."""
    parts = urlsplit(settings.tiktok_redirect_uri)
    if is_loopback(settings.tiktok_redirect_uri):
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname or "127.0.0.1", settings.tiktok_callback_port or port
    # Public: the proxy terminates TLS on 443 and forwards here (never bind 443 ourselves).
    return settings.tiktok_callback_listen, settings.tiktok_callback_port or PROXIED_PORT


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def page(renderer: Renderer, reply: Reply) -> web.Response:
    """A plain HTML page holding the rendered reply (escaped; no scripts, no links out)."""
    text = renderer.render(reply, Format.PLAIN)
    body = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in text.splitlines() if line)
    document = ("<!doctype html><html><head><meta charset=\"utf-8\">"
                "<title>Creator Advisor</title></head><body>" + body + "</body></html>")
    status = 400 if reply.is_error else 200
    return web.Response(text=document, content_type="text/html", status=status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


#: How to try again, in a chat and in the terminal (``errors/tiktok.j2`` translates it).
AGAIN_CHAT = N_("send /connect")
AGAIN_TERMINAL = N_("run creator-advisor connect")


def error_reply(reason: str, again: str = AGAIN_CHAT) -> Reply:
    return Reply("errors/tiktok", {"reason": reason, "again": again}, is_error=True)


def _labels(names: frozenset[str]) -> list[str]:
    return [translate(METRIC_BY_NAME[n].label) for n in sorted(names) if n in METRIC_BY_NAME]


def connected_reply(report: SyncReport, template: str = "tiktok_connected") -> Reply:
    """What was read, for the creator (chat or terminal)."""
    return Reply(template, {
        "name": report.display_name,
        "followers": report.followers,
        "likes_total": report.likes_total,
        "video_count": report.video_count,
        "videos_read": report.videos_read,
        "new_videos": report.new_videos,
        "written": _labels(report.written),
        "kept_typed": _labels(report.kept_typed),
        "views_pending": "views" not in report.written | report.kept_typed | set(
            report.held_values),
        "held_back": list(report.held_back),
        # read back exactly, in any language: 50000 (never 50k), 35e-1 (a German "3.5" is
        # no number)
        # with the key of exactly these values and of what they were held against (log_key):
        # the confirm saves only them, once
        "held_command": None if not report.held_values else command_line(
            "log", metric_args(), dict(report.held_values))
        + f" confirm key={log_key(dict(report.held_values), report.held_against)}",
    })


def callback_app(service: TikTokService, renderer: Renderer, on_done: OnDone, *,
                 again: str = AGAIN_CHAT) -> web.Application:
    """An aiohttp application answering GET on the callback path."""

    async def callback(request: web.Request) -> web.Response:
        query = request.query
        try:
            pending, report = await service.complete(
                query.get("state"), query.get("code"), query.get("error"))
        except TikTokError as exc:
            log.info("tiktok: a callback failed: %s", exc.reason)
            await on_done(Outcome(None, None, exc.reason))
            return page(renderer, error_reply(exc.reason, again))
        except TokenKeyError:
            log.exception("tiktok: the token key cannot be used")
            await on_done(Outcome(None, None, "key"))
            return page(renderer, error_reply("key", again))
        await on_done(Outcome(pending, report, None))
        return page(renderer, Reply("tiktok_page"))

    app = web.Application()
    # GET only: a HEAD (a link prefetcher) must not spend the state.
    app.router.add_get(callback_path(service.settings), callback, allow_head=False)
    return app


async def serve_callback(app: web.Application, host: str, port: int, *,
                         shared: bool = False) -> web.AppRunner:
    """Start listening; the caller awaits ``runner.cleanup()`` to stop. ``shared``: several
    workers listen on the port (``SO_REUSEPORT``; the consent's state is in the database, so
    any of them completes it)."""
    runner = web.AppRunner(app, access_log=None)  # the query holds the code: never log it
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_port=shared or None)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    return runner


class TikTokRunner:
    """The TikTok side of ``run``: the callback server and the daily sync, telling creators in
    chat through the running adapters' deliverers."""

    def __init__(self, service: TikTokService, renderer: Renderer,
                 deliverers: Mapping[str, Deliverer], *, check_every: float = 900.0) -> None:
        self.service = service
        self.renderer = renderer
        self.deliverers = deliverers
        self.check_every = check_every
        self._runner: web.AppRunner | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def tell(self, platform: str, chat_id: str, reply: Reply) -> None:
        """Send ``reply`` to a private chat; a failure is logged, never raised."""
        deliverer = self.deliverers.get(platform)
        if deliverer is None:
            log.info("tiktok: no running %s adapter to tell chat %s", platform, chat_id)
            return
        try:
            result = await deliverer.deliver(Destination(platform, chat_id, "private"), reply,
                                             secrets.token_hex(8))
        except Exception:
            log.exception("tiktok: telling a creator on %s failed", platform)
            return
        if result.status is not DeliveryStatus.SENT:
            log.warning("tiktok: telling a creator on %s failed: %s", platform, result.status)

    async def _done(self, outcome: Outcome) -> None:
        pending = outcome.pending
        if pending is None or outcome.report is None:
            return
        if pending.chat_platform and pending.chat_id:
            await self.tell(pending.chat_platform, pending.chat_id,
                            connected_reply(outcome.report))

    async def start(self) -> None:
        """Listen for the consent callback (every worker, on one port) and, in one worker only
        (worker 0, or the only one), run the daily sync: two workers syncing one account at
        once would refresh its token twice, and one of the two refresh tokens TikTok hands
        back would be stored over the other."""
        settings = self.service.settings
        host, port = listen_address(settings)
        self.service.notify = self.tell
        self._runner = await serve_callback(
            callback_app(self.service, self.renderer, self._done), host, port,
            shared=settings.worker_count > 1)
        log.info("tiktok: callback listening on %s:%s%s", host, port, callback_path(settings))
        if settings.worker_index in (None, 0):
            self._task = asyncio.create_task(
                self.service.serve(self._stop, every=self.check_every), name="tiktok-sync")

    async def stop(self, *, grace: float = 5.0) -> None:
        """Stop listening and syncing. A sync round still running after ``grace`` seconds is
        cancelled: each account's sync is one transaction, so nothing is left half-written."""
        self._stop.set()
        if self._task is not None:
            done, _ = await asyncio.wait([self._task], timeout=grace)
            if not done:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        if self._runner is not None:
            await self._runner.cleanup()
        self.service.notify = None
