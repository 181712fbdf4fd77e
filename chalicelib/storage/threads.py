"""The conversation on a response: marketers' replies and customers' SMS answers.

Keys (see README, "Table design"):
- ``RESPONSE#<id>`` / ``MESSAGE#<at>#<direction>#<message id>``: one message, in order.
- ``SMSOUT#<SNS message id>`` / ``SMSOUT``: which response a reply went to, so a customer's
  answer to it (``previousPublishedMessageId``) finds its thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.dialogue.ports import Message
from chalicelib.storage.errors import TRANSACTION_CANCELLED, aws_failures, conditional
from chalicelib.storage.items import dump_item, expires_at, load_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ThreadStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add(self, message: Message) -> bool:
        """Append a message; False if this message id is already in the thread."""
        item = {
            "pk": f"RESPONSE#{message.response_id}",
            "sk": f"MESSAGE#{message.at.isoformat()}#{message.direction}#{message.message_id}",
            "type": "message",
            "response_id": message.response_id,
            "direction": message.direction,
            "text": message.text,
            "at": message.at.isoformat(),
            "message_id": message.message_id,
            "by": message.by,
            "expires_at": expires_at(message.at),
        }
        writes: list[Any] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": dump_item(
                        {
                            "pk": f"SMS#{message.direction}#{message.message_id}",
                            "sk": "SMS",
                            "type": "sms_ref",
                            "response_id": message.response_id,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {"Put": {"TableName": self._table, "Item": dump_item(item)}},
        ]
        added = conditional(
            self._client.transact_write_items, TRANSACTION_CANCELLED, TransactItems=writes
        )
        return added is not None  # if not, SNS delivered it twice: one is kept

    def response_of(self, direction: str, message_id: str) -> str | None:
        with aws_failures():
            item = self._client.get_item(
                TableName=self._table,
                Key=dump_item({"pk": f"SMS#{direction}#{message_id}", "sk": "SMS"}),
            ).get("Item")
        return str(load_item(item)["response_id"]) if item else None

    def thread(self, response_id: str) -> list[Message]:
        with aws_failures():
            answer = self._client.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND begins_with(sk, :m)",
                ExpressionAttributeValues=dump_item(
                    {":pk": f"RESPONSE#{response_id}", ":m": "MESSAGE#"}
                ),
                ConsistentRead=True,
            )
        return [
            Message(
                response_id=response_id,
                direction=item["direction"],
                text=item["text"],
                at=datetime.fromisoformat(item["at"]),
                message_id=item["message_id"],
                by=item.get("by", ""),
            )
            for item in (load_item(raw) for raw in answer.get("Items", []))
        ]
