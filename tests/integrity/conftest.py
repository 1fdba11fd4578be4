"""The Telegram adapter fixtures (real python-telegram-bot against the local fake)."""

from tests.adapters.test_telegram import fake, tg, tg_app  # noqa: F401
