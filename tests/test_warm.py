"""Warming the pipeline compiles the rules without touching the index."""

from qa import question
from qa.pipeline import Pipeline
from tests.conftest import make_corpus


def test_warming_needs_no_index_and_builds_none(tmp_path):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.")
    Pipeline(corpus, tmp_path / "index").warm()
    assert not (tmp_path / "index").exists()


def test_after_warming_the_question_rules_are_compiled(tmp_path):
    Pipeline(make_corpus(tmp_path, one="Alice lives in Paris."), tmp_path / "index").warm()
    assert question.question_rules.cache_info().currsize == 1
