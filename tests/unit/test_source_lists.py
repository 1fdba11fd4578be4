"""Sources listed in one rate-file entry were shown as the file separates them, " ; " (a
space before the semicolon in English); they are joined as the language joins two notes."""

from __future__ import annotations

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.domain.numbers import punct, source_list


def test_sources_are_joined_as_the_language_writes_a_semicolon() -> None:
    text = "https://a.example/x;y=1 (Jan 2026) ; https://b.example ; a creator's dashboard"
    with i18n.using("en"):
        assert source_list(text) == ("https://a.example/x;y=1 (Jan 2026); https://b.example; "
                                     "a creator's dashboard")
    with i18n.using("fr"):
        assert source_list(text).count("\u00a0; ") == 2
    with i18n.using("ja"):
        assert " ;" not in source_list(text) and "、" in source_list(text)


async def test_estimate_explain_shows_no_space_before_a_semicolon_in_english(
        console: ConsoleAdapter) -> None:
    reply = await console.ask("/estimate explain followers=50k views=1.2M")
    assert "source: " in reply.text
    assert " ;" not in reply.text, [line for line in reply.text.splitlines() if " ;" in line]
    assert punct("; ") == "; "
