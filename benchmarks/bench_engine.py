"""Strategy engine speed: the full catalogue for one profile, vs. computing KPIs alone.

    python -m benchmarks.bench_engine
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC

from benchmarks.common import Row, print_table, ratio, us
from bot.config import PROJECT_ROOT
from bot.domain.engine import recommend
from bot.domain.facts import compute_facts
from bot.domain.metrics import compute_kpis
from bot.domain.rates import load_rates
from bot.domain.rules import load_catalogue
from bot.domain.samples import NOW, PERSONAS, SAMPLES


def per_call(fn: Callable[[], object], seconds: float = 0.3) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            fn()
        n += 100
    return elapsed / n


def main() -> None:
    catalogue = load_catalogue(PROJECT_ROOT / "strategies" / "rules")
    rates = load_rates(PROJECT_ROOT / "strategies" / "rates")
    rows = []
    for name in PERSONAS:
        profile = SAMPLES[name]
        facts = compute_facts(profile, rates, NOW)
        latest = profile.latest
        baseline = per_call(lambda p=profile: compute_kpis(p.latest, list(p.history), zone=UTC)  # type: ignore[misc]
                            if p.latest else None)
        engine = per_call(lambda f=facts: recommend(catalogue, f))
        full = per_call(lambda p=profile: recommend(catalogue, compute_facts(p, rates, NOW)))
        rows.append(Row(f"{name}: rank {len(catalogue)} rules", us(engine),
                        f"KPIs alone {us(baseline)}", ratio(engine, baseline), "< 1000 µs"))
        rows.append(Row(f"{name}: facts + rank", us(full), f"KPIs alone {us(baseline)}",
                        ratio(full, baseline), "< 1000 µs"))
        del latest
    print_table("Strategy engine, per profile", rows, ratios_prefix="engine")


if __name__ == "__main__":
    main()
