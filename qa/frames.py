"""Question frames: a question read as a clause with a gap, and the spans of a sentence that fill it.

Public API:
    question_frame(question: str, grammar: Grammar) -> Frame | None
    fill(frame: Frame, parsed: Parse, same_predicate: Callable[[str, str], bool]) -> list[Filler]

Records (frozen):
    Argument(role, text, stems, preposition)
        role: agent | patient | recipient | complement | adjunct; stems are the content-word stems
    Frame(question, predicate, voice, negated, slot, gap_role, noun, arguments, target, role_nouns, rule, confidence)
        slot: agent, patient, recipient, time, place, reason, purpose, amount, description, manner,
              identity, or adjunct-<preposition> ("at which bank")
        gap_role: the grammatical role the wh-phrase has (for "how many people died": agent)
        describe() gives a one-line summary used by the rule examples
    Filler(start, end, text, role, clause, rule, confidence, negated)
        a span of the sentence (parsed.sentence[start:end] == text) that fills the slot

The question patterns are rules/frames.toml (first match wins; a rule whose body does not
parse into a clause passes to the next). The body of the question is made declarative
("Why was the plan dropped" -> "the plan was dropped") and parsed by qa.clauses.parse, so
questions and sentences share one analysis. `same_predicate` is the caller's synonym test
(the project's thesaurus); equal lemmas always match.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Callable

from qa.clauses import DETERMINERS, PRONOUNS, Clause, Grammar, Parse, Phrase, group_tokens, parse, repair_tags, tokenize
from qa.tagging import lexicon_tag
from qa.text import stem

PLACEHOLDER = "someone"  # stands for the wh-phrase in a subject question; chunked as a noun phrase
CORE_ROLES = ("agent", "patient", "recipient", "complement")
CLASH = 0.0  # a named argument contradicted by the clause: the clause is about something else
ABSENT = 0.6  # a named argument found nowhere in the sentence
ELSEWHERE = 0.9  # a named argument found in the sentence, outside the clause
PRONOUN_ARG = 0.75  # the clause has a pronoun where the question names the argument
DERIVED = 0.8  # a nominalisation or role noun states the predicate less surely than a verb
NOUN_OF = re.compile(r"\b([A-Za-z][\w-]*)\s+of\s+(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+)?(?=[£$€¥\d])")
AMOUNT = re.compile(
    r"(?:(?:tens|hundreds|thousands|millions)\s+of\s+(?:thousands|millions|billions))"
    r"|(?:[£$€¥]\s?)?\d[\d,.]*(?:\s?(?:m|bn|k|million|billion|trillion|thousand|hundred|per\s?cent|percent|%)\b)?"
    r"(?:\s(?:euros?|dollars?|pounds?|yen|yuan|francs?|rupees?|roubles?|rubles?|pesos?|dinars?|pence|cents?)\b)?"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|dozens?)\b"
    r"(?!-(?:off|time|way|sided|stop)\b)(?:\s(?:million|billion|thousand|hundred))?",  # not "a [one]-off charge"
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Argument:
    """A participant the question names, with the role it plays."""

    role: str
    text: str
    stems: frozenset
    preposition: str = ""


@dataclass(frozen=True)
class Frame:
    """A question as a declarative clause with one gap, the slot the answer fills."""

    question: str
    predicate: str
    voice: str
    negated: bool
    slot: str
    gap_role: str
    noun: str | None
    arguments: tuple[Argument, ...]
    target: str | None
    role_nouns: tuple[str, ...]
    rule: str
    confidence: float
    grammar: Grammar = field(repr=False, compare=False, default=None)  # the word classes fill() compares with

    def describe(self) -> str:
        """Return '<predicate> <voice> <slot> [noun=..] [target=..] [role=text]...'."""
        parts = [self.predicate or "-", self.voice, self.slot]
        if self.noun:
            parts.append(f"noun={self.noun}")
        if self.target:
            parts.append(f"target={self.target}")
        for a in self.arguments:
            name = f"adjunct-{a.preposition}" if a.role == "adjunct" else a.role
            parts.append(f"{name}={a.text}")
        return " ".join(parts)


@dataclass(frozen=True)
class Filler:
    """A span of a sentence that fills a question's slot."""

    start: int
    end: int
    text: str
    role: str
    clause: Clause | None
    rule: str
    confidence: float
    negated: bool


