"""The estimator: formulas pinned on hand-computed cases, eligibility boundaries, properties."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.domain.estimator import Money, estimate
from bot.domain.metrics import METRICS, Kind, MetricSnapshot
from bot.domain.profile import UserSettings
from bot.domain.rates import RateTables, load_rates

RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
T = datetime(2026, 11, 2, tzinfo=UTC)
US_ADULT = UserSettings(region="US", adult=True)


def snap(**values: float) -> MetricSnapshot:
    return MetricSnapshot(taken_at=T, **values)  # type: ignore[arg-type]


def approx(m: Money | None, low: float, typical: float, high: float) -> None:
    assert m is not None
    assert (m.low, m.typical, m.high) == pytest.approx((low, typical, high))


def test_creator_rewards_formula() -> None:
    # 200k views × (30% / 50% / 70%) qualified ÷ 1,000 × ($0.40 / $0.70 / $1.00)
    e = estimate(snap(followers=20_000, views=200_000, avg_video_length=75), US_ADULT, RATES)
    r = e.route("creator_rewards")
    assert r.eligible is True
    approx(r.monthly, 200 * 0.3 * 0.4, 200 * 0.5 * 0.7, 200 * 0.7 * 1.0)


@pytest.mark.parametrize(("followers", "views", "eligible", "gap"), [
    (10_000, 100_000, True, None),
    (9_999, 100_000, False, "1 followers to go"),
    (10_000, 99_999, False, "1 views to go"),
    (6_200, 100_000, False, "3,800 followers to go"),
])
def test_creator_rewards_boundaries(followers: int, views: int, eligible: bool,
                                    gap: str | None) -> None:
    r = estimate(snap(followers=followers, views=views, avg_video_length=61), US_ADULT,
                 RATES).route("creator_rewards")
    assert r.eligible is eligible
    assert [q.gap for q in r.unmet] == ([gap] if gap else [])
    assert r.monthly is not None  # still shows what it would pay


def test_creator_rewards_other_gates() -> None:
    base = {"followers": 20_000, "views": 200_000}
    short = estimate(snap(**base, avg_video_length=59), US_ADULT, RATES).route("creator_rewards")
    assert short.eligible is False and "only videos over 1 minute earn" in short.unmet[0].gap
    minute = estimate(snap(**base, avg_video_length=60), US_ADULT, RATES)
    assert minute.route("creator_rewards").eligible is True
    young = estimate(snap(**base, avg_video_length=90), UserSettings(region="US", adult=False),
                     RATES).route("creator_rewards")
    assert young.eligible is False
    canada = estimate(snap(**base, avg_video_length=90), UserSettings(region="CA", adult=True),
                      RATES).route("creator_rewards")
    assert [q.gap for q in canada.unmet] == ["not offered in CA yet"]
    japan = estimate(snap(followers=20_000, views=200_000, avg_video_length=90),
                     UserSettings(region="JP", adult=True), RATES).route("creator_rewards")
    assert [q.gap for q in japan.unmet] == ["30,000 followers to go"]
    unknown = estimate(snap(**base), UserSettings(), RATES).route("creator_rewards")
    assert unknown.eligible is None  # nothing unmet, but age/region/length unknown


def test_live_boundary_and_diamonds() -> None:
    at = estimate(snap(followers=1_000, diamonds=20_000), US_ADULT, RATES).route("live_gifts")
    below = estimate(snap(followers=999, diamonds=20_000), US_ADULT, RATES).route("live_gifts")
    assert at.eligible is True and below.eligible is False
    assert [q.gap for q in below.unmet] == ["1 followers to go"]
    approx(at.monthly, 100, 100, 100)  # 20,000 diamonds × $0.005


def test_live_from_hours_and_viewers() -> None:
    r = estimate(snap(followers=5_000, live_hours=3, live_viewers=100), US_ADULT,
                 RATES).route("live_gifts")
    hours = 3 * 30 / 7 * 100
    approx(r.monthly, hours * 0.05 * 0.20, hours * 0.15 * 0.50, hours * 0.35 * 0.53)


def test_affiliate_formula_boundary_and_pilot_note() -> None:
    r = estimate(snap(followers=1_000, views=100_000), US_ADULT, RATES).route("affiliate")
    assert r.eligible is True
    assert r.note is not None and "pilot" in r.note
    approx(r.monthly, 100_000 * 0.10 * 0.01 * 0.005 * 25 * 0.10,
           100_000 * 0.20 * 0.02 * 0.015 * 45 * 0.15,
           100_000 * 0.30 * 0.05 * 0.03 * 75 * 0.20)
    below = estimate(snap(followers=999, views=100_000), US_ADULT, RATES).route("affiliate")
    assert below.eligible is False
    full = estimate(snap(followers=5_000, views=100_000), US_ADULT, RATES).route("affiliate")
    assert full.note is None


def test_brand_deal_price_and_engagement_factor() -> None:
    # 25k followers (micro $75/$350/$800), avg views 10k × CPM $3/$6/$15 = $30/$60/$150;
    # price = average of both; engagement 6.2% vs 3.1% (20k–100k) → 2.0× (clamped at 2.0).
    s = snap(followers=25_000, avg_views=10_000, views=100_000, likes=5_800, comments=300,
             shares=100)
    e = estimate(s, US_ADULT, RATES)
    r = e.route("brand_deals")
    assert e.engagement is not None and e.engagement.ratio == pytest.approx(2.0)
    assert "2.0× the typical 3.1% for 20k–100k accounts: brand range raised" in (r.note or "")
    price = ((75 + 30) / 2, (350 + 60) / 2, (800 + 150) / 2)
    approx(r.monthly, price[0] * 2 * 0.5, price[1] * 2 * 1, price[2] * 2 * 2)


def test_low_engagement_lowers_and_unknown_widens_brand_range() -> None:
    base = {"followers": 25_000, "avg_views": 10_000, "views": 100_000}
    low = estimate(snap(**base, likes=1_000), US_ADULT, RATES)
    assert low.engagement is not None and "brand range lowered" in low.engagement.sentence
    unknown = estimate(snap(**base), US_ADULT, RATES)
    r = unknown.route("brand_deals")
    assert "likes" in r.missing
    price = ((75 + 30) / 2, (350 + 60) / 2, (800 + 150) / 2)
    approx(r.monthly, price[0] * 0.7 * 0.5, price[1], price[2] * 1.3 * 2)


def test_brand_deals_without_view_data_use_the_tier_only() -> None:
    r = estimate(snap(followers=300_000), US_ADULT, RATES).route("brand_deals")
    assert "avg_views" in r.missing
    approx(r.monthly, 350 * 0.7 * 0.5, 1200 * 1.0 * 1, 3000 * 1.3 * 2)


def test_own_products_with_and_without_price() -> None:
    r = estimate(snap(views=100_000), UserSettings(), RATES, price=40, margin=0.5)
    approx(r.route("own_products").monthly,
           100_000 * 0.10 * 0.005 * 0.01 * 40 * 0.5, 100_000 * 0.20 * 0.01 * 0.02 * 40 * 0.5,
           100_000 * 0.30 * 0.02 * 0.04 * 40 * 0.5)
    assert any("give yours" in a for a in estimate(snap(views=1), UserSettings(), RATES)
               .route("own_products").assumptions)


def test_missing_inputs_are_named_not_zero() -> None:
    e = estimate(snap(followers=5_000), US_ADULT, RATES)
    assert e.route("creator_rewards").monthly is None
    assert e.route("affiliate").monthly is None
    assert "views" in e.missing
    derived = estimate(snap(followers=5_000, avg_views=2_000, videos_per_week=7), US_ADULT,
                       RATES)
    assert derived.views_note is not None and "estimated" in derived.views_note
    assert derived.route("creator_rewards").monthly is not None


def test_zero_views_pays_zero_without_errors() -> None:
    e = estimate(snap(followers=0, views=0, likes=0, avg_views=0, videos_per_week=0),
                 US_ADULT, RATES)
    approx(e.route("creator_rewards").monthly, 0, 0, 0)
    approx(e.route("affiliate").monthly, 0, 0, 0)


def test_huge_values_stay_finite() -> None:
    big = {m.name: (1.0 if m.kind is Kind.RATE else m.maximum) for m in METRICS}
    e = estimate(snap(**big), US_ADULT, RATES)
    assert e.potential.high < float("inf")


def test_currency_conversion_uses_the_dated_table() -> None:
    s = snap(followers=20_000, views=200_000, avg_video_length=75)
    usd = estimate(s, US_ADULT, RATES).route("creator_rewards").monthly
    eur = estimate(s, UserSettings(currency="EUR", region="US", adult=True),
                   RATES).route("creator_rewards").monthly
    assert usd is not None and eur is not None
    assert eur.typical == pytest.approx(usd.typical / 1.0411)
    jpy = estimate(s, UserSettings(currency="JPY", region="US", adult=True), RATES)
    assert jpy.route("creator_rewards").monthly.typical == pytest.approx(  # type: ignore[union-attr]
        usd.typical / 1.0411 * 156.96)
    assert "2025-02-28" in jpy.currency_note


def test_now_total_counts_only_open_routes() -> None:
    e = estimate(snap(followers=2_000, views=50_000, likes=4_000), US_ADULT, RATES)
    open_routes = [r for r in e.routes if r.eligible is True and r.monthly]
    assert e.now.typical == pytest.approx(sum(r.monthly.typical for r in open_routes))  # type: ignore[union-attr]
    assert e.potential.typical >= e.now.typical


def _metric_values() -> st.SearchStrategy[dict[str, float]]:
    fields = {
        m.name: st.none() | st.floats(min_value=0, max_value=1.0 if m.kind is Kind.RATE
                                      else m.maximum, allow_nan=False)
        for m in METRICS
    }
    return st.fixed_dictionaries(fields)


settings_strategy = st.builds(
    UserSettings, currency=st.sampled_from(sorted(RATES.currencies.per_eur)),
    region=st.none() | st.sampled_from(["US", "GB", "JP", "CA", "ID"]),
    adult=st.none() | st.booleans())


@settings(max_examples=300, deadline=None)
@given(_metric_values(), settings_strategy)
def test_ranges_are_ordered_finite_and_non_negative(values: dict[str, float],
                                                    user: UserSettings) -> None:
    e = estimate(MetricSnapshot(taken_at=T, **values), user, RATES)
    for m in [r.monthly for r in e.routes if r.monthly] + [e.now, e.potential]:
        assert 0 <= m.low <= m.typical <= m.high < float("inf")


@settings(max_examples=200, deadline=None)
@given(_metric_values(), st.floats(min_value=0, max_value=1e9), st.floats(min_value=0,
                                                                         max_value=1e9))
def test_more_views_never_lower_creator_rewards(values: dict[str, float], a: float,
                                                b: float) -> None:
    lo, hi = sorted((a, b))
    one = estimate(MetricSnapshot(taken_at=T, **{**values, "views": lo}), US_ADULT, RATES)
    two = estimate(MetricSnapshot(taken_at=T, **{**values, "views": hi}), US_ADULT, RATES)
    m1, m2 = one.route("creator_rewards").monthly, two.route("creator_rewards").monthly
    assert m1 is not None and m2 is not None
    assert m1.low <= m2.low and m1.typical <= m2.typical and m1.high <= m2.high


def test_rates_tables_each_figure_has_source_and_date() -> None:
    def walk(obj: object) -> None:
        from pydantic import BaseModel

        from bot.domain.rates import Fact, Figure

        if isinstance(obj, Figure | Fact):
            assert obj.source and obj.date
        if isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(getattr(obj, name))
        elif isinstance(obj, list):
            for item in obj:
                walk(item)

    walk(RATES)
    assert isinstance(RATES, RateTables)


def test_malformed_rate_table_fails_with_file_line_and_field(tmp_path: Path) -> None:
    import shutil

    from bot.domain.datafiles import DataFileError

    rates = tmp_path / "rates"
    shutil.copytree(PROJECT_ROOT / "strategies" / "rates", rates)
    path = rates / "creator_rewards.toml"
    lines = path.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("rpm_usd"))
    lines[n] = lines[n].replace("high = 1.00", "high = 0.10")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError) as err:
        load_rates(rates)
    assert f"creator_rewards.toml:{n + 1}: rates.rpm_usd" in str(err.value)
    assert "low ≤ typical ≤ high" in str(err.value)
    lines[n] = lines[n].replace("low = 0.40", 'low = "cheap"')
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match=r"rates\.rpm_usd\.low"):
        load_rates(rates)
