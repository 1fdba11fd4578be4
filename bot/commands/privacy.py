"""/export and /forget: your data is yours."""

from __future__ import annotations

import json
from typing import Any

from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Action, Attachment, Platform, Reply
from bot.core.userdata import USER_TABLES, exported_contents
from bot.domain.numbers import items
from bot.i18n import gettext as _


@command(
    "export",
    summary="Download everything stored about you as JSON",
    help=("Sends a JSON file with everything stored about you: the same tables /forget "
          "deletes, without tokens or other secrets."),
    examples=("/export",),
    personal=True,
    group="your data",
)
async def export(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    data = await ctx.store.export_user(ctx.user.id)
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    stamp = ctx.clock.now().strftime("%Y%m%d-%H%M%S")
    return Reply(
        "exported",
        {"contents": items(exported_contents(data)), "size": len(payload)},
        attachments=(Attachment(f"creator-advisor-export-{stamp}.json", "application/json",
                                payload),),
    )


@command(
    "forget",
    summary="Delete everything stored about you (asks to confirm)",
    help=("Deletes everything stored about you: snapshots (logged and imported), payouts, "
          "goals, videos and audience from TikTok Studio, your rate card, settings, personal "
          "digests and your TikTok connection. Send /forget to see what you have stored, then "
          "confirm with /forget confirm."),
    args=(
        ArgSpec("confirm", ArgType.FLAG, "Confirm the deletion.", "confirm"),
        ArgSpec("cancel", ArgType.FLAG, "Keep your data.", "cancel"),
    ),
    examples=("/forget", "/forget confirm"),
    personal=True,
    group="your data",
)
async def forget(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    if args.get("cancel"):
        return Reply("forget_cancelled")
    if not args.get("confirm"):
        counts = await ctx.store.user_rows(ctx.user.id)
        stored = [t.says(counts[t.table]) for t in USER_TABLES if counts.get(t.table)]
        return Reply(
            "forget_confirm",
            {"stored": stored, "console": ctx.request.platform is Platform.CONSOLE},
            actions=(Action(_("Delete everything"), "/forget confirm", "danger"),
                     Action(_("Cancel"), "/forget cancel")),
        )
    if ctx.services.tiktok is not None:  # revoke the app's access at TikTok first
        await ctx.services.tiktok.disconnect(ctx.user.id)
    rows = await ctx.store.forget_user(ctx.user.id)
    return Reply("forgotten", {"rows": rows})
