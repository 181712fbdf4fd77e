"""A marketer's mistake in a campaign file is named at its line AND column, as an editor counts
them (``file:line:col: field: message``), with a hint or the nearest known field."""

from __future__ import annotations

import pytest

from chalicelib.campaigns.loader import parse_campaign
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from tests.samples import inline_text

WISHLIST = inline_text("wishlist")


def problems(text: str) -> list[DefinitionProblem]:
    with pytest.raises(InvalidCampaignDefinition) as caught:
        parse_campaign(text, "wishlist.yaml", file_slug="wishlist")
    return caught.value.problems


def place(text: str, fragment: str, occurrence: int = 0) -> tuple[int, int]:
    """(line, column), from 1, where the ``occurrence``-th ``fragment`` starts."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(fragment, at + 1)
    line = text[:at].count("\n") + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def test_a_misspelt_field_is_named_at_its_own_key_with_the_field_it_meant() -> None:
    assert "    required: true\n" in WISHLIST
    text = WISHLIST.replace("    required: true\n", "    requried: true\n", 1)

    [problem] = problems(text)

    assert (problem.line, problem.column) == place(text, "requried")
    assert problem.field == "questions[0].requried"
    assert problem.message == "unknown field 'requried' — did you mean 'required'?"
    line, column = place(text, "requried")
    assert str(problem) == (
        f"wishlist.yaml:{line}:{column}: questions[0].requried:"
        " unknown field 'requried' — did you mean 'required'?"
    )


def test_a_field_like_no_other_lists_the_fields_of_its_place() -> None:
    text = WISHLIST.replace("slug: wishlist\n", "slug: wishlist\nzzz_colour: red\n", 1)

    [problem] = problems(text)

    assert (problem.line, problem.column) == place(text, "zzz_colour")
    assert problem.message.startswith("unknown field 'zzz_colour' (fields here: ")
    assert "default_locale" in problem.message


def test_a_key_indented_too_far_gives_its_line_column_and_a_hint() -> None:
    old = "  hi: हम आपकी रसोई के लिए आगे क्या बनाएँ?\n"
    assert old in WISHLIST
    text = WISHLIST.replace(old, " " + old, 1)

    [problem] = problems(text)

    line, _ = place(text, " " + old)
    assert problem.line == line
    assert problem.column == len("   hi:")  # the colon PyYAML stops at
    assert problem.message.startswith("not valid YAML: mapping values are not allowed here")
    assert "check the indentation" in problem.message
    assert str(problem).startswith(f"wishlist.yaml:{line}:{problem.column}: (top): not valid")


def test_a_tab_is_a_mistake_of_indentation_too() -> None:
    text = WISHLIST.replace("slug: wishlist\n", "slug: wishlist\n\tbrand: x\n", 1)

    [problem] = problems(text)

    assert (problem.line, problem.column) == place(text, "\tbrand")
    assert "check the indentation" in problem.message


def test_a_wrong_value_is_named_where_the_value_starts() -> None:
    text = WISHLIST.replace("default_locale: en", "default_locale: 5", 1)

    [problem] = problems(text)

    line, column = place(text, "default_locale: 5")
    assert (problem.line, problem.column) == (line, column + len("default_locale: "))
    assert str(problem) == f"wishlist.yaml:{line}:17: default_locale: 5 is not of type 'string'"


def test_without_a_column_the_format_is_file_line_field() -> None:
    assert str(DefinitionProblem("a.yaml", 3, "title", "x")) == "a.yaml:3: title: x"
    assert str(DefinitionProblem("a.yaml", 3, "title", "x", 7)) == "a.yaml:3:7: title: x"
    assert str(DefinitionProblem("a.yaml", None, "(file)", "x", 7)) == "a.yaml: (file): x"


def test_a_missing_field_is_named_once_in_plain_words() -> None:
    text = WISHLIST.replace("default_locale: en\n", "", 1)

    assert [(p.field, p.message) for p in problems(text)] == [
        ("(top)", "missing the required field 'default_locale'")
    ]
