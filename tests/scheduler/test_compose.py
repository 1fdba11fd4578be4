"""What weekly posts say: rotation without repeats, topic filter, personal digests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import PROJECT_ROOT
from bot.core.ports import Store, Subscription
from bot.domain.rates import load_rates
from bot.domain.rules import TOPICS, load_catalogue
from bot.scheduler.compose import WeeklyComposer, community_pool, next_community_rule
from bot.store import open_store

CATALOGUE = load_catalogue(PROJECT_ROOT / "strategies" / "rules")
RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = await open_store(store_url)
    yield s
    await s.close()


def test_rotation_never_repeats_until_the_pool_is_exhausted() -> None:
    pool = community_pool(CATALOGUE, ("trends",))
    assert len(pool) >= 3 and all(r.category == "trends" and r.community for r in pool)
    posted: list[str] = []
    for _ in range(len(pool) * 3):
        rule = next_community_rule(pool, list(reversed(posted)))
        assert rule is not None
        posted.append(rule.id)
    n = len(pool)
    for start in range(0, len(posted), n):
        assert len(set(posted[start:start + n])) == n  # each cycle uses every rule once


def test_topic_filter_and_community_only() -> None:
    money = community_pool(CATALOGUE, ("monetization",))
    assert money and {r.category for r in money} <= set(TOPICS["monetization"])
    everything = community_pool(CATALOGUE, ())
    assert all(r.community for r in everything)
    assert len(everything) > len(money)


async def _sub(store: Store, kind: str = "community", user_id: int | None = None,
               topics: tuple[str, ...] = ()) -> Subscription:
    return await store.save_subscription(
        platform="telegram", chat_id="-1" if kind == "community" else "42", chat_kind="group",
        kind=kind, user_id=user_id, created_by=user_id, weekday=0, local_time="10:00",
        timezone="UTC", topics=topics, next_run_at=NOW)


async def test_community_posts_rotate_through_the_store(store: Store) -> None:
    sub = await _sub(store, topics=("collaboration",))
    composer = WeeklyComposer(store, CATALOGUE, RATES)
    seen = []
    for week in range(len(community_pool(CATALOGUE, ("collaboration",)))):
        composed = await composer(sub, NOW + timedelta(weeks=week))
        assert composed is not None and composed.rule_id is not None
        assert composed.reply.template == "weekly_tip"
        assert "{" not in composed.reply.context["advice"]
        await store.claim_delivery(sub.id, f"2026-W{week + 10}", composed.rule_id,
                                   NOW + timedelta(weeks=week))
        seen.append(composed.rule_id)
    assert len(seen) == len(set(seen))


async def test_personal_digest_has_progress_goal_and_top_tip(store: Store) -> None:
    user = await store.ensure_user("telegram", "42", "Ana")
    await store.add_snapshot(user.id, {"followers": 9000, "views": 80_000, "likes": 7000},
                             NOW - timedelta(days=8))
    await store.add_snapshot(user.id, {"followers": 9600}, NOW - timedelta(days=1))
    await store.set_goal(user.id, "followers", 10_000, None, NOW)
    sub = await _sub(store, kind="personal", user_id=user.id)
    composed = await WeeklyComposer(store, CATALOGUE, RATES)(sub, NOW)
    assert composed is not None
    ctx = composed.reply.context
    assert {"metric": "followers", "value": "9.6k", "delta": "+600",
            "since": (NOW - timedelta(days=8)).date().isoformat()} in ctx["changes"]
    assert ctx["goals"] == [{"metric": "followers", "target": "10k", "current": "9.6k",
                             "reached": False}]
    assert ctx["tip"] is not None and composed.rule_id == ctx["tip"]["id"]


async def test_digest_income_goal_counts_the_logged_payouts(store: Store) -> None:
    """The digest's income goal shows the same "now" as /estimate: the creator's payouts
    included (it used to leave them out, as /goal and /progress did)."""
    from dataclasses import replace

    from bot.domain.estimator import estimate
    from bot.domain.numbers import money
    from bot.domain.payouts import Payout

    user = await store.ensure_user("telegram", "42", "Ana")
    await store.update_settings(user.id, {"region": "US", "adult": True})
    await store.add_snapshot(user.id, {"followers": 60_000, "views": 610_000,
                                       "avg_video_length": 75}, NOW - timedelta(days=1))
    await store.add_payout(user.id, Payout(route="creator_rewards", amount=1500.0,
                                           currency="USD", recorded_at=NOW, views=610_000))
    await store.set_goal(user.id, "income", 5000, None, NOW)
    sub = await _sub(store, kind="personal", user_id=user.id)
    composed = await WeeklyComposer(store, CATALOGUE, RATES)(sub, NOW)
    assert composed is not None
    latest = await store.latest_snapshot(user.id)
    assert latest is not None
    settings = replace(await store.get_settings(user.id), currency="USD")
    with_payouts = estimate(latest, settings, RATES, payouts=await store.payouts(user.id))
    without = estimate(latest, settings, RATES)
    assert money(with_payouts.now.typical) != money(without.now.typical)
    (goal,) = composed.reply.context["goals"]
    assert goal["current"] == money(with_payouts.now.typical)


async def test_digest_shows_a_goal_target_as_it_was_set(store: Store) -> None:
    """Trial: a goal of 5,001 followers was shown as "5k" (read as met at 5,000) in /goal,
    /stats and the digest. The target keeps its digits ("5.001k") and now the digits that
    tell it apart ("4.99k")."""
    user = await store.ensure_user("telegram", "43", "Bo")
    await store.add_snapshot(user.id, {"followers": 4990}, NOW - timedelta(days=1))
    await store.set_goal(user.id, "followers", 5001, None, NOW)
    sub = await _sub(store, kind="personal", user_id=user.id)
    composed = await WeeklyComposer(store, CATALOGUE, RATES)(sub, NOW)
    assert composed is not None
    assert composed.reply.context["goals"] == [
        {"metric": "followers", "target": "5.001k", "current": "4.99k", "reached": False}]
