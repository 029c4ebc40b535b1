"""Proper names in a sentence: people, organisations, places and nationalities."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from qa import gazetteer
from qa.rules import read_lines, read_words
from qa.tagging import lexicon_tag

TITLES = "words/titles.txt"
ORG_WORDS = "words/org_words.txt"
GROUP_NOUNS = "words/group_nouns.txt"
DIRECTIONS = "words/directions.txt"
THING_WORDS = "words/thing_words.txt"
TOKEN = re.compile(r"[^\W\d_][\w.'\u2019&-]*|\d[\w.,]*")
# Lower-case words that may sit inside a name ("Bank of England", "Charles de Gaulle").
CONNECTORS = frozenset("of de da del di du la le van von der bin al el y and for".split())
CLAUSE_ENDS = frozenset(".:;!?\u201c\"(\u2014-")
PLACE_LABELS = {"COUNTRY": "COUNTRY", "CITY": "CITY", "REGION": "REGION", "DEMONYM": "NORP"}


@dataclass(frozen=True)
class Name:
    """A proper name in a sentence: span, label and the rule that typed it."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, COUNTRY, CITY, REGION, NORP, GROUP or PROPER
    rule: str
    confidence: float
    title: str = ""  # the title or honorific before a person's name, if any


@functools.cache
def _titles() -> tuple[frozenset[str], frozenset[str]]:
    phrases = {alt.lower() for entry in read_lines(TITLES) for alt in entry[0]}
    words = {w.strip(".") for phrase in phrases for w in phrase.split()} - CONNECTORS
    return frozenset(phrases | {p.rstrip(".") for p in phrases}), frozenset(words)


@functools.cache
def _org_words() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {"suffix": set(), "prefix": set(), "known": set()}
    for entry in read_lines(ORG_WORDS):
        kind = entry[-1][0] if len(entry) > 1 else "suffix"
        kinds.setdefault(kind, set()).update(alt.lower() for alt in entry[0])
    return {k: frozenset(v) for k, v in kinds.items()}


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _common_word(token: str) -> bool:
    """Tell whether a capitalised word is an ordinary word (sentence-initial 'However')."""
    bare = token.rstrip(".").replace("\u2019", "'")
    if (bare.isupper() and len(bare) > 1) or bare.lower() in gazetteer.entries():
        return False
    tag = lexicon_tag(bare)
    if tag is not None:
        return not tag.startswith("NNP")
    lower = lexicon_tag(bare.lower())
    return lower is not None and not lower.startswith("NNP")


def _runs(text: str) -> list[list[re.Match]]:
    """Group capitalised tokens into runs, allowing lower-case connectors inside."""
    tokens = list(TOKEN.finditer(text))
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for i, tok in enumerate(tokens):
        word = tok.group()
        gap = text[current[-1].end() : tok.start()] if current else ""
        joinable = not current or gap == "" or (len(gap) == 1 and gap.isspace())  # \s? exactly
        # The last character before the token other than white space ends a clause.
        starts_clause = i == 0 or text[: tok.start()].rstrip()[-1:] in CLAUSE_ENDS
        if _is_capitalised(word) and joinable and not (starts_clause and not current and _common_word(word)):
            current.append(tok)
            continue
        if (
            current
            and word in CONNECTORS
            and joinable
            and i + 1 < len(tokens)
            and _is_capitalised(tokens[i + 1].group())
            and text[tok.end() : tokens[i + 1].start()] == " "
        ):
            current.append(tok)
            continue
        if current:
            runs.append(current)
        current = [tok] if (_is_capitalised(word) and not (starts_clause and _common_word(word))) else []
    if current:
        runs.append(current)
    # A run never ends on a connector.
    return [r[: max(i for i, t in enumerate(r) if t.group() not in CONNECTORS) + 1] for r in runs]


def _strip_possessive(text: str, start: int, end: int) -> int:
    span = text[start:end]
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if span.endswith(suffix) and len(span) > len(suffix):
            return end - len(suffix)
    return end


def _trim_period(text: str, start: int, end: int) -> int:
    """Drop a sentence-final period from a name, but keep "U.S." and "Co."."""
    last = text[start:end].split()[-1]
    if last.endswith(".") and last.count(".") == 1 and len(last) > 2 and last.lower() not in read_words("abbreviations.txt"):
        return end - 1
    return end


