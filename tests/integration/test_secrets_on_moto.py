"""The stage's keys come from Secrets Manager at run time (moto in-process, app.py through
Chalice's test client): read once per container, the link key rotated without orphaning an
opt-out or breaking the links already sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.consent.keys import MAX_AGE_SECONDS
from chalicelib.consent.tokens import sign_unsubscribe, verify_unsubscribe
from chalicelib.local.resources import DEVELOPMENT_CONTACT_KEY, DEVELOPMENT_LINK_KEY
from tests.conftest import ADMIN_KEY, BOOTSTRAP_KEY, send_wishlist_form

PHONE = "+919876512345"
SECOND_KEY = "second-link-key-after-the-first-rotation-0001"
THIRD_KEY = "third-link-key-after-the-second-rotation-0002"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def count_secret_reads(services: Any) -> Callable[[], int]:
    reads: list[str] = []
    services.adapters.secretsmanager.meta.events.register(
        "before-call.secrets-manager.GetSecretValue", lambda **_: reads.append("read")
    )
    return lambda: len(reads)


def rotate(services: Any, link_key: str, previous: str) -> None:
    """What the operator does: a new link key, the old one kept as the previous one."""
    import hashlib

    services.adapters.secretsmanager.put_secret_value(
        SecretId=services.settings.secret_id,
        SecretString=json.dumps(
            {
                "contact_key": DEVELOPMENT_CONTACT_KEY.decode(),
                "link_key": link_key,
                "previous_link_key": previous,
                "admin_key_sha256": hashlib.sha256(BOOTSTRAP_KEY.encode()).hexdigest(),
            }
        ),
    )


@pytest.fixture
def minutes(aws: Any) -> list[float]:
    """The container's monotonic clock, set before it first reads its keys: a test makes
    minutes pass by adding to it."""
    now = [0.0]
    assert "key_source" not in vars(aws)  # nothing has read the keys yet
    aws.monotonic = lambda: now[0]
    return now


def test_the_secret_is_read_once_per_container(chalice_client: Any, aws: Any) -> None:
    reads = count_secret_reads(aws)

    page = chalice_client.http.get("/hi/c/wishlist")  # a form token (CSRF): the link key
    answered = send_wishlist_form(chalice_client, "secret-reads-01", "98765 12345")
    contact = aws.links.contact_id(PHONE)
    unsubscribe = aws.links.unsubscribe(contact, "hi").removeprefix(aws.links.base_url)
    asked = chalice_client.http.get(unsubscribe)
    admin = chalice_client.http.get(
        "/admin/api/v1/campaigns", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )

    assert (page.status_code, answered.status_code, asked.status_code) == (200, 303, 200)
    assert admin.status_code == 200
    assert aws.adapters.store.campaign_jobs("wishlist")  # the follow-ups were planned and sent
    assert reads() == 1


def test_a_rotated_link_key_keeps_sent_links_working_and_every_opt_out(
    chalice_client: Any, aws: Any, minutes: list[float]
) -> None:
    reads = count_secret_reads(aws)
    contact = aws.links.contact_id(PHONE)
    sent_before = aws.links.unsubscribe(contact, "hi").removeprefix(aws.links.base_url)
    forged = f"/u/{sign_unsubscribe(contact, 'hi', b'an-unknown-key-nobody-configured!')}"

    rotate(aws, SECOND_KEY, previous=DEVELOPMENT_LINK_KEY.decode())
    minutes[0] += MAX_AGE_SECONDS + 1
    sent_after = aws.links.unsubscribe(contact, "hi").removeprefix(aws.links.base_url)
    asked = chalice_client.http.get(sent_before)
    unsubscribed = chalice_client.raw.http.post(sent_before, headers=FORM, body=b"")
    form_of_before = send_wishlist_form(chalice_client, "rotation-form-01", "98765 12399")

    assert reads() == 2  # the first use, and once after the cache's age
    assert aws.links.contact_id(PHONE) == contact  # the contact key was not rotated
    assert verify_unsubscribe(sent_after.removeprefix("/u/"), SECOND_KEY.encode()).contact_id
    assert sent_after != sent_before
    assert (asked.status_code, unsubscribed.status_code) == (200, 200)
    assert aws.adapters.store.contact(aws.links.contact_id(PHONE)).opted_out  # found by the same id
    assert form_of_before.status_code == 303  # a form token of the previous key still counts
    assert chalice_client.http.get(forged).status_code == 404

    rotate(aws, THIRD_KEY, previous=SECOND_KEY)
    minutes[0] += MAX_AGE_SECONDS + 1

    assert chalice_client.http.get(sent_after).status_code == 200
    assert chalice_client.http.get(sent_before).status_code == 404  # two rotations ago
    assert chalice_client.http.get(forged).status_code == 404
    assert aws.adapters.store.contact(aws.links.contact_id(PHONE)).opted_out
