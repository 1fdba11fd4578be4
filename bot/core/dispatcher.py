"""Request in, replies out. Never raises to an adapter: every failure becomes a reply (but a
bad ``strategies/`` file read on first use, which only a one-shot ``ask`` does: a bot reads
them at start, :class:`~bot.core.context.Services`; a command's are read before it runs,
what its :attr:`~bot.core.registry.CommandSpec.strategies` declares)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Protocol

from bot import i18n
from bot.core.args import ArgError, parse_args, parse_value
from bot.core.context import CommandContext, Newcomer, ReadAhead, Services
from bot.core.fieldnames import typed_example
from bot.core.pace import SHARED_RETRY  # one interval for every shared limit Redis keeps
from bot.core.ports import Clock, KnownUser, Reads, Store, StoreError, UserGone
from bot.core.registry import CommandSpec, Registry
from bot.core.types import ChatKind, Platform, Reply, Request, Visibility
from bot.domain.datafiles import DataFileError

log = logging.getLogger(__name__)


#: How much of an unknown command's name its reply repeats (a command's name is at most 32
#: characters; a longer one is cut there, with an ellipsis).
ECHOED_NAME = 32


def _echoed(name: str) -> str:
    """``name``, an unknown command's, as its reply repeats it: cut after
    :data:`ECHOED_NAME` characters (a name of 4,000 letters is no sentence)."""
    return name if len(name) <= ECHOED_NAME else name[:ECHOED_NAME] + "…"


def error_reply(template: str, **context: object) -> Reply:
    return Reply(template=f"errors/{template}", context=context, is_error=True,
                 visibility=Visibility.PRIVATE)


@dataclass
class RateLimit:
    """Per-user command budget: ``burst`` commands, refilled at ``per_minute``."""

    burst: int = 10
    per_minute: float = 30.0


def flood_limited(platform: str) -> bool:
    """Whether the per-person flood limit applies to commands from ``platform``.

    It protects a shared bot (a Telegram bot, a Discord app: one token's send budget and one
    process serving a whole community) from one member who sends too fast. The console is
    one local person at a keyboard, or a script piping lines: it has no such limit, so every
    line is answered, in order."""
    return platform != Platform.CONSOLE


class Admission(Enum):
    """What the per-user budget says about one command."""

    RUN = "run"
    SLOW_DOWN = "slow_down"  # over the limit: answer once with a slow-down notice
    DROP = "drop"  # over the limit and already told: no reply at all


class FloodGuard(Protocol):
    """The per-user command budget kept where every worker on one bot counts it (Redis:
    ``bot.store.flood``), so N workers don't allow N times the burst."""

    async def admit(self, platform: str, user_id: str) -> Admission:
        """Spend one command of ``user_id``'s budget on ``platform``."""
        ...


class _Buckets:
    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._clock = clock
        # key -> (tokens, last refill, told to slow down since the last command that ran)
        self._state: dict[tuple[str, str], tuple[float, float, bool]] = {}

    def admit(self, key: tuple[str, str]) -> Admission:
        if self._limit.burst <= 0:
            return Admission.RUN
        now = self._clock()
        tokens, last, told = self._state.get(key, (float(self._limit.burst), now, False))
        tokens = min(self._limit.burst, tokens + (now - last) * self._limit.per_minute / 60)
        if tokens < 1:
            self._state[key] = (tokens, now, True)
            return Admission.DROP if told else Admission.SLOW_DOWN
        self._state[key] = (tokens - 1, now, False)
        if len(self._state) > 100_000:  # forget idle users so memory stays bounded
            self._state = {k: v for k, v in self._state.items() if now - v[1] < 600}
        return Admission.RUN


class _UserLocks:
    """One lock per platform user: one user's commands run one at a time, so a command racing
    that user's ``/forget`` runs wholly before it or wholly after it (as a fresh user), never
    with an id that was deleted under it. Locks of idle users are dropped."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    def hold(self, key: tuple[str, str]) -> _Held:
        """``async with locks.hold(key):`` runs the block holding ``key``'s lock."""
        return _Held(self._locks, key)


