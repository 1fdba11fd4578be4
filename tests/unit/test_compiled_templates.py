"""Compiled templates kept between processes (``Renderer(..., compiled_dir)``, Jinja's file
bytecode cache): the next process renders the same text without compiling; a changed
template, another format or other options compile afresh; a folder that cannot be written
costs a compile, never a reply."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.bccache import bc_magic

from bot.config import PROJECT_ROOT
from bot.core.types import Reply
from bot.render.environment import Renderer
from bot.render.formats import Format

STATS = Reply("no_metrics", {"command": "stats"}, locale="en")


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from their text from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, source: Any, name: str | None = None,
                 *args: Any, **kwargs: Any) -> Any:
        names.append(str(name))
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return names


def _render(renderer: Renderer, reply: Reply = STATS, fmt: Format = Format.PLAIN) -> str:
    return renderer.render(reply, fmt)


def test_the_next_renderer_uses_the_compiled_template(tmp_path: Path,
                                                      compiles: list[str]) -> None:
    templates, kept = PROJECT_ROOT / "templates", tmp_path / "compiled"
    text = _render(Renderer(templates, kept))
    assert compiles == ["no_metrics.j2"]
    again = Renderer(templates, kept)
    assert _render(again) == text == _render(Renderer(templates))  # as without the cache
    assert compiles == ["no_metrics.j2", "no_metrics.j2"]  # only the renderer without it compiled
    assert again.compiled() == 1
    _render(again, fmt=Format.TELEGRAM_HTML)  # each format has its own compiled code
    assert compiles[-1] == "no_metrics.j2" and len(compiles) == 3


def test_a_changed_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    kept = tmp_path / "compiled"
    reply = Reply("errors/slow_down", {"seconds": 3}, locale="en")
    before = _render(Renderer(templates, kept), reply)
    path = templates / "errors" / "slow_down.j2"
    path.write_text("Changed: {{ seconds }}\n", encoding="utf-8")
    assert _render(Renderer(templates, kept), reply) == "Changed: 3" != before
    assert len(compiles) == 2


def test_other_options_never_run_code_compiled_under_the_old_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]) -> None:
    kept = tmp_path / "compiled"
    _render(Renderer(PROJECT_ROOT / "templates", kept))
    original = jinja2.Environment.__init__

    def init(self: jinja2.Environment, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "trim_blocks": False})

    monkeypatch.setattr(jinja2.Environment, "__init__", init)
    _render(Renderer(PROJECT_ROOT / "templates", kept))
    assert compiles == ["no_metrics.j2", "no_metrics.j2"]


def test_a_folder_that_cannot_be_made_costs_a_compile_not_a_reply(
        tmp_path: Path, compiles: list[str]) -> None:
    (tmp_path / "data").write_text("a file where the folder would go")
    kept = tmp_path / "data" / "cache" / "templates"
    text = _render(Renderer(PROJECT_ROOT / "templates", kept))
    assert "/log" in text
    assert _render(Renderer(PROJECT_ROOT / "templates", kept)) == text
    assert compiles == ["no_metrics.j2", "no_metrics.j2"]


@pytest.mark.parametrize("extra", [1, 5, 15, 40])
def test_a_kept_file_cut_short_is_compiled_again_and_replaced(
        tmp_path: Path, compiles: list[str], extra: int) -> None:
    """Hostile trial: a file cut short (a crash or a full disk mid-write, an interrupted
    copy) raised Jinja's pickle error out of every reply using that template, for good."""
    kept = tmp_path / "compiled"
    text = _render(Renderer(PROJECT_ROOT / "templates", kept))
    (cached,) = kept.rglob("*.cache")
    cached.write_bytes(cached.read_bytes()[:len(bc_magic) + extra])  # magic, part of a checksum
    assert _render(Renderer(PROJECT_ROOT / "templates", kept)) == text
    assert _render(Renderer(PROJECT_ROOT / "templates", kept)) == text  # replaced: no compile
    assert compiles == ["no_metrics.j2", "no_metrics.j2"]


def test_a_filter_that_now_takes_the_context_never_runs_code_compiled_for_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile trial: Jinja decides at compile time how a filter is called (with the context,
    the environment or the value alone): a release whose filter changed kind, on a DATA_DIR
    kept from the one before, called it the old way (TypeError on every reply using it)."""
    from bot.render import environment

    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    (templates / "trial_compact.j2").write_text("{{ value | compact }}\n", encoding="utf-8")
    kept = tmp_path / "compiled"
    reply = Reply("trial_compact", {"value": 12000}, locale="en")
    Renderer(templates, kept).render(reply, Format.PLAIN)  # the release before compiles it

    @jinja2.pass_context
    def compact(context: object, value: float) -> str:  # the new release's filter
        return f"new {value}"

    monkeypatch.setattr(environment.numbers, "compact", compact)
    fresh = Renderer(templates).render(reply, Format.PLAIN)
    assert fresh == "new 12000"
    assert Renderer(templates, kept).render(reply, Format.PLAIN) == fresh


def test_the_folders_it_makes_are_private(tmp_path: Path) -> None:
    kept = tmp_path / "data" / "cache" / "templates"
    (tmp_path / "data").mkdir(mode=0o755)
    _render(Renderer(PROJECT_ROOT / "templates", kept))
    made = [tmp_path / "data" / "cache", kept, *kept.iterdir()]
    assert {oct(folder.stat().st_mode & 0o777) for folder in made} == {oct(0o700)}
    assert oct((tmp_path / "data").stat().st_mode & 0o777) == oct(0o755)  # (not its own)


def test_examples_are_in_each_replys_language_across_processes(tmp_path: Path) -> None:
    """Review: Jinja worked out ``{{ "/log followers=12k …" | typed }}`` at compile time, so
    the first language to render /start gave its field names to every later reply in the
    process, and, with compiled templates kept, to every process after it."""
    kept = tmp_path / "compiled"
    first = Renderer(PROJECT_ROOT / "templates", kept)
    start = Reply("start", {"name": "Maya"}, locale="en")
    assert "followers=12k" in _render(first, start)
    german = Reply("start", {"name": "Maya"}, locale="de")
    assert "Follower=12k" in _render(first, german)  # the same process
    assert "Follower=12k" in _render(Renderer(PROJECT_ROOT / "templates", kept), german)
    assert "followers=12k" in _render(Renderer(PROJECT_ROOT / "templates", kept), start)
