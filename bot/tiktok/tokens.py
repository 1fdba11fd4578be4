"""Tokens at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``).

The key is ``TOKEN_ENCRYPTION_KEY`` or, when that is empty, ``DATA_DIR/tiktok-token.key``,
created on first use with permissions 0600.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

KEY_FILE = "tiktok-token.key"


class TokenKeyError(Exception):
    """The encryption key is unusable (bad format, unreadable file); the text says which."""


class TokenCipher:
    """Encrypts and decrypts token strings; ciphertext is what the store keeps."""

    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise TokenKeyError(
                "TOKEN_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from exc

    def encrypt(self, token: str) -> bytes:
        return self._fernet.encrypt(token.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        """Raises :class:`TokenKeyError` when the key changed since the token was stored."""
        try:
            return self._fernet.decrypt(ciphertext).decode("utf-8")
        except InvalidToken as exc:
            raise TokenKeyError("a stored TikTok token cannot be decrypted with this key "
                                "(was TOKEN_ENCRYPTION_KEY changed?)") from exc


def load_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, else the key file in ``data_dir`` (created 0600 if missing)."""
    if configured:
        return configured.encode("ascii", "replace")
    path = data_dir / KEY_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                log.warning("%s is readable by other users (mode %o); chmod 600 it", path, mode)
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as out:
            out.write(Fernet.generate_key())
        log.info("created the token encryption key %s", path)
        return path.read_bytes().strip()
    except OSError as exc:
        raise TokenKeyError(f"cannot use the token key file {path}: {exc.strerror}") from exc
