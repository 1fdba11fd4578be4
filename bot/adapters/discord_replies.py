"""Replies as Discord messages: an embed per reply (plain text for errors), files and buttons.

Text comes from the templates rendered with ``Format.DISCORD_MD``, which escapes markdown,
mentions and links in every printed value; every message is also sent with
``AllowedMentions.none()``, so nothing the bot sends can ping anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord

from bot import i18n
from bot.adapters.discord_names import MenuNames, localise_commands, plain_commands
from bot.core.dispatcher import Admission
from bot.core.types import Action, Reply
from bot.i18n import N_
from bot.render.environment import Renderer
from bot.render.formats import Format, split_markdown

log = logging.getLogger(__name__)

EMBED_LIMIT = 4096  # embed description
CONTENT_LIMIT = 2000  # plain message content
TITLE_LIMIT = 256
LABEL_LIMIT = 80  # button label
COLOUR = discord.Colour(0xFE2C55)
NO_MENTIONS = discord.AllowedMentions.none()
NOT_YOURS = N_("These buttons belong to the person who ran the command. Run it yourself to "
               "get yours.")

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "danger": discord.ButtonStyle.danger,
    "success": discord.ButtonStyle.success,
}


@dataclass
class Outgoing:
    """One Discord message to send (first as the interaction response, then as followups)."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[discord.File] = field(default_factory=list)
    ephemeral: bool = False
    view: ActionView | None = None

    def kwargs(self) -> dict[str, Any]:
        """Arguments for ``response.send_message`` and ``followup.send`` alike."""
        out: dict[str, Any] = {"ephemeral": self.ephemeral, "allowed_mentions": NO_MENTIONS}
        if self.content is not None:
            out["content"] = self.content
        if self.embeds:
            out["embeds"] = self.embeds
        if self.files:
            out["files"] = self.files
        if self.view is not None:
            out["view"] = self.view
        return out


def to_messages(renderer: Renderer, reply: Reply, *, title: str, footer: str, ephemeral: bool,
                names: MenuNames, view: ActionView | None = None) -> list[Outgoing]:
    """Render ``reply``: errors as plain text, everything else as embeds.

    Command lines in the text, the title and the footer are written in ``names``, the names
    the reader's command menu shows (bot.adapters.discord_names). A long reply becomes several
    messages; files, the PNG shown in the embed, the footer and the buttons go with the last
    one.
    """
    text = localise_commands(renderer.render(reply, Format.DISCORD_MD), names)
    title, footer = plain_commands(reply.title or title, names), plain_commands(footer, names)
    files = [discord.File(io.BytesIO(a.data), filename=a.filename) for a in reply.attachments]
    image = next((a.filename for a in reply.attachments if a.content_type.startswith("image/")),
                 None)
    messages: list[Outgoing]
    if reply.is_error:
        messages = [Outgoing(content=part, ephemeral=ephemeral)
                    for part in split_markdown(text, CONTENT_LIMIT) if part]
    else:
        parts = [part for part in split_markdown(text, EMBED_LIMIT) if part] or [""]
        messages = [Outgoing(embeds=[discord.Embed(description=part or None, colour=COLOUR)],
                             ephemeral=ephemeral) for part in parts]
        messages[0].embeds[0].title = plain_title(title)
        last = messages[-1].embeds[0]
        last.set_footer(text=footer)
        if image is not None:
            last.set_image(url=f"attachment://{image}")
    if not messages:
        messages = [Outgoing(content="…", ephemeral=ephemeral)]
    messages[-1].files = files
    messages[-1].view = view
    return messages


