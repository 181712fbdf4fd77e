"""Two readings of a text: the *plain* one, and one with the usual filter-dodging tricks undone.

Both readings fold what is ordinary spelling variation rather than a trick: upper/lower case,
and in Devanagari the nukta (ज़/ज), long and short vowel signs (ी/ि, ू/ु), candrabindu and
anusvara (ँ/ं), a nasal half-letter before a consonant (ण्ड/ंड) and ZWJ/ZWNJ after a virama.

>>> plain_form("चूतिया")
'चुतिया'
>>> plain_form("गाण्डू") == plain_form("गांडु")
True

The de-obfuscated reading also applies NFKC (fullwidth and mathematical letters), removes
invisible characters and Latin accents, and maps look-alike letters from other scripts:

>>> deobfuscated_form("ｆ\u200bü\u00adϲk Ѕhіt")
'fuck shit'

Leetspeak, spacing and repeated letters are undone word by word in ``checker``, with the help
of ``leet_variants`` and ``squeeze_variants``:

>>> leet_variants("sh1t")
['shit', 'shlt']
>>> squeeze_variants("fuuuuck")
['fuck', 'fuuck']
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence

_VIRAMA = "\u094d"
_NUKTA = "\u093c"
_JOINER_AFTER_VIRAMA = re.compile("(?<=\u094d)[\u200c\u200d]")
_DEVANAGARI_FOLD = str.maketrans(
    {
        _NUKTA: None,
        "\u0929": "\u0928",  # ऩ → न (NFC keeps these three composed)
        "\u0931": "\u0930",  # ऱ → र
        "\u0934": "\u0933",  # ऴ → ळ
        "\u0940": "\u093f",  # ी → ि
        "\u0942": "\u0941",  # ू → ु
        "\u0908": "\u0907",  # ई → इ
        "\u090a": "\u0909",  # ऊ → उ
        "\u0901": "\u0902",  # ँ → ं
    }
)
# ङ्/ञ्/ण्/न्/म् before a consonant is written as anusvara just as often: गाण्डू = गांडू.
_NASAL_HALF = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")

# Zero-width and other invisible characters, soft hyphen, variation selectors and tags.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\U000e0000-\U000e007f]"
)
_LATIN_MARKS = re.compile("[\u0300-\u036f]")
# Scripts whose letters must never be remapped to Latin look-alikes (Devanagari ० is not "o").
_KEEP_SCRIPT = re.compile("[\u0900-\u097f\ua8e0-\ua8ff]")

LEET: dict[str, str] = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "li",
    "*": "uaeio",
}
"""What each leetspeak character may stand for, most likely letter first."""

_MAX_VARIANTS = 16
_RUN_OF_THREE = re.compile(r"([a-z])\1{2,}")


def fold_devanagari(text: str) -> str:
    """Fold the Devanagari spelling variations listed in the module docstring.

    >>> fold_devanagari("ज़मीन") == fold_devanagari("जमीन")
    True
    """
    return _NASAL_HALF.sub("\u0902", text).translate(_DEVANAGARI_FOLD)


def plain_form(text: str) -> str:
    """NFC, case-folded, Devanagari variation folded; tricks are left in place."""
    text = _JOINER_AFTER_VIRAMA.sub("", unicodedata.normalize("NFC", text))
    return fold_devanagari(text.casefold())


def deobfuscated_form(text: str) -> str:
    """``plain_form`` after NFKC, with invisibles, Latin accents and look-alikes undone."""
    # Look-alikes both before NFKC (which turns lunate "ϲ" into "σ") and after (which turns
    # mathematical Greek into plain Greek).
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", _map_lookalikes(text)))
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    text = _map_lookalikes(unicodedata.normalize("NFC", text))
    return fold_devanagari(text.casefold())


def _map_lookalikes(text: str) -> str:
    table = {ord(ch): _latin_lookalike(ch) for ch in set(text) if _may_be_lookalike(ch)}
    return text.translate(table) if table else text


def _may_be_lookalike(ch: str) -> bool:
    return not ch.isascii() and ch.isalpha() and not _KEEP_SCRIPT.match(ch)


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(ch: str) -> str:
    """The Latin letter ``ch`` is confusable with (Unicode TR39 data), else ``ch`` itself."""
    # Imported here: the library loads its 1 MB table at import, and most texts never need it.
    from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"])
    for candidate in found[0]["homoglyphs"] if found else ():
        letter = candidate["c"]
        if isinstance(letter, str) and len(letter) == 1 and letter.isascii() and letter.isalpha():
            return letter.lower()
    return ch


def leet_variants(word: str) -> list[str]:
    """Readings of ``word`` with each leetspeak character replaced by a letter, likeliest first.

    Too many ambiguous characters give only the likeliest reading.

    >>> leet_variants("f*ck")
    ['fuck', 'fack', 'feck', 'fick', 'fock']
    >>> leet_variants("a$$")
    ['ass']
    """
    choices = [LEET.get(ch, ch) for ch in word]
    if _product_size(choices) > _MAX_VARIANTS:
        return ["".join(options[0] for options in choices)]
    return ["".join(letters) for letters in itertools.product(*choices)]


def squeeze_variants(word: str) -> list[str]:
    """Readings of ``word`` with each run of three or more equal letters cut to one or two.

    A word without such a run has no variants.

    >>> squeeze_variants("shiiiiit")
    ['shit', 'shiit']
    >>> squeeze_variants("good")
    []
    """
    parts: list[str] = _RUN_OF_THREE.split(word)
    if len(parts) == 1:
        return []
    # split() alternates text and the repeated letter: ["sh", "i", "t"].
    choices = [(part,) if i % 2 == 0 else (part, part * 2) for i, part in enumerate(parts)]
    if _product_size(choices) > _MAX_VARIANTS:
        return ["".join(options[0] for options in choices)]
    return ["".join(pieces) for pieces in itertools.product(*choices)]


def _product_size(choices: Sequence[Sequence[str]]) -> int:
    size = 1
    for options in choices:
        size *= len(options)
    return size


def hinglish_key(word: str) -> str:
    """Fold romanized-Hindi spelling habits: doubled vowels, ee/i, oo/u, w/v.

    Doubled consonants are kept: "kuttiya" (bitch) and "kutiya" (hut) are different words.

    >>> hinglish_key("kameena") == hinglish_key("kamina")
    True
    >>> hinglish_key("choot"), hinglish_key("lawda")
    ('chut', 'lavda')
    """
    word = word.replace("w", "v")
    for long, short in (("aa", "a"), ("ee", "i"), ("ii", "i"), ("oo", "u"), ("uu", "u")):
        word = word.replace(long, short)
    return word
