"""Load campaign definition files (YAML) and validate them.

Every problem names the file, the line and the field, so that a marketer can fix it without
reading code: ``wishlist.yaml:42: questions[0].label: missing the 'hi' text``.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from babel import Locale, UnknownLocaleError
from jsonschema import Draft202012Validator, FormatChecker

from chalicelib.campaigns.model import (
    Campaign,
    ConsentSpec,
    LocalizedText,
    Option,
    Question,
    SmsSpec,
)
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition

SCHEMA_PATH = Path(__file__).with_name("campaign.schema.json")
Path_ = tuple[str | int, ...]
# Names a marketer's text may use, by where the text is shown.
PLACEHOLDERS = {"prize.text": {"amount", "ends"}, "sms.thank_you.text": {"brand"}}
RESERVED_FIELD_IDS = {"phone", "consent", "form_token", "locale"}


@lru_cache(maxsize=1)
def schema_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top)"


class _Document:
    """A parsed YAML file with the line of every value, keyed by its path."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.problems: list[DefinitionProblem] = []
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            self.data: Any = self._build(loader, node, ()) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            self.data = None
            self.problem((), f"not valid YAML: {getattr(exc, 'problem', exc)}", line)
        finally:
            loader.dispose()

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, path: Path_) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(loader.construct_object(key_node))
                if key in out:
                    self.problem((*path, key), "given twice", key_node.start_mark.line + 1)
                out[key] = self._build(loader, value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # kept as text: the schema checks it as an ISO date-time
        return loader.construct_object(node)

    def line(self, path: Path_) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: Path_, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.line(path)
        self.problems.append(DefinitionProblem(self.file, line, dotted(path), message))


def _texts(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Mapping[str, str]]]:
    """Every localized text in a definition, with its path."""
    if isinstance(data, dict):
        key = path[-1] if path else None
        if key in {"brand", "title", "intro", "thanks", "label", "hint", "notice", "text"}:
            yield path, data
            return
        for k, v in data.items():
            yield from _texts(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, (*path, i))


def _placeholders(text: str) -> set[str] | None:
    """The names a text uses, or None where it uses more than plain {name} fields."""
    names = set()
    try:
        for _, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            if spec or conversion or not name.isidentifier():
                return None
            names.add(name)
    except ValueError:
        return None
    return names


def _check_semantics(doc: _Document, data: dict[str, Any]) -> None:
    locales: list[str] = data["locales"]
    for locale in locales:
        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            doc.problem(("locales",), f"{locale!r} is not a CLDR locale")
    if data["default_locale"] not in locales:
        doc.problem(("default_locale",), f"{data['default_locale']!r} is not in locales")
    for path, text in _texts(data):
        for locale in locales:
            if locale not in text:
                doc.problem(path, f"missing the {locale!r} text")
        for locale in text:
            if locale not in locales:
                doc.problem((*path, locale), f"{locale!r} is not one of the campaign's locales")
        where = ".".join(str(p) for p in path)
        allowed = PLACEHOLDERS.get(where, set())
        for locale, value in text.items():
            names = _placeholders(value)
            if names is None:
                doc.problem((*path, locale), "only plain {name} placeholders are allowed")
            elif names - allowed:
                unknown = ", ".join(sorted(names - allowed))
                doc.problem((*path, locale), f"unknown placeholder {{{unknown}}}")
    seen: set[str] = set()
    for i, question in enumerate(data["questions"]):
        qid = question["id"]
        if qid in seen or qid in RESERVED_FIELD_IDS:
            doc.problem(("questions", i, "id"), f"{qid!r} is used twice or reserved")
        seen.add(qid)
        options = question.get("options", [])
        if question["type"] == "choice" and len(options) < 2:
            doc.problem(("questions", i, "options"), "a choice needs at least two options")
        if question["type"] == "text" and options:
            doc.problem(("questions", i, "options"), "a text question has no options")
        ids = [o["id"] for o in options]
        for j, oid in enumerate(ids):
            if oid in ids[:j]:
                doc.problem(("questions", i, "options", j, "id"), f"{oid!r} is used twice")
    try:
        ZoneInfo(data.get("timezone", "Asia/Kolkata"))
    except (ZoneInfoNotFoundError, ValueError):
        doc.problem(("timezone",), "not an IANA time zone such as Asia/Kolkata")
    if "ends_at" in data and datetime.fromisoformat(data["ends_at"]).tzinfo is None:
        doc.problem(("ends_at",), "needs a UTC offset, e.g. +05:30")
    phone = data.get("phone", "none")
    if phone != "none" and "consent" not in data:
        doc.problem(("consent",), "a campaign that asks for a phone number must ask for consent")
    sms = data.get("sms", {})
    if "thank_you" in sms and phone == "none":
        doc.problem(("sms", "thank_you"), "an SMS needs phone: optional or required")
    if "thank_you" in sms and data.get("phone_region", "IN") == "IN":
        # India's DLT rules: carriers drop SMS without the registered entity and template.
        if "dlt_entity_id" not in sms:
            doc.problem(("sms", "dlt_entity_id"), "required for SMS to +91 numbers (DLT)")
        if "dlt_template_id" not in sms["thank_you"]:
            doc.problem(
                ("sms", "thank_you", "dlt_template_id"), "required for SMS to +91 numbers (DLT)"
            )


