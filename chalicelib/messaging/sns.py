"""The SNS publisher: SMS straight to a phone number, events to the campaign-events topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.followups.model import RESPONSE_EVENT, FollowUpJob
from chalicelib.followups.ports import PublishFailed

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sns.type_defs import (
        MessageAttributeValueTypeDef,
        PublishBatchRequestEntryTypeDef,
    )

BATCH_SIZE = 10  # SNS PublishBatch takes at most ten entries


class SnsPublisher:
    def __init__(
        self, client: SNSClient, events_topic_arn: str, followups_topic_arn: str = ""
    ) -> None:
        self._client = client
        self._events_topic_arn = events_topic_arn
        # Follow-up events (for an e-mail sender, a CRM) have their own topic when configured.
        self._followups_topic_arn = followups_topic_arn or events_topic_arn

    def _topic(self, job: FollowUpJob) -> str:
        return self._events_topic_arn if job.step == RESPONSE_EVENT else self._followups_topic_arn

    def deliver(self, job: FollowUpJob) -> str:
        attributes = _attributes(job)
        try:
            if job.channel == "sms":
                if not job.phone_number:
                    raise PublishFailed("sms job without a phone number")
                answer = self._client.publish(
                    PhoneNumber=job.phone_number,
                    Message=job.message,
                    MessageAttributes=attributes,
                )
            else:
                answer = self._client.publish(
                    TopicArn=self._topic(job),
                    Message=job.message,
                    MessageAttributes=attributes,
                )
        except ClientError as exc:
            raise PublishFailed(exc.response.get("Error", {}).get("Code", "ClientError")) from exc
        except BotoCoreError as exc:
            raise PublishFailed(type(exc).__name__) from exc
        return answer["MessageId"]

    def deliver_events(self, jobs: Sequence[FollowUpJob]) -> list[str | PublishFailed]:
        found: dict[int, str | PublishFailed] = {}
        by_topic: dict[str, list[int]] = {}
        for index, job in enumerate(jobs):
            by_topic.setdefault(self._topic(job), []).append(index)
        for topic, indexes in by_topic.items():
            for start in range(0, len(indexes), BATCH_SIZE):
                chunk = indexes[start : start + BATCH_SIZE]
                results = self._batch(topic, [jobs[i] for i in chunk])
                found.update(zip(chunk, results, strict=True))
        return [found[i] for i in range(len(jobs))]

    def _batch(self, topic: str, jobs: Sequence[FollowUpJob]) -> list[str | PublishFailed]:
        entries: list[PublishBatchRequestEntryTypeDef] = [
            {"Id": str(i), "Message": job.message, "MessageAttributes": _attributes(job)}
            for i, job in enumerate(jobs)
        ]
        try:
            answer = self._client.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "ClientError")
            return [PublishFailed(code) for _ in jobs]
        except BotoCoreError as exc:
            return [PublishFailed(type(exc).__name__) for _ in jobs]
        outcomes: dict[str, str | PublishFailed] = {
            ok["Id"]: ok.get("MessageId", "") for ok in answer.get("Successful", [])
        }
        for failed in answer.get("Failed", []):
            outcomes[failed["Id"]] = PublishFailed(failed.get("Code", "Failed"))
        return [outcomes.get(str(i), PublishFailed("NoAnswer")) for i in range(len(jobs))]

    def opted_out(self, phone_number: str) -> bool:
        try:
            answer = self._client.check_if_phone_number_is_opted_out(phoneNumber=phone_number)
        except (ClientError, BotoCoreError) as exc:
            raise PublishFailed("OptOutCheckFailed") from exc
        return bool(answer.get("isOptedOut", False))


def _attributes(job: FollowUpJob) -> dict[str, MessageAttributeValueTypeDef]:
    return {
        name: {"DataType": "String", "StringValue": value} for name, value in job.attributes.items()
    }
