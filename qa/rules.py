"""The rule set: every file of rules/ loaded, validated and compiled into one immutable `Rules`.

Stages receive a `Rules` and read what they need from it; nothing else reads
rules/. `load_rules` builds a new one from the files on disk (and the
corpus's own thesaurus, if any), with a digest of exactly the bytes it read;
the service compares that digest with the index's to know when both must be
rebuilt and swapped together.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from qa.calibration import Calibration, load_calibration
from qa.clauses import Grammar, Parse, load_grammar, parse
from qa.discourse import DiscourseRules, dateline_end, load_discourse
from qa.labels import NAME_LABELS, QUESTION_TIME_LABELS
from qa.lexicon import CORPUS_THESAURUS, Lexicon
from qa.prefilter import Screen, condition
from qa.rulefiles import Rule, RuleError, RuleFiles, confidence_field
from qa.values import ValueRules, load_values

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
PARSE_CACHE = 8192  # sentences whose clause analysis is remembered: retrieved sentences recur
# The corpus's own vocabulary: a thesaurus beside the documents, never read as one (not *.txt).
THESAURUS_FILE = "thesaurus.synonyms"

QUESTION_RULES = "questions.toml"
ENTITY_RULES = "entities.toml"
DESCRIPTION_RULES = "descriptions.toml"
REASON_RULES = "reasons.toml"
ANSWER_TYPES = "answer_types.toml"

UIUC_TYPE = re.compile(r"(ABBR|DESC|ENTY|HUM|LOC|NUM):[a-z]+|YESNO")  # UIUC's classes, and yes/no questions
COARSE_TYPES = frozenset({"ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"})
ENTITY_LABEL = re.compile(r"[A-Z]+")
DEFAULT_LABELS = MappingProxyType({"NP": 0.5})  # a type nothing lists: any noun phrase, half-heartedly

__all__ = ["Rules", "RuleError", "Rule", "AnswerTypes", "load_rules", "RULES_DIR", "THESAURUS_FILE"]


@dataclass(frozen=True)
class AnswerTypes:
    """rules/answer_types.toml: which candidate labels answer each answer type, and how well."""

    fine: MappingProxyType
    coarse: MappingProxyType
    by_rule: MappingProxyType

    def labels(self, answer_type: str, rule: str | None = None) -> dict[str, float]:
        """Return the labels that answer a UIUC type (or the question rule that chose it), with their weights."""
        for table in (self.by_rule.get(rule) if rule else None, self.fine.get(answer_type)):
            if table is not None:
                return dict(table)
        return dict(self.coarse.get(answer_type.split(":")[0], DEFAULT_LABELS))


@dataclass(frozen=True, eq=False)  # compared by identity: one load, one rule set
class Rules:
    """Every rule file, validated and compiled, with the digest of what was read."""

    root: Path
    digest: str
    files: MappingProxyType  # name -> SHA-256 of each file read
    questions: tuple[Rule, ...]
    entities: tuple[Rule, ...]
    entity_screen: Screen  # a necessary condition per entity rule (qa/prefilter.py)
    descriptions: tuple[Rule, ...]
    reasons: tuple[Rule, ...]
    answer_types: AnswerTypes
    labels: frozenset[str]  # every label a candidate can carry
    grammar: Grammar = field(repr=False)  # clause markers, question frames, verb forms (qa/clauses.py)
    lexicon: Lexicon = field(repr=False)
    parse: Callable[[str], Parse] = field(repr=False)  # a sentence's clauses under this grammar (cached)
    values: ValueRules = field(repr=False)  # how answers are read as values (qa/values.py)
    discourse: DiscourseRules = field(repr=False)  # datelines, credits, references back, quotes (qa/discourse.py)
    calibration: Calibration = field(repr=False)  # raw score -> share of answers so scored that are right


def load_rules(rules_dir: Path | None = None, corpus_dir: Path | None = None) -> Rules:
    """Read, validate and compile every rule file; raise RuleError naming the file, rule and field."""
    root = Path(rules_dir) if rules_dir is not None else RULES_DIR
    extra = {CORPUS_THESAURUS: Path(corpus_dir) / THESAURUS_FILE} if corpus_dir is not None else {}
    files = RuleFiles(root, extra)
    questions = files.rules(QUESTION_RULES, ("answer_type",), check=_check_answer_type)
    entities = files.rules(ENTITY_RULES, ("label", "confidence"), check=_check_entity)
    descriptions = files.rules(DESCRIPTION_RULES, ("confidence",), flags=0, check=_check_groups("subject", "answer"))
    reasons = files.rules(REASON_RULES, ("confidence",), flags=0, check=_check_groups("answer"))
    labels = frozenset(r.get("label") for r in entities) | NAME_LABELS | QUESTION_TIME_LABELS
    answer_types = _answer_types(files.toml(ANSWER_TYPES), labels, {r.name for r in questions})
    grammar = load_grammar(files)
    discourse = load_discourse(files)
    return Rules(
        root=root,
        digest=files.digest(),
        files=MappingProxyType(files.digests()),
        questions=questions,
        entities=entities,
        entity_screen=Screen(condition(rule.regex.pattern, rule.regex.flags) for rule in entities),
        descriptions=descriptions,
        reasons=reasons,
        answer_types=answer_types,
        labels=labels,
        grammar=grammar,
        lexicon=Lexicon(files),
        parse=functools.lru_cache(maxsize=PARSE_CACHE)(functools.partial(_parse_sentence, grammar=grammar, discourse=discourse)),
        values=load_values(files),
        discourse=discourse,
        calibration=load_calibration(files),
    )


def _parse_sentence(text: str, grammar: Grammar, discourse: DiscourseRules) -> Parse:
    """Return a sentence's clauses, a dateline that opens it ("OSLO, Norway \u2014") read as blanks, not words."""
    end = dateline_end(text, discourse)
    return parse(" " * end + text[end:] if end else text, grammar)


