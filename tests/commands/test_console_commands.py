"""Every core command through the console adapter, on a real SQLite file."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, running
from bot.config import Settings
from bot.i18n import LANGUAGES
from bot.render.formats import Format
from bot.store import parse_database_url
from tests.auxil.clock import FakeClock


async def test_start_and_help(console: ConsoleAdapter) -> None:
    start = await console.ask("/start")
    assert start.ok and "Creator Advisor" in start.text and "/forget" in start.text
    listing = await console.ask("/help")
    for name in ("start", "help", "log", "stats", "settings", "export", "forget"):
        assert f"/{name} — " in listing.text
    detail = await console.ask("help log")
    assert "followers" in detail.text and "/log 12.5k" in detail.text
    missing = await console.ask("/help nope")
    assert not missing.ok and "There is no /nope command" in missing.text


async def test_start_carries_only_what_its_template_shows(console: ConsoleAdapter) -> None:
    """/start's reply carried a view of every command (summary, help, examples, arguments,
    each typed in the person's language) that its template never reads: about half of every
    /start's time in bench_core (issue #19). Its context now holds only what start.j2 uses."""
    from jinja2 import meta

    env = console.app.renderer._env(Format.PLAIN)
    source = env.loader.get_source(env, "start.j2")[0]  # type: ignore[union-attr]
    shown = meta.find_undeclared_variables(env.parse(source))
    start = await console.ask("/start")
    assert start.ok and start.replies
    assert set(start.replies[0].context) <= shown, set(start.replies[0].context) - shown
    # /help's list: each command's name and summary, as help.j2 shows them
    listing = (await console.ask("/help")).replies[0]
    assert {key for c in listing.context["commands"] for key in c} == {"name", "summary"}


async def test_log_then_stats_with_kpis_and_growth(console: ConsoleAdapter,
                                                   clock: FakeClock) -> None:
    first = await console.ask("/log followers=10k views=40k likes=3k comments=200 shares=100")
    assert first.ok, first.text
    assert "Followers: 10k" in first.text
    assert "Engagement by views: 8.3%" in first.text  # (3000+200+100)/40000
    clock.advance(days=7)
    second = await console.ask("/log 10,700")
    assert second.ok and "Followers: 10.7k (+700)" in second.text
    stats = await console.ask("/stats")
    assert stats.ok
    assert "Views (30 days): 40k" in stats.text  # kept from the first log
    assert "Engagement by views: 8.3%" in stats.text
    assert "Likes per view: 7.5%" in stats.text
    assert "+700 (+7%) in 7 days, +700 a week" in stats.text
    assert "2 snapshots stored" in stats.text


async def test_counts_of_people_are_whole_in_stats_goal_and_tips(console: ConsoleAdapter,
                                                               clock: FakeClock) -> None:
    """62 followers in 10 days is 43.4 a week: shown as +43, never "+43.4 followers"."""
    await console.ask("/log followers=1000 views=4k likes=300")
    clock.advance(days=10)
    await console.ask("/log followers=1062")
    stats = await console.ask("/stats")
    assert "in 10 days, +43 a week" in stats.text, stats.text
    goal = await console.ask("/goal followers=2k")
    assert "+43 a week" in goal.text and "43.4" not in goal.text, goal.text
    clock.advance(days=10)
    await console.ask("/log followers=1000 confirm")  # (a fall of 6%: no confirm needed)
    tips = await console.ask("/tips all")
    # a fall, with the minus sign every change is shown with (numbers.signed), not a hyphen
    # the change /stats shows with its days, not a weekly pace made from them
    assert ": \u221262 over the 10 days to your latest snapshot." in tips.text, tips.text
    assert "43.4" not in tips.text, tips.text


def test_count_display_is_whole() -> None:
    from bot.domain.facts import format_fact
    from bot.domain.metrics import format_metric
    from bot.domain.numbers import count

    assert [count(v) for v in (12.4, -12.6, -0.4, 999.6, 12_345, None)] == [
        "12", "-13", "0", "1k", "12.3k", "?"]
    assert format_metric("followers", 12.4) == "12" and format_metric("live_viewers", 80.6) == "81"
    assert format_metric("videos_per_week", 2.5) == "2.5"  # a number, not a count
    assert format_fact("follower_growth_per_week", -43.4) == "\u221243"  # the minus sign


