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
  ``Visibility.PRIVATE`` is ephemeral in servers. The first message is the interaction response
  when the dispatcher answers within ``defer_after`` seconds and it carries no file; otherwise
  the interaction is deferred and every message is a followup.
- Gateway, reconnects, resumes and 429s are discord.py's job.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord_commands import (
    FILE_OPTION,
    MAX_FILE_BYTES,
    build_commands,
    commands_payload,
    payload_hash,
    raw_args,
)
from bot.adapters.discord_replies import NO_MENTIONS, ActionView, Outgoing, to_messages
from bot.core.args import split_command
from bot.core.dispatcher import error_reply
from bot.core.ports import (
    AdapterStartError,
    Deliverer,
    DeliveryResult,
    DeliveryStatus,
    Destination,
)
from bot.core.registry import CommandSpec
from bot.core.types import Action, Attachment, ChatKind, Platform, Reply, Request, Visibility
from bot.render.formats import Format
from bot.runtime import App

log = logging.getLogger(__name__)

HASH_FILE = "discord_commands.sha256"


class _Client(discord.Client):
    """Minimal intents (guilds only: slash commands need no message content)."""

    def __init__(self, adapter: DiscordAdapter, *, guild_ready_timeout: float) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS,
                         guild_ready_timeout=guild_ready_timeout)
        self.adapter = adapter

    async def setup_hook(self) -> None:  # once per start, after login, before the gateway
        await self.adapter.prepare()

    async def on_ready(self) -> None:  # after every new session: only signals, never syncs
        self.adapter.ready.set()


