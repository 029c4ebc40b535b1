"""Sentence retrieval: a BM25F search for the question's keywords and their variants."""

from __future__ import annotations

import functools
import math
import re
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from qa import bm25, gazetteer
from qa.polarity import contradiction
from qa.bm25 import Clause
from qa.entities import Entity
from qa.index import analyzer
from qa.question import Question
from qa.rules import read_lines
from qa.text import stem

SYNONYMS = "synonyms.txt"
IRREGULAR_VERBS = "words/irregular_verbs.txt"
NUMBER_WORDS = "words/number_words.txt"
SYNONYM_BOOST = 0.6
TYPE_BOOST = 0.8
VARIANT_CREDIT = 0.8  # coverage credit of a synonym or demonym instead of the question's word
CONTEXT_WEIGHT = 0.5  # coverage credit of a word found only in the sentences before
CONTEXT_SENTENCES = 3  # how far back in its paragraph a sentence's context reaches
EXACT_BOOST = 0.2  # search score gained by a sentence using all the question's keywords in their own form
EXACT_POOL = 3  # the search reranks this many times the hits it returns


@dataclass(frozen=True, order=True)
class Match:
    """A question keyword found in a sentence: its span, which keyword, and its weight."""

    start: int
    end: int
    term: str  # the question keyword
    weight: float


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence with its search score and how much of the question it covers."""

    doc: str
    index: int
    text: str
    score: float
    rank: int
    coverage: float
    matched: tuple[Match, ...]  # where the question's keywords are in the sentence
    entities: tuple[Entity, ...]
    context: str = ""  # the sentences before, which pronouns and "the president" refer back to
    missing: tuple[str, ...] = ()  # places the question names that neither holds
    anchored: bool = True  # the sentence itself holds a question word that is not a place
    contradiction: str = ""  # why the sentence says the opposite of the question ("negation"), if it does
    unmatched: tuple[str, ...] = ()  # question keywords the sentence itself holds neither as words nor variants


@functools.cache
def _analyzer_parts():
    """The index analyzer's word pattern, stop words and stemmer, read off the analyzer itself."""
    tokenizer, _lowercase, stop, stemmer = analyzer().items
    return tokenizer.expression, stop.stops, stop.min, stemmer.stemfn


@functools.lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """Return the index terms of a text with their character spans, as the index's analyzer gives them.

    The same steps (pattern, lower case, stop words, stem) without Whoosh's
    token objects, which cost more than the stemming on every retrieved sentence.
    """
    pattern, stops, minsize, stem_word = _analyzer_parts()
    found = []
    for match in pattern.finditer(text):
        word = match.group().lower()
        if len(word) >= minsize and word not in stops:
            found.append((stem_word(word), match.start(), match.end()))
    return tuple(found)


def _analyze(text: str) -> tuple[str, ...]:
    return tuple(t[0] for t in tokens(text))


