"""Titles and roles: what a sentence says a person is, from the title before a name and the apposition after it."""

from __future__ import annotations

import functools
import re

from qa.rulefiles import RuleFiles
from qa.tagging import lexicon_tag

TITLES = "words/titles.txt"
ROLE_WINDOW = 60  # characters around a name where its title or apposition is written
ROLE_WORDS = 4  # how many words before a name can be its title
TITLES_CACHE = 4096  # questions whose titles are remembered
# An apposition starts with a determiner or a capitalised word, not a verb (", has said").
APPOSITION = re.compile(r",\s(?:the|a|an|his|her|its|their|one|[A-Z])| of ")
# Lower-case words that may sit inside a name or a title ("Secretary of State", "Charles de Gaulle").
CONNECTORS = frozenset("of de da del di du la le van von der bin al el y and for".split())


class Titles:
    """rules/words/titles.txt, parsed once: spellings, canonical forms, phrases and honorifics."""

    def __init__(self, files: RuleFiles, stopwords: frozenset[str]):
        entries = files.lines(TITLES)
        self.stopwords = stopwords
        canonical: dict[str, str] = {}
        for entry in entries:
            words = [alt.lower().rstrip(".") for alt in entry[0]]
            for word in words:
                if " " not in word:
                    canonical.setdefault(word, words[0])
        self._canonical = canonical
        # One-word titles, canonical ("president", "minister", "general") and as spelt ("gen").
        self.words = frozenset(canonical.values()) | frozenset(canonical)
        spellings = {alt.lower() for entry in entries for alt in entry[0]}
        # Every title as written and without a final period, for splitting a title off a name.
        self.phrases = frozenset(spellings | {p.rstrip(".") for p in spellings})
        self.phrase_words = frozenset(w.strip(".") for p in spellings for w in p.split()) - CONNECTORS
        self.honorifics = frozenset(
            alt.lower().rstrip(".") for entry in entries if entry[-1] and entry[-1][0] == "honorific" for alt in entry[0]
        )
        by_first: dict[str, list[tuple[str, ...]]] = {}
        tuples = {tuple(alt.lower().rstrip(".").split()) for entry in entries for alt in entry[0]}
        for phrase in sorted(filter(None, tuples), key=len, reverse=True):
            by_first.setdefault(phrase[0], []).append(phrase)
        self._by_first = {first: tuple(found) for first, found in by_first.items()}
        ordered = sorted({alt for entry in entries for alt in entry[0]}, key=len, reverse=True)
        alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
        self._before = re.compile(r"(?<![\w.])((?:" + alternatives + r")(?:\s+(?:" + alternatives + r"))*)\s+$", re.IGNORECASE)
        self.titles_in = functools.lru_cache(maxsize=TITLES_CACHE)(self._titles_in)

    def canonical(self, word: str) -> str:
        """Return the canonical form of a title word ("Gen." -> "general"), or the word itself."""
        bare = word.lower().rstrip(".")
        return self._canonical.get(bare, bare)

    def _titles_in(self, question: str) -> tuple[tuple[str, ...], ...]:
        """Return the titles a question asks about, longest first, each as its canonical words."""
        words = [w.rstrip(".") for w in re.findall(r"[\w.]+", question.lower().replace("\u2019", "'"))]
        found, i = [], 0
        while i < len(words):
            for phrase in self._by_first.get(words[i], ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    # "the senator's wife": a possessor's title is not the title asked about.
                    if words[i + len(phrase) : i + len(phrase) + 1] != ["s"]:
                        found.append(tuple(self.canonical(w) for w in phrase))
                    i += len(phrase) - 1
                    break
            i += 1
        return tuple(found)

    def title_before(self, text: str, start: int) -> tuple[int, int] | None:
        """Return the span of the title written right before a name ("[Treasury Secretary] Jane Smith")."""
        match = self._before.search(text, max(0, start - ROLE_WINDOW), start)
        return (match.start(1), match.end(1)) if match else None

    def role_words(self, text: str, start: int, end: int, context: str = "") -> list[str]:
        """Return the words that describe the name at text[start:end], canonical titles, no stop words."""
        # The title right before the name ("President X", "the Chilean president, X") ...
        before = re.sub(r",\s*$", "", text[max(0, start - ROLE_WINDOW) : start])
        before = re.split(r"[,;:()\u2014\u201c\u201d\"]", before)[-1]
        words = re.findall(r"[\w.]+", before.lower())[-ROLE_WORDS:]
        # ... where "the president, X" refers back to "the Chilean president" in the sentence before ...
        if len(words) >= 2 and words[-2] == "the" and context:
            for modifiers in re.findall(r"((?:\w+\s+){1,2})" + re.escape(words[-1]) + r"\b", context.lower()):
                words += modifiers.split()
        # ... or an apposition right after it ("X, the president of Y,", "X, West Africa editor", "X of Y"),
        # which holds no verb: ", Leeds United will continue" is the next clause, not what X is.
        after = text[end : end + ROLE_WINDOW]
        if APPOSITION.match(after):
            apposition = re.split(r"[;:()\u2014]|,(?=\s)", after[1:])[0]
            if not any((lexicon_tag(w.lower()) or "").startswith(("VB", "MD")) for w in re.findall(r"[A-Za-z]+", apposition)[1:]):
                words += re.findall(r"\w+", apposition.lower())
        return [self.canonical(w) for w in words if w.strip(".") and w.strip(".") not in self.stopwords]
