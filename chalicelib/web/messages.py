"""Customer-facing texts for error codes, looked up in the customer's UI catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from chalicelib.errors import FieldError
from chalicelib.i18n.formatting import calendar_day, number

if TYPE_CHECKING:
    from babel.support import NullTranslations


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


FIELD_MESSAGES = {
    "required": N_("Please answer this question."),
    "invalid_choice": N_("Please choose one of the options."),
    "too_many_bytes": N_("This answer is too long. Please shorten it."),
    "control_characters": N_(
        "This answer contains invisible control characters. Please type it again."
    ),
    "bidi_controls": N_(
        "This answer contains hidden text-direction characters. Please type it again."
    ),
    "phone_invalid": N_("Please enter a valid mobile number, for example 98765 43210."),
    "phone_not_mobile": N_(
        "Please enter a mobile number: SMS cannot reach landlines or toll-free numbers."
    ),
    "phone_country_not_served": N_(
        "This campaign sends SMS only to mobile numbers of certain countries. Please enter "
        "such a number, or leave it empty."
    ),
    "phone_needs_consent": N_("Tick the box to get the SMS, or leave the phone number empty."),
    "consent_needs_phone": N_("Please enter your mobile number to get the SMS."),
    "email_invalid": N_("Enter a valid e-mail address."),
    "date_invalid": N_("Enter a valid date."),
}
# Codes whose message names numbers or days (FieldError.params), in the customer's locale.
COUNTED_MESSAGES = {
    "choose_at_least": N_("Choose at least %(num)s."),
    "choose_at_most": N_("Choose at most %(num)s."),
    "number_range": N_("Enter a number from %(min)s to %(max)s."),
    "date_range": N_("Enter a date from %(min)s to %(max)s."),
}


def _shown(code: str, value: int | str, locale: str) -> str:
    if code == "date_range":
        return calendar_day(str(value), locale)
    return number(Decimal(str(value)), locale)


def field_message(error: FieldError, translations: NullTranslations, locale: str) -> str:
    if error.code == "too_long":
        num = int(error.params.get("num", 0))
        text = translations.ngettext(
            "Please use at most %(num)s character.", "Please use at most %(num)s characters.", num
        )
        return text % {"num": number(num, locale)}
    if error.code in COUNTED_MESSAGES:
        params = {k: _shown(error.code, v, locale) for k, v in error.params.items()}
        return translations.gettext(COUNTED_MESSAGES[error.code]) % params
    return translations.gettext(FIELD_MESSAGES.get(error.code, FIELD_MESSAGES["required"]))
