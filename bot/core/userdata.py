"""What is stored about a creator, table by table: the one list ``/forget`` deletes from, its
confirm step shows and ``/export`` reads.

Both stores delete with :func:`delete_statements`, count with :func:`count_statements` and
export with :func:`export_statements`, so a table missing here is neither shown, deleted nor
exported. Every table of the schema is either here or in :data:`NOT_PERSONAL` (with why), and
``tests/store/test_user_data.py`` fails for any table that is in neither, whatever its columns
are called (a person's id may be ``user_id``, ``sender_id`` or ``owner``), and for any table
of the list whose rows the preview or the export leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from bot.core.ports import ACTIVE_SNAPSHOT, UNDO_RECEIPT_PREFIX
from bot.i18n import _, ngettext


@dataclass(frozen=True, slots=True)
class UserTable:
    """One table's rows about a user.

    ``where`` selects them, with ``{p}`` where the user's id goes (each store writes its own
    placeholder). ``says(n)`` names ``n`` rows for the creator in the language of the work
    being done (:mod:`bot.i18n`): counted (``"3 logged payouts"``, with ``ngettext``) or, for
    rows that are not things the creator counts, named without a count (``"your TikTok
    connection"``).

    ``export`` is the key of ``/export``'s JSON that carries the rows (``"a.b"``: key ``b`` of
    the object under ``a``). A store may shape a table's section itself (a parsed row, some
    columns left out); every other table's rows go there as they are stored, in ``order``,
    with the columns in ``columns`` (``"*"``: all of them but ``user_id``; name the columns
    when some must never leave the database, such as a secret or a worker's lock).
    """

    table: str
    where: str
    says: Callable[[int], str]
    export: str
    order: str = ""
    columns: str = "*"
    #: The name its rows are counted under (``user_rows``), where one table's rows are told
    #: apart (a snapshot stored, one replaced and kept for /undo); the table's name otherwise.
    key: str = ""

    @property
    def name(self) -> str:
        """What its rows are counted under: ``key``, or the table's name."""
        return self.key or self.table



#: In deletion order: rows that point at others first, the user's own row last.
USER_TABLES: Final[tuple[UserTable, ...]] = (
    UserTable("posted_tips",
              "user_id = {p} OR subscription_id IN (SELECT id FROM subscriptions "
              "WHERE user_id = {p})",
              lambda n: ngettext("%(num)s record of a weekly post sent to you",
                                 "%(num)s records of weekly posts sent to you", n),
              "weekly_posts", "created_at, week_key, destination",
              "destination, week_key, rule_id, status, error, created_at, attempted_at, "
              "sent_at"),
    UserTable("subscriptions", "user_id = {p}",
              lambda n: ngettext("%(num)s personal weekly digest",
                                 "%(num)s personal weekly digests", n), "subscriptions"),
    UserTable("snapshots", f"user_id = {{p}} AND {ACTIVE_SNAPSHOT}",
              lambda n: ngettext("%(num)s snapshot (logged or imported)",
                                 "%(num)s snapshots (logged or imported)", n), "snapshots"),
    UserTable("snapshots", f"user_id = {{p}} AND NOT ({ACTIVE_SNAPSHOT})",
              lambda n: ngettext("%(num)s earlier imported snapshot a newer import replaced "
                                 "(kept for /undo)",
                                 "%(num)s earlier imported snapshots a newer import replaced "
                                 "(kept for /undo)", n),
              "replaced_snapshots", key="replaced_snapshots"),
    UserTable("payouts", "user_id = {p}",
              lambda n: ngettext("%(num)s logged payout", "%(num)s logged payouts", n),
              "payouts"),
    UserTable("goals", "user_id = {p}",
              lambda n: ngettext("%(num)s goal", "%(num)s goals", n), "goals"),
    UserTable("videos", "user_id = {p}",
              lambda n: ngettext("%(num)s video from TikTok Studio",
                                 "%(num)s videos from TikTok Studio", n),
              "videos", "video_id"),
    UserTable("audience_shares", "user_id = {p}",
              lambda n: _("your audience by territory and gender"),
              "audience.shares", "dimension, label"),
    UserTable("audience_activity", "user_id = {p}",
              lambda n: _("your followers' active hours"), "audience.activity", "day, hour"),
    UserTable("studio_daily", "user_id = {p}",
              lambda n: _("your daily numbers from TikTok Studio"), "daily", "day, series"),
    UserTable("studio_before", "user_id = {p}",
              lambda n: _("what your TikTok Studio imports replaced (kept for /undo)"),
              "studio_before", "action, tbl, row_key"),
    UserTable("studio_imports", "user_id = {p}",
              lambda n: ngettext("%(num)s TikTok Studio import",
                                 "%(num)s TikTok Studio imports", n),
              "studio_imports", "action"),
    UserTable("video_totals", "user_id = {p}",
              lambda n: _("your daily totals read from TikTok"), "video_totals", "day"),
    UserTable("rate_card", "user_id = {p}",
              lambda n: ngettext("%(num)s price on your rate card",
                                 "%(num)s prices on your rate card", n), "rate_card"),
    UserTable("guided_steps", "(platform, sender_id) IN (SELECT platform, platform_user_id "
              "FROM users WHERE id = {p})",
              lambda n: _("/log waiting for your numbers"),
              "waiting_commands", "chat_id", "platform, chat_id, command, expires_at"),
    UserTable("long_buttons", "(platform, owner) IN (SELECT platform, platform_user_id "  # noqa: S608
              f"FROM users WHERE id = {{p}}) AND key NOT LIKE '{UNDO_RECEIPT_PREFIX}%'",
              lambda n: ngettext("%(num)s button sent to you (the command it runs)",
                                 "%(num)s buttons sent to you (the commands they run)", n),
              "buttons", "expires_at, key", "platform, data, expires_at"),
    UserTable("long_buttons", "(platform, owner) IN (SELECT platform, platform_user_id "  # noqa: S608
              f"FROM users WHERE id = {{p}}) AND key LIKE '{UNDO_RECEIPT_PREFIX}%'",
              lambda n: ngettext("%(num)s /undo confirm remembered for a while (sent again, "
                                 "it says it removed them already)",
                                 "%(num)s /undo confirms remembered for a while (sent again, "
                                 "each says it removed them already)", n),
              "undo_confirms", "expires_at, key", "data, expires_at", key="undo_confirms"),
    UserTable("tiktok_auth_states", "user_id = {p}",
              lambda n: ngettext("%(num)s unfinished TikTok connect",
                                 "%(num)s unfinished TikTok connects", n),
              # never the consent's state or PKCE verifier: they are secrets
              "tiktok_connects", "expires_at", "chat_platform, chat_id, expires_at"),
    UserTable("tiktok_connections", "user_id = {p}",
              lambda n: _("your TikTok connection (its tokens)"), "tiktok"),
    UserTable("user_settings", "user_id = {p}",
              lambda n: _("your settings (language included)"), "settings"),
    UserTable("users", "id = {p}", lambda n: _("your chat account's id and name"), "user"),
)

#: The sections of ``/export`` both stores build themselves (parsed settings, a snapshot's typed
#: metrics, the TikTok connection without its tokens, …): every other table of
#: :data:`USER_TABLES` is exported row by row (:func:`export_statements`).
SHAPED_EXPORT: Final[frozenset[str]] = frozenset({
    "user", "settings", "snapshots", "replaced_snapshots", "tiktok", "goals", "payouts",
    "rate_card", "subscriptions"})

#: The schema's tables that hold nothing about a person, each with why. Every other table is
#: in :data:`USER_TABLES`: a new table goes in one or the other (the tests check the schema).
NOT_PERSONAL: Final[Mapping[str, str]] = {
    "seen_updates": "a platform's update numbers (Telegram's update_id, a counter of the "
                    "bot's updates) and when each arrived, kept an hour to drop redelivered "
                    "updates, and Telegram choices' presses as a hash keyed by the bot token, "
                    "kept 30 days: no person's id, name, message or number",
}


def delete_statements(placeholder: str) -> list[tuple[str, int]]:
    """``(DELETE statement, how many times the user's id is bound)`` for every table of
    :data:`USER_TABLES`, in order, with ``placeholder`` (``?`` or ``$1``) for the id."""
    return [(f"DELETE FROM {t.table} WHERE {t.where.format(p=placeholder)}",  # noqa: S608
             t.where.count("{p}")) for t in USER_TABLES]


def count_statements(placeholder: str) -> list[tuple[str, str, int]]:
    """``(name, SELECT count(*) statement, times the id is bound)`` for every table of
    :data:`USER_TABLES` (``name``: :attr:`UserTable.name`), matching
    :func:`delete_statements` row for row."""
    return [(t.name, f"SELECT count(*) FROM {t.table} WHERE "  # noqa: S608
             f"{t.where.format(p=placeholder)}", t.where.count("{p}")) for t in USER_TABLES]


def export_statements(placeholder: str, shaped: Collection[str] = ()
                      ) -> list[tuple[UserTable, str, int]]:
    """``(table, SELECT statement, times the id is bound)`` for every table of
    :data:`USER_TABLES` whose ``export`` key is not in ``shaped`` (the sections a store builds
    itself): its rows about the user, in the table's ``order``, with its exported
    ``columns``. Put each result in the export with :func:`add_rows`."""
    return [(t, f"SELECT {t.columns} FROM {t.table} WHERE "  # noqa: S608
             f"{t.where.format(p=placeholder)}" + (f" ORDER BY {t.order}" if t.order else ""),
             t.where.count("{p}")) for t in USER_TABLES if t.export not in shaped]


def add_rows(export: MutableMapping[str, Any], table: UserTable,
             rows: Collection[Mapping[str, Any]]) -> None:
    """Put ``rows`` (read with :func:`export_statements`) into ``export`` under ``table``'s
    ``export`` key, as JSON objects without the internal ``user_id``."""
    *parents, key = table.export.split(".")
    for parent in parents:
        export = export.setdefault(parent, {})
    export[key] = [{k: v for k, v in row.items() if k != "user_id"} for row in rows]


def stored_contents(counts: Mapping[str, int]) -> list[str]:
    """What is stored about a user, in words, table by table in :data:`USER_TABLES` order:
    each table with rows in ``counts`` (table -> rows about the user, as the stores'
    ``user_rows`` count them) named by its ``says``. /forget's list says this, and
    :func:`exported_contents` names the object sections of ``/export`` (settings, the TikTok
    connection) by the same counts: a user who never set anything has no settings row, and
    neither names settings (the file still shows the defaults)."""
    return [t.says(counts[t.name]) for t in USER_TABLES if counts.get(t.name)]


def exported_contents(export: Mapping[str, Any], counts: Mapping[str, int]) -> list[str]:
    """What an ``/export`` file holds, in words, table by table in :data:`USER_TABLES` order:
    each list section that has rows named by its table's ``says`` (``"2 logged payouts"``);
    an object section (settings, the TikTok connection, the account) by the stored rows in
    ``counts`` (as :func:`stored_contents`, /forget's list, names it: the file can't tell
    stored settings from the defaults it shows). Empty and ``None`` sections are left out.
    The same table list the export is built from, so the summary never names fewer kinds
    than the file carries."""
    said = []
    for table in USER_TABLES:
        section: Any = export
        for key in table.export.split("."):
            section = section.get(key) if isinstance(section, Mapping) else None
        if isinstance(section, list | tuple):
            count = len(section)
        else:
            count = counts.get(table.name, 0) if section else 0
        if count:
            said.append(table.says(count))
    return said
