"""Candidate extraction: typed answer spans in the sentences that may answer.

Reads the question's `Analysis` (never the question again) and the hits of
retrieval; returns every span whose label fits the expected answer type:
the entities found at index time, and what is found at question time
(descriptions, reasons, sites after a locative preposition, noun phrases).
"""

from __future__ import annotations

import dataclasses
import functools
import re

from qa.frames import fill
from qa.labels import DESCRIPTION, GROUP, NAME_LABELS, NP, PLACES, QUANTITIES, REASON, SITE, YESNO
from qa.lexicon import Lexicon
from qa.names import surname
from qa.question import DEICTIC, Analysis
from qa.records import Candidate, Hit
from qa.rules import Rules
from qa.tagging import chunk
from qa.text import stem
from qa.yesno import verdicts

NP_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|his|her|our)\s", re.I)
CHUNK_CACHE = 4096
WORD_TAIL = re.compile(r"(?:[.\-/][A-Za-z0-9]+)+")  # the rest of a word the tokenizer cut at a period or hyphen  # sentences whose noun phrases are remembered: chunking is most of extraction's time

# How likely a span found at question time answers, by the rule that found it. Entities
# carry their own rule's confidence (rules/entities.toml, qa/names.py).
CONFIDENCE = {
    "title-before-name": 0.8,  # "[Treasury Secretary] X" for "who is X"
    "noun-phrase-group": 0.8,  # "[ethnic Russians]": a group of people, for "who"
    "noun-phrase-title-subject": 1.0,  # "[The Chilean president] said": a role, subject of the question's verb
    "noun-phrase-title": 0.6,  # a role named without a name, elsewhere in the sentence
    "noun-phrase-title-asked": 0.8,  # "[chairman and chief executive]" for "what post will X hold"
    "noun-phrase-kind": 1.0,  # the modifiers of the question's own noun, for "what kind of"
    "noun-phrase-question-head": 0.4,  # a phrase headed by the question's own noun: half an answer
    "noun-phrase-named": 1.0,  # "known as [Blue Mere]" for "what is it called"
    "noun-phrase-focus": 0.9,  # headed by the focus: "[oil] prices" for "which commodity"
    "noun-phrase-subject": 1.0,  # right before the question's verb, for "what makes up"
    "noun-phrase-object": 0.9,  # right after the question's verb
    "site-after-preposition": 0.7,  # "held at [Harbour Hall]"
    "quoted-name": 1.0,  # "dubbed ['le cost killer']" for "what was he nicknamed"
    "noun-phrase-focus-name": 1.0,  # "[ABN Amro], the country's largest bank," for "which bank"
}
CHUNK_BASE = 0.5  # a bare noun phrase: as likely as not
CHUNK_ONE_WORD = 0.1  # "[trade]" says less than "[the river ferry]"
CHUNK_NAME = 0.1  # capitalised throughout: a name
CHUNK_PART_NAME = 0.05  # partly capitalised
SLOT_BONUS = 0.2  # confidence a phrase in the answer's slot gains
SLOT_REACH = 80  # characters between the question's verb and a phrase in its slot
SLOT_BREAK = re.compile(r"[;:()\u2014]|,\s+(?:and|but|while|whereas|which|who|although)\s")
FOCUS_TYPE = 0.8  # type fit of a noun phrase headed by the question's focus ("what *territories*")
ROLE_TYPE = 0.8  # type fit of a phrase in the question verb's subject or object slot
TITLE_TYPE = 0.8  # a role without a name answers "who" less well than the name would
ROLE_SHARE = 0.5  # how much of a person's confidence comes from a fitting title
ROLELESS = 0.5  # confidence factor of a person without the title a question asks for
NOT_LOCATIVE = 0.85  # type factor of a place not governed by "in", "at", "near" ("an expert on [Africa]")
COUNTED_SHARE = 0.5  # how much of a quantity's confidence comes from what it counts
COUNTED_WORDS = 4  # words after a quantity that say what it counts
COUNTED_REACH = 60  # characters after a quantity where those words are
OFF_END = 0.6  # confidence factor of the wrong end of a range
RANGE_FIRST = re.compile(r"\s?(?:[\u2013-]|to|and|until)\s?\d")
RANGE_SECOND = re.compile(r"\d\s?(?:[\u2013-]|to|and|until)\s?$")
RANGE_REACH = 8  # characters before a date where the first end of its range is
LOCATIVE_REACH = 20  # characters before a place where its preposition is
OBJECT_REACH = 30  # characters between the question's verb and its object
GOVERNED_REACH = 12  # characters before a phrase where a preposition governs it
NAMED_REACH = 30  # characters before a phrase where "called" or "known as" is
OTHER_TIME = 0.7  # type and confidence factor of a candidate from a sentence dated by another time than the question's
FRAME_TYPE = 0.7  # type fit of a slot's filler of no expected label: the frame says it is the answer's place
# The label of a slot's filler when no entity of an expected label fills it.
SLOT_LABELS = {"reason": REASON, "purpose": REASON, "description": DESCRIPTION, "manner": REASON, "place": SITE}
WIDER_ENTITY = 15  # characters an amount or date may add around a slot's filler and still answer for it ("About 1,100")
FRAME_ENTITY_SHARE = 0.6  # an entity of a weakly expected label answers for its filler only when it is most of it

def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower().replace("\u2019s", "")) if len(w) > 1}


