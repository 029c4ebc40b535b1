"""The web form blueprint: ask a question, see answers highlighted in their sentences."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from qa.api import MAX_QUESTION_CHARS, ask
from qa.errors import ApiError

bp = Blueprint("form", __name__)

EXAMPLES = (
    "How much additional funding did Blinken announce?",
    "Who is the president of Kazakhstan?",
    "How much did the tenge fall?",
    "Where did Blinken land?",
    "Who is Emil Joroev?",
)


@bp.get("/")
def index():
    """Render the form, and the answers when a question was asked."""
    question = request.args.get("q", "")
    result, error = None, None
    if question.strip():
        try:
            if len(question) > MAX_QUESTION_CHARS:
                raise ApiError(400, "question_too_long", f"The question must be at most {MAX_QUESTION_CHARS} characters.")
            result = ask(question, top_k=3, doc=None)
        except ApiError as exc:
            error = exc.message
    return render_template(
        "index.html",
        question=question,
        result=result,
        error=error,
        examples=EXAMPLES,
        max_chars=MAX_QUESTION_CHARS,
    )
