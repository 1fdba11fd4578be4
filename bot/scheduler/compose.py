"""What a weekly post says: a rotating community tip, or a creator's personal digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from bot import i18n
from bot.core.ports import Goal, Store, Subscription
from bot.core.types import Reply
from bot.domain.daily import snapshot_day
from bot.domain.engine import fill, recommend
from bot.domain.estimator import income_now, rates_note
from bot.domain.facts import compute_facts
from bot.domain.facts import label as fact_label
from bot.domain.metrics import (
    METRIC_BY_NAME,
    MetricSnapshot,
    counted_on,
    format_metric,
    format_target,
    span_of_growth,
)
from bot.domain.numbers import compact, money, signed
from bot.domain.payouts import Payout
from bot.domain.profile import Profile, UserSettings
from bot.domain.rates import RateTables
from bot.domain.rules import TOPICS, Catalogue, Rule
from bot.domain.studio import Video
from bot.i18n import gettext as _
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


def week_before(history: tuple[MetricSnapshot, ...], metric: str,
                zone: tzinfo) -> tuple[MetricSnapshot, MetricSnapshot] | None:
    """The digest's "since last week" for ``metric``: the latest snapshot in which it was typed,
    and the one typed nearest to 7 days before that, on an earlier day of the creator's and
    at least a day before it (:func:`~bot.domain.metrics.span_of_growth`, as /stats'
    growth, on the creator's wall clock in ``zone``: a row dated by day alone by the
    creator's days, never by its noon UTC); None without."""
    typed = [s for s in history if metric in s.given and getattr(s, metric) is not None]
    if not typed:
        return None
    latest = typed[-1]
    earlier = [(s, days) for s in typed[:-1]
               if (days := span_of_growth(s, latest, zone)) is not None]
    if not earlier:
        return None
    return min(earlier, key=lambda pair: abs(pair[1] - 7))[0], latest


class WeeklyComposer:
    """Callable the :class:`~bot.scheduler.runner.WeeklyPoster` uses to write each post."""

    def __init__(self, store: Store, catalogue: Catalogue, rates: RateTables) -> None:
        self.store = store
        self.catalogue = catalogue
        self.rates = rates

    async def __call__(self, sub: Subscription, now: datetime) -> Composed | None:
        """The week's post for ``sub``, written in the subscription's language (a personal
        digest: its owner's chosen language, if they chose one since)."""
        language = sub.language
        if sub.kind == "personal" and sub.user_id is not None:
            language = (await self.store.get_settings(sub.user_id)).language or language
        with i18n.using(language) as lang:
            composed = await self._compose(sub, now)
        if composed is None:
            return None
        return replace(composed, reply=replace(composed.reply, locale=lang))

    async def _compose(self, sub: Subscription, now: datetime) -> Composed | None:
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
                                     "source": rule.source}, title=_("Tip of the week"))
        return Composed(reply, rule.id)

    def _goal(self, goal: Goal, history: Sequence[MetricSnapshot], settings: UserSettings,
              payouts: Sequence[Payout], videos: Sequence[Video],
              today: date | None = None) -> dict[str, Any]:
        """One goal's line: a metric goal in its unit, an income goal (stored in USD a month)
        in the creator's currency, against the estimate for the latest snapshot (of
        ``history``, which decides its engagement as ``/stats`` does) on the creator's
        ``today``."""
        latest = history[-1] if history else None
        if goal.metric == "income":
            currency = (settings.currency if settings.currency in self.rates.currencies.per_eur
                        else "USD")

            def show(v: float) -> str:
                return money(self.rates.currencies.from_usd(v, currency), currency)
            current = None if latest is None else income_now(
                latest, replace(settings, currency="USD"), self.rates, payouts,
                videos, history, today).typical
            label = _("monthly income")
        elif goal.metric in METRIC_BY_NAME:
            def show(v: float) -> str:
                return format_metric(goal.metric, v)
            current = None if latest is None else getattr(latest, goal.metric)
            label = fact_label(goal.metric)
        else:  # a goal this version does not know: say so rather than fail the digest
            return {"metric": goal.metric, "target": compact(goal.target), "current": None,
                    "reached": False}
        # a number's target as it was set, and now with the digits that tell them apart
        # (format_target: a goal of 5,001 is "5.001k", never "5k")
        target, now_shown = (format_target(goal.metric, goal.target, current)
                             if goal.metric in METRIC_BY_NAME
                             else (show(goal.target),
                                   None if current is None else show(current)))
        return {"metric": label, "target": target, "current": now_shown,
                "reached": current is not None and current >= goal.target}

    async def personal(self, sub: Subscription, now: datetime) -> Composed | None:
        if sub.user_id is None:
            return None
        history = tuple(await self.store.history(sub.user_id, limit=104))
        settings = await self.store.get_settings(sub.user_id)
        payouts = await self.store.payouts(sub.user_id)
        profile = Profile(settings, history[-1] if history else None, history,
                          tuple(await self.store.videos(sub.user_id)),
                          await self.store.audience(sub.user_id), tuple(payouts))
        facts = compute_facts(profile, self.rates, now)
        tips = recommend(self.catalogue, facts, limit=1)
        # by the creator's days (as the stores count them), never a row's noon UTC
        today = settings.today(now)
        week_ago = [s for s in history if counted_on(s) <= today - timedelta(days=6)]
        changes = []
        if history:
            latest = history[-1]
            for metric in ("followers", "views", "likes"):
                current = getattr(latest, metric)
                if current is None:
                    continue
                pair = week_before(history, metric, settings.zone)
                delta = since = None
                if pair is not None:
                    base, typed = pair
                    change = float(getattr(typed, metric)) - float(getattr(base, metric))
                    delta = signed(change, format_metric(metric, abs(change)))
                    # the creator's day (the template's day filter), as /history says it
                    since = snapshot_day(base.taken_at, settings.zone).isoformat()
                changes.append({"metric": fact_label(metric),
                                "value": format_metric(metric, current),
                                "delta": delta, "since": since})
        stored_goals = await self.store.goals(sub.user_id)
        goals = [self._goal(goal, history, settings, payouts, profile.videos,
                            settings.today(now))
                 for goal in stored_goals]
        # an income goal is shown converted from USD: the rates' day (None: USD, or none)
        currency = (settings.currency if settings.currency in self.rates.currencies.per_eur
                    else "USD")
        note = (rates_note(self.rates.currencies, currency)
                if history and any(g.metric == "income" for g in stored_goals) else None)
        tip = tips[0] if tips else None
        reply = Reply("weekly_digest", {
            "changes": changes, "goals": goals, "logged_this_week": not week_ago or
            counted_on(history[-1]) > today - timedelta(days=7),
            "tip": None if tip is None else {"title": tip.title, "advice": tip.advice,
                                             "id": tip.id},
            "empty": not history, "rates_note": note}, title=_("Your week"))
        return Composed(reply, None if tip is None else tip.id)
