"""The installed entry point, as a script would call it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock


def run(tmp_path: Path, *args: str, stdin: str | None = None,
        **more: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REDIS_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", DATA_DIR=str(tmp_path / "d"),
               **more)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, input=stdin, timeout=60, check=False)


def test_ask_prints_reply_and_persists(tmp_path: Path) -> None:
    logged = run(tmp_path, "ask", "--user", "zoe", "/log followers=12k views=40k")
    assert logged.returncode == 0, logged.stderr
    assert "Followers: 12k" in logged.stdout
    stats = run(tmp_path, "ask", "--user", "zoe", "/stats")
    assert stats.returncode == 0 and "Followers: 12k" in stats.stdout


def test_ask_bad_input_exits_nonzero_with_a_sentence(tmp_path: Path) -> None:
    bad = run(tmp_path, "ask", "/log followers=lots")
    assert bad.returncode == 2
    assert "followers must be a number like 12k" in bad.stderr
    assert "Traceback" not in bad.stderr


README = Path(__file__).resolve().parents[2] / "README.md"
_ASK_EXAMPLE = re.compile(r"^creator-advisor ask (.+?)\s+# (.+)$", re.MULTILINE)


def test_the_readmes_ask_examples_print_where_they_say_and_exit_as_they_say(
        tmp_path: Path) -> None:
    """Review: the README said a usage error "prints the problem", and it went to stderr.
    Each example line's comment says its exit code, and "on stderr" where the text goes
    there (else stdout); the other stream stays empty."""
    examples = _ASK_EXAMPLE.findall(README.read_text(encoding="utf-8"))
    assert len(examples) >= 3, examples
    for args, comment in examples:  # in order: the third is held back after the first
        result = run(tmp_path, "ask", *shlex.split(args))
        code = re.search(r"exit (\d)", comment)
        assert code is not None, comment
        assert result.returncode == int(code[1]), (args, result.stdout, result.stderr)
        printed, quiet = ((result.stderr, result.stdout) if "on stderr" in comment
                          else (result.stdout, result.stderr))
        assert printed.strip() and not quiet.strip(), (args, comment, result)


def test_ask_keeps_stdout_for_replies_and_stderr_for_refusals(tmp_path: Path) -> None:
    """Every refusal (bad arguments, an unknown command, a line that is no command) is on
    stderr with exit 2 and nothing on stdout, as argparse's own usage errors are; a reply,
    held back or not, is on stdout; --json prints every answer on stdout."""
    for line in ("/log followers=lots", "/stast", "hello"):
        refused = run(tmp_path, "ask", line)
        assert refused.returncode == 2 and refused.stderr.strip(), line
        assert refused.stdout == "", (line, refused.stdout)
        as_json = run(tmp_path, "ask", "--json", line)
        assert as_json.returncode == 2 and as_json.stderr == "", line
        assert json.loads(as_json.stdout)["ok"] is False
    usage = run(tmp_path, "ask")  # argparse: the command line itself is missing
    assert usage.returncode == 2 and "usage:" in usage.stderr and usage.stdout == ""


@pytest.mark.parametrize(("line", "said"), [
    ("//stats", "I don't know //stats. Did you mean /stats? Try /help to see what I can do."),
    ("///log followers=12k", "I don't know ///log. Did you mean /log?"),
    ("/123", "I don't know /123. Try /help to see what I can do."),
    # Trial: a name over 32 characters got the hint for a line without a slash; /stats!
    # "I don't know /stats!. Did you mean …" (a mark and a period)
    ("/" + "a" * 40 + " now", "I don't know '/" + "a" * 32 + "…'. Try /help to see"),
    ("/stats!", "I don't know '/stats!'. Did you mean /stats? Try /help to see what I can do."),
    ("/stats?", "I don't know '/stats?'. Did you mean /stats?")])
def test_ask_a_mistyped_slash_line_is_an_unknown_command(tmp_path: Path, line: str,
                                                         said: str) -> None:
    """Trial: "//stats" answered "Commands start with /, for example …", though it does. A
    line that starts with / and a word no command can be called gets the answer of any
    mistyped command (exit 2, on stderr), with its suggestion."""
    refused = run(tmp_path, "ask", line)
    assert refused.returncode == 2 and refused.stdout == "", refused
    assert refused.stderr.startswith(said), refused.stderr
    assert "Commands start with" not in refused.stderr


def test_ask_cancel_with_nothing_to_cancel_says_so(tmp_path: Path) -> None:
    """Trial: ask "/cancel" was refused as an unknown command (exit 2); Telegram answers
    it. Nothing to cancel is an answer, not bad input: exit 0, on stdout (JSON: ok)."""
    said = run(tmp_path, "ask", "/cancel")
    assert said.returncode == 0 and said.stderr == "", said
    assert said.stdout.strip() == "There is nothing to cancel."
    as_json = run(tmp_path, "ask", "--json", "/cancel")
    assert as_json.returncode == 0, as_json
    assert json.loads(as_json.stdout) == {"reply": "note", "ok": True,
                                          "text": "There is nothing to cancel."}


@pytest.mark.parametrize("user", ["", "   ", "\t", "\u200b", " \ufeff\u202e "])
def test_an_empty_console_user_name_is_bad_input(tmp_path: Path, user: str) -> None:
    """Trial: ``ask --user "" "/stats"`` answered as a console user with no name (whitespace
    alone too). An empty name is a usage error of the command line, as a missing line is:
    exit 2, one sentence on stderr, nothing on stdout and nothing opened or stored; for
    every subcommand that takes --user."""
    for args in (("ask", "--user", user, "/stats"), ("ask", "--user", user, "--json", "/stats"),
                 ("connect", "--user", user, "--no-browser"), ("sync", "--user", user)):
        refused = run(tmp_path, *args)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert refused.stdout == "", (args, refused.stdout)
        assert "a console user name can't be empty or only spaces" in refused.stderr, args
        assert "Traceback" not in refused.stderr
    assert not (tmp_path / "cli.db").exists()


def test_console_user_names_are_trimmed(tmp_path: Path) -> None:
    """Trial: ``ask --user "alice "`` (or ``" alice"``, ``"\u200balice"``) was a second user
    beside ``alice``, whose numbers looked lost. The spaces and invisible characters around a
    name are dropped (bot.adapters.console.user_name): one user, greeted by her name."""
    assert run(tmp_path, "ask", "--user", "alice", "/log followers=12k").returncode == 0
    for name in ("alice ", " alice", "\u200balice\u200f", "\talice\n"):
        stats = run(tmp_path, "ask", "--user", name, "/stats")
        assert stats.returncode == 0 and "12k" in stats.stdout, (name, stats.stdout)
    greeted = run(tmp_path, "ask", "--user", " alice\u200b", "/start")
    assert "Hi alice!" in greeted.stdout, greeted.stdout


#: ``python -m bot`` with one part of the bot broken first: ``_run`` (every command's work,
#: a failure the dispatcher catches) or the console's rendering (one that reaches ``ask``).
_BROKEN = """
import sys
from bot.adapters import console
from bot.core import dispatcher
async def broken_run(self, *args, **kwargs):
    raise RuntimeError("a bug in the bot")
