"""Telegram adapter on python-telegram-bot 22.x, run inside our own event loop.

One path for every update::

    message, channel post or button ─► _Incoming ─► Request ─► Dispatcher.handle ─► [Reply]
    (telegram.Update)                                   ─► Telegram HTML ─► sendMessage / …

- Commands: one ``MessageHandler`` reads ``/cmd@Bot args`` from a message's text (or a file's
  caption, for ``/import``) with the core's ``split_command``; the text after the command goes to
  the core parser unchanged. Nothing per command is written here: the registry is the list, and
  ``setMyCommands`` is sent from it at every start.
- Groups: a command addressed to another bot (``/stats@OtherBot``) and unknown commands not
  addressed to us are ignored. A personal command (``CommandSpec.personal``) is not run in a
  group: the bot answers with a short public note and a button that opens the private chat with
  a deep link (``t.me/<bot>?start=<command>``), and ``/start <command>`` in the private chat runs
  it. A reply whose visibility is private is never posted in a group: it goes to the person's
  private chat, with a note in the group. ``admin_only`` commands get ``is_admin`` from
  ``getChatMember`` (cached); private chats are their own admins.
- Buttons: ``Reply.actions`` become an inline keyboard; pressing one runs its command line as the
  person who pressed it (only the person who ran the command may press them). An answer to a
  button of the same command (``/forget`` → ``/forget confirm key=…``) replaces the message.
  A press on a person's choice (``Action.choice``: *Save anyway*, *Delete everything*) is
  the keyboard's one press, as on Discord: its buttons are taken off as the press is
  answered, and a second press (a button the message no longer carries, or one that reached
  another worker before the first was answered: recorded in the store) is told the button has
  expired. Buttons that only show more (*Why this tip?*) answer every press. A press is
  counted in the flood limit before anything else: one it refuses is not run and uses up
  nothing (the buttons stay, the message stays).
  Buttons on a post nobody owns (a weekly tip in a group) take any number of presses.
- Guided commands: ``/log`` sent bare asks for the numbers, and the next plain message from that
  person in that chat is read as ``/log <text>``; ``/cancel`` (or the word cancel) leaves. The
  waiting step is kept in the store, so with several workers the one that receives the numbers
  knows.
- Several workers (webhook mode): each binds the webhook port with ``SO_REUSEPORT`` and hands
  the socket to PTB's webhook server; all register the same URL and secret.
- Shared across workers, in the store: a button whose command is too long for ``callback_data``
  (``ButtonCodec``), and the update ids already received (a webhook retry that reaches another
  worker is dropped there too). The per-person flood limit is the dispatcher's.
- Sending: ``parse_mode=HTML``, link previews off, split to 4096 characters on block boundaries;
  PNG attachments as photos, anything else as documents. Bot API calls travel over aiohttp
  (``AiohttpRequest``, PTB's request interface; a fifth of httpx's CPU a call), calls without
  files as JSON bodies, not as PTB's URL-encoded forms: cheaper to encode. ``AIORateLimiter``
  paces the sends and retries a reply after a 429's ``retry_after``; a weekly post's 429 goes
  back to the poster.
- Failures: an exception while handling an update (a 400 on a reply too: PTB's ``BadRequest`` is
  a ``NetworkError`` but the bot's own failure) is logged once with the update id and answered
  with a short apology; network errors while polling are logged once per outage. The bot keeps
  running. The token is never logged here (PTB's own DEBUG lines contain it in URLs: the log
  filter redacts it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
import socket
import time
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MaybeInaccessibleMessage,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackContext,
    CallbackQueryHandler,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import i18n
from bot.adapters.telegram_format import (
    BUTTON_EXPIRED,
    FILE_NOT_FETCHED,
    NOT_A_COMMAND,
    NOT_YOURS,
    OPEN_PRIVATE_CHAT,
    Button,
    ButtonCodec,
    file_too_large,
    personal_note,
    sent_privately,
    split_html,
    start_private_first,
)
from bot.adapters.telegram_request import AiohttpRequest
from bot.config import Settings
from bot.core.args import ArgError, parse_args, split_command, visible
from bot.core.dispatcher import Admission, error_reply
from bot.core.fieldnames import typed_arguments
from bot.core.guided import (
    CANCEL,
    CANCEL_SUMMARY,
    CANCELLED,
    NOTHING_TO_CANCEL,
    cancels,
    is_cancel,
    offers_cancel,
    still_waiting,
)
from bot.core.pace import depart
from bot.core.ports import (
    AdapterStartError,
    DeliveryResult,
    DeliveryStatus,
    Destination,
    StoreError,
)
from bot.core.registry import ArgType, CommandSpec
from bot.core.types import (
    Action,
    Attachment,
    ChatKind,
    Platform,
    Reply,
    Request,
    Visibility,
)
from bot.i18n import N_
from bot.logs import redact_also
from bot.render.formats import Format
from bot.runtime import App

log = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]

#: Commands that, sent without arguments, take the next plain message as their arguments.
GUIDED = frozenset({"log"})
GUIDED_TIMEOUT = 600.0  # seconds a guided command waits for its message
MAX_UPLOAD = 2 * 1024 * 1024  # bytes of a file sent with a command (a CSV for /import)
ALLOWED_UPDATES = ("message", "channel_post", "callback_query")


class _NoPreview(LinkPreviewOptions):
    """``LinkPreviewOptions(is_disabled=True)`` with its JSON form written out: PTB turns
    every TelegramObject argument of a call into a dict, on every call, with a generic
    ``to_dict`` that walks the class's attributes (about 4 µs), and every message the adapter
    sends or edits carries this one. The same dict as PTB's own (a test compares them)."""

    __slots__ = ()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        """The Bot API's ``link_preview_options`` object: ``{"is_disabled": true}``."""
        return {"is_disabled": True}


NO_PREVIEW: LinkPreviewOptions = _NoPreview(is_disabled=True)


class Keyboard(InlineKeyboardMarkup):
    """The inline keyboards the adapter sends: buttons with a text and a URL or callback data,
    nothing else, written out as JSON directly (PTB's generic ``to_dict`` walks every
    attribute of the keyboard and of each button, about 20 µs for three buttons, on every
    call). The same dict as PTB's own for such buttons (a test compares them); a button with
    anything more is written by PTB."""

    __slots__ = ()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        """The Bot API's ``reply_markup`` object, ``{"inline_keyboard": [[button, ...], ...]}``,
        each button ``{"text": ..., "callback_data": ...}`` or with ``url``; a button with any
        other field is PTB's own ``to_dict()``."""
        if not recursive:
            return super().to_dict(recursive)
        rows: list[list[dict[str, Any]]] = []
        for row in self.inline_keyboard:
            shown: list[dict[str, Any]] = []
            for button in row:
                json = _button_json(button)
                if json is None:
                    return super().to_dict(recursive)
                shown.append(json)
            rows.append(shown)
        if not rows:  # PTB writes an empty keyboard as {}
            return super().to_dict(recursive)
        return {"inline_keyboard": rows}


