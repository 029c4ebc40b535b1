"""Discourse of a news article: headline, dateline, credit line, what pronouns and descriptions stand for, who speaks a quote.

A news sentence leans on the sentences before it: "He resigned" names nobody,
"the company" names no company, a quote's speaker is often in the sentence
before. `analyse_document` reads one article (its sentences and their entity
spans, as qa.text.split_sentences and qa.entities.annotate_document give them)
and returns, per sentence, the links of its referring expressions to their
antecedents and the speakers of its quotations, each with the rule that made
it. Links are made by sieves from the most precise to the least (after the
Stanford multi-pass resolver): name aliases, appositives and predicate
nominatives, descriptions by head noun then by type, pronouns by salience and
agreement (the subject of the previous sentence first, after Hobbs).
All spans are character offsets within their sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

from qa.rulefiles import Rule, RuleError, RuleFiles
from qa.tagging import lexicon_tag

RULE_FILE = "discourse.toml"
PRONOUNS = "words/pronouns.txt"
FIRST_NAMES = "words/first_names.txt"
GENDER_WORDS = "words/gender_words.txt"
SPEECH_VERBS = "words/speech_verbs.txt"
COUNTRIES = "gazetteer/countries.txt"
CITIES = "gazetteer/cities.txt"
REGIONS = "gazetteer/regions.txt"

KINDS = (
    "dateline", "credit", "intro", "appositive-after", "appositive-before", "predicate",
    "title-before", "description", "quote-after", "quote-before", "pleonastic", "it-context",
    "person-cue", "short-form", "new-referent", "pointing-back",
)
OPTIONAL_FIELDS = ("refers", "number", "gender", "link", "with_names", "needs_known_place", "screen")
LABELS = ("PERSON", "ORG", "GROUP", "NORP", "COUNTRY", "CITY", "REGION", "PROPER")

SCREEN_STRINGS = 5000  # a key group with more strings than this is not screened
HEADLINE_MAX_WORDS = 20  # a title is short; a first paragraph longer than this is a lead
CREDIT_EDGE_PARAGRAPHS = 3  # credit lines stand at the top or the foot of a story
PRONOUN_WINDOW = 3  # sentences back a pronoun looks: news pronouns rarely reach further
DESCRIPTION_WINDOW = 3  # sentences back a description looks for a mention of its type
HEAD_MATCH_WINDOW = 12  # sentences back a description looks for a mention said to be its head noun
SALIENT_PER_SENTENCE = 30  # candidates kept per earlier sentence (bounds hostile input)
MAX_PRONOUNS_PER_SENTENCE = 60  # a real sentence has a handful; beyond this it is noise
MAX_QUOTES_PER_SENTENCE = 20  # likewise for quotation marks
FRAME_WINDOW = 240  # characters before or after a quote where its attribution is written
SCARE_QUOTE_WORDS = 3  # a quoted phrase this short, without final punctuation, is a term, not speech
NAMES_PER_KEY = 4  # earlier names kept under one key ("Acme" may start "Acme Radio" and "Acme Holdings")
SUBJECT_SLACK = 3  # words after a clause start that a subject may begin within
MODIFIER_WORDS = 3  # capitalised words before a title that belong to the person's noun phrase

DEFINITE = frozenset({"the", "this", "that"})
OPEN_QUOTES, CLOSE_QUOTES = "\u201c", "\u201d"
QUOTE_MARKS = re.compile(r'["\u201c\u201d]')
WORD = re.compile(r"[\w\u2019'.-]+")
LETTERS = re.compile(r"[^\W_]+")
# A subordinate clause before the main one ("when he arrived, ..."): its pronoun may point forward.
SUBORDINATE = re.compile(r"\s*(?:when|after|before|as|while|whilst|although|though|if|since|once|until|because)\b", re.I)
SUBORDINATOR = re.compile(r"\b(?:that|who|whom|which|when|after|before|because|if|while|as|since|until|although|though|once)\b")
# A subject that is a common noun phrase, not a name: "The program", "Many of the series".
UNNAMED_SUBJECT = re.compile(r"[\"\u201c'\u2018(]?(?:The|A|An|This|These|Those|Many|Some|Most|Each|Every|All)\s[a-z]")
# Where a clause opens inside a sentence: after a comma, a conjunction or a subordinator.
CLAUSE_OPENING = re.compile(r"(?:[,;]|\b(?:and|but|while|whilst|when|after|before|because|although|though|since|until|if|once|as|whereas))\s")
COPULA_BEFORE = re.compile(r"\b(?:is|was|are|were|be|been|being|become|became|becomes|remains|remained|as)\s$")
RELATIVE_BETWEEN = re.compile(r",?\s(?:whom|who|which|that)\s")
CLAUSE_MARKS = ',;:()"\u201c\u201d'  # punctuation a description does not run over
HONORIFIC_BEFORE = re.compile(r"([A-Z][\w.]*)\s$")
TITLE_AFTER = re.compile(r"\s[A-Z]")
COMPLEMENT_AFTER = re.compile(r"\s(?:of|from|who|that|which)\b")
APPOSITION_CLOSES = re.compile(r"\s?[,)\u2014\u2013-]")
NEW_CLAUSE = re.compile(r"[,;:\u2014]|\b(?:and|but)\b")
BRACKETS = re.compile(r"\[\[(.+?)\]\]")
POSSESSIVE = re.compile(r"[\u2019']s?$")
NEXT_WORD = re.compile(r"\s([a-z][\w-]*)")
PREVIOUS_WORD = re.compile(r"([\w.\u2019'-]+)\s$")
# Words that stay in a person's noun phrase before the title ("former party leader Jane Doe").
NP_MODIFIERS = frozenset({"former", "ex", "outgoing", "acting", "deputy", "new", "interim", "then", "late"})
# Determiners that say nothing of a name ("the", "its"): a capitalised determiner is a name's possessive.
PLAIN_DETERMINERS = frozenset({"the", "this", "that", "a", "an", "one", "its", "his", "her", "their", "these", "those", "many", "some"})
FIRST_PERSON = frozenset({"1"})


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The title line of an article."""

    sentence: int
    text: str
    rule: str


@dataclass(frozen=True)
class Dateline:
    """The place (country, date, agency) that opens a story, at a span of its first body sentence."""

    sentence: int
    start: int
    end: int
    text: str
    place: str | None
    region: str | None
    country: str | None
    date: str | None
    agency: str | None
    rule: str


@dataclass(frozen=True)
class Credit:
    """A reporter's line: who wrote or reported the story, from where."""

    sentence: int
    start: int
    end: int
    text: str
    reporters: tuple[str, ...]
    editors: tuple[str, ...]
    outlet: str | None
    place: str | None
    rule: str


@dataclass(frozen=True)
class Link:
    """A referring expression of a sentence and the mention it stands for."""

    sentence: int
    start: int
    end: int
    text: str
    antecedent: str
    antecedent_sentence: int
    antecedent_start: int
    antecedent_end: int
    label: str
    rule: str  # the rule that matched (a toml rule name or the sieve's own)
    sieve: str  # name-alias, appositive, predicate, description-head, description-type, pronoun, ...


@dataclass(frozen=True)
class Quote:
    """The quoted text of a sentence and who says it."""

    sentence: int
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_sentence: int | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None  # what names the speaker near the quote ("he", "Mr Smith"), if anything
    rule: str


@dataclass(frozen=True)
class DocumentDiscourse:
    """Everything the discourse layer found in one document; links and quotes per sentence."""

    headline: Headline | None
    dateline: Dateline | None
    credits: tuple[Credit, ...]
    links: tuple[tuple[Link, ...], ...]
    quotes: tuple[tuple[Quote, ...], ...]
    expanded: tuple[tuple[str, ...], ...]  # per sentence: the names its links and quotes add (see expansions)


@dataclass(frozen=True)
class PronounForm:
    """What agreement knows of a pronoun."""

    word: str
    person: str
    number: str
    gender: str
    animacy: str
    case: str


SUBJECT_FORM = PronounForm("it", "3", "singular", "neuter", "inanimate", "subject")  # a description binds as a subject pronoun does


@dataclass(frozen=True)
class DiscourseRules:
    """The discourse rules and word lists, loaded once from a rules directory."""

    rules: Mapping[str, tuple[Rule, ...]]
    pronouns: Mapping[str, PronounForm]
    pronoun_regex: re.Pattern
    first_names: Mapping[str, str]
    gender_words: Mapping[str, str]
    speech_regex: re.Pattern
    places: Mapping[str, tuple[str, str, str | None]]  # lower-case name -> (canonical, kind, country)
    # Per rule name: the first (description heads) or last (titles) word of every string its key group
    # can match, when that group is a list of literals: a sentence without one is skipped (a screen).
    screens: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, kind: str) -> tuple[Rule, ...]:
        """Return the rules of a kind, in file order."""
        return self.rules.get(kind, ())


# --- loading -----------------------------------------------------------------------------------