def test_count_display_is_whole_in_every_language() -> None:
    """numbers.count rounds, then formats as the language writes numbers (issue 20)."""
    from bot import i18n
    from bot.domain.metrics import format_metric
    from bot.domain.numbers import count

    # 1234.5 rounds half-up, as every number shown does (numbers.ROUNDING)
    expected = {"de": ["12", "1.000", "12.345", "0", "1.235"],
                # below 10,000 a count is never shortened (1 953, not "2 k")
                "fr": ["12", "1\u202f000", "12,3\xa0k", "0", "1\u202f235"],
                "ja": ["12", "1,000", "1.2万", "0", "1,235"]}
    for language, shown in expected.items():
        with i18n.using(language):
            assert [count(v) for v in (12.4, 999.6, 12_345, -0.4, 1234.5)] == shown, language
            assert format_metric("followers", 1234.5) == shown[-1], language


async def test_log_accepts_commas_and_semicolons_between_pairs(console: ConsoleAdapter) -> None:
    logged = await console.ask("/log followers=5.2k, views=42k")
    assert logged.ok, logged.text
    assert "Followers: 5.2k" in logged.text and "Views (30 days): 42k" in logged.text
    assert (await console.ask("/log likes=3k;comments=120; shares=40,")).ok
    decimal = await console.ask("/log followers=12,5, views=42k")  # 12,5 is still asked about
    assert not decimal.ok and "'12,5' for followers" in decimal.text
    listed = await console.ask("/settings does=brand,affiliate, region=US")
    assert listed.ok and "brand deals" in listed.text, listed.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_unknown_command_ending_in_a_mark_is_quoted(console: ConsoleAdapter,
                                                             language: str) -> None:
    """Trial: ``/stats!`` answered "I don't know /stats!. Did you mean /stats?": a mark and a
    period. A name that ends in its own mark is quoted, in every language; a long name (over a
    command's 32 characters) is an unknown command too, cut in the reply."""
    assert (await console.ask(f"/settings language={language}")).ok
    for line in ("/stats!", "/stats?", "/" + "a" * 40):
        said = await console.ask(line)
        assert not said.ok and line[:33] in said.text, said.text  # an unknown command
        assert not re.search(r"[!?…][.。]", said.text), said.text
        assert "a" * 33 not in said.text
    plain = (await console.ask("/stast")).text  # a name ending in a letter: as before
    assert "'/stast'" not in plain and "„/stast“" not in plain, plain


async def test_invisible_characters_in_a_line_are_dropped(console: ConsoleAdapter) -> None:
    """Trial: ``/log \u202efollowers=12k`` (a right-to-left override pasted along) answered
    "'followers=12k' isn't one", ``/stats\u200b`` "I don't know /stats​"."""
    logged = await console.ask("/log \u202efollowers=12k")
    assert logged.ok and "Followers: 12k" in logged.text, logged.text
    stats = await console.ask("/stats\u200b")
    assert stats.ok and "12k" in stats.text, stats.text
    assert (await console.ask("\ufeffhelp\u200f log")).ok
    await console.ask("/log")
    saved = await console.ask("\u200fviews=40k\u200f")  # the guided line too
    assert saved.ok and "Views (30 days): 40k" in saved.text, saved.text
    await console.ask("/log")
    assert (await console.ask("/cancel\u200b")).text == "Cancelled."


async def test_a_mistake_at_the_numbers_prompt_says_how_to_stop(console: ConsoleAdapter
                                                               ) -> None:
    """Trial: ``/log`` then ``hello`` then ``help``: each got "I don't know what 'hello' means
    here …" and the console kept waiting with no word on how to leave. Each now ends with how
    to stop, and the wait still ends with the word."""
    await console.ask("/log")
    for line in ("hello", "help"):
        stuck = await console.ask(line)
        assert f"I don't know what '{line}' means here" in stuck.text, stuck.text
        assert stuck.text.endswith("send them again, or /cancel to stop."), stuck.text
    assert (await console.ask("cancel")).text == "Cancelled."
    assert "/cancel" not in (await console.ask("/log hello")).text  # no step waits


async def test_stats_without_metrics_says_what_to_log(console: ConsoleAdapter) -> None:
    result = await console.ask("/stats")
    assert result.ok and "/log followers=12k" in result.text


