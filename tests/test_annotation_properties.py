"""Index-time annotation never fails on any text: names, titles, places and numbers in any order."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from qa.entities import annotate_document
from tests.rulesets import RULES, split_sentences

# Hypothesis caches under the system's temporary directory, not in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "qa-hypothesis")

# Words that drive the name, title, place and number rules, mixed with punctuation.
PIECES = [
    "President", "Secretary", "of", "State", "the", "The", "Mr.", "Gen.", "King", "France", "United", "States",
    "New", "York", "Jane", "J.", "Smith", "and", "for", "Bank", "Ministry", "Central", "Asian", "northern",
    "$20", "million", "20", "p.c.", "percent", "February", "2022", "Tuesday", ",", ".", "\u201c", "\u201d", "'s",
    "\u2019s", "-", "\u2014", "(", ")", "said", "a", "researcher", "at", "Kenyan", "officials", "one", "of",
]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join), min_size=1, max_size=4))
def test_annotation_never_fails_and_spans_index_their_sentence(paragraphs):
    text = "\n".join(paragraphs)
    sentences = split_sentences("doc", text)
    for sentence, entities in zip(sentences, annotate_document([s.text for s in sentences], RULES), strict=True):
        for entity in entities:
            assert sentence.text[entity.start : entity.end] == entity.text
            assert 0 <= entity.start < entity.end <= len(sentence.text)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=300))
def test_annotation_never_fails_on_any_unicode(text):
    sentences = split_sentences("doc", text)
    annotate_document([s.text for s in sentences], RULES)
