"""Answers by question type in exports (a column per multiple-choice option, numbers as
numbers) and in the stats (distributions, averages, the NPS score), and `samvad stats`."""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.admin.export import columns, csv_lines, jsonl_lines, numeric_columns, row
from chalicelib.admin.question_stats import nps, summarize
from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.responses.model import Response
from samvad_cli import campaigns as cli
from tests.samples import DEFINITIONS, PLAIN_ANSWER, inline_text
from tests.unit.test_admin_service import World


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(DEFINITIONS / "store-feedback.yaml")


def answer(n: int, **answers: str) -> Response:
    return replace(PLAIN_ANSWER, id=f"r{n:031d}", campaign="store-feedback", answers=answers)


def test_multiple_choice_has_a_column_per_option_and_numbers_stay_numbers(
    campaign: Campaign,
) -> None:
    names = columns([campaign])
    assert names[names.index("heard") : names.index("city")] == [
        "heard",
        "went_wrong.stale",
        "went_wrong.too-sweet",
        "went_wrong.box",
        "went_wrong.late",
        "went_wrong.other",
        "favourites.kaju-katli",
        "favourites.ladoo",
        "favourites.barfi",
        "favourites.rasgulla",
        "favourites.soan-papdi",
        "details",
    ]
    numeric = numeric_columns([campaign])
    assert numeric == {"rating", "recommend", "sweetness", "boxes"}
    values = row(
        answer(1, rating="2", boxes="12", favourites="ladoo,barfi", email="a@b.in"), names, numeric
    )
    assert (values["rating"], values["boxes"], values["email"]) == (2, 12, "a@b.in")
    assert [values[f"favourites.{o}"] for o in ("kaju-katli", "ladoo", "barfi")] == [0, 1, 1]
    assert values["went_wrong.stale"] == ""  # not asked: empty, not 0
    assert values["recommend"] == ""

    [line] = list(jsonl_lines([values]))
    assert json.loads(line)["favourites.ladoo"] == 1
    table = list(csv.reader(io.StringIO("".join(csv_lines(names, [values])))))
    assert dict(zip(table[0], table[1], strict=True))["boxes"] == "12"


def test_a_negative_number_is_a_number_in_csv_but_a_minus_text_is_guarded() -> None:
    text = "".join(csv_lines(["n", "t"], [{"n": -5, "t": "-5"}]))
    assert text.splitlines()[1] == "-5,'-5"


def test_the_nps_score_is_promoters_minus_detractors_in_percent() -> None:
    scores = [Decimal(s) for s in ("10", "9", "9", "8", "7", "6", "0", "3")]
    assert nps(scores) == {"promoters": 3, "passives": 2, "detractors": 3, "score": 0.0}
    assert nps([Decimal(10)] * 3 + [Decimal(2)])["score"] == 50.0
    assert nps([Decimal(1)])["score"] == -100.0
    assert nps([])["score"] is None


def test_summaries_per_question_type(campaign: Campaign) -> None:
    responses = [
        answer(1, rating="5", recommend="10", favourites="ladoo", city="delhi", boxes="2"),
        answer(2, rating="4", recommend="9", favourites="ladoo,barfi", city="delhi"),
        answer(3, rating="1", recommend="2", went_wrong="stale,box", email="x@y.in", boxes="5"),
    ]
    found = {s["id"]: s for s in summarize(campaign, responses)}

    assert found["rating"]["answered"] == 3
    assert found["rating"]["average"] == pytest.approx(3.33)
    assert found["rating"]["distribution"] == {"1": 1, "4": 1, "5": 1}
    assert found["recommend"]["score"] == pytest.approx(33.3)  # 2 promoters, 1 detractor of 3
    assert found["favourites"]["options"] == {
        "kaju-katli": 0,
        "ladoo": 2,
        "barfi": 1,
        "rasgulla": 0,
        "soan-papdi": 0,
    }
    assert found["went_wrong"]["options"]["box"] == 1
    assert found["city"]["options"]["delhi"] == 2
    assert found["boxes"]["average"] == 3.5
    assert found["email"] == {"id": "email", "type": "email", "answered": 1}
    assert found["sweetness"]["average"] is None


def test_the_admin_stats_carry_the_question_summaries() -> None:
    world = World()
    world.admin.deploy(inline_text("store-feedback"), "store-feedback.yaml", "test")
    world.admin.publish("store-feedback", 1)
    published = world.registry.published("store-feedback")
    base = {"rating": "5", "recommend": "10", "favourites.ladoo": "yes", "city": "patna"}
    world.responses.accept(published, "hi", base, "k-1")
    world.responses.accept(published, "hi", {**base, "recommend": "0"}, "k-2")

    stats = world.admin.stats("store-feedback")
    assert stats["responses"] == 2
    questions = {q["id"]: q for q in stats["questions"]}
    assert questions["recommend"]["score"] == 0.0
    assert questions["favourites"]["options"]["ladoo"] == 2


class _Backend:
    def stats(self, slug: str) -> dict[str, Any]:
        funnel = dict.fromkeys(("views", "responses", "shares", "referred", "rewards"), 0)
        return {
            "slug": slug,
            **funnel,
            "by_locale": {},
            "by_source": {},
            "questions": [
                {"id": "recommend", "type": "nps", "answered": 4, "average": 7.5,
                 "distribution": {"2": 1, "9": 1, "10": 2},
                 "promoters": 3, "passives": 0, "detractors": 1, "score": 50.0},
                {"id": "rating", "type": "rating", "answered": 2, "average": 4.5,
                 "distribution": {"4": 1, "5": 1}},
                {"id": "city", "type": "dropdown", "answered": 2,
                 "options": {"delhi": 2, "patna": 0}},
            ],
        }  # fmt: skip


def test_samvad_stats_prints_the_questions_after_the_funnel(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "backend", lambda args: _Backend())

    assert cli.stats(argparse.Namespace(slug="store-feedback")) == 0
    out = capsys.readouterr().out
    section = out[out.index("questions:") :].splitlines()

    assert "NPS +50 (3 promoters, 0 passives, 1 detractors)" in section[1]
    assert "average 4.5 (4: 1, 5: 1)" in section[2]
    assert section[3].endswith("delhi 2, patna 0")
