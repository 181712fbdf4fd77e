"""How Samvad's values are stored as DynamoDB items, and the transaction items that write them.

Keys (see README, "Table design"):
- response:       pk ``RESPONSE#<id>``, sk ``RESPONSE``;
                  gsi1 ``CAMPAIGN#<slug>`` / ``<created>#<id>`` (the ``by_campaign`` index)
- follow-up job:  pk ``RESPONSE#<id>``, sk ``FOLLOWUP#<step>``; while not finished also
                  ``due_shard`` / ``due_at`` (the sparse ``due`` index the scheduler queries)
- contact:        pk ``CONTACT#<id>``, sk ``CONTACT`` (its responses and jobs, its opt-out)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from chalicelib.campaigns.funnel import Count
from chalicelib.followups.model import OPEN_STATUSES, FollowUpJob
from chalicelib.responses.model import Consent, Response
from chalicelib.storage.errors import aws_failures

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

DUE_SHARDS = 8
RETENTION = timedelta(days=730)
"""How long answers and their jobs are kept: DynamoDB's TTL deletes them after ``expires_at``."""


def expires_at(created: datetime) -> int:
    return int((created + RETENTION).timestamp())


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
Item = dict[str, Any]


def due_shard(response_id: str) -> str:
    """Spread due jobs over a few partitions so one hot key cannot throttle the scheduler."""
    return f"DUE#{int(hashlib.sha256(response_id.encode()).hexdigest(), 16) % DUE_SHARDS}"


def dump_item(item: Item) -> dict[str, AttributeValueTypeDef]:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def load_item(item: Mapping[str, Any]) -> Item:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def query_all(client: DynamoDBClient, table: str, **params: Any) -> Iterator[Item]:
    """Every item a Query finds, page after page."""
    while True:
        with aws_failures():
            answer = client.query(TableName=table, **params)
        yield from (load_item(item) for item in answer.get("Items", []))
        if "LastEvaluatedKey" not in answer:
            return
        params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


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
        "source": response.source,
        "expires_at": expires_at(response.created_at),
        "gsi1pk": f"CAMPAIGN#{response.campaign}",
        "gsi1sk": f"RESPONSE#{response.created_at.isoformat()}#{response.id}",
    }
    if response.design_name:
        item["design_name"] = response.design_name
    if response.referred_by:
        item["referred_by"] = response.referred_by
    if response.variant:
        item["variant"] = response.variant
    if response.phone:
        item["phone"] = response.phone
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
        source=item.get("source", "direct"),
        design_name=item.get("design_name"),
        referred_by=item.get("referred_by"),
        variant=item.get("variant"),
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
        "campaign": job.campaign,
        "locale": job.locale,
        "created_at": job.created_at.isoformat(),
        "message": job.message,
        "attributes": dict(job.attributes),
        "attempts": job.attempts,
        "expires_at": expires_at(job.created_at),
        "gsi1pk": f"CAMPAIGN#{job.campaign}",
        "gsi1sk": f"FOLLOWUP#{job.created_at.isoformat()}#{job.response_id}#{job.step}",
    }
    if job.status in OPEN_STATUSES:
        item["due_shard"] = due_shard(job.response_id)
    optional = {
        "phone_number": job.phone_number,
        "contact_id": job.contact_id,
        "lease_id": job.lease_id,
        "message_id": job.message_id,
        "sent_at": job.sent_at.isoformat() if job.sent_at else None,
        "last_error": job.last_error,
        "note": job.note,
        "ref": job.ref,
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
        campaign=item["campaign"],
        locale=item["locale"],
        created_at=datetime.fromisoformat(item["created_at"]),
        message=item.get("message", ""),
        attributes=dict(item.get("attributes", {})),
        phone_number=item.get("phone_number"),
        contact_id=item.get("contact_id"),
        lease_id=item.get("lease_id"),
        attempts=int(cast(Decimal, item["attempts"])),
        message_id=item.get("message_id"),
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
        last_error=item.get("last_error"),
        note=item.get("note"),
        ref=item.get("ref"),
    )


def count_update(table: str, count: Count) -> TransactWriteItemTypeDef:
    """A funnel counter's update, as a transaction item."""
    return {
        "Update": {
            "TableName": table,
            "Key": dump_item(
                {
                    "pk": f"CAMPAIGN#{count.slug}",
                    "sk": f"STATS#{count.what}#{count.locale}#{count.source}"
                    + (f"#{count.variant}" if count.variant else ""),
                }
            ),
            "UpdateExpression": "ADD #n :one",
            "ExpressionAttributeNames": {"#n": "count"},
            "ExpressionAttributeValues": dump_item({":one": count.by}),
        }
    }


def day_update(table: str, count: Count) -> TransactWriteItemTypeDef:
    """The update of a campaign's count of ``count.what`` on ``count.day`` (one item per
    campaign, day and what, all locales and sources together), as a transaction item."""
    return {
        "Update": {
            "TableName": table,
            "Key": dump_item(
                {"pk": f"CAMPAIGN#{count.slug}", "sk": f"DAY#{count.day}#{count.what}"}
            ),
            "UpdateExpression": "ADD #n :one",
            "ExpressionAttributeNames": {"#n": "count"},
            "ExpressionAttributeValues": dump_item({":one": count.by}),
        }
    }


def count_writes(table: str, counts: Sequence[Count]) -> list[TransactWriteItemTypeDef]:
    """The counters' updates, each count's day counter too when it has a day. Raises
    ValueError if two counts name the same day counter: one transaction may not touch an
    item twice."""
    writes = [count_update(table, count) for count in counts]
    days = [(c.slug, c.day, c.what) for c in counts if c.day is not None]
    if len(set(days)) != len(days):
        raise ValueError(f"two counts of the same day counter in one write: {days}")
    writes.extend(day_update(table, count) for count in counts if count.day is not None)
    return writes


def new_job_put(table: str, job: FollowUpJob) -> TransactWriteItemTypeDef:
    """A new job's Put (the transaction is refused if it exists: then nothing is written)."""
    return {
        "Put": {
            "TableName": table,
            "Item": dump_item(job_item(job)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def job_key(job: FollowUpJob) -> str:
    """How a contact names one of its jobs (``<response id>/<step>``)."""
    return f"{job.response_id}/{job.step}"


def contact_updates(table: str, jobs: Sequence[FollowUpJob]) -> list[TransactWriteItemTypeDef]:
    """The updates of the contacts that ``jobs`` message, to go into the jobs' transaction: a
    contact remembers its responses and jobs, so an opt-out finds what is pending in one
    batch read instead of a query per response."""
    updates: list[TransactWriteItemTypeDef] = []
    for contact_id in sorted({job.contact_id for job in jobs if job.contact_id}):
        mine = [job for job in jobs if job.contact_id == contact_id]
        updates.append(
            {
                "Update": {
                    "TableName": table,
                    "Key": dump_item({"pk": f"CONTACT#{contact_id}", "sk": "CONTACT"}),
                    "UpdateExpression": "ADD response_ids :r, job_keys :k SET #type = :t",
                    "ExpressionAttributeNames": {"#type": "type"},
                    "ExpressionAttributeValues": dump_item(
                        {
                            ":r": {job.response_id for job in mine},
                            ":k": {job_key(job) for job in mine},
                            ":t": "contact",
                        }
                    ),
                }
            }
        )
    return updates
