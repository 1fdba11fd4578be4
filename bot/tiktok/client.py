"""A small client for TikTok's v2 OAuth and Display API endpoints, on aiohttp.

Endpoints (TikTok for Developers, Login Kit and Display API v2):

* ``POST /v2/oauth/token/`` (form): ``grant_type=authorization_code`` with the PKCE
  ``code_verifier``, or ``grant_type=refresh_token`` (refresh tokens rotate).
* ``POST /v2/oauth/revoke/`` (form): ``client_key``, ``client_secret``, ``token``.
* ``GET /v2/user/info/?fields=…`` and ``POST /v2/video/list/?fields=…`` (JSON body
  ``{"max_count": 20, "cursor": …}``), both with ``Authorization: Bearer <access token>``.

Every endpoint allows 600 requests a minute: one :class:`aiolimiter.AsyncLimiter` per endpoint,
shared by every user of this process. A 429, a 5xx or a dropped connection is retried with
exponential backoff (``backoff`` seconds doubled each time, or the server's ``Retry-After``,
capped at ``max_delay``), ``attempts`` tries in all. Nothing here logs a token, a code, a
request body or a response body: log lines name the endpoint and the status only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

import aiohttp
from aiolimiter import AsyncLimiter
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.domain.studio import Video
from bot.tiktok.errors import SCOPES, TikTokError

log = logging.getLogger(__name__)

__all__ = ["SCOPES", "TikTokClient", "TikTokError", "TokenSet", "UserInfo", "VideoPage"]

USER_FIELDS: Final = "open_id,display_name,follower_count,following_count,likes_count,video_count"
VIDEO_FIELDS: Final = (
    "id,create_time,duration,title,share_url,view_count,like_count,comment_count,share_count"
)
PAGE_SIZE: Final = 20  # the API's maximum max_count
RATE_PER_MINUTE: Final = 600  # per endpoint, documented by TikTok


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TokenSet(_Model):
    """``/v2/oauth/token/`` success; ``expires_in`` and ``refresh_expires_in`` in seconds."""

    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int | None = None
    open_id: str
    scope: str = ""


class UserInfo(_Model):
    open_id: str
    display_name: str = ""
    follower_count: int | None = None
    following_count: int | None = None
    likes_count: int | None = None
    video_count: int | None = None


class _Video(_Model):
    id: str
    create_time: int | None = None  # Unix seconds
    duration: int | None = None  # seconds
    title: str | None = None
    share_url: str | None = None
    view_count: int | None = None
    like_count: int | None = None
    comment_count: int | None = None
    share_count: int | None = None


class _VideoData(_Model):
    videos: list[_Video] = []
    cursor: int | None = None
    has_more: bool = False


class _UserData(_Model):
    user: UserInfo


@dataclass(frozen=True, slots=True)
class VideoPage:
    videos: list[Video]
    cursor: int | None
    has_more: bool


def _video(v: _Video, read_on: date) -> Video:
    created = None if v.create_time is None else datetime.fromtimestamp(v.create_time, UTC)
    return Video(
        video_id=v.id, title=(v.title or "")[:300], link=v.share_url or "",
        posted_on=None if created is None else created.date(), as_of=read_on,
        views=None if v.view_count is None else float(v.view_count),
        likes=None if v.like_count is None else float(v.like_count),
        comments=None if v.comment_count is None else float(v.comment_count),
        shares=None if v.share_count is None else float(v.share_count),
        posted_at=created, duration=None if v.duration is None else float(v.duration),
        source="sync",
    )


_DATA_ERRORS = {
    "access_token_invalid": "expired_token",
    "scope_not_authorized": "scope",
    "scope_permission_missed": "scope",
    "rate_limit_exceeded": "rate_limited",
}


class TikTokClient:
    """One per process (its limiters are the shared 600-a-minute budget)."""

    def __init__(self, api_url: str, client_key: str, client_secret: str, redirect_uri: str, *,
                 attempts: int = 4, backoff: float = 0.25, max_delay: float = 30.0,
                 timeout: float = 20.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.client_key = client_key
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_delay = max_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._limiters: dict[str, AsyncLimiter] = {}

    def _limiter(self, path: str) -> AsyncLimiter:
        limiter = self._limiters.get(path)
        if limiter is None:
            limiter = self._limiters[path] = AsyncLimiter(RATE_PER_MINUTE, 60)
        return limiter

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _request(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                       form: Mapping[str, str] | None = None, body: Any = None,
                       bearer: str | None = None) -> tuple[int, Any]:
        """(status, parsed JSON) after retries; raises :class:`TikTokError`."""
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        reason = "unavailable"
        for attempt in range(self.attempts):
            delay = min(self.max_delay, self.backoff * 2 ** attempt)
            async with self._limiter(path):
                try:
                    async with self._http().request(
                        method, self.api_url + path, params=params, data=form, json=body,
                        headers=headers,
                    ) as resp:
                        status, raw = resp.status, await resp.read()
                        retry_after = resp.headers.get("Retry-After")
                except (aiohttp.ClientError, TimeoutError) as exc:
                    log.warning("tiktok: %s %s failed (%s), attempt %d of %d", method, path,
                                type(exc).__name__, attempt + 1, self.attempts)
                    reason = "unavailable"
                    status, raw, retry_after = 0, b"", None
            if status == 429 or status >= 500 or status == 0:
                if status:
                    reason = "rate_limited" if status == 429 else "unavailable"
                    log.warning("tiktok: %s %s answered %d, attempt %d of %d", method, path,
                                status, attempt + 1, self.attempts)
                if retry_after is not None:
                    with contextlib.suppress(ValueError):  # an HTTP date: keep the backoff
                        delay = min(self.max_delay, max(0.0, float(retry_after)))
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(delay)
                continue
            try:
                return status, json.loads(raw)
            except ValueError:
                log.warning("tiktok: %s %s answered %d with a body that is not JSON",
                            method, path, status)
                raise TikTokError("bad_response", f"{path} sent malformed JSON") from None
        raise TikTokError(reason, f"{path} after {self.attempts} attempts")

    # -- OAuth ------------------------------------------------------------------------------

    async def _token(self, form: dict[str, str], refused: str) -> TokenSet:
        path = "/v2/oauth/token/"
        status, payload = await self._request("POST", path, form={
            "client_key": self.client_key, "client_secret": self._client_secret, **form})
        if not isinstance(payload, dict):
            raise TikTokError("bad_response", f"{path} sent {type(payload).__name__}")
        error = payload.get("error")
        if isinstance(error, str) and error:
            log.info("tiktok: %s refused the %s grant: %s", path, form["grant_type"],
                     error)
            if error in ("invalid_client", "unauthorized_client"):
                raise TikTokError("config", error)
            raise TikTokError(refused, error)
        try:
            return TokenSet.model_validate(payload)
        except ValidationError:
            raise TikTokError("bad_response", f"{path} sent an unexpected shape "
                              f"(status {status})") from None

    async def exchange_code(self, code: str, verifier: str) -> TokenSet:
        """Authorization code + PKCE verifier -> tokens. ``code`` reason when refused."""
        return await self._token({"code": code, "grant_type": "authorization_code",
                                  "redirect_uri": self.redirect_uri,
                                  "code_verifier": verifier}, "code")

    async def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens (the refresh token rotates: store the new one). ``revoked`` reason when
        TikTok refuses the refresh token (consent withdrawn or expired)."""
        return await self._token({"grant_type": "refresh_token",
                                  "refresh_token": refresh_token}, "revoked")

    async def revoke(self, token: str) -> None:
        """Withdraw the app's access (ends every token of this grant)."""
        path = "/v2/oauth/revoke/"
        _, payload = await self._request("POST", path, form={
            "client_key": self.client_key, "client_secret": self._client_secret,
            "token": token})
        if isinstance(payload, dict) and isinstance(payload.get("error"), str) \
                and payload["error"]:
            raise TikTokError("revoked", payload["error"])

    # -- Display API ------------------------------------------------------------------------

    def _data(self, path: str, payload: Any) -> Any:
        if not isinstance(payload, dict):
            raise TikTokError("bad_response", f"{path} sent {type(payload).__name__}")
        error = payload.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        if code != "ok":
            reason = _DATA_ERRORS.get(str(code), "bad_response")
            log.info("tiktok: %s answered error %s", path, code)
            raise TikTokError(reason, str(code))
        return payload.get("data")

    async def user_info(self, access_token: str) -> UserInfo:
        path = "/v2/user/info/"
        _, payload = await self._request("GET", path, params={"fields": USER_FIELDS},
                                         bearer=access_token)
        try:
            return _UserData.model_validate(self._data(path, payload)).user
        except ValidationError:
            raise TikTokError("bad_response", f"{path} sent an unexpected shape") from None

    async def video_page(self, access_token: str, cursor: int | None) -> VideoPage:
        """One page of the creator's videos, newest first."""
        path = "/v2/video/list/"
        body: dict[str, int] = {"max_count": PAGE_SIZE}
        if cursor is not None:
            body["cursor"] = cursor
        _, payload = await self._request("POST", path, params={"fields": VIDEO_FIELDS},
                                         body=body, bearer=access_token)
        try:
            data = _VideoData.model_validate(self._data(path, payload))
        except ValidationError:
            raise TikTokError("bad_response", f"{path} sent an unexpected shape") from None
        today = datetime.now(UTC).date()
        return VideoPage([_video(v, today) for v in data.videos], data.cursor, data.has_more)
