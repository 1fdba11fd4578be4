"""Slash commands generated from the registry: one ``app_commands.Command`` per ``CommandSpec``.

Values stay strings so the core parser reads them exactly as in the console or Telegram (``12k``,
``1:05``, ``4.5%``); flags and yes/no arguments become boolean options. Nothing here is written
per command: adding a command to the registry adds its slash command.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

import discord
from discord import app_commands
from discord.app_commands import Choice, TranslationContextLocation, locale_str

from bot import i18n
from bot.adapters.discord_names import (
    COMMAND_NAME,
    FILE_OPTION,
    OPTION_NAME,
    MenuNames,
    NameKind,
    localised_name,
    menu_names,
    plain_commands,
)
from bot.core.fieldnames import field_name
from bot.core.registry import ArgSpec, ArgType, CommandSpec, Registry
from bot.i18n import N_
from bot.i18n import gettext as _

#: Discord's limits for descriptions, options per command and choices per option.
MAX_DESCRIPTION = 100
MAX_OPTIONS = 25
MAX_CHOICES = 25
#: Longest value accepted for a number option ("1,000,000,000,000" is 17 characters).
NUMBER_MAX_LENGTH = 32
#: What server members need for ``admin_only`` commands (also checked again at run time).
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)

#: Largest file the bot downloads from an interaction.
MAX_FILE_BYTES = 2_000_000

#: Runs one slash command: the interaction, its spec and the option values by argument name.
RunCommand = Callable[[discord.Interaction[Any], CommandSpec, dict[str, Any]], Awaitable[None]]
Slash = app_commands.Command[Any, ..., None]


def is_boolean(arg: ArgSpec) -> bool:
    return arg.type in (ArgType.FLAG, ArgType.BOOL)


class ArgOption(app_commands.Transformer[discord.Client]):
    """One ``ArgSpec`` as a Discord option: its type, length bounds and choices."""

    def __init__(self, arg: ArgSpec) -> None:
        self.arg = arg

    @property
    def type(self) -> discord.AppCommandOptionType:
        if is_boolean(self.arg):
            return discord.AppCommandOptionType.boolean
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int | None:  # min_length for a free string option
        return None if is_boolean(self.arg) or self.choices else 1

    @property
    def max_value(self) -> int | None:  # max_length for a free string option
        if is_boolean(self.arg) or self.choices:
            return None
        return NUMBER_MAX_LENGTH if self.arg.is_numeric else min(self.arg.max_length, 6000)

    @property
    def choices(self) -> list[Choice[int | float | str]] | None:
        if not self.arg.choices or len(self.arg.choices) > MAX_CHOICES:
            return None
        return [Choice(name=c, value=c) for c in self.arg.choices]

    async def transform(self, interaction: discord.Interaction[discord.Client], value: Any, /
                        ) -> Any:
        return value  # the core parser reads it


class AutocompleteOption(ArgOption):
    """A choice argument with more choices than Discord lists: suggest as the user types."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[discord.Client], value: str, /
    ) -> list[Choice[str]]:
        return [Choice(name=c, value=c) for c in suggest(self.arg.choices, value)]


def suggest(choices: tuple[str, ...], typed: str) -> list[str]:
    """Choices starting with what was typed first, then those containing it (at most 25)."""
    needle = typed.strip().lower()
    starts = [c for c in choices if c.lower().startswith(needle)]
    contains = [c for c in choices if needle in c.lower() and c not in starts]
    return (starts + contains)[:MAX_CHOICES]


def option_for(arg: ArgSpec) -> ArgOption:
    if arg.choices and len(arg.choices) > MAX_CHOICES and not is_boolean(arg):
        return AutocompleteOption(arg)
    return ArgOption(arg)


