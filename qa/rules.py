"""Load rule files from rules/: TOML rule tables, word lists and gazetteers."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

# `{name}` references a fragment; `{1,2}` and other quantifiers are left alone.
FRAGMENT_REF = re.compile(r"\{([A-Za-z_]\w*)\}")


class RuleError(ValueError):
    """A rule file is malformed; the message names the file, the rule and the field."""


@dataclass(frozen=True)
class Rule:
    """One named, compiled pattern with its production fields and its test corpus."""

    name: str
    pattern: str
    regex: re.Pattern
    fields: dict = field(default_factory=dict)
    examples: tuple = ()
    counterexamples: tuple = ()
    source: str = ""

    def get(self, key, default=None):
        """Return a production field of the rule."""
        return self.fields.get(key, default)


def rules_path(name: str) -> Path:
    """Return the path of a file under rules/."""
    return RULES_DIR / name


@functools.cache
def read_lines(name: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Read a list file under rules/ (see parse_lines)."""
    return parse_lines(rules_path(name).read_text(encoding="utf-8"))


def parse_lines(text: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Parse a list file: one entry a line, fields split on ' | ', alternatives on ', '.

    A `#` at the start of a line makes it a comment; inline `#` is kept only
    when it is not preceded by a space (so `C#` survives).

    >>> parse_lines("km, kilometre | dist")
    ((('km', 'kilometre'), ('dist',)),)
    """
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = re.split(r"\s#", line, maxsplit=1)[0].strip()
        fields = tuple(
            tuple(alt.strip() for alt in part.split(",") if alt.strip())
            for part in line.split("|")
        )
        entries.append(fields)
    return tuple(entries)


@functools.cache
def read_words(name: str) -> frozenset[str]:
    """Read a list file and return every alternative of its first field, lower-cased."""
    return frozenset(alt.lower() for entry in read_lines(name) for alt in entry[0])


def alternation(words) -> str:
    """Return a regex alternation of literal words, longest first so prefixes lose.

    >>> alternation(["mr", "mrs"])
    '(?:mrs|mr)'
    """
    ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


def expand(pattern: str, fragments: dict[str, str], where: str, _depth: int = 0) -> str:
    """Replace `{name}` references in a pattern by their fragments, recursively."""
    if _depth > 10:
        raise RuleError(f"{where}: fragment references nest too deeply")

    def sub(match: re.Match) -> str:
        name = match.group(1)
        if name not in fragments:
            raise RuleError(f"{where}: undefined fragment '{{{name}}}'")
        return "(?:" + expand(fragments[name], fragments, where, _depth + 1) + ")"

    return FRAGMENT_REF.sub(sub, pattern)


def load_fragments(data: dict, source: str, root: Path | None = None) -> dict[str, str]:
    """Collect `[fragments]` strings and `[lists]` word-list files (under root, default rules/) into fragments."""
    fragments = dict(data.get("fragments", {}))
    for name, spec in data.get("lists", {}).items():
        if name in fragments:
            raise RuleError(f"{source}: list '{name}' shadows a fragment of the same name")
        files = [spec] if isinstance(spec, str) else spec
        words = []
        for file in files:
            # "words/units.txt:dist" keeps the entries whose last field names that kind.
            file, _, kind = file.partition(":")
            try:
                entries = read_lines(file) if root is None else parse_lines((Path(root) / file).read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise RuleError(f"{source}: list '{name}': no file rules/{file}") from exc
            kept = [e for e in entries if not kind or kind in e[-1]]
            if not kept:
                raise RuleError(f"{source}: list '{name}': no entries of kind '{kind}' in rules/{file}")
            words.extend(alt for entry in kept for alt in entry[0])
        fragments[name] = alternation(words)
    return fragments


def load_rules(
    name: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    flags: int = re.IGNORECASE,
) -> tuple[Rule, ...]:
    """Load `[[rule]]` tables from a TOML file under rules/, validated and compiled."""
    return _load_rules(name, required, optional, flags)


@functools.cache
def _load_rules(name, required, optional, flags) -> tuple[Rule, ...]:
    return parse_rule_file(RULES_DIR, name, required, optional, flags)


def parse_rule_file(
    root: Path, name: str, required: tuple[str, ...], optional: tuple[str, ...] = (), flags: int = re.IGNORECASE
) -> tuple[Rule, ...]:
    """Load `[[rule]]` tables from the TOML file root/name, validated and compiled (no cache)."""
    source = f"rules/{name}"
    try:
        data = tomllib.loads((Path(root) / name).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: {exc}") from exc
    fragments = load_fragments(data, source, root)
    allowed = {"name", "pattern", "examples", "counterexamples", *required, *optional}
    seen: set[str] = set()
    rules = []
    for position, table in enumerate(data.get("rule", []), start=1):
        rule_name = table.get("name")
        where = f"{source}: rule '{rule_name}'" if rule_name else f"{source}: rule #{position}"
        if not isinstance(rule_name, str) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule_name):
            raise RuleError(f"{where}: 'name' must be a kebab-case string")
        if rule_name in seen:
            raise RuleError(f"{where}: duplicate name")
        seen.add(rule_name)
        unknown = set(table) - allowed
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
        missing = [key for key in ("pattern", *required) if key not in table]
        if missing:
            raise RuleError(f"{where}: missing key(s) {missing}")
        if not table.get("examples"):
            raise RuleError(f"{where}: needs at least one example")
        pattern = expand(table["pattern"], fragments, where)
        try:
            regex = re.compile(pattern, flags)
        except re.error as exc:
            raise RuleError(f"{where}: bad pattern: {exc}") from exc
        rules.append(
            Rule(
                name=rule_name,
                pattern=table["pattern"],
                regex=regex,
                fields={k: v for k, v in table.items() if k in required or k in optional},
                examples=tuple(table.get("examples", ())),
                counterexamples=tuple(table.get("counterexamples", ())),
                source=source,
            )
        )
    return tuple(rules)


@functools.cache
def load_table(name: str) -> dict:
    """Load a plain TOML table file under rules/ (no rules, just data)."""
    source = f"rules/{name}"
    try:
        return tomllib.loads(rules_path(name).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: {exc}") from exc
