"""A campaign file read as YAML, with the line and column of every value and key, and the
problems found in it.

Every problem names the file, the line, the column and the field, so that a marketer can fix
it without reading code: ``wishlist.yaml:42:5: questions[0].label: missing the 'hi' text``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.errors import DefinitionProblem

if TYPE_CHECKING:
    import yaml

Path_ = tuple[str | int, ...]
STORED_MAX_BYTES = 380_000
"""A deployed version keeps the YAML and its validated data in one DynamoDB item (400 KB at
most, names and the other attributes included)."""
MAX_YAML_DIGITS = 30  # no number of a campaign needs more
Position = tuple[int | None, int | None]  # line and column, from 1
INDENTATION = (
    "check the indentation: the keys of one mapping start in the same column, a nested "
    "value is indented further than its key, and only spaces indent (no tabs)"
)
# PyYAML's words for a key or item that is not where its indentation puts it.
INDENTATION_PROBLEMS = (
    "mapping values are not allowed",
    "expected <block end>",
    "did not find expected key",
    "could not find expected ':'",
    "did not find expected '-' indicator",
    "that cannot start any token",
)


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top)"


@lru_cache(maxsize=1)
def _loader_without_aliases() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader, refusing aliases: ``*name`` shares one node, so a few KB of
    nested aliases expand to gigabytes (billion laughs) and an alias inside its own anchor
    recurses forever. A campaign writes each value out."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"an alias (*{event.anchor}) is not allowed in a campaign; write the value "
                    "out where it is needed",
                    event.start_mark,
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node

    def bounded_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
        if len(str(node.value).lstrip("+-")) > MAX_YAML_DIGITS:  # int() refuses 4,300+
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of more than {MAX_YAML_DIGITS} digits", node.start_mark
            )
        value: int = yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]
        return value

    Loader.add_constructor("tag:yaml.org,2002:int", bounded_int)
    return Loader


class Document:
    """A parsed YAML file with the line of every value, keyed by its path."""

    def __init__(self, file: str, text: str) -> None:
        import yaml

        self.file = file
        self.lines: dict[Path_, int] = {}
        self.columns: dict[Path_, int] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        """Where the key of each mapping entry is written (``lines`` has where its value is)."""
        self.problems: list[DefinitionProblem] = []
        self.data: Any = None
        if len(text) > STORED_MAX_BYTES:  # before parsing: what cannot be stored is not read
            self.problem((), f"too large: at most {STORED_MAX_BYTES // 1000} KB of YAML", 1)
            return
        try:
            loader = _loader_without_aliases()(text)  # checks the characters: inside the try
        except yaml.YAMLError as exc:
            self.problem((), f"not valid YAML: {exc}", 1)
            return
        try:
            node = loader.get_single_node()
            self.data = self._build(loader, node, ()) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.data = None
            if mark is None:
                self.problem((), f"not valid YAML: {exc}")
            else:
                self.problem((), _yaml_message(exc), mark.line + 1, mark.column + 1)
        except RecursionError:  # PyYAML composes nested collections recursively
            self.data = None
            self.problem((), "not valid YAML: nested too deeply for a campaign", 1)
        finally:
            loader.dispose()

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, path: Path_) -> Any:
        import yaml

        self.lines[path] = node.start_mark.line + 1
        self.columns[path] = node.start_mark.column + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(loader.construct_object(key_node))
                at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in out:
                    self.problem((*path, key), "given twice", *at)
                else:
                    self.keys[(*path, key)] = at
                out[key] = self._build(loader, value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # kept as text: the schema checks it as an ISO date-time
        return loader.construct_object(node)

    def line(self, path: Path_) -> int | None:
        return self.position(path)[0]

    def position(self, path: Path_) -> Position:
        """Where the value at ``path`` starts, or its nearest enclosing value that exists."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path), self.columns.get(path)

    def key_position(self, path: Path_) -> Position:
        """Where the key naming ``path`` is written; else where its value starts."""
        return self.keys.get(path) or self.position(path)

    def problem(
        self, path: Path_, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        if line is None:
            line, column = self.position(path)
        self.problems.append(DefinitionProblem(self.file, line, dotted(path), message, column))


def _yaml_message(exc: Exception) -> str:
    """PyYAML's problem, with a hint where it comes from indentation."""
    problem = str(getattr(exc, "problem", None) or exc)
    context = getattr(exc, "context", None)
    said = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if any(words in problem for words in INDENTATION_PROBLEMS):
        return f"{said}; {INDENTATION}"
    return said
