"""What a sentence says a person is: the title before a name and the apposition after it."""

from __future__ import annotations

import functools
import re

from qa.rules import read_lines, read_words

TITLES = "words/titles.txt"
ROLE_WINDOW = 60  # characters around a name where its title or apposition is written
ROLE_WORDS = 4  # how many words before a name can be its title
# An apposition starts with a determiner or a capitalised word, not a verb (", has said").
APPOSITION = re.compile(r",\s(?:the|a|an|his|her|its|their|one|[A-Z])| of ")


@functools.cache
def _canonical_titles() -> dict[str, str]:
    """Map each spelling of a title word to the first of its line ("gen" -> "general")."""
    table = {}
    for entry in read_lines(TITLES):
        words = [alt.lower().rstrip(".") for alt in entry[0]]
        for word in words:
            if " " not in word:
                table.setdefault(word, words[0])
    return table


def canonical(word: str) -> str:
    """Return the canonical form of a title word, or the word itself.

    >>> canonical("Gen.")
    'general'
    """
    bare = word.lower().rstrip(".")
    return _canonical_titles().get(bare, bare)


@functools.cache
def title_words() -> frozenset[str]:
    """Return the one-word titles, canonical ("president", "minister", "general", "editor")."""
    return frozenset(_canonical_titles().values()) | frozenset(_canonical_titles())


def role_words(text: str, start: int, end: int, context: str = "") -> list[str]:
    """Return the words that describe the name at text[start:end], canonical titles, no stop words."""
    # The title right before the name ("President X", "the Chilean president, X") ...
    before = re.sub(r",\s*$", "", text[max(0, start - ROLE_WINDOW) : start])
    before = re.split(r"[,;:()\u2014\u201c\u201d\"]", before)[-1]
    words = re.findall(r"[\w.]+", before.lower())[-ROLE_WORDS:]
    # ... where "the president, X" refers back to "the Chilean president" in the sentence before ...
    if len(words) >= 2 and words[-2] == "the" and context:
        for modifiers in re.findall(r"((?:\w+\s+){1,2})" + re.escape(words[-1]) + r"\b", context.lower()):
            words += modifiers.split()
    # ... or an apposition right after it ("X, the president of Y,", "X, West Africa editor", "X of Y").
    after = text[end : end + ROLE_WINDOW]
    if APPOSITION.match(after):
        words += re.findall(r"\w+", re.split(r"[;:()\u2014]|,(?=\s)", after[1:])[0].lower())
    stop = read_words("words/stopwords.txt")
    return [canonical(w) for w in words if w.strip(".") and w.strip(".") not in stop]


@functools.cache
def _title_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Return the titles' word tuples by first word, longest first."""
    phrases = {tuple(alt.lower().rstrip(".").split()) for entry in read_lines(TITLES) for alt in entry[0]}
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(filter(None, phrases), key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(found) for first, found in by_first.items()}


@functools.lru_cache(maxsize=4096)
def titles_in(question: str) -> list[tuple[str, ...]]:
    """Return the titles a question asks about, longest first, each as its words.

    >>> titles_in("who is the prime minister of peru")
    [('prime', 'minister')]
    """
    words = [w.rstrip(".") for w in re.findall(r"[\w.]+", question.lower())]
    found, i = [], 0
    while i < len(words):
        for phrase in _title_phrases().get(words[i], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                found.append(tuple(canonical(w) for w in phrase))
                i += len(phrase) - 1
                break
        i += 1
    return found


@functools.cache
def _title_before() -> re.Pattern:
    phrases = sorted({alt for entry in read_lines(TITLES) for alt in entry[0]}, key=len, reverse=True)
    alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(r"(?<![\w.])((?:" + alternation + r")(?:\s+(?:" + alternation + r"))*)\s+$", re.IGNORECASE)


def title_before(text: str, start: int) -> tuple[int, int] | None:
    """Return the span of the title written right before a name ("[Treasury Secretary] Jane Smith")."""
    window = max(0, start - ROLE_WINDOW)
    match = _title_before().search(text, window, start)
    return (match.start(1), match.end(1)) if match else None


@functools.cache
def honorifics() -> frozenset[str]:
    """Return the honorifics ("mr", "dr"): titles that say nothing of a person's role."""
    return frozenset(
        alt.lower().rstrip(".") for entry in read_lines(TITLES) if entry[-1] and entry[-1][0] == "honorific" for alt in entry[0]
    )
