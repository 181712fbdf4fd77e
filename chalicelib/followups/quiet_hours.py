"""Quiet hours: a follow-up goes out only during the customer's local daytime.

India's TRAI rules allow promotional SMS between 09:00 and 21:00 local time; the window is a
parameter so other markets can differ. Local time comes from the IANA zone (``zoneinfo``), so
DST is handled: 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def next_allowed_time(
    when: datetime, timezone: str, start: time = time(9), end: time = time(21)
) -> datetime:
    """``when`` if its local time is in ``[start, end)``, else the next local ``start``, in UTC.

    Before ``start`` the answer is today's ``start``; at or after ``end``, tomorrow's. If
    ``start`` falls in a DST gap that day, the answer is the first instant after the gap; if it
    occurs twice (clocks going back), the first occurrence. The window cannot span midnight:
    ``start`` must be before ``end``. ``when`` must be timezone-aware (naive is ValueError).

    >>> from datetime import datetime, UTC
    >>> next_allowed_time(datetime(2026, 1, 5, 2, 0, tzinfo=UTC), "Asia/Kolkata")  # 07:30 IST
    datetime.datetime(2026, 1, 5, 3, 30, tzinfo=datetime.timezone.utc)
    >>> next_allowed_time(datetime(2026, 1, 5, 6, 0, tzinfo=UTC), "Asia/Kolkata")  # 11:30 IST
    datetime.datetime(2026, 1, 5, 6, 0, tzinfo=datetime.timezone.utc)
    >>> next_allowed_time(datetime(2026, 1, 5, 15, 30, tzinfo=UTC), "Asia/Kolkata")  # 21:00 IST
    datetime.datetime(2026, 1, 6, 3, 30, tzinfo=datetime.timezone.utc)
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("when must be timezone-aware (UTC)")
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError("start and end are local wall-clock times: pass them without tzinfo")
    if not start < end:
        raise ValueError("start must be before end; a window across midnight is not supported")
    zone = _zone(timezone)
    local = when.astimezone(zone)
    if start <= local.time() < end:
        return when
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return _first_instant_at_or_after(day, start, zone)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _first_instant_at_or_after(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first UTC instant whose local time on ``day`` is ``wall`` or later."""
    naive = datetime.combine(day, wall)
    # fold=0 is the earlier of two occurrences when clocks go back.
    earlier = naive.replace(tzinfo=zone).astimezone(UTC)
    if earlier.astimezone(zone).replace(tzinfo=None) == naive:
        return earlier
    # ``wall`` does not exist (clocks went forward): the gap's end is the transition instant,
    # which lies between the two readings of ``wall``. Bisect to the second.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # before the transition
    high = earlier  # after it
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0)


def recipient_timezone(phone_e164: str | None, default: str) -> str:
    """The recipient's zone: the number's country's, when that country has only one (CLDR),
    else ``default`` (the campaign's), e.g. for the many zones of the USA.

    >>> recipient_timezone("+919876543210", "Europe/London")
    'Asia/Kolkata'
    >>> recipient_timezone("+971501234567", "Asia/Kolkata")
    'Asia/Dubai'
    >>> recipient_timezone("+12015550123", "Asia/Kolkata")
    'Asia/Kolkata'
    """
    import phonenumbers  # on first use, not with app.py
    from babel.core import get_global

    if not phone_e164:
        return default
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone_e164))
    except phonenumbers.NumberParseException:
        return default
    zones = get_global("territory_zones").get(region or "", [])
    return str(zones[0]) if len(zones) == 1 else default
