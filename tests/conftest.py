"""Shared fixtures: a copy of the corpus, a built index, the app, its client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from qa.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTICLE = "blinken-central-asia"


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """A private copy of the repository's corpus."""
    target = tmp_path_factory.mktemp("corpus")
    for path in CORPUS.iterdir():  # the documents and their example questions
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """The index directory of the session's shared pipeline."""
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="session")
def pipeline(corpus_dir, index_dir) -> Pipeline:
    """A pipeline over the corpus copy, index built once for the session."""
    pipeline = Pipeline(corpus_dir, index_dir)
    pipeline.service.ensure()
    return pipeline


@pytest.fixture(scope="session")
def app(corpus_dir, index_dir, pipeline):
    """The Flask app over the session's corpus and index."""
    app = create_app({"CORPUS_DIR": str(corpus_dir), "INDEX_DIR": str(index_dir), "TESTING": True})
    return app


@pytest.fixture()
def client(app):
    """A test client of the app."""
    return app.test_client()


def make_corpus(tmp_path: Path, **documents: str) -> Path:
    """Write a corpus of documents given as id=text into tmp_path/corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for doc, text in documents.items():
        (corpus / f"{doc}.txt").write_text(text, encoding="utf-8")
    return corpus
