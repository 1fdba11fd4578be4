"""Logging setup with a filter that keeps tokens out of every log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path

#: Secrets made while running (a webhook secret generated at start): every filter redacts them.
_RUNTIME_SECRETS: list[str] = []


def redact_also(secret: str) -> None:
    """Keep ``secret``, made at run time, out of every log line from now on (the platform
    libraries log request parameters at DEBUG)."""
    if len(secret) >= 6 and secret not in _RUNTIME_SECRETS:
        _RUNTIME_SECRETS.append(secret)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets and not _RUNTIME_SECRETS:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True

    def redact(self, text: str) -> str:
        for secret in (*self._secrets, *_RUNTIME_SECRETS):
            text = text.replace(secret, "[REDACTED]")
        return text


#: Warnings a library logs that say nothing about this bot, by logger: the bot never joins a
#: voice channel, so discord.py's notes that its voice extras (PyNaCl, davey) are missing are
#: dropped; the media kit's headings are bold, and IPAexGothic (the Japanese fallback font,
#: ``bot.render.fonts``) has one weight, so matplotlib's note that it draws them at that
#: weight (seven lines in a creator's console for each ``/mediakit``) is dropped too, for that
#: font only. Matched on the message exactly (before formatting; with a tuple, also on its
#: arguments: None matches any): any other warning of the logger, and these messages from any
#: other logger, still show.
KNOWN_IRRELEVANT: dict[str, frozenset[str | tuple[str, tuple[object, ...]]]] = {
    "discord.client": frozenset({"PyNaCl is not installed, voice will NOT be supported",
                                 "davey is not installed, voice will NOT be supported"}),
    "matplotlib.font_manager": frozenset({
        ("findfont: Failed to find font weight %s for %s, now using %s.",
         (None, "IPAexGothic", None))}),
}


class DropMessages(logging.Filter):
    """Drop records whose message (before formatting) is one of ``messages``: a message
    alone, or a ``(message, arguments)`` pair whose arguments must match too (None: any)."""

    def __init__(self, messages: Iterable[str | tuple[str, tuple[object, ...]]]) -> None:
        super().__init__()
        self.messages = frozenset(m for m in messages if isinstance(m, str))
        self.with_args = {m[0]: m[1] for m in messages if not isinstance(m, str)}

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            return True
        if record.msg in self.messages:
            return False
        wanted = self.with_args.get(record.msg)
        if wanted is None:
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        return not (len(args) == len(wanted) and all(
            w is None or w == a for w, a in zip(wanted, args, strict=True)))


def quiet_known_irrelevant() -> None:
    """Put a :class:`DropMessages` for :data:`KNOWN_IRRELEVANT` on each of its loggers (once)."""
    for name, messages in KNOWN_IRRELEVANT.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropMessages) for f in logger.filters):
            logger.addFilter(DropMessages(messages))


#: The time stamp ``logging`` puts first on a line (``2026-11-30 03:40:00,123``).
_STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"


def log_format(process: str | None = None) -> str:
    """The format of every log line: time, level, ``process`` (``"worker 2"``) if any, the
    logger's name and the message."""
    where = f"{process} " if process else ""
    return f"%(asctime)s %(levelname)s {where}%(name)s: %(message)s"


def process_line(line: str, process: str) -> str:
    """``line`` of ``process``'s output (``"worker 2"``) as the supervisor shows it: a log
    line that :func:`log_format` already tagged with ``process`` as it is, any other line (an
    error printed before logging was set up, a traceback, a library's own print) with
    ``"worker 2: "`` before it, so every line says whose it is."""
    if re.match(rf"{_STAMP} [A-Z]+ {re.escape(process)} ", line):
        return line
    return f"{process}: {line}"


def setup_logging(level: str, secrets: Iterable[str] = (), process: str | None = None,
                  file: Path | None = None) -> None:
    """Log to stderr at ``level`` with ``secrets`` redacted; ``process`` (``"worker 2"``)
    starts every line after the level, so several workers' lines can be told apart. Known
    irrelevant library warnings are dropped (:data:`KNOWN_IRRELEVANT`).

    ``file``: log there instead (appended; at most about 1 MB, with the one before it kept
    as ``<file>.1``), or to stderr when it can't be opened (a read-only folder)."""
    handler: logging.Handler = logging.StreamHandler()
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(file, maxBytes=1_000_000, backupCount=1,
                                          encoding="utf-8")
        except OSError:
            pass
    handler.setFormatter(logging.Formatter(log_format(process)))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet_known_irrelevant()
    for noisy in ("httpx", "aiosqlite", "discord.gateway"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
