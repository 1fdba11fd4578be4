"""Who qualifies for which payout route: decided once, here, and read by /estimate and /tips;
what a series of income estimates reads at each past snapshot (:func:`as_known_now`).

Every requirement says what is needed, what the creator has (``None``: not known), whether it
is met (``None``: not known), the distance to it and the command that would tell us the missing
value. A route is eligible (``True``) when every requirement is met, not (``False``) when one is
unmet, and unknown (``None``) otherwise. A creator who logged a payout from a route is in it,
whatever its entry requirements say (:meth:`Eligibility.verdict`, the one rule every route,
/estimate and /tips follow). Pure and synchronous.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, NamedTuple

from bot.domain.fieldnames import typed
from bot.domain.metrics import MetricSnapshot, videos_in_period, views_in_period
from bot.domain.numbers import compact, counted, duration, grouped, items
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.rates import RateTables, Regions
from bot.i18n import current, ngettext
from bot.i18n import gettext as _


@dataclass(frozen=True, slots=True)
class Requirement:
    """One condition of a route, in plain words (``name``), with its threshold (``needed``)."""

    name: str
    needed: str
    have: str | None  # None: not known
    met: bool | None  # None: not known
    gap: str | None = None  # "3,800 followers to go"
    hint: str | None = None  # the command that sets the missing value, with a placeholder
    # for it ("/log followers=<your followers>"), never a concrete value the creator may
    # copy although it isn't theirs (a wrong region or age silently changes every estimate)
    key: str = ""  # "followers", "views", "age", "region", "video_length"


def eligible(reqs: tuple[Requirement, ...] | list[Requirement]) -> bool | None:
    """``False`` if any requirement is unmet, ``None`` if any is unknown, else ``True``."""
    if any(r.met is False for r in reqs):
        return False
    if any(r.met is None for r in reqs):
        return None
    return True


def views_30d(s: MetricSnapshot) -> tuple[float | None, str | None]:
    """30-day views, typed or derived (:func:`bot.domain.metrics.views_in_period`), and how
    they were derived, as a whole sentence (``None`` when typed or unknown)."""
    views = views_in_period(s)
    if views is None or s.views is not None:
        return views, None
    videos, n = counted(videos_in_period(s) or 0, 0)
    return views, ngettext("30-day views estimated as your average views, %(views)s, × "
                           "%(num)s video.", "30-day views estimated as your average views, "
                           "%(views)s, × %(num)s videos.", n,
                           views=compact(s.avg_views), num=videos)


def log_hint(key: str, value: str) -> str:
    """The /log command that tells us ``key``, with the field's name in the current language
    (German ``/log Follower=12k``)."""
    return f"/log {typed(key, value)}"


def to_go(unit: str, count: float) -> str:
    """``count`` more of ``unit`` (``"followers"`` or ``"views"``, the units a route's
    :func:`_count` requirements use) in words, its noun in the plural form ``count`` takes in
    the current language: ``"1 follower to go"``, ``"3,800 followers to go"``; ``count`` is
    rounded up (999.5 of 1,000 is 1 to go). ValueError for another unit."""
    n = math.ceil(count)
    if unit == "followers":
        return ngettext("%(count)s follower to go", "%(count)s followers to go", n,
                        count=grouped(n))
    if unit == "views":
        return ngettext("%(count)s view to go", "%(count)s views to go", n, count=grouped(n))
    raise ValueError(f"no words for {unit!r} to go")


def _count(name: str, needed: int, have: float | None, unit: str, hint: str,
           shown: str | None = None) -> Requirement:
    """``have`` against ``needed``; ``shown`` is ``grouped(have)`` when already written."""
    if have is None:
        return Requirement(name, grouped(needed), None, None, hint=hint, key=unit)
    met = have >= needed
    gap = None if met else to_go(unit, needed - have)
    return Requirement(name, grouped(needed), grouped(have) if shown is None else shown, met,
                       gap, key=unit)


def min_age(rates: RateTables, region: str | None) -> int:
    """The minimum age for the 18+ routes in ``region`` (19 in South Korea)."""
    by_region = rates.creator_rewards.eligibility.min_age_by_region.value
    return by_region.get(region or "", 18)


def _age(st: UserSettings, rates: RateTables) -> Requirement:
    age = min_age(rates, st.region)
    name = _("%(age)s or older", age=age)
    if st.age is not None:
        ok = st.age >= age
        return Requirement(name, _("yes"), str(st.age), ok,
                           None if ok else _("available from %(age)s", age=age), key="age")
    if st.adult is None:
        return Requirement(name, _("yes"), None, None, hint=_("/settings age=<your age>"),
                           key="age")
    if not st.adult:
        return Requirement(name, _("yes"), _("no"), False, _("available from %(age)s", age=age),
                           key="age")
    if age > 18:  # we only know 18+: the local minimum is higher
        return Requirement(name, _("yes"), "18+", None,
                           hint=_("%(age)s in %(region)s: /settings age=<your age>", age=age,
                                  region=st.region),
                           key="age")
    return Requirement(name, _("yes"), _("yes"), True, key="age")


def offered(region: str, regions: Regions) -> bool | None:
    """Whether a programme listed in ``regions`` is offered in ``region``: True when listed,
    False when not and the list is exhaustive, None (not known) when not and it isn't (the
    sources name some countries, not every one). The one place region lists are read."""
    if region in regions.value:
        return True
    return False if regions.exhaustive else None


def _region(st: UserSettings, regions: Regions, programme: str) -> Requirement:
    region = st.region
    allowed = regions.value
    listed = items(allowed, "or")
    if region is None:
        # the example follows the creator's own time zone (UserSettings.example_region)
        return Requirement(_("available in your country"), listed, None, None,
                           hint=_("/settings region=<your country code>, e.g. %(example)s",
                                  example=st.example_region(current())),
                           key="region")
    ok = offered(region, regions)
    if ok is None:
        return Requirement(_("available in your country"), listed, region, None,
                           hint=_("my sources list %(listed)s, and %(region)s is not among "
                                  "them: check %(programme)s in the TikTok app",
                                  listed=items(allowed), region=region, programme=programme),
                           key="region")
    return Requirement(_("available in your country"), listed, region, ok,
                       None if ok else _("not offered in %(region)s yet", region=region),
                       key="region")


class _Shared(NamedTuple):
    """What several routes' requirements share, written once per :func:`assess`."""

    followers_hint: str  # the /log that tells us the followers
    followers: str | None  # the creator's followers as the requirements show them
    age: Requirement  # the same for every 18+ route


