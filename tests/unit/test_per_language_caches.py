"""Work that only depends on the language is done once per language (bounded caches), with
the same results: numbers formatted as Babel formats them (the parsed locale, the parsed
pattern and recent figures kept), and the field names a command's arguments are read with.
Babel is asked here with the one rounding rule every number is shown with (half-up,
:data:`bot.domain.numbers.ROUNDING`, set through the decimal context Babel rounds in)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import pytest
from babel import Locale
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.core.fieldnames import field_key, field_names, local_field_names
from bot.domain import numbers

LANGUAGES = ("en", "de", "fr", "es", "pt_BR", "ja")


def _whole(value: float) -> int:
    """``value`` rounded to a whole number, a tie away from zero, from its shortest text."""
    return int(Decimal(repr(float(value))).quantize(Decimal(1), ROUND_HALF_UP))


def _babel(value: float, max_digits: int, min_digits: int, lang: str) -> str:
    pattern = "0" if max_digits <= 0 else (
        "0." + "0" * min_digits + "#" * max(max_digits - min_digits, 0))
    with localcontext(rounding=ROUND_HALF_UP):
        return str(format_decimal(value, format=pattern,
                                  locale=Locale.parse("en_US" if lang == "en" else lang)))


@settings(deadline=None)  # the first example loads a locale's data
@given(st.floats(min_value=-1e14, max_value=1e14) | st.integers(-10**12, 10**12),
       st.integers(0, 6), st.integers(0, 3), st.sampled_from(LANGUAGES))
def test_decimal_is_babels_format_decimal(value: float, max_digits: int, min_digits: int,
                                          lang: str) -> None:
    min_digits = min(min_digits, max_digits)
    with i18n.using(lang):
        first = numbers.decimal(value, max_digits, min_digits)
        again = numbers.decimal(value, max_digits, min_digits)  # from the cache
    assert first == again == _babel(value, max_digits, min_digits, lang)


def test_signed_zero_and_int_vs_float_keep_their_own_forms() -> None:
    with i18n.using("en"):
        assert numbers.decimal(-0.0) == _babel(-0.0, 6, 0, "en")
        assert numbers.decimal(0.0) == _babel(0.0, 6, 0, "en")
        assert numbers.decimal(1) == _babel(1, 6, 0, "en")
        assert numbers.decimal(1.0) == _babel(1.0, 6, 0, "en")


def test_a_figure_written_again_is_not_formatted_again() -> None:
    with i18n.using("de"):
        numbers.decimal(0.0123457)
        before = numbers._decimal_cached.cache_info()
        assert numbers.decimal(0.0123457) == "0,012346"
        after = numbers._decimal_cached.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    assert after.maxsize is not None  # bounded: least recently used first out
    assert numbers.locale() is numbers.locale()  # parsed once per language


def test_local_field_names_are_worked_out_once_per_language_and_read_only() -> None:
    with i18n.using("de"):
        german = local_field_names()
        assert local_field_names() is german  # kept, not built again for every command
        assert dict(german) == {field_key(v): k for k, v in field_names().items()}
        assert german["follower"] == "followers"
    with i18n.using("en"):
        assert local_field_names()["followers"] == "followers"
    try:
        german["x"] = "y"  # type: ignore[index]
    except TypeError:
        pass
    else:
        raise AssertionError("a shared mapping must be read-only")


def test_arguments_are_read_with_one_kept_map_of_every_language_s_field_names() -> None:
    """parse_value (a choice naming a field) and parse_args' lookup read one map: every
    language's field names with the current language's over them, kept per language."""
    from bot.core.fieldnames import any_field_names, readable_field_names

    with i18n.using("de"):
        names = readable_field_names()
        assert readable_field_names() is names
        assert dict(names) == {**any_field_names(), **local_field_names()}
        assert names["aufrufe"] == "views" and names["vues"] == "views"  # de, and fr
    with i18n.using("en"):
        assert readable_field_names() is not names
    with pytest.raises(TypeError):
        names["x"] = "y"  # type: ignore[index]


def test_local_field_names_follow_reloaded_catalogues() -> None:
    with i18n.using("de"):
        before = local_field_names()
        i18n.translations.cache_clear()  # what bot.i18n does after writing the catalogues
        try:
            again = local_field_names()
        finally:
            i18n.translations.cache_clear()
    assert again is not before and dict(again) == dict(before)


def _babel_currency(amount: float, currency: str, digits: int, lang: str) -> str:
    """The currency form as :func:`bot.domain.numbers._currency` wrote it before it kept
    anything: the pattern worked out and parsed, and Babel asked, on every call."""
    from babel.numbers import format_currency

    loc = Locale.parse("en_US" if lang == "en" else lang)
    base = loc.currency_formats["standard"].pattern.split(";")[0]
    head, sep, tail = base.partition("0.00")
    pattern = f"{head}0{('.' + '0' * digits) if digits else ''}{tail}" if sep else base
    with localcontext(rounding=ROUND_HALF_UP):
        return str(format_currency(amount, currency, format=pattern, locale=loc,
                                   currency_digits=False))


@settings(deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9) | st.integers(-10**9, 10**9),
       st.sampled_from(("USD", "EUR", "JPY", "CHF", "BRL")), st.integers(0, 4),
       st.sampled_from(LANGUAGES[1:]))
def test_currency_is_babels_format_currency(amount: float, currency: str, digits: int,
                                            lang: str) -> None:
    with i18n.using(lang):
        first = numbers._currency(amount, currency, digits)
        again = numbers._currency(amount, currency, digits)  # from the cache
    assert first == again == _babel_currency(amount, currency, digits, lang)


#: Amounts every currency form is checked with: signs and zeros, halves at each digit
#: count, the large and the small.
_AMOUNTS = (0, 0.0, -0.0, 1, -1, 0.5, 2.675, -2.675, 0.125, 1.005, 12.345678, 999.995,
            1234.5, -98765.4321, 1e-7, 5e-7, 123456789.0, 1e12 + 0.5)


def test_every_currency_form_is_babels_in_every_language() -> None:
    """The currency forms are written through the pattern with each currency's symbol in it
    (``numbers._with_symbol``), without the plural name Babel works out on every call: the
    same text as Babel's ``format_currency`` for every currency the rate tables know, in
    every language, with every number of decimals."""
    from bot.app import load_services
    from bot.config import Settings

    rates = load_services(Settings(_env_file=None)).rates  # type: ignore[call-arg]
    currencies = sorted({*rates.currencies.per_eur, "USD", "EUR"})
    for lang in LANGUAGES[1:]:
        with i18n.using(lang):
            for currency in currencies:
                for digits in range(7):
                    for amount in _AMOUNTS:
                        assert numbers._currency_in(amount, False, currency, digits, lang) \
                            == _babel_currency(amount, currency, digits, lang), (
                                lang, currency, digits, amount)


def test_currency_forms_skip_the_currencys_plural_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel's ``format_currency`` looks up the currency's name in the plural the amount
    takes on every call (for a ``¤¤¤`` pattern), two thirds of its cost; no pattern here
    names it, and the amounts are written without asking. A symbol a pattern would read
    (a quote) goes through ``format_currency`` itself, as before."""
    import babel.numbers

    def refused(*args: object, **kwargs: object) -> str:
        raise AssertionError("the currency's name was looked up")

    with i18n.using("de"):
        expected = _babel_currency(1234.5, "EUR", 2, "de")
        monkeypatch.setattr(babel.numbers, "get_currency_name", refused)
        assert numbers._currency_in(1234.5, False, "EUR", 2, "de") == expected
        assert numbers._usd(0.25, False, "de") == "0,25\xa0$"
        monkeypatch.undo()
        numbers._with_symbol.cache_clear()
        monkeypatch.setattr(babel.numbers, "get_currency_symbol", lambda *a, **k: "E'U")
        monkeypatch.setattr(numbers, "get_currency_symbol", lambda *a, **k: "E'U")
        try:
            assert numbers._with_symbol("#,##0.00\xa0¤", "EUR", "de") is None
            assert numbers._currency_in(7.5, False, "EUR", 2, "de") == "7,50\xa0E'U"
        finally:
            numbers._with_symbol.cache_clear()


