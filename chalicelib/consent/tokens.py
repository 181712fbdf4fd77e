"""Signed unsubscribe tokens, and the opaque contact id they carry instead of a phone number.

A token is ``<payload>.<signature>``, both unpadded URL-safe base64: the payload is the contact
id and the locale (so the unsubscribe page speaks the customer's language), the signature is
HMAC-SHA256 over a purpose label and the payload, cut to 128 bits to keep the link SMS-sized
(about 70 characters for a 32-character contact id).

Tokens never expire, on purpose: a customer may tap "unsubscribe" in an SMS months later, and
the law (and DLT rules in India) expect that link to keep working. An old token can only
unsubscribe its own contact, or open its erase page: erasing takes that page's confirmation
(``sign_expiring``, valid minutes), so there is nothing to gain by expiring it. Links are
signed with the link key and checked against the current and the previous one, so rotating it
(``keys.py``) keeps the links already sent working; contact ids come from the contact key,
which is never rotated. The payload is signed, not encrypted; it holds nothing secret
because the contact id is already a keyed hash (``contact_id_for``), never the phone number.

The stdlib is enough here: ``itsdangerous`` would add a dependency and a 43-character
SHA-256 signature, which makes the link too long for one SMS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

_UNSUBSCRIBE_LABEL = b"samvad/unsubscribe/v1\x00"
_CONTACT_ID_LABEL = b"samvad/contact-id/v1\x00"
_SIGNATURE_BYTES = 16
_MIN_SECRET_BYTES = 16
_MAX_CONTACT_ID_CHARS = 64
_MAX_TOKEN_CHARS = 256

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+\Z")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*\Z")
_CONTACT_ID = re.compile(r"[A-Za-z0-9_:-]+\Z")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}\Z")
_PHONE_LIKE = re.compile(r"\+?[0-9 ().-]+\Z")


class InvalidToken(ValueError):
    """The token was tampered with, truncated, malformed, or signed with another secret."""


@dataclass(frozen=True)
class UnsubscribeClaim:
    """What a valid unsubscribe token says: which contact, and in which language to answer."""

    contact_id: str
    locale: str


def contact_id_for(phone_e164: str, secret: bytes) -> str:
    """A stable opaque id for a phone number: keyed HMAC-SHA256, 32 hex characters.

    The same number and secret always give the same id, and without the secret the id says
    nothing about the number (a plain hash of a phone number is reversible by brute force).

    >>> cid = contact_id_for("+919876543210", b"s" * 32)
    >>> len(cid), cid == contact_id_for("+919876543210", b"s" * 32), "98765" in cid
    (32, True, False)
    """
    _check_secret(secret)
    if not _E164.fullmatch(phone_e164):
        raise ValueError("phone number must be E.164, like +919876543210")
    digest = hmac.new(secret, _CONTACT_ID_LABEL + phone_e164.encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:32]


def sign_unsubscribe(contact_id: str, locale: str, secret: bytes) -> str:
    """A URL-safe, SMS-sized token naming ``contact_id`` and ``locale``.

    ``contact_id`` must be opaque (see ``contact_id_for``): something that looks like a phone
    number is refused, so a number can never end up readable in a link.

    >>> secret = b"k" * 32
    >>> token = sign_unsubscribe("3f9a0c1d2e4b5a697887766554433221", "hi", secret)
    >>> len(token) < 80
    True
    >>> verify_unsubscribe(token, secret)
    UnsubscribeClaim(contact_id='3f9a0c1d2e4b5a697887766554433221', locale='hi')
    """
    _check_secret(secret)
    _check_claim(contact_id, locale)
    payload = contact_id.encode("ascii") + b"\x00" + locale.encode("ascii")
    return f"{_b64encode(payload)}.{_b64encode(_signature(payload, secret))}"


def verify_unsubscribe(token: str, secret: bytes | Sequence[bytes]) -> UnsubscribeClaim:
    """The claim inside ``token``, or ``InvalidToken`` if it was not signed with ``secret``
    (or with one of several: the current link key and the previous one).

    >>> verify_unsubscribe("not-a-token", b"k" * 32)
    Traceback (most recent call last):
    ...
    chalicelib.consent.tokens.InvalidToken: malformed unsubscribe token
    >>> old = sign_unsubscribe("3f9a0c1d2e4b5a697887766554433221", "hi", b"o" * 32)
    >>> verify_unsubscribe(old, [b"n" * 32, b"o" * 32]).locale
    'hi'
    """
    secrets = [secret] if isinstance(secret, bytes) else list(secret)
    if not secrets:
        raise ValueError("no key to verify with")
    for key in secrets:
        _check_secret(key)
    if len(token) > _MAX_TOKEN_CHARS or token.count(".") != 1:
        raise InvalidToken("malformed unsubscribe token")
    encoded_payload, encoded_signature = token.split(".")
    payload = _b64decode(encoded_payload)
    matches = [
        hmac.compare_digest(_b64encode(_signature(payload, key)), encoded_signature)
        for key in secrets  # every key is tried, so the time does not tell which one matched
    ]
    if not any(matches):
        raise InvalidToken("unsubscribe token signature does not match")
    try:
        contact_id, _, locale = payload.decode("ascii").partition("\x00")
        _check_claim(contact_id, locale)
    except ValueError as exc:  # signed by us, but not by this code: treat as unusable
        raise InvalidToken("unsubscribe token carries an invalid claim") from exc
    return UnsubscribeClaim(contact_id, locale)


def _signature(payload: bytes, secret: bytes) -> bytes:
    return hmac.digest(secret, _UNSUBSCRIBE_LABEL + payload, "sha256")[:_SIGNATURE_BYTES]


def _check_secret(secret: bytes) -> None:
    if len(secret) < _MIN_SECRET_BYTES:
        raise ValueError(f"secret must be at least {_MIN_SECRET_BYTES} bytes")


def _check_claim(contact_id: str, locale: str) -> None:
    if _PHONE_LIKE.fullmatch(contact_id) and 7 <= sum(c.isdigit() for c in contact_id) <= 15:
        raise ValueError("contact id looks like a phone number; use contact_id_for()")
    if not (_CONTACT_ID.fullmatch(contact_id) and len(contact_id) <= _MAX_CONTACT_ID_CHARS):
        raise ValueError("contact id must be 1-64 characters of [A-Za-z0-9_:-]")
    if not _LOCALE.fullmatch(locale):
        raise ValueError(f"not a locale tag: {locale!r}")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict: only the URL-safe alphabet, and only the one canonical spelling of the bytes."""
    if not _BASE64URL.fullmatch(text):
        raise InvalidToken("malformed unsubscribe token")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise InvalidToken("malformed unsubscribe token") from exc
    if _b64encode(data) != text:
        raise InvalidToken("malformed unsubscribe token")
    return data