def load_discourse(files: RuleFiles) -> DiscourseRules:
    """Read and validate rules/discourse.toml and its word lists from a rules directory."""
    rules_dir = files
    loaded = files.rules(RULE_FILE, ("kind",), flags=0, optional=OPTIONAL_FIELDS)
    by_kind: dict[str, list[Rule]] = {kind: [] for kind in KINDS}
    for rule in loaded:
        _validate(rule)
        by_kind[rule.get("kind")].append(rule)
    pronouns = _load_pronouns(rules_dir)
    words = sorted(pronouns, key=len, reverse=True)
    # "I" and "us" are matched as written ("US" is a country); the others in lower case or capitalised
    # (spelled out: a case-sensitive alternation is several times faster than an IGNORECASE one).
    spelled = [w if w in ("I", "us") else f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in words]
    pronoun_regex = re.compile(r"(?<![\w\u2019'-])(?:" + "|".join(spelled) + r")(?![\w-])")
    speech = sorted({alt for entry in _lines(rules_dir, SPEECH_VERBS) for alt in entry[0]}, key=len, reverse=True)
    speech_regex = re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in speech) + r")\b")
    screens = {}
    for rule in by_kind["description"]:
        if rule.get("screen"):
            screens[rule.name] = frozenset(word.lower() for word in rule.get("screen"))
            continue
        strings = _literal_strings(rule.regex, "head")
        if strings:
            screens[rule.name] = frozenset(LETTERS.findall(text)[0] for text in strings if LETTERS.findall(text))
    for rule in by_kind["title-before"]:
        strings = _literal_strings(rule.regex, "desc")
        if strings:
            screens[rule.name] = frozenset(LETTERS.findall(text)[-1] for text in strings if LETTERS.findall(text))
    return DiscourseRules(
        screens=MappingProxyType(screens),
        rules=MappingProxyType({kind: tuple(found) for kind, found in by_kind.items()}),
        pronouns=MappingProxyType(pronouns),
        pronoun_regex=pronoun_regex,
        first_names=MappingProxyType(_load_genders(rules_dir, FIRST_NAMES, lower=False)),
        gender_words=MappingProxyType(_load_genders(rules_dir, GENDER_WORDS, lower=True)),
        speech_regex=speech_regex,
        places=MappingProxyType(_load_places(rules_dir)),
    )


def _literal_strings(regex: re.Pattern, group: str) -> frozenset[str] | None:
    """Return every string (lower case) a named group of a regex can match, if it is only literals; else None."""
    try:
        from re import _parser  # CPython's own parser; without it every rule runs unscreened

        parsed = _parser.parse(regex.pattern, regex.flags)
    except (ImportError, re.error, AttributeError):  # pragma: no cover
        return None
    number = regex.groupindex.get(group)

    def find(items):
        for op, av in items:
            if op is _parser.SUBPATTERN:
                if av[0] == number:
                    return av[3]
                found = find(av[3])
                if found is not None:
                    return found
            elif op is _parser.BRANCH:
                for branch in av[1]:
                    found = find(branch)
                    if found is not None:
                        return found
        return None

    def strings(items) -> set[str] | None:
        result = {""}
        for op, av in items:
            if op is _parser.LITERAL:
                options = {chr(av).lower()}
            elif op is _parser.SUBPATTERN:
                options = strings(av[3])
            elif op is _parser.BRANCH:
                options = set()
                for branch in av[1]:
                    more = strings(branch)
                    if more is None:
                        return None
                    options |= more
            elif op is _parser.IN and all(kind is _parser.LITERAL for kind, _ in av):
                options = {chr(value).lower() for _, value in av}
            elif _is_space(op, av, _parser):
                options = {" "}
            else:
                return None
            if options is None or len(result) * len(options) > SCREEN_STRINGS:
                return None
            result = {a + b for a in result for b in options}
        return result

    inner = find(parsed)
    found = strings(inner) if inner is not None else None
    return frozenset(found) if found else None


def _is_space(op, av, parser) -> bool:
    """Tell whether a parsed regex item is white space (`\\s` or `\\s+`), which a word list's spaces become."""
    if op in (parser.MAX_REPEAT, parser.MIN_REPEAT):
        op, av = av[2][0] if len(av[2]) == 1 else (None, None)
    return op is parser.IN and av == [(parser.CATEGORY, parser.CATEGORY_SPACE)]


def _lines(files: RuleFiles, name: str):
    if not files.has(name):
        raise RuleError(f"rules/{name}: no such file")
    return files.lines(name)

