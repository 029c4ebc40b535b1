"""The service's OpenAPI 3.0 description, served at GET /openapi.json.

The document is the contract the tests hold the service to (tests/test_openapi.py,
tests/test_schema_fuzz.py): every endpoint, its parameters and body, the full
schema of its 200 answer and the one error shape of every 4xx.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from qa.api import DEFAULT_TOP_K, MAX_PAGE, MAX_QUESTION_CHARS, MAX_TOP_K, STRICT_STRINGS
from qa.corpus import DOC_ID, MAX_DOCUMENT_BYTES, MAX_SOURCE_CHARS, MAX_TITLE_CHARS

bp = Blueprint("openapi", __name__)

OPENAPI_VERSION = "3.0.3"

# The characters Python's str.strip() removes (str.isspace()), spelled out so the
# pattern means the same in ECMA-262 (JSON Schema), Python and Rust regexes.
_SPACE = "\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
# A question holds at least one character that is not white space.
QUESTION_PATTERN = f"[^{_SPACE}]"
# top_k given as a string: ASCII decimal digits naming 1..10 ("3", "03", "10").
TOP_K_STRING_PATTERN = "^0*(?:[1-9]|10)$"
# What qa.corpus.NOT_TEXT refuses in a document: C0 controls but \t \n \v \f \r, and DEL.
_BINARY = "\\u0000-\\u0008\\u000e-\\u001f\\u007f"
# A document's text: no binary character, and at least one that is not white space.
TEXT_PATTERN = f"^[^{_BINARY}]*[^{_BINARY}{_SPACE}][^{_BINARY}]*$"
# Where str.splitlines() breaks a line: a title or source is one line.
_BREAKS = "\\n\\u000b\\f\\r\\u001c-\\u001e\\u0085\\u2028\\u2029"
LINE_PATTERN = f"^[^{_BINARY}{_BREAKS}]*[^{_BINARY}{_BREAKS}{_SPACE}][^{_BINARY}{_BREAKS}]*$"
DOC_ID_PATTERN = f"^{DOC_ID.pattern}$"
BEARER = [{"bearerAuth": []}]

ERROR_CODES = {
    400: "missing_question, empty_question, invalid_question, question_too_long, invalid_top_k, invalid_doc, "
    "invalid_strict, invalid_min_score, invalid_json, invalid_body",
    404: "not_found (unknown path), unknown_doc (unknown 'doc')",
    405: "method_not_allowed",
    413: "payload_too_large (a body over 64 kB)",
    415: "unsupported_media_type (a POST body that is not application/json)",
    500: "internal_error (never expected: a bug, logged by the server)",
}
DOCUMENT_ERRORS = {
    400: "invalid_doc_id, invalid_text (not UTF-8, binary or control characters, not a string), empty_text, "
    "missing_text, invalid_title, invalid_date, invalid_source, invalid_json, invalid_body",
    401: "unauthorized (no or a wrong bearer token; with WWW-Authenticate: Bearer)",
    403: "writes_disabled (the server has no admin token)",
    404: "unknown_doc (no such document)",
    413: f"payload_too_large (a body over {MAX_DOCUMENT_BYTES} bytes)",
    415: "unsupported_media_type (neither text/plain; charset=utf-8 nor application/json)",
    503: "busy (another write holds the index: retry after Retry-After seconds; a document already stored is "
    "indexed by then), index_unavailable",
    500: "internal_error (never expected: a bug, logged by the server)",
}


def _error(status: int, what: str) -> dict:
    return {
        "description": f"{what}. Codes: {ERROR_CODES[status]}.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ask_responses(*statuses: int) -> dict:
    what = {
        400: "A bad request: the message names the field and the problem",
        404: "No document has the id given as 'doc'",
        413: "The body is larger than 64 kB",
        415: "The body is not JSON",
        500: "The server failed (a bug)",
    }
    responses = {
        "200": {
            "description": "The analysis of the question and its answers, best first; no answers means the "
            "service abstains.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AskResult"}}},
        }
    }
    responses.update({str(s): _error(s, what[s]) for s in statuses})
    return responses


def _doc_error(status: int, what: str, headers: dict | None = None) -> dict:
    response = {
        "description": f"{what}. Codes: {DOCUMENT_ERRORS[status]}.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "Bearer", "required": True, "schema": {"type": "string"}}}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "required": True, "schema": {"type": "string"}}}


def _write_errors(*statuses: int) -> dict:
    what = {
        400: "A bad id, text, metadata or body",
        401: "No or a wrong admin token",
        403: "Writes are disabled on this server",
        404: "No such document (or path)",
        413: f"The body is larger than {MAX_DOCUMENT_BYTES} bytes",
        415: "The body is neither plain UTF-8 text nor JSON",
        503: "The index is busy or unavailable",
        500: "The server failed (a bug)",
    }
    headers = {401: _WWW_AUTHENTICATE, 503: _RETRY_AFTER}
    return {str(s): _doc_error(s, what[s], headers.get(s)) for s in statuses}


def path_param(name: str, schema: dict, description: str) -> dict:
    """Return a path parameter object."""
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    """Return a query parameter object."""
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _string(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


def spec() -> dict:
    """Return the OpenAPI document of the service."""
    question = {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_QUESTION_CHARS,
        "pattern": QUESTION_PATTERN,
        "description": f"The question in plain English: 1 to {MAX_QUESTION_CHARS} characters, not only white space.",
        "example": "How much did the city spend on the new bridge?",
    }
    top_k_int = {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K}
    doc = {"type": "string", "minLength": 1, "description": "Only answer from this document (its id)."}
    min_score = {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "description": "Only answers scored at least this (default 0): a score is how often answers so scored are right.",
    }
    strict = {
        "type": "boolean",
        "description": "Answer only from a sentence that holds every keyword of the question, or a variant of it "
        "(default false: half of the question's weighted keywords).",
    }
    schemas = {
        "Error": {
            "type": "object",
            "description": "The one shape of every error the service returns.",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "code": _string("A stable machine-readable code, e.g. 'empty_question'.", pattern="^[a-z_]+$"),
                        "message": _string("What was wrong, for a person.", minLength=1),
                    },
                }
            },
        },
        "AskRequest": {
            "type": "object",
            "required": ["question"],
            "properties": {
                "question": question,
                "top_k": {
                    "description": f"How many answers at most (default {DEFAULT_TOP_K}): an integer from 1 to "
                    f"{MAX_TOP_K}, or a string of decimal digits naming one.",
                    "nullable": True,
                    "oneOf": [top_k_int, {"type": "string", "pattern": TOP_K_STRING_PATTERN}],
                },
                "doc": {**doc, "nullable": True},
                "strict": {
                    "description": strict["description"] + " JSON true or false, or one of the strings true, false, 1, 0.",
                    "nullable": True,
                    "oneOf": [{"type": "boolean"}, {"type": "string", "enum": sorted(STRICT_STRINGS)}],
                },
                "min_score": {**min_score, "nullable": True},
            },
        },
        "Analysis": {
            "type": "object",
            "description": "What the question asks for.",
            "required": ["answer_type", "rule", "keywords", "focus", "target", "entities"],
            "additionalProperties": False,
            "properties": {
                "answer_type": _string(
                    "Expected answer type, a UIUC class like 'NUM:money'.",
                    pattern="^(?:ABBR|DESC|ENTY|HUM|LOC|NUM):[a-z]+$",
                ),
                "rule": _string("The question rule that decided the type ('no-rule' when none matched).", minLength=1),
                "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "focus": _string("The word naming what is asked for ('country' in 'which country').", nullable=True),
                "target": _string("What the question is about ('Jane Smith' in 'Who is Jane Smith?').", nullable=True),
                "entities": {"type": "array", "items": {"type": "string"}, "description": "Places named in it."},
            },
        },
        "Sentence": {
            "type": "object",
            "required": ["doc", "index", "text"],
            "additionalProperties": False,
            "properties": {
                "doc": _string("The document id.", minLength=1),
                "index": {"type": "integer", "minimum": 0, "description": "The sentence's position in the document."},
                "text": _string("The sentence.", minLength=1),
            },
        },
        "Answer": {
            "type": "object",
            "description": "One answer: sentence.text[span[0]:span[1]] == text, except for a yes/no answer "
            "(type YESNO, text 'yes' or 'no'), whose span marks the clause that supports it, and for an answer "
            "the sentence gives as a pronoun or description ('he'), whose span holds that mention.",
            "required": ["text", "type", "score", "rule", "sentence", "span", "canonical", "scores", "sentences", "items", "mention", "value", "value_rule"],
            "additionalProperties": False,
            "properties": {
                "text": _string("The answer, exactly as the sentence has it.", minLength=1),
                "type": _string("The label of the span (MONEY, PERSON, DATE, ...).", minLength=1),
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "rule": _string("The extraction rule that found the span.", minLength=1),
                "sentence": {"$ref": "#/components/schemas/Sentence"},
                "span": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                    "description": "[start, end) character offsets of the answer in sentence.text.",
                },
                "canonical": _string(
                    "The fullest form of a person's name in the document, when the sentence has a shorter one.",
                    nullable=True,
                ),
                "scores": {
                    "type": "object",
                    "description": "Each stage's score: coverage, retrieval, type, proximity, confidence, total.",
                    "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "sentences": {"type": "integer", "minimum": 1, "description": "Sentences that gave this answer."},
                "items": {
                    "type": "array",
                    "nullable": True,
                    "minItems": 2,
                    "description": "A list answer's conjuncts ('A, B and C'), each a span of the same sentence; null otherwise.",
                    "items": {
                        "type": "object",
                        "required": ["text", "span"],
                        "additionalProperties": False,
                        "properties": {
                            "text": _string("The conjunct, exactly as the sentence has it.", minLength=1),
                            "span": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
                        },
                    },
                },
                "mention": _string(
                    "The pronoun or description at the span ('he', 'the company') when the text is what it stands for.",
                    nullable=True,
                ),
                "value": {
                    "allOf": [{"$ref": "#/components/schemas/Value"}],
                    "nullable": True,
                    "description": "The normalised value of a quantity or date answer; null for other answers.",
                },
                "value_rule": _string("The rule of rules/values.toml that read the value.", nullable=True),
            },
        },
        "Value": {
            "type": "object",
            "description": "A value a program can use (docs/values.md): money {kind, amount, currency}, "
            "percent {kind, amount}, number {kind, amount}, date {kind, iso?}, duration {kind, iso}, "
            "age {kind, amount}, quantity {kind, amount, unit}, multiple {kind, amount}.",
            "required": ["kind"],
            "additionalProperties": False,
            "properties": {
                "kind": {"type": "string", "enum": ["money", "percent", "multiple", "number", "date", "duration", "age", "quantity"]},
                "amount": {"type": "number", "description": "The number (money in units of its currency, percent in points)."},
                "currency": _string("ISO 4217 code.", pattern="^[A-Z]{3}$"),
                "unit": _string("An SI or common symbol (km, kg, km/h, \u00b0C).", minLength=1),
                "iso": _string("ISO 8601 at the grain the text gives: 2019, 2022-02, 2022-02-24, 2022-W07, 199X, T21:00; P4Y, PT3.5H.", minLength=1),
                "approximate": {"type": "boolean", "description": "The text hedges it (about, roughly, nearly)."},
                "bound": {"type": "string", "enum": ["lower", "upper"], "description": "More than (lower) or up to (upper)."},
                "qualifier": _string("A part of the date: early, mid, late, H1, Q3, a season; the zone of a clock time.", minLength=1),
                "points": {"type": "boolean", "description": "Percentage points rather than a percentage."},
                "ordinal": {"type": "boolean", "description": "An ordinal (third) read as its number."},
            },
        },
        "AskResult": {
            "type": "object",
            "required": ["question", "analysis", "answers"],
            "additionalProperties": False,
            "properties": {
                "question": _string("The question as asked."),
                "analysis": {"$ref": "#/components/schemas/Analysis"},
                "answers": {"type": "array", "items": {"$ref": "#/components/schemas/Answer"}, "maxItems": MAX_TOP_K},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "documents", "sentences"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "documents": {"type": "integer", "minimum": 0},
                "sentences": {"type": "integer", "minimum": 0},
            },
        },
        "Document": {
            "type": "object",
            "required": ["id", "sentences"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string", "minLength": 1}, "sentences": {"type": "integer", "minimum": 0}},
        },
        "DocumentDetail": {
            "type": "object",
            "description": "A document as indexed: its metadata, its text and its sentences (from one snapshot).",
            "required": ["id", "title", "date", "source", "text", "sentences"],
            "additionalProperties": False,
            "properties": {
                "id": _string("The document id.", minLength=1),
                "title": _string("The title; without one, the first line when it looks like a headline.", nullable=True),
                "date": _string("The date given with the document.", format="date", nullable=True),
                "source": _string("Where the document comes from.", nullable=True),
                "text": _string("The text as uploaded (front matter excluded)."),
                "sentences": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["index", "text"],
                        "additionalProperties": False,
                        "properties": {
                            "index": {"type": "integer", "minimum": 0, "description": "Its anchor: /documents/{id}#s{index}."},
                            "text": _string("The sentence.", minLength=1),
                        },
                    },
                },
            },
        },
        "DocumentRequest": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": _string(
                    f"The article: UTF-8 text, at most {MAX_DOCUMENT_BYTES} bytes, no control characters but "
                    "tab and line breaks, not only white space.",
                    pattern=TEXT_PATTERN,
                ),
                "title": _string(f"The title: one line of at most {MAX_TITLE_CHARS} characters.", maxLength=MAX_TITLE_CHARS,
                                 pattern=LINE_PATTERN, nullable=True),
                "date": _string("The date, YYYY-MM-DD.", format="date", pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$", nullable=True),
                "source": _string(f"Where it comes from (a URL, a publisher): one line of at most {MAX_SOURCE_CHARS} characters.",
                                  maxLength=MAX_SOURCE_CHARS, pattern=LINE_PATTERN, nullable=True),
            },
        },
        "WriteResult": {
            "type": "object",
            "required": ["id", "sentences", "replaced"],
            "additionalProperties": False,
            "properties": {
                "id": _string("The document id.", pattern=DOC_ID_PATTERN),
                "sentences": {"type": "integer", "minimum": 0, "description": "Sentences of the version written."},
                "replaced": {"type": "boolean", "description": "Whether a document with this id was replaced."},
            },
        },
    }
    doc_id_read = path_param("doc_id", {"type": "string", "minLength": 1}, "The document id.")
    doc_id_write = path_param(
        "doc_id",
        {"type": "string", "pattern": DOC_ID_PATTERN},
        "The document id: 1 to 100 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit.",
    )
    offset = query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9 - 1}, "How many documents to skip (default 0).")
    html = {"text/html": {"schema": {"type": "string"}}}
    paths = {
        "/api/ask": {
            "get": {
                "operationId": "askGet",
                "summary": "Answer a question given as query parameters",
                "parameters": [
                    query("q", question, "The question ('question' is accepted as another name for it).", True),
                    query("top_k", top_k_int, f"How many answers at most (default {DEFAULT_TOP_K})."),
                    query("doc", doc, "Only answer from this document (its id)."),
                    query("strict", strict, "true or false (also 1 or 0): " + strict["description"]),
                    query("min_score", min_score, min_score["description"]),
                ],
                "responses": _ask_responses(400, 404, 500),
            },
            "post": {
                "operationId": "askPost",
                "summary": "Answer a question given as a JSON body",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AskRequest"}}},
                },
                "responses": _ask_responses(400, 404, 413, 415, 500),
            },
        },
        "/api/health": {
            "get": {
                "operationId": "health",
                "summary": "Tell that the service answers, with the size of its index",
                "responses": {
                    "200": {
                        "description": "The service is up.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}},
                    },
                    "500": _error(500, "The server failed (a bug)"),
                },
            }
        },
        "/api/documents": {
            "get": {
                "operationId": "documents",
                "summary": "List the indexed documents with their sentence counts, a page at a time",
                "parameters": [
                    offset,
                    query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "How many documents at most (default: all)."),
                ],
                "responses": {
                    "200": {
                        "description": "The documents, sorted by id.",
                        "headers": {
                            "X-Total-Count": {
                                "description": "How many documents the index holds.",
                                "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9]+$"},
                            }
                        },
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}
                            }
                        },
                    },
                    "400": {
                        "description": "A bad paging parameter. Codes: invalid_offset, invalid_limit.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "500": _error(500, "The server failed (a bug)"),
                },
            }
        },
        "/api/documents/{doc_id}": {
            "get": {
                "operationId": "getDocument",
                "summary": "Return one document: its metadata, text and numbered sentences",
                "parameters": [doc_id_read],
                "responses": {
                    "200": {
                        "description": "The document.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocumentDetail"}}},
                    },
                    **_write_errors(404, 500),
                },
            },
            "put": {
                "operationId": "putDocument",
                "summary": "Store a document (create or replace) and index it; answers once it is durable and searchable",
                "security": BEARER,
                "parameters": [doc_id_write],
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/plain": {
                            "schema": {
                                "type": "string",
                                "pattern": TEXT_PATTERN,
                                "description": f"The article as UTF-8 text (charset utf-8), at most {MAX_DOCUMENT_BYTES} bytes.",
                            }
                        },
                        "application/json": {"schema": {"$ref": "#/components/schemas/DocumentRequest"}},
                    },
                },
                "responses": {
                    "200": {
                        "description": "A document with this id was replaced.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WriteResult"}}},
                    },
                    "201": {
                        "description": "The document was created.",
                        "headers": {
                            "Location": {"description": "The document's URL.", "required": True, "schema": {"type": "string"}}
                        },
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WriteResult"}}},
                    },
                    **_write_errors(400, 401, 403, 404, 413, 415, 503, 500),
                },
            },
            "delete": {
                "operationId": "deleteDocument",
                "summary": "Remove a document from the corpus and the index",
                "security": BEARER,
                "parameters": [doc_id_write],
                "responses": {
                    "204": {"description": "The document was removed."},
                    **_write_errors(400, 401, 403, 404, 503, 500),
                },
            },
        },
        "/documents": {
            "get": {
                "operationId": "documentsPage",
                "summary": "The documents page: id, title, date and sentence count, a page at a time",
                "parameters": [offset],
                "responses": {
                    "200": {"description": "An HTML page.", "content": html},
                    "400": {
                        "description": "A bad offset. Codes: invalid_offset.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "500": _error(500, "The server failed (a bug)"),
                },
            }
        },
        "/documents/{doc_id}": {
            "get": {
                "operationId": "articlePage",
                "summary": "The article page: a document's numbered sentences, each with an anchor #s{index}",
                "parameters": [doc_id_read],
                "responses": {
                    "200": {"description": "An HTML page.", "content": html},
                    **_write_errors(404, 500),
                },
            }
        },
        "/": {
            "get": {
                "operationId": "form",
                "summary": "The web form; with q, the answers highlighted in their sentences",
                "parameters": [
                    query("q", {"type": "string"}, "The question; an empty or missing one shows the bare form."),
                ],
                "responses": {
                    "200": {
                        "description": "An HTML page (a question that is too long is reported on the page).",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    "500": _error(500, "The server failed (a bug)"),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {"description": "The OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}}
                },
            }
        },
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "qa",
            "version": "0.1.0",
            "description": "Rule-based question answering over news articles, with no language model. "
            "Every error has the body {\"error\": {\"code\": str, \"message\": str}}: 400 for a bad request, "
            "404 for an unknown path or document, 405 for a wrong method (with an Allow header), 413 for a "
            "body over 64 kB (2 MB for a document), 415 for a body of another type. Writes (PUT and DELETE of "
            "/api/documents/{doc_id}) need 'Authorization: Bearer <admin token>': 401 without it or with a wrong "
            "one, 403 when the server has no token. Every response carries X-Content-Type-Options: nosniff, "
            "Content-Security-Policy: default-src 'self'; frame-ancestors 'none' and Referrer-Policy: no-referrer; "
            "JSON escapes <, > and & as \\u003c, \\u003e, \\u0026.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The admin token (ADMIN_TOKEN, or QA_ADMIN_TOKEN in the environment).",
                }
            },
            "schemas": schemas,
            "responses": {
                "NotFound": _error(404, "No such path"),
                "MethodNotAllowed": _error(405, "The path does not take this method"),
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """Serve the OpenAPI document."""
    return jsonify(spec())
