"""Language tags: BCP 47 (``hi-Latn``, ``sat``) in campaigns, URLs and ``lang=``; Babel's
identifiers (``hi_Latn``) for catalogs and formatting. Script and direction come from the
locale (CLDR's likely subtags), never from a list of languages kept by hand.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# Scripts written right to left among those Babel knows for India's languages and neighbours.
RTL_SCRIPTS = {"Arab", "Hebr", "Thaa", "Syrc", "Adlm", "Rohg"}


def babel_id(tag: str) -> str:
    """Babel's identifier of a BCP 47 tag.

    >>> babel_id("hi-Latn"), babel_id("sat"), babel_id("pa_Guru")
    ('hi_Latn', 'sat', 'pa_Guru')
    """
    return tag.replace("-", "_")


def bcp47(identifier: str) -> str:
    """The BCP 47 tag of a Babel identifier (a catalog folder's name).

    >>> bcp47("hi_Latn"), bcp47("bn")
    ('hi-Latn', 'bn')
    """
    return identifier.replace("_", "-")


@cache
def babel_locale(tag: str) -> Locale:
    """Babel's locale for a tag (UnknownLocaleError or ValueError if Babel has none)."""
    from babel import Locale

    return Locale.parse(babel_id(tag))


@cache
def script(tag: str) -> str:
    """The ISO 15924 script a tag is written in: the tag's own, else CLDR's likely one.

    >>> script("hi"), script("hi-Latn"), script("sat"), script("mni"), script("sd-Deva")
    ('Deva', 'Latn', 'Olck', 'Beng', 'Deva')
    """
    from babel.core import get_global

    parts = babel_id(tag).split("_")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    likely = get_global("likely_subtags").get(parts[0], "")
    found = [p for p in likely.split("_")[1:] if len(p) == 4 and p.isalpha()]
    return found[0] if found else "Latn"


def direction(tag: str) -> str:
    """``rtl`` for Urdu, Kashmiri and Sindhi in Arabic script, ``ltr`` for the rest.

    >>> [direction(t) for t in ("ur", "ks", "sd", "sd-Deva", "hi", "sat")]
    ['rtl', 'rtl', 'rtl', 'ltr', 'ltr', 'ltr']
    """
    return "rtl" if script(tag) in RTL_SCRIPTS else "ltr"
