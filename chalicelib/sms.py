"""How an SMS will be encoded and billed, and whether it fits its DLT-registered template.

The GSM 03.38 tables come from the ``gsm0338`` codec (registered as ``"gsm03.38"`` on import):
a character of the extension table encodes as ESC + code, so the encoded length is the number
of septets. Anything outside the basic and extension tables forces the whole message to UCS-2
(UTF-16 code units), which is what SNS and Indian gateways send for Hindi. National language
shift tables (TS 23.038 annex A) are not used: SNS does not offer them.

Counting is done on the text exactly as it will be sent: normalise it (NFC) once, before.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import gsm0338  # type: ignore[import-untyped]  # noqa: F401  (registers the codec)

Encoding = Literal["GSM-7", "UCS-2"]

_GSM_CODEC = "gsm03.38"
# Single-segment capacity, and per-segment capacity once a 6-octet UDH splits the message.
_LIMITS: dict[Encoding, tuple[int, int]] = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

DLT_VARIABLE = "{#var#}"
DLT_VARIABLE_MAX_CHARS = 30
# A whitelisted link: one token without spaces, longer than a {#var#} (signed links are ~90).
DLT_URL = "{#url#}"
DLT_URL_MAX_CHARS = 200
_PLACEHOLDER = re.compile(r"\{#([^#{}]*)#\}")


@dataclass(frozen=True)
class SmsSize:
    """What a message costs: its encoding, its length in that encoding, and its segments."""

    encoding: Encoding
    units: int
    segments: int


class DltTemplateError(ValueError):
    """A DLT template this module cannot match against (no literal text, unknown slot)."""


def encoding(text: str) -> Encoding:
    """GSM-7 when every character is in the GSM 03.38 basic or extension table, else UCS-2.

    >>> encoding("Order 42 ships today {soon} €5")
    'GSM-7'
    >>> encoding("धन्यवाद")
    'UCS-2'
    >>> encoding("ça va")  # only the capital Ç is in the GSM table
    'UCS-2'
    """
    return "GSM-7" if _gsm_septets(text) is not None else "UCS-2"


def segments(text: str) -> SmsSize:
    """Encoding, length in septets (GSM-7) or UTF-16 code units (UCS-2), and segment count.

    One segment holds 160 septets or 70 UCS-2 units; once split, each holds 153 or 67. A
    character is never cut across two segments (an ESC + code pair, a surrogate pair), as
    gateways do, so a long message can need one segment more than ``ceil(units / 153)``.
    Empty text is 0 segments: there is nothing to send, and callers should refuse it.

    >>> segments("Thanks for your answer!")
    SmsSize(encoding='GSM-7', units=23, segments=1)
    >>> segments("[x]")  # brackets are in the extension table: 2 septets each
    SmsSize(encoding='GSM-7', units=5, segments=1)
    >>> segments("धन्यवाद 🙏")  # the emoji is outside the BMP: a surrogate pair
    SmsSize(encoding='UCS-2', units=10, segments=1)
    >>> segments("")
    SmsSize(encoding='GSM-7', units=0, segments=0)
    """
    septets = _gsm_septets(text)
    if septets is not None:
        return SmsSize("GSM-7", sum(septets), _count_segments(septets, "GSM-7"))
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SmsSize("UCS-2", sum(units), _count_segments(units, "UCS-2"))


def dlt_pattern(registered: str) -> re.Pattern[str]:
    """The regex a message must match whole to fit a DLT-registered template body.

    Each ``{#var#}`` slot takes 1 to 30 characters (code points, after NFC) on one line:
    gateways reject a variable with a line break, so ``\\r`` and ``\\n`` never match a slot.
    Literal text must match exactly after NFC; other ``{#...#}`` types are refused rather than
    silently treated as literal text. The pattern is anchored (``\\A...\\Z``), so ``search`` and
    ``match`` behave like ``fullmatch``; give it NFC text (``matches_dlt_template`` does).

    >>> bool(dlt_pattern("Hi {#var#}, reply STOP").fullmatch("Hi Asha, reply STOP"))
    True
    >>> dlt_pattern("{#var#} {#var#}")
    Traceback (most recent call last):
    ...
    chalicelib.sms.DltTemplateError: DLT template has no literal text
    """
    return _compiled(unicodedata.normalize("NFC", registered))


def matches_dlt_template(text: str, registered: str) -> bool:
    """Whether ``text`` is an instance of the DLT-registered ``registered`` body.

    >>> matches_dlt_template("आपका ऑर्डर 42 भेज दिया गया", "आपका ऑर्डर {#var#} भेज दिया गया")
    True
    >>> matches_dlt_template("Your order 42 has shipped!", "Your order {#var#} has shipped")
    False
    """
    return dlt_pattern(registered).fullmatch(unicodedata.normalize("NFC", text)) is not None


def _gsm_septets(text: str) -> list[int] | None:
    """Septets per character, or None when some character needs UCS-2."""
    # The codec maps U+001B to the bare escape code, which no phone shows as a character.
    if "\x1b" in text:
        return None
    try:
        return [len(ch.encode(_GSM_CODEC)) for ch in text]
    except UnicodeEncodeError:
        return None


def _count_segments(costs: list[int], enc: Encoding) -> int:
    single, per_part = _LIMITS[enc]
    total = sum(costs)
    if total <= single:
        return 1 if total else 0
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts


@functools.lru_cache(maxsize=256)
def _compiled(registered: str) -> re.Pattern[str]:
    pieces: list[str] = []
    literal: list[str] = []
    pos = 0
    for slot in _PLACEHOLDER.finditer(registered):
        if slot.group(0) not in (DLT_VARIABLE, DLT_URL):
            raise DltTemplateError(f"unsupported DLT variable {slot.group(0)!r}")
        literal.append(registered[pos : slot.start()])
        pieces.append(re.escape(registered[pos : slot.start()]))
        if slot.group(0) == DLT_URL:
            pieces.append(f"https?://\\S{{1,{DLT_URL_MAX_CHARS}}}")
        else:
            pieces.append(f"[^\\r\\n]{{1,{DLT_VARIABLE_MAX_CHARS}}}")
        pos = slot.end()
    literal.append(registered[pos:])
    pieces.append(re.escape(registered[pos:]))
    if not "".join(literal).strip():
        raise DltTemplateError("DLT template has no literal text")
    return re.compile(r"\A" + "".join(pieces) + r"\Z")


# What one SMS segment costs, in USD, by country (AWS End User Messaging list prices, 2026;
# `samvad validate --price-per-segment` takes your own contract's).
PRICE_PER_SEGMENT: dict[str, float] = {"IN": 0.00278}
DEFAULT_PRICE = 0.0075
"""USD per segment for a country not in ``PRICE_PER_SEGMENT``."""


def price_per_segment(region: str | None) -> float:
    """USD per segment to a number of ``region`` (ISO 3166 code), the list price.

    >>> price_per_segment("IN"), price_per_segment("US")
    (0.00278, 0.0075)
    """
    return PRICE_PER_SEGMENT.get((region or "").upper(), DEFAULT_PRICE)


def region_of(phone_number: str | None, fallback: str) -> str:
    """The country of an E.164 number (``+9198…`` → ``IN``), else ``fallback``.

    >>> region_of("+919876543210", "US"), region_of(None, "IN")
    ('IN', 'IN')
    """
    if not phone_number:
        return fallback
    import phonenumbers  # on first use: most pages never see a number

    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone_number, None))
    except phonenumbers.NumberParseException:
        return fallback
    return region if region and region != "ZZ" else fallback
