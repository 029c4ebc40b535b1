"""The contract of a sentence store (qa/store.py), run against every implementation.

A second store (another engine) is checked by adding its factory to STORES.
"""

from __future__ import annotations

import pytest

from qa.records import Entity, Reference
from qa.store import BODY, REFERS, TYPES, Annotated, Clause, DocumentFacts, DocumentInfo, Query
from qa.text import Sentence
from qa.whoosh_store import WhooshStore
from tests.rulesets import LEX


def whoosh(path):
    return WhooshStore.create(path, LEX)


STORES = [pytest.param(whoosh, id="whoosh")]


def sentences(doc: str, *texts: str, paragraphs=None) -> list[Sentence]:
    paragraphs = paragraphs or [0] * len(texts)
    return [Sentence(doc, i, p, 0, len(t), t) for i, (t, p) in enumerate(zip(texts, paragraphs))]


def annotated(doc: str, *texts: str, paragraphs=None, entities=None, references=None, refers=None, facts=None) -> Annotated:
    rows = sentences(doc, *texts, paragraphs=paragraphs)
    return Annotated(
        rows,
        entities or [[] for _ in rows],
        references or [[] for _ in rows],
        refers or ["" for _ in rows],
        facts or DocumentFacts(),
    )


def money(text: str) -> list[Entity]:
    start = text.index("$")
    end = text.index(".", start + 2)
    return [Entity(start, end, text[start:end], "MONEY", "money-symbol", 0.95)]


def words(text: str) -> Query:
    return Query(tuple(Clause(BODY, (stem,)) for stem in LEX.stems(text)))


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    store = request.param(tmp_path)
    with store.writer() as writer:
        texts = ("The port reopened on Monday.", "Oil prices rose at the port.", "The oil tanker paid $5 million.")
        info = DocumentInfo("d1" * 32, "Port news", "2024-05-01", "The Gazette", " ".join(texts))
        writer.add("harbour", annotated("harbour", *texts, paragraphs=[0, 0, 1], entities=[[], [], money(texts[2])],
                                        facts=DocumentFacts(headline="Port news", place="Elmford", country="Kenya", date="2024-05-01")),
                   info)
        writer.add("farm", annotated("farm", "Wheat prices fell.", "It sold oil seed.", references=[[], [Reference(0, 2, "It", "Elm Farm", "ORG", "pronoun")]],
                                     refers=["", "Elm Farm"]), DocumentInfo("f1" * 32))
    yield store
    store.close()


def texts(view, found) -> list[str]:
    return [view.sentence(f.ref).text for f in found]


@pytest.mark.parametrize("make", STORES)
def test_an_empty_store_finds_nothing(tmp_path, make):
    store = make(tmp_path)
    with store.view() as view:
        assert view.search(words("oil"), 10) == []
        assert view.documents() == {} and view.sentence_count() == 0
    store.close()


def test_documents_and_counts(store):
    with store.view() as view:
        assert view.documents() == {"harbour": 3, "farm": 2}
        assert view.sentence_count() == 5
        assert view.has_document("farm") and not view.has_document("nowhere")
        assert view.doc_frequency(LEX.stems("oil")[0]) == 3
        assert view.doc_frequency("zzzz") == 0


def test_more_matching_words_rank_higher_and_ties_keep_storage_order(store):
    with store.view() as view:
        found = view.search(words("oil port"), 10)
        assert texts(view, found)[0] == "Oil prices rose at the port."
        scores = [f.score for f in found]
        assert scores == sorted(scores, reverse=True)
        assert len(found) == 4  # every sentence with either word, no other


def test_the_limit_and_the_document_filter(store):
    with store.view() as view:
        assert len(view.search(words("oil port"), 2)) == 2
        found = view.search(words("oil prices"), 10, doc="farm")
        assert {view.sentence(f.ref).doc for f in found} == {"farm"}
        assert view.search(words("oil"), 10, doc="nowhere") == []


def test_a_phrase_needs_its_words_next_to_each_other(store):
    with store.view() as view:
        phrase = Query((Clause(BODY, tuple(LEX.stems("oil prices"))),))
        assert texts(view, view.search(phrase, 10)) == ["Oil prices rose at the port."]


