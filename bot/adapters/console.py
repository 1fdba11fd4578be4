"""Console adapter: a local chat in the terminal, and the one-shot ``ask`` used by scripts/tests.

Replies are rendered as plain text; attachments are written to ``<data_dir>/exports/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot import i18n
from bot.core.args import local_line, split_command, trimmed, visible
from bot.core.dispatcher import error_reply
from bot.core.guided import CANCELLED, NOTHING_TO_CANCEL, cancels, is_cancel, still_waiting
from bot.core.ports import DeliveryResult, DeliveryStatus, Destination
from bot.core.types import Action, ChatKind, Platform, Reply, Request
from bot.domain.numbers import punct
from bot.i18n import N_
from bot.render.formats import Format
from bot.runtime import App


@dataclass
class ConsoleResult:
    text: str
    ok: bool
    files: list[Path] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    @property
    def held(self) -> bool:
        """Nothing was stored: a reply asks to confirm input that looked wrong (see
        :attr:`~bot.core.types.Reply.held`)."""
        return any(r.held for r in self.replies)


#: The console user when none is named (``--user``): an id, not a name to greet anyone by.
DEFAULT_USER = "you"
#: The console's input history in the data folder: every line typed in the chat loop, by any
#: console user of that folder (readline keeps one history); a confirmed /forget clears it.
HISTORY_FILE = "console_history"

log = logging.getLogger(__name__)


def user_name(raw: str) -> str:
    """A console user's name as ``--user`` (and :class:`ConsoleAdapter`) takes it: valid
    Unicode, without the spaces or invisible formatting characters around it (``"alice "``
    and ``"\u200balice"`` are ``alice``, never a second user whose data looks lost). A
    ValueError for a name with nothing visible in it (empty, spaces, ``\u200b``), which no
    one could tell from another and whose files would have no name."""
    name = trimmed(_text(raw))
    if not name:
        raise ValueError(EMPTY_USER_NAME)
    return name


#: Why :func:`user_name` refuses a name (the command line's usage error, in English).
EMPTY_USER_NAME = "a console user name can't be empty or only spaces or invisible characters"


def failed_command(line: str) -> str:
    """The command ``line`` names (``"stats"`` for ``/stats`` or ``stats``; ``"ask"`` when it
    names none): what the sentence on a failure of the bot names."""
    return (split_command("/" + line.strip().lstrip("/")) or ("ask", ""))[0]


def failure_sentence(command: str, language: str) -> str:
    """The one sentence saying the bot failed on ``/command`` (errors/internal.j2's), in
    ``language``, unrendered: the renderer may be what failed."""
    with i18n.using(language):
        return i18n.gettext("Sorry, something went wrong on my side while running "
                            "%(command)s. It has been logged; please try again in a moment.",
                            command="/" + command)


def console_chat(user: str) -> str:
    """The chat id of console user ``user`` (``"console:zed"``): where their replies and
    their weekly digest go."""
    return f"console:{_text(user)}"


def _shown(action: Action) -> str:
    """What the console shows of a button, which the creator types to press it: a link as it
    is; a command line (canonical: English names, bot.core.args.command_line) with the field
    names of the current language (German ``/log Aufrufe=1000 confirm``) and its decimals
    (``/payout rewards=412,5 confirm``), as they are read in that language to the same
    values, and in every other one to the same values or refused (never another number),
    for a creator who types it after switching language (:func:`bot.core.args.local_line`)."""
    return action.command if action.url is not None else local_line(action.command)


class ConsoleAdapter:
    format = Format.PLAIN

    def __init__(self, app: App, *, user: str = DEFAULT_USER,
                 locale: str | None = None, one_shot: bool = False) -> None:
        self.app = app
        #: One command and no next line (``ask``): a bare /log, which asks for the numbers
        #: on the next line, is a usage error instead, and no hint speaks of a next line.
        self.one_shot = one_shot
        self.user = user_name(user)
        #: The terminal's language (LC_ALL, LC_MESSAGES, LANG); /settings language=… overrides.
        self.locale = locale or i18n.posix_locale() or i18n.SOURCE
        #: The language of the last reply (the creator's /settings language once they answer).
        self.language = self.locale
        self.exports = app.settings.data_dir / "exports"
        self.history_file = app.settings.data_dir / HISTORY_FILE
        #: The chat loop's readline history is on (:func:`_enable_history`): its lines in
        #: memory, written back to :attr:`history_file` when the loop ends.
        self._history_on = False
        self._guided: set[str] = set()  # users whose next line is the numbers for /log

    def _name(self, user: str | None) -> str:
        """Whose line it is: ``user`` (:func:`user_name`), else this console's user."""
        return self.user if user is None else user_name(user)

    @property
    def chat_id(self) -> str:
        """This console's own chat (its user's): the only one whose weekly posts it shows."""
        return console_chat(self.user)

    def request(self, command: str, raw_args: str, user: str | None = None) -> Request:
        name = self._name(user)
        return Request(
            platform=Platform.CONSOLE, user_id=name,
            # The default user has no name: /start greets without one ("Hi!"), never "Hi you!".
            display_name="" if name == DEFAULT_USER else name, chat_id=console_chat(name),
            chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw_args, is_admin=True,
            received_at=self.app.clock.now(), locale=self.locale,
        )

    async def ask(self, line: str, *, user: str | None = None) -> ConsoleResult:
        name = self._name(user)
        text = visible(_text(line)).strip()
        guided_line = False  # the line answers a bare /log's prompt
        if name in self._guided:
            if cancels(text, self.app.registry, self.language):
                # first: the wait ends, whatever follows the /cancel (bot.core.guided)
                self._guided.discard(name)
                return await self._said(name, CANCELLED)
            if text and not text.startswith("/"):
                text = "/log " + text  # the numbers asked for by a bare /log
                guided_line = True
        if text and not text.startswith("/"):
            first = text.split(maxsplit=1)[0].lower()
            if self.app.registry.get(first) is None and not is_cancel(first,
                                                                      self.app.registry):
                return await self._not_a_command(name)
            text = "/" + text  # in the console, "help" means "/help"
        parsed = split_command(text)
        if parsed is None:
            return await self._not_a_command(name)
        if is_cancel(parsed[0], self.app.registry):  # no guided step waits (see above)
            return await self._said(name, NOTHING_TO_CANCEL)
        replies = await self.app.dispatcher.handle(self.request(*parsed, user=user))
        prompted = any(r.template == "log_prompt" for r in replies)
        if self.one_shot and prompted:
            # no next line will come: say how to give the numbers in this one
            self.language = next((r.locale for r in replies if r.locale), self.language)
            with i18n.using(self.language):
                return ConsoleResult(i18n.gettext(
                    "/log needs your numbers on the same line here, for example %(example)s.",
                    example=local_line("/log followers=12000 views=40000")), ok=False)
        # A bare /log asks for the numbers: the next line that is not a command is them; any
        # command ends the wait (a mistake in the numbers keeps it, as on Telegram).
        if prompted:
            self._guided.add(name)
        elif parsed[0] != "log" or all(not r.is_error for r in replies):
            self._guided.discard(name)
        elif guided_line:  # a mistake keeps the wait: say how to leave it
            replies = still_waiting(replies, self.language)
        parts: list[str] = []
        files: list[Path] = []
        for reply in replies:
            self.language = reply.locale or self.language
            parts.append(self.app.renderer.render(reply, self.format))
            for attachment in reply.attachments:
                try:
                    path = await asyncio.to_thread(self._save, name, attachment.filename,
                                                   attachment.data)
                except OSError as exc:  # a full disk, a read-only folder: say so, carry on
                    with i18n.using(self.language):
                        reason = i18n.os_reason(exc)
                    failed = replace(error_reply(
                        "not_saved", filename=attachment.filename, folder=str(self.exports),
                        reason=reason, command=parsed[0]), locale=self.language)
                    parts.append(self.app.renderer.render(failed, self.format))
                    replies = [*replies, failed]
                    continue
                files.append(path)
                with i18n.using(self.language):
                    # the name it was saved under, once (it is the attachment's with the
                    # user's prefix: naming both read as two different files)
                    parts.append(i18n.gettext("Saved %(path)s", path=str(path)))
            if reply.template == "forgotten":
                removed = await asyncio.to_thread(self._remove_files, name)
                if removed:
                    with i18n.using(self.language):
                        parts.append(i18n.ngettext(
                            "Deleted %(num)s exported file of yours from %(folder)s.",
                            "Deleted %(num)s exported files of yours from %(folder)s.",
                            removed, folder=str(self.exports)))
                if await asyncio.to_thread(self._clear_history):
                    with i18n.using(self.language):
                        parts.append(i18n.gettext(
                            "Cleared this console's input history (%(file)s).",
                            file=str(self.history_file)))
            if reply.actions:
                with i18n.using(reply.locale or self.language):
                    colon = punct(": ")  # "[Label : /command]" in French
                    # a label that ends in its own mark ("How was this computed?") takes no
                    # colon
                    parts.append("  ".join(
                        f"[{a.label}{' ' if a.label and a.label[-1] in '?？!！' else colon}"
                        f"{_shown(a)}]" for a in reply.actions))
        ok = not any(r.is_error for r in replies)
        return ConsoleResult("\n".join(parts), ok=ok, files=files, replies=replies)

    def _save(self, user: str, filename: str, data: bytes) -> Path:
        """Write an attachment as ``<exports>/<user>-<filename>``, whole or not at all: users
        never overwrite each other's files, /forget finds the user's own, and a full disk
        leaves no half-written export."""
        self.exports.mkdir(parents=True, exist_ok=True)
        path = self.exports / f"{file_prefix(user)}{Path(filename).name}"
        partial = path.with_name(f".{path.name}.part")
        try:
            partial.write_bytes(data)
            partial.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        return path

    def _remove_files(self, user: str) -> int:
        if not self.exports.is_dir():
            return 0
        removed = 0
        prefix = file_prefix(user)
        for path in self.exports.iterdir():
            if not path.name.startswith(prefix) or not path.is_file():
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed

    def _clear_history(self) -> bool:
        """Clear the console's input history after a /forget: the lines in memory (else the
        chat loop writes them back when it ends) and :attr:`history_file`, which holds lines
        of every console user of this data folder (it can't tell whose). Whether there was
        any to clear; a file that can't be deleted is emptied instead."""
        cleared = False
        if self._history_on:
            import readline

            cleared = readline.get_current_history_length() > 0
            readline.clear_history()
        try:
            self.history_file.unlink()
        except FileNotFoundError:
            return cleared
        except OSError as exc:
            try:
                self.history_file.write_bytes(b"")
            except OSError:
                log.warning("console: could not clear %s: %s", self.history_file, exc)
                return cleared
        return True

    async def repl(
        self,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
    ) -> None:
        """Interactive chat until Ctrl-D, Ctrl-C or /quit.

        Lines are read in a daemon thread: Ctrl-C (which cancels this coroutine) leaves at
        once, and a read still waiting for a line never holds the process open."""
        history = _enable_history(self.history_file)
        self._history_on = history is not None
        # One line on what to type, not /start's greeting: a creator who then types /start
        # (as a chat bot teaches) would read the same greeting twice in a row.
        self.language = await self.app.dispatcher.language(Platform.CONSOLE,
                                                           _text(self.user), self.locale)
        with i18n.using(self.language):
            write(i18n.gettext("Creator Advisor: type /start to see what I do, or /help for every "
                                "command."))
            write(i18n.gettext("(Ctrl-D or /quit to leave)"))
        try:
            while True:
                try:
                    with i18n.using(self.language):
                        prompt = i18n.gettext("you › ")
                    line = await _read_line(read, prompt)
                except (EOFError, KeyboardInterrupt, asyncio.CancelledError):
                    write("")
                    break
                if not line.strip():
                    continue
                if line.strip() in {"/quit", "/exit", "quit", "exit"}:
                    break
                try:
                    text = (await self.ask(line)).text
                except Exception:  # a bug past the dispatcher's own catch (the rendering, say)
                    command = failed_command(line)
                    log.exception("console /%s failed", command)  # to the log file, not here
                    text = failure_sentence(command, self.language)
                write(text)
        finally:
            if history is not None:
                history()
            self._history_on = False
        saved = await self._has_numbers()
        with i18n.using(self.language):
            write(i18n.gettext("Bye! Your numbers are saved for next time.") if saved
                  else i18n.gettext("Bye!"))

    async def _has_numbers(self) -> bool:
        """Whether the store holds a snapshot of this console user (none after /forget)."""
        user = await self.app.store.find_user(Platform.CONSOLE.value, _text(self.user))
        return user is not None and await self.app.store.latest_snapshot(user.id) is not None

    async def _not_a_command(self, user: str) -> ConsoleResult:
        """The hint for a line that is no command, in ``user``'s /settings language (else
        the terminal's)."""
        return await self._said(user, ONE_SHOT_NOT_A_COMMAND if self.one_shot
                                else NOT_A_COMMAND, ok=False)

    async def _said(self, user: str, message: str, *, ok: bool = True) -> ConsoleResult:
        """What the console says itself (``message``, a message id), in ``user``'s /settings
        language (else the terminal's)."""
        self.language = await self.app.dispatcher.language(Platform.CONSOLE, user, self.locale)
        with i18n.using(self.language):
            return ConsoleResult(i18n.translate(message), ok=ok)


NOT_A_COMMAND = N_("Commands start with /, for example /log followers=12k or /help. "
                   "(After a bare /log, the next line is read as your numbers.)")
#: The same for ``ask``, where no next line comes.
ONE_SHOT_NOT_A_COMMAND = N_("Commands start with /, for example /log followers=12k or /help.")


def file_prefix(user: str) -> str:
    """The start of every file saved for ``user``: ``<readable>-<hash>-``.

    ``readable`` is the name with every character but ASCII letters, digits and ``_`` turned
    into ``_`` (at most 40), ``hash`` the first 12 hex digits of the SHA-256 of the exact
    name, so two names never share a prefix (``a/b``, ``a-b`` and ``a\nb`` differ) and,
    ``readable`` holding no ``-``, one user's prefix is never the start of another's file."""
    readable = re.sub(r"[^A-Za-z0-9_]", "_", user)[:40]
    digest = hashlib.sha256(user.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable}-{digest}-"


async def _read_line(read: Callable[[str], str], prompt: str) -> str:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def settle(result: str | None, error: BaseException | None) -> None:
        if future.done():  # the wait was cancelled (Ctrl-C)
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or "")

    def work() -> None:
        line: str | None
        error: BaseException | None
        try:
            line = read(prompt)
        except BaseException as exc:  # EOFError, KeyboardInterrupt: handed to the loop
            line, error = None, exc
        else:
            error = None
        with contextlib.suppress(RuntimeError):  # the console has closed meanwhile
            loop.call_soon_threadsafe(settle, line, error)

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return await future


class ConsoleDeliverer:
    """Weekly posts for console subscriptions: printed (for local runs and ``post-due``)."""

    platform = "console"

    def __init__(self, app: App, write: Callable[[str], None] = print) -> None:
        self.app = app
        self.write = write
        #: The reader left (a broken pipe): nothing more is written in this process.
        self.closed = False

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        """Print the post (flushed, so a post counts as sent only once it left for the
        reader). When the reader is gone (``post-due | head``: a broken pipe) nothing more can
        be delivered in this run: STOP, so the post is given back and the run stops; standard
        output then goes to the null device (Python's advice on SIGPIPE), so nothing more
        fails or prints a traceback at exit."""
        if self.closed:  # posts already on their way when the reader left write nothing
            return DeliveryResult(DeliveryStatus.STOP, "the console's reader left")
        text = self.app.renderer.render(reply, Format.PLAIN)
        try:
            self.write(f"── weekly post for {destination.chat_id} ──\n{text}")
            if self.write is print:
                sys.stdout.flush()
        except BrokenPipeError:
            self.closed = True
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
            return DeliveryResult(DeliveryStatus.STOP, "the console's reader left")
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
