"""Calibration: the raw score of an answer turned into how often answers so scored are right.

`rules/calibration.toml` holds one monotone table per kind of answer (the
coarse answer type of its question: HUM, LOC, NUM, ENTY, DESC, ABBR, YESNO;
with "+frame" when it fills the slot of the question's frame, which is right
more often at the same raw score; prefixed "article/" when the question was
asked of one news-sized document, where fewer sentences compete and the same
raw score is right more often; `article` for such answers of a kind without a
table of its own; and `default` for the rest): knots of (raw score, share
right), read by linear interpolation between them. `bench/calibrate.py` fits the tables on one part
of the development questions and checks them on another; the file says which
data and command made it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from types import MappingProxyType

from qa.rulefiles import RuleError, RuleFiles

CALIBRATION = "calibration.toml"
DEFAULT = "default"  # the table of a kind of answer without one of its own
FRAMED = "+frame"  # the suffix of the table of answers that fill the slot of the question's frame
ARTICLE = "article"  # the prefix (and the fallback table) of answers found in a search of one short document
# Sentences a search may cover and still count as one article: a news story has 10 to 60,
# an encyclopedia article (SQuAD's) 90 to 450, a collection thousands.
ARTICLE_SCOPE = 60
KIND_NAME = re.compile(r"default|article|(?:article/)?(?:HUM|LOC|NUM|ENTY|DESC|ABBR|YESNO)(?:\+frame)?")


def kind_of(answer_type: str, framed: bool, scope: int | None = None) -> str:
    """Return the kind of an answer: its question's coarse type (or YESNO), "+frame" when it fills the
    frame's slot, "article/" first when the search covered at most ARTICLE_SCOPE sentences.

    >>> kind_of("HUM:ind", True), kind_of("YESNO", False), kind_of("NUM:count", False, scope=25)
    ('HUM+frame', 'YESNO', 'article/NUM')
    """
    kind = "YESNO" if answer_type == "YESNO" else answer_type.split(":", 1)[0]
    kind = kind + FRAMED if framed else kind
    return f"{ARTICLE}/{kind}" if scope is not None and scope <= ARTICLE_SCOPE else kind


@dataclass(frozen=True)
class Calibration:
    """Monotone tables from raw score to the share of answers so scored that are right, per kind of question."""

    tables: MappingProxyType  # kind -> ((raw, probability), ...), raw increasing, probability non-decreasing
    source: str = ""  # what fitted them (data and command)

    def probability(self, raw: float, kind: str) -> float:
        """Return the calibrated score of a raw score for a kind of question.

        >>> Calibration(MappingProxyType({"default": ((0.0, 0.0), (0.5, 0.2), (1.0, 0.9))})).probability(0.75, "NUM")
        0.55
        """
        scope = ARTICLE if kind.startswith(ARTICLE + "/") else None
        knots = (
            self.tables.get(kind)
            or self.tables.get(kind.removesuffix(FRAMED))
            or (self.tables.get(scope) if scope else None)
            or self.tables[DEFAULT]
        )
        raws = [r for r, _ in knots]
        at = bisect.bisect_right(raws, raw)
        if at == 0:
            return knots[0][1]
        if at == len(knots):
            return knots[-1][1]
        (r0, p0), (r1, p1) = knots[at - 1], knots[at]
        share = (raw - r0) / (r1 - r0) if r1 > r0 else 1.0
        return round(p0 + share * (p1 - p0), 4)


def load_calibration(files: RuleFiles) -> Calibration:
    """Read and validate rules/calibration.toml: monotone knots in [0, 1] for each kind, and a default."""
    source = f"rules/{CALIBRATION}"
    data = files.toml(CALIBRATION)
    unknown = set(data) - {"tables", "source"}
    if unknown:
        raise RuleError(f"{source}: unknown key(s) {sorted(unknown)}")
    tables = {}
    for kind, knots in data.get("tables", {}).items():
        where = f"{source}: table '{kind}'"
        if not KIND_NAME.fullmatch(kind):
            raise RuleError(f"{where}: a table is named default, article, or a kind such as NUM, article/HUM+frame")
        if not isinstance(knots, list) or len(knots) < 2:
            raise RuleError(f"{where}: needs at least two [raw, probability] knots")
        pairs = []
        for knot in knots:
            if (
                not isinstance(knot, list)
                or len(knot) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in knot)
            ):
                raise RuleError(f"{where}: knot {knot!r} must be [raw, probability], both numbers from 0 to 1")
            pairs.append((float(knot[0]), float(knot[1])))
        if any(b[0] <= a[0] for a, b in zip(pairs, pairs[1:])):
            raise RuleError(f"{where}: raw scores must increase from knot to knot")
        if any(b[1] < a[1] for a, b in zip(pairs, pairs[1:])):
            raise RuleError(f"{where}: probabilities must not decrease (the table is monotone)")
        tables[kind] = tuple(pairs)
    if DEFAULT not in tables:
        raise RuleError(f"{source}: needs a '{DEFAULT}' table")
    return Calibration(MappingProxyType(tables), str(data.get("source", "")))