def _followers_hint() -> str:
    """The /log that tells us the followers."""
    return log_hint("followers", _("<your followers>"))


def _shared(s: MetricSnapshot, st: UserSettings, rates: RateTables) -> _Shared:
    return _Shared(_followers_hint(),
                   None if s.followers is None else grouped(s.followers), _age(st, rates))


def _followers(s: MetricSnapshot, needed: int, shared: _Shared) -> Requirement:
    return _count(_("followers"), needed, s.followers, "followers", shared.followers_hint,
                  shared.followers)


def creator_rewards(s: MetricSnapshot, st: UserSettings, rates: RateTables) -> list[Requirement]:
    """Followers, 30-day views, age, country, and videos longer than 1:00 (1:00 is not)."""
    return _creator_rewards(s, st, rates, _shared(s, st, rates))


def _creator_rewards(s: MetricSnapshot, st: UserSettings, rates: RateTables,
                     shared: _Shared) -> list[Requirement]:
    e = rates.creator_rewards.eligibility
    views = views_in_period(s)  # what views_30d gives (its note is not needed here)
    reqs = [
        _followers(s, e.followers.value, shared),
        _count(_("views in the last 30 days"), e.views_30d.value, views, "views",
               log_hint("views", _("<your views in the last 30 days>"))),
        shared.age,
        _region(st, e.regions, "Creator Rewards"),
    ]
    limit = e.min_video_seconds.value
    length = duration(limit)
    name = _("videos longer than %(length)s", length=length)
    if s.avg_video_length is None:
        reqs.append(Requirement(name, f"> {length}", None, None,
                                hint=log_hint("avg_video_length", _("<your average length, m:ss>")),
                                key="video_length"))
    else:
        ok = s.avg_video_length > limit
        reqs.append(Requirement(name, f"> {length}", duration(s.avg_video_length), ok,
                                None if ok else _("only videos longer than %(length)s earn",
                                                  length=length),
                                key="video_length"))
    return reqs