def _refers_to(subject: str, target: str | None) -> bool:
    """Tell whether a name in a sentence is the question's target ("Smith" for "jane smith")."""
    if not target:
        return False
    subject_words, target_words = _words(subject), _words(target)
    if not subject_words or not target_words:
        return False
    return target_words <= subject_words or subject.split()[-1].lower().strip(".,") in target_words


def _chained(regex: re.Pattern, text: str):
    """Yield matches that may share text: an answer can be the next match's subject.

    "the Indian rupee, the local currency," holds two appositions in a row.
    """
    position = 0
    while position <= len(text):
        match = regex.search(text, position)
        if match is None:
            return
        yield match
        answer_start = match.start("answer")
        position = answer_start if answer_start > match.start() else match.end()


def _candidate(hit: Hit, start: int, end: int, label: str, rule: str, type_match: float, confidence: float | None = None) -> Candidate:
    confidence = CONFIDENCE[rule] if confidence is None else confidence
    return Candidate(hit.text[start:end], start, end, label, rule, confidence, type_match, hit)


def descriptions(hit: Hit, analysis: Analysis, rules: Rules, weight: float) -> list[Candidate]:
    """Return what the sentence says the question's target is ("X, a researcher at Y", "[Treasury Secretary] X")."""
    found = []
    titles = rules.lexicon.titles
    for e in hit.entities:
        if e.label == "PERSON" and stem(surname(e.canonical or e.text).lower()) in analysis.keyword_stems:
            span = titles.title_before(hit.text, e.start)
            if span and hit.text[span[0] : span[1]].lower().rstrip(".") not in titles.honorifics:
                found.append(_candidate(hit, *span, DESCRIPTION, "title-before-name", weight))
    # Without a target ("what is Smith's role") a person the question names is one.
    target = analysis.target or " ".join(analysis.keywords)
    people = [(e.start, e.end) for e in hit.entities if e.label == "PERSON"]
    for rule in rules.descriptions:
        for match in _chained(rule.regex, hit.text):
            s_start, s_end = match.span("subject")
            named = analysis.target or any(s < s_end and s_start < e for s, e in people)
            if named and _refers_to(match.group("subject"), target):
                found.append(_candidate(hit, *match.span("answer"), DESCRIPTION, rule.name, weight, rule.get("confidence")))
    return found


def reasons(hit: Hit, rules: Rules, weight: float) -> list[Candidate]:
    """Return the clauses that give a reason.

    When the rest of the clause restates the question ("since [the storm]
    cut the power" for "why did they lose power"), the reason is its subject.
    """
    found = []
    for rule in rules.reasons:
        for match in rule.regex.finditer(hit.text):
            start, end = match.span("answer")
            subject = next(((s, e) for s, e in noun_phrases(hit.text) if s == start and e < end), None)
            if subject and any(subject[1] <= m.start < end for m in hit.matched):
                end = subject[1]
            found.append(_candidate(hit, start, end, REASON, rule.name, weight, rule.get("confidence")))
    return found


@functools.lru_cache(maxsize=CHUNK_CACHE)  # a pure function of the text (textblob's chunker, no rule content)
def noun_phrases(text: str) -> tuple[tuple[int, int], ...]:
    """Return the character spans of the noun-phrase chunks of a sentence (Pattern's chunker)."""
    spans, position, current, adjective = [], 0, None, None
    for sentence in chunk(text):
        for word, tag, label, _ in _noun_gerunds(sentence):
            start = text.find(word, position)
            if start < 0:
                continue
            end = position = start + len(word)
            if label.endswith("NP") and tag not in ("PRP", "PRP$", "WDT", "WP", "EX"):
                if label.startswith("B-") or current is None:
                    if current:
                        spans.append(current)
                    # An adjective the chunker left out ("so-called [experts]") opens the phrase.
                    current = [adjective if adjective is not None else start, end]
                else:
                    current[1] = end
            elif current:
                spans.append(current)
                current = None
            # A hyphenated compound before a noun is an adjective, whatever the tagger says.
            if not label.endswith("NP") and (tag.startswith("JJ") or re.fullmatch(r"[a-z]+-[a-z]+", word)):
                adjective = start
            elif tag not in ('"', "``", "''") and word not in ("\u201c", "\u201d"):
                adjective = None
    if current:
        spans.append(current)
    # The tokenizer cuts "dot.com", "e-mail" and "U.S.-based" where no space is: a phrase keeps them whole.
    return tuple((s, tail.end() if (tail := WORD_TAIL.match(text, e)) else e) for s, e in spans)


def _noun_gerunds(sentence: list) -> list:
    """Return the chunked tokens with a gerund closing a compound noun put in its phrase.

    "tag developments and [video conferencing]": a gerund right after a singular noun and
    before the end of the phrase (punctuation, "and", the end) names an activity.
    """
    tokens = [list(t) for t in sentence]
    for k in range(1, len(tokens)):
        word, tag, label = tokens[k][0], tokens[k][1], tokens[k][2]
        before = tokens[k - 1]
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        closes = after is None or after[1] in (",", ".", ":", ";", ")", "CC") or after[0] in (",", ".", ";", ":", ")")
        if tag == "VBG" and before[1] == "NN" and before[2].endswith("NP") and closes and word.islower():
            tokens[k][2] = "I-NP"
    return tokens


def _all_titles(words: list[str], lex: Lexicon) -> bool:
    """Tell whether a phrase is made of titles only ("chairman and chief executive", "vice-president")."""
    text = " ".join(w.lower().strip(",.") for w in words)
    parts = [p for p in re.split(r"\s+(?:and|or|&)\s+|\s*,\s*", re.sub(r"^(?:the|a|an)\s+", "", text)) if p]
    return bool(parts) and all(lex.titles.canonical(p) in lex.titles.words or lex.titles.titles_in(p) == (tuple(p.split()),) for p in parts)


