"""What is stored about a creator, table by table: the one list ``/forget`` deletes from and its
confirm step shows.

Both stores delete with :func:`delete_statements` and count with :func:`count_statements`,
so a table missing here is neither shown nor deleted, and
``tests/store/test_user_data.py`` fails for any table of the schema with a ``user_id`` column
that is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class UserTable:
    """One table's rows about a user.

    ``where`` selects them, with ``{p}`` where the user's id goes (each store writes its own
    placeholder). ``noun``/``plural`` name one row / several rows for the creator; when
    ``counted`` is false the preview names the data without a count (``"your TikTok
    connection"``), since its rows are not things the creator counts.
    """

    table: str
    where: str
    noun: str
    plural: str
    counted: bool = True


#: In deletion order: rows that point at others first, the user's own row last.
USER_TABLES: Final[tuple[UserTable, ...]] = (
    UserTable("posted_tips",
              "user_id = {p} OR subscription_id IN (SELECT id FROM subscriptions "
              "WHERE user_id = {p})",
              "record of a weekly post sent to you", "records of weekly posts sent to you"),
    UserTable("subscriptions", "user_id = {p}", "personal weekly digest",
              "personal weekly digests"),
    UserTable("snapshots", "user_id = {p}", "snapshot (logged or imported)",
              "snapshots (logged or imported)"),
    UserTable("payouts", "user_id = {p}", "logged payout", "logged payouts"),
    UserTable("goals", "user_id = {p}", "goal", "goals"),
    UserTable("videos", "user_id = {p}", "video from TikTok Studio",
              "videos from TikTok Studio"),
    UserTable("audience_shares", "user_id = {p}", "your audience by territory and gender",
              "your audience by territory and gender", counted=False),
    UserTable("audience_activity", "user_id = {p}", "your followers' active hours",
              "your followers' active hours", counted=False),
    UserTable("studio_daily", "user_id = {p}", "your daily numbers from TikTok Studio",
              "your daily numbers from TikTok Studio", counted=False),
    UserTable("studio_before", "user_id = {p}",
              "what your TikTok Studio imports replaced (kept for /undo)",
              "what your TikTok Studio imports replaced (kept for /undo)", counted=False),
    UserTable("studio_imports", "user_id = {p}", "TikTok Studio import", "TikTok Studio imports"),
    UserTable("video_totals", "user_id = {p}", "your daily totals read from TikTok",
              "your daily totals read from TikTok", counted=False),
    UserTable("rate_card", "user_id = {p}", "price on your rate card",
              "prices on your rate card"),
    UserTable("guided_steps", "(platform, sender_id) IN (SELECT platform, platform_user_id "
              "FROM users WHERE id = {p})", "/log waiting for your numbers",
              "/log waiting for your numbers", counted=False),
    UserTable("tiktok_auth_states", "user_id = {p}", "unfinished TikTok connect",
              "unfinished TikTok connects"),
    UserTable("tiktok_connections", "user_id = {p}", "your TikTok connection (its tokens)",
              "your TikTok connection (its tokens)", counted=False),
    UserTable("user_settings", "user_id = {p}", "your settings", "your settings",
              counted=False),
    UserTable("users", "id = {p}", "your chat account's id and name",
              "your chat account's id and name", counted=False),
)


def delete_statements(placeholder: str) -> list[tuple[str, int]]:
    """``(DELETE statement, how many times the user's id is bound)`` for every table of
    :data:`USER_TABLES`, in order, with ``placeholder`` (``?`` or ``$1``) for the id."""
    return [(f"DELETE FROM {t.table} WHERE {t.where.format(p=placeholder)}",  # noqa: S608
             t.where.count("{p}")) for t in USER_TABLES]


def count_statements(placeholder: str) -> list[tuple[str, str, int]]:
    """``(table, SELECT count(*) statement, times the id is bound)`` for every table of
    :data:`USER_TABLES`, matching :func:`delete_statements` row for row."""
    return [(t.table, f"SELECT count(*) FROM {t.table} WHERE "  # noqa: S608
             f"{t.where.format(p=placeholder)}", t.where.count("{p}")) for t in USER_TABLES]
