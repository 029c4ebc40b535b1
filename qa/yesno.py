"""Yes/no questions: whether a clause of a sentence states what the question asks, its negation, or neither.

"Did the council approve the bridge?" is read as the clause "the council
did approve the bridge" (`yesno_frame`); a sentence clause with the same
predicate (or a variant) and the same participants answers "yes" when its
polarity is the question's, "no" when it is the opposite; a clause with the
predicate's antonym ("rejected") and the same participants answers "no";
"Is X the president of Y?" is "no" when the text names another holder of
that role. A sentence that says none of this gives no verdict: the service
never answers "no" because the text is silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.clauses import Clause, Grammar, Parse, parse
from qa.frames import CORE_ROLES, Argument, content_stems, declarative, roles_of
from qa.lexicon import Lexicon
from qa.tagging import lexicon_tag
from qa.text import stem

# "Did ...", "Is ...", "Wasn't ...": the auxiliary, then the clause it was lifted from.
YESNO = re.compile(
    r"^(?P<aux>is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|may|might|must|shall)"
    r"(?P<neg>n['\u2019]t|\s+not)?\s+(?P<body>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
# "Is Ann Lee the mayor of Elmford?": a copula, a name, then the role it asks about.
ROLE_QUESTION = re.compile(
    r"^(?P<holder>(?!(?:the|a|an|this|that|it|there)\b)(?:[\w.'\u2019-]+\s+){0,4}?[\w.'\u2019-]+)\s+(?P<role>(?:the|a|an)\s+.+)$",
    re.IGNORECASE,
)
COPULAS = frozenset({"is", "are", "was", "were"})
DO_SUPPORT = frozenset({"do", "does", "did"})
YES, NO = "yes", "no"
AGREES = 1.0  # every participant the question names is the clause's, in its role
ELSEWHERE = 0.7  # a participant the question names is in the sentence, not in the clause's role
ROLE_NAMED = 0.85  # "Is X the mayor?": the sentence names X with that role
OTHER_HOLDER = 0.7  # "Is X the mayor?": the sentence names someone else with that role


@dataclass(frozen=True)
class YesNoFrame:
    """A yes/no question as a clause: predicate, participants, polarity; or a role question's holder and role."""

    predicate: str
    negated: bool
    arguments: tuple[Argument, ...]
    holder: str | None = None  # "Is [Ann Lee] the mayor of Elmford?"
    role: str | None = None  # "Is Ann Lee [the mayor of Elmford]?"


@dataclass(frozen=True)
class Verdict:
    """A clause that answers a yes/no question, and how."""

    answer: str  # "yes" or "no"
    start: int  # the supporting clause's span in the sentence
    end: int
    rule: str
    confidence: float


def yesno_frame(question: str, grammar: Grammar) -> YesNoFrame | None:
    """Return the clause a yes/no question asks about, or None when it is no yes/no question."""
    match = YESNO.match(question.strip())
    if match is None:
        return None
    aux, body = match.group("aux").lower(), match.group("body")
    negated = match.group("neg") is not None
    role = ROLE_QUESTION.match(body) if aux in COPULAS else None
    if role is not None:
        return YesNoFrame("be", negated, (), role.group("holder"), role.group("role"))
    clause = _do_clause(aux, body, grammar) if aux in DO_SUPPORT else None
    if clause is None:
        # "was the plan dropped" needs its auxiliary back after the subject to be a passive.
        parsed = parse(declarative(aux, body, grammar), grammar)
        clause = next((c for c in parsed.clauses if c.verb is not None), None)
    if clause is None:
        return None
    if clause.verb.lemma in grammar.words["copulas"] and clause.complement is not None and clause.subject is not None:
        return YesNoFrame("be", negated or clause.negated, (), clause.subject.text, clause.complement.text)
    arguments = tuple(
        Argument(role, phrase.text, content_stems(phrase.text, grammar)) for role, phrase in roles_of(clause).items() if role in CORE_ROLES
    )
    return YesNoFrame(clause.verb.lemma, negated or clause.negated, arguments)