def names_group(phrase: str, lex: Lexicon) -> bool:
    """Tell whether a noun phrase names a group of people ("ethnic Russians", "private firms")."""
    head = phrase.split()[-1].lower().replace("\u2019", "'")
    if head in lex.group_nouns:
        return True
    place = lex.gazetteer.get(head)
    return place is not None and place.kind == "DEMONYM" and head.endswith("s")


def _is_question_word(hit: Hit, start: int, end: int, word: str, asked: frozenset[str], lex: Lexicon) -> bool:
    """Tell whether a word of a phrase is the question's: its own word, or a matched synonym.

    A matched nationality or place stays ("[Russian] nationalists" for "... russia").
    """
    bare = word.strip("\u201c\u201d\"',.").lower()
    if stem(bare) in asked:
        return True
    # The match must be the whole word: "state" (a synonym of "say") inside "city-state" is not.
    lead = len(word) - len(word.lstrip("\u201c\u201d\"'"))
    matched = any(m.start <= start + lead and m.end >= start + lead + len(bare) for m in hit.matched)
    return matched and bare not in lex.gazetteer


def _trim_question_words(hit: Hit, start: int, end: int, asked: frozenset[str], lex: Lexicon) -> tuple[int, int]:
    """Drop question words from the edges of a phrase ("serve guests [local food]")."""
    words = [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"\S+", hit.text[start:end])]
    while words and _is_question_word(hit, *words[0], asked, lex):
        words.pop(0)
    while words and _is_question_word(hit, *words[-1], asked, lex):
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


# Between a subject and its verb: nothing, or a place ("[street protests] in Lima threatened").
SUBJECT_GAP = re.compile(r"\s*(?:(?:in|of|from|at|on)\s+(?:the\s+)?[A-Z][\w.\u2019'-]*+(?:\s+[A-Z][\w.\u2019'-]*+)*\s+)?(\w+)")
# Between a verb and its object: a preposition, an article, quotes, or words of the question.
OBJECT_GAP = re.compile(r"(?:\s|[\u201c\"']|\b(?:on|in|to|for|at|about|with|from|of|by|up|out|the|a|an)\b)*")


def _role_in_clause(analysis: Analysis, hit: Hit, start: int, end: int, asked: frozenset[str], lex: Lexicon) -> str | None:
    """Return "subject" or "object" when a phrase sits right before or after a question's verb."""
    if analysis.subject_of:
        verb = lex.word_variants(analysis.subject_of)
        following = SUBJECT_GAP.match(hit.text, end)
        governed = re.search(r"\b(?:in|of|from|at|on|to|by|with|for)\s+(?:the\s+)?$", hit.text[max(0, start - GOVERNED_REACH) : start])
        if following and stem(following.group(1).lower()) in verb and not governed:
            return "subject"  # "[Oil] makes up ..." for "what makes up ...", not "in [Lima] threatened"
    verbs = set(analysis.verbs)
    for m in hit.matched:
        if m.term not in verbs or not 0 <= start - m.end <= OBJECT_REACH:
            continue
        gap = " ".join(w for w in hit.text[m.end : start].split() if stem(w.lower()) not in asked)
        if OBJECT_GAP.fullmatch(gap):
            return "object"  # "pledged [humanitarian support]", "counting on [gravity]"
    return None


def _has_titles(words: list[str], title_stems: tuple[frozenset[str], ...], lex: Lexicon) -> bool:
    """Tell whether a phrase (or what the document says of a person) holds every title the question asks about."""
    stems = {stem(lex.titles.canonical(w)) for w in words}
    return all(variants & stems for variants in title_stems)


def _title_stems(analysis: Analysis, lex: Lexicon) -> tuple[frozenset[str], ...]:
    """Return, per content word of the question's titles, the stems that may stand for it."""
    return tuple(lex.word_variants(w) for title in analysis.titles for w in title if w not in lex.stopwords)


def in_slot(hit: Hit, start: int, end: int, slot: tuple[str, str] | None) -> bool:
    """Tell whether a phrase stands where the question's answer should, in the clause of its verb."""
    if slot is None:
        return False
    verb, side = slot
    for m in hit.matched:
        if m.term != verb:
            continue
        gap = (end, m.start) if side == "before" else (m.end, start)
        if 0 <= gap[1] - gap[0] <= SLOT_REACH and not SLOT_BREAK.search(hit.text, *gap):
            return True
    return False


OF_LINK = re.compile(r"\s+of\s+")
# Like a chunk, a complement never runs across a dash, comma or quote.
CHUNK_CUT = re.compile(r"\s*[\u2014,;:\u201c\u201d\"()]")


def of_complement(hit: Hit, end: int, spans: tuple[tuple[int, int], ...], asked: frozenset[str], lex: Lexicon) -> int:
    """Return where a phrase ends with its "of" complement ("an invasion [of the north]").

    A complement holding the question's words stays out: the question already names it.
    """
    link = OF_LINK.match(hit.text, end)
    following = link and next((e for s, e in spans if s == link.end()), None)
    if not following:
        return end
    cut = CHUNK_CUT.search(hit.text, link.end(), following)
    following = cut.start() if cut else following
    words = [(link.end() + m.start(), link.end() + m.end(), m.group()) for m in re.finditer(r"\S+", hit.text[link.end() : following])]
    if not words or any(_is_question_word(hit, *w, asked, lex) for w in words):
        return end
    return following


