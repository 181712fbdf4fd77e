"""The shape of a campaign file (``campaign.schema.json``): fields, types, formats.

jsonschema is imported by the first check, not with this module: a cold start imports app.py
whatever it will serve.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.campaigns.document import Document

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("campaign.schema.json")


@lru_cache(maxsize=1)
def schema_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def check_schema(doc: Document) -> None:
    """Every way ``doc.data`` is not the shape of a campaign, each at its line."""
    if not isinstance(doc.data, dict):
        doc.problem((), "a campaign definition is a mapping of fields")
        return
    for error in sorted(schema_validator().iter_errors(doc.data), key=str):
        doc.problem(tuple(error.absolute_path), error.message)
