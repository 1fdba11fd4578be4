"""Fast start: the whole ``creator-advisor ask "/stats"`` process (interpreter start, imports,
opening the store, one command, exit) against ``python -c "import aiosqlite, jinja2,
pydantic_settings"``, run alternately in the same loop so both see the same machine load.
Wall time and the child's CPU time (user + system, from ``wait4``) are medians over the runs;
peak RSS is the child's maximum.

    python -m benchmarks.bench_start [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, print_ratios, print_table

BARE = [sys.executable, "-c", "import aiosqlite, jinja2, pydantic_settings"]
ASK = [sys.executable, "-m", "bot", "ask", "/stats"]


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{argv} failed: {child.stderr.read() if child.stderr else ''!r}")
    if child.stderr:
        child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=15)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        env = {**os.environ, "DATA_DIR": str(data), "DATABASE_URL": ""}
        for line in ("/log followers=12k views=40k likes=3k comments=200 shares=90",
                     "/log followers=13k views=41k likes=3k comments=210 shares=95"):
            subprocess.run([sys.executable, "-m", "bot", "ask", line], env=env, cwd=data,
                           check=True, capture_output=True)
        run(BARE, env, data)  # warm the OS file cache for both
        run(ASK, env, data)
        bare: list[tuple[float, float, float]] = []
        ours: list[tuple[float, float, float]] = []
        for _ in range(args.runs):
            bare.append(run(BARE, env, data))
            ours.append(run(ASK, env, data))

    def med(samples: list[tuple[float, float, float]], i: int) -> float:
        return statistics.median(s[i] for s in samples)

    wall_ratio = med(ours, 0) / med(bare, 0)
    cpu_ratio = med(ours, 1) / med(bare, 1)
    print_table(f'Start: `ask "/stats"` vs bare imports, {args.runs} alternating runs', [
        Row("wall time, median", f"{med(ours, 0) * 1000:.0f} ms",
            f"bare imports {med(bare, 0) * 1000:.0f} ms", f"{wall_ratio:.2f}×", "≤ 2.5×"),
        Row("CPU time, median", f"{med(ours, 1) * 1000:.0f} ms",
            f"bare imports {med(bare, 1) * 1000:.0f} ms", f"{cpu_ratio:.2f}×"),
        Row("peak RSS", f"{max(s[2] for s in ours):.0f} MiB",
            f"bare imports {max(s[2] for s in bare):.0f} MiB",
            f"{max(s[2] for s in ours) / max(s[2] for s in bare):.2f}×"),
    ])
    print_ratios({"start_wall_ratio": wall_ratio, "start_cpu_ratio": cpu_ratio})


if __name__ == "__main__":
    main()
