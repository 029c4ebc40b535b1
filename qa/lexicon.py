"""The shared lexicon: every word list of rules/ parsed once, and the look-ups every stage uses.

Built by `qa.rules.load_rules` as part of one `Rules`; stages receive it and
never read a word list themselves. Look-ups keyed by a word or a text keep a
bounded cache on the instance, so a new rule set starts with empty caches.
"""

from __future__ import annotations

import functools
import re

from qa.gazetteer import Gazetteer
from qa.roles import Titles
from qa.rulefiles import RuleError, RuleFiles
from qa.text import SentenceSplitter, stem

STOPWORDS = "words/stopwords.txt"
SYNONYMS = "synonyms.txt"
IRREGULAR_VERBS = "words/irregular_verbs.txt"
NUMBER_WORDS = "words/number_words.txt"
ORG_WORDS = "words/org_words.txt"
GROUP_NOUNS = "words/group_nouns.txt"
DIRECTIONS = "words/directions.txt"
PLACE_CUES = "words/place_cues.txt"
THING_WORDS = "words/thing_words.txt"
LOCATIVE_PREPOSITIONS = "words/locative_prepositions.txt"
NEGATIONS = "words/negations.txt"
ANTONYMS = "words/antonyms.txt"
ABBREVIATIONS = "abbreviations.txt"
SENTENCE_STARTERS = "sentence_starters.txt"
NOMINALIZATIONS = "words/nominalizations.txt"
LIGHT_WORDS = "words/light_words.txt"
# The corpus's own vocabulary (corpus/thesaurus.synonyms, same format as synonyms.txt), merged over the general one.
CORPUS_THESAURUS = "corpus:thesaurus.synonyms"

# An index term: a word, or dotted words kept together ("U.S.", "3.5").
TERM = re.compile(r"\w+(?:\.\w+)*")
TERM_MIN_LENGTH = 1  # the index keeps one-letter words ("a" is a stop word anyway)
MAX_PHRASE_WORDS = 3  # the longest thesaurus phrase a question keyword may be ("come up with")
WORD_CACHE = 16384  # words whose variants are remembered: question words and title words recur
TEXT_CACHE = 65536  # sentences whose index terms are remembered: retrieved again and again


