"""The configurator part of a product campaign's form (the "designer" customers see): option
groups, the live drawing and the total price; and the drawing of a stored design."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.model import Choices
from chalicelib.configurator.choices import field_name, parse_choices
from chalicelib.configurator.compose import compose
from chalicelib.i18n import formatting
from chalicelib.responses.text import TextRejected, clean_text
from chalicelib.responses.validation import BYTES_PER_CHAR, NAME_MAX_CHARS


def configurator_form(
    campaign: Campaign, locale: str, values: Mapping[str, str]
) -> dict[str, Any] | None:
    """What the configurator part of the form shows: groups, the drawing, the total price."""
    product = campaign.product
    if product is None:
        return None
    choices = parse_choices(product, values, []) if values else product.defaults()
    name = values.get("name", "")
    return {
        "groups": [
            {
                "id": g.id,
                "label": g.label[locale],
                "many": g.choose == "many",
                "options": [
                    {
                        "id": o.id,
                        "field": field_name(g.id, o.id) if g.choose == "many" else g.id,
                        "label": o.label[locale],
                        "price": formatting.money(o.price, campaign.currency, locale)
                        if o.price
                        else None,
                        "chosen": o.id in choices.get(g.id, ()),
                    }
                    for o in g.options
                ],
            }
            for g in product.groups
        ],
        "svg": drawing(campaign, choices, _shown_name(name) or campaign.title[locale]),
        "total": formatting.money(product.price(choices), campaign.currency, locale),
        "name": name,
    }


def _shown_name(raw: str) -> str:
    """The design's name as it would be stored (cleaned), or "" where nothing would be:
    a name of spaces or control characters draws under the campaign's title.

    >>> _shown_name(" \\t\\x07 "), _shown_name("  मेरी   कार ")
    ('', 'मेरी कार')
    """
    try:
        most = NAME_MAX_CHARS
        return clean_text(raw, max_chars=most, max_bytes=most * BYTES_PER_CHAR, multiline=False)
    except TextRejected:
        return ""


def drawing(campaign: Campaign, choices: Choices, title: str) -> Markup:
    assert campaign.product is not None
    svg = compose(campaign.product, choices, title=title)
    # Composed from layers sanitized at load; customer text (the title) is escaped there.
    return Markup(svg)  # noqa: S704
