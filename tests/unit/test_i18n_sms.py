"""SMS per language in ``samvad validate``: each script's encoding, segments and cost, the DLT
templates of each language, and romanized Hindi at about half the cost of Devanagari."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.campaigns.loader import campaign_from_validated, definition_of
from samvad_cli.sms_report import language_lines, script_name
from tests.samples import inline_text

HINGLISH = {
    "thank_you_sms": "{brand} ko batane ke liye dhanyavaad. Hum har jawab padhte hain. "
    "STOP bhejein.",
    "reminder": "{brand}: {product} chunne ke liye shukriya! Ek line mein batayein kyon: {link} "
    "SMS band: {unsubscribe}",
    "offer": "{brand}: {product} launch keemat {product_price} par {ends} se pehle book karein, "
    "{days_left} din baaki. {link} SMS band: {unsubscribe}",
}


def wishlist_with_hinglish(*steps: str) -> Any:
    checked = definition_of(inline_text("wishlist"), "wishlist.yaml")
    data = json.loads(checked.validated)
    data["locales"].append("hi-Latn")
    data["followups"] = [s for s in data["followups"] if s["id"] in (*steps, "offer_event")]
    for step in data["followups"]:
        if step["channel"] != "sms":
            continue
        text = HINGLISH[step["id"]]
        step["text"]["hi-Latn"] = {"one": text, "other": text} if step.get("plural") else text
        step["dlt_template_id"]["hi-Latn"] = "1107169999999999999"
        step["dlt_registered"]["hi-Latn"] = "{#var#} ko batane ke liye dhanyavaad."
    return campaign_from_validated(json.dumps(data), 1)


def test_romanized_hindi_in_gsm7_costs_about_half_of_devanagari() -> None:
    lines = language_lines(wishlist_with_hinglish("thank_you_sms", "reminder"), 0.00278)
    hindi = next(line for line in lines if line.startswith("    hi (Devanagari)"))
    hinglish = next(line for line in lines if line.startswith("    hi-Latn (Latin)"))
    assert hindi.startswith("    hi (Devanagari): UCS-2, 7 segment(s), about $19.46 per 1,000")
    assert hinglish.startswith("    hi-Latn (Latin): GSM-7, 3 segment(s), about $8.34 per 1,000")
    assert hinglish.endswith("about half the cost of Devanagari (hi: 7 segment(s))")
    assert (
        "      DLT templates: thank_you_sms 1107161234567890124 (Unicode),"
        " reminder 1107161234567890126 (Unicode)"
    ) in lines


def test_a_rupee_sign_makes_romanized_hindi_unicode_and_says_so() -> None:
    lines = language_lines(wishlist_with_hinglish("offer"), 0.00278)
    hinglish = next(line for line in lines if line.startswith("    hi-Latn (Latin)"))
    assert hinglish.startswith("    hi-Latn (Latin): UCS-2,")
    assert "UCS-2 because of '₹': without them GSM-7" in hinglish


def test_each_script_is_named() -> None:
    assert [script_name(t) for t in ("sat", "mni", "ur", "pa", "hi-Latn")] == [
        "Ol Chiki",
        "Bangla",
        "Arabic",
        "Gurmukhi",
        "Latin",
    ]
