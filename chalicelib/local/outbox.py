"""What SNS was asked to deliver on the local stack, recorded by a botocore event hook.

The emulator drops SMS message attributes, so the hook records the request as it was made.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class OutboxMessage:
    at: str
    to: str
    message: str
    attributes: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "to": self.to,
            "message": self.message,
            "attributes": self.attributes,
        }


class Outbox:
    def __init__(self, size: int = 500) -> None:
        self._messages: deque[OutboxMessage] = deque(maxlen=size)
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params.sns.Publish", self._record)
        client.meta.events.register("provide-client-params.sns.PublishBatch", self._record_batch)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        to = params.get("PhoneNumber") or params.get("TopicArn") or params.get("TargetArn", "")
        self._add(to, params)

    def _record_batch(self, params: dict[str, Any], **_: Any) -> None:
        for entry in params.get("PublishBatchRequestEntries", []):
            self._add(params.get("TopicArn", ""), entry)

    def _add(self, to: str, params: dict[str, Any]) -> None:
        attributes = {
            name: str(value.get("StringValue", ""))
            for name, value in params.get("MessageAttributes", {}).items()
        }
        message = OutboxMessage(
            datetime.now(UTC).isoformat(timespec="seconds"),
            to,
            params.get("Message", ""),
            attributes,
        )
        with self._lock:
            self._messages.appendleft(message)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def newest_first(self) -> list[OutboxMessage]:
        with self._lock:
            return list(self._messages)


OUTBOX = Outbox()
