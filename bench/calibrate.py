"""Fit the calibration tables (rules/calibration.toml) on one part of the development questions, check them on another.

Usage (from the repository root):

    python bench/calibrate.py --squad ../shared/data/squad/dev-v1.1.json \
        --squad-v2 ../shared/data/squad/dev-v2.0-half.json \
        --news ../shared/data/news_dev [--jobs 2] [--write] [--json]

Every question of SQuAD v1.1 and of the SQuAD v2.0 half (each asked within its
own article), of the news development set (within its article) and of the
regression suite is asked with the rules as they are; each top answer gives
(raw score, kind of question, right), where right means token F1 >= 0.5
against the best gold answer (an answer to an unanswerable question is
wrong). Articles of even position (in each file's order) fit, odd ones
check; the regression suite (one article) fits.

The fit, per kind of question (coarse answer type, or YESNO; "article/" first
when the question was asked of a document of at most ARTICLE_SCOPE
sentences; those share one `article` table, fitted on the news articles): the answers
are sorted by raw score and grouped in bins of at least MIN_BIN answers, the
bins' shares right are made monotone by pool-adjacent-violators, and each
bin becomes a knot (mean raw score, share right). A kind with fewer than
MIN_KIND fitting answers uses the `default` table, fitted on all of them.
The report gives the reliability table (10 bins of calibrated score: answers,
mean score, share right) and the expected calibration error (ECE: the
answer-weighted mean gap between score and share right) on the checking
part, per data set and in all. --write writes rules/calibration.toml.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.squad import answer_all  # noqa: E402
from bench.squad_corpus import load_squad, write_corpus  # noqa: E402
from qa.calibration import ARTICLE, DEFAULT, Calibration, kind_of  # noqa: E402
from qa.evaluation import best, f1, read_suite  # noqa: E402

RIGHT_F1 = 0.5  # an answer is right when its token F1 against the best gold answer reaches this
MIN_BIN = 40  # answers a bin of the fit holds at least: fewer make a noisy share
MIN_KIND = 200  # fitting answers a kind needs for a table of its own
MIN_ARTICLE = 100  # fitting answers the article table needs (the news set's half gives about 110)
RELIABILITY_BINS = 10
REGRESSION = ROOT / "tests" / "regression" / "questions.jsonl"


def squad_records(path: Path, v2: bool, jobs: int, workdir: Path) -> list[dict]:
    """Answer a SQuAD file's questions within their articles; return (dataset, split, raw, kind, right) records."""
    from qa.pipeline import Pipeline

    articles = load_squad(path)
    name = "squad-v2" if v2 else "squad-v1"
    corpus, index = workdir / name / "corpus", workdir / name / "index"
    questions = write_corpus(articles, corpus)
    if not v2:
        questions = [q for q in questions if not q.is_impossible]
    Pipeline(corpus, index, refresh_interval=None).service.ensure()
    order = {}
    for q in questions:
        order.setdefault(q.doc_id, len(order))
    rows = []
    for record, question in zip(answer_all(questions, corpus, index, jobs, None), questions):
        if record["raw"] is None:
            continue
        right = (not question.is_impossible) and best(f1, record["predicted"], record["gold"]) >= RIGHT_F1
        split = "fit" if order[question.doc_id] % 2 == 0 else "check"
        rows.append({"dataset": name, "split": split, "raw": record["raw"], "kind": record["kind"], "right": right})
    return rows


def suite_records(name: str, suite: Path, corpus: Path, workdir: Path, split_by_doc: bool) -> list[dict]:
    """Answer a JSONL suite (news_dev format) within each question's document."""
    from qa.pipeline import Pipeline

    pipeline = Pipeline(corpus, workdir / name / "index", refresh_interval=None)
    pipeline.service.ensure()
    items = read_suite(suite)
    docs = sorted({item.get("doc") or "" for item in items})
    rows = []
    for item in items:
        result = pipeline.ask(item["question"], top_k=1, doc=item.get("doc"))
        if not result.answers:
            continue
        top = result.answers[0]
        gold = item.get("answers", [])
        right = bool(gold) and best(f1, top.text, gold) >= RIGHT_F1
        if top.canonical and gold:
            right = right or best(f1, top.canonical, gold) >= RIGHT_F1
        kind = kind_of(result.question.answer_type, top.scores.get("frame", 0) > 0, result.scope)
        split = "fit" if not split_by_doc or docs.index(item.get("doc") or "") % 2 == 0 else "check"
        rows.append({"dataset": name, "split": split, "raw": top.scores["raw"], "kind": kind, "right": right})
    return rows


def pool_adjacent_violators(values: list[float], weights: list[int]) -> list[float]:
    """Return the non-decreasing sequence closest to values (weighted least squares).

    >>> pool_adjacent_violators([0.2, 0.1, 0.5], [1, 1, 1])
    [0.15, 0.15, 0.5]
    """
    blocks = []  # [value, weight, count]
    for value, weight in zip(values, weights):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out = []
    for value, _, count in blocks:
        out.extend([round(value, 4)] * count)
    return out


