"""How the Telegram adapter's Bot API calls travel (``AiohttpRequest``, issue #19): over
aiohttp; a call without files is one JSON body carrying exactly the fields PTB's own form would
carry; a call with files is still ``multipart/form-data``; the pools and timeouts are the ones
``ApplicationBuilder`` gives a bot it builds itself; failures are PTB's errors; proxies come
from the environment as httpx takes them. Real PTB against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import yarl
from pydantic import SecretStr
from telegram import (
    Bot,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.adapters.telegram_adapter import (
    NO_PREVIEW,
    AdvisorBot,
    Keyboard,
    PacedLimiter,
    TelegramAdapter,
)
from bot.adapters.telegram_request import AiohttpRequest
from bot.app import App, running
from bot.config import Settings
from bot.core.ports import AdapterStartError
from bot.core.types import Action, Attachment, Reply
from tests.auxil.clock import FakeClock
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user
from tests.auxil.ports import free_port

MAYA = user(1001, "Maya")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JSON = "application/json"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def tg_app(settings: Settings, clock: FakeClock, fake: FakeTelegram) -> AsyncIterator[App]:
    configured = settings.model_copy(update={"telegram_bot_token": SecretStr(fake.token),
                                             "telegram_base_url": fake.base_url})
    async with running(configured, clock=clock) as app:
        yield app


@pytest.fixture
async def adapter(tg_app: App) -> AsyncIterator[TelegramAdapter]:
    adapter = TelegramAdapter(tg_app, poll_timeout=1)
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


def _as_form_field(value: Any) -> Any:
    """A JSON body's value as PTB's form carries it, read back by the fake: strings as they
    are, objects and lists as JSON (the fake decodes those), anything else JSON-encoded."""
    return value if isinstance(value, str | dict | list) else json.dumps(value)


#: A reply as the adapter sends one: HTML, no preview, buttons, an answer to a message in a
#: forum topic; text with markup, entities, non-Latin script and an emoji.
TEXT = "<b>Estimate</b> für dich &amp; 🎉: 見積もり «1 234 $» \"quoted\"\nline 2"


async def _send_everything(bot: Bot, chat_id: int) -> None:
    await bot.send_message(
        chat_id, TEXT, parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="x:1"),
                                            InlineKeyboardButton("Site", url="https://t.me/a")]]),
        reply_parameters=ReplyParameters(7, allow_sending_without_reply=True),
        message_thread_id=5, disable_notification=True)


async def test_a_call_without_files_is_one_json_body_with_the_fields_ptbs_form_has(
        fake: FakeTelegram) -> None:
    fake.message("/start", chat=private_chat(MAYA), sender=MAYA)  # the chat exists
    for request in (HTTPXRequest(), AiohttpRequest()):
        async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
            await _send_everything(bot, MAYA["id"])
    form, body = fake.named("sendMessage")
    assert form.content_type == "application/x-www-form-urlencoded"
    assert body.content_type == JSON
    assert body.ok and form.ok
    assert body.params["text"] == TEXT
    assert body.params["reply_markup"] == {"inline_keyboard": [[
        {"text": "Again", "callback_data": "x:1"}, {"text": "Site", "url": "https://t.me/a"}]]}
    assert {k: _as_form_field(v) for k, v in body.params.items()} == form.params


async def test_the_adapters_keyboards_and_no_preview_go_as_ptb_writes_them(
        fake: FakeTelegram) -> None:
    """The adapter's no-preview option and keyboards write their JSON themselves (issue #19):
    the same fields as PTB's own classes send, a button with a field they don't write
    included (PTB writes that keyboard), and an empty keyboard (review: written as
    ``{"inline_keyboard": []}`` where PTB writes ``{}``)."""
    fake.message("/start", chat=private_chat(MAYA), sender=MAYA)
    rows = [[InlineKeyboardButton("Why this tip?", callback_data="S1001:/why 2"),
             InlineKeyboardButton("Saved anyway", callback_data="e1001:/log confirm")],
            [InlineKeyboardButton("Open", url="https://t.me/a?start=log")]]
    odd = [[InlineKeyboardButton("Copy", copy_text=CopyTextButton("12k")),
            InlineKeyboardButton("Again", callback_data="x:1")]]
    async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as bot:
        for keyboard in (rows, odd, []):
            for preview, markup in ((LinkPreviewOptions(is_disabled=True),
                                     InlineKeyboardMarkup(keyboard)),
                                    (NO_PREVIEW, Keyboard(keyboard))):
                await bot.send_message(MAYA["id"], TEXT, parse_mode=ParseMode.HTML,
                                       link_preview_options=preview, reply_markup=markup)
    sent = [call.params for call in fake.named("sendMessage")]
    assert len(sent) == 6 and all(call.ok for call in fake.named("sendMessage"))
    assert sent[0] == sent[1] and sent[2] == sent[3] and sent[4] == sent[5]
    assert sent[1]["link_preview_options"] == {"is_disabled": True}
    assert sent[1]["reply_markup"]["inline_keyboard"][1] == [
        {"text": "Open", "url": "https://t.me/a?start=log"}]
    assert sent[3]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "Copy", "copy_text": {"text": "12k"}}


def _messages_built(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every answer PTB builds a :class:`telegram.Message` from, from now on (appended as
    it builds each)."""
    built: list[object] = []
    de_json = Message.de_json.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Message], data: Any, bot: Any = None) -> Message:
        built.append(data)
        return de_json(cls, data, bot)  # type: ignore[no-any-return]

    monkeypatch.setattr(Message, "de_json", classmethod(counted))
    return built


