"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real PTB Application.

It implements the methods the adapter calls, records every call, and long-polls ``getUpdates``
from a queue the tests fill. Where it matters it answers like Telegram:

- ``parse_mode=HTML`` text is parsed: an unsupported or unbalanced tag, or a bare ``&``, ``<`` or
  ``>``, is refused with 400 "can't parse entities"; text over 4096 characters (counted after
  entity parsing, in UTF-16 units) with 400 "message is too long"; empty text with 400;
- ``editMessageText`` with the same text and keyboard gets 400 "message is not modified";
- a private chat the user never opened gets 403 (:meth:`FakeTelegram.close_private_chat`);
- the next N calls of a method can be answered with a 429 and ``retry_after``
  (:meth:`FakeTelegram.fail`), or any other error (``answerCallbackQuery``'s "query is too old");
- a group upgraded to a supergroup (:meth:`FakeTelegram.upgrade`) refuses messages with 400 and
  ``parameters.migrate_to_chat_id``; the service messages of the upgrade can be pushed;
- forums: messages in a topic carry ``message_thread_id``; a closed topic (General included,
  :meth:`FakeTelegram.close_topic`) refuses posts with 400 "TOPIC_CLOSED".

PTB's stock request class sends form fields (JSON-encoded values), the adapter's sends JSON
bodies (:class:`bot.adapters.telegram_request.AiohttpRequest`), both multipart bodies for
files; each call records which (``Call.content_type``).

Webhook mode (``FakeTelegram(webhook=True)``): once the bot has called ``setWebhook``, every
update is POSTed to the registered URL with its ``X-Telegram-Bot-Api-Secret-Token``, on a new
connection each time (so several workers sharing the port each get some), and retried like
Telegram does until a 200 comes back (``webhook_answers`` keeps each update's last status;
``acknowledged`` the update ids answered 200).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
from aiohttp import web

BOT_ID = 4242
BOT_USERNAME = "AdvisorTestBot"
TOKEN = f"{BOT_ID}:AAE-fake-token_for-tests-only"

#: Every tag Telegram's HTML parse mode knows.
TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                           "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote"})
#: The tags this project's templates may produce.
PROJECT_TAGS = frozenset({"b", "i", "u", "s", "code", "pre", "a"})
MESSAGE_LIMIT = 4096

_TAG = re.compile(r"<[^<>]*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")


class _Structure(HTMLParser):
    def __init__(self, allowed: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.allowed = allowed
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.allowed:
            self.errors.append(f"unsupported start tag \"{tag}\"")
        if tag == "a" and not dict(attrs).get("href"):
            self.errors.append("a link without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"unsupported self-closing tag \"{tag}\"")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected end tag \"{tag}\"")
        else:
            self.stack.pop()

    def handle_comment(self, data: str) -> None:
        self.errors.append("a comment")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("a declaration")


def html_problem(text: str, allowed: frozenset[str] = TELEGRAM_TAGS) -> str | None:
    """Why Telegram would refuse ``text`` in HTML parse mode, or None if it is fine."""
    rest = _ENTITY.sub("", _TAG.sub("", text))
    for char in "<>&":
        if char in rest:
            return f"bare {char!r} (must be escaped)"
    for entity in re.findall(r"&[^;\s]*;", _TAG.sub("", text)):
        if not _ENTITY.fullmatch(entity):
            return f"unsupported entity {entity}"
    checker = _Structure(allowed)
    checker.feed(text)
    checker.close()
    if checker.errors:
        return checker.errors[0]
    if checker.stack:
        return f"unclosed tag \"{checker.stack[-1]}\""
    return None