def broken_render(self, *args, **kwargs):
    raise RuntimeError("a bug in the bot")
if sys.argv[1] == "run":
    dispatcher.Dispatcher._run = broken_run
else:
    from bot.render.environment import Renderer
    Renderer.render = broken_render
from bot.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("broken", ["run", "render"])
@pytest.mark.parametrize("as_json", [False, True])
def test_ask_an_internal_error_exits_1_with_one_sentence_and_logs_it(
        tmp_path: Path, broken: str, as_json: bool) -> None:
    """ask exited 2, the code of bad input, when the bot itself failed, after a traceback on
    stderr. A failure of the bot exits 1 with one sentence (on stdout as JSON with --json),
    and its details go to the log file in the data folder, not to the person."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REDIS_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", DATA_DIR=str(tmp_path / "d"))
    line = ["ask", *(["--json"] if as_json else []), "/stats"]
    failed = subprocess.run([sys.executable, "-c", _BROKEN, broken, *line], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            check=False)
    assert failed.returncode == 1, (failed.stdout, failed.stderr)
    if as_json:
        assert failed.stderr == "", failed.stderr
        assert json.loads(failed.stdout) == {"reply": "errors/internal", "ok": False,
                                             "command": "stats"}
    else:
        text = failed.stderr
        assert failed.stdout == "" and "Traceback" not in text, text
        assert "a bug in the bot" not in text, text
        assert "something went wrong on my side while running /stats" in text, text
        assert len(text.strip().splitlines()) == 1, text
    logged = (tmp_path / "d" / "creator-advisor.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: a bug in the bot" in logged, logged


@pytest.mark.parametrize("broken", ["run", "render"])
@pytest.mark.parametrize("line", [["console"], []], ids=["console", "no-token"])
def test_the_console_chat_answers_an_internal_error_with_one_sentence_and_goes_on(
        tmp_path: Path, broken: str, line: list[str]) -> None:
    """Hostile trial: in the console chat a failure of the bot printed its traceback in the
    middle of the chat (the dispatcher's log on the terminal), or ended the chat with one (a
    failure past the dispatcher: the rendering). It is one sentence in the creator's
    language, its details go to the log file, and the chat goes on to the next line."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REDIS_", "LC_", "LANG"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", DATA_DIR=str(tmp_path / "d"),
               LANG="de_DE.UTF-8")
    chat = subprocess.run([sys.executable, "-c", _BROKEN, broken, *line], env=env,
                          cwd=tmp_path, input="/stats\n/help\n", capture_output=True,
                          text=True, timeout=60, check=False)
    assert chat.returncode == 0, (chat.stdout, chat.stderr)
    shown = chat.stdout + chat.stderr
    assert "Traceback" not in shown and "a bug in the bot" not in shown, shown
    with i18n.using("de"):
        for command in ("/stats", "/help"):  # the line after the failure is answered too
            sentence = i18n.gettext("Sorry, something went wrong on my side while running "
                                    "%(command)s. It has been logged; please try again in a "
                                    "moment.", command=command)
            assert str(sentence) in chat.stdout, chat.stdout
    assert chat.stdout.rstrip().endswith("Tschüss!"), chat.stdout  # left as usual
    logged = (tmp_path / "d" / "creator-advisor.log").read_text(encoding="utf-8")
    assert logged.count("RuntimeError: a bug in the bot") == 2, logged


