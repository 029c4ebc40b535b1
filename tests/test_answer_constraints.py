"""Where in X questions, and what a bare number may stand for: the answer lies inside X; a count is no sum."""

from __future__ import annotations

import pytest

from qa.pipeline import Pipeline
from qa.question import analyze
from tests.conftest import make_corpus
from tests.rulesets import RULES

ARTICLE = """Aid teams head for the coast
France has offered to send a team of 40 engineers to help with the flood relief effort in Peru.
Officials said the team would most likely work in the province of Elmora, near the coast.
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("within")
    return Pipeline(make_corpus(tmp, aid=ARTICLE), tmp / "index", refresh_interval=None)


@pytest.mark.parametrize(
    "question, within",
    [
        ("Where in Peru will the engineers work?", {"Peru"}),
        ("Which part of the United Kingdom did he visit?", {"United Kingdom"}),
        ("Which city in France hosts the final?", {"France"}),
        ("Which parts of Lima were flooded?", {"Peru"}),  # a city stands for its country
        ("Where will the engineers work?", set()),
        ("Where is Peru?", set()),
    ],
)
def test_within_names_the_country_asked_inside(question, within):
    assert analyze(question, RULES).within == frozenset(within)


def test_another_country_does_not_answer_where_in(pipeline):
    answers = pipeline.ask("Where in Peru would the engineers most likely work?", top_k=5).answers
    assert answers and all(a.text != "France" for a in answers)
    assert any("Elmora" in a.text for a in answers)


def test_a_count_of_things_is_no_sum_or_period(tmp_path):
    corpus = make_corpus(tmp_path, aid="The agency will send 120 engineers to help with the relief effort in Peru.")
    p = Pipeline(corpus, tmp_path / "index", refresh_interval=None)
    assert all(a.text != "120" for a in p.ask("How much is the agency spending on the relief effort?", top_k=5).answers)
    assert all(a.text != "120" for a in p.ask("How long will the engineers stay in Peru?", top_k=5).answers)
    assert p.ask("How many engineers will the agency send?").answers[0].text == "120"


def test_a_count_of_other_things_fits_the_type_less(tmp_path):
    text = (
        "The carrier, which has been split into three divisions, will fly 40 new jets from its northern hub next year.\n"
        "Its rival said it would run hundreds of extra flights over the holidays.\n"
    )
    p = Pipeline(make_corpus(tmp_path, air=text), tmp_path / "index", refresh_interval=None)
    by_text = {a.text: a for a in p.ask("How many planes will the carrier fly from its northern hub?", top_k=3).answers}
    assert by_text["40"].scores["type"] == 1.0  # "jets" are planes
    assert by_text["three"].scores["type"] < 1.0  # "three divisions" are not
    flights = p.ask("How many flights will the rival run over the holidays?").answers[0]
    passengers = p.ask("How many passengers will the rival fly over the holidays?").answers
    assert flights.text == "hundreds" and flights.scores["type"] == 1.0
    assert all(a.scores["type"] < 1.0 for a in passengers if a.text == "hundreds")  # hundreds of flights


def test_for_whom_is_answered_by_a_group_of_people(tmp_path):
    text = "The mayor is expected to cut the £40 cost of a bus pass, for the elderly, from next spring.\n"
    p = Pipeline(make_corpus(tmp_path, bus=text), tmp_path / "index", refresh_interval=None)
    answers = p.ask("For whom will the mayor reduce the cost of a bus pass?", top_k=3).answers
    assert answers and answers[0].text == "the elderly"


def test_a_time_is_no_answer_to_what(tmp_path):
    text = "The collapse last week of the Harbour Trust has cast light on weak checks at small lenders.\n"
    p = Pipeline(make_corpus(tmp_path, trust=text), tmp_path / "index", refresh_interval=None)
    answers = p.ask("What has the collapse of the Harbour Trust revealed?", top_k=5).answers
    assert all(a.text != "last week" for a in answers)
    assert p.ask("When did the Harbour Trust collapse?").answers[0].text == "last week"


def test_a_post_is_answered_by_titles(tmp_path):
    text = "Ms Okafor is to become chairman and chief executive of the Harbour Trust, which owns a third of the ferry firm, in May.\n"
    p = Pipeline(make_corpus(tmp_path, trust=text), tmp_path / "index", refresh_interval=None)
    assert analyze("What posts will Ms Okafor hold at the Harbour Trust?", RULES).answer_type == "HUM:title"
    answers = p.ask("What posts will Ms Okafor hold at the Harbour Trust?", top_k=3).answers
    assert answers and answers[0].text == "chairman and chief executive"


def test_a_reason_for_another_relation_ranks_below_the_asked_one(tmp_path):
    text = (
        "Northgate Bank, the region's largest lender, is to cut 300 jobs as a result of falling profits.\n"
        "Its profitability has been hit by a fall in farm lending in the south.\n"
    )
    p = Pipeline(make_corpus(tmp_path, bank=text), tmp_path / "index", refresh_interval=None)
    answers = p.ask("Why has Northgate Bank's profitability suffered?", top_k=3).answers
    assert answers and answers[0].text.startswith("a fall in farm lending")


def test_an_amount_a_little_wider_than_the_frames_filler_answers(tmp_path):
    text = "About 400 jobs will go in the print works while 250 and 90 will go in sales and design respectively.\n"
    p = Pipeline(make_corpus(tmp_path, works=text), tmp_path / "index", refresh_interval=None)
    answers = p.ask("How many jobs will go in the print works?", top_k=3).answers
    assert answers and answers[0].text == "About 400" and answers[0].rule.startswith("frame:")
