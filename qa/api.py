"""The JSON API blueprint: /api/ask, /api/health, /api/documents (read them; write them with the admin token)."""

from __future__ import annotations

import hmac
import json
import re

from flask import Blueprint, current_app, jsonify, request, url_for

from qa.corpus import MAX_DOCUMENT_BYTES, display_title
from qa.errors import ApiError
from qa.pipeline import Pipeline, Result, UnknownDocument

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_QUESTION_CHARS = 500
MAX_TOP_K = 10
DEFAULT_TOP_K = 3
TOP_K_STRING = re.compile(r"0*(?:[1-9]|10)")  # top_k as a string: "3", "03", "10"
MAX_PAGE = 10_000  # documents listed by one request at most
COUNT_STRING = re.compile(r"[0-9]{1,9}")  # offset and limit in a query: ASCII digits, below a billion
# Bodies taken as the article's text: text/plain, and what curl sends for --data-binary without a type.
TEXT_TYPES = {"text/plain", "application/x-www-form-urlencoded", ""}
TEXT_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


def pipeline() -> Pipeline:
    """Return the application's pipeline."""
    return current_app.extensions["qa"]


def validate_question(value) -> str:
    """Return a usable question or raise a 400 naming the problem."""
    if value is None:
        raise ApiError(400, "missing_question", "'question' is required")
    if not isinstance(value, str):
        raise ApiError(400, "invalid_question", "'question' must be a string")
    if not value.strip():
        raise ApiError(400, "empty_question", "'question' must not be empty")
    if len(value) > MAX_QUESTION_CHARS:
        raise ApiError(400, "question_too_long", f"'question' must be at most {MAX_QUESTION_CHARS} characters")
    return value


def validate_top_k(value) -> int:
    """Return top_k as an int in 1..10 or raise a 400; a string of ASCII digits naming one ("3") counts."""
    if value is None:
        return DEFAULT_TOP_K
    # Not str.isdigit(): it takes "²", which int() refuses (a 500), and int() refuses over 4,300 digits.
    if isinstance(value, str) and TOP_K_STRING.fullmatch(value):
        value = int(value.lstrip("0"))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TOP_K:
        raise ApiError(400, "invalid_top_k", f"'top_k' must be an integer from 1 to {MAX_TOP_K}")
    return value


STRICT_STRINGS = {"true": True, "1": True, "false": False, "0": False}  # strict as a query parameter


def validate_strict(value) -> bool:
    """Return strict as a bool (JSON true/false, or "true"/"false"/"1"/"0" in a query) or raise a 400."""
    if value is None:
        return False
    if isinstance(value, str) and value in STRICT_STRINGS:
        return STRICT_STRINGS[value]
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_strict", "'strict' must be true or false")
    return value


MIN_SCORE_STRING = re.compile(r"[0-9.eE+-]{1,32}")  # min_score as a query parameter: a decimal number


def validate_min_score(value) -> float:
    """Return min_score as a float in [0, 1] (a JSON number, or a decimal string in a query) or raise a 400."""
    if value is None:
        return 0.0
    if isinstance(value, str) and MIN_SCORE_STRING.fullmatch(value):
        try:
            value = float(value)
        except ValueError:
            pass  # "1e", "--": not a number, refused below
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ApiError(400, "invalid_min_score", "'min_score' must be a number from 0 to 1")
    return float(value)


def validate_doc(value) -> str | None:
    """Return the document filter or raise a 400 if it is not a string."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ApiError(400, "invalid_doc", "'doc' must be a non-empty string")
    return value


def ask(question: str, top_k: int, doc: str | None, strict: bool = False, min_score: float = 0.0) -> Result:
    """Run the pipeline, turning an unknown document into a 404."""
    try:
        return pipeline().ask(question, top_k=top_k, doc=doc, strict=strict, min_score=min_score)
    except UnknownDocument:
        raise ApiError(404, "unknown_doc", f"no document with id {doc!r}") from None


def result_json(result: Result) -> dict:
    """Return the API's JSON body for a pipeline result."""
    q = result.question
    return {
        "question": q.text,
        "analysis": {
            "answer_type": q.answer_type,
            "rule": q.rule,
            "keywords": list(q.keywords),
            "focus": q.focus,
            "target": q.target,
            "entities": list(q.entities),
        },
        "answers": [
            {
                "text": a.text,
                "type": a.type,
                "score": a.score,
                "rule": a.rule,
                "sentence": {"doc": a.doc, "index": a.sentence_index, "text": a.sentence},
                "span": list(a.span),
                "canonical": a.canonical,
                "scores": a.scores,
                "sentences": a.sentences,
                "items": [{"text": a.sentence[s:e], "span": [s, e]} for s, e in a.items] or None,
                "mention": a.mention,
                "value": a.value,
                "value_rule": a.value_rule,
            }
            for a in result.answers
        ],
    }


