"""Quiet hours: send only between local 09:00 and 21:00, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.followups.quiet_hours import next_allowed_time

IST = ZoneInfo("Asia/Kolkata")
LONDON = ZoneInfo("Europe/London")


def at(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0
) -> datetime:
    """A local wall time, as the UTC instant the caller would pass in."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)


def test_before_start_waits_until_start_the_same_day() -> None:
    assert next_allowed_time(at(IST, 2026, 1, 5, 8, 59, 59), "Asia/Kolkata") == at(
        IST, 2026, 1, 5, 9, 0
    )


@pytest.mark.parametrize(
    "when",
    [at(IST, 2026, 1, 5, 9, 0), at(IST, 2026, 1, 5, 13, 30), at(IST, 2026, 1, 5, 20, 59, 59)],
)
def test_inside_the_window_is_unchanged(when: datetime) -> None:
    assert next_allowed_time(when, "Asia/Kolkata") is when


def test_exactly_at_end_waits_until_tomorrow() -> None:
    assert next_allowed_time(at(IST, 2026, 1, 5, 21, 0), "Asia/Kolkata") == at(
        IST, 2026, 1, 6, 9, 0
    )


def test_late_evening_crosses_midnight_to_the_next_morning() -> None:
    assert next_allowed_time(at(IST, 2026, 1, 5, 23, 45), "Asia/Kolkata") == at(
        IST, 2026, 1, 6, 9, 0
    )


def test_after_local_midnight_waits_for_the_same_local_day() -> None:
    # 00:30 IST on the 6th is still the 5th in UTC: the local date is what counts.
    when = datetime(2026, 1, 5, 19, 0, tzinfo=UTC)
    assert next_allowed_time(when, "Asia/Kolkata") == datetime(2026, 1, 6, 3, 30, tzinfo=UTC)


def test_year_end_rolls_over() -> None:
    assert next_allowed_time(at(IST, 2026, 12, 31, 22, 0), "Asia/Kolkata") == datetime(
        2027, 1, 1, 3, 30, tzinfo=UTC
    )


def test_result_is_utc() -> None:
    result = next_allowed_time(at(IST, 2026, 1, 5, 6, 0), "Asia/Kolkata")
    assert result.utcoffset() == timedelta(0)


def test_custom_window() -> None:
    when = at(IST, 2026, 1, 5, 10, 0)
    assert next_allowed_time(when, "Asia/Kolkata", time(11), time(18)) == at(IST, 2026, 1, 5, 11, 0)
    assert next_allowed_time(when, "Asia/Kolkata", time(8), time(10)) == at(IST, 2026, 1, 6, 8, 0)


def test_london_local_start_moves_in_utc_across_the_march_change() -> None:
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    saturday_night = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # 22:00 GMT
    assert next_allowed_time(saturday_night, "Europe/London") == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )  # 09:00 BST
    friday_night = datetime(2026, 3, 27, 22, 0, tzinfo=UTC)
    assert next_allowed_time(friday_night, "Europe/London") == datetime(
        2026, 3, 28, 9, 0, tzinfo=UTC
    )  # 09:00 GMT


def test_london_window_is_checked_in_local_time() -> None:
    winter = datetime(2026, 1, 15, 8, 30, tzinfo=UTC)  # 08:30 GMT: too early
    summer = datetime(2026, 7, 15, 8, 30, tzinfo=UTC)  # 09:30 BST: fine
    assert next_allowed_time(winter, "Europe/London") == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert next_allowed_time(summer, "Europe/London") is summer
    late_summer = datetime(2026, 7, 15, 20, 0, tzinfo=UTC)  # 21:00 BST: too late
    assert next_allowed_time(late_summer, "Europe/London") == datetime(
        2026, 7, 16, 8, 0, tzinfo=UTC
    )


def test_london_october_change() -> None:
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    saturday_night = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # 23:00 BST
    assert next_allowed_time(saturday_night, "Europe/London") == datetime(
        2026, 10, 25, 9, 0, tzinfo=UTC
    )  # 09:00 GMT


def test_start_inside_the_dst_gap_is_the_end_of_the_gap() -> None:
    # 01:30 does not exist in London on 29 March 2026: 01:00 GMT is followed by 02:00 BST.
    when = datetime(2026, 3, 29, 0, 10, tzinfo=UTC)
    assert next_allowed_time(when, "Europe/London", time(1, 30)) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_start_that_happens_twice_is_the_first_occurrence() -> None:
    # 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT) on 25 October 2026.
    when = datetime(2026, 10, 24, 23, 10, tzinfo=UTC)  # 00:10 BST
    assert next_allowed_time(when, "Europe/London", time(1, 30)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_other_aware_timezones_are_accepted() -> None:
    when = datetime(2026, 1, 5, 7, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert next_allowed_time(when, "Asia/Kolkata") == datetime(2026, 1, 5, 3, 30, tzinfo=UTC)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed_time(datetime(2026, 1, 5, 12, 0), "Asia/Kolkata")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "Asia/Mumbai"])
def test_unknown_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        next_allowed_time(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), zone)


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(21), time(9)), (time(9), time(9)), (time(9, tzinfo=UTC), time(21))],
)
def test_invalid_window_is_refused(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="start"):
        next_allowed_time(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), "Asia/Kolkata", start, end)
