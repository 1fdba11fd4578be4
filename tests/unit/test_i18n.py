"""Languages: choosing one, compiling catalogues, translating templates, numbers per locale."""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.core.args import ArgError, parse_number
from bot.core.registry import ArgSpec, ArgType
from bot.core.types import Reply
from bot.domain import numbers
from bot.render.environment import Renderer
from bot.render.formats import Format

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
COUNT = ArgSpec("followers", ArgType.COUNT, "Followers.", "followers=12k", maximum=5e9)
NUMBER = ArgSpec("videos_per_week", ArgType.NUMBER, "Videos.", "videos_per_week=4",
                 maximum=1e12)


@pytest.mark.parametrize(("tag", "language"), [
    ("pt-BR", "pt_BR"), ("pt_BR", "pt_BR"), ("pt", "pt_BR"), ("es-ES", "es"), ("es-419", "es"),
    ("en-US", "en"), ("en-GB", "en"), ("de", "de"), ("de_DE.UTF-8", "de"), ("fr-CA", "fr"),
    ("ja", "ja"), ("ko", None), ("C.UTF-8", None), ("", None), (None, None),
])
def test_platform_locales_map_to_supported_languages(tag: str | None,
                                                     language: str | None) -> None:
    assert i18n.normalize(tag) == language


def test_console_language_follows_posix_order() -> None:
    assert i18n.posix_locale({"LANG": "de_DE.UTF-8"}) == "de"
    assert i18n.posix_locale({"LANG": "de_DE.UTF-8", "LC_ALL": "ja_JP.UTF-8"}) == "ja"
    assert i18n.posix_locale({"LANG": "C"}) is None


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A locales folder with a Spanish catalogue of two messages, used instead of the real one."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.translations.cache_clear()
    catalog = Catalog(locale="es")
    catalog.add("Nothing was deleted.", "No se borró nada.")
    catalog.add(("Removed %(num)s snapshot.", "Removed %(num)s snapshots."),
                ("Se quitó %(num)s registro.", "Se quitaron %(num)s registros.",
                 "Se quitaron %(num)s registros."))
    catalog.add("Did you mean %(command)s?", "¿Querías decir %(command)s?")
    po = i18n.catalogue_path("es")
    po.parent.mkdir(parents=True)
    with po.open("wb") as fp:
        write_po(fp, catalog)
    yield tmp_path
    i18n.translations.cache_clear()


def test_a_stale_mo_is_never_used(catalogues: Path) -> None:
    """The compile step: a .mo older than its .po is ignored (the .po is compiled in memory);
    ``compile_all`` writes a fresh one, which is then read."""
    stale = Catalog(locale="es")
    stale.add("Nothing was deleted.", "TEXTO VIEJO")
    mo = i18n.catalogue_path("es", "mo")
    with mo.open("wb") as fp:
        write_mo(fp, stale)
    old = time.time() - 3600
    os.utime(mo, (old, old))
    with i18n.using("es"):
        assert i18n.gettext("Nothing was deleted.") == "No se borró nada."
    assert i18n.compile_all() == [mo]
    assert mo.stat().st_mtime >= i18n.catalogue_path("es").stat().st_mtime
    with i18n.using("es"):
        assert i18n.gettext("Nothing was deleted.") == "No se borró nada."
        assert i18n.gettext("Not in the catalogue.") == "Not in the catalogue."


def test_templates_render_in_the_reply_language(catalogues: Path) -> None:
    renderer = Renderer(TEMPLATES)
    assert renderer.render(Reply("forget_cancelled", locale="es"), Format.PLAIN) == \
        "No se borró nada."
    assert renderer.render(Reply("forget_cancelled", locale="de"), Format.PLAIN) == \
        "Nothing was deleted."  # no German entry: the English text
    assert renderer.render(Reply("forget_cancelled"), Format.PLAIN) == "Nothing was deleted."


def test_placeholders_are_escaped_per_format_inside_translations(catalogues: Path) -> None:
    renderer = Renderer(TEMPLATES)
    reply = Reply("errors/unknown_command", {"command": "x<b>", "suggestion": "a_b*c"},
                  locale="es")
    html = renderer.render(reply, Format.TELEGRAM_HTML)
    assert "¿Querías decir /a_b*c?" in html and "x&lt;b&gt;" in html
    md = renderer.render(reply, Format.DISCORD_MD)
    assert "¿Querías decir /a\\_b\\*c?" in md


def test_plural_forms_follow_the_language(catalogues: Path) -> None:
    renderer = Renderer(TEMPLATES)
    context = {"removal": {"entries": [], "more": 0, "studio": None}, "latest": None, "left": 0}
    one = renderer.render(Reply("undone", {**context, "removed": 1}, locale="es"), Format.PLAIN)
    many = renderer.render(Reply("undone", {**context, "removed": 3}, locale="es"),
                           Format.PLAIN)
    assert one.startswith("Se quitó 1 registro.")
    assert many.startswith("Se quitaron 3 registros.")


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("12.3k", "12,346", "4.6%", "€1,200")),
    ("de", ("12.345", "12.346", "4,6 %", "1.200 €")),
    ("fr", ("12,3 k", "12 346", "4,6 %", "1 200 €")),
    ("ja", ("1.2万", "12,346", "4.6%", "€1,200")),
])
def test_numbers_and_money_are_formatted_per_language(language: str,
                                                      expected: tuple[str, ...]) -> None:
    with i18n.using(language):
        shown = (numbers.compact(12345), numbers.grouped(12345.6), numbers.pct(0.0456),
                 numbers.money(1200, "EUR"))
        # CLDR separates with no-break spaces (U+00A0, U+202F): compared as spaces here
        assert tuple(t.replace("\xa0", " ").replace("\u202f", " ") for t in shown) == expected
        assert numbers.money(1200, "JPY").replace("\xa0", " ") in (
            "¥1,200", "1.200 ¥", "1 200 JPY", "1\u202f200 JPY", "￥1,200")