def test_ask_json_shows_a_typed_value_without_the_marks_that_keep_it(tmp_path: Path) -> None:
    """A sentence quoting what was typed marks it (numbers.kept) so that no spacing pass
    changes it; a rendered reply takes the marks away, and so does --json."""
    for line in ('/why "cooking tips"', '/import path="no such file.csv"'):
        refused = run(tmp_path, "ask", "--json", line)
        assert refused.returncode == 2, refused.stderr
        assert "\ufdd0" not in refused.stdout and "\ufdd1" not in refused.stdout, refused.stdout
        message = json.loads(refused.stdout)["message"]
        assert "cooking tips" in message or "no such file.csv" in message, message


def test_ask_held_back_log_exits_3_and_stores_nothing(tmp_path: Path) -> None:
    assert run(tmp_path, "ask", "--user", "zoe", "/log followers=5k").returncode == 0
    held = run(tmp_path, "ask", "--user", "zoe", "/log followers=5B")
    assert held.returncode == 3, held.stdout + held.stderr
    assert "confirm" in held.stdout
    as_json = run(tmp_path, "ask", "--user", "zoe", "--json", "/log followers=5B")
    assert as_json.returncode == 3 and json.loads(as_json.stdout)["held"] is True
    stats = run(tmp_path, "ask", "--user", "zoe", "--json", "/stats")
    assert json.loads(stats.stdout)["followers"] == 5000  # nothing was stored
    # a confirm without the key of the numbers held is checked again (held: exit 3)
    bare = run(tmp_path, "ask", "--user", "zoe", "/log followers=5B confirm")
    assert bare.returncode == 3, bare.stdout + bare.stderr
    line = re.search(r"/log followers=5B confirm key=[0-9a-f]{8}", held.stdout)
    assert line is not None, held.stdout
    saved = run(tmp_path, "ask", "--user", "zoe", line[0])
    assert saved.returncode == 0, saved.stderr
    payout = "/payout rewards=41 views=61k month=2026-10"
    assert run(tmp_path, "ask", "--user", "zoe", payout).returncode == 0
    assert run(tmp_path, "ask", "--user", "zoe", payout).returncode == 3  # the same again


def test_console_chat_exits_cleanly_on_eof(tmp_path: Path) -> None:
    chat = run(tmp_path, "console", stdin="/log followers=3k\n/stats\n")
    assert chat.returncode == 0, chat.stderr
    assert "Followers: 3k" in chat.stdout and "Bye!" in chat.stdout


def test_the_console_and_ask_are_one_account_with_the_same_user(tmp_path: Path) -> None:
    """New-user trial: the README's examples use ``ask --user maya`` beside the console,
    which had no --user and always chatted as ``you``: two accounts for one creator."""
    logged = run(tmp_path, "ask", "--user", "maya", "/log followers=12k")
    assert logged.returncode == 0, logged.stderr
    chat = run(tmp_path, "console", "--user", "maya", stdin="/stats\n/log followers=13k\n")
    assert chat.returncode == 0, chat.stderr
    assert "Followers: 12k" in chat.stdout, chat.stdout
    stats = run(tmp_path, "ask", "--user", "maya", "/stats")
    assert "Followers: 13k" in stats.stdout, stats.stdout
    default = run(tmp_path, "console", stdin="/stats\n")  # ask's default user: you
    assert "Followers: 1" not in default.stdout, default.stdout


