"""Shallow clause analysis of one sentence over textblob's chunker: who did what to whom, why.

Public API:
    load_grammar(files: RuleFiles) -> Grammar    read rules/clauses.toml, rules/frames.toml and word lists
    parse(sentence: str, grammar: Grammar) -> Parse
    lemma(word: str, grammar: Grammar, tag: str = "") -> str     a verb's base form ("bought" -> "buy")

Records (frozen; every span indexes the sentence, so sentence[start:end] == text):
    Phrase(start, end, text, head)                     a noun phrase or other argument; head lower-cased
    VerbGroup(start, end, text, lemma, voice, negated, tense, modal, form)
        voice: active | passive; tense: past | present | future | perfect;
        form: finite | infinitive | gerund | participle
    Adjunct(preposition, phrase, kind)                 kind: time | place | manner | other
    Marked(relation, marker, phrase, rule, confidence) a reason or purpose of a clause
    Clause(kind, lemmas, verb, subject, objects, agent, complement, adjuncts, reasons, purposes,
           start, end, rule)
        kind: main | relative | subordinate | infinitive | participle | nominal | role
        lemmas: the predicates it states (a verb's lemma; a nominalisation's or role noun's verbs)
        subject is the grammatical subject (the patient of a passive), agent the by-phrase.
    Apposition(head, description, rule)                "X, the former finance chief," / "Council member X"
    Parse(sentence, clauses, appositions, phrases)

The analysis is heuristic: it trusts the chunker's noun and verb groups, repairs a few
known tagging slips (a verb after a modal, a relative pronoun or "to"), and reads the
clause structure from the order of the groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType

import textblob.en

from qa.rulefiles import Rule, RuleError, RuleFiles
from qa.tagging import _loaded, lexicon_tag

CLAUSE_RULES = "clauses.toml"
FRAME_RULES = "frames.toml"
MARKER_FIELDS = ("relation", "takes", "confidence")
FRAME_FIELDS = ("slot", "gap", "confidence")
WORD_CLASSES = (
    "copulas", "passive_auxiliaries", "subordinators", "relatives", "infinitive_complements",
    "object_control", "of_verbs", "change_nouns", "time_prepositions", "place_prepositions", "manner_prepositions", "amount_nouns",
    "phrase_stops", "phrasal_verbs",
)
RELATIONS = frozenset({"reason", "purpose"})
TAKES = frozenset({"clause", "phrase", "gerund", "verb", "any"})
SLOTS = frozenset(
    {"agent", "patient", "recipient", "time", "place", "reason", "purpose", "amount", "description",
     "manner", "identity", "gap"}
)
GAPS = frozenset({"subject", "object", "adjunct", "none"})

TOKEN = re.compile(
    r"[A-Za-z]+(?=n['\u2019]t\b)|n['\u2019]t\b|['\u2019](?:s|re|ve|ll|d|m)\b|[£$€¥]"
    r"|(?:[A-Za-z]\.){2,}|\d+(?:[-.,:/]\d+)*[A-Za-z]*|\w+(?:-\w+|['\u2019](?!(?:s|re|ve|ll|d|m)\b)\w+|\.(?:com|net|org)\b)*|\S"
)
CURRENCY_SIGNS = frozenset("£$€¥")
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
NEGATIONS = frozenset({"not", "n't", "never"})
SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "they"})  # never objects: they open a clause
MODALS_FUTURE = frozenset({"will", "shall", "'ll", "wo"})
PARTICLES = frozenset({"up", "down", "out", "off", "over", "in", "on", "away", "back", "through"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my", "your"})
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "its", "his", "their", "this", "that", "these", "those", "who", "which"})
TIME_SHAPE = re.compile(r"(?<![\d.,£$€¥])(?:1[0-9]{3}|20[0-9]{2}|\d{1,2}(?:st|nd|rd|th))(?![\d.,%])\b")  # years, ordinals
POSTMODIFIERS = frozenset({"worth", "each", "apiece"})  # words that open a phrase saying more of the noun before
MAX_REASON_TOKENS = 40  # a reason or purpose runs to punctuation, but never further than this


@dataclass(frozen=True)
class Grammar:
    """The clause and frame rules and word classes, read once from a rules directory."""

    markers: tuple[Rule, ...]
    frames: tuple[Rule, ...]
    words: MappingProxyType  # class name -> frozenset of lower-cased words
    irregular: MappingProxyType  # inflected form -> base
    bases: frozenset  # verb bases known from the irregular list
    nominal: MappingProxyType  # noun -> (verbs, role of the "of" complement)
    role_nouns: MappingProxyType  # noun -> verbs
    role_verbs: MappingProxyType  # verb -> nouns
    converses: MappingProxyType  # verb -> ((converse, preposition, forward, cause), ...): "defeat" -> ("lose", "to", True, False)
    titles: frozenset  # title phrases, lower-case ("foreign secretary")
    honorifics: frozenset
    abbreviations: frozenset
    stopwords: frozenset
    time_words: frozenset


@dataclass(frozen=True)
class Phrase:
    """A stretch of the sentence that fills a role; head is its last content word, lower-cased."""

    start: int
    end: int
    text: str
    head: str


@dataclass(frozen=True)
class VerbGroup:
    """The verbs of a clause: head lemma, voice, negation, tense and modality."""

    start: int
    end: int
    text: str
    lemma: str
    voice: str
    negated: bool
    tense: str
    modal: str | None
    form: str


@dataclass(frozen=True)
class Adjunct:
    """A prepositional phrase attached to a clause."""

    preposition: str
    phrase: Phrase
    kind: str


@dataclass(frozen=True)
class Marked:
    """A reason or purpose of a clause, with the marker that introduced it."""

    relation: str
    marker: str
    phrase: Phrase
    rule: str
    confidence: float


@dataclass(frozen=True)
class Clause:
    """One predication of the sentence with its arguments."""

    kind: str
    lemmas: tuple[str, ...]
    verb: VerbGroup | None
    subject: Phrase | None
    objects: tuple[Phrase, ...]
    agent: Phrase | None
    complement: Phrase | None
    adjuncts: tuple[Adjunct, ...]
    reasons: tuple[Marked, ...]
    purposes: tuple[Marked, ...]
    start: int
    end: int
    rule: str

    @property
    def voice(self) -> str:
        """Return the voice of the clause's verb ('active' for nominal and role clauses)."""
        return self.verb.voice if self.verb else "active"

    @property
    def negated(self) -> bool:
        """Return whether the clause's verb is negated."""
        return bool(self.verb and self.verb.negated)


@dataclass(frozen=True)
class Apposition:
    """A description written beside a name."""

    head: Phrase
    description: Phrase
    rule: str


@dataclass(frozen=True)
class Parse:
    """The clauses, appositions and noun phrases of one sentence."""

    sentence: str
    clauses: tuple[Clause, ...]
    appositions: tuple[Apposition, ...]
    phrases: tuple[Phrase, ...]


# --- loading -------------------------------------------------------------------------------


def _validate(rules: tuple[Rule, ...], source: str, field_name: str, allowed: frozenset) -> None:
    for rule in rules:
        value = rule.get(field_name)
        if value not in allowed:
            raise RuleError(f"rules/{source}: rule '{rule.name}': '{field_name}' must be one of {sorted(allowed)}, not {value!r}")
        confidence = rule.get("confidence")
        if not isinstance(confidence, (int, float)) or not 0 < confidence <= 1:
            raise RuleError(f"rules/{source}: rule '{rule.name}': 'confidence' must be a number in (0, 1]")