@functools.lru_cache(maxsize=1024)
def plain_title(text: str) -> str:
    """Embed titles: markdown and mentions neutralised without escaping ``-`` or ``( )``,
    which titles show literally. Kept per title (most are a command's, ``/estimate``): the
    two escapes are regular expressions, about 4 µs a reply."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))[:TITLE_LIMIT]


#: Run a pressed button's command, with what the flood limit said about the press.
Press = Callable[[discord.Interaction[Any], Action, Admission], Awaitable[None]]
#: Count a press in the person's flood limit (``Dispatcher.admit``).
Admit = Callable[[discord.Interaction[Any]], Awaitable[Admission]]
OnError = Callable[[discord.Interaction[Any], Exception], Awaitable[None]]
Expired = Callable[[discord.Interaction[Any]], Awaitable[None]]


class ActionButton(discord.ui.Button["ActionView"]):
    def __init__(self, action: Action) -> None:
        if action.url is not None:  # a link button: Discord opens it, no callback
            super().__init__(label=action.label[:LABEL_LIMIT], style=discord.ButtonStyle.link,
                             url=action.url)
        else:
            super().__init__(label=action.label[:LABEL_LIMIT],
                             style=_STYLES.get(action.style, discord.ButtonStyle.secondary))
        self.action = action

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        assert self.view is not None
        await self.view.press(interaction, self.action)


class ActionView(discord.ui.View):
    """``Reply.actions`` as buttons. Only the user who ran the command may press them; a press
    on a choice (:attr:`~bot.core.types.Action.choice`) disables them all (a choice is made
    once), and so does the timeout; a button that only shows more answers every press. A
    press is counted in the flood limit first: one it refuses is answered with the notice and
    uses up nothing (the buttons stay as they are).

    discord.py only builds and sends it: the view is stopped for discord.py from the start, so
    sending it registers nothing there (no store entry, no timeout task of its own per reply:
    about 15 µs a reply with buttons). The adapter keeps the views it sent (:attr:`live`)
    and their buttons by ``custom_id``, hands a press to :meth:`handle` as discord.py's view
    would (the owner check, then the button's callback, an exception to :meth:`on_error`),
    and calls :meth:`timed_out` after ``timeout`` seconds (a loop timer)."""

    def __init__(self, actions: Sequence[Action], *, owner_id: int, on_press: Press,
                 on_error: OnError, on_expired: Expired, admit: Admit,
                 timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self._on_press = on_press
        self._admit = admit
        self._on_error = on_error
        self._on_expired = on_expired
        #: How to edit the message carrying this view (set once it is sent).
        self.edit_message: Callable[[ActionView], Awaitable[object]] | None = None
        #: Whether it takes presses: from when the adapter registered it (once sent) until
        #: the first press, the timeout or the adapter's stop (:meth:`finish`).
        self.live = False
        #: Called once by :meth:`finish` (the adapter forgets the view and its timer).
        self.on_finish: Callable[[ActionView], None] | None = None
        for action in actions[:25]:
            self.add_item(ActionButton(action))
        self.stop()  # for discord.py: nothing of it to register when it is sent

    def buttons(self) -> list[ActionButton]:
        """Its buttons that can be pressed (link buttons cannot: Discord opens their URL)."""
        return [item for item in self.children
                if isinstance(item, ActionButton) and item.custom_id is not None]

    def finish(self) -> bool:
        """Take no more presses; False if it already took none."""
        if not self.live:
            return False
        self.live = False
        if self.on_finish is not None:
            self.on_finish(self)
        return True

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def handle(self, interaction: discord.Interaction[Any], button: ActionButton) -> None:
        """A press on ``button``, as discord.py's view runs one: the owner check, then the
        button's callback; an exception goes to :meth:`on_error`."""
        try:
            if not await self.interaction_check(interaction):
                return
            await button.callback(interaction)
        except Exception as error:
            await self.on_error(interaction, error, button)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        with i18n.using(interaction.locale.value):
            not_yours = i18n.translate(NOT_YOURS)
        await interaction.response.send_message(not_yours, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        return False

    async def press(self, interaction: discord.Interaction[Any], action: Action) -> None:
        """A press on the button for ``action``, in this order: a finished view answers
        "expired"; the flood limit counts the press (every press counts, both taps of a
        double tap included) and a refused one gets its notice with nothing used up; a
        button that only shows more is acknowledged and keeps the view live; a choice
        finishes the view (once: a second press is answered "expired"), disables the
        buttons, then runs. Acknowledging is best-effort; errors from the command go to
        the ``on_press`` callback's own handling."""
        if not self.live:
            await self._on_expired(interaction)  # (a choice made, or timed out, meanwhile)
            return
        admission = await self._admit(interaction)
        if admission is not Admission.RUN:
            # Not run (the flood limit): answered with its notice, and nothing is used up:
            # the view still takes presses, the buttons stay enabled.
            await self._on_press(interaction, action, admission)
            return
        if not action.choice and self.live:
            # A button that only shows more (Why this tip?): the buttons stay for another
            # press; a component's defer acknowledges it with the message unchanged.
            acknowledge = interaction.response.defer()
        elif not self.finish():
            # Another press took it first (both arrived before either ran: a double click):
            # a choice is made once, so this one is answered as expired, never run again.
            await self._on_expired(interaction)
            return
        else:
            self.disable()
            acknowledge = interaction.response.edit_message(view=self)  # the buttons, disabled
        try:
            await acknowledge  # at once
        except (discord.HTTPException, discord.RateLimited, aiohttp.ClientError) as exc:
            # Acknowledging is best-effort (10062 when the window was missed): the press's
            # command still runs; only its answer may be lost.
            log.warning("discord: could not acknowledge press %s: %s", interaction.id, exc)
        await self._on_press(interaction, action, admission)

    def timed_out(self) -> asyncio.Task[None] | None:
        """The timeout: no more presses, and the buttons shown disabled (a task, returned);
        None if it had already finished."""
        if not self.finish():
            return None
        return asyncio.create_task(self.on_timeout(), name="discord-ui-view-timeout")

    async def on_timeout(self) -> None:
        self.disable()
        if self.edit_message is not None:
            # The message may be gone or its token expired: then nothing is left to disable.
            with contextlib.suppress(discord.HTTPException, discord.RateLimited):
                await self.edit_message(self)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception,
                       item: discord.ui.Item[Any], /) -> None:
        await self._on_error(interaction, error)
