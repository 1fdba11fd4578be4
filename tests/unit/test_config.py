from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.logs import RedactSecrets


def test_env_example_lists_every_setting() -> None:
    text = (PROJECT_ROOT / ".env.example").read_text()
    listed = {m.group(1).lower() for m in re.finditer(r"^#?([A-Z][A-Z0-9_]+)=", text, re.M)}
    assert listed == set(Settings.model_fields)


def test_env_example_copied_as_is_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: ``DISCORD_GUILD_ID=`` (and the other empty numbers) stopped the bot at start."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    s = Settings(_env_file=PROJECT_ROOT / ".env.example")  # type: ignore[call-arg]
    assert s.discord_guild_id is None and s.discord_shard_count is None
    assert s.tiktok_callback_port is None and s.worker_count == 1


def test_no_token_needed(monkeypatch: object, tmp_path: Path) -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.telegram_bot_token is None
    assert s.secrets() == []


def test_tokens_are_redacted_from_logs(caplog: object) -> None:
    secret = "123456:ABCdefGHIjklMNOpqr"
    record = logging.LogRecord("x", logging.INFO, __file__, 1,
                               "GET https://api.telegram.org/bot%s/getMe", (secret,), None)
    RedactSecrets([secret]).filter(record)
    assert secret not in record.getMessage()
    assert "[REDACTED]" in record.getMessage()


def test_tiktok_secrets_are_redacted() -> None:
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    s = Settings(_env_file=None, tiktok_client_key="key",  # type: ignore[call-arg]
                 tiktok_client_secret="client-secret-value", token_encryption_key=key)
    assert {"client-secret-value", key} <= set(s.secrets())


def test_a_bad_token_encryption_key_is_refused_at_start_without_echoing_it() -> None:
    import pydantic
    import pytest
    from cryptography.fernet import Fernet

    with pytest.raises(pydantic.ValidationError) as raised:
        Settings(_env_file=None, token_encryption_key="my-own-password")  # type: ignore[call-arg]
    assert "not a Fernet key" in str(raised.value)
    assert "my-own-password" not in str(raised.value)
    good = Fernet.generate_key().decode()
    assert Settings(_env_file=None, token_encryption_key=good).secrets() == [good]  # type: ignore[call-arg]
    assert Settings(_env_file=None, token_encryption_key="").token_encryption_key is None  # type: ignore[call-arg]