NAMED_BEFORE = re.compile(r"\b(?:called|known as|referred to as|named|termed|dubbed|nicknamed)\s+[\u201c\"']?$")
# "dubbed 'le cost killer'", "known then as the "Eton of the valleys"": the name a naming verb gives, in quotes.
QUOTED_NAME = re.compile(
    r"\b(?:called|known|referred\s+to|named|termed|dubbed|nicknamed|labelled|labeled|branded)(?:\s+\w+)?(?:\s+as)?\s+(?:the\s+)?"
    r"(?:'(?P<single>[^'\n]{2,60})'|[\u201c\"](?P<double>[^\u201c\u201d\"\n]{2,60})[\u201d\"]|\u2018(?P<curly>[^\u2019\n]{2,60})\u2019)",
    re.IGNORECASE,
)


def named_here(hit: Hit, start: int, analysis: Analysis) -> bool:
    """Tell whether a naming question's answer may be this phrase: the sentence names something with it."""
    return analysis.naming and bool(NAMED_BEFORE.search(hit.text[max(0, start - NAMED_REACH) : start]))


def named_descriptions(candidates: list[Candidate], rules: Rules) -> list[Candidate]:
    """Return the names set beside a description the question's noun heads ("ABN Amro, [the country's largest bank],").

    "Which bank" asks for the bank's name: a description of it in apposition
    to a name answers with the name.
    """
    found = []
    for candidate in candidates:
        if candidate.rule != "noun-phrase-focus":
            continue
        for apposition in rules.parse(candidate.hit.text).appositions:
            description, name = apposition.description, apposition.head
            if description.start <= candidate.start and candidate.end <= description.end and name.text[:1].isupper():
                found.append(
                    dataclasses.replace(candidate, text=name.text, start=name.start, end=name.end, rule="noun-phrase-focus-name",
                                        confidence=CONFIDENCE["noun-phrase-focus-name"])
                )
        # "the [2nd Battalion] Royal Border Rifles" for "which battalion": the whole name the phrase opens.
        for e in candidate.hit.entities:
            if e.start == candidate.start and candidate.end < e.end and e.label in NAME_LABELS:
                found.append(dataclasses.replace(candidate, text=e.text, start=e.start, end=e.end, rule="noun-phrase-focus-name",
                                                 confidence=CONFIDENCE["noun-phrase-focus-name"], canonical=e.canonical))
    return found


def quoted_names(hit: Hit, analysis: Analysis) -> list[Candidate]:
    """Return the quoted names a naming verb gives ("dubbed 'le cost killer'"), for "what was X called/nicknamed"."""
    if not analysis.naming:
        return []
    found = []
    for match in QUOTED_NAME.finditer(hit.text):
        group = next(g for g in ("single", "double", "curly") if match.group(g) is not None)
        start, end = match.span(group)
        found.append(_candidate(hit, start, end, NP, "quoted-name", max(analysis.labels.get(NP, 0.0), FOCUS_TYPE)))
    return found


def chunk_confidence(words: list[str], start: int) -> float:
    """Return how likely a bare noun phrase answers: names and longer phrases more than one common word.

    >>> chunk_confidence(["the", "river", "ferry"], 10), chunk_confidence(["trade"], 10)
    (0.5, 0.4)
    """
    confidence = CHUNK_BASE
    if len(words) == 1:
        confidence -= CHUNK_ONE_WORD
    if start > 0 and any(w[:1].isupper() for w in words):
        confidence += CHUNK_NAME if all(w[:1].isupper() or not w[:1].isalpha() for w in words) else CHUNK_PART_NAME
    return confidence


