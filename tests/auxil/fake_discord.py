"""A fake Discord on 127.0.0.1 for the real discord.py client: REST under ``/api/v10`` and a
websocket gateway (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeat ACK, RESUME → RESUMED).

Tests dispatch ``INTERACTION_CREATE`` payloads built by :meth:`FakeDiscord.slash`,
:meth:`FakeDiscord.press` and :meth:`FakeDiscord.autocomplete`, then read back what the bot
sent (:class:`Sent`: interaction callbacks, followups, edits, channel messages). Every REST call
is recorded; :meth:`FakeDiscord.rate_limit` answers chosen routes with 429s first, in the shapes
Discord and its edge send (JSON, global, an HTML page without ``Via``, no ``retry_after``);
:meth:`FakeDiscord.refuse_callback` answers an interaction's callback with an error (10062);
:meth:`FakeDiscord.press_unknown` presses a button no running view knows (after a restart);
``slash(app_permissions=…, user_install=True)`` builds interactions where the bot may not post.

Shards: ``FakeDiscord(shards=2)`` recommends two shards in ``GET /gateway/bot`` and serves two
servers, one on each shard (``(guild_id >> 22) % shard_count``, as Discord routes them). An
IDENTIFY names its ``[shard_id, shard_count]``; too few shards for the recommendation is closed
with 4011 (sharding required), a shard id past the count with 4010 (invalid shard). Each
session gets READY and GUILD_CREATE for its own servers only, and an interaction is dispatched
on the session of its server's shard (DMs: shard 0), waiting for it to (re)connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

API = "/api/v10"
APP_ID = 410000000000000001
BOT_ID = APP_ID
GUILD_ID = 420000000000000001
#: A second server, on shard 1 of 2 (``(id >> 22) % 2``), with its own channel.
SECOND_GUILD_ID = GUILD_ID + (1 << 22)
SECOND_CHANNEL_ID = 430000000000000011
CHANNEL_ID = 430000000000000001
DM_CHANNEL_ID = 430000000000000002
TIMESTAMP = "2026-11-02T09:00:00.000000+00:00"
EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)  # view, send, history, slash

#: Routes (below /api/v10) for :meth:`FakeDiscord.rate_limit`.
CALLBACK = "/interactions/{interaction_id}/{token}/callback"
FOLLOWUP = "/webhooks/{application_id}/{token}"
CHANNEL_MESSAGES = "/channels/{channel_id}/messages"

T = TypeVar("T")
CALL = web.RequestKey("call", "Call")


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None
          ) -> web.Response:
    """JSON with the bare content type discord.py checks for (no charset parameter)."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


#: 429s as Discord and its edge send them: a bucket's (JSON, ``Via`` header), the global limit,
#: Cloudflare's (an HTML page, no ``Via``: an IP ban for too many invalid requests), and a JSON
#: body that names no ``retry_after``.
RATE_LIMIT_SHAPES = ("bucket", "global", "cloudflare", "no_retry_after")


def _too_many(retry_after: float, shape: str) -> web.Response:
    if shape == "cloudflare":
        return web.Response(status=429, content_type="text/html",
                            text="<html><body>error code: 1015</body></html>",
                            headers={"Retry-After": str(int(retry_after))})
    headers = {"Via": "1.1 google", "Retry-After": str(retry_after),
               "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
               "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
               "X-RateLimit-Reset-After": f"{retry_after:.3f}",
               "X-RateLimit-Bucket": "fake-bucket", "X-RateLimit-Scope": "user"}
    body: dict[str, Any] = {"message": "You are being rate limited.",
                            "retry_after": retry_after, "global": shape == "global"}
    if shape == "global":
        headers = {"Via": "1.1 google", "Retry-After": str(retry_after),
                   "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
    if shape == "no_retry_after":
        del body["retry_after"]
        headers.pop("Retry-After")
    return _json(body, status=429, headers=headers)


def user(user_id: int = 500000000000000001, name: str = "maya", *,
         global_name: str | None = None) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "avatar": None,
            "global_name": global_name, "bot": False}


#: How long a test waits for something the bot should send: generous, because a first
#: /mediakit or chart imports matplotlib (seconds on a busy machine); a wait only ends early.
WAIT = 20.0