def test_no_subcommand_and_no_token_starts_the_console(tmp_path: Path) -> None:
    chat = run(tmp_path, stdin="")
    assert chat.returncode == 0 and "Creator Advisor" in chat.stdout


def test_unusable_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "cli.db").write_bytes(b"this is not sqlite" * 100)
    bad = run(tmp_path, "ask", "/stats")
    assert bad.returncode == 1
    assert "not a Creator Advisor database" in bad.stderr and "Traceback" not in bad.stderr


def test_rules_check_prints_coverage(tmp_path: Path) -> None:
    result = run(tmp_path, "rules", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dead rules (no sample triggers them): none" in result.stdout
    assert "creator-rewards" in result.stdout


def test_rules_check_reports_a_broken_rule_file(tmp_path: Path) -> None:
    import shutil

    from bot.config import PROJECT_ROOT

    strategies = tmp_path / "strategies"
    shutil.copytree(PROJECT_ROOT / "strategies", strategies)
    path = strategies / "rules" / "trends.toml"
    path.write_text(path.read_text().replace("priority = 3", "priority = \"high\"", 1))
    env_run = subprocess.run(
        [sys.executable, "-m", "bot", "rules", "check"], capture_output=True, text=True,
        env={**os.environ, "STRATEGIES_DIR": str(strategies)}, cwd=tmp_path, timeout=60,
        check=False)
    assert env_run.returncode == 1
    assert "trends.toml:" in env_run.stderr and "priority" in env_run.stderr


def test_post_due_dry_run_lists_what_would_be_sent(tmp_path: Path) -> None:
    run(tmp_path, "ask", "--user", "zoe", "/subscribe day=mon time=10:00")
    none = run(tmp_path, "post-due", "--dry-run")
    assert none.returncode == 0 and "Nothing is due now." in none.stdout


def _overdue_console_post(tmp_path: Path) -> datetime:
    """zoe's weekly console post, due 30 minutes ago (its first run is next week: moved back,
    as if overdue)."""
    import sqlite3
    from datetime import UTC, timedelta

    due_at = datetime.now(UTC) - timedelta(minutes=30)
    day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][due_at.weekday()]
    assert run(tmp_path, "ask", "--user", "zoe", "/log followers=5k views=60k").returncode == 0
    sub = run(tmp_path, "ask", "--user", "zoe",
              f"/subscribe day={day} time={due_at:%H:%M} timezone=UTC")
    assert sub.returncode == 0, sub.stderr
    db = sqlite3.connect(tmp_path / "cli.db")
    with db:
        db.execute("UPDATE subscriptions SET next_run_at = ?", (due_at.isoformat(),))
    db.close()
    return due_at


def test_post_due_with_redis_down_still_sends_console_posts(tmp_path: Path) -> None:
    """Issue 21: with REDIS_URL's server down, no due post went out: each raised on its slot
    in the shared budget (recorded as failed and moved to next week, later given back). The
    console has no platform limit, so its posts take no slot of the shared budget at all."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        down = s.getsockname()[1]  # nobody listens there once closed
    _overdue_console_post(tmp_path)
    sent = run(tmp_path, "post-due", REDIS_URL=f"redis://127.0.0.1:{down}/5")
    assert sent.returncode == 0, sent.stderr
    assert "sent 1" in sent.stdout and "Your week" in sent.stdout
    assert "Traceback" not in sent.stderr and "failed 1" not in sent.stdout


def test_post_due_sends_console_posts_once(tmp_path: Path) -> None:
    _overdue_console_post(tmp_path)
    planned = run(tmp_path, "post-due", "--dry-run")
    assert "console console:zoe (personal" in planned.stdout
    sent = run(tmp_path, "post-due")
    assert "── weekly post for console:zoe ──" in sent.stdout and "Your week" in sent.stdout
    assert "sent 1" in sent.stdout
    again = run(tmp_path, "post-due")
    assert "sent 0" in again.stdout


def _strategies_copy(tmp_path: Path) -> Path:
    import shutil

    from bot.config import PROJECT_ROOT

    strategies = tmp_path / "strategies"
    shutil.copytree(PROJECT_ROOT / "strategies", strategies)
    return strategies


def _run_with(strategies: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True,
        env={**os.environ, "STRATEGIES_DIR": str(strategies)}, cwd=tmp_path, timeout=60,
        check=False)


def test_rules_check_fails_on_a_rate_without_a_source(tmp_path: Path) -> None:
    strategies = _strategies_copy(tmp_path)
    ok = _run_with(strategies, tmp_path, "rules", "check")
    assert ok.returncode == 0 and "each with a source and a date" in ok.stdout
    path = strategies / "rates" / "creator_rewards.toml"
    text = path.read_text()
    start = text.index("[rates.rpm_by_country.DE]")
    source_line = text.index("source = ", start)
    end = text.index("\n", source_line)
    path.write_text(text[:source_line] + text[end + 1:])
    bad = _run_with(strategies, tmp_path, "rules", "check")
    assert bad.returncode == 1
    assert "creator_rewards.toml" in bad.stderr and "source" in bad.stderr
    assert "Traceback" not in bad.stderr


def _without_a_source(strategies: Path) -> None:
    """Break ``strategies``' creator rewards table: one rate loses its source line."""
    path = strategies / "rates" / "creator_rewards.toml"
    text = path.read_text()
    source_line = text.index("source = ", text.index("[rates.rpm_by_country.DE]"))
    path.write_text(text[:source_line] + text[text.index("\n", source_line) + 1:])


