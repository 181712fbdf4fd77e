"""The DynamoDB store of responses, their follow-up jobs and contacts, side by side in one
table (the items: ``storage/items.py``)."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.campaigns.funnel import Count
from chalicelib.errors import RateLimited
from chalicelib.followups.model import Contact, FollowUpJob
from chalicelib.responses.model import Response
from chalicelib.storage.errors import (
    TRANSACTION_CANCELLED,
    Refused,
    aws_failures,
    conditional,
)
from chalicelib.storage.items import (
    DUE_SHARDS,
    Item,
    contact_updates,
    count_update,
    count_writes,
    due_shard,
    dump_item,
    job_from_item,
    job_item,
    load_item,
    new_job_put,
    query_all,
    response_from_item,
    response_item,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from chalicelib.responses.limits import Limit

CONFLICT_ATTEMPTS = 4
CONFLICT_BACKOFF = 0.02  # seconds, doubled each time, with jitter: 20, 40, 80 ms


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
        day: str | None = None,
    ) -> Response | None:
        """The answer, its follow-up jobs, the contact's link to it, the funnel counts (the
        answer's ``day`` count too, when given) and the rate-limit counters in one
        transaction: one write request, all or nothing.

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
        r = response
        answered = Count("responses", r.campaign, r.locale, r.source, variant=r.variant, day=day)
        writes.extend(count_writes(self._table, [answered, *counts]))
        first_limit = len(writes)
        writes.extend(self._limit_write(limit) for limit in limits)
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                with aws_failures(TRANSACTION_CANCELLED):
                    self._client.transact_write_items(TransactItems=writes)
                return None
            except Refused as refused:
                codes = refused.reasons
                if codes[:1] == ["ConditionalCheckFailed"]:
                    existing = self.get_response(response.id)
                    if existing is None:
                        why = "response vanished after a conflict"
                        raise refused.unexplained(why) from refused.error
                    return existing
                for limit, code in zip(limits, codes[first_limit:], strict=False):
                    if code == "ConditionalCheckFailed":
                        raise RateLimited(limit.seconds) from refused.error
                # Another transaction held one of these items (the same answer sent twice at
                # once, or a busy counter): DynamoDB asks to try again, so try again shortly.
                if "TransactionConflict" not in codes or attempt == CONFLICT_ATTEMPTS - 1:
                    raise refused.unexplained() from refused.error
                self._sleep(CONFLICT_BACKOFF * 2**attempt * (0.5 + self._rng.random() / 2))
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

    def count(
        self,
        what: str,
        slug: str,
        locale: str,
        source: str,
        by: int = 1,
        variant: str | None = None,
        day: str | None = None,
    ) -> None:
        """``by`` more of ``what`` (views, shares, referred, rewards) for the funnel; with a
        ``day``, the day's count too, in the same (transactional) write request."""
        count = Count(what, slug, locale, source, by, variant, day)
        if day is not None:
            with aws_failures():
                self._client.transact_write_items(TransactItems=count_writes(self._table, [count]))
            return
        update = count_update(self._table, count)["Update"]
        with aws_failures():
            self._client.update_item(
                TableName=update["TableName"],
                Key=update["Key"],
                UpdateExpression=update["UpdateExpression"],
                ExpressionAttributeNames=update["ExpressionAttributeNames"],
                ExpressionAttributeValues=update["ExpressionAttributeValues"],
            )

    def _counters(self, slug: str) -> Iterator[tuple[str, str, str, str | None, int]]:
        """(what, locale, source, variant or None, count) of each funnel counter."""
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :s)",
            ExpressionAttributeValues=dump_item({":pk": f"CAMPAIGN#{slug}", ":s": "STATS#"}),
        )
        for item in items:
            _, what, locale, source, *variant = item["sk"].split("#", 4)
            yield what, locale, source, variant[0] if variant else None, int(item["count"])

    def stats(self, slug: str) -> list[tuple[str, str, str, int]]:
        """(views|responses, locale, source, count) for the campaign, its variants added up."""
        rows: Counter[tuple[str, str, str]] = Counter()
        for what, locale, source, _, count in self._counters(slug):
            rows[(what, locale, source)] += count
        return sorted((*key, count) for key, count in rows.items())

    def day_counts(self, slug: str, day: str) -> dict[str, int]:
        """The campaign's counts on ``day`` (views, responses), in one Query."""
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :s)",
            ExpressionAttributeValues=dump_item({":pk": f"CAMPAIGN#{slug}", ":s": f"DAY#{day}#"}),
        )
        return {item["sk"].split("#", 2)[2]: int(item["count"]) for item in items}

    def variant_stats(self, slug: str) -> list[tuple[str, str, int]]:
        """(variant, what, count) of the counters of the campaign's A/B variants."""
        return sorted((v, w, n) for w, _, _, v, n in self._counters(slug) if v is not None)

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
        with aws_failures():
            answer = self._client.query(**params)
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
        with aws_failures():
            answer = self._client.get_item(
                TableName=self._table, Key=self._key(pk, sk), ConsistentRead=True
            )
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
        with aws_failures():
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
            while request:
                with aws_failures():
                    answer = self._client.batch_get_item(RequestItems=request)
                for raw in answer.get("Responses", {}).get(self._table, []):
                    job = load_item(raw)
                    if job["status"] == "pending" and job.get("contact_id") == contact_id:
                        pending.append((str(job["response_id"]), str(job["step"])))
                request = answer.get("UnprocessedKeys") or None
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
