"""Every integration test on the in-process emulator doubles as a permissions check: each AWS
call a Lambda function of ``app.py`` makes during the test must be allowed by that function's
role in the packaged template (tests/permissions.py). Whether every grant is used is
``test_permissions.py``'s question, on its whole journey."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.permissions import CallRecorder, emulator_roles, judge, listening, packaged_template

RECORDER = pytest.StashKey[CallRecorder]()
# Tests whose functions are pointed at resources the stack does not have, on purpose; and why.
UNCHECKED = {
    "test_sns_failure_keeps_the_response_and_leaves_the_follow_up_pending": (
        "publishes to a topic that does not exist, to make SNS fail"
    ),
}


@pytest.fixture(autouse=True)
def _calls_of_the_functions(request: pytest.FixtureRequest) -> Iterator[None]:
    """Listening from before ``aws`` builds the app's clients, for tests on the emulator."""
    if "aws" not in request.fixturenames or request.node.originalname in UNCHECKED:
        yield
        return
    with listening() as recorder:
        request.node.stash[RECORDER] = recorder
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[Any]:
    """After a passing test, while its emulator still runs: no call was denied."""
    result = yield
    recorder = item.stash.get(RECORDER, None)
    aws = getattr(item, "funcargs", {}).get("aws")
    if recorder is not None and aws is not None and recorder.calls:
        denied, _, _ = judge(recorder.calls, emulator_roles(packaged_template(), aws))
        assert not denied, "denied by the packaged template's roles:\n" + "\n".join(denied)
    return result