@functools.cache
def synonym_groups() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Index rules/synonyms.txt: synonyms by the stem of a group's headword, and by any member.

    A thesaurus line starts with its headword; the other words are its senses'
    synonyms. A word that heads no line takes the lines it appears in.
    """
    by_head: dict[str, set[str]] = {}
    by_member: dict[str, set[str]] = {}
    for entry in read_lines(SYNONYMS):
        group = [w.lower() for w in entry[0]]
        by_head.setdefault(stem(group[0]), set()).update(group)
        for word in group:
            by_member.setdefault(word, set()).update(group)
    return by_head, by_member


def synonyms(word: str) -> set[str]:
    """Return the thesaurus synonyms of a word (headword lines first, else member lines)."""
    by_head, by_member = synonym_groups()
    found = by_head.get(stem(word)) or by_member.get(word) or set()
    return found - {word}


@functools.cache
def verb_forms() -> dict[str, tuple[str, ...]]:
    """Map each form of an irregular verb ("fell") to its other forms ("fall", "fallen")."""
    table: dict[str, set[str]] = {}
    for entry in read_lines(IRREGULAR_VERBS):
        forms = {alt.lower() for field in entry for alt in field}
        for form in forms:
            table.setdefault(form, set()).update(forms - {form})
    return {form: tuple(sorted(others)) for form, others in table.items()}


@functools.cache
def number_forms() -> dict[str, tuple[str, ...]]:
    """Map a cardinal number word to its digits and back ("five" <-> "5")."""
    table: dict[str, set[str]] = {}
    for entry in read_lines(NUMBER_WORDS):
        if len(entry) > 2 and entry[2] and entry[2][0] == "cardinal" and entry[1]:
            value = entry[1][0]
            for word in entry[0]:
                table.setdefault(word.lower(), set()).add(value)
                table.setdefault(value, set()).add(word.lower())
    return {k: tuple(sorted(v)) for k, v in table.items()}


def variants(keyword: str) -> tuple[str, ...]:
    """Return other words a sentence may use for a keyword: verb forms, synonyms, demonyms."""
    found = list(verb_forms().get(keyword, ()))
    for form in (keyword, *found):
        found.extend(sorted(synonyms(form)))
    found.extend(number_forms().get(keyword, ()))
    place = gazetteer.entries().get(keyword)
    if place is not None and place.kind in ("COUNTRY", "DEMONYM") and place.country:
        found.extend(n.lower() for n in gazetteer.country_names(place.country) if n.lower() != keyword)
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Term:
    """One question keyword as index terms, with the terms of its variants."""

    keyword: str
    stems: tuple[str, ...]
    variant_stems: tuple[tuple[str, ...], ...]
    place: bool = False  # a country, city, region or nationality


@functools.lru_cache(maxsize=1024)
def question_terms(question: Question) -> tuple[Term, ...]:
    """Turn the question's keywords into index terms and variant terms."""
    terms = []
    for keyword in question.keywords:
        stems = _analyze(keyword)
        if not stems:
            continue
        variant_stems = tuple(dict.fromkeys(s for s in (_analyze(v) for v in variants(keyword)) if s and s != stems))
        terms.append(Term(keyword, stems, variant_stems, keyword in gazetteer.entries()))
    return tuple(terms)


def build_query(terms: tuple[Term, ...], labels: dict[str, float]) -> tuple[list[Clause], list[Clause]]:
    """Return the clauses of the search (the keywords and their variants) and the expected-label boosts.

    The labels only raise sentences the words found: as clauses of their own
    they would match, and make the search score, nearly every sentence.
    """
    clauses = []
    for term in terms:
        clauses.append(Clause("body", term.stems, 1.0))
        clauses.extend(Clause("body", v, SYNONYM_BOOST) for v in term.variant_stems)
    boosts = [Clause("types", (label,), TYPE_BOOST * weight) for label, weight in labels.items()]
    return clauses, boosts


def _matches(term: Term, stems: set[str]) -> tuple[str, ...] | None:
    if set(term.stems) <= stems:
        return term.stems
    return next((v for v in term.variant_stems if set(v) <= stems), None)


def _coverage(text: str, context: tuple[str, ...], terms: tuple[Term, ...], idf: dict[str, float], optional=frozenset()):
    """Return the IDF-weighted share of the question's terms a sentence holds, where, and which it lacks.

    A term found only in the sentences before (CONTEXT_WEIGHT) counts a little:
    news sentences lean on them ("The president, X, ..." after "the Chilean president").
    Each matched span carries its term's share of the question's weight.
    """
    found_tokens = tokens(text)
    stems = {t[0] for t in found_tokens}
    context_stems = {s for sentence in context for s in _analyze(sentence)}
    # Optional terms add to the coverage when found and take nothing away when not.
    total = sum(idf.get(term.keyword, 1.0) for term in terms if term.keyword not in optional) or 1.0
    # A word the question itself uses is claimed by that keyword; no synonym of another takes it.
    exact = {s for term in terms if set(term.stems) <= stems for s in term.stems}
    covered = 0.0
    matched, unmatched = [], []
    for term in terms:
        weight = idf.get(term.keyword, 1.0) / total
        found = _matches(term, stems)
        if found and found != term.stems and set(found) <= exact:
            found = None
        if found:
            covered += weight * (1.0 if found == term.stems else VARIANT_CREDIT)
            wanted = set(found)
            matched.extend(Match(s, e, term.keyword, round(weight, 4)) for stem_, s, e in found_tokens if stem_ in wanted)
        else:
            if term.keyword not in optional:
                unmatched.append(term.keyword)
            if _matches(term, context_stems):
                covered += weight * CONTEXT_WEIGHT
    return min(1.0, covered), tuple(sorted(set(matched))), tuple(unmatched)


@functools.lru_cache(maxsize=65536)
def places(text: str) -> frozenset[str]:
    """Return the countries and places a text names, demonyms mapped to their country."""
    return frozenset(m.place.country or m.place.name for m in gazetteer.find_places(text))