def load_grammar(files: RuleFiles) -> Grammar:
    """Read and validate the clause markers, question frames and word lists of a rules directory."""
    markers = files.rules(CLAUSE_RULES, MARKER_FIELDS)
    _validate(markers, CLAUSE_RULES, "relation", RELATIONS)
    for rule in markers:
        if rule.get("takes") not in TAKES:
            raise RuleError(f"rules/{CLAUSE_RULES}: rule '{rule.name}': 'takes' must be one of {sorted(TAKES)}")
    frames = files.rules(FRAME_RULES, FRAME_FIELDS)
    _validate(frames, FRAME_RULES, "slot", SLOTS)
    for rule in frames:
        if rule.get("gap") not in GAPS:
            raise RuleError(f"rules/{FRAME_RULES}: rule '{rule.name}': 'gap' must be one of {sorted(GAPS)}")
    table = files.toml(CLAUSE_RULES).get("words", {})
    words = {}
    for name in WORD_CLASSES:
        value = table.get(name)
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise RuleError(f"rules/{CLAUSE_RULES}: [words] '{name}' must be a list of strings")
        words[name] = frozenset(w.lower() for w in value)
    irregular, bases = {}, set()
    for entry in files.lines("words/irregular_verbs.txt"):
        base = entry[0][0].lower()
        bases.add(base)
        for forms in entry[1:]:
            for form in forms:
                irregular.setdefault(form.lower(), base)
    for form, base in (("is", "be"), ("are", "be"), ("am", "be"), ("'s", "be"), ("'re", "be"), ("'m", "be"), ("being", "be"),
                       ("has", "have"), ("'ve", "have"), ("'d", "have"), ("does", "do"), ("wo", "will"), ("ca", "can")):
        irregular.setdefault(form, base)
    nominal = {}
    for entry in files.lines("words/nominalizations.txt"):
        if len(entry) != 3 or entry[2][0] not in ("agent", "patient"):
            raise RuleError(f"rules/words/nominalizations.txt: '{entry[0][0]}': needs 'noun | verb | agent or patient'")
        for noun in entry[0]:
            nominal[noun.lower()] = (tuple(v.lower() for v in entry[1]), entry[2][0])
    role_nouns, role_verbs = {}, {}
    for entry in files.lines("words/role_nouns.txt"):
        verbs = tuple(v.lower() for v in entry[1])
        for noun in entry[0]:
            role_nouns[noun.lower()] = verbs
            for verb in verbs:
                role_verbs.setdefault(verb, [])
                if entry[0][0].lower() not in role_verbs[verb]:
                    role_verbs[verb].append(entry[0][0].lower())
    converses: dict[str, list] = {}
    for entry in files.lines("words/converses.txt"):
        if len(entry) not in (3, 4) or len(entry[2]) != 1 or (len(entry) == 4 and list(entry[3]) != ["cause"]):
            raise RuleError(f"rules/words/converses.txt: '{entry[0][0]}': needs 'verbs | converse verbs | preposition [| cause]'")
        preposition, cause = entry[2][0].lower(), len(entry) == 4
        for verb in entry[0]:
            for other in entry[1]:
                converses.setdefault(verb.lower(), []).append((other.lower(), preposition, True, cause))
                converses.setdefault(other.lower(), []).append((verb.lower(), preposition, False, cause))
    titles, honorifics = set(), set()
    for entry in files.lines("words/titles.txt"):
        for alt in entry[0]:
            titles.add(alt.lower().rstrip("."))
            if entry[-1] and entry[-1][0] == "honorific":
                honorifics.add(alt.lower().rstrip("."))
    time_words = {alt.lower().rstrip(".") for entry in files.lines("words/time_words.txt") for alt in entry[0]}
    return Grammar(
        markers=markers,
        frames=frames,
        words=MappingProxyType(words),
        irregular=MappingProxyType(irregular),
        bases=frozenset(bases),
        nominal=MappingProxyType(nominal),
        role_nouns=MappingProxyType(role_nouns),
        role_verbs=MappingProxyType({k: tuple(v) for k, v in role_verbs.items()}),
        converses=MappingProxyType({k: tuple(v) for k, v in converses.items()}),
        titles=frozenset(titles),
        honorifics=frozenset(honorifics),
        abbreviations=frozenset(alt.lower() for entry in files.lines("abbreviations.txt") for alt in entry[0]),
        stopwords=frozenset(alt.lower() for entry in files.lines("words/stopwords.txt") for alt in entry[0]),
        time_words=frozenset(time_words),
    )


# --- words ---------------------------------------------------------------------------------


def _known(word: str) -> bool:
    tag = lexicon_tag(word)
    return tag is not None and tag[:2] in ("VB", "NN", "JJ")


def lemma(word: str, grammar: Grammar, tag: str = "") -> str:
    """Return a verb's base form from the irregular list and suffix rules checked against the lexicon.

    >>> from qa.rules import load_rules
    >>> lemma("bought", load_rules().grammar)
    'buy'
    """
    w = word.lower().replace("\u2019", "'")
    if w in grammar.irregular:
        return grammar.irregular[w]
    if w in grammar.bases or tag in ("VB", "VBP"):
        return w
    candidates: list[str] = []
    if w.endswith("ied") and len(w) > 4:
        candidates = [w[:-3] + "y"]
    elif (w.endswith("ed") and len(w) > 3) or (w.endswith("ing") and len(w) > 4):
        stem = w[:-2] if w.endswith("ed") else w[:-3]
        candidates = [stem, stem + "e"]
        if re.search(r"(?:^|[^aeiou])[aeiou][^aeiouwxy]$", stem):
            candidates.reverse()  # "hoped": one consonant after one vowel keeps an e ("hope"); "hopped" doubles it
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
            # "stopped" -> "stop" before "stopp"; "called" keeps its double l, "cancelled" loses it
            candidates.insert(0 if stem[-1] not in "ls" else 2, stem[:-1])
    elif w.endswith("ies") and len(w) > 4:
        candidates = [w[:-3] + "y"]
    elif w.endswith("es") and w[-3:-2] in ("s", "x", "z", "h", "o") and len(w) > 3:
        candidates = [w[:-2], w[:-1]]
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 2:
        candidates = [w[:-1]]
    for candidate in candidates:
        if candidate in grammar.bases or (lexicon_tag(candidate) or "").startswith("VB"):
            return candidate
    for candidate in candidates:
        if _known(candidate):
            return candidate
    return candidates[0] if candidates else w


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# --- tokens and groups -----------------------------------------------------------------------


@dataclass
class _Token:
    word: str
    tag: str
    chunk: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.word.lower()


@dataclass
class _Group:
    kind: str  # NP VP PP ADJP ADVP PRT REL SUB TO CC , . : " POS O
    i: int
    j: int  # token range [i, j)


def tokenize(sentence: str, grammar: Grammar) -> list[_Token]:
    spans = []
    for m in TOKEN.finditer(sentence):
        start, end = m.span()
        # "Mr." and "St." keep their period; a sentence's last period does not.
        if spans and sentence[start:end] == "." and spans[-1][1] == start:
            previous = sentence[spans[-1][0]:start].lower()
            if previous in grammar.abbreviations and end < len(sentence.rstrip()):
                spans[-1] = (spans[-1][0], end)
                continue
        spans.append((start, end))
    if not spans:
        return []
    words = [sentence[s:e].translate(QUOTES) for s, e in spans]
    _loaded()
    tagged = textblob.en.parse(" ".join(words), tokenize=False, chunks=True, relations=False, lemmata=False).split()
    flat = [t for sent in tagged for t in sent]
    if len(flat) != len(spans):  # the tagger split a token its own way: tag each token alone
        flat = [textblob.en.parse(w, tokenize=False, chunks=True, relations=False, lemmata=False).split()[0][0] for w in words]
    return [_Token(sentence[s:e], t[1], t[2], s, e) for (s, e), t in zip(spans, flat)]


def _verb_reading(token: _Token, grammar: Grammar) -> bool:
    w = token.lower
    if w in grammar.irregular or w in grammar.bases:
        return True
    tag = lexicon_tag(w)
    if tag and tag.startswith("VB"):
        return True
    base = lemma(w, grammar)
    return base != w and (lexicon_tag(base) or "").startswith("VB")


