"""Answer the SQuAD development questions with the pipeline and score them.

Usage (from the repository root):

    python bench/squad.py --data ../shared/data/squad/dev-v1.1.json [--articles N]
        [--predictions OUT.json] [--v2] [--json] [--misses N] [--jobs N] [--workdir DIR]
        [--baseline] [--limit N] [--quiet]

The articles are written to a temporary corpus (one document per article,
paragraphs joined by a line break), the index is built through the normal
code path (`Pipeline(corpus, index).service.ensure()`, timed), and every
question is asked restricted to its own article
(`pipeline.ask(question, top_k=1, doc=article)`).

Scores follow the official SQuAD rule (`qa.evaluation`: normalise, exact
match, token F1, maximum over the gold answers). sentence@1: the top
answer's sentence holds the start of a gold answer (abstaining is a miss).
With --v2, an unanswerable question is right (EM = F1 = 1) only when the
service abstains; an answerable one scores as usual (abstaining scores 0).
Without --v2, unanswerable questions of a v2 file are skipped.

Questions are grouped by their first wh-phrase (what, who (whom, whose),
when, where, which, how many, how much, why, how, other) and by the coarse
and fine answer type the question analysis predicted.

--baseline also ranks each article's sentences by a bare BM25 search (an OR
of the question's analysed terms, same index and searcher) and prints its
sentence@1/@3 next to ours, to tell retrieval misses from ranking misses.
The table "abstain below score" shows what a higher abstention threshold
would score (diagnostic only: it is tuned on the data it is shown on).

--predictions writes {question_id: answer_text} ("" when abstaining), the
format of the official evaluation script. --misses N prints N sample
failures per question word. --jobs N answers with N processes (latency is
then measured under that load). --workdir keeps the corpus and index there
(an up-to-date index is reused, and the build time is then ~0). The index
built at the start serves the whole run: edits to rules/ during the run do
not trigger the service's automatic rebuild.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.squad_corpus import (  # noqa: E402
    DocumentSentences,
    SquadQuestion,
    load_squad,
    percentile,
    sentence_hit,
    write_corpus,
)
from qa.calibration import kind_of  # noqa: E402
from qa.evaluation import best, exact_match, f1  # noqa: E402

QUESTION_WORDS = ("what", "who", "when", "where", "which", "how many", "how much", "why", "how", "other")
WH = re.compile(r"\b(how many|how much|what|which|whom|whose|who|when|where|why|how)\b")
WH_ALIASES = {"whom": "who", "whose": "who"}

ANCHORS_V1 = [
    ("sliding window (paragraph given)", "F1", 20.2),
    ("logistic regression (paragraph given)", "F1", 51.0),
    ("logistic regression (paragraph given)", "EM", 40.0),
    ("BM25 sentence ranking, whole article", "sentence@1", 68.2),
]
ANCHORS_V2 = [("answer nothing (v2.0 half)", "F1", 52.1), ("answer nothing (v2.0 half)", "EM", 52.1)]


def question_word(question: str) -> str:
    """Return the first wh-phrase of a question (lower-cased), or 'other'.

    >>> question_word("In what year did Tesla die?")
    'what'
    >>> question_word("How many people live in Warsaw?")
    'how many'
    """
    match = WH.search(question.lower())
    if not match:
        return "other"
    return WH_ALIASES.get(match.group(1), match.group(1))


# --- answering ---------------------------------------------------------------

_PIPELINE = None
_SENTENCES = None
_BASELINE = False
_STRICT = False
_ANALYZER = None


def _init_worker(corpus_dir: str, index_dir: str, baseline: bool = False, strict: bool = False) -> None:
    global _PIPELINE, _SENTENCES, _BASELINE, _ANALYZER, _STRICT
    from qa.pipeline import Pipeline
    from qa.whoosh_store import analyzer

    # The index built at the start serves the whole run: the service would rebuild it when
    # rules/ change, which would mix rule versions and rebuild times into one run.
    _PIPELINE = Pipeline(corpus_dir, index_dir, refresh_interval=None)
    _BASELINE, _ANALYZER, _STRICT = baseline, analyzer(_PIPELINE.service.rules().lexicon), strict
    _SENTENCES = DocumentSentences(corpus_dir)


def answer_one(question: SquadQuestion) -> dict:
    """Ask one question of its own article and score the top answer."""
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        result = _PIPELINE.ask(question.question, top_k=1, doc=question.doc_id, strict=_STRICT)
    except Exception as exc:  # one failing question must not end a long run: count it
        return _error_record(question, exc)
    latency = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu_started) * 1000
    top = result.answers[0] if result.answers else None
    predicted = top.text if top else ""
    golds = question.answers
    analysis = result.question
    return {
        "id": question.id,
        "question": question.question,
        "doc": question.doc_id,
        "gold": golds,
        "impossible": question.is_impossible,
        "predicted": predicted,
        "abstained": top is None,
        "score": round(top.score, 4) if top else None,
        "raw": top.scores.get("raw") if top else None,
        "kind": kind_of(analysis.answer_type, top.scores.get("frame", 0) > 0, result.scope) if top else None,
        "em": best(exact_match, predicted, golds),
        "f1": best(f1, predicted, golds),
        "sentence": (
            None if question.is_impossible
            else float(top is not None and sentence_hit(_SENTENCES, question, top.doc, top.sentence_index))
        ),
        "wh": question_word(question.question),
        "coarse": analysis.answer_type.split(":", 1)[0],
        "fine": analysis.answer_type,
        "rule": f"{analysis.rule} / {top.rule if top else '-'}",
        "answer_type": top.type if top else "-",
        "answer_sentence": top.sentence if top else "",
        "latency_ms": latency,
        "cpu_ms": cpu,
        "timings": dict(result.timings),
    } | _bm25_hits(question)


def _where(frames) -> str:
    """Name the innermost frame and the innermost frame of the project's own code."""
    ours = [f for f in frames if "/qa/" in f.filename.replace("\\", "/")]
    shown = [frames[-1]] + ([ours[-1]] if ours and ours[-1] is not frames[-1] else [])
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} ({f.name})" for f in shown)


