"""The Discord adapter end to end: the real discord.py client against a fake Discord on
127.0.0.1 (REST + websocket gateway), slash-command interactions in, recorded replies out."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from bot import i18n
from bot.adapters.discord_adapter import DiscordAdapter
from bot.adapters.discord_commands import commands_payload
from bot.app import App
from bot.commands import build_registry
from bot.config import Settings
from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, CommandSpec
from bot.core.types import Attachment, Reply, Visibility
from tests.auxil.fake_discord import (
    CALLBACK,
    FOLLOWUP,
    GUILD_ID,
    FakeDiscord,
    Sent,
    user,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PICKS = tuple(f"niche{i:02d}" for i in range(30))  # more than Discord's 25 choices


async def _echo(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    return Reply("errors/bad_args", {"message": f"You said {args.get('text', '')}",
                                     "examples": []})


async def _slow(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    await asyncio.sleep(0.3)
    return Reply("forget_cancelled")


async def _slow_share(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    await asyncio.sleep(0.3)
    return Reply("forget_cancelled", visibility=Visibility.PUBLIC)


async def _broken(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    return Reply("no/such/template")


async def _picture(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    return Reply("forget_cancelled", title="A chart",
                 attachments=(Attachment("chart.png", "image/png", PNG),))


async def _pick(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    return Reply("errors/bad_args", {"message": f"Picked {args['niche']}", "examples": []})


async def _whoami(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    r = ctx.request
    return Reply("errors/bad_args", {"message": f"{r.platform};{r.chat_kind};{r.chat_id};"
                                                f"{r.is_admin};{r.locale};{r.user_id};"
                                                f"{r.event_id};{r.display_name}",
                                     "examples": []})


#: Commands only these tests register, next to the real ones.
TEST_COMMANDS = (
    CommandSpec("echo", "Say it back", "Echo.", _echo,
                args=(ArgSpec("text", ArgType.TEXT, "What to say.", "text=hi",
                              positional=True, required=True),)),
    CommandSpec("slow", "Takes a while", "Slow.", _slow, personal=True),
    CommandSpec("slowshare", "Takes a while, then shares", "Slow.", _slow_share, personal=True),
    CommandSpec("broken", "Fails in the adapter", "Broken.", _broken),
    CommandSpec("picture", "Sends a PNG", "Picture.", _picture),
    CommandSpec("pick", "Pick a niche", "Pick.", _pick,
                args=(ArgSpec("niche", ArgType.CHOICE, "Your niche.", "niche=niche01",
                              choices=PICKS, required=True),)),
    CommandSpec("whoami", "Shows the request", "Whoami.", _whoami),
)
REAL = [spec.name for spec in build_registry()]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
def settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                       "discord_api_url": fake.api_url})


@pytest.fixture
async def bot(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    for spec in TEST_COMMANDS:
        app.registry.add(spec)
    adapter = DiscordAdapter(app, defer_after=1.0, guild_ready_timeout=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


def with_settings(app: App, **changes: Any) -> App:
    return dataclasses.replace(app, settings=app.settings.model_copy(update=changes))


async def ask(fake: FakeDiscord, name: str, options: dict[str, str | bool] | None = None,
              count: int = 1, **how: Any) -> list[Sent]:
    token = await fake.interact(fake.slash(name, options, **how))
    return await fake.answers(token, count)


def example_value(arg: ArgSpec) -> str | bool:
    """The option value for ``arg``'s example (written ``key=value`` or ``key:value``)."""
    if arg.type in (ArgType.FLAG, ArgType.BOOL):
        return True
    return re.split(r"[=:]", arg.example, maxsplit=1)[-1]


