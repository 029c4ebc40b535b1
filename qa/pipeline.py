"""The question answering pipeline: analyse, retrieve, extract, rank; each stage called once, in order.

    question ─analyze─▶ Analysis ─retrieve─▶ hits ─extract─▶ candidates ─rank─▶ answers ─forms─▶ answers
                rules        │        store view       │ rules                  │ rules          values
                             └──────────── every stage reads the one Analysis ─┘

`Pipeline.ask` takes the service's current snapshot (a rule set and the index
built with it) once, so a question is answered from one consistent pair even
while the service swaps in a new one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from qa.extraction import extract
from qa.forms import document_facts, with_values
from qa.question import Analysis, analyze
from qa.ranking import rank
from qa.records import Answer, Hit
from qa.retrieval import retrieve
from qa.rules import Rules
from qa.service import REFRESH_INTERVAL, Service

MAX_HITS = 10  # sentences retrieved per question: the answer's is among them nine times in ten
ANALYSIS_CACHE = 4096  # questions whose analysis is remembered (per rule set): repeated questions skip the tagger


class UnknownDocument(LookupError):
    """The question was restricted to a document the corpus does not have."""


@dataclass
class Result:
    """What the pipeline found for one question, with the hits it read and timings per stage."""

    question: Analysis
    answers: list[Answer]
    hits: list[Hit] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    scope: int = 0  # how many sentences the search covered (one document's, or the index's)


class Pipeline:
    """Answer questions over one corpus, its rules and its index."""

    def __init__(self, corpus_dir="corpus", index_dir="index", rules_dir=None, refresh_interval: float | None = REFRESH_INTERVAL):
        """Answer over a corpus directory and an index directory; refresh_interval None: never look for changes."""
        self.service = Service(Path(corpus_dir), Path(index_dir), rules_dir, refresh_interval)
        self._analyses: tuple[Rules | None, OrderedDict] = (None, OrderedDict())
        self._lock = threading.Lock()

    def analyze(self, question: str, rules: Rules) -> Analysis:
        """Return the analysis of a question under a rule set (a pure function of both: cached)."""
        with self._lock:
            owner, cache = self._analyses
            if owner is not rules:
                owner, cache = self._analyses = (rules, OrderedDict())
            analysis = cache.get(question)
            if analysis is not None:
                cache.move_to_end(question)
                return analysis
        analysis = analyze(question, rules)
        with self._lock:
            if self._analyses[0] is rules:
                cache[question] = analysis
                if len(cache) > ANALYSIS_CACHE:
                    cache.popitem(last=False)
        return analysis

    def warm(self) -> None:
        """Load the rules and the tagger now rather than on the first question (before a server forks)."""
        analyze("Who said prices rose?", self.service.rules())

    def ask(self, question: str, top_k: int = 3, doc: str | None = None, strict: bool = False, min_score: float = 0.0) -> Result:
        """Answer a question from the corpus (or one document of it).

        strict: only from sentences holding all of it; min_score: only answers
        scored at least this (a score is how often answers so scored are right).
        """
        started = time.perf_counter()
        snapshot = self.service.snapshot()
        rules = snapshot.rules
        analysis = self.analyze(question, rules)
        analyzed = time.perf_counter()
        with snapshot.store.view() as view:
            if doc is not None and not view.has_document(doc):
                raise UnknownDocument(doc)
            hits = retrieve(view, analysis, rules.lexicon, limit=MAX_HITS, doc=doc, strict=strict)
            scope = view.documents().get(doc, 0) if doc is not None else view.sentence_count()
            searched = time.perf_counter()
            # Only sentences that may answer are worth extracting from (chunking a sentence costs most).
            candidates = extract(analysis, [hit for hit in hits if not hit.rejected], rules)
            answers = [a for a in rank(analysis, candidates, rules, top_k=top_k, scope=scope) if a.score >= min_score]
            # Dates are read against the document's own date (given with it, or its dateline's).
            answers = with_values(answers, rules, {a.doc: document_facts(view.facts(a.doc)) for a in answers})
        done = time.perf_counter()
        timings = {
            "analyze_ms": round((analyzed - started) * 1000, 2),
            "search_ms": round((searched - analyzed) * 1000, 2),
            "extract_rank_ms": round((done - searched) * 1000, 2),
        }
        return Result(analysis, answers, hits, timings, scope)
