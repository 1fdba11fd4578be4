"""What a command handler receives besides its parsed arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from bot import i18n
from bot.core.args import ArgError, command_line, local_line, parse_args
from bot.core.ports import Clock, Reads, SnapshotGuard, Store, User, UserReads
from bot.core.registry import Registry
from bot.core.types import Request

if TYPE_CHECKING:  # imported when first used (see Services): ``ask "/stats"`` uses none
    from datetime import datetime

    from bot.core.connections import TikTokLink
    from bot.domain.metrics import MetricSnapshot
    from bot.domain.rates import RateTables
    from bot.domain.rules import Catalogue


@dataclass(frozen=True, slots=True)
class Services:
    """Data shared by handlers (pure, read-only): the rate tables and the tip catalogue of
    ``strategies`` (its ``rates`` and ``rules`` folders), each read and validated once, when
    first used (:meth:`load`: both now, as a bot starting does, so that a mistake in a file
    stops it at start), then kept. A one-shot ``ask`` of a command that uses neither
    (``/stats``, ``/log``) reads no file and imports neither model; one that uses them has
    them read by the dispatcher before it runs (what the command declares,
    :attr:`~bot.core.registry.CommandSpec.strategies`), never halfway through its work."""

    strategies: Path
    #: Makes the TikTok account connection (``bot.tiktok``) when a command first asks for it
    #: (:attr:`tiktok`), once; None where it is not wired.
    connect: Callable[[], TikTokLink] | None = None
    #: What has been read, by name; shared with a copy (``dataclasses.replace``), so a
    #: file is read once however the services are passed on.
    _read: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def tiktok(self) -> TikTokLink | None:
        """The TikTok account connection, or None where it is not wired."""
        return None if self.connect is None else self.connect()

    @property
    def rates(self) -> RateTables:
        if "rates" not in self._read:
            from bot.domain.rates import load_rates

            self._read["rates"] = load_rates(self.strategies / "rates")
        return cast("RateTables", self._read["rates"])

    @property
    def catalogue(self) -> Catalogue:
        if "catalogue" not in self._read:
            from bot.domain.rules import load_catalogue

            self._read["catalogue"] = load_catalogue(self.strategies / "rules")
        return cast("Catalogue", self._read["catalogue"])

    def load(self, which: Iterable[str] = ("rates", "rules")) -> Services:
        """Read and validate ``which`` now (``"rates"``, ``"rules"``; both by default, as a
        bot starting does), each once: a bad file raises
        :class:`~bot.domain.datafiles.DataFileError`. The dispatcher calls it with what a
        command declares (:attr:`~bot.core.registry.CommandSpec.strategies`) before the
        command runs, so a bad file stops it before it writes. ``self``."""
        for name in which:
            if name == "rates":
                _ = self.rates
            elif name == "rules":
                _ = self.catalogue
            else:
                raise ValueError(f"no strategies data named {name!r}")
        return self

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self.rates.currencies.per_eur)


class ReadAhead:
    """What the dispatcher read with the user for the command's declared reads
    (:attr:`~bot.core.registry.CommandSpec.reads`): given out once, to the handler's first
    :meth:`CommandContext.read`, and dropped by it, so a read after a write reads again."""

    __slots__ = ("_read", "_wanted")

    def __init__(self, wanted: Reads, read: UserReads) -> None:
        self._wanted: Reads | None = wanted
        self._read = read

    def take(self, wanted: Reads) -> UserReads | None:
        """What was read, if it is ``wanted`` and not taken yet; nothing is kept after."""
        ahead, self._wanted = self._wanted, None
        return self._read if ahead is not None and ahead == wanted else None


class NoUserYet(LookupError):
    """:attr:`CommandContext.user` read by a
    :attr:`~bot.core.registry.CommandSpec.creates_user` command for a newcomer before its
    first write (:meth:`CommandContext.add_snapshot_and_history`) made their row: a bug in
    that command, named as such (the dispatcher logs it and answers the apology; the row is
    made after it all the same). A command that needs the user before writing declares no
    ``creates_user``."""

    def __init__(self, command: str) -> None:
        super().__init__(
            f"/{command} read ctx.user before its first write made the newcomer's row "
            "(creates_user: the row is made by ctx.add_snapshot_and_history); read the user "
            "only after that write, or drop creates_user from the command")
        self.command = command


class Newcomer:
    """A person the store has no user row for (the read that asked for their language found
    none), seen by a command that makes the row in its own first write
    (:attr:`~bot.core.registry.CommandSpec.creates_user`): the account the row is for, and
    the user once that write made it."""

    __slots__ = ("display_name", "platform", "platform_user_id", "user")

    def __init__(self, platform: str, platform_user_id: str, display_name: str) -> None:
        self.platform = platform
        self.platform_user_id = platform_user_id
        self.display_name = display_name
        #: The stored user, once the command's write made (or found) their row.
        self.user: User | None = None


class CommandContext:
    """What a handler receives besides its arguments (not changed once made)."""

    __slots__ = ("_user", "clock", "newcomer", "read_ahead", "registry", "request", "services",
                 "store")

    def __init__(self, request: Request, user: User | None, store: Store, clock: Clock,
                 registry: Registry, services: Services, read_ahead: ReadAhead | None = None,
                 newcomer: Newcomer | None = None) -> None:
        self.request = request
        self._user = user
        self.store = store
        self.clock = clock
        self.registry = registry
        self.services = services
        #: What the dispatcher read with the user for the command's declared reads: the
        #: first :meth:`read` returns it instead of reading again.
        self.read_ahead = read_ahead
        #: A first-time user whose row the command's first write makes (``user`` None then:
        #: :attr:`~bot.core.registry.CommandSpec.creates_user`); None: the user is stored.
        self.newcomer = newcomer

    @property
    def user(self) -> User:
        """The creator's stored user. For a :attr:`newcomer`, the one the command's first
        write made (:meth:`add_snapshot_and_history`); :class:`NoUserYet` before it."""
        if self._user is not None:
            return self._user
        if self.newcomer is not None and self.newcomer.user is not None:
            return self.newcomer.user
        raise NoUserYet(self.request.command)

    async def add_snapshot_and_history(
        self, changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[MetricSnapshot, list[MetricSnapshot]]:
        """:meth:`~bot.core.ports.Store.add_snapshot_and_history` for the creator; for a
        :attr:`newcomer` whose row is not made yet, the row made in the same trip
        (:meth:`~bot.core.ports.Store.ensure_user_adding_snapshot`), the user kept here."""
        newcomer = self.newcomer
        if self._user is not None or newcomer is None or newcomer.user is not None:
            return await self.store.add_snapshot_and_history(
                self.user.id, changes, taken_at, limit=limit, guard=guard)
        user, snapshot, history = await self.store.ensure_user_adding_snapshot(
            newcomer.platform, newcomer.platform_user_id, newcomer.display_name, changes,
            taken_at, limit=limit, guard=guard)
        newcomer.user = user
        return snapshot, history

    async def read(self, wanted: Reads) -> UserReads:
        """``wanted`` about the creator (:meth:`~bot.core.ports.Store.reads`): at the first
        call, what the dispatcher read with the user when the command declares it (call it
        before the handler writes anything); else, and at any later call, read now."""
        if self.read_ahead is not None:
            ahead = self.read_ahead.take(wanted)
            if ahead is not None:
                return ahead
        return await self.store.reads(self.user.id, wanted)

    def again(self, args: Mapping[str, Any], **changes: Any) -> str:
        """This command with ``args`` (as parsed) and ``changes`` (``confirm=True``), as the
        line a button runs: :func:`~bot.core.args.command_line`, which reads back to the same
        values in every language, not the typed text (read in the language of the moment:
        after /language, German ``Follower=12,5k`` is no argument, or another number). Only
        a value no canonical line can hold keeps the typed text."""
        spec = self.registry.get(self.request.command)
        if spec is None:
            raise LookupError(f"/{self.request.command} is not a command")
        try:
            return command_line(spec.name, spec.args, {**args, **changes})
        except ValueError:
            # A value no line holds canonically (a file name with both kinds of quote and a
            # space, as the console's /import path= reads it): the typed text once more, as
            # typed (nothing taken out of it: a word inside a file name is the name's), with
            # the changes after it.
            typed = self.request.raw_args
            extra = [name if value is True else f"{name}={value}"
                     for name, value in changes.items()]
            return " ".join(part for part in (f"/{spec.name}", typed.strip(), *extra) if part)

    def typed_again(self, args: Mapping[str, Any], flag: str = "confirm",
                    key: str | None = None) -> str:
        """The line a reply's text asks the creator to send to go ahead with what they typed
        (``args``, as parsed) and ``flag`` (``confirm``): the command in their own words with
        ``flag`` once at the end (German ``/log Follower=12,5k confirm``; a ``flag`` they
        typed is taken out first). If those words would be read as other values in another
        language (German ``rewards=1,125`` is 1125 in English, and the creator may send the
        line after /settings language=…), the line a button runs instead (:meth:`again`), as
        the current language writes it (:func:`~bot.core.args.local_line`): read as the same
        values in every language, or refused, never as other numbers. With ``key`` (what
        the confirm is for, :func:`bot.commands.keys.confirm_key`), ``key=…`` follows the flag
        (a key they typed is taken out first)."""
        spec = self.registry.get(self.request.command)
        if spec is None:
            raise LookupError(f"/{self.request.command} is not a command")
        extra = {flag: True} if key is None else {flag: True, "key": key}
        words = " ".join([*(t for t in self.request.raw_args.split()
                            if t.lower() != flag and not t.lower().startswith("key=")),
                          flag, *([] if key is None else [f"key={key}"])])
        wanted = {**{k: v for k, v in args.items() if k != "key"}, **extra}
        for language in i18n.LANGUAGES:
            with i18n.using(language):
                try:
                    read = parse_args(spec.args, words, command=spec.name)
                except ArgError:
                    continue  # refused there: not read as anything else
            if read != wanted:
                return local_line(self.again(args, **extra))
        return f"/{spec.name} {words}"