def test_boosts_only_raise_sentences_the_words_found(store):
    with store.view() as view:
        plain = view.search(words("oil"), 10)
        boosted = view.search(Query(words("oil").clauses, (Clause(TYPES, ("MONEY",), 5.0),)), 10)
        assert texts(view, boosted)[0] == "The oil tanker paid $5 million."
        assert len(boosted) == len(plain)  # the boost found no sentence of its own


def test_a_sentence_comes_back_as_it_was_stored(store):
    with store.view() as view:
        (found,) = view.search(words("tanker"), 10)
        sentence = view.sentence(found.ref)
        assert (sentence.doc, sentence.index, sentence.paragraph) == ("harbour", 2, 1)
        assert [(e.text, e.label, e.rule, e.confidence) for e in sentence.entities] == [("$5 million", "MONEY", "money-symbol", 0.95)]


def test_neighbours_stay_inside_their_document(store):
    with store.view() as view:
        assert [s.index for s in view.neighbours("harbour", 2, before=5)] == [0, 1]
        assert [s.index for s in view.neighbours("harbour", 0, before=2, after=1)] == [1]
        assert [s.text for s in view.neighbours("farm", 0, before=1, after=5)] == ["It sold oil seed."]
        assert view.neighbours("nowhere", 3, before=2, after=2) == []


def test_a_failed_write_changes_nothing(store):
    with pytest.raises(RuntimeError):
        with store.writer() as writer:
            writer.add("late", annotated("late", "Oil spilled late."))
            raise RuntimeError("the writer's caller failed")
    with store.view() as view:
        assert "late" not in view.documents()


def test_deleting_and_replacing_a_document(store):
    with store.writer() as writer:
        writer.delete("farm")
    with store.view() as view:
        assert view.documents() == {"harbour": 3}
        assert all(view.sentence(f.ref).doc == "harbour" for f in view.search(words("oil prices"), 10))
        assert view.neighbours("farm", 1, before=1) == []
    with store.writer() as writer:
        writer.delete("harbour")
        writer.add("harbour", annotated("harbour", "The port closed.", "Oil prices fell."))
    with store.view() as view:
        assert view.documents() == {"harbour": 2}
        assert texts(view, view.search(words("port"), 10)) == ["The port closed."]
        assert [s.text for s in view.neighbours("harbour", 1, before=1)] == ["The port closed."]


def test_a_view_is_a_snapshot_and_a_later_view_sees_the_write(store):
    with store.view() as before:
        with store.writer() as writer:
            writer.add("late", annotated("late", "Oil spilled late."))
        assert "late" not in before.documents()
    with store.view() as after:
        assert "late" in after.documents()


def test_a_document_record_comes_back_with_its_sentence_count(store):
    with store.view() as view:
        harbour = view.document("harbour")
        assert harbour.id == "harbour" and harbour.sentences == 3
        assert harbour.info == DocumentInfo(
            "d1" * 32, "Port news", "2024-05-01", "The Gazette",
            "The port reopened on Monday. Oil prices rose at the port. The oil tanker paid $5 million.",
        )
        assert view.document("farm").info == DocumentInfo("f1" * 32)
        assert view.document("nowhere") is None


def test_every_sentence_of_a_document_in_order(store):
    with store.view() as view:
        assert [(s.index, s.paragraph) for s in view.sentences("harbour")] == [(0, 0), (1, 0), (2, 1)]
        assert view.sentences("harbour")[2].entities[0].text == "$5 million"
        assert view.sentences("nowhere") == []


def test_digests_follow_adds_replacements_and_deletions(store):
    with store.view() as view:
        assert view.digests() == {"harbour": "d1" * 32, "farm": "f1" * 32}
    with store.writer() as writer:
        writer.delete("farm")
        writer.add("farm", annotated("farm", "Barley rose."), DocumentInfo("f2" * 32))
        writer.delete("harbour")
    with store.view() as view:
        assert view.digests() == {"farm": "f2" * 32}
        assert view.documents() == {"farm": 1}
        assert [s.text for s in view.sentences("farm")] == ["Barley rose."]


