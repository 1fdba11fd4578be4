"""Protocols the core depends on. Concrete classes are picked only in ``bot.app``."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.types import Reply
from bot.domain.metrics import HistoryReach, MetricSnapshot
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.studio import Audience, StudioImport, Video

if TYPE_CHECKING:  # (named in a signature only: /stats imports no rate card code)
    from bot.domain.ratecard import PinnedPrice

#: How long a received platform event stays recorded for :meth:`Store.first_sight`: Telegram
#: retries an unacknowledged webhook request within minutes, so an hour recognises every
#: redelivery while the table stays small (one row per update of the last hour, and one per
#: Telegram choice pressed in the last 30 days: ``first_sight(keep=…)``).
SEEN_EVENTS_KEPT = timedelta(hours=1)
#: The snapshots a creator has, as SQL on the snapshots table: rows a later import of the same
#: date replaced (kept so /undo of that import can bring them back) are not. The one condition
#: both stores read and count snapshots by (/stats, /history, /undo) and /forget's list and
#: /export tell the two kinds apart by (:data:`bot.core.userdata.USER_TABLES`).
ACTIVE_SNAPSHOT = "replaced_by IS NULL"
#: How the key of a kept button row starts when the row is no button but the memory of an
#: /undo confirm that removed something (so its replay says so: bot.commands.corrections),
#: kept with the buttons' rows (:meth:`Store.keep_button`) and told apart from them by this
#: prefix where /forget lists and /export writes a creator's rows (a Telegram button's key,
#: base64, never has a colon).
UNDO_RECEIPT_PREFIX = "undone:"
#: How often at most one store instance deletes expired rows of those short-lived tables.
SWEEP_EVERY = timedelta(minutes=1)


class SweepSchedule:
    """When one store instance last deleted each short-lived table's expired rows, so it does
    so at most every :data:`SWEEP_EVERY` (with several workers, another worker's sweep in
    between costs nothing). Both stores keep one."""

    def __init__(self) -> None:
        self._last: dict[str, datetime] = {}

    def due(self, table: str, now: datetime) -> bool:
        """Whether to delete ``table``'s expired rows now; if so, ``now`` counts as done."""
        last = self._last.get(table)
        if last is not None and timedelta(0) <= now - last < SWEEP_EVERY:
            return False
        self._last[table] = now
        return True


class StoreError(Exception):
    """A storage failure with a message fit to show an operator (never a raw traceback)."""


class UserGone(StoreError):
    """A write for a user whose row was deleted after the command found it: a /forget in
    another worker ran between ``ensure_user`` and the write (nothing was written). The
    dispatcher runs the command again once, for the user created afresh."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    platform: str
    platform_user_id: str
    display_name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Goal:
    metric: str  # a metric name, or "income" (monthly, in USD)
    target: float
    deadline: date | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SnapshotEntry:
    """A stored snapshot with where it came from.

    ``source`` is ``"log"`` (typed with /log) or ``"import"`` (a row of an imported file);
    ``action`` numbers the user's writes (one per /log, one per import, rising), so /undo can
    take back the most recent one as a whole.
    """

    id: int
    snapshot: MetricSnapshot
    source: str
    action: int
    #: An imported row's day by which a later import replaces it
    #: (:func:`~bot.domain.daily.replaced_on`: the date its file wrote, in any time zone since,
    #: or for a moment written with an offset the day it is on now). None for a /log or a
    #: sync.
    import_day: date | None = None


@dataclass(frozen=True, slots=True)
class StudioRecord:
    """One TikTok Studio import, as /history lists it and /undo takes it back.

    ``action`` is shared with the snapshots it wrote (if any); ``files`` names what was sent;
    ``videos_added``/``videos_updated`` count Content rows new to the store or replacing a
    stored video's numbers; ``audience`` names the parts it replaced (``territories``,
    ``genders``, ``active hours``); ``daily_days`` is how many days of profile views or
    viewers it wrote."""

    action: int
    imported_at: datetime
    files: str
    videos_added: int = 0
    videos_updated: int = 0
    audience: tuple[str, ...] = ()
    daily_days: int = 0


@dataclass(frozen=True, slots=True)
class Subscription:
    """A weekly post to one chat: community tips, or a personal digest in a private chat."""

    id: int
    platform: str
    chat_id: str
    chat_kind: str
    kind: str  # "community" | "personal"
    user_id: int | None  # the digest's owner (personal only)
    created_by: int | None
    weekday: int  # Monday = 0
    local_time: str  # "HH:MM"
    timezone: str
    topics: tuple[str, ...]
    active: bool
    deactivated_reason: str | None
    next_run_at: datetime | None
    thread_id: str | None = None  # a forum topic (Telegram message_thread_id); None: the chat
    paused_reason: str | None = None  # the destination refused the last post (still retried)
    paused_at: datetime | None = None
    #: The language the post is written in (bot.i18n.LANGUAGES; /subscribe language=…).
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row of the outbox: a destination's post for one week."""

    id: int
    subscription_id: int
    week_key: str
    rule_id: str | None
    status: str  # "sending" | "sent" | "failed" | "skipped" | "unknown"
    error: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class UserReads:
    """Several reads about one creator taken together (:meth:`Store.reads`): each field is
    what the method of its name returns (``history``: :meth:`Store.history` with its limit,
    ``latest``: :meth:`Store.latest_snapshot`), or None when it was not asked for."""

    history: list[MetricSnapshot] | None = None
    latest: MetricSnapshot | None = None
    videos: list[Video] | None = None
    audience: Audience | None = None
    payouts: list[Payout] | None = None
    daily_series: dict[str, dict[date, float]] | None = None
    goals: list[Goal] | None = None
    count_snapshots: int | None = None


