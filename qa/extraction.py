"""Candidate extraction: typed answer spans in the retrieved sentences."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa import gazetteer
from qa.question import AUXILIARIES, Question
from qa.retrieval import Hit, places, variants
from qa.names import surname
from qa.roles import canonical, honorifics, role_words, title_before, title_words, titles_in
from qa.rules import load_rules, load_table, read_words
from qa.tagging import chunk
from qa.text import stem

# Labels found at question time rather than at index time.
DESCRIPTION, NP, REASON, GROUP, SITE = "DESCRIPTION", "NP", "REASON", "GROUP", "SITE"
NP_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|his|her|our)\s", re.I)


@dataclass(frozen=True)
class Candidate:
    """A typed span of a retrieved sentence that may answer the question."""

    text: str
    start: int
    end: int
    label: str
    rule: str
    confidence: float
    type_match: float
    hit: Hit
    canonical: str | None = None


@functools.cache
def answer_labels_table() -> dict:
    """Return the answer-type → label weights of rules/answer_types.toml."""
    return load_table("answer_types.toml")


def answer_labels(answer_type: str, rule: str | None = None) -> dict[str, float]:
    """Return the labels that answer a UIUC type (or the question rule that chose it), with how well each fits."""
    table = answer_labels_table()
    own = table.get("rule", {}).get(rule)
    if own is not None:
        return dict(own)
    fine = table.get("fine", {}).get(answer_type)
    if fine is not None:
        return dict(fine)
    return dict(table.get("coarse", {}).get(answer_type.split(":")[0], {"NP": 0.5}))


@functools.cache
def description_rules():
    """Return the appositive and copula rules of rules/descriptions.toml."""
    return load_rules("descriptions.toml", required=("confidence",), flags=0)


@functools.cache
def reason_rules():
    """Return the reason rules of rules/reasons.toml."""
    return load_rules("reasons.toml", required=("confidence",), flags=0)


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


def descriptions(hit: Hit, question: Question, weight: float) -> list[Candidate]:
    """Return what the sentence says the question's target is ("X, a researcher at Y", "[Treasury Secretary] X")."""
    found = []
    asked = {stem(w) for w in question.keywords}
    for e in hit.entities:
        if e.label == "PERSON" and stem(surname(e.canonical or e.text).lower()) in asked:
            span = title_before(hit.text, e.start)
            if span and hit.text[span[0] : span[1]].lower().rstrip(".") not in honorifics():
                found.append(Candidate(hit.text[span[0] : span[1]], *span, DESCRIPTION, "title-before-name", 0.8, weight, hit))
    # Without a target ("what is Smith's role") a person the question names is one.
    target = question.target or " ".join(question.keywords)
    people = [(e.start, e.end) for e in hit.entities if e.label == "PERSON"]
    for rule in description_rules():
        for match in _chained(rule.regex, hit.text):
            subject, answer = match.group("subject"), match.group("answer")
            s_start, s_end = match.span("subject")
            named = question.target or any(s < s_end and s_start < e for s, e in people)
            if named and _refers_to(subject, target):
                start, end = match.span("answer")
                found.append(Candidate(answer, start, end, DESCRIPTION, rule.name, rule.get("confidence"), weight, hit))
    return found


def reasons(hit: Hit, weight: float) -> list[Candidate]:
    """Return the clauses that give a reason.

    When the rest of the clause restates the question ("since [the storm]
    cut the power" for "why did they lose power"), the reason is its subject.
    """
    found = []
    for rule in reason_rules():
        for match in rule.regex.finditer(hit.text):
            start, end = match.span("answer")
            subject = next(((s, e) for s, e in noun_phrases(hit.text) if s == start and e < end), None)
            if subject and any(subject[1] <= m.start < end for m in hit.matched):
                end = subject[1]
            found.append(Candidate(hit.text[start:end], start, end, REASON, rule.name, rule.get("confidence"), weight, hit))
    return found


@functools.lru_cache(maxsize=4096)
def noun_phrases(text: str) -> tuple[tuple[int, int], ...]:
    """Return the character spans of the noun-phrase chunks of a sentence (Pattern's chunker)."""
    spans, position, current, adjective = [], 0, None, None
    for sentence in chunk(text):
        for word, tag, label, _ in sentence:
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
    return tuple((s, e) for s, e in spans)


@functools.cache
def group_nouns() -> frozenset[str]:
    """Return the plural nouns that name groups of people (rules/words/group_nouns.txt)."""
    return read_words("words/group_nouns.txt")


