"""The command registry built lazily (``bot.commands.build_registry``) is the one
``Registry.from_modules`` builds from every handler module: same commands, same order, same
checks; asking for one command imports its own module only."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

from bot.commands import DECLARED_IN, MODULES, build_registry
from bot.core.registry import Registry, command


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f"bot.commands.{m}") for m in MODULES]


def test_declared_in_names_the_module_of_every_command() -> None:
    declared = {spec.name: module.__name__.rsplit(".", 1)[1]
                for module in _modules() for spec in Registry.from_modules([module])}
    assert declared == DECLARED_IN


def test_the_lazy_registry_is_the_eager_one() -> None:
    eager = Registry.from_modules(_modules())
    lazy = build_registry()
    assert lazy.get("STATS") is eager.get("stats")  # names are looked up lower-case
    assert [s.name for s in lazy] == [s.name for s in eager]  # the declaration order
    assert all(a is b for a, b in zip(lazy, eager, strict=True))
    assert len(lazy) == len(eager)
    assert lazy.signature() == eager.signature()
    assert build_registry().get("nonsense") is None


def _fake(name: str, *commands: str) -> ModuleType:
    module = ModuleType(name)
    for cmd in commands:
        async def handler(ctx: Any, args: dict[str, Any]) -> Any:
            raise AssertionError

        setattr(module, f"h_{cmd}", command(cmd, summary=cmd, help=cmd)(handler))
    return module


#: The names :func:`importlib.import_module` was called with, in the tests below.
IMPORTED: list[str] = []


@pytest.fixture
def fake_modules(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    """Three handler modules, importable by name; the names imported go to IMPORTED."""
    modules = {"fake.a": _fake("fake.a", "one", "two"), "fake.b": _fake("fake.b", "three"),
               "fake.c": _fake("fake.c", "four")}
    IMPORTED.clear()

    def import_module(name: str) -> ModuleType:
        IMPORTED.append(name)
        return modules[name]

    monkeypatch.setattr(importlib, "import_module", import_module)
    return modules


def test_get_imports_the_module_of_that_command_alone(fake_modules: dict[str, ModuleType]
                                                      ) -> None:
    registry = Registry.lazy(["fake.a", "fake.b", "fake.c"],
                             {"one": "fake.a", "two": "fake.a", "three": "fake.b",
                              "four": "fake.c"})
    spec = registry.get("three")
    assert spec is not None and spec.name == "three"
    assert IMPORTED == ["fake.b"]
    assert registry.get("three") is spec
    assert [s.name for s in registry] == ["one", "two", "three", "four"]  # declaration order
    assert registry.get("three") is spec


@pytest.mark.parametrize("index", [{}, {"four": "fake.a"}, {"four": "fake.nowhere"}])
def test_a_command_missing_or_misplaced_in_the_index_is_still_found(
        fake_modules: dict[str, ModuleType], index: dict[str, str]) -> None:
    registry = Registry.lazy(["fake.a", "fake.b", "fake.c"], index)
    spec = registry.get("four")
    assert spec is not None and spec.name == "four"
    assert registry.get("five") is None


def test_a_command_declared_twice_still_fails_when_the_registry_is_read(
        fake_modules: dict[str, ModuleType]) -> None:
    fake_modules["fake.c"] = _fake("fake.c", "one")
    registry = Registry.lazy(["fake.a", "fake.b", "fake.c"], {"three": "fake.b"})
    with pytest.raises(ValueError, match="declared twice"):
        list(registry)
    with pytest.raises(ValueError, match="declared twice"):
        Registry.lazy(["fake.a", "fake.b", "fake.c"], {}).get("nonsense")


def test_a_failed_collection_fails_again_rather_than_leaving_a_part(
        fake_modules: dict[str, ModuleType]) -> None:
    """Review: the pending modules were forgotten before they were collected, so after one
    failure every later use went on with the commands collected so far, silently."""
    fake_modules["fake.c"] = _fake("fake.c", "one")
    registry = Registry.lazy(["fake.a", "fake.b", "fake.c"], {})
    for _ in range(2):
        with pytest.raises(ValueError, match="declared twice"):
            len(registry)
    with pytest.raises(ValueError, match="declared twice"):
        registry.get("three")


def test_a_command_added_to_a_lazy_registry_comes_last_and_is_checked_at_once(
        fake_modules: dict[str, ModuleType]) -> None:
    """Review: add() on a lazy registry put the command first (/help, the menus) and let a
    clashing name through until some later use."""
    registry = Registry.lazy(["fake.a", "fake.b", "fake.c"], {"three": "fake.b"})
    extra = Registry.from_modules([_fake("fake.x", "extra")]).get("extra")
    assert extra is not None
    registry.add(extra)
    assert [s.name for s in registry] == ["one", "two", "three", "four", "extra"]
    clash = Registry.from_modules([_fake("fake.y", "four")]).get("four")
    assert clash is not None
    with pytest.raises(ValueError, match="declared twice"):
        Registry.lazy(["fake.a", "fake.b", "fake.c"], {}).add(clash)
