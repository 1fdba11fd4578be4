"""/subscribe, /unsubscribe, /subscriptions: a weekly tip for a chat, or a personal digest."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot import i18n
from bot.commands.settings import normalize_language, normalize_timezone, unparse_language
from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.dispatcher import error_reply
from bot.core.ports import Subscription
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import ChatKind, Platform, Reply
from bot.domain.numbers import items, weekday
from bot.domain.refusals import Refusal
from bot.domain.schedule import WEEKDAYS, next_run, parse_local_time, parse_weekday
from bot.i18n import gettext as _
from bot.i18n import lazy

TOPICS = ("content", "engagement", "trends", "collaboration", "analytics", "monetization")


def normalize_day(text: str) -> int:
    return parse_weekday(text)


def unparse_day(day: int) -> str:
    """:func:`normalize_day`'s value as it reads it back: 4 -> ``friday``."""
    return WEEKDAYS[day]


def normalize_time(text: str) -> str:
    return parse_local_time(text).strftime("%H:%M")


def normalize_topics(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(t.strip().lower() for t in text.replace(";", ",").split(",")
                                 if t.strip()))
    unknown = [t for t in chosen if t not in TOPICS]
    if unknown or not chosen:
        raise Refusal(_("topics must be a comma-separated list of: %(topics)s.",
                        topics=items(TOPICS)))
    return chosen


def _kind(ctx: CommandContext) -> tuple[str, int | None]:
    if ctx.request.chat_kind is ChatKind.PRIVATE:
        return "personal", ctx.user.id
    return "community", None


def subscription_view(sub: Subscription) -> dict[str, Any]:
    tz = ZoneInfo(sub.timezone)
    nxt = sub.next_run_at.astimezone(tz) if sub.next_run_at else None
    return {
        "kind": sub.kind,
        "day": weekday(sub.weekday),
        "language": i18n.name_in_sentence(i18n.choose(sub.language)),  # mid-sentence
        "time": sub.local_time,
        "timezone": sub.timezone,
        "topics": list(sub.topics),
        "active": sub.active,
        "reason": sub.deactivated_reason,
        "paused": sub.paused_reason,
        "in_topic": sub.thread_id is not None,
        # ISO text (for --json too), shown by the templates' ``moment`` filter
        "next": None if nxt is None else nxt.isoformat(timespec="minutes"),
    }


@command(
    "subscribe",
    summary="A weekly tip in this chat (or your personal digest in private)",
    help=("In a group or server channel (admins only): one tip every week for the whole chat, "
          "optionally only on some topics. In a private chat: your weekly digest, your "
          "progress since last week plus your top tip. Defaults: Monday 10:00 in your time "
          "zone."),
    args=(
        ArgSpec("day", ArgType.TEXT, "Day of the week.", "day=monday",
                normalize=normalize_day, aliases=("weekday",), unparse=unparse_day),
        ArgSpec("time", ArgType.TEXT, "Local time of day, 24 h or am/pm.", "time=10:00",
                normalize=normalize_time, aliases=("at",)),
        ArgSpec("timezone", ArgType.TEXT, "Time zone (IANA name).", "timezone=Europe/Berlin",
                normalize=normalize_timezone, aliases=("tz",)),
        ArgSpec("topics", ArgType.TEXT, lazy("Only these topics: %(topics)s.",
                                             topics=", ".join(TOPICS)),
                "topics=trends,collaboration", normalize=normalize_topics, aliases=("topic",)),
        ArgSpec("language", ArgType.TEXT, "The language of the weekly posts: en, es, pt_BR, de, "
                "fr or ja (default: yours).", "language=de", aliases=("lang",),
                normalize=normalize_language, unparse=unparse_language),
    ),
    examples=("/subscribe", "/subscribe day=friday time=18:00 timezone=America/New_York",
              "/subscribe topics=trends,monetization"),
    admin_only=True,
    group="weekly posts",
)
async def subscribe(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    kind, owner = _kind(ctx)
    if ctx.request.cannot_post is not None:  # the adapter knows the bot may not post here
        return error_reply("cannot_post", reason=ctx.request.cannot_post, command="subscribe")
    settings = await ctx.store.get_settings(ctx.user.id)
    timezone = args.get("timezone") or settings.timezone
    weekday = args.get("day", 0)
    local_time = args.get("time", "10:00")
    topics: tuple[str, ...] = args.get("topics", ())
    if kind == "personal" and topics:
        raise ArgError(_("Topics are for group posts; your personal digest picks your top tip."),
                       arg="topics")
    at = parse_local_time(local_time)
    sub = await ctx.store.save_subscription(
        platform=str(ctx.request.platform), chat_id=ctx.request.chat_id,
        chat_kind=str(ctx.request.chat_kind), kind=kind, user_id=owner,
        created_by=ctx.user.id, weekday=weekday, local_time=local_time, timezone=timezone,
        topics=topics, next_run_at=next_run(weekday, at, ZoneInfo(timezone), ctx.clock.now()),
        thread_id=ctx.request.thread_id,
        language=args.get("language") or i18n.current(),
    )
    return Reply("subscribed", {"sub": subscription_view(sub),
                                "console": ctx.request.platform is Platform.CONSOLE})


@command(
    "unsubscribe",
    summary="Stop the weekly posts in this chat (or your personal digest)",
    help="Stops this chat's weekly tip (admins only in groups), or your digest in private.",
    examples=("/unsubscribe",),
    admin_only=True,
    group="weekly posts",
)
async def unsubscribe(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    kind, owner = _kind(ctx)
    removed = await ctx.store.delete_subscription(str(ctx.request.platform),
                                                  ctx.request.chat_id, kind, owner)
    return Reply("unsubscribed", {"removed": removed, "kind": kind})


@command(
    "subscriptions",
    summary="What this chat receives every week, and when next",
    help="Lists the weekly posts of this chat with the next time each one goes out.",
    examples=("/subscriptions",),
    group="weekly posts",
)
async def subscriptions(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    subs = await ctx.store.subscriptions_for_chat(str(ctx.request.platform),
                                                  ctx.request.chat_id)
    if ctx.request.chat_kind is ChatKind.PRIVATE:
        subs = [s for s in subs if s.user_id in (None, ctx.user.id)]
    else:
        subs = [s for s in subs if s.kind == "community"]
    now = ctx.clock.now()
    return Reply("subscriptions", {"subs": [subscription_view(s) for s in subs],
                                   "now": now.isoformat()})