async def test_log_without_arguments_asks_for_numbers(console: ConsoleAdapter) -> None:
    result = await console.ask("/log")
    assert result.ok and "Send me your numbers" in result.text


async def test_bad_input_gets_one_clear_sentence(console: ConsoleAdapter) -> None:
    for line, fragment in [
        ("/log followers=-3", "followers can't be negative"),
        ("/log followers=1e15", "looks too large"),
        ("/log folowers=12k", "Did you mean 'followers'?"),
        ("/log views=", "views needs a value"),
        ("/nope", "I don't know /nope"),
        ("/settings timezone=Mars/Base", "not a time zone I know"),
        # hostile trial: names in the database that are no place were taken (the server's
        # own zone, the placeholder, the leap-second copies)
        ("/settings timezone=localtime", "not a time zone I know"),
        ("/settings timezone=Factory", "not a time zone I know"),
        ("/settings timezone=posixrules", "not a time zone I know"),
        ("/settings timezone=right/UTC", "not a time zone I know"),
        ("/settings currency=XXX", "I have no exchange rate for XXX"),
        ("/settings region=Narnia", "two-letter country code"),
        ("/settings region=ZZ", "ZZ is not a country code"),  # hostile test
        ("/settings region=QQ", "QQ is not a country code"),
        ("/settings region=EU", "EU is not a country code"),
        ("/estimate region=ZZ", "ZZ is not a country code"),
    ]:
        result = await console.ask(line)
        assert not result.ok, line
        assert fragment in result.text, (line, result.text)
        assert "Traceback" not in result.text


async def test_a_time_zone_is_taken_in_any_case(console: ConsoleAdapter) -> None:
    berlin = await console.ask("/settings timezone=europe/BERLIN")
    assert "Time zone: Europe/Berlin" in berlin.text, berlin.text
    assert "Time zone: UTC" in (await console.ask("/settings timezone=gmt")).text


async def test_settings_show_and_update(console: ConsoleAdapter) -> None:
    shown = await console.ask("/settings")
    assert "Currency: USD" in shown.text and "Time zone: UTC" in shown.text
    updated = await console.ask("/settings timezone=europe/berlin region=uk adult=yes")
    assert updated.ok, updated.text
    assert "Time zone: Europe/Berlin" in updated.text
    assert "Country: GB" in updated.text and "18 or older: yes" in updated.text
    again = await console.ask("/settings")
    assert "Europe/Berlin" in again.text


async def test_export_writes_json(console: ConsoleAdapter) -> None:
    await console.ask("/log followers=2k")
    result = await console.ask("/export")
    assert result.ok and len(result.files) == 1
    data = json.loads(result.files[0].read_text())
    assert data["snapshots"][0]["followers"] == 2000
    assert data["user"]["platform_user_id"] == "alice"


async def test_forget_asks_then_deletes_every_row(settings: Settings,
                                                  console: ConsoleAdapter) -> None:
    await console.ask("/log followers=2k views=10k")
    await console.ask("/settings currency=USD region=US")
    await console.ask("/log followers=2k", user="bob")
    ask = await console.ask("/forget")
    assert "Delete everything" in ask.text and "/forget confirm" in ask.text
    cancel = await console.ask("/forget cancel")
    assert "Nothing was deleted" in cancel.text
    assert "Followers" in (await console.ask("/stats")).text
    done = await console.ask(ask.replies[0].actions[0].command)
    assert done.ok and "deleted everything" in done.text

    db = sqlite3.connect(parse_database_url(settings.database_url))
    try:
        (alice_id,) = db.execute(
            "SELECT count(*) FROM users WHERE platform_user_id='alice'").fetchone()
        assert alice_id == 0
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        users = {r[0] for r in db.execute("SELECT id FROM users")}
        for table in tables:
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            for col in ("user_id", "created_by"):
                if col in cols:
                    orphans = db.execute(
                        f"SELECT count(*) FROM {table} WHERE {col} IS NOT NULL"
                        f" AND {col} NOT IN ({','.join(map(str, users)) or 'NULL'})").fetchone()
                    assert orphans == (0,), table
        assert db.execute("SELECT count(*) FROM snapshots").fetchone() == (1,)  # bob's
    finally:
        db.close()


