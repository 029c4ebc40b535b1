"""Polarity: tell when a sentence says the opposite of what a question asks."""

from __future__ import annotations

import re

from qa.lexicon import Lexicon
from qa.text import stem

WORD = re.compile(r"[a-z]+n't|[a-z]+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def negated(words: list[str], lex: Lexicon) -> bool:
    """Tell whether words hold a negation ("not", "never", "didn't")."""
    return any(w in lex.negations or w.endswith("n't") for w in words)


def asks(question: str, lex: Lexicon) -> tuple[bool, tuple[str, ...]]:
    """Return whether a question is negated, and the words of it that have an opposite a sentence must not say."""
    asked = _words(question)
    table = lex.antonyms
    # "how long" asks for a length; it claims nothing long.
    claims = [word for previous, word in zip(["", *asked], asked) if word in table and previous != "how"]
    # "north and south": a question naming both sides claims neither.
    return negated(asked, lex), tuple(word for word in claims if not table[word] & set(asked))


def contradiction(negative: bool, claims: tuple[str, ...], sentence: str, lex: Lexicon) -> str:
    """Return why a sentence cannot answer a question ("negation", "antonym before/after"), or ''.

    A question with a negation is not answered by a sentence without one; a
    question word the sentence lacks while it has the word's opposite makes
    the sentence say something else. A sentence's own negation is not
    checked: it is as often about another clause as about the question's.
    """
    if not negative and not claims:
        return ""  # most questions: the sentence need not be read
    said = _words(sentence)
    if negative and not negated(said, lex):
        return "negation"
    said_words, said_stems = set(said), {stem(w) for w in said}
    for word in claims:
        opposite = lex.antonyms[word] & said_words
        if opposite and stem(word) not in said_stems:
            return f"antonym {word}/{min(opposite)}"
    return ""
