"""qa.bm25 sums the same BM25F scores as Whoosh's own exhaustive search, in the same order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import scoring
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from qa import bm25
from qa.store import Clause
from tests.rulesets import LEX

WORDS = ["oil", "gas", "price", "fell", "rose", "bank", "war", "aid", "city", "port"]
LABELS = ["PERSON", "PLACE", "MONEY"]
B, K1 = 0.75, 1.2

sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
labels = st.lists(st.sampled_from(LABELS), max_size=2, unique=True).map(" ".join)
document = st.tuples(sentence, labels, st.sampled_from(["a", "b", "c"]))
clause = st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(tuple), st.sampled_from([1.0, 0.6]))
boost = st.tuples(st.sampled_from(LABELS), st.sampled_from([0.8, 0.32]))


def _schema() -> Schema:
    return Schema(id=ID(stored=True, unique=True), doc=ID(stored=True), body=TEXT(analyzer=StandardAnalyzer(stoplist=None), phrase=True), types=KEYWORD(scorable=True))


def _build(path, documents, segments: int = 1, delete: int | None = None):
    ix = whoosh_index.create_in(str(path), _schema())
    per = max(1, -(-len(documents) // segments))
    for start in range(0, len(documents), per):
        writer = ix.writer()
        for number, (text, types, doc) in enumerate(documents[start : start + per], start=start):
            writer.add_document(id=str(number), doc=doc, body=text, types=types)
        writer.commit(merge=False)  # one segment per commit: the search spans several readers
    if delete is not None:
        writer = ix.writer()
        writer.delete_by_term("id", str(delete))
        writer.commit(merge=False)
    return ix


def _whoosh(searcher, clauses, boosts, limit, doc=None):
    """Whoosh's exhaustive (limit=None) AndMaybe(Or(clauses), Or(boosts)), filtered to a document."""
    parts = [Q.Term("body", t[0], boost=b) if len(t) == 1 else Q.Phrase("body", list(t), boost=b) for t, b in clauses]
    query = Q.Or(parts)
    if boosts:
        query = Q.AndMaybe(query, Q.Or([Q.Term("types", label.lower(), boost=b) for label, b in boosts]))
    results = searcher.search(query, limit=None)
    rows = [(round(hit.score, 9), hit.docnum) for hit in results if doc is None or hit["doc"] == doc]
    return sorted(rows, key=lambda row: (-row[0], row[1]))[:limit]


def _ours(searcher, clauses, boosts, limit, doc=None):
    allowed = bm25.docs_of(searcher, "doc", doc) if doc else None
    found = bm25.top(
        searcher,
        [Clause("body", t, b) for t, b in clauses],
        [Clause("types", (label.lower(),), b) for label, b in boosts],
        limit,
        B,
        K1,
        allowed,
    )
    return [(round(score, 9), docnum) for score, docnum in found]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    documents=st.lists(document, min_size=1, max_size=25),
    clauses=st.lists(clause, min_size=1, max_size=6),
    boosts=st.lists(boost, max_size=2, unique_by=lambda b: b[0]),
    limit=st.integers(1, 12),
    segments=st.integers(1, 3),
    doc=st.sampled_from([None, "a", "b"]),
)
def test_the_same_scores_and_order_as_whooshs_exhaustive_search(tmp_path_factory, documents, clauses, boosts, limit, segments, doc):
    ix = _build(tmp_path_factory.mktemp("ix"), documents, segments)
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as searcher:
        assert _ours(searcher, clauses, boosts, limit, doc) == _whoosh(searcher, clauses, boosts, limit, doc)


def test_a_phrase_needs_its_words_next_to_each_other(tmp_path):
    ix = _build(tmp_path, [("oil price fell", "", "a"), ("price of oil fell", "", "a"), ("oil rose price", "", "a")])
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as searcher:
        found = [docnum for _, docnum in bm25.top(searcher, [Clause("body", ("oil", "price"))], [], 10, B, K1)]
    assert found == [0]


def test_deleted_documents_are_never_returned(tmp_path):
    ix = _build(tmp_path, [("oil fell", "", "a"), ("oil rose", "", "a"), ("gas fell", "", "a")], delete=0)
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as searcher:
        found = bm25.top(searcher, [Clause("body", ("oil",))], [], 10, B, K1)
        assert [docnum for _, docnum in found] == [1]


def test_a_word_the_index_lacks_matches_nothing(tmp_path):
    ix = _build(tmp_path, [("oil fell", "", "a")])
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as searcher:
        assert bm25.top(searcher, [Clause("body", ("zinc",)), Clause("body", ("zinc", "oil"))], [], 10, B, K1) == []


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_ties_go_to_the_earlier_document(tmp_path, limit):
    ix = _build(tmp_path, [("oil fell", "", "a")] * 4)
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as searcher:
        found = bm25.top(searcher, [Clause("body", ("oil",))], [], limit, B, K1)
    assert [docnum for _, docnum in found] == list(range(limit))


def test_an_index_of_several_segments_is_searched_across_them(tmp_path):
    documents = [("oil fell", "PERSON", "a"), ("gas fell", "", "b"), ("oil rose", "PERSON", "b"), ("oil oil", "", "c")]
    ix = _build(tmp_path, documents, segments=3)
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as searcher:
        assert len(searcher.reader().leaf_readers()) > 1
        clauses, boosts = [(("oil",), 1.0), (("fell",), 0.6)], [("PERSON", 0.8)]
        assert _ours(searcher, clauses, boosts, 10) == _whoosh(searcher, clauses, boosts, 10)
        assert _ours(searcher, clauses, boosts, 10, "b") == _whoosh(searcher, clauses, boosts, 10, "b")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab.' \u2019-,Éé9_\u0301\u4e2d") + ["the ", "U.S. ", "it's ", "Oil ", "İ"]), max_size=30).map("".join))
def test_retrieval_tokens_are_the_index_analyzers_own(text):
    from qa.whoosh_store import analyzer

    assert list(LEX.terms(text)) == [(t.text, t.startchar, t.endchar) for t in analyzer(LEX)(text, chars=True)]
