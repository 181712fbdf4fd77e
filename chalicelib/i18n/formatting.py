"""Numbers, money and dates in the customer's locale, always through Babel (imported on first
use, not with app.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chalicelib.i18n.tags import babel_id


def number(value: int | float | Decimal, locale: str) -> str:
    """Hindi groups digits in twos after the first thousand.

    >>> number(Decimal("1234567.5"), "hi")
    '12,34,567.5'
    """
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_id(locale))


def money(value: int | float | Decimal, currency: str, locale: str) -> str:
    """The currency's symbol and digits, placed as the locale places them.

    >>> money(Decimal("1899"), "INR", "hi")
    '₹1,899.00'
    >>> money(Decimal("1234567.5"), "INR", "bn"), money(Decimal("1899"), "INR", "hi-Latn")
    ('12,34,567.50₹', '₹1,899.00')
    """
    from babel.numbers import format_currency

    return format_currency(value, currency, locale=babel_id(locale))


def long_date(value: datetime, timezone: str, locale: str) -> str:
    """The calendar date in the campaign's time zone.

    >>> long_date(datetime.fromisoformat("2026-12-31T23:59:00+05:30"), "Asia/Kolkata", "hi")
    '31 दिसंबर 2026'
    """
    from babel.dates import format_date

    day = value.astimezone(ZoneInfo(timezone)).date()
    return format_date(day, format="long", locale=babel_id(locale))


def calendar_day(iso_day: str, locale: str) -> str:
    """A day (``YYYY-MM-DD``) as the locale writes it, for messages about date bounds.

    >>> calendar_day("2026-11-01", "en")
    'Nov 1, 2026'
    """
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(iso_day), format="medium", locale=babel_id(locale))
