"""The DynamoDB store: one table, responses and their follow-up jobs side by side.

Keys (see README, "Table design"):
- response:       pk ``RESPONSE#<id>``, sk ``RESPONSE``;
                  gsi1 ``CAMPAIGN#<slug>`` / ``<created>#<id>`` (the ``by_campaign`` index)
- follow-up job:  pk ``RESPONSE#<id>``, sk ``FOLLOWUP#<step>``; while not finished also
                  ``due_shard`` / ``due_at`` (the sparse ``due`` index the scheduler queries)
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.campaigns.funnel import Count
from chalicelib.errors import RateLimited, StorageUnavailable
from chalicelib.followups.model import OPEN_STATUSES, Contact, FollowUpJob
from chalicelib.responses.model import Consent, Response

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from chalicelib.responses.limits import Limit

DUE_SHARDS = 8
RETENTION = timedelta(days=730)
"""How long answers and their jobs are kept: DynamoDB's TTL deletes them after ``expires_at``."""


def expires_at(created: datetime) -> int:
    return int((created + RETENTION).timestamp())


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
Item = dict[str, Any]
T = TypeVar("T")


def due_shard(response_id: str) -> str:
    """Spread due jobs over a few partitions so one hot key cannot throttle the scheduler."""
    return f"DUE#{int(hashlib.sha256(response_id.encode()).hexdigest(), 16) % DUE_SHARDS}"


def dump_item(item: Item) -> dict[str, AttributeValueTypeDef]:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def load_item(item: Mapping[str, Any]) -> Item:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def query_all(client: DynamoDBClient, table: str, **params: Any) -> Iterator[Item]:
    """Every item a Query finds, page after page."""
    try:
        while True:
            answer = client.query(TableName=table, **params)
            yield from (load_item(item) for item in answer.get("Items", []))
            if "LastEvaluatedKey" not in answer:
                return
            params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    except (ClientError, BotoCoreError) as exc:
        raise StorageUnavailable(str(exc)) from exc


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
        source=item.get("source", "direct"),
        design_name=item.get("design_name"),
        referred_by=item.get("referred_by"),
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
                    "sk": f"STATS#{count.what}#{count.locale}#{count.source}",
                }
            ),
            "UpdateExpression": "ADD #n :one",
            "ExpressionAttributeNames": {"#n": "count"},
            "ExpressionAttributeValues": dump_item({":one": count.by}),
        }
    }


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


CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"
CONFLICT_ATTEMPTS = 4
CONFLICT_BACKOFF = 0.02  # seconds, doubled each time, with jitter: 20, 40, 80 ms


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def conditional(
    write: Callable[..., T], refusal: str = CONDITION_FAILED, **params: Any
) -> T | None:
    """``write(**params)``, one conditional write: DynamoDB's answer, or None when it refused
    the write (``refusal``: a condition failed, or a transaction was cancelled); any other
    failure is StorageUnavailable."""
    try:
        return write(**params)
    except ClientError as exc:
        if error_code(exc) == refusal:
            return None
        raise StorageUnavailable(str(exc)) from exc
    except BotoCoreError as exc:
        raise StorageUnavailable(str(exc)) from exc


