"""clean_text: NFC first, then reject what hides or reorders text, keep what scripts need."""

from __future__ import annotations

import pytest

from chalicelib.responses.text import TextRejected, clean_text


def single(value: str, max_chars: int = 100, max_bytes: int = 400) -> str:
    return clean_text(value, max_chars=max_chars, max_bytes=max_bytes, multiline=False)


def multi(value: str, max_chars: int = 100, max_bytes: int = 400) -> str:
    return clean_text(value, max_chars=max_chars, max_bytes=max_bytes, multiline=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u0928\u093c", "\u0929"),  # न + nukta composes to ऩ
        ("Cafe\u0301", "Caf\u00e9"),  # e + combining acute composes to é
    ],
)
def test_text_is_nfc_normalised(raw: str, expected: str) -> None:
    assert single(raw) == expected
    assert multi(raw) == expected


def test_multiline_turns_crlf_and_cr_into_lf_and_trims_lines() -> None:
    assert multi("पहली पंक्ति  \r\nदूसरी\rतीसरी\n") == "पहली पंक्ति\nदूसरी\nतीसरी"


def test_multiline_keeps_tabs() -> None:
    assert multi("a\tb") == "a\tb"


def test_single_line_turns_newlines_and_tabs_into_one_space() -> None:
    assert single("  नमस्ते\r\n\n\tदुनिया   भर  ") == "नमस्ते दुनिया भर"


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u202a", "\u2069"])
def test_bidi_controls_are_rejected(char: str) -> None:
    with pytest.raises(TextRejected) as caught:
        multi(f"abc{char}def")
    assert caught.value.code == "bidi_controls"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\u2028", "\u2029", "\x85", "\ue000"])
def test_control_characters_are_rejected(char: str) -> None:
    for clean in (single, multi):
        with pytest.raises(TextRejected) as caught:
            clean(f"abc{char}def")
        assert caught.value.code == "control_characters"


@pytest.mark.parametrize(
    "text",
    [
        "\u0915\u094d\u200d\u0937",  # क्‍ष: ZWJ after a virama asks for the half form
        "\u0915\u094d\u200c\u0937",  # क्‌ष: ZWNJ after a virama asks for the explicit virama
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian می‌خواهم
        "\U0001f469\u200d\U0001f4bb",  # 👩‍💻
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # 👩🏽‍💻, skin tone before the joiner
        "\U0001f3c3\u200d\u2640\ufe0f",  # 🏃‍♀️
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # 🏳️‍🌈, presentation selector before the joiner
        "\u2764\ufe0f\u200d\U0001f525",  # ❤️‍🔥
    ],
)
def test_joiners_that_a_script_or_emoji_needs_are_kept(text: str) -> None:
    assert single(text) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ab\u200dc", "abc"),  # ZWJ between Latin letters
        ("ab\u200cc", "abc"),  # ZWNJ between Latin letters
        ("\u200dक", "क"),  # joiner at the start
        ("\u0915\u094d\u200d", "\u0915\u094d"),  # joiner at the end, nothing to join
        ("\u0645\u200cx", "\u0645x"),  # ZWNJ between Arabic and Latin
        ("a\u200bb", "ab"),  # zero-width space
        ("\ufeffab", "ab"),  # byte-order mark
        ("ab\u00adc", "abc"),  # soft hyphen
    ],
)
def test_stray_invisible_characters_are_removed(raw: str, expected: str) -> None:
    assert single(raw) == expected


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_direction_marks_are_kept(mark: str) -> None:
    assert single(f"\u0627{mark}123") == f"\u0627{mark}123"


def test_length_is_counted_in_characters_after_normalisation() -> None:
    decomposed = "\u0928\u093c" * 5  # ten code points, five after NFC
    assert single(decomposed, max_chars=5) == "\u0929" * 5
    with pytest.raises(TextRejected) as caught:
        single(decomposed, max_chars=4)
    assert caught.value.code == "too_long"


def test_length_ignores_removed_characters_and_collapsed_spaces() -> None:
    assert single("a\u200b b    c", max_chars=5) == "a b c"


def test_too_many_bytes_when_the_utf8_form_exceeds_max_bytes() -> None:
    text = "नमस्ते"  # six characters, eighteen bytes in UTF-8
    assert single(text, max_chars=6, max_bytes=18) == text
    with pytest.raises(TextRejected) as caught:
        single(text, max_chars=6, max_bytes=17)
    assert caught.value.code == "too_many_bytes"
