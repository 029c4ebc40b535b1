"""Proper names in a sentence: people, organisations, places and nationalities."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.lexicon import Lexicon
from qa.roles import CONNECTORS
from qa.tagging import lexicon_tag

# A word of a name; a hyphen before a lower-case word ends it ("[Geneva]-based", "[US]-led"), not "Anne-Marie".
PLACE_CUE_REACH = 30  # characters before a name where its place word is looked for
ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)")
TOKEN = re.compile(r"[^\W\d_](?:[\w.'\u2019&]|-(?![a-z]))*|\d[\w.,]*")
CLAUSE_ENDS = frozenset(".:;!?\u201c\"(\u2014-")
PLACE_LABELS = {"COUNTRY": "COUNTRY", "CITY": "CITY", "REGION": "REGION", "DEMONYM": "NORP"}
LOCATIONS = ("COUNTRY", "CITY", "REGION")
ACRONYM_LENGTH = 6  # an all-capitals word this short is an organisation's initials ("NATO", "UNICEF")
DIRECTION_WINDOW = 25  # characters before a place where "northern" or "south-east" is written

# How sure each way of typing a name is: a word list or a title says so outright (0.9);
# a name's shape (two capitalised words, an acronym) only suggests it.
CONFIDENCE = {
    "name-known-organisation": 0.9,  # listed in rules/words/org_words.txt
    "name-after-title": 0.9,  # "President X", "Mr. X"
    "name-gazetteer": 0.9,  # the whole run is a place of rules/gazetteer/
    "name-organisation-word": 0.85,  # "X Bank", "Ministry of Y"
    "name-place-adjective": 0.8,  # "South American": an adjective made from a place
    "name-initial": 0.8,  # "Jane R. Smith": a middle initial is a person's
    "name-direction-of-place": 0.8,  # "northern Chile"
    "name-after-place-word": 0.8,  # "the Argentine capital X", "the province of X" (rules/words/place_cues.txt)
    "group-noun-after-name": 0.8,  # "Kyrgyz authorities"
    "name-two-words": 0.6,  # two to four capitalised words, most often a person
    "name-with-place": 0.6,  # "Friends of East Africa": a long name holding a place
    "name-acronym": 0.6,  # short capitals: an organisation more often than not
    "name-thing": 0.5,  # "X Stadium", "Fort Y": a thing's name, not a person's
    "name-proper": 0.4,  # capitalised, nothing more known
}


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


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _common_word(token: str, lex: Lexicon) -> bool:
    """Tell whether a capitalised word is an ordinary word (sentence-initial 'However')."""
    bare = token.rstrip(".").replace("\u2019", "'")
    if (bare.isupper() and len(bare) > 1) or bare.lower() in lex.gazetteer:
        return False
    tag = lexicon_tag(bare)
    if tag is not None:
        return not tag.startswith("NNP")
    lower = lexicon_tag(bare.lower())
    return lower is not None and not lower.startswith("NNP")


def _of_the_name(tokens: list[re.Match], i: int, text: str) -> bool:
    """Tell whether the "of" at token i opens "of the" and a capitalised word ("Committee [of the] Red Cross")."""
    return (
        i + 2 < len(tokens)
        and tokens[i + 1].group() == "the"
        and text[tokens[i + 1].end() : tokens[i + 2].start()] == " "
        and _is_capitalised(tokens[i + 2].group())
    )


def _runs(text: str, lex: Lexicon) -> list[list[re.Match]]:
    """Group capitalised tokens into runs, allowing lower-case connectors inside."""
    tokens = list(TOKEN.finditer(text))
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for i, tok in enumerate(tokens):
        word = tok.group()
        gap = text[current[-1].end() : tok.start()] if current else ""
        joinable = not current or gap == "" or (len(gap) == 1 and gap.isspace())  # \s? exactly
        # The last character before the token other than white space ends a clause (read from the gap
        # since the previous token, or that token's last character: linear in the sentence).
        gap_before = text[tokens[i - 1].end() : tok.start()].rstrip() if i else ""
        starts_clause = i == 0 or (gap_before[-1:] if gap_before else tokens[i - 1].group()[-1:]) in CLAUSE_ENDS
        if _is_capitalised(word) and joinable and not (starts_clause and not current and _common_word(word, lex)):
            current.append(tok)
            continue
        if (
            current
            and word in CONNECTORS
            and joinable
            and i + 1 < len(tokens)
            and (_is_capitalised(tokens[i + 1].group()) or (word == "of" and _of_the_name(tokens, i, text)))
            and text[tok.end() : tokens[i + 1].start()] == " "
        ):
            current.append(tok)
            continue
        if (  # "the International Committee of the Red Cross": "of the" inside a name
            current
            and word == "the"
            and current[-1].group() == "of"
            and text[current[-1].end() : tok.start()] == " "
            and i + 1 < len(tokens)
            and _is_capitalised(tokens[i + 1].group())
            and text[tok.end() : tokens[i + 1].start()] == " "
        ):
            current.append(tok)
            continue
        if current:
            runs.append(current)
        # "2nd Battalion", "101st Airborne Division": an ordinal opens the name of a unit.
        ordinal = bool(ORDINAL.fullmatch(word)) and i + 1 < len(tokens) and _is_capitalised(tokens[i + 1].group()) \
            and text[tok.end() : tokens[i + 1].start()] == " "
        current = [tok] if ((_is_capitalised(word) and not (starts_clause and _common_word(word, lex))) or ordinal) else []
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


def _trim_period(text: str, start: int, end: int, lex: Lexicon) -> int:
    """Drop a sentence-final period from a name, but keep "U.S." and "Co."."""
    last = text[start:end].split()[-1]
    if last.endswith(".") and last.count(".") == 1 and len(last) > 2 and last.lower() not in lex.abbreviations:
        return end - 1
    return end


def _is_organisation(words: list[str], lex: Lexicon) -> bool:
    """Tell whether a run names an organisation by a known name or an organisation word."""
    orgs = lex.org_words
    lowered = [w.lower().rstrip(".") for w in words]
    phrase = " ".join(w.lower() for w in words)
    return (
        phrase in orgs.get("known", ())
        or phrase.rstrip(".") in orgs.get("known", ())
        or any(w in orgs.get("suffix", ()) for w in lowered[1:])
        or any(" ".join(lowered[:n]) in orgs.get("prefix", ()) for n in range(1, len(lowered)))
    )


def _split_title(words: list[str], lex: Lexicon) -> int:
    """Return how many leading words of a run are a title ("Secretary of State", "Mr.")."""
    if _is_organisation(words, lex):
        return 0  # "General Motors", "State Department"
    phrases, title_words = lex.titles.phrases, lex.titles.phrase_words
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


def _names_thing(words: list[str], lex: Lexicon) -> bool:
    """Tell whether a run names a place, building, event or prize by its first or last word ("Fort X", "X Stadium")."""
    kinds = lex.thing_words
    return len(words) > 1 and (words[-1].lower() in kinds["head"] or words[0].lower() in kinds["lead"])


def _typed(label: str, rule: str) -> tuple[str, str, float]:
    return label, rule, CONFIDENCE[rule]


def _classify(words: list[str], has_title: bool, lex: Lexicon) -> tuple[str, str, float]:
    orgs = lex.org_words
    phrase = " ".join(w.lower() for w in words)
    if phrase in orgs["known"] or phrase.rstrip(".") in orgs["known"]:
        return _typed("ORG", "name-known-organisation")
    if has_title:
        return _typed("PERSON", "name-after-title")
    places = lex.gazetteer.find_places(" ".join(words), case_sensitive=False)
    if places and places[0].start == 0 and places[0].end == len(" ".join(words)):
        return _typed(PLACE_LABELS[places[0].place.kind], "name-gazetteer")
    if _is_organisation(words, lex):
        return _typed("ORG", "name-organisation-word")
    # "South American": an adjective made from a place name is a nationality.
    if words[-1].endswith("n") and len(words[-1]) > 3:
        stem = " ".join(words[:-1] + [words[-1][:-1]])
        if lex.gazetteer.get(stem.lower()) is not None:
            return _typed("NORP", "name-place-adjective")
    # "Friends of East Africa" is an organisation; "Lloyd Austin" is a person.
    if places and (len(places[-1].text.split()) > 1 or len(words) > 3):
        return _typed("ORG", "name-with-place")
    if all(w.isupper() for w in words) and len(words) == 1 and len(words[0]) <= ACRONYM_LENGTH:
        return _typed("ORG", "name-acronym")
    if _names_thing(words, lex):
        return _typed("PROPER", "name-thing")
    initials = any(re.fullmatch(r"[A-Z]\.", w) for w in words[1:-1])
    if 2 <= len(words) <= 4 and not any(w in CONNECTORS for w in words):
        return _typed("PERSON", "name-initial" if initials else "name-two-words")
    return _typed("PROPER", "name-proper")


def _leading_place(words: list[str], lex: Lexicon) -> int:
    """Return how many leading words are a place before a title ("Chilean President X", "Germany's Chancellor X")."""
    for k in (1, 2):
        place = re.sub(r"['\u2019]s$", "", " ".join(words[:k])).lower()
        if len(words) > k + 1 and lex.gazetteer.get(place) and _split_title(words[k:], lex):
            return k
    return 0


def _split_conjunctions(text: str, run: list[re.Match], lex: Lexicon) -> list[list[re.Match]]:
    """Split "Smith and Jones" in two, but keep "Bosnia and Herzegovina" and "Centre for X"."""
    words = [t.group() for t in run]
    if "and" not in words and "for" not in words:
        return [run]
    phrase = text[run[0].start() : run[-1].end()]
    if lex.gazetteer.get(phrase.lower()) or phrase.lower() in lex.org_words["known"]:
        return [run]
    parts, current = [], []
    for i, tok in enumerate(run):
        word = tok.group()
        keep_for = word == "for" and any(w.lower() in lex.org_words["suffix"] for w in words[:i])
        if word in ("and", "for") and not keep_for:
            if current:
                parts.append(current)
            current = []
        else:
            current.append(tok)
    if current:
        parts.append(current)
    return parts


def find_names(text: str, lex: Lexicon) -> list[Name]:
    """Return the proper names of a sentence, typed by titles, word lists and gazetteers."""
    names = []
    for run in (part for whole in _runs(text, lex) for part in _split_conjunctions(text, whole, lex)):
        if ORDINAL.fullmatch(run[0].group()) and not _is_organisation([t.group() for t in run], lex):
            run = run[1:]  # "his 3rd World Cup": only a unit ("2nd Battalion X") takes its ordinal
            if not run:
                continue
        start = run[0].start()
        end = _strip_possessive(text, start, run[-1].end())
        words = text[start:end].split()
        if not words:
            continue
        lead = _leading_place(words, lex)
        if lead:
            place = " ".join(words[:lead])
            bare = re.sub(r"['\u2019]s$", "", place)  # "Germany's Chancellor X": the place is "Germany"
            label, rule, confidence = _classify(bare.split(), False, lex)
            names.append(Name(start, start + len(bare), bare, label, rule, confidence))
            start += len(place) + 1
            words = words[lead:]
        cut = _split_title(words, lex)
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
                for n in find_names(tail, lex)
                if n.label != "GROUP"
            )
            rest = rest[: rest.index("of")]
            if not rest:
                continue  # "President of France": a title and a place, no name
        offset = text.index(rest[0], start + len(" ".join(words[:cut])))
        end = _trim_period(text, offset, offset + len(" ".join(rest)), lex)
        label, rule, confidence = _classify(text[offset:end].split(), bool(cut), lex)
        if label in ("PERSON", "PROPER") and not cut and lex.place_cues is not None:
            # "the Argentine capital [X]", "the province of [X]": the words before say what it is.
            cue = lex.place_cues.search(text, max(0, offset - PLACE_CUE_REACH), offset)
            if cue:
                label, rule, confidence = cue.lastgroup.split("_")[0], "name-after-place-word", CONFIDENCE["name-after-place-word"]
        names.append(Name(offset, end, text[offset:end], label, rule, confidence, title))
    return names + _regions(text, names, lex) + _groups(text, names, lex)


def _regions(text: str, names: list[Name], lex: Lexicon) -> list[Name]:
    """Find parts of places named by a direction ("northern Chile", "eastern Congo")."""
    found = []
    for name in names:
        if name.label not in LOCATIONS:
            continue
        before = re.search(r"(?:^|\s)([\w-]+(?:\s[\w-]+)?)\s$", text[max(0, name.start - DIRECTION_WINDOW) : name.start])
        if not before:
            continue
        words = before.group(1)
        direction = next((d for d in (words, words.split()[-1]) if d.lower() in lex.directions), None)
        if direction:
            start = name.start - len(direction) - 1
            found.append(Name(start, name.end, text[start : name.end], *_typed("REGION", "name-direction-of-place")))
    return found


def _groups(text: str, names: list[Name], lex: Lexicon) -> list[Name]:
    """Find groups of people named by a nationality or organisation ("Kyrgyz authorities")."""
    found = []
    for name in names:
        if name.label not in ("NORP", "ORG", "PROPER", "COUNTRY"):
            continue
        match = lex.group_after_name.match(text, name.end)
        if match:
            found.append(Name(name.start, match.end(1), text[name.start : match.end(1)], *_typed("GROUP", "group-noun-after-name")))
    return found


def surname(name: str) -> str:
    """Return the last word of a person's name, without a possessive."""
    return re.sub(r"['\u2019]s?$", "", name.split()[-1]) if name.split() else name
