"""The Whoosh store's own machinery: which segments compaction merges, and integrity records of segment files."""

from __future__ import annotations

import json
from dataclasses import dataclass

from qa.store import Annotated, DocumentFacts, DocumentInfo
from qa.text import Sentence
from qa.whoosh_store import MERGE_FANOUT, RECORDS, WhooshStore, merge_plan
from tests.rulesets import LEX


@dataclass(eq=False)
class FakeSegment:
    docs: int
    deleted: int = 0

    def doc_count_all(self):
        return self.docs

    def deleted_count(self):
        return self.deleted


def test_a_full_tier_is_merged_with_every_smaller_segment():
    big = FakeSegment(100_000)
    small = [FakeSegment(30) for _ in range(MERGE_FANOUT)]
    tiny = FakeSegment(2)
    assert set(merge_plan([big, *small, tiny])) == {*small, tiny}
    assert merge_plan([big, *small[:-1], tiny]) == []  # no tier is full yet


def test_a_mostly_deleted_segment_is_rewritten_alone():
    big, busy = FakeSegment(100_000, deleted=40_000), FakeSegment(100_000, deleted=10)
    assert merge_plan([big, FakeSegment(30)]) == [big]
    assert merge_plan([busy, FakeSegment(30)]) == []


def write_one(store, n: int) -> None:
    doc = f"d{n}"
    text = f"Note {n} about oil."
    with store.writer() as writer:
        writer.delete(doc)
        writer.add(doc, Annotated([Sentence(doc, 0, 0, 0, len(text), text)], [[]], [[]], [""], DocumentFacts()), DocumentInfo(f"{n:064d}"))


def test_segments_stay_few_when_compaction_runs_between_writes(tmp_path):
    store = WhooshStore.create(tmp_path, LEX)
    counts = []
    for n in range(60):
        write_one(store, n % 20)  # replacements too: deleted sentences pile up in old segments
        while store.compact():
            pass
        counts.append(store.segment_count())
    assert max(counts) < 2 * MERGE_FANOUT
    with store.view() as view:
        assert len(view.documents()) == 20 and view.sentence_count() == 20
    store.close()


def test_every_segment_file_is_recorded_before_its_table_of_contents_names_it(tmp_path):
    store = WhooshStore.create(tmp_path, LEX)
    for n in range(3):
        write_one(store, n)
    records = json.loads((tmp_path / RECORDS).read_text())
    segment_files = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".seg")
    assert sorted(records) == segment_files and len(segment_files) == 3
    while store.compact():
        pass
    write_one(store, 9)
    records = json.loads((tmp_path / RECORDS).read_text())
    # Files merged away are dropped from the records once they are gone.
    assert set(records) <= {p.name for p in tmp_path.iterdir()}
    assert store.verify()
    store.close()
