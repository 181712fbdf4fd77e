"""``python -m chalicelib.local.stack`` as after ``make run`` on a fresh clone: every package
that only ``requirements-dev.txt`` brings (mypy, cfn-lint, locust, ...) refuses to import, so a
stack that needs one fails here as it would for a newcomer.

Run it as ``python -m tests.lean_run`` (``tests.conftest.start_stack(..., module=...)``)."""

from __future__ import annotations

import importlib.abc
import re
import runpy
import sys
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT_DIR = Path(__file__).resolve().parents[1]
ALWAYS = {"pip", "setuptools", "samvad", "wheel"}  # the venv's own and the project itself


def _requirements(path: Path) -> Iterator[Requirement]:
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            yield from _requirements(path.parent / line[3:].strip())
        elif line:
            yield Requirement(line)


def run_closure(path: Path = PROJECT_DIR / "requirements-run.txt") -> set[str]:
    """The distributions ``pip install -r requirements-run.txt`` installs (as installed here)."""
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    todo = list(_requirements(path))
    while todo:
        wanted = todo.pop()
        name = canonicalize_name(wanted.name)
        key = (name, frozenset(wanted.extras))
        if key in seen or (wanted.marker and not wanted.marker.evaluate({"extra": ""})):
            continue
        seen.add(key)
        names.add(name)
        for text in metadata.distribution(name).requires or []:
            needed = Requirement(text)
            extras = ["", *wanted.extras]
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
                todo.append(Requirement(re.sub(r";.*", "", text)))
    return names


def _top_level(dist: metadata.Distribution) -> set[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    return {
        file.parts[0].removesuffix(".py")
        for file in dist.files or []
        if file.parts
        and not file.parts[0].endswith((".dist-info", ".data", ".pth"))
        and (len(file.parts) > 1 or file.parts[0].endswith(".py"))
        and file.parts[0] not in ("..", "__pycache__")
    }


def dev_only_modules() -> set[str]:
    """Top-level modules that only distributions outside the run set provide."""
    allowed = run_closure() | ALWAYS
    kept: set[str] = set()
    dev: set[str] = set()
    for dist in metadata.distributions():
        modules = _top_level(dist)
        if canonicalize_name(dist.metadata["Name"]) in allowed:
            kept |= modules
        else:
            dev |= modules
    return dev - kept


class _Refuse(importlib.abc.MetaPathFinder):
    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> None:
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} (not in make run's install)")


def main() -> None:
    sys.meta_path.insert(0, _Refuse(dev_only_modules()))
    runpy.run_module("chalicelib.local.stack", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
