"""A hypothesis state machine over the real dispatcher and SQLite store: /log, /settings,
/forget, /import, new users and other display names, some of them racing, in any order.
After every step: no row of a forgotten user exists, and each user's stored numbers and
settings are exactly their own (issue 14)."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.app import running
from bot.config import Settings
from bot.core.types import Attachment, ChatKind, Platform, Reply, Request
from tests.auxil.clock import FakeClock
from tests.auxil.requests import forget_args

PEOPLE = ("101", "102", "103", "104")
NAMES = ("Ana", "Ana in a server", "ana 🎬", "Bo", "Bo (mod)")
CURRENCIES = ("USD", "EUR", "GBP", "JPY")


class AccountsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = Path(tempfile.mkdtemp(prefix="accounts-"))
        self.settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=f"sqlite:///{self.tmp / 'a.db'}",
            data_dir=self.tmp / "d", telegram_bot_token=None, discord_token=None,
            rate_limit_burst=0)
        self.clock = FakeClock()
        self._app_cm = running(self.settings, clock=self.clock)
        self.app = self.loop.run_until_complete(self._app_cm.__aenter__())
        self.values = itertools.count(1_000)  # every typed value unique: a stray one shows
        self.model: dict[str, dict[str, Any]] = {}  # person -> {"followers": set, "currency"}
        self.forgotten: set[int] = set()

    def teardown(self) -> None:
        self.loop.run_until_complete(self._app_cm.__aexit__(None, None, None))
        self.loop.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- driving the bot --------------------------------------------------------------------

    def _request(self, person: str, name: str, command: str, raw: str = "",
                 attachments: tuple[Attachment, ...] = ()) -> Request:
        return Request(platform=Platform.DISCORD, user_id=person, display_name=name,
                       chat_id=f"dm-{person}" if name in ("Ana", "Bo") else "server",
                       chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw,
                       attachments=attachments)

    def _handle(self, *requests: Request) -> list[list[Reply]]:
        async def all_at_once() -> list[list[Reply]]:
            return list(await asyncio.gather(*(self.app.dispatcher.handle(r)
                                               for r in requests)))
        self.clock.advance(minutes=7)
        replies = self.loop.run_until_complete(all_at_once())
        for reply in replies:
            assert not any(r.template in ("errors/internal", "errors/storage") for r in reply)
        return replies

    def _account(self, person: str) -> dict[str, Any]:
        # "followers": values typed with /log; "imported": date -> value, since importing a
        # date again replaces what an earlier import stored for it (issue 13)
        return self.model.setdefault(person, {"followers": set(), "imported": {},
                                              "currency": "USD"})

    def _forget_args(self, person: str) -> str:
        """The confirm /forget's list would show this person now (the key it issues)."""
        return self.loop.run_until_complete(forget_args(self.app.store, "discord", person))

    def _user_id(self, person: str) -> int | None:
        user = self.loop.run_until_complete(self.app.store.find_user("discord", person))
        return None if user is None else user.id

    # -- rules --------------------------------------------------------------------------------

    @rule(person=st.sampled_from(PEOPLE), name=st.sampled_from(NAMES))
    def log(self, person: str, name: str) -> None:
        value = next(self.values)
        self._handle(self._request(person, name, "log", f"followers={value}"))
        self._account(person)["followers"].add(value)

    @rule(person=st.sampled_from(PEOPLE), name=st.sampled_from(NAMES),
          currency=st.sampled_from(CURRENCIES))
    def set_currency(self, person: str, name: str, currency: str) -> None:
        self._handle(self._request(person, name, "settings", f"currency={currency}"))
        self._account(person)["currency"] = currency

    @rule(person=st.sampled_from(PEOPLE), name=st.sampled_from(NAMES),
          days=st.integers(min_value=1, max_value=5))
    def import_csv(self, person: str, name: str, days: int) -> None:
        values = [next(self.values) for _ in range(days)]
        csv = "date,followers\n" + "".join(f"2026-01-{d + 1:02},{v}\n"
                                           for d, v in enumerate(values))
        attachment = Attachment("h.csv", "text/csv", csv.encode())
        self._handle(self._request(person, name, "import", "confirm", (attachment,)))
        self._account(person)["imported"].update(enumerate(values))

    @rule(person=st.sampled_from(PEOPLE), name=st.sampled_from(NAMES))
    def forget(self, person: str, name: str) -> None:
        before = self._user_id(person)
        self._handle(self._request(person, name, "forget", self._forget_args(person)))
        if before is not None:
            self.forgotten.add(before)
        self.model.pop(person, None)

    @rule(person=st.sampled_from(PEOPLE), name=st.sampled_from(NAMES),
          raw=st.sampled_from(("confirm", "confirm key=deadbeef")))
    def forget_without_its_key(self, person: str, name: str, raw: str) -> None:
        """A confirm without the key /forget's list issued deletes nothing: it shows the list."""
        [replies] = self._handle(self._request(person, name, "forget", raw))
        assert [r.template for r in replies] == ["forget_confirm"]

    @rule(person=st.sampled_from(PEOPLE), other=st.sampled_from(NAMES),
          currency=st.sampled_from(CURRENCIES))
    def forget_racing_other_commands(self, person: str, other: str, currency: str) -> None:
        """/forget confirm in the DM while the same person types elsewhere under another name:
        each racing command runs wholly before /forget or wholly after it, as a new user."""
        before = self._user_id(person)
        value = next(self.values)
        self._handle(self._request(person, "Ana", "forget", self._forget_args(person)),
                     self._request(person, other, "log", f"followers={value}"),
                     self._request(person, other, "settings", f"currency={currency}"),
                     self._request(person, other, "stats"))
        if before is not None:
            self.forgotten.add(before)
        self.model.pop(person, None)
        after = self._user_id(person)
        if after is not None:  # what ran after /forget made a fresh account
            assert after != before
            history = self.loop.run_until_complete(self.app.store.history(after))
            typed = {s.followers for s in history if "followers" in s.given}
            account = self._account(person)
            account["followers"] = typed
            assert typed <= {value}
            account["currency"] = self.loop.run_until_complete(
                self.app.store.get_settings(after)).currency
            assert account["currency"] in ("USD", currency)

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def no_row_of_a_forgotten_user_exists(self) -> None:
        if not self.forgotten:
            return
        db = sqlite3.connect(self.tmp / "a.db")
        try:
            marks = ",".join("?" * len(self.forgotten))
            ids = tuple(self.forgotten)
            for table, column in (("users", "id"), ("snapshots", "user_id"),
                                  ("user_settings", "user_id"), ("goals", "user_id"),
                                  ("subscriptions", "user_id"), ("posted_tips", "user_id")):
                found = db.execute(f"SELECT count(*) FROM {table} "
                                   f"WHERE {column} IN ({marks})", ids).fetchone()[0]
                assert found == 0, (table, found)
        finally:
            db.close()

    @invariant()
    def everyone_sees_exactly_their_own_data(self) -> None:
        for person in PEOPLE:
            user_id = self._user_id(person)
            account = self.model.get(person)
            if user_id is None:
                assert not account or not (account["followers"] or account["imported"])
                continue
            assert user_id not in self.forgotten
            history = self.loop.run_until_complete(self.app.store.history(user_id))
            typed = {s.followers for s in history if "followers" in s.given}
            expected = (account["followers"] | set(account["imported"].values())
                        if account else set())
            assert typed == expected, (person, typed, expected)
            currency = self.loop.run_until_complete(self.app.store.get_settings(user_id))
            assert currency.currency == (account["currency"] if account else "USD")


AccountsMachine.TestCase.settings = hypothesis_settings(
    max_examples=25, stateful_step_count=25, deadline=None)
TestAccounts = AccountsMachine.TestCase