def bm25_sentences(question: SquadQuestion, limit: int = 3) -> list[int]:
    """The baseline: sentence indexes of a bare BM25 search (OR of the question's
    analysed terms, the pipeline's own index and searcher) within the article."""
    from whoosh import query as Q

    terms = list(dict.fromkeys(t.text for t in _ANALYZER(question.question)))
    if not terms:
        return []
    query = Q.And([Q.Term("doc", question.doc_id), Q.Or([Q.Term("body", t) for t in terms])])
    with _PIPELINE.service.snapshot().store.searcher() as searcher:
        return [hit["index"] for hit in searcher.search(query, limit=limit)]


def _bm25_hits(question: SquadQuestion) -> dict:
    if not _BASELINE or question.is_impossible:
        return {}
    found = bm25_sentences(question)
    hits = [sentence_hit(_SENTENCES, question, question.doc_id, i) for i in found]
    return {"bm25_at1": float(any(hits[:1])), "bm25_at3": float(any(hits[:3]))}


def _error_record(question: SquadQuestion, exc: Exception) -> dict:
    """A question the pipeline failed on: scored as an abstention, reported as an error."""
    import traceback

    golds = question.answers
    return {
        "id": question.id, "question": question.question, "doc": question.doc_id, "gold": golds,
        "impossible": question.is_impossible, "predicted": "", "abstained": True, "score": None,
        "em": best(exact_match, "", golds), "f1": best(f1, "", golds),
        "sentence": None if question.is_impossible else 0.0,
        "wh": question_word(question.question), "coarse": "ERROR", "fine": "ERROR",
        "rule": "error", "answer_type": "-", "answer_sentence": "",
        "latency_ms": float("nan"), "cpu_ms": float("nan"), "timings": {},
        "error": "".join(traceback.format_exception_only(type(exc), exc)).strip()
        + " at " + _where(traceback.extract_tb(exc.__traceback__)),
    }


def _answer_chunk(chunk: list[SquadQuestion]) -> list[dict]:
    return [answer_one(q) for q in chunk]


def answer_all(questions, corpus_dir, index_dir, jobs: int, progress, baseline: bool = False, strict: bool = False) -> list[dict]:
    """Answer every question, in this process or in `jobs` forked processes."""
    if jobs <= 1:
        _init_worker(str(corpus_dir), str(index_dir), baseline, strict)
        records = []
        for n, question in enumerate(questions, start=1):
            records.append(answer_one(question))
            if progress and (n % 500 == 0 or n == len(questions)):
                progress(n, len(questions))
        return records
    import multiprocessing

    chunks = [questions[i:i + 50] for i in range(0, len(questions), 50)]
    records = []
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(str(corpus_dir), str(index_dir), baseline, strict)) as pool:
        for part in pool.imap(_answer_chunk, chunks):
            records.extend(part)
            if progress and (len(records) % 500 < 50 or len(records) == len(questions)):
                progress(len(records), len(questions))
    return records


