"""Polarity: a sentence that says the opposite of the question (a negation, an antonym) does not answer it."""

import pytest

from qa.pipeline import Pipeline
from qa import polarity
from tests.rulesets import LEX
from tests.conftest import make_corpus

CONTRADICTED = [
    ("What did the council not approve?", "The council approved a new bridge in 1998.", "negation"),
    ("Which town didn't vote?", "Every town voted on the plan.", "negation"),
    ("Who never married?", "The painter married a sculptor in 1901.", "negation"),
    ("What happened before the flood?", "The mill closed after the flood.", "antonym before/after"),
    ("Which side lost the match?", "The northern side won the match easily.", "antonym lost/won"),
    ("What is the smallest lake in the region?", "The largest lake in the region is shallow.", "antonym smallest/largest"),
]

AGREEING = [
    # Both say no.
    ("What did the council not approve?", "The council did not approve the new bridge.", ""),
    ("Which town didn\u2019t vote?", "The town of Elm wouldn\u2019t vote on the plan.", ""),
    # The sentence has the question's own word as well as its opposite.
    ("What happened before the flood?", "Before the flood, and after the fire, the mill closed.", ""),
    # "How long" asks for a length; it claims nothing long or short.
    ("How long was the bridge?", "The short bridge was 40 metres long.", ""),
    ("How long did the strike last?", "The short strike lasted a week.", ""),
    # A question naming both sides claims neither.
    ("When were the north and south wings built?", "The northern wing was built in 1862.", ""),
    # A negation only in the sentence is often about another clause: not checked.
    ("Who approved the bridge?", "The council approved the bridge, not the tunnel.", ""),
]


@pytest.mark.parametrize("question, sentence, why", CONTRADICTED + AGREEING)
def test_contradiction(question, sentence, why):
    negative, claims = polarity.asks(question, LEX)
    assert polarity.contradiction(negative, claims, sentence, LEX) == why


def test_antonyms_are_symmetric_and_never_their_own_opposite():
    table = LEX.antonyms
    assert table, "rules/words/antonyms.txt is empty"
    for word, opposites in table.items():
        assert word not in opposites
        for opposite in opposites:
            assert word in table[opposite], (word, opposite)


def test_negation_words_are_lower_case_words():
    assert {"not", "never", "no"} <= LEX.negations
    assert all(w.isalpha() and w == w.lower() for w in LEX.negations)


def test_the_service_abstains_when_the_only_sentence_says_the_opposite(tmp_path):
    corpus = make_corpus(tmp_path, town="The council of Elmford approved a new bridge in 1998.")
    pipeline = Pipeline(corpus, tmp_path / "index")
    assert pipeline.ask("When did the council of Elmford approve a new bridge?").answers
    assert pipeline.ask("When did the council of Elmford not approve a new bridge?").answers == []
    assert pipeline.ask("When did the council of Elmford reject a new bridge?").answers == []
