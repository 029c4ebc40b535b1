"""The JSON API blueprint: /api/ask, /api/health, /api/documents."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request

from qa.errors import ApiError
from qa.pipeline import Pipeline, Result, UnknownDocument

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_QUESTION_CHARS = 500
MAX_TOP_K = 10
DEFAULT_TOP_K = 3
TOP_K_STRING = re.compile(r"0*(?:[1-9]|10)")  # top_k as a string: "3", "03", "10"


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
    """Report that the service answers, with the size of its index."""
    manifest = pipeline().service.snapshot().manifest
    return jsonify({"status": "ok", "documents": len(manifest.documents), "sentences": manifest.sentences})


@bp.get("/documents")
def documents():
    """List the indexed documents with their sentence counts."""
    manifest = pipeline().service.snapshot().manifest
    return jsonify([{"id": doc, "sentences": n} for doc, n in sorted(manifest.documents.items())])
