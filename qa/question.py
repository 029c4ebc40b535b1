"""Question analysis: everything later stages need to know about a question, worked out once.

`analyze(question, rules)` returns one `Analysis`: the expected answer type and
the labels that answer it, the keywords as index terms with their variants,
the focus, target, places and titles the question names, where its answer
stands relative to its verb, and what kind of question it is (a title's
holder, a kind, a name, an ending). Retrieval, extraction and ranking read
it and never parse the question again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

from qa import polarity
from qa.frames import Frame, question_frame
from qa.yesno import YesNoFrame, yesno_frame
from qa.lexicon import Lexicon
from qa.rules import Rules
from qa.tagging import chunk
from qa.text import stem, word_spans

WH_WORDS = frozenset("who whom whose what which when where why how".split())
IMPERATIVES = frozenset("name list give tell identify describe explain define".split())
AUXILIARIES = frozenset("is are was were be been being do does did has have had can could will would shall should may might must".split())
FALLBACK_TYPE, FALLBACK_RULE = "ENTY:other", "no-rule"  # no question rule matched
YESNO_TYPE = "YESNO"  # a yes/no question's answer type (outside UIUC's classes)

# "Who is the prime minister of X?", "What is the name of the foreign minister?": a title's holder.
HOLDER_QUESTION = re.compile(r"^(?:who|what) (?:is|was|are|were) (?:the |a |an )?(?:name of (?:the )?)?")
# "What kind of boats", "how were the towns described": the modifiers of the question's noun answer.
# "What is the name of the training ground": the name is the modifier of its noun ("[Thorp Arch] training ground").
KIND_QUESTION = re.compile(r"\b(?:types?|kinds?|sorts?|forms?|styles?|class|category|variety|level|brand|model|names?) of\b|\bmost what\b|^how (?:is|are|was|were)\b")
# Words that place a time relative to now: two times differ when theirs do ("this year", "last year").
DEICTIC = frozenset("this last next past previous final coming current latest recent following".split())
# "What is the name of X" asks for one name.
SINGLE_NAME = re.compile(r"\bthe name of\b")
# "What is the lake called": the name a sentence gives ("a lake known as [Blue Mere]").
NAMING_QUESTION = re.compile(r"\b(?:called|known as|referred to as|named|termed|dubbed|nicknamed)\b")
# "Where in Chile", "which part of Chile", "which city in Chile": the answer lies inside the place named.
WITHIN_QUESTION = re.compile(
    r"^(?:where|(?:which|what) (?:parts?|regions?|cit(?:y|ies)|towns?|provinces?|states?|areas?|districts?)) (?:in|of) (?P<place>.+)$"
)
# "When did the war end": the later date of a range ("(1610\u20131650)", "between 1610 and 1650").
ENDING_QUESTION = re.compile(r"\b(?:end|ended|ends|die|died|dies|death|finish|finished|complete|completed|stop|stopped|conclude|concluded|abolish|abolished|until|collapse|collapsed|fall|fell)\b")


@dataclass(frozen=True)
class Term:
    """One question keyword as index terms, with the terms of its variants."""

    keyword: str
    stems: tuple[str, ...]
    variant_stems: tuple[tuple[str, ...], ...]
    place: bool = False  # a country, city, region or nationality


@dataclass(frozen=True, eq=False)
class Analysis:
    """An analysed question: what it asks for, which words find it, and how its answer stands."""

    text: str  # as asked
    normalized: str  # lower case, one space, no end punctuation
    answer_type: str  # a UIUC label ("HUM:ind")
    rule: str  # the question rule that chose it
    labels: MappingProxyType  # candidate label -> how well it answers (rules/answer_types.toml)
    keywords: tuple[str, ...]
    terms: tuple[Term, ...]  # the keywords as index terms, with their variants
    optional: frozenset[str]  # keywords that add coverage but are not required (the focus: "which *officials*")
    focus: str | None  # the noun that names the answer's kind ("which *country*")
    target: str | None  # what a description question is about ("who is *Jane Smith*")
    entities: tuple[str, ...]  # the places the question names, canonical
    places: frozenset[str]  # the same, demonyms mapped to countries: a sentence must hold them
    verbs: tuple[str, ...]  # keywords the tagger reads as verbs ("pledged")
    subject_of: str | None  # "what *makes up* ...": the answer is the subject of this verb
    slot: tuple[str, str] | None  # the question's verb and the side its answer stands on ("sell", "after")
    titles: tuple[tuple[str, ...], ...]  # the titles the question asks about ("prime", "minister")
    holder: bool  # asks who holds a title ("who is the prime minister of X")
    kind: bool  # asks what kind ("what kind of boats"): the modifiers answer
    naming: bool  # asks for a name given ("what is the lake called")
    ending: bool  # asks for the end of something ("when did the war end")
    keyword_stems: frozenset[str]  # stems of the keywords
    word_stems: frozenset[str]  # stems of the keywords and their one-word variants, titles canonical
    focus_stems: frozenset[str]  # stems of the focus and its variants
    question_stems: frozenset[str]  # stems a candidate may not consist of: the question's terms and focus
    place_stems: frozenset[str]  # stems of the places the question names, with their other names
    negative: bool  # the question has a negation ("who did not attend")
    claims: tuple[str, ...]  # question words that have an opposite and that a sentence must not contradict
    frame: Frame | None  # the question as a clause with a gap: predicate, arguments, the slot asked for
    yesno: YesNoFrame | None  # a yes/no question as the clause (or the role) it asks about
    dates: tuple[tuple[frozenset[str], frozenset[str]], ...]  # each time the question names: (deictic stems, other stems)
    many: bool  # it may take several things at once ("which countries", "who attended"): a list answers
    count: int | None  # how many it asks for ("the *three* rivers"), when it says
    within: frozenset[str]  # countries the answer lies inside ("where in *Chile*"): another country is no answer

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


def clean(question: str) -> str:
    """Drop invisible format characters (zero-width spaces, direction marks) and NULs from a question.

    >>> clean("How much\u200b funding?")
    'How much funding?'
    """
    return "".join(ch for ch in question if unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\t\n")


def classify(question: str, rules: Rules):
    """Return (answer_type, rule name, match) for a question; the first matching rule wins."""
    text = normalize(question)
    for rule in rules.questions:
        match = rule.regex.search(text)
        if match:
            return rule.get("answer_type"), rule.name, match
    return FALLBACK_TYPE, FALLBACK_RULE, None


def _group(match, name):
    if match is None or name not in match.re.groupindex:
        return None
    value = match.group(name)
    return value.strip() if value else None


def keywords(
    question: str, stopwords: frozenset[str], skip: frozenset[str] = frozenset(), lex: Lexicon | None = None, verbs: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Return the content words of a question, in order, without stop words or duplicates.

    The word after "how" ("how *many*", "how *long*") asks for the answer's
    kind and is no keyword; nor are the words in skip (the focus noun). A
    phrasal verb of the thesaurus ("came up with", "buy back": a verb of the
    question, then particles) is one keyword.

    >>> keywords("How many ethnic Germans live in Chile?", frozenset({"in"}))
    ('ethnic', 'germans', 'live', 'chile')
    """
    stop = stopwords | WH_WORDS | skip
    seen, words, previous = set(), [], ""
    spans = word_spans(question)
    raw = [question[s:e].lower().replace("\u2019", "'").strip("'") for s, e in spans]
    phrases = {} if lex is None else {
        start: end for start, end in lex.phrases_in(raw) if raw[start] in verbs and all(w in stopwords for w in raw[start + 1 : end])
    }
    skip_to = 0
    for number, (start, end) in enumerate(spans):
        if number < skip_to:
            continue
        if number in phrases:
            phrase = " ".join(raw[number : phrases[number]])
            skip_to = phrases[number]
            if phrase not in seen:
                seen.add(phrase)
                words.append(phrase)
            previous = raw[skip_to - 1]
            continue
        word = raw[number]
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


