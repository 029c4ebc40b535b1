"""Scoring answers against gold answers: the SQuAD normalisation, EM, token F1, sentence hits."""

from __future__ import annotations

import collections
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

PUNCTUATION = set(string.punctuation) | set("\u2018\u2019\u201c\u201d\u2014\u2013")


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, collapse white space (SQuAD).

    >>> normalize_answer("The  Indian rupee!")
    'indian rupee'
    """
    text = "".join(ch for ch in text.lower() if ch not in PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """Return 1.0 when the normalised strings are equal."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1(prediction: str, gold: str) -> float:
    """Return the token-overlap F1 of the normalised strings."""
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = collections.Counter(pred) & collections.Counter(ref)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


def best(metric, prediction: str, golds: list[str]) -> float:
    """Return the best score of a prediction over the gold answers; no gold means abstain."""
    if not golds:
        return float(not prediction)
    if not prediction:
        return 0.0
    return max(metric(prediction, g) for g in golds)


@dataclass
class Outcome:
    """How one question of a suite was answered."""

    question: str
    type: str
    gold: list[str]
    predicted: str
    em: float
    f1: float
    sentence_hit: float | None
    rule: str
    sentence: str
    value_right: float | None = None  # the top answer's value is the gold one (when the suite gives one)


VALUE_KEYS = ("kind", "amount", "currency", "unit", "iso")  # what makes a value; hedges and bounds aside


def same_value(found: dict | None, gold: dict) -> bool:
    """Tell whether a value is the gold one in kind, amount, currency, unit and date (hedges aside).

    >>> same_value({"kind": "number", "amount": 200000, "approximate": True}, {"kind": "number", "amount": 200000})
    True
    """
    return found is not None and all(found.get(key) == gold.get(key) for key in VALUE_KEYS)


def read_suite(path: Path) -> list[dict]:
    """Read a question suite: one JSON object a line with question, answers, sentence."""
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: {exc.msg}") from exc
    return items


def evaluate(pipeline, items: list[dict]) -> list[Outcome]:
    """Ask every question of a suite and score the top answer."""
    outcomes = []
    for item in items:
        result = pipeline.ask(item["question"], top_k=1, doc=item.get("doc"))
        top = result.answers[0] if result.answers else None
        predicted = top.text if top else ""
        gold = item.get("answers", [])
        # A person's fullest name counts as well as the mention in the sentence.
        forms = [predicted] + ([top.canonical] if top and top.canonical else [])
        em = max(best(exact_match, p, gold) for p in forms)
        score = max(best(f1, p, gold) for p in forms)
        sentence_hit = None
        if gold:
            sentence_hit = float(bool(top) and item.get("sentence", "") in top.sentence)
        value_right = float(same_value(top.value if top else None, item["value"])) if "value" in item else None
        outcomes.append(
            Outcome(
                item["question"], item.get("type") or result.question.answer_type, gold, predicted,
                em, score, sentence_hit, f"{result.question.rule} / {top.rule if top else '-'}", top.sentence if top else "", value_right,
            )
        )
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict:
    """Return overall and per-type exact match, F1 and sentence hit rates."""
    def stats(group):
        hits = [o.sentence_hit for o in group if o.sentence_hit is not None]
        return {
            "n": len(group),
            "em": round(sum(o.em for o in group) / len(group), 4),
            "f1": round(sum(o.f1 for o in group) / len(group), 4),
            "sentence": round(sum(hits) / len(hits), 4) if hits else None,
        }

    by_type = collections.defaultdict(list)
    for o in outcomes:
        by_type[o.type].append(o)
    yesno = [o for o in outcomes if o.type == "YESNO" and o.gold]
    valued = [o.value_right for o in outcomes if o.value_right is not None]
    return {
        "overall": stats(outcomes) if outcomes else {"n": 0, "em": 0, "f1": 0, "sentence": None},
        "types": {t: stats(g) for t, g in sorted(by_type.items())},
        "yesno": {"n": len(yesno), "accuracy": round(sum(o.em for o in yesno) / len(yesno), 4) if yesno else None},
        "values": {"n": len(valued), "accuracy": round(sum(valued) / len(valued), 4) if valued else None},
        "failures": [o.__dict__ for o in outcomes if o.em < 1.0],
    }


def format_table(summary: dict) -> str:
    """Return the per-type table and the failures as text."""
    lines = [f"{'type':<16}{'n':>5}{'EM':>8}{'F1':>8}{'sent':>8}"]
    rows = list(summary["types"].items()) + [("ALL", summary["overall"])]
    for name, s in rows:
        sent = f"{s['sentence']:.3f}" if s["sentence"] is not None else "-"
        lines.append(f"{name:<16}{s['n']:>5}{s['em']:>8.3f}{s['f1']:>8.3f}{sent:>8}")
    for name, what in (("yesno", "yes/no answered right"), ("values", "values right")):
        part = summary.get(name, {})
        if part.get("n"):
            lines.append(f"{what}: {part['accuracy']:.3f} of {part['n']}")
    if summary["failures"]:
        lines.append("")
        lines.append(f"failures ({len(summary['failures'])}):")
        for o in summary["failures"]:
            gold = " | ".join(o["gold"]) or "(no answer)"
            lines.append(f"- {o['question']}\n    got: {o['predicted'] or '(no answer)'}  want: {gold}  [{o['type']}; {o['rule']}]")
    return "\n".join(lines)
