"""A customer's design from the form: the chosen option of each group, checked.

One-choice groups are radio buttons named by the group id; many-choice groups are check boxes
named ``<group>.<option>``. Unknown options are errors, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.campaigns.model import Choices, Product
from chalicelib.errors import FieldError


def field_name(group_id: str, option_id: str) -> str:
    return f"{group_id}.{option_id}"


def parse_choices(
    product: Product, fields: Mapping[str, str], errors: list[FieldError]
) -> dict[str, tuple[str, ...]]:
    """The design in ``fields``; a missing one-choice group takes its first option."""
    choices: dict[str, tuple[str, ...]] = {}
    for group in product.groups:
        if group.choose == "one":
            raw = fields.get(group.id, "").strip() or group.options[0].id
            if group.option(raw) is None:
                errors.append(FieldError(group.id, "invalid_choice"))
                raw = group.options[0].id
            choices[group.id] = (raw,)
        else:
            choices[group.id] = tuple(
                o.id for o in group.options if fields.get(field_name(group.id, o.id))
            )
    return choices


def as_answers(choices: Choices) -> dict[str, str]:
    """Stored with the answers (and exported): ``{"colour": "ruby", "extras": "spoiler,tint"}``."""
    return {group: ",".join(ids) for group, ids in choices.items()}


def from_answers(product: Product, answers: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    return {g.id: tuple(i for i in answers.get(g.id, "").split(",") if i) for g in product.groups}
