"""Issue 13, parsing and the console: numbers the way people type them, the guided /log,
Ctrl-C, console digests, per-user files and where data lives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock
from tests.auxil.requests import forget_everything

# -- parsing ------------------------------------------------------------------------------------


async def test_ambiguous_numbers_are_asked_about(console: ConsoleAdapter) -> None:
    for line, fragment in [
        ("/log followers=12,5", "'12,5' for followers is ambiguous"),
        ("/log comments=12,5", "'12,5' for comments is ambiguous"),
        ("/log followers=12.5", "'12.5' for followers is ambiguous"),
        ("/log completion_rate=1", "'1' for completion_rate is ambiguous: write 100% or 1%"),
        ("/log completion_rate=0.35", "write 35% or 0.35%"),
        ("/log avg_video_length=1:99:99", "isn't a duration"),
        ("/log avg_watch_time=0:75", "isn't a duration"),
    ]:
        result = await console.ask(line)
        assert not result.ok, (line, result.text)
        assert fragment in result.text, (line, result.text)
    assert "I don't have any numbers" in (await console.ask("/stats")).text
    ok = await console.ask("/log followers=12,5k completion_rate=35% avg_video_length=1:02:30")
    assert ok.ok and "Followers: 12.5k" in ok.text and "Completion rate: 35%" in ok.text


async def test_value_and_name_separated_by_a_space(console: ConsoleAdapter) -> None:
    first = await console.ask("/log 2.7k followers")
    assert first.ok and "Followers: 2.7k" in first.text, first.text
    second = await console.ask("/log followers 2300 views 40k")
    assert second.ok and "Followers: 2.3k" in second.text and "Views (30 days): 40k" in second.text


async def test_unknown_commands_and_plain_text(console: ConsoleAdapter) -> None:
    typo = await console.ask("/stast")
    assert not typo.ok and "Did you mean /stats?" in typo.text
    plain = await console.ask("hello there")
    assert not plain.ok and "Commands start with /" in plain.text
    assert "I don't know /hello" not in plain.text
    assert "Did you mean" not in (await console.ask("/zzzzzz")).text


async def test_import_path_with_quotes_and_spaces(console: ConsoleAdapter,
                                                  tmp_path: Path) -> None:
    csv = tmp_path / "export (1).csv"
    csv.write_text("date,followers\n2026-10-01,8000\n")
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok and "Preview" in preview.text, preview.text
    done = await console.ask(f"/import '{csv}' confirm")
    assert done.ok and "Imported 1 day" in done.text, done.text


# -- console ------------------------------------------------------------------------------------


async def test_guided_log_in_the_console(console: ConsoleAdapter) -> None:
    prompt = await console.ask("/log")
    assert "Send me your numbers" in prompt.text
    typo = await console.ask("followers=lots")
    assert not typo.ok and "followers must be a number" in typo.text
    saved = await console.ask("followers=12k views=40k")
    assert saved.ok and "Followers: 12k" in saved.text
    assert "Commands start with /" in (await console.ask("13k")).text  # the wait is over
    await console.ask("/log")
    assert (await console.ask("/cancel")).text == "Cancelled."


async def test_cancel_with_nothing_to_cancel_is_answered_as_on_telegram(
        console: ConsoleAdapter) -> None:
    """Trial: /cancel in the console with no guided step said "I don't know /cancel", while
    Telegram knows it. The console answers it as Telegram does (bot.core.guided), in the
    person's language, and the next line is no longer read as numbers."""
    for line in ("/cancel", "cancel", "/CANCEL now"):
        answer = await console.ask(line)
        assert answer.ok and answer.text == "There is nothing to cancel.", (line, answer.text)
    await console.ask("/log")
    assert (await console.ask("/cancel")).text == "Cancelled."
    assert (await console.ask("/cancel")).text == "There is nothing to cancel."
    assert (await console.ask("/settings language=de")).ok
    assert (await console.ask("/cancel")).text == "Es gibt nichts abzubrechen."


@pytest.mark.parametrize("cancel", ["/cancel now", "/cancel@AdvisorBot", "/cancel please",
                                    "/CANCEL"])
async def test_cancel_with_more_words_ends_the_guided_log(console: ConsoleAdapter,
                                                          cancel: str) -> None:
    """Trial: ``/log`` then ``/cancel now`` answered "There is nothing to cancel." and kept
    waiting, so the next line (``followers=100``) was saved after the person cancelled. Any
    /cancel line ends the wait first (bot.core.guided.cancels), as on Telegram."""
    assert (await console.ask("/log")).ok
    said = await console.ask(cancel)
    assert said.ok and said.text == "Cancelled.", said.text
    after = await console.ask("followers=100")
    assert not after.ok and "Commands start with /" in after.text, after.text
    assert "Followers" not in (await console.ask("/stats")).text  # nothing was saved


async def test_the_cancel_word_works_in_the_persons_language(console: ConsoleAdapter) -> None:
    """Trial: only the English word ``cancel`` ended a guided /log, and the console said
    "Stopped waiting for your numbers." where Telegram says "Cancelled." for the same thing.
    Each language's word ends the wait (English's in every language), answered as Telegram
    answers it, and ``/help cancel`` names the word."""
    for language, word, said in [("fr", "Annuler", "Annulé."),
                                 ("ja", "キャンセル", "キャンセルしました。"),
                                 # hostile trial: the half- and full-width forms were numbers
                                 ("ja", "ｷｬﾝｾﾙ", "キャンセルしました。"),
                                 ("ja", "ＣＡＮＣＥＬ", "キャンセルしました。"),
                                 ("es", "cancelar", "Cancelado."),
                                 ("de", "cancel", "Abgebrochen.")]:
        assert (await console.ask(f"/settings language={language}")).ok
        assert (await console.ask("/log")).ok
        assert (await console.ask(word)).text == said, (language, word)
        assert not (await console.ask("followers=100")).ok  # the wait is over
    # the language's word and the English one, which works too (hostile trial: only the
    # language's word was named)
    assert "abbrechen oder cancel" in (await console.ask("/help cancel")).text
    assert (await console.ask("/settings language=en")).ok
    assert "I don't have any numbers" in (await console.ask("/stats")).text  # nothing saved


