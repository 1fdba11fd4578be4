"""A minimal Telegram Bot API on 127.0.0.1, run as its own process, for crash tests of
``creator-advisor run`` (the bot is killed; this keeps counting).

    python -m tests.auxil.bot_api_process OUT_FILE [--delay 0.02]

Prints ``port N`` on stdout once it listens; appends one line per accepted ``sendMessage``
(the chat id) to OUT_FILE, flushed at once, so a reader sees every post the platform took.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from aiohttp import web


async def serve(out: Path, delay: float) -> None:
    sink = out.open("a", encoding="utf-8", buffering=1)
    counter = 0

    async def api(request: web.Request) -> web.Response:
        nonlocal counter
        method = request.match_info["method"]
        params: dict[str, Any] = dict(await request.post()) if request.can_read_body else {}
        if request.content_type == "application/json":
            params = await request.json()
        if method == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": 123456, "is_bot": True, "first_name": "Crash", "username": "crash_bot",
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}})
        if method == "getUpdates":
            await asyncio.sleep(min(float(params.get("timeout") or 0), 1.0))
            return web.json_response({"ok": True, "result": []})
        if method == "sendMessage":
            await asyncio.sleep(delay)
            chat = str(params.get("chat_id"))
            counter += 1
            sink.write(chat + "\n")
            return web.json_response({"ok": True, "result": {
                "message_id": counter, "date": int(time.time()),
                "chat": {"id": int(chat), "type": "group", "title": "g"},
                "text": str(params.get("text", ""))}})
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"port {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--delay", type=float, default=0.02)
    args = p.parse_args()
    asyncio.run(serve(args.out, args.delay))


if __name__ == "__main__":
    main()
