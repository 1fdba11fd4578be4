"""A loopback fake of TikTok's Login Kit (authorize, token, refresh, revoke) and Display API
(``/v2/user/info/``, ``/v2/video/list/``), strict where the real one is strict.

* ``/v2/auth/authorize/`` answers like a creator pressing Allow (or Deny, ``consent="deny"``):
  a 302 to the redirect URI with ``code`` and ``state`` (or ``error=access_denied``).
* ``/v2/oauth/token/`` checks the client key and secret, the redirect URI the code was issued
  for, that the code is unused, and the PKCE S256 challenge against ``code_verifier``. Refresh
  tokens rotate: the old one stops working. Access tokens expire (``expire_access_tokens``).
* ``fail(path, …)`` scripts 429s, 5xx and malformed JSON for the next calls to a path.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

FORM = web.RequestKey("form", dict)
BODY = web.RequestKey("body", object)
CLIENT_KEY = "fake-client-key"
SCOPES = "user.info.basic,user.info.stats,video.list"
CLIENT_SECRET = "fake-client-secret-0123456789"


@dataclass
class Video:
    id: str
    create_time: int
    duration: int
    title: str
    share_url: str
    view_count: int
    like_count: int
    comment_count: int
    share_count: int


@dataclass
class Account:
    open_id: str = "open-id-maya"
    display_name: str = "maya.makes"
    follower_count: int = 12_345
    following_count: int = 210
    likes_count: int = 456_789
    videos: list[Video] = field(default_factory=list)  # newest first

    @property
    def video_count(self) -> int:
        return len(self.videos)


@dataclass
class Fault:
    status: int = 500
    body: bytes | None = None
    retry_after: str | None = None
    times: int = 1
    after: int = 0  # let this many calls through first


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    body: Any
    authorization: str | None
    status: int = 0


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def videos(count: int, *, newest: int, every: int = 86_400, views: int = 1_000) -> list[Video]:
    """``count`` videos, newest first, one every ``every`` seconds back from ``newest``."""
    return [Video(id=f"v{count - i:04d}", create_time=newest - i * every, duration=30 + i % 40,
                  title=f"Video {count - i}",
                  share_url=f"https://www.tiktok.com/@maya.makes/video/{count - i:04d}",
                  view_count=views * (i + 1),
                  like_count=views * (i + 1) // 10, comment_count=i + 3, share_count=i + 1)
            for i in range(count)]


class FakeTikTok:
    def __init__(self, *, redirect_uri: str = "", access_ttl: int = 86_400,
                 refresh_ttl: int = 31_536_000) -> None:
        self.account = Account()
        self.redirect_uri = redirect_uri
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.consent = "allow"
        #: Scopes the creator leaves ticked on the consent page (None: all that were asked).
        self.granted: str | None = None
        self.scopes: dict[str, set[str]] = {}  # access token -> its scopes
        self.calls: list[Call] = []
        self.codes: dict[str, dict[str, str]] = {}
        self.used_codes: set[str] = set()
        self.access_tokens: dict[str, str] = {}  # token -> open_id (valid ones)
        self.refresh_tokens: dict[str, str] = {}  # token -> open_id (valid ones)
        self.issued: list[str] = []  # every token and code ever issued (for log checks)
        self.revoked: list[str] = []
        self.faults: dict[str, list[Fault]] = {}
        self.delays: dict[str, float] = {}  # path -> seconds before answering
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- control ----------------------------------------------------------------------------

    def fail(self, path: str, status: int = 500, *, times: int = 1, body: bytes | None = None,
             retry_after: str | None = None, after: int = 0) -> None:
        """The next ``times`` calls to ``path`` (after ``after`` good ones) answer ``status``
        with ``body`` (default: a JSON error)."""
        self.faults.setdefault(path, []).append(Fault(status, body, retry_after, times, after))

    def expire_access_tokens(self) -> None:
        self.access_tokens.clear()

    def withdraw_consent(self) -> None:
        """The creator removed the app in TikTok's settings: every token stops working."""
        self.access_tokens.clear()
        self.refresh_tokens.clear()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth_url(self) -> str:
        return f"{self.base_url}/v2/auth/authorize/"

    def named(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # -- server -----------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTikTok:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/v2/auth/authorize/", self._authorize)
        app.router.add_post("/v2/oauth/token/", self._token)
        app.router.add_post("/v2/oauth/revoke/", self._revoke)
        app.router.add_get("/v2/user/info/", self._user_info)
        app.router.add_post("/v2/video/list/", self._video_list)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        form: dict[str, str] = {}
        body: Any = None
        if request.method == "POST":
            if request.content_type == "application/x-www-form-urlencoded":
                form = {k: str(v) for k, v in (await request.post()).items()}
            elif request.can_read_body:
                body = json.loads(await request.read())
        call = Call(request.method, request.path, dict(request.query), form, body,
                    request.headers.get("Authorization"))
        self.calls.append(call)
        if request.path in self.delays:
            await asyncio.sleep(self.delays[request.path])
        queue = self.faults.get(request.path)
        if queue and queue[0].after > 0:
            queue[0].after -= 1
        elif queue:
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            call.status = fault.status
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return web.Response(status=fault.status, body=fault.body or b'{"error": "x"}',
                                headers=headers, content_type="application/json")
        request[FORM], request[BODY] = form, body
        response = await handler(request)
        call.status = response.status
        return response  # type: ignore[no-any-return]

    # -- OAuth ------------------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        problems = []
        if q.get("client_key") != CLIENT_KEY:
            problems.append("client_key")
        if q.get("response_type") != "code":
            problems.append("response_type")
        if q.get("redirect_uri") != self.redirect_uri:
            problems.append("redirect_uri")
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            problems.append("code_challenge")
        if set(q.get("scope", "").split(",")) != {"user.info.basic", "user.info.stats",
                                                  "video.list"}:
            problems.append("scope")
        if problems:
            return web.Response(status=400, text="bad authorize request: " + ",".join(problems))
        target = q["redirect_uri"]
        if self.consent == "deny":
            query = {"error": "access_denied", "error_description": "The user denied",
                     "state": q.get("state", "")}
        else:
            code = "code-" + secrets.token_urlsafe(16)
            self.issued.append(code)
            scope = q["scope"] if self.granted is None else self.granted
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": target,
                                "scope": scope}
            query = {"code": code, "scopes": scope, "state": q.get("state", "")}
        raise web.HTTPFound(f"{target}?{urlencode(query)}")

    def _oauth_error(self, error: str, description: str) -> web.Response:
        return web.json_response({"error": error, "error_description": description,
                                  "log_id": "fake"}, status=400)

    def _issue(self, open_id: str, scope: str) -> web.Response:
        access = "act." + secrets.token_urlsafe(24)
        refresh = "rft." + secrets.token_urlsafe(24)
        self.access_tokens[access] = open_id
        self.refresh_tokens[refresh] = open_id
        self.scopes[access] = set(scope.split(","))
        self.issued += [access, refresh]
        return web.json_response({
            "access_token": access, "expires_in": self.access_ttl, "open_id": open_id,
            "refresh_token": refresh, "refresh_expires_in": self.refresh_ttl,
            "scope": scope, "token_type": "Bearer"})

    async def _token(self, request: web.Request) -> web.Response:
        form: dict[str, str] = request[FORM]
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return self._oauth_error("invalid_client", "client_key or client_secret is wrong")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = form.get("code", "")
            issued = self.codes.get(code)
            if issued is None or code in self.used_codes:
                return self._oauth_error("invalid_grant", "code expired or already used")
            self.used_codes.add(code)
            if form.get("redirect_uri") != issued["redirect_uri"]:
                return self._oauth_error("invalid_request", "redirect_uri mismatch")
            if s256(form.get("code_verifier", "")) != issued["challenge"]:
                return self._oauth_error("invalid_grant", "code_verifier mismatch")
            return self._issue(self.account.open_id, issued["scope"])
        if grant == "refresh_token":
            old = form.get("refresh_token", "")
            open_id = self.refresh_tokens.pop(old, None)  # rotation: the old one is spent
            if open_id is None:
                return self._oauth_error("invalid_grant", "refresh token invalid")
            return self._issue(open_id, self.granted or SCOPES)
        return self._oauth_error("unsupported_grant_type", str(grant))

    async def _revoke(self, request: web.Request) -> web.Response:
        form: dict[str, str] = request[FORM]
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return self._oauth_error("invalid_client", "client_key or client_secret is wrong")
        token = form.get("token", "")
        open_id = self.access_tokens.get(token)
        if open_id is None:
            return self._oauth_error("invalid_request", "token invalid")
        self.revoked.append(token)
        self.access_tokens = {t: o for t, o in self.access_tokens.items() if o != open_id}
        self.refresh_tokens = {t: o for t, o in self.refresh_tokens.items() if o != open_id}
        return web.json_response({})

    # -- Display API ------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return self.access_tokens.get(header[len("Bearer "):])

    def _scoped(self, request: web.Request, scope: str) -> bool:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return scope in self.scopes.get(token, set())

    @staticmethod
    def _error(code: str, status: int) -> web.Response:
        return web.json_response({"data": {}, "error": {"code": code, "message": code,
                                                        "log_id": "fake"}}, status=status)

    @staticmethod
    def _ok(data: Any) -> web.Response:
        return web.json_response({"data": data, "error": {"code": "ok", "message": "",
                                                          "log_id": "fake"}})

    async def _user_info(self, request: web.Request) -> web.Response:
        if self._authorized(request) is None:
            return self._error("access_token_invalid", 401)
        fields = request.query.get("fields", "").split(",")
        a = self.account
        values = {"open_id": a.open_id, "display_name": a.display_name,
                  "follower_count": a.follower_count, "following_count": a.following_count,
                  "likes_count": a.likes_count, "video_count": a.video_count}
        unknown = [f for f in fields if f not in values]
        if unknown:
            return self._error("invalid_params", 400)
        stats = {"follower_count", "following_count", "likes_count", "video_count"}
        if stats & set(fields) and not self._scoped(request, "user.info.stats"):
            return self._error("scope_not_authorized", 401)
        return self._ok({"user": {f: values[f] for f in fields}})

    async def _video_list(self, request: web.Request) -> web.Response:
        if self._authorized(request) is None:
            return self._error("access_token_invalid", 401)
        if not self._scoped(request, "video.list"):
            return self._error("scope_not_authorized", 401)
        body: Any = request[BODY] or {}
        max_count = int(body.get("max_count", 10))
        if not 1 <= max_count <= 20:
            return self._error("invalid_params", 400)
        start = int(body.get("cursor", 0))
        fields = request.query.get("fields", "").split(",")
        page = self.account.videos[start:start + max_count]
        end = start + len(page)
        return self._ok({
            "videos": [{f: getattr(v, f) for f in fields if hasattr(v, f)} for v in page],
            "cursor": end, "has_more": end < len(self.account.videos)})
