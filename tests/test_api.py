"""The JSON API: the contract, and a clear 4xx JSON error for every bad request."""

import json

import pytest
from tests.contract import assert_answer, assert_answer_json


def ask(client, **body):
    return client.post("/api/ask", json=body)


def test_ask_returns_the_contract_shape(client):
    response = ask(client, question="How much additional funding did Blinken announce?")
    assert response.status_code == 200
    body = response.get_json()
    assert body["question"] == "How much additional funding did Blinken announce?"
    assert set(body["analysis"]) >= {"answer_type", "rule", "keywords"}
    assert body["analysis"]["answer_type"] == "NUM:money"
    assert body["answers"], "expected an answer"
    top = body["answers"][0]
    assert set(top) >= {"text", "type", "score", "rule", "sentence", "span"}
    assert top["text"] == "$20 million"
    assert 0.0 <= top["score"] <= 1.0
    assert_answer_json(top)
    assert top["sentence"]["doc"] == "blinken-central-asia"


def test_get_ask_takes_query_parameters(client):
    response = client.get("/api/ask", query_string={"q": "who is the president of kazakhstan", "top_k": "2"})
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["answers"]) <= 2
    assert body["analysis"]["answer_type"] == "HUM:ind"


def test_top_k_limits_the_answers(client):
    body = ask(client, question="Which countries are in Central Asia?", top_k=1).get_json()
    assert len(body["answers"]) <= 1


def test_unanswerable_question_gets_no_answer(client):
    body = ask(client, question="Who won the 2018 World Cup?").get_json()
    assert body["answers"] == []


def test_doc_filter_restricts_to_one_document(client):
    body = ask(client, question="Where did Blinken land?", doc="blinken-central-asia").get_json()
    assert all(a["sentence"]["doc"] == "blinken-central-asia" for a in body["answers"])


def test_health_reports_the_index(client):
    body = client.get("/api/health").get_json()
    assert body == {"status": "ok", "documents": 1, "sentences": 57}


def test_documents_lists_ids_and_sentence_counts(client):
    assert client.get("/api/documents").get_json() == [{"id": "blinken-central-asia", "sentences": 57}]


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({}, 400, "missing_question"),
        ({"question": ""}, 400, "empty_question"),
        ({"question": "   "}, 400, "empty_question"),
        ({"question": None}, 400, "missing_question"),
        ({"question": 42}, 400, "invalid_question"),
        ({"question": ["who"]}, 400, "invalid_question"),
        ({"question": "x" * 501}, 400, "question_too_long"),
        ({"question": "who?", "top_k": 0}, 400, "invalid_top_k"),
        ({"question": "who?", "top_k": 11}, 400, "invalid_top_k"),
        ({"question": "who?", "top_k": "many"}, 400, "invalid_top_k"),
        ({"question": "who?", "top_k": True}, 400, "invalid_top_k"),
        ({"question": "who?", "top_k": 2.5}, 400, "invalid_top_k"),
        ({"question": "who?", "doc": 7}, 400, "invalid_doc"),
        ({"question": "who?", "strict": "yes"}, 400, "invalid_strict"),
        ({"question": "who?", "strict": 1}, 400, "invalid_strict"),
        ({"question": "who?", "strict": [True]}, 400, "invalid_strict"),
        ({"question": "who?", "doc": "no-such-doc"}, 404, "unknown_doc"),
    ],
)
def test_bad_json_fields_get_a_clear_error(client, body, status, code):
    response = ask(client, **body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "kwargs, status, code",
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": "[1, 2]", "content_type": "application/json"}, 400, "invalid_body"),
        ({"data": b"\xff\xfe{", "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": "question=hi", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ({"data": "who", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"data": json.dumps({"question": "x" * 70000}), "content_type": "application/json"}, 413, "payload_too_large"),
    ],
)
def test_bad_bodies_get_a_clear_error(client, kwargs, status, code):
    response = client.post("/api/ask", **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_get_without_question_is_a_400(client):
    response = client.get("/api/ask")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "missing_question"


def test_unknown_path_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method, path", [("put", "/api/ask"), ("delete", "/api/ask"), ("post", "/api/health")])
def test_wrong_method_is_a_json_405(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("value", [-0.1, 1.5, "x", "nan", "inf", True, [0.5], "1e"])
def test_a_bad_min_score_is_a_400(client, value):
    response = client.post("/api/ask", json={"question": "How much funding did Blinken announce?", "min_score": value})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_min_score"


def test_min_score_drops_the_weaker_answers(client):
    question = "How much additional funding did Blinken announce?"
    everything = client.get("/api/ask", query_string={"q": question, "top_k": 10}).get_json()["answers"]
    assert len(everything) > 1
    floor = (everything[0]["score"] + everything[-1]["score"]) / 2
    kept = client.get("/api/ask", query_string={"q": question, "top_k": 10, "min_score": str(floor)}).get_json()["answers"]
    assert kept and all(a["score"] >= floor for a in kept)
    assert [a["text"] for a in kept] == [a["text"] for a in everything if a["score"] >= floor]