def test_ask_reads_the_strategies_files_only_for_a_command_that_uses_them(
        tmp_path: Path) -> None:
    """Issue #19 (a fast ``ask "/stats"``): a one-shot ``ask`` reads and validates the rate
    tables and tip rules only when its command uses them, so /log and /stats answer with a
    bad rate table (before, every ask stopped on it). A command that uses it still stops with
    the file and what is wrong, on stderr, exit 1, as at start; and the console chat (a bot)
    still reads them at start, so a bad file stops it before anything is asked."""
    strategies = _strategies_copy(tmp_path)
    _without_a_source(strategies)
    where = {"STRATEGIES_DIR": str(strategies)}
    logged = run(tmp_path, "ask", "/log followers=12k views=40k", **where)
    assert logged.returncode == 0 and "Followers: 12k" in logged.stdout, logged.stderr
    stats = run(tmp_path, "ask", "/stats", **where)
    assert stats.returncode == 0 and "Followers: 12k" in stats.stdout, stats.stderr
    for argv in (("ask", "/estimate"), ("ask", "--json", "/tips")):
        used = run(tmp_path, *argv, **where)
        assert used.returncode == 1, (argv, used.stdout)
        assert used.stderr.startswith("creator-advisor: "), (argv, used.stderr)
        assert "creator_rewards.toml" in used.stderr and "source" in used.stderr, used.stderr
        assert "Traceback" not in used.stderr
        if "--json" in argv:  # every answer of --json is JSON on stdout, a failure too
            answer = json.loads(used.stdout)
            assert answer["ok"] is False and answer["command"] == "tips", answer
            assert f"creator-advisor: {answer['error']}" == used.stderr.strip(), answer
        else:
            assert used.stdout == "", (argv, used.stdout)
    chat = run(tmp_path, "console", stdin="/stats\n", **where)
    assert chat.returncode == 1 and "creator_rewards.toml" in chat.stderr, chat.stderr
    assert "Followers" not in chat.stdout


def test_ask_stops_before_a_command_writes_when_a_strategies_file_it_uses_is_bad(
        tmp_path: Path) -> None:
    """Hostile trial: with a broken rules file, ``ask "/goal followers=20k"`` exited 1 but the
    goal was stored (it was set before the rules were read), and ``ask --json "/estimate"``
    with a broken rate table printed nothing on stdout. The command's files are read before
    it runs: nothing is stored, stderr has the one line a bot says at start
    (``creator-advisor: file:line: field: problem``), and --json prints ``"ok": false``.
    Neither is logged, as a bot that cannot start logs nothing: the same log as the console
    chat stopped at start by the same file."""
    strategies = _strategies_copy(tmp_path)
    rules = strategies / "rules" / "content.toml"
    rules.write_text(rules.read_text().replace("priority = 4", 'priority = "high"', 1))
    bad = {"STRATEGIES_DIR": str(strategies)}
    assert run(tmp_path, "ask", "/log followers=12k views=40k", **bad).returncode == 0
    goal = run(tmp_path, "ask", "/goal followers=20k", **bad)
    assert goal.returncode == 1 and goal.stdout == "", goal
    line = re.fullmatch(r"creator-advisor: (\S+content\.toml):(\d+): rules\[0\]\.priority: "
                        r"[^\n]+\n", goal.stderr)
    assert line is not None, goal.stderr
    assert 'priority = "high"' in rules.read_text().splitlines()[int(line[2]) - 1]
    log = tmp_path / "d" / "creator-advisor.log"
    asked = log.read_text() if log.exists() else ""
    started = run(tmp_path, "console", stdin="/stats\n", **bad)
    assert started.returncode == 1 and started.stderr == goal.stderr, started.stderr
    assert (log.read_text() if log.exists() else "") == asked == ""
    goals = run(tmp_path, "ask", "/goal")  # the files as shipped: no goal was stored
    assert goals.returncode == 0 and "You have no goals yet" in goals.stdout, goals.stdout
    _without_a_source(strategies)
    estimate = run(tmp_path, "ask", "--json", "/estimate", **bad)
    assert estimate.returncode == 1, estimate
    answer = json.loads(estimate.stdout)
    assert answer == {"reply": "errors/start", "ok": False, "command": "estimate",
                      "error": answer["error"]}, answer
    assert "creator_rewards.toml" in answer["error"], answer
    assert estimate.stderr == f"creator-advisor: {answer['error']}\n", estimate.stderr


