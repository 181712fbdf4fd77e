"""The absolute links Samvad puts into messages and pages (campaign, share, a friend's
confirmation, unsubscribe), and the opaque contact id of a phone number: what answers,
shares, replies and follow-ups all need to address a customer without carrying their number."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.consent.keys import KeySource
from chalicelib.consent.referral_tokens import sign_referral
from chalicelib.consent.tokens import contact_id_for, sign_unsubscribe


@dataclass(frozen=True)
class Links:
    """Absolute links put into messages, and the keys: the contact key derives contact ids,
    the link key (read anew after a rotation) signs links."""

    base_url: str
    keys: KeySource

    def contact_id(self, phone_e164: str) -> str:
        return contact_id_for(phone_e164, self.keys.current().contact)

    def page(self, locale: str, slug: str) -> str:
        return f"{self.base_url}/{locale}/c/{slug}"

    def confirm(self, response_id: str) -> str:
        """The link a referred friend opens to prove the number is theirs."""
        return f"{self.base_url}/r/{sign_referral(response_id, self.keys.current().link)}"

    def share(self, locale: str, share_id: str) -> str:
        return f"{self.base_url}/{locale}/s/{share_id}"

    def unsubscribe(self, contact_id: str, locale: str) -> str:
        token = sign_unsubscribe(contact_id, locale, self.keys.current().link)
        return f"{self.base_url}/u/{token}"