def repair_tags(tokens: list[_Token], grammar: Grammar) -> None:
    """Fix the tagger's usual slips around verbs in place."""

    def closes_after(k: int) -> bool:
        return k + 1 >= len(tokens) or tokens[k + 1].tag in (",", ".", ":", "IN", "CC", "TO")

    relatives = grammar.words["relatives"]
    for k, tok in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if nxt is None:
            break
        # "is [Meeting] Point one of": a capitalised word inside a sentence, before a name, is part of the name.
        if (
            k
            and tok.tag.startswith("VB")
            and tok.word[:1].isupper()
            and not tok.word.isupper()
            and nxt.tag in ("NNP", "NNPS")
            and tokens[k - 1].tag not in (".", ":", "``", "''", '"')
        ):
            tok.tag = "NNP"
            tok.chunk = "I-NP" if tokens[k - 1].chunk.endswith("NP") and tokens[k - 1].tag.startswith("NNP") else "B-NP"
            nxt.chunk = "I-NP"
        # "the [£85] cost", "a [$5m] deal": a currency sign opens or continues the noun phrase of its amount.
        if tok.word in CURRENCY_SIGNS and tok.chunk == "O" and (nxt.tag == "CD" or nxt.word[:1].isdigit()):
            before = tokens[k - 1] if k else None
            if before is not None and before.tag in ("DT", "PRP$", "POS") and before.chunk in ("O", "B-NP", "I-NP"):
                if before.chunk == "O":
                    before.chunk = "B-NP"
                tok.chunk = "I-NP"
            else:
                tok.chunk = "B-NP"
            nxt.chunk = "I-NP"
        # "the council set [up] the centre": a phrasal verb's particle before its object is no preposition.
        if (
            tok.tag.startswith("VB")
            and nxt.tag in ("IN", "RP")
            and k + 2 < len(tokens)
            and tokens[k + 2].tag in ("DT", "PRP$", "CD", "NNP", "NNPS")
            and f"{lemma(tok.lower, grammar, tok.tag)} {nxt.lower}" in grammar.words["phrasal_verbs"]
        ):
            nxt.tag, nxt.chunk = "RP", "B-PRT"
            tokens[k + 2].chunk = "B-NP"
        modal_like = tok.tag == "MD" or tok.lower in ("do", "does", "did")
        if modal_like or (tok.lower in NEGATIONS and k and (tokens[k - 1].tag == "MD" or tokens[k - 1].lower in ("do", "does", "did"))):
            if nxt.tag in ("NN", "JJ", "VBP") or (nxt.tag == "NNS" and _verb_reading(nxt, grammar)):
                nxt.tag, nxt.chunk = "VB", "I-VP"
        elif tok.tag == "TO" and nxt.tag[:2] in ("NN", "JJ") and nxt.tag != "NNP":
            if (lexicon_tag(nxt.lower) or "").startswith("VB") or nxt.lower in grammar.bases:
                nxt.tag, nxt.chunk = "VB", "B-VP"
        elif tok.lower in relatives and tok.tag in ("WDT", "WP") and nxt.tag in ("NN", "NNS"):
            after = tokens[k + 2] if k + 2 < len(tokens) else None
            if (after is None or not after.chunk.endswith("VP")) and _verb_reading(nxt, grammar):
                nxt.tag, nxt.chunk = ("VBZ" if nxt.lower.endswith("s") else "VBD"), "B-VP"
                if after is not None and after.chunk == "I-NP":
                    after.chunk = "B-NP"
        # "someone heads the agency": a plural noun after a noun and before a determiner is a verb.
        after2 = tokens[k + 2] if k + 2 < len(tokens) else None
        if nxt.tag == "NNS" and tok.tag in ("NN", "NNP", "PRP") and after2 is not None and after2.tag in ("DT", "PRP$"):
            nxt.tag, nxt.chunk = "VBZ", "B-VP"
            after2.chunk = "B-NP"
        # "a bomb scare": a bare verb right after a noun, with no modal or "to", is a noun.
        ends = k + 2 >= len(tokens) or tokens[k + 2].tag in (".", ",", ":", "IN", "CC", "TO")
        if nxt.tag == "VB" and tok.tag in ("NN", "NNP", "CD", "JJ") and ends and (tok.chunk.endswith("NP") or tok.tag in ("CD", "JJ")):
            nxt.tag, nxt.chunk = "NN", "I-NP"
            first = k
            while first > 0 and tokens[first - 1].tag in ("DT", "JJ", "CD", "NN", "NNP", "PRP$"):
                first -= 1
            for m in range(first, k + 1):
                tokens[m].chunk = "B-NP" if m == first else "I-NP"
        # "chief operating officer": a gerund between a modifier and a noun is a modifier.
        after = tokens[k + 2] if k + 2 < len(tokens) else None
        if nxt.tag == "VBG" and tok.tag in ("JJ", "NN") and after is not None and after.tag in ("NN", "NNS"):
            nxt.tag, nxt.chunk = "JJ", "I-NP"
            if tok.chunk != "B-NP" and tok.chunk != "I-NP":
                tok.chunk = "B-NP"
            after.chunk = "I-NP"
        # "the former finance chief,": an adjective closing a noun phrase is its head noun.
        closes = after is None or after.tag in (",", ".", ":", "IN", "CC") or after.chunk.endswith("VP")
        if nxt.tag == "JJ" and nxt.chunk == "B-ADJP" and tok.tag in ("NN", "NNP") and tok.chunk.endswith("NP") and closes:
            nxt.tag, nxt.chunk = "NN", "I-NP"
        # "the ships [we] have committed": a subject pronoun after a noun opens a phrase (and a clause) of its own.
        if nxt.tag == "PRP" and nxt.lower in SUBJECT_PRONOUNS and nxt.chunk == "I-NP" and tok.tag.startswith("NN"):
            nxt.chunk = "B-NP"
        # "the next one": a determiner the chunker left out opens the noun phrase after it, adjectives included.
        if tok.tag == "DT" and tok.chunk == "O" and tok.lower in DETERMINERS:
            j = k + 1
            while j < len(tokens) and tokens[j].tag.startswith("JJ"):
                j += 1
            if j > k + 1 and j < len(tokens) and tokens[j].tag in ("NN", "NNS", "CD"):
                tok.chunk = "B-NP"
                for m in range(k + 1, j + 1):
                    tokens[m].chunk = "I-NP"
        # "the flooding", "the building": a gerund after a determiner is a noun; so is "the final" closing a phrase.
        if tok.tag == "DT" and tok.lower in DETERMINERS and (nxt.tag == "VBG" or (nxt.tag in ("RB", "JJ") and closes_after(k + 1))):
            tok.chunk, nxt.tag, nxt.chunk = "B-NP", "NN", "I-NP"
        # A participle tagged as a past tense right after "be" or "have" is still a verb.
        if tok.chunk.endswith("VP") and nxt.tag == "VBN" and nxt.chunk == "B-VP" and lemma(tok.lower, grammar) in ("be", "have"):
            nxt.chunk = "I-VP"


