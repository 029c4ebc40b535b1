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

# "Did ...", "Is ...", "Wasn't ...": the auxiliary, then the clause it was lifted from.
YESNO = re.compile(
    r"^(?P<aux>is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|may|might|must|shall)"
    r"(?P<neg>n['\u2019]t|\s+not)?\s+(?P<body>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
# "Is Ann Lee the mayor of Elmford?": a copula, a name, then the role it asks about.
ROLE_QUESTION = re.compile(r"^(?P<holder>(?:[A-Z][\w.'\u2019-]*\s+){0,4}[A-Z][\w.'\u2019-]*)\s+(?P<role>(?:the|a|an)\s+.+)$")
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
    # Words the lexicon reads as verbs first ("the harbour board [accept]"), then any that parse as one.
    places = [at for at in range(1, len(words)) if (lexicon_tag(words[at].lower()) or "").startswith("VB")]
    places += [at for at in range(1, len(words)) if at not in places]
    for at in places:
        parsed = parse(" ".join([*words[:at], aux, *words[at:]]), grammar)
        clause = next((c for c in parsed.clauses if c.verb is not None), None)
        if clause is not None and clause.subject is not None and words[at].lower() in clause.verb.text.lower().split():
            return clause
    return None


def verdicts(frame: YesNoFrame, parsed: Parse, grammar: Grammar, lex: Lexicon) -> list[Verdict]:
    """Return the clauses of a parsed sentence that answer the question, with their answer."""
    if frame.role is not None:
        return _identity(frame, parsed, grammar)
    found = []
    sentence_stems = content_stems(parsed.sentence, grammar)
    for clause in parsed.clauses:
        relation = _relation(frame.predicate, clause, lex)
        if relation is None:
            continue
        agreement = _agreement(frame.arguments, clause, sentence_stems, grammar, lex)
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


def _agreement(arguments, clause: Clause, sentence_stems: frozenset, grammar: Grammar, lex: Lexicon) -> float:
    """Return how surely the clause is about the question's participants (0: another participant, or none)."""
    roles = roles_of(clause)
    score = AGREES
    for argument in arguments:
        if not argument.stems:
            continue
        wanted = set().union(*(lex.word_variants(s) for s in argument.stems)) | set(argument.stems)
        phrase = roles.get(argument.role)
        if phrase is not None:
            if wanted & content_stems(phrase.text, grammar):
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


def _identity(frame: YesNoFrame, parsed: Parse, grammar: Grammar) -> list[Verdict]:
    """Return "yes" where the sentence gives the holder the role, "no" where it gives the role to another."""
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
        if not role <= content_stems(description.text, grammar):
            continue  # not this role (a president of another country is no answer)
        start, end = min(named.start, description.start), max(named.end, description.end)
        if holder & content_stems(named.text, grammar):
            found.append(Verdict(YES, start, end, f"yesno-role-{rule}", ROLE_NAMED))
        elif named.text[:1].isupper():
            found.append(Verdict(NO, start, end, f"yesno-other-holder-{rule}", OTHER_HOLDER))
    return found
