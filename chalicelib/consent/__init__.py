"""Consent: opaque contact ids and signed unsubscribe links that never carry a phone number."""

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
