"""Choose the locale a customer sees, from what they asked for and what a campaign offers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags from an Accept-Language header, best first; q=0 means "not this".

    >>> parse_accept_language("en;q=0.5, hi-IN, fr;q=0")
    ['hi-IN', 'en']
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if 0.0 < quality <= 1.0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(preferred: Iterable[str], offered: Sequence[str]) -> str | None:
    """The offered locale that best fits the preferences (``hi-IN`` → ``hi``), or None.

    >>> negotiate(["fr", "hi-IN"], ["en", "hi"])
    'hi'
    """
    from babel import Locale

    for tag in preferred:
        tag = tag.replace("-", "_")
        try:
            match = Locale.negotiate([tag], list(offered))
        except (ValueError, TypeError):
            continue
        if match is not None:
            return str(match) if str(match) in offered else _offered_form(match, offered)
    return None


def _offered_form(match: Locale, offered: Sequence[str]) -> str | None:
    from babel import Locale

    for locale in offered:
        if Locale.parse(locale) == match:
            return locale
    return None


def text_direction(locale: str) -> str:
    """``rtl`` for right-to-left scripts (Urdu, Arabic), else ``ltr``."""
    from babel import Locale

    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"