def names_group(phrase: str) -> bool:
    """Tell whether a noun phrase names a group of people ("ethnic Russians", "private firms")."""
    head = phrase.split()[-1].lower().replace("\u2019", "'")
    if head in group_nouns():
        return True
    place = gazetteer.entries().get(head)
    return place is not None and place.kind == "DEMONYM" and head.endswith("s")


def _is_question_word(hit: Hit, start: int, end: int, word: str, asked: frozenset[str]) -> bool:
    """Tell whether a word of a phrase is the question's: its own word, or a matched synonym.

    A matched nationality or place stays ("[Russian] nationalists" for "... russia").
    """
    bare = word.strip("\u201c\u201d\"',.").lower()
    if stem(bare) in asked:
        return True
    # The match must be the whole word: "state" (a synonym of "say") inside "city-state" is not.
    lead = len(word) - len(word.lstrip("\u201c\u201d\"'"))
    matched = any(m.start <= start + lead and m.end >= start + lead + len(bare) for m in hit.matched)
    return matched and bare not in gazetteer.entries()


def _trim_question_words(hit: Hit, start: int, end: int, asked: frozenset[str]) -> tuple[int, int]:
    """Drop question words from the edges of a phrase ("serve guests [local food]")."""
    words = [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"\S+", hit.text[start:end])]
    while words and _is_question_word(hit, *words[0], asked):
        words.pop(0)
    while words and _is_question_word(hit, *words[-1], asked):
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


# Between a subject and its verb: nothing, or a place ("[street protests] in Lima threatened").
SUBJECT_GAP = re.compile(r"\s*(?:(?:in|of|from|at|on)\s+(?:the\s+)?[A-Z][\w.\u2019'-]*+(?:\s+[A-Z][\w.\u2019'-]*+)*\s+)?(\w+)")
# Between a verb and its object: a preposition, an article, quotes, or words of the question.
OBJECT_GAP = re.compile(r"(?:\s|[\u201c\"']|\b(?:on|in|to|for|at|about|with|from|of|by|up|out|the|a|an)\b)*")


def _role_in_clause(question: Question, hit: Hit, start: int, end: int, asked: frozenset[str]) -> str | None:
    """Return "subject" or "object" when a phrase sits right before or after a question's verb."""
    if question.subject_of:
        verb = _word_variants(question.subject_of)
        following = SUBJECT_GAP.match(hit.text, end)
        governed = re.search(r"\b(?:in|of|from|at|on|to|by|with|for)\s+(?:the\s+)?$", hit.text[max(0, start - 12) : start])
        if following and stem(following.group(1).lower()) in verb and not governed:
            return "subject"  # "[Oil] makes up ..." for "what makes up ...", not "in [Lima] threatened"
    verbs = set(question.verbs)
    for m in hit.matched:
        if m.term not in verbs or not 0 <= start - m.end <= 30:
            continue
        gap = " ".join(w for w in hit.text[m.end : start].split() if stem(w.lower()) not in asked)
        if OBJECT_GAP.fullmatch(gap):
            return "object"  # "pledged [humanitarian support]", "counting on [gravity]"
    return None


def _names_titles(words: list[str], question: Question) -> bool:
    """Tell whether a phrase holds every title a holder question asks about ("prime minister")."""
    if not (HOLDER_QUESTION.match(question.normalized) and titles_in(question.normalized)):
        return True
    stems = {stem(canonical(w)) for w in words}
    stop = read_words("words/stopwords.txt")
    return all(all(_word_variants(w) & stems for w in title if w not in stop) for title in titles_in(question.normalized))


# "What kind of boats", "how were the towns described": the modifiers of the question's noun answer.
KIND_QUESTION = re.compile(r"\b(?:types?|kinds?|sorts?|forms?|styles?|class|category|variety|level|brand|model) of\b|\bmost what\b|^how (?:is|are|was|were)\b")


SLOT_BONUS = 0.2  # confidence a phrase in the answer's slot gains
SLOT_REACH = 80  # characters between the question's verb and a phrase in its slot
SLOT_BREAK = re.compile(r"[;:()\u2014]|,\s+(?:and|but|while|whereas|which|who|although)\s")


