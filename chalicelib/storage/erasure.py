"""Erase a contact (DPDP Act / GDPR): every item about one phone number, pending follow-ups
included. What stays is anonymous: campaign counters and rate-limit counters (hashed, gone
within the hour)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chalicelib.storage.errors import aws_failures
from chalicelib.storage.items import dump_item, query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class Eraser:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def _items(self, **params: Any) -> Iterator[dict[str, Any]]:
        return query_all(self._client, self._table, **params)

    def _partition(self, pk: str) -> list[dict[str, Any]]:
        return list(
            self._items(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues=dump_item({":pk": pk}),
                ConsistentRead=True,
            )
        )

    def _shares_of(self, campaign: str, response_id: str) -> list[str]:
        return [
            item["id"]
            for item in self._items(
                IndexName="by_campaign",
                KeyConditionExpression="gsi1pk = :c AND begins_with(gsi1sk, :s)",
                ExpressionAttributeValues=dump_item({":c": f"CAMPAIGN#{campaign}", ":s": "SHARE#"}),
            )
            if item.get("response_id") == response_id
        ]

    def erase(self, contact_id: str) -> int:
        """Delete everything about the contact; returns how many items went."""
        keys: list[tuple[str, str]] = [(f"CONTACT#{contact_id}", "CONTACT")]
        contact = self._partition(f"CONTACT#{contact_id}")
        response_ids = sorted(contact[0].get("response_ids", set())) if contact else []
        for response_id in response_ids:
            items = self._partition(f"RESPONSE#{response_id}")
            for item in items:
                keys.append((item["pk"], item["sk"]))
                if item["sk"].startswith("MESSAGE#"):
                    keys.append((f"SMS#{item['direction']}#{item['message_id']}", "SMS"))
                if item["sk"] == "RESPONSE":
                    if item.get("referred_by"):
                        keys.append((f"SHARE#{item['referred_by']}", f"REFERRAL#{contact_id}"))
                    for share_id in self._shares_of(item["campaign"], response_id):
                        keys.extend(
                            (i["pk"], i["sk"]) for i in self._partition(f"SHARE#{share_id}")
                        )
        self._delete(keys)
        return len(set(keys))

    def _delete(self, keys: list[tuple[str, str]]) -> None:
        unique = sorted(set(keys))
        for start in range(0, len(unique), 25):
            batch = {
                self._table: [
                    {"DeleteRequest": {"Key": dump_item({"pk": pk, "sk": sk})}}
                    for pk, sk in unique[start : start + 25]
                ]
            }
            with aws_failures():
                while batch:
                    answer = self._client.batch_write_item(RequestItems=batch)  # type: ignore[arg-type]
                    batch = answer.get("UnprocessedItems", {})  # type: ignore[assignment]