class _Held:
    """:meth:`_UserLocks.hold`'s context manager: the user's lock held inside the block (a
    class of its own, not ``@asynccontextmanager``, whose generator and wrapper cost about as
    much again as the lock; every command takes one).

    :meth:`take_if_free` takes the lock before the block, when no command of the person holds
    or waits for it (without pausing: the lock is new): entering then keeps it, and
    :meth:`release` gives it back if the block is never entered."""

    __slots__ = ("_key", "_lock", "_locks", "_taken")

    def __init__(self, locks: dict[tuple[str, str], tuple[asyncio.Lock, int]],
                 key: tuple[str, str]) -> None:
        self._locks = locks
        self._key = key
        self._taken = False

    async def take_if_free(self) -> bool:
        """Take the person's lock now if no command of theirs holds or waits for it (True),
        without pausing; False (nothing done) otherwise. Then enter the block (which keeps
        the lock) or :meth:`release` it."""
        if self._key in self._locks:
            return False
        lock = self._lock = asyncio.Lock()
        self._locks[self._key] = (lock, 1)
        self._taken = True
        await lock.acquire()  # a new lock nobody waits for: taken at once, no pause
        return True

    def release(self) -> None:
        """Give back the lock :meth:`take_if_free` took, if the block was not entered since
        (nothing otherwise)."""
        if self._taken:
            self._taken = False
            self._lock.release()
            self._leave()

    async def __aenter__(self) -> None:
        if self._taken:  # taken already (take_if_free): the block's exit gives it back
            self._taken = False
            return
        # Counted on entering, not when made: a hold never entered leaves no entry behind.
        lock, users = self._locks.get(self._key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[self._key] = (lock, users + 1)
        self._lock = lock
        try:
            await lock.acquire()
        except BaseException:
            self._leave()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()
        self._leave()

    def _leave(self) -> None:
        lock, users = self._locks[self._key]
        if users <= 1:
            del self._locks[self._key]
        else:
            self._locks[self._key] = (lock, users - 1)


class Dispatcher:
    def __init__(
        self,
        registry: Registry,
        store: Store,
        clock: Clock,
        services: Services,
        rate_limit: RateLimit | None = None,
        flood_guard: FloodGuard | None = None,
    ) -> None:
        self.registry = registry
        self.store = store
        self.clock = clock
        self.services = services
        self._buckets = _Buckets(rate_limit or RateLimit())
        self._shared = flood_guard
        self._shared_failed = False
        self._shared_retry_at = 0.0  # time.monotonic() before which the shared guard is skipped
        self._user_locks = _UserLocks()

    async def admit(self, platform: str, user_id: str) -> Admission:
        """Spend one command of the person's budget (for :meth:`handle`, and for something an
        adapter answers itself, a note that is no command's reply: the same limit applies).

        With a shared :class:`FloodGuard` it decides, for every worker; if it can't be
        reached, this process's own buckets do for :data:`SHARED_RETRY` seconds at a time
        (logged once per outage), so a flood is still limited and nobody is refused or kept
        waiting for an outage. Always :attr:`Admission.RUN` where :func:`flood_limited` says
        there is no limit."""
        if not flood_limited(platform):
            return Admission.RUN
        if self._shared is not None and time.monotonic() >= self._shared_retry_at:
            try:
                admission = await self._shared.admit(platform, user_id)
            except Exception as exc:  # Redis down: never stop answering for it
                if not self._shared_failed:
                    log.warning("the shared flood limit is unreachable (%s: %s); counting in "
                                "this process until it is back", type(exc).__name__, exc)
                self._shared_failed = True
                # Don't make every command wait for an unreachable server: try again later.
                self._shared_retry_at = time.monotonic() + SHARED_RETRY
            else:
                if self._shared_failed:
                    log.info("the shared flood limit is reachable again")
                self._shared_failed = False
                return admission
        return self._buckets.admit((platform, user_id))

    async def language(self, platform: str, user_id: str, fallback: str | None) -> str:
        """The language to answer ``user_id`` on ``platform`` in: the one they chose with
        /settings language=… if they are known and chose one, else ``fallback`` (the
        platform's or the terminal's locale), normalised (English if unknown). A store that
        fails here only costs the choice (logged): the answer is then in ``fallback``."""
        return (await self._language_of(platform, user_id, fallback))[0]

    async def _language_of(self, platform: str, user_id: str,
                           fallback: str | None) -> tuple[str, bool]:
        """:meth:`language`, and whether the store said it has no such user (False when it
        has one, or failed)."""
        try:
            known = await self.store.find_user(platform, user_id)
            chosen = None if known is None else (await self.store.get_settings(known.id)).language
        except StoreError:
            log.warning("could not read the language of a %s user; answering in %s", platform,
                        fallback, exc_info=True)
            return i18n.choose(None, fallback), False
        return i18n.choose(chosen, fallback), known is None

    async def _language_reading(self, platform: str, user_id: str, fallback: str | None,
                                wanted: Reads) -> tuple[str, KnownUser | None]:
        """:meth:`language`, with the user found and ``wanted`` read about them in the same
        trip (:meth:`Store.find_user_reading`; None: not known, or the store failed)."""
        try:
            found = await self.store.find_user_reading(platform, user_id, wanted)
        except StoreError:
            log.warning("could not read the language of a %s user; answering in %s", platform,
                        fallback, exc_info=True)
            found = None
        return i18n.choose(None if found is None else found.settings.language, fallback), found

    async def flood_notice(self, platform: str, user_id: str, command: str | None,
                           fallback: str | None) -> Reply:
        """The reply to a command refused by the flood limit (:meth:`admit`): it names
        ``command`` (None: a message that was no command) as not run, in the person's
        language (:meth:`language`)."""
        return replace(error_reply("slow_down", command=command),
                       locale=await self.language(platform, user_id, fallback))

    async def handle(self, request: Request, *,
                     admission: Admission | None = None) -> list[Reply]:
        """The replies to ``request``, in the person's language (:meth:`language`); empty
        when the command is dropped (a flood past its one slow-down notice, which said that
        commands sent during the wait are not run; never in the console).

        ``admission``: what :meth:`admit` said when the adapter counted this command
        already, as it does for a button press before the press uses anything up (a
        choice's one press): it is not counted twice; None: counted here."""
        with i18n.using(request.locale) as language:
            try:
                replies = await self._handle(request, admission)
            except DataFileError:
                # a strategies/ file read on first use (Services; only a one-shot ``ask``
                # reads one after start): its caller says which file and line, as at start
                raise
            except Exception:
                log.exception("command /%s failed (event %s, platform %s)", request.command,
                              request.event_id, request.platform)
                replies = [error_reply("internal", command=request.command)]
            # A handler may have switched the language (/settings language=…): the replies
            # are in the language the work ended in, unless one says otherwise.
            language = i18n.current()
        return [r if r.locale else replace(r, locale=language) for r in replies]

    async def _handle(self, request: Request, admission: Admission | None) -> list[Reply]:
        platform = str(request.platform)
        if admission is None:
            admission = await self.admit(platform, request.user_id)
        if admission is Admission.DROP:
            # One notice per flood: the rest get no reply, so one person's flood never
            # spends the platform's shared send budget (bot.core.pace) on notices.
            return []
        spec = self.registry.get(request.command)
        held = self._user_locks.hold((platform, request.user_id))
        try:
            return await self._admitted(request, admission, spec, held)
        finally:
            held.release()  # taken ahead, never entered (bad arguments, an error, cancelled)

    async def _admitted(self, request: Request, admission: Admission, spec: CommandSpec | None,
                        held: _Held) -> list[Reply]:
        platform = str(request.platform)
        # Every reply from here on (the flood notice, an unknown command, bad arguments, an
        # error) is in the language the person chose, if they are known and chose one; and
        # numbers are read in it ("30.600" is a number in German).
        found = None
        missing = False  # the store has no row for the person (the language's read said so)
        wanted = None  # the reads the command declares for these arguments
        if spec is not None and (spec.reads_for is None or spec.reads_for(request.raw_args)):
            wanted = spec.reads
        if (admission is Admission.RUN and wanted is not None
                and await held.take_if_free()):
            # No command of the person holds or waits for their lock: it is taken now (their
            # commands run in the order they came), and the command's reads come with the
            # user, in that trip. Bad arguments give it back at once (_handle's finally): they
            # wait for nothing. Otherwise, as for any command: the arguments are read, then
            # the lock is waited for.
            language, found = await self._language_reading(platform, request.user_id,
                                                           request.locale, wanted)
        else:
            language, missing = await self._language_of(platform, request.user_id,
                                                        request.locale)
        i18n.switch(language)
        if admission is Admission.SLOW_DOWN:
            return [error_reply("slow_down", command=request.command)]
        if spec is None:  # (after the budget: a flood of unknown commands is a flood too)
            import difflib  # (here: only an unknown command needs it)

            names = [s.name for s in self.registry]
            close = difflib.get_close_matches(request.command.lower(), names, n=1, cutoff=0.6)
            shown = _echoed(request.command)
            # a name that ends in a mark of its own (/stats!, a cut one) is quoted: no "!."
            return [error_reply("unknown_command", command=shown, commands=names,
                                quoted=not (shown[-1:].isalnum() or shown.endswith("_")),
                                suggestion=close[0] if close else None)]
        if spec.admin_only and request.chat_kind is not ChatKind.PRIVATE and not request.is_admin:
            return [error_reply("not_allowed", command=spec.name)]
        try:  # before the user is created: bad input creates no one
            args = parse_args(spec.args, request.raw_args, command=spec.name,
                              examples=spec.examples)
        except ArgError as exc:
            return [await self._bad_args(spec, request, exc)]
        # The strategies/ data the command uses, read now if not yet (a one-shot ``ask``
        # reads them on first use): a bad file stops it here, before it creates the user or
        # writes anything (DataFileError goes to handle's caller), never after a write.
        self.services.load(spec.uses_strategies(args))
        try:
            async with held:
                result = await self._run(spec, request, args, wanted, found,
                                         new=missing and spec.creates_user and wanted is None)
        except ArgError as exc:
            return [await self._bad_args(spec, request, exc)]
        except StoreError:
            log.exception("storage failed for /%s (event %s)", spec.name, request.event_id)
            return [error_reply("storage", command=spec.name)]
        replies = result if isinstance(result, list) else [result]
        default = Visibility.PRIVATE if spec.personal else Visibility.PUBLIC
        language = i18n.current()  # as handle() would set it: one copy of each reply, not two
        return [_completed(r, language, default) for r in replies]


    async def _bad_args(self, spec: CommandSpec, request: Request, exc: ArgError) -> Reply:
        """:func:`_bad_args`, with the example line the command builds from what the creator
        has stored (:attr:`CommandSpec.refusal_example`) where it has one."""
        if spec.refusal_example is not None:
            found = await self.store.find_user(str(request.platform), request.user_id)
            exc.usage = await spec.refusal_example(
                self.store, None if found is None else found.id, self.clock.now(), exc)
        return _bad_args(spec, exc)

    async def _run(self, spec: CommandSpec, request: Request, args: dict[str, Any],
                   wanted: Reads | None, found: KnownUser | None, *,
                   new: bool = False) -> Reply | list[Reply]:
        """Run ``spec``'s handler for the requesting user (created on first sight), with
        ``wanted`` (the reads it declares, if for these arguments) read ahead (``found``: the
        user as found with them, holding their lock; None: not read yet). ``new``: the
        store has no row for them and the command makes it in its first write
        (:attr:`CommandSpec.creates_user`). When a
        /forget in another worker deletes the user between ``ensure_user`` and the command's
        write (:class:`UserGone`: nothing was written), the command runs once more, for the
        user created afresh: it runs before the forget or after it, never half."""
        try:
            return await self._run_once(spec, request, args, wanted, found, new)
        except UserGone:
            log.info("/%s (event %s) ran while its user was forgotten elsewhere; running it "
                     "again for them as a new user", spec.name, request.event_id)
            return await self._run_once(spec, request, args, wanted, None, new)

    async def _run_once(self, spec: CommandSpec, request: Request, args: dict[str, Any],
                        wanted: Reads | None, found: KnownUser | None,
                        new: bool = False) -> Reply | list[Reply]:
        if new:
            return await self._run_new(spec, request, args)
        platform = str(request.platform)
        read_ahead = None
        if wanted is None:
            user = await self.store.ensure_user(platform, request.user_id,
                                                request.display_name)
        elif found is None:  # the user, and what the command reads, in one trip
            user, reads = await self.store.ensure_user_reading(
                platform, request.user_id, request.display_name, wanted)
            read_ahead = ReadAhead(wanted, reads)
        else:
            user = found.user
            if user.display_name != request.display_name:  # the platform's name changed
                user = await self.store.ensure_user(platform, request.user_id,
                                                    request.display_name)
            if user.id == found.user.id:  # (else forgotten in another worker meanwhile)
                read_ahead = ReadAhead(wanted, found.reads)
        ctx = CommandContext(request=request, user=user, store=self.store, clock=self.clock,
                             registry=self.registry, services=self.services,
                             read_ahead=read_ahead)
        return await spec.handler(ctx, args)

    async def _run_new(self, spec: CommandSpec, request: Request,
                       args: dict[str, Any]) -> Reply | list[Reply]:
        """:meth:`_run_once` for a person the store has no row for, whose command makes it in
        its first write (:class:`~bot.core.context.Newcomer`): one trip to the store where
        there were two. If the handler made no row (it wrote nothing, or failed first), the
        row is made after it, as it was before it: every command leaves its user stored."""
        platform = str(request.platform)
        newcomer = Newcomer(platform, request.user_id, request.display_name)
        ctx = CommandContext(request=request, user=None, store=self.store, clock=self.clock,
                             registry=self.registry, services=self.services,
                             newcomer=newcomer)
        try:
            result = await spec.handler(ctx, args)
        except BaseException:
            if newcomer.user is None:  # (the handler's own failure is the one reported)
                with contextlib.suppress(Exception):
                    await self.store.ensure_user(platform, request.user_id,
                                                 request.display_name)
            raise
        if newcomer.user is None:
            await self.store.ensure_user(platform, request.user_id, request.display_name)
        return result


def _completed(reply: Reply, language: str, visibility: Visibility) -> Reply:
    """``reply`` in ``language`` unless it names its own, with ``visibility`` unless it sets
    its own; one copy at most (``dataclasses.replace`` is dear)."""
    changes: dict[str, object] = {}
    if not reply.locale:
        changes["locale"] = language
    if reply.visibility is None:
        changes["visibility"] = visibility
    return replace(reply, **changes) if changes else reply  # type: ignore[arg-type]


def _setting_example(spec: CommandSpec, exc: ArgError) -> str | None:
    """The example line of a refusal of one argument (:attr:`ArgError.arg`) with no line of
    its own: the command setting that argument to a value it takes (the refusal's
    :attr:`ArgError.example` if it is read, else the argument's declared example), never the
    bare command (``/settings age=17.5``: ``/settings age=19``, not ``/settings``). None for
    a refusal of no argument of the command."""
    arg = next((a for a in spec.args if a.name == exc.arg), None)
    if arg is None:
        return None
    example = arg.example
    if exc.example and "=" in arg.example:
        try:
            parse_value(exc.example, arg)
        except ArgError:
            pass
        else:
            example = f"{arg.name}={exc.example}"
    # the command's own example that sets it, if one does, with that value (a payout's
    # month= goes with its amount: /payout rewards=412 views=610k month=2026-10)
    for declared in spec.examples:
        words = declared.split()
        at = [i for i, w in enumerate(words) if w.split("=", 1)[0] == arg.name and "=" in w]
        if at:
            words[at[0]] = example
            return typed_example(" ".join(words))
    return typed_example(f"/{spec.name} {example}")


def _bad_args(spec: CommandSpec, exc: ArgError) -> Reply:
    """The argument error, with its own example line (:attr:`ArgError.usage`), else one
    setting the argument it refuses (:func:`_setting_example`), else the command's."""
    examples = ([exc.usage] if exc.usage
                else [line] if (line := _setting_example(spec, exc)) is not None
                else [typed_example(e) for e in spec.examples[:2]])
    # the bot's sentence (a Phrase), not a text of the creator's shown as typed (numbers.kept);
    # the values they typed in it are marked so (ArgError.marked)
    return error_reply("bad_args", command=spec.name, message=i18n.Phrase(exc.marked),
                       examples=examples)
