"""Whoosh's own BM25F scores summed straight from its posting lists, without its matcher tree.

Whoosh scores an OR of many clauses through a tree of union matchers, in pure
Python, posting by posting: with a question's synonyms (twenty clauses or more)
that is most of an answer's time on a large corpus. The sum is the same when
each term's scores are read once into an array, so this module does that, with
the same statistics (the searcher's IDF, average field length, stored field
lengths), the same BM25F formula, phrases as consecutive positions and the
same order (score, then document number). It is also exact where Whoosh's
top-N shortcuts are not: Whoosh 2.7.4 can skip AndMaybe's optional part.

A term's scores depend only on its reader, so they are cached per reader
(bounded by a number of postings): common words and labels are read once.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from array import array
from collections import OrderedDict
from whoosh.scoring import bm25

from qa.store import Clause

MAX_CACHED_POSTINGS = 1_000_000  # per reader: about 16 MB of arrays


class _TermCache:
    """A reader's term scores, least recently used dropped first."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()
        self.size = 0
        self.lengths: dict[str, array] = {}  # field -> length by docnum, -1 until read

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value, size: int):
        with self.lock:
            if key in self.entries:
                self.size -= self.entries.pop(key)[1]
            self.entries[key] = value
            self.size += size
            while self.size > MAX_CACHED_POSTINGS and len(self.entries) > 1:
                _, (_, old) = self.entries.popitem(last=False)
                self.size -= old


_CACHES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache(reader) -> _TermCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(reader)
        if cache is None:
            cache = _CACHES[reader] = _TermCache()
        return cache


def _field_lengths(reader, field: str) -> array:
    cache = _cache(reader)
    lengths = cache.lengths.get(field)
    if lengths is None:
        lengths = cache.lengths[field] = array("i", [-1]) * (reader.doc_count_all() + 1)
    return lengths


def _read(searcher, reader, field: str, term: str, B: float, K1: float, with_positions: bool):
    """Return (docnums, scores, positions by docnum or None) of a term in one leaf reader."""
    ids, scores, positions = array("l"), array("d"), ({} if with_positions else None)
    if (field, term) not in reader:
        return ids, scores, positions
    idf = searcher.idf(field, term)
    avgfl = searcher.avg_field_length(field) or 1
    lengths = _field_lengths(reader, field)
    deleted = reader.has_deletions()
    matcher = reader.postings(field, term)
    while matcher.is_active():
        docnum = matcher.id()
        if not (deleted and reader.is_deleted(docnum)):
            length = lengths[docnum]
            if length < 0:
                length = lengths[docnum] = reader.doc_field_length(docnum, field)
            ids.append(docnum)
            scores.append(bm25(idf, matcher.weight(), length, avgfl, B, K1))
            if with_positions:
                positions[docnum] = matcher.value_as("positions")
        matcher.next()
    return ids, scores, positions


def term_scores(searcher, reader, field: str, term: str, B: float, K1: float, with_positions: bool = False):
    """Return (docnums, BM25F scores, positions or None) of a term in a leaf reader, from the cache if there.

    Positions (for phrases) are read only when asked for: decoding them costs more than the scores.
    """
    cache = _cache(reader)
    key = (field, term, B, K1)
    entry = cache.get(key)
    if entry is None or (with_positions and entry[0][2] is None):
        value = _read(searcher, reader, field, term, B, K1, with_positions)
        size = len(value[0]) * (2 if with_positions else 1) + 1
        cache.put(key, (value, size), size)
        return value
    return entry[0]


def _consecutive(positions: list) -> bool:
    """Tell whether the terms occur one right after another somewhere."""
    starts = set(positions[0])
    for step, later in enumerate(positions[1:], start=1):
        starts &= {p - step for p in later}
        if not starts:
            return False
    return True


def _add_clause(totals: dict, searcher, reader, offset: int, clause: Clause, B: float, K1: float, allowed) -> None:
    """Add one clause's score to the total of every document of one leaf that holds it."""
    boost = clause.boost
    if len(clause.terms) == 1:
        ids, scores, _ = term_scores(searcher, reader, clause.field, clause.terms[0], B, K1)
        get = totals.get
        if allowed is None and offset == 0:
            for docnum, score in zip(ids, scores):
                totals[docnum] = get(docnum, 0.0) + score * boost
        else:
            for docnum, score in zip(ids, scores):
                docnum += offset
                if allowed is None or docnum in allowed:
                    totals[docnum] = get(docnum, 0.0) + score * boost
        return
    # A phrase: the documents holding every term at consecutive positions, scored as the sum of its terms.
    per_term = [term_scores(searcher, reader, clause.field, term, B, K1, with_positions=True) for term in clause.terms]
    tables = [dict(zip(ids, scores)) for ids, scores, _ in per_term]
    docs = set(tables[0])
    for table in tables[1:]:
        docs &= table.keys()
    for docnum in docs:
        if allowed is not None and docnum + offset not in allowed:
            continue
        if not _consecutive([positions[docnum] for _, _, positions in per_term]):
            continue
        score = sum(table[docnum] for table in tables) * boost
        totals[docnum + offset] = totals.get(docnum + offset, 0.0) + score


def _boost_table(searcher, reader, field: str, term: str, B: float, K1: float) -> dict[int, float]:
    cache = _cache(reader)
    key = ("table", field, term, B, K1)
    entry = cache.get(key)
    if entry is None:
        ids, scores, _ = term_scores(searcher, reader, field, term, B, K1)
        table = dict(zip(ids, scores))
        cache.put(key, (table, len(table) + 1), len(table) + 1)
        return table
    return entry[0]


def docs_of(searcher, field: str, term: str) -> frozenset[int]:
    """Return the global numbers of the live documents holding a term (a document id, say)."""
    found = set()
    for reader, offset in searcher.reader().leaf_readers():
        # Any B and K1: only the document numbers are used, and the scores are cached under these.
        ids, _, _ = term_scores(searcher, reader, field, term, searcher.weighting.B, searcher.weighting.K1)
        found.update(d + offset for d in ids)
    return frozenset(found)


def top(searcher, clauses, boosts, limit: int, B: float, K1: float, allowed=None) -> list[tuple[float, int]]:
    """Return the best (score, docnum): the sum of the matching clauses, plus the boosts of those documents.

    The same as Whoosh's AndMaybe(Or(clauses), Or(boosts)) with an optional
    restriction to the documents in allowed, best first, ties by document number.
    """
    totals: dict[int, float] = {}
    leaves = searcher.reader().leaf_readers()
    for reader, offset in leaves:
        for clause in clauses:
            _add_clause(totals, searcher, reader, offset, clause, B, K1, allowed)
    if not totals:
        return []
    for boost in boosts:
        for reader, offset in leaves:
            table = _boost_table(searcher, reader, boost.field, boost.terms[0], B, K1)
            if offset == 0 and len(leaves) == 1:
                for docnum in totals.keys() & table.keys():
                    totals[docnum] += table[docnum] * boost.boost
                continue
            end = offset + reader.doc_count_all()
            for docnum in totals:
                if offset <= docnum < end:
                    score = table.get(docnum - offset)
                    if score is not None:
                        totals[docnum] += score * boost.boost
    if len(totals) > limit:
        # Everything scoring at least the limit-th best score, so that ties go by document number.
        floor = heapq.nlargest(limit, totals.values())[-1]
        candidates = [(-score, docnum) for docnum, score in totals.items() if score >= floor]
    else:
        candidates = [(-score, docnum) for docnum, score in totals.items()]
    candidates.sort()
    return [(-negated, docnum) for negated, docnum in candidates[:limit]]
