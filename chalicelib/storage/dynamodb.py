"""The DynamoDB store: one table, responses and their follow-up jobs side by side.

Keys (see README, "Table design"):
- response:       pk ``RESPONSE#<id>``, sk ``RESPONSE``;
                  gsi1 ``CAMPAIGN#<slug>`` / ``<created>#<id>`` (the ``by_campaign`` index)
- follow-up job:  pk ``RESPONSE#<id>``, sk ``FOLLOWUP#<step>``; while not finished also
                  ``due_shard`` / ``due_at`` (the sparse ``due`` index the scheduler queries)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import StorageUnavailable
from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.model import Consent, Response

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

DUE_SHARDS = 8
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
Item = dict[str, Any]


def due_shard(response_id: str) -> str:
    """Spread due jobs over a few partitions so one hot key cannot throttle the scheduler."""
    return f"DUE#{int(hashlib.sha256(response_id.encode()).hexdigest(), 16) % DUE_SHARDS}"


def _dump(item: Item) -> dict[str, AttributeValueTypeDef]:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def _load(item: Mapping[str, Any]) -> Item:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def response_item(response: Response) -> Item:
    item: Item = {
        "pk": f"RESPONSE#{response.id}",
        "sk": "RESPONSE",
        "type": "response",
        "id": response.id,
        "campaign": response.campaign,
        "campaign_version": response.campaign_version,
        "locale": response.locale,
        "answers": dict(response.answers),
        "created_at": response.created_at.isoformat(),
        "request_hash": response.request_hash,
        "gsi1pk": f"CAMPAIGN#{response.campaign}",
        "gsi1sk": f"{response.created_at.isoformat()}#{response.id}",
    }
    if response.phone:
        item["phone"] = response.phone
    if response.email:
        item["email"] = response.email
    if response.consent:
        item["consent"] = {
            "purpose": response.consent.purpose,
            "notice_version": response.consent.notice_version,
            "notice_locale": response.consent.notice_locale,
            "given_at": response.consent.given_at.isoformat(),
        }
    return item


def response_from_item(item: Item) -> Response:
    consent = item.get("consent")
    return Response(
        id=item["id"],
        campaign=item["campaign"],
        campaign_version=int(item["campaign_version"]),
        locale=item["locale"],
        answers=dict(item["answers"]),
        phone=item.get("phone"),
        email=item.get("email"),
        consent=Consent(
            purpose=consent["purpose"],
            notice_version=consent["notice_version"],
            notice_locale=consent["notice_locale"],
            given_at=datetime.fromisoformat(consent["given_at"]),
        )
        if consent
        else None,
        created_at=datetime.fromisoformat(item["created_at"]),
        request_hash=item["request_hash"],
    )


def job_item(job: FollowUpJob) -> Item:
    item: Item = {
        "pk": f"RESPONSE#{job.response_id}",
        "sk": f"FOLLOWUP#{job.step}",
        "type": "followup",
        "response_id": job.response_id,
        "step": job.step,
        "channel": job.channel,
        "status": job.status,
        "due_at": job.due_at.isoformat(),
        "message": job.message,
        "attributes": dict(job.attributes),
        "campaign": job.campaign,
        "locale": job.locale,
        "attempts": job.attempts,
    }
    if job.status in ("pending", "sending"):
        item["due_shard"] = due_shard(job.response_id)
    optional = {
        "phone_number": job.phone_number,
        "message_id": job.message_id,
        "sent_at": job.sent_at.isoformat() if job.sent_at else None,
        "last_error": job.last_error,
    }
    item.update({k: v for k, v in optional.items() if v is not None})
    return item


def job_from_item(item: Item) -> FollowUpJob:
    sent_at = item.get("sent_at")
    return FollowUpJob(
        response_id=item["response_id"],
        step=item["step"],
        channel=item["channel"],
        status=item["status"],
        due_at=datetime.fromisoformat(item["due_at"]),
        message=item["message"],
        attributes=dict(item["attributes"]),
        campaign=item["campaign"],
        locale=item["locale"],
        phone_number=item.get("phone_number"),
        attempts=int(cast(Decimal, item["attempts"])),
        message_id=item.get("message_id"),
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
        last_error=item.get("last_error"),
    )


class DynamoStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def create_response(self, response: Response, jobs: Sequence[FollowUpJob]) -> Response | None:
        new_only = "attribute_not_exists(pk)"
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _dump(item),
                    "ConditionExpression": new_only,
                }
            }
            for item in [response_item(response), *(job_item(job) for job in jobs)]
        ]
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise StorageUnavailable(str(exc)) from exc
            reasons = exc.response.get("CancellationReasons", [])
            if not reasons or reasons[0].get("Code") != "ConditionalCheckFailed":
                raise StorageUnavailable(str(exc)) from exc
            existing = self.get_response(response.id)
            if existing is None:
                raise StorageUnavailable("response vanished after a conflicting write") from exc
            return existing
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc
        return None

    def get_response(self, response_id: str) -> Response | None:
        try:
            answer = self._client.get_item(
                TableName=self._table,
                Key=_dump({"pk": f"RESPONSE#{response_id}", "sk": "RESPONSE"}),
                ConsistentRead=True,
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        item = answer.get("Item")
        return response_from_item(_load(item)) if item else None

    def jobs_for(self, response_id: str) -> list[FollowUpJob]:
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=_dump(
                {":pk": f"RESPONSE#{response_id}", ":prefix": "FOLLOWUP#"}
            ),
            ConsistentRead=True,
        )
        return [job_from_item(_load(item)) for item in answer.get("Items", [])]

    def save_job(self, job: FollowUpJob) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_dump(job_item(job)),
                ConditionExpression="#status = :sending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=_dump({":sending": "sending"}),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False  # another runner took the job over after our lease ran out
            raise StorageUnavailable(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc
        return True
