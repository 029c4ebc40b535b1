"""Measure the question classifier on UIUC/TREC question-classification files.

Usage (from the repository root):

    python bench/question_types.py --train ../shared/data/trec_qc/train_5500.label \
        --test ../shared/data/trec_qc/TREC_10.label [--misses] [--json]

Each file has one question a line, `COARSE:fine question text`. For each file
this prints coarse and fine accuracy, a per-class precision/recall table for
the fine classes, the most frequent confusions, and with --misses every miss
with the rule that fired. --json prints one JSON object instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.question import classify  # noqa: E402
from qa.rules import load_rules  # noqa: E402

TOP_CONFUSIONS = 15


RULES = load_rules()


def read_labelled(path):
    """Read a `LABEL question` file into (label, question) pairs."""
    pairs = []
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            line = line.strip()
            if line:
                label, _, question = line.partition(" ")
                pairs.append((label, question))
    return pairs


def evaluate(pairs):
    """Classify every question and return the counts and misses as a dict."""
    gold, predicted, misses = Counter(), Counter(), []
    correct, confusions = Counter(), Counter()
    coarse_right = fine_right = 0
    for label, question in pairs:
        answer_type, rule, _ = classify(question, RULES)
        gold[label] += 1
        predicted[answer_type] += 1
        if answer_type.split(":")[0] == label.split(":")[0]:
            coarse_right += 1
        if answer_type == label:
            fine_right += 1
            correct[label] += 1
        else:
            confusions[(label, answer_type)] += 1
            misses.append({"gold": label, "predicted": answer_type, "rule": rule, "question": question})
    classes = {}
    for label in sorted(set(gold) | set(predicted)):
        p = correct[label] / predicted[label] if predicted[label] else 0.0
        r = correct[label] / gold[label] if gold[label] else 0.0
        classes[label] = {"precision": p, "recall": r, "support": gold[label], "predicted": predicted[label]}
    total = len(pairs)
    return {
        "questions": total,
        "coarse_accuracy": coarse_right / total if total else 0.0,
        "fine_accuracy": fine_right / total if total else 0.0,
        "classes": classes,
        "confusions": [
            {"gold": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common(TOP_CONFUSIONS)
        ],
        "misses": misses,
    }


def print_report(name, result, show_misses):
    """Print one file's results as plain-text tables."""
    print(f"== {name}: {result['questions']} questions")
    print(f"coarse accuracy {result['coarse_accuracy']:.1%}   fine accuracy {result['fine_accuracy']:.1%}")
    print(f"\n{'class':<16}{'precision':>10}{'recall':>8}{'support':>9}{'predicted':>11}")
    for label, row in result["classes"].items():
        print(
            f"{label:<16}{row['precision']:>10.1%}{row['recall']:>8.1%}"
            f"{row['support']:>9}{row['predicted']:>11}"
        )
    print("\nmost frequent confusions (gold -> predicted):")
    for row in result["confusions"]:
        print(f"{row['count']:>5}  {row['gold']} -> {row['predicted']}")
    if show_misses:
        print("\nmisses (gold, predicted, rule, question):")
        for miss in sorted(result["misses"], key=lambda m: (m["gold"], m["predicted"], m["rule"])):
            print(f"{miss['gold']:<14} {miss['predicted']:<14} {miss['rule']:<28} {miss['question']}")
    print()


def main(argv=None):
    """Run the benchmark on the given files and print or dump the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", help="training file (develop rules against this one)")
    parser.add_argument("--test", help="held-out test file (report only)")
    parser.add_argument("--misses", action="store_true", help="list every misclassified question")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args(argv)
    files = [(name, path) for name, path in (("train", args.train), ("test", args.test)) if path]
    if not files:
        parser.error("give --train and/or --test")
    results = {}
    for name, path in files:
        result = evaluate(read_labelled(path))
        result["file"] = str(path)
        if not args.misses:
            result.pop("misses")
        results[name] = result
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        for name, result in results.items():
            print_report(f"{name} ({result['file']})", result, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
