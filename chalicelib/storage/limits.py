"""Rate limits in DynamoDB: one counter per key and time window, expiring with the window.

Keys are hashed (a client address or a phone number is personal data); the counter item is
``RATE#<hash>`` / ``<window start>`` and TTL deletes it after the window.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import StorageUnavailable
from chalicelib.storage.dynamodb import dump_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class RateLimiter:
    def __init__(self, client: DynamoDBClient, table_name: str, salt: bytes) -> None:
        self._client = client
        self._table = table_name
        self._salt = salt

    def allow(self, kind: str, key: str, limit: int, window: timedelta, now: datetime) -> bool:
        """Count one more ``kind`` event for ``key``; False once ``limit`` is reached."""
        seconds = int(window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        digest = hashlib.sha256(self._salt + f"{kind}:{key}".encode()).hexdigest()[:32]
        try:
            self._client.update_item(
                TableName=self._table,
                Key=dump_item({"pk": f"RATE#{kind}#{digest}", "sk": str(start)}),
                UpdateExpression="ADD hits :one SET expires_at = :end",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues=dump_item(
                    {":one": 1, ":limit": limit, ":end": start + seconds + 3600}
                ),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise StorageUnavailable(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc
        return True