def visible_text(text: str) -> str:
    """What a person sees: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def user(user_id: int = 1001, first_name: str = "Maya", last_name: str | None = None,
         language_code: str | None = "en") -> dict[str, Any]:
    out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        out["last_name"] = last_name
    if language_code:
        out["language_code"] = language_code
    return out


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group(chat_id: int = -100500, title: str = "Creators",
          kind: str = "supergroup", *, forum: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}
    if forum:
        out["is_forum"] = True
    return out


def channel(chat_id: int = -100900, title: str = "Creator News") -> dict[str, Any]:
    return {"id": chat_id, "type": "channel", "title": title}


@dataclass
class Call:
    """One request the bot made, and the HTTP status the fake answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    scripted: bool = False  # refused by a state the test set up (an upgraded group, a topic)
    at: float = field(default_factory=time.time)  # when it arrived (Unix seconds)
    #: How the body came: "application/json", "multipart/form-data" (files) or
    #: "application/x-www-form-urlencoded" (PTB's stock request class without files).
    content_type: str = ""

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return None if value is None else int(value)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def shown(self) -> str:
        """The text as a person reads it."""
        return visible_text(self.text)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class _Failure:
    code: int
    description: str
    retry_after: int | None


class ApiError(Exception):
    def __init__(self, code: int, description: str,
                 parameters: dict[str, Any] | None = None, *, scripted: bool = False) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.scripted = scripted


SENDS = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText")


