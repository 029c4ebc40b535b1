"""Answer forms: what a ranked answer is, besides its text (a value a program can use).

The last stage: it reads the ranked answers and the rule set and adds, to
each answer of a quantity or date type, its normalised value
(`qa/values.py`, `rules/values.toml`) with the rule that read it. The web
form and the CLI show answers with `marked` and `value_text`.
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


def document_facts(facts) -> DocumentFacts:
    """Return what values are read against from what the store knows of a document (qa.store.DocumentFacts).

    A full date ("2024-05-01": given with the document, or its dateline's) dates relative
    expressions; a month alone does not.
    """
    try:
        date = datetime.date.fromisoformat(facts.date) if facts.date and len(facts.date) == 10 else None
    except ValueError:
        date = None
    return DocumentFacts(date=date, country=facts.country)


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


def marked(sentence: str, spans) -> list[tuple[str, bool]]:
    """Cut a sentence into pieces, each marked or not: the answer's span, or each item of a list answer.

    >>> marked("Kenya, Peru and Chad sent envoys.", [(0, 5), (7, 11), (16, 20)])[:3]
    [('Kenya', True), (', ', False), ('Peru', True)]
    """
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue  # overlapping spans: the first one is marked
        pieces += [(sentence[at:start], False), (sentence[start:end], True)]
        at = end
    pieces.append((sentence[at:], False))
    return [(text, mark) for text, mark in pieces if text]


BOUNDS = {"lower": "\u2265 ", "upper": "\u2264 "}  # "more than $5m": at least; "up to 30": at most


def _amount(number) -> str:
    """Return a number with thousands separators and no needless decimals (5000000 -> '5,000,000')."""
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.6f}".rstrip("0").rstrip(".")
    return f"{int(number):,}"


def value_text(value: dict | None) -> str:
    """Return a normalised value as a reader sees it: '5,000,000 USD', '12.5%', '2022-02', '\u2248 3,000'.

    >>> value_text({"kind": "money", "amount": 5000000, "currency": "USD"})
    '5,000,000 USD'
    >>> value_text({"kind": "percent", "amount": 45, "bound": "lower"})
    '\u2265 45%'
    """
    if not value:
        return ""
    kind, amount = value.get("kind"), value.get("amount")
    if kind == "money":
        text = f"{_amount(amount)} {value.get('currency', '')}".strip()
    elif kind == "percent":
        text = f"{_amount(amount)} percentage points" if value.get("points") else f"{_amount(amount)}%"
    elif kind == "multiple":
        text = f"\u00d7{_amount(amount)}"
    elif kind == "number":
        text = f"no. {_amount(amount)}" if value.get("ordinal") else _amount(amount)
    elif kind == "age":
        text = f"{_amount(amount)} years old"
    elif kind == "quantity":
        text = f"{_amount(amount)} {value.get('unit', '')}".strip()
    elif kind in ("date", "duration"):
        text = value.get("iso") or ""
        if not text:
            return ""  # a date the text gives no calendar place to ("three days later")
    else:
        return ""
    if value.get("qualifier"):
        text += f" ({value['qualifier']})"
    prefix = "\u2248 " if value.get("approximate") else ""
    return prefix + BOUNDS.get(value.get("bound"), "") + text
