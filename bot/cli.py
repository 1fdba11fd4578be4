"""``creator-advisor``: console chat, one-shot ``ask``, ``run`` (all configured adapters)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.app import App, freeze_startup_heap, running, shared_limits_problem, weekly_poster
from bot.config import Settings
from bot.core.ports import Adapter, AdapterStartError, Deliverer, StoreError
from bot.core.types import Reply
from bot.domain.datafiles import DataFileError
from bot.domain.numbers import unmarked
from bot.logs import setup_logging

if TYPE_CHECKING:
    from bot.adapters.console import ConsoleResult
    from bot.tiktok.web import TikTokRunner

log = logging.getLogger("creator_advisor")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="creator-advisor",
        description="Creator Advisor: income estimates and tips for TikTok creators.",
    )
    p.add_argument("--version", action="store_true",
                   help="print the version and where data lives, then exit")
    sub = p.add_subparsers(dest="cmd")
    sub.add_parser("info", help="print the version and where data lives")
    console = sub.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--user", default="you", type=_user_name,
                         help="console user name, as ask's --user (default: you)")
    run = sub.add_parser("run", help="start every adapter that has a token (console if none)")
    run.add_argument("--workers", type=_positive, default=1, metavar="N",
                     help="start N worker processes on one bot token and supervise them "
                          "(PostgreSQL, and Telegram in webhook mode; see the README)")
    ask = sub.add_parser("ask", help='run one command and print the reply: ask "/stats"')
    ask.add_argument("--user", default="you", type=_user_name,
                     help="console user name (default: you)")
    ask.add_argument("--json", action="store_true",
                     help="print the reply as JSON with plain numbers (see the README)")
    ask.add_argument("line", help='the command line, e.g. "/log followers=12k"')
    due = sub.add_parser("post-due", help="send the weekly posts that are due now")
    due.add_argument("--dry-run", action="store_true", help="list them, send nothing")
    connect = sub.add_parser("connect", help="connect a TikTok account (opens TikTok to consent)")
    connect.add_argument("--user", default="you", type=_user_name,
                         help="console user name (default: you)")
    connect.add_argument("--timeout", type=float, default=None,
                         help="seconds to wait for the consent (default: TIKTOK_CONNECT_TIMEOUT)")
    connect.add_argument("--no-browser", action="store_true",
                         help="only print the link; do not open a browser")
    sync = sub.add_parser("sync", help="read connected TikTok accounts now")
    sync.add_argument("--user", default=None, type=_user_name,
                      help="only this console user (default: everyone)")
    rules = sub.add_parser("rules", help="work with the tip rules in strategies/rules")
    rules.add_argument("action", choices=["check"], help="validate and print coverage")
    rates = sub.add_parser("rates", help="work with the rate tables in strategies/rates")
    rates_sub = rates.add_subparsers(dest="rates_cmd", required=True)
    fx = rates_sub.add_parser("fx", help="load ECB reference rates (eurofxref CSV) into "
                                         "currencies.toml")
    fx.add_argument("file", help="eurofxref.csv or eurofxref-hist.csv from the ECB")
    db = sub.add_parser("db", help="move the bot's data between databases")
    db_sub = db.add_subparsers(dest="db_cmd", required=True)
    copy = db_sub.add_parser(
        "copy", help="copy every table of a SQLite database into an empty PostgreSQL one "
                     "(counts verified; a non-empty target is refused)")
    copy.add_argument("source", help="sqlite:///path/to/advisor.db (stop the bot first)")
    copy.add_argument("target", help="postgresql://user@host:5432/dbname (empty)")
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"must be between 1 and 1024, not {value}")
    return value


def _user_name(text: str) -> str:
    """A console user name as ``--user`` takes it (bot.adapters.console.user_name): the
    spaces and invisible characters around it dropped; one with nothing visible (empty,
    spaces, a zero-width space) refused, as a user no one could tell from another, whose
    files and history would have no name."""
    from bot.adapters.console import user_name  # (only when --user is given: a fast start)

    try:
        return user_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def db_copy(source: str, target: str) -> int:
    """``db copy``: one line with what was copied and one saying the source is left as it
    was (to be moved away, so no process falls back to it), or one line saying why nothing
    was copied."""
    from bot.store import describe_database_url
    from bot.store.copy import copy_database
    from bot.store.urls import redacted

    try:
        report = asyncio.run(copy_database(source, target))
    except StoreError as exc:
        print(f"creator-advisor: {exc}", file=sys.stderr)
        return 1
    tables = ", ".join(f"{name} {count}" for name, count in report.counts.items())
    print(f"Copied {report.total} rows into {redacted(target)} ({tables}); every table's count "
          "matches the source. Point DATABASE_URL at it and start the bot.")
    # A process started elsewhere (cron, a unit in another folder) without the new
    # DATABASE_URL would open the old file with every old subscription: posts twice.
    print(f"The source {describe_database_url(source)} is left as it was: move or rename it, "
          "so that no process started elsewhere (cron, another folder) opens it by mistake "
          "and sends its weekly posts a second time.")
    return 0


def info(settings: Settings) -> int:
    """The version and where this installation keeps its data (DATABASE_URL / DATA_DIR)."""
    from importlib.metadata import PackageNotFoundError, version

    from bot.store import describe_database_url

    try:
        installed = version("creator-advisor")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        installed = "unknown"
    print(f"creator-advisor {installed}")
    try:
        database = describe_database_url(settings.database_url)
    except StoreError as exc:
        database = f"{settings.database_url} ({exc})"
    print(f"database: {database}")
    print(f"data folder (exports, charts, console history): {settings.data_dir.resolve()}")
    print("change them with DATABASE_URL and DATA_DIR (environment or .env)")
    return 0


def rates_fx(settings: Settings, file: str) -> int:
    """Replace currencies.toml with the newest day in an ECB eurofxref CSV; name the date."""
    from pathlib import Path

    from bot.domain.fx import FxError, load_into

    try:
        loaded = load_into(Path(file), settings.strategies_dir / "rates")
    except FxError as exc:
        print(f"creator-advisor: {exc}", file=sys.stderr)
        return 1
    print(f"Loaded ECB reference rates of {loaded.day.isoformat()} ({len(loaded.per_eur)} "
          f"currencies) into {settings.strategies_dir / 'rates' / 'currencies.toml'}. "
          "Restart the bot to use them.")
    return 0


def _sourced_values(obj: object) -> int:
    """How many rate values (figures and facts) the tables hold; each has a source and date
    (the models refuse one without)."""
    from pydantic import BaseModel

    from bot.domain.rates import Fact, Figure

    if isinstance(obj, Figure | Fact):
        return 1
    if isinstance(obj, BaseModel):
        return sum(_sourced_values(getattr(obj, n)) for n in type(obj).model_fields)
    if isinstance(obj, dict):
        return sum(_sourced_values(v) for v in obj.values())
    if isinstance(obj, list):
        return sum(_sourced_values(v) for v in obj)
    return 0


def rules_check(settings: Settings) -> int:
    """Validate the catalogue, check every rule's examples, and list dead rules."""
    from bot.domain.facts import compute_facts
    from bot.domain.rates import load_rates
    from bot.domain.rules import load_catalogue
    from bot.domain.samples import NOW, SAMPLES

    catalogue = load_catalogue(settings.strategies_dir / "rules")
    rates = load_rates(settings.strategies_dir / "rates")
    print(f"{_sourced_values(rates)} rate values in {settings.strategies_dir / 'rates'}, each "
          f"with a source and a date; exchange rates of {rates.currencies.date}")
    print(f"{len(catalogue)} rules in {settings.strategies_dir / 'rules'}")
    for category, count in catalogue.categories().items():
        print(f"  {category:<16} {count}")
    problems = []
    for compiled in catalogue.compiled:
        ex = compiled.rule.examples
        if not compiled.matches(ex.triggers):
            problems.append(f"{compiled.rule.id}: its 'triggers' example does not trigger it")
        if compiled.matches(ex.not_):
            problems.append(f"{compiled.rule.id}: its 'not' example triggers it")
    fired = {c.rule.id for p in SAMPLES.values()
             for c in catalogue.compiled if c.matches(compute_facts(p, rates, NOW))}
    dead = [r.id for r in catalogue.rules if r.id not in fired]
    print(f"sample profiles: {len(SAMPLES)}; dead rules (no sample triggers them): "
          f"{', '.join(dead) if dead else 'none'}")
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems or dead else 0


