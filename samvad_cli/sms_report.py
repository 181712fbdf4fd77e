"""What a campaign's SMS cost per language, for ``samvad validate``: each language's script,
encoding, segments and cost for one customer getting every message, and its DLT templates.

Every Indic script is UCS-2 (70 characters a segment, 67 once split); romanized Hindi
(``hi-Latn``) is GSM-7 when every character is in the GSM table (160, 153): about half the
cost of the same message in Devanagari, which the report says, or names the character that
spoils it (often ``₹`` from a price).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

from babel import Locale

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import sms_sizes
from chalicelib.i18n import formatting
from chalicelib.i18n.tags import script
from chalicelib.sms import encoding

PRICE = re.compile(r"\{[a-z_]+_price\}")


def script_name(tag: str) -> str:
    """The script's English name, as CLDR gives it.

    >>> script_name("sat"), script_name("hi-Latn")
    ('Ol Chiki', 'Latin')
    """
    code = script(tag)
    return str(Locale("en").scripts.get(code, code))


def _per_locale(campaign: Campaign) -> dict[str, tuple[str, int]]:
    """Per locale: the encoding (UCS-2 if any message is) and the segments of one of each
    message (the longest plural variant)."""
    longest: dict[tuple[str, str], tuple[str, int]] = {}
    for step, locale, _variant, size in sms_sizes(campaign):
        seen = longest.get((locale, step))
        if seen is None or size.segments > seen[1]:
            longest[(locale, step)] = (size.encoding, size.segments)
    totals: dict[str, tuple[str, int]] = {}
    for (locale, _step), (coding, count) in longest.items():
        before = totals.get(locale, ("GSM-7", 0))
        totals[locale] = ("UCS-2" if "UCS-2" in (before[0], coding) else "GSM-7", before[1] + count)
    return totals


def _spoilers(campaign: Campaign, locale: str) -> list[str]:
    """The characters outside GSM-7 in the locale's SMS texts, prices shown as they will be."""
    price = formatting.money(Decimal("9999"), campaign.currency, locale)
    found: list[str] = []
    for step in campaign.followups:
        value = step.text.get(locale) if step.channel == "sms" and step.text else None
        variants = value.values() if isinstance(value, Mapping) else [value] if value else []
        for text in variants:
            for char in PRICE.sub(price, text):
                if char not in found and encoding(char) == "UCS-2":
                    found.append(char)
    return found


def _templates(campaign: Campaign, locale: str) -> Iterator[str]:
    for step in campaign.followups:
        ids, bodies = step.dlt_template_id or {}, step.dlt_registered or {}
        if locale in ids:
            kind = "Unicode" if encoding(bodies.get(locale, "")) == "UCS-2" else "plain text"
            yield f"{step.id} {ids[locale]} ({kind})"
    replies = campaign.replies
    if replies is not None and replies.dlt_template_id and locale in replies.dlt_template_id:
        body = (replies.dlt_registered or {}).get(locale, "")
        kind = "Unicode" if encoding(body) == "UCS-2" else "plain text"
        yield f"replies {replies.dlt_template_id[locale]} ({kind})"


def language_lines(campaign: Campaign, price: float) -> list[str]:
    """The report's lines for one campaign (nothing when it sends no SMS)."""
    totals = _per_locale(campaign)
    if not totals:
        return []
    lines = ["  SMS per language (one of each message to one customer):"]
    for locale in campaign.locales:
        if locale not in totals:
            continue
        coding, count = totals[locale]
        cost = formatting.money(Decimal(str(round(count * price * 1000, 2))), "USD", "en")
        line = (
            f"    {locale} ({script_name(locale)}): {coding}, {count} segment(s), "
            f"about {cost} per 1,000 recipients"
        )
        devanagari = next((t for t in ("hi", "mr", "ne") if t in totals), None)
        if script(locale) == "Latn" and locale != "en" and devanagari:
            other = totals[devanagari][1]
            if coding == "GSM-7":
                line += (
                    f"; GSM-7 (160 characters a segment against 70): about half the cost of "
                    f"Devanagari ({devanagari}: {other} segment(s))"
                )
            else:
                spoilers = " ".join(repr(c) for c in _spoilers(campaign, locale)[:5])
                line += (
                    f"; UCS-2 because of {spoilers}: without them GSM-7, about half the cost "
                    f"of Devanagari ({devanagari}: {other} segment(s))"
                )
        lines.append(line)
        templates = list(_templates(campaign, locale))
        if templates:
            lines.append(f"      DLT templates: {', '.join(templates)}")
    return lines
