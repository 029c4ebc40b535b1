"""Lists: a question asking for several things gets the whole coordination, with one item per conjunct."""

from __future__ import annotations

import pytest

from qa.pipeline import Pipeline
from qa.question import analyze
from tests.conftest import make_corpus
from tests.rulesets import RULES

ARTICLE = """Ministers meet in Elmford
Ministers from Kenya, Peru and Norway attended the summit in Elmford on Monday.
The ferry will carry grain, timber and wool to the islands.
Jane Doe and Tom Reyes chaired the talks, while the city of Lagos sent an observer.
The port of Elmford, a busy harbour, handled most of the cargo.
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lists")
    return Pipeline(make_corpus(tmp, summit=ARTICLE), tmp / "index", refresh_interval=None)


def best(pipeline, question):
    answers = pipeline.ask(question).answers
    assert answers, question
    return answers[0]


@pytest.mark.parametrize(
    "question, items",
    [
        ("Which countries attended the summit in Elmford?", ["Kenya", "Peru", "Norway"]),
        ("Which three countries sent ministers to the summit?", ["Kenya", "Peru", "Norway"]),
        ("Who chaired the talks?", ["Jane Doe", "Tom Reyes"]),
        ("What will the ferry carry to the islands?", ["grain", "timber", "wool"]),
    ],
)
def test_a_list_answer_has_one_item_per_conjunct(pipeline, question, items):
    answer = best(pipeline, question)
    assert [answer.sentence[s:e] for s, e in answer.items] == items
    assert answer.text == answer.sentence[answer.span[0] : answer.span[1]]
    assert answer.text.startswith(items[0]) and answer.text.endswith(items[-1])


def test_a_number_that_does_not_match_the_items_gives_no_list(pipeline):
    answers = pipeline.ask("Which two countries attended the summit in Elmford?").answers
    assert all(len(a.items) in (0, 2) for a in answers)


def test_a_singular_question_is_not_widened_to_a_list(pipeline):
    answers = pipeline.ask("Which country attended the summit in Elmford?").answers
    assert answers and not answers[0].items


def test_commas_alone_make_an_apposition_not_a_list(pipeline):
    answers = pipeline.ask("Which ports handled the cargo?").answers
    assert all(not a.items for a in answers)


def test_how_many_items_a_question_asks_for():
    assert analyze("Which three rivers cross the city?", RULES).count == 3
    assert analyze("Which rivers cross the city?", RULES).many
    assert not analyze("Which river crosses the city?", RULES).many
    assert analyze("Which parts of the world does the firm serve?", RULES).many  # the head is "parts"
    assert not analyze("Which part of the world does the firm serve?", RULES).many
    assert not analyze("How many rivers cross the city?", RULES).many