def _is_organisation(words: list[str]) -> bool:
    """Tell whether a run names an organisation by a known name or an organisation word."""
    orgs = _org_words()
    lowered = [w.lower().rstrip(".") for w in words]
    phrase = " ".join(w.lower() for w in words)
    return (
        phrase in orgs.get("known", ())
        or phrase.rstrip(".") in orgs.get("known", ())
        or any(w in orgs.get("suffix", ()) for w in lowered[1:])
        or any(" ".join(lowered[:n]) in orgs.get("prefix", ()) for n in range(1, len(lowered)))
    )


def _split_title(words: list[str]) -> int:
    """Return how many leading words of a run are a title ("Secretary of State", "Mr.")."""
    if _is_organisation(words):
        return 0  # "General Motors", "State Department"
    phrases, title_words = _titles()
    lowered = [w.lower() for w in words]
    best = 0
    for n in range(1, len(words)):
        phrase = " ".join(lowered[:n])
        if phrase in phrases or phrase.rstrip(".") in phrases:
            best = n
    # Compound titles ("Treasury Secretary") end on a word that is a title of its own.
    n = best
    while n < len(words) - 1 and lowered[n].rstrip(".") in title_words:
        n += 1
    while n > best and lowered[n - 1].rstrip(".") not in phrases:
        n -= 1
    return max(best, n)


@functools.cache
def _thing_words() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {"head": set(), "lead": set()}
    for entry in read_lines(THING_WORDS):
        kinds.setdefault(entry[-1][0], set()).update(alt.lower() for alt in entry[0])
    return {k: frozenset(v) for k, v in kinds.items()}


def _names_thing(words: list[str]) -> bool:
    """Tell whether a run names a place, building, event or prize by its first or last word ("Fort X", "X Stadium")."""
    kinds = _thing_words()
    return len(words) > 1 and (words[-1].lower() in kinds["head"] or words[0].lower() in kinds["lead"])


def _classify(words: list[str], has_title: bool) -> tuple[str, str, float]:
    orgs = _org_words()
    phrase = " ".join(w.lower() for w in words)
    if phrase in orgs.get("known", ()) or phrase.rstrip(".") in orgs.get("known", ()):
        return "ORG", "name-known-organisation", 0.9
    if has_title:
        return "PERSON", "name-after-title", 0.9
    places = gazetteer.find_places(" ".join(words), case_sensitive=False)
    if places and places[0].start == 0 and places[0].end == len(" ".join(words)):
        return PLACE_LABELS[places[0].place.kind], "name-gazetteer", 0.9
    if _is_organisation(words):
        return "ORG", "name-organisation-word", 0.85
    # "South American": an adjective made from a place name is a nationality.
    if words[-1].endswith("n") and len(words[-1]) > 3:
        stem = " ".join(words[:-1] + [words[-1][:-1]])
        if gazetteer.entries().get(stem.lower()) is not None:
            return "NORP", "name-place-adjective", 0.8
    # "Friends of East Africa" is an organisation; "Lloyd Austin" is a person.
    if places and (len(places[-1].text.split()) > 1 or len(words) > 3):
        return "ORG", "name-with-place", 0.6
    if all(w.isupper() for w in words) and len(words) == 1 and len(words[0]) <= 6:
        return "ORG", "name-acronym", 0.6
    if _names_thing(words):
        return "PROPER", "name-thing", 0.5
    initials = any(re.fullmatch(r"[A-Z]\.", w) for w in words[1:-1])
    if 2 <= len(words) <= 4 and not any(w in CONNECTORS for w in words):
        return "PERSON", "name-initial" if initials else "name-two-words", 0.8 if initials else 0.6
    return "PROPER", "name-proper", 0.4


def _leading_place(words: list[str]) -> int:
    """Return how many leading words are a place before a title ("Chilean President X")."""
    for k in (1, 2):
        if len(words) > k + 1 and gazetteer.entries().get(" ".join(words[:k]).lower()) and _split_title(words[k:]):
            return k
    return 0


