"""``/cancel``: what ends a guided step (a bare ``/log`` waiting for the numbers on the next
line). No command declares it: each chat adapter that keeps guided steps (the console,
Telegram: :data:`CANCEL_PLATFORMS`) answers it itself, decided here, with these sentences,
and ``/help`` lists and explains it there. Discord has no guided step (its slash command
asks for the options) and no ``/cancel``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import i18n
from bot.core.args import split_command, visible
from bot.core.types import Platform, Reply
from bot.i18n import N_, NP_

if TYPE_CHECKING:
    from bot.core.registry import Registry

#: The command name the adapters answer themselves (unless a command takes it).
CANCEL = "cancel"
#: Message ids (English); each adapter says them in the person's language.
CANCELLED = N_("Cancelled.")
NOTHING_TO_CANCEL = N_("There is nothing to cancel.")
CANCEL_SUMMARY = N_("Stop a guided step, such as /log waiting for your numbers")
CANCEL_HELP = N_("After a bare /log, which waits for your numbers in your next message, "
                 "/cancel (or the word %(word)s alone) stops the wait; nothing is saved.")
#: The word that, sent alone at a numbers prompt, ends the wait, in the person's language
#: (``abbrechen``, ``annuler``, ``キャンセル``); the English word works in every language.
CANCEL_WORD = NP_("the word alone that stops a guided step", "cancel")
#: The platforms whose adapters keep guided steps, so answer ``/cancel``.
CANCEL_PLATFORMS = frozenset({Platform.CONSOLE, Platform.TELEGRAM})


def is_cancel(command: str, registry: Registry) -> bool:
    """Whether ``command`` (a name as :func:`~bot.core.args.split_command` gives it) is the
    adapters' own ``/cancel``: it is, unless a declared command took the name."""
    return command == CANCEL and registry.get(CANCEL) is None


def offers_cancel(platform: Platform, registry: Registry) -> bool:
    """Whether ``platform``'s adapter answers ``/cancel`` itself: what ``/help`` and
    Telegram's command menu list."""
    return platform in CANCEL_PLATFORMS and is_cancel(CANCEL, registry)


def cancel_word() -> str:
    """:data:`CANCEL_WORD` in the current language (what ``/help cancel`` names)."""
    return i18n.pgettext("the word alone that stops a guided step", CANCEL_WORD)


def cancels(line: str, registry: Registry, language: str | None = None) -> bool:
    """Whether ``line``, sent while a guided step waits for it, ends the step: ``/cancel``
    with anything after it (``/cancel now``, ``/cancel@Bot``, any case), decided as
    :func:`is_cancel` decides the name, or the word ``cancel`` alone, or its translation in
    ``language`` (a language tag, English when ``None`` or unknown; any case): a person who
    types it at a numbers prompt means it, and it is no number. The one test every adapter
    keeps a guided step by: a line it says is a cancel is never read as the numbers."""
    text = visible(line).strip()
    if not text.startswith("/"):
        if registry.get(CANCEL) is not None:
            return False
        # (compatibility forms are the same word: half-width ｷｬﾝｾﾙ, full-width ＣＡＮＣＥＬ)
        word = unicodedata.normalize("NFKC", text).casefold()
        if word == CANCEL:
            return True
        with i18n.using(language):
            return word == unicodedata.normalize("NFKC", cancel_word()).casefold()
    parsed = split_command(text)
    return parsed is not None and is_cancel(parsed[0], registry)


def how_to_stop() -> str:
    """The sentence, in the current language, that a reply to a guided step's line ends with
    while the step keeps waiting: how to send the numbers again or stop (``/cancel``, and the
    language's own word for it where that is not the English one)."""
    word = cancel_word()
    if unicodedata.normalize("NFKC", word).casefold() == CANCEL:
        return i18n.gettext("I'm still waiting for your numbers: send them again, or "
                            "%(cancel)s to stop.", cancel="/cancel")
    return i18n.gettext("I'm still waiting for your numbers: send them again, or %(cancel)s "
                        "(or the word %(word)s) to stop.", cancel="/cancel", word=word)


def still_waiting(replies: Sequence[Reply], language: str | None) -> list[Reply]:
    """``replies`` to a line a guided step read, its error replies saying how to stop
    (:func:`how_to_stop`, in each reply's language or ``language``): the step keeps waiting
    after a mistake, and a person stuck at it must learn the way out. The one rule the
    console and Telegram follow."""
    out = []
    for reply in replies:
        if reply.is_error:
            with i18n.using(reply.locale or language):
                reply = replace(reply, context={**reply.context, "waiting": how_to_stop()})
        out.append(reply)
    return out
