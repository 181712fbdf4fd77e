"""What SNS was asked to deliver on the local stack, recorded by a botocore event hook.

The emulator drops SMS message attributes, so the hook records the request as it was made.
The stack shares its outbox through a file (JSON Lines, one message a line, named in its state
file): ``samvad followups run-due`` runs in another process, and what it sends shows in
``/_local/outbox`` too. Without a file (the tests' in-process stack) it stays in memory.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
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
        self._size = size
        self._messages: deque[OutboxMessage] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._file: Path | None = None

    def share(self, path: Path | str, *, empty: bool = False) -> None:
        """Record to and read from the file ``path`` (``empty``: start it anew, as a new stack
        does), so that every process attached to the stack shares one outbox."""
        self._file = Path(path)
        if empty:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            self._file.write_text("", encoding="utf-8")

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
            if self._file is None:
                self._messages.appendleft(message)
                return
            line = json.dumps(message.as_dict(), ensure_ascii=False) + "\n"
            # One write to a file opened for appending: lines from several processes interleave
            # whole.
            handle = os.open(self._file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(handle, line.encode("utf-8"))
            finally:
                os.close(handle)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            if self._file is not None:
                self._file.write_text("", encoding="utf-8")

    def newest_first(self) -> list[OutboxMessage]:
        with self._lock:
            if self._file is None:
                return list(self._messages)
            try:
                lines = self._file.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                return []
        found = []
        for line in reversed(lines[-self._size :]):
            try:
                found.append(OutboxMessage(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a line being written as the page reads
        return found


OUTBOX = Outbox()
