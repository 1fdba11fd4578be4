"""Japanese typography in the ja catalogue: Japanese sentences use 「。」「、」「：」 (and
full-width 「！」「？」), never ASCII ``.`` ``,`` ``;`` ``:`` ``!`` ``?`` glued to kana or kanji,
and a ratio is written ``2.1倍``, never ``2.1×``.

What stays ASCII, and so is not looked at: decimal points inside numbers (``2.1``), times
(``1:05``), addresses (``https://…``), file names (``データ.csv``), commands and their
``key=value`` arguments that a creator types (``/log views=1200,likes=80``), placeholders
(``%(ratio)s``, ``{name}``), ASCII quoted as itself (``「.」``) and fragments written only in
ASCII (``TikTok Studio > Analytics``, ``Creator Rewards: rewards=<金額>``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.console import ConsoleAdapter
from tests.auxil.catalogues import translated_messages

#: Kana (hiragana, katakana, the long-vowel mark ー), kanji (with 々) and full-width brackets and
#: punctuation that only Japanese text uses.
_JAPANESE = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3001-\u3003\u3008-\u3011\uff01-\uff5e"
_JP = f"[{_JAPANESE}]"
#: What is never Japanese prose and stays as written: addresses, commands with their arguments
#: (``/log views=1200,likes=80``), ``key=value`` pairs, placeholders and ASCII quoted as itself
#: (``「.」``). Each is replaced by a NUL, which is neither text nor space, before the check.
_VERBATIM = re.compile(r"\S+://[^\s\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]+"
                       r"|/[a-z_]+(?:[ ]+[\w.-]+=[\w.,%:/-]+)*"
                       r"|\b[A-Za-z_]+=[\w.,%:/-]+"
                       r"|%\(\w+\)[sd]|\{\w+\}"
                       r"|「[!-~]+」")
#: ASCII sentence punctuation (``.`` ``,`` ``;`` ``:`` ``!`` ``?``) right after Japanese text, also
#: after a closing bracket or spaces (``(小数).``, ``ます ;``), or right before Japanese text, also
#: across spaces (``%(n)s. 次は``). A dot before a file extension (``.csv``) is not punctuation.
_GLUED = re.compile(rf"(?<={_JP})[)」』\] ]*(?:\.(?![A-Za-z0-9])|[,;:!?])"
                    rf"|[)」』\]]*(?:(?<![A-Za-z0-9])\.|[,;!?])(?=[ ([「『]*{_JP})")
#: A ratio: the multiplication sign right after a number or a placeholder (``2.1×``, Japanese
#: ``2.1倍``). A product in a formula keeps its sign (``再生数 × RPM``, ``1,000 × RPM``).
_TIMES = re.compile(r"(?:\d|%\(\w+\)[sd]|\{\w+\})[×✕](?!\s*(?:\d|%\(|\{))")


def problems(text: str) -> list[str]:
    """The typography faults of one msgstr, each as the offending bit with its surroundings."""
    found = [f"ratio written with ×: {m.group()!r}" for m in _TIMES.finditer(text)]
    prose = _VERBATIM.sub("\0", text)
    found.extend(f"ASCII {m.group()!r} in {prose[max(0, m.start() - 8):m.end() + 8]!r}"
                 for m in _GLUED.finditer(prose))
    return found


@pytest.mark.parametrize(("text", "faults"), [
    # ASCII punctuation in Japanese sentences
    ("保存しました.", 1), ("フォロワー,再生数", 1), ("すごい!次へ", 1), ("本当?", 1),
    ("ですか? yes", 1), ("(小数).", 1), ("20); フォロワー", 1), ("(%(n)s). 次は", 1),
    ("%(name)s さん.次は", 1), ("例: %(x)s", 1), ("下回ります ; https://a.example", 1),
    # ratios
    ("平均の%(ratio)s×", 1), ("平均の2.1×です。", 1), ("{n}×", 1),
    # what is right, or stays ASCII
    ("平均の2.1倍です。", 0), ("保存しました。", 0), ("中央値の%(multiple)s倍以上", 0),
    ("例：/log views=1200,likes=80", 0), ("/tips category:trends", 0), ("1:05 や 1:02:30", 0),
    ("https://www.tiktok.com/ja-JP/ を開いてください。", 0), ("データ.csv を送ってね", 0),
    ("https://a.example/ ; https://b.example (韓国：19歳)", 0), ("RPM 0.4〜1.0 ドル", 0),
    ("使える文字は「_」、「.」です", 0), ("LIVE: diamonds=<ダイヤモンド数>", 0),
    ("%(a)s, %(b)s", 0), ("Download data.", 0), ("TikTok Studio > Analytics", 0),
    ("再生数 × 動画 %(n)s本", 0), ("%(views)s × 動画", 0), ("1,000 × RPM", 0),
])
def test_the_check_finds_glued_ascii_punctuation_and_times(text: str, faults: int) -> None:
    assert len(problems(text)) == faults, problems(text)


@pytest.mark.parametrize("language", ["ja"])
def test_japanese_sentences_use_japanese_punctuation(language: str) -> None:
    """Every msgstr of the ja catalogue, each plural form: no fault of :func:`problems`."""
    found = [f"{msgid!r}: {fault}" for msgid, string in translated_messages(language)
             for fault in problems(string)]
    assert not found, f"{len(found)} typography faults in {language}:\n" + "\n".join(found)


#: A label the bot joins to its value itself, ending in Japanese, then an ASCII colon.
_ASCII_COLON_AFTER_LABEL = re.compile(rf"{_JP}: ")


async def test_japanese_replies_join_each_label_and_its_value_the_japanese_way(
        console: ConsoleAdapter) -> None:
    """Found with the French fix: the labels the bot joins to their values itself (a template's
    "• フォロワー: 1万") had an ASCII colon and space where every Japanese sentence of the
    catalogue writes the full-width "：" (numbers.punct)."""
    lines = ["/settings language=ja", "/log followers=10k views=40k likes=3.1k",
             "/log followers=11k", "/stats", "/history", "/goal followers=20k", "/goal",
             "/payout rewards=412 views=610k month=2026-10", "/payout", "/ratecard"]
    faults = []
    for line in lines:
        text = (await console.ask(line)).text
        faults += [f"{line}: {row}" for row in text.splitlines()
                   if _ASCII_COLON_AFTER_LABEL.search(row)]
    assert not faults, "\n".join(faults)
    assert "• フォロワー：1.1万" in (await console.ask("/stats")).text
    # two details the bot joins (hostile trial: "61万回の再生に対して, 2026年10月")
    listed = (await console.ask("/payout")).text
    assert "に対して、" in listed and "に対して," not in listed, listed


#: A placeholder's value followed by an ASCII colon or semicolon in a Japanese message
#: ("%(study)s: %(rate)s"): the check above sees no Japanese before it, a reader does.
_ASCII_AFTER_PLACEHOLDER = re.compile(r"\)[sd][:;] ")


def test_japanese_messages_put_no_ascii_colon_after_a_placeholder() -> None:
    """Hostile trial: "Rival IQ 2023: 4.1%", "フォロワー 3m: 3.6万" in Japanese replies."""
    found = [msgid for msgid, string in translated_messages("ja")
             if _ASCII_AFTER_PLACEHOLDER.search(string)]
    assert not found, found


def _rendered_in_japanese() -> list[tuple[str, str, str]]:
    """(format, template, text): every template rendered in Japanese in every format, with a
    stand-in for every value (as the catalogue test renders them)."""
    from jinja2 import meta

    from bot import i18n
    from bot.render.environment import Renderer
    from bot.render.formats import Format
    from tests.unit.test_i18n_catalogues import TEMPLATES, Anything

    renderer = Renderer(TEMPLATES)
    found = []
    for fmt in Format:
        env = renderer._env(fmt)
        assert env.loader is not None
        for name in renderer.names():
            source = env.loader.get_source(env, f"{name}.j2")[0]
            variables = meta.find_undeclared_variables(env.parse(source)) - set(env.globals)
            with i18n.using("ja"):
                text = renderer._render(name, {v: Anything() for v in variables}, fmt)
            found.append((fmt.value, name, text))
    return found


#: What a template adds around translated Japanese that Japanese does not write: an ASCII
#: bracket (Discord escapes one as ``\(``), a space after 。！？ or a closing bracket, or before
#: an opening one.
_TEMPLATE_JOINS = re.compile(r"\\?[()]|[。！？）] | （")


def test_templates_join_japanese_parts_without_ascii_brackets_or_spaces() -> None:
    """Found with the catalogue's brackets: templates wrote their own " (source)", " (+10%)",
    " (UTC)" around Japanese text, and a space between two sentences they join
    ("…確認できます。 このうち…")."""
    faults = [f"{fmt} {name}: {text[max(0, m.start() - 12):m.end() + 12]!r}"
              for fmt, name, text in _rendered_in_japanese()
              for m in _TEMPLATE_JOINS.finditer(text)]
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize(("text", "tidy"), [
    ("確認できます。 このうち2件は", "確認できます。このうち2件は"),
    ("ですか？ /help を送ると", "ですか？/help を送ると"),
    ("フォロワー（+10%） （2日間）", "フォロワー（+10%）（2日間）"),
    ("2件 （入力分）", "2件（入力分）"),
    ("https://a.example/x （米国）", "https://a.example/x （米国）"),
    ("1行目\n  （字下げ）", "1行目\n  （字下げ）"),
    ("終わり。\n次の行", "終わり。\n次の行"),
])
def test_tidy_spaces_drops_the_spaces_japanese_does_not_write(text: str, tidy: str) -> None:
    from bot import i18n
    from bot.domain.numbers import aside, tidy_spaces

    with i18n.using("ja"):
        assert tidy_spaces(text) == tidy
        assert aside("UTC") == "（UTC）"
    with i18n.using("fr"):
        assert tidy_spaces("Fin. Ensuite") == "Fin. Ensuite"
        assert aside("UTC") == " (UTC)"


@pytest.mark.parametrize(("line", "shown"), [
    ('/why "料理 レシピ"', "「料理 レシピ」"),  # a tip's id as typed
    ('/import path="料理 レシピ.csv"', "料理 レシピ.csv"),  # a file's name
    ('/settings timezone="東京 です"', "「東京 です」"),  # a setting's value (normalize)
    ('/payout rewards=12 views=38k month="十月 です"', "十月 です"),
    ('/settings language="日本 語"', "日本 語"),
])
async def test_a_sentence_built_in_code_keeps_the_creators_value_as_typed(
        console: ConsoleAdapter, line: str, shown: str) -> None:
    """Hostile trial: in Japanese the spacing pass (numbers.tidy_spaces) took the space out of
    a value the creator typed when a sentence built in Python quoted it ("「料理レシピ」という
    ヒントはありません" for "料理 レシピ"), as templates never do (numbers.kept)."""
    await console.ask("/settings language=ja")
    refused = await console.ask(line)
    assert not refused.ok, refused.text
    assert shown in refused.text, refused.text
    assert "\ufdd0" not in refused.text and "\ufdd1" not in refused.text, refused.text


#: The rule of :data:`bot.domain.numbers._JA_SPACES` as first written: each alternative tried
#: at every place, the word before the spaces in the match (:func:`_as_written`). Its result
#: is the reference for the pattern the bot uses.
_JA_SPACES_AS_WRITTEN = (r"(?<=[。！？）：、」]) +(?=\S)|(\S+) +(?=（)"
                         r"|(\S*[{ja}]) (?=[{ja}「])")


def _as_written(m: re.Match[str]) -> str:
    """What a match of :data:`_JA_SPACES_AS_WRITTEN` became."""
    before, word = m.group(1), m.group(2)
    if word is not None:  # between two pieces of Japanese text
        typed = word.startswith("/") or "=" in word or "://" in word
        return m.group() if typed else word
    if before is None:  # after 。！？：、」 or ）
        return ""
    return m.group() if "://" in before else before


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"ab/=:。！？）：、」（「の日本ー \n\t\u3000\u00a0x", "://",
                                 "https://a.example/x", "  "]), max_size=30).map("".join))
