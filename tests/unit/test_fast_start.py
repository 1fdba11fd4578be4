"""Starting the bot is cheap: templates compile on first use per format, the charting
libraries (matplotlib, numpy, PIL) are imported only when a chart is drawn, and the drivers
of what a SQLite console does not use (asyncpg; aiohttp and cryptography for TikTok; the
weekly poster) only when they are; a command imports its own handler module, not the others'
(nor Babel's catalogue reader, which English does not use)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.app import running
from bot.config import PROJECT_ROOT, Settings
from bot.core.types import Reply
from bot.render.environment import Renderer
from bot.render.formats import Format

CHARTING = ("matplotlib", "numpy", "PIL")
#: Not needed by a console command on SQLite without a TikTok app configured.
UNUSED_ON_SQLITE = ("asyncpg", "aiohttp", "cryptography", "bot.store.postgres",
                    "bot.tiktok.client", "bot.scheduler.runner",
                    # the TikTok connection is made when first used (App.tiktok): all of it
                    "bot.tiktok", "bot.core.connections")
#: Not needed by ``/stats`` in English: the other commands' handler modules and the code only
#: they use (estimator, tip engine, rate tables and rules, media kit, CSV and TikTok Studio
#: import, the store's Studio undo and /forget and /export table lists), and Babel's .po
#: reader and catalogue loader (bot.i18n imports them when a catalogue is loaded).
NOT_FOR_STATS = (
    "bot.commands.basics", "bot.commands.corrections", "bot.commands.estimate",
    "bot.commands.payouts", "bot.commands.mediakit", "bot.commands.tips",
    "bot.commands.progress", "bot.commands.studio", "bot.commands.settings",
    "bot.commands.privacy", "bot.commands.subscriptions", "bot.commands.tiktok",
    "bot.commands.checks", "bot.core.csv_import", "bot.core.studio_import",
    "bot.domain.estimator", "bot.domain.engine", "bot.domain.projection",
    "bot.domain.mediakit", "bot.render.mediakit", "babel.messages", "babel.support",
    "bot.store.studio_undo", "bot.core.userdata",
    # the rate tables and tip rules (read when a command first uses them: /stats does not),
    # their models, the tip facts and the TOML parser (issue #19)
    "bot.domain.rates", "bot.domain.rules", "bot.domain.facts", "bot.domain.brandprice",
    "tomllib",
    # imported where they are used (issue #19): the rate card's model (the media kit reads
    # pinned prices), platformdirs (only without DATA_DIR), aiolimiter (a platform's pace),
    # difflib (a mistyped word or command), html and html.entities (Telegram's escaping)
    "bot.domain.ratecard", "platformdirs", "aiolimiter", "difflib", "html",
)
PROBED = CHARTING + UNUSED_ON_SQLITE + NOT_FOR_STATS

# Runs the real CLI in a fresh interpreter and reports the PROBED modules loaded at exit.
PROBE = f"""
import json, sys
from bot.cli import main
sys.argv = ["creator-advisor", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
finally:
    probed = {PROBED!r}
    loaded = sorted(m for m in sys.modules
                    if any(m == p or m.startswith(p + ".") for p in probed))
    sys.stderr.write("\\nFROZEN=" + str(__import__("gc").get_freeze_count()) + "\\n")
    sys.stderr.write("\\nLOADED=" + json.dumps(loaded) + "\\n")
"""


def _ask(data: Path, *argv: str) -> tuple[str, list[str]]:
    """The command's output and the :data:`PROBED` modules loaded when it exited."""
    out, loaded, _frozen = _ask_frozen(data, *argv)
    return out, loaded


def _ask_frozen(data: Path, *argv: str) -> tuple[str, list[str], int]:
    """:func:`_ask`, and how many objects the garbage collector had frozen at the exit."""
    env = {k: v for k, v in os.environ.items()  # SQLite, no TikTok app, no Redis, English
           if k not in {"TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET", "REDIS_URL", "LC_ALL",
                        "LC_MESSAGES"}}
    env.update(DATA_DIR=str(data), DATABASE_URL="", LANG="C.UTF-8")
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          env=env, timeout=120, cwd=data, check=False)
    marker = done.stderr.rsplit("LOADED=", 1)
    assert len(marker) == 2, done.stderr
    frozen = int(marker[0].rsplit("FROZEN=", 1)[1])
    return done.stdout, json.loads(marker[1]), frozen


