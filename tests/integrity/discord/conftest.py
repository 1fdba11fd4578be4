"""The Discord adapter fixtures (real discord.py against the local fake)."""

from tests.adapters.test_discord_weekly import bot, fake, settings  # noqa: F401
