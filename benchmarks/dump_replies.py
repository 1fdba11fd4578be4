"""Dump the replies of a broad mix of commands, for checking that a speed-up changed none.

Every command's examples (and the benchmarks' mix: a first /log, /estimate, /tips, /stats),
plus explained estimates, rate cards, /why, /goal and /progress, from users with different
histories, in the bot's six languages, rendered in every format (plain, Telegram HTML,
Discord markdown) with each reply's title, buttons, data and attachments, on a clock that
moves only by the script. Run it at two commits and compare the files:

    PYTHONPATH=/path/to/a python -m benchmarks.dump_replies /tmp/a.txt
    PYTHONPATH=/path/to/b python -m benchmarks.dump_replies /tmp/b.txt && cmp /tmp/a.txt /tmp/b.txt
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import running
from bot.config import Settings
from bot.core.types import ChatKind, Platform, Request
from bot.render.formats import Format

LANGUAGES = ("en", "es", "pt_BR", "de", "fr", "ja")
#: Commands that connect, read files or delete everything: not in the mix.
SKIPPED = {"connect", "disconnect", "import", "export", "forget", "mediakit"}
#: Lines sent besides every command's own examples.
EXTRA = (
    "/log followers=1200 views=30k likes=2k", "/estimate", "/tips", "/stats",
    "/estimate explain", "/estimate followers=50k views=1.2M", "/estimate explain public",
    "/ratecard", "/why", "/goal followers=20k", "/progress", "/goal", "/estimate explain",
    "/tips", "/payout", "/history", "/log followers=1300 views=31k likes=2.1k",
    "/estimate", "/stats", "/progress", "/why", "/undo",
)


class Clock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


async def dump(tmp: Path) -> list[str]:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'd.db'}",  # type: ignore[call-arg]
                        data_dir=tmp, rate_limit_burst=0)
    clock = Clock()
    lines: list[str] = []
    async with running(settings, clock=clock) as app:
        start = datetime(2025, 11, 3, 12, tzinfo=UTC)
        for lang in LANGUAGES:
            weekly = await app.store.ensure_user("telegram", f"weekly-{lang}", "Weekly")
            await app.store.update_settings(weekly.id, {"region": "US", "adult": True})
            await app.store.import_snapshots(weekly.id, [
                (start + timedelta(weeks=w),
                 {"followers": 8000 + 150 * w, "views": 90_000 + 500 * w, "likes": 8000.0,
                  "comments": 300.0, "shares": 150.0, "videos_per_week": 3.0,
                  "avg_video_length": 40.0}) for w in range(52)])
            big = await app.store.ensure_user("telegram", f"big-{lang}", "Big & <b>")
            await app.store.update_settings(big.id, {"region": "DE", "adult": True})
            await app.store.import_snapshots(big.id, [
                (start + timedelta(days=3 * d),
                 {"followers": 90_000 + 900 * d, "views": 2_000_000 + 7000 * d,
                  "likes": 150_000.0, "comments": 3000.0, "shares": 2000.0,
                  "videos_per_week": 5.0, "avg_video_length": 75.0}) for d in range(100)])
            small = await app.store.ensure_user("telegram", f"small-{lang}", "Small")
            await app.store.import_snapshots(small.id, [
                (start + timedelta(weeks=10 * w), {"followers": 300 + 40 * w, "views": 1200})
                for w in range(3)])
        lines_of = [ex for spec in app.registry if spec.name not in SKIPPED
                    for ex in spec.examples]
        script = [*EXTRA, *lines_of, "/start", "/help"]
        users = ("fresh", "weekly", "big", "small")
        for line in script:
            command, _, raw = line[1:].partition(" ")
            for who in users:
                for lang in LANGUAGES:
                    clock.current += timedelta(minutes=7)
                    uid = f"{who}-{lang}"
                    req = Request(platform=Platform.TELEGRAM, user_id=uid,
                                  display_name=uid, chat_id=uid, chat_kind=ChatKind.PRIVATE,
                                  command=command, raw_args=raw, locale=lang)
                    for reply in await app.dispatcher.handle(req):
                        lines.append(f"=== {uid} {line} template={reply.template} "
                                     f"title={reply.title!r} error={reply.is_error} "
                                     f"held={reply.held} vis={reply.visibility}")
                        lines.append(f"actions={reply.actions!r}")
                        lines.append(f"data={reply.data!r}")
                        for a in reply.attachments:
                            lines.append(f"attachment {a.filename} {a.content_type} "
                                         f"{hashlib.sha256(a.data).hexdigest()}")
                        for fmt in Format:
                            lines.append(f"--- {fmt.value}")
                            lines.append(app.renderer.render(reply, fmt))
    return lines


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out", type=Path)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        lines = asyncio.run(dump(Path(tmp)))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} lines written to {args.out}")


if __name__ == "__main__":
    main()
