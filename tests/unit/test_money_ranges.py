"""A range's two ends in one form (both short or both in full, decided once for the range),
and a chart's axis in the language's own short form (issue: '月 ￥28,235–￥11.5万', and
'1.2万 → 1.3万' in a reply beside '12.5k' on its chart)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot import i18n
from bot.domain import numbers
from bot.render.charts import ChartSpec, build_figure

LANGUAGES = ("en", "de", "es", "fr", "ja", "pt_BR")
AMOUNTS = (0, 4.2, 50, 999, 5_000, 9_999, 12_500, 28_235, 75_560, 99_999, 115_000, 575_000,
           800_000, 1_500_000, 23_000_000)


def _short(text: str) -> bool:
    body = text
    for code in ("JPY", "USD", "EUR", "US"):
        body = body.replace(code, "")
    if i18n.current() == "en":
        return any(c in body for c in "kMBT")
    return numbers._abbreviated(body.replace("￥", "").replace("€", "").replace("$", ""))


def test_both_ends_of_a_money_range_share_one_form() -> None:
    for language in LANGUAGES:
        with i18n.using(language):
            for currency in ("USD", "JPY", "EUR"):
                for low, high in itertools.combinations(AMOUNTS, 2):
                    text = numbers.money_range(low, high, currency)
                    ends = text.split("–")
                    if len(ends) == 2:
                        assert _short(ends[0]) == _short(ends[1]), (language, text)
    with i18n.using("ja"):
        assert numbers.money_range(28_235, 115_000, "JPY") == "￥2.8万–￥11.5万"
        assert numbers.money_range(5_000, 115_000, "JPY") == "￥5,000–￥115,000"
    assert numbers.money_range(50, 150_000) == "$50–$150,000"


def test_chart_axis_writes_counts_as_the_reply_does() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    points = [(now + timedelta(days=i), 12_000.0 + 100 * i) for i in range(10)]
    for language in LANGUAGES:
        with i18n.using(language):
            for currency in (None, "JPY"):
                fig = build_figure(ChartSpec("t", "f", points, currency=currency))
                FigureCanvasAgg(fig).draw()
                ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
                assert len(set(ticks)) == len(ticks), (language, ticks)
                # the reply's short unit ('k', 'mil', '万'; German none below a million) on
                # every tick, never the English 'k' in a language that does not write it
                unit = "".join(c for c in numbers.compact(12_000) if c.isalpha() or c > "\u3000")
                assert all(unit in t for t in ticks), (language, ticks)
                if language in ("ja", "de", "es", "pt_BR"):
                    assert not any("k" in t for t in ticks), (language, ticks)