# --- scoring -----------------------------------------------------------------


def stats(records: list[dict]) -> dict:
    """Return n, EM, F1 (percent), sentence@1 and abstention rate of a group."""
    n = len(records)
    if not n:
        return {"n": 0, "em": None, "f1": None, "sentence": None, "abstain": None}
    hits = [r["sentence"] for r in records if r["sentence"] is not None]
    return {
        "n": n,
        "em": round(100 * sum(r["em"] for r in records) / n, 2),
        "f1": round(100 * sum(r["f1"] for r in records) / n, 2),
        "sentence": round(100 * sum(hits) / len(hits), 2) if hits else None,
        "abstain": round(100 * sum(r["abstained"] for r in records) / n, 2),
    }


def grouped(records: list[dict], key: str, order=None) -> dict:
    groups = collections.defaultdict(list)
    for r in records:
        groups[r[key]].append(r)
    names = [k for k in order if k in groups] if order else sorted(groups, key=lambda k: (-len(groups[k]), k))
    return {name: stats(groups[name]) for name in names}


def failure_kind(record: dict) -> str:
    """Classify a miss: abstained, wrong sentence, right sentence but wrong span."""
    if record["impossible"]:
        return "answered an unanswerable question"
    if record["abstained"]:
        return "abstained"
    if not record["sentence"]:
        return "wrong sentence"
    if record["f1"] == 0:
        return "right sentence, no overlap"
    return "right sentence, partial overlap"


def failures(records: list[dict]) -> dict:
    kinds = collections.Counter(failure_kind(r) for r in records if r["em"] < 1)
    return {kind: {"n": n, "share": round(100 * n / len(records), 2)} for kind, n in kinds.most_common()}


def latency_stats(records: list[dict]) -> dict:
    records = [r for r in records if "error" not in r]
    values = [r["latency_ms"] for r in records]
    out = {
        "ask_ms": {
            "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
            "mean": round(sum(values) / len(values), 2) if values else None,
            "max": round(max(values), 2) if values else None,
        }
    }
    cpu = [r["cpu_ms"] for r in records]
    out["ask_cpu_ms"] = {
        "p50": round(percentile(cpu, 50), 2),
        "p95": round(percentile(cpu, 95), 2),
        "p99": round(percentile(cpu, 99), 2),
        "mean": round(sum(cpu) / len(cpu), 2) if cpu else None,
        "max": round(max(cpu), 2) if cpu else None,
    }
    stages = sorted({k for r in records for k in r["timings"]})
    for stage in stages:
        vals = [r["timings"][stage] for r in records if stage in r["timings"]]
        out[stage] = {
            "p50": round(percentile(vals, 50), 2),
            "p95": round(percentile(vals, 95), 2),
            "p99": round(percentile(vals, 99), 2),
            "mean": round(sum(vals) / len(vals), 2),
            "max": round(max(vals), 2),
        }
    return out


THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def threshold_sweep(records: list[dict]) -> dict:
    """Scores had the service also abstained below each answer-score threshold.

    Abstaining scores 1 on an unanswerable question and 0 on an answerable one
    (the SQuAD 2.0 rule). Also the best threshold over the observed scores,
    like the official v2 script's best_f1_thresh.
    """

    def at(threshold: float) -> dict:
        em = f1_sum = 0.0
        answered = 0
        for r in records:
            if r["score"] is not None and r["score"] >= threshold:
                em += r["em"]
                f1_sum += r["f1"]
                answered += 1
            else:
                em += float(r["impossible"])
                f1_sum += float(r["impossible"])
        n = max(1, len(records))
        return {"threshold": threshold, "em": round(100 * em / n, 2), "f1": round(100 * f1_sum / n, 2),
                "answered": round(100 * answered / n, 2)}

    rows = [at(t) for t in THRESHOLDS]
    # Best threshold: walk the observed scores from high to low.
    base_f1 = sum(float(r["impossible"]) for r in records)
    best_f1, best_t, current = base_f1, float("inf"), base_f1
    for r in sorted((r for r in records if r["score"] is not None), key=lambda r: -r["score"]):
        current += r["f1"] - float(r["impossible"])
        if current > best_f1:
            best_f1, best_t = current, r["score"]
    return {"rows": rows, "best_threshold": best_t if best_t != float("inf") else None,
            "best_f1": round(100 * best_f1 / max(1, len(records)), 2)}


