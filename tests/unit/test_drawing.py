"""SVG previews of a personalized product: well-formed, safe to inline, small, and faithful."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from chalicelib.campaigns.looks import KINDS, PARAMETERS, full_look, look_problems
from chalicelib.configurator.drawing import draw

SVG = "{http://www.w3.org/2000/svg}"
EVERY_VALUE = [
    (kind, name, value)
    for kind, specs in PARAMETERS.items()
    for name, spec in specs.items()
    for value in (spec.choices or ("#12ab3C", "#fedcba"))
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def part(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("data-part") == name]


def assert_safe(svg: str) -> None:
    root = parse(svg)
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag not in {"script", "foreignObject", "image", "use", "a", "style"}
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), attribute
            assert "href" not in attribute
            assert "url(" not in value or re.fullmatch(r"url\(#[\w-]+\)", value), value
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_draws_with_its_defaults(kind: str) -> None:
    svg = draw(kind, {}, title="Preview")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Preview"
    assert_safe(svg)
    assert set(PARAMETERS) == set(KINDS)


@pytest.mark.parametrize(("kind", "name", "value"), EVERY_VALUE)
def test_every_value_draws_safely_and_small(kind: str, name: str, value: str) -> None:
    svg = draw(kind, {name: value}, title="Preview")
    assert_safe(svg)
    assert len(svg.encode()) < 4096
    assert full_look(kind, {name: value})[name] == value


@pytest.mark.parametrize(("kind", "name", "value"), EVERY_VALUE)
def test_every_value_changes_the_drawing(kind: str, name: str, value: str) -> None:
    others = [other for other in PARAMETERS[kind][name].choices or ("#000001",) if other != value]
    drawn = draw(kind, {name: value}, title="Preview")
    assert all(draw(kind, {name: other}, title="Preview") != drawn for other in others)


def fills(svg: str) -> set[str]:
    return {e.get("fill", "") for e in parse(svg).iter()}


@pytest.mark.parametrize(
    ("kind", "name"),
    [(k, n) for k, specs in PARAMETERS.items() for n, s in specs.items() if s.type == "colour"],
)
def test_colours_are_filled_exactly_as_given(kind: str, name: str) -> None:
    assert "#12ab3C" in fills(draw(kind, {name: "#12ab3C"}, title="Preview"))


def test_the_roof_follows_the_paint_unless_set() -> None:
    assert full_look("car", {"paint": "#d32f2f"})["roof"] == "#d32f2f"
    assert full_look("car", {"paint": "#d32f2f", "roof": "#ffffff"})["roof"] == "#ffffff"
    roof = part(parse(draw("car", {"paint": "#d32f2f"}, title="c")), "roof")
    assert [e.get("fill") for e in roof] == ["#d32f2f"]


@pytest.mark.parametrize("pattern", ["stripes", "dots", "checks", "paisley"])
def test_a_print_is_a_pattern_the_dress_is_filled_with(pattern: str) -> None:
    root = parse(draw("dress", {"pattern": pattern, "colour": "#1e88e5"}, title="d"))
    (tile,) = root.iter(f"{SVG}pattern")
    assert tile.get("patternUnits") == "userSpaceOnUse"
    assert "#1e88e5" in {e.get("fill") for e in tile.iter()}
    (skirt,) = part(root, "skirt")
    assert skirt.get("fill") is None  # inherited from its group
    groups = [g for g in root.iter(f"{SVG}g") if skirt in list(g)]
    assert groups[0].get("fill") == f"url(#{tile.get('id')})"


def test_a_plain_dress_has_no_pattern() -> None:
    root = parse(draw("dress", {"pattern": "plain", "colour": "#1e88e5"}, title="d"))
    assert list(root.iter(f"{SVG}pattern")) == []
    assert "#1e88e5" in fills(draw("dress", {"colour": "#1e88e5"}, title="d"))


def test_sleeves_change_the_geometry() -> None:
    def sleeves(value: str) -> list[str]:
        root = parse(draw("dress", {"sleeves": value}, title="d"))
        return [e.get("d", "") for e in part(root, "sleeves")]

    assert sleeves("none") == []
    (short,), (long,) = sleeves("short"), sleeves("long")
    assert short != long


def test_a_longer_dress_reaches_further_down() -> None:
    def hem(length: str) -> float:
        (skirt,) = part(parse(draw("dress", {"length": length}, title="d")), "skirt")
        found = re.search(r"L[\d.]+ ([\d.]+)Q", skirt.get("d", ""))
        assert found is not None
        return float(found[1])

    assert hem("knee") < hem("midi") < hem("maxi")


def test_spoiler_and_racing_stripes_only_when_asked() -> None:
    plain = parse(draw("car", {"spoiler": "no", "stripes": "none"}, title="c"))
    sporty = parse(draw("car", {"spoiler": "yes", "stripes": "racing"}, title="c"))
    assert part(plain, "spoiler") == part(plain, "stripes") == []
    assert len(part(sporty, "spoiler")) == len(part(sporty, "stripes")) == 1


def test_racing_stripes_stand_out_from_the_paint() -> None:
    for paint, stripe in [("#fdd835", "#1d1d1d"), ("#0d47a1", "#fafafa")]:
        root = parse(draw("car", {"paint": paint, "stripes": "racing"}, title="c"))
        assert [e.get("fill") for e in part(root, "stripes")] == [stripe]


def test_tinted_windows_are_darker() -> None:
    def glass(tint: str) -> tuple[str | None, str | None]:
        (pane,) = part(parse(draw("car", {"tint": tint}, title="c")), "glass")
        return pane.get("fill"), pane.get("fill-opacity")

    assert glass("yes") == ("#0d1319", ".85")
    assert glass("no") == ("#cde6f2", ".5")


@pytest.mark.parametrize("wheels", ["steel", "alloy", "sport"])
def test_wheels_by_style(wheels: str) -> None:
    (group,) = part(parse(draw("car", {"wheels": wheels}, title="c")), "wheels")
    assert group.get("data-style") == wheels
    spokes = [p for p in group.iter(f"{SVG}path") if p.get("stroke") != "#e53935"]
    assert len(spokes) == {"steel": 0, "alloy": 2, "sport": 2}[wheels]


WORST = {
    "dress": {"pattern": "paisley", "sleeves": "long", "length": "maxi"},
    "car": {"wheels": "sport", "spoiler": "yes", "tint": "yes", "stripes": "racing"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_busiest_look_stays_under_4_kb(kind: str) -> None:
    svg = draw(kind, WORST[kind], title="अपनी पसंद की ड्रेस डिज़ाइन करें — Design your own")
    assert len(svg.encode()) < 4096


def test_titles_are_escaped() -> None:
    title = "<script>alert('x')</script> & \"रंग\" >"
    svg = draw("dress", {}, title=title)
    assert "<script" not in svg
    root = parse(svg)
    assert root[0].text == title
    assert list(root.iter(f"{SVG}script")) == []


def test_characters_xml_forbids_are_dropped_from_the_title() -> None:
    root = parse(draw("car", {}, title="Car\x00\x07\x1b name\ufffe"))
    assert root[0].text == "Car name"


@pytest.mark.parametrize("title", ["", "   ", "\x00\x1b"])
def test_an_image_needs_a_name(title: str) -> None:
    with pytest.raises(ValueError, match="title"):
        draw("car", {}, title=title)


def test_same_look_same_string() -> None:
    look = {"pattern": "dots", "colour": "#fff59d"}
    assert draw("dress", look, title="d") == draw("dress", dict(reversed(look.items())), title="d")
    assert draw("dress", look, title="d") == draw("dress", {**look, "sleeves": "short"}, title="d")


def pattern_ids(svg: str) -> set[str]:
    return {e.get("id", "") for e in parse(svg).iter() if e.get("id")}


def test_different_looks_get_different_ids() -> None:
    first = draw("dress", {"pattern": "stripes", "colour": "#1e88e5"}, title="d")
    second = draw("dress", {"pattern": "stripes", "colour": "#e53935"}, title="d")
    third = draw("dress", {"pattern": "stripes", "colour": "#1e88e5", "sleeves": "long"}, title="d")
    assert all(pattern_ids(svg) for svg in (first, second, third))
    assert not pattern_ids(first) & pattern_ids(second)
    assert not pattern_ids(first) & pattern_ids(third)
    # The same look inlined twice may need distinct ids: the caller can say which.
    mine = draw("dress", {"pattern": "dots"}, title="d", id_prefix="hero")
    assert pattern_ids(mine) == {"hero-print"}
    assert 'fill="url(#hero-print)"' in mine


@pytest.mark.parametrize("prefix", ["", "1abc", "a b", 'a"b', "x" * 41])
def test_a_bad_id_prefix_is_rejected(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        draw("dress", {}, title="d", id_prefix=prefix)


def test_width_scales_the_image_not_the_drawing() -> None:
    small, large = parse(draw("car", {}, title="c", width=160)), parse(draw("car", {}, title="c"))
    assert (small.get("width"), small.get("height")) == ("160", "80")
    assert (large.get("width"), large.get("height")) == ("320", "160")
    assert small.get("viewBox") == large.get("viewBox")


@pytest.mark.parametrize("width", [0, -5, True, 2.5])
def test_a_bad_width_is_rejected(width: Any) -> None:
    with pytest.raises(ValueError, match="width"):
        draw("car", {}, title="c", width=width)


@pytest.mark.parametrize(
    ("kind", "look", "problem"),
    [
        ("car", {"paint": "#zzz"}, "paint: '#zzz' is not a colour like #1a2b3c"),
        ("car", {"paint": "#abc"}, "paint: '#abc' is not a colour like #1a2b3c"),
        ("car", {"paint": "#aabbcc\n"}, "paint: '#aabbcc\\n' is not a colour like #1a2b3c"),
        ("car", {"paint": "red"}, "paint: 'red' is not a colour like #1a2b3c"),
        ("car", {"wheels": "gold"}, "wheels: 'gold' is not one of steel, alloy, sport"),
        ("car", {"spoiler": "Yes"}, "spoiler: 'Yes' is not one of yes, no"),
        ("car", {"spoiler": True}, "spoiler: True is not one of yes, no (quote it in YAML)"),
        ("dress", {"colour": None}, "colour: None is not a colour like #1a2b3c (quote it in YAML)"),
        ("dress", {"paint": "#aabbcc"}, "paint: not a parameter of a dress; expected one of "),
        ("boat", {}, "unknown kind 'boat'; expected one of dress, car"),
    ],
)
def test_bad_looks_are_explained_and_refused(kind: str, look: Any, problem: str) -> None:
    (found,) = look_problems(kind, look)
    assert found.startswith(problem)
    with pytest.raises(ValueError, match=re.escape(problem)):
        draw(kind, look, title="x")


def test_every_problem_is_reported_at_once() -> None:
    problems = look_problems("dress", {"colour": "#12", "sleeves": "cap", "hem": "lace"})
    assert [p.split(":")[0] for p in problems] == ["colour", "sleeves", "hem"]


@pytest.mark.parametrize("kind", KINDS)
def test_defaults_are_allowed_values(kind: str) -> None:
    defaults = {name: spec.default for name, spec in PARAMETERS[kind].items()}
    assert look_problems(kind, defaults) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_card_is_landscape_with_the_drawing_centred_whole(kind: str) -> None:
    from chalicelib.configurator.drawing import CARD_HEIGHT, CARD_MARGIN, CARD_WIDTH, card

    root = ET.fromstring(card(kind, {}, title="Mera design"))
    group = root.find(f"{SVG}g")
    assert group is not None
    inner = group.find(f"{SVG}svg")
    assert inner is not None

    assert (root.get("width"), root.get("height")) == (str(CARD_WIDTH), str(CARD_HEIGHT))
    left, top = (int(n) for n in re.findall(r"\d+", group.get("transform", "")))
    width, height = int(inner.get("width", "0")), int(inner.get("height", "0"))
    assert min(left, top) >= CARD_MARGIN - 1  # inside the card, nothing cropped
    assert abs(left - (CARD_WIDTH - width - left)) <= 1  # centred across
    assert abs(top - (CARD_HEIGHT - height - top)) <= 1  # and down
    # As large as the margins allow: one side fills the card up to its margins.
    assert min(CARD_WIDTH - 2 * CARD_MARGIN - width, CARD_HEIGHT - 2 * CARD_MARGIN - height) <= 1


def test_a_card_refuses_an_unknown_kind_or_background() -> None:
    from chalicelib.configurator.drawing import card

    with pytest.raises(ValueError, match="kind"):
        card("boat", {}, title="x")
    with pytest.raises(ValueError, match="background"):
        card("car", {}, title="x", background='red" onload="x')
