"""How numbers are shown to creators: the one place for 12k, 1.2M, 4.5 %, $1,200 and 1:05.

The reverse (reading what creators type) lives in ``bot.core.args``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "BRL": "R$", "KRW": "₩"}


def compact(n: float | None) -> str:
    """12_345 -> '12.3k', 1_200_000 -> '1.2M', 950 -> '950'."""
    if n is None or math.isnan(n):
        return "?"
    sign = "-" if n < 0 else ""
    a = abs(n)
    units = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
    for i, (limit, suffix) in enumerate(units):
        if a >= limit:
            v = a / limit
            text = f"{v:.1f}".rstrip("0").rstrip(".") if v < 100 else f"{v:.0f}"
            if text == "1000" and i > 0:  # 999.96k reads as 1M, not 1000k
                return f"{sign}1{units[i - 1][1]}"
            return f"{sign}{text}{suffix}"
    if a == int(a):
        return f"{sign}{int(a)}"
    return f"{sign}{a:.1f}".rstrip("0").rstrip(".")


def count(n: float | None) -> str:
    """A count of people or things, always whole (a trend's 12.4 followers a week is shown as
    '12'), then as :func:`compact`: 12.4 -> '12', 999.6 -> '1k', 12_345 -> '12.3k',
    -0.4 -> '0'."""
    if n is None or math.isnan(n) or math.isinf(n):
        return compact(n)
    return compact(float(round(n)) or 0.0)


def grouped(n: float | None) -> str:
    """12345.6 -> '12,346'."""
    if n is None or math.isnan(n):
        return "?"
    return f"{round(n):,}"


def pct(x: float | None, digits: int = 1) -> str:
    """0.0456 -> '4.6%' (``x`` is a fraction)."""
    if x is None or math.isnan(x):
        return "?"
    if not math.isfinite(x) or abs(x) >= 1e12:
        return f"{x * 100:.3g}%"
    text = str(Decimal(repr(float(x) * 100)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def currency_symbol(currency: str) -> str | None:
    """'$' for USD, '€' for EUR; None where the code itself is shown (``12 CHF``)."""
    return _SYMBOLS.get(currency)


def money(amount: float | None, currency: str = "USD") -> str:
    """Rounded for reading: '$0', '$4.20', '$85', '$1,200', '$12k', '€3.4M'."""
    if amount is None or math.isnan(amount):
        return "?"
    sym = _SYMBOLS.get(currency)
    a = abs(amount)
    if a >= 100_000:
        body = compact(a)
    elif a >= 100:
        body = f"{round(a):,}"
    elif a >= 10:
        body = f"{a:.0f}"
    elif a == 0:
        body = "0"
    else:
        body = f"{a:.2f}"
    sign = "-" if amount < 0 else ""
    return f"{sign}{sym}{body}" if sym else f"{sign}{body} {currency}"


def money_exact(amount: float, currency: str = "USD") -> str:
    """An amount the creator typed, shown as typed, to the cent: '$12.50', '$99.99', '$350',
    '€1,200.00' is '€1,200' (whole amounts without cents). Formatted by Babel (en locale)."""
    from babel.numbers import format_currency

    whole = float(amount).is_integer()
    return str(format_currency(amount, currency, format="¤#,##0" if whole else None,
                               currency_digits=not whole, locale="en_US"))


def money_range(low: float, high: float, currency: str = "USD") -> str:
    if money(low, currency) == money(high, currency):
        return money(low, currency)
    return f"{money(low, currency)}–{money(high, currency)}"


def price(amount: float, currency: str = "USD") -> str:
    """A price-list amount: whole units, thousands grouped, never abbreviated ('$1,350',
    '150,000 CHF'); below 100 as :func:`money` ('$28', '$4.20')."""
    if abs(amount) < 100:
        return money(amount, currency)
    sym = _SYMBOLS.get(currency)
    body = f"{round(amount):,}"
    return f"{sym}{body}" if sym else f"{body} {currency}"


def price_range(low: float, high: float, currency: str = "USD") -> str:
    """``low``–``high`` in one style ('$52,000–$150,000', '52,000–150,000 CHF': a code is
    written once); one price when both read the same."""
    a, b = price(low, currency), price(high, currency)
    if a == b:
        return a
    if _SYMBOLS.get(currency):
        return f"{a}–{b}"
    return f"{a.removesuffix(' ' + currency)}–{b}"


def duration(seconds: float | None) -> str:
    """65 -> '1:05', 42 -> '42s', 3700 -> '1:01:40'."""
    if seconds is None or math.isnan(seconds):
        return "?"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
