"""Domain errors. The web layer (chalicelib/web) turns them into HTTP answers."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


class SamvadError(Exception):
    """Base class of every error the domain raises on purpose."""


class Misconfigured(SamvadError):
    """The function cannot serve as deployed: a setting or the stage's secret is missing or
    unusable. Requests answer 503 and the cause is logged once, naming what is missing and
    never a value; it is never worked around with the local stack's defaults."""


class CampaignNotFound(SamvadError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"no campaign {slug!r}")
        self.slug = slug


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem in a campaign definition file, precise enough for a marketer to fix."""

    file: str
    line: int | None
    field: str
    message: str
    column: int | None = dataclasses.field(default=None, compare=False)
    """Counted from 1, as editors count, where the value or key the message is about starts
    (not compared: a problem is the same wherever on its line an editor puts the cursor)."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.line and self.column:
            where += f":{self.column}"
        return f"{where}: {self.field}: {self.message}"


class InvalidCampaignDefinition(SamvadError):
    def __init__(self, problems: list[DefinitionProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class FieldError:
    """A customer input problem: the field and a message id looked up in the customer's locale."""

    field: str
    code: str
    params: dict[str, int | str] = dataclasses.field(default_factory=dict)


class InvalidResponse(SamvadError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


class IdempotencyConflict(SamvadError):
    """The same idempotency key was used before with a different answer."""


class StorageUnavailable(SamvadError):
    """The response could not be stored; the customer must try again."""


class RateLimited(SamvadError):
    """Too many answers from one client or phone; try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


class VersionProblem(SamvadError):
    """A deploy, publish or rollback that cannot be done as asked (no such version, a race)."""


class InvalidCursor(SamvadError):
    """A paging cursor this API did not give out for this listing (forged, foreign, garbled)."""


class CampaignClosed(SamvadError):
    """Answers are taken only inside the campaign's window; ``window`` is coming or closed."""

    def __init__(self, slug: str, window: str) -> None:
        super().__init__(f"{slug} is {window}")
        self.slug = slug
        self.window = window


class DialogueProblem(SamvadError):
    """A reply that cannot be sent as asked (no consent, opted out, too long, no template)."""