def fit_table(rows: list[dict]) -> tuple[tuple[float, float], ...]:
    """Return the knots of a monotone table fitted to (raw, right) rows."""
    rows = sorted(rows, key=lambda r: r["raw"])
    bins = [rows[i : i + MIN_BIN] for i in range(0, len(rows), MIN_BIN)]
    if len(bins) > 1 and len(bins[-1]) < MIN_BIN // 2:
        bins[-2].extend(bins.pop())
    raws = [sum(r["raw"] for r in b) / len(b) for b in bins]
    shares = [sum(r["right"] for r in b) / len(b) for b in bins]
    monotone = pool_adjacent_violators(shares, [len(b) for b in bins])
    knots = []
    for raw, share in zip(raws, monotone):
        raw = round(raw, 4)
        if knots and raw <= knots[-1][0]:
            continue
        knots.append((raw, min(1.0, max(0.0, share))))
    if len(knots) == 1:
        knots.append((min(1.0, knots[0][0] + 0.01), knots[0][1]))
    # Inside a flat run only its two ends are needed: interpolation between them gives the same values.
    kept = [k for i, k in enumerate(knots) if i in (0, len(knots) - 1) or not (knots[i - 1][1] == k[1] == knots[i + 1][1])]
    return tuple(kept)


def fit(rows: list[dict]) -> Calibration:
    """Fit a table per kind with enough answers, the article table, and the default table on all.

    The article table is fitted on the news articles' answers: the regression suite's article
    is the one its questions were written against, which makes its answers right more often
    than on a user's article.
    """
    tables = {DEFAULT: fit_table(rows)}
    article = [r for r in rows if r["kind"].startswith(ARTICLE + "/") and r["dataset"] == "news"]
    if len(article) >= MIN_ARTICLE:
        tables[ARTICLE] = fit_table(article)
    kinds = sorted({r["kind"] for r in rows})
    for kind in kinds:
        own = [r for r in rows if r["kind"] == kind]
        if len(own) >= MIN_KIND and not kind.startswith(ARTICLE + "/"):
            tables[kind] = fit_table(own)
    return Calibration(MappingProxyType(tables))


def reliability(rows: list[dict], calibration: Calibration) -> dict:
    """Return the reliability table (bins of calibrated score) and the expected calibration error."""
    bins = [[] for _ in range(RELIABILITY_BINS)]
    for r in rows:
        p = calibration.probability(r["raw"], r["kind"])
        bins[min(RELIABILITY_BINS - 1, int(p * RELIABILITY_BINS))].append((p, r["right"]))
    table, gap = [], 0.0
    for number, b in enumerate(bins):
        if not b:
            table.append({"bin": f"{number / 10:.1f}-{(number + 1) / 10:.1f}", "n": 0})
            continue
        mean = sum(p for p, _ in b) / len(b)
        share = sum(right for _, right in b) / len(b)
        gap += len(b) * abs(mean - share)
        table.append({"bin": f"{number / 10:.1f}-{(number + 1) / 10:.1f}", "n": len(b), "score": round(mean, 3), "right": round(share, 3)})
    return {"n": len(rows), "ece": round(gap / len(rows), 4) if rows else None, "table": table}


def toml_text(calibration: Calibration, source: str) -> str:
    """Return rules/calibration.toml for a fitted calibration."""
    lines = [
        "# Calibration of answer scores (qa/calibration.py): per kind of question (the coarse",
        "# answer type), knots [raw score, share of answers so scored that are right], read by",
        "# linear interpolation. Written by bench/calibrate.py --write; do not edit by hand.",
        f"source = {json.dumps(source)}",
        "",
        "[tables]",
    ]
    for kind, knots in calibration.tables.items():
        pairs = ", ".join(f"[{raw}, {p}]" for raw, p in knots)
        lines.append(f"{json.dumps(kind)} = [{pairs}]")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Run the fit and the check from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--squad", type=Path, required=True, help="SQuAD v1.1 dev file")
    parser.add_argument("--squad-v2", type=Path, required=True, help="SQuAD v2.0 (half) dev file")
    parser.add_argument("--news", type=Path, required=True, help="the news development set (questions.jsonl, corpus/)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write rules/calibration.toml")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-calibrate-") as tmp:
        work = Path(tmp)
        rows = squad_records(args.squad, False, args.jobs, work)
        rows += squad_records(args.squad_v2, True, args.jobs, work)
        rows += suite_records("news", args.news / "questions.jsonl", args.news / "corpus", work, split_by_doc=True)
        rows += suite_records("regression", REGRESSION, ROOT / "corpus", work, split_by_doc=False)
    fitting = [r for r in rows if r["split"] == "fit"]
    checking = [r for r in rows if r["split"] == "check"]
    calibration = fit(fitting)
    report = {
        "answers": {"fit": len(fitting), "check": len(checking)},
        "check": {"all": reliability(checking, calibration)},
        "fit": {"all": reliability(fitting, calibration)},
    }
    for name in sorted({r["dataset"] for r in rows}):
        part = [r for r in checking if r["dataset"] == name]
        if part:
            report["check"][name] = reliability(part, calibration)
    report["tables"] = {kind: [list(k) for k in knots] for kind, knots in calibration.tables.items()}
    if args.write:
        command = "python bench/calibrate.py --squad ... --squad-v2 ... --news ... --write"
        source = f"fitted {datetime.date.today().isoformat()} on {len(fitting)} answers ({command}); ECE on {len(checking)} held-out answers {report['check']['all']['ece']}"
        (ROOT / "rules" / "calibration.toml").write_text(toml_text(calibration, source), encoding="utf-8")
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"answers: {len(fitting)} fit, {len(checking)} check")
    for part, name in (("check", "all"), *(("check", n) for n in report["check"] if n != "all"), ("fit", "all")):
        result = report[part][name]
        print(f"\n{part} / {name}: {result['n']} answers, ECE {result['ece']}")
        print(f"{'score bin':<12}{'n':>7}{'score':>8}{'right':>8}")
        for row in result["table"]:
            if row["n"]:
                print(f"{row['bin']:<12}{row['n']:>7}{row['score']:>8.3f}{row['right']:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
