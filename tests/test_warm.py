"""Warming the pipeline loads the rule set and the tagger without touching the index."""

import pytest

import qa.service
from qa.pipeline import Pipeline
from tests.conftest import make_corpus


def test_warming_needs_no_index_and_builds_none(tmp_path):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.")
    Pipeline(corpus, tmp_path / "index").warm()
    assert not (tmp_path / "index").exists()


def test_after_warming_the_rules_are_not_read_again(tmp_path, monkeypatch):
    pipeline = Pipeline(make_corpus(tmp_path, one="Alice lives in Paris."), tmp_path / "index", refresh_interval=None)
    pipeline.warm()

    def fail(*args, **kwargs):
        raise AssertionError("the rules were loaded again after warming")

    monkeypatch.setattr(qa.service, "load_rules", fail)
    assert [a.text for a in pipeline.ask("Where does Alice live?").answers][:1] == ["Paris"]


def test_without_warming_the_first_question_loads_the_rules(tmp_path, monkeypatch):
    pipeline = Pipeline(make_corpus(tmp_path, one="Alice lives in Paris."), tmp_path / "index", refresh_interval=None)
    monkeypatch.setattr(qa.service, "load_rules", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("loaded")))
    with pytest.raises(RuntimeError, match="loaded"):
        pipeline.ask("Where does Alice live?")
