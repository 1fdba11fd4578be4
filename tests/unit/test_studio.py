"""TikTok Studio's layouts read by the pure domain code: years, month names, limits of reading."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.csv_import import ImportError_
from bot.core.studio_import import read_upload
from bot.domain.studio import (
    Layout,
    StudioError,
    StudioImport,
    best_hours,
    date_locale,
    infer_years,
    latest_on_or_before,
    read_table,
    recognise,
)

NOW = datetime(2026, 3, 9, 12, tzinfo=UTC)


@given(st.dates(date(2001, 1, 1), date(2090, 12, 31)), st.integers(1, 800))
def test_years_inferred_backwards_for_any_run_of_days(end: date, n: int) -> None:
    days = [end - timedelta(days=k) for k in range(n)][::-1]
    assert infer_years([(d.month, d.day) for d in days], end) == days


def test_a_leap_day_goes_back_to_a_leap_year() -> None:
    assert latest_on_or_before(2, 29, date(2027, 3, 1)) == date(2024, 2, 29)
    with pytest.raises(ValueError, match="no date 04-31"):
        latest_on_or_before(4, 31, date(2026, 5, 1))


def test_hourly_rows_share_their_day() -> None:
    keys = [(12, 31)] * 24 + [(1, 1)] * 24
    days = infer_years(keys, date(2026, 1, 2))
    assert days[0] == date(2025, 12, 31) and days[-1] == date(2026, 1, 1)


@pytest.mark.parametrize(("cells", "locale"), [
    (["February 28", "March 1"], "en"),
    (["8 de marzo", "9 de marzo"], "es"),
    (["8 mars", "9 févr."], "fr"),
    (["8. März", "9. Mai"], "de"),
    (["8 de março"], "pt"),
])
def test_month_names_come_from_babel(cells: list[str], locale: str) -> None:
    assert date_locale(cells) == locale


@pytest.mark.parametrize("chat_language", ["zz", "x!", "", "pt-BR", "es_419"])
def test_any_chat_language_is_safe(chat_language: str) -> None:
    assert date_locale(["8 de marzo"], chat_language) == "es"


def test_unreadable_dates() -> None:
    assert date_locale(["Smarch 3"]) is None
    assert date_locale(["March"]) is None
    assert date_locale(["March 3 4"]) is None


def test_header_recognition_ignores_case_and_spacing() -> None:
    assert recognise(["date", " Video  Views", "Profile Views", "LIKES", "Comments", "Shares"]) \
        is Layout.OVERVIEW
    assert recognise(["Date", "Video Views"]) is None


def test_best_hours_wrap_past_midnight() -> None:
    day = date(2026, 1, 1)
    activity = [(day, h, 10.0 if h in (23, 0, 1) else 1.0) for h in range(24)]
    assert best_hours(activity) == (23, 1)
    assert best_hours([]) is None


def test_undefined_is_unknown_and_daily_comments_may_be_negative() -> None:
    studio = StudioImport(downloaded=date(2026, 3, 9), downloaded_given=True)
    body = [[f"March {d}", "undefined" if d == 1 else "10", "0", "5", "-2", "1"]
            for d in range(1, 9)]
    read_table(studio, Layout.OVERVIEW, "Overview.csv", body)
    assert date(2026, 3, 1) not in studio.daily["views"]
    assert studio.daily["comments"][date(2026, 3, 8)] == -2
    assert studio.snapshot_rows() == []  # fewer than 30 days: no 30-day totals


def _zip_with_a_lying_entry() -> bytes:
    """A zip whose header says its entry is small while the data inflates far beyond it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Overview.csv", b"\0" * 5_000_000)
    data = bytearray(out.getvalue())
    # Patch the declared size in the central directory to 100 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (100).to_bytes(4, "little")
    return bytes(data)


def test_an_entry_never_inflates_past_its_declared_size() -> None:
    with pytest.raises(ImportError_) as caught:
        read_upload(_zip_with_a_lying_entry(), "x.zip", now=NOW, downloaded=NOW.date())
    assert "Traceback" not in str(caught.value)


def test_content_with_undefined_post_time_and_views() -> None:
    studio = StudioImport(downloaded=date(2026, 3, 9), downloaded_given=False)
    body = [["March 8", "t", "https://www.tiktok.com/@c/video/42", "undefined", "1", "2", "3",
             "undefined"],
            ["March 8", "u", "https://www.tiktok.com/@c/video/43", "December 30", "1", "0", "0",
             "10"]]
    read_table(studio, Layout.CONTENT, "Content.csv", body)
    first, second = studio.videos
    assert (first.video_id, first.posted_on, first.views) == ("42", None, None)
    assert second.posted_on == date(2025, 12, 30) and second.engagement_rate_views == 0.1


def test_mixed_languages_say_so() -> None:
    studio = StudioImport(downloaded=date(2026, 3, 9), downloaded_given=False)
    body = [["8 de marzo", "5", "1"], ["March 9", "6", "1"]]
    with pytest.raises(StudioError, match="in the language of the other dates"):
        read_table(studio, Layout.FOLLOWER_HISTORY, "FollowerHistory.csv", body)
