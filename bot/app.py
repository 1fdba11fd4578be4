"""Composition root: the one place that picks concrete classes and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.commands import build_registry
from bot.config import Settings
from bot.core.context import Services
from bot.core.dispatcher import Dispatcher, RateLimit
from bot.core.pace import Paces
from bot.core.ports import Clock, Deliverer, SystemClock
from bot.render.environment import Renderer
from bot.runtime import App, Once
from bot.store import open_store
from bot.store.urls import redacted

if TYPE_CHECKING:  # the weekly poster is imported by the processes that post (``run``)
    from bot.scheduler.runner import WeeklyPoster
    from bot.tiktok.service import TikTokService

log = logging.getLogger(__name__)

__all__ = ["App", "build_app", "freeze_startup_heap", "load_services", "running",
           "weekly_poster"]


def load_services(settings: Settings, *, now: bool = True) -> Services:
    """The data files in ``strategies/``, loaded and validated now (a bad file fails here, at
    start), or with ``now=False`` each when first used (a one-shot ``ask``)."""
    services = Services(settings.strategies_dir)
    return services.load() if now else services


async def build_app(settings: Settings, *, clock: Clock | None = None,
                    strategies_at_start: bool = True) -> App:
    """The bot, its ``strategies/`` files read at start, or, with ``strategies_at_start``
    false, by the first command that uses them (:class:`~bot.core.context.Services`)."""
    clock = clock or SystemClock()
    services = load_services(settings, now=strategies_at_start)
    registry = build_registry()
    renderer = Renderer(settings.templates_dir, settings.data_dir / "cache" / "templates")
    store = await open_store(settings.database_url, cache_size=settings.user_cache_size)

    def tiktok() -> TikTokService:
        from bot.tiktok.service import TikTokService  # (when used: /stats has no TikTok to do)

        return TikTokService(settings, store, store, clock)

    make_tiktok = Once(tiktok)
    services = replace(services, connect=make_tiktok)
    limit = RateLimit(settings.rate_limit_burst, settings.rate_limit_per_minute)
    paces, flood_guard = Paces(), None
    if settings.redis_url is not None:
        from bot.store.budget import RedisBudget
        from bot.store.flood import RedisFloodGuard

        tokens = {name: None if secret is None else secret.get_secret_value()
                  for name, secret in (("telegram", settings.telegram_bot_token),
                                       ("discord", settings.discord_token))}
        redis_url = settings.redis_url.get_secret_value()
        paces = Paces(shared=RedisBudget(redis_url, tokens))
        flood_guard = RedisFloodGuard(redis_url, limit, tokens)
    dispatcher = Dispatcher(registry, store, clock, services, limit, flood_guard)
    return App(settings, store, registry, dispatcher, renderer, services, clock, paces=paces,
               make_tiktok=make_tiktok)


def weekly_poster(app: App, deliverers: Mapping[str, Deliverer], *,
                  pace: Mapping[str, float] | None = None,
                  chat_id: str | None = None) -> WeeklyPoster:
    """The weekly-post sender over whichever platforms are running; ``pace`` overrides the
    messages a second of some platforms (for the whole app: replies share that budget);
    ``chat_id``: only that chat's posts (see :class:`WeeklyPoster`)."""
    from bot.scheduler.compose import WeeklyComposer
    from bot.scheduler.runner import WeeklyPoster

    for platform, rate in (pace or {}).items():
        app.paces.set_rate(platform, rate)
    composer = WeeklyComposer(app.store, app.services.catalogue, app.services.rates)
    return WeeklyPoster(app.store, app.clock, deliverers, composer,
                        grace=timedelta(hours=app.settings.weekly_grace_hours), paces=app.paces,
                        chat_id=chat_id)


#: Seconds the start-up check waits for Redis to connect and answer.
REDIS_CHECK_TIMEOUT = 2.0


async def shared_limits_problem(settings: Settings) -> str | None:
    """With ``REDIS_URL`` set, ping Redis once (at the start of ``run``): when it does not
    answer within :data:`REDIS_CHECK_TIMEOUT` seconds, the warning to log, saying what falls
    back to what until it does; None when it answers or no ``REDIS_URL`` is set. Never
    raises."""
    if settings.redis_url is None:
        return None
    from redis.asyncio import Redis

    url, timeout = settings.redis_url.get_secret_value(), REDIS_CHECK_TIMEOUT
    try:
        client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError as exc:  # not a URL redis-py can use
        reason = f"{type(exc).__name__}: {exc}"
    else:
        try:
            await asyncio.wait_for(client.ping(), timeout)
        except Exception as exc:  # ConnectionError, TimeoutError, AuthenticationError, …
            reason = f"{type(exc).__name__}: {exc}"
        else:
            return None
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()
    return (f"REDIS_URL: Redis at {redacted(url)} does not answer ({reason}); until it "
            "does, each process counts the per-person flood limit alone and keeps its own "
            "send budget for replies and weekly posts (so several workers together allow "
            "each limit once per worker)")


def freeze_startup_heap(*, collect: bool = True) -> None:
    """Once the bot is up: collect, then move every object built so far (modules, templates,
    rules, the platform libraries) out of the garbage collector's sight with ``gc.freeze()``.
    They live as long as the process; without this, each full collection walks all of them and
    stalls the event loop for 70-90 ms, which bunches a paced broadcast into 429s.

    ``collect=False``: frozen as they are, without the full collection first (a one-shot
    ``ask``: the little garbage start-up leaves would be kept to its exit anyway, and a full
    collection costs more than the command). Its command's allocations then meet no full
    collection that walks the start-up heap (one, during Babel's first locale data load, took
    about 10 ms of an ``ask "/stats"``)."""
    if collect:
        gc.collect()
    gc.freeze()


@asynccontextmanager
async def running(settings: Settings, *, clock: Clock | None = None,
                  strategies_at_start: bool = True) -> AsyncIterator[App]:
    """``async with running(settings) as app``: build the app (:func:`build_app`) and always
    close the store."""
    app = await build_app(settings, clock=clock, strategies_at_start=strategies_at_start)
    try:
        yield app
    finally:
        await app.close()