def phrases(hit: Hit, analysis: Analysis, lex: Lexicon) -> list[Candidate]:
    """Return the noun phrases of a sentence as candidates, and those naming groups of people."""
    found = []
    labels = analysis.labels
    focus = analysis.focus_stems
    asked = analysis.keyword_stems
    slot = analysis.slot
    title_stems = _title_stems(analysis, lex) if analysis.holder else ()
    spans = noun_phrases(hit.text)
    for start, end in spans:
        text = hit.text[start:end]
        # A chunk never runs across a dash, comma or quote.
        lead = len(text) - len(text.lstrip("\u201c\u201d\"'( "))
        cut = CHUNK_CUT.search(text[lead:])
        if cut:
            end = start + lead + cut.start()
        start += lead
        text = hit.text[start:end]
        start += len(text) - len(NP_DETERMINERS.sub("", text))
        head_end = end
        start, end = _trim_question_words(hit, start, end, asked - focus, lex)
        trimmed = hit.text[start:end]
        if not re.search(r"\w", trimmed):
            continue
        # The question's own noun with its modifiers ("four small river towns"): the
        # modifiers answer "what kind of town"; otherwise the phrase is what the question names.
        headed = end < head_end
        kind = headed and analysis.kind
        headed = headed and not kind
        if headed:
            end = head_end
            trimmed = hit.text[start:end]
        if GROUP in labels and not headed and names_group(trimmed, lex):
            found.append(_candidate(hit, start, end, GROUP, "noun-phrase-group", labels[GROUP]))
        words = trimmed.split()
        if "PERSON" in labels and not headed and lex.titles.canonical(words[-1]) in lex.titles.words and _has_titles(words, title_stems, lex):
            # "[The Chilean president] stood next to X": a role named without a name answers who.
            role = _role_in_clause(analysis, hit, start, end, asked, lex)
            rule = "noun-phrase-title-subject" if role == "subject" else "noun-phrase-title"
            found.append(Candidate(trimmed, start, end, "PERSON", "noun-phrase-title", CONFIDENCE[rule], labels["PERSON"] * TITLE_TYPE, hit))
        if analysis.answer_type == "HUM:title" and not headed and _all_titles(words, lex):
            # "what post will X hold": "[chairman and chief executive]" is a title, whatever else is near
            found.append(_candidate(hit, start, end, DESCRIPTION, "noun-phrase-title-asked", 1.0))
            continue
        if NP not in labels:
            continue
        inner = next(
            (i for i, w in enumerate(words[:-1]) if stem(w.lower()) in focus and words[i + 1].lower() not in ("and", "or", "&")),
            None,
        )
        if inner is not None:  # "a Lincoln [administration] official" for "which administration"
            end = start + len(" ".join(words[: inner + 1]))
            trimmed, words = hit.text[start:end], words[: inner + 1]
        # The focus may head the phrase or one of its conjuncts ("local [meals] and drinks").
        stems_in = [stem(w.lower()) for w in words]
        conjunct = any(st in focus for st, nxt in zip(stems_in, words[1:]) if nxt.lower() in ("and", "or", "&"))
        if focus and all(st in focus for st in stems_in):
            continue  # the question's own noun alone ("what award": "[the award]") names no answer
        if inner is None and not kind and not headed and end == head_end:
            end = of_complement(hit, end, spans, asked, lex)
            words = hit.text[start:end].split()
        role = _role_in_clause(analysis, hit, start, end, asked, lex)
        np_type = labels[NP]
        # A why-question's answer is a clause: its verb's subject or object is what it names, not why.
        role_type = np_type if REASON in labels else max(np_type, ROLE_TYPE)
        if kind:
            # "Elland Road stadium and [Thorp Arch] training ground": the modifiers of the noun's own conjunct.
            conjunction = list(re.finditer(r"\s+(?:and|or|&)\s+", hit.text[start:end]))
            start = start + conjunction[-1].end() if conjunction else start
            found.append(_candidate(hit, start, end, NP, "noun-phrase-kind", np_type))
        elif headed:
            found.append(_candidate(hit, start, end, NP, "noun-phrase-question-head", np_type))
        elif named_here(hit, start, analysis):
            found.append(_candidate(hit, start, end, NP, "noun-phrase-named", max(np_type, FOCUS_TYPE)))
        elif focus and (stems_in[-1] in focus or conjunct):
            found.append(_candidate(hit, start, end, NP, "noun-phrase-focus", max(np_type, FOCUS_TYPE)))
        elif role == "subject":
            found.append(_candidate(hit, start, end, NP, "noun-phrase-subject", role_type))
        elif role == "object" and not analysis.subject_of:
            found.append(_candidate(hit, start, end, NP, "noun-phrase-object", role_type))
        elif in_slot(hit, start, end, slot):
            rule = "noun-phrase-before-verb" if slot[1] == "before" else "noun-phrase-after-verb"
            found.append(_candidate(hit, start, end, NP, rule, np_type, chunk_confidence(words, start) + SLOT_BONUS))
        else:
            found.append(_candidate(hit, start, end, NP, "noun-phrase-chunk", np_type, chunk_confidence(words, start)))
    return found


def _outside(candidate: Candidate, within: frozenset[str], lex: Lexicon) -> bool:
    """Tell whether the gazetteer puts a place in another country than those given (unknown places are not)."""
    place = lex.gazetteer.get((candidate.canonical or candidate.text).lower())
    if place is None:
        return False
    country = place.name if place.kind == "COUNTRY" else place.country
    return country is not None and country not in within


def _after_locative(text: str, start: int, lex: Lexicon) -> bool:
    before = re.search(r"(\w+)\s+(?:the\s+)?$", text[max(0, start - LOCATIVE_REACH) : start])
    return bool(before) and before.group(1).lower() in lex.locative_prepositions


# A capitalised phrase after a locative preposition names a site, in the gazetteer or
# not: "held at [Harbour Hall]", "taught at the [University of Lakeside]".
SITE_PHRASE = re.compile(
    r"\b(?P<preposition>[a-z]+)\s+(?:the\s+)?"
    r"(?P<answer>[A-Z][\w.\u2019'-]*+(?:\s+(?:(?:of|de|on|upon)\s+(?:the\s+)?)?[A-Z][\w.\u2019'-]*+){0,5})"
)


def sites(hit: Hit, lex: Lexicon, weight: float) -> list[Candidate]:
    """Return the capitalised phrases a locative preposition governs ("stayed at [the Grand Hotel]")."""
    found = []
    for match in SITE_PHRASE.finditer(hit.text):
        if match.group("preposition") not in lex.locative_prepositions:
            continue
        start, end = match.span("answer")
        text = hit.text[start:end].rstrip(".")
        found.append(_candidate(hit, start, start + len(text), SITE, "site-after-preposition", weight))
    return found


SCALE_WORDS = frozenset({"million", "billion", "trillion", "thousand", "hundred", "m", "bn", "k", "mn", "per", "percent"})
TIMES = frozenset({"DATE", "TIME", "PERIOD"})  # labels of a time: never a noun phrase's answer to "what"
OFF_FRAME_REASON = 0.6  # a reason in a sentence without the question's predicate may be the reason for something else
OTHER_COUNTED = 0.6  # type fit of a count of other things than the question's ("three [groups]" for "how many planes")
NUMBER_STAND_IN = 0.5  # below this type fit a bare number only stands in for the wanted kind (a sum, a period)


