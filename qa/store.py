"""The sentence store: the one interface retrieval and index builds talk to.

A store holds one record per sentence (its document, number, paragraph,
text and entities), searchable by index terms. `qa/whoosh_store.py` is its
implementation (Whoosh, BM25F); `tests/test_store_contract.py` states the
contract, so that another engine can be checked by the same tests.

- `SentenceStore.view()` yields a `StoreView`: one consistent snapshot, used
  by one thread for one request (search, sentences, neighbours, statistics).
- `SentenceStore.writer()` yields a `StoreWriter` that adds and deletes whole
  documents and commits them together when the block ends without error: a
  writer killed midway leaves the store as it was before the block.
- Each document carries a `DocumentInfo`: the digest of the file it was read
  from (what reconciliation with the corpus compares), its metadata and text.
  A document without sentences is not stored.
- `SentenceStore.compact()` merges what many small writes fragmented (called
  in the background, never on a write); `verify()` tells whether the store's
  files are intact.

Publishing (which store is current), locking and refreshing are not the
store's business: they live in `qa/index.py` and `qa/service.py`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from qa.records import Entity, Reference
from qa.text import Sentence

# The searchable fields: the sentence's index terms, its entity labels, and the names its
# pronouns and descriptions stand for ("He resigned" is found by the name of "he").
BODY, TYPES, REFERS = "body", "types", "refers"


@dataclass(frozen=True)
class Clause:
    """Index terms of one field that must all occur, consecutively when several (a phrase), with a weight."""

    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Query:
    """A search: the sum of the clauses a sentence matches, plus the boosts of the sentences matched at all."""

    clauses: tuple[Clause, ...]
    boosts: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class StoredSentence:
    """One sentence as stored: where it is, its text and the entities found in it at index time."""

    doc: str
    index: int
    paragraph: int
    text: str
    entities: tuple[Entity, ...]
    references: tuple[Reference, ...] = ()  # what its pronouns and descriptions stand for
    refers: str = ""  # the names they stand for, as searched (REFERS)


@dataclass(frozen=True)
class DocumentFacts:
    """What a document says of itself: its headline, its dateline's place and date, its reporters."""

    headline: str | None = None
    place: str | None = None
    country: str | None = None
    date: str | None = None  # YYYY-MM-DD or YYYY-MM, when the dateline gives one
    reporters: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """Return the facts as a plain dict for the index."""
        return {"headline": self.headline, "place": self.place, "country": self.country, "date": self.date, "reporters": list(self.reporters)}

    @classmethod
    def from_json(cls, data: dict | None) -> "DocumentFacts":
        """Rebuild facts stored by to_json (or none)."""
        data = data or {}
        return cls(data.get("headline"), data.get("place"), data.get("country"), data.get("date"), tuple(data.get("reporters", ())))


@dataclass(frozen=True)
class Annotated:
    """A document ready for the store: its sentences, their entities and references, and its facts."""

    sentences: list[Sentence]
    entities: list[list[Entity]]
    references: list[list[Reference]]
    refers: list[str]  # per sentence: the names its references stand for
    facts: DocumentFacts


@dataclass(frozen=True)
class DocumentInfo:
    """What a store records of a document besides its sentences: the file it came from, its metadata, its text."""

    digest: str = ""  # SHA-256 of the corpus file the document was read from
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None
    text: str = ""  # the document's text, front matter excluded


@dataclass(frozen=True)
class StoredDocument:
    """A stored document: its id, what was recorded of it and its number of sentences."""

    id: str
    info: DocumentInfo
    sentences: int


@dataclass(frozen=True)
class Found:
    """A search result: the sentence's score and a reference that only its view understands."""

    score: float
    ref: int


class StoreView(Protocol):
    """One consistent, read-only snapshot of a store, for one thread."""

    def search(self, query: Query, limit: int, doc: str | None = None) -> list[Found]:
        """Return the best sentences for a query (optionally of one document), best first, ties by storage order."""

    def sentence(self, ref: int) -> StoredSentence:
        """Return a found sentence."""

    def neighbours(self, doc: str, index: int, before: int, after: int = 0) -> list[StoredSentence]:
        """Return up to `before` sentences before and `after` after a sentence of a document, in order."""

    def facts(self, doc: str) -> DocumentFacts:
        """Return what a document says of itself (empty facts for an unknown document).

        Its date is the one given with the document when there is one, else its dateline's.
        """

    def documents(self) -> dict[str, int]:
        """Return every document id with its number of sentences, sorted by id."""

    def document(self, doc: str) -> StoredDocument | None:
        """Return a document's record, or None if the store does not hold it."""

    def sentences(self, doc: str) -> list[StoredSentence]:
        """Return every sentence of a document in order (none for an unknown document)."""

    def digests(self) -> dict[str, str]:
        """Return every document id with the digest of the file it was read from."""

    def has_document(self, doc: str) -> bool:
        """Tell whether the store holds a document."""

    def sentence_count(self) -> int:
        """Return how many sentences the store holds."""

    def doc_frequency(self, term: str) -> int:
        """Return how many sentences hold an index term of the body."""


class StoreWriter(Protocol):
    """Adds and deletes whole documents; what it did is visible to views opened after its commit."""

    def add(self, doc: str, annotated: Annotated, info: DocumentInfo | None = None) -> None:
        """Add a document's annotated sentences and its record (delete it first to replace it)."""

    def delete(self, doc: str) -> None:
        """Delete a document's sentences."""


class SentenceStore(Protocol):
    """A store of sentences: snapshots to read, a writer to change it."""

    def view(self) -> AbstractContextManager[StoreView]:
        """Yield a snapshot for this thread."""

    def writer(self) -> AbstractContextManager[StoreWriter]:
        """Yield a writer; leaving the block commits, an exception discards what it did."""

    def compact(self) -> bool:
        """Merge what small writes fragmented, if it is worth it now; return whether anything was merged."""

    def verify(self) -> bool:
        """Tell whether the store's files are intact (none missing, truncated or altered since written)."""

    def close(self) -> None:
        """Release the store's files."""
