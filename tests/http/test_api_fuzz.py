"""Schemathesis against the local stack: every operation of the customer API and the admin
API, with generated requests, answers without a server error and as its OpenAPI document
says. Bounded so that ``make test`` stays fast."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import ADMIN_KEY, Emulator, RunningStack

pytestmark = pytest.mark.http
CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = 15


def fuzz(stack: RunningStack, document: str, headers: dict[str, str]) -> list[str]:
    """Run every operation of the document; returns the operations that were exercised."""
    schema = schemathesis.openapi.from_url(f"{stack.base_url}{document}")
    exercised = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(base_url=stack.base_url, headers=headers, checks=CHECKS)

        run()
        exercised.append(f"{operation.method.upper()} {operation.path}")
    return exercised


def test_the_customer_api_never_fails_and_keeps_its_contract(
    stack: RunningStack, emulator: Emulator
) -> None:
    exercised = fuzz(stack, "/api/v1/openapi.json", {})

    assert exercised == ["POST /api/v1/campaigns/{slug}/responses"]


def test_the_admin_api_never_fails_and_keeps_its_contract(
    stack: RunningStack, emulator: Emulator
) -> None:
    exercised = fuzz(stack, "/admin/api/v1/openapi.json", {"Authorization": f"Bearer {ADMIN_KEY}"})

    from tests.integration.test_admin_api import admin_routes

    assert sorted(exercised) == sorted(f"{method} {path}" for path, method in admin_routes())
