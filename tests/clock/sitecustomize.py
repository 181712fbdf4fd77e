"""Loaded by every Python process of `make test-clock` (PYTHONPATH): the wall clock of pytest
and of all it starts (moto server, local stack, the CLI) moves to ``SAMVAD_TEST_CLOCK_AT``,
one shared offset for all, ticking from there; monotonic time and sleeps stay real.

(libfaketime was tried first: under it Python's ``time.sleep`` fails with EINVAL, or a
thread's timed wait never returns.)"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

_at = os.environ.get("SAMVAD_TEST_CLOCK_AT")
if _at and os.environ.get("SAMVAD_TEST_CLOCK_PID") != str(os.getpid()):  # once a process
    os.environ["SAMVAD_TEST_CLOCK_PID"] = str(os.getpid())
    import time_machine

    offset = os.environ.setdefault(
        "SAMVAD_TEST_CLOCK_OFFSET",
        str((datetime.fromisoformat(_at) - datetime.now(UTC)).total_seconds()),
    )
    time_machine.travel(datetime.now(UTC) + timedelta(seconds=float(offset)), tick=True).start()
    datetime.now(UTC)  # time-machine ticks from the first reading: take it now
