"""Answer news reader questions (the news_dev format) with the pipeline and score them.

Usage (from the repository root):

    python bench/news.py --data ../shared/data/news_dev/questions.jsonl \
        --corpus ../shared/data/news_dev/corpus [--wide] [--misses] [--json] [--workdir DIR]

Each question is asked with its `doc` filter (its own article), or with
--wide across the whole corpus. Scores follow the SQuAD rule (`qa.evaluation`:
lower case, no punctuation or articles, exact match and token F1, the best
over the gold answers). A question with no gold answer is right (EM = F1 = 1)
only when the service abstains; an answerable one the service abstains on
scores 0. "sentence" is the share of answered answerable questions whose
top answer's sentence holds one of the question's evidence strings.

Tables: overall, per kind (who, who-desc, what, when, where, howmuch,
howmany, why, none) and per phrasing (close, para); "answered" is the share
of answerable questions that got an answer, "abstained" the share of
unanswerable ones the service declined. --misses prints every question
whose F1 is below 1 with what was answered, from which sentence and rule.
The corpus is indexed into a temporary directory (or --workdir) through the
normal code path; the data is read where it is and never copied.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.evaluation import best, exact_match, f1, read_suite, same_value  # noqa: E402

KINDS = ("who", "who-desc", "what", "when", "where", "howmuch", "howmany", "why", "yesno", "list", "none")
PHRASINGS = ("close", "para")


def miss_class(item: dict, result, f1_score: float) -> str | None:
    """Return why a question was missed (None when it was answered exactly, or abstained on rightly)."""
    gold, top = item.get("answers", []), (result.answers[0] if result.answers else None)
    if not gold:
        return "unanswerable question answered" if top is not None else None
    if f1_score >= 1.0:
        return None
    evidence = item.get("evidence", [])
    holding = [h for h in result.hits if any(e in h.text or h.text in e for e in evidence)]
    if top is None:
        if not holding:
            return "abstained: the answer's sentence not retrieved"
        reason = holding[0].rejected.split()[0] if holding[0].rejected else "admissible, no candidate scored enough"
        return f"abstained: the answer's sentence refused ({reason})"
    if not any(e in top.sentence or top.sentence in e for e in evidence):
        return "answered from another sentence" + (" (the answer's was refused)" if holding and holding[0].rejected else "")
    return "the answer's sentence, a partly right span" if f1_score > 0 else "the answer's sentence, another span"


def score_one(item: dict, result) -> dict:
    """Return the scores of one question's top answer against its gold answers."""
    top = result.answers[0] if result.answers else None
    predicted = top.text if top else ""
    gold = item.get("answers", [])
    forms = [predicted] + ([top.canonical] if top is not None and top.canonical else [])
    evidence = item.get("evidence", [])
    sentence = None
    if gold and top is not None:
        sentence = float(any(e in top.sentence or top.sentence in e for e in evidence))
    return {
        "doc": item.get("doc"),
        "question": item["question"],
        "kind": item.get("kind") or ("none" if not gold else "other"),
        "phrasing": item.get("phrasing", "close") if gold else "none",
        "gold": gold,
        "predicted": predicted,
        "answered": top is not None,
        "em": max(best(exact_match, p, gold) for p in forms),
        "f1": max(best(f1, p, gold) for p in forms),
        "sentence": sentence,
        "rule": f"{result.question.rule} / {top.rule if top else '-'}",
        "type": result.question.answer_type,
        "score": top.score if top else None,
        "evidence_sentence": top.sentence if top else "",
        "value_right": float(same_value(top.value if top else None, item["value"])) if "value" in item else None,
        "miss": miss_class(item, result, max(best(f1, p, gold) for p in forms)),
    }


def stats(records: list[dict]) -> dict:
    """Return EM, F1, sentence hit, answered and abstained shares of a group."""
    if not records:
        return {"n": 0}
    answerable = [r for r in records if r["gold"]]
    unanswerable = [r for r in records if not r["gold"]]
    hits = [r["sentence"] for r in answerable if r["sentence"] is not None]
    return {
        "n": len(records),
        "em": sum(r["em"] for r in records) / len(records),
        "f1": sum(r["f1"] for r in records) / len(records),
        "answerable_f1": sum(r["f1"] for r in answerable) / len(answerable) if answerable else None,
        "sentence": sum(hits) / len(hits) if hits else None,
        "answered": sum(r["answered"] for r in answerable) / len(answerable) if answerable else None,
        "abstained": sum(not r["answered"] for r in unanswerable) / len(unanswerable) if unanswerable else None,
    }


