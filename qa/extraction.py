"""Candidate extraction: typed answer spans in the retrieved sentences."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from textblob.en import parse

from qa.question import Question
from qa.retrieval import Hit
from qa.rules import load_rules, load_table

# Labels found at question time rather than at index time.
DESCRIPTION, NP, REASON = "DESCRIPTION", "NP", "REASON"
NP_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|his|her|our)\s", re.I)


@dataclass(frozen=True)
class Candidate:
    """A typed span of a retrieved sentence that may answer the question."""

    text: str
    start: int
    end: int
    label: str
    rule: str
    confidence: float
    type_match: float
    hit: Hit
    canonical: str | None = None


@functools.cache
def answer_labels_table() -> dict:
    """Return the answer-type → label weights of rules/answer_types.toml."""
    return load_table("answer_types.toml")


def answer_labels(answer_type: str) -> dict[str, float]:
    """Return the labels that answer a UIUC type, with how well each fits."""
    table = answer_labels_table()
    fine = table.get("fine", {}).get(answer_type)
    if fine is not None:
        return dict(fine)
    return dict(table.get("coarse", {}).get(answer_type.split(":")[0], {"NP": 0.5}))


@functools.cache
def description_rules():
    """Return the appositive and copula rules of rules/descriptions.toml."""
    return load_rules("descriptions.toml", required=("confidence",), flags=0)


@functools.cache
def reason_rules():
    """Return the reason rules of rules/reasons.toml."""
    return load_rules("reasons.toml", required=("confidence",), flags=0)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower().replace("\u2019s", "")) if len(w) > 1}


def _refers_to(subject: str, target: str | None) -> bool:
    if not target:
        return False
    subject_words, target_words = _words(subject), _words(target)
    return bool(target_words) and (target_words <= subject_words or (subject_words & target_words and len(subject_words & target_words) >= min(2, len(target_words)) - 0) and subject.split()[-1].lower().strip(".,") in target_words)


def descriptions(hit: Hit, question: Question, weight: float) -> list[Candidate]:
    """Return what the sentence says the question's target is ("X, a researcher at Y")."""
    found = []
    for rule in description_rules():
        for match in rule.regex.finditer(hit.text):
            subject, answer = match.group("subject"), match.group("answer")
            if _refers_to(subject, question.target):
                start, end = match.span("answer")
                found.append(Candidate(answer, start, end, DESCRIPTION, rule.name, rule.get("confidence"), weight, hit))
    return found


def role_holders(hit: Hit, question: Question, weight: float) -> list[Candidate]:
    """Return people a role phrase names when the role holds the question's words."""
    found = []
    keywords = set(question.keywords)
    for rule in description_rules():
        for match in rule.regex.finditer(hit.text):
            role_words = _words(match.group("answer"))
            if len(role_words & keywords) >= 1 and match.group("subject")[:1].isupper():
                start, end = match.span("subject")
                text = hit.text[start:end].rstrip(".")
                found.append(Candidate(text, start, start + len(text), "PERSON", f"role-{rule.name}", rule.get("confidence"), weight, hit))
    return found


def reasons(hit: Hit, weight: float) -> list[Candidate]:
    """Return the clauses that give a reason."""
    found = []
    for rule in reason_rules():
        for match in rule.regex.finditer(hit.text):
            start, end = match.span("answer")
            found.append(Candidate(match.group("answer"), start, end, REASON, rule.name, rule.get("confidence"), weight, hit))
    return found


@functools.lru_cache(maxsize=4096)
def noun_phrases(text: str) -> tuple[tuple[int, int], ...]:
    """Return the character spans of the noun-phrase chunks of a sentence (Pattern's chunker)."""
    spans, position, current = [], 0, None
    for sentence in parse(text, chunks=True, relations=False, lemmata=False).split():
        for word, tag, chunk, _ in sentence:
            start = text.find(word, position)
            if start < 0:
                continue
            end = position = start + len(word)
            if chunk.endswith("NP") and tag not in ("PRP", "PRP$", "WDT", "WP", "EX"):
                if chunk.startswith("B-") or current is None:
                    if current:
                        spans.append(current)
                    current = [start, end]
                else:
                    current[1] = end
            elif current:
                spans.append(current)
                current = None
    if current:
        spans.append(current)
    return tuple((s, e) for s, e in spans)


def phrases(hit: Hit, weight: float) -> list[Candidate]:
    """Return the noun phrases of a sentence as candidates, determiners trimmed."""
    found = []
    for start, end in noun_phrases(hit.text):
        text = hit.text[start:end]
        trimmed = NP_DETERMINERS.sub("", text)
        start += len(text) - len(trimmed)
        if not re.search(r"\w", trimmed):
            continue
        found.append(Candidate(trimmed, start, end, NP, "noun-phrase-chunk", 0.5, weight, hit))
    return found


def extract(question: Question, hits: list[Hit]) -> list[Candidate]:
    """Return every candidate answer in the hits whose label fits the expected type."""
    labels = answer_labels(question.answer_type)
    candidates = []
    for hit in hits:
        for e in hit.entities:
            weight = labels.get(e.label)
            if weight:
                candidates.append(Candidate(e.text, e.start, e.end, e.label, e.rule, e.confidence, weight, hit, e.canonical))
        if DESCRIPTION in labels:
            candidates.extend(descriptions(hit, question, labels[DESCRIPTION]))
        if "PERSON" in labels:
            candidates.extend(role_holders(hit, question, labels["PERSON"]))
        if REASON in labels:
            candidates.extend(reasons(hit, labels[REASON]))
        if NP in labels:
            candidates.extend(phrases(hit, labels[NP]))
    return candidates
