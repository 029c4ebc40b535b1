"""The question answering pipeline: analyse, retrieve, extract, rank."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.extraction import answer_labels, extract
from qa.index import SentenceIndex
from qa.question import Question, analyze
from qa.ranking import Answer, admissible, rank
from qa.entities import annotate_sentence
from qa.retrieval import Hit, question_terms, search
from qa.text import stem

MAX_HITS = 10


class UnknownDocument(LookupError):
    """The question was restricted to a document the corpus does not have."""


@dataclass
class Result:
    """What the pipeline found for one question, with timings per stage."""

    question: Question
    answers: list[Answer]
    timings: dict = field(default_factory=dict)


class Pipeline:
    """Answer questions over one corpus and its index."""

    def __init__(self, corpus_dir="corpus", index_dir="index"):
        self.index = SentenceIndex(Path(corpus_dir), Path(index_dir))

    def warm(self) -> None:
        """Load and compile every rule, lexicon and gazetteer now rather than on the first question.

        A server calls it before forking its workers, which then share the
        compiled rules instead of each spending seconds on its first question.
        """
        sentence = "The president of France, Jane Doe, said on Monday that prices rose 5 percent to $20 million."
        analysis = analyze("Who said prices rose?")
        hit = Hit("", 0, sentence, 1.0, 0, 1.0, (), tuple(annotate_sentence(sentence)))
        rank(analysis, extract(analysis, [hit]), set(), top_k=1)
        question_terms(analysis)

    def ask(self, question: str, top_k: int = 3, doc: str | None = None, strict: bool = False) -> Result:
        """Answer a question from the corpus (or one document of it); strict: only from sentences holding all of it."""
        started = time.perf_counter()
        analysis = analyze(question)
        labels = answer_labels(analysis.answer_type, analysis.rule)
        with self.index.searcher() as (searcher, manifest):
            if doc is not None and doc not in manifest.documents:
                raise UnknownDocument(doc)
            retrieved = time.perf_counter()
            hits = search(searcher, analysis, labels, limit=MAX_HITS, doc=doc)
        searched = time.perf_counter()
        # Only sentences that may answer are worth extracting from (chunking a sentence costs most).
        candidates = extract(analysis, [hit for hit in hits if admissible(hit, strict)])
        # Synonyms of question words are fine answers ("oil" for "what fuel"); the words themselves are not.
        question_stems = {s for t in question_terms(analysis) for s in t.stems}
        # "What language ...?" is not answered by "language" either: the focus is the question's too.
        question_stems |= {stem(w) for w in (analysis.focus or "").split()}
        answers = rank(analysis, candidates, question_stems, top_k=top_k, strict=strict)
        done = time.perf_counter()
        timings = {
            "analyze_ms": round((retrieved - started) * 1000, 2),
            "search_ms": round((searched - retrieved) * 1000, 2),
            "extract_rank_ms": round((done - searched) * 1000, 2),
        }
        return Result(analysis, answers, timings)
