"""How a refusal of bad arguments reads, in every language: its message is sentences, each
ending with its period (a command quoted inside one too), and a command line to copy stands
on its own "Example:" line under it, as a label (no period after the command)."""

from __future__ import annotations

import re

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter

#: Trial lines whose refusals ended "Example: /log followers=12k …" or "e.g. /payout …"
#: without a period, and the other /payout refusals that ended on a command.
LINES = ["/log foo=1", "/log 12k 13k", "/log followers=12k extra words", "/payout currency=ZZZ",
         "/payout cashed=480", "/payout rewards=412", "/payout diamonds=120k", "/forget blah"]
ENDS = (".", "?", "!", "。", "？", "！")
#: The "Example:" label line in each language (the bad_args template's).
LABEL = re.compile(r"^(Example|Ejemplo|Exemplo|Beispiel|Exemple|例)\s?[:：]\s?/\w+")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_a_refusal_is_sentences_then_one_example_line(console: ConsoleAdapter,
                                                            language: str) -> None:
    await console.ask(f"/settings language={language}")
    for line in LINES:
        answer = await console.ask(line)
        assert not answer.ok, line
        *message, example = answer.text.strip().splitlines()
        assert message and message[-1].endswith(ENDS), (language, line, answer.text)
        assert LABEL.match(example) and not example.endswith(ENDS), (language, line, example)
        assert sum(bool(LABEL.match(x)) for x in answer.text.splitlines()) == 1, answer.text
        if language == "ja":  # no ASCII space after full-width punctuation
            assert not re.search(r"[。、：！？） ] ", answer.text), answer.text


async def test_a_payout_refusals_example_is_in_the_creators_language(
        console: ConsoleAdapter) -> None:
    """Trial: German "/payout currency=ZZZ" ended "z. B. /payout rewards=412 views=610k" (the
    English field name): the example line is typed as /help types it, Aufrufe=610k."""
    await console.ask("/settings language=de")
    answer = await console.ask("/payout currency=ZZZ")
    assert answer.text.splitlines()[-1].endswith("/payout rewards=412 Aufrufe=610k"), answer.text
