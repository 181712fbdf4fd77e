"""SMS encoding, segment counts and DLT template matching."""

from __future__ import annotations

import unicodedata

import pytest

from chalicelib.sms import (
    DltTemplateError,
    SmsSize,
    dlt_pattern,
    encoding,
    matches_dlt_template,
    segments,
)

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "{}[]~\\|^€\f"
HINDI = "क"  # U+0915, one UTF-16 unit
EMOJI = "😀"  # U+1F600, outside the BMP: a surrogate pair


def test_whole_basic_table_is_gsm7_one_septet_each() -> None:
    assert len(GSM_BASIC) == 127  # 128 codes minus ESC
    assert segments(GSM_BASIC) == SmsSize("GSM-7", 127, 1)


@pytest.mark.parametrize("char", list(GSM_EXTENSION))
def test_extension_characters_are_gsm7_and_count_two_septets(char: str) -> None:
    assert encoding(char) == "GSM-7"
    assert segments("a" + char).units == 3


@pytest.mark.parametrize(
    "char",
    ["ç", "`", "á", "₹", "’", "…", "\x1b", "\t", HINDI, EMOJI, "\u200d"],
)
def test_characters_outside_gsm_force_ucs2(char: str) -> None:
    assert encoding("Hello " + char) == "UCS-2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, SmsSize("GSM-7", 160, 1)),
        ("a" * 161, SmsSize("GSM-7", 161, 2)),
        ("a" * 306, SmsSize("GSM-7", 306, 2)),
        ("a" * 307, SmsSize("GSM-7", 307, 3)),
        ("€" * 80, SmsSize("GSM-7", 160, 1)),
        ("€" * 80 + "a", SmsSize("GSM-7", 161, 2)),
        ("a" * 159 + "[", SmsSize("GSM-7", 161, 2)),
    ],
)
def test_gsm7_segment_boundaries(text: str, expected: SmsSize) -> None:
    assert segments(text) == expected


@pytest.mark.parametrize(
    ("length", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_hindi_is_ucs2_with_70_and_67_limits(length: int, parts: int) -> None:
    assert segments(HINDI * length) == SmsSize("UCS-2", length, parts)


def test_real_hindi_sentence_is_ucs2() -> None:
    size = segments("आपके जवाब के लिए धन्यवाद!")
    assert size.encoding == "UCS-2"
    assert size.units == len("आपके जवाब के लिए धन्यवाद!")
    assert size.segments == 1


def test_emoji_outside_bmp_is_two_units() -> None:
    assert segments(EMOJI) == SmsSize("UCS-2", 2, 1)
    assert segments(EMOJI * 35) == SmsSize("UCS-2", 70, 1)
    assert segments(EMOJI * 35 + "a") == SmsSize("UCS-2", 71, 2)
    assert segments("a" * 69 + EMOJI) == SmsSize("UCS-2", 71, 2)


def test_a_surrogate_pair_is_never_split_across_segments() -> None:
    # 134 units would be 2 segments by arithmetic, but the emoji would straddle units 67/68.
    text = HINDI * 66 + EMOJI + HINDI * 66
    assert segments(text) == SmsSize("UCS-2", 134, 3)


def test_an_escape_pair_is_never_split_across_segments() -> None:
    text = "a" * 152 + "€" + "a" * 152
    assert segments(text) == SmsSize("GSM-7", 306, 3)


def test_empty_text_is_zero_segments() -> None:
    assert segments("") == SmsSize("GSM-7", 0, 0)


def test_counts_text_as_given_so_normalise_first() -> None:
    decomposed = "Cafe\u0301"
    assert encoding(decomposed) == "UCS-2"
    assert encoding(unicodedata.normalize("NFC", decomposed)) == "GSM-7"


# --- DLT templates ---------------------------------------------------------------------------

ORDER = "Dear {#var#}, your order {#var#} has shipped. -Samvad"


def test_dlt_template_matches_filled_variables() -> None:
    assert matches_dlt_template("Dear Asha, your order A-42 has shipped. -Samvad", ORDER)


@pytest.mark.parametrize(
    "text",
    [
        "Dear Asha, your order A-42 has shipped! -Samvad",  # changed punctuation
        "dear Asha, your order A-42 has shipped. -Samvad",  # changed case
        "Dear Asha, your order A-42 has  shipped. -Samvad",  # extra space
        "Dear Asha, your order A-42 has shipped. -Samvad ",  # trailing text
        "Hi! Dear Asha, your order A-42 has shipped. -Samvad",  # leading text
        "Dear , your order A-42 has shipped. -Samvad",  # empty variable
        "Dear Asha\nKumar, your order A-42 has shipped. -Samvad",  # newline in a variable
    ],
)
def test_dlt_template_rejects_changed_literal_or_bad_variable(text: str) -> None:
    assert not matches_dlt_template(text, ORDER)


def test_dlt_variable_takes_at_most_30_characters() -> None:
    template = "Code {#var#} expires soon"
    assert matches_dlt_template(f"Code {'x' * 30} expires soon", template)
    assert not matches_dlt_template(f"Code {'x' * 31} expires soon", template)
    assert matches_dlt_template(f"Code {HINDI * 30} expires soon", template)
    assert not matches_dlt_template(f"Code {HINDI * 31} expires soon", template)


def test_dlt_literal_regex_characters_are_literal() -> None:
    template = "Pay Rs.{#var#} (incl. GST)? Yes*"
    assert matches_dlt_template("Pay Rs.499 (incl. GST)? Yes*", template)
    assert not matches_dlt_template("Pay Rsx499 incl. GST Yes", template)


def test_dlt_hindi_template() -> None:
    template = "प्रिय {#var#}, आपका ऑर्डर {#var#} भेज दिया गया है। -संवाद"
    assert matches_dlt_template("प्रिय आशा, आपका ऑर्डर 42 भेज दिया गया है। -संवाद", template)
    assert not matches_dlt_template("प्रिय आशा, आपका आर्डर 42 भेज दिया गया है। -संवाद", template)


def test_dlt_normalises_both_sides_to_nfc() -> None:
    # U+095B (ज़ precomposed) decomposes under NFC; the message arrives already decomposed.
    template = "\u095b\u0930\u0942\u0930 {#var#}"
    text = "\u091c\u093c\u0930\u0942\u0930 आइए"
    assert matches_dlt_template(text, template)


def test_dlt_pattern_is_anchored() -> None:
    pattern = dlt_pattern("OTP {#var#} valid")
    assert pattern.search("Your OTP 1234 valid") is None
    assert pattern.search("OTP 1234 valid today") is None
    assert pattern.search("OTP 1234 valid") is not None


@pytest.mark.parametrize("template", ["", "{#var#}", "{#var#}{#var#}", "  {#var#} \n{#var#}"])
def test_dlt_template_without_literal_text_is_an_error(template: str) -> None:
    with pytest.raises(DltTemplateError, match="no literal text"):
        dlt_pattern(template)
    with pytest.raises(ValueError, match="no literal text"):
        matches_dlt_template("anything", template)


def test_dlt_unknown_variable_type_is_an_error() -> None:
    with pytest.raises(DltTemplateError, match="unsupported"):
        dlt_pattern("Your OTP is {#numeric#}")