def group_tokens(tokens: list[_Token], grammar: Grammar) -> list[_Group]:
    groups: list[_Group] = []
    relatives, subordinators = grammar.words["relatives"], grammar.words["subordinators"]
    for k, tok in enumerate(tokens):
        kind = tok.chunk[2:] if tok.chunk not in ("O", "") else ""
        if tok.lower in relatives and tok.tag in ("WDT", "WP", "WP$"):
            kind = "REL"
        elif tok.lower == "that" and tok.tag == "IN":
            kind = "REL"
        elif tok.tag == "TO":
            kind = "TO"
        elif tok.lower in subordinators and tok.tag in ("IN", "WRB", "RB"):
            kind = "SUB"
        elif tok.tag == "POS":
            kind = "POS"
        elif tok.tag == "CC":
            kind = "CC"
        elif tok.lower in NEGATIONS and groups and groups[-1].kind == "VP":
            kind = "VP"
        elif not kind:
            kind = {",": ",", ".": ".", ":": ":", '"': '"', "(": "(", ")": ")"}.get(tok.tag, tok.word if tok.word in ",;:\"'()" else "O")
            if tok.tag in ("$", "£", "CD") or tok.word in "£$€¥":
                kind = "NP"
            if tok.tag == "RB":
                kind = "ADVP"
        if kind == ";":
            kind = ":"
        begins = tok.chunk.startswith("B-") or kind in ("REL", "TO", "SUB", "POS", "CC") or not tok.chunk.startswith("I-")
        last = groups[-1] if groups else None
        if last and last.kind == kind and (not begins or (kind == "NP" and tokens[last.j - 1].word in "£$€¥")) and kind in ("NP", "VP", "PP", "ADJP", "ADVP", "PRT"):
            last.j = k + 1
        elif last and kind == "VP" and last.kind == "VP" and tokens[last.j - 1].lower in NEGATIONS:
            last.j = k + 1
        else:
            groups.append(_Group(kind, k, k + 1))
    # "[the farmers] bought | has closed": a finite verb after a full verb starts another verb group.
    auxiliaries = ("be", "have", "do", "will", "would", "can", "could", "shall", "should", "may", "might", "must", "get")
    split: list[_Group] = []
    for grp in groups:
        at = grp.i
        if grp.kind == "VP":
            for k in range(grp.i + 1, grp.j):
                prev = tokens[k - 1]
                # "said | shedding jobs makes sense": an -ing form after a finite full verb opens a clause of its own
                gerund = tokens[k].tag == "VBG" and prev.tag in ("VBD", "VBZ", "VBP")
                if (tokens[k].tag in ("VBD", "VBZ", "VBP", "MD") or gerund) and prev.tag.startswith("VB") and lemma(prev.lower, grammar) not in auxiliaries:
                    split.append(_Group("VP", at, k))
                    at = k
        split.append(_Group(grp.kind, at, grp.j))
    groups = split
    # "the firm 's sale" is one noun phrase whose possessor is "the firm".
    merged: list[_Group] = []
    for g in groups:
        if len(merged) >= 2 and merged[-1].kind == "POS" and merged[-2].kind == "NP" and g.kind == "NP":
            merged.pop()
            merged[-1] = _Group("NP", merged[-1].i, g.j)
        elif merged and merged[-1].kind == "NP" and g.kind == "NP" and (
            tokens[merged[-1].j - 1].word in "£$€¥"
            # "former shadow attorney | general Jo Park": a title the chunker cut in two
            or (tokens[g.i].tag in ("JJ", "NN") and tokens[g.i].word.islower() and tokens[g.j - 1].tag == "NNP"
                and tokens[merged[-1].j - 1].tag in ("NN", "JJ"))
            or (g.j - g.i == 1 and tokens[g.i].tag == "CD" and tokens[merged[-1].j - 1].tag == "NNP")  # "March 2004"
            # "the Kazakh | overseas minister": a determiner and a capitalised modifier the chunker left alone
            or (merged[-1].j - merged[-1].i == 2 and tokens[merged[-1].i].lower in DETERMINERS
                and tokens[merged[-1].i + 1].tag == "NNP" and tokens[g.i].word.islower() and tokens[g.j - 1].tag in ("NN", "NNS"))
        ):
            merged[-1] = _Group("NP", merged[-1].i, g.j)
        else:
            merged.append(g)
    return _quoted_phrases(merged, tokens)


MAX_QUOTED_TOKENS = 12  # a quoted phrase this short after a verb or preposition is one noun phrase


def _quoted_phrases(groups: list[_Group], tokens: list[_Token]) -> list[_Group]:
    """Make a short quoted phrase with no finite verb one noun phrase, without its quotation marks.

    'accused critics of "woolly thinking and false fears"': the quote is the object of "of".
    A quoted clause ('said "we will go"') keeps its own structure.
    """
    out: list[_Group] = []
    k = 0
    while k < len(groups):
        g = groups[k]
        close = next((m for m in range(k + 1, len(groups)) if groups[m].kind == '"'), None) if g.kind == '"' else None
        if close is not None and out and out[-1].kind in ("PP", "VP") and close > k + 1:
            inner = tokens[groups[k + 1].i : groups[close - 1].j]
            plain = all(grp.kind not in (".", ":", ",", "(", ")", "REL", "SUB") for grp in groups[k + 1 : close])
            finite = any(t.tag in ("VBD", "VBZ", "VBP", "MD") or t.tag == "PRP" for t in inner)
            if plain and not finite and len(inner) <= MAX_QUOTED_TOKENS:
                out.append(_Group("NP", groups[k + 1].i, groups[close - 1].j))
                k = close + 1
                continue
        out.append(g)
        k += 1
    return out


# --- parsing -------------------------------------------------------------------------------


