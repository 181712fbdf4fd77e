"""Signed unsubscribe tokens and opaque contact ids."""

from __future__ import annotations

import base64
import string

import pytest

from chalicelib.consent import (
    InvalidToken,
    UnsubscribeClaim,
    contact_id_for,
    sign_unsubscribe,
    verify_unsubscribe,
)

SECRET = b"unit-test-secret-0123456789abcdef"
OTHER_SECRET = b"another-secret-0123456789abcdef!"
PHONE = "+919876543210"
URL_SAFE = set(string.ascii_letters + string.digits + "-_.")


@pytest.fixture
def contact() -> str:
    return contact_id_for(PHONE, SECRET)


@pytest.fixture
def token(contact: str) -> str:
    return sign_unsubscribe(contact, "hi", SECRET)


def test_round_trip(contact: str, token: str) -> None:
    assert verify_unsubscribe(token, SECRET) == UnsubscribeClaim(contact, "hi")


@pytest.mark.parametrize("locale", ["en", "hi", "en-IN", "hi_IN", "mai"])
def test_token_is_url_safe_and_fits_an_sms(contact: str, locale: str) -> None:
    token = sign_unsubscribe(contact, locale, SECRET)
    assert set(token) <= URL_SAFE
    assert len(token) < 80
    assert verify_unsubscribe(token, SECRET).locale == locale


def test_every_single_character_change_is_rejected(token: str) -> None:
    for i, original in enumerate(token):
        for replacement in "A_-0.=":
            if replacement == original:
                continue
            tampered = token[:i] + replacement + token[i + 1 :]
            with pytest.raises(InvalidToken):
                verify_unsubscribe(tampered, SECRET)


def test_payload_swapped_onto_another_signature_is_rejected(token: str) -> None:
    other = sign_unsubscribe(contact_id_for("+919800000000", SECRET), "hi", SECRET)
    forged = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(InvalidToken):
        verify_unsubscribe(forged, SECRET)


def test_locale_cannot_be_changed_without_the_secret(contact: str, token: str) -> None:
    payload = base64.urlsafe_b64encode(f"{contact}\x00en".encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken):
        verify_unsubscribe(payload + "." + token.split(".")[1], SECRET)


def test_truncated_tokens_are_rejected(token: str) -> None:
    for end in range(len(token)):
        with pytest.raises(InvalidToken):
            verify_unsubscribe(token[:end], SECRET)


@pytest.mark.parametrize(
    "bad",
    ["", ".", "abc", "a.b.c", "a b.c", "टोकन.abc", "YWJj.", ".YWJj", "YWJj==.YWJj", "x" * 400],
)
def test_malformed_tokens_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidToken):
        verify_unsubscribe(bad, SECRET)


def test_padding_or_whitespace_around_a_valid_token_is_rejected(token: str) -> None:
    for variant in (token + "=", " " + token, token + "\n", token.replace(".", "=.")):
        with pytest.raises(InvalidToken):
            verify_unsubscribe(variant, SECRET)


def test_other_spellings_of_the_same_bytes_are_rejected(token: str) -> None:
    payload, signature = token.split(".")
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    same_bytes = [
        payload[:-1] + c
        for c in alphabet
        if c != payload[-1] and _b64(payload[:-1] + c) == _b64(payload)
    ]
    assert same_bytes  # 35 payload bytes leave 2 unused bits in the last character
    for spelling in same_bytes:
        with pytest.raises(InvalidToken, match="malformed"):
            verify_unsubscribe(f"{spelling}.{signature}", SECRET)


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_wrong_secret_is_rejected(token: str) -> None:
    with pytest.raises(InvalidToken, match="signature"):
        verify_unsubscribe(token, OTHER_SECRET)


def test_invalid_token_is_a_value_error() -> None:
    assert issubclass(InvalidToken, ValueError)


def test_token_carries_no_phone_digits(token: str) -> None:
    national = PHONE.removeprefix("+91")
    payload = token.split(".")[0]
    decoded = _b64(payload).decode()
    for digits in (national, national[:5], national[5:], PHONE):
        assert digits not in token
        assert digits not in decoded


@pytest.mark.parametrize("phone_like", [PHONE, "9876543210", "98765-43210", "0-98765-43210"])
def test_phone_number_as_contact_id_is_refused(phone_like: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        sign_unsubscribe(phone_like, "hi", SECRET)


@pytest.mark.parametrize("bad_id", ["", "a b", "id\x00x", "ज़", "x" * 65])
def test_malformed_contact_id_is_refused(bad_id: str) -> None:
    with pytest.raises(ValueError, match="contact id"):
        sign_unsubscribe(bad_id, "hi", SECRET)


@pytest.mark.parametrize("bad_locale", ["", "h", "hindi", "hi-", "hi IN", "../en"])
def test_malformed_locale_is_refused(contact: str, bad_locale: str) -> None:
    with pytest.raises(ValueError, match="locale"):
        sign_unsubscribe(contact, bad_locale, SECRET)


def test_contact_id_is_stable_opaque_hex() -> None:
    first = contact_id_for(PHONE, SECRET)
    assert first == contact_id_for(PHONE, SECRET)
    assert len(first) == 32
    assert set(first) <= set("0123456789abcdef")
    assert "9876543210" not in first


def test_contact_id_depends_on_number_and_secret() -> None:
    ids = {
        contact_id_for(PHONE, SECRET),
        contact_id_for("+919876543211", SECRET),
        contact_id_for(PHONE, OTHER_SECRET),
    }
    assert len(ids) == 3


@pytest.mark.parametrize("not_e164", ["919876543210", "+91 98765 43210", "+0123", "", "+"])
def test_contact_id_needs_e164(not_e164: str) -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        contact_id_for(not_e164, SECRET)


def test_short_secret_is_refused(contact: str, token: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        contact_id_for(PHONE, b"short")
    with pytest.raises(ValueError, match="secret"):
        sign_unsubscribe(contact, "hi", b"")
    with pytest.raises(ValueError, match="secret"):
        verify_unsubscribe(token, b"short")