def summarize(records: list[dict], v2: bool) -> dict:
    summary = {"overall": stats(records)}
    if v2:
        summary["has_answer"] = stats([r for r in records if not r["impossible"]])
        summary["no_answer"] = stats([r for r in records if r["impossible"]])
    answerable = [r for r in records if not r["impossible"]]
    summary["question_words"] = grouped(records, "wh", QUESTION_WORDS)
    summary["coarse_types"] = grouped(records, "coarse")
    summary["fine_types"] = grouped(records, "fine")
    summary["failures"] = failures(records)
    summary["answer_rules"] = _rule_table(answerable)
    summary["latency"] = latency_stats(records)
    summary["thresholds"] = threshold_sweep(records)
    if any("bm25_at1" in r for r in records):
        summary["bm25_baseline"] = _baseline_table(records)
    errors = collections.Counter(r["error"] for r in records if "error" in r)
    summary["errors"] = {"n": sum(errors.values()), "kinds": [{"error": e, "n": n} for e, n in errors.most_common(5)]}
    return summary


def _baseline_table(records: list[dict]) -> dict:
    """Sentence@1 of the pipeline next to bare BM25's @1 and @3, per question word."""
    groups = collections.defaultdict(list)
    for r in records:
        if "bm25_at1" in r:
            groups["all"].append(r)
            groups[r["wh"]].append(r)
    table = {}
    for name in ("all", *QUESTION_WORDS):
        g = groups.get(name)
        if g:
            answered = [r for r in g if not r["abstained"]]
            table[name] = {
                "n": len(g),
                "pipeline_at1": round(100 * sum(r["sentence"] for r in g) / len(g), 2),
                "pipeline_at1_answered": round(100 * sum(r["sentence"] for r in answered) / len(answered), 2) if answered else None,
                "bm25_at1": round(100 * sum(r["bm25_at1"] for r in g) / len(g), 2),
                "bm25_at3": round(100 * sum(r["bm25_at3"] for r in g) / len(g), 2),
            }
    return table


def _rule_table(records: list[dict]) -> dict:
    """EM/F1 per extraction rule of the top answer (the rule after ' / ')."""
    groups = collections.defaultdict(list)
    for r in records:
        groups[r["rule"].rsplit(" / ", 1)[-1]].append(r)
    top = sorted(groups, key=lambda k: -len(groups[k]))[:15]
    return {name: stats(groups[name]) for name in top}


# --- printing ----------------------------------------------------------------


def _fmt(value, width=8, digits=1):
    if value is None:
        return f"{'-':>{width}}"
    return f"{value:>{width}.{digits}f}"


def print_table(title: str, rows: dict, total: int | None = None) -> None:
    print(f"\n{title:<28}{'n':>7}{'share':>8}{'EM':>8}{'F1':>8}{'sent@1':>8}{'abstain':>9}")
    for name, s in rows.items():
        share = 100 * s["n"] / total if total else None
        print(
            f"{name:<28}{s['n']:>7}{_fmt(share)}{_fmt(s['em'])}{_fmt(s['f1'])}"
            f"{_fmt(s['sentence'])}{_fmt(s['abstain'], 9)}"
        )


