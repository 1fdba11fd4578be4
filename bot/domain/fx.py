"""ECB euro reference rates (the ``eurofxref`` CSV) → ``strategies/rates/currencies.toml``.

The ECB publishes one day's rates as ``eurofxref.csv`` (a header ``Date, USD, JPY, …`` and one
row ``28 February 2025, 1.0411, …``) and the history as ``eurofxref-hist.csv`` (ISO dates, one
row per day, newest first; ``N/A`` for a currency not quoted that day). Rates are units per
1 EUR. Source: https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ECB_SOURCE = ("ECB euro foreign exchange reference rates "
              "(https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
              "euro_reference_exchange_rates/html/index.en.html)")


class FxError(ValueError):
    """The file is not an ECB reference-rate CSV; the message says why, in one sentence."""


@dataclass(frozen=True, slots=True)
class ReferenceRates:
    day: date
    per_eur: dict[str, float]  # always includes EUR = 1.0


_MONTHS = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}


def _day(text: str) -> date:
    """``28 February 2025`` (the daily file, English month names whatever the locale) or
    ``2025-02-28`` (the history file)."""
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    parts = value.split()
    if len(parts) == 3 and parts[1].lower() in _MONTHS and parts[0].isdigit() \
            and parts[2].isdigit():
        try:
            return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
        except ValueError:
            pass
    raise FxError(f"'{text.strip()}' is not a date (expected like 28 February 2025 or "
                  "2025-02-28)")


def parse_eurofxref(text: str) -> ReferenceRates:
    """The newest day in an ECB ``eurofxref`` or ``eurofxref-hist`` CSV.

    Raises :class:`FxError` for anything else (no Date column, no USD, a non-number rate).
    """
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(c.strip()
                                                                            for c in r)]
    if len(rows) < 2 or rows[0][0].strip() != "Date":
        raise FxError("this is not an ECB reference-rate CSV: the first column must be 'Date'")
    header = [h.strip() for h in rows[0]]
    dated = [(_day(r[0]), r) for r in rows[1:]]
    day, row = max(dated, key=lambda pair: pair[0])
    per_eur: dict[str, float] = {"EUR": 1.0}
    for code, cell in zip(header[1:], row[1:], strict=False):
        cell = cell.strip()
        if not code or not cell or cell.upper() == "N/A":
            continue
        if len(code) != 3 or not code.isalpha() or not code.isupper():
            raise FxError(f"'{code}' is not a currency code")
        try:
            value = float(cell)
        except ValueError:
            raise FxError(f"{code} on {day}: '{cell}' is not a number") from None
        if not (math.isfinite(value) and value > 0):
            raise FxError(f"{code} on {day}: a rate must be a positive number")
        per_eur[code] = value
    if "USD" not in per_eur:
        raise FxError(f"no USD rate on {day} (estimates are computed in USD)")
    return ReferenceRates(day, per_eur)


def currencies_toml(rates: ReferenceRates, source_file: str) -> str:
    """The text of ``currencies.toml`` for ``rates``."""
    lines = [
        "# Exchange rates for showing estimates in a creator's currency. Every estimate is "
        "computed in US",
        "# dollars and converted once. Rates are the ECB's euro reference rates (units per 1 EUR)"
        " of one",
        "# day; USD amounts convert through the euro: amount_in_X = usd / per_eur.USD * "
        "per_eur.X.",
        "# Refresh: creator-advisor rates fx eurofxref.csv",
        f'date = "{rates.day.isoformat()}"',
        f'source = "{ECB_SOURCE} of {rates.day.isoformat()}, loaded from {source_file}"',
        "",
        "[per_eur]",
        *(f"{code} = {value!r}" for code, value in rates.per_eur.items()),
    ]
    return "\n".join(lines) + "\n"


def load_into(csv_path: Path, rates_dir: Path) -> ReferenceRates:
    """Parse ``csv_path`` and replace ``rates_dir/currencies.toml`` (validated before writing)."""
    from bot.domain.datafiles import DataFileError
    from bot.domain.rates import Currencies

    try:
        text = csv_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FxError(f"cannot read {csv_path}: {exc}") from None
    rates = parse_eurofxref(text)
    body = currencies_toml(rates, csv_path.name)
    target = rates_dir / "currencies.toml"
    tmp = target.with_suffix(".toml.new")
    tmp.write_text(body, encoding="utf-8")
    try:
        from bot.domain.datafiles import load_toml

        load_toml(tmp, Currencies)
    except DataFileError as exc:
        tmp.unlink(missing_ok=True)
        raise FxError(str(exc)) from None
    tmp.replace(target)
    return rates