def brand_deals(s: MetricSnapshot, rates: RateTables) -> list[Requirement]:
    """Followers (what brands look at first)."""
    return _brand_deals(s, rates, _followers_hint(),
                        None if s.followers is None else grouped(s.followers))


def _brand_deals(s: MetricSnapshot, rates: RateTables, hint: str,
                 followers: str | None) -> list[Requirement]:
    """:func:`brand_deals` with the followers' hint and shown number already written."""
    return [_count(_("followers"), rates.brand_deals.eligibility.followers.value, s.followers,
                   "followers", hint, followers)]


def live_gifts(s: MetricSnapshot, st: UserSettings, rates: RateTables) -> list[Requirement]:
    return _live_gifts(s, rates, _shared(s, st, rates))


def _live_gifts(s: MetricSnapshot, rates: RateTables, shared: _Shared) -> list[Requirement]:
    return [_followers(s, rates.live_gifts.eligibility.followers.value, shared), shared.age]


def affiliate(s: MetricSnapshot, st: UserSettings, rates: RateTables) -> list[Requirement]:
    return _affiliate(s, st, rates, _shared(s, st, rates))


def _affiliate(s: MetricSnapshot, st: UserSettings, rates: RateTables,
               shared: _Shared) -> list[Requirement]:
    e = rates.affiliate.eligibility
    return [_followers(s, e.followers.value, shared), shared.age,
            _region(st, e.regions, "TikTok Shop")]


def in_shop_pilot(s: MetricSnapshot, st: UserSettings, rates: RateTables) -> bool:
    """True only in a pilot country (the US) between the entry and full-access follower counts."""
    e = rates.affiliate.eligibility
    return (st.region in e.pilot_regions.value and s.followers is not None
            and e.followers.value <= s.followers < e.full_access_followers.value)


#: What the requirements read of a snapshot that describes the creator's content rather than
#: counts a week or 30 days of it: how long their videos are (Creator Rewards pays only for
#: videos longer than 1:00). Logged once it stands for the content before it as well, so
#: :func:`as_known_now` lets a value logged later stand in where it was not known yet.
CONTENT_FIELDS: Final = ("avg_video_length",)


class KnownNow(NamedTuple):
    """One snapshot as :func:`as_known_now` gives it: ``snapshot`` with what was logged later
    standing in where nothing was known then, and ``stood_in``: those fields with their
    values (empty: the snapshot as stored, the very same object)."""

    snapshot: MetricSnapshot
    stood_in: tuple[tuple[str, float], ...] = ()


def as_known_now(snapshots: Sequence[MetricSnapshot]) -> list[KnownNow]:
    """``snapshots`` (oldest first, the store's order) as they are estimated now: each of
    :data:`CONTENT_FIELDS` unknown in a snapshot (logged only later) takes the value of the
    nearest later snapshot that has one. A series of income estimates (/progress income,
    /goal income=) then decides every point's eligibility on what the creator told us,
    and a video length logged in week 5 draws no crash or jump at week 5 that never
    happened; a value known at the time is never replaced (a change of it is real). Counts
    (followers, views) are never filled in. The one place that decides it; pure.

    A snapshot with nothing filled in is returned as the same object, and the filled ones
    replace theirs in the list, so the result (:attr:`KnownNow.snapshot` of each) is the
    history every point's estimate reads, as the stored one was (engagement pairs 30-day
    totals by the snapshots themselves: :func:`bot.domain.metrics.same_window`)."""
    later: dict[str, float] = {}
    out: list[KnownNow] = []
    for s in reversed(snapshots):
        filled: dict[str, Any] = {name: later[name] for name in CONTENT_FIELDS
                                  if getattr(s, name) is None and name in later}
        for name in CONTENT_FIELDS:
            value = getattr(s, name)
            if value is not None:
                later[name] = float(value)
        out.append(KnownNow(replace(s, **filled), tuple(filled.items())) if filled
                   else KnownNow(s))
    out.reverse()
    return out


def stood_in(known: Iterable[KnownNow]) -> tuple[tuple[str, float], ...]:
    """Each field and value that stood in anywhere in ``known`` (:func:`as_known_now`), once,
    oldest first: what a reply says its earlier points were estimated with."""
    return tuple(dict.fromkeys(pair for k in known for pair in k.stood_in))


