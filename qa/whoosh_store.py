"""The sentence store on Whoosh: one Whoosh document per sentence, BM25F scores summed by qa/bm25.py.

A document's record (`DocumentInfo`) rides on its first sentence: stored, and
its file digest indexed as a `version` term ("<doc>/<digest>"), so that the
digests of every document come from one walk of a term list.

Whoosh writes a commit as new immutable segment files, then a new table of
contents naming them (renamed into place: a killed commit leaves the previous
generation). Just before the table of contents is written, the SHA-256 of
every new segment file is recorded in `segments.json`; `verify()` checks the
files the current table of contents names against those records, so a
truncated, zeroed or altered segment is caught though the index changes in
place. Writes commit without merging; `compact()` merges size tiers of
segments and rewrites segments that are mostly deleted sentences.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.reading import SegmentReader
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from qa import bm25
from qa.lexicon import TERM, TERM_MIN_LENGTH, Lexicon
from qa.records import Entity, Reference
from qa.store import BODY, Annotated, DocumentFacts, DocumentInfo, Found, Query, StoredDocument, StoredSentence
from qa.text import stem

# BM25F parameters. A sentence is short: a word said twice says little more than once (low K1).
# Chosen on SQuAD dev articles 1-8, checked on articles 25-32: the answer's sentence first
# 63.8% / 68.9% of the time with K1 0.5, against 61.8% / 66.6% with Whoosh's default 1.2.
BM25_B = 0.75
BM25_K1 = 0.5
WRITER_MEMORY_MB = 128  # Whoosh's indexing buffer: larger batches, fewer segments to merge
STORED_CACHE = 8192  # sentences per reader: a hit and the sentences before it are read again and again
TOC_FILE = re.compile(r"_MAIN_[0-9]+\.toc")  # Whoosh's table of contents of one generation
RECORDS = "segments.json"  # the SHA-256 of every segment file, recorded as it is written
MERGE_FANOUT = 4  # this many segments of one size tier (sizes within a factor 4) are merged into one
EXPUNGE_SHARE = 0.3  # a segment whose sentences are this share deleted is rewritten without them


def analyzer(lexicon: Lexicon):
    """Return the analyzer of the body field: the same steps as `Lexicon.terms`."""
    return (
        RegexTokenizer(TERM.pattern)
        | LowercaseFilter()
        | StopFilter(stoplist=lexicon.stopwords, minsize=TERM_MIN_LENGTH)
        | StemFilter(stemfn=stem, cachesize=None)  # qa.text.stem keeps its own (faster) cache
    )


def schema(lexicon: Lexicon) -> Schema:
    """Return the Whoosh schema: one document per sentence."""
    return Schema(
        id=ID(stored=True, unique=True),  # "doc#index"
        doc=ID(stored=True),
        index=STORED(),  # read back, never searched or sorted: indexed, it cost a dozen terms a sentence
        paragraph=STORED(),
        text=STORED(),
        body=TEXT(analyzer=analyzer(lexicon), phrase=True),
        types=KEYWORD(scorable=True),  # searched (label boosts), never read back
        entities=STORED(),
        refers=TEXT(analyzer=analyzer(lexicon), stored=True),  # the names the sentence's pronouns and descriptions stand for
        references=STORED(),
        facts=STORED(),  # the document's facts, on its first sentence only
        version=ID(),  # on a document's first sentence: "<doc>/<file digest>"
        info=STORED(),  # on a document's first sentence: its DocumentInfo
    )


def sentence_id(doc: str, index: int) -> str:
    """Return the unique key of a sentence."""
    return f"{doc}#{index}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _segment_files(names, segment) -> list[str]:
    prefix = segment.segment_id() + "."
    return sorted(n for n in names if n.startswith(prefix))


def merge_plan(segments) -> list:
    """Return the segments worth merging now (none: leave them): a full size tier, or one mostly deleted."""
    tiers: dict[int, list] = {}
    for segment in segments:
        tiers.setdefault(int(math.log(max(segment.doc_count_all(), 1), MERGE_FANOUT)), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= MERGE_FANOUT:
            # The full tier with every smaller segment: what is merged never waits for a bigger tier to fill.
            return [s for t in sorted(tiers) if t <= tier for s in tiers[t]]
    for segment in segments:
        if segment.deleted_count() > EXPUNGE_SHARE * segment.doc_count_all():
            return [segment]
    return []


class WhooshStore:
    """A sentence store in one Whoosh index directory."""

    def __init__(self, ix, path: Path | None = None):
        self._ix = ix
        self._path = Path(path) if path is not None else None
        self._local = threading.local()  # one searcher per thread
        self._verified: dict[str, tuple] = {}  # segment file -> (inode, size, mtime) when its digest was checked

    @classmethod
    def create(cls, path: Path, lexicon: Lexicon) -> "WhooshStore":
        """Create an empty store in a directory."""
        store = cls(whoosh_index.create_in(str(path), schema(lexicon)), path)
        store._write_records({})
        return store

    @classmethod
    def open(cls, path: Path) -> "WhooshStore":
        """Open the store of a directory."""
        return cls(whoosh_index.open_dir(str(path)), path)

    @staticmethod
    def exists(path: Path) -> bool:
        """Tell whether a directory holds a store (a table of contents: whether it is intact is verify's business)."""
        try:
            return any(TOC_FILE.fullmatch(name) for name in os.listdir(path))
        except OSError:
            return False

    @contextlib.contextmanager
    def view(self):
        """Yield this thread's snapshot, refreshed when the index changed since it was opened."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or not searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): Whoosh 2.7.4 reuses no reader anyway (it keys them by
            # generation, looks them up by segment id), and when a merge deletes a file under its retry loop
            # it closes the old reader twice and raises ReaderClosed.
            fresh = self._ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
            if searcher is not None:
                searcher.close()  # this thread's own: no view of it is in use
            searcher = self._local.searcher = fresh
        yield WhooshView(searcher)

    @contextlib.contextmanager
    def writer(self):
        """Yield a writer; leaving the block commits a new segment (merging nothing), an exception cancels."""
        writer = self._recording(self._ix.writer(limitmb=WRITER_MEMORY_MB))
        try:
            yield WhooshWriter(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)

    def compact(self) -> bool:
        """Merge a full size tier of segments, or rewrite a mostly deleted one; return whether it merged."""
        if not merge_plan(self._ix._segments()):
            return False
        writer = self._recording(self._ix.writer(limitmb=WRITER_MEMORY_MB))
        merged = []

        def policy(w, segments):
            plan = merge_plan(segments)
            for segment in plan:
                if segment.doc_count():  # a segment of deleted sentences only is dropped, not read
                    reader = SegmentReader(w.storage, w.schema, segment)
                    w.add_reader(reader)
                    reader.close()
            merged.extend(plan)
            return [s for s in segments if s not in plan]

        try:
            writer.commit(mergetype=policy)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return bool(merged)

    def segment_count(self) -> int:
        """Return how many segments the store's current generation has."""
        return len(self._ix._segments())

    # --- integrity ---------------------------------------------------------------------------

    def _records_path(self) -> Path:
        if self._path is None:
            raise RuntimeError("a store opened without its directory keeps no integrity records")
        return self._path / RECORDS

    def _read_records(self) -> dict[str, str]:
        data = json.loads(self._records_path().read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("integrity records are not an object")
        return data

    def _write_records(self, records: dict[str, str]) -> None:
        path = self._records_path()
        staged = path.with_name(f".{RECORDS}.{os.getpid()}.{threading.get_ident()}")
        staged.write_text(json.dumps(records, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(staged, path)

    def _recording(self, writer):
        """Make a Whoosh writer record the digests of its segment files before its table of contents names them."""
        commit_toc = writer._commit_toc

        def record_then_commit(segments):
            names = set(os.listdir(self._path))
            for name in names:
                if name.startswith(f".{RECORDS}."):  # staged by a writer that was killed (this one holds the lock)
                    (self._path / name).unlink(missing_ok=True)
            records = {n: d for n, d in self._read_records().items() if n in names}
            for segment in segments:
                for name in _segment_files(names, segment):
                    if name not in records:
                        records[name] = _sha256(self._path / name)
            self._write_records(records)
            commit_toc(segments)

        writer._commit_toc = record_then_commit
        return writer

    def verify(self) -> bool:
        """Tell whether every segment file the current table of contents names has the digest recorded when written."""
        try:
            records = self._read_records()
            segments = self._ix._segments()
            names = set(os.listdir(self._path))
            for segment in segments:
                files = _segment_files(names, segment)
                if not files:
                    return False
                for name in files:
                    path = self._path / name
                    st = path.stat()
                    key = (st.st_ino, st.st_size, st.st_mtime_ns)
                    if self._verified.get(name) == key:
                        continue  # segment files never change once written: checked once per process
                    if records.get(name) != _sha256(path):
                        return False
                    self._verified[name] = key
            return True
        except Exception:  # a missing or unreadable file, a damaged table of contents or record
            return False

    @contextlib.contextmanager
    def searcher(self):
        """Yield a bare Whoosh searcher of the store (benchmarks compare against plain Whoosh with it)."""
        with self._ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)) as searcher:
            yield searcher

    def close(self) -> None:
        """Close this thread's searcher and the index."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
        self._ix.close()


class WhooshWriter:
    """Adds and deletes documents through one Whoosh writer."""

    def __init__(self, writer):
        self._writer = writer

    def add(self, doc: str, annotated: Annotated, info: DocumentInfo | None = None) -> None:
        """Add a document's annotated sentences; its facts and record ride on the first."""
        info = info or DocumentInfo()
        rows = zip(annotated.sentences, annotated.entities, annotated.references, annotated.refers)
        for number, (sentence, found, references, refers) in enumerate(rows):
            fields = dict(
                id=sentence_id(doc, sentence.index),
                doc=doc,
                index=sentence.index,
                paragraph=sentence.paragraph,
                text=sentence.text,
                body=sentence.text,
                types=" ".join(sorted({e.label for e in found})),
                entities=[e.to_json() for e in found],
                refers=refers,
                references=[r.to_json() for r in references],
            )
            if number == 0:
                fields.update(facts=annotated.facts.to_json(), version=f"{doc}/{info.digest}", info=dict(info.__dict__))
            self._writer.add_document(**fields)

    def delete(self, doc: str) -> None:
        """Delete every sentence of a document."""
        self._writer.delete_by_term("doc", doc)


_STORED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_STORED_LOCK = threading.Lock()
_COUNTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # reader -> sentences per document


def _terms(reader, field: str):
    for term in reader.lexicon(field):
        yield term.decode("utf-8") if isinstance(term, bytes) else term


def _live(reader, field: str, term: str) -> int:
    """Return how many live documents of a leaf reader hold a term."""
    if not reader.has_deletions():
        return reader.doc_frequency(field, term)
    count = 0
    postings = reader.postings(field, term)
    while postings.is_active():
        count += not reader.is_deleted(postings.id())
        postings.next()
    return count


class WhooshView:
    """One searcher's snapshot of the store."""

    def __init__(self, searcher):
        self._searcher = searcher
        reader = searcher.reader()
        with _STORED_LOCK:
            cache = _STORED.get(reader)
            if cache is None:
                cache = _STORED[reader] = OrderedDict()
        self._stored = cache  # stored fields by docnum, per reader: they never change

    def _fields(self, docnum: int) -> dict:
        cache = self._stored
        fields = cache.get(docnum)
        if fields is None:
            fields = self._searcher.stored_fields(docnum)
            info = fields.pop("info", None)  # a document's record and text: not kept for every hit
            if info and info.get("date"):
                fields["given_date"] = info["date"]  # but its date is one of the document's facts
            cache[docnum] = fields
            if len(cache) > STORED_CACHE:
                cache.popitem(last=False)
        return fields

    def _cached(self, key: tuple, make):
        """Return what make() builds for key, kept with this reader's stored fields (it never changes)."""
        cache = self._stored
        value = cache.get(key)
        if value is None:
            value = cache[key] = make()
            if len(cache) > STORED_CACHE:
                cache.popitem(last=False)
        return value

    def search(self, query: Query, limit: int, doc: str | None = None) -> list[Found]:
        """Return the best sentences for a query, best first, ties by document number."""
        if not query.clauses:
            return []
        allowed = bm25.docs_of(self._searcher, "doc", doc) if doc is not None else None
        weighting = self._searcher.weighting
        best = bm25.top(self._searcher, query.clauses, query.boosts, limit, weighting.B, weighting.K1, allowed)
        return [Found(score, docnum) for score, docnum in best]

    def sentence(self, ref: int) -> StoredSentence:
        """Return a sentence by its document number."""
        return self._cached(("sentence", ref), lambda: self._sentence(ref))

    def _sentence(self, ref: int) -> StoredSentence:
        fields = self._fields(ref)
        self._stored[("at", fields["doc"], fields["index"])] = ref  # where its neighbours are looked for first
        text = fields["text"]
        entities = tuple(Entity.from_json(text, row) for row in fields.get("entities", []))
        references = tuple(Reference.from_json(text, row) for row in fields.get("references", []))
        return StoredSentence(fields["doc"], fields["index"], fields["paragraph"], text, entities, references, fields.get("refers", ""))

    def facts(self, doc: str) -> DocumentFacts:
        """Return the facts stored with a document's first sentence; the date given with it before its dateline's."""
        docnum = self._docnum(sentence_id(doc, 0))
        if docnum is None:
            return DocumentFacts()
        fields = self._fields(docnum)
        facts = DocumentFacts.from_json(fields.get("facts"))
        return dataclasses.replace(facts, date=fields["given_date"]) if fields.get("given_date") else facts

    def _docnum(self, key: str) -> int | None:
        """Return the live document number of a sentence id (a replaced document's old ones are deleted)."""
        for reader, offset in self._searcher.reader().leaf_readers():
            if ("id", key) not in reader:
                continue
            postings = reader.postings("id", key)
            while postings.is_active():
                docnum = postings.id()
                if not reader.is_deleted(docnum):
                    return docnum + offset
                postings.next()
        return None

    def neighbours(self, doc: str, index: int, before: int, after: int = 0) -> list[StoredSentence]:
        """Return the sentences around a sentence of a document, in order, without it."""
        return list(self._cached(("neighbours", doc, index, before, after), lambda: tuple(self._neighbours(doc, index, before, after))))

    def _neighbours(self, doc: str, index: int, before: int, after: int) -> list[StoredSentence]:
        found = []
        at = self._stored.get(("at", doc, index))
        for number in [*range(index - before, index), *range(index + 1, index + after + 1)]:
            if number < 0:
                continue
            # A document's sentences are written together, in order: its neighbour is most likely next to it.
            docnum = self._beside(at, doc, number - index) if at is not None else None
            if docnum is None:
                docnum = self._docnum(sentence_id(doc, number))
            if docnum is not None:
                found.append(self.sentence(docnum))
        return found

    def _beside(self, at: int, doc: str, offset: int) -> int | None:
        """Return the document number `offset` away from `at` if it holds that sentence of doc, live."""
        guess = at + offset
        reader = self._searcher.reader()
        if not 0 <= guess < reader.doc_count_all() or reader.is_deleted(guess):
            return None
        fields = self._fields(guess)
        at_index = self._fields(at)["index"]
        return guess if fields["doc"] == doc and fields["index"] == at_index + offset else None

    def documents(self) -> dict[str, int]:
        """Return every document id with its number of live sentences, sorted by id."""
        reader = self._searcher.reader()
        with _STORED_LOCK:
            counts = _COUNTS.get(reader)
        if counts is None:
            found: dict[str, int] = {}
            for leaf, _ in reader.leaf_readers():
                for doc in _terms(leaf, "doc"):
                    count = _live(leaf, "doc", doc)
                    if count:
                        found[doc] = found.get(doc, 0) + count
            counts = dict(sorted(found.items()))
            with _STORED_LOCK:
                _COUNTS[reader] = counts
        return dict(counts)

    def document(self, doc: str) -> StoredDocument | None:
        """Return a document's record and sentence count, or None."""
        docnum = self._docnum(sentence_id(doc, 0))
        if docnum is None:
            return None
        fields = self._searcher.stored_fields(docnum)  # not cached: it holds the whole text
        info = DocumentInfo(**fields.get("info", {}))
        return StoredDocument(doc, info, len(bm25.docs_of(self._searcher, "doc", doc)))

    def sentences(self, doc: str) -> list[StoredSentence]:
        """Return every live sentence of a document, in order."""
        found = [self.sentence(docnum) for docnum in bm25.docs_of(self._searcher, "doc", doc)]
        return sorted(found, key=lambda s: s.index)

    def digests(self) -> dict[str, str]:
        """Return every document id with the digest of its file, from the version terms of first sentences."""
        found = {}
        for leaf, _ in self._searcher.reader().leaf_readers():
            for term in _terms(leaf, "version"):
                if _live(leaf, "version", term):
                    doc, _, digest = term.rpartition("/")
                    found[doc] = digest
        return found

    def has_document(self, doc: str) -> bool:
        """Tell whether the store holds a live sentence of a document."""
        return bool(bm25.docs_of(self._searcher, "doc", doc))

    def sentence_count(self) -> int:
        """Return how many live sentences the store holds."""
        return self._searcher.doc_count()

    def doc_frequency(self, term: str) -> int:
        """Return how many sentences hold an index term of the body (deleted ones may still count)."""
        return self._searcher.doc_frequency(BODY, term)
