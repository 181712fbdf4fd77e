"""Customer-typed text, made safe to store, hash and show.

The text is NFC-normalised once, first, so that validation, hashing and deduplication all see
the same string. Invisible characters that change how text reads (bidi overrides, the Trojan
Source trick) or that have no business in an answer (control characters) are rejected rather
than silently dropped, so the customer can see and fix what was sent. Joiners are kept where a
script needs them: ZWJ/ZWNJ after a virama (Devanagari half forms), ZWNJ between Arabic-script
letters (Urdu, Persian) and ZWJ inside emoji sequences.
"""

from __future__ import annotations

import unicodedata

ZWNJ = "\u200c"
ZWJ = "\u200d"
EMOJI_PRESENTATION = "\ufe0f"  # variation selector 16
# Explicit embeddings, overrides and isolates.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Marks that only set the direction of neutral characters; harmless and needed in RTL text.
DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
VIRAMA = 9  # canonical combining class of viramas in every Indic script


class TextRejected(ValueError):
    """The text cannot be accepted; `code` says why (a key of the customer messages)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _is_arabic_letter(char: str) -> bool:
    return unicodedata.bidirectional(char) == "AL" and unicodedata.category(char).startswith("L")


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def _joiner_needed(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if not before or not after:
        return False
    if unicodedata.combining(before) == VIRAMA and unicodedata.category(after)[0] == "L":
        return True
    if text[index] == ZWNJ:
        return _is_arabic_letter(before) and _is_arabic_letter(after)
    if before == EMOJI_PRESENTATION and index > 1:
        before = text[index - 2]  # ❤️‍🔥, 🏳️‍🌈: the joiner follows the emoji's selector
    return _is_emoji(before) and (_is_emoji(after) or after == "\u2640" or after == "\u2642")


def _check(char: str, multiline: bool) -> None:
    if char in BIDI_CONTROLS:
        raise TextRejected("bidi_controls")
    if char in LINE_SEPARATORS:
        raise TextRejected("control_characters")
    category = unicodedata.category(char)
    if category == "Cc" and not (multiline and char in "\n\t"):
        raise TextRejected("control_characters")
    if category in {"Cs", "Co", "Cn"}:
        raise TextRejected("control_characters")


def _filtered(text: str, multiline: bool) -> str:
    kept: list[str] = []
    for index, char in enumerate(text):
        _check(char, multiline)
        if char in (ZWJ, ZWNJ):
            if _joiner_needed(text, index):
                kept.append(char)
        elif unicodedata.category(char) == "Cf" and char not in DIRECTION_MARKS:
            continue  # zero-width spaces, soft hyphens, BOMs: invisible and meaningless here
        else:
            kept.append(char)
    return "".join(kept)


def clean_text(value: str, *, max_chars: int, max_bytes: int, multiline: bool) -> str:
    """Normalise customer text or raise TextRejected.

    >>> clean_text("  नमस्ते   दुनिया ", max_chars=40, max_bytes=160, multiline=False)
    'नमस्ते दुनिया'
    >>> clean_text("abc\\u202edef", max_chars=40, max_bytes=160, multiline=False)
    Traceback (most recent call last):
    ...
    chalicelib.responses.text.TextRejected: bidi_controls
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", _filtered(text, multiline))  # removals can un-NFC
    if multiline:
        lines = [line.rstrip() for line in text.split("\n")]
        text = "\n".join(lines).strip()
    else:
        text = " ".join(text.split())
    if len(text) > max_chars:
        raise TextRejected("too_long")
    if len(text.encode("utf-8")) > max_bytes:
        raise TextRejected("too_many_bytes")
    return text
