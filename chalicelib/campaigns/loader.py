"""Load campaign definition files (YAML) and validate them.

Every problem names the file, the line and the field, so that a marketer can fix it without
reading code: ``wishlist.yaml:42: questions[0].label: missing the 'hi' text``.

PyYAML, jsonschema and Babel are imported by the first parse, not with this module: a cold
start imports app.py whatever it will serve.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.campaigns import placeholders, translations
from chalicelib.campaigns.model import (
    Campaign,
    ConsentSpec,
    Definition,
    FollowUpStep,
    LocalizedText,
    Option,
    OptionGroup,
    Product,
    ProductOption,
    Question,
    Replies,
    Sharing,
)
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from chalicelib.followups.sms import (
    DLT_VARIABLE_MAX_CHARS,
    DltTemplateError,
    SmsSize,
    matches_dlt_template,
    segments,
)
from chalicelib.i18n import formatting
from chalicelib.i18n.catalogs import ui_locales
from chalicelib.i18n.tags import babel_id

if TYPE_CHECKING:
    import yaml
    from jsonschema import Draft202012Validator

DURATION = re.compile(r"P(?!\Z)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
PLACEHOLDER = placeholders.FIELD
LINK_PLACEHOLDERS = {"{link}", "{unsubscribe}", "{confirm}", "{share_link}"}
IMMEDIATE = {"PT0S", "PT0M", "PT0H", "P0D"}
SCHEMA_PATH = Path(__file__).with_name("campaign.schema.json")
STORED_MAX_BYTES = 380_000
"""A deployed version keeps the YAML and its validated data in one DynamoDB item (400 KB at
most, names and the other attributes included)."""
Path_ = tuple[str | int, ...]
# Names a marketer's text may use, by where the text is shown.
PLACEHOLDERS = {
    "prize.text": {"amount", "ends"},
    "sharing.share_text": {"brand", "link", "name"},
    "replies.template": {"brand", "text"},
}
# A follow-up may also use each choice question's answer, {<id>} and {<id>_price}.
FOLLOWUP_PLACEHOLDERS = {
    "brand",
    "ends",
    "days_left",
    "link",
    "unsubscribe",
    "reward",
    "count",
    "confirm",  # the signed link a referred friend opens (trigger: referred)
    "share_link",  # the sharer's share page (trigger: share_approved)
}
# Localized values that are not prose: complete per locale, but no placeholders checked.
SHARING_TRIGGERS = {"referred", "share_approved", "share_rejected"}
VERBATIM = {"dlt_registered", "dlt_template_id"}
LOCALIZED_KEYS = {
    *("brand", "title", "intro", "thanks", "label", "hint", "notice", "text"),
    *("share_text", "template", *VERBATIM),
}
RESERVED_FIELD_IDS = {"phone", "consent", "form_token", "locale", "src"}
# Marketers write plain text; template syntax is refused, never evaluated.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#(?!var#\}|url#\})|\$\{")


@lru_cache(maxsize=1)
def schema_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top)"


MAX_YAML_DIGITS = 30  # no number of a campaign needs more


@lru_cache(maxsize=1)
def _loader_without_aliases() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader, refusing aliases: ``*name`` shares one node, so a few KB of
    nested aliases expand to gigabytes (billion laughs) and an alias inside its own anchor
    recurses forever. A campaign writes each value out."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"an alias (*{event.anchor}) is not allowed in a campaign; write the value "
                    "out where it is needed",
                    event.start_mark,
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node

    def bounded_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
        if len(str(node.value).lstrip("+-")) > MAX_YAML_DIGITS:  # int() refuses 4,300+
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of more than {MAX_YAML_DIGITS} digits", node.start_mark
            )
        value: int = yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]
        return value

    Loader.add_constructor("tag:yaml.org,2002:int", bounded_int)
    return Loader


class _Document:
    """A parsed YAML file with the line of every value, keyed by its path."""

    def __init__(self, file: str, text: str) -> None:
        import yaml

        self.file = file
        self.lines: dict[Path_, int] = {}
        self.problems: list[DefinitionProblem] = []
        self.data: Any = None
        if len(text) > STORED_MAX_BYTES:  # before parsing: what cannot be stored is not read
            self.problem((), f"too large: at most {STORED_MAX_BYTES // 1000} KB of YAML", 1)
            return
        try:
            loader = _loader_without_aliases()(text)  # checks the characters: inside the try
        except yaml.YAMLError as exc:
            self.problem((), f"not valid YAML: {exc}", 1)
            return
        try:
            node = loader.get_single_node()
            self.data = self._build(loader, node, ()) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            self.data = None
            self.problem((), f"not valid YAML: {getattr(exc, 'problem', exc)}", line)
        except RecursionError:  # PyYAML composes nested collections recursively
            self.data = None
            self.problem((), "not valid YAML: nested too deeply for a campaign", 1)
        finally:
            loader.dispose()

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, path: Path_) -> Any:
        import yaml

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
        if key in LOCALIZED_KEYS:
            yield path, data
            return
        for k, v in data.items():
            yield from _texts(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, (*path, i))


def _link_problem(link: str) -> str | None:
    """Why a link in a marketer's text would fail a customer, or None.

    >>> _link_problem("http://kavyahome.example/offer"), _link_problem("https://x")
    ('links must use https', 'not a link to a web address')
    """
    parts = urlsplit(link)
    if parts.scheme != "https":
        return "links must use https"
    if "." not in parts.netloc or parts.netloc.startswith("."):
        return "not a link to a web address"
    return None


def _unservable(locale: str) -> str | None:
    """Why pages could not be served in ``locale`` by this code, or None. They need the UI
    strings' catalog and Babel's data; the package carries Babel's data for exactly the locales
    in use (samvad_cli/build.py), so a deployed function may know the language but lack both.
    """
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        Locale.parse(babel_id(locale))
        data = True
    except (UnknownLocaleError, ValueError):
        data = False
        if locale.partition("_")[0].partition("-")[0] not in get_global("likely_subtags"):
            return f"{locale!r} is not a CLDR locale"
    if "_" in locale:
        return f"{locale!r}: write the BCP 47 tag {locale.replace('_', '-')!r}"
    if locale not in ui_locales():
        return (
            f"{locale!r} cannot be served: no UI translation "
            f"(locales/{babel_id(locale)}/LC_MESSAGES/messages.po, compiled by make i18n); "
            "README, Languages: how to add one"
        )
    if not data:
        return f"{locale!r} cannot be served: this package has no Babel data for it"
    return None


def _check_semantics(doc: _Document, data: dict[str, Any]) -> None:
    locales: list[str] = data["locales"]
    for locale in locales:
        problem = _unservable(locale)
        if problem:
            doc.problem(("locales",), problem)
    if data["default_locale"] not in locales:
        doc.problem(("default_locale",), f"{data['default_locale']!r} is not in locales")
    followup_names = FOLLOWUP_PLACEHOLDERS | {
        name
        for q in data["questions"]
        if q["type"] == "choice"
        for name in (q["id"], f"{q['id']}_price")
    }
    for path, text in _texts(data):
        for locale in locales:
            if locale not in text:
                doc.problem(path, f"missing the {locale!r} text")
        for locale in text:
            if locale not in locales:
                doc.problem((*path, locale), f"{locale!r} is not one of the campaign's locales")
        if path[-1] in VERBATIM:
            continue
        where = ".".join(str(p) for p in path)
        allowed = followup_names if path[0] == "followups" else PLACEHOLDERS.get(where, set())
        for locale, value in text.items():
            variants = value.items() if isinstance(value, dict) else [(None, value)]
            for variant, variant_text in variants:
                at = (*path, locale) if variant is None else (*path, locale, variant)
                for link in URL.findall(variant_text):
                    problem = _link_problem(link)
                    if problem:
                        doc.problem(at, f"{problem}: {link}")
                if TEMPLATE_SYNTAX.search(variant_text):
                    doc.problem(at, "template syntax is not allowed: texts are plain text")
                    continue
                names = placeholders.names(variant_text)
                if names is None:
                    doc.problem(at, "only plain {name} placeholders are allowed")
                elif names - allowed:
                    unknown = ", ".join(sorted(names - allowed))
                    doc.problem(at, f"unknown placeholder {{{unknown}}}")
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
    window = {}
    for key in ("starts_at", "ends_at"):
        if key in data:
            try:
                window[key] = datetime.fromisoformat(data[key])
            except (TypeError, ValueError):
                # The schema's date-time format says so too, where its checker is installed.
                doc.problem((key,), "not a date and time such as 2027-03-31T23:59:00+05:30")
                return
            if window[key].tzinfo is None:
                doc.problem((key,), "needs a UTC offset, e.g. +05:30")
                return
    if len(window) == 2 and window["starts_at"] >= window["ends_at"]:
        doc.problem(("ends_at",), "must be after starts_at")
    phone = data.get("phone", "none")
    if phone != "none" and "consent" not in data:
        doc.problem(("consent",), "a campaign that asks for a phone number must ask for consent")
    _check_followups(doc, data)
    _check_product(doc, data)
    _check_countries(doc, data)


def _check_product(doc: _Document, data: dict[str, Any]) -> None:
    from chalicelib.designs.drawing import look_problems

    product = data.get("product")
    if product is None:
        if "sharing" in data:
            doc.problem(("sharing",), "sharing needs a product to design")
        return
    groups = [g["id"] for g in product["groups"]]
    for i, group in enumerate(product["groups"]):
        if group["id"] in groups[:i] or group["id"] in RESERVED_FIELD_IDS:
            doc.problem(
                ("product", "groups", i, "id"), f"{group['id']!r} is used twice or reserved"
            )
        ids = [o["id"] for o in group["options"]]
        for j, option in enumerate(group["options"]):
            at: Path_ = ("product", "groups", i, "options", j)
            if option["id"] in ids[:j]:
                doc.problem((*at, "id"), f"{option['id']!r} is used twice")
            for problem in look_problems(product["kind"], option.get("look", {})):
                doc.problem((*at, "look"), problem)
    sharing = data.get("sharing", {})
    if ("reward_threshold" in sharing) != ("reward" in sharing):
        doc.problem(("sharing",), "reward_threshold and reward go together")


def _check_countries(doc: _Document, data: dict[str, Any]) -> None:
    import phonenumbers

    for field in ("phone_region", "sms_countries"):
        value = data.get(field, [])
        for i, code in enumerate([value] if isinstance(value, str) else value):
            if code not in phonenumbers.SUPPORTED_REGIONS:
                at: Path_ = (field,) if isinstance(value, str) else (field, i)
                doc.problem(at, f"{code!r} is not a country with phone numbers (ISO 3166 code)")


def _uses_placeholder(step: dict[str, Any], name: str) -> bool:
    for value in step.get("text", {}).values():
        for text in value.values() if isinstance(value, dict) else [value]:
            if name in (placeholders.names(text) or set()):
                return True
    return False


def _check_followups(doc: _Document, data: dict[str, Any]) -> None:
    phone = data.get("phone", "none")
    india = data.get("phone_region", "IN") == "IN"
    questions = {q["id"] for q in data["questions"]}
    seen: set[str] = set()
    needs_entity = False
    dlt_uses: dict[str, set[str]] = {}  # locale -> placeholders used by DLT-checked SMS texts
    for i, step in enumerate(data.get("followups", [])):
        at: Path_ = ("followups", i)
        if step["id"] in seen:
            doc.problem((*at, "id"), f"{step['id']!r} is used twice")
        if ("after" in step) == ("trigger" in step):
            doc.problem(at, "give either after (a delay) or trigger (an event)")
        if step.get("trigger") == "reward" and "reward" not in data.get("sharing", {}):
            doc.problem((*at, "trigger"), "the campaign has no sharing.reward")
        if step.get("trigger") in SHARING_TRIGGERS and "sharing" not in data:
            doc.problem((*at, "trigger"), "the campaign has no sharing")
        for name, trigger in (("confirm", "referred"), ("share_link", "share_approved")):
            if step.get("trigger") != trigger and _uses_placeholder(step, name):
                doc.problem((*at, "text"), f"{{{name}}} is only known with trigger: {trigger}")
        seen.add(step["id"])
        skip = step.get("skip_if_answered")
        if skip is not None and skip not in questions:
            doc.problem((*at, "skip_if_answered"), f"there is no question {skip!r}")
        if step["channel"] == "event":
            for key in ("sms_type", "dlt_template_id", "dlt_registered", "plural"):
                if key in step:
                    doc.problem((*at, key), "only for SMS steps")
            continue
        if phone == "none":
            doc.problem((*at, "channel"), "an SMS needs phone: optional or required")
        for key in ("text", "sms_type"):
            if key not in step:
                doc.problem((*at, key), "required for an SMS step")
        texts = step.get("text", {})
        _check_plurals(doc, at, step, texts)
        later = step.get("after", "PT0S") not in IMMEDIATE
        if step.get("sms_type") == "Transactional" and later and "trigger" not in step:
            doc.problem(
                (*at, "sms_type"),
                "a later SMS is marketing, not a confirmation the customer asked for:"
                " use Promotional",
            )
        if step.get("sms_type") == "Promotional":
            for locale, value in texts.items():
                variants = value.values() if isinstance(value, dict) else [value]
                if any("{unsubscribe}" not in v for v in variants):
                    doc.problem(
                        (*at, "text", locale), "marketing SMS must carry the {unsubscribe} link"
                    )
        if india:
            # India's DLT rules: carriers drop SMS without the registered entity and template.
            if "dlt_entity_id" not in data.get("sms", {}) and not needs_entity:
                needs_entity = True  # reported once, not once per SMS step
                line = doc.line(("sms",)) if "sms" in data else doc.line(at)
                doc.problem(("sms", "dlt_entity_id"), "required for SMS to +91 numbers (DLT)", line)
            for key in ("dlt_template_id", "dlt_registered"):
                if key not in step:
                    doc.problem((*at, key), "required for SMS to +91 numbers (DLT)")
            _check_dlt_bodies(doc, at, texts, step.get("dlt_registered", {}))
            for locale, value in texts.items():
                variants = value.values() if isinstance(value, dict) else [value]
                for variant in variants:
                    dlt_uses.setdefault(locale, set()).update(placeholders.names(variant) or set())
    _check_dlt_values(doc, data, dlt_uses)
    reward = data.get("sharing", {}).get("reward_threshold")
    proven = any(
        s.get("trigger") == "referred" and _uses_placeholder(s, "confirm")
        for s in data.get("followups", [])
    )
    if reward is not None and not proven:
        doc.problem(
            ("sharing", "reward_threshold"),
            "only friends who prove their number count: add a follow-up SMS with"
            " trigger: referred carrying {confirm}",
        )


def _check_dlt_values(doc: _Document, data: dict[str, Any], uses: dict[str, set[str]]) -> None:
    """Values known now (the brand, option labels) must fit a DLT {#var#} where SMS use them;
    a longer one makes every such SMS miss its registered template, so it is never sent."""
    values: list[tuple[Path_, str, dict[str, str]]] = [(("brand",), "brand", data["brand"])]
    for i, question in enumerate(data["questions"]):
        for j, option in enumerate(question.get("options", [])):
            where: Path_ = ("questions", i, "options", j, "label")
            values.append((where, question["id"], option["label"]))
    for path, name, texts in values:
        for locale, text in texts.items():
            size = len(unicodedata.normalize("NFC", text))
            if name in uses.get(locale, set()) and size > DLT_VARIABLE_MAX_CHARS:
                doc.problem(
                    (*path, locale),
                    f"{size} characters: too long for an SMS {{{name}}} "
                    f"(a DLT {{#var#}} holds at most {DLT_VARIABLE_MAX_CHARS})",
                )


def _sample_value(match: re.Match[str]) -> str:
    # Links are as long as real signed ones, so the segment counts are honest.
    return "https://samvad.example/u/" + "x" * 70 if match.group(0) in LINK_PLACEHOLDERS else "x"


def _with_prices(text: str, campaign: Campaign, locale: str) -> str:
    """Prices as they will be shown: a currency sign such as ₹ alone makes an SMS UCS-2."""
    price = formatting.money(Decimal("9999"), campaign.currency, locale)
    return re.sub(r"\{[a-z_]+_price\}", lambda _: price, text)


def _check_dlt_bodies(
    doc: _Document, at: Path_, texts: dict[str, Any], registered: dict[str, str]
) -> None:
    """Each text, with short values in its placeholders, must fit the registered body."""
    for locale, value in texts.items():
        body = registered.get(locale)
        if body is None:
            continue
        variants = value.items() if isinstance(value, dict) else [(None, value)]
        for variant, text in variants:
            sample = PLACEHOLDER.sub(_sample_value, text)
            try:
                fits = matches_dlt_template(sample, body)
            except DltTemplateError as exc:
                doc.problem((*at, "dlt_registered", locale), str(exc))
                break
            if not fits:
                where = (*at, "text", locale) if variant is None else (*at, "text", locale, variant)
                doc.problem(where, f"does not match the DLT-registered body {body!r}")


def _check_plurals(doc: _Document, at: Path_, step: dict[str, Any], texts: dict[str, Any]) -> None:
    from babel import Locale, UnknownLocaleError

    plural = step.get("plural")
    for locale, value in texts.items():
        if not isinstance(value, dict):
            continue
        if plural is None:
            doc.problem((*at, "plural"), "texts with plural forms need plural: <number name>")
            return
        try:
            needed = set(Locale.parse(babel_id(locale)).plural_form.tags) | {"other"}
        except (UnknownLocaleError, ValueError):
            continue
        missing = needed - set(value)
        if missing:
            doc.problem(
                (*at, "text", locale),
                f"plural forms missing: {', '.join(sorted(missing))} (CLDR {locale})",
            )


def _text(value: dict[str, str] | None) -> LocalizedText | None:
    return dict(value) if value is not None else None


def parse_duration(value: str) -> timedelta:
    """An ISO 8601 duration of days, hours, minutes and seconds.

    >>> parse_duration("P1DT2H")
    datetime.timedelta(days=1, seconds=7200)
    """
    match = DURATION.fullmatch(value)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _step(step: dict[str, Any]) -> FollowUpStep:
    return FollowUpStep(
        id=step["id"],
        after=parse_duration(step.get("after", "PT0S")),
        trigger=step.get("trigger"),
        channel=step["channel"],
        text=step.get("text"),
        sms_type=step.get("sms_type", "Transactional"),
        plural=step.get("plural"),
        dlt_template_id=step.get("dlt_template_id"),
        dlt_registered=step.get("dlt_registered"),
        skip_if_answered=step.get("skip_if_answered"),
    )


def _product(data: dict[str, Any]) -> Product:
    return Product(
        kind=data["kind"],
        base_price=Decimal(str(data["base_price"])),
        groups=tuple(
            OptionGroup(
                id=g["id"],
                label=dict(g["label"]),
                choose=g.get("choose", "one"),
                options=tuple(
                    ProductOption(
                        id=o["id"],
                        label=dict(o["label"]),
                        price=Decimal(str(o.get("price", 0))),
                        look=dict(o.get("look", {})),
                    )
                    for o in g["options"]
                ),
            )
            for g in data["groups"]
        ),
    )


def _build(data: dict[str, Any], version: int) -> Campaign:
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
    prize = data.get("prize")
    return Campaign(
        slug=data["slug"],
        version=version,
        default_locale=data["default_locale"],
        locales=tuple(data["locales"]),
        brand=dict(data["brand"]),
        title=dict(data["title"]),
        intro=dict(data["intro"]),
        thanks=dict(data["thanks"]),
        questions=tuple(question(q) for q in data["questions"]),
        phone=data.get("phone", "none"),
        phone_region=data.get("phone_region", "IN"),
        sms_countries=tuple(data.get("sms_countries", [data.get("phone_region", "IN")])),
        sms_per_hour=data.get("sms_per_hour"),
        consent=ConsentSpec(
            purpose=consent["purpose"],
            notice_version=consent["notice_version"],
            label=dict(consent["label"]),
            notice=dict(consent["notice"]),
        )
        if consent
        else None,
        followups=tuple(_step(step) for step in data.get("followups", [])),
        dlt_entity_id=data.get("sms", {}).get("dlt_entity_id"),
        currency=data.get("currency", "INR"),
        timezone=data.get("timezone", "Asia/Kolkata"),
        starts_at=datetime.fromisoformat(data["starts_at"]) if "starts_at" in data else None,
        ends_at=datetime.fromisoformat(data["ends_at"]) if "ends_at" in data else None,
        prize=Decimal(str(prize["amount"])) if prize else None,
        prize_text=dict(prize["text"]) if prize else None,
        product=_product(data["product"]) if "product" in data else None,
        sharing=Sharing(
            share_text=dict(data["sharing"]["share_text"]),
            reward_threshold=data["sharing"].get("reward_threshold"),
            reward=_text(data["sharing"].get("reward")),
        )
        if "sharing" in data
        else None,
        moderation=data.get("moderation", "flagged"),
        replies=Replies(
            template=dict(data["replies"]["template"]),
            dlt_template_id=_text(data["replies"].get("dlt_template_id")),
            dlt_registered=_text(data["replies"].get("dlt_registered")),
        )
        if "replies" in data
        else None,
    )


def _checked(text: str, file: str, file_slug: str | None) -> dict[str, Any]:
    """The data of a definition that passes every check; else InvalidCampaignDefinition
    listing every problem."""
    text, translated = translations.split(text)
    doc = _Document(file, text)
    merged = translations.merge(doc.data, translated, _Document)
    doc.problems += merged.problems
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
        found = merged.relocate(doc.problems)  # translated texts: the translator's file
        problems = sorted(found, key=lambda p: (p.file != file, p.file, p.line or 0, p.field))
        raise InvalidCampaignDefinition(problems)
    data: dict[str, Any] = doc.data
    return data


def parse_campaign(
    text: str, file: str, *, file_slug: str | None = None, version: int = 0
) -> Campaign:
    """Validate one definition; raise InvalidCampaignDefinition listing every problem.

    ``file_slug`` is the name the file is stored under, which must be the campaign's slug;
    ``version`` is the number ``deploy`` gave this text (0 for a file not deployed yet).
    """
    return _build(_checked(text, file, file_slug), version)


def definition_of(text: str, file: str, *, file_slug: str | None = None) -> Definition:
    """Validate one definition as ``parse_campaign`` does, and keep the data that passed, as
    JSON, for ``campaign_from_validated``.

    The schema allows JSON types only (dates stay text, prices are numbers until ``_build``
    makes them Decimal), so the JSON gives back exactly the data that was checked.
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
    return _build(data, version)


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
                sample = PLACEHOLDER.sub(_sample_value, _with_prices(text, campaign, locale))
                sample = unicodedata.normalize("NFC", sample)
                yield step.id, locale, variant, segments(sample)
