"""Command line: `python -m qa ask|index|eval|add|remove`."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from qa.api import result_json
from qa.config import from_environment
from qa.corpus import DocumentError
from qa.evaluation import evaluate, format_table, read_suite, summarize
from qa.forms import marked, value_text
from qa.index import IndexBusy
from qa.labels import YESNO
from qa.pipeline import Pipeline, UnknownDocument


def _progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} documents")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_ask(args, pipeline: Pipeline) -> int:
    try:
        result = pipeline.ask(args.question, top_k=args.top_k, doc=args.doc, strict=args.strict, min_score=args.min_score)
    except UnknownDocument:
        print(f"error: no document with id {args.doc!r}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result_json(result), ensure_ascii=False, indent=2))
        return 0
    q = result.question
    print(f"type {q.answer_type} (rule {q.rule}); keywords: {', '.join(q.keywords)}")
    if not result.answers:
        print("no answer found")
    for n, a in enumerate(result.answers, start=1):
        name = f"{a.canonical} (\"{a.text}\" in the sentence)" if a.canonical else a.text
        if a.mention:
            name += f" (\"{a.mention}\" in the sentence)"
        if value_text(a.value) not in ("", a.text):  # "= 20,000,000 USD" for "$20 million"; nothing for "5"
            name += f" = {value_text(a.value)}"
        if a.type == YESNO:
            name = f"{a.text}, by the clause in brackets"
        print(f"{n}. {name}   [{a.type}, score {a.score:.2f}, rule {a.rule}]")
        if a.items:
            print(f"   items: {' | '.join(a.sentence[s:e] for s, e in a.items)}")
        shown = "".join(f"[{piece}]" if mark else piece for piece, mark in marked(a.sentence, a.items or [a.span]))
        print(f"   {a.doc}#{a.sentence_index}: {shown}")
    return 0


def cmd_index(args, pipeline: Pipeline) -> int:
    started = time.perf_counter()
    manifest = pipeline.service.ensure(rebuild=args.rebuild, progress=_progress if sys.stderr.isatty() or args.progress else None)
    for skipped in manifest.skipped:
        print(f"skipped {skipped['path']}: {skipped['reason']}", file=sys.stderr)
    print(
        f"index ready: {len(manifest.documents)} documents, {manifest.sentences} sentences "
        f"({time.perf_counter() - started:.2f}s)"
    )
    return 0


def default_id(path: str) -> str:
    """Return a document id made from a file name: its stem in lower case, other characters as '-'.

    >>> default_id("/tmp/Storm Closes Port (2).txt")
    'storm-closes-port-2'
    """
    return re.sub(r"[^a-z0-9._-]+", "-", Path(path).stem.lower()).strip("-._")[:100]


def cmd_add(args, pipeline: Pipeline) -> int:
    if args.file == "-":
        data, doc_id = sys.stdin.buffer.read(), args.id
        if not doc_id:
            print("error: --id is required when the text comes from standard input", file=sys.stderr)
            return 2
    else:
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        doc_id = args.id or default_id(args.file)
    try:
        written = pipeline.service.put(doc_id, data, title=args.title, date=args.date, source=args.source)
    except DocumentError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    except IndexBusy as exc:
        print(f"error: {exc}; the file is stored and will be indexed by the next reconciliation", file=sys.stderr)
        return 3
    print(f"{'replaced' if written.replaced else 'added'} {written.id}: {written.sentences} sentences")
    return 0


def cmd_remove(args, pipeline: Pipeline) -> int:
    try:
        removed = pipeline.service.delete(args.id)
    except DocumentError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    except IndexBusy as exc:
        print(f"error: {exc}; the file is removed and the next reconciliation drops it from the index", file=sys.stderr)
        return 3
    if not removed:
        print(f"error: no document with id {args.id!r}", file=sys.stderr)
        return 2
    print(f"removed {args.id}")
    return 0


def cmd_eval(args, pipeline: Pipeline) -> int:
    summary = summarize(evaluate(pipeline, read_suite(args.file)))
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(format_table(summary))
    return 0


def main(argv=None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m qa", description="Rule-based question answering over news articles.")
    environment = from_environment()
    parser.add_argument("--corpus", default=environment.get("CORPUS_DIR", "corpus"), help="corpus directory (default: $QA_CORPUS_DIR or corpus)")
    parser.add_argument("--index", default=environment.get("INDEX_DIR", "index"), help="index directory (default: $QA_INDEX_DIR or index)")
    parser.add_argument("--rules", default=environment.get("RULES_DIR"), help="rules directory (default: $QA_RULES_DIR or the repository's rules/)")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the API's JSON")
    ask.add_argument("--top-k", type=int, default=3, choices=range(1, 11), metavar="N", help="answers to show (1-10)")
    ask.add_argument("--doc", help="only this document")
    ask.add_argument("--strict", action="store_true", help="only answer from a sentence holding every keyword of the question")
    ask.add_argument("--min-score", type=float, default=0.0, metavar="P", help="only answers scored at least P (0-1: how often answers so scored are right)")
    index = sub.add_parser("index", help="build the index if missing or stale")
    index.add_argument("--rebuild", action="store_true", help="rebuild even if up to date")
    index.add_argument("--progress", action="store_true", help="show progress even when not on a terminal")
    ev = sub.add_parser("eval", help="score a JSONL question suite")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true", help="print the summary as JSON")
    add = sub.add_parser("add", help="add or replace a document (stored in the corpus, then indexed)")
    add.add_argument("file", help="a UTF-8 text file, or - for standard input (with --id)")
    add.add_argument("--id", help="the document id (default: the file name's stem in lower case)")
    add.add_argument("--title", help="the title (default: the first line when it looks like a headline)")
    add.add_argument("--date", help="the date, YYYY-MM-DD")
    add.add_argument("--source", help="where the article comes from (a URL, a publisher)")
    remove = sub.add_parser("remove", help="remove a document from the corpus and the index")
    remove.add_argument("id")
    args = parser.parse_args(argv)
    pipeline = Pipeline(args.corpus, args.index, args.rules, refresh_interval=None)  # one command: nothing to refresh
    commands = {"ask": cmd_ask, "index": cmd_index, "eval": cmd_eval, "add": cmd_add, "remove": cmd_remove}
    return commands[args.command](args, pipeline)