@bp.route("/ask", methods=["GET", "POST"])
def ask_endpoint():
    """Answer a question given as JSON (POST) or query parameters (GET)."""
    if request.method != "POST":  # GET, and HEAD (which Flask routes here too)
        args = request.args
        question = validate_question(args.get("q", args.get("question")))
        top_k = validate_top_k(args.get("top_k"))
        doc = validate_doc(args.get("doc"))
        strict = validate_strict(args.get("strict"))
        min_score = validate_min_score(args.get("min_score"))
    else:
        if not request.is_json:
            raise ApiError(415, "unsupported_media_type", "the body must be JSON (Content-Type: application/json)")
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # "[[[[...]]]]" nested deeper than the parser goes: not a 500
            body = None
        if body is None:
            raise ApiError(400, "invalid_json", "the body is not valid JSON")
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_body", "the body must be a JSON object")
        question = validate_question(body.get("question"))
        top_k = validate_top_k(body.get("top_k"))
        doc = validate_doc(body.get("doc"))
        strict = validate_strict(body.get("strict"))
        min_score = validate_min_score(body.get("min_score"))
    return jsonify(result_json(ask(question, top_k, doc, strict, min_score)))


@bp.get("/health")
def health():
    """Report that the service answers, with the size of its index (live)."""
    with pipeline().service.snapshot().store.view() as view:
        return jsonify({"status": "ok", "documents": len(view.documents()), "sentences": view.sentence_count()})


def validate_count(value, name: str, default: int | None, low: int, high: int) -> int | None:
    """Return a paging parameter given as a query string (ASCII digits in low..high), or raise a 400."""
    if value is None:
        return default
    if not COUNT_STRING.fullmatch(value) or not low <= int(value) <= high:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be an integer from {low} to {high}")
    return int(value)


def page_of_documents(offset: int, limit: int | None) -> tuple[list[tuple[str, int]], int]:
    """Return (the page of (document id, sentences) sorted by id, how many documents there are)."""
    with pipeline().service.snapshot().store.view() as view:
        documents = list(view.documents().items())
    end = None if limit is None else offset + limit
    return documents[offset:end], len(documents)


@bp.get("/documents")
def documents():
    """List the indexed documents with their sentence counts, sorted by id; ?offset=&limit= page it."""
    offset = validate_count(request.args.get("offset"), "offset", 0, 0, 10**9 - 1)
    limit = validate_count(request.args.get("limit"), "limit", None, 1, MAX_PAGE)
    page, total = page_of_documents(offset, limit)
    response = jsonify([{"id": doc, "sentences": n} for doc, n in page])
    response.headers["X-Total-Count"] = str(total)
    return response


def load_document(doc_id: str):
    """Return a document and its sentences, read from one snapshot; 404 unknown_doc when there is none."""
    with pipeline().service.snapshot().store.view() as view:
        document = view.document(doc_id)
        sentences = view.sentences(doc_id) if document is not None else []
    if document is None:
        raise ApiError(404, "unknown_doc", f"no document with id {doc_id!r}")
    return document, sentences


def document_json(doc_id: str) -> dict:
    """Return the API's body of one document: metadata, text and numbered sentences, from one snapshot."""
    document, sentences = load_document(doc_id)
    info = document.info
    return {
        "id": doc_id,
        "title": display_title(info.title, info.text),
        "date": info.date,
        "source": info.source,
        "text": info.text,
        "sentences": [{"index": s.index, "text": s.text} for s in sentences],
    }


@bp.get("/documents/<path:doc_id>")  # a path: an id holding "/" is an unknown document, not an unknown route
def get_document(doc_id: str):
    """Return one document: its metadata, its text and its sentences as indexed."""
    return jsonify(document_json(doc_id))


def require_admin() -> None:
    """Let a write through only with the admin token (Authorization: Bearer), compared in constant time."""
    token = current_app.config.get("ADMIN_TOKEN")
    if not token:
        raise ApiError(403, "writes_disabled", "writes are disabled: the server has no admin token (QA_ADMIN_TOKEN)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest on bytes: a str holding non-ASCII characters would raise a TypeError (a 500).
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"), str(token).encode("utf-8")):
        raise ApiError(401, "unauthorized", "a write needs 'Authorization: Bearer <admin token>'", {"WWW-Authenticate": 'Bearer realm="qa"'})


def document_body() -> dict:
    """Return the fields of a PUT body: the raw text (text/plain), or a JSON object's text and metadata."""
    request.max_content_length = MAX_DOCUMENT_BYTES  # documents may be larger than questions
    mimetype = request.mimetype
    if mimetype in TEXT_TYPES:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in TEXT_CHARSETS:
            raise ApiError(415, "unsupported_media_type", "a plain-text document must be UTF-8 (charset=utf-8)")
        return {"text": request.get_data(cache=False)}
    if mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "the body must be text/plain; charset=utf-8 or application/json")
    data = request.get_data(cache=False)
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested deeper than the parser goes
        raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "the body must be a JSON object")
    if "text" not in body:
        raise ApiError(400, "missing_text", "'text' is required")
    return {key: body.get(key) for key in ("text", "title", "date", "source")}


@bp.put("/documents/<path:doc_id>")  # "../x" reaches the id check (400), not the router (404)
def put_document(doc_id: str):
    """Store a document (create or replace) and index it; answer once it is durable and searchable."""
    require_admin()
    written = pipeline().service.put(doc_id, **document_body())
    response = jsonify({"id": written.id, "sentences": written.sentences, "replaced": written.replaced})
    response.status_code = 200 if written.replaced else 201
    if not written.replaced:
        response.headers["Location"] = url_for("api.get_document", doc_id=written.id)
    return response


@bp.delete("/documents/<path:doc_id>")
def delete_document(doc_id: str):
    """Remove a document from the corpus and the index."""
    require_admin()
    if not pipeline().service.delete(doc_id):
        raise ApiError(404, "unknown_doc", f"no document with id {doc_id!r}")
    return "", 204
