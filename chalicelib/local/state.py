"""Where a running local stack is: the file ``make run`` writes once it is up, and the CLI
reads, so ``samvad`` and ``make run-due`` find the stack on whatever ports it was started.

The file (``build/local-stack.json``, or ``SAMVAD_STACK_STATE``) holds the app's URL, the
public URL its links use, the emulator's URL, the shared outbox file and the stack's process
id. A clean stop removes it; a file whose process is gone (the stack was killed) is ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_STATE = PROJECT_DIR / "build" / "local-stack.json"


@dataclass(frozen=True)
class StackState:
    pid: int
    app_url: str
    public_url: str
    emulator_url: str
    outbox: str
    """The file of what SNS was asked to send, shared by every process attached to the stack."""


def state_file() -> Path:
    return Path(os.environ.get("SAMVAD_STACK_STATE") or DEFAULT_STATE)


def write_state(state: StackState, path: Path | None = None) -> Path:
    path = path or state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)  # a reader never sees half a file
    return path


def read_state(path: Path | None = None) -> StackState | None:
    """The running stack's state; None when there is no file, it cannot be read, or the
    process that wrote it is gone."""
    path = path or state_file()
    try:
        found = StackState(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return found if _alive(found.pid) else None


def remove_state(pid: int, path: Path | None = None) -> None:
    """Remove the state file if it is the one process ``pid`` wrote (a newer stack's stays)."""
    path = path or state_file()
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        if found.get("pid") == pid:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def _alive(pid: int) -> bool:
    if os.name == "nt":  # there os.kill(pid, 0) would end the process: trust the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except (OverflowError, ValueError):
        return False
    return True