def _do_clause(aux: str, body: str, grammar: Grammar) -> Clause | None:
    """Return the clause of "did [local traders welcome the decision]", the auxiliary put back before its verb.

    The tagger reads a bare verb after a subject poorly ("welcome" as an
    adjective); with the auxiliary before it, it reads a verb. The first
    place after which the clause's verb is the word that follows wins.
    """
    words = body.split()
    # Words the lexicon reads as verbs first ("the harbour board [accept]"), then base forms of the
    # irregular verbs ("fall"), then adjectives the tagger prefers ("welcome", "open"); nouns never.
    def preference(at: int) -> int:
        word = words[at].lower()
        tag = lexicon_tag(word) or ""
        return 0 if tag.startswith("VB") else 1 if word in grammar.bases else 2 if tag.startswith("JJ") or not tag else 3

    places = sorted((at for at in range(1, len(words)) if preference(at) < 3), key=lambda at: (preference(at), at))
    for at in places:
        parsed = parse(" ".join([*words[:at], aux, *words[at:]]), grammar)
        clause = next((c for c in parsed.clauses if c.verb is not None), None)
        if clause is not None and clause.subject is not None and words[at].lower() in clause.verb.text.lower().split():
            return clause
    return None


def verdicts(frame: YesNoFrame, parsed: Parse, grammar: Grammar, lex: Lexicon, entities=()) -> list[Verdict]:
    """Return the clauses of a parsed sentence that answer the question, with their answer.

    entities: the sentence's people, with what the document calls them (their
    titles and appositions gathered at index time), for role questions.
    """
    if frame.role is not None:
        return _identity(frame, parsed, grammar, lex) + _holders(frame, parsed.sentence, entities, lex)
    found = []
    for clause in parsed.clauses:
        relation = _relation(frame.predicate, clause, lex)
        if relation is None:
            continue
        agreement = _agreement(frame.arguments, clause, parsed, grammar, lex)
        if agreement == 0:
            continue
        same_polarity = clause.negated == frame.negated
        if relation == "same":
            answer = YES if same_polarity else NO
        elif same_polarity:
            answer = NO  # "rejected" for "did they approve"
        else:
            continue  # "did not reject" says nothing of approving
        rule = f"yesno-{relation}-predicate" + ("" if same_polarity else "-negated")
        found.append(Verdict(answer, clause.start, clause.end, rule, agreement))
    return found


def _relation(predicate: str, clause: Clause, lex: Lexicon) -> str | None:
    """Return "same" when a clause states the predicate (or a variant), "opposite" for its antonym, else None."""
    forms = {predicate, *lex.verb_forms.get(predicate, ())}
    opposites = set().union(*(lex.antonyms.get(f, frozenset()) for f in forms))
    for lemma in clause.lemmas:
        if lemma == predicate or lex.same_predicate(predicate, lemma):
            return "same"
        if lemma in opposites or any(f in opposites for f in lex.verb_forms.get(lemma, ())):
            return "opposite"
    return None


def _agreement(arguments, clause: Clause, parsed: Parse, grammar: Grammar, lex: Lexicon) -> float:
    """Return how surely the clause is about the question's participants (0: another participant, or none).

    A participant agrees when its words are in the clause's phrase for that
    role, or in a name or description in apposition to it ("The president,
    [Jane Doe], has not ..."); found elsewhere in the clause or sentence, it
    agrees less surely.
    """
    roles = roles_of(clause)
    sentence_stems = content_stems(parsed.sentence, grammar)
    clause_stems = content_stems(parsed.sentence[clause.start : clause.end], grammar)
    score = AGREES
    for argument in arguments:
        if not argument.stems:
            continue
        wanted = set().union(*(lex.word_variants(s) for s in argument.stems)) | set(argument.stems)
        phrase = roles.get(argument.role)
        if phrase is not None:
            said = content_stems(phrase.text, grammar).union(
                *(content_stems(a.head.text + " " + a.description.text, grammar) for a in parsed.appositions if _touches(a, phrase))
            )
            if wanted & said:
                continue
            if wanted & clause_stems:
                score *= ELSEWHERE  # "announced an extra $20m in [funding]": the words, not in the object's phrase
                continue
            if re.fullmatch(r"(?i)(?:he|she|it|they|him|her|them)", phrase.text):
                score *= ELSEWHERE  # a pronoun where the question names someone: likely, not sure
                continue
            return 0.0  # another participant: the clause is about something else
        if argument.stems & sentence_stems:
            score *= ELSEWHERE
            continue
        return 0.0  # the question names someone the sentence does not: not stated
    return score