def summarize(records: list[dict]) -> dict:
    """Return the overall, per-kind and per-phrasing statistics, and per document."""
    def grouped(key, order):
        groups = collections.defaultdict(list)
        for r in records:
            groups[r[key]].append(r)
        names = [k for k in order if k in groups] + sorted(k for k in groups if k not in order)
        return {name: stats(groups[name]) for name in names}

    yesno = [r for r in records if r["type"] == "YESNO" and r["gold"]]
    valued = [r["value_right"] for r in records if r["value_right"] is not None]
    misses = collections.Counter(r["miss"] for r in records if r["miss"])
    return {
        "misses": dict(misses.most_common()),
        "yesno": {"n": len(yesno), "accuracy": sum(r["em"] for r in yesno) / len(yesno) if yesno else None},
        "values": {"n": len(valued), "accuracy": sum(valued) / len(valued) if valued else None},
        "overall": stats(records),
        "kinds": grouped("kind", KINDS),
        "phrasings": grouped("phrasing", (*PHRASINGS, "none")),
        "documents": grouped("doc", ()),
    }


def _cell(value, digits=3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(title: str, rows: dict) -> None:
    """Print one table of statistics."""
    print(f"\n{title}")
    print(f"{'':<24}{'n':>5}{'EM':>8}{'F1':>8}{'ansF1':>8}{'sent':>8}{'answd':>8}{'abst':>8}")
    for name, s in rows.items():
        if not s.get("n"):
            continue
        print(
            f"{name:<24}{s['n']:>5}{_cell(s['em']):>8}{_cell(s['f1']):>8}{_cell(s['answerable_f1']):>8}"
            f"{_cell(s['sentence']):>8}{_cell(s['answered']):>8}{_cell(s['abstained']):>8}"
        )


def print_misses(records: list[dict]) -> None:
    """Print every question not answered exactly, with what was answered and why."""
    misses = [r for r in records if r["f1"] < 1.0]
    print(f"\nmisses ({len(misses)}):")
    for r in misses:
        gold = " | ".join(r["gold"]) or "(no answer)"
        print(f"- [{r['kind']}/{r['phrasing']}] {r['doc']}: {r['question']}")
        print(f"    got: {r['predicted'] or '(no answer)'}  want: {gold}  F1 {r['f1']:.2f}  [{r['type']}; {r['rule']}; {r['score']}; {r['miss']}]")
        if r["evidence_sentence"]:
            print(f"    from: {r['evidence_sentence'][:200]}")


def run(args, workdir: Path) -> dict:
    """Index the corpus, ask every question, and return the report."""
    from qa.pipeline import Pipeline

    items = read_suite(Path(args.data))
    pipeline = Pipeline(Path(args.corpus), workdir / "index")
    started = time.perf_counter()
    pipeline.service.ensure()
    built = time.perf_counter() - started
    records, latencies = [], []
    for item in items:
        asked = time.perf_counter()
        result = pipeline.ask(item["question"], top_k=1, doc=None if args.wide else item.get("doc"))
        latencies.append(time.perf_counter() - asked)
        records.append(score_one(item, result))
    latencies.sort()
    return {
        "data": str(args.data),
        "mode": "wide" if args.wide else "per document",
        "build_seconds": round(built, 2),
        "ask_p50_ms": round(latencies[len(latencies) // 2] * 1000, 2) if latencies else None,
        "summary": summarize(records),
        "records": records,
    }


def main(argv=None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="questions (JSONL: doc, question, answers, evidence, kind, phrasing)")
    parser.add_argument("--corpus", required=True, help="directory of the articles (*.txt)")
    parser.add_argument("--wide", action="store_true", help="ask across the whole corpus instead of each question's document")
    parser.add_argument("--misses", action="store_true", help="print every question not answered exactly")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--workdir", help="keep the index here (default: a temporary directory)")
    args = parser.parse_args(argv)
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        report = run(args, Path(args.workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="qa-news-") as tmp:
            report = run(args, Path(tmp))
    if args.json:
        print(json.dumps({k: v for k, v in report.items() if k != "records" or args.misses}, indent=1))
        return 0
    summary = report["summary"]
    print(f"{report['data']} ({report['mode']}): build {report['build_seconds']} s, ask p50 {report['ask_p50_ms']} ms")
    print_table("overall", {"all": summary["overall"]})
    print_table("by kind", summary["kinds"])
    print_table("by phrasing", summary["phrasings"])
    print_table("by document", summary["documents"])
    for name, what in (("yesno", "yes/no answered right"), ("values", "values right")):
        if summary[name]["n"]:
            print(f"\n{what}: {summary[name]['accuracy']:.3f} of {summary[name]['n']}")
    print("\nmiss classes")
    for name, count in summary["misses"].items():
        print(f"{count:>5}  {name}")
    if args.misses:
        print_misses(report["records"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
