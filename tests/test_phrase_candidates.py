"""Noun-phrase and site candidates: the question's own noun, the answer's slot, sites after prepositions."""

import dataclasses
import re

import pytest
from types import MappingProxyType

from qa.extraction import chunk_confidence, noun_phrases, phrases, range_end_fit, sites
from qa.labels import NP, SITE
from qa.question import analyze as analyze_with, answer_slot
from qa.records import Hit, Match
from tests.rulesets import LEX, RULES


def analyze(question: str):
    return analyze_with(question, RULES)


def hit(text: str, *matched: str) -> Hit:
    """A retrieved sentence holding the given words ("sold=sell": a form of the keyword "sell")."""
    pairs = [(word.partition("=")[0], word.partition("=")[2] or word) for word in matched]
    spans = [(m.start(), m.end(), term) for word, term in pairs for m in re.finditer(rf"\b{re.escape(word)}\b", text)]
    matches = tuple(Match(s, e, term.lower(), 1 / len(matched)) for s, e, term in spans)
    return Hit("doc", 0, text, 1.0, 0, 1.0, matches, ())


def candidates(question: str, text: str, *matched: str) -> dict[str, str]:
    analysis = dataclasses.replace(analyze(question), labels=MappingProxyType({NP: 1.0}))
    found = phrases(hit(text, *matched), analysis, LEX)
    return {c.text: c.rule for c in found}


def test_the_questions_own_noun_keeps_its_head():
    found = candidates("What were the river towns called?", "Four small river towns known as the Lower Quays grew.", "river", "towns", "called")
    assert found.get("Four small river towns") == "noun-phrase-question-head"
    assert "Four small" not in found


def test_a_kind_question_is_answered_by_the_modifiers():
    found = candidates("What kind of engine did the firm build?", "The firm built a rotary engine in its yard.", "firm", "engine", "build")
    assert found.get("rotary") == "noun-phrase-kind"


def test_subject_and_object_slots():
    assert answer_slot(analyze("What devices have been praised by the critics?").normalized, ("praised",)) == ("praised", "before")
    assert answer_slot(analyze("What did the baker sell at the fair?").normalized, ("sell",)) == ("sell", "after")
    # A subject the tagger reads as a verb does not turn an object question around.
    assert answer_slot("which paper does jack moss write for", ("jack", "write")) == ("write", "after")
    assert answer_slot("what is the name of the river", ()) is None


def test_a_phrase_in_the_slot_beats_a_bare_chunk():
    found = candidates("What did the baker sell at the fair?", "At the fair, the old baker sold honey cakes to visitors.", "baker", "sold=sell", "fair")
    assert found.get("honey cakes") == "noun-phrase-object"  # right after the verb
    assert found.get("visitors") == "noun-phrase-after-verb"  # further on, same clause
    found = candidates("What did the baker sell?", "The baker sold bread; his sister kept the accounts.", "baker", "sold=sell")
    assert found.get("accounts") == "noun-phrase-chunk"  # another clause


def test_names_and_longer_phrases_are_likelier_answers():
    assert chunk_confidence(["trade"], 10) < chunk_confidence(["river", "ferry"], 10) < chunk_confidence(["Grand", "Hotel"], 10)
    assert 0.0 <= chunk_confidence(["x"], 0) <= 1.0 and chunk_confidence(["Grand", "Hall"], 5) <= 1.0


def test_a_capitalised_phrase_after_a_locative_preposition_is_a_site():
    found = {c.text: c for c in sites(hit("The team stayed at the Harbour View Hotel and trained at University of Lakeside.", "stayed"), LEX, 0.9)}
    assert set(found) == {"Harbour View Hotel", "University of Lakeside"}
    assert all(c.label == SITE and c.rule == "site-after-preposition" for c in found.values())
    assert not sites(hit("Then Maria said that Tom left.", "left"), LEX, 0.9)


def test_the_questions_own_noun_alone_is_no_answer():
    found = candidates("What award did the baker win?", "The baker won the award, the Golden Whisk, in spring.", "baker", "won=win")
    assert "award" not in found
    assert "Golden Whisk" in found


def test_an_ending_takes_the_later_date_of_a_range():
    text = "The weaver Anna Brill (1190\u20131247) founded the guild."
    first, second = text.index("1190"), text.index("1247")
    assert analyze("When did Anna Brill die?").ending and not analyze("When was Anna Brill born?").ending
    assert range_end_fit(text, second, second + 4, ending=True) > range_end_fit(text, first, first + 4, ending=True)
    assert range_end_fit(text, first, first + 4, ending=False) > range_end_fit(text, second, second + 4, ending=False)


def test_a_question_rule_may_have_labels_of_its_own():
    assert "PERCENT" in analyze("How much of the lake freezes?").labels
    assert "WEIGHT" in RULES.answer_types.labels("NUM:count", "how-much-amount")
    assert RULES.answer_types.labels("NUM:count") == {"NUMBER": 1.0}


def test_a_phrase_keeps_its_of_complement_unless_the_question_names_it():
    found = candidates("What did the duke plan?", "The duke planned an invasion of the northern isles in spring.", "duke", "planned=plan")
    assert "invasion of the northern isles" in found and "invasion" not in found
    found = candidates("What did the duke plan for the isles?", "The duke planned an invasion of the isles in spring.", "duke", "planned=plan", "isles")
    assert "invasion" in found and "invasion of the isles" not in found


def test_a_naming_question_prefers_the_name_the_sentence_gives():
    found = candidates("What was the old ferry called?", "The old ferry, known as Grey Heron, carried the mail.", "old", "ferry", "called")
    assert found.get("Grey Heron") == "noun-phrase-named"
    found = candidates("What did the old ferry carry?", "The old ferry, known as Grey Heron, carried the mail.", "ferry", "carried=carry")
    assert found.get("Grey Heron") != "noun-phrase-named"  # not a naming question


def test_a_naming_question_takes_the_quoted_name_a_naming_verb_gives():
    from qa.extraction import quoted_names

    analysis = analyze("What was the old ferry nicknamed?")
    found = quoted_names(hit("Dubbed 'the grey lady' for its colour, the old ferry sailed on.", "ferry"), analysis)
    assert [c.text for c in found] == ["the grey lady"] or [c.text for c in found] == ["grey lady"]
    found = quoted_names(hit('The school, known then as the "Eton of the hills", closed.', "school"), analyze("What was the school known as?"))
    assert [c.text for c in found] == ["Eton of the hills"]
    assert not quoted_names(hit("Dubbed 'the grey lady' for its colour, the old ferry sailed on.", "ferry"), analyze("What did the ferry carry?"))


@pytest.mark.parametrize(
    "sentence, phrase",
    [
        ("The lab explored sensor networks and video conferencing.", "video conferencing"),
        ("Police said money laundering, not theft, was the charge.", "money laundering"),
    ],
)
def test_a_gerund_closing_a_compound_noun_stays_in_it(sentence, phrase):
    assert any(sentence[s:e].endswith(phrase) for s, e in noun_phrases(sentence))


def test_a_gerund_opening_a_clause_is_no_part_of_the_noun():
    sentence = "The man living in the house was a farmer."
    assert all("living" not in sentence[s:e] for s, e in noun_phrases(sentence))
