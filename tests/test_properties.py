"""Property tests (Hypothesis): any question gives well-formed answers, and the API never fails with a 5xx.

Bounded (EXAMPLES cases a property) and reproducible (derandomized, no example
database written into the repository).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from qa.api import MAX_QUESTION_CHARS
from tests.contract import assert_answer, assert_answer_json
from tests.conftest import CORPUS

EXAMPLES = 200

# Hypothesis keeps caches even with database=None (constants of the source, at collection time):
# under the system's temporary directory, not in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "qa-hypothesis")

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Words of the corpus and of questions, so that many generated questions do get answers.
WORDS = sorted(set(re.findall(r"[\w$%.,'-]+", " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")))))
QUESTION_WORDS = ["who", "what", "when", "where", "why", "how", "much", "many", "which", "is", "did", "the", "of", "?"]

any_text = st.text(max_size=MAX_QUESTION_CHARS)
# Every code point, lone surrogates too (they reach the API as "\ud800" escapes in JSON).
any_code_points = st.text(st.characters(codec=None, categories=None), max_size=MAX_QUESTION_CHARS)
corpus_questions = st.lists(st.sampled_from(WORDS + QUESTION_WORDS * 20), min_size=1, max_size=25).map(" ".join)
questions = st.one_of(any_text, corpus_questions, st.builds("{} {}?".format, st.sampled_from(QUESTION_WORDS), corpus_questions))


def check_answers(answers, top_k=3):
    assert len(answers) <= top_k
    for a in answers:
        assert_answer(a)
        assert a.text.strip()
        assert 0.0 <= a.score <= 1.0
        assert all(0.0 <= v <= 1.0 for v in a.scores.values()), a.scores
        assert a.sentences >= 1


@SETTINGS
@given(question=questions, top_k=st.integers(1, 10))
def test_any_question_gets_well_formed_answers(pipeline, question, top_k):
    check_answers(pipeline.ask(question, top_k=top_k).answers, top_k)


def test_the_generated_questions_do_reach_answers(pipeline):
    """The property above is not vacuous: questions made of corpus words often get answers."""
    answered = 0

    @settings(max_examples=50, deadline=None, derandomize=True, database=None)
    @given(question=st.builds("How much {}?".format, corpus_questions))
    def count(question):
        nonlocal answered
        answered += bool(pipeline.ask(question).answers)

    count()
    assert answered >= 5


def check_api_response(response):
    """A 200 with the answer body, or a 4xx in the error shape; never a 5xx."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = json.loads(response.get_data())
    if response.status_code == 200:
        assert set(body) == {"question", "analysis", "answers"}
        for a in body["answers"]:
            assert_answer_json(a)
            assert 0.0 <= a["score"] <= 1.0
    else:
        assert 400 <= response.status_code < 500
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    return body


@SETTINGS
@given(question=st.one_of(questions, any_code_points, st.text(min_size=MAX_QUESTION_CHARS - 5, max_size=MAX_QUESTION_CHARS + 5)))
def test_any_question_through_the_api_is_answered_or_refused_cleanly(app, question):
    client = app.test_client()
    body = check_api_response(client.post("/api/ask", json={"question": question}))
    if question.strip() and len(question) <= MAX_QUESTION_CHARS:
        assert body["question"] == question
    if "\x00" not in question and not any(0xD800 <= ord(c) <= 0xDFFF for c in question):
        check_api_response(client.get("/api/ask", query_string={"q": question}))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries({"question": st.one_of(questions, json_values)}, optional={"top_k": json_values, "doc": json_values}),
        st.fixed_dictionaries(
            {"question": questions},
            optional={"top_k": st.one_of(st.integers(-2, 12), st.text("0123456789+- ", max_size=4)), "doc": st.just("blinken-central-asia")},
        ),
    )
)
def test_any_json_body_is_answered_or_refused_cleanly(app, body):
    check_api_response(app.test_client().post("/api/ask", data=json.dumps(body), content_type="application/json"))


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_any_bytes_as_a_body_are_answered_or_refused_cleanly(app, raw):
    check_api_response(app.test_client().post("/api/ask", data=raw, content_type="application/json"))


@SETTINGS
@given(query=st.lists(st.tuples(st.sampled_from(["q", "question", "top_k", "doc", "x"]), st.text(max_size=60)), max_size=5))
def test_any_query_string_is_answered_or_refused_cleanly(app, query):
    check_api_response(app.test_client().get("/api/ask", query_string=query))