def print_report(report: dict, misses: list[dict] | None) -> None:
    s = report["summary"]
    run = report["run"]
    print(
        f"SQuAD {run['version']} {run['data']}: {run['articles']} articles, {run['questions']} questions"
        f"{' (v2 scoring)' if run['v2'] else ''}"
        + (f", {run['skipped_unanswerable']} unanswerable skipped" if run["skipped_unanswerable"] else "")
    )
    b = report["index"]
    print(
        f"index build: {b['seconds']:.1f}s for {b['documents']} documents, {b['sentences']} sentences "
        f"({b['sentences_per_second']:.0f} sentences/s){' (reused)' if b.get('reused') else ''}"
    )
    rows = {"overall": s["overall"]}
    if "has_answer" in s:
        rows["has answer"] = s["has_answer"]
        rows["no answer"] = s["no_answer"]
    print_table("scores (%)", rows)

    print(f"\n{'published anchor':<44}{'metric':>12}{'theirs':>8}{'ours':>8}")
    ours = {"F1": s["overall"]["f1"], "EM": s["overall"]["em"], "sentence@1": s["overall"]["sentence"]}
    for name, metric, value in report["anchors"]:
        print(f"{name:<44}{metric:>12}{value:>8.1f}{_fmt(ours[metric])}")

    total = s["overall"]["n"]
    print_table("question word", s["question_words"], total)
    print_table("answer type (coarse)", s["coarse_types"], total)
    print_table("answer type (fine)", s["fine_types"], total)
    print_table("top answer's rule (answerable)", s["answer_rules"], total)

    if "bm25_baseline" in s:
        print(f"\n{'sentence@k (%)':<16}{'n':>7}{'ours@1':>9}{'ours@1 answered':>17}{'bm25@1':>9}{'bm25@3':>9}")
        for name, b in s["bm25_baseline"].items():
            print(f"{name:<16}{b['n']:>7}{_fmt(b['pipeline_at1'], 9)}{_fmt(b['pipeline_at1_answered'], 17)}"
                  f"{_fmt(b['bm25_at1'], 9)}{_fmt(b['bm25_at3'], 9)}")
        print("(bm25: a bare OR of the question's analysed terms over the article's sentences, same index and searcher)")

    print(f"\n{'misses (EM < 1)':<40}{'n':>7}{'% of all':>10}")
    for kind, f in s["failures"].items():
        print(f"{kind:<40}{f['n']:>7}{f['share']:>10.1f}")

    if s["errors"]["n"]:
        print(f"\nERRORS: the pipeline raised on {s['errors']['n']} questions (scored as abstentions):")
        for kind in s["errors"]["kinds"]:
            print(f"  {kind['n']:>6}  {kind['error']}")
    sweep = s["thresholds"]
    print(f"\n{'abstain below score':<24}{'EM':>8}{'F1':>8}{'answered':>10}")
    for row in sweep["rows"]:
        print(f"{row['threshold']:<24.2f}{row['em']:>8.1f}{row['f1']:>8.1f}{row['answered']:>10.1f}")
    if sweep["best_threshold"] is not None:
        print(f"best threshold {sweep['best_threshold']:.3f}: F1 {sweep['best_f1']:.1f} (tuned on this data: a diagnostic, not a result)")
    else:
        print(f"best: abstain on everything, F1 {sweep['best_f1']:.1f} (no threshold beats it)")

    lat = s["latency"]
    print(f"\n{'latency (ms)':<20}{'p50':>8}{'p95':>8}{'p99':>8}{'mean':>8}{'max':>9}")
    for stage, v in lat.items():
        print(f"{stage:<20}{v['p50']:>8.2f}{v['p95']:>8.2f}{v['p99']:>8.2f}{v['mean']:>8.2f}{v['max']:>9.1f}")
    print(
        f"\nanswering: {run['answer_seconds']:.1f}s with {run['jobs']} process(es); "
        f"total run {run['total_seconds']:.1f}s wall, {run['cpu_seconds']:.0f}s CPU; "
        f"load average {' '.join(map(str, run['load_average']))} on {run['cpus']} cpus"
    )
    if misses:
        by_word = collections.defaultdict(list)
        for r in misses:
            by_word[r["wh"]].append(r)
        for word in QUESTION_WORDS:
            if not by_word.get(word):
                continue
            print(f"\n== misses: {word}")
            for r in by_word[word]:
                gold = " | ".join(dict.fromkeys(r["gold"])) or "(unanswerable)"
                print(f"- {r['question']}")
                print(f"    gold: {gold}")
                print(f"    got:  {r['predicted'] or '(no answer)'}   [{r['fine']}; {r['rule']}; {failure_kind(r)}]")
                if r["answer_sentence"]:
                    print(f"    from: {r['answer_sentence'][:200]}")


