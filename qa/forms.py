"""Answer forms: what a ranked answer is, besides its text (a value a program can use).

The last stage: it reads the ranked answers and the rule set and adds, to
each answer of a quantity or date type, its normalised value
(`qa/values.py`, `rules/values.toml`) with the rule that read it.
"""

from __future__ import annotations

import dataclasses
import datetime

from qa.records import Answer
from qa.rules import Rules
from qa.values import LABELS as VALUE_LABELS, ValueContext


@dataclasses.dataclass(frozen=True)
class DocumentFacts:
    """What a document says of itself that values are read against: its date and country."""

    date: datetime.date | None = None
    country: str | None = None


def with_values(answers: list[Answer], rules: Rules, facts: dict[str, DocumentFacts] | None = None) -> list[Answer]:
    """Return the answers, those of a quantity or date label with their value and the rule that read it."""
    found = []
    for answer in answers:
        if answer.type not in VALUE_LABELS:
            found.append(answer)
            continue
        known = (facts or {}).get(answer.doc, DocumentFacts())
        context = ValueContext(doc_date=known.date, country=known.country, sentence=answer.sentence, span=answer.span)
        reading = rules.values.read(answer.text, answer.type, context)
        if reading is None:
            found.append(answer)
            continue
        found.append(dataclasses.replace(answer, value=dict(reading.value), value_rule=reading.rule))
    return found
