"""The small parts: PKCE, token encryption and its key file, and the per-video arithmetic."""

from __future__ import annotations

import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.domain.studio import Video
from bot.domain.videos import DayTotals, period_counts, posting_habits, totals
from bot.tiktok.pkce import make_state, make_verifier, s256_challenge
from bot.tiktok.tokens import KEY_FILE, TokenCipher, TokenKeyError, load_key

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifiers_and_states_are_fresh_and_well_formed() -> None:
    verifiers = {make_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43,128}", v) for v in verifiers)
    assert make_state() != make_state()


def test_the_key_file_is_created_once_with_mode_600(tmp_path: Path) -> None:
    key = load_key(None, tmp_path / "data")
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(None, tmp_path / "data") == key  # reused, not replaced
    cipher = TokenCipher(key)
    sealed = cipher.encrypt("act.secret-token")
    assert b"secret-token" not in sealed and cipher.decrypt(sealed) == "act.secret-token"


def test_a_configured_key_wins_and_a_bad_one_is_one_sentence(tmp_path: Path) -> None:
    configured = Fernet.generate_key().decode()
    assert load_key(configured, tmp_path) == configured.encode()
    assert not (tmp_path / KEY_FILE).exists()
    with pytest.raises(TokenKeyError, match="TOKEN_ENCRYPTION_KEY is not a Fernet key"):
        TokenCipher(load_key("not-a-key", tmp_path))
    sealed = TokenCipher(Fernet.generate_key()).encrypt("x")
    with pytest.raises(TokenKeyError, match="cannot be decrypted"):
        TokenCipher(Fernet.generate_key()).decrypt(sealed)


def video(vid: str, days_old: float, views: float, duration: float = 30) -> Video:
    at = NOW - timedelta(days=days_old)
    return Video(vid, "", "", at.date(), NOW.date(), views, views / 10, 1, 1, posted_at=at,
                 duration=duration, source="sync")


def test_30_day_counts_are_growth_since_a_reading_30_days_old() -> None:
    vids = [video("a", 100, 5_000), video("b", 50, 2_000)]
    now_totals = totals("2026-11-02", vids)
    old = DayTotals("2026-10-02", 6_000, 600, 2, 2)
    newer = DayTotals("2026-10-20", 6_500, 650, 2, 2)  # too recent to be the base
    assert period_counts(NOW, now_totals, [old, newer], vids) == {
        "views": 1_000, "likes": 100, "comments": 0, "shares": 0}
    assert period_counts(NOW, now_totals, [newer], vids) == {}  # no month of readings yet
    deleted = DayTotals("2026-10-01", 9_000, 900, 9, 9)  # a deleted video lowered the sum
    assert period_counts(NOW, now_totals, [deleted], vids)["views"] == 0


def test_posting_habits_from_dates_and_lengths() -> None:
    vids = [video(str(i), i * 3.5, 100, duration=20 + i) for i in range(12)]
    habits = posting_habits(NOW, vids)
    assert habits["videos_per_week"] == 9 * 7 / 28  # 0, 3.5, … 28 days old
    assert habits["avg_video_length"] == 24.5  # the 10 newest: 20..29 s
    assert posting_habits(NOW, []) == {}


def test_where_the_callback_listens() -> None:
    from bot.config import Settings
    from bot.tiktok.web import listen_address

    def at(uri: str, **more: object) -> tuple[str, int]:
        return listen_address(Settings(_env_file=None, tiktok_redirect_uri=uri,  # type: ignore[call-arg]
                                       **more))

    assert at("http://127.0.0.1:3455/callback/") == ("127.0.0.1", 3455)
    assert at("http://localhost:9000/cb") == ("localhost", 9000)
    assert at("https://bot.example.com/tiktok/callback") == ("127.0.0.1", 8765)  # never 443
    assert at("https://bot.example.com/cb", tiktok_callback_listen="0.0.0.0",
              tiktok_callback_port=9100) == ("0.0.0.0", 9100)


def test_a_studio_video_counts_from_noon_of_its_day() -> None:
    from datetime import date

    from bot.domain.videos import posted

    imported = Video("7", "t", "", date(2026, 10, 30), date(2026, 11, 1), 10, 1, 0, 0)
    assert posted(imported) == datetime(2026, 10, 30, 12, tzinfo=UTC)
    assert posting_habits(NOW, [imported])["videos_per_week"] == 7 / 28