def _check_answer_type(rule: Rule, where: str) -> None:
    label = rule.get("answer_type")
    if not isinstance(label, str) or not UIUC_TYPE.fullmatch(label):
        raise RuleError(f"{where}: bad answer_type {label!r}")


def _check_entity(rule: Rule, where: str) -> None:
    label = rule.get("label")
    if not isinstance(label, str) or not ENTITY_LABEL.fullmatch(label):
        raise RuleError(f"{where}: 'label' must be an upper-case word, not {label!r}")
    confidence_field(rule, where)


def _check_groups(*groups: str):
    def check(rule: Rule, where: str) -> None:
        confidence_field(rule, where)
        missing = [g for g in groups if g not in rule.regex.groupindex]
        if missing:
            raise RuleError(f"{where}: the pattern needs the named group(s) {missing}")

    return check


def _answer_types(data: dict, labels: frozenset[str], question_rules: set[str]) -> AnswerTypes:
    source = f"rules/{ANSWER_TYPES}"
    unknown = set(data) - {"fine", "coarse", "rule"}
    if unknown:
        raise RuleError(f"{source}: unknown table(s) {sorted(unknown)}")

    def table(section: str, valid_key, what: str) -> MappingProxyType:
        tables = {}
        for key, weights in data.get(section, {}).items():
            where = f"{source}: [{section}] {key!r}"
            if not valid_key(key):
                raise RuleError(f"{where}: not {what}")
            if not isinstance(weights, dict) or not weights:
                raise RuleError(f"{where}: must map labels to weights")
            for label, weight in weights.items():
                if label not in labels:
                    raise RuleError(f"{where}: unknown label {label!r} (known: {', '.join(sorted(labels))})")
                if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
                    raise RuleError(f"{where}: weight of {label} must be a number in (0, 1], not {weight!r}")
            tables[key] = MappingProxyType({label: float(w) for label, w in weights.items()})
        return MappingProxyType(tables)

    return AnswerTypes(
        fine=table("fine", UIUC_TYPE.fullmatch, "a UIUC fine type (COARSE:fine)"),
        coarse=table("coarse", COARSE_TYPES.__contains__, "a UIUC coarse type"),
        by_rule=table("rule", question_rules.__contains__, f"a rule name of rules/{QUESTION_RULES}"),
    )
