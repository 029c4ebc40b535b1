"""Polarity: tell when a sentence says the opposite of what a question asks."""

from __future__ import annotations

import functools
import re

from qa.rules import read_lines, read_words
from qa.text import stem

NEGATIONS = "words/negations.txt"
ANTONYMS = "words/antonyms.txt"
WORD = re.compile(r"[a-z]+n't|[a-z]+")


@functools.cache
def negation_words() -> frozenset[str]:
    """Return the words that negate a clause ("not", "never", ...)."""
    return read_words(NEGATIONS)


@functools.cache
def antonyms() -> dict[str, frozenset[str]]:
    """Map each word form of rules/words/antonyms.txt to the forms of its opposite."""
    table: dict[str, set[str]] = {}
    for entry in read_lines(ANTONYMS):
        side, other = (tuple(w.lower() for w in field) for field in entry[:2])
        for word in side:
            table.setdefault(word, set()).update(other)
        for word in other:
            table.setdefault(word, set()).update(side)
    return {word: frozenset(opposites) for word, opposites in table.items()}


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def negated(words: list[str]) -> bool:
    """Tell whether words hold a negation ("not", "never", "didn't")."""
    return any(w in negation_words() or w.endswith("n't") for w in words)


@functools.lru_cache(maxsize=1024)
def _asks(question: str) -> tuple[bool, tuple[str, ...]]:
    """Return whether a question is negated and the words of it that have an opposite, once a question."""
    asked = _words(question)
    table = antonyms()
    # "how long" asks for a length; it claims nothing long.
    claims = [word for previous, word in zip(["", *asked], asked) if word in table and previous != "how"]
    # "north and south": a question naming both sides claims neither.
    return negated(asked), tuple(word for word in claims if not table[word] & set(asked))


def contradiction(question: str, sentence: str) -> str:
    """Return why a sentence cannot answer a question ("negation", "antonym before/after"), or ''.

    A question with a negation is not answered by a sentence without one; a
    question word the sentence lacks while it has the word's opposite makes
    the sentence say something else. A sentence's own negation is not
    checked: it is as often about another clause as about the question's.
    """
    negative, claims = _asks(question)
    if not negative and not claims:
        return ""  # most questions: the sentence need not be read
    said = _words(sentence)
    if negative and not negated(said):
        return "negation"
    said_words, said_stems = set(said), {stem(w) for w in said}
    table = antonyms()
    for word in claims:
        opposite = table[word] & said_words
        if opposite and stem(word) not in said_stems:
            return f"antonym {word}/{min(opposite)}"
    return ""
