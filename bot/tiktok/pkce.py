"""PKCE (RFC 7636) with the S256 method, and the OAuth ``state``: the standard library suffices.

``verifier``: 64 characters from the unreserved set (RFC 7636 §4.1 allows 43-128);
``challenge``: BASE64URL(SHA256(ASCII(verifier))) without padding (§4.2).
"""

from __future__ import annotations

import base64
import hashlib
import secrets


def make_verifier() -> str:
    """A fresh code verifier: 48 random bytes, base64url, 64 characters."""
    return secrets.token_urlsafe(48)


def s256_challenge(verifier: str) -> str:
    """The S256 code challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_state() -> str:
    """An unguessable, single-use OAuth ``state`` (256 bits)."""
    return secrets.token_urlsafe(32)
