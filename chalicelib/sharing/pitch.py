"""What a sharer passes on, and how far they are from the reward.

The pitch is the marketer's ``sharing.share_text`` with its placeholders filled and the
friend's link in it; each way of passing it on carries its own ``src`` so the funnel tells
WhatsApp, SMS and a copied link apart. Every link is a plain ``<a href>`` (or a text field
for the copied one): nothing here needs JavaScript.

SMS links: iOS (8 and later) reads the body after ``&body=``, Android after ``?body=``;
``sms:?&body=`` (no recipient) is read by both, so that is the one form we write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from chalicelib.campaigns import placeholders
from chalicelib.sharing.model import Share

SOURCES = ("whatsapp", "sms", "link")
"""The ``src`` of each way of sharing (accepted as tokens by the campaign page)."""


def friend_link(public_url: str, locale: str, slug: str, share_id: str, source: str) -> str:
    """The campaign page a friend opens, credited to the share and counted from ``source``.

    >>> friend_link("https://x.example", "hi", "dress", "AbC123xy", "whatsapp")
    'https://x.example/hi/c/dress?ref=AbC123xy&src=whatsapp'
    """
    return f"{public_url}/{locale}/c/{slug}?{urlencode({'ref': share_id, 'src': source})}"


def pitch(share_text: str, values: dict[str, str], link: str) -> str:
    """The share text with its fields filled and ``link`` as ``{link}``; a text that does not
    place the link gets it at the end (a pitch without a link brings nobody).

    >>> pitch("{brand} made it: {link}", {"brand": "Rangrez"}, "https://x/c")
    'Rangrez made it: https://x/c'
    >>> pitch("Look at {name}!", {"name": "Asha's"}, "https://x/c")
    "Look at Asha's! https://x/c"
    """
    text = placeholders.fill(share_text, {**values, "link": link})
    return text if "link" in (placeholders.names(share_text) or ()) else f"{text} {link}"


@dataclass(frozen=True)
class ShareLinks:
    """The hrefs of the share buttons, and the link a sharer copies."""

    whatsapp: str
    sms: str
    link: str


def share_links(share_text: str, values: dict[str, str], link: Callable[[str], str]) -> ShareLinks:
    """The WhatsApp and SMS links with the pitch, each with the friend's link of its source
    (``link(src)``), and the plain link to copy. Text is percent-encoded as UTF-8 (Devanagari,
    Urdu, spaces, ``&`` and ``+`` included), so no character ends the body early."""

    def text(source: str) -> str:
        return quote(pitch(share_text, values, link(source)), safe="")

    return ShareLinks(
        whatsapp=f"https://wa.me/?text={text('whatsapp')}",
        sms=f"sms:?&body={text('sms')}",
        link=link("link"),
    )


@dataclass(frozen=True)
class Progress:
    """A sharer's friends who proved their number (``joined``) toward ``threshold``."""

    joined: int
    threshold: int
    earned: bool

    @property
    def shown(self) -> int:
        """What the bar shows: never past the threshold ("5 of 5", not "7 of 5")."""
        return min(self.joined, self.threshold)


def progress(share: Share, threshold: int | None) -> Progress | None:
    """The share's progress, or None when the campaign gives no reward for friends."""
    if threshold is None or threshold < 1:
        return None
    earned = share.reward_granted_at is not None or share.referred >= threshold
    return Progress(joined=share.referred, threshold=threshold, earned=earned)