def test_a_document_without_sentences_is_not_stored(store):
    with store.writer() as writer:
        writer.add("empty", annotated("empty"), DocumentInfo("e" * 64))
    with store.view() as view:
        assert view.document("empty") is None and "empty" not in view.digests() and "empty" not in view.documents()


def test_documents_are_listed_sorted_by_id(store):
    with store.writer() as writer:
        for doc in ("zebra", "apple", "mango"):
            writer.add(doc, annotated(doc, f"The {doc} grew."), DocumentInfo(doc[0] * 64))
    with store.view() as view:
        assert list(view.documents()) == ["apple", "farm", "harbour", "mango", "zebra"]


def test_compaction_merges_many_small_writes_and_changes_no_content(store):
    for n in range(12):
        with store.writer() as writer:
            doc = f"note{n:02d}"
            if n % 3 == 0:
                writer.delete("farm")
                writer.add("farm", annotated("farm", f"Wheat prices fell {n} times.", "The farm sold oil seed."))
            writer.add(doc, annotated(doc, f"Oil note number {n}."), DocumentInfo(f"{n:064d}"))
    with store.view() as view:
        before = (view.documents(), view.digests(), texts(view, view.search(words("oil"), 50)))
    merged = False
    while store.compact():  # merges a tier at a time, until nothing is worth merging
        merged = True
    assert merged
    assert store.verify()
    with store.view() as view:
        after = (view.documents(), view.digests(), texts(view, view.search(words("oil"), 50)))
        assert sorted(after[2]) == sorted(before[2])
        assert after[:2] == before[:2]


def test_a_store_verifies_after_writes(store):
    assert store.verify()
    with store.writer() as writer:
        writer.add("late", annotated("late", "Oil spilled late."))
    assert store.verify()


def test_references_and_the_names_they_stand_for_are_stored_and_searched(store):
    with store.view() as view:
        (found,) = view.search(Query((Clause(REFERS, tuple(LEX.stems("Elm")),),)), 10)
        sentence = view.sentence(found.ref)
        assert sentence.text == "It sold oil seed."
        assert [(r.text, r.antecedent, r.label) for r in sentence.references] == [("It", "Elm Farm", "ORG")]
        # Retrieval counts the names as the sentence's own words (coverage): they come back too.
        assert sentence.refers == "Elm Farm"


def test_a_document_s_facts_come_back(store):
    with store.view() as view:
        facts = view.facts("harbour")
        assert (facts.headline, facts.place, facts.country, facts.date) == ("Port news", "Elmford", "Kenya", "2024-05-01")
        assert view.facts("farm") == DocumentFacts() and view.facts("nowhere") == DocumentFacts()


def test_neighbours_of_a_sentence_read_first_come_from_its_own_version(store):
    """A sentence's neighbours are found beside it; a replaced or interleaved document never lends its own."""
    with store.writer() as writer:
        writer.add("canal", annotated("canal", "The canal opened.", "Barges used it.", "Tolls rose."))
    with store.writer() as writer:
        writer.delete("canal")
        writer.add("lock", annotated("lock", "The lock gate broke.", "Boats waited."))
        writer.add("canal", annotated("canal", "The canal was drained.", "Fish were moved.", "Work began."))
    with store.view() as view:
        (found,) = view.search(words("work began"), 1)
        assert view.sentence(found.ref).text == "Work began."
        assert [s.text for s in view.neighbours("canal", 2, before=2)] == ["The canal was drained.", "Fish were moved."]
        (found,) = view.search(words("boats"), 1)
        view.sentence(found.ref)
        assert [s.text for s in view.neighbours("lock", 1, before=3, after=3)] == ["The lock gate broke."]


def test_a_date_given_with_a_document_comes_before_its_datelines(store):
    with store.writer() as writer:
        writer.add("dated", annotated("dated", "The port reopened.", facts=DocumentFacts(date="2024-05-01")),
                   DocumentInfo(digest="x", date="2024-06-02"))
    with store.view() as view:
        assert view.facts("dated").date == "2024-06-02"
        assert view.facts("harbour").date == "2024-05-01"  # no date given: the dateline's
