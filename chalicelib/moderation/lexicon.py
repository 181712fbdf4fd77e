"""The word lists, loaded once and keyed the way the checker reads text.

English comes from the glin-profanity package (less ``words/en-allow.txt``, plus the few words
in ``words/en-extra.txt``); Hindi in Devanagari and romanized Hindi are our own lists in
``words/``.

>>> languages = load_languages()
>>> [language.reason for language in languages]
['profanity:en', 'profanity:hi', 'profanity:hi-latn']
>>> "chutiya" in languages[2].words and "chootiya" not in languages[2].words
True
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from chalicelib.moderation.normalize import hinglish_key, leet_variants, plain_form

_WORDS = Path(__file__).parent / "words"
WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963])+")
"""A word: letters and digits of any script, with the Devanagari vowel signs and marks."""


def _same(word: str) -> str:
    return word


@dataclass(frozen=True)
class Language:
    """One list: what a match is reported as, its words and phrases, and how words are keyed."""

    reason: str
    key: Callable[[str], str]
    """Folds a word, or many words joined by newlines at once: it never looks across one."""
    words: frozenset[str]
    phrases: Mapping[str, tuple[tuple[str, ...], ...]]
    """First word of each phrase → the rest of each phrase that starts with it."""

    def __repr__(self) -> str:  # the lists themselves must not end up in logs
        return f"Language({self.reason!r}, {len(self.words)} words, {len(self.phrases)} phrases)"


@functools.cache
def load_languages() -> tuple[Language, ...]:
    """English, Hindi, romanized Hindi: the order reasons are reported in."""
    allowed = set(_read_list("en-allow.txt"))
    english = [w for w in _library_english() if w.lower() not in allowed]
    return (
        _language("profanity:en", _same, [*english, *_read_list("en-extra.txt")]),
        _language("profanity:hi", _same, _read_list("hi.txt")),
        _language("profanity:hi-latn", hinglish_key, _read_list("hi-latn.txt")),
    )


def _library_english() -> list[str]:
    """glin-profanity's English list, read from the installed package.

    Read as a file so as not to import the package: its ``__init__`` loads prompt-injection,
    PII and secrets scanners we do not use (~50 ms of every Lambda cold start). The version is
    pinned in requirements.txt and a unit test checks the list loads.
    """
    spec = importlib.util.find_spec("glin_profanity")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("glin-profanity is not installed; see requirements.txt")
    path = Path(spec.origin).parent / "data" / "dictionaries" / "english.json"
    words = json.loads(path.read_text(encoding="utf-8"))["words"]
    return [word for word in words if isinstance(word, str)]


def _read_list(name: str) -> list[str]:
    lines = (_WORDS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _language(reason: str, key: Callable[[str], str], entries: Iterable[str]) -> Language:
    words: set[str] = set()
    phrases: dict[str, set[tuple[str, ...]]] = {}
    for entry in entries:
        tokens = tuple(key(token) for token in _entry_tokens(entry))
        if not tokens or all(len(token) <= 2 for token in tokens):
            continue  # "s&m", "bs", "xx": too short to tell from ordinary abbreviations
        if len(tokens) == 1:
            words.add(tokens[0])
        else:
            phrases.setdefault(tokens[0], set()).add(tokens[1:])
    return Language(
        reason=reason,
        key=key,
        words=frozenset(words),
        phrases={first: tuple(sorted(rests)) for first, rests in phrases.items()},
    )


def _entry_tokens(entry: str) -> list[str]:
    """The words of a list entry; a leetspeak entry ("a$$", "sh!t") by its plain reading."""
    folded = plain_form(entry)
    if " " not in folded and not WORD.fullmatch(folded) and folded.isascii():
        return WORD.findall(leet_variants(folded)[0])
    return WORD.findall(folded)
