"""Ranking: each signal, the weighted score, merging, repeats of the question, and abstention."""

from __future__ import annotations

import pytest

from qa import ranking
from qa.question import analyze
from qa.records import Candidate, Hit, Match
from tests.rulesets import RULES


def hit(text: str, *keywords: str, score: float = 1.0, coverage: float = 1.0, index: int = 0) -> Hit:
    matched = tuple(Match(text.index(k), text.index(k) + len(k), k.lower(), 1 / len(keywords)) for k in keywords)
    return Hit("doc", index, text, score, 0, coverage, matched, ())


def candidate(h: Hit, text: str, label: str = "PERSON", confidence: float = 0.9, type_match: float = 1.0) -> Candidate:
    start = h.text.index(text)
    return Candidate(text, start, start + len(text), label, "test-rule", confidence, type_match, h)


def test_the_weights_add_up_to_one():
    assert sum(ranking.WEIGHTS.values()) == pytest.approx(1.0)


def test_the_total_is_the_weighted_sum_of_the_signals():
    h = hit("Jane Doe opened the bridge.", "opened", "bridge")
    parts = ranking.score(candidate(h, "Jane Doe"), best_retrieval=2.0)
    assert parts["retrieval"] == 0.5
    assert parts["total"] == pytest.approx(sum(ranking.WEIGHTS[k] * parts[k] for k in ranking.WEIGHTS), abs=1e-3)


def test_a_candidate_next_to_the_question_words_is_closer_than_one_far_away():
    h = hit("Jane Doe opened the bridge while, far across the river in another town entirely, Tom Lee slept.", "opened", "bridge")
    assert ranking.proximity(candidate(h, "Jane Doe")) > ranking.proximity(candidate(h, "Tom Lee"))


def test_a_clause_break_puts_a_candidate_further_away():
    near = hit("Jane Doe opened the bridge and Tom Lee watched.", "opened")
    broken = hit("Jane Doe opened the bridge; Tom Lee watched.", "opened")
    assert ranking.proximity(candidate(near, "Tom Lee")) > ranking.proximity(candidate(broken, "Tom Lee"))


def test_a_count_is_closer_to_the_words_after_it_than_before_it():
    after = hit("They counted 40 farms in the valley.", "farms")
    before = hit("The farms numbered 40 in the valley.", "farms")
    assert ranking.proximity(candidate(after, "40", "NUMBER")) > ranking.proximity(candidate(before, "40", "NUMBER"))


def test_the_same_answer_from_two_sentences_is_merged_with_a_bonus():
    analysis = analyze("Who opened the bridge?", RULES)
    first = hit("Jane Doe opened the bridge.", "opened", "bridge", index=0)
    second = hit("The bridge was opened by Jane Doe.", "opened", "bridge", index=1)
    answers = ranking.rank(analysis, [candidate(first, "Jane Doe"), candidate(second, "Jane Doe")], RULES, top_k=3)
    assert len(answers) == 1 and answers[0].sentences == 2
    single = ranking.rank(analysis, [candidate(first, "Jane Doe")], RULES, top_k=3)[0]
    # The bonus is added to the raw score (the calibrated score shown reads it through a table).
    assert answers[0].scores["raw"] == pytest.approx(max(single.scores["raw"], answers[0].scores["total"]) + ranking.MERGE_BONUS, abs=1e-3)


def test_a_candidate_that_only_repeats_the_question_is_dropped():
    analysis = analyze("Who is Mr. Doe?", RULES)
    h = hit("Mr. Doe opened the bridge.", "Doe")
    assert ranking.repeats_question(candidate(h, "Mr. Doe"), analysis, RULES)
    assert ranking.rank(analysis, [candidate(h, "Mr. Doe")], RULES) == []


def test_a_weak_candidate_is_not_an_answer():
    analysis = analyze("Who opened the bridge?", RULES)
    h = hit("Jane Doe opened the bridge.", "opened", "bridge", coverage=0.5)
    weak = candidate(h, "Jane Doe", confidence=0.0, type_match=0.0)
    assert ranking.score(weak, 1.0)["total"] < ranking.THRESHOLD
    assert ranking.rank(analysis, [weak], RULES) == []


def test_answers_come_best_first_and_at_most_top_k():
    analysis = analyze("Who opened the bridge?", RULES)
    h = hit("Jane Doe and Tom Lee opened the bridge.", "opened", "bridge")
    answers = ranking.rank(analysis, [candidate(h, "Tom Lee", confidence=0.5), candidate(h, "Jane Doe", confidence=1.0)], RULES, top_k=1)
    assert [a.text for a in answers] == ["Jane Doe"]


def test_answers_that_both_reach_the_cap_keep_their_order():
    import dataclasses

    analysis = analyze("Which firm did Jane Doe join?", RULES)
    h = hit("Jane Doe left Acme Ltd to join Brix Ltd.", "Jane Doe", "join")
    weak = dataclasses.replace(candidate(h, "Acme Ltd", "ORG"), frame=0.5)
    strong = dataclasses.replace(candidate(h, "Brix Ltd", "ORG"), frame=0.9)
    answers = ranking.rank(analysis, [weak, strong], RULES, top_k=3)
    assert [a.scores["raw"] for a in answers] == [1.0, 1.0]  # both capped
    assert [a.text for a in answers] == ["Brix Ltd", "Acme Ltd"]  # the stronger frame filler first