class Lexicon:
    """Every word list, parsed once, with the look-ups built on them."""

    def __init__(self, files: RuleFiles):
        self.stopwords = files.words(STOPWORDS)
        self.gazetteer = Gazetteer(files)
        self.titles = Titles(files, self.stopwords)
        self.splitter = SentenceSplitter(files.words(ABBREVIATIONS), files.words(SENTENCE_STARTERS))
        self.abbreviations = files.words(ABBREVIATIONS)
        self.group_nouns = files.words(GROUP_NOUNS)
        self.directions = files.words(DIRECTIONS)
        self.place_cues = self._place_cues(files)
        self.locative_prepositions = files.words(LOCATIVE_PREPOSITIONS)
        self.negations = files.words(NEGATIONS)
        self.light_words = files.words(LIGHT_WORDS)
        self.org_words = self._kinds(files, ORG_WORDS, default="suffix", kinds=("suffix", "prefix", "known"))
        self.thing_words = self._kinds(files, THING_WORDS, default=None, kinds=("head", "lead"))
        self.antonyms = self._antonyms(files)
        thesaurus = files.lines(SYNONYMS) + (files.lines(CORPUS_THESAURUS) if files.has(CORPUS_THESAURUS) else ())
        self._by_head, self._by_member = self._synonym_groups(thesaurus)
        self.verb_forms = self._verb_forms(files)
        self.nominal_forms = self._nominal_forms(files)
        self.number_forms = self._number_forms(files)
        nouns = sorted({alt for entry in files.lines(GROUP_NOUNS) for alt in entry[0]}, key=len, reverse=True)
        self.group_after_name = re.compile(r"\s+((?:[a-z]+\s+)?(?:" + "|".join(map(re.escape, nouns)) + r"))\b")
        # Articles, stop words and titles ("Mr.") add nothing to a name the question already has.
        self.filler_stems = frozenset(stem(w) for w in self.stopwords | self.titles.words)
        self.variants = functools.lru_cache(maxsize=WORD_CACHE)(self._variants)
        self.word_variants = functools.lru_cache(maxsize=WORD_CACHE)(self._word_variants)
        self.terms = functools.lru_cache(maxsize=TEXT_CACHE)(self._terms)

    @staticmethod
    def _kinds(files: RuleFiles, name: str, default, kinds) -> dict[str, frozenset[str]]:
        table: dict[str, set[str]] = {kind: set() for kind in kinds}
        for entry in files.lines(name):
            kind = entry[-1][0] if len(entry) > 1 else default
            table.setdefault(kind, set()).update(alt.lower() for alt in entry[0])
        return {k: frozenset(v) for k, v in table.items()}

    @staticmethod
    def _antonyms(files: RuleFiles) -> dict[str, frozenset[str]]:
        table: dict[str, set[str]] = {}
        for entry in files.lines(ANTONYMS):
            side, other = (tuple(w.lower() for w in field) for field in entry[:2])
            for word in side:
                table.setdefault(word, set()).update(other)
            for word in other:
                table.setdefault(word, set()).update(side)
        return {word: frozenset(opposites) for word, opposites in table.items()}

    @staticmethod
    def _place_cues(files: RuleFiles) -> re.Pattern | None:
        """Return a pattern for the words that end right before a name of a place, with the label they give."""
        cues: dict[str, str] = {}
        for entry in files.lines(PLACE_CUES):
            if len(entry) != 2 or entry[1][0] not in ("CITY", "REGION"):
                raise RuleError(f"rules/{PLACE_CUES}: '{entry[0][0]}': needs 'cue words | CITY or REGION'")
            for cue in entry[0]:
                cues[cue.lower()] = entry[1][0]
        if not cues:
            return None
        names = sorted(cues, key=len, reverse=True)
        groups = "|".join(f"(?P<{cues[c]}_{i}>{re.escape(c).replace(chr(92) + ' ', chr(92) + 's+')})" for i, c in enumerate(names))
        return re.compile(rf"\b(?:{groups})\s+$")

    @staticmethod
    def _synonym_groups(entries) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        # A thesaurus line starts with its headword; the other words are its senses'
        # synonyms. A word that heads no line takes the lines it appears in.
        by_head: dict[str, set[str]] = {}
        by_member: dict[str, set[str]] = {}
        for entry in entries:
            group = [w.lower() for w in entry[0]]
            by_head.setdefault(stem(group[0]), set()).update(group)
            for word in group:
                by_member.setdefault(word, set()).update(group)
        return {k: frozenset(v) for k, v in by_head.items()}, {k: frozenset(v) for k, v in by_member.items()}

    @staticmethod
    def _verb_forms(files: RuleFiles) -> dict[str, tuple[str, ...]]:
        """Map each form of an irregular verb ("fell") to its other forms ("fall", "fallen")."""
        table: dict[str, set[str]] = {}
        for entry in files.lines(IRREGULAR_VERBS):
            forms = {alt.lower() for field in entry for alt in field}
            for form in forms:
                table.setdefault(form, set()).update(forms - {form})
        return {form: tuple(sorted(others)) for form, others in table.items()}

    @staticmethod
    def _nominal_forms(files: RuleFiles) -> dict[str, tuple[str, ...]]:
        """Map a verb to the nouns that name its event and back ("sell" <-> "sale", "sales")."""
        table: dict[str, set[str]] = {}
        for entry in files.lines(NOMINALIZATIONS):
            nouns = {n.lower() for n in entry[0]}
            verbs = {v.lower() for v in entry[1]} if len(entry) > 1 else set()
            for verb in verbs:
                table.setdefault(verb, set()).update(nouns)
            for noun in nouns:
                table.setdefault(noun, set()).update(verbs)
        return {word: tuple(sorted(others)) for word, others in table.items()}

    @staticmethod
    def _number_forms(files: RuleFiles) -> dict[str, tuple[str, ...]]:
        """Map a cardinal number word to its digits and back ("five" <-> "5")."""
        table: dict[str, set[str]] = {}
        for entry in files.lines(NUMBER_WORDS):
            if len(entry) > 2 and entry[2] and entry[2][0] == "cardinal" and entry[1]:
                value = entry[1][0]
                for word in entry[0]:
                    table.setdefault(word.lower(), set()).add(value)
                    table.setdefault(value, set()).add(word.lower())
        return {k: tuple(sorted(v)) for k, v in table.items()}

    def phrases_in(self, words: list[str]) -> list[tuple[int, int]]:
        """Return the (start, end) word ranges of the thesaurus phrases in a list of words, longest first, left to right.

        "who came up with the idea" holds "came up with": one keyword whose
        variants ("devised", "invented") a sentence may use instead.
        """
        found, at = [], 0
        while at < len(words):
            for length in range(min(MAX_PHRASE_WORDS, len(words) - at), 1, -1):
                if " ".join(words[at : at + length]) in self._by_member:
                    found.append((at, at + length))
                    at += length - 1
                    break
            at += 1
        return found

    def synonyms(self, word: str) -> frozenset[str]:
        """Return the thesaurus synonyms of a word (headword lines first, else member lines)."""
        found = self._by_head.get(stem(word)) or self._by_member.get(word) or frozenset()
        return found - {word}

    def _variants(self, keyword: str) -> tuple[str, ...]:
        """Return other words a sentence may use for a keyword: verb forms, synonyms, digits, country names."""
        found = list(self.verb_forms.get(keyword, ()))
        for form in (keyword, *found):
            found.extend(self.nominal_forms.get(form, ()))  # "sold" -> "sale", "arrival" -> "arrive"
        for form in tuple(found) + (keyword,):
            found.extend(sorted(self.synonyms(form)))
        found.extend(self.number_forms.get(keyword, ()))
        place = self.gazetteer.get(keyword)
        if place is not None and place.kind in ("COUNTRY", "DEMONYM") and place.country:
            found.extend(n.lower() for n in self.gazetteer.country_names(place.country) if n.lower() != keyword)
        return tuple(dict.fromkeys(found))

    def same_predicate(self, a: str, b: str) -> bool:
        """Tell whether two verb lemmas may state the same predicate: equal, or variants of each other."""
        return a == b or stem(b) in self.word_variants(a) or stem(a) in self.word_variants(b)

    def _word_variants(self, word: str) -> frozenset[str]:
        """Return the stems of a word and of its one-word variants, title words canonical."""
        return frozenset(stem(self.titles.canonical(w)) for w in (word, *self.variants(word)) if " " not in w)

    def _terms(self, text: str) -> tuple[tuple[str, int, int], ...]:
        """Return the index terms of a text with their character spans: word pattern, lower case, stop words, stem.

        The same steps as the index's analyzer, without Whoosh's token objects,
        which cost more than the stemming on every retrieved sentence.
        """
        found = []
        stops = self.stopwords
        for match in TERM.finditer(text):
            word = match.group().lower()
            if len(word) >= TERM_MIN_LENGTH and word not in stops:
                found.append((stem(word), match.start(), match.end()))
        return tuple(found)

    def stems(self, text: str) -> tuple[str, ...]:
        """Return the index terms of a text, without their spans."""
        return tuple(t[0] for t in self.terms(text))