async def _console(app: App, user: str = "you") -> int:
    """The console chat, with the weekly-post scheduler running while it is open, so the
    console user's own /subscribe digest shows up in it when due (another user's stays for
    ``post-due`` or their own console) and, with a TikTok app configured on SQLite (where
    the console is the only process), the daily sync of connected accounts. On PostgreSQL
    that sync is ``run``'s (worker 0's) alone: a console there would sync every creator's
    account beside it, refreshing the same rotating tokens twice at once. ``user``: the
    console user the chat is (``--user``, the same account ``ask --user`` reads)."""
    from bot.adapters.console import ConsoleAdapter, ConsoleDeliverer
    from bot.store import is_postgres_url

    stop = asyncio.Event()
    console = ConsoleAdapter(app, user=user)
    poster = weekly_poster(app, {"console": ConsoleDeliverer(app)}, chat_id=console.chat_id)
    background = [asyncio.create_task(poster.serve(stop), name="weekly-posts")]
    shared = is_postgres_url(app.settings.database_url)
    if app.tiktok is not None and app.tiktok.configured and not shared:  # as in `run`
        background.append(asyncio.create_task(app.tiktok.serve(stop), name="tiktok-sync"))
    try:
        await console.repl()
    finally:
        stop.set()
        await asyncio.shield(asyncio.gather(*background))
    return 0


