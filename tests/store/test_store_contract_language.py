"""Issue 20: a creator's language and a weekly post's language, in both stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.core.ports import Store
from bot.store import open_store

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = await open_store(store_url)
    yield s
    await s.close()


async def test_language_is_stored_exported_and_forgotten(store: Store) -> None:
    ana = await store.ensure_user("discord", "7", "Ana")
    assert (await store.get_settings(ana.id)).language is None  # the platform's locale decides
    await store.update_settings(ana.id, {"language": "pt_BR"})
    assert (await store.get_settings(ana.id)).language == "pt_BR"
    await store.update_settings(ana.id, {"currency": "BRL"})  # other changes keep it
    assert (await store.get_settings(ana.id)).language == "pt_BR"
    assert (await store.export_user(ana.id))["settings"]["language"] == "pt_BR"
    sub = await store.save_subscription(
        platform="discord", chat_id="55", chat_kind="group", kind="community", user_id=None,
        created_by=ana.id, weekday=4, local_time="18:00", timezone="UTC", topics=(),
        next_run_at=T0, language="de")
    assert sub.language == "de"
    assert [s.language for s in await store.subscriptions_for_chat("discord", "55")] == ["de"]
    await store.update_settings(ana.id, {"language": None})
    assert (await store.get_settings(ana.id)).language is None
    await store.update_settings(ana.id, {"language": "ja"})
    await store.forget_user(ana.id)
    again = await store.ensure_user("discord", "7", "Ana")
    assert (await store.get_settings(again.id)).language is None