ECB_DAY = """Date, USD, JPY, BGN, CZK, DKK, GBP, HUF, PLN, RON, SEK, CHF, ISK, NOK, TRY, AUD, BRL,
28 November 2026, 1.0512, 160.12, 1.9558, 25.1, 7.4601, 0.8421, 410.2, 4.27, 4.97, 11.02, \
0.931, 149.1, 11.66, 37.2, 1.61, 6.12,
"""


def test_rates_fx_loads_an_ecb_csv_and_names_its_date(tmp_path: Path) -> None:
    import tomllib

    strategies = _strategies_copy(tmp_path)
    csv_path = tmp_path / "eurofxref.csv"
    csv_path.write_text(ECB_DAY.replace("\\\n", ""))
    result = _run_with(strategies, tmp_path, "rates", "fx", str(csv_path))
    assert result.returncode == 0, result.stderr
    assert "Loaded ECB reference rates of 2026-11-28" in result.stdout
    table = tomllib.loads((strategies / "rates" / "currencies.toml").read_text())
    assert table["date"] == "2026-11-28" and table["per_eur"]["USD"] == 1.0512
    assert table["per_eur"]["EUR"] == 1.0
    check = _run_with(strategies, tmp_path, "rules", "check")
    assert check.returncode == 0 and "exchange rates of 2026-11-28" in check.stdout
    hist = tmp_path / "eurofxref-hist.csv"
    hist.write_text("Date,USD,GBP,\n2026-11-27,1.05,0.84,\n2026-11-26,1.04,N/A,\n")
    newest = _run_with(strategies, tmp_path, "rates", "fx", str(hist))
    assert newest.returncode == 0 and "of 2026-11-27" in newest.stdout
    junk = tmp_path / "junk.csv"
    junk.write_text("hello,world\n1,2\n")
    bad = _run_with(strategies, tmp_path, "rates", "fx", str(junk))
    assert bad.returncode == 1 and "not an ECB reference-rate CSV" in bad.stderr
    missing = _run_with(strategies, tmp_path, "rates", "fx", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    assert "Traceback" not in bad.stderr + missing.stderr


def test_ask_json_gives_numbers_not_strings(tmp_path: Path) -> None:
    logged = run(tmp_path, "ask", "--json", "/log followers=12k views=40k likes=3k")
    data = json.loads(logged.stdout)
    assert data["followers"] == 12000 and data["views"] == 40000 and data["likes"] == 3000
    run(tmp_path, "ask", "/settings region=GB adult=yes")
    est = json.loads(run(tmp_path, "ask", "--json", "/estimate").stdout)
    assert est["currency"] == "USD"
    routes = {r["key"]: r for r in est["routes"]}
    assert set(routes) == {"creator_rewards", "brand_deals", "live_gifts", "affiliate",
                           "own_products"}
    cr = routes["creator_rewards"]
    assert cr["eligible"] is False and cr["now"] is False
    assert set(cr["monthly"]) == {"low", "typical", "high", "currency"}
    assert cr["monthly"]["low"] <= cr["monthly"]["typical"] <= cr["monthly"]["high"]
    assert isinstance(cr["rpm"]["typical"], float)
    assert set(cr["qualified_share"]) == {"low", "high"}
    assert set(routes["brand_deals"]["per_video"]) == {"low", "typical", "high"}
    assert routes["live_gifts"]["monthly"] is None and routes["live_gifts"]["eligible"] is True
    assert est["now"]["typical"] <= est["could"]["typical"]
    stats = json.loads(run(tmp_path, "ask", "--json", "/stats").stdout)
    assert stats["followers"] == 12000 and stats["engagement_rate_views"] == 0.075


def test_ask_json_goal_and_settings_use_plain_numbers(tmp_path: Path) -> None:
    run(tmp_path, "ask", "/log followers=8k views=50k")
    goal = json.loads(run(tmp_path, "ask", "--json", "/goal followers=10k").stdout)
    assert goal["goals"][0]["metric"] == "followers"
    assert goal["goals"][0]["target"] == 10000 and goal["goals"][0]["current"] == 8000
    settings = json.loads(run(tmp_path, "ask", "--json", "/settings does=brand").stdout)
    assert settings["does"] == ["brand deals"] and settings["ok"] is True
    bad = run(tmp_path, "ask", "--json", "/log followers=lots")
    assert bad.returncode == 2 and json.loads(bad.stdout)["ok"] is False


def _strings_outside_text_keys(value: object, path: str = "") -> list[str]:
    """Every ``path = value`` in the JSON where a key not ending in ``_text`` holds a string
    with a digit that is not an ISO date or a percentile's name ("P10") (a formatted number:
    "12k", "8.5%")."""
    import re

    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).endswith("_text"):
                continue
            found += _strings_outside_text_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _strings_outside_text_keys(item, f"{path}[{i}]")
    elif isinstance(value, str) and any(c.isdigit() for c in value) and not re.fullmatch(
            r"\d{4}-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?|P\d\d", value):
        found.append(f"{path} = {value!r}")
    return found