_EXPIRING_LABEL = b"samvad/expiring/v1\x00"
_EXPIRING_TOKEN = re.compile(r"([0-9]{1,12})\.([0-9a-f]{32})\Z")


def sign_expiring(purpose: str, subject: str, expires: int, secret: bytes) -> str:
    """A short token, ``<expires>.<signature>``, saying that ``subject`` may do ``purpose``
    until ``expires`` (Unix seconds). The subject is not in the token: whoever checks it
    knows which subject to ask about (the contact of a link, the answer of a thanks page).

    >>> token = sign_expiring("erase", "c1", 1000, b"k" * 32)
    >>> verify_expiring("erase", "c1", token, [b"k" * 32], now=999)
    True
    >>> verify_expiring("erase", "c1", token, [b"k" * 32], now=1000)  # expired
    False
    >>> verify_expiring("erase", "c2", token, [b"k" * 32], now=999)  # another subject
    False
    """
    _check_secret(secret)
    return f"{expires}.{_expiring_signature(purpose, subject, expires, secret)}"


def verify_expiring(
    purpose: str, subject: str, token: str, secrets: Sequence[bytes], now: float
) -> bool:
    """Whether ``token`` came from ``sign_expiring`` with these arguments, under one of
    ``secrets`` (the current link key and the previous one), and has not expired."""
    match = _EXPIRING_TOKEN.fullmatch(token)
    if match is None or not secrets:
        return False
    expires = int(match.group(1))
    matches = [
        hmac.compare_digest(_expiring_signature(purpose, subject, expires, key), match.group(2))
        for key in secrets  # every key is tried, so the time does not tell which one matched
    ]
    return any(matches) and now < expires


def _expiring_signature(purpose: str, subject: str, expires: int, secret: bytes) -> str:
    message = b"\x00".join(
        (purpose.encode("utf-8"), subject.encode("utf-8"), str(expires).encode("ascii"))
    )
    return hmac.digest(secret, _EXPIRING_LABEL + message, "sha256")[:_SIGNATURE_BYTES].hex()
