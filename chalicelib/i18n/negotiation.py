"""Choose the locale a customer sees, from what they asked for and what a campaign offers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chalicelib.i18n.tags import babel_id, direction, script


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags from an Accept-Language header, best first; q=0 means "not this".

    >>> parse_accept_language("en;q=0.5, hi-IN, fr;q=0")
    ['hi-IN', 'en']
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if 0.0 < quality <= 1.0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


# Where a language's readers are best served when a campaign lacks it: Maithili, Bhojpuri,
# Dogri and Bodo readers read Hindi (all Devanagari); Sindhi and Kashmiri in Devanagari are
# written in India by readers of Hindi, not of the Arabic-script Sindhi or Kashmiri (Pakistan's
# and the Valley's), so they fall back to Hindi, never to the other script.
FALLBACKS = {
    "mai": "hi",
    "bho": "hi",
    "doi": "hi",
    "brx": "hi",
    "hi-Latn": "hi",  # Hinglish readers read Devanagari too (not the other way round)
    "sd-Deva": "hi",
    "ks-Deva": "hi",
    "mni-Mtei": "mni",  # Manipuri was taught in Bengali script until the 2000s
}


def negotiate(preferred: Iterable[str], offered: Sequence[str]) -> str | None:
    """The offered locale (a BCP 47 tag) that best fits the preferences, or None: region
    subtags do not matter (``bn-IN`` → ``bn``, ``pa-Guru-IN`` → ``pa``), a script does
    (``sd-Deva`` never gets Arabic-script ``sd``), and a language the campaign lacks falls
    back to its readers' second language right after it (``mai`` → ``hi``).

    >>> negotiate(["fr", "hi-IN"], ["en", "hi"])
    'hi'
    >>> negotiate(["sat-Olck", "en"], ["en", "sat"]), negotiate(["mai", "en"], ["en", "hi"])
    ('sat', 'hi')
    >>> negotiate(["sd-Deva", "en"], ["en", "sd", "hi"]), negotiate(["mai"], ["mai", "hi"])
    ('hi', 'mai')
    """
    for tag in preferred:
        match = _match(tag, offered)
        if match is None:
            fallback = _fallback(tag)
            match = _match(fallback, offered) if fallback else None
        if match is not None:
            return match
    return None


def _fallback(tag: str) -> str | None:
    from babel import UnknownLocaleError

    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    try:
        written = f"{language}-{script(tag)}"
    except (UnknownLocaleError, ValueError):
        written = language
    return FALLBACKS.get(written) or FALLBACKS.get(language)


def _match(tag: str, offered: Sequence[str]) -> str | None:
    """The offered tag of the same language and script (regions do not matter), the exact
    one first; Babel's own negotiation drops the script (``sd-Deva`` would get ``sd``)."""
    language = babel_id(tag).split("_")[0].lower()
    if not language.isalpha():
        return None
    wanted = script(tag)
    same = [
        o for o in offered if babel_id(o).split("_")[0].lower() == language and script(o) == wanted
    ]
    exact = [o for o in same if babel_id(o).lower() == babel_id(tag).lower()]
    found = exact or same
    return found[0] if found else None


def text_direction(locale: str) -> str:
    """``rtl`` for right-to-left scripts (Urdu, Kashmiri and Sindhi in Arabic script)."""
    return direction(locale)
