"""Timing helpers shared by the benchmarks: percentiles, peak memory and a printed table."""

from __future__ import annotations

import re
import resource
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


@dataclass
class Row:
    name: str
    value: str
    baseline: str
    ratio: str
    target: str = ""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def print_table(title: str, rows: Sequence[Row], *, ratios_prefix: str | None = None) -> None:
    """The rows as a Markdown table; with ``ratios_prefix``, each row's ratio is also printed
    last as a ``name=value`` line (see :func:`print_ratios`)."""
    headers = ("measure", "value", "baseline (same run)", "ratio", "target")
    cells = [headers, *((r.name, r.value, r.baseline, r.ratio, r.target) for r in rows)]
    widths = [max(len(str(c[i])) for c in cells) for i in range(len(headers))]
    print(f"\n## {title}\n")
    for n, c in enumerate(cells):
        print("| " + " | ".join(str(v).ljust(w) for v, w in zip(c, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if ratios_prefix is not None:
        found: dict[str, float] = {}
        for r in rows:
            number = re.match(r"\s*([0-9.]+)×", r.ratio)
            if number:
                slug = re.sub(r"[^a-z0-9]+", "_", r.name.lower()).strip("_")
                found[f"{ratios_prefix}_{slug}_ratio"] = float(number.group(1))
        print_ratios(found)


def summary(samples: Sequence[float]) -> tuple[float, float, float]:
    return percentile(samples, 50), percentile(samples, 99), statistics.fmean(samples)


def print_ratios(ratios: dict[str, float]) -> None:
    """Last lines of every benchmark: ``name=value``, one a line, to compare across runs."""
    print()
    for name, value in ratios.items():
        print(f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}")
