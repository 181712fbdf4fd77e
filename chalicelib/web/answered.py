"""Which answers this browser sent: a signed cookie, set with the answer, that unlocks the
answer's thanks page (its design) and sharing it.

A response id in a URL is only a name: whoever else opens the thanks URL sees a plain thank
you and cannot publish a share credited to the customer. The cookie holds up to
``MAX_ANSWERS`` entries ``<response id>.<expires>.<signature>`` (HMAC with the link key, so a
rotation keeps it valid while the previous key is kept); it is HttpOnly, SameSite=Lax, Secure
on deployed stages, scoped to the app's mount and lives ``MAX_AGE`` seconds.
"""

from __future__ import annotations

import re

from chalicelib.bootstrap import Services
from chalicelib.consent.tokens import sign_expiring, verify_expiring
from chalicelib.web.http import WebRequest

COOKIE = "samvad_answered"
MAX_AGE = 24 * 3600
MAX_ANSWERS = 5
_PURPOSE = "thanks"
_ENTRY = re.compile(r"([0-9a-f]{32})\.([0-9]{1,12}\.[0-9a-f]{32})\Z")


def _entries(request: WebRequest) -> list[tuple[str, str]]:
    found = []
    for part in (request.cookie(COOKIE) or "").split("~")[:MAX_ANSWERS]:
        match = _ENTRY.fullmatch(part)
        if match is not None:
            found.append((match.group(1), match.group(2)))
    return found


def answered(services: Services, request: WebRequest, response_id: str) -> bool:
    """Whether this browser sent the answer ``response_id`` (a valid, unexpired entry)."""
    now = services.clock().timestamp()
    keys = services.keys().link_keys
    return any(
        rid == response_id and verify_expiring(_PURPOSE, rid, proof, keys, now)
        for rid, proof in _entries(request)
    )


def set_cookie(services: Services, request: WebRequest, response_id: str) -> str:
    """The Set-Cookie line adding ``response_id`` to this browser's answers (the newest
    ``MAX_ANSWERS`` are kept)."""
    expires = int(services.clock().timestamp()) + MAX_AGE
    proof = sign_expiring(_PURPOSE, response_id, expires, services.keys().link)
    kept = [f"{rid}.{p}" for rid, p in _entries(request) if rid != response_id]
    value = "~".join([f"{response_id}.{proof}", *kept][:MAX_ANSWERS])
    secure = "" if services.settings.is_local else "; Secure"
    path = (request.base or "") + "/"
    return f"{COOKIE}={value}; Path={path}; Max-Age={MAX_AGE}; HttpOnly; SameSite=Lax{secure}"
