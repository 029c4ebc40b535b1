"""The OpenAPI document: valid, complete (every route), and what the service answers conforms to it."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from qa.openapi import QUESTION_PATTERN, TOP_K_STRING_PATTERN, spec

HIDDEN_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def schema():
    """The document as schemathesis reads it (it validates against the OpenAPI 3.0 meta-schema)."""
    return schemathesis.openapi.from_dict(spec(), config=SchemathesisConfig())


def test_the_document_is_served_and_is_valid_openapi(client, schema):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == json.loads(json.dumps(spec()))
    assert response.get_json()["openapi"].startswith("3.0.")
    schema.validate()  # raises on a document that breaks the OpenAPI 3.0 meta-schema


def test_every_route_is_documented_and_every_documented_path_exists(app):
    documented = {
        (path, method.upper())
        for path, item in spec()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)  # Flask's <doc_id> is OpenAPI's {doc_id}
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - HIDDEN_METHODS
    }
    assert routes == documented


def test_every_operation_documents_its_errors_in_the_one_shape():
    paths = spec()["paths"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    for status in ("400", "404", "500"):
        for method in ("get", "post"):
            assert paths["/api/ask"][method]["responses"][status]["content"]["application/json"]["schema"] == error_ref
    for status in ("413", "415"):
        assert paths["/api/ask"]["post"]["responses"][status]["content"]["application/json"]["schema"] == error_ref
    assert spec()["components"]["schemas"]["Error"]["properties"]["error"]["required"] == ["code", "message"]


ASKS = [
    ("POST", {"json": {"question": "How much additional funding did Blinken announce?"}}, 200),
    ("POST", {"json": {"question": "Who is the president of Kazakhstan?", "top_k": 10}}, 200),
    ("POST", {"json": {"question": "Where did Blinken land?", "top_k": "2", "doc": "blinken-central-asia"}}, 200),
    ("POST", {"json": {"question": "Who won the 2018 World Cup?", "top_k": None, "doc": None}}, 200),
    ("POST", {"json": {"question": "Who is Emil Joroev?"}}, 200),
    ("POST", {"json": {}}, 400),
    ("POST", {"json": {"question": "   "}}, 400),
    ("POST", {"json": {"question": "x" * 501}}, 400),
    ("POST", {"json": {"question": "who?", "top_k": 11}}, 400),
    ("POST", {"json": {"question": "who?", "doc": "nope"}}, 404),
    ("POST", {"data": "{", "content_type": "application/json"}, 400),
    ("POST", {"data": "[]", "content_type": "application/json"}, 400),
    ("POST", {"data": "q", "content_type": "text/plain"}, 415),
    ("POST", {"data": json.dumps({"question": "x" * 70_000}), "content_type": "application/json"}, 413),
    ("GET", {"query_string": {"q": "How much did the tenge fall?"}}, 200),
    ("GET", {"query_string": {"question": "How much did the tenge fall?", "top_k": "1"}}, 200),
    ("GET", {"query_string": {"q": "who?", "top_k": "zero"}}, 400),
    ("GET", {"query_string": {"q": "who?", "doc": "nope"}}, 404),
    ("GET", {}, 400),
]


@pytest.mark.parametrize("method, kwargs, status", ASKS)
def test_ask_responses_conform_to_the_document(client, schema, method, kwargs, status):
    response = client.open("/api/ask", method=method, **kwargs)
    assert response.status_code == status
    schema["/api/ask"][method].validate_response(response)  # raises with the mismatch


@pytest.mark.parametrize("path", ["/api/health", "/api/documents", "/", "/?q=Where+did+Blinken+land%3F", "/openapi.json"])
def test_other_responses_conform_to_the_document(client, schema, path):
    response = client.get(path)
    assert response.status_code == 200
    schema[path.split("?")[0]]["GET"].validate_response(response)


def test_answers_of_a_question_match_the_answer_schema(client, schema):
    """The full answer object, field by field (canonical names, merged sentences, every score)."""
    response = client.post("/api/ask", json={"question": "Who is the president of Kazakhstan?", "top_k": 10})
    schema["/api/ask"]["POST"].validate_response(response)
    answers = response.get_json()["answers"]
    assert answers, "expected answers"
    assert set(answers[0]) == set(spec()["components"]["schemas"]["Answer"]["required"])


def test_a_response_off_the_document_is_caught(client, schema):
    """The check above is not vacuous: a body that breaks the document fails it."""
    response = client.post("/api/ask", json={"question": "How much did the tenge fall?"})
    body = response.get_json()
    body["answers"].append({"text": "x"})
    response.set_data(json.dumps(body))
    with pytest.raises(Exception, match="(?i)schema|required"):
        schema["/api/ask"]["POST"].validate_response(response)


@pytest.mark.parametrize(
    "text, ok",
    [("who?", True), (" x ", True), ("", False), ("   ", False), ("\t\n\x0b\x0c\r", False), ("\x1c\x1d\x1e\x1f\x85", False),
     ("\u00a0\u2000\u3000", False), ("\ufeff", True), ("\u200b", True)],
)
def test_the_question_pattern_means_what_the_server_does(client, text, ok):
    """The document's 'not only white space' pattern agrees with the server's str.strip()."""
    import re

    assert bool(re.search(QUESTION_PATTERN, text)) == ok
    response = client.post("/api/ask", json={"question": text})
    assert (response.status_code == 200) == ok


@pytest.mark.parametrize(
    "value, ok",
    [("1", True), ("10", True), ("03", True), ("0", False), ("11", False), (" 3", False), ("+3", False), ("-3", False),
     ("3.0", False), ("\u0663", False), ("\u00b2", False), ("1" * 5000, False), ("", False)],
)
def test_the_top_k_string_pattern_means_what_the_server_does(client, value, ok):
    import re

    assert bool(re.search(TOP_K_STRING_PATTERN, value)) == ok
    response = client.post("/api/ask", json={"question": "Where did Blinken land?", "top_k": value})
    assert response.status_code == (200 if ok else 400)
    if not ok:
        assert response.get_json()["error"]["code"] == "invalid_top_k"


def test_writes_declare_the_bearer_scheme_and_their_auth_errors():
    document = spec()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerAuth"]["description"]
    }
    for method in ("put", "delete"):
        operation = document["paths"]["/api/documents/{doc_id}"][method]
        assert operation["security"] == [{"bearerAuth": []}]
        assert {"400", "401", "403", "503"} <= set(operation["responses"])
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
        assert "Retry-After" in operation["responses"]["503"]["headers"]
    assert "security" not in document["paths"]["/api/documents/{doc_id}"]["get"]  # reads stay open
    put = document["paths"]["/api/documents/{doc_id}"]["put"]
    assert set(put["requestBody"]["content"]) == {"text/plain", "application/json"}
    assert {"200", "201", "413", "415"} <= set(put["responses"])


@pytest.mark.parametrize(
    "text, ok",
    [("Some text.", True), (" x ", True), ("tab\there", True), ("", False), ("  \n\t", False), ("nul\x00", False),
     ("bell\x07 x", False), ("del\x7f x", False), ("\u3000\u2003", False), ("\ufeff", True)],
)
def test_the_text_pattern_means_what_the_server_does(text, ok):
    import re

    from qa.corpus import DocumentError, validate_text
    from qa.openapi import TEXT_PATTERN

    assert bool(re.search(TEXT_PATTERN, text)) == ok
    try:
        validate_text(text)
        accepted = True
    except DocumentError:
        accepted = False
    assert accepted == ok
