"""Reading rule files: word lists, TOML rule tables with fragments, and one digest of what was read.

`RuleFiles` reads every file of a rules directory once, so that what is
parsed and what is digested are the same bytes. Nothing here is cached across
loads: `qa.rules.load_rules` builds a new `RuleFiles` each time.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# `{name}` references a fragment; `{1,2}` and other quantifiers are left alone.
FRAGMENT_REF = re.compile(r"\{([A-Za-z_]\w*)\}")
RULE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_FRAGMENT_DEPTH = 10  # fragments referring to fragments: deeper than this is a cycle


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


Entries = tuple[tuple[tuple[str, ...], ...], ...]


def parse_lines(text: str) -> Entries:
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


def first_words(entries: Entries) -> frozenset[str]:
    """Return every alternative of the first field of each entry, lower-cased."""
    return frozenset(alt.lower() for entry in entries for alt in entry[0])


def alternation(words) -> str:
    """Return a regex alternation of literal words, longest first so prefixes lose.

    >>> alternation(["mr", "mrs"])
    '(?:mrs|mr)'
    """
    ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


def expand(pattern: str, fragments: dict[str, str], where: str, _depth: int = 0) -> str:
    """Replace `{name}` references in a pattern by their fragments, recursively."""
    if _depth > MAX_FRAGMENT_DEPTH:
        raise RuleError(f"{where}: fragment references nest too deeply")

    def sub(match: re.Match) -> str:
        name = match.group(1)
        if name not in fragments:
            raise RuleError(f"{where}: undefined fragment '{{{name}}}'")
        return "(?:" + expand(fragments[name], fragments, where, _depth + 1) + ")"

    return FRAGMENT_REF.sub(sub, pattern)


class RuleFiles:
    """The files of a rules directory (and optional extra files), read once, with their digests."""

    def __init__(self, root: Path, extra: dict[str, Path] | None = None):
        self.root = Path(root)
        self._bytes: dict[str, bytes] = {}
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            self._bytes[path.relative_to(self.root).as_posix()] = path.read_bytes()
        for name, path in (extra or {}).items():
            try:
                self._bytes[name] = Path(path).read_bytes()
            except FileNotFoundError:
                continue  # an optional file that is not there
        self._lines: dict[str, Entries] = {}

    def digests(self) -> dict[str, str]:
        """Return the SHA-256 of every file read, by name."""
        return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(self._bytes.items())}

    def digest(self) -> str:
        """Return one SHA-256 over every file's name and content."""
        total = hashlib.sha256()
        for name, sha in self.digests().items():
            total.update(f"{name}\0{sha}\n".encode())
        return total.hexdigest()

    def has(self, name: str) -> bool:
        """Tell whether a file was there."""
        return name in self._bytes

    def text(self, name: str) -> str:
        """Return a file's text (UTF-8), or raise RuleError naming it."""
        try:
            return self._bytes[name].decode("utf-8")
        except KeyError:
            raise RuleError(f"rules/{name}: no such file") from None
        except UnicodeDecodeError as exc:
            raise RuleError(f"rules/{name}: not UTF-8 at byte {exc.start}") from None

    def lines(self, name: str) -> Entries:
        """Return a list file's entries (see parse_lines)."""
        if name not in self._lines:
            self._lines[name] = parse_lines(self.text(name))
        return self._lines[name]

    def words(self, name: str) -> frozenset[str]:
        """Return every alternative of the first field of a list file, lower-cased."""
        return first_words(self.lines(name))

    def toml(self, name: str) -> dict:
        """Return a TOML file's data."""
        try:
            return tomllib.loads(self.text(name))
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"rules/{name}: {exc}") from exc

    def fragments(self, data: dict, source: str) -> dict[str, str]:
        """Collect `[fragments]` strings and `[lists]` word-list files into fragments."""
        fragments = dict(data.get("fragments", {}))
        for name, spec in data.get("lists", {}).items():
            if name in fragments:
                raise RuleError(f"{source}: list '{name}' shadows a fragment of the same name")
            files = [spec] if isinstance(spec, str) else spec
            words = []
            for file in files:
                # "words/units.txt:dist" keeps the entries whose last field names that kind.
                file, _, kind = file.partition(":")
                if not self.has(file):
                    raise RuleError(f"{source}: list '{name}': no file rules/{file}")
                kept = [e for e in self.lines(file) if not kind or kind in e[-1]]
                if not kept:
                    raise RuleError(f"{source}: list '{name}': no entries of kind '{kind}' in rules/{file}")
                words.extend(alt for entry in kept for alt in entry[0])
            fragments[name] = alternation(words)
        return fragments

    def rules(
        self, name: str, required: tuple[str, ...], flags: int = re.IGNORECASE, check=None, optional: tuple[str, ...] = ()
    ) -> tuple[Rule, ...]:
        """Return the `[[rule]]` tables of a TOML file, validated and compiled, in file order.

        Production fields are the required ones and, when present, the optional
        ones; check(rule, where), when given, validates them and raises RuleError.
        """
        source = f"rules/{name}"
        data = self.toml(name)
        fragments = self.fragments(data, source)
        allowed = {"name", "pattern", "examples", "counterexamples", *required, *optional}
        seen: set[str] = set()
        rules = []
        for position, table in enumerate(data.get("rule", []), start=1):
            rule_name = table.get("name")
            where = f"{source}: rule '{rule_name}'" if rule_name else f"{source}: rule #{position}"
            if not isinstance(rule_name, str) or not RULE_NAME.fullmatch(rule_name):
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
            for key in ("examples", "counterexamples"):
                values = table.get(key, [])
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise RuleError(f"{where}: '{key}' must be a list of strings")
            if not isinstance(table["pattern"], str):
                raise RuleError(f"{where}: 'pattern' must be a string")
            pattern = expand(table["pattern"], fragments, where)
            try:
                regex = re.compile(pattern, flags)
            except re.error as exc:
                raise RuleError(f"{where}: bad pattern: {exc}") from exc
            rule = Rule(
                name=rule_name,
                pattern=table["pattern"],
                regex=regex,
                fields={k: v for k, v in table.items() if k in required or k in optional},
                examples=tuple(table.get("examples", ())),
                counterexamples=tuple(table.get("counterexamples", ())),
                source=source,
            )
            if check is not None:
                check(rule, where)
            rules.append(rule)
        return tuple(rules)


def confidence_field(rule: Rule, where: str) -> None:
    """Check that a rule's confidence is a number in [0, 1]."""
    value = rule.get("confidence")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RuleError(f"{where}: 'confidence' must be a number from 0 to 1, not {value!r}")
