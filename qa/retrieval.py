"""Sentence retrieval: a BM25F search for the question's keywords and their variants, and which sentences may answer.

Reads the question's `Analysis` and talks to the store only through its
`StoreView` interface. Each hit records how much of the question it covers,
where the question's words are, and, when it may not answer, why.
"""

from __future__ import annotations

import math
import re

from qa.lexicon import Lexicon
from qa.polarity import contradiction
from qa.frames import CORE_ROLES
from qa.question import Analysis, Term
from qa.records import Hit, Match
from qa.store import BODY, REFERS, TYPES, Clause, Query, StoreView, StoredSentence

SYNONYM_BOOST = 0.6  # search weight of a variant (synonym, verb form, demonym) against the word itself
TYPE_BOOST = 0.8  # search weight of a label the answer type wants, added to sentences the words found
VARIANT_CREDIT = 0.8  # coverage credit of a synonym or demonym instead of the question's word
CONTEXT_WEIGHT = 0.5  # coverage credit of a word found only in the sentences before
REFERS_BOOST = 0.5  # search weight of a name a sentence's pronoun or description stands for ("he" for "Smith")
REFERS_CREDIT = 0.9  # coverage credit of such a name: the sentence is about it, without naming it
CONTEXT_SENTENCES = 3  # how far back in its paragraph a sentence's context reaches
EXACT_BOOST = 0.2  # search score gained by a sentence using all the question's keywords in their own form
EXACT_POOL = 3  # the search reranks this many times the hits it returns
MIN_COVERAGE = 0.5  # a sentence must hold at least half of the question's weighted keywords
MISSING_PLACE_COVERAGE = 0.75  # ... and most of them when it lacks a place the question names
# Verbs that state no relation of their own ("who *is* the mayor", "what *did* they have"): a
# sentence need not repeat them to be about the question's relation.
LIGHT_VERBS = frozenset({"be", "become", "remain", "seem", "have", "do", "get", "go", "come", "make", "take", "give", "put", "mean", "happen"})


def build_query(analysis: Analysis) -> Query:
    """Return the search for a question: its keywords and their variants, and the expected-label boosts.

    The labels only raise sentences the words found: as clauses of their own
    they would match, and make the search score, nearly every sentence.
    """
    clauses = []
    for term in analysis.terms:
        clauses.append(Clause(BODY, term.stems, 1.0))
        clauses.extend(Clause(BODY, v, SYNONYM_BOOST) for v in term.variant_stems)
        clauses.append(Clause(REFERS, term.stems, REFERS_BOOST))
    boosts = tuple(Clause(TYPES, (label,), TYPE_BOOST * weight) for label, weight in analysis.labels.items())
    return Query(tuple(clauses), boosts)


def _matches(term: Term, stems: set[str]) -> tuple[str, ...] | None:
    if set(term.stems) <= stems:
        return term.stems
    return next((v for v in term.variant_stems if set(v) <= stems), None)


def coverage(text: str, context: tuple[str, ...], analysis: Analysis, idf: dict[str, float], lex: Lexicon, refers: str = ""):
    """Return the IDF-weighted share of the question's terms a sentence holds, where, and which it lacks.

    A name the sentence's pronouns or descriptions stand for (REFERS_CREDIT)
    counts nearly as the sentence's own word; a term found only in the
    sentences before (CONTEXT_WEIGHT) counts a little: news sentences lean on
    them ("The president, X, ..." after "the Chilean president"). Each
    matched span carries its term's share of the question's weight.
    """
    terms, optional = analysis.terms, analysis.optional
    found_tokens = lex.terms(text)
    spans: dict[str, list[tuple[int, int]]] = {}
    for stem_, s, e in found_tokens:
        spans.setdefault(stem_, []).append((s, e))
    stems = spans.keys()
    context_stems = {s for sentence in context for s in lex.stems(sentence)}
    refers_stems = set(lex.stems(refers)) if refers else set()
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
            share = round(weight, 4)
            matched.extend(Match(s, e, term.keyword, share) for stem_ in set(found) for s, e in spans[stem_])
        elif set(term.stems) <= refers_stems:
            covered += weight * REFERS_CREDIT  # "He resigned": the sentence holds the name through "he"
        else:
            if term.keyword not in optional:
                unmatched.append(term.keyword)
            if _matches(term, context_stems):
                covered += weight * CONTEXT_WEIGHT
    return min(1.0, covered), tuple(sorted(set(matched))), tuple(unmatched)


def exact_share(text: str, keywords: tuple[str, ...]) -> float:
    """Return the share of the keywords a text uses word for word (a stem or synonym match does not count).

    >>> exact_share("Oil prices fell", ("oil", "price"))
    0.5
    """
    if not keywords:
        return 0.0
    words = set(re.findall(r"\w+", text.lower()))
    return sum(all(w in words for w in k.lower().split()) for k in keywords) / len(keywords)


