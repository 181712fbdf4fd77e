"""An answer's transaction that DynamoDB cancels for a conflict (another transaction held one
of its items: the same answer sent twice at once, a busy counter) is tried again, briefly;
the answer is never a 503 for a race it can win a moment later."""

from __future__ import annotations

import random
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from chalicelib.errors import StorageUnavailable
from chalicelib.storage.dynamodb import CONFLICT_ATTEMPTS, DynamoStore
from chalicelib.storage.items import dump_item, response_item
from tests.samples import PLAIN_ANSWER as RESPONSE


def cancelled(*codes: str) -> dict[str, Any]:
    return {
        "service_error_code": "TransactionCanceledException",
        "service_message": "Transaction cancelled",
        "http_status_code": 400,
        "service_error_meta": {},
        "modeled_fields": {"CancellationReasons": [{"Code": code} for code in codes]},
    }


def store_with(stub: Any) -> tuple[DynamoStore, list[float], Stubber]:
    client = boto3.client(
        "dynamodb", region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    stub(stubber)
    sleeps: list[float] = []
    return DynamoStore(client, "t", sleep=sleeps.append, rng=random.Random(1)), sleeps, stubber


def test_a_conflict_is_tried_again_and_the_answer_is_written() -> None:
    def stub(stubber: Stubber) -> None:
        for _ in range(2):
            stubber.add_client_error(
                "transact_write_items", **cancelled("None", "TransactionConflict")
            )
        stubber.add_response("transact_write_items", {}, {"TransactItems": ANY})

    store, sleeps, stubber = store_with(stub)
    with stubber:
        assert store.create_response(RESPONSE, []) is None
    stubber.assert_no_pending_responses()
    assert len(sleeps) == 2
    assert 0 < sleeps[0] < sleeps[1] < 0.2  # short, growing pauses


def test_a_conflict_with_the_same_answer_written_meanwhile_returns_that_answer() -> None:
    def stub(stubber: Stubber) -> None:
        stubber.add_client_error("transact_write_items", **cancelled("TransactionConflict"))
        stubber.add_client_error("transact_write_items", **cancelled("ConditionalCheckFailed"))
        stubber.add_response("get_item", {"Item": dump_item(response_item(RESPONSE))})

    store, _, stubber = store_with(stub)
    with stubber:
        assert store.create_response(RESPONSE, []) == RESPONSE


def test_conflicts_that_do_not_clear_are_storage_unavailable() -> None:
    def stub(stubber: Stubber) -> None:
        for _ in range(CONFLICT_ATTEMPTS):
            stubber.add_client_error("transact_write_items", **cancelled("TransactionConflict"))

    store, sleeps, stubber = store_with(stub)
    with stubber, pytest.raises(StorageUnavailable):
        store.create_response(RESPONSE, [])
    assert len(sleeps) == CONFLICT_ATTEMPTS - 1