def place_names(text: str) -> frozenset[str]:
    """Return the canonical names of the places a text names ("USA" -> "United States")."""
    return frozenset(m.place.name if m.place.kind != "DEMONYM" else m.place.country for m in gazetteer.find_places(text))


def exact_share(text: str, keywords: tuple[str, ...]) -> float:
    """Return the share of the keywords a text uses word for word (a stem or synonym match does not count)."""
    if not keywords:
        return 0.0
    words = set(re.findall(r"\w+", text.lower()))
    return sum(all(w in words for w in k.lower().split()) for k in keywords) / len(keywords)


def _rerank(searcher, best: list[tuple[float, int]], keywords: tuple[str, ...], limit: int) -> list[tuple[float, int]]:
    """Raise the sentences that use the question's own word forms, and keep the best limit.

    Stems conflate words ("organ" and "organization" share one): a sentence
    with the question's own form is likelier about the same thing.
    """
    scored = [(score * (1 + EXACT_BOOST * exact_share(_stored(searcher, docnum)["text"], keywords)), docnum) for score, docnum in best]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored[:limit]


def _context(searcher, docnum: int, doc: str, paragraph: int) -> tuple[str, ...]:
    """Return the sentences before a sentence in its paragraph, or the one before it.

    A build adds a document's sentences in order, so the one before has the docnum before.
    """
    before = []
    for number in range(docnum - 1, max(-1, docnum - 1 - CONTEXT_SENTENCES), -1):
        stored = _stored(searcher, number)
        if stored.get("doc") != doc or (before and stored["paragraph"] != paragraph):
            break
        before.insert(0, stored["text"])
        if stored["paragraph"] != paragraph:
            break
    return tuple(before)


_STORED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
STORED_CACHE = 8192  # sentences per reader: a hit and the sentences before it are read again and again


def _stored(searcher, docnum: int) -> dict:
    """Return a sentence's stored fields, cached per reader (they never change)."""
    reader = searcher.reader()
    cache = _STORED.get(reader)
    if cache is None:
        cache = _STORED.setdefault(reader, OrderedDict())
    fields = cache.get(docnum)
    if fields is None:
        fields = searcher.stored_fields(docnum)
        cache[docnum] = fields
        if len(cache) > STORED_CACHE:
            cache.popitem(last=False)
    return fields


def search(searcher, question: Question, labels: dict[str, float], limit: int = 10, doc: str | None = None) -> list[Hit]:
    """Return the best sentences for a question, best first."""
    terms = question_terms(question)
    clauses, boosts = build_query(terms, labels)
    if not clauses:
        return []
    n = max(searcher.doc_count(), 1)
    idf = {}
    for term in terms:
        df = max((searcher.doc_frequency("body", s) for s in term.stems), default=0)
        # Words the corpus never uses still count: a question about them is not covered.
        idf[term.keyword] = math.log(1 + n / (df + 0.5))

    asked_places = places(question.normalized)
    # "which *officials* made trips": the focus describes the answer; a sentence may not say it.
    focus = {stem(w) for w in question.focus.split()} if question.focus else set()
    optional = {t.keyword for t in terms if stem(t.keyword) in focus}
    allowed = bm25.docs_of(searcher, "doc", doc) if doc else None
    weighting = searcher.weighting
    best = bm25.top(searcher, clauses, boosts, limit * EXACT_POOL, weighting.B, weighting.K1, allowed)
    best = _rerank(searcher, best, tuple(t.keyword for t in terms), limit)
    hits = []
    for rank, (score, docnum) in enumerate(best):
        result = _stored(searcher, docnum)
        text = result["text"]
        context = _context(searcher, docnum, result["doc"], result["paragraph"])
        coverage, matched, unmatched = _coverage(text, context, terms, idf, optional)
        # Sentence by sentence: each one's places and stems are cached, a joined text's would not be.
        missing = tuple(sorted(asked_places.difference(places(text), *map(places, context)))) if asked_places else ()
        # "What is the population of X?" is not answered by a sentence that only names X.
        place_words = {t.keyword for t in terms if t.place}
        anchored = len(place_words) == len(terms) or any(m.term not in place_words for m in matched)
        entities = tuple(Entity.from_json(text, row) for row in result.get("entities", []))
        opposite = contradiction(question.text, text)
        hits.append(
            Hit(result["doc"], result["index"], text, score, rank, coverage, matched, entities, " ".join(context), missing, anchored, opposite, unmatched)
        )
    return hits