def _split_conjunctions(text: str, run: list[re.Match]) -> list[list[re.Match]]:
    """Split "Smith and Jones" in two, but keep "Bosnia and Herzegovina" and "Centre for X"."""
    words = [t.group() for t in run]
    if "and" not in words and "for" not in words:
        return [run]
    phrase = text[run[0].start() : run[-1].end()]
    if gazetteer.entries().get(phrase.lower()) or phrase.lower() in _org_words().get("known", ()):
        return [run]
    parts, current = [], []
    for i, tok in enumerate(run):
        word = tok.group()
        keep_for = word == "for" and any(w.lower() in _org_words().get("suffix", ()) for w in words[:i])
        if word in ("and", "for") and not keep_for:
            if current:
                parts.append(current)
            current = []
        else:
            current.append(tok)
    if current:
        parts.append(current)
    return parts


def find_names(text: str) -> list[Name]:
    """Return the proper names of a sentence, typed by titles, word lists and gazetteers."""
    names = []
    for run in (part for whole in _runs(text) for part in _split_conjunctions(text, whole)):
        start = run[0].start()
        end = _strip_possessive(text, start, run[-1].end())
        words = text[start:end].split()
        if not words:
            continue
        lead = _leading_place(words)
        if lead:
            place = " ".join(words[:lead])
            label, rule, confidence = _classify(words[:lead], False)
            names.append(Name(start, start + len(place), place, label, rule, confidence))
            start += len(place) + 1
            words = words[lead:]
        cut = _split_title(words)
        title = " ".join(words[:cut])
        if cut >= len(words):
            continue  # a bare title ("President") names nobody
        rest = words[cut:]
        # "President Jane R. Smith of Peru": the place after "of" is a name of its own.
        if cut and "of" in rest:
            tail = " ".join(rest[rest.index("of") + 1 :])
            tail_start = text.index(tail, start)
            names.extend(
                replace(n, start=n.start + tail_start, end=n.end + tail_start)
                for n in find_names(tail)
                if n.label != "GROUP"
            )
            rest = rest[: rest.index("of")]
            if not rest:
                continue  # "President of France": a title and a place, no name
        offset = text.index(rest[0], start + len(" ".join(words[:cut])))
        end = _trim_period(text, offset, offset + len(" ".join(rest)))
        label, rule, confidence = _classify(text[offset:end].split(), bool(cut))
        names.append(Name(offset, end, text[offset:end], label, rule, confidence, title))
    return names + _regions(text, names) + _groups(text, names)


LOCATIONS = ("COUNTRY", "CITY", "REGION")


def _regions(text: str, names: list[Name]) -> list[Name]:
    """Find parts of places named by a direction ("northern Chile", "eastern Congo")."""
    found = []
    for name in names:
        if name.label not in LOCATIONS:
            continue
        before = re.search(r"(?:^|\s)([\w-]+(?:\s[\w-]+)?)\s$", text[max(0, name.start - 25) : name.start])
        if not before:
            continue
        words = before.group(1)
        direction = next((d for d in (words, words.split()[-1]) if d.lower() in read_words(DIRECTIONS)), None)
        if direction:
            start = name.start - len(direction) - 1
            found.append(Name(start, name.end, text[start : name.end], "REGION", "name-direction-of-place", 0.8))
    return found


@functools.cache
def _group_regex() -> re.Pattern:
    nouns = sorted({alt for entry in read_lines(GROUP_NOUNS) for alt in entry[0]}, key=len, reverse=True)
    return re.compile(r"\s+((?:[a-z]+\s+)?(?:" + "|".join(map(re.escape, nouns)) + r"))\b")


def _groups(text: str, names: list[Name]) -> list[Name]:
    """Find groups of people named by a nationality or organisation ("Kyrgyz authorities")."""
    found = []
    for name in names:
        if name.label not in ("NORP", "ORG", "PROPER", "COUNTRY"):
            continue
        match = _group_regex().match(text, name.end)
        if match:
            found.append(Name(name.start, match.end(1), text[name.start : match.end(1)], "GROUP", "group-noun-after-name", 0.8))
    return found


def surname(name: str) -> str:
    """Return the last word of a person's name, without a possessive."""
    return re.sub(r"['\u2019]s?$", "", name.split()[-1]) if name.split() else name
