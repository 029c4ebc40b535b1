"""Documents through the API: the auth matrix, writes that are searchable when answered, reads, paging, hostile documents.

Every app here serves a private corpus (tests/conftest.py make_corpus) and a
fresh index, with no background refresh: what a request sees is what the
writes before it did.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from app import create_app
from qa.corpus import MAX_DOCUMENT_BYTES
from qa.openapi import spec
from tests.conftest import make_corpus
from tests.test_hostile import assert_error

TOKEN = "test-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = (
    "Storm closes the port of Elmford\n\n"
    "A storm closed the port of Elmford on Tuesday, the harbour master Jane Doe said.\n"
    "The repairs will cost $3 million, according to the city council.\n"
)
QUESTION = "How much will the repairs cost?"


def make_app(tmp_path, token=TOKEN, **documents):
    tmp_path.mkdir(parents=True, exist_ok=True)
    corpus = make_corpus(tmp_path, mill="The old mill in Riverton made paper until 1998.", **documents)
    config = {"CORPUS_DIR": str(corpus), "INDEX_DIR": str(tmp_path / "index"), "TESTING": True, "REFRESH_SECONDS": None}
    if token is not None:
        config["ADMIN_TOKEN"] = token
    return create_app(config)


@pytest.fixture()
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app for the tests that write nothing (refused writes, reads)."""
    tmp = tmp_path_factory.mktemp("shared")
    return make_app(tmp).test_client(), tmp


@pytest.fixture(scope="module")
def schema():
    return schemathesis.openapi.from_dict(spec(), config=SchemathesisConfig())


def answers(client, question=QUESTION, **params):
    response = client.get("/api/ask", query_string={"q": question, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["answers"]


# -- the auth matrix -----------------------------------------------------------------------------


WRITES = [("PUT", "/api/documents/storm", {"data": ARTICLE}), ("DELETE", "/api/documents/mill", {})]


@pytest.mark.parametrize("method, path, kwargs", WRITES)
@pytest.mark.parametrize("header", [None, f"Bearer {TOKEN}", "Bearer wrong"])
def test_without_a_configured_token_every_write_is_refused(tmp_path, method, path, kwargs, header):
    client = make_app(tmp_path, token=None).test_client()
    headers = {"Authorization": header} if header else {}
    assert_error(client.open(path, method=method, headers=headers, **kwargs), 403, "writes_disabled")
    assert (tmp_path / "corpus" / "mill.txt").exists() and not (tmp_path / "corpus" / "storm.txt").exists()


@pytest.mark.parametrize("method, path, kwargs", WRITES)
@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Bearer wrong", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN,
     f"Token {TOKEN}", "Bearer \u00e9\u00e9\u00e9", f"Bearer\t{TOKEN}x"],
)
def test_a_missing_or_wrong_token_is_a_401_with_a_bearer_challenge(shared, method, path, kwargs, header):
    client, tmp_path = shared
    headers = {"Authorization": header} if header is not None else {}
    response = client.open(path, method=method, headers=headers, **kwargs)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (tmp_path / "corpus" / "mill.txt").exists() and not (tmp_path / "corpus" / "storm.txt").exists()


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_right_token_writes(client, scheme):
    headers = {"Authorization": f"{scheme} {TOKEN}"}
    assert client.put("/api/documents/storm", data=ARTICLE, headers=headers).status_code == 201
    assert client.put("/api/documents/storm", data=ARTICLE, headers=headers).status_code == 200
    response = client.delete("/api/documents/storm", headers=headers)
    assert response.status_code == 204 and response.get_data() == b""


@pytest.mark.parametrize("path", ["/api/documents", "/api/documents/mill", "/documents", "/documents/mill", "/api/health",
                                  "/api/ask?q=When+did+the+mill+stop", "/", "/openapi.json"])
def test_reads_need_no_token(tmp_path, path):
    for token in (None, TOKEN):
        response = make_app(tmp_path / str(token), token=token).test_client().get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])


# -- writes --------------------------------------------------------------------------------------


