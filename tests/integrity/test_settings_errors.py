"""A bad setting is one sentence in the operator's words, never pydantic's internals
(``settings: Value error, …``), whether one setting or several together are wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import _one_line
from bot.config import Settings


def _error(**values: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **values)  # type: ignore[call-arg]
    return caught.value


def test_a_model_level_error_is_the_validators_own_sentence() -> None:
    line = _one_line(_error(worker_count=3, worker_index=5))
    assert line == "WORKER_INDEX must be below WORKER_COUNT (3), not 5"


def test_a_field_error_names_the_setting_without_pydantics_wrapper() -> None:
    line = _one_line(_error(log_level="verbose"))
    assert line.startswith("LOG_LEVEL: must be one of DEBUG, INFO")
    assert "Value error" not in line


def test_run_with_a_worker_index_past_the_count_says_so_in_one_sentence(
        tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKER_", "DATABASE_"))}
    env.update(WORKER_COUNT="3", WORKER_INDEX="5", DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}",
               DATA_DIR=str(tmp_path / "d"))
    done = subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr == ("creator-advisor: bad setting: WORKER_INDEX must be below "
                           "WORKER_COUNT (3), not 5\n")