async def test_connects_syncs_and_answers_start(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    assert fake.identifies and fake.identifies[0]["token"] == "fake-token"
    assert fake.identifies[0]["intents"] == 1  # guilds only: no message content
    called = {(c.method, c.route) for c in fake.calls}
    assert {("GET", "/users/@me"), ("GET", "/oauth2/applications/@me"),
            ("GET", "/gateway/bot")} <= called
    assert fake.heartbeats >= 1
    assert len(fake.command_puts) == 1 and fake.command_puts[0][0] is None
    [reply] = await ask(fake, "start", guild=False)
    assert "Creator Advisor" in reply.text
    assert reply.data["allowed_mentions"] == {"parse": []}


# -- the generated commands ---------------------------------------------------------------


async def test_a_bad_token_fails_start_clearly_and_restores_the_urls(
        app: App, fake: FakeDiscord) -> None:
    from discord.http import Route

    before = Route.BASE
    adapter = DiscordAdapter(with_settings(app, discord_token=SecretStr("wrong")))
    with pytest.raises(discord.LoginFailure):
        await adapter.start()
    assert before == Route.BASE and not fake.identifies
    with pytest.raises(RuntimeError, match="DISCORD_TOKEN"):
        await DiscordAdapter(with_settings(app, discord_token=None)).start()


#: Discord's locales for each supported language other than English.
DISCORD_LOCALES = {"es-ES": "es", "es-419": "es", "pt-BR": "pt_BR", "de": "de", "fr": "fr",
                   "ja": "ja"}


def localized(message: str, example: str | None = None) -> dict[str, str]:
    """``message`` (an option's help, with ``example`` after it) translated for every Discord
    locale of a supported language; each differs from the English."""
    out = {}
    for locale, language in DISCORD_LOCALES.items():
        with i18n.using(language):
            text = i18n.gettext(message)
            if example is not None:
                text = i18n.gettext("%(help)s, e.g. %(example)s", help=text.rstrip("."),
                                    example=example)
        assert text != message and "e.g." not in text, (language, text)
        out[locale] = text
    return out


def localized_name(name: str) -> dict[str, str]:
    """An option's ``name`` in every Discord locale whose language's catalogue gives it another
    name (a language may keep the English name: then Discord gets no localisation for it)."""
    out = {}
    for locale, language in DISCORD_LOCALES.items():
        with i18n.using(language):
            text = i18n.pgettext("option name", name).lower().replace(" ", "_")
        if text != name:
            out[locale] = text
    return out


def with_names(option: dict[str, object]) -> dict[str, object]:
    """``option`` as Discord gets it: with ``name_localizations`` when some language has one."""
    names = localized_name(str(option["name"]))
    return {**option, "name_localizations": names} if names else option


async def test_generated_commands_match_the_registry(bot: DiscordAdapter,
                                                     fake: FakeDiscord) -> None:
    [(scope, payload)] = fake.command_puts
    assert scope is None and payload == await commands_payload(bot.tree)
    by_name = {c["name"]: c for c in payload}
    assert list(by_name) == [s.name for s in bot.app.registry]
    for spec in bot.app.registry:
        command = by_name[spec.name]
        assert command["description"] == spec.summary and command["type"] == 1
        assert command["default_member_permissions"] == (32 if spec.admin_only else None)
        options = {o["name"]: o for o in command.get("options", [])}
        expected = [a.name for a in spec.args] + (["file"] if spec.accepts_file else [])
        assert sorted(options) == sorted(expected) and len(options) <= 25
        required = [o["required"] for o in command.get("options", [])]
        assert required == sorted(required, reverse=True)  # Discord wants required first
        for arg in spec.args:
            option = options[arg.name]
            assert option["required"] == arg.required
            assert 0 < len(option["description"]) <= 100
            assert option["description"].startswith(arg.help.rstrip(".")[:60])
            if arg.type in (ArgType.FLAG, ArgType.BOOL):
                assert option["type"] == 5 and "choices" not in option
            elif arg.choices and len(arg.choices) <= 25:
                assert option["type"] == 3
                assert [c["value"] for c in option["choices"]] == list(arg.choices)
            elif arg.choices:
                assert option["type"] == 3 and option["autocomplete"] is True
            else:
                assert option["type"] == 3 and option["min_length"] == 1
                assert option["max_length"] == (32 if arg.is_numeric else arg.max_length)
    # Pinned: what two real commands look like to Discord, with each description in every
    # Discord locale of a supported language (the catalogue's text; never the English again).
    *flags, key = by_name["forget"]["options"]
    assert flags == [
        with_names({"type": 5, "name": "confirm", "description": "Confirm the deletion.",
                    "required": False,
                    "description_localizations": localized("Confirm the deletion.")}),
        with_names({"type": 5, "name": "cancel", "description": "Keep your data.",
                    "required": False, "description_localizations": localized("Keep your data.")}),
    ]
    # The key its list sets (the list's button carries it); its help names /forget as each
    # language's menu does.
    described = key.pop("description_localizations")
    assert key == with_names({
        "type": 3, "name": "key", "required": False, "min_length": 1, "max_length": 64,
        "description": "What the list showed (set by /forget's list), e.g. 3fa9c2d1"})
    assert set(described) == set(DISCORD_LOCALES)
    assert described["de"] == \
        "Was die Liste gezeigt hat (von der Liste von /vergessen gesetzt), z. B. 3fa9c2d1"
    assert by_name["log"]["options"][0] == with_names({
        "type": 3, "name": "followers", "description": "Followers right now, e.g. 12k",
        "required": False, "min_length": 1, "max_length": 32,
        "description_localizations": localized("Followers right now.", "12k")})
    assert by_name["unsubscribe"]["default_member_permissions"] == 32


async def test_the_sync_hash_skips_a_second_global_sync(bot: DiscordAdapter, app: App,
                                                        fake: FakeDiscord) -> None:
    assert bot.synced and bot.hash_path.is_file()
    await bot.stop()
    again = DiscordAdapter(app, guild_ready_timeout=0.05)
    await again.start()
    await again.stop()
    assert not again.synced and len(fake.command_puts) == 1  # unchanged: no PUT
    app.registry.add(CommandSpec("extra", "One more", "Extra.", _echo))
    changed = DiscordAdapter(app, guild_ready_timeout=0.05)
    await changed.start()
    await changed.stop()
    assert changed.synced and len(fake.command_puts) == 2
    assert "extra" in [c["name"] for c in fake.command_puts[1][1]]


async def test_a_dev_guild_gets_the_commands_instantly(app: App, fake: FakeDiscord) -> None:
    dev = DiscordAdapter(with_settings(app, discord_guild_id=GUILD_ID),
                         guild_ready_timeout=0.05)
    await dev.start()
    try:
        [(scope, payload)] = fake.command_puts
        assert scope == GUILD_ID and [c["name"] for c in payload] == REAL
        assert fake.calls_to("PUT", "/applications/{application_id}/commands") == []
        [reply] = await ask(fake, "help")  # a guild command (data.guild_id set) works too
        assert "/log" in reply.text
    finally:
        await dev.stop()


async def test_help_has_no_cancel_here(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Discord keeps no guided step, so /help neither lists nor explains a /cancel."""
    [listed] = await ask(fake, "help")
    assert "/cancel" not in listed.text
    [refused] = await ask(fake, "help", {"command": "cancel"})
    assert "There is no /cancel command" in refused.text, refused.text


# -- interactions -------------------------------------------------------------------------


@pytest.mark.parametrize("in_server", [True, False], ids=["server", "dm"])
async def test_every_command_answers(bot: DiscordAdapter, fake: FakeDiscord,
                                     in_server: bool) -> None:
    """Each real command, with its required options and then with every option."""
    expected_errors = {"import": "Send the CSV file as an attachment",  # a path: console only
                       # every option at once: remove= must stand alone, so that is said
                       "payout": "remove= goes alone"}
    if not in_server:
        expected_errors["subscribe"] = "Topics are for group posts"
    for spec in build_registry():
        required = {a.name: example_value(a) for a in spec.args if a.required}
        for options in (required, {a.name: example_value(a) for a in spec.args}):
            replies = await ask(fake, spec.name, options, guild=in_server, admin=True)
            first = replies[0]
            if options != required and spec.name in expected_errors:
                assert expected_errors[spec.name] in first.content
                assert first.ephemeral == in_server and not first.embeds
                continue
            assert first.embeds and first.embeds[0]["title"], (spec.name, options, first.text)
            shared = bool(options.get("public"))  # public:true shares it on purpose
            for reply in replies:
                assert reply.data["allowed_mentions"] == {"parse": []}, spec.name
                assert reply.ephemeral == (in_server and spec.personal and not shared), \
                    (spec.name, options, reply.text)
            if spec.name == "settings" and options != required:
                # Every option includes language=de: stored for this creator only, so their
                # next reply is German, another user's stays English; then back to English.
                assert "Deutsch" in first.text, first.text
                [german] = await ask(fake, "subscriptions", guild=in_server, admin=True)
                [english] = await ask(fake, "subscriptions", guild=in_server, admin=True,
                                      who=user(500000000000000077, "ana"))
                assert german.text != english.text and "Deutsch" not in english.text
                with i18n.using("de"):
                    assert i18n.gettext(english.embeds[0]["title"]) == german.embeds[0]["title"]
                await ask(fake, "settings", {"language": "auto"}, guild=in_server)


async def test_the_request_carries_who_where_and_how(bot: DiscordAdapter,
                                                     fake: FakeDiscord) -> None:
    [reply] = await ask(fake, "whoami", admin=True, locale="de", nick="Maya G")
    platform, kind, chat, admin, locale, user_id, event, name = \
        reply.embeds[0]["description"].split(";")
    assert (platform, kind, chat, admin, locale) == ("discord", "group", "430000000000000001",
                                                     "True", "de")
    assert user_id == "500000000000000001" and event.isdigit() and name == "Maya G"
    [reply] = await ask(fake, "whoami", guild=False)
    assert reply.embeds[0]["description"].split(";")[1:4] == [
        "private", "430000000000000002", "True"]
    [reply] = await ask(fake, "whoami", admin=False)
    assert reply.embeds[0]["description"].split(";")[3] == "False"


async def test_numbers_as_creators_type_them_and_a_clear_sentence_when_bad(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    [ok] = await ask(fake, "log", {"followers": "12k", "views": "40 000", "likes": "3,1k"})
    assert ok.ephemeral and "Followers: 12k" in ok.text and "Views" in ok.text
    [bad] = await ask(fake, "log", {"followers": "lots"})
    assert bad.ephemeral and not bad.embeds
    assert bad.content.startswith("followers must be a number like 12k")
    [stats] = await ask(fake, "stats", guild=False)
    assert not stats.ephemeral and "12k" in stats.text


async def test_user_text_is_escaped_and_mentions_are_off(bot: DiscordAdapter,
                                                         fake: FakeDiscord) -> None:
    [start] = await ask(fake, "start", nick="**Boss** @here")
    assert "Hi \\*\\*Boss\\*\\* @\u200bhere!" in start.text
    [echo] = await ask(fake, "echo", {"text": "@everyone **loud** <@1> https://x.io"})
    described = echo.embeds[0]["description"]
    assert "@\u200beveryone\\*\\*loud\\*\\*\\<\u200b@\u200b1\\>https:\u200b//x.io" in described
    assert "@everyone" not in described and "<@" not in described
    assert echo.data["allowed_mentions"] == {"parse": []}


async def test_admin_only_commands_need_manage_server(bot: DiscordAdapter,
                                                      fake: FakeDiscord) -> None:
    [refused] = await ask(fake, "unsubscribe", admin=False)
    assert refused.ephemeral and "Only admins" in refused.content
    [allowed] = await ask(fake, "subscribe", {"day": "friday"}, admin=True)
    assert allowed.embeds and not allowed.ephemeral
    [mine] = await ask(fake, "unsubscribe", guild=False, admin=False)  # a DM is one's own
    assert "Only admins" not in mine.text


# -- buttons --------------------------------------------------------------------------------


async def test_forget_is_confirmed_with_a_button_only_its_owner_can_press(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    await ask(fake, "log", {"followers": "12k"})
    [prompt] = await ask(fake, "forget")
    assert prompt.ephemeral and [b["label"] for b in prompt.buttons] == [
        "Delete everything", "Cancel"]
    assert prompt.buttons[0]["style"] == 4  # danger
    intruder = user(500000000000000777, "mallory")
    token = await fake.interact(fake.press(prompt, "Delete everything", who=intruder))
    [refusal] = await fake.answers(token)
    assert refusal.ephemeral and "belong to the person who ran the command" in refusal.content
    token = await fake.interact(fake.press(prompt, "Delete everything"))
    [done] = await fake.answers(token)
    [update] = [s for s in fake.for_token(token) if s.kind == "update"]
    assert all(b["disabled"] for b in update.buttons)
    assert done.ephemeral and "I deleted everything" in done.text
    [stats] = await ask(fake, "stats")
    assert "don't have any numbers for you yet" in stats.text


async def test_cancel_keeps_the_data_and_buttons_time_out(bot: DiscordAdapter,
                                                          fake: FakeDiscord) -> None:
    [prompt] = await ask(fake, "forget", guild=False)
    token = await fake.interact(fake.press(prompt, "Cancel", guild=False))
    [kept] = await fake.answers(token)
    assert "Nothing was deleted" in kept.text
    bot.view_timeout = 0.1
    [prompt] = await ask(fake, "forget")
    edit = await fake.wait_for(lambda: [s for s in fake.for_token(prompt.token or "")
                                        if s.kind == "edit"])
    assert all(b["disabled"] for b in edit[0].buttons)


# -- timing, files, failures ----------------------------------------------------------------


async def test_a_slow_command_is_deferred_then_followed_up(bot: DiscordAdapter,
                                                           fake: FakeDiscord) -> None:
    bot.defer_after = 0.05
    token = await fake.interact(fake.slash("slow"))
    [reply] = await fake.answers(token)
    kinds = [s.kind for s in fake.for_token(token)]
    assert kinds == ["defer", "followup"]
    assert fake.for_token(token)[0].ephemeral  # a personal command thinks privately
    assert "Nothing was deleted" in reply.text


async def test_a_deferral_that_guessed_the_wrong_visibility_is_replaced(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    bot.defer_after = 0.05
    token = await fake.interact(fake.slash("slowshare"))
    await fake.answers(token)
    defer, delete, followup = fake.for_token(token)
    assert (defer.kind, defer.ephemeral) == ("defer", True)
    assert delete.kind == "delete" and (followup.kind, followup.ephemeral) == ("followup", False)


async def test_files_go_as_attachments_after_a_deferral(bot: DiscordAdapter,
                                                        fake: FakeDiscord) -> None:
    token = await fake.interact(fake.slash("picture"))
    [reply] = await fake.answers(token)
    assert [s.kind for s in fake.for_token(token)] == ["defer", "followup"]
    assert [f.filename for f in reply.files] == ["chart.png"] and reply.files[0].data == PNG
    assert reply.embeds[0]["image"]["url"] == "attachment://chart.png"
    assert reply.embeds[0]["title"] == "A chart"
    await ask(fake, "log", {"followers": "12k"})
    [export] = await ask(fake, "export")
    [file] = export.files
    assert export.ephemeral and file.filename.endswith(".json")
    assert json.loads(file.data)["snapshots"]


async def test_an_exception_becomes_an_apology_and_one_log_line(
        bot: DiscordAdapter, fake: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="bot.adapters.discord_adapter")
    payload = fake.slash("broken")
    [apology] = await ask_payload(fake, payload)
    assert apology.ephemeral and "something went wrong" in apology.content
    [record] = [r for r in caplog.records if r.name == "bot.adapters.discord_adapter"]
    assert payload["id"] in record.getMessage() and "/broken" in record.getMessage()
    [after] = await ask(fake, "help")  # still connected and serving
    assert "/log" in after.text


async def ask_payload(fake: FakeDiscord, payload: dict[str, Any]) -> list[Sent]:
    return await fake.answers(await fake.interact(payload))


async def test_autocomplete_for_a_long_choice_list(bot: DiscordAdapter,
                                                   fake: FakeDiscord) -> None:
    token = await fake.interact(fake.autocomplete("pick", "niche", "niche1"))
    [answer] = await fake.wait_for(lambda: fake.for_token(token))
    assert [c["value"] for c in answer.data["choices"]] == [f"niche1{i}" for i in range(10)]
    [picked] = await ask(fake, "pick", {"niche": "niche07"})
    assert "Picked niche07" in picked.text


async def test_a_429_on_the_callback_is_survived_and_answered_once(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    fake.rate_limit("POST", CALLBACK, retry_after=0.1)
    token = await fake.interact(fake.slash("help"))
    [reply] = await fake.answers(token)
    assert "/log" in reply.text
    attempts = [c.status for c in fake.calls_to("POST", CALLBACK) if c.params["token"] == token]
    assert attempts == [429, 200]
    assert len(fake.for_token(token)) == 1


async def test_a_429_on_a_followup_is_survived_and_answered_once(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    fake.rate_limit("POST", FOLLOWUP, retry_after=0.1)
    token = await fake.interact(fake.slash("picture"))
    [reply] = await fake.answers(token)
    assert reply.files
    attempts = [c.status for c in fake.calls_to("POST", FOLLOWUP) if c.params["token"] == token]
    assert attempts == [429, 200]


async def test_a_dropped_gateway_resumes_and_keeps_serving(bot: DiscordAdapter,
                                                           fake: FakeDiscord) -> None:
    await fake.drop_connection(4000)
    await fake.wait_for(lambda: fake.resumes)
    assert fake.resumes[0]["session_id"] == "session-1" and len(fake.identifies) == 1
    [reply] = await ask(fake, "help")
    assert "/log" in reply.text


# -- weekly posts ---------------------------------------------------------------------------


async def test_deliver_posts_once_with_a_nonce_and_classifies_failures(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    from bot.core.ports import DeliveryStatus, Destination

    here = Destination("discord", "430000000000000001", "group")
    result = await bot.deliver(here, Reply("forget_cancelled"), "7:2026-W45")
    assert result.status is DeliveryStatus.SENT
    [post] = [s for s in fake.sent if s.kind == "channel"]
    assert post.data["enforce_nonce"] is True and len(post.data["nonce"]) == 25
    assert post.data["allowed_mentions"] == {"parse": []} and post.embeds
    fake.channel_errors[430000000000000009] = (404, 10003, "Unknown Channel")
    gone = await bot.deliver(Destination("discord", "430000000000000009", "group"),
                             Reply("forget_cancelled"), "8:2026-W45")
    assert gone.status is DeliveryStatus.GONE and "10003" in gone.detail
    fake.channel_errors[430000000000000008] = (403, 50001, "Missing Access")
    denied = await bot.deliver(Destination("discord", "430000000000000008", "group"),
                               Reply("forget_cancelled"), "9:2026-W45")
    # A permission an admin can give back: paused (retried weekly), not switched off.
    assert denied.status is DeliveryStatus.PAUSED and "50001" in denied.detail
    fake.channel_errors[430000000000000007] = (403, 50013, "Missing Permissions")
    lacking = await bot.deliver(Destination("discord", "430000000000000007", "group"),
                                Reply("forget_cancelled"), "10:2026-W45")
    assert lacking.status is DeliveryStatus.PAUSED and "50013" in lacking.detail


def _command_lines(text: str) -> list[tuple[str, str]]:
    """The command lines a reply quotes: ``/name`` and the words after it, as shown."""
    word = r"[^\W\d][\w\\]*(?:[=:][^\s`*]*)?"
    return re.findall(rf"(?<![\w./:])/([^\W\d][\w\\-]*)((?: +{word})*)", text)


async def test_a_german_discord_user_gets_german_replies_buttons_and_menu(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Issue 20, with the real catalogues: interaction.locale de -> the reply, its buttons,
    the command menu's names and descriptions in German, and every command a reply tells the
    user to type written as the German menu shows it (/vergessen bestätigen, not /forget
    confirm); an English locale keeps English."""
    [(_, payload)] = fake.command_puts
    by_name = {c["name"]: c for c in payload}
    menu = {name: (c.get("name_localizations") or {}).get("de", name)
            for name, c in by_name.items()}
    assert (menu["forget"], menu["log"], menu["help"], menu["estimate"]) == \
        ("vergessen", "eintragen", "hilfe", "schätzung")
    forget = by_name["forget"]
    assert forget["description_localizations"]["de"] == \
        "Alles löschen, was über dich gespeichert ist (mit Rückfrage)"
    assert forget["description_localizations"]["es-ES"] == \
        forget["description_localizations"]["es-419"] == \
        "Borra todo lo guardado sobre ti (pide confirmación)"
    options = {o["name"]: o for o in forget["options"]}
    assert options["confirm"]["name_localizations"]["de"] == "bestätigen"
    assert options["confirm"]["description_localizations"]["de"] == "Das Löschen bestätigen."
    # The menu's own descriptions quote commands in the same names.
    assert "/hilfe eintragen" in by_name["help"]["description_localizations"]["de"]

    [reply] = await ask(fake, "forget", guild=False, locale="de")
    assert "Alles löschen, was ich über dich speichere?" in reply.text
    assert [b["label"] for b in reply.buttons] == ["Alles löschen", "Abbrechen"]
    assert "/vergessen bestätigen" in reply.text and "/vergessen abbrechen" in reply.text
    [stats] = await ask(fake, "estimate", guild=False, locale="de")  # nothing logged yet
    assert "/eintragen follower=12k aufrufe=40k likes=3k kommentare=200 shares=90" in stats.text
    assert stats.embeds[0]["title"] == "/schätzung"
    assert "/hilfe schätzung" in stats.embeds[0]["footer"]["text"]
    shown = {menu[name]: {o.get("name_localizations", {}).get("de", o["name"])
                          for o in c.get("options", [])} for name, c in by_name.items()}
    for text in (reply.text, stats.text):
        lines = _command_lines(text)
        assert lines
        for name, words in lines:  # what the menu shows, nothing else
            assert name in shown, (name, text)
            for key in re.findall(r"([^\W\d][\w\\]*)[=:]", words):
                assert key.replace("\\", "") in shown[name], (name, key, text)

    # /hilfe befehl:eintragen explains /log (the name the menu showed), in German.
    [helped] = await ask(fake, "help", {"command": "eintragen"}, guild=False, locale="de")
    assert helped.embeds and "unbekannt" not in helped.text
    assert "`/eintragen aufrufe:`" in helped.text and "`/eintragen aufrufe=40k`" in helped.text

    # Discord's file and boolean options, as the German menu names them.
    [imported] = await ask(fake, "import", guild=False, locale="de")
    assert "`/importieren datei:`" in imported.text
    assert "`/importieren bestätigen:True`" in imported.text

    [english] = await ask(fake, "forget", guild=False, locale="en-US")
    assert "Delete everything I store about you?" in english.text
    assert "/forget confirm" in english.text


async def test_a_weekly_post_quotes_commands_in_the_names_of_its_language(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Issue 20: a German weekly tip says /eintragen and its footer /abos (the German menu's
    names); an English one keeps /log."""
    from bot.core.ports import DeliveryStatus, Destination

    here = Destination("discord", "430000000000000001", "group")
    tip = Reply("weekly_tip", {"title": "Hook", "advice": "Open strong.", "category": "growth"},
                locale="de")
    assert (await bot.deliver(here, tip, "11:2026-W45")).status is DeliveryStatus.SENT
    assert (await bot.deliver(here, dataclasses.replace(tip, locale="en"),
                              "12:2026-W45")).status is DeliveryStatus.SENT
    german, english = [s for s in fake.sent if s.kind == "channel"]
    assert "/eintragen" in german.text and "/log" not in german.text
    assert german.embeds[-1]["footer"]["text"].endswith("/abos")
    assert "send /log." in english.text


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Catalogues with a few German names made for the edge cases below (before the bot
    starts: its sync translates)."""
    from tests.auxil.catalogues import install

    return install(tmp_path / "locales", monkeypatch)


async def test_command_and_option_names_are_localised_and_english_names_still_parse(
        german: Path, bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Issue 20: name_localizations from the catalogue ('command name'/'option name'
    contexts), made valid for Discord or left out; a language without a translation sends
    none (Discord shows the English name). Discord's interactions carry the English names,
    which the core keeps parsing."""
    [(_, payload)] = fake.command_puts
    by_name = {c["name"]: c for c in payload}
    assert by_name["forget"]["name_localizations"] == {"de": "vergessen"}
    confirm = next(o for o in by_name["forget"]["options"] if o["name"] == "confirm")
    assert confirm["name_localizations"] == {"de": "bestätigen", "ja": "確認"}  # lowercased
    assert not by_name["whoami"].get("name_localizations")  # "wer bin ich?": "?" refused
    assert not by_name["stats"].get("name_localizations")  # no translation: none sent
    replies = await ask(fake, "forget", {"confirm": True}, guild=False, locale="de")
    assert replies and all("Unknown" not in r.text and "unbekannt" not in r.text.lower()
                           for r in replies)
    assert replies != await ask(fake, "forget", guild=False, locale="de")  # confirm was read


async def test_every_localised_name_is_one_discord_accepts(bot: DiscordAdapter) -> None:
    """Every name_localizations value the real catalogues give is lowercase and matches
    Discord's ^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$, and no two commands (or
    two options of one command) share a name in one locale."""
    payload = await commands_payload(bot.tree)

    def check(items: list[dict[str, Any]]) -> None:
        seen: dict[str, set[str]] = {}
        for item in items:
            for loc, name in (item.get("name_localizations") or {}).items():
                assert re.fullmatch(r"[-\w]{1,32}", name) and name == name.lower(), (loc, name)
                assert name not in seen.setdefault(loc, set()), (loc, name)
                seen[loc].add(name)
    check(payload)
    for command in payload:
        check(command.get("options", []))
