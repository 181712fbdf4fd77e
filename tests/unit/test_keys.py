"""The stage's keys: the secret's JSON checked field by field, and read once per container
(again after a few minutes, so a rotation arrives; a failed read is retried, not hammered)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.consent.keys import MAX_AGE_SECONDS, CachedKeys, Keys, SecretUnavailable

CONTACT, LINK, OLD = "c" * 40, "l" * 40, "o" * 40
ADMIN = "ab" * 32
SECRET = {"contact_key": CONTACT, "link_key": LINK, "admin_key_sha256": ADMIN}


def test_the_secret_gives_a_contact_key_and_the_link_keys_current_first() -> None:
    keys = Keys.from_secret(json.dumps({**SECRET, "previous_link_key": OLD}))

    assert keys.contact == CONTACT.encode()
    assert keys.link_keys == (LINK.encode(), OLD.encode())
    assert keys.admin_key_sha256 == ADMIN
    assert Keys.from_secret(json.dumps(SECRET)).link_keys == (LINK.encode(),)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_key": None}, "contact_key"),
        ({"contact_key": "too-short"}, "contact_key"),
        ({"link_key": None}, "link_key"),
        ({"link_key": 12345}, "link_key"),
        ({"previous_link_key": "short"}, "previous_link_key"),
        ({"admin_key_sha256": None}, "admin_key_sha256"),
        ({"admin_key_sha256": "not-hex" * 9}, "admin_key_sha256"),
    ],
)
def test_a_secret_without_usable_keys_is_refused_naming_the_field_not_its_value(
    change: dict[str, Any], field: str
) -> None:
    data = {k: v for k, v in {**SECRET, **change}.items() if v is not None}

    with pytest.raises(SecretUnavailable) as refused:
        Keys.from_secret(json.dumps(data))

    assert field in str(refused.value)
    assert not any(str(v) in str(refused.value) for v in data.values())


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '"a string"'])
def test_a_secret_that_is_not_a_json_object_is_refused(text: str) -> None:
    with pytest.raises(SecretUnavailable, match="JSON object"):
        Keys.from_secret(text)


class Secret:
    """A fake of the secret's reader: its value, and how often it was read."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value: dict[str, Any] | None = value
        self.reads = 0

    def read(self) -> str:
        self.reads += 1
        if self.value is None:
            raise SecretUnavailable("secret samvad/prod: ResourceNotFoundException")
        return json.dumps(self.value)


def test_the_secret_is_read_once_and_again_after_a_few_minutes() -> None:
    secret, now = Secret(SECRET), [1000.0]
    keys = CachedKeys(secret.read, lambda: now[0])

    first = [keys.current() for _ in range(5)]
    now[0] += MAX_AGE_SECONDS - 1
    secret.value = {**SECRET, "link_key": "n" * 40, "previous_link_key": LINK}
    still = keys.current()
    now[0] += 2
    rotated = keys.current()

    assert secret.reads == 2
    assert {k.link for k in first} == {still.link} == {LINK.encode()}
    assert rotated.link_keys == (b"n" * 40, LINK.encode())
    assert rotated.contact == first[0].contact


def test_an_unreadable_secret_refuses_and_is_tried_again_only_after_a_pause() -> None:
    secret, now = Secret(SECRET), [0.0]
    secret.value = None
    keys = CachedKeys(secret.read, lambda: now[0], retry_after=10)

    for _ in range(3):
        with pytest.raises(SecretUnavailable, match="ResourceNotFoundException"):
            keys.current()
    reads_while_waiting = secret.reads
    now[0] += 11
    secret.value = SECRET

    assert reads_while_waiting == 1
    assert keys.current().link == LINK.encode()
    assert secret.reads == 2


def test_once_read_the_keys_outlive_a_brief_outage_of_secrets_manager() -> None:
    secret, now = Secret(SECRET), [0.0]
    keys = CachedKeys(secret.read, lambda: now[0], max_age=60, retry_after=10)
    good = keys.current()
    secret.value = None
    now[0] += 61

    kept = [keys.current() for _ in range(3)]

    assert kept == [good] * 3
    assert secret.reads == 2  # one failed read, then a pause
