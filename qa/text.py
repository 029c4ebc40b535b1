"""Text primitives: sentence splitting with offsets, word spans and stemming."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer


WORD = re.compile(r"\w+(?:[-'\u2019.]\w+)*'?", re.UNICODE)
STEM_CACHE = 65536  # words whose stems are remembered: the same words recur in every sentence


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document with its position in the document text."""

    doc: str
    index: int
    paragraph: int
    start: int
    end: int
    text: str


class SentenceSplitter:
    """Punkt, told the abbreviations and sentence starters of rules/, never splitting across a line break."""

    def __init__(self, abbreviations: frozenset[str], starters: frozenset[str]):
        params = PunktParameters()
        params.abbrev_types = set(abbreviations)
        params.sent_starters = set(starters)
        self.abbreviations = abbreviations
        self.punkt = PunktSentenceTokenizer(params)

    def _ends_with_abbreviation(self, text: str) -> bool:
        last = text.rstrip().rsplit(None, 1)[-1] if text.strip() else ""
        return last.endswith(".") and last[:-1].lower().lstrip("(\"'\u201c") in self.abbreviations

    def _paragraph_sentences(self, paragraph: str) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        for start, end in self.punkt.span_tokenize(paragraph):
            # Punkt still breaks after a known abbreviation when the next word could
            # start a sentence; a lower-case or closing-punctuation start says it did not.
            if merged and self._ends_with_abbreviation(paragraph[merged[-1][0] : merged[-1][1]]):
                nxt = paragraph[start:end].lstrip()
                if nxt and (nxt[0].islower() or nxt[0] in ",;:)\u201d\u2019\"'"):
                    merged[-1] = (merged[-1][0], end)
                    continue
            merged.append((start, end))
        return merged

    def split(self, doc: str, text: str) -> list[Sentence]:
        """Split a document into sentences, never across a line break, keeping offsets."""
        sentences = []
        for paragraph_no, match in enumerate(re.finditer(r"[^\r\n]+", text)):
            paragraph = match.group()
            if not paragraph.strip():
                continue
            for start, end in self._paragraph_sentences(paragraph):
                sentences.append(
                    Sentence(
                        doc=doc,
                        index=len(sentences),
                        paragraph=paragraph_no,
                        start=match.start() + start,
                        end=match.start() + end,
                        text=paragraph[start:end],
                    )
                )
        return sentences


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the words of a text."""
    return [m.span() for m in WORD.finditer(text)]


@functools.cache
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


@functools.lru_cache(maxsize=STEM_CACHE)  # a pure function of the word: no rule content
def stem(word: str) -> str:
    """Return the Snowball stem of a lower-cased word."""
    return _stemmer().stem(word.lower())