class _Builder:
    """The working state of one parse."""

    def __init__(self, sentence: str, grammar: Grammar):
        self.s = sentence
        self.g = grammar
        self.t = tokenize(sentence, grammar)
        repair_tags(self.t, grammar)
        self.gr = group_tokens(self.t, grammar)
        self.clauses: list[dict] = []
        self.appositions: list[Apposition] = []
        self.found = self.split_at_markers()
        # The words of a multi-word marker ("in order to", "following") are no verb and no adjunct.
        self.claimed: set[int] = set()
        for start, end, a, b, _ in self.found:
            if b > a or self.kind(a) == "VP":
                for k in range(a, b + 1):
                    self.claimed.add(k)
                    if self.kind(k) == "VP":
                        self.gr[k].kind = "PP"

    # spans
    def phrase(self, i: int, j: int) -> Phrase | None:
        """Return the phrase over tokens [i, j), trimmed of punctuation at its edges."""
        while i < j and self.t[i].word in ",;:\"'()":
            i += 1
        while j > i and self.t[j - 1].word in ",;:\"'()":
            j -= 1
        if i >= j:
            return None
        start, end = self.t[i].start, self.t[j - 1].end
        head = ""
        for tok in reversed(self.t[i:j]):
            if tok.tag[:2] in ("NN", "CD", "VB", "JJ", "PR") or tok.word[:1].isalnum():
                head = tok.lower
                break
        return Phrase(start, end, self.s[start:end], head)

    def gphrase(self, a: int, b: int) -> Phrase | None:
        """Return the phrase over groups [a, b)."""
        return self.phrase(self.gr[a].i, self.gr[b - 1].j) if a < b else None

    def words(self, g: int) -> list[str]:
        grp = self.gr[g]
        return [tok.lower for tok in self.t[grp.i:grp.j]]

    def kind(self, g: int) -> str:
        return self.gr[g].kind if 0 <= g < len(self.gr) else ""

    def np_end(self, g: int, of: bool = True) -> int:
        """Return the group after the noun phrase starting at g, over 'of' complements (unless not of) and 'X and Y'."""
        end = g + 1
        while True:
            if of and self.kind(end) == "PP" and self.words(end) == ["of"] and self.kind(end + 1) == "NP":
                end += 2
            elif self.kind(end) == "PP" and self.words(end) == ["in"] and self.kind(end + 1) == "NP" and \
                    self.t[self.gr[end - 1].j - 1].lower in self.g.words["change_nouns"]:
                end += 2  # "a fall | in mortgage lending": what changed
            elif self.kind(end) == "(" and self.kind(end + 1) == "NP" and self.kind(end + 2) == ")":
                end += 3
            elif self.kind(end) == "CC" and self.kind(end + 1) == "NP" and self.kind(end + 2) not in ("VP", "POS"):
                end += 2
            else:
                return end

    def np_start(self, g: int) -> int:
        """Return the first group of the noun phrase ending at group g (over 'of' complements)."""
        start = g
        while self.kind(start - 1) == "PP" and self.words(start - 1) == ["of"] and self.kind(start - 2) == "NP":
            start -= 2
        return start

    def subject_start(self, g: int) -> int:
        """Return the first group of a subject ending at g: "the sale of X to Y [was approved]"."""
        start = self.np_start(g)
        while self.kind(start - 1) in ("PP", "TO") and start - 1 not in self.claimed and self.kind(start - 2) == "NP":
            earlier = self.np_start(start - 2)
            if self.kind(earlier - 1) in ("VP", "PP", "TO", "SUB"):
                break  # that noun phrase is an object, not the start of this subject
            start = earlier
        return start

    def chain_end(self, g: int, limit: int) -> int:
        """Return the group after a phrase and the prepositional phrases that follow it."""
        end = self.np_end(g) if self.kind(g) == "NP" else g + 1
        while end < limit:
            if self.kind(end) in ("PP", "TO") and self.kind(end + 1) == "NP":
                end = self.np_end(end + 1)
            elif self.kind(end) in ("NP", "ADJP", "ADVP", "PRT") and self.kind(end - 1) in ("VP", "PRT", "ADVP"):
                end = self.np_end(end) if self.kind(end) == "NP" else end + 1
            else:
                return end
        return end

    def verb_group(self, g: int, after_to: bool) -> VerbGroup | None:
        grp = self.gr[g]
        toks = self.t[grp.i:grp.j]
        verbs = [t for t in toks if t.tag.startswith("VB") or t.tag == "MD"]
        heads = [t for t in toks if t.tag.startswith("VB")]
        if not heads:
            return None
        head = heads[-1]
        aux = [lemma(t.lower, self.g, t.tag) for t in verbs if t is not head]
        negated = any(t.lower in NEGATIONS for t in toks) or (g > 0 and self.words(g - 1)[-1:] in (["not"], ["never"]))
        modal = next((t.lower for t in toks if t.tag == "MD"), None)
        head_lemma = lemma(head.lower, self.g, head.tag)
        voice = "active"
        if head.tag in ("VBN", "VBD") and aux and aux[-1] in self.g.words["passive_auxiliaries"] and head_lemma not in ("be",):
            voice = "passive"
        if modal in MODALS_FUTURE:
            tense = "future"
        elif "have" in aux:
            tense = "perfect"
        elif verbs[0].tag == "VBD":
            tense = "past"
        else:
            tense = "present"
        if after_to:
            form = "infinitive"
        elif verbs[0].tag in ("MD", "VBD", "VBZ", "VBP") or aux:
            form = "finite"
        elif head.tag == "VBG":
            form = "gerund"
        elif head.tag == "VBN" and self.finite_participle(g):
            form = "finite"
        elif head.tag == "VBN":
            form = "participle"
            if self.kind(g + 1) == "PP" and self.words(g + 1) == ["by"]:
                voice = "passive"
        else:
            form = "finite"
        if form == "participle" and voice == "active":
            voice = "passive"
        start, end = toks[0].start, toks[-1].end
        return VerbGroup(start, end, self.s[start:end], head_lemma, voice, negated, tense, modal, form)

    def finite_participle(self, g: int) -> bool:
        """Return whether a bare past participle is really a past tense ("he left", "who built it")."""
        nxt = self.kind(g + 1)
        if nxt == "NP" or (nxt in ("PRT", "ADVP") and self.kind(g + 2) == "NP"):
            return True
        k = g - 1
        while self.kind(k) == "ADVP":
            k -= 1
        if self.kind(k) == "REL":
            return True
        if self.kind(k) in (",", ")") and self.left_subject(g):
            return True
        if self.kind(k) == "NP":
            toks = self.t[self.gr[k].i:self.gr[k].j]
            return len(toks) == 1 and toks[0].lower in PRONOUNS
        return False

    def opens_clause(self, g: int) -> bool:
        """Return whether an NP at g is the subject of a verb right after it."""
        end = self.np_end(g)
        while self.kind(end) == "ADVP":
            end += 1
        return self.kind(end) == "VP"

    def left_subject(self, v: int) -> tuple[int, int] | None:
        """Return the groups of the subject of the verb group at v, reading leftwards."""
        k = v - 1
        while self.kind(k) == "ADVP":
            k -= 1
        if self.kind(k) == "NP":
            return (self.subject_start(k), k + 1)
        if self.kind(k) == "," or self.kind(k) == ")":
            # "X, the former chief, said" / "X, who built it, will remain": skip the insertion.
            m = k - 1
            while m >= 0 and self.kind(m) not in (",", "(", ".", ":"):
                m -= 1
            inserted = self.kind(m + 1) in ("NP", "REL") or (
                self.kind(m + 1) == "VP" and self.t[self.gr[m + 1].i].tag in ("VBN", "VBG"))  # ", set up in 1990,"
            if m > 0 and self.kind(m - 1) == "NP" and m + 1 < k and inserted:
                return (self.np_start(m - 1), m)
        return None

    def build(self) -> Parse:
        n = len(self.gr)
        owner: dict[int, int] = {}  # verb group -> clause index
        for v in range(n):
            if self.kind(v) != "VP":
                continue
            after_to = self.kind(v - 1) == "TO"
            vg = self.verb_group(v, after_to)
            if vg is None:
                continue
            clause = {"kind": "main", "lemmas": (vg.lemma,), "verb": vg, "subject": None, "objects": [], "agent": None,
                      "complement": None, "adjuncts": [], "reasons": [], "purposes": [], "rule": "", "v": v,
                      "subj_groups": None, "object_from": None, "parent": None}
            prev = v - 1
            while self.kind(prev) == "ADVP":
                prev -= 1
            pk = self.kind(prev)
            last = self.clauses[-1] if self.clauses else None
            if after_to:
                clause["kind"], clause["rule"] = "infinitive", "to-infinitive"
                host = last
                if host:
                    clause["parent"] = len(self.clauses) - 1
                    controller = host["subject"]
                    if host["verb"] and host["verb"].lemma in self.g.words["object_control"] and host["verb"].voice == "active" and host["objects"]:
                        controller = host["objects"][0]
                    clause["subject"] = controller
            elif pk == "REL":
                clause["kind"], clause["rule"] = "relative", "relative-subject"
                a = prev - 1
                if self.kind(a) == ",":
                    a -= 1
                if self.kind(a) == "NP":
                    clause["subject"] = self.gphrase(self.np_start(a), a + 1)
            elif pk == "NP":
                s0 = self.subject_start(prev)
                contact = self.contact_relative(prev)
                if contact is not None:
                    s0 = prev
                before = self.kind(s0 - 1)
                clause["subject"] = self.gphrase(s0, prev + 1)
                clause["subj_groups"] = (s0, prev + 1)
                if contact is not None:
                    # "the ships and aircraft we have committed": the noun before is the verb's object.
                    clause["kind"], clause["rule"] = "relative", "relative-contact"
                    clause["object_from"] = contact
                elif before == "REL":
                    rel_word = self.words(s0 - 1)[0]
                    a = s0 - 2
                    if self.kind(a) == ",":
                        a -= 1
                    if self.kind(a) == "NP" and (rel_word != "that" or self.kind(s0 - 2) == "NP"):
                        clause["kind"], clause["rule"] = "relative", "relative-object"
                        clause["object_from"] = self.gphrase(self.np_start(a), a + 1)
                    else:
                        clause["kind"], clause["rule"] = "subordinate", "that-clause"
                elif before == "SUB":
                    clause["kind"], clause["rule"] = "subordinate", "subordinate-" + self.words(s0 - 1)[0]
                elif vg.form in ("participle", "gerund"):
                    clause["kind"], clause["rule"] = "participle", "reduced-relative"
                    if vg.form == "gerund":
                        clause["verb"] = VerbGroup(vg.start, vg.end, vg.text, vg.lemma, "active", vg.negated, vg.tense, vg.modal, vg.form)
                else:
                    clause["rule"] = "subject-verb"
            elif pk == "CC" and last and last["subject"] is not None and vg.form == "finite":
                clause["subject"], clause["rule"] = last["subject"], "coordinated-verb"
            else:
                found = self.left_subject(v)
                if found and vg.form == "finite":
                    clause["subject"] = self.gphrase(*found)
                    clause["rule"] = "subject-verb-insertion"
                elif vg.form in ("participle", "gerund") and self.kind(prev) == "," and self.kind(prev - 1) == "NP" and vg.form == "participle":
                    # "The Labs, set up in 1990, ...": a participle after a noun and a comma is about the noun
                    clause["kind"], clause["rule"] = "participle", "reduced-relative-comma"
                    clause["subject"] = self.gphrase(self.np_start(prev - 1), prev)
                elif vg.form in ("participle", "gerund"):
                    clause["kind"], clause["rule"] = "participle", "participle-clause"
                    clause["subject"] = last["subject"] if last else None
                else:
                    clause["rule"] = "no-subject"
            self.arguments(clause, v)
            owner[v] = len(self.clauses)
            self.clauses.append(clause)
        # A leading participle ("Dubbed X for Y, he left") is about the next clause's subject.
        for k, clause in enumerate(self.clauses):
            if clause["kind"] == "participle" and clause["subject"] is None:
                later = next((c for c in self.clauses[k + 1:] if c["kind"] == "main" and c["subject"]), None)
                if later:
                    clause["subject"] = later["subject"]
        self.markers()
        self.appositions_of()
        self.nominals()
        self.roles()
        clauses = tuple(self.freeze(c) for c in self.clauses)
        phrases = []
        for g in range(n):
            if self.kind(g) == "NP":
                p = self.gphrase(g, g + 1)
                if p:
                    phrases.append(p)
        return Parse(self.s, clauses, tuple(self.appositions), tuple(phrases))

    def contact_relative(self, g: int) -> Phrase | None:
        """Return the noun phrase a relative clause with no relative word is about, when group g opens one.

        "the ships and aircraft | we | have committed": a subject pronoun right after a noun phrase.
        """
        grp = self.gr[g]
        if grp.j - grp.i != 1 or self.t[grp.i].lower not in SUBJECT_PRONOUNS or self.kind(g - 1) != "NP":
            return None
        start = self.np_start(g - 1)
        while self.kind(start - 1) == "CC" and self.kind(start - 2) == "NP":
            start = self.np_start(start - 2)
        return self.gphrase(start, g)

    def arguments(self, clause: dict, v: int) -> None:
        """Collect the objects, complement, by-agent and adjuncts after the verb group at v."""
        vg: VerbGroup = clause["verb"]
        copular = vg.lemma in self.g.words["copulas"] and vg.voice == "active"
        n = len(self.gr)
        g = v + 1
        direct = True  # still right after the verb: a noun phrase here is an object
        while g < n:
            kind = self.kind(g)
            if kind in ("PRT", "ADVP") and direct:
                g += 1
                continue
            if kind == "NP" and direct:
                if self.opens_clause(g) and not (copular and False):
                    break
                # "accused the critics | of scaremongering": the verb, not the noun, takes the "of".
                end = self.np_end(g, of=vg.lemma not in self.g.words["of_verbs"])
                p = self.gphrase(g, end)
                if p and end - g == 1 and self.gr[g].j - self.gr[g].i <= 3 and self.adjunct_kind("on", p) == "time":
                    clause["adjuncts"].append(Adjunct("", p, "time"))  # "last year", "this month"
                    g = end
                    continue
                if copular and clause["complement"] is None:
                    clause["complement"] = p
                elif clause["objects"] and p and self.words(g)[0] in POSTMODIFIERS:
                    # "a deal | worth 1bn euros": the second phrase says more of the first, it is no second object
                    first = clause["objects"][-1]
                    clause["objects"][-1] = Phrase(first.start, p.end, self.s[first.start : p.end], first.head)
                elif len(clause["objects"]) < 2 and p:
                    clause["objects"].append(p)
                g = end
                direct = len(clause["objects"]) < 2 and not copular and self.kind(g) == "NP"
                continue
            if kind == "ADJP" and copular and clause["complement"] is None:
                end = g + 1
                while self.kind(end) == "PP" and self.kind(end + 1) == "NP":
                    end = self.np_end(end + 1)
                clause["complement"] = self.gphrase(g, end)
                g = end
                direct = False
                continue
            if g in self.claimed:
                break
            if kind in ("PP", "SUB", "TO") and self.kind(g + 1) == "NP" and not self.opens_clause(g + 1):
                prep = " ".join(self.words(g))
                if len(self.words(g)) > 1 and self.words(g)[0] in PARTICLES:
                    prep = self.words(g)[-1]  # "set up | in an old brewery"
                end = self.np_end(g + 1)
                if prep in ("with", "without"):
                    # "in Hong Kong, with a secondary listing [in London]": the phrases after the noun are its own.
                    while self.kind(end) == "PP" and self.kind(end + 1) == "NP" and not self.opens_clause(end + 1):
                        end = self.np_end(end + 1)
                p = self.gphrase(g + 1, end)
                if p:
                    if prep == "by" and vg.voice == "passive" and clause["agent"] is None:
                        clause["agent"] = p
                    else:
                        clause["adjuncts"].append(Adjunct(prep, p, self.adjunct_kind(prep, p)))
                g = end
                direct = False
                continue
            if kind == "PP" and self.kind(g + 1) == "VP" and self.t[self.gr[g + 1].i].tag == "VBG":
                prep = " ".join(self.words(g))
                end = self.chain_end(g + 1, n)
                p = self.gphrase(g + 1, end)
                if p:
                    clause["adjuncts"].append(Adjunct(prep, p, "manner" if prep in self.g.words["manner_prepositions"] else "other"))
                g = end
                direct = False
                continue
            if kind == "," and self.kind(g + 1) == "PP" and self.kind(g + 2) == "NP" and self.words(g + 1)[0] not in self.g.words["subordinators"]:
                g += 1
                direct = False
                continue
            break
        ends = [vg.end] + [p.end for p in clause["objects"]] + [a.phrase.end for a in clause["adjuncts"]]
        ends += [p.end for p in (clause["agent"], clause["complement"]) if p]
        starts = [vg.start] + ([clause["subject"].start] if clause["subject"] and clause["subject"].start < vg.start and clause["kind"] != "infinitive" else [])
        clause["start"], clause["end"] = min(starts), max(ends)

    def adjunct_kind(self, prep: str, p: Phrase) -> str:
        words = re.findall(r"[\w.]+", p.text.lower())
        timey = any(w.rstrip(".") in self.g.time_words for w in words) or bool(TIME_SHAPE.search(p.text))
        if prep in self.g.words["time_prepositions"] and timey:
            return "time"
        if prep in self.g.words["manner_prepositions"] and prep != "by":
            return "manner"
        if prep in self.g.words["place_prepositions"] and not timey:
            return "place"
        return "other"

    # markers ------------------------------------------------------------------------------
    def group_at(self, char: int) -> int | None:
        for k, grp in enumerate(self.gr):
            if self.t[grp.i].start <= char < self.t[grp.j - 1].end:
                return k
        return None

    def span_to_stop(self, g: int, clausal: bool) -> int:
        """Return the group where a reason or purpose starting at g ends."""
        n = len(self.gr)
        end = g
        limit = self.gr[g].i + MAX_REASON_TOKENS
        while end < n and self.gr[end].i < limit:
            kind = self.kind(end)
            if kind in (".", ":", '"') or (kind == "," and not (self.kind(end + 1) in ("PP",) and not clausal)):
                break
            if kind == "CC" and self.kind(end + 1) == "VP" and not clausal:
                break
            if kind == "REL" and not clausal:
                break
            if kind == "VP" and not clausal and end > g and self.kind(end - 1) == "NP" and self.kind(end - 2) != "PP":
                break
            end += 1
        return end

    def split_at_markers(self) -> list[tuple]:
        """Find the markers, giving each its own groups ("were evacuated | following")."""
        found = self.find_markers()
        cuts = set()
        for start, end, *_ in found:
            for k, tok in enumerate(self.t):
                if tok.start == start or tok.end == end:
                    cuts.add(k if tok.start == start else k + 1)
        if cuts:
            split = []
            for grp in self.gr:
                at = grp.i
                for c in sorted(cuts):
                    if grp.i < c < grp.j:
                        split.append(_Group(grp.kind, at, c))
                        at = c
                split.append(_Group(grp.kind, at, grp.j))
            for grp in split:
                if grp.kind == "VP" and all(not self.t[k].tag.startswith(("VB", "MD")) for k in range(grp.i, grp.j)):
                    grp.kind = "PP"
            self.gr = split
            found = self.find_markers()
        return found

    def find_markers(self) -> list[tuple]:
        found = []
        for rule in self.g.markers:
            for m in rule.regex.finditer(self.s):
                a, b = self.group_at(m.start()), self.group_at(max(m.start(), m.end() - 1))
                if a is None or b is None:
                    continue
                found.append((m.start(), m.end(), a, b, rule))
        # A longer marker ("because of") hides the shorter ones inside it ("because").
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        kept = []
        for f in found:
            if any(k[0] <= f[0] and f[1] <= k[1] and k[1] - k[0] > f[1] - f[0] for k in kept):
                continue
            kept.append(f)
        return kept

    def markers(self) -> None:
        for start, end, a, b, rule in self.found:
            self.marker(start, end, a, b, rule)

    def marker(self, start: int, end: int, a: int, b: int, rule: Rule) -> None:
        takes, relation = rule.get("takes"), rule.get("relation")
        g = b + 1
        if rule.name == "to-infinitive" or takes == "verb":
            # the "to" of "in order to" sits inside the marker; a bare "to" must be followed by a verb.
            if self.kind(g) == "TO":
                g += 1
            if self.kind(g) != "VP":
                return
            if rule.name == "to-infinitive" and not self.purposeful(a):
                return
            stop = self.span_to_stop(g, False)
        elif takes == "gerund":
            if self.kind(g) != "VP" or self.t[self.gr[g].i].tag != "VBG":
                return
            stop = self.span_to_stop(g, False)
        else:
            is_clause = self.kind(g) == "NP" and self.opens_clause(g)
            if takes == "clause" and not is_clause:
                return
            if takes == "phrase" and not (self.kind(g) == "NP" or (self.kind(g) == "VP" and self.t[self.gr[g].i].tag == "VBG")):
                return
            if takes == "any" and not is_clause and self.kind(g) != "NP":
                return
            stop = self.span_to_stop(g, is_clause)
            if not is_clause:
                stop = min(stop, self.chain_end(g, stop) if self.kind(g) == "NP" else stop)
                # "a bomb scare | during the game": a time or place phrase is no part of the reason
                for k in range(g + 1, stop):
                    if self.kind(k) in ("PP", "SUB") and " ".join(self.words(k)) in self.g.words["phrase_stops"]:
                        stop = k
                        break
        phrase = self.gphrase(g, stop)
        if phrase is None:
            return
        marked = Marked(relation, self.s[start:end], phrase, rule.name, float(rule.get("confidence")))
        host = self.host(start, phrase)
        if host is not None:
            host["reasons" if relation == "reason" else "purposes"].append(marked)
            host["end"] = max(host["end"], phrase.end)

    def purposeful(self, to_group: int) -> bool:
        """Return whether the 'to'-infinitive at this group says a purpose, not what a verb is about."""
        k = to_group - 1
        while self.kind(k) == "ADVP":
            k -= 1
        if self.kind(k) in ("VP", "ADJP"):
            vg = self.verb_group(k, False) if self.kind(k) == "VP" else None
            if vg is None:
                return False
            return vg.lemma not in self.g.words["infinitive_complements"] and vg.voice == "active" and vg.lemma not in self.g.words["copulas"]
        if self.kind(k) == "NP":
            # "urged the bank to cut" names what the bank should do; "sold it to pay" a purpose.
            s0 = self.np_start(k)
            j = s0 - 1
            while self.kind(j) == "ADVP":
                j -= 1
            if self.kind(j) == "VP":
                vg = self.verb_group(j, False)
                return vg is not None and vg.lemma not in self.g.words["object_control"]
            return False
        return self.kind(k) in (",",) and k > 0

    def host(self, start: int, phrase: Phrase) -> dict | None:
        before = [c for c in self.clauses if c["verb"].start < start and not (phrase.start <= c["verb"].start < phrase.end)]
        if before:
            # the nearest clause before the marker that it can modify (not one inside another reason)
            return before[-1]
        after = [c for c in self.clauses if c["verb"].start >= phrase.end]
        return after[0] if after else None

    # appositions, nominalisations and role nouns --------------------------------------------
    def is_name(self, g: int) -> bool:
        toks = self.t[self.gr[g].i:self.gr[g].j]
        return bool(toks) and toks[0].lower not in DETERMINERS and all(t.word[:1].isupper() or t.tag == "POS" or t.lower in ("of", "'s") for t in toks) and toks[-1].tag.startswith("NNP")

    def appositions_of(self) -> None:
        n = len(self.gr)
        for g in range(n):
            if self.kind(g) != "NP":
                continue
            # "Foreign Secretary Jane Roe", "Brazilian striker Roe", "council member Roe"
            self.title_before(g)
            if self.kind(g + 1) != "," or self.kind(g + 2) != "NP":
                continue
            end = self.np_end(g + 2)
            after = self.kind(end)
            if not (after in (",", ".", ")", "") or (after == "," and self.kind(end + 1) != "CC")):
                continue
            if after == "," and self.kind(end + 1) == "NP" and self.kind(end + 2) in (",", "CC"):
                continue  # a list "X, Y, Z and W"
            first, second = self.gphrase(self.np_start(g), g + 1), self.gphrase(g + 2, end)
            if not first or not second:
                continue
            # "The mayor of Elmford, Tom Reyes,": a description holding a name is no name.
            first_is_name = self.is_name(g) and self.np_start(g) == g
            if first_is_name and not self.is_name(g + 2):
                self.appositions.append(Apposition(first, second, "comma-apposition"))
            elif self.is_name(g + 2) and not first_is_name:
                self.appositions.append(Apposition(second, first, "comma-apposition-reversed"))
        # "As chief operating officer, X will run the firm"
        if self.kind(0) in ("SUB", "PP") and self.words(0) == ["as"]:
            k = 1
            while k < n and self.kind(k) not in (",", "VP"):
                k += 1
            if self.kind(k) == "," and self.kind(k + 1) == "NP" and self.opens_clause(k + 1):
                desc = self.gphrase(1, k)
                head = self.gphrase(k + 1, self.np_end(k + 1))
                if desc and head:
                    self.appositions.append(Apposition(head, desc, "as-role"))

    def title_before(self, g: int) -> None:
        toks = self.t[self.gr[g].i:self.gr[g].j]
        if len(toks) < 2 or not toks[-1].tag.startswith("NNP"):
            return
        k = len(toks)
        while k > 0 and toks[k - 1].tag.startswith("NNP") and toks[k - 1].word[:1].isupper():
            k -= 1
        # peel a capitalised title off the start of the name run ("Foreign Secretary")
        run = [t.lower.rstrip(".") for t in toks[k:]]
        title_len = 0
        # the name starts after the last title word of the run ("International Development Minister | Jane Roe")
        for at in range(len(run) - 2, -1, -1):
            if (run[at] in self.g.titles or run[at] in self.g.role_nouns) and run[at] not in self.g.honorifics:
                title_len = at + 1
                break
        name_from = k + title_len
        if name_from >= len(toks):
            return
        desc_from = 0
        while desc_from < name_from and (toks[desc_from].lower in DETERMINERS or toks[desc_from].tag == "POS"):
            desc_from += 1
        desc_toks = toks[desc_from:name_from]
        if not desc_toks:
            return
        if all(t.lower.rstrip(".") in self.g.honorifics for t in desc_toks):
            return
        if k == name_from and not any(t.tag.startswith("NN") and not t.tag.startswith("NNP") for t in desc_toks):
            return  # "the Irish Government": no title, just a name with a modifier
        head = self.phrase(self.gr[g].i + name_from, self.gr[g].j)
        desc = self.phrase(self.gr[g].i + desc_from, self.gr[g].i + name_from)
        if head and desc:
            self.appositions.append(Apposition(head, desc, "title-before-name"))

    def of_complement(self, g: int) -> Phrase | None:
        if self.kind(g + 1) == "PP" and self.words(g + 1) == ["of"] and self.kind(g + 2) == "NP":
            return self.gphrase(g + 2, self.np_end(g + 2))
        return None

    def possessor(self, g: int) -> Phrase | None:
        toks = self.t[self.gr[g].i:self.gr[g].j]
        for k, tok in enumerate(toks):
            if tok.tag == "POS" and k:
                return self.phrase(self.gr[g].i, self.gr[g].i + k)
            if tok.tag == "PRP$" and tok.lower in ("its", "their", "his", "her", "our"):
                return self.phrase(self.gr[g].i + k, self.gr[g].i + k + 1)
        return None

    def nominals(self) -> None:
        for g in range(len(self.gr)):
            if self.kind(g) != "NP":
                continue
            head = self.t[self.gr[g].j - 1]
            word = head.lower
            entry = self.g.nominal.get(word) or self.g.nominal.get(_singular(word))
            if not entry or not head.tag.startswith("NN") or head.tag.startswith("NNP"):
                continue
            verbs, of_role = entry
            subject, objects, agent, adjuncts = self.possessor(g), [], None, []
            of = self.of_complement(g)
            end = g + 1
            if of is not None:
                end = self.np_end(g + 2)
                if of_role == "agent" and subject is None:
                    subject = of
                else:
                    objects.append(of)
            while self.kind(end) in ("PP", "TO") and self.kind(end + 1) == "NP":
                prep = " ".join(self.words(end))
                stop = self.np_end(end + 1)
                p = self.gphrase(end + 1, stop)
                if p and prep == "by":
                    agent = p
                elif p:
                    adjuncts.append(Adjunct(prep, p, self.adjunct_kind(prep, p)))
                end = stop
            whole = self.gphrase(g, end)
            if subject is None and not objects and agent is None and not adjuncts:
                continue
            # "part of the modernisation of the fleet to cope with demand": a purpose right after the
            # event noun is the event's purpose as much as its host clause's.
            purposes = []
            if self.kind(end) == "TO" and end + 1 < len(self.gr):
                at = self.t[self.gr[end + 1].i].start
                purposes = [m for c in self.clauses for m in c["purposes"] if m.phrase.start == at]
            self.clauses.append({"kind": "nominal", "lemmas": verbs, "verb": None, "subject": subject, "objects": objects,
                                 "agent": agent, "complement": None, "adjuncts": adjuncts, "reasons": [], "purposes": purposes,
                                 "rule": "nominalization", "start": whole.start, "end": whole.end})

    def roles(self) -> None:
        """Turn 'X, the director of Y' and 'Y's chief X' into clauses 'X directs Y'."""
        pairs = [(a.head, a.description, a.rule) for a in self.appositions]
        pairs += [(c["subject"], c["complement"], "copula") for c in self.clauses
                  if c["verb"] is not None and c["complement"] is not None and c["subject"] is not None]
        for person, desc, how in pairs:
            words = re.findall(r"[\w']+", desc.text.lower())
            if "of" in words:
                before, of_text = words[: words.index("of")], desc.text[desc.text.lower().index(" of ") + 4:] if " of " in desc.text.lower() else ""
            else:
                before, of_text = words, ""
            noun, verbs = "", ()
            for size in (2, 1):
                cand = " ".join(before[-size:])
                if len(before) >= size and (cand in self.g.role_nouns or _singular(cand) in self.g.role_nouns):
                    noun, verbs = cand, self.g.role_nouns.get(cand) or self.g.role_nouns[_singular(cand)]
                    break
            if not verbs:
                continue
            patient = None
            if of_text:
                at = desc.start + desc.text.lower().index(" of ") + 4
                patient = Phrase(at, desc.end, self.s[at:desc.end], of_text.split()[-1].lower() if of_text.split() else "")
            else:
                mods = before[: len(before) - len(noun.split())]
                mods = [w for w in mods if w not in DETERMINERS and w != "'s"]
                if mods:
                    low = desc.text.lower()
                    at = desc.start + low.index(mods[0])
                    tail = desc.start + low.rindex(noun.split()[0])
                    text = self.s[at:tail].rstrip()
                    if text.endswith("'s") or text.endswith("\u2019s"):
                        text = text[:-2]
                    patient = Phrase(at, at + len(text), text, mods[-1]) if text else None
            self.clauses.append({"kind": "role", "lemmas": verbs, "verb": None, "subject": person, "objects": [patient] if patient else [],
                                 "agent": None, "complement": desc, "adjuncts": [], "reasons": [], "purposes": [],
                                 "rule": "role-noun-" + how, "start": min(person.start, desc.start), "end": max(person.end, desc.end)})

    def freeze(self, c: dict) -> Clause:
        objects = list(c["objects"])
        if c.get("object_from") is not None and not objects:
            objects.append(c["object_from"])
        return Clause(
            kind=c["kind"], lemmas=tuple(c["lemmas"]), verb=c["verb"], subject=c["subject"], objects=tuple(p for p in objects if p),
            agent=c["agent"], complement=c["complement"], adjuncts=tuple(c["adjuncts"]), reasons=tuple(c["reasons"]),
            purposes=tuple(c["purposes"]), start=c["start"], end=c["end"], rule=c["rule"],
        )


