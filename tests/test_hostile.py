"""Hostile inputs: nothing a client sends gets a 5xx, and every error has the one JSON shape.

tests/test_api.py covers the ordinary bad requests; this file adds the hostile
ones: huge bodies, broken encodings, control characters, scripts, punctuation
that means something to SQL, regexes or the search engine, odd numbers, odd
paths and methods.
"""

from __future__ import annotations

import json

import pytest

QUESTION = "How much additional funding did Blinken announce?"
from tests.contract import assert_answer, assert_answer_json


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Assert the one error shape: {"error": {"code": str, "message": str}} and nothing else."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body


def assert_answered(response, question: str | None = None) -> dict:
    """Assert a 200 with the answer body; every answer's span holds its text."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"question", "analysis", "answers"}
    if question is not None:
        assert body["question"] == question
    for answer in body["answers"]:
        assert_answer_json(answer)
        assert 0.0 <= answer["score"] <= 1.0
    return body


# -- size ----------------------------------------------------------------------------------------


def test_a_100_kb_question_in_a_json_body_is_a_413(client):
    response = client.post("/api/ask", json={"question": "why " * 25_000})
    assert_error(response, 413, "payload_too_large")


def test_a_100_kb_body_of_another_type_is_a_413_or_415_never_read(client):
    response = client.post("/api/ask", data=b"x" * 100_000, content_type="text/plain")
    assert response.status_code in (413, 415)
    assert_error(response, response.status_code)


def test_a_100_kb_question_in_the_query_is_a_400(client):
    response = client.get("/api/ask", query_string={"q": "why " * 25_000})
    assert_error(response, 400, "question_too_long")


def test_a_100_kb_question_in_the_form_is_reported_on_the_page(client):
    response = client.get("/", query_string={"q": "why " * 25_000})
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)


@pytest.mark.parametrize("length, status", [(500, 200), (501, 400)])
def test_the_500_character_limit_counts_characters_not_bytes(client, length, status):
    # 4 bytes of UTF-8 each: 500 of them is 2,000 bytes and still allowed.
    response = client.post("/api/ask", json={"question": "\U0001F600" * length})
    assert response.status_code == status


def test_json_nested_too_deeply_for_the_parser_is_a_400_not_a_500(client):
    # 60 kB of "[[[[...]]]]" passes the body limit and overflows Python's JSON parser.
    response = client.post("/api/ask", data="[" * 30_000 + "]" * 30_000, content_type="application/json")
    assert_error(response, 400, "invalid_json")
    response = client.post(
        "/api/ask", data='{"question": ' + "[" * 20_000 + "]" * 20_000 + "}", content_type="application/json"
    )
    assert_error(response, 400, "invalid_json")


def test_a_huge_integer_literal_is_a_400(client):
    body = '{"question": "who?", "top_k": 1' + "0" * 5000 + "}"
    assert_error(client.post("/api/ask", data=body, content_type="application/json"), 400)


# -- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "caf\xe9 au lait?"}',  # Latin-1 inside JSON
        b'{"question": "\xc0\xaf"}',  # an overlong encoding of "/"
        b'{"question": "\xf8\x88\x80\x80\x80"}',  # a 5-byte sequence
        b"\x00" * 64,
    ],
)
def test_a_body_that_is_not_utf8_json_is_a_400(client, body):
    assert_error(client.post("/api/ask", data=body, content_type="application/json"), 400, "invalid_json")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_json_in_utf16_or_utf32_is_decoded_as_python_does(client, encoding):
    body = json.dumps({"question": QUESTION}).encode(encoding)
    assert_answered(client.post("/api/ask", data=body, content_type="application/json"), QUESTION)


def test_an_encoded_surrogate_is_decoded_like_an_escaped_one(client):
    # Python's JSON decoder reads bytes with surrogatepass: the same as "\ud800".
    response = client.post("/api/ask", data=b'{"question": "who \xed\xa0\x80?"}', content_type="application/json")
    assert_answered(response, "who \ud800?")


def test_invalid_utf8_in_the_query_is_kept_as_escapes_and_answered(client):
    response = client.get("/api/ask?q=%ff%fe%20who")
    assert_answered(response)


def test_a_lone_surrogate_escaped_in_json_is_answered(client):
    response = client.post("/api/ask", data='{"question": "who is \\ud800 the president?"}', content_type="application/json")
    assert_answered(response, "who is \ud800 the president?")


# -- odd characters ------------------------------------------------------------------------------

ODD_QUESTIONS = [
    "Who\x00 is the president\x00 of Kazakhstan?",  # NUL
    "\x00",
    "Who is\x07\x08\x1b[31m the president of Kazakhstan?\x1b[0m",  # bell, backspace, ANSI escapes
    "How much\r\nadditional funding\tdid Blinken\x0b announce?\x0c",
    "\x7f\x80\x9f who?",  # DEL and C1 controls
    "من هو رئيس كازاخستان؟",  # Arabic, right to left
    "מי הוא נשיא קזחסטן?",  # Hebrew
    "Who is \u202ethe president\u202c of \u2067Kazakhstan\u2069?",  # bidi overrides and isolates
    "Who is the president of Kazakhstan? \U0001F1F0\U0001F1FF\U0001F44D\U0001F3FD",  # flags, skin tone
    "\U0001F468\u200d\U0001F469\u200d\U0001F467 how much funding?",  # a ZWJ sequence
    "\ufeffHow much additional funding did Blinken announce?",  # a BOM in front
    "How\u00admuch addi\u200btional fund\u200ding did Blin\u2060ken announce?",  # invisible characters
    "Ｈｏｗ ｍｕｃｈ ｆｕｎｄｉｎｇ？",  # full width
    "HOW MUCH ADDITIONAL FUNDING DID BLINKEN ANNOUNCE",
    "ǅ ǈ ǋ ß ẞ İ ı ﬁ ﬀ",  # case-mapping oddities
    "e\u0301" * 200,  # combining accents
    "\U000e0041\U000e0042",  # tag characters
    "\ufffd\ufffe\uffff",  # noncharacters
]


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_odd_characters_are_answered_not_crashed_on(client, question):
    assert_answered(client.post("/api/ask", json={"question": question}), question)
    assert_answered(client.get("/api/ask", query_string={"q": question}), question)
    page = client.get("/", query_string={"q": question})
    assert page.status_code == 200


def test_a_question_with_noise_around_it_still_finds_the_answer(client):
    noisy = "How much additional funding did Blinken announce?\x00\x1b[0m \U0001F44D\u200b"
    body = assert_answered(client.post("/api/ask", json={"question": noisy}))
    assert body["answers"] and body["answers"][0]["text"] == "$20 million"


# -- scripts and markup --------------------------------------------------------------------------

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }} {% if 1 %}x{% endif %}",  # template injection
    "&lt;script&gt; &amp; &#x3C;",
    "</textarea></title><!--",
]


@pytest.mark.parametrize("question", MARKUP)
def test_markup_is_escaped_in_the_page(client, question):
    page = client.get("/", query_string={"q": question}).get_data(as_text=True)
    assert "<script" not in page and "<svg" not in page and "<img" not in page and "</textarea>" not in page
    assert 'value=""' not in page  # the quote in '"><img' did not close the attribute
    if question == "<script>alert(1)</script>":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    if question.startswith("{{"):
        assert 'value="{{ 7*7 }} {% if 1 %}x{% endif %}"' in page  # shown, not evaluated


@pytest.mark.parametrize("question", MARKUP)
def test_markup_comes_back_verbatim_as_json_not_html(client, question):
    response = client.post("/api/ask", json={"question": question})
    assert_answered(response, question)
    assert response.headers["Content-Type"].startswith("application/json")


# -- punctuation with a meaning elsewhere ------------------------------------------------------

PUNCTUATION = [
    "'; DROP TABLE answers; --",
    "\" OR 1=1 --",
    "Robert'); DELETE FROM documents WHERE ('1'='1",
    "(a+)+$",
    "(a|aa)*b" + "a" * 40,
    "[[[",
    "]]]",
    "\\",
    "\\\\\\",
    "\\d{1,1000000}",
    "(?P<x>",
    ".*.*.*.*.*=.*",
    "*",
    "?",
    "???",
    "...",
    "$",
    "^$",
    "((((((((((((((((((((",
    "{{{{}}}}",
    "%s %d %n %x",
    "${jndi:ldap://127.0.0.1/a}",
    "blinken* OR funding~ AND NOT \"x\" title:y body:[a TO z]",  # Whoosh query syntax
    "doc:blinken-central-asia id:*",
    "NULL",
    "None",
    "undefined",
    "../../../../etc/passwd",
    "a" * 500,
    "1," * 250,
    "$" * 500,
    ". " * 250,
]


@pytest.mark.parametrize("question", PUNCTUATION)
def test_punctuation_is_taken_literally(client, pipeline, question):
    assert_answered(client.post("/api/ask", json={"question": question}), question)
    assert_answered(client.get("/api/ask", query_string={"q": question}), question)
    for answer in pipeline.ask(question).answers:
        assert_answer(answer)


@pytest.mark.parametrize("doc", ["*", "blinken*", "../corpus/blinken-central-asia", "blinken-central-asia.txt",
                                 "BLINKEN-CENTRAL-ASIA", "blinken-central-asia OR x", "'; DROP TABLE x; --", "\x00", " "])
def test_a_doc_filter_is_an_exact_id_not_a_pattern(client, doc):
    assert_error(client.post("/api/ask", json={"question": QUESTION, "doc": doc}), 404, "unknown_doc")
    assert_error(client.get("/api/ask", query_string={"q": QUESTION, "doc": doc}), 404, "unknown_doc")


# -- top_k: the contract -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "top_k, ok",
    [
        (1, True), (10, True), ("2", True), ("02", True), ("10", True), (None, True),
        (0, False), (11, False), (-1, False), (2**64, False), (2.0, False), (1.5, False), (True, False), (False, False),
        ("", False), (" 2", False), ("2 ", False), ("+2", False), ("-2", False), ("2.0", False), ("1e1", False),
        ("0x2", False), ("two", False), ("\u00b2", False), ("\u0662", False), ("\uff12", False), ("1" * 5000, False),
        ([2], False), ({"n": 2}, False),
    ],
)
def test_top_k_in_a_json_body(client, top_k, ok):
    response = client.post("/api/ask", json={"question": QUESTION, "top_k": top_k})
    if ok:
        assert_answered(response)
    else:
        assert_error(response, 400, "invalid_top_k")


@pytest.mark.parametrize(
    "top_k, ok",
    [("1", True), ("3", True), ("10", True), ("007", True), ("0", False), ("11", False), ("-3", False), ("+3", False),
     (" 3", False), ("3.0", False), ("", False), ("\u00b2", False), ("\u0663", False), ("1" * 5000, False), ("%00", False)],
)
def test_top_k_in_the_query(client, top_k, ok):
    response = client.get("/api/ask", query_string={"q": QUESTION, "top_k": top_k})
    if ok:
        assert len(assert_answered(response)["answers"]) <= int(top_k)
    else:
        assert_error(response, 400, "invalid_top_k")


def test_top_k_limits_the_number_of_answers(client):
    for top_k in (1, "1"):
        body = assert_answered(client.post("/api/ask", json={"question": "Which countries are in Central Asia?", "top_k": top_k}))
        assert len(body["answers"]) <= 1


# -- bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, code",
    [
        ("null", "invalid_json"),
        ("true", "invalid_body"),
        ('"who?"', "invalid_body"),
        ("42", "invalid_body"),
        ('{"question": "who?"} trailing', "invalid_json"),
        ('{"question": "who?",}', "invalid_json"),
        ("{'question': 'who?'}", "invalid_json"),
        ('{"question": {"$ne": null}}', "invalid_question"),
        ('{"question": ["who?"]}', "invalid_question"),
        ('{"question": NaN}', "invalid_question"),
        ('{"question": "who?", "doc": ""}', "invalid_doc"),
        ('{"question": "who?", "doc": ["x"]}', "invalid_doc"),
        ('{"Question": "who?"}', "missing_question"),
        ("", "invalid_json"),
    ],
)
def test_odd_json_bodies_get_a_400(client, body, code):
    assert_error(client.post("/api/ask", data=body, content_type="application/json"), 400, code)


def test_duplicate_keys_and_unknown_fields_are_tolerated(client):
    body = '{"question": "x", "question": "' + QUESTION + '", "extra": {"nested": [1, 2, 3]}}'
    assert_answered(client.post("/api/ask", data=body, content_type="application/json"), QUESTION)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                          "application/xml", "application/jsonx", ""])
def test_a_body_that_is_not_declared_json_is_a_415(client, content_type):
    response = client.post("/api/ask", data=json.dumps({"question": QUESTION}), content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


# -- paths and methods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/nothing", "/api", "/api/", "/api/ask/", "/api/ask/extra", "/API/ASK", "/api/health/", "/index.html", "/%00", "/api/ask%00", "/..%2f..%2fetc%2fpasswd", "/" + "a" * 5000, "/\u00e9t\u00e9", "/%ff"],
)
def test_unknown_paths_are_a_json_404(client, path):
    for method in ("GET", "POST", "DELETE"):
        assert_error(client.open(path, method=method), 404, "not_found")


def test_a_missing_static_file_is_a_json_404(client):
    assert_error(client.get("/static/app.js"), 404, "not_found")


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("PUT", "/api/ask", {"GET", "POST"}),
        ("PATCH", "/api/ask", {"GET", "POST"}),
        ("DELETE", "/api/ask", {"GET", "POST"}),
        ("TRACE", "/api/ask", {"GET", "POST"}),
        ("POST", "/api/health", {"GET"}),
        ("PUT", "/api/health", {"GET"}),
        ("POST", "/api/documents", {"GET"}),
        ("DELETE", "/api/documents", {"GET"}),
        ("POST", "/", {"GET"}),
        ("PUT", "/", {"GET"}),
        ("POST", "/openapi.json", {"GET"}),
    ],
)
def test_wrong_methods_are_a_json_405_naming_the_allowed_ones(client, method, path, allowed):
    response = client.open(path, method=method, json={"question": QUESTION})
    assert_error(response, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_head_answers_like_get_without_a_body(client):
    response = client.head("/api/ask", query_string={"q": QUESTION})
    assert response.status_code == 200 and response.get_data() == b""
    assert client.head("/api/ask").status_code == 400


@pytest.mark.parametrize(
    "query",
    [[("q", QUESTION), ("q", "who?")], [("question", QUESTION)], [("q", QUESTION), ("top_k", "1"), ("top_k", "99")]],
)
def test_repeated_and_alias_query_parameters_take_the_first(client, query):
    assert_answered(client.get("/api/ask", query_string=query), QUESTION)
