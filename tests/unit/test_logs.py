"""The JSON logger is set up once, whoever logs first: threads of the local stack may log at
the same moment, and each line is one JSON object in Lambda's shape with the request id."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest

from chalicelib import logs


@pytest.fixture
def fresh() -> Iterator[None]:
    """No JSON handler yet: a plain handler on the "samvad" logger before it comes."""
    std = logging.getLogger("samvad")
    saved = (list(std.handlers), std.propagate, std.level)
    std.handlers = [logging.StreamHandler(io.StringIO())]
    yield
    std.handlers, std.propagate, std.level = saved[0], saved[1], saved[2]


def test_threads_logging_first_at_once_share_one_json_handler(fresh: None) -> None:
    start = threading.Barrier(8)
    made, errors = [], []

    def first_log(n: int) -> None:
        start.wait()
        try:
            made.append(logs.get_logger())
        except Exception as exc:  # the failure this guards against
            errors.append(exc)

    threads = [threading.Thread(target=first_log, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({id(logger) for logger in made}) == 1
    assert len(made[0].handlers) == 1
    assert isinstance(made[0].handlers[0].formatter, logs.JsonFormatter)

    out = io.StringIO()
    made[0].handlers[0].setStream(out)  # type: ignore[attr-defined]
    logs.bind_request("req-123")
    logs.event("response.accepted", response_id="r-1", locale="hi")
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (line["message"], line["event"], line["request_id"], line["response_id"]) == (
        "response.accepted",
        "response.accepted",
        "req-123",
        "r-1",
    )
    assert (line["level"], line["logger"], line["service"], line["locale"]) == (
        "INFO",
        "samvad",
        "samvad",
        "hi",
    )
    assert line["timestamp"].endswith("Z")


def test_an_exception_is_one_json_line_with_its_name(fresh: None) -> None:
    logger = logs.get_logger()
    out = io.StringIO()
    logger.handlers[0].setStream(out)  # type: ignore[attr-defined]
    try:
        raise KeyError("boom")
    except KeyError:
        logger.exception("failed", extra={"campaign": "wishlist"})
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert (line["level"], line["exception_name"], line["campaign"]) == (
        "ERROR",
        "KeyError",
        "wishlist",
    )
    assert "Traceback" in line["exception"]


def test_the_level_comes_from_lambdas_log_level(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "WARN")
    monkeypatch.delenv("SAMVAD_LOG_LEVEL", raising=False)
    logger = logs.get_logger()
    out = io.StringIO()
    logger.handlers[0].setStream(out)  # type: ignore[attr-defined]
    logs.event("response.accepted", response_id="r-1")
    logger.warning("slow")
    assert [json.loads(x)["message"] for x in out.getvalue().splitlines()] == ["slow"]
