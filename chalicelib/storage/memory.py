"""An in-memory store for unit tests, with the same conditional-write rules as DynamoDB."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from chalicelib.errors import RateLimited
from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.model import Response
from chalicelib.storage.limits import Limit


class InMemoryStore:
    def __init__(self) -> None:
        self.responses: dict[str, Response] = {}
        self.jobs: dict[tuple[str, str], FollowUpJob] = {}
        self.hits: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def create_response(
        self, response: Response, jobs: Sequence[FollowUpJob], limits: Sequence[Limit] = ()
    ) -> Response | None:
        with self._lock:
            if response.id in self.responses:
                return self.responses[response.id]
            for limit in limits:
                if self.hits.get((limit.pk, limit.window_start), 0) >= limit.most:
                    raise RateLimited(limit.seconds)
            for limit in limits:
                key = (limit.pk, limit.window_start)
                self.hits[key] = self.hits.get(key, 0) + 1
            self.responses[response.id] = response
            for job in jobs:
                self.jobs[(job.response_id, job.step)] = job
            return None

    def get_response(self, response_id: str) -> Response | None:
        return self.responses.get(response_id)

    def jobs_for(self, response_id: str) -> list[FollowUpJob]:
        return [job for (rid, _), job in sorted(self.jobs.items()) if rid == response_id]

    def save_job(self, job: FollowUpJob) -> bool:
        with self._lock:
            # Like DynamoStore.save_job: only the holder of the current lease may record.
            current = self.jobs.get((job.response_id, job.step))
            if current is None or current.status != "sending":
                return False
            if job.lease_id is None or current.lease_id != job.lease_id:
                return False  # another runner took the job over after our lease ran out
            self.jobs[(job.response_id, job.step)] = job
            return True
