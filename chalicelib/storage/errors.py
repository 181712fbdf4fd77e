"""The one way the stores turn AWS failures into domain errors.

Every DynamoDB call of an adapter runs inside ``aws_failures()``. A refusal the store asked
for (a condition that failed, a transaction DynamoDB cancelled) comes out as ``Refused``, with
the cancellation reasons, and the store says what it means: nothing written (None, False), a
rate limit, a version that moved meanwhile. Any other failure (throttling left over after
botocore's retries, a timeout, a missing table, AccessDenied) is ``StorageUnavailable``,
raised from the botocore error: the caller tries again later, the web edge answers 503.

``Refused`` never leaves the storage package: each store that asks for a refusal handles it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import StorageUnavailable

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"
T = TypeVar("T")


class Refused(Exception):
    """DynamoDB refused a conditional write as the store allowed it to (``code``); ``reasons``
    are a cancelled transaction's per-item codes (``ConditionalCheckFailed``,
    ``TransactionConflict``, ``None``), in the order of its items."""

    def __init__(self, error: ClientError, reasons: list[str]) -> None:
        super().__init__(error_code(error))
        self.error = error
        self.code = error_code(error)
        self.reasons = reasons

    def unexplained(self, why: str | None = None) -> StorageUnavailable:
        """This refusal as a failure, when the store cannot say what it means:
        ``raise refused.unexplained() from refused.error``."""
        return StorageUnavailable(why or str(self.error))


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def aws_failures(*refusals: str) -> Iterator[None]:
    """Inside, a botocore error whose code is one of ``refusals`` is ``Refused``; any other
    is ``StorageUnavailable``. Both are raised from the botocore error (its ``__cause__``,
    which the edge logs by type).

    >>> from botocore.exceptions import EndpointConnectionError
    >>> with aws_failures():
    ...     raise EndpointConnectionError(endpoint_url="https://db.invalid")
    Traceback (most recent call last):
    chalicelib.errors.StorageUnavailable: Could not connect to the endpoint URL: "https://db.invalid"
    """
    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        if code in refusals:
            reasons = [str(r.get("Code")) for r in exc.response.get("CancellationReasons", [])]
            raise Refused(exc, reasons) from exc
        raise StorageUnavailable(str(exc)) from exc
    except BotoCoreError as exc:
        raise StorageUnavailable(str(exc)) from exc


def conditional(
    write: Callable[..., T], refusal: str = CONDITION_FAILED, **params: Any
) -> T | None:
    """``write(**params)``, one conditional write: DynamoDB's answer, or None when it refused
    the write (``refusal``: a condition failed, or a transaction was cancelled); any other
    failure is StorageUnavailable."""
    try:
        with aws_failures(refusal):
            return write(**params)
    except Refused:
        return None
