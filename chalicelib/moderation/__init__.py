"""Brand control: check what customers write before others can see it.

Everything a customer writes that may be shown to other people (share messages, design names,
public feedback) goes through ``check_text`` first. It is pure: no AWS, no network, no model.

>>> from chalicelib.moderation import check_text
>>> check_text("Perfect tawa for rotis, बहुत अच्छा!").flagged
False
>>> check_text("f.u.c.k this").reasons
('profanity:en', 'obfuscation')

Reasons name the list and the trick, never the word: logs and API answers must not carry it.

Why these libraries (all pure Python, offline, together well under 2 MB in the Lambda bundle):

- English words: **glin-profanity** 4.1.0 (MIT, released 2026, actively maintained; one small
  dependency, typing-extensions). We use only its English list (416 entries, the widely used
  "LDNOOBW" list plus leetspeak spellings), read from the installed package, and match it with
  our own whole-word matcher. Rejected: *better-profanity* (last release 2020, unmaintained);
  *alt-profanity-check* (a scikit-learn model: pins scikit-learn, which pulls numpy and scipy,
  well over 100 MB unzipped against Lambda's 250 MB limit, slow cold starts, English only and
  gives no reason we could report); *profanityfilter* (alpha, tiny list, needs ``inflection``).
  Entries that are ordinary words for our customers ("nude" lipstick, a Ford "Escort", the
  swastika of Diwali, Hinglish "paki" = cooked) are listed in ``words/en-allow.txt``; the few
  common words the list lacks are in ``words/en-extra.txt``.
- Look-alike letters: **confusable-homoglyphs** 3.3.1 (MIT), the Unicode TR39 confusables
  table, so Cyrillic "ѕ" or Greek "ο" reads as Latin "s", "o". NFKC handles fullwidth letters.
- Hindi (Devanagari) and romanized Hindi: our own lists, ``words/hi.txt`` and
  ``words/hi-latn.txt``; their headers say which ambiguous words are left out and why.
"""

from chalicelib.moderation.checker import OBFUSCATION, Verdict, check_text

__all__ = ["OBFUSCATION", "Verdict", "check_text"]
