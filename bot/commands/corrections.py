"""/undo and /history: see what is stored and take a mistake back."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands.keys import confirm_key, confirms, typed_key
from bot.commands.payouts import payout_view
from bot.core.context import CommandContext
from bot.core.fieldnames import typed
from bot.core.ports import UNDO_RECEIPT_PREFIX, SnapshotEntry, StudioRecord
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Action, Reply
from bot.domain.daily import iso_date, shown_moment, snapshot_day, wall_time_repeats
from bot.domain.metrics import METRIC_NAMES, format_typed
from bot.domain.numbers import compact, first_shown, kept
from bot.domain.refusals import Refusal
from bot.i18n import gettext as _
from bot.i18n import lazy, ngettext, pgettext

HISTORY_DEFAULT = 10
HISTORY_MAX = 50


def entry_day(entry: SnapshotEntry, zone: tzinfo) -> date:
    """The day a snapshot belongs to (:func:`~bot.domain.daily.snapshot_day`, as the import
    counts it): an imported row dated by day alone its date as written in the file, any other
    its date in the creator's time zone."""
    return snapshot_day(entry.snapshot.taken_at, zone)


def typed_text(entry: SnapshotEntry) -> str:
    """What was typed in a snapshot, as ``followers=12k views=40k``, with the field names of
    the current language (German ``Follower=12.000 Aufrufe=40.000``), each value with the
    digits it was typed with (:func:`~bot.domain.metrics.format_typed`: 1.25M, never 1.3M)."""
    snap = entry.snapshot
    return " ".join(typed(name, format_typed(name, getattr(snap, name)))
                    for name in METRIC_NAMES if name in snap.given)


def source_word(source: str) -> str:
    """Where a snapshot came from, as a label in the current language."""
    if source == "import":
        return pgettext("snapshot source", "imported")
    if source == "sync":
        return pgettext("snapshot source", "read from TikTok")
    return pgettext("snapshot source", "logged")


def entry_view(entry: SnapshotEntry, zone: ZoneInfo) -> dict[str, Any]:
    """A snapshot for /history and /undo. ``when`` is ISO text, shown by the templates'
    ``stamp`` filter: an imported row's date when it has no time of day (``'2026-11-09'``),
    any other's local time to the minute with its offset (``'2026-11-29T22:46+01:00'``)."""
    when = shown_moment(entry.snapshot.taken_at, zone)
    return {"when": when, "source": source_word(entry.source),
            # a local time that happens twice (the clocks went back): shown with its offset
            "offset": wall_time_repeats(entry.snapshot.taken_at, zone),
            "typed": typed_text(entry),
            # what ``typed`` says, as plain numbers under the metric names (for ``ask --json``)
            "values": {name: getattr(entry.snapshot, name) for name in sorted(
                entry.snapshot.given) if getattr(entry.snapshot, name, None) is not None},
            "taken_at": entry.snapshot.taken_at.isoformat()}


def audience_part(part: str) -> str:
    """One kind of audience data an import wrote (``bot.store.studio_undo.AUDIENCE_PARTS``),
    as a list item in the current language."""
    if part == "territories":
        return _("follower territories")
    if part == "genders":
        return _("follower genders")
    if part == "active hours":
        return _("followers' active hours")
    return part


def studio_record_view(record: StudioRecord, zone: ZoneInfo) -> dict[str, Any]:
    """A TikTok Studio import in plain words, for /history and /undo: when, which files, and
    what it wrote beside the snapshots (``parts``: list items in the current language;
    ``audience``: the kinds of audience data, keys of ``studio_undo.AUDIENCE_PARTS``, each
    said as a whole sentence by the templates)."""
    parts = []
    if record.videos_added:
        parts.append(ngettext("%(num)s new video", "%(num)s new videos", record.videos_added))
    if record.videos_updated:
        parts.append(ngettext("%(num)s video updated", "%(num)s videos updated",
                              record.videos_updated))
    parts.extend(audience_part(p) for p in record.audience)
    if record.daily_days:
        parts.append(ngettext("%(num)s day of profile views or viewers",
                              "%(num)s days of profile views or viewers", record.daily_days))
    return {"when": record.imported_at.astimezone(zone).isoformat(timespec="minutes"),
            "files": record.files or _("TikTok Studio files"), "parts": parts,
            "added": record.videos_added, "updated": record.videos_updated,
            "audience": list(record.audience), "days": record.daily_days}


def removal_view(entries: list[SnapshotEntry], zone: ZoneInfo,
                 record: StudioRecord | None = None) -> dict[str, Any]:
    """What a removal takes away: one /log, one import (as a whole: ``record`` is a TikTok
    Studio import's videos, audience and daily series) or one day's snapshots."""
    days = sorted({entry_day(e, zone) for e in entries})
    shown, more = first_shown(entries)
    return {
        "count": len(entries),
        "studio": None if record is None else studio_record_view(record, zone),
        "import": record is not None or (
            all(e.source == "import" for e in entries) and len(entries) > 0),
        "first": days[0].isoformat() if days else None,
        "last": days[-1].isoformat() if days else None,
        "entries": [entry_view(e, zone) for e in shown],
        "more": more,  # the entries not shown: "… and 3 more"
    }


