"""Discord adapter on discord.py 2.x: slash commands generated from the registry.

One path for every interaction::

    slash command or button ─► Request ─► Dispatcher.handle ─► [Reply] ─► messages
    (discord.Interaction)                                                  (response, followups)

- Commands: one ``app_commands.Command`` per ``CommandSpec`` (``discord_commands``). Values are
  string options read by the core parser, so ``12k`` works as everywhere else.
- Sync: with ``DISCORD_GUILD_ID`` the commands are copied to that server and synced at every
  start (instant, for development). Otherwise they are synced globally only when the generated
  payload changed since the last sync (its hash is kept in ``<data_dir>/discord_commands.sha256``).
  Never in ``on_ready``, which runs again after every reconnect.
- Replies: embeds (errors as plain text) rendered with ``Format.DISCORD_MD``, no mentions ever;
  the command lines they quote are written in the names the user's menu shows
  (``discord_names``: ``/eintragen aufrufe=40k`` for a German client);
  ``Visibility.PRIVATE`` is ephemeral in servers. The first message is the interaction response
  when the dispatcher answers within ``defer_after`` seconds and it carries no file; otherwise
  the interaction is deferred and every message is a followup.
- Failures: a deferral Discord refuses (10062 Unknown interaction: the 3-second window was
  missed) loses only the reply, never the command. A press on a button no running view knows
  (after a restart, or already pressed) is answered with an ephemeral "expired" note.
- Several workers: ``AutoShardedClient`` over this worker's shards (i, i+N, … of
  ``DISCORD_SHARD_COUNT`` or Discord's recommendation); a worker without a shard logs in for
  REST only (weekly posts); worker 0 alone syncs the commands.
- Gateway, reconnects, resumes and 429s are discord.py's job; a 429 on a weekly post (any
  shape: JSON, global, an edge's HTML, no ``retry_after``, longer than ``MAX_RATELIMIT_WAIT``)
  comes back to the poster as "not delivered, slow down".
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import i18n
from bot.adapters.discord_commands import (
    MAX_FILE_BYTES,
    CatalogueTranslator,
    Slash,
    build_commands,
    commands_payload,
    payload_hash,
    raw_args,
)
from bot.adapters.discord_names import (
    COMMAND_VALUED,
    FILE_OPTION,
    MenuNames,
    localise_commands,
    menu_names,
)
from bot.adapters.discord_replies import (
    NO_MENTIONS,
    ActionButton,
    ActionView,
    Outgoing,
    to_messages,
)
from bot.core.args import split_command
from bot.core.dispatcher import Admission, error_reply
from bot.core.pace import depart
from bot.core.ports import (
    AdapterStartError,
    Deliverer,
    DeliveryResult,
    DeliveryStatus,
    Destination,
)
from bot.core.registry import CommandSpec
from bot.core.types import Action, Attachment, ChatKind, Platform, Reply, Request, Visibility
from bot.i18n import N_, lazy
from bot.render.formats import Format
from bot.runtime import App

log = logging.getLogger(__name__)

HASH_FILE = "discord_commands.sha256"
#: Longest 429 wait discord.py sits out inside a request (its minimum); a longer one is raised,
#: so a weekly post's long 429 comes back to the poster, which pauses the lane and can stop.
MAX_RATELIMIT_WAIT = 30.0
BUTTON_EXPIRED = N_("This button has expired. Run the command again.")
#: Discord error codes: a permission the bot lacks in a channel (fixable by an admin).
MISSING_ACCESS, MISSING_PERMISSIONS = 50001, 50013
UNKNOWN_INTERACTION = 10062
#: Seconds :meth:`DiscordAdapter.stop` lets commands already being answered finish.
STOP_GRACE = 10.0


class DepartingConnector(aiohttp.TCPConnector):
    """aiohttp's TCP connector, holding every request discord.py makes until its departure
    (:func:`bot.core.pace.depart`) before it takes a connection: a weekly post's requests
    leave a fixed delay after their slot, and each one after the first (a DM channel, a second
    message, discord.py's own retry after a 429) takes a slot of its own, since Discord's
    global limit counts every request. Requests outside a post (start-up, replies, the
    gateway) are not held. (An aiohttp trace did this before: it cost about 35 µs of CPU per
    request, every reply's included, for the trace's signals.)"""

    async def connect(self, req: aiohttp.ClientRequest, traces: list[aiohttp.tracing.Trace],
                      timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109  (aiohttp's signature)
                      ) -> aiohttp.connector.Connection:
        await depart()
        return await super().connect(req, traces, timeout)


class _Client(discord.Client):
    """Minimal intents (guilds only: slash commands need no message content); every REST
    request goes through a :class:`DepartingConnector` (set by :meth:`DiscordAdapter.start`)."""

    def __init__(self, adapter: DiscordAdapter, *, guild_ready_timeout: float) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS,
                         guild_ready_timeout=guild_ready_timeout,
                         max_ratelimit_timeout=MAX_RATELIMIT_WAIT)
        self.adapter = adapter

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # discord.py hands a press to its view right before this event, synchronously: now,
        # and only now, "no running view has this button" is exact.
        if event_name == "interaction" and args:
            self.adapter.check_press(args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def setup_hook(self) -> None:  # once per start, after login, before the gateway
        await self.adapter.prepare()

    async def on_ready(self) -> None:  # after every new session: only signals, never syncs
        self.adapter.ready.set()


class _ShardedClient(_Client, discord.AutoShardedClient):
    """The same client over some of the bot's gateway shards: with several workers, each
    connects its own (``shard_ids``/``shard_count`` are set in ``setup_hook``, once the shard
    count is known and before the gateway connects; ``on_ready`` fires once all are ready)."""


#: Option types a slash command's values arrive in for :meth:`_Tree._from_interaction`'s short
#: way: string and boolean (every option but the file one), passed on as they come.
_PLAIN_OPTIONS = frozenset({3, 5})


class _Tree(app_commands.CommandTree[_Client]):
    """discord.py's tree, with a short way for the usual interaction: one of our slash commands
    (``build_commands``) with string and boolean options only. Its values go straight to
    :meth:`DiscordAdapter._slash` as the tree would pass them (every argument by name, None
    when not given), without the tree's namespace and transformers, which cost as much as the
    rest of receiving the interaction; errors reach :meth:`on_error` as they would through the
    tree (a ``CommandInvokeError`` around anything but an ``AppCommandError``). Everything
    else (autocomplete, a file option, a missing required option, an unknown command, another
    option type) takes the tree's own way."""

    def __init__(self, client: _Client) -> None:
        super().__init__(client)
        #: Per command name: its arguments, all None (the values' starting point), and the
        #: names of the required ones.
        self._shapes: dict[str, tuple[dict[str, Any], frozenset[str]]] = {}
        #: The short way skips what the tree would run around a command: only while this
        #: tree adds nothing there (no interaction_check of its own).
        self._plain_tree = (type(self).interaction_check
                            is app_commands.CommandTree.interaction_check)

    def _from_interaction(self, interaction: discord.Interaction[_Client]) -> None:
        try:
            plain = self._plain(interaction)
        except Exception:  # (a discord.py that reads interactions differently: its own way)
            log.warning("discord: the short way to a slash command failed; using the "
                        "command tree's", exc_info=True)
            plain = None
        if plain is None:
            super()._from_interaction(interaction)
            return
        command, spec, values = plain
        self.client.adapter._keep(asyncio.get_running_loop().create_task(
            self._call_plain(interaction, command, spec, values), name="CommandTree-invoker"))

    def _plain(self, interaction: discord.Interaction[_Client]
               ) -> tuple[Slash, CommandSpec, dict[str, Any]] | None:
        """The command, its spec and its values when ``interaction`` can take the short way."""
        data: Any = interaction.data
        if interaction.type is not discord.InteractionType.application_command \
                or data is None or data.get("type", 1) != 1:
            return None
        try:
            command, options = self._get_app_command_options(data)
        except app_commands.AppCommandError:
            return None  # (the tree answers it: CommandNotFound)
        spec = command.extras.get("spec") if isinstance(command, app_commands.Command) else None
        if not isinstance(spec, CommandSpec) or command.checks or command.parent is not None \
                or command.on_error is not None or not self._plain_tree:
            return None  # checks or error handlers of its own: the tree runs them
        shape = self._shapes.get(spec.name)
        if shape is None:
            shape = self._shapes[spec.name] = (
                dict.fromkeys([*(a.name for a in spec.args),
                               *((FILE_OPTION,) if spec.accepts_file else ())]),
                frozenset(a.name for a in spec.args if a.required))
        blank, required = shape
        values = blank.copy()
        given = set()
        for option in options:
            if option.get("type") not in _PLAIN_OPTIONS:
                return None
            name = option["name"]
            if name in values:  # (the tree ignores an option the command does not have)
                values[name] = option.get("value")
                given.add(name)
        if not required <= given:
            return None  # the tree reports the mismatch
        return command, spec, values

    async def _call_plain(self, interaction: discord.Interaction[_Client], command: Slash,
                          spec: CommandSpec, values: dict[str, Any]) -> None:
        failure: app_commands.AppCommandError
        try:
            await self.client.adapter._slash(interaction, spec, values)
        except app_commands.AppCommandError as error:
            failure = error
        except Exception as error:
            failure = app_commands.CommandInvokeError(command, error)
            failure.__cause__ = error
        else:
            if not interaction.command_failed:
                self.client.dispatch("app_command_completion", interaction, command)
            return
        interaction.command_failed = True  # (our commands have no error handler of their own)
        await self.on_error(interaction, failure)

    async def on_error(self, interaction: discord.Interaction[_Client],
                       error: app_commands.AppCommandError, /) -> None:
        await self.client.adapter.failed(interaction, error)


class TokenRefused(AdapterStartError, discord.LoginFailure):
    """Discord refused the token: an :class:`AdapterStartError` (one line, no retry) that is
    still the ``LoginFailure`` discord.py callers know."""


class DiscordAdapter:
    name = "discord"
    platform = "discord"  # as a Deliverer for the weekly posts

    def __init__(self, app: App, *, defer_after: float = 2.0, view_timeout: float = 300.0,
                 ready_timeout: float = 60.0, guild_ready_timeout: float = 2.0,
                 connections: int = 0) -> None:
        self.app = app
        self.settings = app.settings
        self.defer_after = defer_after  # Discord's window is 3 s; keep a margin for the network
        self.view_timeout = view_timeout  # under the 15 minutes an interaction token lives
        self.ready_timeout = ready_timeout
        # guild_ready_timeout: how long discord.py waits for more GUILD_CREATEs before ready.
        self._guild_ready_timeout = guild_ready_timeout
        #: Most connections open to Discord at once (0: no cap, as discord.py's default).
        self.connections = connections
        #: Several workers on one token, or a shard count given: gateway shards split across
        #: workers (worker i of N connects shards i, i+N, …).
        self.sharded = (self.settings.worker_count > 1
                        or self.settings.discord_shard_count is not None)
        self.shard_count: int | None = None
        self.shard_ids: list[int] | None = None  # known after login; [] = REST only
        self._build_client()
        self.ready = asyncio.Event()
        self.synced = False  # whether this start sent the commands to Discord
        self._task: asyncio.Task[None] | None = None
        #: The views sent that still take presses, with their timeout timers, and their
        #: buttons by custom_id (discord.py registers none of them: see ActionView).
        self._views: dict[ActionView, asyncio.TimerHandle | None] = {}
        self._buttons: dict[str, tuple[ActionView, ActionButton]] = {}
        self._answering: set[asyncio.Task[None]] = set()
        self._in_flight: set[asyncio.Task[Any]] = set()  # commands being answered
        self._saved_urls: tuple[str, yarl.URL] | None = None
        self._names: dict[str, MenuNames] = {}

    def names(self, locale: str | None) -> MenuNames:
        """The command and option names Discord's menu shows to a client in ``locale`` (a
        Discord locale such as ``de`` or ``pt-BR``; unsupported: English), the same the
        command sync sends: replies quote commands in them."""
        language = i18n.normalize(locale) or i18n.SOURCE
        names = self._names.get(language)
        if names is None:
            names = self._names[language] = menu_names(self.app.registry, language)
        return names

    def _build_client(self) -> None:
        kind = _ShardedClient if self.sharded else _Client
        self.client = kind(self, guild_ready_timeout=self._guild_ready_timeout)
        self.tree = _Tree(self.client)
        for command in build_commands(self.app.registry, self._slash):
            self.tree.add_command(command)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in, sync the commands if needed, connect; return once the gateway is ready.
        Raises :class:`AdapterStartError` when Discord is unreachable (may be tried again:
        a closed client is replaced by a new one) or refuses the token."""
        token = self.settings.discord_token
        if token is None or not token.get_secret_value():
            raise RuntimeError("DISCORD_TOKEN is not set")
        if self.client.is_closed():  # a failed earlier start: discord.py can't reuse it
            self._build_client()
        self._use_api_url()
        if not isinstance(self.client.http.connector, DepartingConnector):
            self.client.http.connector = DepartingConnector(limit=self.connections)
        try:
            await self.client.login(token.get_secret_value())  # then setup_hook: prepare()
        except discord.LoginFailure:
            await self.stop()
            raise TokenRefused("Discord refused the bot token: check DISCORD_TOKEN",
                               retry=False) from None
        except (aiohttp.ClientError, OSError, discord.DiscordServerError) as unreachable:
            await self.stop()
            raise AdapterStartError(f"cannot reach Discord ({unreachable})",
                                    retry=True) from None
        except BaseException:
            await self.stop()
            raise
        if self.shard_ids == []:
            log.info("discord: worker %s of %d has no gateway shard (%d in all): it sends "
                     "weekly posts but receives no commands", self.settings.worker_index,
                     self.settings.worker_count, self.shard_count)
            return
        self._task = asyncio.create_task(self.client.connect(), name="discord-client")
        ready = asyncio.create_task(self.ready.wait())
        try:
            await asyncio.wait({self._task, ready}, timeout=self.ready_timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if not self.ready.is_set():
            failed = self._task.done() and not self._task.cancelled()
            error = self._task.exception() if failed else None
            await self.stop()
            if isinstance(error, discord.LoginFailure):
                raise TokenRefused("Discord refused the bot token: check DISCORD_TOKEN",
                                   retry=False) from None
            if isinstance(error, aiohttp.ClientError | OSError | discord.GatewayNotFound):
                raise AdapterStartError(f"cannot reach Discord ({error})", retry=True) from None
            if error is not None:
                raise error
            raise AdapterStartError(f"Discord was not ready within {self.ready_timeout:.0f} s",
                                    retry=True)
        self._task.add_done_callback(self._ended)
        shards = "" if self.shard_ids is None else \
            f" on shards {self.shard_ids} of {self.shard_count}"
        log.info("discord: connected as %s%s with %d slash commands", self.client.user, shards,
                 len(self.tree.get_commands()))

    async def stop(self, *, grace: float = STOP_GRACE) -> None:
        """Disconnect; commands already being answered get ``grace`` seconds to finish first
        (a ``/log`` that was acknowledged is written and answered, not cut off)."""
        answering = [t for t in self._in_flight if not t.done()]
        if answering:
            log.info("discord: finishing %d command(s) in flight before stopping",
                     len(answering))
            await asyncio.wait(answering, timeout=grace)
        for view in list(self._views):
            view.finish()
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
            self._task = None
        self._restore_urls()

    def _ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("discord: the client stopped: %r", task.exception())

    def _use_api_url(self) -> None:
        """Point discord.py's REST routes at ``DISCORD_API_URL`` (a local fake in tests)."""
        if self.settings.discord_api_url and self._saved_urls is None:
            self._saved_urls = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
            Route.BASE = self.settings.discord_api_url.rstrip("/")

    def _restore_urls(self) -> None:
        if self._saved_urls is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved_urls
            self._saved_urls = None

    async def prepare(self) -> None:
        if self.settings.discord_api_url or self.sharded:
            recommended, gateway, _ = await self.client.http.get_bot_gateway()
            if self.settings.discord_api_url:
                # A non-default API serves its own gateway: take it from GET /gateway/bot.
                DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
            if self.sharded:
                self._split_shards(recommended)
        if self.settings.worker_index in (None, 0):  # one worker syncs for all
            self.synced = await self.sync_commands()

    def _split_shards(self, recommended: int) -> None:
        """This worker's shards: ``DISCORD_SHARD_COUNT`` (or Discord's recommendation, raised
        to one per worker) in all, worker i of N taking i, i+N, … (none if i ≥ the count)."""
        workers, index = self.settings.worker_count, self.settings.worker_index or 0
        count = self.settings.discord_shard_count or max(recommended, workers)
        self.shard_count = count
        self.shard_ids = list(range(index, count, workers))
        assert isinstance(self.client, _ShardedClient)
        self.client.shard_count = count
        self.client.shard_ids = self.shard_ids or None

    # -- command sync ---------------------------------------------------------------------

    @property
    def hash_path(self) -> Path:
        return self.settings.data_dir / HASH_FILE

    async def sync_commands(self) -> bool:
        """Send the commands to Discord when needed; True if they were sent."""
        guild_id = self.settings.discord_guild_id
        try:
            if self.tree.translator is None:  # descriptions in every supported language
                await self.tree.set_translator(CatalogueTranslator(self.app.registry))
            if guild_id is not None:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("discord: %d slash commands synced to server %s", len(synced), guild_id)
                return True
            digest = payload_hash(await commands_payload(self.tree), self.client.application_id)
            if await asyncio.to_thread(self._read_hash) == digest:
                log.info("discord: slash commands unchanged since the last sync")
                return False
            synced = await self.tree.sync()
            await asyncio.to_thread(self._write_hash, digest)
            log.info("discord: %d slash commands synced globally (up to an hour to show)",
                     len(synced))
            return True
        except (discord.HTTPException, discord.RateLimited):
            log.exception("discord: syncing slash commands failed; the previous set stays")
            return False

    def _read_hash(self) -> str | None:
        try:
            return self.hash_path.read_text(encoding="utf-8").strip()
        except OSError:
            return None

    def _write_hash(self, digest: str) -> None:
        self.hash_path.parent.mkdir(parents=True, exist_ok=True)
        self.hash_path.write_text(digest + "\n", encoding="utf-8")

    # -- interaction → Request → replies → messages ---------------------------------------

    def _track(self) -> None:
        """Count the running command task in, so :meth:`stop` lets it finish."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _slash(self, interaction: discord.Interaction[Any], spec: CommandSpec,
                     values: dict[str, Any]) -> None:
        self._track()
        file = values.pop(FILE_OPTION, None)
        for command, arg in COMMAND_VALUED:  # /hilfe befehl:eintragen is /help log
            if spec.name == command and isinstance(values.get(arg), str):
                values[arg] = self.names(interaction.locale.value).english_command(values[arg])
        request = self.request(interaction, spec.name, raw_args(spec, values))
        if isinstance(file, discord.Attachment):
            if file.size > MAX_FILE_BYTES:
                with i18n.using(interaction.locale.value):
                    too_large = i18n.gettext("That file is too large (over %(size)s MB).",
                                             size=MAX_FILE_BYTES // 1_000_000)
                await interaction.response.send_message(
                    too_large,
                    ephemeral=True, allowed_mentions=NO_MENTIONS)
                return
            data = await file.read()
            request = dataclasses.replace(request, attachments=(
                Attachment(file.filename, file.content_type or "application/octet-stream",
                           data),))
        # The visibility a deferral guesses before the replies exist, as the dispatcher
        # defaults it: personal commands answer privately unless shared on purpose.
        await self._answer(interaction, request, private=spec.personal and not values.get("public"))

    async def _pressed(self, interaction: discord.Interaction[Any], action: Action,
                       admission: Admission) -> None:
        """A button: run its command line as the user who pressed it (checked by the view),
        counted in the flood limit already (``admission``: a refused press gets the notice)."""
        self._track()
        parsed = split_command(action.command)
        if parsed is None:
            log.warning("discord: button %r has no command line: %r", action.label,
                        action.command)
            return
        await self._answer(interaction, self.request(interaction, *parsed), private=True,
                           admission=admission)

    async def _admit_press(self, interaction: discord.Interaction[Any]) -> Admission:
        """Count a press in its presser's flood limit (before it disables anything)."""
        return await self.app.dispatcher.admit(self.platform, str(interaction.user.id))

    def check_press(self, interaction: discord.Interaction[Any]) -> None:
        """A button press: handed to its view if it still takes presses (in a task, as
        discord.py would); else (the bot restarted, the view timed out or was already used)
        answered as expired, or Discord shows "This interaction failed"."""
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = data.get("custom_id")
        found = self._buttons.get(custom_id) if isinstance(custom_id, str) else None
        if found is not None and found[0].live:
            view, button = found
            self._keep(asyncio.create_task(view.handle(interaction, button),
                                           name=f"discord-ui-view-dispatch-{view.id}"))
            return
        log.info("discord: interaction %s pressed a button no running view knows (%s); "
                 "answered as expired", interaction.id, custom_id)
        self._keep(asyncio.create_task(self._expired(interaction)))

    def _keep(self, task: asyncio.Task[None]) -> None:
        """Hold a reference to ``task`` until it is done."""
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    def _register(self, view: ActionView) -> None:
        """``view`` was sent: it takes presses until pressed, timed out or stopped."""
        view.live = True
        view.on_finish = self._forget
        for button in view.buttons():
            assert button.custom_id is not None
            self._buttons[button.custom_id] = (view, button)
        self._views[view] = asyncio.get_running_loop().call_later(
            view.timeout, self._timed_out, view) if view.timeout else None

    def _forget(self, view: ActionView) -> None:
        timer = self._views.pop(view, None)
        if timer is not None:
            timer.cancel()
        for button in view.buttons():
            if button.custom_id is not None:
                self._buttons.pop(button.custom_id, None)

    def _timed_out(self, view: ActionView) -> None:
        task = view.timed_out()
        if task is not None:
            self._keep(task)

    async def _expired(self, interaction: discord.Interaction[Any]) -> None:
        try:
            with i18n.using(interaction.locale.value):
                expired = i18n.translate(BUTTON_EXPIRED)
            await interaction.response.send_message(expired, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, discord.RateLimited, aiohttp.ClientError) as exc:
            log.warning("discord: could not answer expired press %s: %s", interaction.id, exc)

    def request(self, interaction: discord.Interaction[Any], command: str, raw: str) -> Request:
        private = _is_private(interaction)
        return Request(
            platform=Platform.DISCORD,
            user_id=str(interaction.user.id),
            display_name=interaction.user.display_name,
            chat_id=str(interaction.channel_id or interaction.user.id),
            chat_kind=ChatKind.PRIVATE if private else ChatKind.GROUP,
            command=command,
            raw_args=raw,
            is_admin=private or interaction.permissions.manage_guild,
            locale=interaction.locale.value,
            received_at=self.app.clock.now(),
            event_id=str(interaction.id),
            cannot_post=None if private else _cannot_post(interaction),
        )

    async def _answer(self, interaction: discord.Interaction[Any], request: Request, *,
                      private: bool, admission: Admission | None = None) -> None:
        deferred: bool | None = None  # the deferred response's ephemerality, once deferred
        deferring: asyncio.Task[bool] | None = None

        def defer() -> None:  # the command is still running after defer_after seconds
            nonlocal deferred, deferring
            if not interaction.response.is_done():
                deferred = private and not _is_private(interaction)
                deferring = asyncio.create_task(self._defer(interaction, request, deferred))

        # A timer, not a task and a wait per command: most commands answer well within
        # defer_after, and then this costs one timer handle.
        timer = asyncio.get_running_loop().call_later(self.defer_after, defer)
        try:
            replies = await self.app.dispatcher.handle(request, admission=admission)
        except asyncio.CancelledError:
            if deferring is not None:
                deferring.cancel()
            raise
        finally:
            timer.cancel()
        if deferring is not None and not await deferring:
            return  # Only the reply is lost: the command itself has completed.
        if not replies:  # dropped (a flood past its notice); Discord still needs an answer
            replies = [await self.app.dispatcher.flood_notice(
                self.platform, request.user_id, request.command, request.locale)]
        messages = self.messages(interaction, request, replies)
        if any(m.files for m in messages) and not interaction.response.is_done():
            deferred = messages[0].ephemeral  # uploads may be slow: acknowledge first
            if not await self._defer(interaction, request, deferred):
                return
        try:
            await self._send(interaction, messages, deferred)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_INTERACTION:
                raise
            # Answered too late (the token expired): the command ran, the reply is lost.
            log.warning("discord: interaction %s (/%s) expired before its reply: %s",
                        interaction.id, request.command, exc)

    async def _defer(self, interaction: discord.Interaction[Any], request: Request,
                     ephemeral: bool) -> bool:
        """Acknowledge with "thinking…"; False if Discord refused (10062 Unknown interaction:
        the 3-second window was missed), in which case no reply can be sent at all."""
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except (discord.HTTPException, discord.RateLimited, aiohttp.ClientError) as exc:
            log.warning("discord: interaction %s (/%s) could not be deferred (%s); the command "
                        "runs, its reply is lost", interaction.id, request.command, exc)
            return False
        return True

    def messages(self, interaction: discord.Interaction[Any], request: Request,
                 replies: list[Reply]) -> list[Outgoing]:
        in_chat = not _is_private(interaction)
        names = self.names(interaction.locale.value)  # the menu this user sees
        out: list[Outgoing] = []
        for reply in replies:
            view = None
            if reply.actions:
                view = ActionView(reply.actions, owner_id=interaction.user.id,
                                  on_press=self._pressed, on_error=self.failed,
                                  on_expired=self._expired, admit=self._admit_press,
                                  timeout=self.view_timeout)
            out += to_messages(
                self.app.renderer, reply, title=f"/{request.command}",
                footer=f"Creator Advisor · /help {request.command}",
                ephemeral=in_chat and reply.visibility is Visibility.PRIVATE, names=names,
                view=view,
            )
        return out

    async def _send(self, interaction: discord.Interaction[Any], messages: list[Outgoing],
                    deferred: bool | None) -> None:
        for index, message in enumerate(messages):
            edit: Callable[[ActionView], Awaitable[object]]
            responded = not interaction.response.is_done()
            if responded:
                await interaction.response.send_message(**message.kwargs())

                async def edit(view: ActionView) -> object:
                    return await interaction.edit_original_response(view=view)
            else:
                if index == 0 and deferred is not None and deferred != message.ephemeral:
                    # The "thinking…" message has the wrong visibility for this reply.
                    await interaction.delete_original_response()
                sent = await interaction.followup.send(wait=True, **message.kwargs())

                async def edit(view: ActionView, sent: discord.WebhookMessage = sent) -> object:
                    return await sent.edit(view=view)
            if message.view is not None and (responded or message.view.buttons()):
                # (as discord.py did: a followup's view with only link buttons was not kept)
                message.view.edit_message = edit
                self._register(message.view)

    async def failed(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        """An exception while answering: one log line, an ephemeral apology, stay connected."""
        if isinstance(error, app_commands.CommandNotFound):  # removed, not yet unsynced
            log.warning("discord: interaction %s for unknown command /%s", interaction.id,
                        error.name)
            reply = error_reply("unknown_command", command=error.name, commands=[])
        else:
            original = error.original if isinstance(error, app_commands.CommandInvokeError) \
                else error
            name = interaction.command.name if interaction.command else "button"
            log.error("discord: interaction %s (/%s) failed: %s: %s", interaction.id, name,
                      type(original).__name__, original, exc_info=original)
            reply = error_reply("internal", command=name)
        # In the person's /settings language, else their Discord client's.
        reply = dataclasses.replace(reply, locale=await self.app.dispatcher.language(
            self.platform, str(interaction.user.id), interaction.locale.value))
        text = localise_commands(self.app.renderer.render(reply, Format.DISCORD_MD),
                                 self.names(interaction.locale.value))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(text, ephemeral=True,
                                                        allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, discord.RateLimited, aiohttp.ClientError):
            log.warning("discord: could not apologise for interaction %s", interaction.id)

    # -- weekly posts (Deliverer) ---------------------------------------------------------

    @property
    def deliverer(self) -> Deliverer:
        return self

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        """Post ``reply`` in a channel once; the nonce (from ``key``) lets Discord drop a
        duplicate of the same message."""
        channel: discord.abc.Messageable = self.client.get_partial_messageable(
            int(destination.chat_id))
        # Readers of a channel each see their own menu; the post quotes the commands in the
        # names of the language it is written in.
        messages = to_messages(self.app.renderer, reply, title="Creator Advisor",
                               footer="Creator Advisor · weekly tip · /subscriptions",
                               ephemeral=False, names=self.names(reply.locale or i18n.current()))
        try:
            if destination.chat_kind == "user":  # a person, by user id: their DM channel
                channel = await self.client.create_dm(discord.Object(id=int(destination.chat_id)))
            for index, message in enumerate(messages):
                nonce = hashlib.sha256(f"{key}:{index}".encode()).hexdigest()[:25]
                await channel.send(content=message.content, embeds=message.embeds,
                                   files=message.files, allowed_mentions=NO_MENTIONS,
                                   nonce=nonce)
        except discord.Forbidden as exc:
            if exc.code in (MISSING_ACCESS, MISSING_PERMISSIONS):  # an admin can fix it
                return DeliveryResult(DeliveryStatus.PAUSED, _refusal(exc))
            return DeliveryResult(DeliveryStatus.GONE, f"{exc.status} {exc.code}: {exc.text}")
        except discord.NotFound as exc:  # Unknown Channel
            return DeliveryResult(DeliveryStatus.GONE, f"{exc.status} {exc.code}: {exc.text}")
        except discord.RateLimited as exc:  # longer than discord.py waits itself
            return DeliveryResult(DeliveryStatus.RETRY_AFTER, "rate limited", exc.retry_after)
        except KeyError as exc:
            if exc.args != ("retry_after",):
                raise
            # A 429 whose body names no wait (discord.py reads data['retry_after']).
            return DeliveryResult(DeliveryStatus.RETRY_AFTER, "429 without retry_after")
        except discord.HTTPException as exc:
            if exc.status == 429:  # an edge's 429 (HTML, no Via), or 429s to the last retry
                return DeliveryResult(DeliveryStatus.RETRY_AFTER, f"429: {exc.text[:200]}",
                                      _retry_after_header(exc))
            if isinstance(exc, discord.DiscordServerError):  # not sent
                return DeliveryResult(DeliveryStatus.TRANSIENT, f"{type(exc).__name__}: {exc}")
            return DeliveryResult(DeliveryStatus.UNKNOWN, f"{type(exc).__name__}: {exc}")
        except aiohttp.ClientConnectorError as exc:  # not sent
            return DeliveryResult(DeliveryStatus.TRANSIENT, f"{type(exc).__name__}: {exc}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return DeliveryResult(DeliveryStatus.UNKNOWN, f"{type(exc).__name__}: {exc}")
        return DeliveryResult(DeliveryStatus.SENT)


_THREADS = frozenset({discord.ChannelType.public_thread, discord.ChannelType.private_thread,
                      discord.ChannelType.news_thread})


NO_ACCESS = N_("I'm missing access to that channel")
NO_PERMISSION = N_("I'm missing a permission there (View Channel, Send Messages, Embed Links)")


def _refusal(exc: discord.Forbidden) -> str:
    """A permission refusal as an admin reads it in /subscriptions."""
    what = NO_ACCESS if exc.code == MISSING_ACCESS else NO_PERMISSION
    return f"{what} ({exc.code} {exc.text})"  # stored in English; shown with |stored


def _retry_after_header(exc: discord.HTTPException) -> float:
    """The seconds a 429's ``Retry-After`` header asks for; 0 when it names none."""
    try:
        return max(0.0, float(exc.response.headers.get("Retry-After", 0)))
    except (TypeError, ValueError):
        return 0.0


def _cannot_post(interaction: discord.Interaction[Any]) -> str | None:
    """Why the bot could not post in the interaction's server channel, or None if it can:
    an app installed on a user's account in a server it was not added to, or a permission the
    channel denies it (``app_permissions``, overwrites included)."""
    if interaction.guild_id is None:
        return None
    if interaction.is_user_integration() and not interaction.is_guild_integration():
        return lazy("I'm installed on your account, not in this server, so I can't post in "
                    "its channels; a server admin can add me to the server")
    permissions = interaction.app_permissions
    in_thread = getattr(interaction.channel, "type", None) in _THREADS
    # Permission names as Discord's settings show them in English (a server admin looks
    # them up); the sentence around them is translated.
    needed = (("View Channel", permissions.view_channel),
              ("Send Messages in Threads" if in_thread else "Send Messages",
               permissions.send_messages_in_threads if in_thread else permissions.send_messages),
              ("Embed Links", permissions.embed_links))
    missing = [name for name, granted in needed if not granted]
    if not missing:
        return None
    # A lazy message: translated in the creator's language when the reply is rendered.
    if len(missing) == 1:
        return lazy("I'm missing the %(names)s permission in this channel", names=missing[0])
    return lazy("I'm missing the %(names)s permissions in this channel",
                names=" and ".join(missing))  # Discord's English names, as in its settings


def _is_private(interaction: discord.Interaction[Any]) -> bool:
    """A DM with the bot (not a server channel, not a group DM)."""
    if interaction.guild_id is not None:
        return False
    channel = interaction.channel
    return channel is None or channel.type is discord.ChannelType.private