@dataclass
class Upload:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One REST request as the fake received it."""

    method: str
    route: str  # canonical, below /api/v10: "/interactions/{interaction_id}/{token}/callback"
    params: dict[str, str]
    query: dict[str, str]
    body: Any  # JSON body, or the payload_json of a multipart body
    files: list[Upload]
    status: int = 200


@dataclass
class Sent:
    """Something the bot showed (or prepared to show) in answer to an interaction or a post."""

    kind: str  # "response" | "defer" | "update" | "deferred_update" | "autocomplete"
    #            | "followup" | "edit" | "delete" | "channel"
    token: str | None  # the interaction token (None for channel messages)
    data: dict[str, Any]  # the message fields (content, embeds, flags, components, …)
    files: list[Upload] = field(default_factory=list)
    message_id: int | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.data.get("embeds") or [])

    @property
    def content(self) -> str:
        return str(self.data.get("content") or "")

    @property
    def text(self) -> str:
        """Content plus every embed's title, description and footer."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or "",
                      (embed.get("footer") or {}).get("text") or ""]
        return "\n".join(p for p in parts if p)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.data.get("components") or [] for c in row.get("components", [])]

    @property
    def is_message(self) -> bool:
        return self.kind in ("response", "followup", "channel")


class FakeDiscord:
    def __init__(self, token: str = "fake-token", *, shards: int = 1) -> None:
        self.token = token  # the only bot token GET /users/@me accepts
        self.shards = shards  # what GET /gateway/bot recommends (and requires at least)
        self.guild_ids = [GUILD_ID] if shards == 1 else [GUILD_ID, SECOND_GUILD_ID]
        self.shard_sockets: dict[int, web.WebSocketResponse] = {}  # live session per shard
        self._session_shards: dict[str, list[int]] = {}  # session id -> [shard, count]
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.command_puts: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_errors: dict[int, tuple[int, int, str]] = {}
        self.files: dict[str, bytes] = {}  # attachment id -> content, for file options
        self._server_errors: dict[tuple[str, str], int] = {}
        self.interactions: dict[str, dict[str, Any]] = {}  # by token
        self.originals: dict[str, int] = {}  # token -> id of the interaction's first message
        self._limits: dict[tuple[str, str], list[tuple[float, str]]] = {}
        self._refusals: dict[tuple[str, int], tuple[int, int, str]] = {}
        self.dms: dict[int, int] = {}  # user id -> DM channel id
        self._ids = itertools.count(600000000000000001)
        self._seq = 0
        self._ws: web.WebSocketResponse | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server ---------------------------------------------------------------------------

    async def start(self, sock: socket.socket | None = None) -> FakeDiscord:
        """Serve on 127.0.0.1 (a free port), or on ``sock``, a listening socket (the
        benchmarks' strict fakes pass one whose connections tell when requests arrived)."""
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get("/gateway", self._gateway)
        r.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        r.add_get(API + "/gateway/bot", self._gateway_bot)
        r.add_get(API + "/users/@me", self._me)
        r.add_get(API + "/oauth2/applications/@me", self._application)
        r.add_get(API + "/applications/@me", self._application)
        r.add_put(API + "/applications/{application_id}/commands", self._put_commands)
        r.add_put(API + "/applications/{application_id}/guilds/{guild_id}/commands",
                  self._put_commands)
        r.add_post(API + CALLBACK, self._callback)
        r.add_post(API + FOLLOWUP, self._followup)
        r.add_patch(API + FOLLOWUP + "/messages/{message_id}", self._edit)
        r.add_delete(API + FOLLOWUP + "/messages/{message_id}", self._delete)
        r.add_post(API + CHANNEL_MESSAGES, self._channel_message)
        r.add_post(API + "/users/@me/channels", self._open_dm)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site: web.BaseSite = (web.TCPSite(self._runner, "127.0.0.1", 0) if sock is None
                              else web.SockSite(self._runner, sock))
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": str(BOT_ID), "username": "Creator Advisor", "discriminator": "0",
                "avatar": None, "global_name": None, "bot": True, "flags": 0, "verified": True,
                "mfa_enabled": False}

    # -- waiting --------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()

    async def wait_for(self, probe: Callable[[], T], seconds: float = WAIT) -> T:
        """Wait until ``probe()`` is truthy (checked after every change); return its value."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    self._changed.clear()
                    value = probe()
                    if value:
                        return value
                    with contextlib.suppress(TimeoutError):  # and poll, just in case
                        await asyncio.wait_for(self._changed.wait(), timeout=0.2)
        except TimeoutError:
            raise AssertionError(f"timed out after {seconds} s waiting for {probe}") from None

    async def connected(self) -> None:
        await self.wait_for(lambda: self._ws is not None and not self._ws.closed)

    def for_token(self, token: str) -> list[Sent]:
        return [s for s in self.sent if s.token == token]

    async def answers(self, token: str, count: int = 1, *, settle: float = 0.05,
                      seconds: float = WAIT) -> list[Sent]:
        """The messages sent for an interaction, once at least ``count`` arrived (and no more
        came within ``settle`` seconds)."""
        def messages() -> list[Sent]:
            return [s for s in self.for_token(token) if s.is_message]

        await self.wait_for(lambda: len(messages()) >= count, seconds)
        while True:
            seen = len(self.for_token(token))
            await asyncio.sleep(settle)
            if len(self.for_token(token)) == seen:
                return messages()

    # -- gateway --------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11})
            elif op == 2:
                self.identifies.append(data)
                shard = list(data.get("shard") or [0, 1])
                if shard[1] < self.shards or not 0 <= shard[0] < shard[1]:
                    await ws.close(code=4011 if shard[1] < self.shards else 4010)
                    break
                self._ws = ws
                self.shard_sockets[shard[0]] = ws
                session = f"session-{len(self.identifies)}"
                self._session_shards[session] = shard
                mine = [g for g in self.guild_ids if (g >> 22) % shard[1] == shard[0]]
                await self._dispatch(ws, "READY", {
                    "v": 10, "user": self.bot_user, "session_id": session,
                    "resume_gateway_url": self.gateway_url, "guilds": [
                        {"id": str(g), "unavailable": True} for g in mine],
                    "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [],
                    "relationships": [], "shard": shard,
                })
                for guild_id in mine:
                    await self._dispatch(ws, "GUILD_CREATE", self.guild(guild_id))
            elif op == 6:
                self.resumes.append(data)
                self._ws = ws
                resumed = self._session_shards.get(str(data.get("session_id")), [0, 1])
                self.shard_sockets[resumed[0]] = ws
                await self._dispatch(ws, "RESUMED", {})
            self._notify()
        if self._ws is ws:
            self._ws = None
        for shard_id, live in list(self.shard_sockets.items()):
            if live is ws:
                del self.shard_sockets[shard_id]
        self._notify()
        return ws

    async def _dispatch(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the gateway connection the way Discord does when it wants a resume."""
        ws = self._ws
        assert ws is not None, "no gateway connection"
        self._ws = None
        await ws.close(code=code)
        self._notify()

    async def interact(self, payload: dict[str, Any], seconds: float = 5.0) -> str:
        """Dispatch INTERACTION_CREATE on the session of its server's shard (waiting up to
        ``seconds`` for one); return the interaction token."""
        if self.shards == 1 and not self.shard_sockets:
            await self.connected()
            ws = self._ws
        else:
            guild_id = int(payload.get("guild_id") or 0)
            count = self.shards
            sessions = list(self._session_shards.values())
            if sessions:
                count = sessions[-1][1]
            shard = (guild_id >> 22) % count if guild_id else 0
            ws = await self.wait_for(lambda: (live := self.shard_sockets.get(shard)) is not None
                                     and not live.closed and live, seconds)
        assert ws is not None
        self.interactions[payload["token"]] = payload
        await self._dispatch(ws, "INTERACTION_CREATE", payload)
        return str(payload["token"])

    def guild(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        return {
            "id": str(guild_id), "name": "Creators", "owner_id": "500000000000000999",
            "icon": None, "splash": None, "discovery_splash": None, "banner": None,
            "description": None, "features": [], "emojis": [], "stickers": [],
            "roles": [{"id": str(guild_id), "name": "@everyone", "permissions":
                       str(MEMBER_PERMISSIONS), "position": 0, "color": 0, "hoist": False,
                       "managed": False, "mentionable": False, "flags": 0}],
            "channels": [self.channel(guild_id)], "threads": [], "members": [],
            "voice_states": [],
            "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "member_count": 3, "large": False, "unavailable": False, "joined_at": TIMESTAMP,
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
            "system_channel_flags": 0, "preferred_locale": "en-US", "afk_timeout": 300,
            "afk_channel_id": None, "system_channel_id": None, "rules_channel_id": None,
            "public_updates_channel_id": None, "vanity_url_code": None,
            "application_id": None, "max_members": 500000, "premium_subscription_count": 0,
        }

    def channel(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        channel_id = CHANNEL_ID if guild_id == GUILD_ID else SECOND_CHANNEL_ID
        return {"id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": "general",
                "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None,
                "topic": None, "last_message_id": None, "rate_limit_per_user": 0}

    # -- interaction payloads -------------------------------------------------------------

    def _base(self, kind: int, who: dict[str, Any], guild: bool, admin: bool,
              locale: str, nick: str | None, app_permissions: int | None = None,
              user_install: bool = False, guild_id: int = GUILD_ID) -> dict[str, Any]:
        iid = next(self._ids)
        payload: dict[str, Any] = {
            "id": str(iid), "application_id": str(APP_ID), "type": kind, "version": 1,
            "token": f"token-{iid}", "locale": locale, "entitlements": [],
            "app_permissions": str(MEMBER_PERMISSIONS | (1 << 14) | (1 << 15)
                                   if app_permissions is None else app_permissions),
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild:
            perms = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
            channel = self.channel(guild_id)
            payload.update(
                guild_id=str(guild_id), channel_id=channel["id"], channel=channel,
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US", context=0,
                authorizing_integration_owners={"1": who["id"]} if user_install
                else {"0": str(guild_id)},
                member={"user": who, "roles": [], "joined_at": TIMESTAMP, "deaf": False,
                        "mute": False, "flags": 0, "nick": nick, "permissions": str(perms),
                        "avatar": None, "premium_since": None, "pending": False},
            )
        else:
            payload.update(
                channel_id=str(DM_CHANNEL_ID), user=who, context=1,
                channel={"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [who],
                         "last_message_id": None, "flags": 0},
                authorizing_integration_owners={"0": str(GUILD_ID)},
            )
        return payload

    def _command_data(self, name: str, options: list[dict[str, Any]], guild: bool
                      ) -> dict[str, Any]:
        data: dict[str, Any] = {"name": name, "type": 1, "options": options,
                                "id": str(APP_ID + 1)}
        for scope in ((GUILD_ID, None) if guild else (None,)):
            found = next((c for c in self.commands.get(scope, []) if c["name"] == name), None)
            if found is not None:
                data["id"] = found["id"]
                if scope is not None:
                    data["guild_id"] = str(scope)
                break
        return data

    def slash(self, name: str, options: dict[str, str | bool] | None = None, *,
              who: dict[str, Any] | None = None, guild: bool = True, admin: bool = False,
              locale: str = "en-US", nick: str | None = None,
              file: tuple[str, bytes] | None = None, app_permissions: int | None = None,
              user_install: bool = False, guild_id: int = GUILD_ID) -> dict[str, Any]:
        """An application-command interaction: ``/name option:value …`` (and a file option,
        served by this fake at its attachment URL). ``app_permissions``: what the bot may do in
        the channel; ``user_install``: the app is installed on the user's account, not in the
        server; ``guild_id``: which server (:data:`SECOND_GUILD_ID` is on shard 1 of 2)."""
        payload = self._base(2, who or user(), guild, admin, locale, nick, app_permissions,
                             user_install, guild_id)
        opts = [{"name": k, "type": 5 if isinstance(v, bool) else 3, "value": v}
                for k, v in (options or {}).items()]
        resolved = None
        if file is not None:
            attachment_id = str(next(self._ids))
            filename, data = file
            self.files[attachment_id] = data
            url = f"{self.api_url.rsplit('/api/', 1)[0]}/attachments/{attachment_id}/{filename}"
            opts.append({"name": "file", "type": 11, "value": attachment_id})
            resolved = {"attachments": {attachment_id: {
                "id": attachment_id, "filename": filename, "size": len(data), "url": url,
                "proxy_url": url, "content_type": "text/csv"}}}
        payload["data"] = self._command_data(name, opts, guild)
        if resolved is not None:
            payload["data"]["resolved"] = resolved
        return payload

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["attachment_id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="text/csv")

    def autocomplete(self, name: str, option: str, typed: str, *, guild: bool = True
                     ) -> dict[str, Any]:
        payload = self._base(4, user(), guild, False, "en-US", None)
        payload["data"] = self._command_data(
            name, [{"name": option, "type": 3, "value": typed, "focused": True}], guild)
        return payload

    def press(self, sent: Sent, label: str, *, who: dict[str, Any] | None = None,
              guild: bool = True) -> dict[str, Any]:
        """A button press on a message the bot sent."""
        button = next(b for b in sent.buttons if b.get("label") == label)
        assert sent.message_id is not None
        payload = self._base(3, who or user(), guild, False, "en-US", None)
        payload["data"] = {"custom_id": button["custom_id"], "component_type": 2}
        payload["message"] = self.messages[sent.message_id]
        return payload

    def press_unknown(self, custom_id: str = "a1b2c3d4e5f60718293a4b5c6d7e8f90", *,
                      who: dict[str, Any] | None = None) -> dict[str, Any]:
        """A press on a button of an older message that no running view knows (the bot
        restarted since it was sent)."""
        message = self._message({"embeds": [{"description": "Delete everything?"}],
                                 "components": [{"type": 1, "components": [
                                     {"type": 2, "style": 4, "label": "Delete everything",
                                      "custom_id": custom_id}]}]}, CHANNEL_ID)
        payload = self._base(3, who or user(), True, False, "en-US", None)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = message
        return payload

    def refuse_callback(self, token: str, *, kind: int = 5, status: int = 404,
                        code: int = 10062, message: str = "Unknown interaction") -> None:
        """Answer the interaction's callback of ``kind`` (5: a deferral) with an error."""
        self._refusals[(token, kind)] = (status, code, message)

    # -- REST -----------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)  # type: ignore[no-any-return]
        body: Any = None
        files: list[Upload] = []
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part is None or not hasattr(part, "filename"):
                    continue
                data = await part.read()  # type: ignore[union-attr]
                name = part.name or ""
                if name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append(Upload(name, part.filename or "",
                                        part.headers.get("Content-Type", ""), bytes(data)))
        elif request.can_read_body:
            body = await request.json()
        resource = request.match_info.route.resource
        route = resource.canonical[len(API):] if resource is not None else request.path
        call = Call(request.method, route, dict(request.match_info), dict(request.query), body,
                    files)
        self.calls.append(call)
        request[CALL] = call
        if self._server_errors.get((request.method, route)):
            self._server_errors[(request.method, route)] -= 1
            call.status = 500
            self._notify()
            return _json({"message": "500: Internal Server Error", "code": 0}, status=500)
        pending = self._limits.get((request.method, route))
        if pending:
            retry_after, shape = pending.pop(0)
            call.status = 429
            self._notify()
            return _too_many(retry_after, shape)
        response: web.StreamResponse = await handler(request)
        call.status = response.status
        self._notify()
        return response

    def server_error(self, method: str, route: str, *, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``route`` with a 500 (nothing is recorded)."""
        key = (method, route)
        self._server_errors[key] = self._server_errors.get(key, 0) + times

    def rate_limit(self, method: str, route: str, *, times: int = 1,
                   retry_after: float = 0.1, shape: str = "bucket") -> None:
        """Answer the next ``times`` calls to ``route`` with a 429 asking to retry after
        ``retry_after`` seconds, shaped as one of :data:`RATE_LIMIT_SHAPES`."""
        assert shape in RATE_LIMIT_SHAPES, shape
        self._limits.setdefault((method, route), []).extend([(retry_after, shape)] * times)

    def calls_to(self, method: str, route: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.route == route]

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": self.shards, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _me(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return _json(self.bot_user)

    async def _application(self, request: web.Request) -> web.Response:
        owner = user(500000000000000999, "owner")
        return _json({
            "id": str(APP_ID), "name": "Creator Advisor", "icon": None, "description": "",
            "rpc_origins": [], "bot_public": True, "bot_require_code_grant": False,
            "owner": owner, "verify_key": "0" * 64, "flags": 0, "team": None,
            "summary": "", "bot": self.bot_user, "interactions_endpoint_url": None,
        })

    async def _put_commands(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        guild = int(call.params["guild_id"]) if "guild_id" in call.params else None
        payload = list(call.body)
        self.command_puts.append((guild, payload))
        stored = [{**c, "id": str(next(self._ids)), "application_id": str(APP_ID),
                   "version": "1", **({"guild_id": str(guild)} if guild else {})}
                  for c in payload]
        self.commands[guild] = stored
        return _json(stored)

    def _message(self, data: dict[str, Any], channel_id: int, *,
                 message_id: int | None = None) -> dict[str, Any]:
        mid = message_id or next(self._ids)
        message = {
            "id": str(mid), "channel_id": str(channel_id), "author": self.bot_user,
            "content": data.get("content") or "", "timestamp": TIMESTAMP,
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": data.get("embeds") or [],
            "pinned": False, "type": 0, "flags": int(data.get("flags") or 0),
            "components": data.get("components") or [], "application_id": str(APP_ID),
            "webhook_id": str(APP_ID),
        }
        if "guild_id" in data:
            message["guild_id"] = data["guild_id"]
        self.messages[mid] = message
        return message

    def _channel_of(self, token: str) -> int:
        interaction = self.interactions.get(token, {})
        return int(interaction.get("channel_id") or CHANNEL_ID)

    async def _callback(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        token, iid = call.params["token"], call.params["interaction_id"]
        kind = int(call.body["type"])
        refused = self._refusals.pop((token, kind), None)
        if refused is not None:
            status, code, message = refused
            call.status = status
            return _json({"message": message, "code": code}, status=status)
        data = dict(call.body.get("data") or {})
        names = {4: "response", 5: "defer", 6: "deferred_update", 7: "update",
                 8: "autocomplete"}
        interaction = self.interactions.get(token, {})
        meta: dict[str, Any] = {"id": iid, "type": interaction.get("type", 2),
                                "response_message_loading": kind == 5,
                                "response_message_ephemeral": bool(
                                    int(data.get("flags") or 0) & EPHEMERAL)}
        answer: dict[str, Any] = {"interaction": meta}
        message_id = None
        if kind in (4, 5):
            message = self._message(data, self._channel_of(token))
            message_id = int(message["id"])
            self.originals[token] = message_id
            meta["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        elif kind == 7:
            original = interaction.get("message", {})
            message_id = int(original.get("id", 0)) or None
            merged = {**original, **data}
            if message_id is not None:
                self.messages[message_id] = merged
            answer["resource"] = {"type": kind, "message": merged}
        self.sent.append(Sent(names.get(kind, str(kind)), token, data, call.files, message_id))
        return _json(answer)

    async def _followup(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        token = call.params["token"]
        message = self._message(call.body or {}, self._channel_of(token))
        self.sent.append(Sent("followup", token, dict(call.body or {}), call.files,
                              int(message["id"])))
        return _json(message)

    def _target(self, token: str, message_id: str) -> int:
        if message_id == "@original":
            return self.originals[token]
        return int(message_id)

    async def _edit(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        token = call.params["token"]
        target = self._target(token, call.params["message_id"])
        message = {**self.messages.get(target, self._message({}, CHANNEL_ID, message_id=target)),
                   **(call.body or {})}
        self.messages[target] = message
        self.sent.append(Sent("edit", token, dict(call.body or {}), call.files, target))
        return _json(message)

    async def _delete(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        token = call.params["token"]
        target = self._target(token, call.params["message_id"])
        self.messages.pop(target, None)
        self.sent.append(Sent("delete", token, {}, [], target))
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        recipient = int(call.body["recipient_id"])
        channel_id = self.dms.setdefault(recipient, next(self._ids))
        return _json({"id": str(channel_id), "type": 1, "last_message_id": None, "flags": 0,
                      "recipients": [user(recipient)]})

    async def _channel_message(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        channel_id = int(call.params["channel_id"])
        if channel_id in self.channel_errors:
            status, code, text = self.channel_errors[channel_id]
            return _json({"code": code, "message": text}, status=status)
        message = self._message(call.body or {}, channel_id)
        self.sent.append(Sent("channel", None, dict(call.body or {}), call.files,
                              int(message["id"])))
        return _json(message)