def _parse_day(text: str) -> date:
    try:
        return iso_date(text)  # (never a week without its day: 2026-W46)
    except ValueError:
        raise Refusal(_("'%(text)s' is not a date; use YYYY-MM-DD, e.g. date=2026-11-20.",
                        text=kept(text))) from None


def removal_key(entries: list[SnapshotEntry], record: StudioRecord | None = None) -> str:
    """A short name for exactly these snapshots (and TikTok Studio import) as they are now (8
    hex digits of a SHA-256 of their ids, actions and contents, see
    :func:`bot.commands.keys.confirm_key`): a preview puts it in its confirm command, so the
    confirm removes what was shown, and a same-day /log that changed a shown row changes the
    key. The same rows give the same key in every process, so a confirm sent from a later
    ``ask`` or after a restart matches its preview."""
    return confirm_key("undo", sorted(entries, key=lambda e: e.id), record)


#: How long a confirm that removed something is remembered (:func:`_removed_by`): a replay
#: of it within that time (sent again, its button pressed twice) says it removed them
#: already; after it, that its key matches nothing /undo would remove now.
REMOVED_KEPT = timedelta(days=30)


def _removed_key(ctx: CommandContext, key: str) -> str:
    """Where the confirm with ``key`` is remembered once it removed what its preview showed:
    a row kept as a button's is (:meth:`~bot.core.ports.Store.keep_button`, the creator its
    owner, so /forget deletes it), under a name no button takes
    (:data:`~bot.core.ports.UNDO_RECEIPT_PREFIX`: /forget lists and /export writes such rows
    apart from buttons)."""
    assert ctx.user is not None
    return f"{UNDO_RECEIPT_PREFIX}{ctx.user.id}:{key}"


async def _removed_by(ctx: CommandContext, key: str) -> bool:
    """Whether a confirm with ``key`` removed what its preview showed (within
    :data:`REMOVED_KEPT`): the removed rows are gone, so no key of what is stored now can
    say it, as a repeated /payout's or /log's does; what the confirm ran is kept instead."""
    assert ctx.user is not None
    return await ctx.store.button(ctx.user.platform, _removed_key(ctx, key),
                                  ctx.clock.now()) is not None


def _parse_key(text: str) -> str:
    key = typed_key(text)
    if key is None:
        raise Refusal(_("'%(text)s' is not an /undo key; send /undo to see what it would "
                        "remove.", text=kept(text)))
    return key


