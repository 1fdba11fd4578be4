"""The CSV import's column-wise fast path never disagrees with the careful row-by-row path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.csv_import import ImportPlan, _careful_rows, _fast_rows, _specs, parse_csv
from bot.domain.numbers import kept

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
#: The creator's today: no row may be dated after it (the paths compare dates, never a
#: row dated by day alone with an instant).
LATEST = NOW.date()

# Cells near the fast path's edges: plain digits (some above a bound), empties, dates that are
# valid, invalid, in the future or written another way, and text the chat parser reads.
DIGITS = st.integers(min_value=0, max_value=10**13).map(str)
# Plain digits of any length up to past the longest cell read (40): zeros in front (the
# number within bounds, the cell too long or not) and long numbers.
LONG_DIGITS = st.one_of(
    st.tuples(st.integers(1, 45), DIGITS).map(lambda t: "0" * t[0] + t[1]),
    st.integers(14, 45).map(lambda n: "9" * n), st.integers(14, 45).map(lambda n: "0" * n))
CELL = st.one_of(DIGITS, DIGITS, LONG_DIGITS,
                 st.sampled_from(["", " ", "12k", "1,200", "4.5%", "-3", "x", "１２", "²", "1e3"]))
DATE = st.one_of(
    st.dates(min_value=datetime(2020, 1, 1).date(), max_value=datetime(2027, 12, 31).date())
    .map(lambda d: d.isoformat()),
    st.sampled_from(["2026-13-01", "", "2026-01-01T08:00", "2026-W01-1", "20260101",
                     " 2026-01-01", "2026-02-30"]),
)
HEADERS = st.lists(st.sampled_from(["followers", "views", "likes", "completion_rate",
                                    "avg_watch_time", "fans"]), min_size=1, max_size=4)


VALID_DATE = st.dates(min_value=datetime(2020, 1, 1).date(),
                      max_value=datetime(2026, 11, 3).date()).map(lambda d: d.isoformat())
CLEAN_HEADERS = st.lists(st.sampled_from(["followers", "views", "likes", "avg_watch_time"]),
                         min_size=1, max_size=3, unique=True)
CLEAN_CELL = st.one_of(st.integers(min_value=0, max_value=10**10).map(str),
                       st.integers(min_value=0, max_value=10**4).map(str), st.just(""),
                       LONG_DIGITS)


@st.composite
def csv_bodies(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """Half of the cases are clean files (the fast path's business), half anything."""
    clean = draw(st.booleans())
    metrics = draw(CLEAN_HEADERS if clean else HEADERS)
    names = ["date", *metrics]
    width = len(names)
    date, cell = (VALID_DATE, CLEAN_CELL) if clean else (DATE, CELL)
    extra = st.just(0) if clean else st.sampled_from([0, 0, 0, 0, -1, 1])
    rows = draw(st.lists(
        st.tuples(date, st.lists(cell, min_size=width - 1, max_size=width - 1), extra)
        .map(lambda t: ([t[0], *t[1]] + ["9"] * t[2])[: width + t[2]]),
        min_size=1, max_size=12))
    return names, rows


@given(csv_bodies())
@settings(max_examples=400, deadline=None)
def test_fast_path_agrees_with_careful_path(case: tuple[list[str], list[list[str]]]) -> None:
    names, body = case
    specs = _specs()
    fast = _fast_rows(names, specs, body, LATEST)
    plan = ImportPlan()
    careful = _careful_rows(names, specs, body, LATEST, plan)
    if fast is not None:
        rows, repeated = fast
        assert not plan.errors
        assert rows == careful
        assert repeated == plan.repeated
        # and of the same types (1 == 1.0: an int where the careful path has a float passes
        # the comparison above, yet prints differently in a reply; a moment equals the same
        # moment dated by day alone, which it is not)
        assert [[type(v) for v in values.values()] for _, values in rows] == [
            [type(v) for v in values.values()] for _, values in careful]
        assert [type(t) for t, _ in rows] == [type(t) for t, _ in careful]


def test_a_clean_file_takes_the_fast_path_and_a_gap_is_kept_as_unknown() -> None:
    names = ["date", "followers", "views"]
    body = [["2026-01-01", "100", "400"], ["2026-01-02", "", "500"], ["2026-01-01", "120", "1"]]
    fast = _fast_rows(names, _specs(), body, LATEST)
    assert fast == ([
        (datetime(2026, 1, 1, 12, tzinfo=UTC), {"followers": 120.0, "views": 1.0}),
        (datetime(2026, 1, 2, 12, tzinfo=UTC), {"views": 500.0}),
    ], {date(2026, 1, 1): 2})
    plan = parse_csv(b"date,followers,views\n" + b"\n".join(",".join(r).encode() for r in body),
                     now=NOW)
    assert plan.duplicates == 1 and not plan.errors
    assert [t.day for t, _ in plan.rows] == [1, 2]


def test_quoted_cells_follow_spreadsheet_quoting() -> None:
    plan = parse_csv(b'date,followers,views\n2026-01-01,"12,000","1""5"\n2026-01-02,"12,500",9\n',
                     now=NOW)
    # the cell as typed, marked so that no spacing pass changes it (numbers.kept)
    assert plan.errors == ["line 2: views: views must be a number like 40k — '" + kept('1"5')
                           + "' isn't one."]
    assert plan.rows == [(datetime(2026, 1, 2, 12, tzinfo=UTC), {"followers": 12_500, "views": 9})]


def test_a_column_named_twice_is_refused_with_one_sentence() -> None:
    # hostile test: date,followers,followers silently kept the later column
    import pytest

    from bot.core.csv_import import ImportError_

    for header in ("date,followers,followers", "date,followers,f", "date,date,followers"):
        with pytest.raises(ImportError_) as caught:
            parse_csv(f"{header}\n2026-10-01,100,200\n".encode(), now=NOW)
        assert "is named twice; keep one of the two columns" in str(caught.value), header
    assert parse_csv(b"date,followers,views\n2026-10-01,100,200\n", now=NOW).rows


def test_a_cut_list_of_unknown_columns_says_how_many_more_in_every_language() -> None:
    """Trial: a header of 5,000 columns; a list of them cut at eight says how many more there
    are, as the list's last item (never glued into the sentence as a phrase of its own)."""
    import pytest

    from bot import i18n
    from bot.core.csv_import import ImportError_

    header = ",".join(["date", *(f"x{i}" for i in range(4999))])
    for language in i18n.LANGUAGES:
        with i18n.using(language), pytest.raises(ImportError_) as caught:
            parse_csv(f"{header}\n2026-10-01{',1' * 4999}\n".encode(), now=NOW)
        said = str(caught.value)
        assert "x7" in said and "x8" not in said, (language, said)
        assert "4,991" in said or "4.991" in said or "4\u202f991" in said \
            or "4\xa0991" in said or "4991" in said, (language, said)
    with pytest.raises(ImportError_) as caught:
        parse_csv(f"{header}\n2026-10-01{',1' * 4999}\n".encode(), now=NOW)
    assert "x6, x7 and 4,991 others. Known:" in str(caught.value)


def test_a_cell_of_digits_past_the_longest_read_is_refused_even_within_the_bounds() -> None:
    """A number within its bounds written with zeros in front: up to 40 characters it is read
    (as the careful path reads it), one more and the line is refused as too long, whichever
    path the file takes (the fast one skips its cells' lengths when no long run of zeros is in
    the column)."""
    for name in ("followers", "views", "avg_watch_time", "live_hours"):
        maximum = str(int(_specs()[name].maximum or 0))
        longest = "0" * (40 - len(maximum)) + maximum
        plan = parse_csv(f"date,{name}\n2026-01-01,{longest}\n2026-01-02,7\n".encode(),
                         now=NOW)
        assert not plan.errors and plan.rows[0][1] == {name: float(maximum)}, name
        plan = parse_csv(f"date,{name}\n2026-01-01,0{longest}\n2026-01-02,7\n".encode(),
                         now=NOW)
        assert len(plan.errors) == 1 and "is too long for a value" in plan.errors[0], name


def test_a_file_of_dates_alone_names_each_row_without_values() -> None:
    """A header with the date column alone used to fail inside the fast path (an internal
    ``zip()`` error instead of a message); each row is now reported as having no values."""
    plan = parse_csv(b"date\n2026-01-01\n2026-01-02\n", now=NOW)
    assert plan.errors == ["line 2: no values.", "line 3: no values."]
    assert not plan.rows


@given(csv_bodies())
@settings(max_examples=300, deadline=None)
def test_a_clean_files_columns_read_as_its_rows(case: tuple[list[str], list[list[str]]]) -> None:
    """The fast path keeps a clean file as columns (:class:`DailyColumns`); whatever reads it
    (the preview's first rows and count, the checks' iteration, an index from the end) sees
    exactly the rows the careful path gives, before and after they are built."""
    names, body = case
    fast = _fast_rows(names, _specs(), body, LATEST)
    if fast is None:
        return
    rows, _ = fast
    plan = ImportPlan()
    expected = _careful_rows(names, _specs(), body, LATEST, plan)
    assert len(rows) == len(expected)
    # floats, as the careful path's, when read one row at a time too (1 == 1.0 passes below)
    assert {type(v) for i in range(len(rows)) for v in rows[i][1].values()} <= {float}
    assert [rows[i] for i in range(-len(rows), len(rows))] == expected * 2
    for cut in (slice(1, -1), slice(None, None, -2), slice(5, 2), slice(-3, None), slice(2, 99)):
        assert rows[cut] == expected[cut]  # (sliced before they are built: those rows alone)
    assert rows[:3] == expected[:3] and list(rows) == expected and rows == expected
    assert [rows[i] for i in range(len(rows))] == expected  # after being built, too



def test_csv_rows_stops_reading_past_its_limit() -> None:
    """``max_rows`` counts the header too (the Studio importer passes its rows plus one): up to
    it the rows come back; one more is refused with one sentence, before a bad line further on
    is even read (a bad line within the limit is reported by its number)."""
    import pytest

    from bot.core.csv_import import ImportError_, csv_rows

    too_long = "9" * 200_000  # over the csv module's field limit
    assert csv_rows("date,views\n2026-01-01,1\n2026-01-02,2\n", max_rows=3) == [
        ["date", "views"], ["2026-01-01", "1"], ["2026-01-02", "2"]]
    with pytest.raises(ImportError_) as caught:
        csv_rows(f"date,views\n2026-01-01,1\n2026-01-02,2\n2026-01-03,3\n2026-01-04,{too_long}\n",
                 max_rows=3)
    assert str(caught.value) == "The file has more than 2 rows."
    with pytest.raises(ImportError_) as caught:
        csv_rows(f"date,views\n2026-01-01,{too_long}\n", max_rows=3)
    assert str(caught.value).startswith("Line 2: a cell is far too long")


def test_the_collector_is_paused_while_a_file_is_parsed_and_as_it_was_after(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's rows (a list each, freed before the parse returns) counted towards the next
    garbage collection, and a year of them started one of everything young in the process
    mid-parse: the collector is paused while the rows are read and worked on, and on again
    after, also after a refused file, and left off when it was off."""
    import gc

    from bot.core import csv_import

    seen: list[bool] = []
    read = csv_import.csv_rows

    def reading(text: str, *, max_rows: int | None = None) -> list[list[str]]:
        seen.append(gc.isenabled())
        return read(text, max_rows=max_rows)

    monkeypatch.setattr(csv_import, "csv_rows", reading)
    year = "date,followers,views\n" + "".join(
        f"{(datetime(2025, 1, 1) + timedelta(days=d)).date()},{1000 + d},{4000 + d}\n"
        for d in range(365))
    assert gc.isenabled()
    try:
        assert len(parse_csv(year.encode(), now=NOW).rows) == 365
        assert seen == [False] and gc.isenabled()
        with pytest.raises(csv_import.ImportError_):
            parse_csv(b"views\n12\n", now=NOW)  # no date column
        assert seen == [False, False] and gc.isenabled()
        gc.disable()
        parse_csv(year.encode(), now=NOW)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("language", ["en", "de", "es", "fr", "ja", "pt_BR"])
def test_every_row_problem_is_a_sentence_with_its_full_stop(language: str) -> None:
    """Trial: "line 3: views: … isn't one." ended with a full stop, "line 4: … write it like
    2026-03-25" and "line 5: 2027-01-01 is in the future" did not. Every row's problem ends
    as a sentence does, in every language."""
    from bot import i18n

    data = ("date,followers\n2026-01-01,lots\n2026-13-01,5\n2027-01-01,5\n,5\n2026-01-02,\n"
            "2026-01-03,5,6\n2015-12-31,5\n2026-01-04,"
            + "9" * 50 + "\n0001-01-01T00:00+05:00,5\n").encode()
    with i18n.using(language):
        plan = parse_csv(data, now=NOW)
    assert len(plan.errors) == 9, plan.errors
    end = "。" if language == "ja" else "."
    assert [e for e in plan.errors if not e.endswith(end)] == [], plan.errors


def test_an_unknown_column_near_a_known_one_is_offered_as_chat_offers_it() -> None:
    """Trial: a column ``veiws`` got no "Did you mean" while ``/log veiws=5`` does: the same
    suggestion rule (args.closest_name) and sentence for both."""
    from bot.core.csv_import import ImportError_

    with pytest.raises(ImportError_) as refused:
        parse_csv(b"date,veiws\n2026-01-01,5\n", now=NOW)
    assert str(refused.value).endswith(". Did you mean 'views'?"), refused.value
    with pytest.raises(ImportError_) as far:
        parse_csv(b"date,zzz\n2026-01-01,5\n", now=NOW)
    assert "Did you mean" not in str(far.value), far.value
