"""Console adapter: a local chat in the terminal, and the one-shot ``ask`` used by scripts/tests.

Replies are rendered as plain text; attachments are written to ``<data_dir>/exports/``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.args import split_command
from bot.core.dispatcher import error_reply
from bot.core.ports import DeliveryResult, DeliveryStatus, Destination
from bot.core.types import ChatKind, Platform, Reply, Request
from bot.render.formats import Format
from bot.runtime import App

PROMPT = "you › "


@dataclass
class ConsoleResult:
    text: str
    ok: bool
    files: list[Path] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)


class ConsoleAdapter:
    format = Format.PLAIN

    def __init__(self, app: App, *, user: str = "you") -> None:
        self.app = app
        self.user = user
        self.exports = app.settings.data_dir / "exports"

    def request(self, command: str, raw_args: str, user: str | None = None) -> Request:
        name = _text(user or self.user)
        return Request(
            platform=Platform.CONSOLE, user_id=name, display_name=name, chat_id=f"console:{name}",
            chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw_args, is_admin=True,
            received_at=self.app.clock.now(),
        )

    async def ask(self, line: str, *, user: str | None = None) -> ConsoleResult:
        text = _text(line).strip()
        if text and not text.startswith("/"):
            text = "/" + text  # in the console, "help" means "/help"
        parsed = split_command(text)
        if parsed is None:
            return ConsoleResult("Commands start with /, e.g. /help.", ok=False)
        replies = await self.app.dispatcher.handle(self.request(*parsed, user=user))
        parts: list[str] = []
        files: list[Path] = []
        for reply in replies:
            parts.append(self.app.renderer.render(reply, self.format))
            for attachment in reply.attachments:
                try:
                    path = await asyncio.to_thread(self._save, attachment.filename,
                                                   attachment.data)
                except OSError as exc:  # a full disk, a read-only folder: say so, carry on
                    failed = error_reply(
                        "not_saved", filename=attachment.filename, folder=str(self.exports),
                        reason=(exc.strerror or str(exc)).lower(), command=parsed[0])
                    parts.append(self.app.renderer.render(failed, self.format))
                    replies = [*replies, failed]
                    continue
                files.append(path)
                parts.append(f"Saved {attachment.filename} to {path}")
            if reply.actions:
                parts.append("  ".join(f"[{a.label}: {a.command}]" for a in reply.actions))
        ok = not any(r.is_error for r in replies)
        return ConsoleResult("\n".join(parts), ok=ok, files=files, replies=replies)

    def _save(self, filename: str, data: bytes) -> Path:
        """Write the file whole or not at all (a full disk leaves no half-written export)."""
        self.exports.mkdir(parents=True, exist_ok=True)
        path = self.exports / Path(filename).name
        partial = path.with_name(f".{path.name}.part")
        try:
            partial.write_bytes(data)
            partial.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        return path

    async def repl(
        self,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
    ) -> None:
        """Interactive chat until Ctrl-D (or Ctrl-C, or /quit)."""
        history = _enable_history(self.app.settings.data_dir / "console_history")
        first = await self.ask("/start")
        write(first.text)
        write("(Ctrl-D to leave)")
        try:
            while True:
                try:
                    line = await asyncio.to_thread(read, PROMPT)
                except (EOFError, KeyboardInterrupt):
                    write("")
                    break
                if not line.strip():
                    continue
                if line.strip() in {"/quit", "/exit", "quit", "exit"}:
                    break
                result = await self.ask(line)
                write(result.text)
        finally:
            if history is not None:
                history()
        write("Bye! Your numbers are saved for next time.")


class ConsoleDeliverer:
    """Weekly posts for console subscriptions: printed (for local runs and ``post-due``)."""

    platform = "console"

    def __init__(self, app: App, write: Callable[[str], None] = print) -> None:
        self.app = app
        self.write = write

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        text = self.app.renderer.render(reply, Format.PLAIN)
        self.write(f"── weekly post for {destination.chat_id} ──\n{text}")
        return DeliveryResult(DeliveryStatus.SENT)


def _text(raw: str) -> str:
    """Text from the terminal or the command line as valid Unicode: bytes that are not UTF-8
    (kept by Python as lone surrogates, which SQLite and the terminal refuse) become U+FFFD."""
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _enable_history(path: Path) -> Callable[[], None] | None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)

    return save
