"""The TikTok side of several workers (issue 21): every worker serves the consent callback on
the one port (its state is in the database, so any of them completes it), and only worker 0
runs the daily sync (two syncing one account would refresh its token twice)."""

from __future__ import annotations

import aiohttp

from bot.app import App
from bot.tiktok.service import TikTokService
from bot.tiktok.web import TikTokRunner, callback_path
from tests.auxil.fake_tiktok import FakeTikTok
from tests.tiktok.helpers import redirect_uri, tiktok_settings


async def test_workers_share_the_callback_port_and_only_worker_0_syncs(app: App) -> None:
    async with FakeTikTok(redirect_uri=redirect_uri()) as fake:
        runners = []
        try:
            for index in range(2):
                settings = tiktok_settings(app.settings, fake, worker_index=index,
                                           worker_count=2)
                service = TikTokService(settings, app.store, app.store, app.clock)
                runner = TikTokRunner(service, app.renderer, {})
                await runner.start()  # the second one binds the same port
                runners.append(runner)
            assert runners[0]._task is not None and runners[1]._task is None
            url = fake.redirect_uri.split("?")[0]
            assert url.endswith(callback_path(runners[0].service.settings))
            async with aiohttp.ClientSession() as http, http.get(url) as answer:
                assert answer.status == 400  # a worker answered (no code: refused politely)
        finally:
            for runner in runners:
                await runner.stop()