def _validate(rule: Rule) -> None:
    where = f"{rule.source}: rule '{rule.name}'"
    kind = rule.get("kind")
    if kind not in KINDS:
        raise RuleError(f"{where}: field 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    groups = set(rule.regex.groupindex)
    needed = {
        "dateline": set(),
        "credit": {"reporters"} if not rule.name.endswith("outlet-place") else {"outlet", "place"},
        "appositive-after": {"desc"},
        "appositive-before": {"desc"},
        "predicate": {"desc"},
        "title-before": {"desc"},
        "description": {"det", "head"},
        "quote-after": {"speaker"},
        "quote-before": {"speaker"},
    }.get(kind, set())
    if needed - groups:
        raise RuleError(f"{where}: field 'pattern' needs the group(s) {sorted(needed - groups)}")
    if kind == "description":
        refers = rule.get("refers")
        if not isinstance(refers, list) or not refers or any(label not in LABELS for label in refers):
            raise RuleError(f"{where}: field 'refers' must list labels among {', '.join(LABELS)}")
        if rule.get("number") not in ("singular", "plural"):
            raise RuleError(f"{where}: field 'number' must be 'singular' or 'plural'")
        if rule.get("gender") not in (None, "male", "female"):
            raise RuleError(f"{where}: field 'gender' must be 'male' or 'female'")
        for flag in ("link", "with_names"):
            if not isinstance(rule.get(flag), bool):
                raise RuleError(f"{where}: field '{flag}' must be true or false")
    elif any(rule.get(key) is not None for key in ("refers", "number", "gender", "link", "with_names")):
        raise RuleError(f"{where}: fields refers/number/gender/link/with_names belong to description rules")
    screen = rule.get("screen")
    if screen is not None and (kind != "description" or not isinstance(screen, list) or not all(isinstance(w, str) and LETTERS.fullmatch(w) for w in screen)):
        raise RuleError(f"{where}: field 'screen' is a list of words, for description rules")
    if screen and any(not set(LETTERS.findall(BRACKETS.sub(r"\1", e).lower())) & {w.lower() for w in screen} for e in rule.examples):
        raise RuleError(f"{where}: field 'screen': an example holds none of its words")
    if rule.get("needs_known_place") not in (None, True, False):
        raise RuleError(f"{where}: field 'needs_known_place' must be true or false")


def _load_pronouns(rules_dir: RuleFiles) -> dict[str, PronounForm]:
    allowed = {
        1: ("1", "2", "3"),
        2: ("singular", "plural", "any"),
        3: ("male", "female", "neuter", "any"),
        4: ("animate", "inanimate", "any"),
        5: ("subject", "object", "possessive", "reflexive"),
    }
    forms = {}
    for entry in _lines(rules_dir, PRONOUNS):
        if len(entry) != 6:
            raise RuleError(f"rules/{PRONOUNS}: '{', '.join(entry[0])}' needs 6 fields, has {len(entry)}")
        values = [field_[0] if field_ else "" for field_ in entry[1:]]
        for position, value in enumerate(values, start=1):
            if value not in allowed[position]:
                raise RuleError(f"rules/{PRONOUNS}: '{entry[0][0]}': field {position + 1} must be one of {allowed[position]}")
        for word in entry[0]:
            forms[word] = PronounForm(word, *values)
    return forms


def _load_genders(rules_dir: RuleFiles, name: str, lower: bool) -> dict[str, str]:
    table = {}
    for entry in _lines(rules_dir, name):
        gender = entry[-1][0] if len(entry) > 1 and entry[-1] else ""
        if gender not in ("male", "female", "unisex"):
            raise RuleError(f"rules/{name}: '{entry[0][0]}': gender must be male, female or unisex")
        for word in entry[0]:
            table[word.lower() if lower else word] = gender
    return table


def _load_places(rules_dir: RuleFiles) -> dict[str, tuple[str, str, str | None]]:
    table: dict[str, tuple[str, str, str | None]] = {}
    for entry in _lines(rules_dir, REGIONS):
        for name in entry[0]:
            table[name.lower()] = (entry[0][0], "REGION", None)
    for entry in _lines(rules_dir, CITIES):
        country = entry[1][0] if len(entry) > 1 and entry[1] else None
        for name in entry[0]:
            table[name.lower()] = (entry[0][0], "CITY", country)
    for entry in _lines(rules_dir, COUNTRIES):
        country = entry[0][0]
        if len(entry) > 1:
            for name in entry[1]:
                table[name.lower()] = (entry[1][0], "CITY", country)
        for name in entry[0]:
            table[name.lower()] = (country, "COUNTRY", country)
    return table


# --- working structures ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    text: str


@dataclass(eq=False)
class _Mention:
    sentence: int
    start: int
    end: int
    text: str
    label: str  # an entity label, or DESCRIPTION / PRONOUN
    kind: str  # person, org, place, group, thing
    number: str
    named: bool
    gender: str | None = None
    head: str | None = None
    refers: frozenset = frozenset()
    rule: str = ""
    linkable: bool = False
    with_names: bool = True
    in_quote: bool = False
    evidence: bool = False  # a title, a first name or a description says what it is
    modifier: bool = False  # part of another mention's noun phrase ("Acme" in "Acme chief Jane Doe")
    compound: bool = False  # a name that modifies a noun ("TV" in "a TV show"): no antecedent
    cluster: "_Cluster | None" = None


@dataclass(eq=False)
class _Cluster:
    members: list = field(default_factory=list)
    heads: set = field(default_factory=set)
    gender: str | None = None
    evidence: bool = False

    best: _Mention | None = None  # the representative, kept as members join (a cluster may hold hundreds)

    def representative(self) -> _Mention:
        """Return the fullest name of the cluster, else its first description, else its first pronoun."""
        if self.best is None:
            self.best = max(self.members, key=_standing)
        return self.best

    def add(self, mention: _Mention) -> None:
        """Add a mention (a resolved pronoun) to the cluster."""
        self.members.append(mention)
        if self.best is not None and _standing(mention) > _standing(self.best):
            self.best = mention


@dataclass(eq=False)
class _Unit:
    """One quotation, maybe over several sentences: its pieces and where its attribution may be."""

    pieces: list  # (sentence, start, end) of the quoted text, marks excluded
    closed: bool
    frame: tuple | None = None  # (rule, sentence, start, end) of the speaker phrase
    speaker: _Cluster | None = None
    cue: _Mention | None = None
    rule: str = ""
    phrase: str | None = None  # the speaker phrase when nothing in it is a mention
    phrase_span: tuple = (None, None, None)  # its sentence and span

    @property
    def first(self) -> int:
        return self.pieces[0][0]

    @property
    def last(self) -> int:
        return self.pieces[-1][0]


# --- the analysis ------------------------------------------------------------------------------


def dateline_end(text: str, rules: DiscourseRules) -> int:
    """Return where a dateline that opens a text ends ("OSLO, Norway \u2014 "), or 0 when it has none."""
    for rule in rules.of("dateline"):
        match = rule.regex.match(text)
        if not match:
            continue
        groups = match.groupdict()
        known = [name for name in (groups.get("place"), groups.get("region")) if name and name.lower() in rules.places]
        if rule.get("needs_known_place") and not known:
            continue
        return match.end()
    return 0


def analyse_document(text: str, sentences, entities, rules: DiscourseRules) -> DocumentDiscourse:
    """Find the headline, dateline, credit lines, links and quote speakers of one document."""
    return _Analysis(text or "", sentences or [], entities or [], rules).run()


def expansions(discourse: DocumentDiscourse, sentence: int) -> list[str]:
    """Return the antecedent and speaker names a search should count for a sentence (words it lacks)."""
    if not 0 <= sentence < len(discourse.expanded):
        return []
    return list(discourse.expanded[sentence])


def _expanded(text: str, links: list[Link], quotes: list[Quote]) -> tuple[str, ...]:
    """Return the names a sentence's links and quotes stand for, each once, unless all its words are in the sentence."""
    own = set(LETTERS.findall(text.lower()))
    names = [link.antecedent for link in links] + [q.speaker for q in quotes if q.speaker]
    found: list[str] = []
    for name in names:
        words = set(LETTERS.findall(name.lower()))
        if name not in found and not words <= own:
            found.append(name)
    return tuple(found)


class _Analysis:
    def __init__(self, text: str, sentences, entities, rules: DiscourseRules):
        self.text = text
        self.rules = rules
        self.sentences = [_as_sentence(i, s) for i, s in enumerate(sentences)]
        rows = list(entities)[: len(self.sentences)]
        rows += [[]] * (len(self.sentences) - len(rows))
        self.entities = [[_as_entity(e, s.text) for e in row] for row, s in zip(rows, self.sentences)]
        self.entities = [[e for e in row if e is not None] for row in self.entities]
        n = len(self.sentences)
        self.mentions: list[list[_Mention]] = [[] for _ in range(n)]
        self.salient: list[list[_Mention]] = [[] for _ in range(n)]
        self.links: list[list[Link]] = [[] for _ in range(n)]
        self.quote_spans: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.subject_start = [0] * n
        self.skip_to = [0] * n
        self.excluded: set[int] = set()  # headline and credit lines: no antecedents there
        self.speaker_spans: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.names: dict[str, list[_Mention]] = {}  # the latest name mentions under each key they can be looked up by
        self.subjects: dict[int, _Mention | None] = {}  # sentence -> its subject mention, while its mentions stay
        self.pronoun_matches: dict[int, list[re.Match]] = {}
        self.person_names: set[str] = set()  # names (and their last words) the story says are people's

    def run(self) -> DocumentDiscourse:
        n = len(self.sentences)
        credits = self._credits()
        headline = self._headline({c.sentence for c in credits})
        dateline = self._dateline(headline, {c.sentence for c in credits})
        self.excluded |= {c.sentence for c in credits}
        if headline:
            self.excluded.add(headline.sentence)
        units = self._quote_units()
        for unit in units:
            self._find_frame(unit)
        self._person_cues()
        for i in range(n):
            if i in self.excluded:
                continue
            skip_to = dateline.end if dateline and dateline.sentence == i else 0
            self.skip_to[i] = skip_to
            self._build_mentions(i, skip_to)
            self._subject(i, skip_to)
            self._sieve_names(i)
            self._sieve_appositives(i)
            self.subjects.pop(i, None)  # the sieves above may retype a mention
            self._sieve_descriptions(i)
            self._sieve_pronouns(i, in_quotes=False)
            self.salient[i] = self._salience(i)
        self._speakers(units)
        for i in range(n):
            if i not in self.excluded:
                self._sieve_pronouns(i, in_quotes=True, units=units)
        quotes = self._quote_records(units)
        links = [sorted(row, key=lambda link: link.start) for row in self.links]
        return DocumentDiscourse(
            headline=headline,
            dateline=dateline,
            credits=tuple(credits),
            links=tuple(tuple(row) for row in links),
            quotes=tuple(tuple(row) for row in quotes),
            expanded=tuple(_expanded(s.text, row, q) for s, row, q in zip(self.sentences, links, quotes)),
        )

    # --- furniture: headline, dateline, credit lines -------------------------------------------

    def _credits(self) -> list[Credit]:
        paragraphs = sorted({s.paragraph for s in self.sentences})
        edge = set(paragraphs[:CREDIT_EDGE_PARAGRAPHS]) | set(paragraphs[-CREDIT_EDGE_PARAGRAPHS:])
        found = []
        for s in self.sentences:
            if s.paragraph not in edge:
                continue
            stripped = s.text.strip()
            offset = s.text.index(stripped) if stripped else 0
            for rule in self.rules.of("credit"):
                match = rule.regex.match(stripped)
                if not match:
                    continue
                groups = {key: _trim(value) for key, value in match.groupdict().items()}
                place = groups.get("place")
                if rule.get("needs_known_place") and not (place and place.lower() in self.rules.places):
                    continue
                found.append(
                    Credit(
                        sentence=s.index,
                        start=offset,
                        end=offset + len(stripped),
                        text=stripped,
                        reporters=_split_names(groups.get("reporters")),
                        editors=_split_names(groups.get("editors")),
                        outlet=groups.get("outlet"),
                        place=place,
                        rule=rule.name,
                    )
                )
                break
        return found

    def _headline(self, credit_sentences: set[int]) -> Headline | None:
        if len(self.sentences) < 2:
            return None
        first, second = self.sentences[0], self.sentences[1]
        if 0 in credit_sentences or first.paragraph == second.paragraph:
            return None
        title = first.text.strip()
        words = title.split()
        if not words or len(words) > HEADLINE_MAX_WORDS or title.endswith((".", ",", ";", ":")):
            return None
        if re.search(r"\n[ \t]*\r?\n", self.text[first.end : second.start]):
            return Headline(0, title, "headline-blank-line")
        if self._dateline_match(second.text):
            return Headline(0, title, "headline-before-dateline")
        return None

    def _dateline_match(self, text: str):
        for rule in self.rules.of("dateline"):
            match = rule.regex.match(text)
            if not match:
                continue
            groups = match.groupdict()
            known = [name for name in (groups.get("place"), groups.get("region")) if name and name.lower() in self.rules.places]
            if rule.get("needs_known_place") and not known:
                continue
            return rule, match
        return None

    def _dateline(self, headline: Headline | None, credit_sentences: set[int]) -> Dateline | None:
        body = next((s for s in self.sentences if s.index not in credit_sentences and not (headline and s.index == headline.sentence)), None)
        if body is None:
            return None
        found = self._dateline_match(body.text)
        if not found:
            return None
        rule, match = found
        groups = match.groupdict()
        place, region = groups.get("place"), groups.get("region")
        canonical, country = self._place(place), None
        region_entry = self.rules.places.get((region or "").lower())
        place_entry = self.rules.places.get((place or "").lower())
        if region_entry and region_entry[1] == "COUNTRY":
            country = region_entry[0]
        elif place_entry:
            country = place_entry[2]
        if match.end() >= len(body.text.rstrip()):
            self.excluded.add(body.index)  # "Dateline: Kabul" on a line of its own
        return Dateline(
            sentence=body.index,
            start=0,
            end=match.end(),
            text=match.group().strip(),
            place=canonical,
            region=region,
            country=country,
            date=groups.get("date"),
            agency=groups.get("agency"),
            rule=rule.name,
        )

    def _place(self, name: str | None) -> str | None:
        if not name:
            return None
        entry = self.rules.places.get(name.lower())
        if entry is not None:
            return entry[0]
        return name.title() if name.isupper() else name

    # --- quotations ------------------------------------------------------------------------------

    def _quote_units(self) -> list[_Unit]:
        """Pair quotation marks paragraph by paragraph; a quote left open ends with its paragraph."""
        units: list[_Unit] = []
        current: _Unit | None = None
        paragraph = None
        for s in self.sentences:
            if s.paragraph != paragraph:
                if current is not None:
                    units.append(current)
                current, paragraph = None, s.paragraph
            if s.index in self.excluded:
                continue
            marks = list(QUOTE_MARKS.finditer(s.text))[: 2 * MAX_QUOTES_PER_SENTENCE]
            position = 0
            for mark in marks:
                at = mark.start()
                role = _quote_role(s.text, at, current is not None)
                if role == "close" and current is not None:
                    current.pieces.append((s.index, position, at))
                    current.closed = True
                    units.append(current)
                    current = None
                elif role == "open":
                    if current is not None:  # a new quote opens: the one before was never closed
                        current.pieces.append((s.index, position, at))
                        units.append(current)
                    current, position = _Unit(pieces=[], closed=False), at + 1
            if current is not None:
                current.pieces.append((s.index, position, len(s.text)))
        if current is not None:
            units.append(current)
        kept = []
        for unit in units:
            unit.pieces = [p for p in unit.pieces if p[2] > p[1]]
            if not unit.pieces:
                continue
            quoted = " ".join(self.sentences[i].text[a:b] for i, a, b in unit.pieces).strip()
            if len(quoted.split()) <= SCARE_QUOTE_WORDS and not quoted.endswith((".", ",", "!", "?")):
                continue  # a "term" in scare quotes, not speech
            kept.append(unit)
            for i, a, b in unit.pieces:
                self.quote_spans[i].append((a, b))
        return kept

    def _find_frame(self, unit: _Unit) -> None:
        """Find the speaker phrase written around a quote: after its closing mark, else before its opening."""
        last_sentence, _, close_at = unit.pieces[-1]
        if unit.closed:
            text = self.sentences[last_sentence].text
            after_start = close_at + 1
            following = QUOTE_MARKS.search(text, after_start)
            after = text[after_start : following.start() if following else len(text)][:FRAME_WINDOW]
            for rule in self.rules.of("quote-after"):
                match = rule.regex.match(after)
                if match and match.group("speaker").strip():
                    start = after_start + match.start("speaker")
                    unit.frame = (rule.name, last_sentence, start, after_start + match.end("speaker"))
                    self.speaker_spans[last_sentence].append(unit.frame[2:])
                    return
        first_sentence, open_at, _ = unit.pieces[0]
        text = self.sentences[first_sentence].text
        before_end = max(0, open_at - 1)
        previous = [m.end() for m in QUOTE_MARKS.finditer(text, 0, before_end)]
        before_start = max(previous[-1] if previous else 0, before_end - FRAME_WINDOW)
        before = text[before_start:before_end]
        for rule in self.rules.of("quote-before"):
            match = rule.regex.search(before)
            if match and match.group("speaker").strip():
                unit.frame = (rule.name, first_sentence, before_start + match.start("speaker"), before_start + match.end("speaker"))
                self.speaker_spans[first_sentence].append(unit.frame[2:])
                return
        # A quote inside reported speech ('She accused them of "..."') is the subject's.
        if before.strip() and self.rules.speech_regex.search(before):
            unit.frame = ("quote-embedded-subject", first_sentence, -1, -1)

    def _speakers(self, units: list[_Unit]) -> None:
        """Give every quote its speaker: from its frame, else the quotes and sentences around it."""
        for unit in units:
            if unit.frame is None:
                continue
            rule, sentence, start, end = unit.frame
            if start < 0:
                subject = self._subject_mention(sentence)
                if subject is not None and subject.kind in ("person", "org", "group"):
                    unit.speaker, unit.cue, unit.rule = subject.cluster, subject, rule
                continue
            cue = self._mention_in(sentence, start, end)
            if cue is not None:
                unit.speaker, unit.cue, unit.rule = cue.cluster, cue, rule
            else:
                phrase = self.sentences[sentence].text[start:end].strip()
                if 0 < len(phrase.split()) <= 6 and (phrase[0].isupper() or phrase.split()[0].lower() in ("a", "an", "the")):
                    unit.phrase, unit.rule, unit.phrase_span = phrase, rule, (sentence, start, end)
        for position, unit in enumerate(units):
            if unit.speaker is not None or unit.phrase is not None:
                continue
            before = units[position - 1] if position else None
            after = units[position + 1] if position + 1 < len(units) else None
            starts_sentence = not self.sentences[unit.first].text[: unit.pieces[0][1]].strip(" \"\u201c'\u2018(")
            same_sentence = before is not None and before.last == unit.first
            if before is not None and before.speaker is not None and (same_sentence or unit.first - before.last <= 1 and starts_sentence):
                unit.speaker, unit.cue, unit.rule = before.speaker, before.cue, "quote-previous-speaker"
            elif (
                after is not None
                and after.speaker is not None
                and after.first - unit.last <= 1
                and self.sentences[after.first].paragraph == self.sentences[unit.last].paragraph
                and after.frame is not None
            ):
                unit.speaker, unit.cue, unit.rule = after.speaker, after.cue, "quote-next-speaker"
            elif starts_sentence and unit.first > 0 and (unit.first - 1) not in self.excluded:
                subject = self._subject_mention(unit.first - 1)
                if subject is not None and subject.kind == "person" and not self._is_quote_sentence(unit.first - 1):
                    unit.speaker, unit.cue, unit.rule = subject.cluster, subject, "quote-previous-subject"

    def _is_quote_sentence(self, i: int) -> bool:
        spans = self.quote_spans[i]
        return bool(spans) and sum(b - a for a, b in spans) > len(self.sentences[i].text) / 2

    def _quote_records(self, units: list[_Unit]) -> list[list[Quote]]:
        rows: list[list[Quote]] = [[] for _ in self.sentences]
        for unit in units:
            speaker = cue = None
            where = (None, None, None)
            if unit.speaker is not None:
                rep = unit.speaker.representative()
                speaker, where = rep.text, (rep.sentence, rep.start, rep.end)
                cue = unit.cue.text if unit.cue is not None else None
            elif unit.phrase is not None:
                speaker, cue = unit.phrase, unit.phrase
                where = unit.phrase_span
            for i, a, b in unit.pieces:
                text = self.sentences[i].text
                rows[i].append(Quote(i, a, b, text[a:b], speaker, *where, cue, unit.rule if speaker else "quote-unattributed"))
        return rows

    # --- mentions --------------------------------------------------------------------------------

    def _person_cues(self) -> None:
        """Collect the names the story shows to be people's ("X, who", "X was born", "X's wife")."""
        cues = self.rules.of("person-cue")
        for s in self.sentences:
            if s.index in self.excluded:
                continue
            for start, end, label, text in self.entities[s.index]:
                # An organisation's name can be a person's surname too ("X was born").
                if label in ("PERSON", "PROPER", "ORG") and any(rule.regex.match(s.text[end:]) for rule in cues):
                    self.person_names.update((text, POSSESSIVE.sub("", text.split()[-1])))

    def _in_quote(self, i: int, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quote_spans[i])

    def _build_mentions(self, i: int, skip_to: int) -> None:
        s = self.sentences[i]
        found: list[_Mention] = []
        spans = []
        for start, end, label, text in self.entities[i]:
            if start < skip_to:
                continue
            mention = self._entity_mention(i, start, end, label, text)
            if mention is not None:
                found.append(mention)
            spans.append((start, end))
        found.extend(self._descriptions(i, skip_to, spans))
        for mention in found:
            mention.in_quote = self._in_quote(i, mention.start, mention.end)
            mention.cluster = _Cluster(members=[mention], gender=mention.gender, evidence=mention.evidence)
            if mention.head:
                mention.cluster.heads.add(mention.head.lower())
        found.sort(key=lambda m: (m.start, -m.end))
        for mention in found:
            following = NEXT_WORD.match(s.text, mention.end)
            if mention.named and following and lexicon_tag(following.group(1)) == "NN":
                mention.compound = True  # "a TV show": the name modifies a noun
        self.mentions[i] = found
        self._title_evidence(i, s.text)

    def _entity_mention(self, i: int, start: int, end: int, label: str, text: str) -> _Mention | None:
        number, kind = "singular", None
        if label == "PERSON":
            kind = "person"
        elif label == "ORG":
            kind = "org"
        elif label == "GROUP":
            kind, number = "group", "plural"
        elif label in ("COUNTRY", "CITY", "REGION"):
            kind = "place"
        elif label == "PROPER":
            kind = "thing"
        elif label == "NORP" and text.endswith("s") and not text.endswith("ss"):
            kind, number = "group", "plural"  # "the Afghans"
        if kind is None or text.lower() in self.rules.pronouns or text in self.rules.pronouns:
            return None  # "It" capitalised after a quotation mark is no name
        if label in ("PERSON", "PROPER"):
            # "Development Minister Jane Doe" typed as one run: the person starts at the first name.
            words = list(WORD.finditer(text))
            for k in range(1, len(words) - 1):
                name = words[k].group()
                rest = words[k + 1 :]
                if self.rules.first_names.get(name) in ("male", "female") and len(rest) <= 2 and all(w.group()[0].isupper() for w in rest):
                    start, text, kind, label = start + words[k].start(), text[words[k].start() :], "person", "PERSON"
                    break
        mention = _Mention(i, start, end, text, label, kind, number, named=True, evidence=label in ("ORG", "COUNTRY", "CITY", "REGION", "GROUP"))
        if kind in ("person", "thing", "org") and (text in self.person_names or POSSESSIVE.sub("", text.split()[-1]) in self.person_names):
            kind, label = "person", "PERSON"
            mention.kind, mention.label, mention.evidence = kind, label, True
        first = text.split()[0] if text.split() else ""
        gender = self.rules.first_names.get(first)
        if kind == "person" and gender in ("male", "female") and len(text.split()) > 1:
            mention.gender, mention.evidence = gender, True
        elif kind == "thing" and gender in ("male", "female") and len(text.split()) == 1:
            mention.kind, mention.label, mention.gender, mention.evidence = "person", "PERSON", gender, True  # "Ken" alone
        return mention

    def _title_evidence(self, i: int, text: str) -> None:
        """Read the honorific or role written before each name ("Mr", "striker") as evidence of a person."""
        for mention in self.mentions[i]:
            if not mention.named or mention.kind not in ("person", "thing"):
                continue
            before = text[max(0, mention.start - 40) : mention.start]
            honorific = HONORIFIC_BEFORE.search(before, max(0, len(before) - 20))
            if honorific:
                gender = self.rules.gender_words.get(honorific.group(1).lower())
                if gender in ("male", "female"):
                    self._make_person(mention, gender)
                    continue
            last = LETTERS.findall(before.lower())[-1:]
            for rule in self.rules.of("title-before"):
                screen = self.rules.screens.get(rule.name)
                if screen is not None and not (last and last[0] in screen):
                    continue  # the word before the name ends no title
                match = rule.regex.search(before)
                if match:
                    head = match.group("desc").split()[-1].lower()
                    self._make_person(mention, self.rules.gender_words.get(head))
                    mention.cluster.heads.add(head)
                    self._mark_modifiers(i, mention, mention.start - len(before) + match.start("desc"))
                    break

    def _make_person(self, mention: _Mention, gender: str | None) -> None:
        mention.kind, mention.evidence = "person", True
        mention.cluster.evidence = True
        if gender in ("male", "female"):
            mention.gender = mention.gender or gender
            mention.cluster.gender = mention.cluster.gender or gender

    def _mark_modifiers(self, i: int, person: _Mention, start: int) -> None:
        """Mark the names inside a person's noun phrase ("Acme" in "Acme chief executive Jane Doe") as modifiers."""
        text = self.sentences[i].text
        for _ in range(MODIFIER_WORDS):
            word = PREVIOUS_WORD.search(text, max(0, start - 40), start)
            if not word or not (word.group(1)[0].isupper() or word.group(1).lower() in NP_MODIFIERS):
                break
            start = word.start(1)
        for other in self.mentions[i]:
            if other is not person and start <= other.start and other.end <= person.start:
                other.modifier = True

    def _descriptions(self, i: int, skip_to: int, entity_spans) -> list[_Mention]:
        text = self.sentences[i].text
        tokens = set(LETTERS.findall(text.lower()))
        best: dict[int, tuple[re.Match, Rule]] = {}
        for rule in self.rules.of("description"):
            screen = self.rules.screens.get(rule.name)
            if screen is not None and screen.isdisjoint(tokens):
                continue  # none of the rule's head nouns is in the sentence
            for match in rule.regex.finditer(text, skip_to):
                start = match.start()
                if start in best and best[start][0].end() >= match.end():
                    continue
                best[start] = (match, rule)
        found = []
        taken: list[tuple[int, int]] = []
        for start in sorted(best, key=lambda k: (-(best[k][0].end() - k), k)):
            match, rule = best[start]
            head_start, head_end = match.span("head")
            if any(a <= head_start < b for a, b in entity_spans):
                continue  # "the Royal Bank": the head is part of a name
            if any(a < match.end() and start < b for a, b in taken):
                continue
            following = text[head_end:]
            nxt = NEXT_WORD.match(following)
            if nxt and not match.group("head")[0].isdigit():
                tag = lexicon_tag(nxt.group(1))
                if tag is not None and tag.startswith("NN"):
                    continue  # "the club chairman": the head modifies the next noun
            taken.append((start, match.end()))
            det = match.group("det")
            modifiers = text[match.end("det") : head_start]
            named_modifier = any(w[0].isupper() for w in modifiers.split()) or det.lower() not in PLAIN_DETERMINERS
            linkable = (
                bool(rule.get("link"))
                and det.lower() in DEFINITE
                and not COPULA_BEFORE.search(text, max(0, start - 20), start)  # "X was the top team": a predicate
                and not TITLE_AFTER.match(following)  # "the Foreign Secretary Jane Doe": a title, not a reference
                and not COMPLEMENT_AFTER.match(following)
                and not any(r.regex.search(modifiers) for r in self.rules.of("new-referent"))
                and not any(lexicon_tag(word) == "JJS" for word in modifiers.split())  # "the largest bank": a new one
                and (rule.get("with_names") or not named_modifier)
            )
            refers = frozenset(rule.get("refers"))
            kind = "person" if "PERSON" in refers else "group" if "GROUP" in refers else "place" if refers <= {"COUNTRY", "CITY", "REGION"} else "org"
            found.append(
                _Mention(
                    i, start, match.end(), match.group(), "DESCRIPTION", kind, rule.get("number"), named=False,
                    gender=rule.get("gender") or self.rules.gender_words.get(match.group("head").lower()) if kind == "person" else None,
                    head=match.group("head").lower(), refers=refers, rule=rule.name, linkable=linkable,
                    with_names=bool(rule.get("with_names")), evidence=True,
                )
            )
        return found

    def _subject(self, i: int, skip_to: int) -> None:
        """Find where the subject of a sentence starts: after a dateline and fronted phrases."""
        text = self.sentences[i].text
        position = skip_to
        for _ in range(3):
            rest = text[position:]
            lead = len(rest) - len(rest.lstrip(" \"\u201c'\u2018("))
            for rule in self.rules.of("intro"):
                match = rule.regex.match(rest[lead:])
                if match and not any(e[0] <= position + lead < e[1] for e in self.entities[i]):
                    position += lead + match.end()
                    break
            else:
                break
        self.subject_start[i] = position

    def _subject_mention(self, i: int) -> _Mention | None:
        """Return the mention a sentence is about: the first one where its subject starts (cached until it changes)."""
        if i in self.subjects:
            return self.subjects[i]
        found = self.subjects[i] = self._find_subject(i)
        return found

    def _find_subject(self, i: int) -> _Mention | None:
        for a, b in self.speaker_spans[i]:
            speaker = self._mention_in(i, a, b)
            if speaker is not None:
                return speaker  # '"...," Jane Doe said.': the speaker is what the sentence is about
        start = self.subject_start[i]
        text = self.sentences[i].text
        limit = start
        for _ in range(SUBJECT_SLACK + 1):
            word = WORD.search(text, limit)
            if not word:
                break
            limit = word.end()
        for mention in self.mentions[i]:
            if mention.in_quote or mention.modifier or mention.compound or mention.start < start:
                continue
            if mention.start <= limit:
                return mention
            # A title before the name puts the name past the first words ("Former party leader Jane Doe").
            if mention.named and mention.kind == "person" and mention.evidence and "," not in text[start : mention.start]:
                return mention
            return None
        return None

    def _salience(self, i: int) -> list[_Mention]:
        """Order a sentence's mentions as a later pronoun weighs them: speaker, subject, others, then quoted ones."""
        speakers = [m for m in self.mentions[i] if any(a <= m.start and m.end <= b for a, b in self.speaker_spans[i])]
        subject = self._subject_mention(i)
        order = speakers + ([subject] if subject is not None and subject not in speakers else [])
        order += [m for m in self.mentions[i] if not m.in_quote and not m.modifier and not m.compound and m not in order]
        order += [m for m in self.mentions[i] if m.modifier and not m.compound and m not in order]
        order += [m for m in self.mentions[i] if m.in_quote and not m.compound and m not in order]
        return order[:SALIENT_PER_SENTENCE]

    def _mention_in(self, i: int, start: int, end: int) -> _Mention | None:
        """Return the mention that names a speaker phrase: a person before anything else, nearest the verb."""
        inside = [m for m in self.mentions[i] if start <= m.start and m.end <= end and not m.modifier]
        for kinds in (("person",), ("org", "group"), ("thing", "place")):
            chosen = [m for m in inside if m.kind in kinds]
            if chosen:
                if kinds == ("person",):
                    named = [m for m in chosen if m.named or m.label == "PRONOUN"]
                    return (named or chosen)[-1]
                return chosen[-1]
        return None

    # --- sieve 1: names --------------------------------------------------------------------------

    def _earlier_clusters(self, i: int, before: int | None = None, window: int | None = None):
        """Yield the clusters of the mentions before a point, nearest sentence first, each once."""
        seen = set()
        low = 0 if window is None else max(0, i - window)
        for j in range(i, low - 1, -1):
            for mention in self.mentions[j]:
                if j == i and (before is None or mention.end > before):
                    continue
                cluster = mention.cluster
                if id(cluster) not in seen:
                    seen.add(id(cluster))
                    yield mention, cluster

    def _sieve_names(self, i: int) -> None:
        """Join a name to the latest earlier name it repeats: the same, a surname, an acronym, a short form."""
        for mention in [m for m in self.mentions[i] if m.named]:
            earlier = [other for key in _name_keys(mention.text, lookup=True) for other in reversed(self.names.get(key, ()))]
            for other in earlier:
                if other.cluster is mention.cluster:
                    continue
                rule = _alias_rule(mention, other, self.rules.of("short-form"))
                if rule is None or not _genders_agree(mention.cluster.gender, other.cluster.gender):
                    continue
                if rule == "name-surname" and not (other.cluster.evidence or mention.cluster.evidence):
                    continue  # a name matching the end of a guessed person proves nothing
                if rule == "name-surname" and other.sentence == mention.sentence:
                    continue  # "named after Jane Doe, Doe University is ...": the full name would not be repeated so soon
                rep = other.cluster.representative()
                if rule == "name-surname" and mention.kind == "thing":
                    self._make_person(mention, None)
                if mention.kind == "person" and other.kind == "org":
                    mention.kind, mention.label = "org", "ORG"  # typed as an organisation earlier in the story
                _merge(other.cluster, mention.cluster)
                if len(rep.text.split()) > len(mention.text.split()) or rule == "name-acronym":
                    self._link(mention, rep, rule, "name-alias")
                break
            for key in _name_keys(mention.text, lookup=False):
                filed = self.names.setdefault(key, [])
                filed.append(mention)
                del filed[:-NAMES_PER_KEY]

    # --- sieve 2: appositives and predicate nominatives --------------------------------------

    def _sieve_appositives(self, i: int) -> None:
        """Join a name and what the sentence says it is: "X, the bank,", "the bank, X,", "X is the bank"."""
        text = self.sentences[i].text
        descriptions = [m for m in self.mentions[i] if m.label == "DESCRIPTION"]
        for mention in [m for m in self.mentions[i] if m.named]:
            for kind in ("appositive-after", "predicate", "appositive-before"):
                # "Jane Doe of Acme, the firm's chief, ...": the apposition after "Acme" is Jane Doe's.
                target = self._of_owner(i, mention) if kind == "appositive-after" else mention
                for rule in self.rules.of(kind):
                    if kind == "appositive-before":
                        if not APPOSITION_CLOSES.match(text, mention.end) and rule.name != "called-name":
                            continue  # "..., Jane Doe said": a new clause, not an apposition
                        # A description holds no clause punctuation: look only after the last one before its comma.
                        low = max(0, mention.start - FRAME_WINDOW)
                        head = text[low : mention.start].rstrip(", ")
                        window = text[low + max(head.rfind(mark) for mark in CLAUSE_MARKS) + 1 : mention.start]
                        match = rule.regex.search(window)
                        offset = mention.start - len(window)
                    else:
                        match = rule.regex.match(text, mention.end)
                        offset = 0
                    if not match:
                        continue
                    start, end = offset + match.start("desc"), offset + match.end("desc")
                    desc = text[start:end]
                    last = desc.split()[-1] if desc.split() else ""
                    if self.rules.speech_regex.search(desc) or (lexicon_tag(last) or "") in ("VBD", "VBZ", "VBP"):
                        continue  # "..., the ministry said": a clause, not an apposition
                    description = next((d for d in descriptions if d.start == start and d.end <= end), None)
                    if description is not None and not _kinds_agree(description, target):
                        continue
                    if kind == "predicate" and description is not None and description.kind == "person" and target.kind != "person":
                        continue  # "enter the House as a working peer": the person is the subject, not the House
                    if description is not None and description.head:
                        target.cluster.heads.add(description.head)  # a head the description rules know
                    if description is not None and description.cluster is not target.cluster:
                        if description.kind == "person":
                            self._make_person(target, description.gender)
                        elif target.kind == "person":
                            target.kind, target.label = description.kind, "ORG"  # a guessed person that is a bank
                        _merge(target.cluster, description.cluster)
                        sieve = "predicate" if kind == "predicate" else "appositive"
                        self._link(description, target.cluster.representative(), rule.name, sieve)
                    break

    def _of_owner(self, i: int, mention: _Mention) -> _Mention | None:
        """Return the name that a name after "of" belongs to ("Jane Doe of Acme"), or the name itself."""
        before = self.sentences[i].text[: mention.start]
        if not before.endswith(" of "):
            return mention
        owner = next((m for m in self.mentions[i] if m.named and m.end == len(before) - 4), None)
        if owner is None:
            return mention
        return self._of_owner(i, owner)

    # --- sieve 3: descriptions ------------------------------------------------------------------

    def _sieve_descriptions(self, i: int) -> None:
        for mention in self.mentions[i]:
            if mention.label != "DESCRIPTION" or not mention.linkable or len(mention.cluster.members) > 1:
                continue
            target, sieve = None, ""
            if mention.text.split()[0].lower() in ("this", "that"):
                # "pitched it to Acme TV; after that network refused": a demonstrative takes the nearest name of its type.
                target, sieve = self._nearest_of_type(i, mention), "description-demonstrative"
            # Head match: an earlier mention said to be this noun ("Acme, the bank, ..." ... "the bank").
            for other, cluster in [] if target else self._earlier_clusters(i, before=mention.start, window=HEAD_MATCH_WINDOW):
                if cluster is mention.cluster or mention.head not in cluster.heads:
                    continue
                first = cluster.representative()
                if not first.named and (first.text.split()[0].lower() not in ("a", "an", "one") or not self._may_antecede(first) or first.in_quote):
                    continue  # "the government" after "the Sri Lankan government": the same noun, maybe not the same thing
                if other.sentence == i and other.in_quote != mention.in_quote:
                    continue
                if _genders_agree(mention.gender, cluster.gender):
                    target, sieve = cluster, "description-head"
                    break
            if target is None:
                target, sieve = self._typed_antecedent(i, mention), "description-type"
            if target is None:
                continue
            _merge(target, mention.cluster)
            self._link(mention, target.representative(), "head-match" if sieve == "description-head" else mention.rule, sieve)

    def _nearest_of_type(self, i: int, mention: _Mention) -> _Cluster | None:
        """Return the nearest earlier name whose label the description can stand for, this sentence or the one before."""
        own = [m for m in self.mentions[i] if m.end <= mention.start and m.named and m.in_quote == mention.in_quote]
        before = [m for m in self.mentions[i - 1] if m.named] if i and (i - 1) not in self.excluded else []
        for other in list(reversed(own)) + list(reversed(before)):
            if other.label in mention.refers and other.label != "PROPER" and not other.compound:
                return other.cluster
        return None

    def _typed_antecedent(self, i: int, mention: _Mention) -> _Cluster | None:
        """Return what a description stands for by its type: the subject of a recent sentence of that type.

        A company named earlier in the description's own sentence counts too ("X said ... the firm's
        sales"); a place there does not ("talks with Peru, but the government said": another government).
        """
        subjects = {id(self._subject_mention(j)) for j in range(max(0, i - DESCRIPTION_WINDOW), i + 1)}
        own = [
            m for m in self.mentions[i]
            if m.end <= mention.start and m.label == "ORG" and not m.compound and m.in_quote == mention.in_quote
            and sum(other.named for other in m.cluster.members) > 1  # named before: what the story is about
        ]
        candidates = list(self._candidates(i, mention.start, DESCRIPTION_WINDOW, not mention.in_quote, own_subject_only=True, subjects_first=True))
        for other in candidates[:1] + own + candidates[1:]:
            cluster = other.cluster
            rep = cluster.representative()
            if cluster is mention.cluster or not rep.named or other.label == "PRONOUN" or not _genders_agree(mention.gender, cluster.gender):
                continue
            if other.sentence == i and not self._may_bind(i, other, mention.start, SUBJECT_FORM):
                continue  # "Acme serves as the university's gym": a name and a description of one clause differ
            if id(other) not in subjects and other not in own:
                continue  # "the company" stands for what a sentence was about, not a name in passing
            if mention.kind == "person":
                # "the 58-year-old", "the former chief" point back; "the king", "the minister" may be anyone.
                pointing = any(r.regex.search(mention.text) for r in self.rules.of("pointing-back"))
                if pointing and rep.kind == "person" and cluster.evidence:
                    return cluster
                continue
            if rep.label in mention.refers and rep.label != "PROPER":
                return cluster
        return None

    # --- sieve 4: pronouns ----------------------------------------------------------------------

    def _candidates(self, i: int, before: int, window: int, exclude_quotes: bool, own_subject_only: bool = False, subjects_first: bool = False):
        """Yield the mentions a referring expression at (i, before) may take, in Hobbs-like order."""
        own = [m for m in self.mentions[i] if m.end <= before and not m.compound and (not exclude_quotes or not m.in_quote)]
        subject = self._subject_mention(i)
        local = self._clause_subject(i, before, own)
        if local is not None and local is not subject:
            yield local  # "X stays on while Y keeps his role": the subject of the pronoun's own clause first
        if subject is not None and subject in own:
            yield subject
        for mention in [] if own_subject_only else own:
            if mention is not subject:
                yield mention
        earlier = []
        for j in range(i - 1, max(-1, i - window - 1), -1):
            if j in self.excluded:
                break
            earlier.append(j)
        if subjects_first:
            subjects = [self._subject_mention(j) for j in earlier]
            yield from (m for m in subjects if m is not None)
            for j in earlier:
                yield from (m for m in self.salient[j] if m not in subjects)
            return
        for j in earlier:
            yield from self.salient[j]

    def _sieve_pronouns(self, i: int, in_quotes: bool, units: list[_Unit] | None = None) -> None:
        text = self.sentences[i].text
        entity_spans = [(e[0], e[1]) for e in self.entities[i]]
        resolved = []
        if i not in self.pronoun_matches:
            found = []
            for match in self.rules.pronoun_regex.finditer(text):
                found.append(match)
                if len(found) >= MAX_PRONOUNS_PER_SENTENCE:
                    break
            self.pronoun_matches[i] = found
        for match in self.pronoun_matches[i]:
            start, end = match.span()
            if start < self.skip_to[i]:
                continue  # inside the dateline
            if any(a <= start < b for a, b in entity_spans):
                continue
            quoted = self._in_quote(i, start, end)
            if quoted != in_quotes:
                continue
            form = self.rules.pronouns.get(match.group()) or self.rules.pronouns.get(match.group().lower())
            if form is None or form.person == "2":
                continue
            if form.case == "object":
                following = NEXT_WORD.match(text, end)
                if following and (lexicon_tag(following.group(1)) or "")[:2] in ("NN", "JJ"):
                    form = replace(form, case="possessive")  # "her sister": "her" as a determiner
            if in_quotes:
                target, rule = self._quoted_pronoun(i, start, form, units or [])
            else:
                if form.person in FIRST_PERSON:
                    continue
                target, rule = self._pronoun_antecedent(i, start, end, form)
            if target is None:
                continue
            pronoun = _Mention(
                i, start, end, match.group(), "PRONOUN", target.representative().kind if target.members else "person",
                "plural" if form.number == "plural" else "singular", named=False, gender=target.gender,
                evidence=True, in_quote=quoted,
            )
            pronoun.cluster = target
            target.add(pronoun)
            if form.gender in ("male", "female") and target.representative().kind == "person":
                target.gender, target.evidence = target.gender or form.gender, True  # "he" says the name is a man's
            resolved.append(pronoun)
            self._link(pronoun, target.representative(), rule, "pronoun-in-quote" if in_quotes else "pronoun")
            # At once: "Before X died, he named Y as his heir": "he" is the subject "his" looks for.
            self.mentions[i] = sorted(self.mentions[i] + [pronoun], key=lambda m: (m.start, -m.end))
            self.subjects.pop(i, None)
        if resolved and not in_quotes:
            self.salient[i] = self._salience(i)

    def _pronoun_antecedent(self, i: int, start: int, end: int, form: PronounForm) -> tuple[_Cluster | None, str]:
        text = self.sentences[i].text
        word = form.word.lower()
        if word == "it":
            if any(rule.regex.match(text, start) for rule in self.rules.of("pleonastic")):
                return None, ""
            if start == self.subject_start[i] or not text[self.subject_start[i] : start].strip(" \"\u201c'\u2018("):
                # A sentence-initial "It" is the organisation the sentence before was about.
                subject = self._subject_mention(i - 1) if i and (i - 1) not in self.excluded else None
                if subject is not None and subject.kind == "org" and subject.label != "PRONOUN" and _agrees(form, subject):
                    return subject.cluster, "pronoun-it-previous-subject"
                return None, ""
            before = text[max(0, start - 40) : start]
            if not any(rule.regex.search(before) for rule in self.rules.of("it-context")):
                return None, ""
            subject = self._subject_mention(i)  # "The bank said it would ..."
            if subject is not None and subject.end <= start and _agrees(form, subject) and self._strong(subject, form):
                return subject.cluster, "pronoun-it-own-subject"
            return None, ""
        # Cataphora: a pronoun in a fronted phrase refers to the subject after it ("In his new job, Jane Doe ...",
        # "..., and when he arrived, Jane Doe said").
        if form.case in ("possessive", "subject"):
            subject = self._subject_mention(i) if start < self.subject_start[i] else self._subject_after_clause(i, start)
            if subject is not None and subject.start >= end and _agrees(form, subject) and self._strong(subject, form):
                return subject.cluster, "pronoun-cataphora"
        own_subject = self._subject_mention(i)
        own = [m for m in self.mentions[i] if m.end <= start and not m.compound and not m.in_quote]
        subjects = {id(own_subject), id(self._clause_subject(i, start, own))} | ({id(self._subject_mention(i - 1))} if i else set())
        window_subjects = {id(self._subject_mention(j)) for j in range(max(0, i - PRONOUN_WINDOW), i)}
        # "The program ... its run": a sentence about an unnamed thing keeps "its" to itself.
        unnamed_subject = own_subject is None and UNNAMED_SUBJECT.match(text, self.subject_start[i]) is not None
        for candidate in self._candidates(i, start, PRONOUN_WINDOW, exclude_quotes=True):
            if candidate is own_subject and form.gender in ("male", "female") and candidate.label == "PROPER" and candidate.kind == "thing" and len(candidate.text.split()) == 1:
                if candidate.end <= start and not candidate.in_quote:
                    return candidate.cluster, f"pronoun-{_feature_name(form)}-subject"  # "Jochi said he": a one-word name
            if not _agrees(form, candidate) or not self._may_antecede(candidate):
                continue
            if candidate.sentence == i and RELATIVE_BETWEEN.fullmatch(text, candidate.end, start):
                continue  # "Jane Doe, whom he met": the relative pronoun is Jane Doe, the pronoun someone else
            if form.gender == "neuter" and candidate.sentence < i and unnamed_subject:
                continue
            if form.gender in ("male", "female") and not (candidate.cluster.gender or candidate.gender) and id(candidate) not in subjects | window_subjects:
                continue  # a name of unknown sex off the subject is too weak a guess for "he" or "she"
            if candidate.kind == "place" and id(candidate) not in subjects:
                continue  # "its" takes a country only when the country is what the sentence is about
            if form.gender == "neuter" and candidate.sentence < i and id(candidate) not in window_subjects:
                continue  # "Its shares fell": what the sentence before was about, not a name in passing
            if form.number == "plural" and (candidate.sentence < i - 1 or id(candidate) not in subjects):
                continue  # "they" takes only a subject, its own or the one before: plural noun phrases are mostly unnamed
            if candidate.sentence == i and not self._may_bind(i, candidate, start, form):
                continue
            if form.case == "reflexive" and candidate.sentence != i:
                continue
            if self._strong(candidate, form) or candidate.label == "PERSON" and id(candidate) in subjects:
                return candidate.cluster, f"pronoun-{_feature_name(form)}"
        return None, ""  # a guess (a two-word run typed as a person) is no antecedent

    def _clause_subject(self, i: int, point: int, own: list[_Mention]) -> _Mention | None:
        """Return the first name of the clause holding a point, when that clause opens after the sentence's start."""
        text = self.sentences[i].text
        opening = max((m.end() for m in CLAUSE_OPENING.finditer(text, self.subject_start[i], point)), default=-1)
        if opening < 0:
            return None
        return next((m for m in own if m.start >= opening and not m.modifier), None)

    def _subject_after_clause(self, i: int, start: int) -> _Mention | None:
        """Return the name that opens the main clause after a subordinate clause holding a point ("when he ..., X")."""
        text = self.sentences[i].text
        opening = max(text.rfind(",", 0, start), text.rfind(";", 0, start))
        if not SUBORDINATE.match(text, opening + 1):
            return None
        closing = text.find(",", start)
        if closing < 0:
            return None
        limit = closing
        for _ in range(SUBJECT_SLACK + 1):
            word = WORD.search(text, limit + 1)
            if not word:
                break
            limit = word.end()
        return next((m for m in self.mentions[i] if closing < m.start <= limit and m.named and not m.in_quote and not m.modifier), None)

    def _may_antecede(self, mention: _Mention) -> bool:
        """Tell whether a mention may be a pronoun's antecedent: a name, or an unnamed thing the sentence is about."""
        i = mention.sentence
        if mention.label == "PRONOUN":
            # A resolved pronoun carries its name on only as what its sentence is about ("He ... He ...").
            return mention is self._subject_mention(i)
        if mention.cluster.representative().named:
            return True
        return mention is self._subject_mention(i) or any(a <= mention.start and mention.end <= b for a, b in self.speaker_spans[i])

    def _strong(self, mention: _Mention, form: PronounForm) -> bool:
        """Tell whether a mention is surely what a pronoun needs, not a guess (a two-word run typed as a person)."""
        cluster = mention.cluster
        if form.gender in ("male", "female"):
            if mention.label == "PERSON" and mention is self._subject_mention(mention.sentence):
                return True  # the subject of its sentence: the first place a pronoun looks
            return cluster.evidence or cluster.gender == form.gender
        return cluster.evidence or mention.label in ("ORG", "GROUP", "DESCRIPTION")

    def _may_bind(self, i: int, candidate: _Mention, start: int, form: PronounForm) -> bool:
        """Tell whether a pronoun may take a mention of its own sentence ("Jane said she ..." yes, "Jane saw her" no)."""
        if form.case in ("possessive", "reflexive"):
            return True
        between = self.sentences[i].text[candidate.end : start]
        if self.rules.speech_regex.search(between) or SUBORDINATOR.search(between):
            return True  # "Jane said she ...", "Jane left after he ..."
        # A new subject after a comma or "and" starts a clause of its own ("Jane won, and he lost");
        # an object there still shares the subject ("Jane met Kim, thanking him": not Jane).
        return form.case == "subject" and bool(NEW_CLAUSE.search(between))

    def _quoted_pronoun(self, i: int, start: int, form: PronounForm, units: list[_Unit]) -> tuple[_Cluster | None, str]:
        unit = next((u for u in units if any(p[0] == i and p[1] <= start < p[2] for p in u.pieces)), None)
        if unit is None:
            return None, ""
        speaker = unit.speaker
        if form.person == "1":
            if speaker is None:
                return None, ""
            if form.number == "plural":
                return speaker, "quote-first-person-plural"
            return speaker, "quote-first-person"
        if form.gender not in ("male", "female"):
            return None, ""  # "it" and "they" inside a quote too often point inside the quote
        for candidate in self._candidates(i, start, PRONOUN_WINDOW, exclude_quotes=False):
            if candidate.cluster is speaker or not _agrees(form, candidate) or not self._may_antecede(candidate):
                continue
            if candidate.sentence == i and not self._may_bind(i, candidate, start, form):
                continue
            if self._strong(candidate, form):
                return candidate.cluster, f"pronoun-{_feature_name(form)}-in-quote"
        return None, ""

    # --- records ---------------------------------------------------------------------------------

    def _link(self, mention: _Mention, antecedent: _Mention, rule: str, sieve: str) -> None:
        if antecedent is mention or antecedent.label == "PRONOUN":
            return
        self.links[mention.sentence].append(
            Link(
                sentence=mention.sentence,
                start=mention.start,
                end=mention.end,
                text=mention.text,
                antecedent=antecedent.text,
                antecedent_sentence=antecedent.sentence,
                antecedent_start=antecedent.start,
                antecedent_end=antecedent.end,
                label=antecedent.label if antecedent.label not in ("DESCRIPTION", "PRONOUN") else antecedent.kind.upper(),
                rule=rule,
                sieve=sieve,
            )
        )


# --- helpers -----------------------------------------------------------------------------------


def _as_sentence(index: int, sentence) -> _Sentence:
    if hasattr(sentence, "text"):
        return _Sentence(index, sentence.start, sentence.end, sentence.paragraph, sentence.text)
    start, end, paragraph, text = sentence
    return _Sentence(index, start, end, paragraph, text)


def _as_entity(entity, sentence: str):
    if hasattr(entity, "label"):
        start, end, label, text = entity.start, entity.end, entity.label, entity.text
    else:
        start, end, label, text = entity
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(sentence):
        return None
    return (start, end, label, sentence[start:end] if text is None else text)


def _quote_role(text: str, at: int, is_open: bool) -> str:
    """Tell whether a quotation mark opens or closes a quote: curly marks say so, a straight one by its neighbours."""
    char = text[at]
    if char == OPEN_QUOTES:
        return "open"
    if char == CLOSE_QUOTES:
        return "close"
    left = text[at - 1] if at else ""
    right = text[at + 1] if at + 1 < len(text) else ""
    opener = (not left or left.isspace() or left in "([{\u2014\u2013-") and bool(right) and not right.isspace()
    closer = bool(left) and not left.isspace() and (not right or right.isspace() or right in ".,;:!?)]}\u2014\u2013-")
    if opener != closer:
        return "open" if opener else "close"
    return "close" if is_open else "open"


def _trim(value: str | None) -> str | None:
    """Drop the full stop that ends a sentence from a name at its end ("Kabul." but "Calif.")."""
    return re.sub(r"(?<=[a-z]{3})\.$", "", value) if value else value


def _split_names(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(p.strip() for p in re.split(r",\s|,?\sand\s|\s&\s", value) if p.strip())


def _feature_name(form: PronounForm) -> str:
    if form.gender in ("male", "female"):
        return form.gender
    return "plural" if form.number == "plural" else "neuter"


def _genders_agree(a: str | None, b: str | None) -> bool:
    return a not in ("male", "female") or b not in ("male", "female") or a == b


def _kinds_agree(description: _Mention, name: _Mention) -> bool:
    """Tell whether an apposition may describe a name: a guessed person may yet be an organisation."""
    if description.kind == "person":
        return name.kind in ("person", "thing")
    if name.label in description.refers:
        return True
    if description.kind == "place":
        return name.kind == "place"
    guessed = name.kind == "person" and not name.cluster.evidence
    if description.kind == "group":
        return name.kind in ("group", "org") or guessed
    return name.kind in ("org", "thing") or guessed


def _agrees(form: PronounForm, mention: _Mention) -> bool:
    """Tell whether a pronoun agrees with a mention in number, gender and animacy."""
    kind = mention.kind
    gender = mention.cluster.gender or mention.gender
    if form.number == "plural":
        return mention.number == "plural" or kind == "group"
    if mention.number == "plural":
        return False
    if form.gender in ("male", "female"):
        return kind == "person" and _genders_agree(form.gender, gender)
    if form.gender == "neuter":
        if form.case == "possessive":
            return kind in ("org", "thing", "place")
        return kind in ("org", "thing")
    return True


def _name_keys(name: str, lookup: bool) -> list[str]:
    """Return the keys a name is filed under (lookup=False) or looked up by (lookup=True)."""
    words = name.split()
    if not words:
        return []
    keys = ["=" + name]
    if lookup:
        if len(words) == 1:
            keys += ["surname=" + POSSESSIVE.sub("", name), "initials=" + name]
        else:
            keys += ["surname=" + POSSESSIVE.sub("", words[-1])]
        return keys + ["first=" + name]
    if len(words) > 1:
        keys += ["surname=" + POSSESSIVE.sub("", words[-1]), "initials=" + "".join(w[0] for w in words if w[0].isupper())]
        keys += ["first=" + " ".join(words[:n]) for n in range(1, len(words))]
    return keys


def _alias_rule(mention: _Mention, other: _Mention, short_forms=()) -> str | None:
    """Tell how a name repeats an earlier one: the same, a surname, an acronym, a short form."""
    a, b = mention.text, other.text
    if a == b:
        return "name-exact"
    words_a, words_b = a.split(), b.split()
    people = {"person", "thing"}
    if mention.kind in people and other.kind == "person":
        if len(words_a) == 1 and POSSESSIVE.sub("", words_b[-1]) == POSSESSIVE.sub("", a):
            return "name-surname"
        if len(words_a) > 1 and words_a[-1] == words_b[-1] and len(words_b) > 1 and words_a[0][0] == words_b[0][0]:
            return "name-surname"
    if mention.kind in ("org", "thing") and other.kind in ("org", "thing"):
        if a.isupper() and 2 <= len(a) <= 6 and len(words_b) > 1:
            initials = "".join(w[0] for w in words_b if w[0].isupper())
            if initials == a:
                return "name-acronym"
        if len(words_a) < len(words_b) and words_b[: len(words_a)] == words_a and len(words_a[0]) > 2:
            added = b[len(a) :] if b.startswith(a) else ""
            if any(rule.regex.match(added) for rule in short_forms):
                return "name-short-form"
    return None


def _standing(mention: _Mention) -> tuple:
    """Rank a mention as its cluster's representative: a name (the fullest, then the first) over a description
    (the first) over a pronoun ("they" stands for nothing a search can use)."""
    rank = 2 if mention.named else 0 if mention.label == "PRONOUN" else 1
    return (rank, len(mention.text.split()) if mention.named else 0, -mention.sentence, -mention.start)


def _merge(into: _Cluster, other: _Cluster) -> None:
    if into is other:
        return
    for mention in other.members:
        mention.cluster = into
    into.members.extend(other.members)
    into.best = max((into.representative(), other.representative()), key=_standing)
    into.heads |= other.heads
    into.gender = into.gender or other.gender
    into.evidence = into.evidence or other.evidence