#: The requirements (:attr:`Requirement.key`) a route's entry asks of the numbers: a payout
#: from the route shows the creator met them once, whatever their logged numbers say now.
#: Ongoing rules (videos longer than 1:00) and who the route is offered to (country, age)
#: are not waived by a payout.
ENTRY: Final = frozenset({"followers", "views"})


def holds(req: Requirement, *, paid: bool) -> bool:
    """Whether ``req`` still stands between the creator and its route: every requirement
    does, except, for a route they were ``paid`` by (under their own settings), its entry
    counts (:data:`ENTRY`) and what is unknown (the payout shows it was met). A known unmet
    country, age or video length still holds. The one rule for /estimate's status, gaps
    and "now" and /tips' eligibility facts."""
    return not (paid and (req.key in ENTRY or req.met is None))


def holding(reqs: Iterable[Requirement], *, paid: bool) -> tuple[Requirement, ...]:
    """The requirements of ``reqs`` (one route's) that still hold the creator back or are
    unknown (:func:`holds`; ``paid``: they logged a payout from the route): what /estimate
    lists as gaps and questions and what decides the route's verdict."""
    return tuple(r for r in reqs if holds(r, paid=paid))


def paid_routes(payouts: Iterable[Payout]) -> frozenset[str]:
    """The routes (estimator route keys) the creator logged a payout from: they are in those
    routes (see :meth:`Eligibility.verdict`)."""
    return frozenset(p.route for p in payouts)


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Every route's requirements for one creator, and the routes they were paid by."""

    creator_rewards: tuple[Requirement, ...]
    brand_deals: tuple[Requirement, ...]
    live_gifts: tuple[Requirement, ...]
    affiliate: tuple[Requirement, ...]
    shop_pilot: bool
    #: Routes the creator logged a payout from (:func:`paid_routes`).
    paid: frozenset[str] = field(default_factory=frozenset)

    def route(self, key: str) -> tuple[Requirement, ...]:
        if key == "own_products":
            return ()
        reqs: tuple[Requirement, ...] = getattr(self, key)
        return reqs

    def holding(self, key: str) -> tuple[Requirement, ...]:
        """Route ``key``'s requirements that still hold the creator back or are unknown
        (:func:`holding`): all of them, unless they logged a payout from it."""
        return holding(self.route(key), paid=key in self.paid)

    def verdict(self, key: str) -> bool | None:
        """Whether the creator is in route ``key``: :func:`eligible` of the requirements
        that hold (:meth:`holding`). A payout from the route waives its entry counts and
        what is unknown, so it puts them in unless a country, age or video length is known
        not to qualify. The one rule /estimate and /tips apply to every route."""
        return eligible(self.holding(key))

    def met(self, key: str, requirement: str) -> bool | None:
        """Whether route ``key``'s requirement ``requirement`` (a :attr:`Requirement.key`)
        counts as met: True where a payout waives it (:func:`holds`), else its ``met``;
        None when the route has no such requirement."""
        paid = key in self.paid
        for r in self.route(key):
            if r.key == requirement:
                return True if not holds(r, paid=paid) else r.met
        return None


def assess(s: MetricSnapshot, st: UserSettings, rates: RateTables,
           paid: frozenset[str] = frozenset()) -> Eligibility:
    """Every route's requirements for snapshot ``s`` and settings ``st`` (what
    :func:`creator_rewards`, :func:`brand_deals`, :func:`live_gifts` and :func:`affiliate`
    give, with what they share written once: the followers hint, the followers, the age
    requirement); ``paid`` is :func:`paid_routes` of the creator's logged payouts, empty
    when ``st`` is not the creator's own (a what-if of another country or age: the payouts
    were earned under their own settings)."""
    shared = _shared(s, st, rates)
    return Eligibility(tuple(_creator_rewards(s, st, rates, shared)),
                       tuple(_brand_deals(s, rates, shared.followers_hint,
                                          shared.followers)),
                       tuple(_live_gifts(s, rates, shared)),
                       tuple(_affiliate(s, st, rates, shared)),
                       in_shop_pilot(s, st, rates), paid)