@functools.lru_cache(maxsize=1024)
def answer_slot(normalized: str, verbs: tuple[str, ...]) -> tuple[str, str] | None:
    """Return the question's verb and the side of it its answer stands on.

    "What tools have been praised ...": the answer is the subject, before
    the verb; "What did the baker sell ...": the object, after it.
    """
    words = re.findall(r"[\w'-]+", normalized)
    if not words or words[0] not in ("what", "which") or not verbs:
        return None
    verb = next((i for i, w in enumerate(words[1:], start=1) if w in verbs), None)
    support = next((i for i, w in enumerate(words[1:], start=1) if w in ("do", "does", "did")), None)
    if support is not None and (verb is None or support < verb):
        # "what did [the baker] sell": a subject stands between; the tagger may read a name as a verb ("mark").
        verb = next((i for i, w in enumerate(words[support + 2 :], start=support + 2) if w in verbs), None)
        return (words[verb], "after") if verb is not None else None
    if verb is None:
        return None
    between = words[1:verb]
    while between and between[0] not in AUXILIARIES:
        between.pop(0)  # the focus ("what *tools* have been ...")
    if all(w in AUXILIARIES for w in between):
        return words[verb], "before"
    if between[0] in AUXILIARIES and len(between) > 1:
        return words[verb], "after"
    return None


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


def of_complement(hit: Hit, end: int, spans: tuple[tuple[int, int], ...], asked: frozenset[str]) -> int:
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
    if not words or any(_is_question_word(hit, *w, asked) for w in words):
        return end
    return following


# "What is the lake called": the name a sentence gives ("a lake known as [Blue Mere]").
NAMING_QUESTION = re.compile(r"\b(?:called|known as|referred to as|named|termed|dubbed|nicknamed)\b")
NAMED_BEFORE = re.compile(r"\b(?:called|known as|referred to as|named|termed|dubbed|nicknamed)\s+[\u201c\"']?$")


def named_here(hit: Hit, start: int, question: Question) -> bool:
    """Tell whether a naming question's answer may be this phrase: the sentence names something with it."""
    return bool(NAMING_QUESTION.search(question.normalized) and NAMED_BEFORE.search(hit.text[max(0, start - 30) : start]))


def chunk_confidence(words: list[str], start: int) -> float:
    """Return how likely a bare noun phrase answers: names and longer phrases more than one common word."""
    confidence = 0.5
    if len(words) == 1:
        confidence -= 0.1  # "[trade]" says less than "[the river ferry]"
    if start > 0 and any(w[:1].isupper() for w in words):
        confidence += 0.1 if all(w[:1].isupper() or not w[:1].isalpha() for w in words) else 0.05
    return confidence


def phrases(hit: Hit, labels: dict[str, float], question: Question, stems: frozenset[str]) -> list[Candidate]:
    """Return the noun phrases of a sentence as candidates, and those naming groups of people."""
    found = []
    focus = _word_variants(question.focus) if question.focus else frozenset()
    asked = frozenset(stem(w) for w in question.keywords)
    slot = answer_slot(question.normalized, question.verbs)
    spans = noun_phrases(hit.text)
    for start, end in spans:
        text = hit.text[start:end]
        # A chunk never runs across a dash, comma or quote.
        lead = len(text) - len(text.lstrip("\u201c\u201d\"'( "))
        cut = re.search(r"\s*[\u2014,;:\u201c\u201d\"()]", text[lead:])
        if cut:
            end = start + lead + cut.start()
        start += lead
        text = hit.text[start:end]
        start += len(text) - len(NP_DETERMINERS.sub("", text))
        head_end = end
        start, end = _trim_question_words(hit, start, end, asked - focus)
        trimmed = hit.text[start:end]
        if not re.search(r"\w", trimmed):
            continue
        # The question's own noun with its modifiers ("four small river towns"): the
        # modifiers answer "what kind of town"; otherwise the phrase is what the question names.
        headed = end < head_end
        kind = headed and bool(KIND_QUESTION.search(question.normalized))
        headed = headed and not kind
        if headed:
            end = head_end
            trimmed = hit.text[start:end]
        if GROUP in labels and not headed and names_group(trimmed):
            found.append(Candidate(trimmed, start, end, GROUP, "noun-phrase-group", 0.8, labels[GROUP], hit))
        words = trimmed.split()
        if "PERSON" in labels and not headed and canonical(words[-1]) in title_words() and _names_titles(words, question):
            # "[The Chilean president] stood next to X": a role named without a name answers who.
            role = _role_in_clause(question, hit, start, end, asked)
            confidence = 1.0 if role == "subject" else 0.6
            found.append(Candidate(trimmed, start, end, "PERSON", "noun-phrase-title", confidence, labels["PERSON"] * 0.8, hit))
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
            end = of_complement(hit, end, spans, asked)
            trimmed, words = hit.text[start:end], hit.text[start:end].split()
        role = _role_in_clause(question, hit, start, end, asked)
        if kind:
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-kind", 1.0, labels[NP], hit))
        elif headed:
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-question-head", 0.4, labels[NP], hit))
        elif named_here(hit, start, question):
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-named", 1.0, max(labels[NP], FOCUS_TYPE), hit))
        elif focus and (stems_in[-1] in focus or conjunct):
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-focus", 0.9, max(labels[NP], FOCUS_TYPE), hit))
        elif role == "subject":
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-subject", 1.0, max(labels[NP], 0.8), hit))
        elif role == "object" and not question.subject_of:
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-object", 0.9, max(labels[NP], 0.8), hit))
        elif in_slot(hit, start, end, slot):
            rule = "noun-phrase-before-verb" if slot[1] == "before" else "noun-phrase-after-verb"
            found.append(Candidate(trimmed, start, end, NP, rule, chunk_confidence(words, start) + SLOT_BONUS, labels[NP], hit))
        else:
            found.append(Candidate(trimmed, start, end, NP, "noun-phrase-chunk", chunk_confidence(words, start), labels[NP], hit))
    return found