def _tagged(question: str) -> list[tuple[str, str]]:
    return [(word.lower(), tag) for sentence in chunk(normalize(question)) for word, tag, _, _ in sentence]


def answer_slot(normalized: str, verbs: tuple[str, ...]) -> tuple[str, str] | None:
    """Return the question's verb and the side of it its answer stands on.

    "What tools have been praised ...": the answer is the subject, before
    the verb; "What did the baker sell ...": the object, after it.

    >>> answer_slot("what did the baker sell", ("sell",))
    ('sell', 'after')
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


def _terms(words: tuple[str, ...], lex: Lexicon) -> tuple[Term, ...]:
    terms = []
    for keyword in words:
        stems = lex.stems(keyword)
        if not stems:
            continue
        variant_stems = tuple(dict.fromkeys(s for s in (lex.stems(v) for v in lex.variants(keyword)) if s and s != stems))
        terms.append(Term(keyword, stems, variant_stems, keyword in lex.gazetteer))
    return tuple(terms)


def _place_stems(names, lex: Lexicon) -> frozenset[str]:
    stems = set()
    for place in names:
        for name in (place, *lex.gazetteer.country_names(place)):
            stems.update(stem(w) for w in re.findall(r"\w+", name.lower()) if len(w) > 1 or w.isdigit())
    return frozenset(stems)


def analyze(question: str, rules: Rules) -> Analysis:
    """Analyse a question into everything the later stages need."""
    lex = rules.lexicon
    asked, question = question, clean(question)
    normalized = normalize(question)
    answer_type, rule, match = classify(question, rules)
    focus = _group(match, "focus")
    tagged = _tagged(question)
    # "What *territories* did he ...", "in which *year*": the noun after the question word names the answer's kind.
    first = 1 if tagged and tagged[0][1] == "IN" else 0
    if focus is None and len(tagged) > first + 1 and tagged[first][0] in ("what", "which") and tagged[first + 1][1].startswith("NN"):
        focus = tagged[first + 1][0]
    # "which *country* ..." names the answer's kind, which its sentence need not repeat;
    # "which *general* spoke" describes the person, which it usually does.
    skip = frozenset(focus.split()) if focus and answer_type != "HUM:ind" else frozenset()
    # "which *two* countries": how many answers are wanted, not a word to find.
    wh = next((i for i, (w, _) in enumerate(tagged) if w in ("what", "which")), None)
    count = None
    if wh is not None and wh + 1 < len(tagged) and tagged[wh + 1][1] == "CD":
        skip |= {tagged[wh + 1][0]}
    for (word, tag), (_, following) in zip(tagged, tagged[1:]):
        if tag == "CD" and following.startswith("NN") and count is None:
            count = _cardinal(word, lex)  # "which *two* countries", "the *three* rivers"
    words = keywords(question, lex.stopwords, skip, lex, frozenset(w for w, tag in tagged if tag.startswith("VB")))
    verbs = tuple(w for w, tag in tagged if tag.startswith("VB") and w in words)
    subject_of = None
    if len(tagged) > 1 and tagged[0][0] in ("what", "who") and tagged[1][1].startswith("VB") and tagged[1][0] not in AUXILIARIES:
        subject_of = tagged[1][0]
    terms = _terms(words, lex)
    focus_words = focus.split() if focus else []
    focus_stems = lex.word_variants(focus) if focus else frozenset()
    # "which *officials* made trips": the focus describes the answer; a sentence may not say it.
    optional = frozenset(t.keyword for t in terms if stem(t.keyword) in {stem(w) for w in focus_words})
    # "what did police *use*", "when was it *supposed* to go off": words a sentence need not repeat.
    optional |= frozenset(t.keyword for t in terms if t.keyword in lex.light_words)
    # "What is the *name* of X's wife": a sentence gives the name without saying "name".
    if SINGLE_NAME.search(normalized):
        optional |= frozenset(t.keyword for t in terms if t.keyword in ("name", "names"))
    yesno = yesno_frame(question, rules.grammar) if answer_type == YESNO_TYPE else None
    if yesno is not None and yesno.holder:
        # "Is Ann Lee the mayor?": a sentence naming another mayor answers "no" without naming her.
        optional |= frozenset(t.keyword for t in terms if stem(t.keyword) in {stem(w) for w in re.findall(r"\w+", yesno.holder.lower())})
    word_stems = set()
    for keyword in words:
        word_stems |= lex.word_variants(keyword)
    titles = lex.titles.titles_in(normalized)
    place_names = lex.gazetteer.place_names(normalized)
    negative, claims = polarity.asks(asked, lex)
    # The focus's head noun says whether it is plural: "parts" in "parts of the world".
    focus_head = focus.split(" of ")[0].split()[-1] if focus else ""
    focus_tag = next((tag for word, tag in tagged if focus and word == focus_head), "")
    return Analysis(
        text=asked,
        normalized=normalized,
        answer_type=answer_type,
        rule=rule,
        labels=MappingProxyType(rules.answer_types.labels(answer_type, rule)),
        keywords=words,
        terms=terms,
        optional=optional,
        focus=focus,
        target=_group(match, "target"),
        entities=tuple(dict.fromkeys(m.place.name for m in lex.gazetteer.find_places(question))),
        places=lex.gazetteer.places(normalized),
        verbs=verbs,
        subject_of=subject_of,
        slot=answer_slot(normalized, verbs),
        titles=titles,
        holder=bool(HOLDER_QUESTION.match(normalized)) and bool(titles),
        kind=bool(KIND_QUESTION.search(normalized)),
        naming=bool(NAMING_QUESTION.search(normalized)),
        ending=bool(ENDING_QUESTION.search(normalized)),
        keyword_stems=frozenset(stem(w) for w in words),
        word_stems=frozenset(word_stems),
        focus_stems=focus_stems,
        question_stems=frozenset({s for t in terms for s in t.stems} | {stem(w) for w in focus_words}),
        place_stems=_place_stems(place_names, lex),
        negative=negative,
        claims=claims,
        frame=question_frame(question, rules.grammar) if answer_type != YESNO_TYPE else None,
        yesno=yesno,
        dates=_dates(question, rules),
        many=_many(answer_type, focus_tag, count) and not SINGLE_NAME.search(normalized),
        count=count,
        within=_within(normalized, lex),
    )


def _within(normalized: str, lex) -> frozenset[str]:
    """Return the countries a "where in X" question asks inside of (a city names its country).

    Only the first place after "in"/"of" counts: "where in Chile did the Peruvian team play".
    """
    match = WITHIN_QUESTION.match(normalized)
    if not match:
        return frozenset()
    found = lex.gazetteer.find_places(re.sub(r"^the ", "", match.group("place")))
    if not found or found[0].start > 0:
        return frozenset()
    place = found[0].place
    country = place.name if place.kind == "COUNTRY" else place.country
    return frozenset({country}) if country else frozenset()


def _dates(question: str, rules: Rules) -> tuple[frozenset[str], ...]:
    """Return the stems of each time expression of a question and of its words' variants ("last year": final, 12 months).

    The date rules of rules/entities.toml find them.
    """
    lex = rules.lexicon
    found = []
    for rule in rules.entities:
        if rule.get("label") != "DATE":
            continue
        for match in rule.regex.finditer(question):
            words = [w for w in re.findall(r"\w+", match.group().lower()) if w not in lex.stopwords or w in DEICTIC]
            time = time_stems(words, lex)
            if (time[0] or time[1]) and time not in found:
                found.append(time)
    return tuple(found)


def time_stems(words, lex: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    """Return a time expression's deictic stems ("last", "this") and its other stems, with their variants' stems.

    "last year" and "the final 12 months" share both; "this 12 months" and
    "last year" share a unit but not their deixis: another time.
    """
    expanded = [(w, {stem(v) for variant in (w, *lex.variants(w)) for v in variant.split()}) for w in words]
    deictic = frozenset(s for w, stems in expanded if w in DEICTIC for s in stems)
    other = frozenset(s for w, stems in expanded if w not in DEICTIC for s in stems)
    return deictic, other


def _cardinal(word: str, lex: Lexicon) -> int | None:
    """Return the number a cardinal word or digits name ("three" -> 3), or None."""
    digits = word if word.isdigit() else next((f for f in lex.number_forms.get(word, ()) if f.isdigit()), None)
    return int(digits) if digits and len(digits) < 4 else None


def _many(answer_type: str, focus_tag: str, count: int | None) -> bool:
    """Tell whether a question may take several things: a plural focus, a number over one, or no singular focus.

    "Which country" asks for one; "which countries", "the three rivers", "who
    attended" may take several; amounts, dates, reasons and verdicts never do.
    """
    if count is not None:
        return count > 1
    if answer_type.split(":")[0] in ("NUM", "DESC") or answer_type in (YESNO_TYPE, "HUM:desc"):
        return False
    return focus_tag != "NN" and focus_tag != "NNP"