def _holders(frame: YesNoFrame, sentence: str, entities, lex: Lexicon) -> list[Verdict]:
    """Return verdicts from the people of a sentence the document gives the role ("Secretary of State [X]").

    What the document calls a person (the title before the name, an
    apposition, the profile gathered over the document) must hold every word
    of the role, and name its place when the role names one.
    """
    words = [w for w in re.findall(r"[\w'-]+", frame.role.lower()) if w not in lex.stopwords]
    places = lex.gazetteer.places(frame.role)
    role = [w for w in words if not lex.gazetteer.places(w)]
    holder = content_words(frame.holder or "", lex)
    if not role or not holder:
        return []
    found = []
    for entity in entities:
        if entity.label != "PERSON":
            continue
        said_words = lex.titles.role_words(sentence, entity.start, entity.end) + list(entity.roles)
        said = {stem(lex.titles.canonical(w)) for w in said_words}
        if not all(lex.word_variants(w) & said for w in role):
            continue
        if places and not places & lex.gazetteer.places(" ".join(said_words)):
            continue
        span = lex.titles.title_before(sentence, entity.start)
        start = span[0] if span else entity.start
        named = content_words(f"{entity.text} {entity.canonical or ''}", lex)
        if holder & named:
            found.append(Verdict(YES, start, entity.end, "yesno-role-of-person", ROLE_NAMED))
        else:
            found.append(Verdict(NO, start, entity.end, "yesno-other-holder-of-role", OTHER_HOLDER))
    return found


def content_words(text: str, lex: Lexicon) -> set[str]:
    """Return the stems of a text's words that are no stop words or titles ("Mr", "Dr")."""
    return {stem(w) for w in re.findall(r"[\w'-]+", text.lower()) if w not in lex.stopwords and w.rstrip(".") not in lex.titles.honorifics}


def _touches(apposition, phrase) -> bool:
    """Tell whether an apposition's name or description overlaps a phrase."""
    return any(part.start < phrase.end and phrase.start < part.end for part in (apposition.head, apposition.description))


def _identity(frame: YesNoFrame, parsed: Parse, grammar: Grammar, lex: Lexicon) -> list[Verdict]:
    """Return "yes" where the sentence gives the holder the role, "no" where it gives the role to another.

    Each word of the role must be said of the person (or a variant of it:
    "nation" for "country"); a person given the role who is not the holder
    makes it "no".
    """
    role = content_stems(frame.role, grammar)
    holder = content_stems(frame.holder or "", grammar)
    if not role or not holder:
        return []
    found = []
    statements = [(a.head, a.description, a.rule) for a in parsed.appositions]
    statements += [
        (c.subject, c.complement, "copula")
        for c in parsed.clauses
        if c.verb is not None and c.subject is not None and c.complement is not None and c.verb.lemma in grammar.words["copulas"]
    ]
    for named, description, rule in statements:
        said = content_stems(description.text, grammar)
        if not all(lex.word_variants(word) & said or word in said for word in role):
            continue  # not this role (a president of another country is no answer)
        start, end = min(named.start, description.start), max(named.end, description.end)
        if holder & content_stems(named.text, grammar):
            found.append(Verdict(YES, start, end, f"yesno-role-{rule}", ROLE_NAMED))
        elif named.text[:1].isupper():
            found.append(Verdict(NO, start, end, f"yesno-other-holder-{rule}", OTHER_HOLDER))
    return found