def _text(value: dict[str, str] | None) -> LocalizedText | None:
    return dict(value) if value is not None else None


def _build(data: dict[str, Any]) -> Campaign:
    def question(q: dict[str, Any]) -> Question:
        options = tuple(
            Option(
                id=o["id"],
                label=dict(o["label"]),
                price=Decimal(str(o["price"])) if "price" in o else None,
            )
            for o in q.get("options", [])
        )
        return Question(
            id=q["id"],
            kind=q["type"],
            label=dict(q["label"]),
            required=bool(q.get("required", False)),
            max_length=int(q.get("max_length", 500)),
            hint=_text(q.get("hint")),
            options=options,
        )

    consent = data.get("consent")
    sms = data.get("sms", {})
    thank_you = sms.get("thank_you")
    prize = data.get("prize")
    return Campaign(
        slug=data["slug"],
        version=data["version"],
        default_locale=data["default_locale"],
        locales=tuple(data["locales"]),
        brand=dict(data["brand"]),
        title=dict(data["title"]),
        intro=dict(data["intro"]),
        thanks=dict(data["thanks"]),
        questions=tuple(question(q) for q in data["questions"]),
        phone=data.get("phone", "none"),
        phone_region=data.get("phone_region", "IN"),
        consent=ConsentSpec(
            purpose=consent["purpose"],
            notice_version=consent["notice_version"],
            label=dict(consent["label"]),
            notice=dict(consent["notice"]),
        )
        if consent
        else None,
        thank_you_sms=SmsSpec(
            text=dict(thank_you["text"]),
            sms_type=thank_you.get("sms_type", "Transactional"),
            dlt_entity_id=sms.get("dlt_entity_id"),
            dlt_template_id=thank_you.get("dlt_template_id"),
        )
        if thank_you
        else None,
        currency=data.get("currency", "INR"),
        timezone=data.get("timezone", "Asia/Kolkata"),
        ends_at=datetime.fromisoformat(data["ends_at"]) if "ends_at" in data else None,
        prize=Decimal(str(prize["amount"])) if prize else None,
        prize_text=dict(prize["text"]) if prize else None,
    )


def parse_campaign(text: str, file: str, *, file_slug: str | None = None) -> Campaign:
    """Validate one definition; raise InvalidCampaignDefinition listing every problem.

    ``file_slug`` is the name the file is stored under, which must be the campaign's slug.
    """
    doc = _Document(file, text)
    if not doc.problems:
        if not isinstance(doc.data, dict):
            doc.problem((), "a campaign definition is a mapping of fields")
        else:
            for error in sorted(schema_validator().iter_errors(doc.data), key=str):
                doc.problem(tuple(error.absolute_path), error.message)
    if not doc.problems:
        _check_semantics(doc, doc.data)
        if file_slug is not None and file_slug != doc.data["slug"]:
            doc.problem(("slug",), f"the file must be named {doc.data['slug']}.yaml")
    if doc.problems:
        problems = sorted(doc.problems, key=lambda p: (p.line or 0, p.field))
        raise InvalidCampaignDefinition(problems)
    return _build(doc.data)


def load_campaign_file(path: Path) -> Campaign:
    return parse_campaign(path.read_text(encoding="utf-8"), path.name, file_slug=path.stem)


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