def test_a_document_put_is_searchable_when_the_answer_comes(client, app, tmp_path, schema):
    assert answers(client) == []
    response = client.put("/api/documents/storm", data=ARTICLE.encode(), headers=AUTH, content_type="text/plain; charset=utf-8")
    assert response.status_code == 201
    assert response.get_json() == {"id": "storm", "sentences": 3, "replaced": False}
    assert response.headers["Location"] == "/api/documents/storm"
    schema["/api/documents/{doc_id}"]["PUT"].validate_response(response)
    found = answers(client)
    assert found and found[0]["text"] == "$3 million" and found[0]["sentence"]["doc"] == "storm"
    assert (tmp_path / "corpus" / "storm.txt").read_text(encoding="utf-8") == ARTICLE  # no metadata: the text as is
    health = client.get("/api/health").get_json()
    assert health == {"status": "ok", "documents": 2, "sentences": 4}


def test_curl_style_bodies_without_a_content_type_are_text(client):
    """curl --data-binary sends application/x-www-form-urlencoded unless told otherwise: the body is still the text."""
    response = client.put("/api/documents/storm", data=ARTICLE, headers=AUTH, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201
    response = client.put("/api/documents/calm", data="The sea was calm.", headers=AUTH, content_type="")
    assert response.status_code == 201


def test_a_replacement_changes_only_that_document_and_answers_follow(client):
    client.put("/api/documents/storm", data=ARTICLE, headers=AUTH)
    changed = ARTICLE.replace("$3 million", "$8 million")
    response = client.put("/api/documents/storm", data=changed, headers=AUTH)
    assert response.status_code == 200 and response.get_json() == {"id": "storm", "sentences": 3, "replaced": True}
    assert [a["text"] for a in answers(client)][:1] == ["$8 million"]
    body = client.get("/api/documents/storm").get_json()
    assert body["text"] == changed
    assert client.get("/api/documents").get_json() == [{"id": "mill", "sentences": 1}, {"id": "storm", "sentences": 3}]


def test_a_json_body_carries_metadata_that_reads_back(client, tmp_path, schema):
    body = {"text": ARTICLE, "title": " Storm in Elmford ", "date": "2024-05-01", "source": "https://example.com/storm"}
    response = client.put("/api/documents/storm", json=body, headers=AUTH)
    assert response.status_code == 201
    document = client.get("/api/documents/storm")
    schema["/api/documents/{doc_id}"]["GET"].validate_response(document)
    got = document.get_json()
    assert (got["title"], got["date"], got["source"], got["text"]) == ("Storm in Elmford", "2024-05-01", "https://example.com/storm", ARTICLE)
    assert [s["index"] for s in got["sentences"]] == [0, 1, 2]
    assert got["sentences"][2]["text"] == "The repairs will cost $3 million, according to the city council."
    raw = (tmp_path / "corpus" / "storm.txt").read_text(encoding="utf-8")
    assert raw.startswith("---\ntitle: Storm in Elmford\ndate: 2024-05-01\nsource: https://example.com/storm\n---\n")


def test_without_metadata_the_title_is_a_headline_first_line_and_the_date_null(client):
    client.put("/api/documents/storm", data=ARTICLE, headers=AUTH)
    got = client.get("/api/documents/storm").get_json()
    assert (got["title"], got["date"], got["source"]) == ("Storm closes the port of Elmford", None, None)
    assert client.get("/api/documents/mill").get_json()["title"] is None  # a first line that is a sentence


def test_a_text_starting_with_a_fence_reads_back_unchanged(client):
    text = "---\ntitle: not metadata\n---\nThe mill burned in 2001."
    assert client.put("/api/documents/fence", data=text, headers=AUTH).status_code == 201
    got = client.get("/api/documents/fence").get_json()
    assert got["text"] == text and got["title"] is None


def test_a_delete_removes_the_file_and_the_sentences(client, tmp_path, schema):
    client.put("/api/documents/storm", data=ARTICLE, headers=AUTH)
    response = client.delete("/api/documents/storm", headers=AUTH)
    assert response.status_code == 204
    schema["/api/documents/{doc_id}"]["DELETE"].validate_response(response)
    assert not (tmp_path / "corpus" / "storm.txt").exists()
    assert answers(client) == []
    assert_error(client.get("/api/documents/storm"), 404, "unknown_doc")
    assert_error(client.get("/api/ask", query_string={"q": QUESTION, "doc": "storm"}), 404, "unknown_doc")
    response = client.delete("/api/documents/storm", headers=AUTH)
    assert_error(response, 404, "unknown_doc")
    schema["/api/documents/{doc_id}"]["DELETE"].validate_response(response)


def test_a_write_leaves_no_staged_file_behind(client, tmp_path):
    client.put("/api/documents/storm", data=ARTICLE, headers=AUTH)
    client.delete("/api/documents/storm", headers=AUTH)
    assert list((tmp_path / "corpus" / ".incoming").iterdir()) == []


# -- reads and paging ----------------------------------------------------------------------------


def test_documents_are_paged(client, schema):
    for n in range(7):
        client.put(f"/api/documents/doc-{n}", data=f"Report {n}. It rained {n} days.", headers=AUTH)
    everything = client.get("/api/documents")
    assert everything.headers["X-Total-Count"] == "8"
    ids = [d["id"] for d in everything.get_json()]
    assert ids == sorted(ids) and len(ids) == 8
    page = client.get("/api/documents", query_string={"offset": "2", "limit": "3"})
    schema["/api/documents"]["GET"].validate_response(page)
    assert [d["id"] for d in page.get_json()] == ids[2:5] and page.headers["X-Total-Count"] == "8"
    assert client.get("/api/documents", query_string={"offset": "8"}).get_json() == []
    assert [d["id"] for d in client.get("/api/documents?offset=007&limit=10").get_json()] == ids[7:]


@pytest.mark.parametrize("name, value", [("offset", "-1"), ("offset", "abc"), ("offset", "1.5"), ("offset", ""), ("offset", "\uff11"),
                                         ("offset", "1" * 10), ("limit", "0"), ("limit", "10001"), ("limit", "-3"), ("limit", "1e3"),
                                         ("limit", " 3"), ("limit", "\u0663")])
def test_bad_paging_parameters_are_a_400(shared, name, value):
    client = shared[0]
    assert_error(client.get("/api/documents", query_string={name: value}), 400, f"invalid_{name}")
    if name == "offset":
        assert_error(client.get("/documents", query_string={name: value}), 400, "invalid_offset")


@pytest.mark.parametrize("doc_id", ["nowhere", "../corpus/mill", "mill.txt", "MILL", "a/b/c", "%00", "<script>"])
def test_an_unknown_document_is_a_404_in_the_api_and_the_page(shared, doc_id):
    client = shared[0]
    assert_error(client.get(f"/api/documents/{doc_id}"), 404, "unknown_doc")
    assert_error(client.get(f"/documents/{doc_id}"), 404, "unknown_doc")


# -- hostile documents ---------------------------------------------------------------------------


def put(client, doc_id="hostile", **kwargs):
    return client.put(f"/api/documents/{doc_id}", headers=AUTH, **kwargs)


@pytest.mark.parametrize(
    "data, code",
    [
        (bytes(range(256)), "invalid_text"),  # binary bytes
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "invalid_text"),
        (b"A line\x00with a NUL.", "invalid_text"),
        (b"caf\xe9 au lait", "invalid_text"),  # Latin-1
        (b"\xc0\xaf overlong", "invalid_text"),
        (b"\xed\xa0\x80 a surrogate", "invalid_text"),
        (b"\x1b[31mred\x1b[0m", "invalid_text"),  # ANSI escapes
        (b"", "empty_text"),
        (b"   \n\t\r\n  ", "empty_text"),
        ("\u3000\u2003\n".encode(), "empty_text"),
    ],
)
def test_hostile_plain_bodies_are_a_400_and_write_nothing(shared, data, code):
    client, tmp_path = shared
    assert_error(put(client, data=data, content_type="text/plain"), 400, code)
    assert not (tmp_path / "corpus" / "hostile.txt").exists()