@dataclass(frozen=True, slots=True)
class Reads:
    """What a command reads about its creator before it works (:attr:`CommandSpec.reads
    <bot.core.registry.CommandSpec.reads>`): :meth:`Store.reads`'s arguments, declared once
    so the dispatcher can read them in the trip that finds the user
    (:meth:`Store.find_user_reading`). ``reach``: how far back into the ``history`` most
    recent snapshots (:func:`bot.domain.metrics.reach_back`)."""

    history: int | None = None
    reach: HistoryReach = HistoryReach.ALL
    latest: bool = False
    videos: bool = False
    audience: bool = False
    payouts: bool = False
    daily_series: bool = False
    goals: bool = False
    count_snapshots: bool = False


@dataclass(frozen=True, slots=True)
class KnownUser:
    """A stored user found with their settings and a command's reads
    (:meth:`Store.find_user_reading`)."""

    user: User
    settings: UserSettings
    reads: UserReads


#: A check before a write, raising to stop it (:meth:`Store.add_snapshot_and_history`'s
#: ``guard``), shown the active snapshots back to where the latest one's 30-day totals were
#: given (:data:`~bot.domain.metrics.HistoryReach.ORIGINS`, within the write's ``limit``),
#: and the last two at least (oldest first; fewer when fewer are stored), and the creator's
#: day the new snapshot goes on (:func:`~bot.domain.daily.counted_day` in their time zone):
#: what ``same_window`` needs to pair its totals as /stats will.
SnapshotGuard = Callable[[list[MetricSnapshot], date], None]


