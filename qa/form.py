"""The web pages: ask a question and see answers highlighted in their sentences; list the documents; read one."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from qa.api import MAX_QUESTION_CHARS, ask, load_document, page_of_documents, pipeline, validate_count
from qa.corpus import display_title
from qa.errors import ApiError
from qa.forms import marked, value_text

bp = Blueprint("form", __name__)
MAX_EXAMPLES = 8
PAGE_SIZE = 50  # documents listed on one page

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


bp.add_app_template_global(marked)
bp.add_app_template_global(value_text)


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


@bp.get("/documents")
def documents():
    """List the documents of the index (id, title, date, sentences), a page at a time."""
    offset = validate_count(request.args.get("offset"), "offset", 0, 0, 10**9 - 1)
    page, total = page_of_documents(offset, PAGE_SIZE)
    rows = []
    with pipeline().service.snapshot().store.view() as view:
        for doc_id, count in page:
            document = view.document(doc_id)
            info = document.info if document is not None else None
            rows.append(
                {
                    "id": doc_id,
                    "title": display_title(info.title, info.text) if info else None,
                    "date": info.date if info else None,
                    "sentences": count,
                }
            )
    return render_template(
        "documents.html",
        rows=rows,
        total=total,
        offset=offset,
        previous=max(0, offset - PAGE_SIZE) if offset > 0 else None,
        next=offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
    )


@bp.get("/documents/<path:doc_id>")
def article(doc_id: str):
    """Show a document: its metadata and its numbered sentences, each with an anchor (#s<index>)."""
    document, sentences = load_document(doc_id)
    info = document.info
    paragraphs = [list(group) for _, group in itertools.groupby(sentences, key=lambda s: s.paragraph)]
    return render_template(
        "article.html",
        doc_id=doc_id,
        title=display_title(info.title, info.text),
        date=info.date,
        source=info.source,
        sentences=sentences,
        paragraphs=paragraphs,
    )