def parse(sentence: str, grammar: Grammar) -> Parse:
    """Return the clauses, appositions and noun phrases of one sentence."""
    if not sentence.strip():
        return Parse(sentence, (), (), ())
    return _Builder(sentence, grammar).build()


def describe(p: Parse) -> list[str]:
    """Return one readable line per clause and apposition (for debugging and tests)."""
    lines = []
    for c in p.clauses:
        parts = [f"{c.kind}:{'/'.join(c.lemmas)}"]
        if c.verb:
            parts.append(c.verb.voice + (" neg" if c.verb.negated else ""))
        for name, value in (("subj", c.subject), ("agent", c.agent), ("comp", c.complement)):
            if value:
                parts.append(f"{name}=[{value.text}]")
        parts += [f"obj=[{o.text}]" for o in c.objects]
        parts += [f"{a.preposition}:{a.kind}=[{a.phrase.text}]" for a in c.adjuncts]
        parts += [f"reason({m.rule})=[{m.phrase.text}]" for m in c.reasons]
        parts += [f"purpose({m.rule})=[{m.phrase.text}]" for m in c.purposes]
        lines.append(" ".join(parts))
    lines += [f"apposition({a.rule}): [{a.head.text}] = [{a.description.text}]" for a in p.appositions]
    return lines
