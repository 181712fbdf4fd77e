"""What the conversation with customers needs from storage: the thread of each answer
(DynamoDB in ``chalicelib.storage.threads``; a fake in ``tests/fakes.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.responses.model import Response


@dataclass(frozen=True)
class Message:
    response_id: str
    direction: str  # out (brand to customer) | in (customer to brand)
    text: str
    at: datetime
    message_id: str
    by: str = ""


class ThreadStore(Protocol):
    def add(self, message: Message) -> bool:
        """Append a message; False if this message id is already in the thread."""
        ...

    def response_of(self, direction: str, message_id: str) -> str | None:
        """The answer whose thread holds the message ``message_id`` sent in ``direction``."""
        ...

    def thread(self, response_id: str) -> list[Message]: ...


class Answers(Protocol):
    def get_response(self, response_id: str) -> Response | None: ...
