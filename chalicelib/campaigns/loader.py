"""Load campaign definition files (YAML) and validate them.

A definition goes through one pipeline (``_checked``): read as YAML with the line of every
value (``document``), checked against the schema (``schema``) and then against what a schema
cannot say (``checks``, ``followup_checks``); only data that passed every check becomes a
``Campaign`` (``build``). Every problem names the file, the line and the field, so that a
marketer can fix it without reading code: ``wishlist.yaml:42: questions[0].label: missing the
'hi' text``.

PyYAML, jsonschema and Babel are imported by the first parse, not with this module: a cold
start imports app.py whatever it will serve.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from chalicelib.campaigns import assets, theme, translations
from chalicelib.campaigns.build import build_campaign, parse_duration
from chalicelib.campaigns.checks import LOCALIZED_KEYS, VERBATIM, check_semantics
from chalicelib.campaigns.document import STORED_MAX_BYTES, Document
from chalicelib.campaigns.followup_checks import PLACEHOLDER, sample_value
from chalicelib.campaigns.model import Campaign, Definition
from chalicelib.campaigns.product_checks import inline_assets
from chalicelib.campaigns.schema import check_schema, schema_validator
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from chalicelib.i18n import formatting
from chalicelib.sms import SmsSize, segments

__all__ = [
    "LOCALIZED_KEYS",
    "STORED_MAX_BYTES",
    "VERBATIM",
    "campaign_from_validated",
    "definition_of",
    "load_campaign_file",
    "load_campaigns",
    "parse_campaign",
    "parse_duration",
    "schema_validator",
    "sms_sizes",
]


def _checked(text: str, file: str, file_slug: str | None) -> dict[str, Any]:
    """The data of a definition that passes every check; else InvalidCampaignDefinition
    listing every problem."""
    text, files = assets.split(text)
    text, translated = translations.split(text)
    doc = Document(file, text)
    merged = translations.merge(doc.data, translated, Document)
    doc.problems += merged.problems
    embedded: dict[str, Any] = {}
    if not doc.problems:
        check_schema(doc)
    if not doc.problems:
        inline_assets(doc, doc.data, files)
        check_semantics(doc, doc.data)
        embedded = theme.check_theme(doc, doc.data, files)
        if file_slug is not None and file_slug != doc.data["slug"]:
            doc.problem(("slug",), f"the file must be named {doc.data['slug']}.yaml")
    if doc.problems:
        found = merged.relocate(doc.problems)  # translated texts: the translator's file
        problems = sorted(found, key=lambda p: (p.file != file, p.file, p.line or 0, p.field))
        raise InvalidCampaignDefinition(problems)
    data: dict[str, Any] = doc.data
    if embedded:
        data["theme"] = embedded  # the checked images themselves: pages never read files
    return data


def parse_campaign(
    text: str, file: str, *, file_slug: str | None = None, version: int = 0
) -> Campaign:
    """Validate one definition; raise InvalidCampaignDefinition listing every problem.

    ``file_slug`` is the name the file is stored under, which must be the campaign's slug;
    ``version`` is the number ``deploy`` gave this text (0 for a file not deployed yet).
    """
    return build_campaign(_checked(text, file, file_slug), version)


def definition_of(text: str, file: str, *, file_slug: str | None = None) -> Definition:
    """Validate one definition as ``parse_campaign`` does, and keep the data that passed, as
    JSON, for ``campaign_from_validated``.

    The schema allows JSON types only (dates stay text, prices are numbers until
    ``build_campaign`` makes them Decimal), so the JSON gives back exactly the data that was
    checked.
    """
    data = _checked(text, file, file_slug)
    validated = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    stored = len(text.encode("utf-8")) + len(validated.encode("utf-8"))
    if stored > STORED_MAX_BYTES:
        raise InvalidCampaignDefinition(
            [
                DefinitionProblem(
                    file,
                    None,
                    "(the whole definition)",
                    f"too large to store: {stored // 1000} KB with its checked form, at most "
                    f"{STORED_MAX_BYTES // 1000} KB (about {STORED_MAX_BYTES // 2000} KB of "
                    "YAML); shorten the texts or split the campaign",
                )
            ]
        )
    return Definition(slug=data["slug"], source=text, validated=validated)


def campaign_from_validated(validated: str, version: int) -> Campaign:
    """The campaign of a ``Definition.validated``: no YAML, no schema, no checks again (they
    passed when it was made), so a cold Lambda imports neither PyYAML nor jsonschema."""
    data: dict[str, Any] = json.loads(validated)
    return build_campaign(data, version)


def load_campaign_file(path: Path) -> Campaign:
    """A definition file checked as a deploy checks it (so ``samvad validate`` says what a
    deploy would refuse, its stored size included)."""
    text = translations.bundle(path)
    return campaign_from_validated(definition_of(text, path.name, file_slug=path.stem).validated, 0)


def load_campaigns(directory: Path) -> dict[str, Campaign]:
    """Every campaign in a folder; all files are checked before any problem is raised."""
    campaigns: dict[str, Campaign] = {}
    problems: list[DefinitionProblem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            campaign = load_campaign_file(path)
        except InvalidCampaignDefinition as exc:
            problems.extend(exc.problems)
        else:
            campaigns[campaign.slug] = campaign
    if problems:
        raise InvalidCampaignDefinition(problems)
    return campaigns


def _with_prices(text: str, campaign: Campaign, locale: str) -> str:
    """Prices as they will be shown: a currency sign such as ₹ alone makes an SMS UCS-2."""
    price = formatting.money(Decimal("9999"), campaign.currency, locale)
    return re.sub(r"\{[a-z_]+_price\}", lambda _: price, text)


def sms_sizes(campaign: Campaign) -> Iterator[tuple[str, str, str | None, SmsSize]]:
    """Each SMS text's encoding and segment count per locale, with short sample values.

    Hindi is UCS-2: 70 characters fit one segment, 67 per segment once split.
    """
    for step in campaign.followups:
        if step.channel != "sms" or step.text is None:
            continue
        for locale, value in step.text.items():
            variants = value.items() if isinstance(value, Mapping) else [(None, value)]
            for variant, text in variants:
                sample = PLACEHOLDER.sub(sample_value, _with_prices(text, campaign, locale))
                sample = unicodedata.normalize("NFC", sample)
                yield step.id, locale, variant, segments(sample)
