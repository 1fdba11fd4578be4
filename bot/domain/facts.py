"""Named facts about a creator, the vocabulary rule conditions and advice placeholders use.

Facts are plain numbers (flags are 1.0 / 0.0). A fact that cannot be known from what the creator
logged is simply absent, and a condition on an absent fact is false.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, tzinfo
from statistics import median
from typing import TYPE_CHECKING, Final, NamedTuple

from bot import i18n
from bot.domain import numbers
from bot.domain.brandprice import benchmark_size, read_by_reach
from bot.domain.metrics import (
    METRICS,
    Growth,
    Kind,
    MetricSnapshot,
    compute_kpis,
    days_since,
    engagement_rate_views,
    growth,
    rate_digits,  # (with the metrics: /stats shows rates without importing the facts)
)
from bot.domain.payouts import Payout
from bot.domain.profile import Profile, UserSettings
from bot.domain.slowing import is_slowing, latest_change, paces, slowdown_ratio, weeks
from bot.domain.studio import best_hours, breakouts, top_weekday
from bot.domain.videos import views_per_video
from bot.i18n import N_, ngettext, translate
from bot.i18n import gettext as _

if TYPE_CHECKING:
    from bot.domain.rates import RateTables

_KIND = {Kind.COUNT: "count", Kind.RATE: "rate", Kind.SECONDS: "seconds", Kind.NUMBER: "number"}

#: Every fact a rule may name, with how it is shown in advice text.
FACTS: Final[dict[str, str]] = {
    **{m.name: _KIND[m.kind] for m in METRICS},
    "engagement_rate_views": "rate",
    "engagement_rate_followers": "rate",
    "likes_per_view": "rate",
    "comments_per_view": "rate",
    "shares_per_view": "rate",
    "saves_per_view": "rate",
    "views_per_follower": "ratio",  # 30-day views ÷ followers
    "watch_ratio": "rate",  # average watch time ÷ video length
    "er_benchmark": "rate",  # typical engagement by views for the follower tier
    "er_vs_benchmark": "ratio",
    # how the benchmark's band is named (brandprice.read_by_reach, as /estimate and the media
    # kit name it): 1 as the views' ("accounts with views like yours"), 0 as the account's
    # size ("accounts your size")
    "er_band": "band",
    "follower_growth_per_week": "count",
    # the change in followers a fall is decided on, and the days it spans (one rule:
    # bot.domain.slowing.latest_change): the latest week's when the logs reach a week back,
    # else since the previous snapshot a day or more before the latest, as /stats shows it
    "follower_change": "count",
    "follower_change_days": "span",
    "follower_growth_rate_week": "rate",
    "previous_growth_rate_week": "rate",
    # the two paces growth_slowing compares: the latest week's (from the day a week before
    # the latest, never a day's change), and the median of the week-long steps before it
    # (one rule: bot.domain.slowing.weeks)
    "latest_growth_rate_week": "rate",
    "earlier_growth_rate_week": "rate",
    "snapshot_count": "number",
    "days_since_last_log": "number",
    "growth_slowing": "flag",  # under half the earlier pace, a fall included (is_slowing)
    # the latest week's pace ÷ the earlier weeks', shown as the sentence that says how far it
    # fell (slowdown_sentence: "halved" only near half); set only while growth is slowing
    # (slowing.is_slowing), never for a fall
    "growth_slowdown": "slowdown",
    "followers_falling": "flag",  # follower_change < 0 (slowing.latest_change)
    "engagement_falling": "flag",
    "views_rising_followers_flat": "flag",
    "posting_dropped": "flag",
    "adult": "flag",
    "crp_region": "flag",
    "shop_region": "flag",
    "shop_listed": "flag",  # the country is on the sources' (partial) list of Shop countries
    "crp_followers_needed": "count",
    "crp_views_needed": "count",
    "crp_followers_gap": "count",
    "crp_views_gap": "count",
    "crp_eligible": "flag",  # every Creator Rewards requirement met (from eligibility.py)
    "crp_gates_met": "flag",  # all but video length met
    "shop_pilot": "flag",  # in the US under-5k Shop pilot
    "shop_eligible": "flag",
    "live_eligible": "flag",
    "live_followers_needed": "count",
    "live_followers_gap": "count",
    "shop_followers_needed": "count",
    "shop_full_followers": "count",
    "shop_followers_gap": "count",
    "min_video_seconds": "seconds",
    # From TikTok Studio imports (Content, FollowerActivity).
    "video_count": "number",
    "median_video_views": "count",  # lifetime views per video, median
    "breakout_count": "number",  # videos with ≥ 3× the median views
    "top_videos_weekday": "weekday",  # the weekday most of the 5 most viewed were posted on
    "top_videos_weekday_share": "rate",  # share of those 5 posted that weekday
    "active_hour_start": "hour",  # first hour of the 3 when most followers are active
    "active_hour_end": "hour",
}

METRIC_NAMES: Final = frozenset(m.name for m in METRICS)

#: Facts :func:`compute_facts` always sets (program thresholds from the rate tables).
ALWAYS_KNOWN: Final = frozenset({
    "snapshot_count", "crp_followers_needed", "crp_views_needed", "live_followers_needed",
    "shop_followers_needed", "shop_full_followers", "min_video_seconds"})

#: Fact -> facts :func:`compute_facts` only sets it together with (it is computed from them).
IMPLIED: Final[dict[str, tuple[str, ...]]] = {
    "er_vs_benchmark": ("engagement_rate_views", "er_benchmark"),
    "er_benchmark": ("followers", "er_band"),
    "er_band": ("er_benchmark",),
    "followers_falling": ("follower_change", "follower_change_days"),
    "follower_change": ("followers_falling", "follower_change_days"),
    "follower_change_days": ("followers_falling", "follower_change"),
    "crp_followers_gap": ("followers",),
    "live_followers_gap": ("followers",),
    "shop_followers_gap": ("followers",),
    "crp_views_gap": ("views",),
    "views_per_follower": ("views", "followers"),
    "active_hour_start": ("active_hour_end",),
    "active_hour_end": ("active_hour_start",),
    "breakout_count": ("median_video_views",),
    "top_videos_weekday_share": ("top_videos_weekday",),
    "top_videos_weekday": ("top_videos_weekday_share",),
}

#: Plain words for every fact, as /why shows it (never the internal name).
LABELS: Final[dict[str, str]] = {
    **{m.name: m.label for m in METRICS},
    "engagement_rate_views": N_("engagement by views"),
    "engagement_rate_followers": N_("engagement by followers"),
    "likes_per_view": N_("likes per view"),
    "comments_per_view": N_("comments per view"),
    "shares_per_view": N_("shares per view"),
    "saves_per_view": N_("saves per view"),
    "views_per_follower": N_("30-day views per follower"),
    "watch_ratio": N_("share of each video watched"),
    "er_benchmark": N_("typical engagement for your size"),
    "er_vs_benchmark": N_("your engagement compared with typical for your size"),
    "er_band": N_("accounts the typical engagement is for"),
    "follower_growth_per_week": N_("new followers a week"),
    "follower_change": N_("change in followers over the latest week (with less than a week of "
                          "snapshots, since your previous one)"),
    "follower_change_days": N_("how long that change took"),
    "follower_growth_rate_week": N_("weekly follower growth compared with before"),
    "previous_growth_rate_week": N_("earlier weekly follower growth"),
    "latest_growth_rate_week": N_("follower growth in the latest week"),
    "earlier_growth_rate_week": N_("typical weekly follower growth before it"),
    "snapshot_count": N_("times you logged numbers"),
    "days_since_last_log": N_("days since your last /log"),
    "growth_slowing": N_("follower growth slowing"),
    "growth_slowdown": N_("the latest week's follower growth against the weeks before"),
    "followers_falling": N_("followers falling"),
    "engagement_falling": N_("engagement falling"),
    "views_rising_followers_flat": N_("views rising while followers stay flat"),
    "posting_dropped": N_("posting less often"),
    "adult": N_("18 or older"),
    "crp_region": N_("Creator Rewards offered in your country"),
    "shop_region": N_("TikTok Shop offered in your country"),
    "shop_listed": N_("your country in my sources' list of TikTok Shop countries"),
    "crp_followers_needed": N_("followers Creator Rewards needs"),
    "crp_views_needed": N_("30-day views Creator Rewards needs"),
    "crp_followers_gap": N_("followers to go for Creator Rewards"),
    "crp_views_gap": N_("views to go for Creator Rewards"),
    "crp_eligible": N_("you qualify for Creator Rewards"),
    "crp_gates_met": N_("nothing but video length keeps you out of Creator Rewards"),
    "shop_pilot": N_("in the US TikTok Shop pilot (under 5k followers)"),
    "shop_eligible": N_("you qualify for TikTok Shop affiliate"),
    "live_eligible": N_("you qualify for LIVE gifts"),
    "live_followers_needed": N_("followers LIVE needs"),
    "live_followers_gap": N_("followers to go for LIVE"),
    "shop_followers_needed": N_("followers TikTok Shop needs"),
    "shop_full_followers": N_("followers for full TikTok Shop access"),
    "shop_followers_gap": N_("followers to go for TikTok Shop"),
    "min_video_seconds": N_("minimum video length"),
    "video_count": N_("videos imported"),
    "median_video_views": N_("median views per video"),
    "breakout_count": N_("videos with 3× your median views"),
    "top_videos_weekday": N_("weekday of your most viewed videos"),
    "top_videos_weekday_share": N_("share of your top videos posted that weekday"),
    "active_hour_start": N_("hour your followers start being most active"),
    "active_hour_end": N_("hour your followers stop being most active"),
}


#: The labels of the benchmark's facts when it is read at the views' band, not the
#: account's (``er_band`` 1: :func:`bot.domain.brandprice.read_by_reach`).
BY_REACH_LABELS: Final[dict[str, str]] = {
    "er_benchmark": N_("typical engagement for accounts with views like yours"),
    "er_vs_benchmark": N_("your engagement compared with typical for accounts with views "
                          "like yours"),
}

#: How ``er_band`` is said, inside a sentence ("… the typical 4.2% for {er_band}"): as the
#: account's size (0), or as the views' band (1), as /estimate says it.
BAND_WORDS: Final[tuple[str, str]] = (N_("accounts your size"),
                                      N_("accounts with views like yours"))

#: A flag /why shows with the figures it compares (flag -> the latest and the earlier fact).
FLAG_FIGURES: Final[dict[str, tuple[str, str]]] = {
    "growth_slowing": ("latest_growth_rate_week", "earlier_growth_rate_week"),
}


def label(fact: str, facts: Mapping[str, float] | None = None, inside: bool = False) -> str:
    """A fact in plain words in the current language (a metric's label in lower case in
    English, as it reads inside a sentence); with the creator's ``facts``, the benchmark's
    facts are named for the band they are read at (:data:`BY_REACH_LABELS`). ``inside``: the
    label follows other words of the sentence ("o bien horas de LIVE por semana = 0"): a
    metric's label starts with a small letter where the language writes it so (not German
    nouns), a first word written with other capitals (TikTok, LIVE) kept as it is."""
    by_reach = facts is not None and facts.get("er_band") == 1 and fact in BY_REACH_LABELS
    text = translate(BY_REACH_LABELS[fact] if by_reach else LABELS.get(fact, fact))
    if fact not in METRIC_NAMES:
        return text
    language = i18n.current()
    if language == i18n.SOURCE:
        return text.lower()
    return i18n.inside(text, language) if inside else text


#: Kinds of fact that are never negative, or are not numbers to sign: a flag, a weekday, an hour.
_UNSIGNED: Final = frozenset({"flag", "weekday", "hour", "slowdown", "band"})


def format_fact(name: str, value: float, precise: bool = False,
                short: bool | None = None) -> str:
    """``value`` of fact ``name`` as a tip or /why shows it; ``precise``: with the extra digit a
    threshold comparison needs (1.26× vs 1.3×, 4.56% vs 4.6%). A negative number gets its
    sign from :func:`bot.domain.numbers.signed`, as every change the bot shows: the minus
    sign (U+2212, "−600 a week", "−12%"), never a hyphen; a tip quotes a value, so a number
    that is not negative gets no "+". ``short``: a count's style decided for every number of
    one phrase (:func:`bot.domain.numbers.shared_short`: a condition's two bounds)."""
    kind = FACTS[name]
    if value < 0 and kind not in _UNSIGNED:
        return numbers.signed(value, format_fact(name, -value, precise, short)
                              ).removeprefix("+")
    if kind == "rate":  # (one more decimal for a threshold comparison)
        return numbers.pct(value, rate_digits(name) + precise)
    if kind == "seconds":
        return numbers.duration(value)
    if kind == "ratio":
        return numbers.times(value, 2 if precise else 1)
    if kind == "flag":
        return _("yes") if value else _("no")
    if kind == "slowdown":
        return slowdown_sentence(value)
    if kind == "band":
        return translate(BAND_WORDS[value == 1])
    if kind == "weekday":
        return numbers.weekday(int(value) % 7)
    if kind == "hour":
        return str(int(value) % 24)
    if kind == "number":
        return numbers.number(value) if short is None or abs(value) < 100 \
            else numbers.compact(value, short)
    if kind == "days":  # as /stats writes the days a change took: 7, 1.5
        return numbers.days(value)
    if kind == "span":  # the days a change took, with the word ("1 day", "1.5 days")
        days, n = numbers.counted(value, 1)
        return ngettext("%(num)s day", "%(num)s days", n, num=days)
    if kind == "count":
        return numbers.count(value, short)
    return numbers.compact(value, short)


def _flag(b: bool) -> float:
    return 1.0 if b else 0.0


class Facts(NamedTuple):
    """What :func:`facts_and_waived` gives."""

    #: The facts (what :func:`compute_facts` gives).
    values: dict[str, float]
    #: The entry-gap facts (:data:`ENTRY_GAPS`) left out because the creator was paid by
    #: their route: no gap stands between them and it (what /why says instead of a number).
    waived: frozenset[str]


def compute_facts(profile: Profile, rates: RateTables,
                  now: datetime | None = None) -> dict[str, float]:
    """Every fact known about ``profile`` (a fact that can't be known is absent); ``now``
    gives ``days_since_last_log``."""
    return facts_and_waived(profile, rates, now).values


def facts_and_waived(profile: Profile, rates: RateTables,
                     now: datetime | None = None) -> Facts:
    """:func:`compute_facts`, with the gap facts a payout waived (:attr:`Facts.waived`)."""
    facts: dict[str, float] = {"snapshot_count": float(len(profile.history))}
    settings = profile.settings
    if settings.adult is not None:
        facts["adult"] = _flag(settings.adult)
    crp = rates.creator_rewards.eligibility
    shop = rates.affiliate.eligibility
    facts.update(
        crp_followers_needed=float(crp.followers.value),
        crp_views_needed=float(crp.views_30d.value),
        live_followers_needed=float(rates.live_gifts.eligibility.followers.value),
        shop_followers_needed=float(shop.followers.value),
        shop_full_followers=float(shop.full_access_followers.value),
        min_video_seconds=float(crp.min_video_seconds.value),
    )
    facts.update(_studio_facts(profile))
    s = profile.latest
    waived = _route_facts(facts, s, settings, rates, profile.payouts)
    if s is None:
        return Facts(facts, waived)
    facts.update(s.known())
    history = list(profile.history)
    k = compute_kpis(s, history, zone=settings.zone)
    for name in ("engagement_rate_views", "engagement_rate_followers", "likes_per_view",
                 "comments_per_view", "shares_per_view", "saves_per_view"):
        value = getattr(k, name)
        if value is not None:
            facts[name] = value
    size = benchmark_size(s, views_per_video(s, profile.videos), rates)
    if s.followers is not None and size is not None:
        bench = rates.engagement.primary.rate_at(size)  # the figure /estimate compares with
        facts["er_benchmark"] = bench
        facts["er_band"] = _flag(read_by_reach(s.followers, size, rates))
        if k.engagement_rate_views is not None:
            facts["er_vs_benchmark"] = k.engagement_rate_views / bench
        if s.views is not None and s.followers > 0:
            facts["views_per_follower"] = s.views / s.followers
    if s.avg_watch_time is not None and s.avg_video_length:
        facts["watch_ratio"] = min(1.0, s.avg_watch_time / s.avg_video_length)
    g = k.follower_growth
    if g is not None and g.per_week is not None:  # a week or more apart (weekly_pace)
        facts["follower_growth_per_week"] = g.per_week
        if g.previous:
            facts["follower_growth_rate_week"] = g.per_week / g.previous
    facts.update(_trends(history, g, settings.zone))
    if now is not None:
        facts["days_since_last_log"] = days_since(s, now, settings.zone)
    return Facts(facts, waived)


def _studio_facts(profile: Profile) -> dict[str, float]:
    """Facts from per-video numbers and follower activity (absent without those imports)."""
    out: dict[str, float] = {}
    videos = profile.videos
    if videos:
        out["video_count"] = float(len(videos))
        per = views_per_video(profile.latest, videos)  # the one place that decides it
        if per is not None and per.basis == "videos":
            out["median_video_views"] = per.value
            out["breakout_count"] = float(len(breakouts(videos)))
        weekday = top_weekday(videos)
        if weekday is not None:
            out["top_videos_weekday"] = float(weekday[0])
            out["top_videos_weekday_share"] = weekday[1]
    hours = best_hours(profile.audience.activity)
    if hours is not None:
        out["active_hour_start"], out["active_hour_end"] = float(hours[0]), float(hours[1])
    return out


#: The facts measuring the distance to a route's entry counts: fact -> (route, requirement
#: (:attr:`~bot.domain.eligibility.Requirement.key`, also the snapshot's number it counts:
#: typed views, which ``IMPLIED`` promises), the fact holding the threshold).
ENTRY_GAPS: Final[dict[str, tuple[str, str, str]]] = {
    "crp_followers_gap": ("creator_rewards", "followers", "crp_followers_needed"),
    "crp_views_gap": ("creator_rewards", "views", "crp_views_needed"),
    "live_followers_gap": ("live_gifts", "followers", "live_followers_needed"),
    "shop_followers_gap": ("affiliate", "followers", "shop_followers_needed"),
}
#: The facts holding each route's verdict (:meth:`~bot.domain.eligibility.Eligibility.verdict`,
#: what /estimate shows as the route's status), by route key: absent while it is not known. A
#: rule that tells a creator a route is open or not reads one of these (:attr:`bot.domain.rules.
#: Rule.claims`), never a decision of its own.
VERDICT_FACTS: Final[dict[str, str]] = {
    "creator_rewards": "crp_eligible", "live_gifts": "live_eligible", "affiliate": "shop_eligible"}
#: The country facts, by route.
_REGION: Final = {"creator_rewards": "crp_region", "affiliate": "shop_region"}


def _route_facts(facts: dict[str, float], s: MetricSnapshot | None, settings: UserSettings,
                 rates: RateTables, payouts: tuple[Payout, ...]) -> frozenset[str]:
    """Write the payout routes' facts into ``facts`` (which holds the thresholds already):
    the one place that computes them, from :mod:`bot.domain.eligibility`, the place
    /estimate reads too. Returns the entry-gap facts a payout waived (left out).

    Without a snapshot only the settings are known: the country facts say whether the
    routes are offered where the creator is (absent while the country is not set).

    With one, a route the creator logged a payout from (``payouts``) is one they are in
    (:meth:`~bot.domain.eligibility.Eligibility.verdict`) unless a country, age or video
    length is known not to qualify: the facts measuring its entry counts are left out (no
    gap stands in the way: no tip urges a paid creator to qualify, and /why says so), and
    its country fact says it is offered where they are unless it is known not to be
    (:meth:`~bot.domain.eligibility.Eligibility.met`; none hides a rule that still holds).

    A flag is absent when it cannot be known (an unknown age, say): rules on it do not fire.
    """
    if s is None:
        region = settings.region
        from bot.domain.eligibility import offered

        if region is not None:
            for flag, regions in (("crp_region", rates.creator_rewards.eligibility.regions),
                                  ("shop_region", rates.affiliate.eligibility.regions)):
                known = offered(region, regions)  # None: the sources don't say
                if known is not None:
                    facts[flag] = _flag(known)
            facts["shop_listed"] = _flag(region in rates.affiliate.eligibility.regions.value)
        return frozenset()
    from bot.domain import eligibility as elig

    who = elig.assess(s, settings, rates, elig.paid_routes(payouts))
    for key, name in VERDICT_FACTS.items():
        verdict = who.verdict(key)
        if verdict is not None:
            facts[name] = _flag(verdict)
    gates = elig.eligible([r for r in who.holding("creator_rewards")
                           if r.key != "video_length"])
    if gates is not None:
        facts["crp_gates_met"] = _flag(gates)
    facts["shop_pilot"] = _flag(who.shop_pilot)
    if settings.region is not None:
        facts["shop_listed"] = _flag(
            settings.region in rates.affiliate.eligibility.regions.value)
    for key, flag in _REGION.items():
        met = who.met(key, "region")
        if met is not None:
            facts[flag] = _flag(met)
    waived = []
    for fact, (key, requirement, needed) in ENTRY_GAPS.items():
        paid = key in who.paid
        if any(not elig.holds(r, paid=paid) for r in who.route(key) if r.key == requirement):
            waived.append(fact)
            continue
        have: float | None = getattr(s, requirement)
        if who.met(key, requirement) is True:  # met on views derived from avg_views too
            facts[fact] = 0.0
        elif have is not None:
            facts[fact] = max(0.0, facts[needed] - have)
    return frozenset(waived)


#: Where each word for a slowdown starts: the latest week's pace ÷ the earlier weeks', at
#: or above the bound and under the one before it (halved: 0.4 up to the slowing rule's 0.5,
#: :func:`bot.domain.slowing.is_slowing`; a third: 0.25–0.4×; under a quarter: 0.1–0.25×;
#: nearly stopped: under a tenth; none: about the same count as a week before, which is
#: also what a latest week inside the rounding of a typed value reads as, 0, so it never
#: claims no new followers).
SLOWDOWN_WORDS: Final[tuple[tuple[float, str], ...]] = (
    (0.4, N_("Your follower growth halved compared with your earlier weeks.")),
    (0.25, N_("Your follower growth fell to about a third of your earlier weeks' pace.")),
    (0.1, N_("Your follower growth fell to under a quarter of your earlier weeks' pace.")),
    (1e-9, N_("Your follower growth nearly stopped: under a tenth of your earlier weeks' "
              "pace.")),
    (0.0, N_("Your follower count stayed about the same in the latest week, after growth in "
             "the weeks before.")),
)

#: The ratio from which growth has not slowed (:func:`bot.domain.slowing.is_slowing`).
_SLOWED_UNDER: Final = 0.5


def slowdown_sentence(ratio: float) -> str:
    """How far follower growth fell, as a whole sentence, from ``ratio`` (the latest week's
    pace ÷ the earlier weeks', ``growth_slowdown``): the one place that picks the word, so
    "halved" is said only near half (a fall from 7% to 0.4% a week "nearly stopped").

    Total on what the fact can be, 0 up to the slowing rule's 0.5: raises
    :class:`ValueError` for a ratio of 0.5 or more (growth has not slowed: no word fits),
    below 0 (a fall, which the fall tip says) or not a number."""
    if not 0.0 <= ratio < _SLOWED_UNDER:
        raise ValueError(f"no slowdown word for a ratio of {ratio!r}: only 0 up to 0.5")
    for bound, sentence in SLOWDOWN_WORDS:
        if ratio >= bound:
            return translate(sentence)
    raise AssertionError("unreachable: the last bound is 0")


def _trends(history: list[MetricSnapshot], followers: Growth | None,
            zone: tzinfo) -> dict[str, float]:
    """Trend flags over ``history`` (oldest first); ``followers`` is ``growth(history,
    "followers", zone=zone)``, already computed with the KPIs; ``zone``: the creator's time
    zone (whose days the corrected series is one value a day of, and whose wall clock counts
    the days between two)."""
    out: dict[str, float] = {}
    weekly = weeks(history, zone)
    # A fall is decided once (slowing.latest_change: the latest week, or with less than a
    # week of logs the change since the previous snapshot), on the change the tip quotes
    # (``follower_change`` over ``follower_change_days``), so it never quotes a rise, and
    # never reads the day when /stats and /goal read the week.
    change = latest_change(weekly, followers)
    if change is not None:
        out["followers_falling"] = _flag(change.falling)
        out["follower_change"] = change.delta
        out["follower_change_days"] = change.days
    if weekly.earlier:  # the week-long step before the latest week
        out["previous_growth_rate_week"] = weekly.earlier[0]
    found = paces(weekly)
    if found is not None:
        latest, earlier = found.latest, found.earlier
        out["latest_growth_rate_week"] = latest
        out["earlier_growth_rate_week"] = earlier
        out["growth_slowing"] = _flag(is_slowing(found))
        # only while growth slows (is_slowing), never for a fall: it is no slowdown, and the
        # fall tip says it; the word is read from the paces as shown (slowdown_ratio), which
        # rounding may lift to half or just above it: still "halved", the last word it fits
        if (is_slowing(found) and latest >= 0
                and not (change is not None and change.falling)):
            out["growth_slowdown"] = min(slowdown_ratio(latest, earlier),
                                         math.nextafter(_SLOWED_UNDER, 0.0))
    er_values = [v for s in history
                 if ("likes" in s.given or "views" in s.given)
                 and (v := engagement_rate_views(s)) is not None]
    if len(er_values) >= 2:
        out["engagement_falling"] = _flag(er_values[-1] < 0.8 * median(er_values[:-1]))
    views = growth(history, "views", zone=zone)
    if views is not None and followers is not None and views.ratio is not None \
            and followers.ratio is not None:
        out["views_rising_followers_flat"] = _flag(views.ratio >= 0.2 and followers.ratio < 0.01)
    posts = growth(history, "videos_per_week", zone=zone)
    if posts is not None and posts.ratio is not None:
        out["posting_dropped"] = _flag(posts.ratio <= -0.5)
    return out
