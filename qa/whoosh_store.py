"""The sentence store on Whoosh: one Whoosh document per sentence, BM25F scores summed by qa/bm25.py."""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from qa import bm25
from qa.lexicon import TERM, TERM_MIN_LENGTH, Lexicon
from qa.records import Entity, Reference
from qa.store import BODY, Annotated, DocumentFacts, Found, Query, StoredSentence
from qa.text import stem

# BM25F parameters. A sentence is short: a word said twice says little more than once (low K1).
# Chosen on SQuAD dev articles 1-8, checked on articles 25-32: the answer's sentence first
# 63.8% / 68.9% of the time with K1 0.5, against 61.8% / 66.6% with Whoosh's default 1.2.
BM25_B = 0.75
BM25_K1 = 0.5
WRITER_MEMORY_MB = 128  # Whoosh's indexing buffer: larger batches, fewer segments to merge
STORED_CACHE = 8192  # sentences per reader: a hit and the sentences before it are read again and again


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
    )


def sentence_id(doc: str, index: int) -> str:
    """Return the unique key of a sentence."""
    return f"{doc}#{index}"


class WhooshStore:
    """A sentence store in one Whoosh index directory."""

    def __init__(self, ix):
        self._ix = ix
        self._local = threading.local()  # one searcher per thread

    @classmethod
    def create(cls, path: Path, lexicon: Lexicon) -> "WhooshStore":
        """Create an empty store in a directory."""
        return cls(whoosh_index.create_in(str(path), schema(lexicon)))

    @classmethod
    def open(cls, path: Path) -> "WhooshStore":
        """Open the store of a directory."""
        return cls(whoosh_index.open_dir(str(path)))

    @staticmethod
    def exists(path: Path) -> bool:
        """Tell whether a directory holds a store."""
        return whoosh_index.exists_in(str(path))

    @contextlib.contextmanager
    def view(self):
        """Yield this thread's snapshot, refreshed when the index changed since it was opened."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
        elif not searcher.up_to_date():
            searcher = searcher.refresh()
        self._local.searcher = searcher
        yield WhooshView(searcher)

    @contextlib.contextmanager
    def writer(self):
        """Yield a writer; leaving the block commits (merging small segments), an exception cancels."""
        writer = self._ix.writer(limitmb=WRITER_MEMORY_MB)
        try:
            yield WhooshWriter(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

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

    def add(self, doc: str, annotated: Annotated) -> None:
        """Add a document's annotated sentences."""
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
                fields["facts"] = annotated.facts.to_json()
            self._writer.add_document(**fields)

    def delete(self, doc: str) -> None:
        """Delete every sentence of a document."""
        self._writer.delete_by_term("doc", doc)


_STORED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_STORED_LOCK = threading.Lock()


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
            cache[docnum] = fields
            if len(cache) > STORED_CACHE:
                cache.popitem(last=False)
        return fields

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
        fields = self._fields(ref)
        text = fields["text"]
        entities = tuple(Entity.from_json(text, row) for row in fields.get("entities", []))
        references = tuple(Reference.from_json(text, row) for row in fields.get("references", []))
        return StoredSentence(fields["doc"], fields["index"], fields["paragraph"], text, entities, references, fields.get("refers", ""))

    def facts(self, doc: str) -> DocumentFacts:
        """Return the facts stored with a document's first sentence."""
        docnum = self._docnum(sentence_id(doc, 0))
        return DocumentFacts.from_json(self._fields(docnum).get("facts") if docnum is not None else None)

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
        found = []
        for number in [*range(index - before, index), *range(index + 1, index + after + 1)]:
            if number < 0:
                continue
            docnum = self._docnum(sentence_id(doc, number))
            if docnum is not None:
                found.append(self.sentence(docnum))
        return found

    def documents(self) -> dict[str, int]:
        """Return every document id with its number of live sentences."""
        counts = {}
        reader = self._searcher.reader()
        for term in reader.lexicon("doc"):
            doc = term.decode("utf-8") if isinstance(term, bytes) else term
            count = len(bm25.docs_of(self._searcher, "doc", doc))
            if count:
                counts[doc] = count
        return counts

    def has_document(self, doc: str) -> bool:
        """Tell whether the store holds a live sentence of a document."""
        return bool(bm25.docs_of(self._searcher, "doc", doc))

    def sentence_count(self) -> int:
        """Return how many live sentences the store holds."""
        return self._searcher.doc_count()

    def doc_frequency(self, term: str) -> int:
        """Return how many sentences hold an index term of the body (deleted ones may still count)."""
        return self._searcher.doc_frequency(BODY, term)
