"""/start and /help."""

from __future__ import annotations

from typing import Any

from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.fieldnames import field_name, typed_arguments, typed_example
from bot.core.guided import CANCEL, CANCEL_HELP, CANCEL_SUMMARY, cancel_word, offers_cancel
from bot.core.registry import ArgSpec, ArgType, CommandSpec, command
from bot.core.types import Reply
from bot.domain.numbers import items, kept
from bot.i18n import gettext as _
from bot.i18n import translate


def _arg_view(spec: ArgSpec) -> dict[str, Any]:
    name, unit = field_name(spec.name), translate(spec.unit)
    return {"name": name, "help": typed_arguments(translate(spec.help)),
            "example": typed_example(spec.example),
            "unit": "" if unit.casefold() == name.casefold() else unit,  # not "Likes (Likes)"
            "choices": [field_name(c) for c in spec.choices], "positional": spec.positional,
            "type": spec.type.value}


def command_summary(spec: CommandSpec) -> dict[str, Any]:
    """A command's name and summary in the current language: what /help's list shows of it
    (a full :func:`command_view` of every command was made for it before, and not read)."""
    return {"name": spec.name, "summary": typed_arguments(translate(spec.summary))}


def command_view(spec: CommandSpec) -> dict[str, Any]:
    """Plain data for templates describing one command."""
    return {
        "name": spec.name, "summary": typed_arguments(translate(spec.summary)),
        "help": typed_arguments(translate(spec.help)),
        "examples": [typed_example(e) for e in spec.examples],
        "args": [_arg_view(a) for a in spec.args],
        "personal": spec.personal, "admin_only": spec.admin_only, "group": spec.group,
    }


@command(
    "start",
    summary="What this bot does and how to begin",
    help="Says hello, explains what the advisor can do, and how your data is handled.",
    examples=("/start",),
)
async def start(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    # Only what the template shows: it used to carry every command's view too (unread: the
    # summaries, help, examples and arguments of every command, typed in the person's
    # language, on every /start).
    return Reply("start", {"name": ctx.request.display_name})


@command(
    "help",
    summary="List commands, or explain one: /help log",
    help="Without a name, lists every command. With a name, shows its arguments and examples.",
    args=(ArgSpec("command", ArgType.TEXT, "The command to explain.", "command=log",
                  positional=True),),
    examples=("/help", "/help log"),
)
async def help_(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    cancel = offers_cancel(ctx.request.platform, ctx.registry)  # the adapter's own /cancel
    name = args.get("command")
    if name is None:
        return Reply("help", {"commands": [command_summary(s) for s in ctx.registry]
                              + ([{"name": CANCEL, "summary": translate(CANCEL_SUMMARY)}]
                                 if cancel else [])})
    wanted = str(name).lstrip("/")
    spec = ctx.registry.get(wanted)
    if spec is not None:
        return Reply("help_command", {"cmd": command_view(spec)})
    if cancel and wanted.lower() == CANCEL:
        return Reply("help_command", {"cmd": _cancel_view()})
    known = items([f"/{s.name}" for s in ctx.registry] + ([f"/{CANCEL}"] if cancel else []))
    raise ArgError(_("There is no /%(name)s command. Commands: %(known)s.",
                     name=kept(wanted), known=known))


def _cancel_view() -> dict[str, Any]:
    """:func:`command_view` of the adapters' own ``/cancel`` (bot.core.guided)."""
    return {"name": CANCEL, "summary": translate(CANCEL_SUMMARY),
            "help": _(CANCEL_HELP, word=cancel_word()), "examples": ["/cancel"], "args": [],
            "personal": False, "admin_only": False, "group": None}
