"""The sentence index: built on first use, reconciled with the corpus incrementally, rebuilt and swapped in atomically."""

import os

import pytest

import qa.index
from qa.index import CURRENT, read_manifest
from qa.service import Service
from qa.pipeline import Pipeline
from tests.conftest import make_corpus


def test_first_use_builds_the_index(tmp_path):
    corpus = make_corpus(tmp_path, one="Alice Walker lives in Paris. She writes.", two="Bob ran.")
    pipeline = Pipeline(corpus, tmp_path / "index")
    result = pipeline.ask("Where does Alice Walker live?")
    assert [a.text for a in result.answers][:1] == ["Paris"]
    state = pipeline.service.state()
    assert state.documents == {"one": 2, "two": 1}
    assert state.sentences == 3


def test_a_changed_corpus_makes_the_index_stale_and_it_is_reconciled_in_place(tmp_path):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.", two="Bob lives in Rome.")
    index = Service(corpus, tmp_path / "index")
    index.ensure()
    first = read_manifest(tmp_path / "index")[0]
    assert not index.is_stale()
    (corpus / "three.txt").write_text("Carol lives in Oslo. She sails.", encoding="utf-8")
    (corpus / "one.txt").write_text("Alice moved to Lyon.", encoding="utf-8")
    (corpus / "two.txt").unlink()
    assert index.is_stale()
    assert set(index.ensure().documents) == {"one", "three"}
    assert read_manifest(tmp_path / "index")[0] == first  # the same build, changed in place: no rebuild
    assert not index.is_stale()
    with index.snapshot().store.view() as view:
        assert [s.text for s in view.sentences("one")] == ["Alice moved to Lyon."]
        assert view.documents() == {"one": 1, "three": 2}


def test_invalid_utf8_file_is_reported_and_skipped(tmp_path):
    corpus = make_corpus(tmp_path, good="Alice lives in Paris.")
    (corpus / "bad.txt").write_bytes(b"caf\xe9 au lait")
    state = Service(corpus, tmp_path / "index").ensure()
    assert state.documents == {"good": 1}
    assert state.skipped == [{"path": "bad.txt", "reason": "not valid UTF-8 at byte 3"}]


def explode(*args, **kwargs):
    raise RuntimeError("disk on fire")


def test_a_crash_during_a_rebuild_leaves_the_previous_index_serving(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.")
    index = Service(corpus, tmp_path / "index")
    index.ensure()
    before = read_manifest(tmp_path / "index")
    (corpus / "two.txt").write_text("Bob lives in Rome.", encoding="utf-8")
    monkeypatch.setattr(qa.index, "split_and_annotate", explode)
    with pytest.raises(RuntimeError):
        index.ensure(rebuild=True)
    after = read_manifest(tmp_path / "index")
    assert after[0] == before[0]
    with index.snapshot().store.view() as view:
        assert view.documents() == {"one": 1}
    assert not [p for p in (tmp_path / "index" / "builds").iterdir() if p.name.startswith(".tmp-")]
    monkeypatch.undo()
    assert set(index.ensure().documents) == {"one", "two"}


def test_a_crash_during_a_reconciliation_changes_nothing(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.")
    index = Service(corpus, tmp_path / "index")
    index.ensure()
    (corpus / "two.txt").write_text("Bob lives in Rome.", encoding="utf-8")
    (corpus / "one.txt").write_text("Alice lives in Lyon.", encoding="utf-8")
    monkeypatch.setattr(qa.index, "split_and_annotate", explode)
    with pytest.raises(RuntimeError):
        index.ensure()
    with index.snapshot().store.view() as view:
        assert view.documents() == {"one": 1}
        assert [s.text for s in view.sentences("one")] == ["Alice lives in Paris."]
    monkeypatch.undo()
    assert index.ensure().documents == {"one": 1, "two": 1}


def test_a_foreign_index_directory_is_rebuilt_not_served(tmp_path):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.")
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "something.txt").write_text("not an index")
    os.symlink("nowhere", index_dir / CURRENT)
    index = Service(corpus, index_dir)
    assert index.is_stale()
    assert index.ensure().documents == {"one": 1}


def test_a_build_without_manifest_is_not_current(tmp_path):
    corpus = make_corpus(tmp_path, one="Alice lives in Paris.")
    index = Service(corpus, tmp_path / "index")
    index.ensure()
    target = (tmp_path / "index" / CURRENT).resolve()
    (target / "manifest.json").unlink()
    assert read_manifest(tmp_path / "index") is None
    assert index.ensure().documents == {"one": 1}


def test_asking_within_one_document_of_a_larger_corpus(tmp_path):
    """Restricting to a document keeps only its sentences and ranks them as without the restriction."""
    # Enough sentences per word (over Whoosh's 128-posting blocks) that the search skips by quality.
    sentences = " ".join(f"Town {i} lies in Peru and has {i} farms." for i in range(150))
    docs = {f"doc{n}": sentences + f" Maria Lopez lives in Lima {n}." for n in range(6)}
    pipeline = Pipeline(make_corpus(tmp_path, **docs), tmp_path / "index")
    for doc in ("doc0", "doc5"):
        result = pipeline.ask("Where does Maria Lopez live?", doc=doc)
        assert result.answers and all(a.doc == doc for a in result.answers)
        assert result.answers[0].text == "Lima"
    assert pipeline.ask("How many farms does Town 3 have?", doc="doc3").answers
