"""Ports for a connected TikTok account: what commands ask for, and what the sync stores.

Nothing here does I/O: ``bot.tiktok`` implements :class:`TikTokLink` over HTTP and the store
implements :class:`ConnectionStore`; commands depend only on these protocols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

__all__ = ["AuthStart", "ConnectionStore", "DayTotals", "PendingAuth", "StoredConnection",
           "SyncReport", "SyncSaved", "SyncWrite", "TikTokLink", "Video"]

from bot.domain.metrics import MetricSnapshot
from bot.domain.studio import Video
from bot.domain.videos import DayTotals


@dataclass(frozen=True, slots=True)
class StoredConnection:
    """One user's TikTok connection as stored. Tokens are ciphertext (Fernet), never plain."""

    user_id: int
    open_id: str
    display_name: str
    scope: str
    access_token: bytes
    access_expires_at: datetime
    refresh_token: bytes
    refresh_expires_at: datetime | None
    status: str  # "active" | "revoked"
    notified: bool  # the creator was told the consent is gone
    chat_platform: str | None
    chat_id: str | None
    connected_at: datetime
    last_sync_at: datetime | None
    likes_total: float | None
    video_count: float | None


@dataclass(frozen=True, slots=True)
class PendingAuth:
    """An authorization in progress: bound to one user, used once, expires."""

    state: str
    user_id: int
    verifier: bytes  # ciphertext
    chat_platform: str | None
    chat_id: str | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SyncWrite:
    """Everything one sync stores, written in ONE transaction (all or nothing).

    ``changes`` are the snapshot metrics read; those the creator typed with ``/log`` on the
    same day (``day_start`` onwards) are dropped by the store, so a typed value wins.
    """

    user_id: int
    taken_at: datetime
    day_start: datetime
    changes: Mapping[str, float]
    videos: Sequence[Video]
    totals: DayTotals
    display_name: str
    likes_total: float | None
    video_count: float | None
    connection: StoredConnection | None = None  # first sync: the new connection, same commit
    reset: bool = False  # another TikTok account than before: drop its videos and readings


@dataclass(frozen=True, slots=True)
class SyncSaved:
    snapshot: MetricSnapshot | None  # None when every field read was typed today
    kept: frozenset[str]  # the fields written (``changes`` minus today's typed ones)
    new_videos: int


class ConnectionStore(Protocol):
    """Storage of TikTok connections, authorizations in progress and per-video counts."""

    async def save_auth_state(self, pending: PendingAuth) -> None: ...

    async def take_auth_state(self, state: str) -> PendingAuth | None:
        """Remove and return the pending authorization (each state is usable once)."""
        ...

    async def purge_auth_states(self, now: datetime) -> int: ...

    async def save_connection(self, connection: StoredConnection) -> None:
        """Create or replace the user's connection."""
        ...

    async def connection(self, user_id: int) -> StoredConnection | None: ...

    async def connections(self, *, status: str = "active") -> list[StoredConnection]: ...

    async def update_tokens(
        self, user_id: int, access_token: bytes, access_expires_at: datetime,
        refresh_token: bytes, refresh_expires_at: datetime | None,
    ) -> None: ...

    async def mark_revoked(self, user_id: int) -> bool:
        """Stop syncing; return True the first time (so the creator is told once)."""
        ...

    async def delete_connection(self, user_id: int) -> bool: ...

    async def day_totals(self, user_id: int) -> list[DayTotals]:
        """Oldest first."""
        ...

    async def save_sync(self, write: SyncWrite) -> SyncSaved: ...


@dataclass(frozen=True, slots=True)
class AuthStart:
    """Where to send the creator to consent, and until when that link works."""

    url: str
    state: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync read, for the reply to the creator."""

    display_name: str
    followers: float | None
    likes_total: float | None
    video_count: float | None
    videos_read: int
    new_videos: int
    written: frozenset[str]  # snapshot metrics stored
    kept_typed: frozenset[str] = field(default_factory=frozenset)  # read, but /log won today
    #: What looked wrong against the latest snapshot (one sentence each, as /log says it), and
    #: the values read but not stored because of it (``/log … confirm`` stores them).
    held_back: tuple[str, ...] = ()
    held_values: Mapping[str, float] = field(default_factory=dict)
    #: The latest snapshot they were held against (what their confirm's key is of, with them:
    #: :func:`~bot.domain.metrics.log_key`); the sync stores none of the held names, so it
    #: says for them what the stored one does when the confirm comes.
    held_against: MetricSnapshot | None = None


class TikTokLink(Protocol):
    """What commands may ask of the TikTok connection (``bot.tiktok.service`` implements it)."""

    @property
    def configured(self) -> bool:
        """True when TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET are set."""
        ...

    async def begin(self, user_id: int, chat_platform: str | None,
                    chat_id: str | None) -> AuthStart:
        """A fresh authorization URL whose state is bound to this user for 10 minutes."""
        ...

    async def disconnect(self, user_id: int) -> bool | None:
        """Revoke at TikTok, then delete the tokens. True: revoked; False: deleted but TikTok
        could not be reached; None: nothing was connected."""
        ...

    async def status(self, user_id: int) -> StoredConnection | None: ...
