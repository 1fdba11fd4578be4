"""What the TikTok client raises and the scopes it asks for, without the HTTP client: the
bot imports the client (aiohttp, aiolimiter) only when a TikTok app is configured."""

from __future__ import annotations

from typing import Final

SCOPES: Final = "user.info.basic,user.info.stats,video.list"


class TikTokError(Exception):
    """A failure a creator can be told about in one sentence; ``reason`` picks the sentence.

    Reasons: ``denied`` (consent refused), ``state`` (unknown, used or expired state),
    ``code`` (authorization code refused: replayed or expired), ``revoked`` (refresh token
    refused: consent withdrawn), ``expired_token`` (access token refused), ``rate_limited``,
    ``unavailable`` (5xx or unreachable after retries), ``bad_response`` (not the documented
    JSON), ``scope`` (a scope was not granted), ``config`` (client key/secret refused).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
