"""One reply writes each kind of thing one way, in every language (hostile trial, six
languages): Japanese puts no space between a placeholder's Japanese value and the particle
after it ("フォロワー の"), /estimate explain's sourced dollar figures have no cents they do
not have ("20,00 $" in German, "$20" in English), a reply writes its dollars in one style
("1.125 US$ … (unos 8 $)") and its thousands one way ("por 1.000 … por cada 1000"), and the
two ways a hint offers to write a share are written alike ("50 % oder 0,5%")."""

from __future__ import annotations

import re

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.domain import numbers

#: Kana and kanji: Japanese text.
_JA = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
#: A space Japanese does not write: one between two pieces of Japanese text ("フォロワー を",
#: "価格は ナノ 層"), unless after a command or a typed ``key=value``, or after a full-width
#: colon or comma ("計算方法： 再生数").
_JA_SPACE = re.compile(rf"(\S*[{_JA}]) (?=[{_JA}「])|[：、] ")


def ja_space_faults(text: str) -> list[str]:
    return [text[max(0, m.start() - 10):m.end() + 10] for m in _JA_SPACE.finditer(text)
            if not (m.group(1) and (m.group(1).startswith("/") or "=" in m.group(1)))]


async def _replies(console: ConsoleAdapter, language: str, lines: list[str]) -> dict[str, str]:
    await console.ask(f"/settings language={language}")
    return {line: (await console.ask(line)).text for line in lines}


async def test_japanese_replies_put_no_space_between_japanese_text_and_a_particle(
        console: ConsoleAdapter) -> None:
    """Hostile trial: "フォロワー の「1,1250」はあいまい", "ブランド案件 を記録しました",
    "フォロワー が 1.2万 から", "計算方法： 再生数", "価格は ナノ 層のみから": the catalogue
    writes "%(name)s の" so that a Latin value keeps its space ("completion_rate の"); a
    Japanese one must not."""
    replies = await _replies(console, "ja", [
        "/log followers=1,1250", "/payout brand=1234,567 per=video",
        "/log followers=800 views=40000 likes=3000 comments=200 shares=90",
        "/estimate explain", "/log followers=1250000", "/progress",
        "/payout rewards=1.13 views=1000", "/payout rewards=1.13 views=1000", "/start"])
    faults = [f"{line}: {bit!r}" for line, text in replies.items()
              for bit in ja_space_faults(text)]
    assert not faults, "\n".join(faults)
    assert "フォロワーの「1,1250」" in replies["/log followers=1,1250"]
    assert "ブランド案件を記録しました" in replies["/payout brand=1234,567 per=video"]
    # a Latin value keeps its space before the particle, and a digit after one
    assert "あと 60,000回" in replies["/estimate explain"]
    # two details the bot joins, as Japanese joins them ("$1.13, 1,000回" was ASCII)
    duplicate = replies["/payout rewards=1.13 views=1000"]
    assert "$1.13、1,000回" in duplicate, duplicate


@pytest.mark.parametrize(("text", "tidy"), [
    ("フォロワー の「1」", "フォロワーの「1」"),
    ("completion_rate の「1」", "completion_rate の「1」"),
    ("フォロワー が 1.2万 から 125万 に", "フォロワーが 1.2万から 125万に"),
    ("計算方法： 再生数", "計算方法：再生数"),
    ("価格は ナノ 層のみ", "価格はナノ層のみ"),
    ("または 週あたりのLIVE時間 と LIVEの平均", "または週あたりのLIVE時間と LIVEの平均"),
    ("/log ジャンル=美容 フォロワー=12k", "/log ジャンル=美容 フォロワー=12k"),
    ("あと 60,000 再生", "あと 60,000 再生"),
    ("フォロワー   再生数", "フォロワー   再生数"),  # spaces that align columns stay
])
def test_tidy_spaces_decides_a_placeholders_space_from_its_value(text: str, tidy: str) -> None:
    with i18n.using("ja"):
        assert numbers.tidy_spaces(text) == tidy
    with i18n.using("de"):
        assert numbers.tidy_spaces(text) == text


#: An amount with zero cents: "20,00 $", "$20.00", "US$ 20,00".
_ZERO_CENTS = re.compile(r"\d[.,]00(?!\d)")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_estimate_explain_writes_sourced_dollars_without_cents_they_lack(
        console: ConsoleAdapter, language: str) -> None:
    """Hostile trial: "nano tier only ($20–$500)", "orders $25–$75" in English, but
    "(20,00 $–500,00 $)" in German, "20,00 $US–500,00 $US" in French, "$20.00〜$500.00" in
    Japanese: a sourced figure is written with the decimals it has, in every language."""
    replies = await _replies(console, language, [
        "/log followers=800 views=40000 likes=3000 comments=200 shares=90", "/estimate explain"])
    explain = replies["/estimate explain"]
    assumptions = [row for row in explain.splitlines() if "•" in row and "$" in row]
    assert assumptions, explain
    faults = [row for row in assumptions if _ZERO_CENTS.search(row)]
    assert not faults, "\n".join(faults)
    with i18n.using(language):
        assert numbers.usd(20) + "–" in explain or numbers.usd(20) + "〜" in explain, explain