async def test_help_knows_cancel_where_it_works(console: ConsoleAdapter) -> None:
    """Trial: ``/help cancel`` said "There is no /cancel command" and ``/help`` did not list
    it, though the console answers /cancel (bot.core.guided.offers_cancel decides)."""
    explained = await console.ask("/help cancel")
    assert explained.ok and explained.text.startswith("/cancel — Stop a guided step"), \
        explained.text
    assert "There is no" not in explained.text
    assert (await console.ask("/help /CANCEL")).text == explained.text
    assert "/cancel — Stop a guided step" in (await console.ask("/help")).text
    assert "/cancel." in (await console.ask("/help nope")).text  # the list of commands


async def test_console_subscribe_says_posts_appear_here(console: ConsoleAdapter) -> None:
    done = await console.ask("/subscribe day=friday time=18:00")
    assert "While this console is open, due posts appear right here" in done.text


async def test_files_carry_the_user_and_forget_deletes_them(console: ConsoleAdapter,
                                                            clock: FakeClock) -> None:
    bob = ConsoleAdapter(console.app, user="bob")
    for who in (console, bob):
        await who.ask("/log followers=1k")
        clock.advance(days=7)
        await who.ask("/log followers=1.2k")
    alice_chart = (await console.ask("/progress")).files
    bob_chart = (await bob.ask("/progress")).files
    alice_export = (await console.ask("/export")).files
    assert alice_chart[0].name.startswith("alice-") and bob_chart[0].name.startswith("bob-")
    assert alice_chart[0] != bob_chart[0]
    gone = await forget_everything(console)
    assert "Deleted 2 exported files" in gone.text
    assert not alice_chart[0].exists() and not alice_export[0].exists()
    assert bob_chart[0].exists()


def _cli(tmp_path: Path, *args: str, env_extra: dict[str, str] | None = None,
         stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "DATA_DIR", "XDG_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"),
               **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, input=stdin, timeout=60, check=False)


def test_default_data_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    logged = _cli(tmp_path, "ask", "/log followers=12k")
    assert logged.returncode == 0, logged.stderr
    assert (tmp_path / "xdg" / "creator-advisor" / "creator-advisor.db").exists()
    assert not (tmp_path / "data").exists()  # not the current directory
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "DATA_DIR", "XDG_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"))
    stats = subprocess.run([sys.executable, "-m", "bot", "ask", "/stats"], capture_output=True,
                           text=True, env=env, cwd=elsewhere, timeout=60, check=False)
    assert "Followers: 12k" in stats.stdout, stats.stdout + stats.stderr
    shown = _cli(tmp_path, "info")
    assert shown.returncode == 0
    default_db = tmp_path / "xdg" / "creator-advisor" / "creator-advisor.db"
    assert f"database: {default_db}" in shown.stdout
    version = _cli(tmp_path, "--version")
    assert version.stdout.startswith("creator-advisor ") and "database:" in version.stdout
    custom = _cli(tmp_path, "info", env_extra={"DATA_DIR": str(tmp_path / "mine")})
    assert f"database: {tmp_path / 'mine' / 'creator-advisor.db'}" in custom.stdout


def test_ctrl_c_at_the_prompt_leaves_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "DATA_DIR", "XDG_"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"))
    chat = subprocess.Popen([sys.executable, "-m", "bot", "console"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=tmp_path)
    assert chat.stdin is not None
    chat.stdin.write("/log followers=3k\n")
    chat.stdin.flush()
    stdout = chat.stdout
    assert stdout is not None
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(iter(stdout.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60  # started, answered, and waiting at the prompt
    while "Followers: 3k" not in "".join(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    chat.send_signal(signal.SIGINT)
    err = chat.stderr.read() if chat.stderr else ""  # stdin still open: a hanging read blocks
    chat.wait(timeout=30)
    reader.join(timeout=10)
    out = "".join(seen)
    assert "Followers: 3k" in out and "Bye!" in out, out + err
    assert "Traceback" not in err, err


def test_post_due_renders_an_income_goal(tmp_path: Path) -> None:
    """``post-due`` crashed with KeyError 'income' for a user with an income goal."""
    import sqlite3
    from datetime import UTC, datetime, timedelta

    extra = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "DATA_DIR": str(tmp_path / "d")}
    due_at = datetime.now(UTC) - timedelta(minutes=30)
    day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][due_at.weekday()]
    for line in ("/settings currency=EUR", "/log followers=12k views=150k likes=9k",
                 "/goal income=500", f"/subscribe day={day} time={due_at:%H:%M} timezone=UTC"):
        done = _cli(tmp_path, "ask", "--user", "zoe", line, env_extra=extra)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
    db = sqlite3.connect(tmp_path / "cli.db")
    with db:
        db.execute("UPDATE subscriptions SET next_run_at = ?", (due_at.isoformat(),))
    db.close()
    sent = _cli(tmp_path, "post-due", env_extra=extra)
    assert sent.returncode == 0, sent.stderr
    assert "goal monthly income €500" in sent.stdout and "sent 1" in sent.stdout, sent.stdout
