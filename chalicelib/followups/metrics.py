"""Follow-up figures as CloudWatch metrics, written as an Embedded Metric Format log line
(no API call, no extra permission): alarms watch ``FollowUpsFailed`` and ``SmsBudgetReached``
(SMS held back for the next hour by the stage's or a campaign's hourly budget)."""

from __future__ import annotations

import json
from datetime import datetime

from chalicelib.followups.runner import RunReport

NAMESPACE = "Samvad"
METRICS = {
    "sent": "FollowUpsSent",
    "failed": "FollowUpsFailed",
    "retry": "FollowUpsRetried",
    "sms_budget_reached": "SmsBudgetReached",
}


def emf_line(report: RunReport, stage: str, now: datetime) -> str:
    """One JSON log line that CloudWatch turns into metrics.

    >>> from collections import Counter
    >>> from datetime import UTC, datetime
    >>> line = emf_line(RunReport(Counter(sent=3)), "prod", datetime(2026, 11, 25, tzinfo=UTC))
    >>> record = json.loads(line)
    >>> record["FollowUpsSent"], record["FollowUpsFailed"], record["Stage"]
    (3, 0, 'prod')
    """
    record: dict[str, object] = {
        "_aws": {
            "Timestamp": int(now.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Stage"]],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in METRICS.values()],
                }
            ],
        },
        "Stage": stage,
    }
    record.update({name: report.counts.get(key, 0) for key, name in METRICS.items()})
    return json.dumps(record, sort_keys=True)
