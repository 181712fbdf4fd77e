"""Shares (a design a customer passes on to friends), their referrals and rewards.

Keys (see README, "Table design"):
- ``SHARE#<id>`` / ``SHARE``: the design's response, the sharer's personal message, its
  moderation ``status`` (public, pending, rejected), counters ``visits`` and ``referred``, and
  ``reward_granted_at`` once the reward is given; in ``by_campaign`` under
  ``SHARE#<status>#<created>#<id>`` so the moderation queue is one Query.
- ``SHARE#<id>`` / ``REFERRAL#<contact id>``: one friend counted once (a conditional Put),
  written only when the friend proves the number theirs (a signed link sent to it); ``referred``
  counts these verified friends only.
- ``SHARE#<id>`` / ``VISIT#<visitor>``: one browser's visit, counted once (a conditional Put).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.campaigns.funnel import Count
from chalicelib.followups.model import FollowUpJob
from chalicelib.sharing.model import Share
from chalicelib.storage.errors import TRANSACTION_CANCELLED, aws_failures, conditional
from chalicelib.storage.items import (
    contact_updates,
    count_update,
    dump_item,
    expires_at,
    load_item,
    new_job_put,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def _share(item: dict[str, Any]) -> Share:
    granted = item.get("reward_granted_at")
    return Share(
        id=item["id"],
        campaign=item["campaign"],
        response_id=item["response_id"],
        locale=item["locale"],
        message=item.get("message", ""),
        design_name=item.get("design_name", ""),
        status=item["status"],
        reasons=tuple(item.get("reasons", [])),
        sharer_contact=item.get("sharer_contact"),
        created_at=datetime.fromisoformat(item["created_at"]),
        visits=int(item.get("visits", 0)),
        referred=int(item.get("referred", 0)),
        reward_granted_at=datetime.fromisoformat(granted) if granted else None,
    )


class ShareStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def _key(self, share_id: str, sk: str = "SHARE") -> dict[str, Any]:
        return dump_item({"pk": f"SHARE#{share_id}", "sk": sk})

    def _call(self, method: str, **params: Any) -> Any:
        with aws_failures():
            return getattr(self._client, method)(TableName=self._table, **params)

    def create(self, share: Share, counts: Sequence[Count] = ()) -> None:
        """Store a new share, with ``counts`` (the funnel's ``shares``) in the same write."""
        item = {
            "pk": f"SHARE#{share.id}",
            "sk": "SHARE",
            "type": "share",
            "id": share.id,
            "campaign": share.campaign,
            "response_id": share.response_id,
            "locale": share.locale,
            "message": share.message,
            "design_name": share.design_name,
            "status": share.status,
            "reasons": list(share.reasons),
            "created_at": share.created_at.isoformat(),
            "visits": 0,
            "referred": 0,
            "expires_at": expires_at(share.created_at),
            "gsi1pk": f"CAMPAIGN#{share.campaign}",
            "gsi1sk": f"SHARE#{share.status}#{share.created_at.isoformat()}#{share.id}",
        }
        if share.sharer_contact:
            item["sharer_contact"] = share.sharer_contact
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": dump_item(item),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        writes = [put, *(count_update(self._table, count) for count in counts)]
        with aws_failures():
            self._client.transact_write_items(TransactItems=writes)

    def get(self, share_id: str) -> Share | None:
        answer = self._call("get_item", Key=self._key(share_id), ConsistentRead=True)
        item = answer.get("Item")
        return _share(load_item(item)) if item else None

    def count_visit(self, share_id: str, visitor: str, campaign: str) -> bool:
        """Count one visitor of a share of ``campaign`` once; True if this visit counted."""
        counted = conditional(
            self._client.transact_write_items,
            TRANSACTION_CANCELLED,  # seen before, or not a share of this campaign
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": dump_item(
                            {"pk": f"SHARE#{share_id}", "sk": f"VISIT#{visitor}", "type": "visit"}
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._key(share_id),
                        "UpdateExpression": "ADD visits :one",
                        "ConditionExpression": "attribute_exists(pk) AND campaign = :c",
                        "ExpressionAttributeValues": dump_item({":one": 1, ":c": campaign}),
                    }
                },
            ],
        )
        return counted is not None

    def count_referral(
        self,
        share_id: str,
        contact_id: str,
        response_id: str,
        campaign: str,
        counts: Sequence[Count] = (),
    ) -> int | None:
        """Count a verified friend once per share of ``campaign`` (with ``counts``, the
        funnel's, in the same transaction); the new total, or None if it did not count."""
        marker = {
            "pk": f"SHARE#{share_id}",
            "sk": f"REFERRAL#{contact_id}",
            "type": "referral",
            "response_id": response_id,
        }
        counted = conditional(
            self._client.transact_write_items,
            TRANSACTION_CANCELLED,  # counted before, self-referral, or not a public share
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": dump_item(marker),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._key(share_id),
                        "UpdateExpression": "ADD referred :one",
                        "ConditionExpression": (
                            "attribute_exists(pk) AND #s = :public AND campaign = :c"
                            " AND (attribute_not_exists(sharer_contact)"
                            " OR sharer_contact <> :friend)"
                        ),
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": dump_item(
                            {":one": 1, ":public": "public", ":friend": contact_id, ":c": campaign}
                        ),
                    }
                },
                *(count_update(self._table, count) for count in counts),
            ],
        )
        if counted is None:
            return None
        share = self.get(share_id)
        return share.referred if share else None

    def grant_reward(
        self,
        share_id: str,
        threshold: int,
        at: datetime,
        counts: Sequence[Count] = (),
        jobs: Sequence[FollowUpJob] = (),
    ) -> bool:
        """Mark the reward given, once: only the first caller past the threshold wins, and
        the reward's ``jobs`` and ``counts`` are written with it or not at all."""
        granted = conditional(
            self._client.transact_write_items,
            TRANSACTION_CANCELLED,  # given before, or not yet enough friends
            TransactItems=[
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": self._key(share_id),
                        "UpdateExpression": "SET reward_granted_at = :at",
                        "ConditionExpression": (
                            "attribute_not_exists(reward_granted_at) AND referred >= :n"
                        ),
                        "ExpressionAttributeValues": dump_item(
                            {":at": at.isoformat(), ":n": threshold}
                        ),
                    }
                },
                *(count_update(self._table, count) for count in counts),
                *(new_job_put(self._table, job) for job in jobs),
                *contact_updates(self._table, jobs),
            ],
        )
        return granted is not None

    def queue(self, campaign: str, status: str = "pending") -> list[Share]:
        shares: list[Share] = []
        params: dict[str, Any] = {
            "IndexName": "by_campaign",
            "KeyConditionExpression": "gsi1pk = :c AND begins_with(gsi1sk, :s)",
            "ExpressionAttributeValues": dump_item(
                {":c": f"CAMPAIGN#{campaign}", ":s": f"SHARE#{status}#"}
            ),
        }
        while True:
            answer = self._call("query", **params)
            shares.extend(_share(load_item(item)) for item in answer.get("Items", []))
            if "LastEvaluatedKey" not in answer:
                return shares
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def decide(self, share: Share, status: str, at: datetime, by: str) -> str | None:
        """A marketer's approval or rejection; the queue index follows the status. Returns the
        status it had before (None if the share is gone)."""
        answer = conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(share.id),
            UpdateExpression=("SET #s = :status, gsi1sk = :sk, decided_at = :at, decided_by = :by"),
            ConditionExpression="attribute_exists(pk)",
            ReturnValues="ALL_OLD",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=dump_item(
                {
                    ":status": status,
                    ":sk": f"SHARE#{status}#{share.created_at.isoformat()}#{share.id}",
                    ":at": at.isoformat(),
                    ":by": by,
                }
            ),
        )
        if answer is None:
            return None  # erased meanwhile
        old = load_item(answer.get("Attributes", {}))
        return str(old["status"]) if "status" in old else None
