"""The JSON logger is made once, whoever logs first: threads of the local stack may log at
the same moment, and a second Powertools Logger would borrow another handler's formatter."""

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
    """No JSON logger yet, and a plain handler on the "samvad" logger before it comes."""
    std = logging.getLogger("samvad")
    saved = dict(vars(std), handlers=list(std.handlers))
    std.handlers = [logging.StreamHandler(io.StringIO())]
    for name in ("init", "powertools_handler"):
        std.__dict__.pop(name, None)
    logs._made_once.cache_clear()
    yield
    vars(std).clear()
    vars(std).update(saved)  # the logger as it was, its JSON logger's marks included
    logs._made_once.cache_clear()


def test_threads_logging_first_at_once_share_one_json_logger(fresh: None) -> None:
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

    out = io.StringIO()
    made[0].registered_handler.setStream(out)  # type: ignore[attr-defined]
    logs.bind_request("req-123")
    logs.event("response.accepted", response_id="r-1")
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (line["message"], line["request_id"], line["response_id"]) == (
        "response.accepted",
        "req-123",
        "r-1",
    )
