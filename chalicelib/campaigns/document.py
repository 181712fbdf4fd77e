"""A campaign file read as YAML, with the line of every value, and the problems found in it.

Every problem names the file, the line and the field, so that a marketer can fix it without
reading code: ``wishlist.yaml:42: questions[0].label: missing the 'hi' text``.
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
            line = mark.line + 1 if mark is not None else None
            self.data = None
            self.problem((), f"not valid YAML: {getattr(exc, 'problem', exc)}", line)
        except RecursionError:  # PyYAML composes nested collections recursively
            self.data = None
            self.problem((), "not valid YAML: nested too deeply for a campaign", 1)
        finally:
            loader.dispose()

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, path: Path_) -> Any:
        import yaml

        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(loader.construct_object(key_node))
                if key in out:
                    self.problem((*path, key), "given twice", key_node.start_mark.line + 1)
                out[key] = self._build(loader, value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # kept as text: the schema checks it as an ISO date-time
        return loader.construct_object(node)

    def line(self, path: Path_) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: Path_, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.line(path)
        self.problems.append(DefinitionProblem(self.file, line, dotted(path), message))
