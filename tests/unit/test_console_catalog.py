"""Every string of the console's templates is in its catalogs (English and Hindi), translated,
with its placeholders kept: a new console string without its Hindi fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from chalicelib.i18n.catalogs import CONSOLE_DOMAIN, CONSOLE_LOCALES
from chalicelib.web.rendering import TEMPLATE_DIR

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def template_messages() -> set[str]:
    found = set()
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "false"}
    for template in sorted((TEMPLATE_DIR / "console").glob("*.html")):
        with template.open("rb") as fp:
            for _, _, message, _ in babel_extract(fp, ("_", "gettext"), [], options):
                found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", CONSOLE_LOCALES)
def test_every_console_string_is_translated(locale: str) -> None:
    with (LOCALES / locale / "LC_MESSAGES" / f"{CONSOLE_DOMAIN}.po").open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=CONSOLE_DOMAIN)
    wanted = template_messages()

    missing = sorted(m for m in wanted if m not in catalog or not catalog[m].string)

    assert len(wanted) > 100
    assert missing == []
