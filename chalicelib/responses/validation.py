"""Check a submitted answer against its campaign. Errors carry codes, not text:
the web layer turns each code into a message in the customer's language."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.questions import shown
from chalicelib.configurator.choices import as_answers, parse_choices
from chalicelib.errors import FieldError, InvalidResponse
from chalicelib.responses.question_answers import parse_answer
from chalicelib.responses.text import TextRejected, clean_text

PHONE_MAX_CHARS = 32
NAME_MAX_CHARS = 40
# Devanagari takes three UTF-8 bytes a character; four covers every script and keeps items small.
BYTES_PER_CHAR = 4


@dataclass(frozen=True)
class ValidAnswer:
    answers: dict[str, str]
    phone: str | None
    consent: bool
    design_name: str | None = None


def _clean(errors: list[FieldError], name: str, raw: str, max_chars: int, multiline: bool) -> str:
    try:
        return clean_text(
            raw, max_chars=max_chars, max_bytes=max_chars * BYTES_PER_CHAR, multiline=multiline
        )
    except TextRejected as exc:
        errors.append(FieldError(name, exc.code, {"num": max_chars}))
        return ""


def answers_of(
    campaign: Campaign,
    fields: Mapping[str, str],
    errors: list[FieldError],
    asked: Collection[str] | None = None,
) -> dict[str, str]:
    """The answers to the questions shown, in order (a question's ``show_if`` reads the
    valid answers before it). A hidden question is never required and its posted answer
    never kept. ``asked``: only these questions (one step of the form), else all."""
    answers: dict[str, str] = {}
    for question in campaign.questions:
        if asked is not None and question.id not in asked:
            continue
        if not shown(question, answers):
            continue
        value = parse_answer(errors, question, fields)
        if value:
            answers[question.id] = value
    return answers


def parse_phone(raw: str, region: str) -> str | None:
    """E.164 form of a valid number, or None if it is not one.

    >>> parse_phone("098765 43210", "IN")
    '+919876543210'
    """
    number, problem = checked_phone(raw, region, ())
    return number if problem in (None, "phone_country_not_served") else None


MOBILE_TYPES = ("MOBILE", "FIXED_LINE_OR_MOBILE")  # the second: where plans share ranges (US)


def checked_phone(
    raw: str, region: str, countries: Collection[str]
) -> tuple[str | None, str | None]:
    """(E.164 number, None) for a mobile number of one of ``countries`` (any, if empty);
    else (None or the number, the error code). Only such numbers are texted: any valid number
    would let a script buy SMS to landlines, toll-free or premium international networks.

    >>> checked_phone("98765 43210", "IN", ["IN"])
    ('+919876543210', None)
    >>> checked_phone("011 2345 6789", "IN", ["IN"])  # a Delhi landline
    (None, 'phone_not_mobile')
    >>> checked_phone("1800 123 4567", "IN", ["IN"])[1]  # toll-free
    'phone_not_mobile'
    >>> checked_phone("+1 201 555 0123", "IN", ["IN"])
    ('+12015550123', 'phone_country_not_served')
    """
    import phonenumbers  # on first use: most cold starts never see a phone number

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None, "phone_invalid"
    if not phonenumbers.is_valid_number(number):
        return None, "phone_invalid"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if countries and phonenumbers.region_code_for_number(number) not in countries:
        return e164, "phone_country_not_served"
    kinds = {getattr(phonenumbers.PhoneNumberType, name) for name in MOBILE_TYPES}
    if phonenumbers.number_type(number) not in kinds:
        return None, "phone_not_mobile"
    return e164, None


def validate_answer(campaign: Campaign, fields: Mapping[str, str]) -> ValidAnswer:
    """Normalise and check every field; raise InvalidResponse with all problems at once."""
    errors: list[FieldError] = []
    answers = answers_of(campaign, fields, errors)
    design_name = None
    if campaign.product is not None:
        answers.update(as_answers(parse_choices(campaign.product, fields, errors)))
        design_name = _clean(errors, "name", fields.get("name", ""), NAME_MAX_CHARS, False) or None

    phone = None
    raw_phone = _clean(errors, "phone", fields.get("phone", ""), PHONE_MAX_CHARS, multiline=False)
    consent = campaign.consent is not None and fields.get("consent", "") in {"yes", "on", "true"}
    if campaign.phone == "none":
        raw_phone, consent = "", False
    if raw_phone:
        countries = campaign.sms_countries or (campaign.phone_region,)
        phone, problem = checked_phone(raw_phone, campaign.phone_region, countries)
        if problem is not None:
            phone = None
            errors.append(FieldError("phone", problem))
        elif not consent:
            # Without consent we have no purpose to keep the number for.
            errors.append(FieldError("consent", "phone_needs_consent"))
    elif any(e.field == "phone" for e in errors):
        pass  # the typed number was rejected; that is the one thing to fix
    elif campaign.phone == "required":
        errors.append(FieldError("phone", "required"))
    elif consent:
        errors.append(FieldError("phone", "consent_needs_phone"))
    if errors:
        raise InvalidResponse(errors)
    return ValidAnswer(answers=answers, phone=phone, consent=consent, design_name=design_name)
