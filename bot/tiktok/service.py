"""Connecting a TikTok account and keeping its numbers: authorize, exchange, sync, disconnect.

Implements :class:`bot.core.connections.TikTokLink` for commands, and the daily sync the
``run`` process schedules. Tokens are decrypted only in memory, only here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

from bot.config import Settings
from bot.core.connections import (
    AuthStart,
    ConnectionStore,
    PendingAuth,
    StoredConnection,
    SyncReport,
    SyncWrite,
)
from bot.core.ports import Clock, Store
from bot.core.types import Reply
from bot.domain.metrics import Implausible, without_implausible
from bot.domain.studio import Video
from bot.domain.videos import (
    merge_videos,
    on_local_days,
    period_counts,
    posting_habits,
    totals,
)
from bot.tiktok.errors import SCOPES, TikTokError
from bot.tiktok.pkce import make_state, make_verifier, s256_challenge

if TYPE_CHECKING:  # imported when used: aiohttp and cryptography are for TikTok users only
    from bot.tiktok.client import TikTokClient, TokenSet, UserInfo
    from bot.tiktok.tokens import TokenCipher

log = logging.getLogger(__name__)

STATE_TTL: Final = timedelta(minutes=10)
#: Refresh an access token this long before TikTok says it expires.
EXPIRY_MARGIN: Final = timedelta(minutes=2)
#: A daily sync stops paging at a known video older than this (its counts barely move).
KNOWN_AFTER: Final = timedelta(days=30)
MAX_PAGES: Final = 500  # 10,000 videos: a guard against a server that never says has_more=false

Notify = Callable[[str, str, Reply], Awaitable[None]]


class TikTokService:
    """One per process. ``store`` is the Store and ConnectionStore (the SQLite store is both)."""

    def __init__(self, settings: Settings, store: Store, connections: ConnectionStore,
                 clock: Clock, *, client: TikTokClient | None = None) -> None:
        self.settings = settings
        self.store = store
        self.connections = connections
        self.clock = clock
        secret = settings.tiktok_client_secret
        self.client = client
        if client is None and self.configured and secret is not None:
            from bot.tiktok.client import TikTokClient

            self.client = TikTokClient(settings.tiktok_api_url, settings.tiktok_client_key or "",
                                       secret.get_secret_value(), settings.tiktok_redirect_uri)
        self._cipher: TokenCipher | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        #: How to tell a creator something in chat (set by ``run``: the adapters' deliverers).
        self.notify: Notify | None = None

    @property
    def configured(self) -> bool:
        secret = self.settings.tiktok_client_secret
        return bool(self.settings.tiktok_client_key and secret and secret.get_secret_value())

    def _http(self) -> TikTokClient:
        if self.client is None:
            raise TikTokError("config", "TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET are not set")
        return self.client

    def cipher(self) -> TokenCipher:
        """Loaded on first use (creating the key file if there is no configured key)."""
        if self._cipher is None:
            from bot.tiktok.tokens import TokenCipher, load_key

            key = self.settings.token_encryption_key
            self._cipher = TokenCipher(load_key(key.get_secret_value() if key else None,
                                                self.settings.data_dir))
        return self._cipher

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()

    # -- authorization ----------------------------------------------------------------------

    async def begin(self, user_id: int, chat_platform: str | None,
                    chat_id: str | None) -> AuthStart:
        """A fresh authorization URL (PKCE S256) whose state is bound to ``user_id``."""
        if not self.configured:
            raise TikTokError("config", "TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET are not set")
        verifier, state = make_verifier(), make_state()
        expires = self.clock.now() + STATE_TTL
        await self.connections.save_auth_state(PendingAuth(
            state=state, user_id=user_id, verifier=self.cipher().encrypt(verifier),
            chat_platform=chat_platform, chat_id=chat_id, expires_at=expires))
        query = urlencode({
            "client_key": self.settings.tiktok_client_key or "",
            "response_type": "code",
            "scope": SCOPES,
            "redirect_uri": self.settings.tiktok_redirect_uri,
            "state": state,
            "code_challenge": s256_challenge(verifier),
            "code_challenge_method": "S256",
        })
        return AuthStart(url=f"{self.settings.tiktok_auth_url}?{query}", state=state,
                         expires_at=expires)

    async def complete(self, state: str | None, code: str | None,
                       error: str | None) -> tuple[PendingAuth, SyncReport]:
        """The redirect came back: check the state (once, unexpired), exchange the code with
        the verifier, read everything, then store the connection and the numbers together.
        Raises :class:`TikTokError` (nothing stored) on any failure."""
        pending = await self.connections.take_auth_state(state) if state else None
        if pending is None or pending.expires_at <= self.clock.now():
            raise TikTokError("state", "unknown, used or expired state")
        if error or not code:
            raise TikTokError("denied", error or "no code")
        client = self._http()
        verifier = self.cipher().decrypt(pending.verifier)
        tokens = await client.exchange_code(code, verifier)
        try:
            info, videos, stored = await self._read(pending.user_id, tokens.access_token,
                                                    first=True)
        except TikTokError:
            with contextlib.suppress(TikTokError):  # leave no grant behind
                await client.revoke(tokens.access_token)
            raise
        now = self.clock.now()
        before = await self.connections.connection(pending.user_id)
        connection = self._stored(pending.user_id, tokens, now, pending.chat_platform,
                                  pending.chat_id, info)
        report = await self._save(connection, info, videos, stored,
                                  reset=before is not None and before.open_id != tokens.open_id)
        log.info("tiktok: user %s connected (%d videos read)", pending.user_id, len(videos))
        return pending, report

    def _stored(self, user_id: int, tokens: TokenSet, now: datetime, chat_platform: str | None,
                chat_id: str | None, info: UserInfo) -> StoredConnection:
        cipher = self.cipher()
        return StoredConnection(
            user_id=user_id, open_id=tokens.open_id, display_name=info.display_name,
            scope=tokens.scope, access_token=cipher.encrypt(tokens.access_token),
            access_expires_at=now + timedelta(seconds=tokens.expires_in),
            refresh_token=cipher.encrypt(tokens.refresh_token),
            refresh_expires_at=None if tokens.refresh_expires_in is None
            else now + timedelta(seconds=tokens.refresh_expires_in),
            status="active", notified=False, chat_platform=chat_platform, chat_id=chat_id,
            connected_at=now, last_sync_at=None,
            likes_total=None if info.likes_count is None else float(info.likes_count),
            video_count=None if info.video_count is None else float(info.video_count),
        )

    # -- sync -------------------------------------------------------------------------------

    async def sync_user(self, user_id: int) -> SyncReport:
        """Read user info and new videos now; store them in one transaction.

        Raises :class:`TikTokError`: ``not_connected``; ``revoked`` (syncing stops for this
        user); or a transient reason (nothing stored, the next sync tries again)."""
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            conn = await self.connections.connection(user_id)
            if conn is None:
                raise TikTokError("not_connected")
            if conn.status != "active":
                raise TikTokError("revoked", "consent withdrawn earlier")
            try:
                access = await self._access(conn)
                try:
                    info, videos, stored = await self._read(user_id, access, first=False)
                except TikTokError as exc:
                    if exc.reason != "expired_token":
                        raise
                    access = await self._access(conn, force=True)
                    info, videos, stored = await self._read(user_id, access, first=False)
            except TikTokError as exc:
                if exc.reason == "revoked":
                    await self._revoked(conn)
                raise
            return await self._save(None, info, videos, stored, user_id=user_id)

    async def _access(self, conn: StoredConnection, *, force: bool = False) -> str:
        """A usable access token: the stored one, or a refreshed one (stored at once, since
        the old refresh token stops working when it rotates)."""
        cipher = self.cipher()
        now = self.clock.now()
        latest = await self.connections.connection(conn.user_id) or conn
        if not force and latest.access_expires_at - EXPIRY_MARGIN > now:
            return cipher.decrypt(latest.access_token)
        if latest.refresh_expires_at is not None and latest.refresh_expires_at <= now:
            raise TikTokError("revoked", "refresh token expired")
        tokens = await self._http().refresh(cipher.decrypt(latest.refresh_token))
        await self.connections.update_tokens(
            conn.user_id, cipher.encrypt(tokens.access_token),
            now + timedelta(seconds=tokens.expires_in), cipher.encrypt(tokens.refresh_token),
            None if tokens.refresh_expires_in is None
            else now + timedelta(seconds=tokens.refresh_expires_in))
        log.info("tiktok: refreshed the access token of user %s", conn.user_id)
        return tokens.access_token

    async def _revoked(self, conn: StoredConnection) -> None:
        """Consent withdrawn: stop syncing; tell the creator once."""
        first = await self.connections.mark_revoked(conn.user_id)
        log.info("tiktok: user %s withdrew consent; syncing stopped", conn.user_id)
        if first and self.notify is not None and conn.chat_platform and conn.chat_id:
            await self.notify(conn.chat_platform, conn.chat_id, Reply("tiktok_revoked"))

    async def _read(self, user_id: int, access: str, *,
                    first: bool) -> tuple[UserInfo, list[Video], list[Video]]:
        """User info, then video pages (all on the first sync; later until a known video
        older than :data:`KNOWN_AFTER`). Returns (info, videos read, videos stored before)."""
        client = self._http()
        info = await client.user_info(access)
        stored = [] if first else await self.store.videos(user_id)
        known = {v.video_id for v in stored}
        old = self.clock.now() - KNOWN_AFTER
        read: list[Video] = []
        cursor: int | None = None
        for _ in range(MAX_PAGES):
            page = await client.video_page(access, cursor)
            read.extend(page.videos)
            reached_known = any(v.video_id in known and v.posted_at is not None
                                and v.posted_at < old for v in page.videos)
            if not page.has_more or page.cursor is None or reached_known \
                    or page.cursor == cursor:  # a cursor that does not move ends the list
                break
            cursor = page.cursor
        return info, read, stored

    async def _save(self, connection: StoredConnection | None, info: UserInfo,
                    read: list[Video], stored: list[Video], *,
                    user_id: int | None = None, reset: bool = False) -> SyncReport:
        uid = connection.user_id if connection is not None else user_id
        assert uid is not None
        now = self.clock.now()
        settings = await self.store.get_settings(uid)
        zone, local = settings.zone, settings.local(now)
        # the creator's days (a video's posting day, today's totals), never UTC's
        read = [on_local_days(v, zone, local.date()) for v in read]
        everything = merge_videos(stored, read)
        today = totals(local.date().isoformat(), everything)
        # A reconnect of the same account keeps its daily readings; another account starts over.
        history = [] if reset else await self.connections.day_totals(uid)
        changes: dict[str, float] = {}
        if info.follower_count is not None:
            changes["followers"] = float(info.follower_count)
        changes.update(period_counts(now, today, history, everything, zone))
        changes.update(posting_habits(now, everything, zone))
        read_values = dict(changes)  # everything read, before the plausibility check
        problems: list[Implausible] = []
        latest = None
        if not reset:  # another account's numbers are no jump from these
            latest = await self.store.latest_snapshot(uid)
            changes, problems = without_implausible(latest, changes, now)
            if problems:
                log.info("tiktok: user %s: not storing %s, which look wrong", uid,
                         ", ".join(sorted({f for p in problems for f in p.fields})))
        held = {name: read_values[name] for p in problems for name in p.fields
                if name in read_values}
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        saved = await self.connections.save_sync(SyncWrite(
            user_id=uid, taken_at=now, day_start=day_start, changes=changes, videos=read,
            totals=today, display_name=info.display_name,
            likes_total=None if info.likes_count is None else float(info.likes_count),
            video_count=None if info.video_count is None else float(info.video_count),
            connection=connection, reset=reset))
        return SyncReport(
            display_name=info.display_name,
            followers=None if info.follower_count is None else float(info.follower_count),
            likes_total=None if info.likes_count is None else float(info.likes_count),
            video_count=None if info.video_count is None else float(info.video_count),
            videos_read=len(read), new_videos=saved.new_videos, written=saved.kept,
            kept_typed=frozenset(changes) - saved.kept,
            held_back=tuple(p.text for p in problems),
            held_values=held,
            held_against=latest,
        )

    async def sync_due(self) -> int:
        """Sync every active connection not synced for ``TIKTOK_SYNC_HOURS``; one failure never
        stops the others. Returns how many synced."""
        due_before = self.clock.now() - timedelta(hours=self.settings.tiktok_sync_hours)
        done = 0
        for conn in await self.connections.connections():
            if conn.last_sync_at is not None and conn.last_sync_at > due_before:
                continue
            try:
                await self.sync_user(conn.user_id)
                done += 1
            except TikTokError as exc:
                log.warning("tiktok: sync of user %s failed: %s", conn.user_id, exc.reason)
            except Exception:
                log.exception("tiktok: sync of user %s failed", conn.user_id)
        return done

    async def serve(self, stop: asyncio.Event, *, every: float = 900.0) -> None:
        """The daily sync in a running bot: check for due accounts every ``every`` seconds."""
        while not stop.is_set():
            try:
                await self.sync_due()
                await self.connections.purge_auth_states(self.clock.now())
            except Exception:
                log.exception("tiktok: the sync round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

    # -- the rest of TikTokLink --------------------------------------------------------------

    async def disconnect(self, user_id: int) -> bool | None:
        conn = await self.connections.connection(user_id)
        if conn is None:
            return None
        revoked = False
        if self.client is not None and conn.status == "active":
            try:
                await self.client.revoke(await self._access(conn))
                revoked = True
            except TikTokError as exc:
                log.warning("tiktok: revoking user %s failed: %s", user_id, exc.reason)
        await self.connections.delete_connection(user_id)
        return revoked

    async def status(self, user_id: int) -> StoredConnection | None:
        conn = await self.connections.connection(user_id)
        return None if conn is None else replace(conn, access_token=b"", refresh_token=b"")