class DynamoStore:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._table = table_name
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311  (jitter, not a secret)

    def _key(self, pk: str, sk: str) -> dict[str, AttributeValueTypeDef]:
        return dump_item({"pk": pk, "sk": sk})

    def create_response(
        self,
        response: Response,
        jobs: Sequence[FollowUpJob],
        limits: Sequence[Limit] = (),
        counts: Sequence[Count] = (),
    ) -> Response | None:
        """The answer, its follow-up jobs, the contact's link to it, the funnel counts and the
        rate-limit counters in one transaction: one write request, all or nothing.

        None if written; the stored twin if this id was written before (an idempotent repeat,
        never rate limited); RateLimited if a counter is full (nothing is written)."""
        new_only = "attribute_not_exists(pk)"
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": dump_item(item),
                    "ConditionExpression": new_only,
                }
            }
            for item in [response_item(response), *(job_item(job) for job in jobs)]
        ]
        writes.extend(contact_updates(self._table, jobs))
        writes.append(self._count("responses", response.campaign, response.locale, response.source))
        writes.extend(count_update(self._table, count) for count in counts)
        first_limit = len(writes)
        writes.extend(self._limit_write(limit) for limit in limits)
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self._client.transact_write_items(TransactItems=writes)
                return None
            except ClientError as exc:
                if error_code(exc) != TRANSACTION_CANCELLED:
                    raise StorageUnavailable(str(exc)) from exc
                codes = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if codes[:1] == ["ConditionalCheckFailed"]:
                    existing = self.get_response(response.id)
                    if existing is None:
                        raise StorageUnavailable("response vanished after a conflict") from exc
                    return existing
                for limit, code in zip(limits, codes[first_limit:], strict=False):
                    if code == "ConditionalCheckFailed":
                        raise RateLimited(limit.seconds) from exc
                # Another transaction held one of these items (the same answer sent twice at
                # once, or a busy counter): DynamoDB asks to try again, so try again shortly.
                if "TransactionConflict" not in codes or attempt == CONFLICT_ATTEMPTS - 1:
                    raise StorageUnavailable(str(exc)) from exc
                self._sleep(CONFLICT_BACKOFF * 2**attempt * (0.5 + self._rng.random() / 2))
            except BotoCoreError as exc:
                raise StorageUnavailable(str(exc)) from exc
        return None  # unreachable: the loop returns or raises

    def _limit_write(self, limit: Limit) -> TransactWriteItemTypeDef:
        """The counter's update as a transaction item: it fails once the limit is reached
        (the item's TTL deletes it an hour after its window)."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": self._key(limit.pk, str(limit.window_start)),
                "UpdateExpression": "ADD hits :one SET expires_at = :end",
                "ConditionExpression": "attribute_not_exists(hits) OR hits < :most",
                "ExpressionAttributeValues": dump_item(
                    {
                        ":one": 1,
                        ":most": limit.most,
                        ":end": limit.window_start + limit.seconds + 3600,
                    }
                ),
            }
        }

    def _count(
        self, what: str, slug: str, locale: str, source: str, by: int = 1
    ) -> TransactWriteItemTypeDef:
        return count_update(self._table, Count(what, slug, locale, source, by))

    def count(self, what: str, slug: str, locale: str, source: str, by: int = 1) -> None:
        """``by`` more of ``what`` (views, shares, referred, rewards) for the funnel."""
        update = self._count(what, slug, locale, source, by)["Update"]
        try:
            self._client.update_item(
                TableName=update["TableName"],
                Key=update["Key"],
                UpdateExpression=update["UpdateExpression"],
                ExpressionAttributeNames=update["ExpressionAttributeNames"],
                ExpressionAttributeValues=update["ExpressionAttributeValues"],
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def stats(self, slug: str) -> list[tuple[str, str, str, int]]:
        """(views|responses, locale, source, count) for the campaign."""
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :s)",
            ExpressionAttributeValues=dump_item({":pk": f"CAMPAIGN#{slug}", ":s": "STATS#"}),
        )
        rows = []
        for item in items:
            _, what, locale, source = item["sk"].split("#", 3)
            rows.append((what, locale, source, int(item["count"])))
        return sorted(rows)

    def responses_page(
        self, slug: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Response], dict[str, Any] | None]:
        """One page of a campaign's responses, oldest first, and the key to the next page."""
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "by_campaign",
            "KeyConditionExpression": "gsi1pk = :c AND begins_with(gsi1sk, :r)",
            "ExpressionAttributeValues": dump_item({":c": f"CAMPAIGN#{slug}", ":r": "RESPONSE#"}),
            "Limit": limit,
        }
        if cursor:
            params["ExclusiveStartKey"] = cursor
        try:
            answer = self._client.query(**params)
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        responses = [response_from_item(load_item(item)) for item in answer.get("Items", [])]
        return responses, answer.get("LastEvaluatedKey")

    def add_jobs(self, jobs: Sequence[FollowUpJob]) -> list[FollowUpJob]:
        """Write new jobs of an existing response; the ones that already existed are skipped."""
        added = []
        for job in jobs:
            written: object
            if job.contact_id:  # the contact names the job in the same write (opt-outs)
                written = conditional(
                    self._client.transact_write_items,
                    TRANSACTION_CANCELLED,
                    TransactItems=[
                        new_job_put(self._table, job),
                        *contact_updates(self._table, [job]),
                    ],
                )
            else:
                written = conditional(
                    self._client.put_item,
                    TableName=self._table,
                    Item=dump_item(job_item(job)),
                    ConditionExpression="attribute_not_exists(pk)",
                )
            if written is not None:
                added.append(job)
        return added

    def _get(self, pk: str, sk: str) -> Item | None:
        """One item by key, read consistently (what was just written is there)."""
        try:
            answer = self._client.get_item(
                TableName=self._table, Key=self._key(pk, sk), ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        item = answer.get("Item")
        return load_item(item) if item else None

    def get_response(self, response_id: str) -> Response | None:
        item = self._get(f"RESPONSE#{response_id}", "RESPONSE")
        return response_from_item(item) if item else None

    def _query(self, **params: Any) -> Iterator[Item]:
        return query_all(self._client, self._table, **params)

    def jobs_for(self, response_id: str) -> list[FollowUpJob]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=dump_item(
                {":pk": f"RESPONSE#{response_id}", ":prefix": "FOLLOWUP#"}
            ),
            ConsistentRead=True,
        )
        return [job_from_item(item) for item in items]

    def campaign_jobs(self, slug: str) -> list[FollowUpJob]:
        items = self._query(
            IndexName="by_campaign",
            KeyConditionExpression="gsi1pk = :c AND begins_with(gsi1sk, :prefix)",
            ExpressionAttributeValues=dump_item({":c": f"CAMPAIGN#{slug}", ":prefix": "FOLLOWUP#"}),
        )
        return [job_from_item(item) for item in items]

    def due_jobs(self, now: datetime, limit: int) -> list[FollowUpJob]:
        """Open jobs whose time has come (pending, or sending with an expired lease), oldest
        first, from every shard of the sparse ``due`` index: a Query per shard, never a Scan."""
        jobs: list[FollowUpJob] = []
        for shard in range(DUE_SHARDS):
            items = self._query(
                IndexName="due",
                KeyConditionExpression="due_shard = :s AND due_at <= :now",
                ExpressionAttributeValues=dump_item(
                    {":s": f"DUE#{shard}", ":now": now.isoformat()}
                ),
                Limit=min(limit, 1000),
            )
            for count, item in enumerate(items):
                if count >= limit:
                    break
                jobs.append(job_from_item(item))
        jobs.sort(key=lambda job: job.due_at)
        return jobs[:limit]

    def claim(self, job: FollowUpJob, lease_until: datetime, lease_id: str) -> FollowUpJob | None:
        """Take the job if nobody changed it since it was read; None if another runner did."""
        answer = conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(f"RESPONSE#{job.response_id}", f"FOLLOWUP#{job.step}"),
            UpdateExpression="SET #s = :sending, due_at = :lease, lease_id = :id",
            ConditionExpression="#s = :seen AND due_at = :seen_due",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=dump_item(
                {
                    ":sending": "sending",
                    ":lease": lease_until.isoformat(),
                    ":id": lease_id,
                    ":seen": job.status,
                    ":seen_due": job.due_at.isoformat(),
                }
            ),
            ReturnValues="ALL_NEW",
        )
        return job_from_item(load_item(answer["Attributes"])) if answer is not None else None

    def save_job(self, job: FollowUpJob) -> bool:
        """Record the outcome, only while this runner still holds the lease."""
        saved = conditional(
            self._client.put_item,
            TableName=self._table,
            Item=dump_item(job_item(job)),
            ConditionExpression="#s = :sending AND lease_id = :mine",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=dump_item({":sending": "sending", ":mine": job.lease_id}),
        )
        return saved is not None  # if not, another runner took the job after our lease ended

    def reopen_failed(self, job: FollowUpJob, now: datetime) -> bool:
        """A marketer's retry: a failed job becomes pending again with fresh attempts."""
        reopened = conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(f"RESPONSE#{job.response_id}", f"FOLLOWUP#{job.step}"),
            UpdateExpression=(
                "SET #s = :pending, due_at = :now, attempts = :zero, due_shard = :shard,"
                " note = :why REMOVE lease_id"
            ),
            ConditionExpression="#s = :failed",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=dump_item(
                {
                    ":pending": "pending",
                    ":failed": "failed",
                    ":now": now.isoformat(),
                    ":zero": 0,
                    ":shard": due_shard(job.response_id),
                    ":why": "retried by an operator",
                }
            ),
        )
        return reopened is not None

    def contact(self, contact_id: str) -> Contact | None:
        item = self._get(f"CONTACT#{contact_id}", "CONTACT")
        return _contact(contact_id, item) if item else None

    def opt_out(self, contact_id: str, at: datetime, source: str) -> Contact:
        """Mark the contact opted out (the first time counts) and cancel its pending jobs."""
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key=self._key(f"CONTACT#{contact_id}", "CONTACT"),
                UpdateExpression=(
                    "SET opted_out_at = if_not_exists(opted_out_at, :at),"
                    " opt_out_source = if_not_exists(opt_out_source, :src), #type = :t"
                ),
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues=dump_item(
                    {":at": at.isoformat(), ":src": source, ":t": "contact"}
                ),
                ReturnValues="ALL_NEW",
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        item = load_item(answer["Attributes"])
        for response_id, step in self._pending(contact_id, sorted(item.get("job_keys", set()))):
            self._close_pending(response_id, step, "opted out")
        # Contacts written before they named their jobs have no job_keys: the runner checks
        # the opt-out before it sends each SMS, and cancels those jobs then.
        return _contact(contact_id, item)

    def _pending(self, contact_id: str, job_keys: list[str]) -> list[tuple[str, str]]:
        """The contact's pending jobs among ``job_keys``, read in batches of 100."""
        pending = []
        for start in range(0, len(job_keys), 100):
            keys = [
                self._key(f"RESPONSE#{rid}", f"FOLLOWUP#{step}")
                for rid, step in (key.split("/", 1) for key in job_keys[start : start + 100])
            ]
            request: Any = {
                self._table: {
                    "Keys": keys,
                    # Names, not words: DynamoDB reserves many words (STATUS among them).
                    "ProjectionExpression": "#r, #p, #s, #c",
                    "ExpressionAttributeNames": {
                        "#r": "response_id",
                        "#p": "step",
                        "#s": "status",
                        "#c": "contact_id",
                    },
                    "ConsistentRead": True,
                }
            }
            try:
                while request:
                    answer = self._client.batch_get_item(RequestItems=request)
                    for raw in answer.get("Responses", {}).get(self._table, []):
                        job = load_item(raw)
                        if job["status"] == "pending" and job.get("contact_id") == contact_id:
                            pending.append((str(job["response_id"]), str(job["step"])))
                    request = answer.get("UnprocessedKeys") or None
            except (ClientError, BotoCoreError) as exc:
                raise StorageUnavailable(str(exc)) from exc
        return sorted(pending)

    def _close_pending(self, response_id: str, step: str, why: str) -> None:
        # Refused if a runner holds the job: it checks the opt-out itself.
        conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(f"RESPONSE#{response_id}", f"FOLLOWUP#{step}"),
            UpdateExpression="SET #s = :cancelled, note = :why REMOVE due_shard",
            ConditionExpression="#s = :pending",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=dump_item(
                {":cancelled": "cancelled", ":pending": "pending", ":why": why}
            ),
        )

    def take_marketing_slot(self, contact_id: str, week: str, cap: int) -> bool:
        """Count one marketing SMS for the contact in ``week``; False once ``cap`` is reached."""
        key = self._key(f"CONTACT#{contact_id}", "CONTACT")
        attempts = [
            (
                "SET marketing_week = :w, marketing_count = :one",
                "attribute_not_exists(marketing_week) OR marketing_week <> :w",
                {":w": week, ":one": 1},
            ),
            (
                "SET marketing_count = marketing_count + :one",
                "marketing_week = :w AND marketing_count < :cap",
                {":w": week, ":one": 1, ":cap": cap},
            ),
        ]
        for update, condition, values in attempts:
            taken = conditional(
                self._client.update_item,
                TableName=self._table,
                Key=key,
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=dump_item(values),
            )
            if taken is not None:
                return True
        return False

    def take_sms_budget(self, scope: str, hour: datetime, cap: int) -> bool:
        """Count one SMS of ``scope`` (the stage, or a campaign) in the clock ``hour``; False,
        counting nothing, once ``cap`` is reached. Each hour's counter expires a day later."""
        return self._count_sms(scope, hour, "if_not_exists(sent, :zero) + :one", cap)

    def give_back_sms_budget(self, scope: str, hour: datetime) -> None:
        """Undo one ``take_sms_budget`` whose SMS was then held back by another budget."""
        self._count_sms(scope, hour, "sent - :one", None)

    def _count_sms(self, scope: str, hour: datetime, count: str, cap: int | None) -> bool:
        values: dict[str, Any] = {":one": 1, ":ttl": int((hour + timedelta(days=1)).timestamp())}
        if cap is None:
            condition = "sent > :zero"
        else:
            condition = "attribute_not_exists(sent) OR sent < :cap"
            values[":cap"] = cap
        values[":zero"] = 0
        taken = conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(f"SMSBUDGET#{scope}", hour.strftime("HOUR#%Y-%m-%dT%H")),
            UpdateExpression=f"SET sent = {count}, expires_at = :ttl",
            ConditionExpression=condition,
            ExpressionAttributeValues=dump_item(values),
        )
        return taken is not None


def _contact(contact_id: str, item: Item) -> Contact:
    opted_out_at = item.get("opted_out_at")
    return Contact(
        contact_id=contact_id,
        opted_out_at=datetime.fromisoformat(opted_out_at) if opted_out_at else None,
        response_ids=frozenset(item.get("response_ids", set())),
    )
