"""/export and /forget: your data is yours."""

from __future__ import annotations

import json
from typing import Any

from bot.commands.keys import confirm_key, confirms, typed_key
from bot.core.context import CommandContext
from bot.core.ports import User
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Action, Attachment, Platform, Reply
from bot.core.userdata import exported_contents, stored_contents
from bot.domain.numbers import items, kept
from bot.domain.refusals import Refusal
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
    counts = await ctx.store.user_rows(ctx.user.id)  # what /forget's list names
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    # the creator's date and time in the name, not UTC's
    stamp = (await ctx.store.get_settings(ctx.user.id)).file_stamp(ctx.clock.now(),
                                                                   seconds=True)
    return Reply(
        "exported",
        {"contents": items(exported_contents(data, counts)), "size": len(payload)},
        attachments=(Attachment(f"creator-advisor-export-{stamp}.json", "application/json",
                                payload),),
    )


def forget_key(user: User) -> str:
    """The key /forget's preview puts in its confirm (8 hex digits of a SHA-256 of the
    account): only a confirm carrying it deletes, so nothing goes without the list of what is
    stored having been shown. It names the account, not its rows: a /log racing the confirm
    is deleted with the rest; a key from before an earlier /forget is another account's (ids
    are never reused). Only what every worker reads alike goes in (no timestamp, whose form
    may differ between a row just written and one read back)."""
    return confirm_key("forget", user.id, user.platform, user.platform_user_id)


def _parse_key(text: str) -> str:
    key = typed_key(text)
    if key is None:
        raise Refusal(_("'%(text)s' is not a /forget key; send /forget to see what it would "
                        "delete.", text=kept(text)))
    return key


@command(
    "forget",
    summary="Delete everything stored about you (asks to confirm)",
    help=("Deletes everything stored about you: snapshots (logged and imported), payouts, "
          "goals, videos and audience from TikTok Studio, your rate card, settings, personal "
          "digests and your TikTok connection. Send /forget to see what you have stored; the "
          "confirm it shows (/forget confirm key=…, or the Delete everything button) deletes "
          "it. A confirm without that key gets the list instead."),
    args=(
        ArgSpec("confirm", ArgType.FLAG, "Confirm the deletion.", "confirm"),
        ArgSpec("cancel", ArgType.FLAG, "Keep your data.", "cancel"),
        ArgSpec("key", ArgType.TEXT, "What the list showed (set by /forget's list).",
                "key=3fa9c2d1", normalize=_parse_key),
    ),
    examples=("/forget", "/forget confirm key=3fa9c2d1"),
    personal=True,
    group="your data",
)
async def forget(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    if args.get("cancel"):
        return Reply("forget_cancelled")
    key = forget_key(ctx.user)
    # Only the confirm its preview showed deletes: a bare "/forget confirm" (typed from the
    # help, or sent before any /forget) or a wrong or old key gets the list, and says why.
    # (a key= alone is a confirm: keys.confirms)
    if not confirms(args) or args.get("key") != key:
        stored = stored_contents(await ctx.store.user_rows(ctx.user.id))
        confirm = ctx.again({}, confirm=True, key=key)
        refused = confirms(args)
        return Reply(
            "forget_confirm",
            {"stored": stored, "console": ctx.request.platform is Platform.CONSOLE,
             "command": confirm, "refused": refused},
            actions=(Action(_("Delete everything"), confirm, "danger"),
                     Action(_("Cancel"), "/forget cancel")),
            is_error=refused,
        )
    if ctx.services.tiktok is not None:  # revoke the app's access at TikTok first
        await ctx.services.tiktok.disconnect(ctx.user.id)
    rows = await ctx.store.forget_user(ctx.user.id)
    return Reply("forgotten", {"rows": rows})
