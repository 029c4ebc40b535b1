"""Yes/no questions: "yes" when a clause states it, "no" when one denies it, nothing when the text is silent."""

from __future__ import annotations

import pytest

from qa.pipeline import Pipeline
from qa.question import analyze
from qa.yesno import verdicts, yesno_frame
from tests.conftest import make_corpus
from tests.rulesets import RULES

ARTICLE = """Elmford council backs new bridge
The council of Elmford approved a new bridge over the Wyre river on Tuesday, after a debate that lasted six hours.
The mayor of Elmford, Tom Reyes, said the bridge would cost £12m.
The council rejected a plan to close the old ferry.
The town's museum did not reopen after the floods.
The harbour board declined an offer from a Dutch shipping firm.
Local traders welcomed the decision.
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("yesno")
    return Pipeline(make_corpus(tmp, town=ARTICLE), tmp / "index", refresh_interval=None)


def top(pipeline, question):
    answers = pipeline.ask(question).answers
    return answers[0] if answers else None


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Did the council approve the new bridge?", "yes"),  # stated
        ("Did the council of Elmford approve a bridge over the Wyre?", "yes"),
        ("Did the museum reopen after the floods?", "no"),  # denied: a negation
        ("Did the council approve the plan to close the ferry?", "no"),  # denied: an antonym (rejected)
        ("Did the harbour board accept the offer?", "no"),  # declined
        ("Is Ann Lee the mayor of Elmford?", "no"),  # another holder of the role
        ("Is Tom Reyes the mayor of Elmford?", "yes"),
        ("Did local traders welcome the decision?", "yes"),
    ],
)
def test_a_verdict_with_its_supporting_clause(pipeline, question, expected):
    answer = top(pipeline, question)
    assert answer is not None, question
    assert (answer.text, answer.type) == (expected, "YESNO")
    start, end = answer.span
    assert 0 <= start < end <= len(answer.sentence)
    assert answer.sentence[start:end] != answer.text  # the span marks the clause, not the word


@pytest.mark.parametrize(
    "question",
    [
        "Did the council approve a tunnel?",  # the text says nothing of a tunnel
        "Did the mayor resign?",  # nor of resigning
        "Is Tom Reyes the mayor of Riverton?",  # nor of Riverton's mayor
    ],
)
def test_a_question_the_text_leaves_open_gets_no_answer(pipeline, question):
    assert pipeline.ask(question).answers == []


def test_yes_no_questions_have_their_own_answer_type():
    assert analyze("Did the council approve the bridge?", RULES).answer_type == "YESNO"
    assert analyze("Was the plan dropped?", RULES).yesno is not None
    assert analyze("What did the council approve?", RULES).answer_type != "YESNO"


def test_a_negated_question_is_answered_by_the_clause_s_polarity():
    frame = yesno_frame("Didn't the council approve the bridge?", RULES.grammar)
    assert frame.negated
    parsed = RULES.parse("The council approved the bridge.")
    assert [v.answer for v in verdicts(frame, parsed, RULES.grammar, RULES.lexicon)] == ["no"]


def test_another_participant_gives_no_verdict():
    frame = yesno_frame("Did the council approve the bridge?", RULES.grammar)
    parsed = RULES.parse("The council approved the tunnel.")
    assert verdicts(frame, parsed, RULES.grammar, RULES.lexicon) == []
