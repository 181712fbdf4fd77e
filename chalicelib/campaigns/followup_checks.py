"""The rules for a campaign's follow-up steps: when and on what event each goes out, what an SMS
must carry (consent to text, an unsubscribe link on marketing), plural forms, and India's DLT
registration (entity, template ids, bodies the texts must match, variables that fit).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from chalicelib.campaigns import placeholders
from chalicelib.campaigns.document import Document, Path_
from chalicelib.i18n.tags import babel_id
from chalicelib.sms import DLT_VARIABLE_MAX_CHARS, DltTemplateError, matches_dlt_template

PLACEHOLDER = placeholders.FIELD
LINK_PLACEHOLDERS = {"{link}", "{unsubscribe}", "{confirm}", "{share_link}"}
IMMEDIATE = {"PT0S", "PT0M", "PT0H", "P0D"}
SHARING_TRIGGERS = {"referred", "share_approved", "share_rejected"}
# A placeholder known only to the step with this trigger.
TRIGGERED_PLACEHOLDERS = (("confirm", "referred"), ("share_link", "share_approved"))
DLT_REQUIRED = "required for SMS to +91 numbers (DLT)"


def sample_value(match: re.Match[str]) -> str:
    # Links are as long as real signed ones, so the segment counts are honest.
    return "https://samvad.example/u/" + "x" * 70 if match.group(0) in LINK_PLACEHOLDERS else "x"


def _variants(value: Any) -> list[str]:
    """The texts of one locale: the plural forms, or the one text."""
    return list(value.values()) if isinstance(value, dict) else [value]


def _uses_placeholder(step: dict[str, Any], name: str) -> bool:
    for value in step.get("text", {}).values():
        for text in _variants(value):
            if name in (placeholders.names(text) or set()):
                return True
    return False


def _check_step(doc: Document, data: dict[str, Any], at: Path_, step: dict[str, Any]) -> None:
    """What any step needs: a delay or an event it can have, and known names."""
    if ("after" in step) == ("trigger" in step):
        doc.problem(at, "give either after (a delay) or trigger (an event)")
    if step.get("trigger") == "reward" and "reward" not in data.get("sharing", {}):
        doc.problem((*at, "trigger"), "the campaign has no sharing.reward")
    if step.get("trigger") in SHARING_TRIGGERS and "sharing" not in data:
        doc.problem((*at, "trigger"), "the campaign has no sharing")
    for name, trigger in TRIGGERED_PLACEHOLDERS:
        if step.get("trigger") != trigger and _uses_placeholder(step, name):
            doc.problem((*at, "text"), f"{{{name}}} is only known with trigger: {trigger}")


def _check_skip(doc: Document, data: dict[str, Any], at: Path_, step: dict[str, Any]) -> None:
    skip = step.get("skip_if_answered")
    if skip is not None and skip not in {q["id"] for q in data["questions"]}:
        doc.problem((*at, "skip_if_answered"), f"there is no question {skip!r}")


def _check_event_step(doc: Document, at: Path_, step: dict[str, Any]) -> None:
    for key in ("sms_type", "dlt_template_id", "dlt_registered", "plural"):
        if key in step:
            doc.problem((*at, key), "only for SMS steps")


def _check_sms_step(doc: Document, data: dict[str, Any], at: Path_, step: dict[str, Any]) -> None:
    """A phone to text, a text, plural forms, and marketing said as such and stoppable."""
    if data.get("phone", "none") == "none":
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
            "a later SMS is marketing, not a confirmation the customer asked for: use Promotional",
        )
    if step.get("sms_type") == "Promotional":
        for locale, value in texts.items():
            if any("{unsubscribe}" not in v for v in _variants(value)):
                doc.problem(
                    (*at, "text", locale), "marketing SMS must carry the {unsubscribe} link"
                )


def _check_plurals(doc: Document, at: Path_, step: dict[str, Any], texts: dict[str, Any]) -> None:
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


def _check_dlt_entity(doc: Document, data: dict[str, Any], at: Path_) -> None:
    """Reported once, at the first SMS step that needs it."""
    if "dlt_entity_id" not in data.get("sms", {}):
        where = doc.position(("sms",)) if "sms" in data else doc.position(at)
        doc.problem(("sms", "dlt_entity_id"), DLT_REQUIRED, *where)


def _check_dlt_step(doc: Document, at: Path_, step: dict[str, Any]) -> None:
    """India's DLT rules: carriers drop SMS without the registered entity and template."""
    for key in ("dlt_template_id", "dlt_registered"):
        if key not in step:
            doc.problem((*at, key), DLT_REQUIRED)
    _check_dlt_bodies(doc, at, step.get("text", {}), step.get("dlt_registered", {}))


def _check_dlt_bodies(
    doc: Document, at: Path_, texts: dict[str, Any], registered: dict[str, str]
) -> None:
    """Each text, with short values in its placeholders, must fit the registered body."""
    for locale, value in texts.items():
        body = registered.get(locale)
        if body is None:
            continue
        variants = value.items() if isinstance(value, dict) else [(None, value)]
        for variant, text in variants:
            sample = PLACEHOLDER.sub(sample_value, text)
            try:
                fits = matches_dlt_template(sample, body)
            except DltTemplateError as exc:
                doc.problem((*at, "dlt_registered", locale), str(exc))
                break
            if not fits:
                where = (*at, "text", locale) if variant is None else (*at, "text", locale, variant)
                doc.problem(where, f"does not match the DLT-registered body {body!r}")


def _check_dlt_values(doc: Document, data: dict[str, Any], uses: dict[str, set[str]]) -> None:
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


def _check_reward_proven(doc: Document, data: dict[str, Any]) -> None:
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


def check_followups(doc: Document, data: dict[str, Any]) -> None:
    india = data.get("phone_region", "IN") == "IN"
    seen: set[str] = set()
    entity_checked = False
    dlt_uses: dict[str, set[str]] = {}  # locale -> placeholders used by DLT-checked SMS texts
    for i, step in enumerate(data.get("followups", [])):
        at: Path_ = ("followups", i)
        if step["id"] in seen:
            doc.problem((*at, "id"), f"{step['id']!r} is used twice")
        _check_step(doc, data, at, step)
        seen.add(step["id"])
        _check_skip(doc, data, at, step)
        if step["channel"] == "event":
            _check_event_step(doc, at, step)
            continue
        _check_sms_step(doc, data, at, step)
        if india:
            if not entity_checked:
                _check_dlt_entity(doc, data, at)
                entity_checked = True
            _check_dlt_step(doc, at, step)
            for locale, value in step.get("text", {}).items():
                used = dlt_uses.setdefault(locale, set())
                for variant in _variants(value):
                    used.update(placeholders.names(variant) or set())
    _check_dlt_values(doc, data, dlt_uses)
    _check_reward_proven(doc, data)
