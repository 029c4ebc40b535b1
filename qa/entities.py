"""Entity annotation: typed spans of every sentence, found once at index time."""

from __future__ import annotations

from dataclasses import replace

from qa.discourse import analyse_document
from qa.names import find_names, surname
from qa.records import Entity, Reference
from qa.rules import Rules
from qa.store import Annotated, DocumentFacts


def find_patterns(text: str, rules: Rules) -> list[Entity]:
    """Return the non-overlapping pattern matches of a text: longest first, then file order."""
    found = []
    for order, (rule, may_match) in enumerate(zip(rules.entities, rules.entity_screen.passing(text))):
        if not may_match:
            continue  # the text lacks everything the rule needs: running it would find nothing
        for match in rule.regex.finditer(text):
            if match.end() > match.start():
                found.append((-(match.end() - match.start()), order, match, rule))
    found.sort(key=lambda item: (item[0], item[1], item[2].start()))
    taken: list[tuple[int, int]] = []
    entities = []
    for _, _, match, rule in found:
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        entities.append(Entity(start, end, match.group(), rule.get("label"), rule.name, rule.get("confidence")))
    return sorted(entities, key=lambda e: e.start)


def _part_of_name(start: int, end: int, label: str, name) -> bool:
    """Tell whether a pattern match is a word of a longer name: an opening ordinal, a colour inside."""
    if label == "ORDINAL":
        return start == name.start  # "[2nd] Battalion X"
    return label == "COLOR" and name.start <= start and end <= name.end and (start, end) != (name.start, name.end)


def annotate_sentence(text: str, rules: Rules) -> list[Entity]:
    """Return every entity of one sentence, without document context."""
    entities = find_patterns(text, rules)
    numeric = [(e.start, e.end, e.label) for e in entities]
    for name in find_names(text, rules.lexicon):
        overlapping = [(s, e, label) for s, e, label in numeric if name.start < e and s < name.end]
        if overlapping and not all(_part_of_name(s, e, label, name) for s, e, label in overlapping):
            continue  # "February" in "February 2022" is a date, not a name
        if overlapping:  # "[2nd] Battalion X", "Committee of the [Red] Cross": part of the name
            entities = [x for x in entities if not _part_of_name(x.start, x.end, x.label, name)]
        entities.append(Entity(name.start, name.end, name.text, name.label, name.rule, name.confidence))
    return sorted(entities, key=lambda e: (e.start, -e.end))


KNOWN_SURNAME = 0.8  # a capitalised word that is the surname of a person named in full elsewhere


def resolve_people(sentences: list[str], annotated: list[list[Entity]], rules: Rules) -> list[list[Entity]]:
    """Give every mention of a person the fullest form of its name and its roles in the document."""
    fullest: dict[str, str] = {}
    for entities in annotated:
        for e in entities:
            if e.label == "PERSON":
                key = surname(e.text)
                if len(e.text.split()) > len(fullest.get(key, "").split()):
                    fullest[key] = e.text
    relabelled = []
    for entities in annotated:
        row = []
        for e in entities:
            if e.label == "PROPER" and len(e.text.split()) == 1 and e.text in fullest:
                e = replace(e, label="PERSON", rule="name-known-surname", confidence=KNOWN_SURNAME)
            row.append(e)
        relabelled.append(row)
    # A person's profile: every title and apposition the document gives any mention.
    profiles: dict[str, set[str]] = {}
    for number, entities in enumerate(relabelled):
        context = sentences[number - 1] if number else ""
        for e in entities:
            if e.label == "PERSON":
                name_words = {w.lower() for w in e.text.split()}
                words = rules.lexicon.titles.role_words(sentences[number], e.start, e.end, context)
                profiles.setdefault(surname(e.text), set()).update(w for w in words if w not in name_words)
    resolved = []
    for entities in relabelled:
        row = []
        for e in entities:
            if e.label == "PERSON":
                key = surname(e.text)
                canonical = fullest.get(key)
                e = replace(e, canonical=None if canonical == e.text else canonical, roles=tuple(sorted(profiles.get(key, ()))))
            row.append(e)
        resolved.append(row)
    return resolved


def annotate_document(sentences: list[str], rules: Rules) -> list[list[Entity]]:
    """Annotate the sentences of one document, resolving people across it."""
    return resolve_people(sentences, [annotate_sentence(text, rules) for text in sentences], rules)


def split_and_annotate(document, rules: Rules) -> Annotated:
    """Split a corpus document into sentences, annotate them, and read its discourse (references, dateline)."""
    sentences = rules.lexicon.splitter.split(document.id, document.text)
    entities = annotate_document([s.text for s in sentences], rules)
    found = analyse_document(document.text, sentences, entities, rules.discourse)
    references = [
        [Reference(k.start, k.end, k.text, k.antecedent, k.label, f"{k.sieve}:{k.rule}") for k in links]
        for links in found.links
    ]
    references += [[] for _ in range(len(sentences) - len(references))]
    refers = [" ".join(names) for names in found.expanded] + [""] * (len(sentences) - len(found.expanded))
    dateline = found.dateline
    facts = DocumentFacts(
        headline=found.headline.text if found.headline else None,
        place=dateline.place if dateline else None,
        country=dateline.country if dateline else None,
        date=dateline.date if dateline else None,
        reporters=tuple(name for credit in found.credits for name in credit.reporters),
    )
    return Annotated(sentences, entities, references, refers, facts)
