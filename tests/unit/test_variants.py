"""A/B variants: assignment (deterministic, weighted, sticky), the campaign in a variant's
texts, the two-proportion z-test and its "not enough data" rule, the per-variant report."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from pathlib import Path
from statistics import NormalDist

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.campaigns.model import Variant
from chalicelib.followups.compose import compose
from chalicelib.variants.assignment import VariantPicker, assign, cookie_name
from chalicelib.variants.report import variant_report
from chalicelib.variants.significance import (
    MIN_ANSWERS,
    MIN_VIEWS,
    Arm,
    compare,
    z_test,
)
from chalicelib.variants.texts import in_variant

AB_KITCHEN = Path(__file__).resolve().parents[1] / "campaigns" / "ab-kitchen.yaml"


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(AB_KITCHEN)


def test_the_same_visitor_id_always_gets_the_same_variant(campaign: Campaign) -> None:
    ids = [f"visitor-{i}" for i in range(200)]
    first = [assign(campaign.slug, campaign.variants, v).id for v in ids]
    again = [assign(campaign.slug, campaign.variants, v).id for v in ids]
    assert first == again
    assert set(first) == {"plain", "festive"}  # both happen: not a constant


@pytest.mark.parametrize("weights", [(1, 1), (1, 3), (0.5, 2, 7.5)])
def test_weights_hold_over_many_visitors(weights: tuple[float, ...]) -> None:
    variants = [Variant(f"v{i}", weight=w) for i, w in enumerate(weights)]
    n = 20_000
    got = Counter(assign("wishlist", variants, f"id-{i}").id for i in range(n))
    total = sum(weights)
    for i, weight in enumerate(weights):
        share = weight / total
        spread = 4 * math.sqrt(share * (1 - share) / n)  # four standard deviations
        assert abs(got[f"v{i}"] / n - share) < spread, (got, weights)


def test_a_visitor_is_assigned_once_then_kept_by_the_cookie(campaign: Campaign) -> None:
    ids = iter(["first-random-id", "second-random-id"])
    picker = VariantPicker(lambda: next(ids))

    new = picker.for_visitor(campaign, None)
    expected = assign(campaign.slug, campaign.variants, "first-random-id").id
    assert new.cookie == expected
    assert new.campaign.shown_variant == expected

    kept = picker.for_visitor(campaign, new.cookie)
    assert kept.cookie is None  # nothing to set again
    assert kept.campaign.shown_variant == expected
    assert next(ids) == "second-random-id"  # the kept visit drew no randomness


@pytest.mark.parametrize("cookie", ["gone", "", "festive; Path=/", "PLAIN", "x" * 5000])
def test_an_invalid_cookie_is_reassigned_not_an_error(campaign: Campaign, cookie: str) -> None:
    picker = VariantPicker(lambda: "some-visitor")
    again = picker.for_visitor(campaign, cookie)
    assert again.cookie in {"plain", "festive"}
    assert again.campaign.shown_variant == again.cookie


def test_a_visitor_id_given_assigns_by_it(campaign: Campaign) -> None:
    picker = VariantPicker(lambda: pytest.fail("no randomness needed"))
    for visitor in ("a", "b", "c", "d"):
        chosen = picker.for_visitor(campaign, None, visitor).cookie
        assert chosen == assign(campaign.slug, campaign.variants, visitor).id


def test_a_campaign_without_variants_is_itself_and_sets_no_cookie(campaign: Campaign) -> None:
    plain = replace(campaign, variants=())
    assigned = VariantPicker(lambda: "v").for_visitor(plain, "festive")
    assert assigned.campaign is plain
    assert assigned.cookie is None
    assert in_variant(plain, "festive") is plain


def test_the_cookie_is_named_after_the_campaign() -> None:
    assert cookie_name("ab-kitchen") == "samvad_variant_ab-kitchen"


def test_a_variant_replaces_the_texts_it_gives_and_keeps_the_others(campaign: Campaign) -> None:
    festive = in_variant(campaign, "festive")
    assert festive.title["hi"] == "त्योहारों का मौसम! हम आगे क्या बनाएँ?"
    assert festive.intro["ur"].startswith("تہواروں سے پہلے")
    assert festive.prize_text is not None
    assert festive.prize_text["en"] == "A festive draw for kitchenware worth {amount}."
    assert festive.thanks["en"] == "Thank you, and happy festivals!"
    assert (festive.brand, festive.questions) == (campaign.brand, campaign.questions)
    step = festive.step("thanks_sms")
    assert step is not None
    assert step.text is not None
    assert step.dlt_template_id is not None
    assert step.text["en"].startswith("Happy festivals from {brand}!")
    assert step.dlt_template_id["hi"] == "1107161234567890212"  # its own DLT template
    assert festive.shown_variant == "festive"

    plain = in_variant(campaign, "plain")
    assert (plain.title, plain.followups) == (campaign.title, campaign.followups)
    assert plain.shown_variant == "plain"
    assert in_variant(campaign, "unknown") is campaign


def test_the_z_test_matches_a_worked_example() -> None:
    # 200 of 1000 against 250 of 1000: pooled p = 0.225, SE = sqrt(.225 * .775 * 2/1000)
    # = 0.018675, z = 0.05 / 0.018675 = 2.6774, two-sided p = 0.0074.
    test = z_test(Arm(1000, 200), Arm(1000, 250))
    assert test.z == pytest.approx(2.6774, abs=1e-4)
    assert test.p_value == pytest.approx(0.00742, abs=1e-4)
    # the same p from the standard normal's distribution function
    assert test.p_value == pytest.approx(2 * (1 - NormalDist().cdf(test.z)), rel=1e-9)


def test_the_z_test_is_symmetric_and_zero_for_equal_rates() -> None:
    forward, back = z_test(Arm(500, 40), Arm(800, 90)), z_test(Arm(800, 90), Arm(500, 40))
    assert forward.z == pytest.approx(-back.z)
    assert forward.p_value == pytest.approx(back.p_value)
    same = z_test(Arm(400, 40), Arm(800, 80))
    assert (same.z, same.p_value) == (0.0, 1.0)
    assert z_test(Arm(200, 0), Arm(200, 0)) == z_test(Arm(200, 200), Arm(200, 200))


@pytest.mark.parametrize(
    ("first", "other", "enough"),
    [
        (Arm(MIN_VIEWS, MIN_ANSWERS), Arm(MIN_VIEWS, MIN_ANSWERS), True),
        (Arm(MIN_VIEWS - 1, 50), Arm(1000, 100), False),  # too few views
        (Arm(1000, 100), Arm(1000, MIN_ANSWERS - 1), False),  # too few answers
        (Arm(1000, 998), Arm(1000, 100), False),  # too few views without an answer
        (Arm(100, 150), Arm(1000, 100), False),  # more answers than views counted
    ],
)
def test_no_figure_without_enough_data(first: Arm, other: Arm, enough: bool) -> None:
    assert (compare(first, other) is not None) is enough


def test_the_report_compares_each_variant_with_the_first() -> None:
    counted = [
        ("festive", "views", 1000),
        ("festive", "responses", 250),
        ("plain", "views", 600),
        ("plain", "views", 400),  # rows of one variant add up (per locale and source)
        ("plain", "responses", 200),
        ("old", "views", 10),
        ("festive", "shares", 40),  # the sharing steps, in the variant of the sharer's answer
        ("festive", "verified", 12),
        ("festive", "verified", 3),
        ("festive", "rewards", 2),
    ]
    report = variant_report(["plain", "festive"], counted)
    plain, festive, old = report["items"]
    nothing_shared = {"shares": 0, "verified": 0, "rewards": 0}
    assert plain == {
        "id": "plain",
        "views": 1000,
        "responses": 200,
        "conversion": 0.2,
        **nothing_shared,
    }
    assert festive["conversion"] == 0.25
    assert (festive["shares"], festive["verified"], festive["rewards"]) == (40, 15, 2)
    assert festive["vs_first"] == {"z": 2.677, "p_value": 0.0074}  # still answers per view
    assert old == {
        "id": "old",
        "views": 10,
        "responses": 0,
        "conversion": 0.0,
        "vs_first": None,
        **nothing_shared,
    }  # counted under an older version, not enough data
    assert str(MIN_VIEWS) in report["rule"]
    assert str(MIN_ANSWERS) in report["rule"]
    assert variant_report([], [])["items"] == []


@pytest.mark.parametrize(
    ("variant", "start", "template"),
    [
        ("festive", "काव्या होम की ओर से त्योहारों की शुभकामनाएँ!", "1107161234567890212"),
        ("plain", "काव्या होम को बताने के लिए धन्यवाद।", "1107161234567890202"),
        (None, "काव्या होम को बताने के लिए धन्यवाद।", "1107161234567890202"),
        ("removed-since", "काव्या होम को बताने के लिए धन्यवाद।", "1107161234567890202"),
    ],
)
def test_the_sms_of_an_answer_is_in_its_variant_with_its_dlt_template(
    campaign: Campaign, variant: str | None, start: str, template: str
) -> None:
    """The runner composes with the published campaign; the answer's variant picks the text."""
    from tests.unit.test_compose import LINKS, NOW, job_for, response

    answer = replace(response("hi"), campaign=campaign.slug, variant=variant)
    job = job_for(campaign, answer, "thanks_sms")
    outgoing = compose(job, campaign, answer, NOW, LINKS)
    assert outgoing.message.startswith(start)
    assert outgoing.attributes["AWS.MM.SMS.TemplateId"] == template


def test_validate_lists_the_variants_and_sizes_their_own_sms(campaign: Campaign) -> None:
    from samvad_cli.campaigns import _sms_lines

    lines = list(_sms_lines(campaign, 0.00278))
    assert lines[0] == "  A/B variants: plain (weight 1), festive (weight 1)"
    festive_hi = next(line for line in lines if line.startswith("  SMS thanks_sms@festive.hi:"))
    assert "UCS-2, 84 units, 2 segment(s)" in festive_hi  # longer than the plain text's one
    assert not any("@plain" in line for line in lines)  # it changes no SMS
    assert len([line for line in lines if line.startswith("  SMS thanks_sms.")]) == 3
