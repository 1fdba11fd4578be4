"""Calibration: public creator-reported earnings against the estimator's P10–P90 ranges.

Each row is one public report (source, date, country, what was measured, the reported figure
in its own currency). The estimator is asked for the same thing in the same currency, and the
report is "covered" when it falls inside P10–P90. Ranges meant as 8-in-10 should cover about
80% of honest reports: far fewer means the tables are miscalibrated, all of them means the
ranges are too wide to act on. The README's "How estimates are computed" shows this table
(regenerate with ``python -m tests.domain.test_calibration``).

Bases: ``rpm`` = reported per 1,000 *qualified* views (the RPM TikTok shows);
``per_view`` = reported payout ÷ all views × 1,000; ``qualified_share`` = qualified ÷ all views;
``brand_per_video`` = price of one sponsored video; ``diamond`` = payout per diamond.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import PROJECT_ROOT
from bot.domain.estimator import Money, estimate
from bot.domain.metrics import MetricSnapshot
from bot.domain.profile import UserSettings
from bot.domain.rates import load_rates

RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
T = datetime(2026, 11, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Report:
    source: str
    date: str
    country: str
    basis: str
    reported: float
    currency: str
    metrics: tuple[tuple[str, float], ...] = ()
    note: str = ""


REPORTS = (
    Report("passionfru.it, creator with 55k followers (Creativity Program / Creator Rewards)",
           "2023–2024", "US", "rpm", 1.215, "USD", note="$1.20–1.23"),
    Report("tabcut.com, 'Creativity Program beta: 2 months later'", "2023", "US", "rpm",
           1.23, "USD", note="first month"),
    Report("tabcut.com, 'Creativity Program beta: 2 months later'", "2023", "US", "rpm",
           0.75, "USD", note="two months later"),
    Report("napolify.com, Creator Rewards UK", "2025", "GB", "rpm", 0.75, "GBP",
           note="about £0.75"),
    Report("BBC Newsbeat, UK news account", "2023", "GB", "per_view", 0.05, "GBP"),
    Report("tabcut.com, UK creator (110k followers) after the beta", "2024", "GB", "per_view",
           0.01, "GBP", note="about 1p"),
    Report("tabcut.com, UK creator: £429 for a 1.2M-view video", "2024", "GB", "per_view",
           429 / 1200, "GBP"),
    Report("Numerama", "2024", "FR", "rpm", 0.40, "EUR", note="'1 to 60 centimes, up to €2'"),
    Report("gensdinternet.fr, Cyril Schreiner in the 2022 beta ('€1 per 1,000 views')",
           "2022-10-12", "FR", "per_view", 1.0, "EUR"),
    Report("gensdinternet.fr, Cyril Schreiner: €2,500 for about 4M views in 4 days",
           "2022-10-12", "FR", "per_view", 2500 / 4000, "EUR"),
    Report("watson.de relaying Der Spiegel", "2024", "DE", "rpm", 0.65, "EUR"),
    Report("watson.de relaying Der Spiegel", "2024", "DE", "rpm", 0.83, "EUR"),
    Report("creator dashboard: 30k of 70k views qualified", "2025", "US", "qualified_share",
           30 / 70, "USD"),
    Report("1.6M-follower creator: $1,000–2,000 per 100k views", "2025", "US",
           "brand_per_video", 1_500, "USD",
           (("followers", 1_600_000), ("avg_views", 100_000))),
    Report("itechpost.com: 5,000-coin gift = 2,500 diamonds = $12.50", "2021-09-03", "PH",
           "diamond", 12.5 / 2500, "USD"),
)


def interval(r: Report) -> Money:
    """The estimator's P10 / median / P90 for what ``r`` measured, in ``r.currency``."""
    metrics = dict(r.metrics)
    metrics.setdefault("views", 1_000_000)
    metrics.setdefault("followers", 50_000)
    if r.basis == "diamond":
        metrics["diamonds"] = 1_000_000
    user = UserSettings(region=r.country, adult=True, currency=r.currency)
    e = estimate(MetricSnapshot(taken_at=T, **metrics), user, RATES)  # type: ignore[arg-type]
    cr = e.route("creator_rewards")
    if r.basis == "rpm":
        assert cr.rpm is not None
        return cr.rpm
    if r.basis == "per_view":
        assert cr.monthly is not None
        return cr.monthly.scaled(1 / 1000)  # per 1,000 of the 1M views
    if r.basis == "qualified_share":
        assert cr.qualified_share is not None
        low, high = cr.qualified_share
        return Money(low, RATES.creator_rewards.rates.qualified_share.typical, high)
    if r.basis == "brand_per_video":
        per_video = e.route("brand_deals").per_video
        assert per_video is not None
        return per_video
    if r.basis == "diamond":
        monthly = e.route("live_gifts").monthly
        assert monthly is not None
        return monthly.scaled(1 / 1_000_000)
    raise AssertionError(r.basis)


def covered(r: Report) -> bool:
    m = interval(r)
    return m.low <= r.reported <= m.high


def test_at_least_ten_public_reports() -> None:
    assert len(REPORTS) >= 10
    assert all(r.source and r.date for r in REPORTS)


def test_coverage_is_about_the_stated_eight_in_ten() -> None:
    hits = sum(covered(r) for r in REPORTS)
    share = hits / len(REPORTS)
    # 80% intervals: with 15 reports, 60–95% is what honest 80% ranges produce.
    assert 0.6 <= share <= 0.95, [(r.source, r.reported, interval(r)) for r in REPORTS]


def test_ranges_stay_narrow_enough_to_act_on() -> None:
    widths = [interval(r).width for r in REPORTS if r.basis != "qualified_share"]
    assert max(widths) <= 6


def table() -> str:
    """The README table: one row per report."""
    rows = ["| Source | Date | Country | Measured | Reported | Our P10–P90 (median) | In? |",
            "|---|---|---|---|---|---|---|"]
    for r in REPORTS:
        m = interval(r)
        fmt = "{:.3g}" if r.basis != "brand_per_video" else "{:,.0f}"
        unit = "" if r.basis == "qualified_share" else r.currency
        rows.append(
            f"| {r.source} | {r.date} | {r.country} | {r.basis.replace('_', ' ')} | "
            f"{fmt.format(r.reported)} {unit} | {fmt.format(m.low)}–{fmt.format(m.high)} "
            f"({fmt.format(m.typical)}) | {'yes' if covered(r) else 'no'} |")
    hits = sum(covered(r) for r in REPORTS)
    rows.append(f"\nCovered: {hits} of {len(REPORTS)} ({hits / len(REPORTS):.0%}).")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
