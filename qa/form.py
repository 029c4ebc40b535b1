"""The web form blueprint: ask a question, see answers highlighted in their sentences."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from qa.api import MAX_QUESTION_CHARS, ask
from qa.errors import ApiError

bp = Blueprint("form", __name__)
MAX_EXAMPLES = 8

EXAMPLES_FILE = "examples.questions"  # in the corpus directory: questions about its articles


def examples(corpus_dir: Path) -> tuple[str, ...]:
    """Return the corpus's example questions (its examples.questions file), read again only when it changes."""
    path = Path(corpus_dir) / EXAMPLES_FILE
    try:
        return _read_examples(path, path.stat().st_mtime_ns)
    except OSError:
        return ()


@functools.lru_cache(maxsize=8)
def _read_examples(path: Path, mtime: int) -> tuple[str, ...]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))[:MAX_EXAMPLES]


@bp.get("/")
def index():
    """Render the form, and the answers when a question was asked."""
    question = request.args.get("q", "")
    strict = request.args.get("strict") == "1"  # the checkbox: present or not, nothing else to validate
    result, error = None, None
    if question.strip():
        try:
            if len(question) > MAX_QUESTION_CHARS:
                raise ApiError(400, "question_too_long", f"The question must be at most {MAX_QUESTION_CHARS} characters.")
            result = ask(question, top_k=3, doc=None, strict=strict)
        except ApiError as exc:
            error = exc.message
    return render_template(
        "index.html",
        question=question,
        strict=strict,
        result=result,
        error=error,
        examples=examples(current_app.extensions["qa"].service.corpus_dir),
        max_chars=MAX_QUESTION_CHARS,
    )
