"""The looks a campaign's product options may set: for each product *kind*, the named
parameters and the values each allows (``designs/drawing.py`` draws them).

Part of the campaign language, so that checking a definition needs nothing from the drawing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

KINDS = ("dress", "car")

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class ParameterSpec:
    """A look parameter: a colour ``#RRGGBB`` or one of ``choices``, ``default`` when unset.

    ``follows`` names the parameter whose value this one takes when a look leaves it out (a
    car's roof is painted like its body unless the option says otherwise).
    """

    type: Literal["colour", "choice"]
    default: str
    choices: tuple[str, ...] = ()
    follows: str | None = None

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not allowed, or None."""
        if self.type == "colour":
            if isinstance(value, str) and COLOUR.fullmatch(value):
                return None
            expected = "a colour like #1a2b3c"
        elif isinstance(value, str) and value in self.choices:
            return None
        else:
            expected = "one of " + ", ".join(self.choices)
        # YAML reads an unquoted #c2185b as a comment (None) and yes/no as booleans.
        hint = "" if isinstance(value, str) else " (quote it in YAML)"
        return f"{value!r} is not {expected}{hint}"


def _colour(default: str, follows: str | None = None) -> ParameterSpec:
    return ParameterSpec("colour", default, follows=follows)


def _choice(default: str, *choices: str) -> ParameterSpec:
    return ParameterSpec("choice", default, choices)


PARAMETERS: dict[str, dict[str, ParameterSpec]] = {
    "dress": {
        "colour": _colour("#c2185b"),
        "pattern": _choice("plain", "plain", "stripes", "dots", "checks", "paisley"),
        "sleeves": _choice("short", "none", "short", "long"),
        "length": _choice("midi", "knee", "midi", "maxi"),
        "trim": _colour("#f5e6c8"),
    },
    "car": {
        "paint": _colour("#1565c0"),
        "roof": _colour("#1565c0", follows="paint"),
        "seats": _colour("#5d4037"),
        "wheels": _choice("alloy", "steel", "alloy", "sport"),
        "spoiler": _choice("no", "yes", "no"),
        "tint": _choice("no", "yes", "no"),
        "stripes": _choice("none", "none", "racing"),
    },
}


def look_problems(kind: str, look: Mapping[str, str]) -> list[str]:
    """What is wrong with a campaign's look for a product ``kind``, for the marketer to fix.

    >>> look_problems("car", {"paint": "#d32f2f", "wheels": "sport"})
    []
    >>> for problem in look_problems("dress", {"colour": "#zzz", "sleeves": True, "hem": "up"}):
    ...     print(problem)
    colour: '#zzz' is not a colour like #1a2b3c
    sleeves: True is not one of none, short, long (quote it in YAML)
    hem: not a parameter of a dress; expected one of colour, pattern, sleeves, length, trim

    YAML reads an unquoted ``#c2185b`` as a comment, so the value arrives as None:

    >>> look_problems("dress", {"colour": None})
    ['colour: None is not a colour like #1a2b3c (quote it in YAML)']
    >>> look_problems("boat", {})
    ["unknown kind 'boat'; expected one of dress, car"]
    """
    specs = PARAMETERS.get(kind)
    if specs is None:
        return [f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}"]
    problems = []
    for name, value in look.items():
        spec = specs.get(name)
        if spec is None:
            expected = ", ".join(specs)
            problems.append(f"{name}: not a parameter of a {kind}; expected one of {expected}")
        elif (problem := spec.problem(value)) is not None:
            problems.append(f"{name}: {problem}")
    return problems


def full_look(kind: str, look: Mapping[str, str]) -> dict[str, str]:
    """``look`` over the defaults of ``kind``: every parameter, in declaration order.

    >>> full_look("car", {"paint": "#d32f2f"})["roof"]
    '#d32f2f'
    """
    if problems := look_problems(kind, look):
        raise ValueError("; ".join(problems))
    specs = PARAMETERS[kind]
    values = {name: look.get(name, spec.default) for name, spec in specs.items()}
    for name, spec in specs.items():
        if spec.follows is not None and name not in look:
            values[name] = values[spec.follows]
    return values
