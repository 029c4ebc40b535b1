"""The search prefers, among equally scored sentences, the one using the question's own word forms."""

from __future__ import annotations

import pytest

from qa import retrieval
from qa.pipeline import Pipeline
from qa.question import analyze
from tests.conftest import make_corpus


def _search(pipeline: Pipeline, question: str, limit: int):
    snapshot = pipeline.service.snapshot()
    with snapshot.store.view() as view:
        return retrieval.retrieve(view, analyze(question, snapshot.rules), snapshot.rules.lexicon, limit=limit)


def test_exact_share_counts_whole_words_not_stems():
    assert retrieval.exact_share("The organ was rebuilt.", ("organ", "rebuilt")) == 1.0
    assert retrieval.exact_share("The organization was rebuilt.", ("organ", "rebuilt")) == 0.5
    assert retrieval.exact_share("Anything.", ()) == 0.0


def _top_sentence(tmp_path) -> str:
    # Same length, same stems: BM25 ties them, and a tie goes to the earlier sentence.
    text = "The organization was rebuilt in spring.\nThe organ was rebuilt in spring."
    pipeline = Pipeline(make_corpus(tmp_path, doc=text), tmp_path / "index")
    return _search(pipeline, "When was the organ rebuilt?", limit=2)[0].text


def test_the_sentence_with_the_questions_own_form_comes_first(tmp_path):
    assert _top_sentence(tmp_path) == "The organ was rebuilt in spring."


def test_without_the_boost_the_tie_goes_to_the_earlier_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(retrieval, "EXACT_BOOST", 0.0)
    assert _top_sentence(tmp_path) == "The organization was rebuilt in spring."


@pytest.mark.parametrize("limit", [1, 2])
def test_the_search_returns_at_most_its_limit(tmp_path, limit):
    text = "The organ was rebuilt. The organ was rebuilt again. The organ was rebuilt once more."
    pipeline = Pipeline(make_corpus(tmp_path, doc=text), tmp_path / "index")
    assert len(_search(pipeline, "When was the organ rebuilt?", limit)) == limit