def content_stems(text: str, grammar: Grammar) -> frozenset:
    """Return the stems of a text's content words (no stop words, determiners or pronouns)."""
    words = re.findall(r"[\w]+", text.lower())
    return frozenset(stem(w) for w in words if w not in grammar.stopwords and w not in DETERMINERS and w not in PRONOUNS and w != "s")


# --- question -> frame ---------------------------------------------------------------------


def _clean(question: str) -> str:
    q = question.strip().rstrip("?.! ").strip()
    q = re.sub(r"^(?:according\s+to\s+[^,]+,\s*|and\s+|so\s+|but\s+)", "", q, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", q)


def declarative(aux: str, body: str, grammar: Grammar) -> str:
    """Return the body with its auxiliary put back after the subject ("the plan" + "was" + "dropped")."""
    if not aux:
        return body
    tokens = tokenize(body, grammar)
    repair_tags(tokens, grammar)
    groups = group_tokens(tokens, grammar)
    if not groups or groups[0].kind != "NP":
        return f"{aux} {body}"
    end = 1
    while end + 1 < len(groups) and groups[end].kind in ("PP", "POS") and groups[end + 1].kind == "NP" and \
            tokens[groups[end].i].lower in ("of", "'s", "\u2019s"):
        end += 2
    has_verb = end < len(groups) and groups[end].kind in ("VP", "ADVP")
    cut = tokens[groups[end - 1].j - 1].end
    last = tokens[groups[end - 1].j - 1]
    if not has_verb and groups[end - 1].j - groups[end - 1].i >= 2 and last.tag.startswith("NN") and not last.tag.startswith("NNP"):
        cut = last.start  # "how much will the bridge cost": "cost" is the verb
        return f"{body[:cut].rstrip()} {aux} {body[cut:]}"
    return f"{body[:cut]} {aux}{body[cut:]}"


def roles_of(clause: Clause) -> dict[str, Phrase]:
    """Return the clause's participants by semantic role (the voice undone)."""
    roles: dict[str, Phrase] = {}
    objects = list(clause.objects)
    if clause.voice == "passive":
        if clause.subject:
            roles["recipient" if objects else "patient"] = clause.subject
        if objects:
            roles["patient"] = objects[-1]
        if clause.agent:
            roles["agent"] = clause.agent
    else:
        if clause.subject:
            roles["agent"] = clause.subject
        if len(objects) >= 2:
            roles["recipient"], roles["patient"] = objects[0], objects[-1]
        elif objects:
            roles["patient"] = objects[0]
        if clause.agent:
            roles["agent"] = clause.agent
    if clause.complement and clause.kind != "role":
        roles["complement"] = clause.complement
    for adjunct in clause.adjuncts:
        if adjunct.preposition == "to" and "recipient" not in roles and objects:
            roles["recipient"] = adjunct.phrase
    return roles


def _starts_with_verb(body: str, grammar: Grammar) -> bool:
    tokens = tokenize(body, grammar)
    repair_tags(tokens, grammar)
    groups = group_tokens(tokens, grammar)
    return bool(groups) and groups[0].kind == "VP"


def _frame_clause(p: Parse, grammar: Grammar, gap: str = "subject") -> Clause | None:
    verbal = [c for c in p.clauses if c.verb is not None]
    if not verbal:
        return None
    main = verbal[0]
    if gap == "object" and len(verbal) > 1:
        # "what did X say the plan would ensure": the gap is in the last clause lacking its object
        lacking = [c for c in verbal if not c.objects and c.complement is None and c.verb.lemma not in grammar.words["copulas"]]
        if lacking:
            main = lacking[-1]
            if main is not verbal[0]:
                return main
    # "Who is expected to cut the cost": the question is about cutting.
    for c in verbal[1:]:
        if c.kind == "infinitive" and main.verb.lemma in grammar.words["infinitive_complements"]:
            if main.verb.voice == "passive" or main.verb.lemma in grammar.words["infinitive_complements"]:
                return c
    return main


def _is_placeholder(phrase: Phrase | None) -> bool:
    return phrase is not None and phrase.text.lower() == PLACEHOLDER


def _frame(q: str, m: re.Match, rule, grammar: Grammar) -> Frame | None:
    groups = m.groupdict()
    slot, gap = rule.get("slot"), rule.get("gap")
    noun = groups.get("noun")
    conf = float(rule.get("confidence"))
    if gap == "none":
        target = groups.get("target")
        first = (target or "").split(" ", 1)[0]
        if slot == "description" and any(w.islower() and (lexicon_tag(w) or "") in ("VBN", "VBD", "VBG") for w in (target or "").split()):
            return None  # "who was arrested", "what was X nicknamed": a passive, not a name
        args = ()
        if slot == "identity" and target:
            args = (Argument("complement", target, content_stems(target, grammar)),)
        head = re.findall(r"\w+", (target or "").lower())
        role_verbs = ()
        for word in head:
            role_verbs = grammar.role_nouns.get(word, role_verbs)
        return Frame(q, "be", "active", False, slot, slot, noun, args, target if slot == "description" else None,
                     tuple(role_verbs), rule.name, conf, grammar)
    aux, body = (groups.get("aux") or "").strip(), (groups.get("body") or "").strip()
    prep = groups.get("prep")
    stranded = None
    if gap == "subject":
        decl = f"{PLACEHOLDER} {aux + ' ' if aux else ''}{body}"
    else:
        last = body.rsplit(" ", 1)
        if gap == "object" and len(last) == 2 and re.fullmatch(r"to|for|from|with|at|in|on|about|into|against|of|by", last[1], re.IGNORECASE):
            stranded, body = last[1].lower(), last[0]
        decl = declarative(aux, body, grammar)
    stranded = stranded or (prep.lower() if prep else None)
    if gap == "object" and aux and _starts_with_verb(body, grammar):
        return None  # "who will run the firm": the wh-word is the subject
    p = parse(decl, grammar)
    clause = _frame_clause(p, grammar, gap)
    if gap == "subject" and groups.get("wh", "who").lower() in ("which", "what") and not aux and \
            (clause is None or not _is_placeholder(clause.subject) or clause.verb.start != len(PLACEHOLDER) + 1):
        # "which two aircraft makers are fighting": the wh-phrase is the body's own first noun phrase
        p2 = parse(body, grammar)
        c2 = _frame_clause(p2, grammar, gap)
        if c2 is not None and c2.subject is not None and c2.subject.start == 0:
            noun = c2.subject.text
            p, clause = p2, c2
            decl = PLACEHOLDER  # the subject is the wh-phrase itself
    if clause is None:
        return None
    roles = roles_of(clause)
    if gap == "subject":
        gap_role = next((r for r, ph in roles.items() if _is_placeholder(ph) or (decl == PLACEHOLDER and ph is clause.subject)), "agent")
        if clause.verb.lemma in grammar.words["copulas"] and clause.voice == "active":
            gap_role = "identity"
    elif stranded:
        if stranded == "by" and clause.voice == "passive":
            gap_role = "agent"
        elif stranded == "to" and (clause.objects or clause.voice == "passive"):
            gap_role = "recipient"
        else:
            gap_role = f"adjunct-{stranded}"
    elif gap == "object":
        gap_role = "patient"
        if clause.verb.lemma in grammar.words["copulas"] and clause.voice == "active":
            gap_role = "complement"
    else:
        gap_role = slot
    args = []
    for role, ph in roles.items():
        if _is_placeholder(ph) or (decl == PLACEHOLDER and ph is clause.subject) or (role == "recipient" and any(a.phrase is ph for a in clause.adjuncts)):
            continue
        args.append(Argument(role, ph.text, content_stems(ph.text, grammar)))
    for adjunct in clause.adjuncts:
        if _is_placeholder(adjunct.phrase) or roles.get("recipient") is adjunct.phrase:
            continue
        args.append(Argument("adjunct", adjunct.phrase.text, content_stems(adjunct.phrase.text, grammar), adjunct.preposition))
    if slot == "gap":
        slot = gap_role
    if noun and noun.split()[0].lower() in grammar.words["amount_nouns"]:
        slot = "amount"  # "what share of the problems has been solved": the answer is a figure
    lemma_ = clause.verb.lemma
    particle = re.match(r"\s+(\w+)", p.sentence[clause.verb.end:])
    if particle and f"{lemma_} {particle.group(1).lower()}" in grammar.words["phrasal_verbs"]:
        lemma_ = f"{lemma_} {particle.group(1).lower()}"  # "how much did the lab bring in": the verb is "bring in"
    return Frame(q, lemma_, clause.voice, clause.negated, slot, gap_role, noun, tuple(args), None,
                 tuple(grammar.role_verbs.get(clause.verb.lemma, ())), rule.name, conf, grammar)


# "What is the name of the training ground": no clause states it; the name stands beside its noun.
NAME_OF = re.compile(r"^what\s+(?:is|was|are|were)\s+the\s+names?\s+of\b", re.IGNORECASE)


def question_frame(question: str, grammar: Grammar) -> Frame | None:
    """Return the question as a declarative frame with its wh-slot, or None if no rule reads it."""
    q = _clean(question)
    if NAME_OF.match(q):
        return None
    for rule in grammar.frames:
        m = rule.regex.match(q)
        if m:
            frame = _frame(q, m, rule, grammar)
            if frame is not None:
                return frame
    return None


# --- frame x sentence -> fillers -------------------------------------------------------------


def _pronoun(phrase: Phrase) -> bool:
    words = re.findall(r"\w+", phrase.text.lower())
    return bool(words) and all(w in PRONOUNS for w in words)


def _overlap(stems: frozenset, phrase: Phrase, grammar: Grammar) -> float:
    if not stems:
        return 1.0
    return len(stems & content_stems(phrase.text, grammar)) / len(stems)


def _agreement(frame: Frame, clause: Clause, roles: dict[str, Phrase], sentence_stems: frozenset, grammar: Grammar) -> float:
    """Return how well the clause's participants agree with those the question names (0 = a clash)."""
    score = 1.0
    for arg in frame.arguments:
        if not arg.stems:
            continue
        if arg.role in CORE_ROLES:
            ph = roles.get(arg.role)
            if ph is None and arg.role == "complement" and frame.slot == "identity":
                return CLASH  # "who is X's boss": a clause that calls no one anything identifies no one
            if ph is not None:
                if _pronoun(ph):
                    score *= PRONOUN_ARG
                    continue
                frac = _overlap(arg.stems, ph, grammar)
                if frac == 0:
                    # voice alternation in the question itself ("who was the club bought by") is undone
                    # already; a clash here means another participant.
                    return CLASH
                score *= 0.7 + 0.3 * frac
                continue
        else:
            same = [a for a in clause.adjuncts if a.preposition == arg.preposition]
            if any(_overlap(arg.stems, a.phrase, grammar) > 0 for a in same):
                continue
            if same:
                return CLASH  # "reported from Astana" is not "reported from Warsaw"
        found = len(arg.stems & sentence_stems) / len(arg.stems)
        score *= ELSEWHERE if found >= 0.5 else (ABSENT + (ELSEWHERE - ABSENT) * found)
    return score


def _predicate(frame: Frame, clause: Clause, same_predicate: Callable[[str, str], bool], sentence: str = "") -> float:
    verb, _, particle = frame.predicate.partition(" ")
    for lemma_ in clause.lemmas:
        if lemma_ == frame.predicate or stem(lemma_) == stem(frame.predicate) or same_predicate(frame.predicate, lemma_):
            return 1.0 if clause.verb is not None else DERIVED
        # "set up" asked, "[set] up" said: the verb with its particle after it
        if particle and clause.verb is not None and lemma_ == verb and \
                re.match(rf"\s+{re.escape(particle)}\b", sentence[clause.verb.end:], re.IGNORECASE):
            return 1.0
    return 0.0


def _amounts(phrase: Phrase) -> list[tuple[int, int]]:
    return [(phrase.start + m.start(), phrase.start + m.end()) for m in AMOUNT.finditer(phrase.text)]


def _slot_phrases(frame: Frame, clause: Clause, roles: dict[str, Phrase]) -> list[tuple[Phrase, str, float]]:
    """Return the clause's phrases that can fill the frame's slot, with a route name and weight."""
    slot = frame.slot
    out: list[tuple[Phrase, str, float]] = []
    if slot in ("agent", "patient", "recipient", "identity", "complement"):
        role = "agent" if slot == "identity" else slot
        if role in roles:
            out.append((roles[role], role, 1.0))
        if slot == "agent" and clause.kind == "role" and clause.subject:
            out.append((clause.subject, "role-holder", 0.9))
    elif slot.startswith("adjunct-"):
        prep = slot.split("-", 1)[1]
        out += [(a.phrase, f"adjunct-{prep}", 1.0) for a in clause.adjuncts if a.preposition == prep]
        if prep == "by" and clause.agent:
            out.append((clause.agent, "agent", 0.9))
    elif slot in ("time", "place", "manner"):
        out += [(a.phrase, f"{slot}-{a.preposition}", 1.0) for a in clause.adjuncts if a.kind == slot]
        if slot == "manner":
            out += [(a.phrase, "by-gerund", 0.9) for a in clause.adjuncts if a.preposition == "by" and a.kind != "manner"]
    elif slot in ("reason", "purpose"):
        first, second = (clause.reasons, clause.purposes) if slot == "reason" else (clause.purposes, clause.reasons)
        out += [(m.phrase, f"{m.relation}-{m.rule}", m.confidence) for m in first]
        out += [(m.phrase, f"{m.relation}-{m.rule}", m.confidence * 0.7) for m in second]
        if slot == "reason" and clause.voice == "passive" and clause.agent and not _pronoun(clause.agent):
            out.append((clause.agent, "passive-cause", 0.4))
    elif slot == "amount":
        preferred = frame.gap_role if frame.gap_role in roles else None
        ordered = ([roles[preferred]] if preferred else []) + [p for r, p in roles.items() if r != preferred]
        ordered += [a.phrase for a in clause.adjuncts]
        for k, ph in enumerate(ordered):
            for start, end in _amounts(ph):
                out.append((Phrase(start, end, "", ph.head), "amount", 1.0 if k == 0 else 0.8))
                break
    return out


def _describe(frame: Frame, parsed: Parse, grammar: Grammar) -> list[Filler]:
    target = content_stems(frame.target or "", grammar)
    out = []
    if not target:
        return out
    for a in parsed.appositions:
        if target & content_stems(a.head.text, grammar):
            out.append(Filler(a.description.start, a.description.end, a.description.text, "description", None,
                              f"{frame.rule}/{a.rule}", frame.confidence * 0.9, False))
    for c in parsed.clauses:
        if c.verb is not None and c.complement is not None and c.subject is not None and c.voice == "active" and \
                c.verb.lemma in grammar.words["copulas"] and target & content_stems(c.subject.text, grammar):
            out.append(Filler(c.complement.start, c.complement.end, c.complement.text, "description", c,
                              f"{frame.rule}/copula", frame.confidence * 0.8, c.negated))
        if c.verb is not None and c.subject is not None and target & content_stems(c.subject.text, grammar):
            # "Jo Park faces her first test as finance minister"
            for a in c.adjuncts:
                if a.preposition == "as":
                    out.append(Filler(a.phrase.start, a.phrase.end, a.phrase.text, "description", c, f"{frame.rule}/as-adjunct",
                                      frame.confidence * 0.6, c.negated))
        if c.kind == "relative" and c.subject is not None and target & content_stems(c.subject.text, grammar):
            start, end = c.verb.start, c.end
            out.append(Filler(start, end, parsed.sentence[start:end], "description", c, f"{frame.rule}/relative-clause",
                              frame.confidence * 0.5, c.negated))
    return out


def _identify(frame: Frame, parsed: Parse, grammar: Grammar) -> list[Filler]:
    wanted = content_stems(frame.arguments[0].text, grammar) if frame.arguments else frozenset()
    out = []
    if not wanted:
        return out
    # A role is identified only by a description holding all of it: "the Ukrainian capital, X"
    # names no capital of Kazakhstan, "President X" no president of Peru.
    for a in parsed.appositions:
        frac = len(wanted & content_stems(a.description.text, grammar)) / len(wanted)
        if frac == 1.0:
            out.append(Filler(a.head.start, a.head.end, a.head.text, "identity", None, f"{frame.rule}/{a.rule}",
                              frame.confidence * (0.5 + 0.4 * frac), False))
    for c in parsed.clauses:
        if c.verb is not None and c.complement is not None and c.subject is not None and c.voice == "active":
            frac = len(wanted & content_stems(c.complement.text, grammar)) / len(wanted)
            if frac == 1.0 and not _pronoun(c.subject):
                out.append(Filler(c.subject.start, c.subject.end, c.subject.text, "identity", c, f"{frame.rule}/copula",
                                  frame.confidence * (0.5 + 0.4 * frac), c.negated))
    return out


def _premodified_amounts(frame: Frame, parsed: Parse, grammar: Grammar) -> list[Filler]:
    """Return amounts written before the noun the question asks about ("a £90m stadium")."""
    heads = set()
    for arg in frame.arguments:
        if arg.role in CORE_ROLES:
            words = re.findall(r"\w+", arg.text.lower())
            if words:
                heads.add(stem(words[-1]))
    asked = set(heads)
    if frame.noun:  # "how big a one-off [charge]": the noun whose amount is asked
        asked.add(stem(re.findall(r"\w+", frame.noun.lower())[-1]))
    out = []
    for ph in parsed.phrases:
        words = re.findall(r"\w+", ph.text.lower())
        if words and stem(words[-1]) in heads:
            for start, end in _amounts(ph):
                if end < ph.end:
                    out.append(Filler(start, end, parsed.sentence[start:end], "amount", None, f"{frame.rule}/premodifier",
                                      frame.confidence * 0.7, False))
                    break
    # "a one-off charge of [790m euros]", "a fine of [£5m]": the amount after the noun and "of".
    for m in NOUN_OF.finditer(parsed.sentence):
        if stem(m.group(1).lower()) in asked:
            amount = AMOUNT.match(parsed.sentence, m.end())
            if amount and re.search(r"\d", amount.group()):
                out.append(Filler(amount.start(), amount.end(), amount.group(), "amount", None, f"{frame.rule}/noun-of-amount",
                                  frame.confidence * 0.8, False))
    return out


def _ranges(fillers: list[Filler], parsed: Parse) -> list[Filler]:
    """Return 'from X until Y' as one filler when both ends fill a time slot in one clause."""
    out = []
    for a in fillers:
        for b in fillers:
            if a.clause is not None and a.clause is b.clause and a.end < b.start:
                between = parsed.sentence[a.end:b.start].strip().lower()
                if between in ("until", "to", "till", "and") and parsed.sentence[:a.start].rstrip().lower().endswith(("from", "between")):
                    start = parsed.sentence[:a.start].rstrip().rfind(" ") + 1
                    out.append(Filler(start, b.end, parsed.sentence[start:b.end], a.role, a.clause, a.rule + "/range",
                                      max(a.confidence, b.confidence) * 1.05, a.negated))
    return out


BASED = re.compile(r"\b([A-Z][\w.]*(?:\s[A-Z][\w.]*)*)-based\b")


def _based(frame: Frame, parsed: Parse) -> list[Filler]:
    """Return the place of "a Geneva-based firm" for "where is the firm based"."""
    return [Filler(m.start(1), m.end(1), m.group(1), "place", None, f"{frame.rule}/place-based", frame.confidence * 0.7, False)
            for m in BASED.finditer(parsed.sentence)]


def _names_for(fillers: list[Filler], parsed: Parse) -> list[Filler]:
    """Return the name written beside a filler that describes a person or body ("One woman, [Jo Park],")."""
    named = []
    for f in fillers:
        if f.role not in ("agent", "patient", "recipient", "identity"):
            continue
        for a in parsed.appositions:
            inside = f.start <= a.head.start and a.head.end <= f.end and a.head.end - a.head.start < f.end - f.start
            described = a.description.start == f.start and a.description.end == f.end
            if inside or described:
                named.append(Filler(a.head.start, a.head.end, a.head.text, f.role, f.clause, f"{f.rule}/name-{a.rule}",
                                    f.confidence * 1.05, f.negated))
    return named


CONVERSE = 0.9  # a frame read through its converse verb ("X lost to Y" for "who defeated X") is a step away


def converses(frame: Frame) -> list[Frame]:
    """Return the frame told from the other side, once per converse verb (rules/words/converses.txt).

    "Who defeated Jo?" (defeat; agent asked; patient Jo) is also "Jo lost to whom?"
    (lose; adjunct-to asked; agent Jo), and back.
    """
    found = []
    for verb, prep, forward, cause in (frame.grammar.converses.get(frame.predicate, ()) if frame.grammar else ()):
        # Roles of the first verb -> roles of its converse, and the reverse.
        mapping = {"agent": f"adjunct-{prep}", "patient": "agent"} if forward else {"agent": "patient", f"adjunct-{prep}": "agent"}
        if cause and not forward:
            mapping["reason"] = "agent"  # "why did the bank suffer" asks what hit it
        arguments = []
        for a in frame.arguments:
            key = f"adjunct-{a.preposition}" if a.role == "adjunct" else a.role
            role = mapping.get(key, key)
            if role.startswith("adjunct-"):
                arguments.append(Argument("adjunct", a.text, a.stems, role.split("-", 1)[1]))
            else:
                arguments.append(Argument(role, a.text, a.stems, ""))
        found.append(
            dataclasses.replace(
                frame, predicate=verb, arguments=tuple(arguments), slot=mapping.get(frame.slot, frame.slot),
                gap_role=mapping.get(frame.gap_role, frame.gap_role), rule=f"{frame.rule}/converse",
                confidence=frame.confidence * CONVERSE,
            )
        )
    return found


def fill(frame: Frame, parsed: Parse, same_predicate: Callable[[str, str], bool]) -> list[Filler]:
    """Return the spans of the parsed sentence that fill the frame's slot, best first."""
    g = frame.grammar
    if frame.slot == "description":
        return sorted(_describe(frame, parsed, g), key=lambda f: -f.confidence)
    out: list[Filler] = []
    if frame.slot == "identity":
        out += _identify(frame, parsed, g)
    sentence_stems = content_stems(parsed.sentence, g)
    for other in converses(frame):
        # The converse verb itself only: a synonym of a synonym ("employ", "work", "labour") is too far.
        # A filler keeps the role the question asks for ("why": a reason, though it is what hit).
        out += [dataclasses.replace(f, role=frame.slot) for f in _fill_clauses(other, parsed, lambda a, b: False, sentence_stems)]
    out += _fill_clauses(frame, parsed, same_predicate, sentence_stems)
    if frame.slot == "amount":
        out += _premodified_amounts(frame, parsed, g)
    if frame.slot == "place" and frame.predicate == "base":
        out += _based(frame, parsed)
    out += _names_for(out, parsed)
    if frame.slot == "time":
        out += _ranges(out, parsed)
    best: dict[tuple[int, int], Filler] = {}
    for f in out:
        key = (f.start, f.end)
        if key not in best or f.confidence > best[key].confidence:
            best[key] = f
    return sorted(best.values(), key=lambda f: (-f.confidence, f.start))


def _fill_clauses(frame: Frame, parsed: Parse, same_predicate: Callable[[str, str], bool], sentence_stems: frozenset) -> list[Filler]:
    """Return the slot fillers of the clauses that state the frame's predicate and agree with its arguments."""
    g = frame.grammar
    out: list[Filler] = []
    for clause in parsed.clauses:
        match = _predicate(frame, clause, same_predicate, parsed.sentence)
        if not match:
            continue
        roles = roles_of(clause)
        agree = _agreement(frame, clause, roles, sentence_stems, g)
        if agree <= 0:
            continue
        named = [roles.get(a.role) for a in frame.arguments if a.role in CORE_ROLES]
        for ph, route, weight in _slot_phrases(frame, clause, roles):
            if any(n is not None and n.start == ph.start and n.end == ph.end for n in named):
                continue
            if _is_placeholder(ph):
                continue
            text = parsed.sentence[ph.start:ph.end]
            conf = frame.confidence * match * agree * weight * (0.5 if _pronoun(ph) else 1.0)
            out.append(Filler(ph.start, ph.end, text, frame.slot, clause, f"{frame.rule}/{clause.rule}/{route}", conf, clause.negated))
    return out