#: Strings with digits that are names, not formatted numbers: ISO dates and months, times,
#: and percentile names (``"P10"``).
_NOT_FORMATTED = re.compile(r"\d{4}-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?|P\d\d")


def _formatted(value: Any) -> bool:
    """Whether ``value`` is text made for people: a string holding a digit that is not an ISO
    date or a percentile's name (``"12k"``, ``"8.5%"``, ``"$120–$480"``, ``"followers=12k"``),
    or a list of strings one of which is."""
    if isinstance(value, str):
        return any(c.isdigit() for c in value) and not _NOT_FORMATTED.fullmatch(value)
    return (isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
            and any(_formatted(v) for v in value))


def _text_key(key: str) -> str:
    return key if key.endswith("_text") else f"{key}_text"


def _without_formatted(value: Any, moved: frozenset[str] = frozenset()) -> Any:
    """``value`` with every formatted text moved from its key ``k`` to ``k_text`` (at any
    depth; a key already ending in ``_text`` keeps its name), so no key of the JSON but a
    ``*_text`` one holds a number as text. The objects of a list share their key names: a key
    moved in one object is moved in every one (``null`` included), so ``tips[0]`` and
    ``tips[1]`` both have ``title_text``. ``moved``: keys moved here whatever their value."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            clean = _without_formatted(item)
            text = str(key) in moved or _formatted(clean)
            out[_text_key(str(key)) if text else str(key)] = clean
        return out
    if isinstance(value, (list, tuple)):
        shared = frozenset(str(k) for item in value if isinstance(item, dict)
                           for k, v in item.items() if _formatted(_without_formatted(v)))
        return [_without_formatted(v, shared) for v in value]
    if isinstance(value, str):  # a sentence quoting the creator's value: without its marks
        return unmarked(value)
    return value


def _over(context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` over ``context``, key by key; where both hold a list of as many objects (the
    same goals, the same routes), object by object, so the context's other keys (a route's
    gaps and requirements) stay beside the data's numbers."""
    out = dict(context)
    for key, top in data.items():
        base = out.get(key)
        if (isinstance(base, list) and isinstance(top, list) and len(base) == len(top)
                and all(isinstance(x, dict) for x in (*base, *top))):
            out[key] = [{**a, **b} for a, b in zip(base, top, strict=True)]
        else:
            out[key] = top
    return out


def reply_json(reply: Reply) -> dict[str, Any]:
    """A reply as JSON: its template, its context with formatted text only under ``*_text``
    keys (``"real_rate_text": "8.5%"``), and its machine-readable ``data`` over it (plain
    numbers under their names: ``"followers": 12000``, ``"engagement_rate_views": 0.085``;
    see :func:`_over`); ``"held": true`` when nothing was stored until a confirm."""
    out: dict[str, Any] = {"reply": reply.template, "ok": not reply.is_error}
    if reply.held:  # nothing was stored: the input waits for "confirm"
        out["held"] = True
    body = _without_formatted(dict(reply.context))
    if reply.data:
        body = _over(body, _without_formatted(dict(reply.data)))
    out.update(body)
    return out