def _within(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    """Those of ``modules`` that are one of ``packages`` or inside one."""
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def test_ask_stats_never_imports_a_charting_library(tmp_path: Path) -> None:
    out, loaded = _ask(tmp_path, "ask", "/log followers=12k views=40k likes=3k comments=200")
    assert "12k" in out or "12,000" in out, out
    _ask(tmp_path, "ask", "/log followers=13k views=41k likes=3k comments=210")
    out, loaded = _ask(tmp_path, "ask", "/stats")
    assert "Followers" in out, out
    assert [m for m in loaded if m.split(".")[0] in CHARTING] == []


def test_ask_stats_on_sqlite_loads_no_postgres_tiktok_or_poster_module(tmp_path: Path) -> None:
    """asyncpg is for a ``postgresql://`` DATABASE_URL, aiohttp and cryptography for a
    configured TikTok app, the weekly poster for ``run``: a console /stats on SQLite needs none
    of them (they were most of the start-up time once charting went)."""
    _ask(tmp_path, "ask", "/log followers=12k views=40k likes=3k comments=200")
    out, loaded = _ask(tmp_path, "ask", "/stats")
    assert "Followers" in out, out
    assert _within(loaded, CHARTING + UNUSED_ON_SQLITE) == []


def test_ask_stats_imports_no_other_command_or_the_catalogue_reader(tmp_path: Path) -> None:
    """``/stats`` runs with bot.commands.metrics alone: the registry imports a command's module
    when the command is asked for (bot.commands.DECLARED_IN), so the other commands' code
    and what only they use is not imported; nor is Babel's catalogue code in English."""
    _ask(tmp_path, "ask", "/log followers=12k views=40k likes=3k comments=200")
    out, loaded = _ask(tmp_path, "ask", "/stats")
    assert "Followers" in out, out
    assert [m for m in loaded if m.split(".")[0] in CHARTING] == []
    assert _within(loaded, NOT_FOR_STATS) == []


def test_the_lazily_imported_parts_still_load_when_used() -> None:
    import bot.store
    from bot.store.postgres import PostgresStore
    from bot.tiktok.client import TikTokError as FromClient
    from bot.tiktok.errors import TikTokError

    assert bot.store.PostgresStore is PostgresStore
    assert FromClient is TikTokError  # one exception class, wherever it is imported from


def test_a_chart_still_draws_after_the_lazy_import() -> None:
    from datetime import UTC, datetime

    from bot.render.charts import ChartSpec, render_png

    png = render_png(ChartSpec("Followers", "followers",
                               [(datetime(2026, 1, d, tzinfo=UTC), 100.0 * d) for d in (1, 2)]))
    assert png.startswith(b"\x89PNG")


def test_templates_compile_on_first_use_per_format() -> None:
    renderer = Renderer(PROJECT_ROOT / "templates")
    assert renderer.compiled() == 0  # nothing at start
    renderer.render(Reply("errors/slow_down", {"seconds": 3}), Format.PLAIN)
    first = renderer.compiled()
    assert 1 <= first <= 3  # the template (and any it includes), in one format only
    renderer.render(Reply("errors/slow_down", {"seconds": 4}), Format.PLAIN)
    assert renderer.compiled() == first  # kept, not compiled again
    renderer.render(Reply("errors/slow_down", {"seconds": 3}), Format.TELEGRAM_HTML)
    assert renderer.compiled() == 2 * first


def test_every_template_compiles_in_every_format() -> None:
    """What the bot used to check at start: a typo in any template fails here."""
    renderer = Renderer(PROJECT_ROOT / "templates")
    renderer.warm()
    assert renderer.compiled() == len(renderer.names()) * len(Format)


async def test_the_tiktok_connection_is_made_once_when_first_used(settings: Settings) -> None:
    """Issue #19: the app makes its TikTok connection when something first asks for it (a
    command through its services, or ``run`` and the console chat at start), not while it is
    built; the commands' and the app's are one object, which the app closes."""
    async with running(settings) as app:
        assert app.make_tiktok is not None and app.make_tiktok.made is None
        link = app.services.tiktok
        assert link is not None and link is app.tiktok is app.make_tiktok.made


def test_ask_freezes_the_start_up_heap_before_its_command(tmp_path: Path) -> None:
    """Issue #19: a one-shot ``ask`` moves what start-up built out of the garbage collector's
    sight before its command runs (``freeze_startup_heap(collect=False)``), so no full
    collection walks it again (one did, during Babel's first locale data load)."""
    _ask(tmp_path, "ask", "/log followers=12k views=40k likes=3k comments=200")
    out, _loaded, frozen = _ask_frozen(tmp_path, "ask", "/stats")
    assert "Followers" in out, out
    assert frozen > 10_000  # the modules, classes and settings of a start, at least