def option_description(arg: ArgSpec) -> str:
    """``ArgSpec.help`` in the current language, plus an example value when it fits (it shows
    that ``12k`` works)."""
    text = i18n.collapse_spaces(i18n.translate(arg.help)) or arg.name
    if not is_boolean(arg) and not arg.choices and arg.example_value:
        with_example = _("%(help)s, e.g. %(example)s", help=text.rstrip("."),
                         example=arg.example_value)
        if len(with_example) <= MAX_DESCRIPTION:
            return with_example
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def build_command(spec: CommandSpec, run: RunCommand) -> Slash:
    """The slash command for ``spec``; invoking it calls ``run`` with the option values."""
    if len(spec.args) + spec.accepts_file > MAX_OPTIONS:
        raise ValueError(f"/{spec.name} has {len(spec.args)} arguments; Discord allows "
                         f"{MAX_OPTIONS} options per command")
    # Python names are a0, a1, …, renamed to the argument names, so any argument name works
    # (even one that is a Python keyword).
    names = {f"a{i}": arg.name for i, arg in enumerate(spec.args)}

    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await run(interaction, spec, {names.get(key, key): value for key, value in values.items()})

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    parameters += [
        inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=option_for(arg),
                          default=inspect.Parameter.empty if arg.required else None)
        for key, arg in zip(names, spec.args, strict=True)
    ]
    if spec.accepts_file:  # e.g. /import: the CSV arrives as an attachment option
        parameters.append(inspect.Parameter(FILE_OPTION, inspect.Parameter.KEYWORD_ONLY,
                                            annotation=discord.Attachment | None, default=None))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    # A plain function name (not "…<locals>.callback"), or discord.py takes it for a method.
    callback.__name__ = callback.__qualname__ = f"slash_{spec.name}"
    renames: dict[str, str | locale_str] = {
        key: locale_str(name, command=spec.name) for key, name in names.items()}
    if spec.accepts_file:
        renames[FILE_OPTION] = locale_str(FILE_OPTION, command=spec.name)
    app_commands.rename(**renames)(callback)
    descriptions: dict[str, str | locale_str] = {
        key: locale_str(option_description(arg), command=spec.name, arg=arg.name)
        for key, arg in zip(names, spec.args, strict=True)}
    if spec.accepts_file:
        descriptions[FILE_OPTION] = N_("The file to send with the command (e.g. a CSV).")
    if descriptions:
        app_commands.describe(**descriptions)(callback)
    command: Slash = app_commands.Command(
        name=locale_str(spec.name), description=spec.summary, callback=callback,
        extras={"spec": spec},
    )
    if spec.admin_only:
        command.default_permissions = ADMIN_PERMISSIONS
    return command


def build_commands(registry: Registry, run: RunCommand) -> list[Slash]:
    return [build_command(spec, run) for spec in registry]


def raw_args(spec: CommandSpec, values: Mapping[str, Any]) -> str:
    """The options as ``name=value`` tokens for the core parser, in declaration order.

    The parser splits on whitespace, so whitespace inside a value is dropped (``12 000`` and
    ``trends, monetization`` read as they should). A flag set to true is its bare name.
    """
    tokens: list[str] = []
    for arg in spec.args:
        value = values.get(arg.name)
        if value is None:
            continue
        if isinstance(value, bool):
            if arg.type is ArgType.FLAG:
                if value:
                    tokens.append(arg.name)
            else:
                tokens.append(f"{arg.name}={'yes' if value else 'no'}")
            continue
        text = "".join(str(value).split())
        if text:
            tokens.append(f"{arg.name}={text}")
    return " ".join(tokens)


#: The catalogue context of a command's and an option's name (see bot.i18n.NAME_ARGS).
NAME_CONTEXTS: Final[dict[TranslationContextLocation, NameKind]] = {
    TranslationContextLocation.command_name: COMMAND_NAME,
    TranslationContextLocation.parameter_name: OPTION_NAME}


class CatalogueTranslator(app_commands.Translator):
    """Discord's ``name_localizations``/``description_localizations`` from the gettext
    catalogues: each command's and option's description in every supported language (a
    Discord locale such as ``pt-BR`` or ``es-419`` maps as bot.i18n.normalize says), and
    each name that has a valid translation (bot.adapters.discord_names.localised_name; none:
    Discord shows the English name). A command line quoted in a description (``/help log``)
    is written in the names of the same language (bot.adapters.discord_names.plain_commands),
    as replies are. Interactions always carry the English name, which the core parses."""

    async def translate(self, string: locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        language = i18n.normalize(locale.value)
        if language is None or language == i18n.SOURCE:
            return None
        if context.location in NAME_CONTEXTS:
            return localised_name(NAME_CONTEXTS[context.location], string.message, language)
        if context.location is TranslationContextLocation.choice_name:
            with i18n.using(language):  # a field is shown as the language names it (/progress)
                shown = field_name(string.message)
            return None if shown == string.message else shown[:100]
        if context.location not in (TranslationContextLocation.command_description,
                                    TranslationContextLocation.parameter_description):
            return None
        with i18n.using(language):
            extras = string.extras
            if "arg" in extras and "command" in extras:  # an option: its help and example
                spec = self._specs.get(extras["command"])
                arg = spec.arg(extras["arg"]) if spec is not None else None
                text = option_description(arg) if arg is not None else string.message
            else:
                text = i18n.translate(string.message)
        text = plain_commands(text, self.names(language))
        if text == string.message:
            return None
        return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._specs = {spec.name: spec for spec in registry}
        self._names: dict[str, MenuNames] = {}

    def names(self, language: str) -> MenuNames:
        """The menu's names in ``language`` (read from the catalogue once)."""
        names = self._names.get(language)
        if names is None:
            names = self._names[language] = menu_names(self._registry, language)
        return names


async def commands_payload(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    """Exactly what a global sync sends to Discord (translated, when the tree has a
    translator)."""
    translator = tree.translator
    if translator is None:
        return [command.to_dict(tree) for command in tree.get_commands()]
    return [await command.get_translated_payload(tree, translator)
            for command in tree.get_commands()]


def payload_hash(payload: list[dict[str, Any]], application_id: int | None) -> str:
    """A stable hash of the command surface (and the application it belongs to)."""
    text = json.dumps({"application": application_id, "commands": payload}, sort_keys=True,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
