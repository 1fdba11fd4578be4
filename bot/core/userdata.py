"""What is stored about a creator, table by table: the one list ``/forget`` deletes from and its
confirm step shows.

Both stores delete with :func:`delete_statements` and count with :func:`count_statements`,
so a table missing here is neither shown nor deleted, and
``tests/store/test_user_data.py`` fails for any table of the schema with a ``user_id`` column
that is not listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from bot.i18n import _, ngettext


@dataclass(frozen=True, slots=True)
class UserTable:
    """One table's rows about a user.

    ``where`` selects them, with ``{p}`` where the user's id goes (each store writes its own
    placeholder). ``says(n)`` names ``n`` rows for the creator in the language of the work
    being done (:mod:`bot.i18n`): counted (``"3 logged payouts"``, with ``ngettext``) or, for
    rows that are not things the creator counts, named without a count (``"your TikTok
    connection"``).
    """

    table: str
    where: str
    says: Callable[[int], str]


#: In deletion order: rows that point at others first, the user's own row last.
USER_TABLES: Final[tuple[UserTable, ...]] = (
    UserTable("posted_tips",
              "user_id = {p} OR subscription_id IN (SELECT id FROM subscriptions "
              "WHERE user_id = {p})",
              lambda n: ngettext("%(num)s record of a weekly post sent to you",
                                 "%(num)s records of weekly posts sent to you", n)),
    UserTable("subscriptions", "user_id = {p}",
              lambda n: ngettext("%(num)s personal weekly digest",
                                 "%(num)s personal weekly digests", n)),
    UserTable("snapshots", "user_id = {p}",
              lambda n: ngettext("%(num)s snapshot (logged or imported)",
                                 "%(num)s snapshots (logged or imported)", n)),
    UserTable("payouts", "user_id = {p}",
              lambda n: ngettext("%(num)s logged payout", "%(num)s logged payouts", n)),
    UserTable("goals", "user_id = {p}",
              lambda n: ngettext("%(num)s goal", "%(num)s goals", n)),
    UserTable("videos", "user_id = {p}",
              lambda n: ngettext("%(num)s video from TikTok Studio",
                                 "%(num)s videos from TikTok Studio", n)),
    UserTable("audience_shares", "user_id = {p}",
              lambda n: _("your audience by territory and gender")),
    UserTable("audience_activity", "user_id = {p}",
              lambda n: _("your followers' active hours")),
    UserTable("studio_daily", "user_id = {p}",
              lambda n: _("your daily numbers from TikTok Studio")),
    UserTable("studio_before", "user_id = {p}",
              lambda n: _("what your TikTok Studio imports replaced (kept for /undo)")),
    UserTable("studio_imports", "user_id = {p}",
              lambda n: ngettext("%(num)s TikTok Studio import",
                                 "%(num)s TikTok Studio imports", n)),
    UserTable("video_totals", "user_id = {p}",
              lambda n: _("your daily totals read from TikTok")),
    UserTable("rate_card", "user_id = {p}",
              lambda n: ngettext("%(num)s price on your rate card",
                                 "%(num)s prices on your rate card", n)),
    UserTable("guided_steps", "(platform, sender_id) IN (SELECT platform, platform_user_id "
              "FROM users WHERE id = {p})",
              lambda n: _("/log waiting for your numbers")),
    UserTable("tiktok_auth_states", "user_id = {p}",
              lambda n: ngettext("%(num)s unfinished TikTok connect",
                                 "%(num)s unfinished TikTok connects", n)),
    UserTable("tiktok_connections", "user_id = {p}",
              lambda n: _("your TikTok connection (its tokens)")),
    UserTable("user_settings", "user_id = {p}",
              lambda n: _("your settings (language included)")),
    UserTable("users", "id = {p}", lambda n: _("your chat account's id and name")),
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
