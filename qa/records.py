"""The records that stages hand each other: entities, hits, candidates and answers, each with its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entity:
    """A typed span of a sentence with the rule that found it."""

    start: int
    end: int
    text: str
    label: str
    rule: str
    confidence: float
    canonical: str | None = None  # the fullest form of a person's name in the document
    roles: tuple[str, ...] = ()  # what the document calls a person: titles, appositions

    def to_json(self) -> list:
        """Return the entity as a compact list for the index."""
        return [self.start, self.end, self.label, self.rule, self.confidence, self.canonical, list(self.roles)]

    @classmethod
    def from_json(cls, sentence: str, row: list) -> "Entity":
        """Rebuild an entity stored by to_json for a sentence."""
        start, end, label, rule, confidence, canonical, roles = row
        return cls(start, end, sentence[start:end], label, rule, confidence, canonical, tuple(roles))


@dataclass(frozen=True)
class Reference:
    """A pronoun or description of a sentence and the earlier mention it stands for (qa/discourse.py)."""

    start: int
    end: int
    text: str  # "he", "the company"
    antecedent: str  # "Jane Doe", "Acme Corp"
    label: str  # the antecedent's entity label
    rule: str

    def to_json(self) -> list:
        """Return the reference as a compact list for the index."""
        return [self.start, self.end, self.antecedent, self.label, self.rule]

    @classmethod
    def from_json(cls, sentence: str, row: list) -> "Reference":
        """Rebuild a reference stored by to_json for a sentence."""
        start, end, antecedent, label, rule = row
        return cls(start, end, sentence[start:end], antecedent, label, rule)


@dataclass(frozen=True, order=True)
class Match:
    """A question keyword found in a sentence: its span, which keyword, and its weight."""

    start: int
    end: int
    term: str  # the question keyword
    weight: float


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence with its search score, how much of the question it covers, and whether it may answer."""

    doc: str
    index: int
    text: str
    score: float
    rank: int
    coverage: float
    matched: tuple[Match, ...]  # where the question's keywords are in the sentence
    entities: tuple[Entity, ...]
    context: str = ""  # the sentences before, which pronouns and "the president" refer back to
    missing: tuple[str, ...] = ()  # places the question names that neither holds
    anchored: bool = True  # the sentence itself holds a question word that is not a place
    contradiction: str = ""  # why the sentence says the opposite of the question ("negation"), if it does
    unmatched: tuple[str, ...] = ()  # question keywords the sentence itself holds neither as words nor variants
    rejected: str = ""  # why the sentence may not answer ("coverage", "place", ...); empty when it may
    references: tuple[Reference, ...] = ()  # its pronouns and descriptions, with what they stand for
    off_frame: str = ""  # what of the question's frame it lacks ("predicate sue"): only a filler of the frame may answer


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
    frame: float = 0.0  # how surely it fills the slot of the question's frame (0: found without one)
    items: tuple[tuple[int, int], ...] = ()  # a list's conjuncts ("A, B and C"), each a span of the sentence
    mention: str | None = None  # what the sentence says at the span when the text is what it stands for ("he")


@dataclass(frozen=True)
class Answer:
    """A ranked answer with its sentence, span and the score of each stage."""

    text: str
    type: str
    score: float
    rule: str
    doc: str
    sentence_index: int
    sentence: str
    span: tuple[int, int]
    canonical: str | None = None
    scores: dict = field(default_factory=dict)
    sentences: int = 1  # how many sentences gave this answer
    value: dict | None = None  # the normalised value of a quantity or date ({"kind": "money", ...})
    value_rule: str | None = None  # the rule of rules/values.toml that read it
    items: tuple[tuple[int, int], ...] = ()  # a list answer's conjuncts, spans of the sentence
    mention: str | None = None  # the pronoun or description at the span, when the text is what it stands for
