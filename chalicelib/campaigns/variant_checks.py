"""The rules for a campaign's A/B ``variants`` that its schema cannot say: unique ids, a prize
text only where the campaign has a prize, and a step's text only for a step that has one, held
to that step's rules (plural forms, the unsubscribe link of marketing, the DLT-registered
body). That each variant text is given in every locale, with only the placeholders its place
allows, is checked with every other text (``checks._check_texts``).
"""

from __future__ import annotations

from typing import Any

from chalicelib.campaigns.document import Document, Path_
from chalicelib.campaigns.followup_checks import (
    TRIGGERED_PLACEHOLDERS,
    _check_dlt_bodies,
    _check_plurals,
    _uses_placeholder,
    _variants,
)


def check_variants(doc: Document, data: dict[str, Any]) -> None:
    seen: set[str] = set()
    for i, variant in enumerate(data.get("variants", [])):
        at: Path_ = ("variants", i)
        if variant["id"] in seen:
            doc.problem((*at, "id"), f"{variant['id']!r} is used twice")
        seen.add(variant["id"])
        if "prize" in variant and "prize" not in data:
            doc.problem((*at, "prize"), "the campaign has no prize to vary: add prize: first")
        steps = {step["id"]: step for step in data.get("followups", [])}
        for step_id, texts in variant.get("followups", {}).items():
            step = steps.get(step_id)
            where: Path_ = (*at, "followups", step_id)
            if step is None or "text" not in step:
                with_text = ", ".join(s for s in steps if "text" in steps[s]) or "none"
                doc.problem(
                    where, f"no follow-up {step_id!r} with a text (those with: {with_text})"
                )
                continue
            _check_step_text(doc, data, where, {**step, **texts})


def _check_step_text(doc: Document, data: dict[str, Any], at: Path_, step: dict[str, Any]) -> None:
    """A variant's text of ``step`` (``step`` carries it, and the DLT template it gives)
    follows the step's own rules."""
    if ("dlt_template_id" in step) != ("dlt_registered" in step):
        doc.problem(at, "dlt_template_id and dlt_registered go together")
    for name, trigger in TRIGGERED_PLACEHOLDERS:
        if step.get("trigger") != trigger and _uses_placeholder(step, name):
            doc.problem((*at, "text"), f"{{{name}}} is only known with trigger: {trigger}")
    if step["channel"] != "sms":
        return
    _check_plurals(doc, at, step, step["text"])
    if step.get("sms_type") == "Promotional":
        for locale, value in step["text"].items():
            if any("{unsubscribe}" not in v for v in _variants(value)):
                doc.problem(
                    (*at, "text", locale), "marketing SMS must carry the {unsubscribe} link"
                )
    if data.get("phone_region", "IN") == "IN":
        # A text the step's registered body does not fit needs its own: the problem says so.
        _check_dlt_bodies(doc, at, step["text"], step.get("dlt_registered", {}))
