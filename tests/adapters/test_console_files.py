"""Console exports and charts carry their user in the file name, never another's (hostile test)."""

from __future__ import annotations

import json

import pytest

from bot.adapters.console import ConsoleAdapter, file_prefix
from tests.auxil.requests import forget_everything

COLLIDING = [("a/b", "a-b", "a\nb", "a_b"), ("b:c", "b?c")]


@pytest.mark.parametrize("names", COLLIDING)
def test_prefixes_of_similar_names_differ_and_never_start_one_another(
        names: tuple[str, ...]) -> None:
    prefixes = [file_prefix(name) for name in names]
    assert len(set(prefixes)) == len(names), prefixes
    for one in prefixes:
        for other in prefixes:
            assert one == other or not other.startswith(one)
    assert file_prefix("a/b") == file_prefix("a/b")  # stable, so /forget finds them later


async def test_export_of_one_user_never_overwrites_anothers(console: ConsoleAdapter) -> None:
    await console.ask("/log followers=111", user="b:c")
    await console.ask("/log followers=999", user="b?c")
    first = await console.ask("/export", user="b:c")
    second = await console.ask("/export", user="b?c")
    assert first.ok and second.ok, (first.text, second.text)
    assert first.files[0] != second.files[0]
    for result, followers in ((first, 111), (second, 999)):
        data = json.loads(result.files[0].read_text())
        assert f"{followers}" in json.dumps(data["snapshots"]), data["snapshots"]


async def test_forget_deletes_only_that_users_files(console: ConsoleAdapter) -> None:
    for name in ("a/b", "a-b", "a\nb"):
        await console.ask("/log followers=100", user=name)
        assert (await console.ask("/export", user=name)).ok
    kept = sorted(p.name for p in console.exports.iterdir())
    assert len(kept) == 3, kept
    result = await forget_everything(console, user="a-b")
    assert result.ok, result.text
    left = sorted(p.name for p in console.exports.iterdir())
    assert len(left) == 2, left
    assert not any(name.startswith(file_prefix("a-b")) for name in left)


async def test_forget_clears_the_console_input_history(console: ConsoleAdapter) -> None:
    """Trial: /forget said it deleted everything, but the console's input history (every
    line typed: handles, numbers) stayed in the data folder and was read back next time."""
    history = console.app.settings.data_dir / "console_history"  # README's path
    history.parent.mkdir(parents=True, exist_ok=True)
    history.write_text("/log followers=850 handle=@maya_bakes\n/stats\n", encoding="utf-8")
    await console.ask("/log followers=850")
    kept = await console.ask("/forget cancel")
    assert kept.ok and "maya_bakes" in history.read_text(encoding="utf-8")
    listed = await console.ask("/forget")
    confirm = listed.replies[0].actions[0].command
    lines = iter([confirm, "/quit"])
    written: list[str] = []
    await console.repl(read=lambda prompt: next(lines), write=written.append)
    said = "\n".join(written)
    left = history.read_text(encoding="utf-8") if history.exists() else ""
    assert "maya_bakes" not in left and "850" not in left, left
    assert "Cleared this console's input history" in said, said
    # the list /forget shows before the confirm names it
    assert "this console's input history" in listed.text, listed.text


async def test_a_one_shot_forget_clears_the_console_input_history(
        console: ConsoleAdapter) -> None:
    history = console.app.settings.data_dir / "console_history"
    history.parent.mkdir(parents=True, exist_ok=True)
    history.write_text("/log followers=850\n", encoding="utf-8")
    await console.ask("/log followers=850")
    result = await forget_everything(console)
    assert not history.exists()
    assert result.ok and "Cleared this console's input history" in result.text, result.text