@command(
    "undo",
    summary="Take back your last /log or import (asks first): /undo, then the confirm it shows",
    help=("Shows what it would remove: your most recent /log, or your most recent import as a "
          "whole (a TikTok Studio import with its videos, audience and daily numbers: videos it "
          "updated go back to their earlier numbers, videos it added go). The confirm it shows "
          "(/undo confirm key=…, or the Remove it button) removes exactly that; a confirm "
          "without its key, or one whose numbers changed since, gets the preview instead. "
          "Send /undo again to go further back. /undo date=YYYY-MM-DD shows that day's "
          "snapshot to remove instead (see /history). Values "
          "carried forward from what you remove are recomputed."),
    args=(ArgSpec("confirm", ArgType.FLAG, "Remove it.", "confirm"),
          ArgSpec("cancel", ArgType.FLAG, "Keep it.", "cancel"),
          ArgSpec("date", ArgType.TEXT, "Remove that day's snapshot instead.",
                  "date=2026-11-20", normalize=_parse_day, aliases=("day",)),
          ArgSpec("key", ArgType.TEXT, "What the preview showed (set by /undo's preview).",
                  "key=3fa9c2d1", normalize=_parse_key)),
    examples=("/undo", "/undo confirm key=3fa9c2d1", "/undo date=2026-11-20"),
    personal=True,
    group="your numbers",
)
async def undo(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    if args.get("cancel"):
        return Reply("undo_cancelled")
    settings = await ctx.store.get_settings(ctx.user.id)
    zone = settings.zone
    day: date | None = args.get("date")
    record: StudioRecord | None = None
    if day is not None:
        entries = [e for e in await ctx.store.entries(ctx.user.id)
                   if entry_day(e, zone) == day]
    else:
        entries = await ctx.store.last_action(ctx.user.id)
        records = await ctx.store.studio_imports(ctx.user.id)
        # The most recent action is its snapshots' or a Studio import's (which may have
        # written none); last_action already picks the higher of the two.
        if records and (not entries or records[-1].action >= entries[0].action):
            record = records[-1]
    view = removal_view(entries, zone, record)
    typed_key_ = args.get("key")
    current = removal_key(entries, record) if entries or record is not None else None
    if (confirms(args) and typed_key_ is not None and typed_key_ != current
            and await _removed_by(ctx, typed_key_)):
        # a replay of a confirm that removed them (sent again, its button pressed twice):
        # said as what it is, as /log's and /payout's are, never "that key doesn't match"
        return Reply("undo_removed_already", {"left": await ctx.store.count_snapshots(
            ctx.user.id)}, held=True)
    if not entries and record is None:
        # A date that names no snapshot is refused as any argument naming nothing is (a
        # /payout remove= past the list): ``ask`` exits 2 (cli.ask_status reads is_error).
        # Nothing stored at all is an answer, as /cancel with nothing to cancel is.
        return Reply("undo_nothing", {"date": None if day is None else day.isoformat(),
                                      "any": await ctx.store.count_snapshots(ctx.user.id)},
                     is_error=day is not None)
    key = removal_key(entries, record)
    action = record.action if record is not None else entries[0].action
    # Only a confirm carrying the key of what its preview showed removes anything: a bare
    # "confirm" (typed, or sent twice) gets the preview, so nothing unseen is removed.
    # A key= alone is a confirm (keys.confirms): only the confirm line carries one.
    changed = confirms(args) and args.get("key") not in (None, key)
    # a confirm with no key at all says so, as /forget's does (one sentence for both)
    refused = bool(args.get("confirm")) and args.get("key") is None
    if not confirms(args) or args.get("key") is None or changed:
        restores = 0 if day is not None else await ctx.store.replaced_by(ctx.user.id, action)
        # one line, shown and run by the button (language-neutral: an ISO date, a hex key)
        confirm = ctx.again({} if day is None else {"date": day}, confirm=True, key=key)
        return Reply("undo_preview", {"removal": view, "date": args.get("date") is not None,
                                      "restores": restores, "changed": bool(changed),
                                      "refused": refused, "command": confirm},
                     actions=(Action(_("Remove it"), confirm, "danger"),
                              Action(_("Keep it"), "/undo cancel")),
                     is_error=bool(changed) or refused)
    if day is not None:
        removed = await ctx.store.remove_snapshots(ctx.user.id, [e.id for e in entries])
    else:
        removed = await ctx.store.undo_action(ctx.user.id, action)
    now = ctx.clock.now()
    # remembered as the command it ran (a row of the buttons sent to them: /forget's)
    await ctx.store.keep_button(ctx.user.platform, _removed_key(ctx, key),
                                ctx.user.platform_user_id, ctx.again(
                                    {} if day is None else {"date": day}, confirm=True,
                                    key=key), now + REMOVED_KEPT, now)
    latest = await ctx.store.entries(ctx.user.id, limit=1)
    return Reply("undone", {"removal": view, "removed": removed, "date": day is not None,
                            "latest": entry_view(latest[-1], zone) if latest else None,
                            "left": await ctx.store.count_snapshots(ctx.user.id)})


@command(
    "history",
    summary="Your recent snapshots: when, what you typed, logged or imported",
    help=lazy("Lists your most recent snapshots (the last %(default)s, or as many as you ask, "
              "up to %(most)s) with their date, what was typed and whether it was logged or "
              "imported, then your TikTok Studio imports and what each wrote. Remove one with "
              "/undo or /undo date=YYYY-MM-DD.", default=HISTORY_DEFAULT, most=HISTORY_MAX),
    args=(ArgSpec("n", ArgType.COUNT, "How many snapshots to show.", "n=20", minimum=1,
                  maximum=HISTORY_MAX, positional=True, aliases=("count", "last"),
                  thousands=False),),
    examples=("/history", "/history 30"),
    personal=True,
    group="your numbers",
)
async def history(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    n = int(args.get("n") or HISTORY_DEFAULT)
    settings = await ctx.store.get_settings(ctx.user.id)
    zone = settings.zone
    entries = await ctx.store.entries(ctx.user.id, limit=n)
    # each list cut at n says how many it shows of how many (as the snapshots' does)
    all_payouts = await ctx.store.payouts(ctx.user.id)
    all_imports = await ctx.store.studio_imports(ctx.user.id)
    payouts, imports = all_payouts[-n:], all_imports[-n:]
    if not entries and not payouts and not imports:
        return Reply("no_metrics", {"command": "history"})
    total = await ctx.store.count_snapshots(ctx.user.id)
    return Reply("history", {"entries": [entry_view(e, zone) for e in reversed(entries)],
                             "shown": len(entries), "total": total,
                             "total_text": compact(total),
                             "payouts": [payout_view(p, zone) for p in reversed(payouts)],
                             "payouts_total": len(all_payouts),
                             "imports": [studio_record_view(r, zone) for r in reversed(imports)],
                             "imports_total": len(all_imports),
                             "timezone": settings.timezone})