async def test_forget_confirm_without_its_key_deletes_nothing(console: ConsoleAdapter) -> None:
    """Trial: "/forget confirm" typed with no /forget before it deleted everything (exports
    too) with no list shown. Only the confirm its list shows deletes; a bare one, a wrong key
    or another account's (another user's, or this user's before an earlier /forget) gets the
    list, with one sentence saying why."""
    await console.ask("/log followers=2k views=10k")
    exported = await console.ask("/export")
    assert exported.files and all(f.exists() for f in exported.files)
    bob_confirm = (await console.ask("/forget", user="bob")).replies[0].actions[0].command
    for line in ("/forget confirm", "/forget confirm key=deadbeef", bob_confirm):
        refused = await console.ask(line)
        assert not refused.ok, line
        assert refused.text.startswith("Nothing was deleted: a confirm needs the key"), \
            refused.text
        assert "1 snapshot" in refused.text and "/forget confirm key=" in refused.text
        assert "deleted everything" not in refused.text
        assert "Followers: 2k" in (await console.ask("/stats")).text
        assert all(f.exists() for f in exported.files)
    confirm = refused.replies[0].actions[0].command
    assert re.fullmatch(r"/forget confirm key=[0-9a-f]{8}", confirm)
    assert confirm in refused.text
    assert (await console.ask("/forget")).replies[0].actions[0].command == confirm
    done = await console.ask(confirm)
    assert done.ok and "deleted everything" in done.text
    assert not any(f.exists() for f in exported.files)
    await console.ask("/log followers=3k")  # a fresh account: the old key is not its own
    stale = await console.ask(confirm)
    assert not stale.ok and "Nothing was deleted" in stale.text
    assert "Followers: 3k" in (await console.ask("/stats")).text


async def test_forget_key_of_a_new_user_works_in_the_next_process(settings: Settings,
                                                                   clock: FakeClock) -> None:
    """`creator-advisor ask` runs each command in its own process: the key a first-time
    user's list showed (their row just written) still deletes when read back from disk."""
    async with running(settings, clock=clock) as app:
        preview = await ConsoleAdapter(app, user="dana").ask("/forget")
    async with running(settings, clock=clock) as app:
        done = await ConsoleAdapter(app, user="dana").ask(preview.replies[0].actions[0].command)
        assert done.ok and "deleted everything" in done.text, done.text


async def test_forget_preview_lists_what_forget_deletes(console: ConsoleAdapter) -> None:
    """The confirm step names payouts, goals, the rate card, digests, … (it named only
    settings, snapshots and digests while /forget deleted far more)."""
    empty = await console.ask("/forget")
    assert "your chat account's id and name" in empty.text and "snapshot" not in empty.text
    await console.ask("/log followers=2k views=10k")
    await console.ask("/log followers=2.2k views=11k")
    await console.ask("/settings currency=USD region=US")
    await console.ask("/payout rewards=41 views=61k month=2026-10")
    await console.ask("/payout brand=350 per=video")
    await console.ask("/goal followers=10k")
    await console.ask("/ratecard video=450")
    await console.ask("/subscribe day=friday time=18:00")
    ask = await console.ask("/forget")
    assert ask.ok, ask.text
    for fragment in ("2 snapshots (logged or imported)", "2 logged payouts", "1 goal\n",
                     "1 price on your rate card", "1 personal weekly digest", "your settings",
                     "your chat account's id and name", "files I saved for you"):
        assert fragment in ask.text, (fragment, ask.text)
    assert "/forget confirm" in ask.text


async def test_data_survives_restart(settings: Settings, clock: FakeClock) -> None:
    async with running(settings, clock=clock) as app:
        assert (await ConsoleAdapter(app, user="carol").ask("/log followers=5k")).ok
    async with running(settings, clock=clock) as app:
        stats = await ConsoleAdapter(app, user="carol").ask("/stats")
        assert "Followers: 5k" in stats.text


async def test_users_are_separate(console: ConsoleAdapter) -> None:
    await console.ask("/log followers=5k", user="dave")
    assert "I don't have any numbers" in (await console.ask("/stats", user="erin")).text


