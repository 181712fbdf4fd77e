"""Every store turns AWS failures into domain errors one way (``storage/errors.py``): a refusal
it asked for means "not written" (None, False), anything else is StorageUnavailable raised
from the botocore error, whichever store and call it came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from chalicelib.campaigns.model import Definition
from chalicelib.errors import RateLimited, StorageUnavailable
from chalicelib.followups.model import FollowUpJob
from chalicelib.storage.campaigns import CampaignStore
from chalicelib.storage.dynamodb import DynamoStore
from chalicelib.storage.erasure import Eraser
from chalicelib.storage.errors import (
    CONDITION_FAILED,
    TRANSACTION_CANCELLED,
    Refused,
    aws_failures,
    conditional,
)
from chalicelib.storage.sharing import Share, ShareStore
from chalicelib.storage.threads import Message, ThreadStore
from tests.samples import NOW
from tests.samples import PLAIN_ANSWER as RESPONSE

JOB = FollowUpJob(
    response_id="r" * 32,
    step="thanks",
    channel="sms",
    status="pending",
    due_at=NOW,
    campaign="wishlist",
    locale="hi",
    created_at=NOW,
    lease_id="lease",
)
SHARE = Share(
    id="s" * 16,
    campaign="wishlist",
    response_id="r" * 32,
    locale="hi",
    message="",
    design_name="",
    status="pending",
    reasons=(),
    sharer_contact=None,
    created_at=NOW,
)
MESSAGE = Message(response_id="r" * 32, direction="out", text="hi", at=NOW, message_id="m1")


def client_error(code: str, reasons: tuple[str, ...] = ()) -> ClientError:
    answer: dict[str, Any] = {"Error": {"Code": code, "Message": code}}
    if reasons:
        answer["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(answer, "AnyOperation")  # type: ignore[arg-type]


class FailingClient:
    """A DynamoDB client whose every call fails with ``error``; it records what was called."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(**params: Any) -> Any:
            self.calls.append(name)
            raise self.error

        return call


