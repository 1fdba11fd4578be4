"""`python -m benchmarks` runs each benchmark in a fresh interpreter, by module name."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.__main__ import main, plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("quick", [True, False])
def test_every_planned_benchmark_is_a_module_with_main(quick: bool) -> None:
    for name, _argv in plan(quick):
        module = importlib.import_module(f"benchmarks.{name}")
        assert callable(module.main), name
        # the runner starts it as `python -m benchmarks.<name>`: it must run main() then
        assert 'if __name__ == "__main__":' in Path(module.__file__ or "").read_text(), name


def test_an_unknown_name_is_refused_with_the_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--only", "bench_nothing"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "no benchmark named bench_nothing" in err
    assert "bench_store" in err


def test_only_runs_the_named_benchmark() -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "bench_engine"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "engine_" in done.stdout and "all benchmarks took" in done.stdout
    assert "store_" not in done.stdout and "failed:" not in done.stdout
