"""Fuzz every command's argument surface as each adapter delivers it to the core parser:
Telegram (a free-text message: split_command, then parse_args) and Discord (option values
rebuilt as name=value tokens). Nothing but ArgError may come out, with a message."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord_commands import raw_args
from bot.commands import build_registry
from bot.core.args import ArgError, parse_args, split_command
from bot.core.registry import ArgType, CommandSpec

SPECS = list(build_registry())
VALUE = st.one_of(st.text(max_size=40), st.from_regex(r"\A-?[0-9]{0,7}([.,][0-9]{1,3})?[kKmM%]?\Z"))


def _parse(spec: CommandSpec, raw: str) -> None:
    message = "parsed"
    try:
        parse_args(spec.args, raw, command=spec.name)
    except ArgError as exc:
        message = str(exc)
    assert message


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SPECS), st.text(max_size=200))
def test_telegram_text_path(spec: CommandSpec, tail: str) -> None:
    parsed = split_command(f"/{spec.name}@CreatorAdvisorBot {tail}")
    assert parsed is not None and parsed[0] == spec.name
    _parse(spec, parsed[1])


@st.composite
def discord_options(draw: st.DrawFn) -> tuple[CommandSpec, dict[str, object]]:
    spec = draw(st.sampled_from([s for s in SPECS if s.args]))
    values: dict[str, object] = {}
    for arg in spec.args:
        if draw(st.booleans()):
            if arg.type in (ArgType.FLAG, ArgType.BOOL):
                values[arg.name] = draw(st.booleans())
            elif arg.choices:
                values[arg.name] = draw(st.sampled_from(arg.choices))
            else:
                values[arg.name] = draw(VALUE)
    return spec, values


@settings(max_examples=300, deadline=None)
@given(discord_options())
def test_discord_option_path(case: tuple[CommandSpec, dict[str, object]]) -> None:
    spec, values = case
    _parse(spec, raw_args(spec, values))
