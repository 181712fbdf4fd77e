"""Compiled gettext catalogs for the UI strings, one per locale.

The .mo files are compiled from ``locales/`` into this package (``make i18n``) because Chalice
packages only ``chalicelib/``. A missing catalog is an error, never a silent English page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.i18n.tags import babel_id, bcp47

if TYPE_CHECKING:
    from babel.support import NullTranslations

CATALOG_DIR = Path(__file__).with_name("catalogs")
DOMAIN = "messages"
SOURCE_LOCALE = "en"


class MissingCatalog(LookupError):
    pass


@cache
def ui_locales() -> tuple[str, ...]:
    """The locales with compiled UI strings as BCP 47 tags (``hi-Latn``; their folders are
    Babel's ``hi_Latn``), the source language first. Read once per process: the catalogs
    ship with the code, and a page asks several times (offered, alternates, negotiation)."""
    mos = CATALOG_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    compiled = sorted(bcp47(p.parent.parent.name) for p in mos)
    return (SOURCE_LOCALE, *[loc for loc in compiled if loc != SOURCE_LOCALE])


@cache
def translations_for(locale: str) -> NullTranslations:
    from babel.support import NullTranslations, Translations

    path = CATALOG_DIR / babel_id(locale) / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not path.is_file():
        if locale == SOURCE_LOCALE:
            return NullTranslations()  # the msgids are the English text
        raise MissingCatalog(f"no compiled UI catalog for {locale!r} at {path} (run make i18n)")
    with path.open("rb") as fp:
        return Translations(fp, domain=DOMAIN)


CONSOLE_DOMAIN = "console"
CONSOLE_LOCALES = ("en", "hi")
"""The marketers' console speaks these (``locales/<l>/LC_MESSAGES/console.po``): its strings
are not the customers', so the customer catalogs need not carry them."""


@cache
def console_translations(locale: str) -> NullTranslations:
    """The console's catalog for ``locale`` (one of ``CONSOLE_LOCALES``)."""
    from babel.support import NullTranslations, Translations

    if locale == SOURCE_LOCALE:
        return NullTranslations()
    path = CATALOG_DIR / babel_id(locale) / "LC_MESSAGES" / f"{CONSOLE_DOMAIN}.mo"
    if locale not in CONSOLE_LOCALES or not path.is_file():
        raise MissingCatalog(f"no compiled console catalog for {locale!r} at {path} (make i18n)")
    with path.open("rb") as fp:
        return Translations(fp, domain=CONSOLE_DOMAIN)