class FakeTelegram:
    """``async with FakeTelegram() as fake``; give PTB ``fake.base_url`` and ``fake.token``."""

    def __init__(self, token: str = TOKEN, *, webhook: bool = False) -> None:
        self.token = token
        self.webhook_mode = webhook
        self.webhook_answers: dict[int, int] = {}  # update id -> last HTTP status (0: no answer)
        self._posting: set[asyncio.Task[None]] = set()
        self.calls: list[Call] = []
        self.commands: list[dict[str, Any]] = []  # the default menu (no language_code)
        self.menus: dict[str | None, list[dict[str, Any]]] = {}  # by language_code
        self.webhook: dict[str, Any] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.closed_private: set[int] = set()
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self._updates: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._called = asyncio.Event()
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, list[float]] = {}  # answer this method late (client timeouts)
        self._drops: dict[str, int] = {}  # cut the connection instead of answering
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.chats: dict[int, dict[str, Any]] = {}
        self.upgraded: dict[int, int] = {}  # old group id -> its supergroup's id
        self.closed_topics: set[tuple[int, int | None]] = set()  # (chat, thread; None: General)

    # -- server -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing = True
        self._arrived.set()
        for task in list(self._posting):
            task.cancel()
        await asyncio.gather(*self._posting, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params, files = await _read(request)
        call = Call(method, params, files, content_type=request.content_type)
        self.calls.append(call)
        self._called.set()
        if self._drops.get(method):
            self._drops[method] -= 1
            call.status = 0
            if request.transport is not None:
                request.transport.abort()  # the connection drops mid-request
            return web.Response(status=500)
        delays = self._delays.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))  # then handle it: the client may have gone
        planned = self._failures.get(method)
        if planned:
            failure = planned.pop(0)
            call.status = failure.code
            call.scripted = True  # the test planned it (fail())
            return _error(failure.code, failure.description, failure.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params, files)
        except ApiError as exc:
            call.status = exc.code
            call.scripted = exc.scripted
            return _error(exc.code, exc.description, parameters=exc.parameters)
        call.result = result
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        data = self.files.get(request.match_info["path"].rsplit("/", 1)[-1])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    # -- scripting ----------------------------------------------------------------------------

    def fail(self, method: str, times: int = 1, *, code: int = 429, retry_after: int | None = 1,
             description: str | None = None) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (a 429 by default)."""
        text = description or (f"Too Many Requests: retry after {retry_after}" if code == 429
                               else f"Error {code}")
        self._failures.setdefault(method, []).extend(
            _Failure(code, text, retry_after if code == 429 else None) for _ in range(times))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds``."""
        self._delays.setdefault(method, []).extend([seconds] * times)

    def drop(self, method: str, times: int = 1) -> None:
        """Drop the connection on the next ``times`` calls of ``method``."""
        self._drops[method] = self._drops.get(method, 0) + times

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        self.members[(chat_id, user_id)] = status

    def close_private_chat(self, user_id: int) -> None:
        """The user never pressed Start: the bot may not message them privately."""
        self.closed_private.add(user_id)

    def upgrade(self, old: int, new: int, *, announce: bool = False) -> list[int]:
        """The group ``old`` became supergroup ``new``: messages to ``old`` are refused with
        ``migrate_to_chat_id``; ``announce`` pushes the two service messages Telegram sends."""
        self.upgraded[old] = new
        self.chats[new] = {"id": new, "type": "supergroup", "title": "Creators"}
        if not announce:
            return []
        old_chat = self.chats.get(old) or {"id": old, "type": "group", "title": "Creators"}
        return [self._service(old_chat, migrate_to_chat_id=new),
                self._service(self.chats[new], migrate_from_chat_id=old)]

    def _service(self, chat: dict[str, Any], **fields: Any) -> int:
        msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
               "from": user(1009, "Admin"), **fields}
        return self.push("message", msg)

    def close_topic(self, chat_id: int, thread_id: int | None = None) -> None:
        """Close a forum topic (None: General): posts there are refused."""
        self.closed_topics.add((chat_id, thread_id))

    def reopen_topic(self, chat_id: int, thread_id: int | None = None) -> None:
        self.closed_topics.discard((chat_id, thread_id))

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        if self.webhook_mode and self.webhook.get("url"):
            task = asyncio.create_task(self._post_update(update))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
            return update_id
        self._updates.append(update)
        self._arrived.set()
        return update_id

    async def _post_update(self, update: dict[str, Any], *, tries: int = 100,
                           pause: float = 0.1) -> None:
        """POST one update to the webhook until it is answered 200 (or ``tries`` run out)."""
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
        update_id = int(update["update_id"])
        for _ in range(tries):
            status = 0
            try:
                async with aiohttp.ClientSession() as session, session.post(
                        str(self.webhook["url"]), json=update, headers=headers) as answer:
                    status = answer.status
            except (aiohttp.ClientError, OSError):
                status = 0
            self.webhook_answers[update_id] = status
            if status == 200:
                self._called.set()
                return
            await asyncio.sleep(pause)

    @property
    def acknowledged(self) -> set[int]:
        """Update ids the webhook answered 200 (Telegram will not send them again)."""
        return {u for u, status in self.webhook_answers.items() if status == 200}

    def message(self, text: str | None, *, chat: dict[str, Any], sender: dict[str, Any] | None,
                sender_chat: dict[str, Any] | None = None, document: dict[str, Any] | None = None,
                kind: str = "message", thread_id: int | None = None) -> int:
        """Push a message (``text`` is the caption when a document is given; ``thread_id``:
        sent in that forum topic)."""
        self.chats[chat["id"]] = chat
        msg: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                               "chat": chat}
        if thread_id is not None:
            msg["message_thread_id"] = thread_id
            msg["is_topic_message"] = True
        if sender is not None:
            msg["from"] = sender
        if sender_chat is not None:
            msg["sender_chat"] = sender_chat
        key = "text"
        if document is not None:
            msg["document"] = document
            key = "caption"
        if text is not None:
            msg[key] = text
            command = re.match(r"/\S+", text)
            if command:
                msg[f"{'caption_' if key == 'caption' else ''}entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_length(command[0])}]
        self.messages[(chat["id"], msg["message_id"])] = msg
        return self.push(kind, msg)

    def press(self, sent: Call, label: str, *, sender: dict[str, Any]) -> int:
        """Press the inline button ``label`` on a message the bot sent."""
        data = next(b["callback_data"] for b in sent.buttons if b["text"] == label)
        message = self.messages[(int(sent.result["chat"]["id"]), sent.result["message_id"])]
        # the message as it is at the press (a later edit does not change this update)
        return self.push("callback_query", {"id": f"cb{next(self._update_ids)}", "from": sender,
                                            "chat_instance": "ci1", "data": data,
                                            "message": copy.deepcopy(message)})

    def document(self, data: bytes, name: str = "history.csv",
                 mime: str = "text/csv") -> dict[str, Any]:
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = data
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                "mime_type": mime, "file_size": len(data)}

    # -- inspection ---------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """What the bot successfully posted (messages, files, edits), optionally in one chat."""
        return [c for c in self.calls if c.method in SENDS and c.ok
                and (chat_id is None or c.chat_id == chat_id)]

    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_until(self, check: Callable[[], bool]) -> None:
        """Return once ``check()`` holds (checked after every call the bot makes)."""
        while not check():
            self._called.clear()
            await self._called.wait()

    # -- Bot API methods ----------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Creator Advisor",
                "username": BOT_USERNAME, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def _m_getMe(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._bot_user()

    async def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _m_setWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.webhook = dict(params)
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0}

    async def _m_close(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    async def _m_logOut(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active;"
                                " use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            ready = [u for u in self._updates if u["update_id"] >= offset]
            remaining = deadline - asyncio.get_running_loop().time()
            if ready or self._closing or remaining <= 0:
                return ready[:100]
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    def _new_message(self, chat_id: int, thread_id: Any = None, **content: Any
                     ) -> dict[str, Any]:
        if chat_id in self.closed_private:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat_id in self.upgraded:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.upgraded[chat_id]}, scripted=True)
        thread = None if thread_id in (None, "") else int(thread_id)
        if (self.chats.get(chat_id) or {}).get("is_forum"):
            if (chat_id, thread) in self.closed_topics:
                raise ApiError(400, "Bad Request: TOPIC_CLOSED", scripted=True)
            if thread is not None:
                content["message_thread_id"] = thread
                content["is_topic_message"] = True
        chat = self.chats.get(chat_id) or {"id": chat_id, "type": "private" if chat_id > 0
                                           else "supergroup", "first_name": "?", "title": "?"}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": chat, "from": self._bot_user(), **content}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _check_text(params: dict[str, Any], key: str = "text") -> str:
        text = str(params.get(key) or "")
        if params.get("parse_mode") == "HTML":
            problem = html_problem(text)
            if problem is not None:
                raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
            text = visible_text(text)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(text) > MESSAGE_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        text = self._check_text(params)
        content: dict[str, Any] = {"text": text}
        if params.get("reply_markup"):
            content["reply_markup"] = params["reply_markup"]
        return self._new_message(int(params["chat_id"]), params.get("message_thread_id"),
                                 **content)

    def _upload(self, field_name: str, params: dict[str, Any],
                files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
        if field_name in files:
            return files[field_name]
        ref = str(params.get(field_name) or "")
        if ref.startswith("attach://") and ref[len("attach://"):] in files:
            return files[ref[len("attach://"):]]
        raise ApiError(400, f"Bad Request: there is no {field_name} in the request")

    async def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        _, data = self._upload("photo", params, files)
        if not data.startswith(b"\x89PNG"):
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        photo = [{"file_id": f"photo{len(data)}", "file_unique_id": "p1", "width": 1,
                  "height": 1, "file_size": len(data)}]
        return self._new_message(int(params["chat_id"]), params.get("message_thread_id"),
                                 photo=photo)

    async def _m_sendDocument(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        name, data = self._upload("document", params, files)
        document = {"file_id": f"sent-{name}", "file_unique_id": "d1", "file_name": name,
                    "file_size": len(data)}
        return self._new_message(int(params["chat_id"]), params.get("message_thread_id"),
                                 document=document)

    def _edit(self, params: dict[str, Any], *, text: bool) -> Any:
        """An edit of the message ``params`` name: its keyboard, and its text if ``text``."""
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        new_text = self._check_text(params) if text else None
        markup = params.get("reply_markup") or None
        if (new_text is None or message.get("text") == new_text) \
                and message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same")
        if new_text is not None:
            message["text"] = new_text
        message["edit_date"] = int(time.time())
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _m_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._edit(params, text=True)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any],
                                        files: dict[str, Any]) -> Any:
        return self._edit(params, text=False)

    async def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) \
                    or not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        code = params.get("language_code") or None
        self.menus[code] = commands
        if code is None:
            self.commands = commands
        return True

    async def _m_getMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return self.menus.get(params.get("language_code") or None, self.commands)

    async def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    async def _m_getChatMember(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = self.members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        if status == "administrator":
            member.update({key: False for key in (
                "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                "can_change_info", "can_invite_users", "can_post_stories",
                "can_edit_stories", "can_delete_stories")})
        return member

    async def _m_getFile(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}


async def _read(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if part.name is None or not hasattr(part, "filename"):
                continue
            if part.filename:
                files[part.name] = (part.filename, bytes(await part.read()))
            else:
                params[part.name] = await part.text()
    else:
        params.update(await request.post())
        params.update(request.query)
    for key, value in list(params.items()):
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params, files


def _error(code: int, description: str, retry_after: int | None = None, *,
           parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
