"""Question analysis: expected answer type, keywords, focus and named entities."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from qa import gazetteer
from qa.rules import RuleError, load_rules, read_words
from qa.tagging import chunk
from qa.text import word_spans

QUESTION_RULES = "questions.toml"
WH_WORDS = frozenset("who whom whose what which when where why how".split())
IMPERATIVES = frozenset("name list give tell identify describe explain define".split())


@dataclass(frozen=True)
class Question:
    """An analysed question: what it asks for and which words should find it."""

    text: str
    normalized: str
    answer_type: str
    rule: str
    keywords: tuple[str, ...]
    focus: str | None
    target: str | None
    entities: tuple[str, ...]
    verbs: tuple[str, ...] = ()  # keywords the tagger reads as verbs ("pledged")
    subject_of: str | None = None  # "what *makes up* ...": the answer is the subject of this verb

    @property
    def coarse_type(self) -> str:
        """Return the coarse UIUC class, e.g. 'NUM' for 'NUM:money'."""
        return self.answer_type.split(":", 1)[0]


def normalize(question: str) -> str:
    """Lower-case a question, collapse white space, drop end punctuation.

    >>> normalize("  Who is   the President of Peru ? ")
    'who is the president of peru'
    """
    text = question.replace("\u2019", "'").replace("`", "'").lower()
    text = re.sub(r"\s+'s\b", "'s", text)  # TREC writes "country 's"
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"[\s?.!]+$", "", text)


@functools.cache
def question_rules():
    """Return the compiled question rules, in file order (first match wins)."""
    rules = load_rules(QUESTION_RULES, required=("answer_type",))
    for rule in rules:
        label = rule.get("answer_type")
        if not re.fullmatch(r"(ABBR|DESC|ENTY|HUM|LOC|NUM):[a-z]+", label):
            raise RuleError(f"{rule.source}: rule '{rule.name}': bad answer_type {label!r}")
    return rules


def classify(question: str):
    """Return (answer_type, rule name, match) for a question; the first matching rule wins."""
    text = normalize(question)
    for rule in question_rules():
        match = rule.regex.search(text)
        if match:
            return rule.get("answer_type"), rule.name, match
    return "ENTY:other", "no-rule", None


def _group(match, name):
    if match is None or name not in match.re.groupindex:
        return None
    value = match.group(name)
    return value.strip() if value else None


def keywords(question: str, skip: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Return the content words of a question, in order, without stop words or duplicates.

    The word after "how" ("how *many*", "how *long*") asks for the answer's
    kind and is no keyword; nor are the words in skip (the focus noun).

    >>> keywords("How many ethnic Germans live in Chile?")
    ('ethnic', 'germans', 'live', 'chile')
    """
    stop = read_words("words/stopwords.txt") | WH_WORDS | skip
    seen, words, previous = set(), [], ""
    for number, (start, end) in enumerate(word_spans(question)):
        word = question[start:end].lower().replace("\u2019", "'").strip("'")
        if number == 0 and word in IMPERATIVES:
            continue  # "*name* the expert who ..." asks; it is not a word to find
        if word.endswith("'s"):
            word = word[:-2]
        after_how, previous = previous == "how", word
        if after_how or not word or word in stop or word in seen or not re.search(r"\w", word):
            continue
        seen.add(word)
        words.append(word)
    return tuple(words)


AUXILIARIES = frozenset("is are was were be been being do does did has have had can could will would shall should may might must".split())


def _tagged(question: str) -> list[tuple[str, str]]:
    return [(word.lower(), tag) for sentence in chunk(normalize(question)) for word, tag, _, _ in sentence]


def clean(question: str) -> str:
    """Drop invisible format characters (zero-width spaces, direction marks) and NULs from a question.

    >>> clean("How much\u200b funding?")
    'How much funding?'
    """
    return "".join(ch for ch in question if unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\t\n")


@functools.lru_cache(maxsize=4096)  # asked again and again; the analysis is a pure function of the text
def analyze(question: str) -> Question:
    """Analyse a question into its expected answer type, keywords, focus and entities."""
    asked, question = question, clean(question)
    answer_type, rule, match = classify(question)
    focus = _group(match, "focus")
    tagged = _tagged(question)
    # "What *territories* did he ...": the noun after the question word names the answer's kind.
    if focus is None and len(tagged) > 1 and tagged[0][0] in ("what", "which") and tagged[1][1].startswith("NN"):
        focus = tagged[1][0]
    # "which *country* ..." names the answer's kind, which its sentence need not repeat;
    # "which *general* spoke" describes the person, which it usually does.
    skip = frozenset(focus.split()) if focus and answer_type != "HUM:ind" else frozenset()
    # "which *two* countries": how many answers are wanted, not a word to find.
    wh = next((i for i, (w, _) in enumerate(tagged) if w in ("what", "which")), None)
    if wh is not None and wh + 1 < len(tagged) and tagged[wh + 1][1] == "CD":
        skip |= {tagged[wh + 1][0]}
    words = keywords(question, skip)
    verbs = tuple(w for w, tag in tagged if tag.startswith("VB") and w in words)
    subject_of = None
    if len(tagged) > 1 and tagged[0][0] in ("what", "who") and tagged[1][1].startswith("VB") and tagged[1][0] not in AUXILIARIES:
        subject_of = tagged[1][0]
    return Question(
        text=asked,
        normalized=normalize(question),
        answer_type=answer_type,
        rule=rule,
        keywords=words,
        focus=focus,
        target=_group(match, "target"),
        entities=tuple(dict.fromkeys(m.place.name for m in gazetteer.find_places(question))),
        verbs=verbs,
        subject_of=subject_of,
    )