@settings(deadline=None)
@given(st.floats(min_value=-1e14, max_value=1e14) | st.integers(-10**12, 10**12),
       st.sampled_from(LANGUAGES[1:]))
def test_grouped_is_babels_format_decimal(value: float, lang: str) -> None:
    with i18n.using(lang):
        first, again = numbers.grouped(value), numbers.grouped(value)
    expected = str(format_decimal(_whole(value), locale=Locale.parse(lang)))
    assert first == again == expected


def test_signed_zero_amounts_keep_their_own_forms() -> None:
    for lang in LANGUAGES[1:]:
        with i18n.using(lang):
            for amount in (-0.0, 0.0, 0, 1, 1.0):
                assert numbers._currency(amount, "EUR", 2) == _babel_currency(
                    amount, "EUR", 2, lang), (lang, amount)
                assert numbers._currency(amount, "EUR", 2) == numbers._currency(
                    amount, "EUR", 2)


def test_names_in_context_follow_reloaded_catalogues() -> None:
    """A name in context (:func:`bot.i18n.pgettext`) is kept per catalogue object: catalogues
    read again are asked again."""
    with i18n.using("de"):
        before = i18n.pgettext("CSV column", "followers")
        kept = i18n._in_context.cache_info().currsize
        i18n.translations.cache_clear()
        try:
            again = i18n.pgettext("CSV column", "followers")
            assert i18n._in_context.cache_info().currsize == kept + 1  # asked afresh
        finally:
            i18n.translations.cache_clear()
    assert again == before == "Follower"


