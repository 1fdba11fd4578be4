"""A sentence refusing what the creator gave, with the values they gave in it kept as given.

The renderer marks every value of the creator's a template prints (:func:`bot.domain.numbers.kept`)
so that no spacing pass changes it (:func:`bot.domain.numbers.tidy_spaces`: Japanese). A
sentence built in Python code that quotes such a value (a typed token, a file's name) marks it
the same way; :class:`Refusal` carries that sentence to the reply that shows it.
"""

from __future__ import annotations

from bot.domain.numbers import unmarked


class Refusal(ValueError):
    """What the creator gave can't be used. ``str(err)`` is a sentence fit to show them as it
    is; :attr:`marked` is the same sentence with the values of theirs it quotes marked
    (:func:`~bot.domain.numbers.kept`), what a reply shows (so that the Japanese spacing pass
    never changes what they typed)."""

    def __init__(self, message: str, *, usage: str | None = None,
                 suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(unmarked(message))
        self.marked = message
        #: A command line that does what was meant (``/settings timezone=Europe/Berlin``),
        #: shown on the reply's "Example:" line; None: the command's own example.
        self.usage = usage
        #: The values the sentence proposes instead of what was given (``("Europe/Berlin",)``
        #: for ``timezone=Berlin``), each one the same check takes: a hint that pairs a name
        #: with a value offers these, never a value that would itself be refused.
        self.suggestions = suggestions
