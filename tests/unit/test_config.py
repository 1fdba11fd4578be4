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


@pytest.mark.parametrize(("url", "problem"), [
    ("redis://:s3cretR@127.0.0.1:abc/5", "port that is not a number from 1 to 65535"),
    ("redis://:s3cretR@127.0.0.1:0/5", "port that is not a number from 1 to 65535"),
    ("redis://:s3cretR@127.0.0.1:65536/5", "port that is not a number from 1 to 65535"),
    ("redis://user:s3cretR", "port that is not a number"),  # no "@": the password as a port
    ("redis//:s3cretR@127.0.0.1:6379/5", "must start with redis://, rediss:// or unix://"),
    ("http://:s3cretR@127.0.0.1:6379/5", "must start with redis://, rediss:// or unix://"),
    ("s3cretR", "must start with redis://"),
    ("redis://:s3cretR@127.0.0.1:6379/abc", "database number that is not a whole number"),
    ("redis://:s3cretR@127.0.0.1:6379/99", "from 0 to 15"),
    ("redis://:s3cretR@127.0.0.1:6379/-1", "from 0 to 15"),
    ("redis://:s3cretR@127.0.0.1:6379/0?db=16", "from 0 to 15"),
    ("unix://:s3cretR@/tmp/redis.sock?db=x", "from 0 to 15"),
    ("unix://", "socket's path"),
    ("redis:///0", "must name a host"),
])
def test_a_bad_redis_url_is_refused_at_start_without_echoing_it(url: str, problem: str) -> None:
    """Issue 21: a malformed REDIS_URL reached ``limits`` at the first message and its error
    (a traceback, once per worker start) quoted the URL with its password; ``/abc`` and
    ``/99`` were taken silently. Now Settings refuses it in one sentence that quotes none of
    it."""
    import pydantic

    with pytest.raises(pydantic.ValidationError) as raised:
        Settings(_env_file=None, redis_url=url)  # type: ignore[call-arg]
    text = str(raised.value)
    assert problem in text and "s3cretR" not in text
    assert [e["loc"] for e in raised.value.errors()] == [("redis_url",)]


@pytest.mark.parametrize("url", [
    "redis://127.0.0.1:6379/0", "redis://127.0.0.1", "redis://:pw@127.0.0.1:6379/15",
    "rediss://user:pw@redis.example:6380/1", "redis://[::1]:6379/3", "redis://[::1]",
    "unix:///run/redis/redis.sock", "unix://:pw@/run/redis.sock?db=4", " redis://h:1/2 ",
])
def test_good_redis_urls_are_taken(url: str) -> None:
    s = Settings(_env_file=None, redis_url=url)  # type: ignore[call-arg]
    assert s.redis_url is not None and s.redis_url.get_secret_value() == url.strip()
    assert Settings(_env_file=None, redis_url="").redis_url is None  # type: ignore[call-arg]


def test_the_redis_password_alone_is_redacted_too() -> None:
    s = Settings(_env_file=None, redis_url="redis://:s3cretR-pw@127.0.0.1:6379/0")  # type: ignore[call-arg]
    assert "s3cretR-pw" in s.secrets()  # a Redis error may quote it without the URL