@pytest.mark.parametrize(
    "body, code",
    [
        ({"text": 5}, "invalid_text"),
        ({"text": ["a"]}, "invalid_text"),
        ({"text": None}, "invalid_text"),
        ({"text": {"$ne": ""}}, "invalid_text"),
        ({"text": "a\u0000b"}, "invalid_text"),
        ({"text": "lone \ud800 surrogate"}, "invalid_text"),
        ({"text": " "}, "empty_text"),
        ({"title": "x"}, "missing_text"),
        ({"text": "Fine text.", "title": 7}, "invalid_title"),
        ({"text": "Fine text.", "title": "two\nlines"}, "invalid_title"),
        ({"text": "Fine text.", "title": "x" * 301}, "invalid_title"),
        ({"text": "Fine text.", "title": "  "}, "invalid_title"),
        ({"text": "Fine text.", "date": "2024-13-01"}, "invalid_date"),
        ({"text": "Fine text.", "date": "01/05/2024"}, "invalid_date"),
        ({"text": "Fine text.", "date": 20240501}, "invalid_date"),
        ({"text": "Fine text.", "source": ["x"]}, "invalid_source"),
        ([1, 2], "invalid_body"),
        ("text", "invalid_body"),
    ],
)
def test_json_bodies_with_wrong_types_or_values_are_a_400(shared, body, code):
    client, tmp_path = shared
    assert_error(put(client, json=body), 400, code)
    assert not (tmp_path / "corpus" / "hostile.txt").exists()


