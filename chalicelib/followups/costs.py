"""What a campaign's text messages cost, estimated from list prices (``chalicelib.sms``).

A sent job keeps the text it sent and the customer's number: its cost is that text's segments
times the price for the number's country. A waiting job has no text yet (it is written when it
is sent): its cost is estimated from the step's text in the job's locale, with short sample
values for the placeholders, as ``samvad validate`` counts it. The figures are list prices in
USD, not the bill.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import sms_sizes
from chalicelib.followups.model import FollowUpJob
from chalicelib.sms import price_per_segment, region_of, segments


@dataclass(frozen=True)
class SmsCost:
    """USD of the messages sent and of those waiting; ``estimated`` counts the sent jobs whose
    own text was not kept, costed from the step's text instead."""

    sent: float
    waiting: float
    estimated: int = 0


def step_segments(campaign: Campaign) -> dict[tuple[str, str], int]:
    """Segments of each SMS step's text per locale (the longest of its variants)."""
    found: dict[tuple[str, str], int] = {}
    for step, locale, _variant, size in sms_sizes(campaign):
        found[(step, locale)] = max(found.get((step, locale), 0), size.segments)
    return found


def sms_cost(jobs: Iterable[FollowUpJob], campaign: Campaign) -> SmsCost:
    """The list-price cost of ``jobs``' text messages sent and waiting (pending or sending)."""
    sizes = step_segments(campaign)
    sent = waiting = 0.0
    estimated = 0
    for job in jobs:
        if job.channel != "sms" or job.status not in ("sent", "pending", "sending"):
            continue
        price = price_per_segment(region_of(job.phone_number, campaign.phone_region))
        if job.status == "sent" and job.message:
            sent += segments(job.message).segments * price
            continue
        cost = sizes.get((job.step, job.locale), 0) * price
        if job.status == "sent":
            sent, estimated = sent + cost, estimated + 1
        else:
            waiting += cost
    return SmsCost(round(sent, 6), round(waiting, 6), estimated)
