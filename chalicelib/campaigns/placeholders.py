"""Marketers' placeholders: one small language, ``{name}`` and nothing else.

A marketer's text (page texts, SMS, share texts, replies) is plain text with ``{name}``
fields, ``name`` being lower-case letters, digits and ``_``. There is no attribute or index
access, no conversion and no format spec (``str.format`` would run ``{x.__class__}`` or pad
``{x:>9999999}``), and no literal brace. ``names`` checks a text when a campaign is validated;
``fill`` renders one and never raises, even for a text stored before the check existed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def names(text: str) -> set[str] | None:
    """The names ``text`` uses, or None where it has a brace that is not a plain field.

    >>> sorted(names("{brand}: thanks, {name}!"))
    ['brand', 'name']
    >>> [names(t) for t in ("{x.__class__}", "{x:>9}", "{0}", "{x!r}", "a } b", "{{x}}")]
    [None, None, None, None, None, None]
    """
    rest = FIELD.sub("", text)
    if "{" in rest or "}" in rest:
        return None
    return set(FIELD.findall(text))


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each field replaced by its value ("" for a name not given); any other
    brace is left as it is.

    >>> fill("{brand} says hi to {name}{missing}", {"brand": "Tawa & Co", "name": "Asha"})
    'Tawa & Co says hi to Asha'
    >>> fill("{link.__class__.__mro__} {name:>3000000}", {"link": "x", "name": "y"})
    '{link.__class__.__mro__} {name:>3000000}'
    """
    return FIELD.sub(lambda match: values.get(match.group(1), ""), text)
