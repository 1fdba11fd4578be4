"""The command registry: each command is declared once, every platform surface derives from it.

A handler module declares commands with :func:`command`; :meth:`Registry.from_modules` collects
them in declaration order. Console parsing, ``/help``, Telegram's command menu and Discord's
slash options are all built from these :class:`CommandSpec` values.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from bot.domain.metrics import METRICS, Kind, MetricDef

if TYPE_CHECKING:
    from bot.core.context import CommandContext
    from bot.core.ports import Reads
    from bot.core.types import Reply


class ArgType(StrEnum):
    COUNT = "count"  # whole number: 12k, 1.2M, 12,000
    NUMBER = "number"  # decimal: 3.5
    RATE = "rate"  # percentage: 4.5% (stored as 0.045)
    SECONDS = "seconds"  # duration: 45s, 1:05, 2m
    BOOL = "bool"  # yes / no
    FLAG = "flag"  # a bare word switches it on: "explain", "all", "confirm"
    CHOICE = "choice"  # one of ``choices``
    TEXT = "text"  # free text, checked by ``normalize``


@dataclass(frozen=True, slots=True)
class ArgSpec:
    name: str
    type: ArgType
    help: str
    example: str  # a full token as a creator would type it, e.g. "followers=12k"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    positional: bool = False
    required: bool = False
    normalize: Callable[[str], Any] | None = None  # TEXT: returns the value or raises ValueError
    max_length: int = 64  # TEXT: longest accepted value
    #: TEXT: ``normalize``'s inverse, a value -> the text ``normalize`` reads back to it in
    #: every language (:func:`bot.core.args.command_line`); None: a str as it is, a date in
    #: ISO form, a tuple of words joined by commas.
    unparse: Callable[[Any], str] | None = None
    #: COUNT: a size creators write in thousands (``12k``), so a decimal below a thousand
    #: (``1.5``) may be thousands with the k left off and is asked about so; False for an
    #: index, an age or a number of rows (``remove=1.5``): only the whole numbers are offered.
    thousands: bool = True
    #: TEXT: the creator's own text (a file's name, a handle, a niche), kept as typed; every
    #: other value is read with its width forms in NFKC (:func:`bot.domain.fieldnames.fold_width`:
    #: full-width ``２０２６－１０``, ``Europe／Berlin`` as ``2026-10``, ``Europe/Berlin``).
    free_text: bool = False
    #: COUNT: a number of whole units completed (an age in years): a fraction typed is the
    #: whole number below it (17.5 years old is 17), the one hint offered.
    completed: bool = False

    @property
    def example_value(self) -> str:
        """The value part of :attr:`example` (``12k`` for ``followers=12k``)."""
        return self.example.split("=", 1)[-1]

    @property
    def is_numeric(self) -> bool:
        return self.type in (ArgType.COUNT, ArgType.NUMBER, ArgType.RATE, ArgType.SECONDS)


Handler = Callable[["CommandContext", dict[str, Any]], Awaitable["Reply | list[Reply]"]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    summary: str  # one line, under 100 characters (Telegram menu, Discord description)
    help: str  # a short paragraph for /help <command>
    handler: Handler
    args: tuple[ArgSpec, ...] = ()
    examples: tuple[str, ...] = ()
    personal: bool = False  # reads or changes the caller's own data: private in group chats
    admin_only: bool = False  # changes something for a whole chat / server
    group: str = "basics"  # heading in /help
    accepts_file: bool = False  # takes a file (Request.attachments), e.g. a CSV to import
    #: What the handler reads about its creator before it works (``ctx.read(reads)``): the
    #: dispatcher reads it in the trip that finds the user, where it can
    #: (:meth:`~bot.core.ports.Store.find_user_reading`). None: nothing declared.
    reads: Reads | None = None
    #: Whether an argument line (as typed, before it is parsed) is one the handler uses
    #: :attr:`reads` for; for the others the dispatcher does not read them ahead (the handler
    #: reads what it needs itself). None: every line.
    reads_for: Callable[[str], bool] | None = None
    #: For a person seen for the first time (no user row yet), the handler's first write
    #: makes their row in its own trip to the store (``CommandContext.newcomer``:
    #: :meth:`~bot.core.context.CommandContext.add_snapshot_and_history`) instead of the
    #: dispatcher making it before the handler runs; a handler that writes nothing leaves
    #: it to the dispatcher, after it. Only with no :attr:`reads`.
    creates_user: bool = False
    #: The ``strategies/`` data the handler uses (:data:`STRATEGIES`: ``"rates"``, the rate
    #: tables; ``"rules"``, the tip catalogue), wherever in it, for any arguments: the
    #: dispatcher has them read before the handler runs (:meth:`~bot.core.context.Services.
    #: load`), so a bad file stops the command before it writes anything (a one-shot ``ask``
    #: reads them on first use; a bot at start).
    strategies: tuple[str, ...] = ()
    #: Whether a call with these arguments (as parsed) uses :attr:`strategies`; None: every
    #: call (``/settings`` reads the exchange rates only for ``currency=``).
    strategies_for: Callable[[Mapping[str, Any]], bool] | None = None
    #: The example line under any refusal of this command's arguments (read or checked by
    #: the handler), from what the creator has stored: called with the store, their user id
    #: (None: not stored yet), the time and the refusal (``/goal``: a goal this creator can
    #: set, never one already met). None: the refusal's own, else the command's example.
    refusal_example: Callable[[Any, int | None, datetime, Any], Awaitable[str]] | None = None

    def uses_strategies(self, args: Mapping[str, Any]) -> tuple[str, ...]:
        """What of :attr:`strategies` a call with ``args`` (as parsed) uses."""
        if self.strategies_for is not None and not self.strategies_for(args):
            return ()
        return self.strategies

    def arg(self, name: str) -> ArgSpec:
        for spec in self.args:
            if spec.name == name:
                return spec
        raise KeyError(name)


_KIND_TO_TYPE = {
    Kind.COUNT: ArgType.COUNT,
    Kind.NUMBER: ArgType.NUMBER,
    Kind.RATE: ArgType.RATE,
    Kind.SECONDS: ArgType.SECONDS,
}


def metric_arg(metric: MetricDef, *, positional: bool = False,
               help: str | None = None) -> ArgSpec:
    """The argument for one metric, derived from its single definition in the domain;
    ``help`` replaces its help where the number means something else (/goal: a target)."""
    return ArgSpec(
        name=metric.name,
        type=_KIND_TO_TYPE[metric.kind],
        help=metric.help if help is None else help,
        example=metric.example,
        unit=metric.unit,
        minimum=metric.minimum,
        maximum=metric.maximum,
        aliases=metric.aliases,
        positional=positional,
    )


def metric_args(*, first_positional: bool = True) -> tuple[ArgSpec, ...]:
    """Every metric as an argument; the first (followers) may also be typed bare: ``/log 12k``."""
    return tuple(
        metric_arg(m, positional=first_positional and i == 0) for i, m in enumerate(METRICS)
    )


_ATTR = "__command_spec__"
#: What a command may declare it uses of ``strategies/`` (:attr:`CommandSpec.strategies`).
STRATEGIES: tuple[str, ...] = ("rates", "rules")


def command(
    name: str,
    *,
    summary: str,
    help: str,
    args: Iterable[ArgSpec] = (),
    examples: Iterable[str] = (),
    personal: bool = False,
    admin_only: bool = False,
    group: str = "basics",
    accepts_file: bool = False,
    reads: Reads | None = None,
    reads_for: Callable[[str], bool] | None = None,
    creates_user: bool = False,
    strategies: Iterable[str] = (),
    strategies_for: Callable[[Mapping[str, Any]], bool] | None = None,
    refusal_example: Callable[[Any, int | None, datetime, Any], Awaitable[str]] | None = None,
) -> Callable[[Handler], Handler]:
    """Declare a command on its handler. The handler stays a plain, directly testable function."""

    def wrap(handler: Handler) -> Handler:
        spec = CommandSpec(
            name=name, summary=summary, help=help, handler=handler, args=tuple(args),
            examples=tuple(examples), personal=personal, admin_only=admin_only, group=group,
            accepts_file=accepts_file, reads=reads, reads_for=reads_for,
            creates_user=creates_user,
            strategies=tuple(strategies), strategies_for=strategies_for,
            refusal_example=refusal_example,
        )
        if creates_user and reads is not None:
            raise ValueError(f"/{name}: a command that creates its user declares no reads")
        setattr(handler, _ATTR, spec)
        return handler

    return wrap


@dataclass
class Registry:
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    #: A registry made by :meth:`lazy`: the modules (import names, in declaration order) not
    #: yet collected, which command each one declares, and the specs of the few imported
    #: ahead by :meth:`get`.
    _pending: tuple[str, ...] = ()
    _index: Mapping[str, str] = field(default_factory=dict)
    _early: dict[str, CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        """Add ``spec`` after every command declared so far (a lazy registry collects its
        modules first, so the order and the duplicate check are the eager registry's).
        Raises ValueError for a name declared twice, a summary over 100 characters,
        duplicate argument names or strategies data not in :data:`STRATEGIES`."""
        self._complete()
        if spec.name in self.commands:
            raise ValueError(f"command /{spec.name} is declared twice")
        if len(spec.summary) > 100:
            raise ValueError(f"/{spec.name}: summary is longer than 100 characters")
        names = [a.name for a in spec.args]
        if len(set(names)) != len(names):
            raise ValueError(f"/{spec.name}: duplicate argument names")
        unknown = set(spec.strategies) - set(STRATEGIES)
        if unknown:
            raise ValueError(f"/{spec.name}: no strategies data named {sorted(unknown)}")
        self.commands[spec.name] = spec

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType]) -> Registry:
        registry = cls()
        for module in modules:
            registry._collect(module)
        return registry

    @classmethod
    def lazy(cls, modules: Sequence[str], index: Mapping[str, str]) -> Registry:
        """The registry of ``modules`` (import names), imported when first needed: ``get``
        of a command that ``index`` (command name → module name) places imports that module
        alone (a one-shot ``ask "/stats"`` imports no other command's code); anything else
        (iterating, ``len``, an unknown name, or a name the index misplaces) imports and
        collects them all, in order, as :meth:`from_modules` does."""
        return cls(_pending=tuple(modules), _index=dict(index))

    def _collect(self, module: ModuleType) -> None:
        for value in vars(module).values():
            spec = getattr(value, _ATTR, None)
            if isinstance(spec, CommandSpec):
                self.add(spec)

    def _complete(self) -> None:
        """Collect every pending module (the checks of :meth:`add` run here). On a failure
        (a command declared twice, an import error) nothing is kept: the next use raises
        again, as the eager registry fails every time, rather than going on with a part."""
        if self._pending:
            whole = Registry(dict(self.commands))
            for name in self._pending:
                whole._collect(importlib.import_module(name))
            self.commands, self._pending = whole.commands, ()
            self._early.clear()

    def get(self, name: str) -> CommandSpec | None:
        key = name.lower()
        if self._pending:
            spec = self._early.get(key)
            if spec is not None:
                return spec
            module = self._index.get(key)
            if module is not None and module in self._pending:
                part = Registry()  # that module's commands, checked as add() checks them
                part._collect(importlib.import_module(module))
                for found in part:
                    self._early.setdefault(found.name, found)
                spec = self._early.get(key)
                if spec is not None:
                    return spec
            self._complete()
        return self.commands.get(key)

    def __iter__(self) -> Iterator[CommandSpec]:
        self._complete()
        return iter(self.commands.values())

    def __len__(self) -> int:
        self._complete()
        return len(self.commands)

    def signature(self) -> str:
        """A stable text of the whole command surface (adapters hash it to skip needless syncs)."""
        parts = []
        for spec in self:
            args = ",".join(
                f"{a.name}:{a.type}:{a.minimum}:{a.maximum}:{'|'.join(a.choices)}:{a.help}"
                for a in spec.args
            )
            parts.append(f"{spec.name}|{spec.summary}|{spec.personal}|{spec.admin_only}|{args}")
        return "\n".join(parts)