async def test_ask_json_holds_no_formatted_metric_anywhere(console: ConsoleAdapter) -> None:
    # hostile test: /estimate had "real_rate": "8.5%"; /stats and /log had
    # kpis.engagement_rate_views "8.5%" and rows[].value "12k"
    from bot.cli import reply_json
    from bot.domain.metrics import METRIC_NAMES

    metric_keys = {*METRIC_NAMES, "engagement_rate_views", "engagement_rate_followers",
                   "likes_per_view", "comments_per_view", "shares_per_view", "real_rate",
                   "value"}
    for line in ("/log followers=12k views=40k likes=3k comments=300 shares=100",
                 "/stats", "/estimate", "/estimate views=80k", "/goal followers=20k",
                 "/history", "/undo", "/payout rewards=41 views=61k month=2026-10", "/payout"):
        result = await console.ask(line)
        assert result.ok, (line, result.text)
        for reply in result.replies:
            body = json.loads(json.dumps(reply_json(reply), default=str))
            leaks = _strings_outside_text_keys(body)
            assert not leaks, (line, leaks)

            def walk(value: object, line: str = line) -> None:
                if isinstance(value, dict):
                    for key, item in value.items():
                        assert not (key in metric_keys and isinstance(item, str)), (line, key)
                        walk(item)
                elif isinstance(value, list):
                    for item in value:
                        walk(item)
            walk(body)
    stats = reply_json((await console.ask("/stats")).replies[0])
    assert stats["engagement_rate_views"] == 0.085 and stats["followers"] == 12000
    assert stats["kpis"]["engagement_rate_views_text"] == "8.5%"