PLACES = frozenset({"CITY", "COUNTRY", "REGION"})
NOT_LOCATIVE = 0.85


def _after_locative(text: str, start: int) -> bool:
    before = re.search(r"(\w+)\s+(?:the\s+)?$", text[max(0, start - 20) : start])
    return bool(before) and before.group(1).lower() in read_words("words/locative_prepositions.txt")


# A capitalised phrase after a locative preposition names a site, in the gazetteer or
# not: "held at [Harbour Hall]", "taught at the [University of Lakeside]".
SITE_PHRASE = re.compile(
    r"\b(?P<preposition>[a-z]+)\s+(?:the\s+)?"
    r"(?P<answer>[A-Z][\w.\u2019'-]*+(?:\s+(?:(?:of|de|on|upon)\s+(?:the\s+)?)?[A-Z][\w.\u2019'-]*+){0,5})"
)


def sites(hit: Hit, weight: float) -> list[Candidate]:
    """Return the capitalised phrases a locative preposition governs ("stayed at [the Grand Hotel]")."""
    found = []
    for match in SITE_PHRASE.finditer(hit.text):
        if match.group("preposition") not in read_words("words/locative_prepositions.txt"):
            continue
        start, end = match.span("answer")
        text = hit.text[start:end].rstrip(".")
        found.append(Candidate(text, start, start + len(text), SITE, "site-after-preposition", 0.7, weight, hit))
    return found


QUANTITIES = frozenset({"NUMBER", "MONEY", "PERCENT", "SHARE", "DISTANCE", "WEIGHT", "SIZE", "SPEED", "TEMPERATURE"})
COUNTED_SHARE = 0.5  # how much of a quantity's confidence comes from what it counts
COUNTED_WORDS = 4


def counted_fit(text: str, end: int, stems: frozenset[str]) -> float:
    """Return how well the words a quantity counts fit the question ("2 million [ethnic Germans]")."""
    after = re.split(r"[,;:.()\u2014\u201c\u201d\"]", text[end : end + 60])[0]
    words = {stem(w.lower()) for w in re.findall(r"\w+", after)[:COUNTED_WORDS]}
    return min(1.0, len(words & stems) / 2)


# "When did the war end": the later date of a range ("(1610\u20131650)", "between 1610 and 1650").
ENDING_QUESTION = re.compile(r"\b(?:end|ended|ends|die|died|dies|death|finish|finished|complete|completed|stop|stopped|conclude|concluded|abolish|abolished|until|collapse|collapsed|fall|fell)\b")
RANGE_FIRST = re.compile(r"\s?(?:[\u2013-]|to|and|until)\s?\d")
RANGE_SECOND = re.compile(r"\d\s?(?:[\u2013-]|to|and|until)\s?$")
OFF_END = 0.6  # confidence factor of the wrong end of a range


def range_end_fit(text: str, start: int, end: int, question: str) -> float:
    """Return how well a date's place in a range of dates fits the question: the end for an ending."""
    first = bool(RANGE_FIRST.match(text, end)) and not RANGE_SECOND.search(text[max(0, start - 8) : start])
    second = bool(RANGE_SECOND.search(text[max(0, start - 8) : start]))
    ending = bool(ENDING_QUESTION.search(question))
    if (ending and first) or (not ending and second):
        return OFF_END
    return 1.0