#: InlineKeyboardButton's fields besides the three :class:`Keyboard` writes out (as this PTB
#: version declares them: a field a later one adds is one more to find unset).
_OTHER_BUTTON_FIELDS = tuple(sorted(set(InlineKeyboardButton.__slots__)
                                    - {"text", "url", "callback_data"}))


def _button_json(button: InlineKeyboardButton) -> dict[str, Any] | None:
    """A button's JSON as PTB writes it, for a button with a text and a URL or callback data
    only; None for any other."""
    if button.api_kwargs or any(getattr(button, name, None) is not None
                                for name in _OTHER_BUTTON_FIELDS):
        return None
    if button.url is not None and button.callback_data is None:
        return {"text": button.text, "url": button.url}
    if button.callback_data is not None and button.url is None \
            and isinstance(button.callback_data, str):
        return {"text": button.text, "callback_data": button.callback_data}
    return None
class AdvisorBot(ExtBot[Any]):
    """PTB's :class:`~telegram.ext.ExtBot` plus the two calls nearly every reply makes, sent
    without building their answer into objects.

    ``send_message`` and ``edit_message_text`` turn Telegram's answer into a
    :class:`telegram.Message` (the chat, the sender, the text's entities, every button of its
    keyboard): 0.1-0.2 ms of CPU a message in ``benchmarks/bench_fullstack`` (issue #19), for
    an object the adapter never reads. :meth:`send_html` and :meth:`edit_html` send the same
    request through the same path (``Bot._post``: defaults, the rate limiter, the same JSON
    body; a test compares them with PTB's own calls) and raise the same
    errors (:class:`telegram.error.TelegramError`), but return nothing.
    """

    async def send_html(self, chat_id: int | str, text: str, *,
                        reply_markup: InlineKeyboardMarkup | None = None,
                        message_thread_id: int | None = None,
                        reply_parameters: ReplyParameters | None = None,
                        rate_limit_args: int | None = None) -> None:
        """``sendMessage`` of HTML ``text`` without a link preview (as ``send_message(chat_id,
        text, parse_mode=HTML, link_preview_options=NO_PREVIEW, ...)``).

        ``rate_limit_args``: as PTB's, for :class:`PacedLimiter` (``NO_RETRY``: a 429 is
        raised). Raises what ``send_message`` raises (``BadRequest``, ``Forbidden``,
        ``RetryAfter``, ``NetworkError``...).
        """
        await self._post("sendMessage", {
            "chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML,
            "link_preview_options": NO_PREVIEW, "reply_markup": reply_markup,
            "message_thread_id": message_thread_id, "reply_parameters": reply_parameters,
        }, api_kwargs=self._merge_api_rl_kwargs(None, rate_limit_args))

    async def edit_html(self, chat_id: int | str, message_id: int, text: str, *,
                        reply_markup: InlineKeyboardMarkup | None = None) -> None:
        """``editMessageText`` to HTML ``text`` without a link preview (as
        ``edit_message_text(text, chat_id=..., message_id=..., parse_mode=HTML,
        link_preview_options=NO_PREVIEW, reply_markup=...)``); raises what that raises."""
        await self._post("editMessageText", {
            "chat_id": chat_id, "message_id": message_id, "text": text,
            "parse_mode": ParseMode.HTML, "link_preview_options": NO_PREVIEW,
            "reply_markup": reply_markup,
        })


ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
SHARE_FLAG = "public"  # a personal command's flag to answer in the group on purpose
_MENTION = re.compile(r"^\s*/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")
_MENU_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
#: A 400/403 naming one of these: the destination refuses for now (a closed or deleted forum
#: topic, a right taken away), which an admin can fix: the subscription is paused, not ended.
_REFUSING = ("topic_closed", "topic_deleted", "message thread not found", "topic_id_invalid",
             "have no rights", "not enough rights", "chat_write_forbidden",
             "need administrator rights", "chat_send_plain_forbidden")
#: The destination is gone for good: the subscription is switched off.
_GONE = ("chat not found", "bot was kicked", "user is deactivated", "bot was blocked",
         "bot is not a member", "group chat was deactivated", "peer_id_invalid",
         "can't initiate conversation")


def file_url(base_url: str) -> str:
    """The Bot API file URL next to ``base_url`` (``…/bot`` → ``…/file/bot``)."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return "https://api.telegram.org/file/bot"


#: How long a choice's press is remembered (:meth:`TelegramAdapter._first_press`): the buttons
#: are taken off at the press, but if Telegram refused that edit they stay on the message, and
#: a short button never expires; a month outlasts any use of a confirm prompt.
PRESS_KEPT = timedelta(days=30)


def _keyboard_data(message: Message) -> list[str]:
    """The ``callback_data`` of every button on ``message`` (as Telegram sends it with a
    press), in order; none when it has no keyboard."""
    markup = message.reply_markup
    return [] if markup is None else [
        str(b.callback_data) for row in markup.inline_keyboard for b in row]


def _offered(data: str | None, message: MaybeInaccessibleMessage) -> bool:
    """Whether ``message`` (as Telegram sends it with a press) still carries a button with
    ``data``; a message too old to be sent (``InaccessibleMessage``) is given the benefit of
    the doubt (:meth:`TelegramAdapter._first_press` still records the press)."""
    return not isinstance(message, Message) or data in _keyboard_data(message)


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends back with every webhook request: ``TELEGRAM_WEBHOOK_SECRET``,
    or else one derived from the bot token (HMAC-SHA256, 64 hex characters), so every worker
    and every restart registers the same one and no worker's ``setWebhook`` locks the others
    out. Redacted from every log line (PTB logs setWebhook's parameters at DEBUG)."""
    configured = settings.telegram_webhook_secret
    secret = configured.get_secret_value() if configured else ""
    if not secret:
        token = settings.telegram_bot_token
        key = (token.get_secret_value() if token else "").encode()
        secret = hmac.new(key, b"creator-advisor telegram webhook", hashlib.sha256).hexdigest()
    redact_also(secret)
    return secret