async def test_the_adapters_own_sends_and_edits_go_as_ptbs_calls_without_building_a_message(
        fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    """``AdvisorBot.send_html``/``edit_html`` (issue #19): the same body as PTB's
    ``send_message``/``edit_message_text`` with the same arguments, the same errors, through
    the same rate limiter, and no :class:`telegram.Message` built from the answer (PTB's
    calls build one: ~0.1 ms a message, 0.2 ms with a formatted text's entities)."""
    fake.message("/start", chat=private_chat(MAYA), sender=MAYA)
    built = _messages_built(monkeypatch)
    keyboard = [[InlineKeyboardButton("Why this tip?", callback_data="S1001:/why 2")]]
    replies: list[int] = []

    async def counted_reply() -> None:
        replies.append(1)

    limiter = PacedLimiter(on_reply=counted_reply)
    async with AdvisorBot(fake.token, base_url=fake.base_url, request=AiohttpRequest(),
                          rate_limiter=limiter) as bot:
        reply_to = ReplyParameters(7, allow_sending_without_reply=True)
        await bot.send_message(MAYA["id"], TEXT, parse_mode=ParseMode.HTML,
                               link_preview_options=NO_PREVIEW, reply_markup=Keyboard(keyboard),
                               message_thread_id=3, reply_parameters=reply_to)
        ptbs = len(built)
        await bot.send_html(MAYA["id"], TEXT, reply_markup=Keyboard(keyboard),
                            message_thread_id=3, reply_parameters=reply_to)
        await bot.send_message(MAYA["id"], TEXT, parse_mode=ParseMode.HTML,
                               link_preview_options=NO_PREVIEW)
        await bot.send_html(MAYA["id"], TEXT)
        sent = fake.named("sendMessage")
        message_id = sent[0].result["message_id"]
        await bot.edit_message_text("<b>new</b>", chat_id=MAYA["id"], message_id=message_id,
                                    parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                                    reply_markup=Keyboard(keyboard))
        before_ours = len(built)
        await bot.edit_html(MAYA["id"], message_id, "<b>newer</b>",
                            reply_markup=Keyboard(keyboard))
        assert len(built) == before_ours
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_html(MAYA["id"], "<b>open")
    assert ptbs == 1 and len(built) == 3  # PTB's two sends and edit, none of ours
    calls = fake.named("sendMessage")
    assert [c.ok for c in calls] == [True, True, True, True, False]
    assert calls[0].params == calls[1].params and calls[2].params == calls[3].params
    assert calls[1].params["reply_parameters"] == {"message_id": 7,
                                                   "allow_sending_without_reply": True}
    edits = fake.named("editMessageText")
    assert [c.ok for c in edits] == [True, True]
    assert {**edits[0].params, "text": "<b>newer</b>"} == edits[1].params
    assert len(replies) == 7  # every call of both kinds went through the rate limiter


async def test_the_adapters_text_replies_build_no_message_from_the_answer(
        adapter: TelegramAdapter, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply with text and buttons, and the edit a button press makes, are sent by
    ``AdvisorBot``'s calls: no :class:`telegram.Message` is built from Telegram's answers."""
    fake.message("/start", chat=private_chat(MAYA), sender=MAYA)
    await fake.wait_until(lambda: bool(fake.named("sendMessage")))
    built = _messages_built(monkeypatch)
    reply = Reply("forget_cancelled", actions=(Action("Tips", "/tips", choice=False),))
    await adapter.send_reply(MAYA["id"], reply, owner=str(MAYA["id"]), command="tips")
    first = fake.named("sendMessage")[-1]
    assert first.ok and first.buttons
    again = Reply("forget_cancelled", actions=(Action("Stats", "/stats", choice=False),))
    await adapter.send_reply(MAYA["id"], again, owner=str(MAYA["id"]), command="stats",
                             edit=first.result["message_id"])
    assert fake.named("editMessageText")[-1].ok
    assert built == []


async def test_the_adapters_replies_go_as_json_and_its_files_as_multipart(
        adapter: TelegramAdapter, fake: FakeTelegram) -> None:
    fake.message("/start", chat=private_chat(MAYA), sender=MAYA)
    await fake.wait_until(lambda: bool(fake.named("sendMessage")))
    assert [c.content_type for c in fake.named("getMe")] == [JSON]
    assert {c.content_type for c in fake.named("sendMessage")} == {JSON}
    assert {c.content_type for c in fake.named("setMyCommands")} == {JSON}
    reply = Reply("forget_cancelled", attachments=(
        Attachment("chart.png", "image/png", PNG),
        Attachment("export.json", "application/json", b'{"a": 1}')))
    await adapter.send_reply(MAYA["id"], reply, owner=None, command=None, thread_id=None)
    photo, document = fake.named("sendPhoto")[-1], fake.named("sendDocument")[-1]
    for call, name, data in ((photo, "photo", PNG), (document, "document", b'{"a": 1}')):
        assert call.ok, call
        assert call.content_type == "multipart/form-data"
        assert [data] == [content for _, content in call.files.values()], name
        assert int(call.params["chat_id"]) == MAYA["id"]
    assert fake.named("sendMessage")[-1].content_type == JSON


def _builders(request: Any) -> dict[str, Any]:
    """What PTB's HTTPXRequest was built with, by :attr:`AiohttpRequest.limits`' names."""
    kwargs = request._client_kwargs  # what HTTPXRequest builds its httpx client from
    timeout = kwargs["timeout"]
    return {"connections": kwargs["limits"].max_connections, "connect": timeout.connect,
            "read": timeout.read, "write": timeout.write, "pool": timeout.pool,
            "media_write": request._media_write_timeout}


async def test_the_pools_and_timeouts_are_the_ones_the_builder_gives_a_bare_bot(
        tg_app: App, fake: FakeTelegram) -> None:
    adapter = TelegramAdapter(tg_app, read_timeout=5.0)
    bare = ApplicationBuilder().token(fake.token).base_url(fake.base_url) \
        .read_timeout(5.0).build()
    ours = adapter.application.bot.request
    assert isinstance(ours, AiohttpRequest)
    assert ours.limits == _builders(bare.bot.request)
    assert ours.limits["connections"] == 256
    # getUpdates has a request of its own with one connection, as the bare bot's
    polling, bare_polling = adapter.application.bot._request[0], bare.bot._request[0]
    assert isinstance(polling, AiohttpRequest) and isinstance(bare_polling, HTTPXRequest)
    assert {k: v for k, v in polling.limits.items() if k != "media_write"} == {
        k: v for k, v in _builders(bare_polling).items() if k != "media_write"}
    assert polling.limits["connections"] == 1
    slow = TelegramAdapter(tg_app, read_timeout=12.5).application.bot.request
    assert isinstance(slow, AiohttpRequest)
    assert slow.limits == {**_builders(bare.bot.request), "read": 12.5}


async def test_timeouts_passed_to_a_call_win_and_failures_are_ptbs_errors(
        fake: FakeTelegram) -> None:
    request = AiohttpRequest(read_timeout=5.0)
    async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
        fake.delay("getChat", 0.5)
        with pytest.raises(TimedOut):
            await bot.get_chat(MAYA["id"], read_timeout=0.1)
        fake.drop("getChat")
        with pytest.raises(NetworkError):
            await bot.get_chat(MAYA["id"])
    assert [c.content_type for c in fake.named("getChat")] == [JSON, JSON]


async def test_a_closed_request_refuses_like_ptbs() -> None:
    request = AiohttpRequest()
    await request.shutdown()
    for data in (None, RequestData()):
        with pytest.raises(RuntimeError, match="not initialized"):
            await request.do_request("http://127.0.0.1:9/bot/getMe", "POST", data)



async def test_a_shut_down_request_opens_again_when_ptb_initializes_it(
        fake: FakeTelegram) -> None:
    request = AiohttpRequest()
    for _ in range(2):  # Bot.initialize() → request.initialize(); shutdown() at the end
        async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
            assert (await bot.get_me()).username
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{fake.base_url}{fake.token}/getMe", "POST")


async def test_the_environments_proxy_carries_the_calls_unless_no_proxy_names_the_host(
        fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with FakeTelegram() as proxy:  # a second fake answers as the proxy, as httpx uses one
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url.removesuffix("/bot"))
        async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as bot:
            await bot.get_me()
        through = len(proxy.named("getMe"))  # initialize()'s and ours
        assert through == 2 and not fake.named("getMe")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as bot:
            await bot.get_me()
        assert len(proxy.named("getMe")) == through and len(fake.named("getMe")) == 2


async def test_failures_say_whether_the_call_can_have_reached_telegram(
        fake: FakeTelegram) -> None:
    """A weekly post that failed is retried only if it surely never reached Telegram
    (``_not_sent``): no connection or none free in time, yes; a read timeout, maybe."""
    from bot.adapters.telegram_adapter import _not_sent

    closed = free_port()  # nobody listens there
    # waiting for a free connection and connecting share one limit: 0.05 + 0.05 s
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.05, connect_timeout=0.05)
    async with request:
        with pytest.raises(NetworkError) as refused:
            await request.do_request(f"http://127.0.0.1:{closed}/bot/getMe", "POST")
        assert _not_sent(refused.value)
        chat = f"{fake.base_url}{fake.token}/getChat"
        data = RequestData([RequestParameter.from_input("chat_id", MAYA["id"])])
        fake.delay("getChat", 0.5)
        slow = asyncio.create_task(request.do_request(chat, "POST", data))
        await fake.wait_until(lambda: bool(fake.named("getChat")) or slow.done())
        with pytest.raises(TimedOut) as no_connection_free:  # the one connection is busy
            await request.do_request(chat, "POST", data)
        assert _not_sent(no_connection_free.value)
        await slow
        fake.delay("getChat", 0.5)
        with pytest.raises(TimedOut) as unanswered:
            await request.do_request(chat, "POST", data, read_timeout=0.1)
        assert not _not_sent(unanswered.value)


async def test_a_start_that_fails_closes_both_sessions(settings: Settings, clock: FakeClock,
                                                       fake: FakeTelegram) -> None:
    """PTB opens its requests before getMe and closes them only once initialized: a refused
    token or an unreachable Telegram leaves nothing open (no "Unclosed client session"), and
    the next try opens them again."""
    for token, base in (("123:refused", fake.base_url),
                        (fake.token, f"http://127.0.0.1:{free_port()}/bot")):
        configured = settings.model_copy(update={"telegram_bot_token": SecretStr(token),
                                                 "telegram_base_url": base})
        async with running(configured, clock=clock) as app:
            adapter = TelegramAdapter(app, poll_timeout=1)
            with pytest.raises(AdapterStartError):
                await adapter.start()
            sessions = [r._session for r in adapter.application.bot._request]
            assert sessions[0] is not None and all(s is not None and s.closed
                                                   for s in sessions)
    async with running(settings.model_copy(update={
            "telegram_bot_token": SecretStr(fake.token), "telegram_base_url": fake.base_url}),
            clock=clock) as app:
        adapter = TelegramAdapter(app, poll_timeout=1)
        fake.drop("getMe")  # Telegram unreachable for a moment, then back
        with pytest.raises(AdapterStartError):
            await adapter.start()
        await adapter.start()
        try:
            assert (await adapter.bot.get_me()).username
        finally:
            await adapter.stop()


async def test_proxies_by_httpxs_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """``<SCHEME>_PROXY``, else ``ALL_PROXY``; a value without a scheme is an HTTP proxy; a
    SOCKS proxy is refused in one sentence (aiohttp cannot use it), as a network error."""
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY",
                 "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    target = yarl.URL("https://api.telegram.org/bot1:x/getMe")
    monkeypatch.setenv("ALL_PROXY", "proxy.corp:3128")
    assert AiohttpRequest()._proxy(target) == "http://proxy.corp:3128"
    monkeypatch.setenv("HTTPS_PROXY", "https://secure.corp:8443")
    assert AiohttpRequest()._proxy(target) == "https://secure.corp:8443"
    monkeypatch.setenv("NO_PROXY", "telegram.org")
    assert AiohttpRequest()._proxy(target) is None
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.setenv("HTTPS_PROXY", "socks5://user:secret@tunnel:1080")
    with pytest.raises(NetworkError, match="not an HTTP proxy") as refused:
        AiohttpRequest()._proxy(target)
    assert "secret" not in str(refused.value)


async def test_file_names_arrive_as_sent_and_odd_text_still_encodes(
        fake: FakeTelegram) -> None:
    """A file's name is sent as it is (aiohttp would percent-encode it), with a quote written
    so it cannot end the header; text with a lone surrogate (a client can send one) becomes a
    JSON escape instead of an encoding error (what Telegram then says of it is its own)."""
    from bot.adapters.telegram_request import _json_body

    fake.message("/start", chat=private_chat(MAYA), sender=MAYA)
    async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as bot:
        await bot.send_document(MAYA["id"], b"a;b\n1;2\n", filename='Übersicht "2024".csv')
    [(name, content)] = fake.named("sendDocument")[-1].files.values()
    assert name == "Übersicht %222024%22.csv" and content == b"a;b\n1;2\n"
    assert json.loads(_json_body({"text": "odd \ud800 text"})) == {"text": "odd \ud800 text"}
    assert _json_body({"text": "für 🎉"}) == '{"text":"für 🎉"}'.encode()
