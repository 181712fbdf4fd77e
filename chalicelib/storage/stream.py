"""What the table's stream says was written: new follow-up jobs and the responses beside them.

The customer's request only writes (one transaction); DynamoDB Streams hands the new items to
``send_new_followups`` (app.py), which sends the jobs that are due. A response written in the
same transaction usually arrives in the same batch, so the sender need not read it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.model import Response
from chalicelib.storage.items import job_from_item, load_item, response_from_item


def new_items(images: Iterable[Mapping[str, Any]]) -> tuple[list[FollowUpJob], dict[str, Response]]:
    """Pending jobs and responses among the new images (``NewImage``) of inserted items."""
    jobs: list[FollowUpJob] = []
    responses: dict[str, Response] = {}
    for image in images:
        item = load_item(image)
        kind = item.get("type")
        if kind == "followup" and item.get("status") == "pending":
            jobs.append(job_from_item(item))
        elif kind == "response":
            response = response_from_item(item)
            responses[response.id] = response
    return jobs, responses