@settings(deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9) | st.integers(-10**9, 10**9)
       | st.sampled_from((0.0, -0.0, 0, 0.5, -0.5)), st.sampled_from(LANGUAGES[1:]))
def test_usd_is_babels_format_currency(amount: float, lang: str) -> None:
    from babel.numbers import format_currency

    with i18n.using(lang):
        first, again = numbers.usd(amount), numbers.usd(amount)
    locale = Locale.parse(lang)
    # the language's currency pattern, with the decimals the amount has (never empty cents)
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(
        "0.00", "0.######", 1)
    with localcontext(rounding=ROUND_HALF_UP):
        expected = str(format_currency(amount, "USD", format=pattern, locale=locale,
                                       currency_digits=False))
    assert first == again == expected


def test_negative_zero_is_never_answered_from_zeros_entry() -> None:
    """0.0 and -0.0 are equal keys to a cache, but Babel writes one of them with a sign:
    each keeps its own form whichever is formatted first."""
    for lang in LANGUAGES[1:]:
        with i18n.using(lang):
            for first, second in ((0.0, -0.0), (-0.0, 0.0)):
                numbers._currency_cached.cache_clear()
                numbers._usd_cached.cache_clear()
                for amount in (first, second):
                    assert numbers._currency(amount, "EUR", 2) == _babel_currency(
                        amount, "EUR", 2, lang), (lang, amount)
                    assert numbers.usd(amount) == numbers._usd(amount, False, lang)


def _babel_compact(n: float, lang: str) -> str:
    """:func:`bot.domain.numbers.compact` in another language as it was written before it kept
    anything: Babel asked on every call."""
    from babel.numbers import format_compact_decimal

    loc = Locale.parse(lang)
    with localcontext(rounding=ROUND_HALF_UP):
        if abs(n) >= numbers.COMPACT_FROM:
            text = str(format_compact_decimal(n, format_type="short", fraction_digits=1,
                                              locale=loc))
            if any(c.isalpha() or c >= "\u3000" for c in text):
                return text
        return str(format_decimal(n if abs(n) < 1000 else _whole(n), format=None
                                  if abs(n) >= 1000 else "#,##0.#", locale=loc))


@settings(deadline=None)
@given(st.floats(min_value=-1e14, max_value=1e14) | st.integers(-10**12, 10**12)
       | st.sampled_from((0.0, -0.0, 0, -0.04, 0.04, 999.96, -12_345.0)),
       st.sampled_from(LANGUAGES[1:]))
def test_compact_is_babels_compact_form(n: float, lang: str) -> None:
    with i18n.using(lang):
        first, again = numbers.compact(n), numbers.compact(n)
    assert first == again == _babel_compact(n, lang)


@settings(deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=5),
       st.sampled_from(("standard", "or")), st.sampled_from(LANGUAGES[1:]))
def test_items_is_babels_format_list(texts: list[str], style: numbers.ListStyle,
                                     lang: str) -> None:
    from babel.lists import format_list

    with i18n.using(lang):
        first, again = numbers.items(texts, style), numbers.items(iter(texts), style)
    assert first == again == str(format_list(texts, style=style, locale=Locale.parse(lang)))


