"""Log-normal factors: ranges to distributions, products, precision weighting, payout updates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.uncertainty import Z80, LogNormal, combine, product, update, z_for


def test_a_range_read_as_p10_p90_gives_back_its_ends() -> None:
    d = LogNormal.from_range(2, 4, 8, coverage=0.8)  # typical = geometric mean
    assert (d.p10, d.median, d.p90) == pytest.approx((2, 4, 8))
    wide = LogNormal.from_range(2, 4, 8, coverage=0.9)  # P5–P95: a narrower P10–P90
    assert 2 < wide.p10 < 4 < wide.p90 < 8
    assert LogNormal.from_range(0, 3, 5).sigma == 0


def test_products_multiply_medians_and_add_variances() -> None:
    a, b = LogNormal(2, 0.3), LogNormal(5, 0.4)
    p = product(a, b, LogNormal.exact(10))
    assert p.median == pytest.approx(100) and p.sigma == pytest.approx(0.5)
    assert p.width == pytest.approx(math.exp(2 * Z80 * 0.5))


def test_combine_weights_by_precision_and_narrows() -> None:
    c = combine(LogNormal(100, 0.3), LogNormal(400, 0.3))
    assert c.median == pytest.approx(200) and c.sigma < 0.3
    assert combine(LogNormal(100, 0.0), LogNormal(400, 0.3)).median == 100


@given(st.floats(min_value=0.01, max_value=100), st.floats(min_value=0.05, max_value=2),
       st.lists(st.floats(min_value=0.001, max_value=1000), min_size=1, max_size=12))
def test_updates_never_widen_and_move_towards_the_observations(
        median: float, sigma: float, seen: list[float]) -> None:
    prior = LogNormal(median, sigma)
    post = update(prior, seen)
    assert post.sigma <= prior.sigma
    centre = math.exp(sum(math.log(x) for x in seen) / len(seen))
    lo, hi = sorted((median, centre))
    assert lo * (1 - 1e-9) <= post.median <= hi * (1 + 1e-9)


@given(st.floats(min_value=0.01, max_value=100), st.floats(min_value=0.0, max_value=2),
       st.lists(st.floats(min_value=0.001, max_value=1000), min_size=1, max_size=12))
def test_an_update_keeps_the_creators_own_rate_inside_the_range(
        median: float, sigma: float, seen: list[float]) -> None:
    """Their own typical rate (the observations' geometric mean; one payout: its rate) is
    never outside P10–P90: a payout far from the market pulls the range to it."""
    post = update(LogNormal(median, sigma), seen)
    centre = math.exp(sum(math.log(x) for x in seen) / len(seen))
    assert post.p10 * (1 - 1e-9) <= centre <= post.p90 * (1 + 1e-9)


def test_z_for_refuses_nonsense() -> None:
    assert z_for(0.8) == pytest.approx(Z80)
    with pytest.raises(ValueError, match="coverage"):
        z_for(1.0)


@pytest.mark.parametrize("factors", [
    (LogNormal(2.0, 0.3), LogNormal(0.5), LogNormal(7.0, 1.2), LogNormal(0.0, 0.4)),
    (LogNormal(1e300), LogNormal(1e10), LogNormal(3.0)),  # the median overflows
    (LogNormal(1.0, 1e308), LogNormal(1.0, 1e308)),  # the spread overflows
    (),
])
def test_product_is_the_chain_of_multiplications(factors: tuple[LogNormal, ...]) -> None:
    """product() computes in plain floats; it gives (or raises) exactly what ``*`` does."""
    def chained() -> LogNormal:
        out = LogNormal(1.0)
        for f in factors:
            out = out * f
        return out

    try:
        expected: LogNormal | str = chained()
    except ValueError as e:
        expected = str(e)
    try:
        got: LogNormal | str = product(*factors)
    except ValueError as e:
        got = str(e)
    assert repr(got) == repr(expected)