@pytest.mark.parametrize("data", [b"{", b'{"text": "a",}', b"\xff\xfe{", b"[" * 20_000 + b"]" * 20_000, b'{"text": 1' + b"0" * 5000 + b"}"])
def test_broken_json_is_a_400(shared, data):
    client = shared[0]
    assert_error(put(client, data=data, content_type="application/json"), 400, "invalid_json")


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x", "text/html", "text/plain; charset=latin-1",
                                          "application/octet-stream"])
def test_other_media_types_are_a_415(shared, content_type):
    client = shared[0]
    assert_error(put(client, data=b"Some text.", content_type=content_type), 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "doc_id",
    ["../x", "..%2Fx", "a%2Fb", "CON", "Upper", "caf\u00e9", "\u6771\u4eac", "x" * 101, ".hidden", "-x", "a b", "a%00b", "a\\b"],
)
def test_bad_ids_are_a_400_and_no_path_leaves_the_corpus(shared, doc_id):
    client, tmp_path = shared
    assert_error(client.put(f"/api/documents/{doc_id}", data="Some text.", headers=AUTH), 400, "invalid_doc_id")
    assert_error(client.delete(f"/api/documents/{doc_id}", headers=AUTH), 400, "invalid_doc_id")
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir() if p.name != ".incoming") == ["mill.txt"]
    assert not (tmp_path / "x.txt").exists()


def test_an_id_of_100_characters_is_fine(client):
    assert put(client, "x" * 100, data="Some text.").status_code == 201


LONG_SENTENCE = b"The council met again " + b"and again " * 95 + b"and the vote was close. "  # about 1 kB


