"""The shape of a campaign file (``campaign.schema.json``): fields, types, formats.

jsonschema is imported by the first check, not with this module: a cold start imports app.py
whatever it will serve.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.campaigns.document import Document, Path_

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("campaign.schema.json")


@lru_cache(maxsize=1)
def schema_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def check_schema(doc: Document) -> None:
    """Every way ``doc.data`` is not the shape of a campaign, each at its line and column: an
    unknown field at its own key, with the nearest known one."""
    if not isinstance(doc.data, dict):
        doc.problem((), "a campaign definition is a mapping of fields")
        return
    said: set[tuple[Path_, str]] = set()
    for error in sorted(schema_validator().iter_errors(doc.data), key=str):
        at = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and error.validator_value is False:
            for key in unknown_fields(error.instance, error.schema):
                line, column = doc.key_position((*at, key))
                doc.problem((*at, key), unknown_field(key, error.schema), line, column)
        elif error.validator == "required" and isinstance(error.instance, dict):
            # jsonschema reports each missing field, each time with the whole list.
            for name in error.validator_value:
                if name not in error.instance and (at, name) not in said:
                    said.add((at, name))
                    doc.problem(at, f"missing the required field {name!r}")
        else:
            doc.problem(at, error.message)


def unknown_fields(instance: Any, schema: dict[str, Any]) -> list[str]:
    """The keys of ``instance`` that ``schema`` names neither as properties nor by pattern."""
    if not isinstance(instance, dict):
        return []
    known = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [
        str(key)
        for key in instance
        if key not in known and not any(p.search(str(key)) for p in patterns)
    ]


def unknown_field(key: str, schema: dict[str, Any]) -> str:
    """What to say about a field the schema does not know at this place.

    >>> unknown_field("requried", {"properties": {"id": {}, "required": {}, "type": {}}})
    "unknown field 'requried' — did you mean 'required'?"
    >>> unknown_field("colour", {"properties": {"id": {}, "label": {}}})
    "unknown field 'colour' (fields here: id, label)"
    """
    known = sorted(schema.get("properties", {}))
    nearest = difflib.get_close_matches(key, known, n=1)
    if nearest:
        return f"unknown field {key!r} — did you mean {nearest[0]!r}?"
    return f"unknown field {key!r} (fields here: {', '.join(known)})"