#: The ways a dollar amount is marked: "US$" (es, pt_BR), "$US" (fr), "$".
_DOLLAR = re.compile(r"US\$|\$US|\$")
#: A thousand written out: "1,000", "1.000", "1 000" (narrow or no-break space), "1000".
_THOUSAND = re.compile(r"(?<![\d.,])1[.,\u202f\u00a0]?000(?![\d.,]\d)")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_a_payout_reply_writes_its_dollars_and_its_thousands_one_way(
        console: ConsoleAdapter, language: str) -> None:
    """Hostile trial: Spanish "por 1.000 visualizaciones … por cada 1000 visualizaciones";
    French "1 125 $US … (environ 8 $)", Spanish "1.125 US$ … (unos 8 $)"."""
    replies = await _replies(console, language, [
        "/payout rewards=2 views=1000", "/payout rewards=1125 views=1000"])
    for line, text in replies.items():
        assert len(set(_DOLLAR.findall(text))) == 1, (line, text)
        with i18n.using(language):
            thousand = numbers.grouped(1000)
        written = _THOUSAND.findall(text.split("\n/")[0])
        assert written and set(written) == {thousand}, (line, written, text)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_a_share_hint_writes_both_ways_as_one_percent_style(
        console: ConsoleAdapter, language: str) -> None:
    """Hostile trial: German "Schreib 50 % oder 0,5% (mit %-Zeichen)", French "50 % ou 0,5%":
    both suggestions are written by the one percent formatter."""
    with i18n.using(language):
        half = numbers.decimal(0.5)
        expected = (numbers.pct(0.5), numbers.pct(0.005))
    await console.ask(f"/settings language={language}")
    text = (await console.ask(f"/estimate margin={half}")).text
    assert all(e in text for e in expected), (expected, text)
    # (the sentence's; its example line is a command as typed, "margin=60%", in any language)
    said = "\n".join(line for line in text.splitlines() if "/estimate " not in line)
    assert len({space for space in re.findall(r"\d(\s?)%", said)}) == 1, text


async def test_japanese_replies_show_the_creators_text_as_typed(
        console: ConsoleAdapter, tmp_path: object) -> None:
    """Reviewer: the Japanese respacing joined any two Japanese words a space separates, in
    the creator's text too: the niche "料理 レシピ" was shown as "料理レシピ", a file's name
    "料理 レシピ.csv" in the import preview's command line (which then named no file when
    copied). A value from the creator is shown as typed; the catalogue's text is still
    respaced ("フォロワーの")."""
    from pathlib import Path

    folder = Path(str(tmp_path)) / "新しい フォルダ"
    folder.mkdir()
    csv = folder / "料理 レシピ.csv"
    csv.write_text("Date,Followers\n2026-11-01,1000\n2026-11-02,1010\n", encoding="utf-8")
    replies = await _replies(console, "ja", [
        '/settings niche="料理 と 旅"', '/settings niche="料理 レシピ"', "/settings",
        f'/import path="{csv}"', "/log followers=800 views=40000",
        "/log フォロワー=8万 再生数=40000", "/log followers=1,1250"])
    assert "ジャンル：料理 と 旅" in replies['/settings niche="料理 と 旅"']
    assert "ジャンル：料理 レシピ" in replies["/settings"]
    preview = replies[f'/import path="{csv}"']
    assert f'/import path="{csv}" confirm' in preview, preview
    held = replies["/log フォロワー=8万 再生数=40000"]
    assert "/log フォロワー=80000 再生数=40000 confirm" in held, held
    assert "フォロワーの「1,1250」" in replies["/log followers=1,1250"]


def test_tidy_spaces_keeps_what_is_marked_as_the_creators() -> None:
    kept = numbers.kept("料理 レシピ。 旅 （国内）")
    with i18n.using("ja"):
        assert numbers.tidy_spaces(f"ジャンル {kept} です。 次") == (
            "ジャンル料理 レシピ。 旅 （国内）です。次")
    with i18n.using("fr"):
        assert numbers.tidy_spaces(f"Niche : {kept}") == "Niche : 料理 レシピ。 旅 （国内）"