Operation = Callable[[Any], object]
OPERATIONS: dict[str, Operation] = {
    "DynamoStore.create_response": lambda c: DynamoStore(c, "t").create_response(RESPONSE, [JOB]),
    "DynamoStore.get_response": lambda c: DynamoStore(c, "t").get_response("r" * 32),
    "DynamoStore.count": lambda c: DynamoStore(c, "t").count("views", "w", "hi", "direct"),
    "DynamoStore.stats": lambda c: DynamoStore(c, "t").stats("wishlist"),
    "DynamoStore.responses_page": lambda c: DynamoStore(c, "t").responses_page("w", 10, None),
    "DynamoStore.add_jobs": lambda c: DynamoStore(c, "t").add_jobs([JOB]),
    "DynamoStore.jobs_for": lambda c: DynamoStore(c, "t").jobs_for("r" * 32),
    "DynamoStore.campaign_jobs": lambda c: DynamoStore(c, "t").campaign_jobs("wishlist"),
    "DynamoStore.due_jobs": lambda c: DynamoStore(c, "t").due_jobs(NOW, 10),
    "DynamoStore.claim": lambda c: DynamoStore(c, "t").claim(JOB, NOW, "lease"),
    "DynamoStore.save_job": lambda c: DynamoStore(c, "t").save_job(JOB),
    "DynamoStore.reopen_failed": lambda c: DynamoStore(c, "t").reopen_failed(JOB, NOW),
    "DynamoStore.contact": lambda c: DynamoStore(c, "t").contact("c1"),
    "DynamoStore.opt_out": lambda c: DynamoStore(c, "t").opt_out("c1", NOW, "link"),
    "DynamoStore.take_marketing_slot": lambda c: DynamoStore(c, "t").take_marketing_slot(
        "c1", "2026-W48", 3
    ),
    "DynamoStore.take_sms_budget": lambda c: DynamoStore(c, "t").take_sms_budget("s", NOW, 5),
    "CampaignStore.deploy": lambda c: CampaignStore(c, "t").deploy(
        Definition("wishlist", "slug: wishlist", "{}"), NOW, "test"
    ),
    "CampaignStore.state": lambda c: CampaignStore(c, "t").state("wishlist"),
    "CampaignStore.version": lambda c: CampaignStore(c, "t").version("wishlist", 1),
    "CampaignStore.versions": lambda c: CampaignStore(c, "t").versions("wishlist"),
    "CampaignStore.campaigns": lambda c: CampaignStore(c, "t").campaigns(),
    "CampaignStore.publish": lambda c: CampaignStore(c, "t").publish("wishlist", 1, NOW),
    "CampaignStore.rollback": lambda c: CampaignStore(c, "t").rollback("wishlist", NOW),
    "ShareStore.create": lambda c: ShareStore(c, "t").create(SHARE),
    "ShareStore.get": lambda c: ShareStore(c, "t").get(SHARE.id),
    "ShareStore.count_visit": lambda c: ShareStore(c, "t").count_visit(SHARE.id, "v", "w"),
    "ShareStore.count_referral": lambda c: ShareStore(c, "t").count_referral(
        SHARE.id, "c1", "r" * 32, "wishlist"
    ),
    "ShareStore.grant_reward": lambda c: ShareStore(c, "t").grant_reward(SHARE.id, 3, NOW),
    "ShareStore.queue": lambda c: ShareStore(c, "t").queue("wishlist"),
    "ShareStore.decide": lambda c: ShareStore(c, "t").decide(SHARE, "public", NOW, "test"),
    "ThreadStore.add": lambda c: ThreadStore(c, "t").add(MESSAGE),
    "ThreadStore.response_of": lambda c: ThreadStore(c, "t").response_of("out", "m1"),
    "ThreadStore.thread": lambda c: ThreadStore(c, "t").thread("r" * 32),
    "Eraser.erase": lambda c: Eraser(c, "t").erase("c1"),
}
FAILURES = {
    "throttled": lambda: client_error("ProvisionedThroughputExceededException"),
    "access denied": lambda: client_error("AccessDeniedException"),
    "no table": lambda: client_error("ResourceNotFoundException"),
    "timeout": lambda: ReadTimeoutError(endpoint_url="https://dynamodb.invalid"),
    "no connection": lambda: EndpointConnectionError(endpoint_url="https://dynamodb.invalid"),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_store_call_fails_as_storage_unavailable_from_the_aws_error(
    operation: str, failure: str
) -> None:
    error = FAILURES[failure]()
    client = FailingClient(error)
    with pytest.raises(StorageUnavailable) as raised:
        OPERATIONS[operation](client)
    assert raised.value.__cause__ is error
    assert client.calls, "the operation made no AWS call"


REFUSED_AS_NOT_WRITTEN: dict[str, tuple[str, Operation, object]] = {
    "claim": (CONDITION_FAILED, lambda c: DynamoStore(c, "t").claim(JOB, NOW, "x"), None),
    "save_job": (CONDITION_FAILED, lambda c: DynamoStore(c, "t").save_job(JOB), False),
    "reopen_failed": (
        CONDITION_FAILED,
        lambda c: DynamoStore(c, "t").reopen_failed(JOB, NOW),
        False,
    ),
    "add_jobs": (CONDITION_FAILED, lambda c: DynamoStore(c, "t").add_jobs([JOB]), []),
    "take_sms_budget": (
        CONDITION_FAILED,
        lambda c: DynamoStore(c, "t").take_sms_budget("s", NOW, 5),
        False,
    ),
    "count_visit": (
        TRANSACTION_CANCELLED,
        lambda c: ShareStore(c, "t").count_visit(SHARE.id, "v", "w"),
        False,
    ),
    "count_referral": (
        TRANSACTION_CANCELLED,
        lambda c: ShareStore(c, "t").count_referral(SHARE.id, "c1", "r" * 32, "w"),
        None,
    ),
    "grant_reward": (
        TRANSACTION_CANCELLED,
        lambda c: ShareStore(c, "t").grant_reward(SHARE.id, 3, NOW),
        False,
    ),
    # The share was erased between the marketer's read and the decision: nothing to decide.
    "decide": (
        CONDITION_FAILED,
        lambda c: ShareStore(c, "t").decide(SHARE, "public", NOW, "test"),
        None,
    ),
    "thread add": (TRANSACTION_CANCELLED, lambda c: ThreadStore(c, "t").add(MESSAGE), False),
}


@pytest.mark.parametrize("name", REFUSED_AS_NOT_WRITTEN)
def test_a_refused_conditional_write_means_not_written(name: str) -> None:
    code, operation, expected = REFUSED_AS_NOT_WRITTEN[name]
    assert operation(FailingClient(client_error(code))) == expected


def test_a_refusal_a_call_did_not_ask_for_is_storage_unavailable() -> None:
    """A cancelled transaction where only a failed condition was expected is no "not written"."""
    error = client_error(TRANSACTION_CANCELLED, ("ConditionalCheckFailed",))
    with pytest.raises(StorageUnavailable) as raised:
        DynamoStore(FailingClient(error), "t").claim(JOB, NOW, "x")
    assert raised.value.__cause__ is error


def test_a_full_rate_counter_is_rate_limited_from_the_cancelled_transaction() -> None:
    from chalicelib.responses.limits import Limit

    limit = Limit("RATE#client#x", 0, 600, 5)
    # Items: the response, the funnel count, then the limit's counter.
    error = client_error(TRANSACTION_CANCELLED, ("None", "None", "ConditionalCheckFailed"))
    with pytest.raises(RateLimited) as raised:
        DynamoStore(FailingClient(error), "t").create_response(RESPONSE, [], [limit])
    assert raised.value.retry_after == 600
    assert raised.value.__cause__ is error


def test_the_translator_names_the_refusal_and_its_reasons() -> None:
    error = client_error(TRANSACTION_CANCELLED, ("None", "TransactionConflict"))
    with pytest.raises(Refused) as raised, aws_failures(TRANSACTION_CANCELLED):
        raise error
    assert (raised.value.code, raised.value.reasons) == (
        TRANSACTION_CANCELLED,
        ["None", "TransactionConflict"],
    )
    assert raised.value.error is error
    assert raised.value.__cause__ is error
    assert str(raised.value.unexplained()) == str(error)


def test_the_translator_leaves_other_errors_alone() -> None:
    with pytest.raises(RateLimited), aws_failures():
        raise RateLimited(60)
    with pytest.raises(KeyError), aws_failures():
        raise KeyError("Attributes")


def test_conditional_returns_the_answer_of_a_write_that_went_through() -> None:
    assert conditional(lambda **params: {"Attributes": params}, Key=1) == {"Attributes": {"Key": 1}}


def test_only_the_translator_handles_botocore_errors_in_storage() -> None:
    """A store that catches ClientError itself would be a fifth way; it goes through
    ``aws_failures`` or ``conditional`` instead."""
    from pathlib import Path

    import chalicelib.storage

    folder = Path(chalicelib.storage.__file__).parent
    catching = sorted(
        path.name
        for path in folder.glob("*.py")
        if path.name != "errors.py"
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("ClientError", "BotoCoreError", "StorageUnavailable(")
        )
    )
    assert catching == []