def reuse_port_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on ``host:port`` with ``SO_REUSEPORT``: every worker binds the
    same port and the kernel hands each new connection to one of them (a worker that dies
    stops getting any). Raises ``OSError`` when the port is taken by a socket without it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):  # Linux, macOS, the BSDs
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _chat_kind(chat_type: str) -> ChatKind:
    if chat_type == ChatType.PRIVATE:
        return ChatKind.PRIVATE
    if chat_type == ChatType.CHANNEL:
        return ChatKind.CHANNEL
    return ChatKind.GROUP  # group and supergroup


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type will become timedelta
        warnings.simplefilter("ignore")
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


#: ``rate_limit_args`` for a send whose 429 goes straight back to the caller.
NO_RETRY = -1
_ApiResult = bool | dict[str, Any] | list[dict[str, Any]]  # what a Bot API call returns
#: Bot API methods that put a message in a chat (sendMessage, editMessageText, copyMessage …).
_MESSAGE_ENDPOINTS = ("send", "edit", "copy", "forward")


class _PassedOn(Exception):
    def __init__(self, exc: RetryAfter) -> None:
        super().__init__(str(exc))
        self.exc = exc


class PacedLimiter(AIORateLimiter):
    """PTB's limiter, plus two things. A call made with ``rate_limit_args=NO_RETRY`` is paced
    like any other, but its 429 is raised at once instead of retried here (PTB reads 0 retries
    as "the default"): the weekly poster sends that way, and pauses and re-paces the whole
    broadcast itself, where PTB would retry every post in flight at the same instant; each
    such request leaves at its post's departure time (:func:`bot.core.pace.depart`: a fixed
    delay after the post's slot, and a slot of its own for a post's second message). Every
    other message sent or edited in a chat is a reply: ``on_reply`` counts it in the platform's
    budget (``bot.core.pace``), so a running broadcast makes room for it."""

    def __init__(self, *, on_reply: Callable[[], Awaitable[None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_reply = on_reply

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _ApiResult:
        if rate_limit_args != NO_RETRY:
            if "chat_id" in data and endpoint.startswith(_MESSAGE_ENDPOINTS):
                await self._on_reply()
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)

        async def once(*a: Any, **kw: Any) -> _ApiResult:
            await depart()  # after PTB's own limiter, right before the request
            try:
                return await callback(*a, **kw)
            except RetryAfter as exc:
                raise _PassedOn(exc) from None

        try:
            return await super().process_request(once, args, kwargs, endpoint, data, None)
        except _PassedOn as passed:
            raise passed.exc from None


def _shared_on_purpose(spec: CommandSpec, raw_args: str) -> bool:
    """A personal command the person asked to post in the group (``/estimate … public``)."""
    if not any(a.name == SHARE_FLAG and a.type is ArgType.FLAG for a in spec.args):
        return False
    try:
        return bool(parse_args(spec.args, raw_args, command=spec.name).get(SHARE_FLAG))
    except ArgError:
        return False


class AdminCache:
    """``getChatMember`` answers (creator or administrator?), kept for ``ttl`` seconds."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic,
                 size: int = 4096) -> None:
        self.ttl = ttl
        self._clock = clock
        self._size = size
        self._answers: OrderedDict[tuple[int, int], tuple[float, bool]] = OrderedDict()

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        key = (chat_id, user_id)
        now = self._clock()
        cached = self._answers.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("telegram: getChatMember failed for chat %s: %s", chat_id, exc)
            return False
        admin = member.status in ADMIN_STATUSES
        if self.ttl > 0:
            self._answers[key] = (now + self.ttl, admin)
            self._answers.move_to_end(key)
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return admin


class _UpdateQueue(asyncio.Queue[object]):
    """The application's update queue, noting every update put in it (``update_id``, in
    order) until :meth:`TelegramAdapter._first_sight` records it: the first of them handled
    records all those received so far in one store call (see there). Polling and the webhook
    both put updates here; Telegram counts them as delivered once they are (the next
    ``getUpdates`` confirms a polled batch at once, the webhook answers 200), so after that a
    crash loses the queued ones whether or not they were recorded. Only in the moment between
    recording a polled batch and that confirmation reaching Telegram would a crash now drop
    the batch's unhandled updates when Telegram sends them again (README, "Performance")."""

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self.received: dict[int, None] = {}

    def _put(self, item: object) -> None:
        super()._put(item)
        if isinstance(item, Update):
            self.received[item.update_id] = None


@dataclass(frozen=True, slots=True)
class _Incoming:
    """One thing a person did (a message or a button press), in platform-neutral terms."""

    update_id: int
    chat_id: int
    chat_kind: ChatKind
    sender_id: int
    name: str
    is_person: bool  # a user we can message privately (not a channel or an anonymous admin)
    is_admin: bool | None  # known without asking Telegram, else None
    locale: str
    command: str | None  # None: plain text that is no command
    raw_args: str = ""
    addressed: bool = False  # "/cmd@ThisBot"
    reply_to: int | None = None  # the message to answer to (in groups)
    thread_id: int | None = None  # forum topic
    edit_message_id: int | None = None  # a button's message the answer may replace
    document: Document | None = None
    guided: bool = False  # the message answers a guided command
    owner: str | None = None  # who may press the buttons of the answer
    #: What the flood limit said already (a button press is counted before it uses anything
    #: up); None: not counted yet.
    admission: Admission | None = None

    @property
    def in_group(self) -> bool:
        return self.chat_kind is not ChatKind.PRIVATE


class TelegramAdapter:
    name = "telegram"
    platform = "telegram"  # as a Deliverer for the weekly posts

    def __init__(self, app: App, *, poll_timeout: float = 10.0,
                 guided_timeout: float = GUIDED_TIMEOUT, max_retries: int = 3,
                 overall_max_rate: float = 30.0, concurrent_updates: int = 32,
                 read_timeout: float = 5.0) -> None:
        settings = app.settings
        token = settings.telegram_bot_token
        if token is None or not token.get_secret_value():
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        self.app = app
        self.settings = settings
        self.poll_timeout = poll_timeout
        self.guided_timeout = guided_timeout
        self._queue = _UpdateQueue()
        #: Updates claimed in the store by an earlier one's call (see _first_sight): whether
        #: each was new, or why that is unknown (the store's error; the call cancelled).
        self._claims: dict[int, asyncio.Future[bool | Exception]] = {}
        bot = AdvisorBot(
            token.get_secret_value(),
            base_url=settings.telegram_base_url,
            base_file_url=file_url(settings.telegram_base_url),
            # Calls over aiohttp, replies as JSON bodies (issue #19), with the builder's
            # own pools and timeouts: 256 connections for calls, 1 for getUpdates.
            request=AiohttpRequest(read_timeout=read_timeout),
            get_updates_request=AiohttpRequest(connection_pool_size=1),
            rate_limiter=PacedLimiter(max_retries=max_retries,
                                      overall_max_rate=overall_max_rate,
                                      on_reply=lambda: app.paces[self.platform].reply_slot()),
        )
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .bot(bot)
            # Handle updates from different people at the same time: one slow command must
            # not hold up everyone else's replies.
            .concurrent_updates(concurrent_updates)
            .update_queue(self._queue)
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._first_sight), group=-1)
        # Messages with a text or a caption first: almost every update is one, and PTB
        # checks a group's handlers in order (a migration's service message has neither).
        self.application.add_handler(MessageHandler(
            (filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST)
            & (filters.TEXT | filters.CAPTION),
            self._on_message,
        ))
        self.application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE,
                                                    self._on_migrate))
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_error_handler(self._on_error)
        self.admins = AdminCache(settings.telegram_admin_cache_seconds)
        self.buttons = ButtonCodec(app.store)
        #: Keys the presses recorded by :meth:`_first_press` (the same on every worker).
        self._press_key = hmac.new(token.get_secret_value().encode("utf-8"),
                                   b"creator-advisor telegram press", hashlib.sha256).digest()
        self.username = ""
        self._polling_failed = False

    @property
    def deliverer(self) -> TelegramAdapter:
        return self

    @property
    def bot(self) -> AdvisorBot:
        return self.application.bot  # type: ignore[no-any-return]

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (getMe), publish the command menu, then poll or serve the webhook."""
        application = self.application
        try:
            await application.initialize()
            self.username = self.bot.username
            await self.publish_commands()
            await application.start()
            assert application.updater is not None
            webhook = self.settings.telegram_webhook_url
            if webhook:
                secret = webhook_secret(self.settings)
                listen, port = (self.settings.telegram_webhook_listen,
                                self.settings.telegram_webhook_port)
                try:
                    listener = reuse_port_socket(listen, port)
                except OSError as exc:
                    raise AdapterStartError(
                        f"cannot listen on {listen}:{port} for the webhook ({exc.strerror}); "
                        "is another program using TELEGRAM_WEBHOOK_PORT?", retry=False) from None
                # PTB's documented way to serve on a socket of one's own (its ``unix``
                # parameter takes any listening socket): this one shares the port with the
                # other workers. Every worker registers the same URL and secret: idempotent.
                await application.updater.start_webhook(
                    unix=listener,
                    url_path=urlsplit(webhook).path.lstrip("/"),
                    webhook_url=webhook,
                    # Telegram sends it back on every request; PTB refuses requests without it.
                    secret_token=secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
                log.info("telegram: @%s receiving updates by webhook", self.username)
            else:
                await application.updater.start_polling(
                    timeout=timedelta(seconds=self.poll_timeout),
                    allowed_updates=list(ALLOWED_UPDATES),
                    error_callback=self._polling_error,
                )
                log.info("telegram: @%s polling for updates", self.username)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await self.stop()
            if isinstance(exc, InvalidToken):
                raise AdapterStartError("Telegram refused the bot token: check "
                                        "TELEGRAM_BOT_TOKEN (and TELEGRAM_BASE_URL)",
                                        retry=False) from None
            if isinstance(exc, BadRequest):  # e.g. setWebhook refusing the URL: no retry
                raise AdapterStartError(f"the Telegram Bot API refused the start: {exc}",
                                        retry=False) from None
            if _transport(exc):  # TimedOut too: Telegram unreachable for now
                host = urlsplit(self.settings.telegram_base_url).netloc
                raise AdapterStartError(f"cannot reach the Telegram Bot API at {host} "
                                        f"({exc})", retry=True) from None
            raise

    async def stop(self) -> None:
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        # The application shuts its bot down only if it finished initializing, but a start
        # that failed at getMe (a refused token, Telegram unreachable) has opened the bot's
        # requests (two aiohttp sessions) already: the bot's own shutdown closes them, and
        # the next start opens them again (a no-op if they are closed).
        await application.bot.shutdown()
        self._claims.clear()  # updates dropped unhandled by the shutdown
        self._queue.received.clear()

    def menu(self, language: str = i18n.SOURCE) -> list[BotCommand]:
        """The command menu in ``language``: every command with its summary."""
        with i18n.using(language):
            commands = [BotCommand(spec.name, typed_arguments(i18n.translate(spec.summary)))
                        for spec in self.app.registry if _MENU_NAME.match(spec.name)]
            if offers_cancel(Platform.TELEGRAM, self.app.registry):
                commands.append(BotCommand(CANCEL, i18n.translate(CANCEL_SUMMARY)))
        return commands

    async def publish_commands(self) -> None:
        """``setMyCommands`` from the registry, so the menu lists every command: once for
        everyone (English), then once per supported language for users whose app has that
        ``language_code`` (Telegram's codes are two letters: Brazilian Portuguese is ``pt``)."""
        scopes = [(None, i18n.SOURCE)] + [(lang.split("_")[0], lang)
                                          for lang in i18n.LANGUAGES[1:]]
        for code, language in scopes:
            try:
                await self.bot.set_my_commands(self.menu(language), language_code=code)
            except TelegramError as exc:
                log.warning("telegram: setMyCommands (%s) failed (the menu keeps its old "
                            "list): %s", code or "default", exc)

    # -- updates in -----------------------------------------------------------------------

    async def _first_sight(self, update: Update, context: Context) -> None:
        """Before any handler: updates flow again after an outage; drop a redelivered update.
        The store decides (``seen_updates``), so a webhook retry that reaches another worker
        is dropped there too. If the store can't be reached the update is handled (better
        twice than never); the command itself then fails with the usual storage apology.
        The updates received since (waiting in the queue, or being handled beside this one)
        are recorded in the same store call: one write for a batch of updates, not one each;
        each then learns its answer here."""
        if self._polling_failed:
            self._polling_failed = False
            log.info("telegram: receiving updates again")
        claimed = self._claims.pop(update.update_id, None)
        first = await claimed if claimed is not None else None
        if first is None:
            first = await self._claim(update.update_id)
        if isinstance(first, Exception):
            log.warning("telegram: could not record update %s (%s); handling it anyway",
                        update.update_id, first)
            return
        if not first:
            log.info("telegram: update %s arrived twice; ignored", update.update_id)
            raise ApplicationHandlerStop

    async def _claim(self, update_id: int) -> bool | Exception:
        """Record ``update_id`` and the other updates received and not recorded yet as seen,
        in one store call; the others' answers wait in ``_claims`` for them."""
        received = self._queue.received
        received.pop(update_id, None)
        others = [i for i in received if i not in self._claims]
        received.clear()
        loop = asyncio.get_running_loop()
        futures = {i: loop.create_future() for i in others}
        self._claims.update(futures)
        # Until the store answers, whether the others were recorded is unknown: if this call
        # is cancelled (its own update's handling was), the write may have happened all the
        # same, so each of them is handled anyway, as after a store error (better twice than
        # never), rather than claimed again and dropped as already seen.
        unknown = StoreError("the call recording it as seen was cancelled")
        answers: dict[int, bool | Exception] = dict.fromkeys(others, unknown)
        try:
            ids = [update_id, *others]
            firsts = await self.app.store.first_sights(self.platform, [str(i) for i in ids],
                                                       self.app.clock.now())
            answers = {i: str(i) in firsts for i in others}
            return str(update_id) in firsts
        except (StoreError, OSError) as exc:
            answers = dict.fromkeys(others, exc)
            return exc
        finally:  # (also when cancelled)
            for i, future in futures.items():
                if not future.done():
                    future.set_result(answers[i])

    async def _on_message(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.is_automatic_forward:
            return
        incoming = await self._from_message(update.update_id, message, chat)
        if incoming is not None:
            await self._run(incoming)

    async def _from_message(self, update_id: int, message: Message,
                            chat: Chat) -> _Incoming | None:
        kind = _chat_kind(chat.type)
        text = message.text or message.caption or ""
        locale = "en"
        if message.sender_chat is not None:  # a channel, or a group's anonymous admin
            sender = message.sender_chat
            sender_id, name, is_person = sender.id, sender.title or "Admin", False
            is_admin: bool | None = sender.id == chat.id or kind is ChatKind.CHANNEL
        elif message.from_user is not None:
            user = message.from_user
            sender_id, name, is_person = user.id, user.full_name, True
            is_admin = True if kind is ChatKind.PRIVATE else None
            locale = user.language_code or "en"
        else:
            return None
        common: dict[str, Any] = {
            "update_id": update_id, "chat_id": chat.id, "chat_kind": kind,
            "sender_id": sender_id, "name": name, "is_person": is_person,
            "is_admin": is_admin, "locale": locale,
            "reply_to": message.message_id if kind is ChatKind.GROUP else None,
            "thread_id": message.message_thread_id if message.is_topic_message else None,
            "owner": str(sender_id) if is_person else None,
        }
        parsed = split_command(text) if visible(text).lstrip().startswith("/") else None
        if parsed is None:
            guided = await self._take_pending(chat.id, sender_id) if message.text else None
            if guided is not None and cancels(text, self.app.registry, locale):
                # "cancel" at the numbers prompt: the step it ended is answered "Cancelled."
                return _Incoming(**common, command=CANCEL, raw_args="", guided=True)
            if guided is not None:
                return _Incoming(**common, command=guided, raw_args=text.strip(), guided=True)
            if kind is ChatKind.PRIVATE and message.text:
                return _Incoming(**common, command=None)
            return None
        mention = _MENTION.match(visible(text))  # as split_command reads the name
        if mention is not None and mention.group(1).lower() != self.username.lower():
            return None  # "/cmd@OtherBot"
        return _Incoming(**common, command=parsed[0], raw_args=parsed[1],
                         addressed=mention is not None, document=message.document)

    async def _on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: Telegram says so in both chats (``migrate_to_chat_id``
        in the old one, ``migrate_from_chat_id`` in the new one); either moves the chat."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        if message.migrate_to_chat_id:
            await self.chat_moved(chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            await self.chat_moved(message.migrate_from_chat_id, chat.id)

    async def chat_moved(self, old: int, new: int) -> int:
        """Move everything keyed by chat ``old`` to ``new``: its subscriptions in the store,
        and the guided steps waiting there. Safe to call more than once."""
        moved = await self.app.store.move_chat(self.platform, str(old), str(new),
                                               str(ChatKind.GROUP))
        if moved:
            log.info("telegram: group %s is now supergroup %s; %d subscription(s) moved",
                     old, new, moved)
        return moved

    async def _answer_press(self, query: CallbackQuery, text: str | None = None, *,
                            alert: bool = False) -> bool:
        """Answer a button press, best-effort: after downtime Telegram refuses ("query is too
        old"), which must not stop what the press asked for."""
        if text is not None:  # in the presser's app language
            with i18n.using(query.from_user.language_code if query.from_user else None):
                text = i18n.translate(text)
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.info("telegram: could not answer button press %s (%s); carrying on",
                     query.id, exc)
            return False
        return True

    async def _on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        button = await self.buttons.decode(query.data, self.app.clock.now())
        message = query.message
        if button is None or message is None:
            if not await self._answer_press(query, BUTTON_EXPIRED, alert=True) \
                    and message is not None:
                # The alert could not be shown: say it in the chat instead.
                thread = message.message_thread_id if isinstance(message, Message) \
                    and message.is_topic_message else None
                with i18n.using(query.from_user.language_code if query.from_user else None):
                    expired = i18n.translate(BUTTON_EXPIRED)
                await self.bot.send_message(message.chat.id, expired,
                                            message_thread_id=thread)
            return
        presser = query.from_user
        if button.owner is not None and button.owner != str(presser.id):
            await self._answer_press(query, NOT_YOURS, alert=True)
            return
        parsed = split_command(button.command)
        if parsed is None:
            await self._answer_press(query)
            log.warning("telegram: button without a command line: %r", button.command)
            return
        if button.owner is None and self._personal(parsed[0]):
            # A reply to an anonymous admin or a channel post has no owner: a personal
            # command is never re-run as whoever presses (it would show their numbers).
            await self._answer_press(query, NOT_YOURS, alert=True)
            return
        once = button.owner is not None and button.choice
        if once and not _offered(query.data, message):
            # The message no longer offers this button (a tap from a client that had not
            # caught up with the answer to another press): a choice is made once.
            await self._answer_press(query, BUTTON_EXPIRED, alert=True)
            return
        chat = message.chat
        kind = _chat_kind(chat.type)
        thread = None
        if isinstance(message, Message) and message.is_topic_message:
            thread = message.message_thread_id
        incoming = _Incoming(
            update_id=update.update_id, chat_id=chat.id, chat_kind=kind,
            sender_id=presser.id, name=presser.full_name, is_person=True,
            is_admin=True if kind is ChatKind.PRIVATE else None,
            locale=presser.language_code or "en", command=parsed[0], raw_args=parsed[1],
            addressed=True, thread_id=thread, owner=str(presser.id),
        )
        # The flood limit first: a press it refuses (its one slow-down notice, a new
        # message, or nothing after it) is not run, so it uses up nothing: the choice is
        # not recorded, the buttons stay and the message is not replaced; the same button
        # makes the choice once the wait is over.
        admission = await self.app.dispatcher.admit(self.platform, str(presser.id))
        if admission is not Admission.RUN:
            await self._answer_press(query)
            await self._run(replace(incoming, admission=admission))  # the notice, or nothing
            return
        if once and not await self._first_press(message):
            # Another press of this keyboard ran already (a double tap, or two taps before
            # the answer replaced it, maybe on another worker): made once, as on Discord.
            await self._answer_press(query, BUTTON_EXPIRED, alert=True)
            return
        await self._answer_press(query)
        if once and isinstance(message, Message):
            # The choice is made: the buttons go at once, as Discord's are disabled, whether
            # or not the answer then replaces the message (it may not: a long answer, a
            # file, a private reply, or an edit Telegram refuses).
            await self._remove_keyboard(message)
        await self._run(replace(incoming, admission=admission,
                                edit_message_id=message.message_id if button.edit else None))

    async def _first_press(self, message: MaybeInaccessibleMessage) -> bool:
        """Whether this is the first press on ``message``'s keyboard as it is now: recorded
        in the store (``Store.first_sight``), so two presses reaching two workers run once.
        The keyboard is told apart by the message, its last edit and its buttons (an answer
        that replaced the message with new buttons makes a new keyboard), recorded as an
        HMAC keyed by the bot token: the row names no chat or person. If the store can't be
        reached the press runs (its command then fails with the usual apology)."""
        edited = message.edit_date if isinstance(message, Message) else None
        buttons = _keyboard_data(message) if isinstance(message, Message) else []
        stamp = 0 if edited is None else int(edited.timestamp())
        what = "\x1f".join([str(message.chat.id), str(message.message_id), str(stamp), *buttons])
        key = "press:" + hmac.new(self._press_key, what.encode("utf-8"),
                                  hashlib.sha256).hexdigest()[:40]
        try:
            return await self.app.store.first_sight(self.platform, key, self.app.clock.now(),
                                                    keep=PRESS_KEPT)
        except (StoreError, OSError) as exc:
            log.warning("telegram: could not record a button press (%s); running it", exc)
            return True

    async def _remove_keyboard(self, message: Message) -> None:
        """Take the buttons off a message whose choice was made (best-effort: the answer is
        a new message, and the old buttons would only answer "expired" now)."""
        try:
            await self.bot.edit_message_reply_markup(message.chat.id, message.message_id,
                                                     reply_markup=None)
        except TelegramError as exc:
            log.info("telegram: could not take the buttons off message %s (%s)",
                     message.message_id, exc)

    # -- the one path: incoming → Request → replies → messages ----------------------------

    async def _run(self, incoming: _Incoming) -> None:
        try:
            await self._process(incoming)
        except Exception as exc:
            await self._failed(incoming, exc)

    async def _admitted(self, incoming: _Incoming) -> bool:
        """The per-user limit for what the adapter answers itself (notes that are no
        command's reply): one slow-down notice per flood, then nothing. Counted once: what
        ``incoming.admission`` says if it was counted already."""
        admission = incoming.admission or await self.app.dispatcher.admit(
            self.platform, str(incoming.sender_id))
        if admission is Admission.SLOW_DOWN:
            notice = await self.app.dispatcher.flood_notice(
                self.platform, str(incoming.sender_id), incoming.command, incoming.locale)
            await self._deliver(incoming, incoming.command or "?", [notice])
        return admission is Admission.RUN

    async def _process(self, incoming: _Incoming) -> None:
        if incoming.admission not in (None, Admission.RUN):
            await self._admitted(incoming)  # a press refused: its one notice, or nothing
            return
        if incoming.command is None:
            if await self._admitted(incoming):
                await self._say(incoming, NOT_A_COMMAND)
            return
        command, raw = incoming.command, incoming.raw_args
        # (a guided message's step was taken as it was read: a cancel there ends one)
        waiting = (await self._take_pending(incoming.chat_id, incoming.sender_id) is not None
                   or (incoming.guided and command == CANCEL))
        registry = self.app.registry
        if is_cancel(command, registry):
            if (waiting or not incoming.in_group or incoming.addressed) \
                    and await self._admitted(incoming):
                await self._say(incoming, CANCELLED if waiting else NOTHING_TO_CANCEL)
            return
        if command == "start" and raw:  # a deep link's payload: /start <command>
            target, raw = raw.split()[0].lower(), ""
            if incoming.chat_kind is ChatKind.PRIVATE and registry.get(target) is not None:
                command = target
        spec = registry.get(command)
        if spec is None and incoming.in_group and not incoming.addressed:
            return  # probably another bot's command
        if (spec is not None and spec.personal and incoming.in_group
                and not _shared_on_purpose(spec, raw)):
            if await self._admitted(incoming):
                await self._say(incoming, personal_note(incoming.name, spec.name),
                                url=self._deep_link(spec.name))
            return
        attachments: tuple[Attachment, ...] = ()
        if incoming.document is not None and spec is not None:
            downloaded = await self._download(incoming, incoming.document)
            if downloaded is None:
                return
            attachments = (downloaded,)
        is_admin = incoming.is_admin
        if is_admin is None:
            is_admin = bool(spec and spec.admin_only) and await self.admins.is_admin(
                self.bot, incoming.chat_id, incoming.sender_id)
        request = Request(
            platform=Platform.TELEGRAM, user_id=str(incoming.sender_id),
            display_name=incoming.name, chat_id=str(incoming.chat_id),
            chat_kind=incoming.chat_kind, command=command, raw_args=raw, is_admin=is_admin,
            locale=incoming.locale, received_at=self.app.clock.now(),
            event_id=str(incoming.update_id), attachments=attachments,
            thread_id=None if incoming.thread_id is None else str(incoming.thread_id),
        )
        replies = await self.app.dispatcher.handle(request, admission=incoming.admission)
        failed = any(r.is_error for r in replies)
        if (command in GUIDED and not raw.strip() and not failed) or (incoming.guided and failed):
            await self._wait_for_next_message(incoming.chat_id, incoming.sender_id, command)
        if incoming.guided and failed:  # the step keeps waiting: say how to leave it
            replies = still_waiting(replies, incoming.locale)
        await self._deliver(incoming, request.command, replies)

    async def _wait_for_next_message(self, chat_id: int, sender_id: int, command: str) -> None:
        """The person's next plain message here answers ``command`` (kept in the store: with
        several workers, another one may receive it)."""
        now = self.app.clock.now()
        await self.app.store.await_message(self.platform, str(chat_id), str(sender_id),
                                           command, now + timedelta(seconds=self.guided_timeout),
                                           now)

    async def _take_pending(self, chat_id: int, sender_id: int) -> str | None:
        """End the person's guided step in this chat; its command, or None."""
        return await self.app.store.take_awaited(self.platform, str(chat_id), str(sender_id),
                                                 self.app.clock.now())

    async def _download(self, incoming: _Incoming, document: Document) -> Attachment | None:
        if document.file_size is not None and document.file_size > MAX_UPLOAD:
            await self._say(incoming, file_too_large(f"{MAX_UPLOAD // 2**20} MB"))
            return None
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:  # refused (a file over Telegram's limit), or cut off
            log.info("telegram: update %s: could not fetch %r: %s", incoming.update_id,
                     document.file_name, exc)
            await self._say(incoming, FILE_NOT_FETCHED)
            return None
        if len(data) > MAX_UPLOAD:
            await self._say(incoming, file_too_large(f"{MAX_UPLOAD // 2**20} MB"))
            return None
        return Attachment(document.file_name or "upload", document.mime_type or
                          "application/octet-stream", data)

    async def _deliver(self, incoming: _Incoming, command: str, replies: list[Reply]) -> None:
        edit = incoming.edit_message_id
        for reply in replies:
            if incoming.in_group and reply.visibility is Visibility.PRIVATE:
                await self._send_privately(incoming, command, reply)
                continue
            await self.send_reply(incoming.chat_id, reply, owner=incoming.owner, command=command,
                                  reply_to=incoming.reply_to, thread_id=incoming.thread_id,
                                  edit=edit)
            edit = None

    async def _send_privately(self, incoming: _Incoming, command: str, reply: Reply) -> None:
        """A private reply asked for in a group: to the person's private chat, a note here."""
        if incoming.is_person:
            try:
                await self.send_reply(incoming.sender_id, reply, owner=incoming.owner,
                                      command=command)
            except (Forbidden, BadRequest) as exc:
                if not _unreachable(exc):
                    raise  # e.g. "can't parse entities": our own failure, not their settings
                log.info("telegram: can't message user privately (update %s): %s",
                         incoming.update_id, exc)
            else:
                await self._say(incoming, sent_privately(incoming.name))
                return
        await self._say(incoming, start_private_first(incoming.name), url=self._chat_link())

    # -- messages out ---------------------------------------------------------------------

    async def send_reply(self, chat_id: int, reply: Reply, *, owner: str | None,
                         command: str | None, reply_to: int | None = None,
                         thread_id: int | None = None, edit: int | None = None,
                         retries: int | None = None) -> None:
        """Render ``reply`` as Telegram HTML and send it: text parts, then files.

        ``edit``: the message a button was pressed on; a one-part answer replaces its text.
        ``retries``: how often a 429 is retried here (``None``: the adapter's default;
        :data:`NO_RETRY`: raise it to the caller).
        """
        parts = split_html(self.app.renderer.render(reply, Format.TELEGRAM_HTML))
        keyboard = None
        if reply.actions:
            keyboard = await self._keyboard(reply.actions, owner, command,
                                            editable=len(parts) == 1 and not reply.attachments)
        for index, part in enumerate(parts):
            markup = keyboard if index == len(parts) - 1 else None
            if index == 0 and edit is not None and len(parts) == 1 \
                    and await self._edit(chat_id, edit, part, markup):
                continue
            await self.bot.send_html(
                chat_id, part, reply_markup=markup, message_thread_id=thread_id,
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                if index == 0 and reply_to is not None else None,
                rate_limit_args=retries,
            )
        for attachment in reply.attachments:
            if attachment.content_type == "image/png":
                await self.bot.send_photo(chat_id, attachment.data, filename=attachment.filename,
                                          message_thread_id=thread_id, rate_limit_args=retries)
            else:
                await self.bot.send_document(chat_id, attachment.data,
                                             filename=attachment.filename,
                                             message_thread_id=thread_id,
                                             rate_limit_args=retries)

    def _personal(self, command: str) -> bool:
        spec = self.app.registry.get(command)
        return spec is not None and spec.personal

    async def _keyboard(self, actions: tuple[Action, ...], owner: str | None,
                        command: str | None, *, editable: bool) -> InlineKeyboardMarkup | None:
        buttons = []
        for action in actions:
            if action.url is not None:
                buttons.append(InlineKeyboardButton(action.label, url=action.url))
                continue
            parsed = split_command(action.command)
            if owner is None and (parsed is None or self._personal(parsed[0])):
                continue  # nobody could press it safely (see _on_button)
            edit = editable and parsed is not None and parsed[0] == command
            data = await self.buttons.encode(Button(action.command, owner, edit, action.choice),
                                             self.app.clock.now())
            buttons.append(InlineKeyboardButton(action.label, callback_data=data))
        if not buttons:
            return None
        return Keyboard([buttons[i:i + 2] for i in range(0, len(buttons), 2)])

    async def _edit(self, chat_id: int, message_id: int, text: str,
                    markup: InlineKeyboardMarkup | None) -> bool:
        try:
            await self.bot.edit_html(chat_id, message_id, text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True
            log.info("telegram: could not edit message %s (%s); sending a new one",
                     message_id, exc)
            return False
        return True

    async def _say(self, incoming: _Incoming, text: str, *, url: str | None = None) -> None:
        """One message of the adapter's own (already HTML-safe), optionally with a link button."""
        language = await self.app.dispatcher.language(self.platform, str(incoming.sender_id),
                                                      incoming.locale)
        with i18n.using(language):  # the sender's /settings language, else their app's
            text = i18n.translate(text)
            button = i18n.translate(OPEN_PRIVATE_CHAT)
        markup = None
        if url is not None:
            markup = Keyboard([[InlineKeyboardButton(button, url=url)]])
        parts = split_html(text)  # the same length handling as replies
        for index, part in enumerate(parts):
            await self.bot.send_html(
                incoming.chat_id, part,
                reply_markup=markup if index == len(parts) - 1 else None,
                message_thread_id=incoming.thread_id,
                reply_parameters=ReplyParameters(incoming.reply_to,
                                                 allow_sending_without_reply=True)
                if incoming.reply_to is not None and index == 0 else None,
            )

    def _deep_link(self, command: str) -> str:
        return f"https://t.me/{self.username}?start={command}"

    def _chat_link(self) -> str:
        return f"https://t.me/{self.username}"

    # -- failures -------------------------------------------------------------------------

    async def _failed(self, incoming: _Incoming, exc: Exception) -> None:
        """One log line with the update id, a short apology, and the bot keeps going."""
        command = incoming.command or "?"
        if isinstance(exc, ChatMigrated):  # the answer raced the upgrade to a supergroup
            log.info("telegram: update %s (/%s): chat %s moved to %s", incoming.update_id,
                     command, incoming.chat_id, exc.new_chat_id)
            await self.chat_moved(incoming.chat_id, exc.new_chat_id)
            return
        if isinstance(exc, Forbidden):  # blocked, or removed from the group
            log.info("telegram: update %s (/%s): chat %s is closed to me: %s",
                     incoming.update_id, command, incoming.chat_id, exc)
            return
        if _transport(exc):  # includes TimedOut; an apology would fail too
            log.warning("telegram: update %s (/%s): network error: %s", incoming.update_id,
                        command, exc)
            return
        # Anything else is the bot's own failure, a 400 on a reply too (a rendering bug:
        # "can't parse entities"): the traceback, and the apology if that can be sent.
        log.error("telegram: update %s (/%s) failed: %s: %s", incoming.update_id, command,
                  type(exc).__name__, exc, exc_info=exc)
        try:
            language = await self.app.dispatcher.language(
                self.platform, str(incoming.sender_id), incoming.locale)
            apology = self.app.renderer.render(
                replace(error_reply("internal", command=command), locale=language),
                Format.TELEGRAM_HTML)
            await self._say(incoming, apology)
        except Exception as again:
            log.warning("telegram: could not apologise for update %s: %s", incoming.update_id,
                        again)

    async def _on_error(self, update: object, context: Context) -> None:
        """Anything that escaped a handler: one line with the update id; the bot keeps going."""
        update_id = update.update_id if isinstance(update, Update) else None
        error = context.error
        log.error("telegram: update %s: unhandled %s: %s", update_id,
                  type(error).__name__, error, exc_info=error)

    def _polling_error(self, exc: TelegramError) -> None:
        """getUpdates failed (PTB retries with backoff): log once per outage."""
        if not self._polling_failed:
            self._polling_failed = True
            log.warning("telegram: getting updates failed: %s: %s; retrying (not logged again "
                        "until updates arrive)", type(exc).__name__, exc)
        else:
            log.debug("telegram: getting updates still failing: %s", exc)

    # -- weekly posts (Deliverer) ---------------------------------------------------------

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        """Post ``reply`` once and say how it went, for the weekly poster's bookkeeping."""
        thread = None if destination.thread_id is None else int(destination.thread_id)
        try:
            # A 429 comes straight back: the poster pauses and re-paces the whole broadcast.
            await self.send_reply(int(destination.chat_id), reply, owner=None, command=None,
                                  thread_id=thread, retries=NO_RETRY)
        except RetryAfter as exc:
            return DeliveryResult(DeliveryStatus.RETRY_AFTER, str(exc), _retry_seconds(exc))
        except ChatMigrated as exc:
            # The 400 whose parameters.migrate_to_chat_id names the supergroup: the poster
            # moves the subscription and sends this week's post there.
            return DeliveryResult(DeliveryStatus.MOVED,
                                  f"the group became supergroup {exc.new_chat_id}",
                                  moved_to=str(exc.new_chat_id))
        except (Forbidden, BadRequest) as exc:
            code = 403 if isinstance(exc, Forbidden) else 400
            text = exc.message.lower()
            if any(marker in text for marker in _REFUSING):
                return DeliveryResult(DeliveryStatus.PAUSED, _refusal(exc.message))
            gone = _unreachable(exc)
            return DeliveryResult(DeliveryStatus.GONE if gone else DeliveryStatus.UNKNOWN,
                                  f"{code}: {exc.message}")
        except NetworkError as exc:
            status = DeliveryStatus.TRANSIENT if _not_sent(exc) else DeliveryStatus.UNKNOWN
            return DeliveryResult(status, f"{type(exc).__name__}: {exc.message}")
        except TelegramError as exc:
            return DeliveryResult(DeliveryStatus.UNKNOWN, f"{type(exc).__name__}: {exc.message}")
        return DeliveryResult(DeliveryStatus.SENT)


TOPIC_CLOSED = N_("the topic is closed (reopen it, or run /subscribe in an open topic)")
TOPIC_DELETED = N_("the topic was deleted (run /subscribe in another topic)")
NOT_ALLOWED = N_("I'm not allowed to post there")


def _refusal(message: str) -> str:
    """A refusal as an admin reads it in /subscriptions: stored in English, translated where
    it is shown (``|stored`` in the templates, :func:`bot.i18n.translate_stored`)."""
    text = message.lower()
    if "topic_closed" in text:
        return TOPIC_CLOSED
    if "topic_deleted" in text or "thread not found" in text or "topic_id_invalid" in text:
        return TOPIC_DELETED
    return f"{NOT_ALLOWED} ({message.removeprefix('Bad Request: ')})"


def _unreachable(exc: Forbidden | BadRequest) -> bool:
    """Whether Telegram's 403 or 400 says the chat can't be reached at all (the person never
    opened a private chat, blocked the bot, left; the chat is gone: :data:`_GONE`), as
    opposed to a refusal of what was sent (a 400 such as "can't parse entities": the bot's
    own failure)."""
    text = exc.message.lower()
    return isinstance(exc, Forbidden) or any(marker in text for marker in _GONE)


def _transport(exc: BaseException) -> bool:
    """Whether ``exc`` is transport trouble (Telegram unreachable, a timeout, a 5xx). PTB's
    ``BadRequest`` (a 400: Telegram refused what the bot sent) subclasses ``NetworkError``
    but is no such thing: the bot's own failure."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def _not_sent(exc: NetworkError) -> bool:
    """Known not to have reached Telegram: no connection (refused, unreachable, none free in
    the pool in time, or an address that is no URL: aiohttp's connector errors, connect
    timeouts and invalid URLs, as
    :class:`~bot.adapters.telegram_request.AiohttpRequest` passes them on), or Telegram
    answered with an error. A read timeout or a dropped connection may have been sent."""
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError
                  | aiohttp.InvalidURL):
        return True
    return cause is None and not isinstance(exc, TimedOut)


__all__ = ["AdminCache", "TelegramAdapter", "file_url", "reuse_port_socket", "webhook_secret"]
