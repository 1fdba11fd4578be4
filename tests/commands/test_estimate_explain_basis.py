"""An estimate that is not explained leaves the routes' inputs and assumptions unwritten (only
``/estimate explain`` shows them): its reply reads exactly as when they are written, in every
language and format, for new and established creators, with and without payouts."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from bot import i18n
from bot.commands.estimate import engagement_basis_view, estimate_view
from bot.config import PROJECT_ROOT
from bot.core.types import Reply
from bot.domain.estimator import estimate
from bot.domain.metrics import MetricSnapshot
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.rates import load_rates
from bot.render.environment import Renderer
from bot.render.formats import Format

RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)
SNAPSHOTS = {
    "new": {"followers": 1200.0, "views": 30_000.0, "likes": 2000.0},
    "large": {"followers": 250_000.0, "views": 4_000_000.0, "likes": 300_000.0,
              "comments": 4000.0, "shares": 2500.0, "avg_views": 90_000.0,
              "videos_per_week": 4.0, "avg_video_length": 75.0, "diamonds": 20_000.0},
    "live": {"followers": 5000.0, "live_hours": 6.0, "live_viewers": 40.0},
    "empty": {},
}
SETTINGS = (UserSettings(), UserSettings(region="US", adult=True, does=frozenset({"affiliate"})),
            UserSettings(region="DE", currency="EUR", age=30))
PAYOUTS = ((), (Payout("creator_rewards", 400, "USD", T0, views=500_000),
                Payout("affiliate", 120, "USD", T0)))


@pytest.mark.parametrize("language", sorted(i18n.LANGUAGES))
def test_an_unexplained_estimate_reads_the_same(language: str) -> None:
    renderer = Renderer(PROJECT_ROOT / "templates")
    for values in SNAPSHOTS.values():
        snapshot = MetricSnapshot.empty(T0).merged(values, T0) if values else \
            MetricSnapshot.empty(T0)
        for settings in SETTINGS:
            for payouts in PAYOUTS:
                with i18n.using(language):
                    texts = []
                    for explain in (True, False):
                        result = estimate(snapshot, settings, RATES, payouts=payouts,
                                          explain=explain)
                        context = {**estimate_view(result, what_if=False, explain=False),
                                   **engagement_basis_view("unchanged", result)}
                        reply = Reply("estimate", MappingProxyType(context), locale=language)
                        texts.append([renderer.render(reply, fmt) for fmt in Format])
                assert texts[0] == texts[1], (language, values, settings, payouts)
                with i18n.using(language):
                    written = estimate(snapshot, settings, RATES, payouts=payouts)
                    unwritten = estimate(snapshot, settings, RATES, payouts=payouts,
                                         explain=False)
                assert any(r.assumptions for r in written.routes)
                assert not any(r.assumptions or r.inputs for r in unwritten.routes
                               if r.key in {"creator_rewards", "affiliate", "own_products"})
                # brand deals and LIVE gifts keep their inputs (the rate card reads them)
                assert not any(r.assumptions for r in unwritten.routes)


@pytest.mark.parametrize("language", sorted(i18n.LANGUAGES))
def test_an_unexplained_estimates_view_leaves_the_sources_unwritten(language: str) -> None:
    """The sources of an estimate are shown only when it is explained: an unexplained
    estimate's view leaves them unwritten (each translated and joined for the language), and
    its reply reads exactly as with them written, in every format."""
    renderer = Renderer(PROJECT_ROOT / "templates")
    for values in SNAPSHOTS.values():
        snapshot = MetricSnapshot.empty(T0).merged(values, T0) if values else \
            MetricSnapshot.empty(T0)
        for settings in SETTINGS:
            with i18n.using(language):
                result = estimate(snapshot, settings, RATES, payouts=PAYOUTS[1],
                                  explain=False)
                unwritten = estimate_view(result, what_if=False, explain=False)
                written = {**estimate_view(result, what_if=False, explain=True),
                           "explain": False}
                texts = []
                for view in (unwritten, written):
                    context = {**view, **engagement_basis_view("unchanged", result)}
                    reply = Reply("estimate", MappingProxyType(context), locale=language)
                    texts.append([renderer.render(reply, fmt) for fmt in Format])
            assert texts[0] == texts[1], (language, values, settings)
            assert not any(r["sources"] for r in unwritten["routes"])
            assert any(r["sources"] for r in written["routes"])