class _Tree(app_commands.CommandTree[_Client]):
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
                 ready_timeout: float = 60.0, guild_ready_timeout: float = 2.0) -> None:
        self.app = app
        self.settings = app.settings
        self.defer_after = defer_after  # Discord's window is 3 s; keep a margin for the network
        self.view_timeout = view_timeout  # under the 15 minutes an interaction token lives
        self.ready_timeout = ready_timeout
        # guild_ready_timeout: how long discord.py waits for more GUILD_CREATEs before ready.
        self._guild_ready_timeout = guild_ready_timeout
        self._build_client()
        self.ready = asyncio.Event()
        self.synced = False  # whether this start sent the commands to Discord
        self._task: asyncio.Task[None] | None = None
        self._views: weakref.WeakSet[ActionView] = weakref.WeakSet()
        self._saved_urls: tuple[str, yarl.URL] | None = None

    def _build_client(self) -> None:
        self.client = _Client(self, guild_ready_timeout=self._guild_ready_timeout)
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
        self._task = asyncio.create_task(self.client.start(token.get_secret_value()),
                                         name="discord-client")
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
        log.info("discord: connected as %s with %d slash commands", self.client.user,
                 len(self.tree.get_commands()))

    async def stop(self) -> None:
        for view in list(self._views):
            view.stop()
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
        if self.settings.discord_api_url:
            # A non-default API serves its own gateway: take it from GET /gateway/bot.
            _, gateway, _ = await self.client.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        self.synced = await self.sync_commands()

    # -- command sync ---------------------------------------------------------------------

    @property
    def hash_path(self) -> Path:
        return self.settings.data_dir / HASH_FILE

    async def sync_commands(self) -> bool:
        """Send the commands to Discord when needed; True if they were sent."""
        guild_id = self.settings.discord_guild_id
        try:
            if guild_id is not None:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("discord: %d slash commands synced to server %s", len(synced), guild_id)
                return True
            digest = payload_hash(commands_payload(self.tree), self.client.application_id)
            if await asyncio.to_thread(self._read_hash) == digest:
                log.info("discord: slash commands unchanged since the last sync")
                return False
            synced = await self.tree.sync()
            await asyncio.to_thread(self._write_hash, digest)
            log.info("discord: %d slash commands synced globally (up to an hour to show)",
                     len(synced))
            return True
        except discord.HTTPException:
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

    async def _slash(self, interaction: discord.Interaction[Any], spec: CommandSpec,
                     values: dict[str, Any]) -> None:
        file = values.pop(FILE_OPTION, None)
        request = self.request(interaction, spec.name, raw_args(spec, values))
        if isinstance(file, discord.Attachment):
            if file.size > MAX_FILE_BYTES:
                await interaction.response.send_message(
                    f"That file is too large (over {MAX_FILE_BYTES // 1_000_000} MB).",
                    ephemeral=True, allowed_mentions=NO_MENTIONS)
                return
            data = await file.read()
            request = dataclasses.replace(request, attachments=(
                Attachment(file.filename, file.content_type or "application/octet-stream",
                           data),))
        # The visibility a deferral guesses before the replies exist, as the dispatcher
        # defaults it: personal commands answer privately unless shared on purpose.
        await self._answer(interaction, request, private=spec.personal and not values.get("public"))

    async def _pressed(self, interaction: discord.Interaction[Any], action: Action) -> None:
        """A button: run its command line as the user who pressed it (checked by the view)."""
        parsed = split_command(action.command)
        if parsed is None:
            log.warning("discord: button %r has no command line: %r", action.label,
                        action.command)
            return
        await self._answer(interaction, self.request(interaction, *parsed), private=True)

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
        )

    async def _answer(self, interaction: discord.Interaction[Any], request: Request, *,
                      private: bool) -> None:
        deferred: bool | None = None  # the deferred response's ephemerality, once deferred
        handling = asyncio.create_task(self.app.dispatcher.handle(request))
        try:
            done, _ = await asyncio.wait({handling}, timeout=self.defer_after)
            if not done and not interaction.response.is_done():
                deferred = private and not _is_private(interaction)
                await interaction.response.defer(ephemeral=deferred, thinking=True)
            replies = await handling
        finally:
            handling.cancel()  # only if we were cancelled ourselves
        messages = self.messages(interaction, request, replies)
        if any(m.files for m in messages) and not interaction.response.is_done():
            deferred = messages[0].ephemeral  # uploads may be slow: acknowledge first
            await interaction.response.defer(ephemeral=deferred, thinking=True)
        await self._send(interaction, messages, deferred)

    def messages(self, interaction: discord.Interaction[Any], request: Request,
                 replies: list[Reply]) -> list[Outgoing]:
        in_chat = not _is_private(interaction)
        out: list[Outgoing] = []
        for reply in replies:
            view = None
            if reply.actions:
                view = ActionView(reply.actions, owner_id=interaction.user.id,
                                  on_press=self._pressed, on_error=self.failed,
                                  timeout=self.view_timeout)
            out += to_messages(
                self.app.renderer, reply, title=f"/{request.command}",
                footer=f"Creator Advisor · /help {request.command}",
                ephemeral=in_chat and reply.visibility is Visibility.PRIVATE, view=view,
            )
        return out

    async def _send(self, interaction: discord.Interaction[Any], messages: list[Outgoing],
                    deferred: bool | None) -> None:
        for index, message in enumerate(messages):
            edit: Callable[[ActionView], Awaitable[object]]
            if not interaction.response.is_done():
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
            if message.view is not None:
                message.view.edit_message = edit
                self._views.add(message.view)

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
        text = self.app.renderer.render(reply, Format.DISCORD_MD)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(text, ephemeral=True,
                                                        allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, aiohttp.ClientError):
            log.warning("discord: could not apologise for interaction %s", interaction.id)

    # -- weekly posts (Deliverer) ---------------------------------------------------------

    @property
    def deliverer(self) -> Deliverer:
        return self

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        """Post ``reply`` in a channel once; the nonce (from ``key``) lets Discord drop a
        duplicate of the same message."""
        channel = self.client.get_partial_messageable(int(destination.chat_id))
        messages = to_messages(self.app.renderer, reply, title="Creator Advisor",
                               footer="Creator Advisor · weekly tip · /subscriptions",
                               ephemeral=False)
        try:
            for index, message in enumerate(messages):
                nonce = hashlib.sha256(f"{key}:{index}".encode()).hexdigest()[:25]
                await channel.send(content=message.content, embeds=message.embeds,
                                   files=message.files, allowed_mentions=NO_MENTIONS,
                                   nonce=nonce)
        except (discord.NotFound, discord.Forbidden) as exc:  # Unknown Channel, Missing Access
            return DeliveryResult(DeliveryStatus.GONE, f"{exc.status} {exc.code}: {exc.text}")
        except discord.RateLimited as exc:
            return DeliveryResult(DeliveryStatus.RETRY_AFTER, "rate limited", exc.retry_after)
        except (discord.DiscordServerError, aiohttp.ClientConnectorError) as exc:  # not sent
            return DeliveryResult(DeliveryStatus.TRANSIENT, f"{type(exc).__name__}: {exc}")
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            return DeliveryResult(DeliveryStatus.UNKNOWN, f"{type(exc).__name__}: {exc}")
        return DeliveryResult(DeliveryStatus.SENT)


def _is_private(interaction: discord.Interaction[Any]) -> bool:
    """A DM with the bot (not a server channel, not a group DM)."""
    if interaction.guild_id is not None:
        return False
    channel = interaction.channel
    return channel is None or channel.type is discord.ChannelType.private