def context_of(view: StoreView, sentence: StoredSentence) -> tuple[str, ...]:
    """Return the sentences before a sentence in its paragraph, or the one before it when it opens one."""
    before = []
    for previous in reversed(view.neighbours(sentence.doc, sentence.index, before=CONTEXT_SENTENCES)):
        if before and previous.paragraph != sentence.paragraph:
            break
        before.insert(0, previous.text)
        if previous.paragraph != sentence.paragraph:
            break
    return tuple(before)


def head_word(text: str, lex: Lexicon) -> str | None:
    """Return the last content word of a phrase, lower-cased ("Air China's share [price]")."""
    words = [w for w in re.findall(r"[\w'-]+", text.lower()) if w not in lex.stopwords and w not in ("'s", "s")]
    return words[-1].removesuffix("'s") if words else None


def off_frame(analysis: Analysis, text: str, context: tuple[str, ...], lex: Lexicon, refers: str = "") -> str:
    """Return what of the question's relation a sentence lacks ("predicate sue", "argument the airline"), or ''.

    The sentence itself must hold the question's predicate (or a variant:
    a synonym, a verb form, a nominalisation), unless it is a light verb;
    it, or the sentences before it, must hold the head of each argument the
    question names. A sentence lacking either is about another relation:
    only a filler of the question's frame may come from it.
    """
    frame = analysis.frame
    if frame is None:
        return ""
    stems = set(lex.stems(text))
    if frame.predicate and frame.predicate not in LIGHT_VERBS and not lex.word_variants(frame.predicate) & stems:
        return f"predicate {frame.predicate}"
    around = stems.union(*(lex.stems(sentence) for sentence in (*context, refers)))
    for argument in frame.arguments:
        if argument.role not in CORE_ROLES:
            continue
        head = head_word(argument.text, lex)
        if head and not lex.word_variants(head) & around:
            return f"argument {argument.text}"
    return ""


def rejection(hit: Hit, strict: bool) -> str:
    """Return why a sentence may not answer at all, or '' when it may.

    It must cover the question, hold one of its words that is not a place,
    the places it names (unless it covers most of it), and not say the
    opposite; strict: hold every keyword itself (or a variant of it).
    """
    if hit.coverage < MIN_COVERAGE:
        return "coverage"
    if not hit.anchored:
        return "only places"
    if hit.contradiction:
        return hit.contradiction
    if strict and hit.unmatched:
        return "strict"
    if hit.missing and hit.coverage < MISSING_PLACE_COVERAGE:
        return "place"
    return ""


def retrieve(view: StoreView, analysis: Analysis, lex: Lexicon, limit: int = 10, doc: str | None = None, strict: bool = False) -> list[Hit]:
    """Return the best sentences for a question, best first, each saying whether it may answer."""
    query = build_query(analysis)
    if not query.clauses:
        return []
    n = max(view.sentence_count(), 1)
    idf = {}
    for term in analysis.terms:
        df = max((view.doc_frequency(s) for s in term.stems), default=0)
        # Words the corpus never uses still count: a question about them is not covered.
        idf[term.keyword] = math.log(1 + n / (df + 0.5))
    keywords = tuple(t.keyword for t in analysis.terms)
    found = [(f.score, f.ref, view.sentence(f.ref)) for f in view.search(query, limit * EXACT_POOL, doc)]
    # Stems conflate words ("organ" and "organization" share one): a sentence
    # with the question's own form is likelier about the same thing.
    found = [(score * (1 + EXACT_BOOST * exact_share(s.text, keywords)), ref, s) for score, ref, s in found]
    found.sort(key=lambda row: (-row[0], row[1]))
    place_words = {t.keyword for t in analysis.terms if t.place}
    places = lex.gazetteer.places
    hits = []
    for rank, (score, _, sentence) in enumerate(found[:limit]):
        text = sentence.text
        context = context_of(view, sentence)
        # "Mr Clarke" is Charles Clarke: the fullest names of the sentence's people count as its words.
        names = " ".join(e.canonical for e in sentence.entities if e.canonical)
        covered, matched, unmatched = coverage(text, context, analysis, idf, lex, f"{sentence.refers} {names}".strip())
        # Sentence by sentence: each one's places are cached, a joined text's would not be.
        missing = tuple(sorted(analysis.places.difference(places(text), *map(places, context)))) if analysis.places else ()
        # "What is the population of X?" is not answered by a sentence that only names X.
        anchored = len(place_words) == len(analysis.terms) or any(m.term not in place_words for m in matched)
        hit = Hit(
            sentence.doc, sentence.index, text, score, rank, covered, matched, sentence.entities, " ".join(context),
            # A yes/no question's polarity is what is asked: a sentence saying the opposite answers "no".
            missing, anchored, "" if analysis.yesno else contradiction(analysis.negative, analysis.claims, text, lex), unmatched,
            off_frame=off_frame(analysis, text, context, lex, sentence.refers),
            references=sentence.references,
        )  # fmt: skip
        hits.append(Hit(**{**hit.__dict__, "rejected": rejection(hit, strict)}))
    return hits
