"""Ranking: score candidates in [0, 1], merge repeats, abstain below a threshold.

Reads the question's `Analysis` and the candidates of extraction; every
answer carries the score of each signal (`Answer.scores`).
"""

from __future__ import annotations

import re

from qa.labels import COUNTS, YESNO
from qa.calibration import kind_of
from qa.names import surname
from qa.question import Analysis
from qa.records import Answer, Candidate
from qa.rules import Rules
from qa.text import stem

# How much each signal weighs in the final score (they add up to 1). Retrieval weighs as much as
# type and more than coverage: the search score (every keyword, its rarity, variants, expected
# labels) picks the answer's sentence more often than a well-typed candidate in a weaker one does.
WEIGHTS = {"coverage": 0.20, "retrieval": 0.25, "type": 0.25, "proximity": 0.15, "confidence": 0.15}
# Added for filling the slot of the question's frame (times how surely it does): an answer that
# fills the asked relation outranks one that is merely of the right type near the right words.
FRAME_BONUS = 0.25
MIN_PROXIMITY = 0.03  # an answer within about a hundred characters of the question's words
THRESHOLD = 0.5  # below this final score the service abstains
MERGE_BONUS = 0.03  # per extra sentence that gives the same answer
PROXIMITY_SCALE = 25.0  # characters at which closeness halves; it falls fast beyond
CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\s|;\s|\s\u2014\s")
CLAUSE_GAP = 30  # characters a clause break adds to a distance
QUANTITY_GAP = 10  # characters added to the distance of a keyword before a quantity (it counts what follows)


def _content_stems(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"\w+", text.lower()) if len(w) > 1 or w.isdigit()}


def repeats_question(candidate: Candidate, analysis: Analysis, rules: Rules) -> bool:
    """Tell whether a candidate only repeats the question.

    "Mr. Smith" for "... smith", "USA" for "... united states", "Gen. Jones"
    (whose surname the question has) are repeats; "northern Chile" for
    "which part of chile" is not. Synonyms of question words are fine answers
    ("oil" for "what fuel"); the words themselves, and the focus, are not.
    """
    if candidate.label == YESNO:
        return False  # a verdict, not a span: it repeats nothing
    stems = analysis.question_stems
    if candidate.label == "PERSON" and stem(surname(candidate.canonical or candidate.text).lower()) in stems:
        return True
    return not (_content_stems(candidate.text) - rules.lexicon.filler_stems - stems - analysis.place_stems)


def proximity(candidate: Candidate) -> float:
    """Return how close the candidate sits to the question's words, rarer words counting more."""
    closest: dict[str, float] = {}
    weights: dict[str, float] = {}
    text = candidate.hit.text
    for m in candidate.hit.matched:
        distance = max(0, m.start - candidate.end, candidate.start - m.end)
        # A quantity counts what follows it ("2 million [ethnic Germans]"): words before are further.
        if candidate.label in COUNTS and m.end <= candidate.start:
            distance = distance * 2 + QUANTITY_GAP
        # A clause break (", and", ";") between them puts them further apart.
        gap_start, gap_end = min(m.end, candidate.end), max(m.start, candidate.start)
        if gap_start < gap_end:
            distance += CLAUSE_GAP * len(CLAUSE_BREAK.findall(text, gap_start, gap_end))
        # Each keyword counts once, at its closest occurrence.
        closest[m.term] = max(closest.get(m.term, 0.0), 1.0 / (1.0 + (distance / PROXIMITY_SCALE) ** 2))
        weights[m.term] = m.weight
    # Weights share 1 over all the question's keywords: one the sentence lacks is far away.
    return min(1.0, sum(weights[t] * closest[t] for t in closest))


def _key(candidate: Candidate) -> str:
    text = (candidate.canonical or candidate.text).lower()
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    return re.sub(r"\W+", " ", text).strip()


def score(candidate: Candidate, best_retrieval: float) -> dict[str, float]:
    """Return each signal of a candidate and their weighted sum."""
    parts = {
        "coverage": candidate.hit.coverage,
        "retrieval": candidate.hit.score / best_retrieval if best_retrieval > 0 else 0.0,
        "type": candidate.type_match,
        "proximity": proximity(candidate),
        "confidence": candidate.confidence,
    }
    parts["total"] = min(1.0, weighted(parts, candidate.frame))
    parts["frame"] = candidate.frame
    return {k: round(v, 4) for k, v in parts.items()}


def weighted(parts: dict[str, float], frame: float) -> float:
    """Return the weighted sum of the signals and the frame bonus, uncapped (it orders answers that reach 1)."""
    return sum(WEIGHTS[k] * parts[k] for k in WEIGHTS) + FRAME_BONUS * frame


def rank(analysis: Analysis, candidates: list[Candidate], rules: Rules, top_k: int = 3, scope: int | None = None) -> list[Answer]:
    """Return the best answers, merged by text, or none when nothing scores high enough.

    scope: how many sentences the search covered (it picks the calibration table).
    """
    if not candidates:
        return []
    best_retrieval = max(c.hit.score for c in candidates)
    merged: dict[str, Answer] = {}
    for candidate in candidates:
        if repeats_question(candidate, analysis, rules):
            continue
        parts = score(candidate, best_retrieval)
        if parts["proximity"] < MIN_PROXIMITY:
            continue  # nowhere near what the question asks about
        key = _key(candidate)
        previous = merged.get(key)
        answer = Answer(
            text=candidate.text,
            type=candidate.label,
            score=parts["total"],
            rule=candidate.rule,
            doc=candidate.hit.doc,
            sentence_index=candidate.hit.index,
            sentence=candidate.hit.text,
            span=(candidate.start, candidate.end),
            canonical=candidate.canonical,
            scores=parts,
            items=candidate.items,
            mention=candidate.mention,
        )
        if previous is None:
            merged[key] = answer
            continue
        count = previous.sentences + (previous.sentence_index != answer.sentence_index or previous.doc != answer.doc)
        best = answer if answer.score > previous.score else previous
        merged[key] = Answer(**{**best.__dict__, "sentences": count})
    answers, order = [], {}
    for answer in merged.values():
        bonus = MERGE_BONUS * (answer.sentences - 1)
        raw = round(min(1.0, answer.score + bonus), 4)
        if raw >= THRESHOLD:
            # The raw score ranks and abstains; the answer shows how often answers so scored are right.
            calibrated = rules.calibration.probability(raw, kind_of(analysis.answer_type, answer.scores.get("frame", 0) > 0, scope))
            ranked = Answer(**{**answer.__dict__, "score": calibrated, "scores": {**answer.scores, "raw": raw}})
            answers.append(ranked)
            # Past 1 the sum still tells answers apart: a frame's filler over a repeated name.
            order[id(ranked)] = round(weighted(answer.scores, answer.scores.get("frame", 0.0)) + bonus, 4)
    answers.sort(key=lambda a: (-order[id(a)], a.doc, a.sentence_index, a.span))
    return answers[:top_k]
