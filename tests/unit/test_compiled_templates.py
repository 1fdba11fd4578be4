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
