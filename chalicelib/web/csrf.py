"""CSRF protection for the customers' forms: a double-submit token bound to a cookie.

The first page a browser gets sets ``samvad_csrf`` (random, HttpOnly, SameSite=Lax); every
form carries ``csrf`` = HMAC(secret, cookie). A form posted from another site arrives without
the cookie (SameSite) or without a matching token, and is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence

from chalicelib.web.http import WebRequest

COOKIE = "samvad_csrf"
FIELD = "csrf"


def token_for(cookie: str, secret: bytes) -> str:
    """The form token that goes with a cookie value.

    >>> len(token_for("abc", b"k" * 32)), token_for("abc", b"k" * 32) == token_for("abd", b"k" * 32)
    (32, False)
    """
    return hmac.new(secret, b"csrf\x00" + cookie.encode(), hashlib.sha256).hexdigest()[:32]


def cookie_of(request: WebRequest) -> tuple[str, str | None]:
    """The browser's CSRF cookie, or a new one with the Set-Cookie line to send it."""
    existing = request.cookie(COOKIE)
    if existing and 16 <= len(existing) <= 64 and existing.isalnum():
        return existing, None
    value = secrets.token_hex(16)
    return value, f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax"


def valid(request: WebRequest, fields: Mapping[str, str], keys: Sequence[bytes]) -> bool:
    """Whether the form's token goes with the cookie under one of ``keys`` (the current link
    key and the previous one: a page served before a rotation can still be sent)."""
    cookie = request.cookie(COOKIE)
    given = fields.get(FIELD, "")
    if not cookie or not given:
        return False
    return any([hmac.compare_digest(token_for(cookie, key), given) for key in keys])
