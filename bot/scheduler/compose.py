"""What a weekly post says: a rotating community tip, or a creator's personal digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.ports import Store, Subscription
from bot.core.types import Reply
from bot.domain.engine import fill, recommend
from bot.domain.facts import compute_facts
from bot.domain.metrics import format_metric, growth
from bot.domain.numbers import compact
from bot.domain.profile import Profile
from bot.domain.rates import RateTables
from bot.domain.rules import TOPICS, Catalogue, Rule
from bot.scheduler.runner import Composed


def community_pool(catalogue: Catalogue, topics: tuple[str, ...]) -> list[Rule]:
    """Rules that make sense for a whole chat, within the topic filter, best first."""
    allowed = None if not topics else {c for t in topics for c in TOPICS.get(t, ())}
    rules = [r for r in catalogue.rules
             if r.community and (allowed is None or r.category in allowed)]
    return sorted(rules, key=lambda r: (-r.priority, r.id))


def next_community_rule(pool: list[Rule], recent: list[str]) -> Rule | None:
    """The best rule not yet posted in the current cycle; a cycle ends once every rule of the
    pool has been posted, so nothing repeats before the pool is exhausted.

    ``recent`` is the destination's posted rule ids, newest first.
    """
    if not pool:
        return None
    ids = {r.id for r in pool}
    cycle: set[str] = set()
    for rule_id in reversed(recent):  # oldest first
        if rule_id in ids:
            cycle.add(rule_id)
            if cycle == ids:
                cycle = set()
    return next(r for r in pool if r.id not in cycle)


class WeeklyComposer:
    """Callable the :class:`~bot.scheduler.runner.WeeklyPoster` uses to write each post."""

    def __init__(self, store: Store, catalogue: Catalogue, rates: RateTables) -> None:
        self.store = store
        self.catalogue = catalogue
        self.rates = rates

    async def __call__(self, sub: Subscription, now: datetime) -> Composed | None:
        if sub.kind == "personal":
            return await self.personal(sub, now)
        pool = community_pool(self.catalogue, sub.topics)
        recent = await self.store.recent_rules(sub.id, len(pool) * 4 + 10)
        rule = next_community_rule(pool, recent)
        if rule is None:
            return None
        # Community posts use no one's numbers: placeholders are filled from an empty profile.
        reply = Reply("weekly_tip", {"title": fill(rule.title, {}),
                                     "advice": fill(rule.advice, {}),
                                     "category": rule.category, "id": rule.id,
                                     "source": rule.source}, title="Tip of the week")
        return Composed(reply, rule.id)

    async def personal(self, sub: Subscription, now: datetime) -> Composed | None:
        if sub.user_id is None:
            return None
        history = tuple(await self.store.history(sub.user_id, limit=104))
        settings = await self.store.get_settings(sub.user_id)
        profile = Profile(settings, history[-1] if history else None, history,
                          tuple(await self.store.videos(sub.user_id)),
                          await self.store.audience(sub.user_id))
        facts = compute_facts(profile, self.rates, now)
        tips = recommend(self.catalogue, facts, limit=1)
        week_ago = [s for s in history if s.taken_at <= now - timedelta(days=6)]
        changes = []
        if history:
            for metric in ("followers", "views", "likes"):
                g = growth(list(history), metric)
                current = getattr(history[-1], metric)
                if current is None:
                    continue
                delta = None
                if g is not None:
                    delta = ("+" if g.delta >= 0 else "−") + compact(abs(g.delta))
                changes.append({"metric": metric, "value": format_metric(metric, current),
                                "delta": delta})
        goals = []
        for goal in await self.store.goals(sub.user_id):
            current = None if not history else getattr(history[-1], goal.metric, None)
            goals.append({"metric": goal.metric, "target": format_metric(goal.metric,
                                                                          goal.target),
                          "current": None if current is None else
                          format_metric(goal.metric, current),
                          "reached": current is not None and current >= goal.target})
        tip = tips[0] if tips else None
        reply = Reply("weekly_digest", {
            "changes": changes, "goals": goals, "logged_this_week": not week_ago or
            history[-1].taken_at > now - timedelta(days=7),
            "tip": None if tip is None else {"title": tip.title, "advice": tip.advice,
                                             "id": tip.id},
            "empty": not history}, title="Your week")
        return Composed(reply, None if tip is None else tip.id)
