"""Settings from the environment and ``.env``. No token is needed to start (console mode)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def default_data_dir() -> Path:
    """Where a creator's data lives unless DATA_DIR / DATABASE_URL say otherwise: the user's
    data folder (``~/.local/share/creator-advisor`` on Linux, ``~/Library/Application
    Support/…`` on macOS, ``%LOCALAPPDATA%\\creator-advisor`` on Windows), not the current
    directory."""
    from platformdirs import user_data_dir  # (here: not imported when DATA_DIR is set)

    return Path(user_data_dir("creator-advisor", appauthor=False))


#: REDIS_URL's schemes: plain TCP, TLS, a local socket (what redis-py and ``limits`` both take).
REDIS_SCHEMES = ("redis", "rediss", "unix")
#: Databases a Redis server has unless its ``databases`` setting says otherwise.
REDIS_DATABASES = 16


def redis_url_problem(url: str) -> str | None:
    """Why ``url`` is no usable ``REDIS_URL``, as a sentence that never repeats any of it (a
    password may sit anywhere in a mistyped URL), or None if it is one:
    ``redis://[[user]:password@]host[:port][/db]``, ``rediss://…`` (TLS) or
    ``unix://[[user]:password@]/path/to/socket[?db=N]``, with a port of 1–65535 and a database
    number of 0 … :data:`REDIS_DATABASES` − 1 (in the path, or ``?db=``)."""
    *first, last = (f"{scheme}://" for scheme in REDIS_SCHEMES)
    schemes = f"{', '.join(first)} or {last}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"is not a URL; it must start with {schemes}"
    if parts.scheme not in REDIS_SCHEMES or not url.startswith(f"{parts.scheme}://"):
        return f"must start with {schemes}"
    host_port = parts.netloc.rsplit("@", 1)[-1]
    if parts.scheme == "unix":
        if not parts.path.strip("/"):
            return "must name the socket's path: unix:///path/to/redis.sock"
        db_texts = parse_qs(parts.query).get("db", [])
    else:
        if not parts.hostname:
            return "must name a host: redis://host:6379/0"
        after_host = host_port.rsplit("]", 1)[-1]  # past an IPv6 address's brackets
        if ":" in after_host:
            port = after_host.partition(":")[2]
            if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
                return "has a port that is not a number from 1 to 65535"
        path = parts.path.strip("/")
        db_texts = [path] if path else []
        db_texts += parse_qs(parts.query).get("db", [])
    for db in db_texts:
        if not (db.isascii() and db.isdigit() and int(db) < REDIS_DATABASES):
            return (f"has a database number that is not a whole number from 0 to "
                    f"{REDIS_DATABASES - 1} (a Redis server has {REDIS_DATABASES} unless "
                    "configured otherwise)")
    return None


class Settings(BaseSettings):
    """Every field is listed, with a comment, in ``.env.example`` (a test keeps them in step)."""

    # Errors never echo a value: a mistyped secret must not end up in a terminal or a log.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      hide_input_in_errors=True)

    database_url: str = Field(
        "",
        description="Where data lives. sqlite:///relative/path.db or sqlite:////absolute.db "
        "(one bot process), or postgresql://user@host:5432/dbname (any number of workers); "
        "empty: DATA_DIR/creator-advisor.db",
    )
    redis_url: SecretStr | None = Field(
        None, description="redis://host:6379/0: workers on one bot token share its send budget.")
    data_dir: Path = Field(default_factory=default_data_dir,
                           description="Exports, charts and console history go here.")
    templates_dir: Path = Field(PROJECT_ROOT / "templates", description="Reply templates.")
    strategies_dir: Path = Field(PROJECT_ROOT / "strategies", description="Rules and rates.")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")

    @field_validator("worker_index", "discord_guild_id", "discord_shard_count",
                     "tiktok_callback_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``DISCORD_GUILD_ID=`` (as ``.env.example`` lists it) means unset, not a bad number."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}, not {value[:20]!r}")
        return value.strip().upper()
    rate_limit_burst: int = Field(10, ge=0, description="Commands a user may send at once.")
    rate_limit_per_minute: float = Field(30.0, gt=0, description="Sustained commands a minute.")
    user_cache_size: int = Field(
        100_000, ge=1, le=10_000_000,
        description="Users (and their settings) kept in memory, least recently used out first.")
    worker_index: int | None = Field(
        None, ge=0,
        description="This process's number (0 … WORKER_COUNT-1) among several `run` workers "
        "on one token; `run --workers N` sets it for each worker it starts.")
    worker_count: int = Field(
        1, ge=1, le=1024, description="How many `run` workers share the bot token (default 1).")
    weekly_grace_hours: float = Field(
        12.0, ge=0, le=144, description="A weekly post missed while down is still sent this late."
    )

    telegram_bot_token: SecretStr | None = Field(None, description="From @BotFather.")
    telegram_base_url: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API base URL; point at a local Bot API server (or a test fake).",
    )
    telegram_webhook_url: str | None = Field(None, description="Public HTTPS URL: webhook mode.")
    telegram_webhook_listen: str = Field("127.0.0.1", description="Webhook listen address.")
    telegram_webhook_port: int = Field(8443, description="Webhook listen port.")
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Secret token Telegram must send with every webhook request."
    )
    telegram_admin_cache_seconds: float = Field(
        60.0, ge=0, description="How long a getChatMember admin check is cached."
    )

    discord_token: SecretStr | None = Field(None, description="Discord bot token.")
    discord_guild_id: int | None = Field(
        None, description="Sync slash commands to this server only (instant; for development)."
    )
    discord_shard_count: int | None = Field(
        None, ge=1, le=100_000,
        description="Gateway shards in all (split across workers: worker i connects shards i, "
        "i+N, …); unset: Discord's recommendation from /gateway/bot, at least one per worker.")
    discord_api_url: str | None = Field(
        None, description="Discord REST base URL override (tests point it at a local fake)."
    )

    tiktok_client_key: str | None = Field(
        None, description="TikTok developer app's client key (Login Kit + Display API)."
    )
    tiktok_client_secret: SecretStr | None = Field(None, description="The app's client secret.")
    tiktok_redirect_uri: str = Field(
        "http://127.0.0.1:8765/tiktok/callback",
        description="Redirect URI registered with the app; its path is served for the callback.",
    )
    tiktok_auth_url: str = Field(
        "https://www.tiktok.com/v2/auth/authorize/", description="TikTok's authorize page."
    )
    tiktok_api_url: str = Field(
        "https://open.tiktokapis.com", description="TikTok's API base URL (tests: a local fake)."
    )
    tiktok_callback_listen: str = Field(
        "127.0.0.1", description="Where 'run' listens for the callback (behind a proxy)."
    )
    tiktok_callback_port: int | None = Field(
        None, description="Callback listen port; default: the redirect URI's port."
    )
    tiktok_connect_timeout: float = Field(
        300.0, gt=0, description="Seconds 'creator-advisor connect' waits for the consent."
    )
    tiktok_sync_hours: float = Field(
        24.0, gt=0, description="Hours between two syncs of a connected account."
    )
    token_encryption_key: SecretStr | None = Field(
        None, description="Fernet key for tokens at rest; default: a key file in DATA_DIR."
    )

    @field_validator("redis_url", mode="before")
    @classmethod
    def _empty_redis_is_unset(cls, value: object) -> object:
        """``REDIS_URL=`` (as ``.env.example`` lists it) means unset."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        """Refused at start, in one sentence without the URL (it may hold a password), rather
        than by ``limits`` or redis-py at the first message with the password in the error."""
        if value is None:
            return None
        problem = redis_url_problem(value.get_secret_value().strip())
        if problem is not None:
            raise ValueError(problem)
        return SecretStr(value.get_secret_value().strip())

    @field_validator("token_encryption_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        """Refused at start, not at the first /connect: 32 url-safe base64-encoded bytes."""
        if value is None or not value.get_secret_value():
            return None
        from cryptography.fernet import Fernet

        try:
            Fernet(value.get_secret_value().encode("ascii", "replace"))
        except (ValueError, TypeError):
            raise ValueError("is not a Fernet key (32 url-safe base64-encoded bytes; see "
                             ".env.example for how to make one)") from None
        return value

    @model_validator(mode="after")
    def _database_in_data_dir(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'creator-advisor.db'}"
        return self

    @model_validator(mode="after")
    def _worker_in_range(self) -> Settings:
        if self.worker_index is not None and self.worker_index >= self.worker_count:
            raise ValueError(f"WORKER_INDEX must be below WORKER_COUNT ({self.worker_count}), "
                             f"not {self.worker_index}")
        return self

    def secrets(self) -> list[str]:
        """Every secret value, for the log redaction filter."""
        values = [self.telegram_bot_token, self.telegram_webhook_secret, self.discord_token,
                  self.tiktok_client_secret, self.token_encryption_key, self.redis_url]
        found = [v.get_secret_value() for v in values if v and v.get_secret_value()]
        if self.redis_url is not None:  # its password alone, as a Redis error may quote it
            password = urlsplit(self.redis_url.get_secret_value()).password
            if password:
                found.append(password)
        return found
