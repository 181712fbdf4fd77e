"""What Lambda's event source mapping does on AWS, for the local stack and the tests: read the
table's stream and hand its records to a handler as a Lambda event.

moto's shard iterators keep the table object they were made from, and a cancelled transaction
replaces that object; so every read takes a fresh iterator after the last record seen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.bootstrap import Services

Handler = Callable[[dict[str, Any], Any], object]
BATCH = 100
RETRIES = 3  # also the event source mapping's MaximumRetryAttempts (samvad_cli/template.py)


def table_stream(services: Services, handler: Handler) -> StreamPump:
    """The stream of the services' table, handed to ``handler`` on each ``pump()``."""
    from chalicelib.bootstrap import aws_client

    # botocore would address the stream's account (https://<account>.streams-ddb...),
    # which the emulator does not know; the regional address works on both.
    streams = aws_client("dynamodbstreams", services.settings, account_id_endpoint_mode="disabled")
    return StreamPump(services.adapters.dynamodb, streams, services.settings.table_name, handler)


class StreamPump:
    def __init__(self, dynamodb: Any, streams: Any, table: str, handler: Handler) -> None:
        self._streams = streams
        self._handler = handler
        self._arn: str = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self._after: dict[str, str] = {}  # shard id → last sequence number handed over
        self._failures = 0  # of the batch at the head of the stream
        self._lock = threading.Lock()

    def pump(self) -> int:
        """Hand every record written since the last call to the handler, in order, a batch
        of at most 100 per call as Lambda does; returns how many records were handed over.

        A batch whose handler fails is handed over again on the next call, and left after
        ``RETRIES`` failures, as the event source mapping does (the scheduler sends what is
        due anyway)."""
        with self._lock:
            handed = 0
            shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
            for shard in shards.get("Shards", []):
                while batch := self._read(shard["ShardId"]):
                    try:
                        self._handler({"Records": [self._lambda_record(r) for r in batch]}, None)
                    except Exception:
                        self._failures += 1
                        logging.getLogger(__name__).exception("stream handler failed")
                        if self._failures <= RETRIES:
                            return handed
                    self._failures = 0
                    self._after[shard["ShardId"]] = batch[-1]["dynamodb"]["SequenceNumber"]
                    handed += len(batch)
            return handed

    def _read(self, shard_id: str) -> list[dict[str, Any]]:
        position: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
        if shard_id in self._after:
            position = {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "SequenceNumber": self._after[shard_id],
            }
        iterator = self._streams.get_shard_iterator(
            StreamArn=self._arn, ShardId=shard_id, **position
        )["ShardIterator"]
        records: list[dict[str, Any]] = self._streams.get_records(
            ShardIterator=iterator, Limit=BATCH
        )["Records"]
        return records

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A GetRecords record as Lambda delivers it: epoch seconds, and the stream's ARN."""
        dynamodb = dict(record["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = created.timestamp()
        return {**record, "dynamodb": dynamodb, "eventSourceARN": self._arn}
