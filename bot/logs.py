"""Logging setup with a filter that keeps tokens out of every log line."""

from __future__ import annotations

import logging
from collections.abc import Iterable

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


def setup_logging(level: str, secrets: Iterable[str] = (), process: str | None = None) -> None:
    """Log to stderr at ``level`` with ``secrets`` redacted; ``process`` (``"worker 2"``)
    starts every line after the level, so several workers' lines can be told apart."""
    handler = logging.StreamHandler()
    where = f"{process} " if process else ""
    handler.setFormatter(logging.Formatter(
        f"%(asctime)s %(levelname)s {where}%(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "aiosqlite", "discord.gateway"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
