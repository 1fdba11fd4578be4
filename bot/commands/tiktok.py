"""/connect and /disconnect: link a TikTok account (official Display API, read-only)."""

from __future__ import annotations

from typing import Any

from bot.core.context import CommandContext
from bot.core.registry import command
from bot.core.types import Action, ChatKind, Platform, Reply
from bot.domain.numbers import whole
from bot.i18n import gettext as _


@command(
    "connect",
    summary="Connect your TikTok account so your numbers are read every day",
    help=("Sends you a link to TikTok, where you allow Creator Advisor to read your profile, "
          "follower and like counts and your videos' views, likes, comments and shares. From "
          "then on your numbers are read once a day; /log still works and wins for the same "
          "day. Read-only: nothing is ever posted. /disconnect ends it."),
    examples=("/connect",),
    personal=True,
    group="your numbers",
)
async def connect(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    link = ctx.services.tiktok
    if link is None or not link.configured:
        return Reply("tiktok_setup")
    if ctx.request.platform is Platform.CONSOLE:
        return Reply("tiktok_connect_console", {"user": ctx.request.user_id})
    # What was read is told in this chat only when it is private (a Discord server channel
    # gets no one's numbers; the page after TikTok says it worked).
    private = ctx.request.chat_kind is ChatKind.PRIVATE
    start = await link.begin(ctx.user.id, str(ctx.request.platform),
                             ctx.request.chat_id if private else None)
    current = await link.status(ctx.user.id)
    minutes = max(1, whole((start.expires_at - ctx.clock.now()).total_seconds() / 60))
    return Reply(
        "tiktok_connect",
        {"url": start.url, "minutes": minutes,
         "connected": None if current is None or current.status != "active"
         else current.display_name or "your account"},
        actions=(Action(_("Connect TikTok"), start.url, "primary", url=start.url),),
    )


@command(
    "disconnect",
    summary="Disconnect your TikTok account (your logged numbers stay)",
    help=("Withdraws Creator Advisor's access at TikTok and deletes the stored access tokens. "
          "Numbers already read stay in your history; /forget deletes everything."),
    examples=("/disconnect",),
    personal=True,
    group="your numbers",
)
async def disconnect(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    link = ctx.services.tiktok
    result = None if link is None else await link.disconnect(ctx.user.id)
    if result is None:
        return Reply("tiktok_not_connected")
    return Reply("tiktok_disconnected", {"revoked": result})