@settings(deadline=None)
@given(st.dates() | st.datetimes(), st.sampled_from(LANGUAGES[1:]))
def test_days_and_months_are_babels(value: object, lang: str) -> None:
    """A day and a month in another language are Babel's medium date and ``yMMM`` form,
    from the cache or not (a datetime is shown as its date; a month of it as Babel has it)."""
    from datetime import date, datetime

    from babel.dates import format_date, format_skeleton

    assert isinstance(value, date)
    loc = Locale.parse(lang)
    shown_day = value.date() if isinstance(value, datetime) else value
    with i18n.using(lang):
        assert numbers.day(value) == numbers.day(value) == str(
            format_date(shown_day, format="medium", locale=loc))
        assert numbers.month(value) == numbers.month(value) == str(
            format_skeleton("yMMM", value, locale=loc))
        assert numbers.day(value.isoformat()) == numbers.day(value)


@settings(deadline=None)
@given(st.integers(-10**6, 10**6),
       st.sampled_from(("duration-second", "duration-month", "duration-week", "duration-year")),
       st.sampled_from(("long", "short", "narrow")), st.sampled_from(LANGUAGES))
def test_quantity_is_babels_format_unit(n: int, unit: str, length: str, lang: str) -> None:
    """A quantity kept in the cache reads as Babel writes it in its language (Japanese with
    no space between the number and its counter), however often it is asked for."""
    from babel.units import format_unit

    expected = str(format_unit(n, unit, length=length,  # type: ignore[arg-type]
                               locale=Locale.parse("en_US" if lang == "en" else lang)))
    if lang == "ja":
        expected = re.sub(r"(\d) (?=\D)", r"\1", expected)
    with i18n.using(lang):
        assert numbers.quantity(n, unit, length) == expected  # type: ignore[arg-type]
        assert numbers.quantity(n, unit, length) == expected  # type: ignore[arg-type]


def test_typed_example_types_each_field_word_and_keeps_every_other() -> None:
    """typed_example's pattern of the language's field keys changes the same words as the
    rule it stands for: each word of ``[a-z_]`` at a word's start (after a space or ``=``)
    and before ``=``, a space or the end, written as the language names that field; every
    other word kept (in every message of every catalogue, in every language)."""
    from babel.messages.pofile import read_po

    from bot.domain.fieldnames import _current_field_names, _local_keys, typed_example

    word = re.compile(r"(?<![^\s=])([a-z_]+)(?==|\s|$)")
    texts = {"/log followers=12k views=40k", "=views=", "xviews=", "views2=", "views",
             "avg_views=3 views_per_week", "followers\nviews", "metric=followers"}
    for po in Path(i18n.__file__).parent.glob("locales/*/LC_MESSAGES/*.po"):
        with po.open("rb") as f:
            for message in read_po(f):
                for text in (message.id, message.string):
                    texts.update([text] if isinstance(text, str) else [t for t in text if t])
    for lang in LANGUAGES:
        with i18n.using(lang):
            names = _current_field_names()
            for text in texts:
                # a name the translator typed in the language is written as a creator types
                # it (fieldnames._local_keys: French "Vues moyennes=8k" -> "vues moyennes=8k")
                expected = text if lang == "en" else word.sub(
                    lambda m, names=names: names.get(m.group(1), m.group(1)),
                    _local_keys(text))
                assert typed_example(text) == expected, (lang, text)


def test_every_message_in_every_language_stays_kept() -> None:
    """Review: the kept texts were one cache of 8,192 shared by six catalogues, whose
    messages asked through it (1,352 distinct msgids, 8,112 in six languages) already
    filled it to within 1%: a few more messages and a reply going through them all pushed
    out the ones asked first; its docstring said "a few thousand". Each catalogue keeps its
    own messages, however many: with the catalogues a quarter larger, the first message
    asked is still the same kept text after every message in every language."""
    from babel.messages.pofile import read_po

    with (Path(i18n.__file__).parent / "locales" / "messages.pot").open("rb") as fp:
        ids = [m.id for m in read_po(fp) if m.id and isinstance(m.id, str)]
    grown = ids + [f"{m} (a message added later)" for m in ids[: len(ids) // 4]]
    first: dict[str, str] = {}
    for lang in LANGUAGES:
        with i18n.using(lang):
            first[lang] = i18n.gettext(ids[0])
            for msgid in grown[1:]:
                i18n.catalogue_text(msgid)
    for lang in LANGUAGES:
        with i18n.using(lang):
            assert i18n.gettext(ids[0]) is first[lang], lang