def start_failure_json(line: str, exc: Exception) -> dict[str, Any]:
    """What ``ask --json`` prints on stdout when the bot could not run ``line`` at all (its
    storage, a bad ``strategies/`` file that the command uses): ``"ok": false`` as every
    failure (:func:`reply_json`), the command, and the same text as the line on stderr."""
    from bot.adapters.console import failed_command

    return {"reply": "errors/start", "ok": False, "command": failed_command(line),
            "error": str(exc)}


async def _ask(app: App, user: str, line: str, as_json: bool = False) -> int:
    """Run ``line`` as console user ``user`` and print the answer; the exit code by
    :func:`ask_status`. A reply (held back or not) on stdout; a refusal (bad input, an
    unknown command, no command) or a failure of the bot on stderr and nothing on stdout,
    as argparse's usage errors; with ``as_json`` every answer as JSON on stdout (README,
    "ask"). A failure of the bot is one sentence: its details are logged (to the log file
    ``ask`` writes, :func:`_run_cli`), never shown."""
    from bot.adapters.console import ConsoleAdapter, failed_command, failure_sentence

    freeze_startup_heap(collect=False)  # one command, then exit (issue #19: a fast ask)
    adapter = ConsoleAdapter(app, user=user, one_shot=True)
    try:
        result = await adapter.ask(line)
    except DataFileError:
        raise  # a strategies/ file the command read first (_main): said as at start
    except Exception:  # a bug past the dispatcher's own catch (the reply's rendering, say)
        command = failed_command(line)
        log.exception("ask /%s failed", command)
        if as_json:
            # as the dispatcher's own internal error prints (reply_json)
            print(json.dumps({"reply": "errors/internal", "ok": False, "command": command},
                             ensure_ascii=False, indent=2))
        else:
            print(failure_sentence(command, adapter.language), file=sys.stderr)
        return ASK_FAILED
    if as_json:
        body = [reply_json(r) for r in result.replies]
        if not body:  # what the console says itself: a line that is no command (an error),
            # or /cancel with nothing to cancel
            body = [{"reply": "note" if result.ok else "error", "ok": result.ok,
                     "text": result.text}]
        print(json.dumps(body[0] if len(body) == 1 else body, ensure_ascii=False, indent=2,
                         default=str))
        return ask_status(result)
    print(result.text, file=sys.stdout if result.ok else sys.stderr)
    return ask_status(result)


#: ``ask``'s exit codes (the README's table names them): done; the bot failed (nothing
#: the person typed was wrong); bad input (nothing done); held back, nothing stored until
#: the same command is sent with ``confirm``.
ASK_OK, ASK_FAILED, ASK_BAD_INPUT, ASK_HELD = 0, 1, 2, 3
#: Where ``ask`` and the console chat log, in the data folder (warnings and errors, with their
#: details).
ASK_LOG = "creator-advisor.log"
#: The error replies that say the bot failed, not what was typed: an internal error, its
#: storage, a file it could not save.
FAILURES: frozenset[str] = frozenset({"errors/internal", "errors/storage", "errors/not_saved"})


def ask_status(result: ConsoleResult) -> int:
    """``ask``'s exit code for ``result``: 1 when the bot failed (:data:`FAILURES`), 2 on
    bad input, 3 when it was held back for a confirm (an implausible /log, a payout logged
    already), else 0."""
    if any(r.template in FAILURES for r in result.replies):
        return ASK_FAILED
    if not result.ok:
        return ASK_BAD_INPUT
    return ASK_HELD if result.held else ASK_OK


def platform_adapters(app: App) -> list[Adapter]:
    """One adapter per configured token. Platform modules are imported only when needed."""
    adapters: list[Adapter] = []
    if app.settings.telegram_bot_token:
        from bot.adapters.telegram_adapter import TelegramAdapter

        adapters.append(TelegramAdapter(app))
    if app.settings.discord_token:
        from bot.adapters.discord_adapter import DiscordAdapter

        adapters.append(DiscordAdapter(app))
    return adapters


async def _post_due(app: App, dry_run: bool) -> int:
    from bot.adapters.console import ConsoleDeliverer

    poster = weekly_poster(app, {"console": ConsoleDeliverer(app)})
    report = await poster.run_due(dry_run=dry_run)
    if dry_run:
        if not report.planned:
            print("Nothing is due now.")
        for sub, week, composed in report.planned:
            what = "nothing to post" if composed is None else (
                f"{composed.reply.template} {composed.rule_id or ''}".strip())
            print(f"{sub.platform} {sub.chat_id} ({sub.kind}, {sub.local_time} {sub.timezone},"
                  f" {week}): {what}")
        if report.skipped_late:
            print(f"{report.skipped_late} missed post(s) past the grace window would be skipped")
        return 0
    print(f"sent {report.sent}, failed {report.failed}, unknown {report.unknown}, "
          f"deactivated {report.deactivated}, skipped {report.skipped_late}, given back "
          f"{report.given_back + report.rate_limited}; other platforms' posts go out from 'run'")
    return 0