def sample_misses(records: list[dict], per_word: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    by_word = collections.defaultdict(list)
    for r in records:
        if r["em"] < 1:
            by_word[r["wh"]].append(r)
    chosen = []
    for word in QUESTION_WORDS:
        group = by_word.get(word, [])
        chosen.extend(rng.sample(group, min(per_word, len(group))))
    return chosen


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _progress_build(done: int, total: int) -> None:
    if done == total or done % max(1, total // 10) == 0:
        print(f"  indexed {done}/{total} documents", file=sys.stderr, flush=True)


def _progress_answer(done: int, total: int) -> None:
    print(f"  answered {done}/{total}", file=sys.stderr, flush=True)


def run(args, workdir: Path) -> dict:
    total_started = time.perf_counter()
    data = json.loads(Path(args.data).read_text(encoding="utf-8"))
    version = str(data.get("version", "?"))
    articles = load_squad(data)
    if args.articles:
        articles = articles[: args.articles]
    corpus_dir, index_dir = workdir / "corpus", workdir / "index"
    questions = write_corpus(articles, corpus_dir)
    skipped = 0
    if not args.v2:
        skipped = sum(q.is_impossible for q in questions)
        questions = [q for q in questions if not q.is_impossible]
        if skipped:
            print(f"note: {skipped} unanswerable questions skipped (use --v2 to score them)", file=sys.stderr)
    if args.limit:
        questions = questions[: args.limit]

    from qa.index import read_manifest
    from qa.pipeline import Pipeline

    reused = read_manifest(index_dir) is not None
    pipeline = Pipeline(corpus_dir, index_dir, refresh_interval=None)
    started = time.perf_counter()
    manifest = pipeline.service.ensure(progress=_progress_build if not args.quiet else None)
    build_seconds = time.perf_counter() - started
    reused = reused and build_seconds < 1.0
    del pipeline

    started = time.perf_counter()
    records = answer_all(questions, corpus_dir, index_dir, args.jobs, None if args.quiet else _progress_answer, args.baseline, args.strict)
    answer_seconds = time.perf_counter() - started

    report = {
        "run": {
            "data": str(args.data),
            "version": version,
            "v2": bool(args.v2),
            "articles": len(articles),
            "questions": len(records),
            "skipped_unanswerable": skipped,
            "jobs": args.jobs,
            "strict": bool(args.strict),
            "cpus": os.cpu_count(),
            "answer_seconds": round(answer_seconds, 2),
            "cpu_seconds": round(_cpu_seconds(), 1),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "total_seconds": round(time.perf_counter() - total_started, 2),
        },
        "index": {
            "seconds": round(build_seconds, 2),
            "documents": len(manifest.documents),
            "sentences": manifest.sentences,
            "sentences_per_second": round(manifest.sentences / build_seconds, 1) if build_seconds else 0.0,
            "reused": reused,
        },
        "anchors": ANCHORS_V2 if args.v2 else ANCHORS_V1,
        "summary": summarize(records, args.v2),
    }
    if args.predictions:
        predictions = {r["id"]: r["predicted"] for r in records}
        Path(args.predictions).write_text(json.dumps(predictions, ensure_ascii=False, indent=1), encoding="utf-8")
    report["_records"] = records
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="SQuAD json (v1.1 or v2.0)")
    parser.add_argument("--articles", type=int, default=0, help="only the first N articles")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (after --articles)")
    parser.add_argument("--predictions", help="write {question_id: answer_text} to this file")
    parser.add_argument("--v2", action="store_true", help="score unanswerable questions (SQuAD 2.0)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="print N sample failures per question word")
    parser.add_argument("--jobs", type=int, default=1, help="answer with N processes (default 1)")
    parser.add_argument("--workdir", help="keep the corpus and index in this directory (default: a temporary one)")
    parser.add_argument("--baseline", action="store_true",
                        help="also rank the article's sentences by bare BM25 (same index) and report its sentence@1/@3")
    parser.add_argument("--strict", action="store_true",
                        help="answer only from sentences that hold every keyword of the question (the API's strict)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if not Path(args.data).is_file():
        parser.error(f"no such file: {args.data}")

    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        report = run(args, workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="qa-squad-") as tmp:
            report = run(args, Path(tmp))
    records = report.pop("_records")
    misses = sample_misses(records, args.misses) if args.misses else []
    if args.json:
        if misses:
            report["misses"] = [
                {k: r[k] for k in ("question", "gold", "predicted", "wh", "fine", "rule", "answer_sentence")}
                | {"kind": failure_kind(r)}
                for r in misses
            ]
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_report(report, misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
