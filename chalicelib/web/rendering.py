"""One Jinja2 environment per locale, with that locale's catalog and Babel filters installed.

Jinja2 is imported with the first environment, not with app.py: the scheduled and SNS Lambdas
and the JSON API render no template.

Templates are ours; marketers' texts reach them only as values, which autoescape escapes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.i18n import formatting
from chalicelib.i18n.catalogs import translations_for
from chalicelib.i18n.negotiation import text_direction
from chalicelib.i18n.tags import script

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE_DIR = Path(__file__).with_name("templates")


@cache
def environment_for(locale: str) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations_for(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(locale=locale, dir=text_direction(locale), script=script(locale))
    # Pages link to app paths (/hi/c/wishlist); the client reaches them under the app's mount.
    env.globals["url"] = pass_context(lambda context, path: context["base"] + path)
    env.filters["number"] = lambda value: formatting.number(value, locale)
    env.filters["money"] = lambda value, currency: formatting.money(value, currency, locale)
    env.filters["long_date"] = lambda value, tz: formatting.long_date(value, tz, locale)
    return env


def render(template: str, locale: str, *, base: str, **context: Any) -> str:
    """``base`` is where the app is mounted (``WebRequest.base``): ``url()`` in templates."""
    return environment_for(locale).get_template(template).render(base=base, **context)