def one_line(size: int) -> bytes:
    """A single line of prose (long sentences, no line break) of exactly `size` bytes."""
    line = (LONG_SENTENCE * (size // len(LONG_SENTENCE) + 1))[: size - 1]
    return line + b"."


def test_a_2_mb_single_line_is_accepted_and_one_byte_more_is_a_413(client):
    at_limit = one_line(MAX_DOCUMENT_BYTES)
    assert len(at_limit) == MAX_DOCUMENT_BYTES and b"\n" not in at_limit
    response = put(client, "long", data=at_limit, content_type="text/plain")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["sentences"] > 1_500
    assert_error(put(client, "longer", data=at_limit + b"x", content_type="text/plain"), 413, "payload_too_large")
    over_json = json.dumps({"text": at_limit.decode()})
    assert_error(put(client, "longer", data=over_json, content_type="application/json"), 413, "payload_too_large")


def test_50000_one_word_sentences_are_indexed(client):
    text = "Yes. " * 50_000
    response = put(client, "yes", data=text)
    assert response.status_code == 201 and response.get_json()["sentences"] == 50_000
    assert client.get("/api/documents/yes").get_json()["sentences"][49_999] == {"index": 49_999, "text": "Yes."}


def test_markup_in_a_document_is_text_everywhere(client):
    text = 'The <script>alert("x")</script> & <img src=x onerror=alert(1)> were quoted in court.'
    put(client, "markup", json={"text": text, "title": "<b>bold</b> & more"})
    raw = client.get("/api/documents/markup").get_data()
    assert b"<" not in raw and b">" not in raw and b"&" not in raw
    assert client.get("/api/documents/markup").get_json()["text"] == text
    page = client.get("/documents/markup").get_data(as_text=True)
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    listing = client.get("/documents").get_data(as_text=True)
    assert "<b>bold</b>" not in listing and "&lt;b&gt;bold&lt;/b&gt;" in listing


# -- the pages -----------------------------------------------------------------------------------


def test_the_documents_page_lists_id_title_date_and_sentences(client):
    put(client, "storm", json={"text": ARTICLE, "date": "2024-05-01"})
    page = client.get("/documents").get_data(as_text=True)
    assert '<a href="/documents/storm">storm</a>' in page
    assert "Storm closes the port of Elmford" in page and "2024-05-01" in page
    assert '<td class="count">3</td>' in page and '<a href="/documents/mill">mill</a>' in page


def test_the_documents_page_is_paged(client):
    from qa.form import PAGE_SIZE

    for n in range(PAGE_SIZE + 5):
        put(client, f"n{n:03d}", data=f"Note {n}.")
    first = client.get("/documents").get_data(as_text=True)
    assert first.count('<td class="count">') == PAGE_SIZE and 'rel="next" href="/documents?offset=50"' in first
    second = client.get("/documents?offset=50").get_data(as_text=True)
    assert second.count('<td class="count">') == 6 and 'rel="prev" href="/documents?offset=0"' in second
    assert 'rel="next"' not in second


def test_the_article_page_numbers_sentences_with_anchors(client):
    put(client, "storm", data=ARTICLE)
    page = client.get("/documents/storm").get_data(as_text=True)
    for index in range(3):
        assert f'<span class="sentence" id="s{index}"><a class="number" href="#s{index}">{index}</a>' in page
    assert "The repairs will cost $3 million, according to the city council." in page


def test_every_answer_in_the_form_links_to_its_sentence(client):
    put(client, "storm", data=ARTICLE)
    page = client.get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert '<a class="source" href="/documents/storm#s2">storm, sentence 2</a>' in page


# -- headers and JSON on every response ----------------------------------------------------------

SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("GET", "/", {}, 200),
        ("GET", "/?q=When+did+the+mill+stop", {}, 200),
        ("GET", "/documents", {}, 200),
        ("GET", "/documents/mill", {}, 200),
        ("GET", "/static/style.css", {}, 200),
        ("GET", "/api/ask?q=x", {}, 200),
        ("GET", "/api/ask", {}, 400),
        ("GET", "/nowhere", {}, 404),
        ("POST", "/api/health", {}, 405),
        ("POST", "/api/ask", {"data": b"x" * 70_000, "content_type": "application/json"}, 413),
        ("PUT", "/api/documents/x", {}, 401),
        ("GET", "/openapi.json", {}, 200),
    ],
)
def test_every_response_carries_the_security_headers(shared, method, path, kwargs, status):
    client = shared[0]
    response = client.open(path, method=method, **kwargs)
    response.close()  # a static file is streamed from an open file
    assert response.status_code == status
    for name, value in SECURITY.items():
        assert response.headers[name] == value


def test_an_unexpected_error_carries_them_too(client, app, monkeypatch):
    monkeypatch.setattr(app.extensions["qa"], "ask", lambda *a, **k: 1 / 0)
    response = client.get("/api/ask?q=x")
    assert_error(response, 500, "internal_error")
    assert all(response.headers[name] == value for name, value in SECURITY.items())


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "a & b", "</title><svg onload=x>", "x \u2028 y"])
def test_json_never_carries_markup_characters(shared, question):
    client = shared[0]
    response = client.post("/api/ask", json={"question": question})
    raw = response.get_data()
    assert b"<" not in raw and b">" not in raw and b"&" not in raw
    assert b"\\u003c" in raw or "<" not in question
    assert response.get_json()["question"] == question
    error = client.get("/api/ask", query_string={"q": "x", "doc": question})
    assert b"<" not in error.get_data() and error.get_json()["error"]["code"] == "unknown_doc"


@pytest.mark.parametrize("path", ["/", "/?q=When+did+the+mill+stop", "/documents", "/documents/mill"])
def test_pages_have_no_inline_script_or_style(shared, path):
    client = shared[0]
    page = client.get(path).get_data(as_text=True).lower()
    assert "<script" not in page and "<style" not in page and " style=" not in page and " on" + "load=" not in page
    assert '<link rel="stylesheet" href="/static/style.css">' in page