def counts_a_noun(text: str, end: int, lex: Lexicon) -> bool:
    """Tell whether the number ending at `end` counts the word after it ("120 soldiers", "17 people").

    >>> from tests.rulesets import LEX
    >>> counts_a_noun("sent 120 soldiers", 8, LEX), counts_a_noun("cost 40 million", 7, LEX), counts_a_noun("rose 5 in May", 6, LEX)
    (True, False, False)
    """
    match = re.match(r"\s+([A-Za-z][\w'-]*)", text[end : end + 40])
    if not match:
        return False
    word = match.group(1).lower()
    return word not in SCALE_WORDS and word not in lex.stopwords


def counts_other(text: str, end: int, focus: frozenset[str], lex: Lexicon) -> bool:
    """Tell whether the number ending at `end` counts something other than the focus ("three [groups]").

    Its words are those right after it, or after "of" ("hundreds of [people]"), up to punctuation.

    >>> from tests.rulesets import LEX
    >>> planes = LEX.word_variants("planes")
    >>> counts_other("sold three ships", 10, planes, LEX), counts_other("sold three new planes", 10, planes, LEX), counts_other("rose 5 in May", 6, planes, LEX)
    (True, False, False)
    """
    after = re.split(r"[,;:.()\u2014\u201c\u201d\"]", text[end : end + COUNTED_REACH])[0]
    words = re.findall(r"[A-Za-z][\w'-]*", after)[:COUNTED_WORDS]
    if words and words[0].lower() == "of":
        words = [w for w in words[1:] if w.lower() not in lex.stopwords]
    elif not counts_a_noun(text, end, lex):
        return False
    return bool(words) and not focus & {stem(w.lower()) for w in words}


def counted_fit(text: str, end: int, stems: frozenset[str]) -> float:
    """Return how well the words a quantity counts fit the question ("2 million [ethnic Germans]")."""
    after = re.split(r"[,;:.()\u2014\u201c\u201d\"]", text[end : end + COUNTED_REACH])[0]
    words = {stem(w.lower()) for w in re.findall(r"\w+", after)[:COUNTED_WORDS]}
    return min(1.0, len(words & stems) / 2)


def range_end_fit(text: str, start: int, end: int, ending: bool) -> float:
    """Return how well a date's place in a range of dates fits the question: the end for an ending.

    >>> range_end_fit("ruled 1610-1650", 6, 10, ending=True)
    0.6
    """
    before = text[max(0, start - RANGE_REACH) : start]
    first = bool(RANGE_FIRST.match(text, end)) and not RANGE_SECOND.search(before)
    second = bool(RANGE_SECOND.search(before))
    if (ending and first) or (not ending and second):
        return OFF_END
    return 1.0


def _said_about(hit: Hit, entity, lex: Lexicon) -> list[str]:
    """Return what the document says a person is, here and in its profile."""
    return lex.titles.role_words(hit.text, entity.start, entity.end, hit.context) + list(entity.roles)


def role_fit(hit: Hit, entity, analysis: Analysis, lex: Lexicon, title_stems) -> float:
    """Return how well what the document says a person is fits the question's words.

    The words come from the title and apposition in this sentence and from the
    person's profile, gathered over the document at index time. A person never
    given the title the question asks about ("prime minister"), or given it for
    another place than the question's, fits poorly.
    """
    said = _said_about(hit, entity, lex)
    words = {stem(w) for w in said}
    fit = min(1.0, len(words & analysis.word_stems) / 2)
    if not all(variants & words for variants in title_stems):
        fit *= ROLELESS
    if analysis.places and analysis.titles and not analysis.places & lex.gazetteer.places(" ".join(said)):
        fit *= ROLELESS
    return fit


def _other_time(hit: Hit, clause, analysis: Analysis) -> bool:
    """Tell whether a clause (or a whole sentence) is dated, and by no time the question names (no word in common)."""
    start, end = (clause.start, clause.end) if clause is not hit else (0, len(hit.text))
    dates = [e for e in hit.entities if e.label == "DATE" and start <= e.start and e.end <= end]
    if not dates:
        return False
    said = [(frozenset(stem(w) for w in words if w in DEICTIC), frozenset(stem(w) for w in words if w not in DEICTIC))
            for words in (re.findall(r"\w+", e.text.lower()) for e in dates)]
    return not any(
        (not asked[0] or not told[0] or asked[0] & told[0]) and asked[1] & told[1] for asked in analysis.dates for told in said
    )


