"""Rate limits in DynamoDB: one counter per key and time window, expiring with the window.

A limit is not a request of its own: the counter's conditional update goes into the same
transaction as the answer it limits, so an answer costs one write request. Keys are hashed (a
client address or a phone number is personal data); the counter item is ``RATE#<kind>#<hash>``
/ ``<window start>`` and TTL deletes it after the window.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.storage.dynamodb import dump_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


@dataclass(frozen=True)
class Limit:
    """One more hit on a counter that allows ``most`` hits per window of ``seconds``."""

    pk: str
    window_start: int
    seconds: int
    most: int

    def write(self, table: str) -> TransactWriteItemTypeDef:
        """The counter's update as a transaction item: it fails once the limit is reached."""
        return {
            "Update": {
                "TableName": table,
                "Key": dump_item({"pk": self.pk, "sk": str(self.window_start)}),
                "UpdateExpression": "ADD hits :one SET expires_at = :end",
                "ConditionExpression": "attribute_not_exists(hits) OR hits < :most",
                "ExpressionAttributeValues": dump_item(
                    {":one": 1, ":most": self.most, ":end": self.window_start + self.seconds + 3600}
                ),
            }
        }


class RateLimiter:
    def __init__(self, salt: bytes) -> None:
        self._salt = salt

    def limit(self, kind: str, key: str, most: int, window: timedelta, now: datetime) -> Limit:
        """The counter of ``kind`` events for ``key`` in the window around ``now``."""
        seconds = int(window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        digest = hashlib.sha256(self._salt + f"{kind}:{key}".encode()).hexdigest()[:32]
        return Limit(f"RATE#{kind}#{digest}", start, seconds, most)
