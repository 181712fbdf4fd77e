"""The share buttons' links (the pitch, its encoding, each button's ``src``) and the sharer's
progress toward the reward, as values and as the share page shows them."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from chalicelib.sharing import pitch
from chalicelib.sharing.model import Share
from chalicelib.web.pages import source_of
from chalicelib.web.rendering import render

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
BASE = "https://samvad.example"
HINDI = "मैंने {brand} पर अपनी ड्रेस ख़ुद डिज़ाइन की: {name}। आप भी अपनी बनाइए: {link}"
VALUES = {"brand": "रंगरेज़ & Co", "name": "दिवाली + होली"}
SHARE = Share(
    id="AbCdEf123456",
    campaign="design-your-dress",
    response_id="0" * 32,
    locale="hi",
    message="",
    design_name="दिवाली",
    status="public",
    reasons=(),
    sharer_contact=None,
    created_at=NOW,
)


def link(source: str) -> str:
    return pitch.friend_link(BASE, "hi", "design-your-dress", SHARE.id, source)


def friend_query(text: str) -> dict[str, list[str]]:
    """The query of the link inside a pitch."""
    found = re.search(r"https://\S+", text)
    assert found is not None, text
    return parse_qs(urlsplit(found.group(0)).query)


def test_each_button_carries_its_own_source_and_the_share() -> None:
    links = pitch.share_links(HINDI, VALUES, link)

    whatsapp = unquote(links.whatsapp.removeprefix("https://wa.me/?text="))
    sms = unquote(links.sms.removeprefix("sms:?&body="))
    assert friend_query(whatsapp) == {"ref": [SHARE.id], "src": ["whatsapp"]}
    assert friend_query(sms) == {"ref": [SHARE.id], "src": ["sms"]}
    assert parse_qs(urlsplit(links.link).query) == {"ref": [SHARE.id], "src": ["link"]}
    assert links.link.startswith(f"{BASE}/hi/c/design-your-dress?")
    # the campaign page takes each as the funnel's source, not as "direct"
    assert [source_of(s) for s in pitch.SOURCES] == ["whatsapp", "sms", "link"]


def test_hindi_text_is_percent_encoded_as_utf8_and_nothing_ends_the_body_early() -> None:
    links = pitch.share_links(HINDI, VALUES, link)
    expected = (
        "मैंने रंगरेज़ & Co पर अपनी ड्रेस ख़ुद डिज़ाइन की: दिवाली + होली। आप भी अपनी बनाइए: "
        f"{BASE}/hi/c/design-your-dress?ref={SHARE.id}&src=whatsapp"
    )

    assert links.whatsapp.startswith("https://wa.me/?text=")
    assert links.sms.startswith("sms:?&body=")
    for href, prefix in ((links.whatsapp, "https://wa.me/?text="), (links.sms, "sms:?&body=")):
        body = href.removeprefix(prefix)
        assert body.isascii()
        assert re.fullmatch(r"[A-Za-z0-9%._~-]+", body), body  # no raw & + ? # or space
        assert "%E0%A4%AE%E0%A5%88%E0%A4%82" in body  # मैं as UTF-8 bytes
    assert unquote(links.whatsapp.removeprefix("https://wa.me/?text=")) == expected
    assert unquote(links.sms.removeprefix("sms:?&body=")) == expected.replace("whatsapp", "sms")


def test_a_text_without_a_link_placeholder_gets_the_link_at_the_end() -> None:
    text = pitch.pitch("{brand} पर मेरी {name} देखो!", VALUES, "https://x.example/c")

    assert text == "रंगरेज़ & Co पर मेरी दिवाली + होली देखो! https://x.example/c"
    assert pitch.pitch("{link}", {}, "https://x.example/c") == "https://x.example/c"


@pytest.mark.parametrize(
    ("joined", "shown", "earned"),
    [(0, 0, False), (1, 1, False), (4, 4, False), (5, 5, True), (7, 5, True)],
    ids=["none", "one", "threshold-1", "threshold", "over"],
)
def test_progress_counts_proven_friends_up_to_the_threshold(
    joined: int, shown: int, earned: bool
) -> None:
    progress = pitch.progress(replace(SHARE, referred=joined), 5)

    assert progress is not None
    assert (progress.joined, progress.shown, progress.threshold) == (joined, shown, 5)
    assert progress.earned is earned


def test_a_reward_already_granted_is_earned_and_no_threshold_means_no_progress() -> None:
    granted = replace(SHARE, referred=2, reward_granted_at=NOW)  # a lower threshold since

    assert pitch.progress(granted, 5) == pitch.Progress(joined=2, threshold=5, earned=True)
    assert pitch.progress(replace(SHARE, referred=3), None) is None


def share_page(locale: str, progress: pitch.Progress | None, reward: Any = None) -> str:
    return render(
        "share.html",
        locale,
        base="",
        page={"brand": "Rangrez", "theme": None},
        alternates=[],
        design={"svg": "", "total": "", "chosen": []},
        share=SHARE,
        invite=link("share"),
        og=dict.fromkeys(
            ("title", "description", "image", "image_width", "image_height", "url"), "x"
        ),
        links=pitch.share_links(HINDI, VALUES, link),
        progress=progress,
        reward=reward,
    )


def progress_text(page: str) -> str:
    found = re.search(r'<p id="share-progress">([^<]*)</p>', page)
    assert found is not None, page
    return found.group(1)


@pytest.mark.parametrize(
    ("joined", "threshold", "english", "hindi"),
    [
        (0, 5, "0 of 5 friends joined", "जुड़े दोस्त: 0 / 5"),
        (1, 1, "1 of 1 friend joined", "जुड़े दोस्त: 1 / 1"),
        (2, 5, "2 of 5 friends joined", "जुड़े दोस्त: 2 / 5"),
    ],
)
def test_the_page_says_how_many_friends_joined_with_cldr_plurals(
    joined: int, threshold: int, english: str, hindi: str
) -> None:
    progress = pitch.progress(replace(SHARE, referred=joined), threshold)

    en = share_page("en", progress)
    assert progress_text(en) == english
    assert f'<progress max="{threshold}" value="{joined}"' in en
    assert progress_text(share_page("hi", progress)) == hindi
    assert ("You have earned your reward" in en) is (joined == threshold)


def test_the_earned_state_names_the_reward_and_no_progress_shows_nothing() -> None:
    earned = share_page(
        "hi", pitch.progress(replace(SHARE, referred=6), 5), {"text": "अपनी ड्रेस मुफ़्त"}
    )
    assert progress_text(earned) == "जुड़े दोस्त: 5 / 5"
    assert "आपने अपना इनाम जीत लिया है" in earned
    assert "अपनी ड्रेस मुफ़्त" in earned

    nothing = share_page("en", None)
    assert "<progress" not in nothing
    assert "share-progress" not in nothing
    assert 'href="https://wa.me/?text=' in nothing  # the buttons are there all the same
