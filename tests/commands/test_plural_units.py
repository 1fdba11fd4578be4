"""A count with its noun takes the plural form the count needs in every language (hostile
test: "→ 1 followers to go", French "→ encore 1 abonnés"; a payout "for 1 views")."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.commands.payouts import payout_view
from bot.domain.eligibility import to_go
from bot.domain.payouts import Payout

#: What one of each unit reads in each language, and what two read.
ONE = {"en": ("1 follower to go", "1 view to go"),
       "de": ("noch 1 Follower", "noch 1 Aufruf"),
       "es": ("Falta 1 seguidor", "Falta 1 visualización"),
       "fr": ("encore 1 abonné", "encore 1 vue"),
       "ja": ("フォロワーあと 1人", "再生数あと 1回"),
       "pt_BR": ("Falta 1 seguidor", "Falta 1 visualização")}
TWO = {"en": ("2 followers to go", "2 views to go"),
       "de": ("noch 2 Follower", "noch 2 Aufrufe"),
       "es": ("Faltan 2 seguidores", "Faltan 2 visualizaciones"),
       "fr": ("encore 2 abonnés", "encore 2 vues"),
       "ja": ("フォロワーあと 2人", "再生数あと 2回"),
       "pt_BR": ("Faltam 2 seguidores", "Faltam 2 visualizações")}


@pytest.mark.parametrize("lang", sorted(ONE))
def test_every_unit_to_go_takes_its_plural_form(lang: str) -> None:
    with i18n.using(lang):
        assert (to_go("followers", 1), to_go("views", 1)) == ONE[lang]
        assert (to_go("followers", 2), to_go("views", 2)) == TWO[lang]
        assert to_go("followers", 0.5) == ONE[lang][0]  # 999.5 of 1,000: 1 to go


async def test_estimate_explain_says_one_follower_in_english_and_french(
        console: ConsoleAdapter) -> None:
    await console.ask("/log followers=999 views=5k likes=300")
    english = (await console.ask("/estimate explain")).text
    assert "→ 1 follower to go" in english and "→ 1 followers" not in english
    assert (await console.ask("/settings language=fr")).ok
    french = (await console.ask("/estimate explain")).text
    assert "encore 1 abonné" in french and "encore 1 abonnés" not in french


def test_a_payout_for_one_view_or_diamond_says_it_in_the_singular() -> None:
    from datetime import UTC, datetime
    one = Payout(route="creator_rewards", amount=1.0, currency="USD", month=None, views=1,
                 diamonds=None, recorded_at=datetime(2026, 11, 1, tzinfo=UTC))
    with i18n.using("en"):
        assert payout_view(one, UTC)["detail"] == "for 1 view"
    with i18n.using("fr"):
        assert payout_view(one, UTC)["detail"] == "pour 1 vue"