async def test_ask_json_keeps_what_the_reply_says_under_stable_keys(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """The data no longer replaces the context's goals and routes (a goal's projected date,
    a route's gaps were lost), a list's objects share their key names (one tip's title was
    "title", the next "title_text"), no key reads "total_text_text", and /history gives its
    numbers."""
    from bot.cli import reply_json

    await console.ask("/settings region=US adult=yes")
    await console.ask("/log followers=12k views=40k likes=3k comments=300 shares=100")
    clock.advance(days=8)
    await console.ask("/log followers=13k")
    goal = reply_json((await console.ask("/goal followers=20k by=2027-03-01")).replies[0])
    (g,) = goal["goals"]
    assert (g["metric"], g["target"], g["current"], g["deadline"]) == (
        "followers", 20000, 13000, "2027-03-01")
    assert g["eta"] == "2027-01-05" and g["weekly_growth"] == 875
    assert g["needed_per_week"] == pytest.approx(442.9, abs=0.1) and g["on_track"] is True
    assert g["weekly_text"] == "+875"
    est = reply_json((await console.ask("/estimate")).replies[0])
    cr = est["routes"][0]
    assert cr["key"] == "creator_rewards" and cr["gaps_text"] == ["60,000 views to go"]
    assert set(cr["monthly"]) == {"low", "typical", "high", "currency"}
    tips = reply_json((await console.ask("/tips all")).replies[0])["tips"]
    titles = {"title" in t for t in tips}
    assert len(tips) > 2 and titles == {False}, [sorted(t) for t in tips]
    assert len({tuple(sorted(t)) for t in tips}) == 1
    history = reply_json((await console.ask("/history")).replies[0])
    assert "total_text_text" not in history and history["total"] == 2
    assert [e["values"] for e in history["entries"]] == [
        {"followers": 13000}, {"comments": 300, "followers": 12000, "likes": 3000,
                               "shares": 100, "views": 40000}]


def _no_terminal_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def test_pasted_lines_are_all_answered_in_order_in_the_chosen_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console is one person at a keyboard (or a script piping lines): no flood limit.
    30 lines pasted at once get 30 replies, in order, in the /settings language, and the
    prompt stays in it (it used to fall back to "you ›" after an English flood notice and
    answer nothing more)."""
    _no_terminal_language(monkeypatch)
    assert run(tmp_path, "ask", "/settings language=de").returncode == 0
    lines = [f"/log followers={10_000 + 100 * n}" if n % 3 == 0 else "/forget cancel"
             for n in range(30)]
    chat = run(tmp_path, "console", stdin="".join(f"{line}\n" for line in lines))
    assert chat.returncode == 0, chat.stderr
    out = chat.stdout
    assert out.count("Es wurde nichts gelöscht.") == 20
    assert "faster than I can answer" not in out and "schneller" not in out
    assert out.count("du › ") == 31 and "you › " not in out  # 30 lines, then Ctrl-D
    stats = run(tmp_path, "ask", "--json", "/stats")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["followers"] == 10_000 + 100 * 27  # the last /log ran


def test_ask_answers_a_known_person_in_their_language_without_lang(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/settings language=de wins over the terminal's locale for every reply: an unknown
    command and a line that is no command as well as a command's own reply."""
    _no_terminal_language(monkeypatch)
    assert run(tmp_path, "ask", "/settings language=de").returncode == 0
    typo = run(tmp_path, "ask", "/stast")
    assert typo.returncode == 2
    assert "/stast kenne ich nicht. Meintest du /stats?" in typo.stderr + typo.stdout
    assert "I don't know" not in typo.stderr + typo.stdout
    hello = run(tmp_path, "ask", "hallo")
    assert hello.returncode == 2
    assert "Befehle beginnen mit /" in hello.stderr + hello.stdout
    bad = run(tmp_path, "ask", "/log followers=viele")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "must be a number" not in bad.stderr
    # Someone who chose nothing still gets the terminal's language (English here).
    other = run(tmp_path, "ask", "--user", "zoe", "/stast")
    assert "I don't know /stast. Did you mean /stats?" in other.stderr + other.stdout


def test_ask_a_bare_log_promises_no_next_line(tmp_path: Path) -> None:
    """Hostile test: ask "/log" said "Send me your numbers…" (exit 0), and the next ask, the
    numbers alone, said the line after a bare /log is read as them: every ask is a new
    process, no next line comes. A bare /log is a usage error saying to give the numbers on
    the same line, and a line that is no command speaks of no next line."""
    bare = run(tmp_path, "ask", "--user", "x2", "/log")
    assert bare.returncode == 2 and bare.stdout == "", bare.stdout
    assert "same line" in bare.stderr and "/log followers=12000 views=40000" in bare.stderr
    assert "Send me your numbers" not in bare.stderr
    numbers = run(tmp_path, "ask", "--user", "x2", "followers=12k views=40k")
    assert numbers.returncode == 2
    assert "next line" not in numbers.stderr and "Commands start with /" in numbers.stderr
    as_json = run(tmp_path, "ask", "--json", "--user", "x2", "/log")
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["ok"] is False


def test_ask_undo_of_a_day_with_nothing_to_undo_is_a_refusal(tmp_path: Path) -> None:
    """Trial: ``ask "/undo date=…"`` of a day with no snapshot printed "You have no snapshot
    dated …" on stdout and exited 0, while every other argument naming nothing (``/payout
    remove=9``) is a refusal: exit 2, on stderr (JSON: ok false). Nothing stored at all is
    an answer, as /cancel with nothing to cancel is."""
    assert run(tmp_path, "ask", "--user", "zoe", "/log followers=5k").returncode == 0
    day = run(tmp_path, "ask", "--user", "zoe", "/undo date=2020-01-01")
    assert day.returncode == 2 and day.stdout == "", day
    assert "You have no snapshot dated 2020-01-01." in day.stderr, day.stderr
    as_json = run(tmp_path, "ask", "--user", "zoe", "--json", "/undo date=2020-01-01")
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["ok"] is False
    removed = run(tmp_path, "ask", "--user", "zoe", "/payout remove=9")
    assert removed.returncode == 2, removed  # the refusal it is consistent with
    empty = run(tmp_path, "ask", "--user", "nobody", "/undo")
    assert empty.returncode == 0 and "Nothing to undo" in empty.stdout, empty