FOCUS_TYPE = 0.8  # type fit of a noun phrase headed by the question's focus ("what *territories*")
ROLE_SHARE = 0.5  # how much of a person's confidence comes from a fitting title
ROLELESS = 0.5  # confidence factor of a person without the title a question asks for


def question_word_stems(question: Question) -> frozenset[str]:
    """Return the stems of the question's keywords and of their one-word variants."""
    words = set(question.keywords)
    for keyword in question.keywords:
        words.update(v for v in variants(keyword) if " " not in v)
    return frozenset(stem(canonical(w)) for w in words)


@functools.lru_cache(maxsize=16384)
def _word_variants(word: str) -> frozenset[str]:
    # Called per candidate and per title word: the thesaurus look-up is done once a word.
    return frozenset(stem(canonical(w)) for w in (word, *variants(word)) if " " not in w)


# "Who is the prime minister of X?", "What is the name of the foreign minister?": a title's holder.
HOLDER_QUESTION = re.compile(r"^(?:who|what) (?:is|was|are|were) (?:the |a |an )?(?:name of (?:the )?)?")


def _said_about(hit: Hit, entity) -> set[str]:
    """Return the stems of what the document says a person is, here and in its profile."""
    said = role_words(hit.text, entity.start, entity.end, hit.context) + list(entity.roles)
    return {stem(w) for w in said}


def holds_title(hit: Hit, entity, question: Question) -> bool:
    """Tell whether the document gives a person every title the question asks about."""
    words = _said_about(hit, entity)
    stop = read_words("words/stopwords.txt")
    return all(
        all(_word_variants(w) & words for w in title if w not in stop) for title in titles_in(question.normalized)
    )


def role_fit(hit: Hit, entity, question: Question, stems: frozenset[str]) -> float:
    """Return how well what the document says a person is fits the question's words.

    The words come from the title and apposition in this sentence and from the
    person's profile, gathered over the document at index time. A person never
    given the title the question asks about ("prime minister"), or given it for
    another place than the question's, fits poorly.
    """
    said = role_words(hit.text, entity.start, entity.end, hit.context) + list(entity.roles)
    words = {stem(w) for w in said}
    fit = min(1.0, len(words & stems) / 2)
    if not holds_title(hit, entity, question):
        fit *= ROLELESS
    asked = places(question.normalized)
    if asked and titles_in(question.normalized) and not asked & places(" ".join(said)):
        fit *= ROLELESS
    return fit


def extract(question: Question, hits: list[Hit]) -> list[Candidate]:
    """Return every candidate answer in the hits whose label fits the expected type."""
    labels = answer_labels(question.answer_type, question.rule)
    stems = question_word_stems(question)
    asks_holder = bool(HOLDER_QUESTION.match(question.normalized)) and bool(titles_in(question.normalized))
    counted = stems | (_word_variants(question.focus) if question.focus else frozenset())
    candidates = []
    for hit in hits:
        for e in hit.entities:
            weight = labels.get(e.label)
            if weight:
                confidence = e.confidence
                if e.label in QUANTITIES:
                    confidence = (1 - COUNTED_SHARE) * confidence + COUNTED_SHARE * counted_fit(hit.text, e.end, counted)
                if e.label in PLACES and question.coarse_type == "LOC" and not _after_locative(hit.text, e.start):
                    weight *= NOT_LOCATIVE  # "based in [Paris]" answers where; "an expert on [Africa]" less so
                if asks_holder and e.label in ("PERSON", "PROPER") and not holds_title(hit, e, question):
                    continue  # "who is the prime minister": never someone the document never calls one
                if e.label == "DATE":
                    confidence *= range_end_fit(hit.text, e.start, e.end, question.normalized)
                if e.label == "PERSON":
                    # A person answers "who is the Chilean president" when the sentence says so.
                    confidence = (1 - ROLE_SHARE) * confidence + ROLE_SHARE * role_fit(hit, e, question, stems)
                candidates.append(Candidate(e.text, e.start, e.end, e.label, e.rule, confidence, weight, hit, e.canonical))
        if DESCRIPTION in labels:
            candidates.extend(descriptions(hit, question, labels[DESCRIPTION]))
        if REASON in labels:
            candidates.extend(reasons(hit, labels[REASON]))
        if SITE in labels:
            candidates.extend(sites(hit, labels[SITE]))
        if NP in labels or GROUP in labels:
            candidates.extend(phrases(hit, labels, question, stems))
    return candidates
