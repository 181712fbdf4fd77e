"""The shape of ``chalicelib``: no import cycle between its packages; no module over 600 lines;
no function over 60 lines or 15 branches (the sizes for the command line, ``samvad_cli``, too).

Read from the source with ``ast``, nothing imported: fast, no AWS. A package is a first-level
folder of ``chalicelib`` (``campaigns``, ``storage``); a first-level module (``bootstrap``,
``errors``) stands on its own.

Every import counts, those inside functions and under ``TYPE_CHECKING`` too: an import is put
off to keep a cold start light, or kept to the type checker, not because the dependency is any
less real. A package typed against another's adapter is still bound to it.
"""

from __future__ import annotations

import ast
import functools
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"
SIZED = (PACKAGE, ROOT / "samvad_cli")  # whose modules and functions are kept small
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
MAX_BRANCHES = 15


@functools.cache
def modules() -> tuple[tuple[str, ast.Module], ...]:
    """Every module of chalicelib, parsed, by its path from the repository's root."""
    return tuple(
        (path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    )


@functools.cache
def sized_modules() -> tuple[tuple[str, ast.Module], ...]:
    """Every module of ``SIZED``, parsed, by its path from the repository's root."""
    return tuple(
        (path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for folder in SIZED
        for path in sorted(folder.rglob("*.py"))
    )


def unit_of(dotted: str) -> str | None:
    """The package (or first-level module) of ``chalicelib.a.b``: ``a``."""
    parts = dotted.split(".")
    if parts[0] != "chalicelib" or len(parts) < 2:
        return None
    return parts[1]


def unit_of_file(name: str) -> str:
    parts = Path(name).with_suffix("").parts  # ("chalicelib", "storage", "dynamodb")
    return parts[1] if parts[1] != "__init__" else "chalicelib"


def imported(tree: ast.Module, name: str) -> Iterator[str]:
    """Every module an import in ``tree`` names, at any depth (functions, TYPE_CHECKING)."""
    package = Path(name).parent.parts  # what a relative import starts from
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield module
            # ``from chalicelib import storage`` imports the package storage.
            yield from (f"{module}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, dict[str, set[str]]]:
    """package -> imported package -> the modules of the first that import the second."""
    graph: dict[str, dict[str, set[str]]] = {}
    for name, tree in modules():
        source = unit_of_file(name)
        for module in imported(tree, name):
            target = unit_of(module)
            if target is None or target == source or source == "chalicelib":
                continue
            if not (PACKAGE / target).exists() and not (PACKAGE / f"{target}.py").exists():
                continue
            graph.setdefault(source, {}).setdefault(target, set()).add(name)
    return graph


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path ``[a, b, ..., a]``, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for succ in sorted(edges.get(node, ())):
            if state.get(succ) == "open":
                return [*stack[stack.index(succ) :], succ]
            if succ not in state:
                found = visit(succ)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle_between_chalicelib_packages() -> None:
    graph = import_graph()
    edges = {source: set(targets) for source, targets in graph.items()}
    cycle = find_cycle(edges)
    assert cycle is None, (
        "import cycle: "
        + " -> ".join(
            f"{a} ({', '.join(sorted(graph[a][b]))})" for a, b in itertools.pairwise(cycle)
        )
        + f" -> {cycle[-1]}"
    )


def branches(body: list[ast.stmt]) -> int:
    """Branches as ruff's PLR0912 counts them: each if/elif/else, loop (and its else), except
    clause, try's else and finally, match case; nested functions count on their own."""
    count = 0
    for stmt in body:
        if isinstance(stmt, ast.If):
            count += 1 + branches(stmt.body)
            orelse = stmt.orelse
            if orelse and not (len(orelse) == 1 and isinstance(orelse[0], ast.If)):
                count += 1  # else
            count += branches(orelse)
        elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
            count += 1 + branches(stmt.body)
            if stmt.orelse:
                count += 1 + branches(stmt.orelse)
        elif isinstance(stmt, ast.Try | ast.TryStar):
            count += branches(stmt.body)
            for extra in (stmt.orelse, stmt.finalbody):
                if extra:
                    count += 1 + branches(extra)
            count += sum(1 + branches(handler.body) for handler in stmt.handlers)
        elif isinstance(stmt, ast.Match):
            count += sum(1 + branches(case.body) for case in stmt.cases)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            count += branches(stmt.body)
    return count


def functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, Any]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{prefix}{child.name}", child
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def oversized() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for name, tree in sized_modules():
        for qualname, function in functions(tree):
            lines = (function.end_lineno or function.lineno) - function.lineno + 1
            count = branches(function.body)
            if lines > MAX_FUNCTION_LINES or count > MAX_BRANCHES:
                found[(name, qualname)] = f"{lines} lines, {count} branches"
    return found


def test_no_function_over_60_lines_or_15_branches() -> None:
    new = oversized()
    assert not new, (
        f"split these (at most {MAX_FUNCTION_LINES} lines, {MAX_BRANCHES} branches): {new}"
    )


def long_modules() -> dict[str, int]:
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for folder in SIZED
        for path in folder.rglob("*.py")
    }
    return {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES}


def test_no_module_over_600_lines() -> None:
    new = long_modules()
    assert not new, f"split these (at most {MAX_MODULE_LINES} lines): {new}"


# The checks themselves, on small made-up sources, so that a broken check cannot pass quietly.


def test_a_cycle_is_found_with_its_path() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_in_functions_and_for_the_type_checker_count() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from chalicelib.storage.dynamodb import DynamoStore\n"
        "def f() -> None:\n"
        "    import chalicelib.web.http\n"
        "    from chalicelib import messaging\n"
        "    from . import model\n"
    )
    units = {unit_of(m) for m in imported(tree, "chalicelib/followups/runner.py")}
    assert units == {None, "storage", "web", "messaging", "followups"}


def test_branches_are_counted_as_ruff_counts_them() -> None:
    source = """
def f(x):
    if x:            # 1
        pass
    elif x > 1:      # 2
        pass
    else:            # 3
        pass
    for _ in x:      # 4
        while x:     # 5
            break
    else:            # 6
        pass
    try:
        pass
    except ValueError:  # 7
        pass
    finally:         # 8
        pass
    with x:
        if x:        # 9
            pass
    def inner(y):    # counted on its own
        if y:
            pass
"""
    [(name, function), (inner, _)] = functions(ast.parse(source))
    assert (name, inner) == ("f", "f.inner")
    assert branches(function.body) == 9