class Store(Protocol):
    """Per-user data. Every write is one transaction; reads never see half a write.

    A PostgreSQL implementation must pass the same contract suite (``tests/store``).
    """

    async def ensure_user(self, platform: str, platform_user_id: str, display_name: str) -> User:
        """Return the user, creating it (or refreshing its display name) as needed."""
        ...

    async def find_user(self, platform: str, platform_user_id: str) -> User | None: ...

    async def find_user_reading(self, platform: str, platform_user_id: str,
                                wanted: Reads) -> KnownUser | None:
        """:meth:`find_user`, then that user's :meth:`get_settings` and :meth:`reads` of
        ``wanted``, in one trip where the store can (SQLite: one read transaction made at
        once on the event loop's thread for the user, their settings and the reads of a
        bounded number of rows, none for what it keeps in memory; the unbounded reads, of
        TikTok Studio data and payouts, in one hand-off to a reader's thread, only when the
        creator has such rows); None when there is no such user."""
        ...

    async def ensure_user_reading(self, platform: str, platform_user_id: str,
                                  display_name: str, wanted: Reads) -> tuple[User, UserReads]:
        """:meth:`ensure_user`, then :meth:`reads` of ``wanted`` for that user, in one trip
        where the store can (a user the call creates has nothing stored to read)."""
        ...

    async def add_snapshot(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime
    ) -> MetricSnapshot:
        """Record a partial update: ``changes`` over the latest snapshot's values."""
        ...

    async def add_snapshot_and_history(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[MetricSnapshot, list[MetricSnapshot]]:
        """:meth:`add_snapshot`, then :meth:`history` with ``limit`` as it stands after it, in
        one trip where the store can (SQLite: one hand-off to the writer's thread, not two):
        what ``/log`` shows.

        ``guard``, if given, is called with the active snapshots back to where the latest
        one's 30-day totals were given, and the last two at least (oldest first: the latest
        is the last; an empty list if there is none), and the day the snapshot goes on
        (:data:`SnapshotGuard`), in the write's transaction, before anything is written: an
        exception it raises undoes the write and reaches the caller (``/log`` holds back
        numbers that look wrong, or a correction after a confirmed outlier, without a trip
        of its own). It
        may run in another thread (SQLite's writer), where context variables such as the
        language are not set: anything it words is in no language the creator chose, so what
        the creator reads is worded by the caller (``/log`` words its warning again, on the
        event loop, from the snapshot its exception carries)."""
        ...

    async def ensure_user_adding_snapshot(
        self, platform: str, platform_user_id: str, display_name: str,
        changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[User, MetricSnapshot, list[MetricSnapshot]]:
        """:meth:`ensure_user`, then :meth:`add_snapshot_and_history` for that user, in one
        trip where the store can (SQLite: one hand-off to the writer's thread and one
        transaction, reading nothing for a row it makes): a first-time user's ``/log``
        (:attr:`~bot.core.registry.CommandSpec.creates_user`). Returns the user, the
        snapshot and the history. As after :meth:`ensure_user`, the user's row is made
        (and its display name updated) even when ``guard`` raises: only the snapshot is
        undone."""
        ...

    async def latest_snapshot(self, user_id: int) -> MetricSnapshot | None: ...

    async def history(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[MetricSnapshot]:
        """Snapshots oldest first; ``limit`` keeps the most recent ones; ``since``, those on
        the creator's day of that moment or after (each on the day it counts on, in their
        time zone: :func:`~bot.domain.daily.counted_day`; never a row dated by day alone
        compared with it as its noon UTC)."""
        ...

    async def entries(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[SnapshotEntry]:
        """Like :meth:`history`, with each snapshot's id, source and action."""
        ...

    async def reads(self, user_id: int, wanted: Reads) -> UserReads:
        """What a command reads about ``user_id`` before it works (``wanted``), in one trip
        where the store can (SQLite: one hand-off to a reader's thread instead of one per
        read): ``history``, the most recent that many snapshots (None: not read), of which only as
        many as ``reach`` needs (:func:`bot.domain.metrics.reach_back`, given them newest
        first; the store reads no further back than it takes); ``latest``,
        ``videos``, ``audience``, ``payouts``, ``daily_series``, ``goals``,
        ``count_snapshots``: whether to read each. Each field equals what its own method
        returns."""
        ...

    async def count_snapshots(self, user_id: int) -> int:
        """How many snapshots are stored (replaced imported rows not counted)."""
        ...

    async def last_action(self, user_id: int) -> list[SnapshotEntry]:
        """The snapshots the most recent /log or import wrote (empty: nothing stored, or the
        most recent action is a TikTok Studio import that wrote no snapshot: see
        :meth:`studio_imports`)."""
        ...

    async def studio_imports(self, user_id: int) -> list[StudioRecord]:
        """The creator's TikTok Studio imports still stored, oldest first."""
        ...

    async def replaced_by(self, user_id: int, action: int) -> int:
        """How many earlier imported snapshots ``action`` replaced (undoing it restores them)."""
        ...

    async def undo_action(self, user_id: int, action: int) -> int:
        """Remove what ``action`` wrote (rows it replaced come back) and carry values forward
        again, in one transaction. A TikTok Studio import goes as a whole: its videos,
        audience and daily series are put back as they were before it (a video it added is
        removed). Return how many snapshots went."""
        ...

    async def remove_snapshots(self, user_id: int, ids: Sequence[int]) -> int:
        """Remove these snapshots, with the earlier imported rows an imported one had
        replaced (those its import hid for the day it wrote it on, as that import decided it,
        in any time zone since), and carry values forward again; return how many of ``ids``
        went."""
        ...

    async def imported_days(self, user_id: int) -> set[date]:
        """The days by which the creator's active imported snapshots are replaced
        (:func:`~bot.domain.daily.replaced_on`: the date its file wrote, or for a moment
        written with an offset its :func:`~bot.domain.daily.snapshot_day` in their /settings
        time zone now): an import's days among these are the ones it replaces, as
        :meth:`import_snapshots` decides it."""
        ...

    async def get_settings(self, user_id: int) -> UserSettings: ...

    async def update_settings(self, user_id: int, changes: Mapping[str, Any]) -> UserSettings: ...

    async def set_goal(
        self, user_id: int, metric: str, target: float, deadline: date | None, now: datetime
    ) -> Goal: ...

    async def set_goals(self, user_id: int, targets: Mapping[str, float],
                        deadline: date | None, now: datetime) -> list[Goal]:
        """:meth:`set_goal` for each of ``targets`` (metric -> target), in one transaction,
        then :meth:`goals` as they stand after it, in one trip where the store can."""
        ...

    async def goals(self, user_id: int) -> list[Goal]: ...

    async def clear_goals(self, user_id: int) -> int: ...

    async def import_snapshots(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]], *,
        now: datetime | None = None,
    ) -> int:
        """Insert dated partial snapshots in ONE transaction (all or nothing), merging each with
        the snapshot before it in time; a day already imported before is replaced (the old
        rows come back if this import is undone): the creator's day, in their /settings time
        zone (:func:`~bot.domain.daily.snapshot_day`; a row dated by day alone,
        :class:`~bot.domain.daily.DateOnly`, is stored marked so and keeps its date), matched
        with stored rows by :func:`~bot.domain.daily.replaced_on`; ``now``: when the import
        is made (default: the system clock), which a row dated by day alone never counts
        after (:func:`~bot.domain.daily.counted_day`); return how many rows were written."""
        ...

    async def import_studio(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]],
        studio: StudioImport, *, now: datetime | None = None,
    ) -> int:
        """A TikTok Studio import in ONE transaction and ONE action: ``rows`` merged as by
        :meth:`import_snapshots`, videos updated by video id, audience shares and active hours
        replaced by a newer file of their kind, and what it replaced kept so
        :meth:`undo_action` can put it back (``now``: when, for /history; default the
        system clock); return how many snapshot rows were written."""
        ...

    async def daily_series(self, user_id: int) -> dict[str, dict[date, float]]:
        """The daily series imported beside the snapshots (profile views, total, new and
        returning viewers: :data:`bot.domain.studio.EXTRA_SERIES`), by series then day."""
        ...

    async def videos(self, user_id: int) -> list[Video]:
        """The creator's videos from TikTok Studio, most viewed first."""
        ...

    async def audience(self, user_id: int) -> Audience:
        """Follower territories, genders and active hours (empty where never imported)."""
        ...

    async def add_payout(self, user_id: int, payout: Payout) -> Payout:
        """Store one payout; returns it with its id."""
        ...

    async def payouts(self, user_id: int) -> list[Payout]:
        """Every payout of ``user_id``, oldest first."""
        ...

    async def pin_prices(self, user_id: int, prices: Mapping[str, float], currency: str,
                         now: datetime) -> None:
        """Pin the creator's own rate-card prices (deliverable key -> amount in ``currency``),
        replacing earlier pins of the same deliverables."""
        ...

    async def pinned_prices(self, user_id: int) -> list[PinnedPrice]:
        """The creator's pinned rate-card prices, by deliverable key."""
        ...

    async def unpin_prices(self, user_id: int) -> int:
        """Remove every pinned price; return how many went."""
        ...

    async def remove_payout(self, user_id: int, payout_id: int) -> bool:
        """Delete one payout of ``user_id`` by id; False if there was none."""
        ...

    async def forget_user(self, user_id: int) -> int:
        """Delete every row about this user in every table of
        :data:`~bot.core.userdata.USER_TABLES`; return how many rows went."""
        ...

    async def user_rows(self, user_id: int) -> dict[str, int]:
        """Rows about this user per table of :data:`~bot.core.userdata.USER_TABLES` (what
        :meth:`forget_user` would delete), every table named, zeros included."""
        ...

    async def export_user(self, user_id: int) -> dict[str, Any]:
        """Everything stored about this user, as JSON-ready data."""
        ...

    # -- weekly posts ---------------------------------------------------------------------

    async def save_subscription(
        self, *, platform: str, chat_id: str, chat_kind: str, kind: str, user_id: int | None,
        created_by: int | None, weekday: int, local_time: str, timezone: str,
        topics: tuple[str, ...], next_run_at: datetime, thread_id: str | None = None,
        language: str | None = None,
    ) -> Subscription:
        """Create or replace (and reactivate, unpause) the chat's subscription of that kind;
        ``thread_id``: the forum topic it was made in; ``language``: the posts' language."""
        ...

    async def subscriptions_for_chat(self, platform: str, chat_id: str) -> list[Subscription]: ...

    async def delete_subscription(
        self, platform: str, chat_id: str, kind: str, user_id: int | None
    ) -> bool: ...

    async def due_subscriptions(
        self, now: datetime, limit: int = 1000, *, after: tuple[datetime, int] | None = None,
        platform: str | None = None, chat_id: str | None = None,
    ) -> list[Subscription]:
        """Active subscriptions whose ``next_run_at`` is at or before ``now``, oldest first
        (by ``next_run_at``, then id); ``after``: only those past that (next_run_at, id), to
        page through a batch while it is being sent; ``platform``: only that platform's;
        ``chat_id``: only that chat's (an interactive console delivers its own chat's only)."""
        ...

    async def lease_due(
        self, now: datetime, until: datetime, *, platform: str, limit: int,
        chat_id: str | None = None,
    ) -> list[Subscription]:
        """Take a batch of ``platform``'s due subscriptions (as :meth:`due_subscriptions`, oldest
        first, at most ``limit``; only ``chat_id``'s when given) that no other poster holds,
        and hold them until ``until``: a poster that sends a fan-out with others on one
        database walks its own batches, never theirs. Atomic across workers (no subscription
        is in two live batches); a batch whose poster is gone (its process ended) or whose
        lease lapsed before ``now`` is free again, and so are the caller's own batches after
        :meth:`release_leases`. A subscription leaves its batch when it moves on
        (:meth:`set_next_run`)."""
        ...

    async def release_leases(self) -> int:
        """Give back every batch this poster holds (at the start of a run: what it left due
        last time is its to take again, or another worker's); how many subscriptions."""
        ...

    async def set_next_run(self, subscription_id: int, at: datetime) -> None:
        """Move the subscription on to its next post at ``at`` (and out of any batch)."""
        ...

    async def deactivate_subscription(self, subscription_id: int, reason: str) -> None: ...

    async def set_paused(self, subscription_id: int, reason: str | None,
                         now: datetime) -> bool:
        """Pause with ``reason`` (the destination refuses posts for now) or resume (None).
        True if the state changed (so a pause is announced once)."""
        ...

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str,
                        chat_kind: str) -> int:
        """Re-key everything stored for a chat that got a new id; how many subscriptions
        moved (one the new chat already has wins)."""
        ...

    async def user_by_id(self, user_id: int) -> User | None: ...

    async def await_message(self, platform: str, chat_id: str, sender_id: str, command: str,
                            expires_at: datetime, now: datetime) -> None:
        """Remember that ``sender_id``'s next plain message in ``chat_id`` carries the
        arguments of ``command`` (a guided step: a bare ``/log`` asked for the numbers) until
        ``expires_at``; replaces an earlier step there. Every worker sees it at once."""
        ...

    async def take_awaited(self, platform: str, chat_id: str, sender_id: str,
                           now: datetime) -> str | None:
        """End the guided step of ``sender_id`` in ``chat_id`` and return its command; None
        when there was none or it had expired by ``now``. Only one caller gets it."""
        ...

    async def keep_button(self, platform: str, key: str, owner: str | None, data: str,
                          expires_at: datetime, now: datetime) -> None:
        """Keep a button too long for the platform (Telegram's 64 bytes of callback data)
        under ``key`` until ``expires_at`` (the same key again: the later expiry wins).
        ``data``: the button as the adapter reads it back; ``owner``: the platform user who may
        press it (its row goes with their ``/forget``). Every worker sees it at once; rows
        expired by ``now`` are removed from time to time."""
        ...

    async def button(self, platform: str, key: str, now: datetime) -> str | None:
        """The ``data`` kept under ``key``; None when unknown or expired by ``now``."""
        ...

    async def first_sight(self, platform: str, event_id: str, now: datetime, *,
                          keep: timedelta = SEEN_EVENTS_KEPT) -> bool:
        """Record that the platform event ``event_id`` (a Telegram update_id) arrived at
        ``now``; False when any worker recorded it before (a redelivery), True exactly once.
        Events are remembered for ``keep`` (:data:`SEEN_EVENTS_KEPT`; a button press longer:
        the row's time is then ``now + keep - SEEN_EVENTS_KEPT``, which the hourly sweep
        deletes once ``keep`` has passed)."""
        ...

    async def first_sights(self, platform: str, event_ids: Sequence[str],
                           now: datetime, *, keep: timedelta = SEEN_EVENTS_KEPT) -> set[str]:
        """:meth:`first_sight` for several events at once, in one statement: the ids of
        ``event_ids`` recorded now, i.e. seen for the first time."""
        ...

    async def release_delivery(self, delivery_id: int) -> None:
        """Delete a claim still "sending" that was never sent, so its week stays due."""
        ...

    async def claim_delivery(
        self, subscription_id: int, week_key: str, rule_id: str | None, now: datetime
    ) -> int | None:
        """Record "sending" for the subscription's destination and ISO week before the send;
        None if that destination already has a post (or a claim) for the week, from this
        subscription or an earlier one (resubscribed, another time)."""
        ...

    async def claim_in_progress(self, subscription_id: int, week_key: str) -> bool:
        """Whether the destination's post for ``week_key`` is a claim still "sending" (when
        :meth:`claim_delivery` returned None): another worker is sending it, or one that died
        left it to be settled; either way the week is not done yet."""
        ...

    async def renew_worker(self) -> bool:
        """Before claiming more: make sure the others still see this poster alive (on
        PostgreSQL, that it still holds its worker key's lock). If it had lost that (its
        claims and leases may be taken over by others meanwhile), it takes a new identity,
        under which its earlier claims are no longer its own. True when the identity
        changed; raises when the store cannot give it one (claim nothing more then)."""
        ...

    async def mark_attempt(self, delivery_id: int, now: datetime) -> bool:
        """Record, right before the first send, that the post may go out from now on; True
        only when the claim is still this poster's and "sending". False: it was taken back
        (a settler took this poster for dead and released it, so another may send it):
        the caller must not send."""
        ...

    async def finish_delivery(
        self, delivery_id: int, status: str, now: datetime, error: str | None = None
    ) -> bool:
        """Settle a claim: "sent", "failed", "skipped" or "unknown" (may have been sent).
        True when it changed the claim; False when the claim was gone (released by a
        settler) or already final."""
        ...

    async def settle_stale_claims(
        self, before: datetime, in_flight: Collection[int] = ()
    ) -> tuple[int, list[Delivery]]:
        """Claims still "sending" that were created before ``before`` and are not
        ``in_flight`` (their process died or lost them): those never attempted are deleted,
        so the post is due again; those attempted become "unknown" (never resent). Returns
        (claims released, claims marked unknown, each returned once: it is no longer
        "sending" afterwards)."""
        ...

    async def recent_rules(self, subscription_id: int, limit: int) -> list[str]:
        """Rule ids already posted to this subscription, newest first."""
        ...

    async def stale_deliveries(self, before: datetime) -> list[Delivery]:
        """Deliveries left "sending" since before ``before`` (a crash between send and record)."""
        ...

    async def close(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class DeliveryStatus(StrEnum):
    SENT = "sent"
    GONE = "gone"  # chat deleted, bot blocked or removed: deactivate, never retry
    RETRY_AFTER = "retry_after"  # rate limited, not delivered: wait ``retry_after`` s, retry
    MOVED = "moved"  # the chat has a new id (``moved_to``): move the subscription, send there
    PAUSED = "paused"  # refused for now (closed topic, missing permission): retry next week
    TRANSIENT = "transient"  # failed before delivery (5xx, connection refused): safe to retry
    UNKNOWN = "unknown"  # may or may not have arrived (timeout mid-request): do not resend
    STOP = "stop"  # not delivered, and nothing more can be this run (the console's reader left)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    detail: str = ""
    retry_after: float = 0.0  # seconds (RETRY_AFTER); 0: the platform gave none
    moved_to: str | None = None  # the chat's new id (MOVED)


@dataclass(frozen=True, slots=True)
class Destination:
    platform: str
    chat_id: str
    chat_kind: str  # a ChatKind value, or "user": a person's private chat by user id
    thread_id: str | None = None  # a forum topic (Telegram message_thread_id)


class Deliverer(Protocol):
    """How the scheduler posts on one platform (adapters implement it)."""

    platform: str

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        """Send ``reply`` once. ``key`` is unique per delivery (Discord uses it as the nonce)."""
        ...


class AdapterStartError(RuntimeError):
    """An adapter could not start, in one sentence for the operator (no traceback). ``retry``:
    the cause may pass (the platform unreachable: start again with backoff) or not (a token
    the platform refused: fix the setting)."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


class Adapter(Protocol):
    """A running platform connection (Telegram, Discord). The console is driven directly."""

    name: str

    @property
    def deliverer(self) -> Deliverer:
        """How the weekly-post scheduler sends on this platform."""
        ...

    async def start(self) -> None:
        """Connect and begin handling events; return once running (do not block forever)."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly; safe to call once after start()."""
        ...
