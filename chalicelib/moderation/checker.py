"""check_text: is a customer's text fit to be shown to others?

The text is read twice. The plain reading (``normalize.plain_form``) finds words written
as they are. The de-obfuscated reading undoes look-alike letters, invisible characters,
leetspeak, letters spaced or dotted apart and letters held down (``fuuuck``); a word found only
that way adds the reason "obfuscation". Matching is by whole word (or whole phrase) on both
readings, so "Scunthorpe", "assessment" and "सालाना" stay clean.

>>> check_text("Loved the red dress, the fit is perfect!")
Verdict(flagged=False, reasons=())
>>> check_text("what a sh!t delivery")
Verdict(flagged=True, reasons=('profanity:en', 'obfuscation'))
>>> check_text("ये ड्रेस चूतिया है, c h u t i y a")
Verdict(flagged=True, reasons=('profanity:hi', 'profanity:hi-latn', 'obfuscation'))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from chalicelib.moderation.lexicon import WORD, Language, load_languages
from chalicelib.moderation.normalize import (
    LEET,
    deobfuscated_form,
    leet_variants,
    plain_form,
    squeeze_variants,
)

OBFUSCATION = "obfuscation"

# One run of Latin letters, digits and leetspeak characters, or else one word of any script.
_PIECE = re.compile(r"[a-z0-9@$!|*]+|" + WORD.pattern)
_LATIN = re.compile(r"[a-z]")
_EDGE_MARKS = "!|*"  # "shit!" and "*fuck*" are emphasis, not leetspeak
_TRICKS = re.compile(r"[0-9@$!|*]|([a-z])\1\1")
_AKSHARA = re.compile(
    "[\u0904-\u0939\u0958-\u0961\u0972-\u097f][\u093a-\u094f\u0951-\u0957\u0962\u0963]*"
    "[\u0900-\u0903]?"
)
# Single-letter (single-syllable) words that may stand beside a spaced-out word: "u r a c u n t".
_SHORT_WORDS = frozenset(
    ["a", "i", "u", "r", "o", "y"]
    + [plain_form(w) for w in ["है", "न", "की", "के", "का", "को", "से", "में", "ने", "तो"]]
    + [plain_form(w) for w in ["जो", "भी", "ही", "ये", "वो", "पे", "ना", "तू", "तु", "हाँ"]]
)
_MIN_SPACED = {"latin": 3, "devanagari": 2}
_MAX_TRIM = 3

Match = tuple[str, str]
"""(reason, matched key): kept inside this module, never reported."""


@dataclass(frozen=True)
class Verdict:
    """Whether a text may not be shown, and why, without repeating the words that made it so.

    ``reasons`` holds "profanity:en", "profanity:hi", "profanity:hi-latn" in that order, then
    "obfuscation" if a word was found only after undoing a trick.
    """

    flagged: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Word:
    readings: tuple[str, ...]
    """The first reading is the likeliest and is used for phrases; any reading may match."""


def check_text(text: str) -> Verdict:
    """Check everything a customer writes that others may see before it is shown.

    >>> check_text("ѕhіt")  # Cyrillic ѕ and і
    Verdict(flagged=True, reasons=('profanity:en', 'obfuscation'))
    >>> check_text("Classic cocktail dress from Scunthorpe")
    Verdict(flagged=False, reasons=())
    """
    languages = load_languages()
    plain = _matches(_plain_words(text), languages)
    hidden = _matches(_deobfuscated_words(text), languages) - plain
    reasons = [
        lang.reason for lang in languages if any(m[0] == lang.reason for m in plain | hidden)
    ]
    if hidden:
        reasons.append(OBFUSCATION)
    return Verdict(flagged=bool(reasons), reasons=tuple(reasons))


def _plain_words(text: str) -> list[_Word]:
    return [_Word((word,)) for word in WORD.findall(plain_form(text))]


def _deobfuscated_words(text: str) -> list[_Word]:
    words: list[_Word] = []
    compacted: list[_Word] = []
    for chunk in deobfuscated_form(text).split():
        pieces = _PIECE.findall(chunk)
        words.extend(_piece_words(pieces))
        # "f.u.c.k", "fu-ck", "ch.utiya": read once more without the marks inside the chunk.
        if len(pieces) > 1:
            compacted.extend(_piece_words(["".join(pieces)]))
    return words + compacted + _spaced_words(words)


def _piece_words(pieces: Iterable[str]) -> Iterator[_Word]:
    for piece in pieces:
        if not piece.isascii() or not _TRICKS.search(piece):
            yield _Word((piece,))
            continue
        piece = piece.strip(_EDGE_MARKS)
        if piece.isdigit() and len(piece) > 1:
            yield _Word((piece,))  # a number, not leetspeak
        elif _LATIN.search(piece) or (len(piece) == 1 and piece in LEET):
            readings = leet_variants(piece)
            readings += [
                squeezed for reading in readings[:2] for squeezed in squeeze_variants(reading)
            ]
            yield _Word(tuple(dict.fromkeys(readings)))


def _spaced_words(words: Sequence[_Word]) -> list[_Word]:
    """Runs of one-letter words joined up: "c h u t i y a", "f u c k", "चू ति या"."""
    joined: list[_Word] = []
    run: list[str] = []
    script = ""
    for word in [*words, _Word(("",))]:
        unit = word.readings[0]
        unit_script = _unit_script(unit)
        if unit_script and unit_script == script:
            run.append(unit)
            continue
        if len(run) >= _MIN_SPACED.get(script, 0) > 0:
            joined.extend(_Word((candidate,)) for candidate in _trimmed_runs(run))
        run, script = [unit], unit_script
    return joined


def _unit_script(unit: str) -> str:
    if len(unit) == 1 and "a" <= unit <= "z":
        return "latin"
    return "devanagari" if _AKSHARA.fullmatch(unit) else ""


def _trimmed_runs(run: list[str]) -> Iterator[str]:
    """The whole run, and the run without up to three short ordinary words at either end."""
    lead = next((i for i, unit in enumerate(run) if unit not in _SHORT_WORDS), len(run))
    trail = next((i for i, unit in enumerate(reversed(run)) if unit not in _SHORT_WORDS), len(run))
    for start in range(min(lead, _MAX_TRIM) + 1):
        for end in range(len(run) - min(trail, _MAX_TRIM), len(run) + 1):
            if end > start:
                yield "".join(run[start:end])


def _matches(words: Sequence[_Word], languages: Sequence[Language]) -> set[Match]:
    readings = "\n".join(reading for word in words for reading in word.readings)
    firsts = "\n".join(word.readings[0] for word in words)
    found: set[Match] = set()
    for language in languages:
        keyed = language.key(readings).split("\n")  # keys never cross a newline
        found.update((language.reason, key) for key in language.words.intersection(keyed))
        keyed_firsts = language.key(firsts).split("\n")
        if language.phrases.keys().isdisjoint(keyed_firsts):
            continue
        for i, first in enumerate(keyed_firsts):
            for rest in language.phrases.get(first, ()):
                if tuple(keyed_firsts[i + 1 : i + 1 + len(rest)]) == rest:
                    found.add((language.reason, " ".join((first, *rest))))
    return found


__all__ = ["OBFUSCATION", "Verdict", "check_text"]
