"""Consent: opaque contact ids, signed unsubscribe links, and the links put into messages
(``links.Links``), none of which carries a phone number."""

from chalicelib.consent.tokens import (
    InvalidToken,
    UnsubscribeClaim,
    contact_id_for,
    sign_unsubscribe,
    verify_unsubscribe,
)

__all__ = [
    "InvalidToken",
    "UnsubscribeClaim",
    "contact_id_for",
    "sign_unsubscribe",
    "verify_unsubscribe",
]