@pytest.mark.parametrize(("language", "typed", "spec", "value"), [
    ("de", "30.600", COUNT, 30600), ("de", "12,5", NUMBER, 12.5), ("de", "1.234,5", NUMBER,
                                                                    1234.5),
    ("fr", "12,5", NUMBER, 12.5), ("fr", "12 300", COUNT, 12300), ("es", "30.600", COUNT, 30600),
    ("pt_BR", "2.500", COUNT, 2500), ("en", "12,000", COUNT, 12000), ("en", "12.5", NUMBER, 12.5),
])
def test_numbers_are_read_as_the_language_writes_them(language: str, typed: str,
                                                      spec: ArgSpec, value: float) -> None:
    with i18n.using(language):
        assert parse_number(typed, spec) == value


@pytest.mark.parametrize(("language", "typed", "spec"), [
    ("en", "30.600", COUNT),  # English keeps today's rule: a decimal or a thousands dot?
    ("de", "12,000", COUNT),  # twelve (German) or twelve thousand (English habit)?
    ("de", "12.5", NUMBER),  # German writes 12,5
])
def test_still_ambiguous_numbers_are_asked_about(language: str, typed: str,
                                                 spec: ArgSpec) -> None:
    with i18n.using(language), pytest.raises(ArgError) as err:
        parse_number(typed, spec)
    assert typed in str(err.value)


@settings(max_examples=200, deadline=None)
@given(language=st.sampled_from(i18n.LANGUAGES),
       value=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                         allow_infinity=False))
def test_a_number_babel_formats_for_a_language_reads_back(language: str,
                                                          value: Decimal) -> None:
    """Property: what Babel writes for a locale, the bot reads back as the same value."""
    loc = "en_US" if language == "en" else language
    with i18n.using(language):
        typed = str(format_decimal(value, locale=loc))
        assert parse_number(typed, NUMBER) == pytest.approx(float(value))
        whole = str(format_decimal(int(value), locale=loc))
        assert parse_number(whole, COUNT) == int(value)


@pytest.fixture
def german_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A German catalogue naming three CSV columns, used instead of the real one."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.translations.cache_clear()
    catalog = Catalog(locale="de")
    for english, german in (("date", "Datum"), ("followers", "Follower"), ("views", "Aufrufe")):
        catalog.add(english, german, context="CSV column")
    po = i18n.catalogue_path("de")
    po.parent.mkdir(parents=True)
    with po.open("wb") as fp:
        write_po(fp, catalog)
    yield tmp_path
    i18n.translations.cache_clear()


def test_the_own_csv_reads_german_headers_dates_and_numbers(german_columns: Path) -> None:
    from datetime import UTC, datetime

    from bot.core.csv_import import date_example, header_example, parse_csv

    data = "Datum;Follower;Aufrufe\n09.11.2026;30.600;12.500\n10.11.2026;30.700;1.234\n"
    with i18n.using("de"):
        assert header_example() == "Datum;Follower;Aufrufe;likes"
        assert date_example() == "25.03.2026"
        plan = parse_csv(data.encode(), now=datetime(2026, 11, 20, tzinfo=UTC))
    assert not plan.errors
    assert [(t.date().isoformat(), v) for t, v in plan.rows] == [
        ("2026-11-09", {"followers": 30600.0, "views": 12500.0}),
        ("2026-11-10", {"followers": 30700.0, "views": 1234.0})]
    with i18n.using("en"):  # English keeps today's rules: 30.600 is asked about
        english = parse_csv(b"date,followers\n2026-11-09,30.600\n",
                            now=datetime(2026, 11, 20, tzinfo=UTC))
    assert english.errors and "ambiguous" in english.errors[0]


def test_every_message_argument_is_a_literal_the_extractor_can_read() -> None:
    """A help text or message built with an f-string or ``+`` is never extracted, so it stays
    English in every language (the /tips and /videos help were): values go in through
    ``lazy("… %(name)s …", name=…)`` or ``_()`` placeholders instead."""
    import ast

    root = Path(__file__).resolve().parents[2] / "bot"
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in ("ngettext", "pgettext"):
                args = list(node.args[:2])
            elif name in i18n.MESSAGE_ARGS:
                positions, keywords = i18n.MESSAGE_ARGS[name]
                args = [node.args[i] for i in positions if i < len(node.args)]
                args += [k.value for k in node.keywords if k.arg in keywords]
            else:
                continue
            found += [f"{path.relative_to(root.parent)}:{arg.lineno}: {name}"
                      for arg in args if isinstance(arg, ast.JoinedStr | ast.BinOp)]
    assert not found, found