#: Seconds between start attempts of an adapter whose platform is unreachable: doubling from
#: the first to the last, with jitter.
START_BACKOFF = (1.0, 60.0)


async def _keep_starting(adapter: Adapter, stop: asyncio.Event,
                         started: Callable[[Adapter], None]) -> bool:
    """Start ``adapter``; while its platform is unreachable, try again with backoff (one log
    line each time), so the other adapters run meanwhile. False when it can't start at all
    (a refused token: one line, no traceback) or ``stop`` was set first."""
    delay = START_BACKOFF[0]
    while not stop.is_set():
        try:
            await adapter.start()
        except AdapterStartError as exc:
            if not exc.retry:
                log.error("%s: %s; not starting it", adapter.name, exc)
                return False
            wait = delay * (0.75 + random.random() / 2)  # jitter, not a secret
            log.warning("%s: %s; trying again in %.0f s", adapter.name, exc, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
            delay = min(delay * 2, START_BACKOFF[1])
            continue
        except Exception as exc:  # an unexpected failure: one line, the details at DEBUG
            log.error("%s could not start: %s: %s", adapter.name, type(exc).__name__, exc)
            log.debug("%s start failure", adapter.name, exc_info=True)
            return False
        started(adapter)
        log.info("%s adapter running", adapter.name)
        return True
    return False


async def _connect(app: App, user: str, wait: float | None, browser: bool) -> int:
    """Authorize in the browser, receive the redirect on the loopback redirect URI, exchange
    the code with the PKCE verifier, sync once. Exit 0, or 1 with one sentence."""
    import webbrowser

    from bot.render.formats import Format
    from bot.tiktok.client import TikTokError
    from bot.tiktok.tokens import TokenKeyError
    from bot.tiktok.web import (
        AGAIN_TERMINAL,
        Outcome,
        callback_app,
        connected_reply,
        error_reply,
        is_loopback,
        listen_address,
        serve_callback,
    )

    service, settings = app.tiktok, app.settings
    again = AGAIN_TERMINAL

    def fail(reply_text: str) -> int:
        print(reply_text, file=sys.stderr)
        return 1

    if service is None or not service.configured:
        return fail(app.renderer.render(Reply("tiktok_setup"), Format.PLAIN))
    if not is_loopback(settings.tiktok_redirect_uri):
        return fail("TIKTOK_REDIRECT_URI is not a loopback address, so this command cannot "
                    "receive TikTok's answer; use /connect in a chat with the running bot.")
    account = await app.store.ensure_user("console", user, user)
    try:
        start = await service.begin(account.id, None, None)
    except TokenKeyError as exc:
        return fail(f"creator-advisor: {exc}")
    done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

    async def on_done(outcome: Outcome) -> None:
        if not done.done():
            done.set_result(outcome)

    host, port = listen_address(settings)
    try:
        runner = await serve_callback(callback_app(service, app.renderer, on_done, again=again),
                                      host, port)
    except OSError as exc:
        return fail(f"Cannot listen on {host}:{port} for TikTok's answer ({exc.strerror}); "
                    "is another 'connect' running?")
    try:
        print("Open this link to connect your TikTok account (it works for 10 minutes):")
        print(start.url, flush=True)
        if browser:
            await asyncio.to_thread(webbrowser.open, start.url)
        try:
            outcome = await asyncio.wait_for(
                asyncio.shield(done), wait or settings.tiktok_connect_timeout)
        except TimeoutError:
            return fail(app.renderer.render(error_reply("timeout", again), Format.PLAIN))
    except TokenKeyError as exc:
        return fail(f"creator-advisor: {exc}")
    except TikTokError as exc:
        return fail(app.renderer.render(error_reply(exc.reason, again), Format.PLAIN))
    finally:
        await runner.cleanup()
    if outcome.reason is not None or outcome.report is None:
        return fail(app.renderer.render(error_reply(outcome.reason or "state", again),
                                        Format.PLAIN))
    print(app.renderer.render(connected_reply(outcome.report), Format.PLAIN))
    return 0


async def _sync(app: App, user: str | None) -> int:
    """Sync the console user's account, or every connected account; 1 if any failed."""
    from bot.render.formats import Format
    from bot.tiktok.client import TikTokError
    from bot.tiktok.tokens import TokenKeyError
    from bot.tiktok.web import AGAIN_TERMINAL, connected_reply, error_reply

    service = app.tiktok
    if service is None or not service.configured:
        print(app.renderer.render(Reply("tiktok_setup"), Format.PLAIN), file=sys.stderr)
        return 1
    again = AGAIN_TERMINAL
    if user is not None:
        found = await app.store.find_user("console", user)
        conn = None if found is None else await service.status(found.id)
        if found is None or conn is None:
            print(app.renderer.render(error_reply("not_connected", again), Format.PLAIN),
                  file=sys.stderr)
            return 1
        targets = [(user, found.id)]
    else:
        targets = [(c.display_name or f"user {c.user_id}", c.user_id)
                   for c in await service.connections.connections()]
        if not targets:
            print("No TikTok account is connected.")
            return 0
    failed = 0
    for name, user_id in targets:
        try:
            report = await service.sync_user(user_id)
        except TikTokError as exc:
            failed += 1
            print(f"{name}: " + app.renderer.render(error_reply(exc.reason, again),
                                                    Format.PLAIN), file=sys.stderr)
            continue
        except TokenKeyError as exc:
            failed += 1
            print(f"{name}: {exc}", file=sys.stderr)
            continue
        print(app.renderer.render(connected_reply(report, "tiktok_synced"), Format.PLAIN))
    return 1 if failed else 0


async def _run(app: App, stop: asyncio.Event | None = None) -> int:
    adapters = platform_adapters(app)
    if not adapters:
        log.info("no platform token configured: starting the console")
        return await _console(app)
    unshared = await shared_limits_problem(app.settings)
    if unshared is not None:  # once, at start: what a missing Redis means for this process
        log.warning("%s", unshared)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    running_adapters: list[Adapter] = []
    poster = weekly_poster(app, {})
    deliverers: dict[str, Deliverer] = {}  # the TikTok side tells creators through these

    def started(adapter: Adapter) -> None:
        running_adapters.append(adapter)
        poster.add_deliverer(adapter.deliverer)  # its weekly posts go out from now on
        deliverers[adapter.deliverer.platform] = adapter.deliverer

    # Each adapter starts on its own: one platform down (or retrying) holds up no other.
    starting = [asyncio.create_task(_keep_starting(a, stop, started), name=f"start-{a.name}")
                for a in adapters]
    scheduler: asyncio.Task[None] | None = None
    tiktok: TikTokRunner | None = None
    try:
        if app.tiktok is not None and app.tiktok.configured:
            from bot.tiktok.web import TikTokRunner

            runner = TikTokRunner(app.tiktok, app.renderer, deliverers)
            try:
                await runner.start()
                tiktok = runner
            except OSError as exc:  # the chat bot keeps running; /connect links cannot land
                log.error("tiktok: cannot listen for the callback (%s); set "
                          "TIKTOK_CALLBACK_LISTEN/TIKTOK_CALLBACK_PORT", exc.strerror)
        stopped = asyncio.create_task(stop.wait())
        pending = set(starting)
        while pending and not stop.is_set():
            _, pending = await asyncio.wait(pending | {stopped},
                                               return_when=asyncio.FIRST_COMPLETED)
            pending.discard(stopped)
            if scheduler is None and running_adapters:
                freeze_startup_heap()
                scheduler = asyncio.create_task(poster.serve(stop), name="weekly-posts")
        if not stop.is_set() and not running_adapters:
            log.error("no adapter could start; stopping")
            stopped.cancel()
            return 1
        await stopped
        log.info("shutting down")
    finally:
        stop.set()
        for task in starting:
            task.cancel()
        await asyncio.gather(*starting, return_exceptions=True)
        if scheduler is not None:
            await scheduler
        if tiktok is not None:
            try:
                await tiktok.stop()
            except Exception:
                log.exception("the TikTok callback server did not stop cleanly")
        for adapter in reversed(running_adapters):
            try:
                await adapter.stop()
            except Exception:
                log.exception("%s adapter did not stop cleanly", adapter.name)
    return 0


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    # One command of ``ask`` reads the strategies/ files only if it uses them (``/stats``
    # does not); every other command reads them at start, so a bad file stops a bot at start.
    async with running(settings, strategies_at_start=args.cmd != "ask") as app:
        if args.cmd == "ask":
            return await _ask(app, args.user, args.line, args.json)
        if args.cmd == "console":
            return await _console(app, args.user)
        if args.cmd == "post-due":
            return await _post_due(app, args.dry_run)
        if args.cmd == "connect":
            return await _connect(app, args.user, args.timeout, not args.no_browser)
        if args.cmd == "sync":
            return await _sync(app, args.user)
        if args.cmd == "run" or settings.telegram_bot_token or settings.discord_token:
            return await _run(app)
        return await _console(app)


def _one_line(exc: Exception) -> str:
    """A settings error as one sentence: ``LOG_LEVEL: must be one of …`` for a setting's
    error, the validator's own words alone for one about several settings (``WORKER_INDEX
    must be below WORKER_COUNT (3), not 5``). Pydantic's own text spans several lines, links
    to its docs and prefixes a validator's message with its error kind (``Value error,``);
    all of that is dropped here, the one place settings errors become a sentence."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for error in errors():
            cause = (error.get("ctx") or {}).get("error")
            # A validator's ValueError/AssertionError: its own words, not pydantic's wrapper.
            msg = " ".join((str(cause) if isinstance(cause, Exception)
                            else str(error.get("msg", ""))).split())
            where = ".".join(str(p) for p in error.get("loc", ())).upper()
            parts.append(f"{where}: {msg}" if where else msg)
        if parts:
            return "; ".join(parts)
    return " ".join(str(exc).split())


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run_cli(argv)
    except BrokenPipeError:  # `creator-advisor … | head`: the reader left, not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep interpreter exit quiet
        return 0


def _run_cli(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: say which setting, no traceback
        print(f"creator-advisor: bad setting: {_one_line(exc)}", file=sys.stderr)
        return 1
    if args.version or args.cmd == "info":
        return info(settings)
    if args.cmd == "rates":
        return rates_fx(settings, args.file)
    if args.cmd == "db":
        return db_copy(args.source, args.target)
    if args.cmd == "rules":
        try:
            return rules_check(settings)
        except DataFileError as exc:
            print(f"creator-advisor: {exc}", file=sys.stderr)
            return 1
    quiet = args.cmd in ("ask", "console", None)
    worker = None if settings.worker_index is None else f"worker {settings.worker_index}"
    from bot.store.urls import url_passwords

    serving = args.cmd == "run" or (args.cmd is None and (settings.telegram_bot_token
                                                          or settings.discord_token))
    # ask's stderr and the console chat's terminal are the person's (one sentence, never a
    # traceback): their log goes to a file
    setup_logging("WARNING" if quiet else settings.log_level,
                  [*settings.secrets(), *url_passwords(settings.database_url)], worker,
                  settings.data_dir / ASK_LOG if quiet and not serving else None)
    if serving:
        from bot.supervisor import run_workers, unshared_limits_warning, workers_refusal

        workers = getattr(args, "workers", 1)
        if workers > 1:
            return run_workers(settings, workers)
        refused = workers_refusal(settings, settings.worker_count)  # started by the operator
        if refused is None and settings.worker_count > 1 and settings.worker_index is None:
            refused = ("each worker needs its own WORKER_INDEX (0 … WORKER_COUNT-1), which "
                       "picks its Discord shards; or start them all with run --workers N.")
        if refused is not None:
            print(f"creator-advisor: WORKER_COUNT={settings.worker_count}: {refused}",
                  file=sys.stderr)
            return 1
        unshared = unshared_limits_warning(settings)
        if unshared is not None:
            logging.getLogger("creator_advisor.workers").warning("%s", unshared)
    try:
        return asyncio.run(_main(args, settings))
    except (StoreError, DataFileError) as exc:
        # the bot could not start (its storage, a strategies/ file: for a one-shot ask read
        # when its command uses it, before the command runs): said as at start, not logged
        print(f"creator-advisor: {exc}", file=sys.stderr)
        if args.cmd == "ask" and args.json:  # every answer of ask --json is JSON (README)
            print(json.dumps(start_failure_json(args.line, exc), ensure_ascii=False,
                             indent=2))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
