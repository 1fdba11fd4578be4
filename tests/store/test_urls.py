"""What a DATABASE_URL names and how it is printed (issue 21): no password ever shows, a
malformed URL is printed without raising, a URL scheme is read without regard to case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import describe_database_url
from bot.store.urls import is_postgres_url, redacted, url_passwords


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://postgres@127.0.0.1/db?password=hunter2",
     "postgresql://postgres@127.0.0.1/db?password=***"),
    ("postgresql://u:pw@h/db?sslmode=require&sslpassword=hunter2&application_name=a%20b",
     "postgresql://u:***@h/db?sslmode=require&sslpassword=***&application_name=a%20b"),
    ("postgresql://h/db?PASSWORD=hunter2", "postgresql://h/db?PASSWORD=***"),
    ("postgresql://h/db?pass%77ord=hunter2", "postgresql://h/db?pass%77ord=***"),
    ("postgresql://postgres:hunter2@[::1/db?password=hunter2",
     "postgresql://postgres:***@[::1/db?password=***"),
    ("postgresql:/postgres:hunter2@127.0.0.1/db", "postgresql:/postgres:***@127.0.0.1/db"),
    ("postgresql://u:hunter2@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db"),
    ("sqlite:///data/x.db", "sqlite:///data/x.db"),
    ("x.db", "x.db"),
])
def test_redacted_masks_every_password(url: str, shown: str) -> None:
    assert redacted(url) == shown
    assert "hunter2" not in redacted(url)


@pytest.mark.parametrize(("url", "postgres"), [
    ("POSTGRESQL://u@h/db", True), ("Postgres://u@h/db", True), ("postgresql:/u@h/db", True),
    ("sqlite:///x.db", False), ("postgres.db", False), ("C:/data/x.db", False),
])
def test_is_postgres_url_reads_the_scheme_without_case(url: str, postgres: bool) -> None:
    assert is_postgres_url(url) is postgres


def test_describe_database_url_of_a_malformed_url() -> None:
    assert describe_database_url("postgresql://u:hunter2@[::1/db") == \
        "postgresql://u:***@[::1/db (PostgreSQL)"


def test_info_never_prints_a_password_given_as_a_query_parameter(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://postgres@127.0.0.1/db?password=hunter2"}
    done = subprocess.run([sys.executable, "-m", "bot", "info"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "postgresql://postgres@127.0.0.1/db?password=*** (PostgreSQL)" in done.stdout
    assert "hunter2" not in done.stdout + done.stderr


@pytest.mark.parametrize(("url", "passwords"), [
    ("postgresql://postgres@127.0.0.1/db?password=hunter2", ["hunter2"]),
    ("postgresql://u:p%40ssword@[::1/db?sslpassword=a+b", ["a b", "a+b", "p%40ssword",
                                                           "p@ssword"]),
    ("postgresql:/u:hunter2@h/db", ["hunter2"]),
    ("sqlite:///x.db", []),
])
def test_the_log_filter_learns_every_password_of_the_url(url: str,
                                                         passwords: list[str]) -> None:
    assert url_passwords(url) == passwords
