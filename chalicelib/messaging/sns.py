"""The SNS publisher: SMS straight to a phone number, events to the campaign-events topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.followups.model import FollowUpJob
from chalicelib.messaging import PublishFailed

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef


class SnsPublisher:
    def __init__(self, client: SNSClient, events_topic_arn: str) -> None:
        self._client = client
        self._events_topic_arn = events_topic_arn

    def deliver(self, job: FollowUpJob) -> str:
        attributes: dict[str, MessageAttributeValueTypeDef] = {
            name: {"DataType": "String", "StringValue": value}
            for name, value in job.attributes.items()
        }
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
                    TopicArn=self._events_topic_arn,
                    Message=job.message,
                    MessageAttributes=attributes,
                )
        except ClientError as exc:
            raise PublishFailed(exc.response.get("Error", {}).get("Code", "ClientError")) from exc
        except BotoCoreError as exc:
            raise PublishFailed(type(exc).__name__) from exc
        return answer["MessageId"]