def frame_candidates(hit: Hit, analysis: Analysis, rules: Rules) -> list[Candidate]:
    """Return the spans that fill the slot of the question's frame in a clause of the sentence.

    A filler holding an entity of an expected label ("[Toshiyuki Shiga]" for
    "who will run ...") answers with that entity; otherwise the filler itself
    answers ("because of [its cost]"). A clause negated where the question is
    not (or the other way round) says something else.
    """
    frame = analysis.frame
    if frame is None:
        return []
    labels = analysis.labels
    found = []
    for filler in fill(frame, rules.parse(hit.text), rules.lexicon.same_predicate):
        if filler.negated != analysis.negative:
            continue
        if analysis.dates and filler.clause is not None and _other_time(hit, filler.clause, analysis):
            continue  # "give $5m this year" does not answer "what did they give last year"
        rule = f"frame:{filler.rule}"
        reference = next((r for r in hit.references if r.start <= filler.start and filler.end <= r.end), None)
        if reference is not None and labels.get(reference.label):
            # "[He] resigned": the answer is who "he" is; the span stays where the sentence says it.
            found.append(
                Candidate(reference.antecedent, reference.start, reference.end, reference.label, f"{rule}+{reference.rule}",
                          filler.confidence, labels[reference.label], hit, None, filler.confidence, mention=reference.text)
            )
            continue
        label = SLOT_LABELS.get(filler.role, NP)
        inside = [e for e in hit.entities if filler.start <= e.start and e.end <= filler.end and labels.get(e.label)]
        if not inside:
            # "[About 1,100]" for the filler "1,100": an entity a little wider than the filler is its answer
            inside = [e for e in hit.entities if e.start <= filler.start and filler.end <= e.end and labels.get(e.label)
                      and (e.label in QUANTITIES or e.label == "DATE")
                      and (e.end - e.start) - (filler.end - filler.start) <= WIDER_ENTITY]
        if inside:
            e = max(inside, key=lambda e: (labels[e.label], e.end - e.start, -e.start))
            # "an old [Guinness] brewery": a name inside the place is not the place.
            weak = labels[e.label] < labels.get(label, 0.0) and e.end - e.start < FRAME_ENTITY_SHARE * (filler.end - filler.start)
            if not weak:
                found.append(Candidate(e.text, e.start, e.end, e.label, rule, e.confidence, labels[e.label], hit, e.canonical, filler.confidence))
                continue
        if label == NP and analysis.coarse_type == "HUM" and GROUP in labels and names_group(filler.text, rules.lexicon):
            label = GROUP  # "for whom": "[the elderly]", "sued by [three passengers]"
        if label not in labels:
            continue  # "which country": a filler naming none is the slot of another reading
        type_match = max(labels[label], FRAME_TYPE)
        found.append(Candidate(filler.text, filler.start, filler.end, label, rule, filler.confidence, type_match, hit, None, filler.confidence))
    return found


def yesno_candidates(hit: Hit, analysis: Analysis, rules: Rules) -> list[Candidate]:
    """Return "yes" or "no" for each clause of the sentence that states or denies what the question asks.

    The span is the supporting clause's: the one answer whose text is not its span's.
    """
    found = []
    for verdict in verdicts(analysis.yesno, rules.parse(hit.text), rules.grammar, rules.lexicon, hit.entities):
        found.append(
            Candidate(verdict.answer, verdict.start, verdict.end, YESNO, verdict.rule, verdict.confidence, 1.0, hit, None, verdict.confidence)
        )
    return found