async def test_settings_language_switches_the_console(console: ConsoleAdapter, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20: /settings language=ja answers in Japanese from that reply on; auto goes back
    to the terminal's language."""
    from bot import i18n
    from tests.auxil.catalogues import install

    install(tmp_path / "locales", monkeypatch)
    switched = await console.ask("/settings language=ja")
    assert switched.ok and "設定を更新しました。" in switched.text
    assert "言語: 日本語" in switched.text
    later = await console.ask("/forget cancel")
    assert later.text == "何も削除していません。"
    back = await console.ask("/settings language=auto")
    assert "Settings updated." in back.text
    assert (await console.ask("/forget cancel")).text == "Nothing was deleted."
    refused = await console.ask("/settings language=tlh")
    assert not refused.ok and "en, es, pt_BR, de, fr or ja" in refused.text
    i18n.translations.cache_clear()


async def test_the_chat_loop_speaks_the_creators_language(console: ConsoleAdapter,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Issue 20: the console's own lines (leave hint, prompt, goodbye) follow /settings."""
    from tests.auxil.catalogues import install

    install(tmp_path / "locales", monkeypatch)
    await console.ask("/settings language=ja")
    await console.ask("/log followers=2k")  # numbers to keep: the goodbye says they are saved
    lines = iter(["/forget cancel", "/quit"])
    prompts: list[str] = []
    written: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    await console.repl(read=read, write=written.append)
    assert "（Ctrl-D か /quit で終了）" in written and prompts[0] == "あなた › "
    assert "何も削除していません。" in written
    assert written[-1] == "またね！数値は次回のために保存しました。"


async def test_start_in_the_chat_loop_greets_once(console: ConsoleAdapter) -> None:
    """Trial: the console printed /start's greeting when it opened, so typing /start (what a
    chat bot teaches) showed the same greeting twice in a row. It opens with one line
    saying what to type; /start greets."""
    lines = iter(["/start", "/quit"])
    written: list[str] = []
    await console.repl(read=lambda prompt: next(lines), write=written.append)
    text = "\n".join(written)
    assert text.count("I help TikTok creators turn an audience into income") == 1, text
    opening = written[0]
    assert "/start" in opening and "/help" in opening and "\n" not in opening, written
    assert "I help TikTok creators" in written[2], written  # the leave hint, then /start
    # Trial: the opening line still began with /start's "Hi! I'm Creator Advisor.", so the
    # greeting stood twice within three lines; the opening line only says what to type.
    assert text.count("I'm Creator Advisor") == 1, text
    assert "Hi!" not in opening and "I'm Creator Advisor" not in opening, opening
    assert opening.startswith("Creator Advisor: type /start"), opening  # named, not greeted


async def test_the_terminal_language_is_the_default(app: App, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.auxil.catalogues import install

    install(tmp_path / "locales", monkeypatch)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    japanese = ConsoleAdapter(app, user="kenji")
    assert (await japanese.ask("/forget cancel")).text == "何も削除していません。"
    with_numbers = await japanese.ask("/log followers=12345")
    assert "1.2万" in with_numbers.text  # Babel's Japanese short form


async def test_leaving_after_forget_does_not_say_the_numbers_are_saved(
        console: ConsoleAdapter) -> None:
    """Trial: after /forget confirm, leaving said "Bye! Your numbers are saved for next time."
    """
    await console.ask("/log followers=2k")
    confirm = (await console.ask("/forget")).replies[0].actions[0].command
    lines = iter([confirm, "/quit"])
    written: list[str] = []
    await console.repl(read=lambda prompt: next(lines), write=written.append)
    assert written[-1] == "Bye!"
    kept: list[str] = []
    await console.ask("/log followers=3k")
    await console.repl(read=lambda prompt: "/quit", write=kept.append)
    assert kept[-1] == "Bye! Your numbers are saved for next time."


async def test_export_summary_names_every_kind_the_file_holds(console: ConsoleAdapter) -> None:
    """Trial: "4 snapshots and your settings" although payouts and goals were exported too."""
    for line in ("/log followers=2k", "/log followers=3k", "/goal followers=20k",
                 "/payout rewards=41 views=61k month=2026-10", "/settings currency=EUR"):
        assert (await console.ask(line)).ok, line
    result = await console.ask("/export")
    data = json.loads(result.files[0].read_text())
    assert len(data["snapshots"]) == 2 and len(data["goals"]) == 1 and len(data["payouts"]) == 1
    summary = result.text.splitlines()[0]
    for said in ("2 snapshots (logged or imported)", "1 logged payout", "1 goal",
                 "your settings (language included)", "your chat account's id and name"):
        assert said in summary, summary


@pytest.mark.parametrize("command", ["forget", "undo"])
async def test_an_unknown_word_gets_the_commands_own_example(console: ConsoleAdapter,
                                                             command: str) -> None:
    """Trial: "/forget blah" answered "Example: /forget confirm cancel", and typing that
    example cancelled. The hint shows the command's own declared example."""
    await console.ask("/log followers=2k")
    answer = await console.ask(f"/{command} blah")
    assert not answer.ok and "I don't know what 'blah' means here" in answer.text
    assert "confirm cancel" not in answer.text, answer.text
    assert answer.text.endswith(f"Example: /{command} confirm key=3fa9c2d1"), answer.text


async def test_export_and_forget_agree_on_settings(console: ConsoleAdapter) -> None:
    """Trial: /export of a creator who never set anything said "your settings (language
    included)" (the file shows the defaults) while /forget's list, for the same creator,
    named no settings. Both name settings once some are stored, and neither before."""
    await console.ask("/log followers=2k")
    for stored in (False, True):
        exported = (await console.ask("/export")).text.splitlines()[0]
        listed = (await console.ask("/forget")).text
        assert "1 snapshot (logged or imported)" in exported and "1 snapshot" in listed
        for text in (exported, listed):
            assert ("your settings (language included)" in text) is stored, (stored, text)
        assert (await console.ask("/settings currency=EUR")).ok


# -- a button's line typed after a switch of language -------------------------------------------


_SHOWN = re.compile(r"\[[^\]:]+: (/payout [^\]]+)\]")


async def _payouts(app: App, user: str) -> list[float]:
    found = await app.store.find_user("console", user)
    assert found is not None
    return [p.amount for p in await app.store.payouts(found.id)]


async def test_a_line_shown_in_german_reads_the_same_after_a_switch_to_english(
        console: ConsoleAdapter, app: App) -> None:
    """The console shows *Save it again* as German writes it (Aufrufe=, 1,125: a decimal);
    typed after /settings language=en it is read with the German name, and 1,125 is never
    read as English thousands (1125)."""
    await console.ask("/settings language=de")
    await console.ask("/payout rewards=1,125 views=610k month=2026-10")
    held = await console.ask("/payout rewards=1,125 views=610k month=2026-10")
    shown = _SHOWN.search(held.text)
    assert shown is not None, held.text
    await console.ask("/settings language=en")
    again = await console.ask(shown[1])
    assert again.ok, (shown[1], again.text)
    assert await _payouts(app, "alice") == [1.125, 1.125]


async def test_a_line_shown_in_english_is_never_read_as_german_thousands(
        console: ConsoleAdapter, app: App) -> None:
    """The other way: English 1.125 is 1125 in German; typed after the switch it is
    refused with a sentence, never saved as another number."""
    await console.ask("/payout rewards=1.125 views=610k month=2026-10")
    held = await console.ask("/payout rewards=1.125 views=610k month=2026-10")
    shown = _SHOWN.search(held.text)
    assert shown is not None, held.text
    await console.ask("/settings language=de")
    again = await console.ask(shown[1])
    assert all(amount == 1.125 for amount in await _payouts(app, "alice")), shown[1]
    if not again.ok:
        assert "rewards" in again.text and "Deutsch" in again.text, again.text


# -- the line a held reply's text asks for ------------------------------------------------------


async def test_log_and_payout_ask_for_the_typed_line_with_confirm(
        console: ConsoleAdapter) -> None:
    """Both held replies name the line to send in the creator's own words (one function,
    CommandContext.typed_again): the typed text, a typed confirm taken out, confirm once at
    the end."""
    await console.ask("/log followers=12k views=40k")
    held = await console.ask("/log followers=1B views=40k")
    # the key of exactly the numbers held (bot.domain.metrics.log_key) follows the confirm
    assert held.held and re.search(r"save them with /log followers=1B views=40k confirm "
                                   r"key=[0-9a-f]{8};", held.text), held.text
    await console.ask("/payout rewards=412 views=610k month=2026-10")
    again = await console.ask("/payout  rewards=412   views=610k month=2026-10")
    # and so does the key of exactly the payout held (metrics.held_key, as /log's)
    assert again.held and re.search(r"send /payout rewards=412 views=610k month=2026-10 "
                                    r"confirm key=[0-9a-f]{8}\.", again.text), again.text


async def test_a_held_replys_line_in_german_words_is_never_read_as_other_numbers(
        console: ConsoleAdapter, app: App) -> None:
    """German ``rewards=1,125`` (1.125) in the reply's text was sent back after a switch to
    English and saved as 1125: words another language reads as other numbers are replaced by
    the button's line as German writes it."""
    await console.ask("/settings language=de")
    await console.ask("/payout rewards=1,125 views=610k month=2026-10")
    held = await console.ask("/payout rewards=1,125 views=610k month=2026-10")
    asked = re.search(r"sende (/payout .+ confirm key=[0-9a-f]{8})\.", held.text)
    assert asked is not None, held.text
    assert asked[1].startswith(
        "/payout rewards=1,1250 Aufrufe=610000 month=2026-10 confirm key="), asked[1]
    await console.ask("/settings language=en")
    await console.ask(asked[1])
    assert await _payouts(app, "alice") == [1.125, 1.125]
    # words every language reads alike are kept as typed
    await console.ask("/settings language=de")
    await console.ask("/log Follower=12,5k")
    kept = await console.ask("/log Follower=1 Mrd.")
    assert "/log Follower=1 Mrd. confirm key=" in kept.text, kept.text


@pytest.mark.parametrize(("language", "end"), [("en", "remove."), ("de", "würde."),
                                               ("fr", "supprimé."), ("ja", "確認できます。")])
async def test_an_unknown_undo_key_is_refused_in_a_whole_sentence(
        console: ConsoleAdapter, language: str, end: str) -> None:
    """Trial: "/undo confirm key=zz" ended "… to see what it would remove" with no full stop,
    where the bot's other refusals end with one."""
    await console.ask("/log followers=2k")
    assert (await console.ask(f"/settings language={language}")).ok
    answer = await console.ask("/undo confirm key=zz")
    assert not answer.ok
    assert answer.text.splitlines()[0].endswith(end), answer.text


async def test_settings_suggests_the_code_for_a_name(console: ConsoleAdapter) -> None:
    """Trial: ``timezone=Berlin``, ``region=Germany`` and ``currency=euro`` were refused with
    "Example: /settings". Each now names the value meant, with the line that sets it, in the
    creator's language (Babel's country and currency names; a zone by its city)."""
    for typed, said, line in (
            ("timezone=Berlin", "the one for that city is Europe/Berlin.",
             "/settings timezone=Europe/Berlin"),
            ("region=Germany", "the code for that country is DE.", "/settings region=DE"),
            ("currency=euro", "the code for that currency is EUR.", "/settings currency=EUR")):
        result = await console.ask(f"/settings {typed}")
        assert not result.ok and said in result.text, result.text
        assert f"Example: {line}" in result.text, result.text
    assert "Example: /settings region=US" in (await console.ask("/settings region=Narnia")).text
    # Hostile trial: "GMT+2" was answered "the one for that city is Etc/GMT+2", which is
    # UTC−2 (POSIX signs): an offset is no city, and no Etc/ zone is suggested for one
    for offset in ("GMT+2", "GMT-5", "Etc"):
        wrong = await console.ask(f"/settings timezone={offset}")
        assert not wrong.ok and "Etc/" not in wrong.text.split("Example")[0], wrong.text
        assert "for that city" not in wrong.text, wrong.text
    await console.ask("/settings language=de")
    german = await console.ask("/settings region=Deutschland")
    assert "DE" in german.text and "Beispiel: /settings region=DE" in german.text, german.text


async def test_a_held_back_follower_count_says_nothing_of_30_day_totals(
        console: ConsoleAdapter) -> None:
    """Trial: a held-back ``followers=153k`` came with "Views, likes, comments and shares are
    totals …", which is about numbers not given."""
    await console.ask("/log followers=1.5k views=1000")
    held = await console.ask("/log followers=153k")
    assert "That looks wrong" in held.text and "totals" not in held.text, held.text
    views = await console.ask("/log views=900k")
    assert "That looks wrong" in views.text and "totals for the same last 30 days" \
        in views.text, views.text