def test_tidy_spaces_respaces_every_text_as_the_rule_as_written(text: str) -> None:
    from bot import i18n
    from bot.domain import numbers

    rule = re.compile(_JA_SPACES_AS_WRITTEN.format(ja=numbers._JA_TEXT))
    with i18n.using("ja"):
        assert numbers.tidy_spaces(text) == rule.sub(_as_written, text)


def test_tidy_spaces_respaces_a_line_of_20000_characters() -> None:
    """Hostile trial: the rule as written tried its word alternatives at every place inside
    a word, reading the rest of the word each time, so Japanese (no spaces) took time in the
    square of a line's length (6 s for this line; its cost is measured by the benchmarks,
    not here). Now a word is read once; a long line is still respaced by the rule."""
    from bot import i18n
    from bot.domain.numbers import tidy_spaces

    line = "収益の対象は動画のみ" * 2_000  # 20,000 characters, no space
    with i18n.using("ja"):
        assert tidy_spaces(f"{line} の\n{line}") == f"{line}の\n{line}"


async def test_a_csv_imports_line_problems_keep_the_cells_as_typed(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Hostile trial: the problems of a CSV's rows (a date or a number that isn't one, a cell
    too long) quote the creator's cells, and the Japanese spacing pass took their spaces out
    ("'昨日の' は日付ではありません" for the cell "昨日 の")."""
    long_cell = "長い 値 " * 10  # past MAX_CELL
    path = tmp_path / "履歴.csv"
    path.write_text("date,followers\n2026-03-01,12000\n昨日 の,13000\n2026-03-03,たくさん ある\n"
                    f"2026-03-04,{long_cell}\n", encoding="utf-8")
    await console.ask("/settings language=ja")
    refused = await console.ask(f"/import path={path}")
    assert not refused.ok, refused.text
    for shown in ("'昨日 の'", "「たくさん ある」", f"'{long_cell.strip()[:20]}…'"):
        assert shown in refused.text, (shown, refused.text)
    assert "\ufdd0" not in refused.text and "\ufdd1" not in refused.text, refused.text
