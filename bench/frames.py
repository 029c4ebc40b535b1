"""Diagnose the clause-frame layer without retrieval: question frame + evidence sentence parse + fill.

Usage (from the repository root):

    python bench/frames.py --news ../shared/data/news_dev [--squad ../shared/data/squad/dev-v1.1.json]
        [--sample 600] [--misses] [--seed 1] [--thesaurus]

For every answerable news question the evidence sentence(s) are the article's
sentences (the rule set's sentence splitter) holding an evidence string; for SQuAD the
sentence holding the first answer's start. Per kind (news) or wh-word (SQuAD)
and per phrasing it prints: frame (share of questions a frame rule reads),
filler (share with at least one filler in the evidence), F1 (token F1 of the
top filler against the gold answers, 0 when there is none) and F1|filled (the
same over the questions that got a filler). Also the parse time per sentence.
Predicates match by equal lemma only, or with --thesaurus also through the
groups of rules/synonyms.txt (as the pipeline's caller would).
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.clauses import parse  # noqa: E402
from qa.evaluation import best, f1  # noqa: E402
from qa.frames import fill, question_frame  # noqa: E402
from qa.rules import load_rules  # noqa: E402


def no_thesaurus(a: str, b: str) -> bool:
    """Return False: measure the layer alone, equal lemmas only."""
    return False


def thesaurus(rules: Path):
    """Return a same_predicate test over the groups of rules/synonyms.txt (stems of one-word members)."""
    from qa.rulefiles import parse_lines
    from qa.text import stem

    groups: dict[str, set[int]] = collections.defaultdict(set)
    for number, entry in enumerate(parse_lines((rules / "synonyms.txt").read_text(encoding="utf-8"))):
        for word in entry[0]:
            if " " not in word:
                groups[stem(word)].add(number)

    def same(a: str, b: str) -> bool:
        return bool(groups.get(stem(a), set()) & groups.get(stem(b), set()))

    return same


same_predicate = no_thesaurus


def run(items, grammar, misses: bool):
    """Return per-group counts: n, frame, filler, f1 sum, f1 over filled; and parse times."""
    rows = collections.defaultdict(lambda: [0, 0, 0, 0.0])
    times = []
    for group_keys, question, sentences, golds in items:
        frame = question_frame(question, grammar)
        fillers = []
        if frame is not None:
            for sentence in sentences:
                t0 = time.perf_counter()
                parsed = parse(sentence, grammar)
                times.append(time.perf_counter() - t0)
                fillers += fill(frame, parsed, same_predicate)
        fillers.sort(key=lambda f: -f.confidence)
        score = best(f1, fillers[0].text, golds) if fillers else 0.0
        for key in group_keys:
            row = rows[key]
            row[0] += 1
            row[1] += frame is not None
            row[2] += bool(fillers)
            row[3] += score
        if misses and score < 1:
            print(f"- {question!r} frame={frame.describe() if frame else None} ({frame.rule if frame else ''})")
            print(f"    gold={golds[:2]} got={[(f.text, f.rule, round(f.confidence, 2)) for f in fillers[:2]]}")
            for s in sentences:
                print(f"    | {s}")
    return rows, times


def table(title, rows):
    print(f"\n{title}")
    print(f"{'group':<14}{'n':>5}{'frame':>8}{'filler':>8}{'F1':>8}{'F1|filled':>11}")
    for key in sorted(rows, key=lambda k: (k != "all", k)):
        n, fr, fi, s = rows[key]
        print(f"{key:<14}{n:>5}{fr / n:>8.2f}{fi / n:>8.2f}{s / n:>8.2f}{(s / fi if fi else 0):>11.2f}")


RULES = load_rules()


def split_sentences(doc: str, text: str):
    return RULES.lexicon.splitter.split(doc, text)


def news_items(root: Path):
    items = []
    texts = {}
    for line in (root / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if not q["answers"]:
            continue
        if q["doc"] not in texts:
            texts[q["doc"]] = split_sentences(q["doc"], (root / "corpus" / f"{q['doc']}.txt").read_text(encoding="utf-8"))
        sentences = [s.text for s in texts[q["doc"]] if any(e in s.text for e in q["evidence"])]
        items.append((("all", q["kind"], "phrasing-" + q["phrasing"]), q["question"], sentences, q["answers"]))
    return items


def squad_items(path: Path, sample: int, seed: int):
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    items = []
    for article in data:
        for para in article["paragraphs"]:
            context = para["context"]
            sentences = split_sentences("squad", context)
            for qa in para["qas"]:
                answer = qa["answers"][0]
                at = answer["answer_start"]
                sentence = next((s.text for s in sentences if s.start <= at < s.end), None)
                if sentence is None:
                    continue
                wh = next((w for w in re.findall(r"[a-z]+", qa["question"].lower()) if w in ("who", "what", "when", "where", "why", "how", "which")), "other")
                items.append((("all", wh), qa["question"], [sentence], [a["text"] for a in qa["answers"]]))
    random.Random(seed).shuffle(items)
    return items[:sample]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--squad", type=Path)
    parser.add_argument("--sample", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--thesaurus", action="store_true", help="match predicates through rules/synonyms.txt")
    args = parser.parse_args()
    global same_predicate
    grammar = RULES.grammar
    if args.thesaurus:
        same_predicate = thesaurus(ROOT / "rules")
    parse("Warm the tagger up once.", grammar)
    rows, times = run(news_items(args.news), grammar, args.misses)
    table(f"news_dev answerable questions (evidence sentences given)", rows)
    all_times = list(times)
    if args.squad:
        rows, times = run(squad_items(args.squad, args.sample, args.seed), grammar, False)
        table(f"SQuAD sample of {args.sample} (answer sentence given)", rows)
        all_times += times
    all_times.sort()
    print(f"\nparse (tokenise + tag + chunk + clauses): {len(all_times)} sentences, median {1000 * all_times[len(all_times) // 2]:.2f} ms, "
          f"p90 {1000 * all_times[int(len(all_times) * 0.9)]:.2f} ms")


if __name__ == "__main__":
    main()
