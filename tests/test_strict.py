"""Strict answering: only from a sentence that holds every keyword of the question."""

import pytest

from app import create_app
from qa.pipeline import Pipeline
from tests.conftest import make_corpus

SENTENCE = "The mayor of Elmford, Jane Doe, opened the bridge in 1998."
PARTLY = "When did the mayor of Elmford open the old bridge?"  # "old" is not in the sentence
FULLY = "When did the mayor of Elmford open the bridge?"


@pytest.fixture()
def pipeline(tmp_path):
    return Pipeline(make_corpus(tmp_path, town=SENTENCE), tmp_path / "index")


def test_by_default_a_sentence_holding_most_of_the_question_answers(pipeline):
    assert [a.text for a in pipeline.ask(PARTLY).answers][:1] == ["1998"]


def test_strict_abstains_when_the_sentence_lacks_a_keyword(pipeline):
    assert pipeline.ask(PARTLY, strict=True).answers == []


def test_strict_answers_when_the_sentence_holds_every_keyword(pipeline):
    assert [a.text for a in pipeline.ask(FULLY, strict=True).answers][:1] == ["1998"]


def test_the_hit_names_the_keywords_it_lacks(pipeline):
    hits = pipeline.ask(PARTLY, strict=True).hits
    assert set(hits[0].unmatched) == {"old"}
    assert hits[0].rejected == "strict"


@pytest.mark.parametrize("value, answered", [(True, False), ("true", False), ("1", False), (False, True), ("0", True), (None, True)])
def test_the_api_takes_strict_in_a_body_and_a_query(tmp_path, value, answered):
    corpus = make_corpus(tmp_path, town=SENTENCE)
    app = create_app({"CORPUS_DIR": str(corpus), "INDEX_DIR": str(tmp_path / "index"), "TESTING": True})
    client = app.test_client()
    body = client.post("/api/ask", json={"question": PARTLY, "strict": value}).get_json()
    assert bool(body["answers"]) is answered
    if value is not None and not isinstance(value, bool):
        body = client.get("/api/ask", query_string={"q": PARTLY, "strict": value}).get_json()
        assert bool(body["answers"]) is answered