# Between the conjuncts of a list: "A, B and C", "A and B", "A or B", "A & B".
LIST_SEPARATOR = re.compile(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+")
LIST_LAST = re.compile(r"(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)$")
LIST_LABELS = NAME_LABELS | {NP, SITE}  # what a list can be made of: names and noun phrases, not amounts
NOT_ALL_ASKED = 0.5  # confidence factor of one thing where the question asks for several ("which *two* countries")
COUNT_MATCH = 0.5  # frame credit of a list with exactly as many items as the question asks for: it fits the question's shape


# Labels that may share a list: "Kenya and Lagos" are places, "Jane Doe and the Red Cross" are not one kind.
LIST_FAMILIES = (PLACES | {"SITE"}, frozenset({"PERSON"}), frozenset({"ORG", "GROUP", "NORP", "PROPER"}))


def _split_conjuncts(text: str, spans) -> list[tuple[int, int]]:
    """Return noun-phrase spans with "A and B" chunks cut into their conjuncts (the chunker keeps them whole)."""
    found = []
    for start, end in spans:
        at = start
        for cut in re.finditer(r"\s+(?:and|or|&)\s+", text[start:end]):
            found.append((at, start + cut.start()))
            at = start + cut.end()
        found.append((at, end))
    return found


def _conjuncts(hit: Hit, label: str) -> list[tuple[int, int]]:
    """Return the spans that may be conjuncts of a list of this label: entities of its family, or noun phrases."""
    family = next((f for f in LIST_FAMILIES if label in f), frozenset({label}))
    if label in NAME_LABELS:
        return sorted((e.start, e.end) for e in hit.entities if e.label in family)
    # The chunker keeps "timber and wool" together: its conjuncts are the list's.
    return sorted(_split_conjuncts(hit.text, noun_phrases(hit.text)))


def coordination(hit: Hit, start: int, end: int, label: str) -> tuple[tuple[int, int], ...]:
    """Return the conjuncts of the list a span belongs to ("Kazakhstan, [Kyrgyzstan] and Uzbekistan"), or ().

    A list is two or more spans of the same kind with commas, "and" or "or"
    between them, the last separator holding "and" or "or": commas alone
    make appositions ("Jo Park, a farmer,"), not lists.
    """
    if label not in LIST_LABELS:
        return ()
    spans = _conjuncts(hit, label)
    by_start = {s: e for s, e in spans}
    by_end = {e: s for s, e in spans}
    items = [(start, end)]
    closed = False
    while not closed:
        separator = LIST_SEPARATOR.match(hit.text, items[-1][1])
        following = separator and by_start.get(separator.end())
        if not following:
            break
        items.append((separator.end(), following))
        closed = bool(re.search(r"\b(?:and|or)\b|&", separator.group()))
    while True:
        before = LIST_LAST.search(hit.text, 0, items[0][0])
        if before is None:
            break
        previous = by_end.get(before.start())
        if previous is None:
            break
        if re.search(r"\b(?:and|or)\b|&", before.group()) and len(items) > 1 and closed:
            break  # "A and B, C and D": two lists
        closed = closed or bool(re.search(r"\b(?:and|or)\b|&", before.group()))
        items.insert(0, (previous, items[0][0] - len(before.group())))
    return tuple(items) if len(items) > 1 and closed else ()


def as_list(candidate: Candidate, analysis: Analysis) -> Candidate:
    """Return the candidate widened to the list it belongs to, when the question may take several things.

    A number in the question must match the number of conjuncts.
    """
    items = coordination(candidate.hit, candidate.start, candidate.end, candidate.label)
    if not items or (analysis.count is not None and analysis.count != len(items)):
        if analysis.count is not None and analysis.count > 1:
            return dataclasses.replace(candidate, confidence=candidate.confidence * NOT_ALL_ASKED, frame=candidate.frame * NOT_ALL_ASKED)
        return candidate
    start, end = items[0][0], items[-1][1]
    text = candidate.hit.text[start:end]
    frame = max(candidate.frame, COUNT_MATCH) if analysis.count == len(items) else candidate.frame
    return dataclasses.replace(candidate, text=text, start=start, end=end, rule=f"{candidate.rule}+list", canonical=None, items=items, frame=frame)


def extract(analysis: Analysis, hits: list[Hit], rules: Rules) -> list[Candidate]:
    """Return every candidate answer in the hits whose label fits the expected type."""
    if analysis.yesno is not None:
        return [c for hit in hits for c in yesno_candidates(hit, analysis, rules)]
    lex = rules.lexicon
    labels = analysis.labels
    title_stems = _title_stems(analysis, lex)
    counted = analysis.word_stems | analysis.focus_stems
    # What "how many X" counts: its focus, or the noun its frame asks the amount of.
    things = analysis.focus_stems
    if not things and analysis.frame is not None and analysis.frame.noun:
        things = lex.word_variants(analysis.frame.noun)
    candidates = []
    for hit in hits:
        for e in hit.entities:
            weight = labels.get(e.label)
            if not weight:
                continue
            confidence = e.confidence
            if e.label in QUANTITIES:
                confidence = (1 - COUNTED_SHARE) * confidence + COUNTED_SHARE * counted_fit(hit.text, e.end, counted)
            if e.label == "NUMBER" and analysis.answer_type == "NUM:count" and things:
                if counts_other(hit.text, e.end, things, lex):
                    weight *= OTHER_COUNTED
            if e.label in PLACES and analysis.coarse_type == "LOC" and not _after_locative(hit.text, e.start, lex):
                weight *= NOT_LOCATIVE  # "based in [Paris]" answers where; "an expert on [Africa]" less so
            if analysis.holder and e.label not in ("PERSON", "PROPER"):
                continue  # "who is the chief executive": a person holds a title, not a firm or a group
            if analysis.holder:
                said = {stem(w) for w in _said_about(hit, e, lex)}
                if not all(variants & said for variants in title_stems):
                    continue  # "who is the prime minister": never someone the document never calls one
            if e.label == "DATE":
                confidence *= range_end_fit(hit.text, e.start, e.end, analysis.ending)
            if e.label == "PERSON":
                # A person answers "who is the Chilean president" when the sentence says so.
                confidence = (1 - ROLE_SHARE) * confidence + ROLE_SHARE * role_fit(hit, e, analysis, lex, title_stems)
            candidates.append(Candidate(e.text, e.start, e.end, e.label, e.rule, confidence, weight, hit, e.canonical))
        if DESCRIPTION in labels and not analysis.holder:
            # "who is the chief executive of X" asks for a person, not what X is ("the country's largest bank").
            candidates.extend(descriptions(hit, analysis, rules, labels[DESCRIPTION]))
        if REASON in labels:
            found_reasons = reasons(hit, rules, labels[REASON])
            if hit.off_frame and analysis.frame is not None and analysis.frame.slot == "reason":
                # "cut jobs because of falling profits" gives no reason why profitability suffered
                found_reasons = [dataclasses.replace(c, confidence=c.confidence * OFF_FRAME_REASON) for c in found_reasons]
            candidates.extend(found_reasons)
        if SITE in labels:
            candidates.extend(sites(hit, lex, labels[SITE]))
        if NP in labels or GROUP in labels:
            # "[last week]": a time is no thing, whatever phrase it makes ("what did X expose").
            times = [(e.start, e.end) for e in hit.entities if e.label in TIMES and e.label not in labels]
            candidates.extend(c for c in phrases(hit, analysis, lex) if not any(s <= c.start and c.end <= e for s, e in times))
        candidates.extend(quoted_names(hit, analysis))
        candidates.extend(frame_candidates(hit, analysis, rules))
    candidates += named_descriptions(candidates, rules)
    if 0 < labels.get("NUMBER", 0.0) < NUMBER_STAND_IN and "SIZE" not in labels:
        # "how much will Britain spend": a bare number may stand for a sum, but not "[120] soldiers";
        # "how large is the force" (a size) is answered by a count of it.
        candidates = [c for c in candidates if c.label != "NUMBER" or not counts_a_noun(c.hit.text, c.end, lex)]
    if analysis.within:
        # "where in Chile": another country, or a city of one, is not in it.
        candidates = [c for c in candidates if not (c.label in PLACES or c.label == SITE) or not _outside(c, analysis.within, lex)]
    if analysis.many:
        candidates = [as_list(c, analysis) for c in candidates]
    if analysis.dates:
        # A sentence dated by no time the question names ("this year" for "last year") is about another time.
        dated = {id(hit) for hit in hits if _other_time(hit, hit, analysis)}
        candidates = [
            dataclasses.replace(c, confidence=c.confidence * OTHER_TIME, type_match=c.type_match * OTHER_TIME) if id(c.hit) in dated else c
            for c in candidates
        ]
    return candidates
