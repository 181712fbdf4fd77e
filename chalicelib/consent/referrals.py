"""The one-time link that proves a referred friend's number is theirs: sent by SMS to that
number only, so whoever opens it holds the phone. Signed with the link key (current or
previous after a rotation); it names the friend's answer, nothing personal."""

from __future__ import annotations

import base64
import hmac
import re
from collections.abc import Sequence

_LABEL = b"samvad-referral-v1\x00"
_SIGNATURE_BYTES = 16
TOKEN = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{22})$")


class InvalidReferralToken(Exception):
    pass


def _signature(response_id: str, key: bytes) -> str:
    digest = hmac.digest(key, _LABEL + response_id.encode("ascii"), "sha256")
    return base64.urlsafe_b64encode(digest[:_SIGNATURE_BYTES]).decode("ascii").rstrip("=")


def sign_referral(response_id: str, key: bytes) -> str:
    """
    >>> token = sign_referral("0" * 32, b"k" * 32)
    >>> verify_referral(token, [b"n" * 32, b"k" * 32]) == "0" * 32
    True
    >>> verify_referral(token, [b"n" * 32])
    Traceback (most recent call last):
    ...
    chalicelib.consent.referrals.InvalidReferralToken: signature does not match
    """
    if not re.fullmatch(r"[0-9a-f]{32}", response_id):
        raise ValueError("not a response id")
    return f"{response_id}.{_signature(response_id, key)}"


def verify_referral(token: str, keys: Sequence[bytes]) -> str:
    """The friend's response id inside ``token``; InvalidReferralToken otherwise."""
    match = TOKEN.match(token)
    if match is None:
        raise InvalidReferralToken("malformed")
    response_id, signature = match.groups()
    # every key is tried, so the time does not tell which one matched
    matches = [hmac.compare_digest(_signature(response_id, key), signature) for key in keys]
    if not any(matches):
        raise InvalidReferralToken("signature does not match")
    return response_id
