"""What marketers' operations read from storage beyond the campaigns' own store: answers a
page at a time and the funnel's counters (DynamoDB in ``chalicelib.storage``)."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.responses.model import Response


class AnswerReader(Protocol):
    def responses_page(
        self, slug: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Response], dict[str, Any] | None]:
        """One page of a campaign's answers, oldest first, and the key to the next page."""
        ...

    def stats(self, slug: str) -> list[tuple[str, str, str, int]]:
        """(what, locale, source, count) for each funnel counter of the campaign."""
        ...
