"""Cheap necessary conditions of regexes: skip a rule on a text it provably cannot match.

A condition is derived from the parsed pattern: every match contains one of
a set of literal strings (compared case-folded the way `re` folds under
IGNORECASE), whole words (a literal between two `\\b`), or a digit. A text
holding none of them cannot match, so skipping the regex there changes no
result. When the analysis finds nothing useful, or fails, the rule runs.
"""

from __future__ import annotations

import functools
import heapq
import re
from dataclasses import dataclass

try:  # CPython internals; without them there are no conditions and every rule runs.
    import _sre
    from re import _constants as C
    from re import _parser
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover
    _parser = None

MARK = "\ue000"  # a `\b` inside an exact string; patterns holding it or GAP get no condition
GAP = "\ue001"  # one or more white-space characters (`\s+`) inside an exact string
DIGITS = "\ue002"  # one or more digits (`\d+`) inside an exact string
MAX_STRINGS = 400  # exact string sets bigger than this are not multiplied further
MAX_RANGE = 16  # a character range wider than this is not spelled out
MAX_NEEDS = 3
HAS_DIGIT = re.compile(r"\d")
WORDS = re.compile(r"\w+")
WORD_RUNS = re.compile(r"[^\W\ue000-\ue002]+")  # runs of known word characters in an exact string
DIGIT = ("digit", "")
START = 3  # plain substrings are indexed by their first characters, this many at most
# How often a character is at a given position of English text, where letters' 0.07 is not near.
CHAR_ODDS = {
    " ": 0.17, ",": 0.01, ".": 0.01, "-": 0.005, "'": 0.005, '"': 0.003, "(": 0.002, ")": 0.002,
    "e": 0.1, "t": 0.075, "a": 0.065, "o": 0.06, "i": 0.06, "n": 0.055, "s": 0.05, "h": 0.05, "r": 0.05,
    "q": 0.001, "z": 0.001, "x": 0.002, "j": 0.002, "k": 0.006, "v": 0.008,
}  # fmt: skip
# Words in most sentences, whatever their letters say.
COMMON_WORDS = frozenset(
    "a an the of in on at to for from by with as and or but not no is are was were be been has have had "
    "it its this that these those he she his her they their which who one per than more most some all "
    "about after also any before between both can could during each early first final last late later "
    "less many may new next now only other over past such then there time under until up when while "
    "will would year years".split()
)
WORDLIKE = re.compile(r"[^\W\d_]+(?:[ '.-][^\W\d_]+)*\.?")  # letters, maybe a few words


@functools.cache
def _fold_table() -> dict[int, int]:
    """Map each code point to the representative of its IGNORECASE class, where that differs.

    `re` matches a cased character case-insensitively when the simple lower
    cases are equal, or are in one group of its extra cases ("s" and long s).
    """
    parent: dict[int, int] = {}

    def find(c):
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for lo, others in _EXTRA_CASES.items():
        for other in others:
            a, b = find(lo), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    tolower = _sre.unicode_tolower
    changed = [c for c in range(0x110000) if tolower(c) != c] + list(parent)
    table = {c: find(tolower(c)) for c in changed}
    return {c: f for c, f in table.items() if f != c}


@functools.cache
def _ascii_lower_ok() -> bool:
    # str.lower is much faster than translate, and folds ASCII the same way.
    table = _fold_table()
    return all(table.get(c, c) == ord(chr(c).lower()) for c in range(128))


@functools.cache
def _mixed_word_chars() -> frozenset[str]:
    """Return the representatives whose class mixes word and non-word characters."""
    members: dict[int, set[int]] = {}
    for c, f in _fold_table().items():
        members.setdefault(f, {f}).add(c)
    return frozenset(
        chr(f) for f, group in members.items() if len({bool(WORDS.match(chr(c))) for c in group}) > 1
    )


def fold(text: str) -> str:
    """Return text with each character replaced by its IGNORECASE representative (same length).

    >>> fold("Dollar")
    'dollar'
    """
    if text.isascii() and _ascii_lower_ok():
        return text.lower()
    return text.translate(_fold_table())


@dataclass(frozen=True)
class Need:
    """A text must hold one of: these substrings, these whole words, or (if digit) a digit."""

    substrings: tuple[str, ...]
    words: frozenset[str]
    digit: bool

    @functools.cached_property
    def _search(self):
        # One case-sensitive alternation of literals over the folded text: a single scan in C.
        if not self.substrings:
            return None
        return re.compile("|".join(r"\d+".join(map(re.escape, s.split(DIGITS))) for s in self.substrings)).search

    def holds(self, folded: str, words: frozenset[str], has_digit: bool) -> bool:
        """Tell whether a text may hold one, given fold(text), text_words(text, folded) and its digits."""
        if (self.digit and has_digit) or not self.words.isdisjoint(words):
            return True
        search = self._search
        return search is not None and search(folded) is not None


@dataclass(frozen=True)
class Condition:
    """Every one of `needs` must hold for the pattern to match a text."""

    needs: tuple[Need, ...]

    def holds(self, folded: str, words: frozenset[str], has_digit: bool) -> bool:
        """Tell whether a text may match, given fold(text), text_words(text, folded) and its digits."""
        return all(need.holds(folded, words, has_digit) for need in self.needs)


def text_words(text: str, folded: str) -> frozenset[str]:
    """Return the folded words of a text (maximal runs of \\w characters)."""
    if text.isascii() and _ascii_lower_ok():
        return frozenset(WORDS.findall(folded))  # lower-casing ASCII keeps word characters words
    return frozenset(folded[m.start() : m.end()] for m in WORDS.finditer(text))


def _digits_search(s: str):
    """Return the search of a substring holding DIGITS (as `\d+`), or None for a plain one."""
    if DIGITS not in s:
        return None
    return re.compile(r"\d+".join(map(re.escape, s.split(DIGITS)))).search


class Screen:
    """The conditions of many patterns, checked at once: which of them may match a text."""

    def __init__(self, conditions):
        """Take one Condition (or None: always run) per pattern, in order."""
        self.required: list[int] = []  # per pattern, one bit per need
        self.digit = 0
        self.words: dict[str, int] = {}
        subs: dict[str, int] = {}
        bit = 1
        for cond in conditions:
            required = 0
            for need in cond.needs if cond is not None else ():
                required |= bit
                if need.digit:
                    self.digit |= bit
                for word in need.words:
                    self.words[word] = self.words.get(word, 0) | bit
                for s in need.substrings:
                    subs[s] = subs.get(s, 0) | bit
                bit <<= 1
            self.required.append(required)
        self.substrings = tuple((s, bits, _digits_search(s)) for s, bits in subs.items())
        # Plain substrings are found in one pass over the text, indexed by their first two characters
        # (one-character ones are looked up directly); those with digits in them need a regex, and a digit.
        self.single = tuple((s, bits) for s, bits, search in self.substrings if search is None and len(s) == 1)
        by_start: dict[str, list[tuple[str, int]]] = {}
        for s, bits, search in self.substrings:
            if search is None and len(s) > 1:
                by_start.setdefault(s[:START], []).append((s, bits))
        self.by_start = {start: tuple(entries) for start, entries in by_start.items()}
        self.start_lengths = tuple(sorted({len(start) for start in self.by_start}))  # 2 and START
        # Each with its longest literal piece, checked first: "20:3" must be in the text before "20:3\d+" is searched.
        self.digit_searches = tuple(
            (bits, max(s.split(DIGITS), key=len), search) for s, bits, search in self.substrings if search is not None
        )

    def passing(self, text: str) -> list[bool]:
        """Return, per pattern, whether it may match text (False: it certainly does not)."""
        folded = fold(text)
        has_digit = HAS_DIGIT.search(text) is not None
        held = self.digit if has_digit else 0
        lookup = self.words.get
        for word in text_words(text, folded):
            held |= lookup(word, 0)
        for s, bits in self.single:
            if s in folded:
                held |= bits
        starts, lengths = self.by_start, self.start_lengths
        for i in range(len(folded) - 1):
            for length in lengths:
                entries = starts.get(folded[i : i + length])
                if entries:
                    for s, bits in entries:
                        if held & bits != bits and folded.startswith(s, i):
                            held |= bits
        if has_digit:  # a substring with digits in it needs a digit in the text
            for bits, anchor, search in self.digit_searches:
                if held & bits != bits and anchor in folded and search(folded) is not None:
                    held |= bits
        return [required & held == required for required in self.required]


def _options(s: str) -> list[tuple[str, str]]:
    """Return what a text matching exact string s (with marks) must hold, best first.

    A run of word characters that the string bounds on both sides (by a mark
    or a non-word character) is a whole word of the text; a piece between
    white space, without its marks, is a substring of it.
    """
    mixed = _mixed_word_chars()
    options = [DIGIT if piece == DIGITS else ("sub", piece) for piece in s.replace(MARK, "").split(GAP) if piece]
    for run in WORD_RUNS.finditer(s):
        i, j = run.span()
        # A mark, or a non-word character that matches only non-word characters, on each side
        # (DIGITS are word characters: a run next to them is part of a longer word).
        if (
            i > 0
            and j < len(s)
            and s[i - 1] not in mixed
            and s[j] not in mixed
            and DIGITS not in (s[i - 1], s[j])
            and not mixed.intersection(run.group())
        ):
            options.append(("word", run.group()))
    return options


@functools.lru_cache(maxsize=65536)
def _cost(item) -> float:
    # A whole word is looked up in a set: cheaper to check than a substring is to search.
    return _likelihood([item]) * (0.5 if item[0] == "word" else 1.0)


def _items(strings) -> frozenset | None:
    """Turn exact strings (with `\b` marks) into items a text must hold one of, or None.

    Each string needs one of its options; the items are chosen greedily to
    cover all strings cheaply ("$" for both "at least $" and "$").
    """
    options = [_options(s) for s in strings]
    if not all(options):
        return None  # a string can be empty: no condition
    covers: dict[tuple, set[int]] = {}
    for number, opts in enumerate(options):
        for option in opts:
            covers.setdefault(option, set()).add(number)
    # Lazy greedy set cover: an option's cost per string it still covers only grows.
    uncovered, items = set(range(len(options))), set()
    heap = [(_cost(o) / len(covered), o) for o, covered in covers.items()]
    heapq.heapify(heap)
    while uncovered:
        score, option = heapq.heappop(heap)
        fresh = len(covers[option] & uncovered)
        if not fresh:
            continue
        if _cost(option) / fresh > score:
            heapq.heappush(heap, (_cost(option) / fresh, option))
            continue
        items.add(option)
        uncovered -= covers[option]
    return _reduce(items)


def _reduce(items) -> frozenset | None:
    """Drop items that imply another item of the set (the other holds whenever they do)."""
    if not items:
        return None
    subs = sorted(s for kind, s in items if kind == "sub")
    kept = set()
    for kind, s in items:
        if kind != "digit" and DIGIT in items and (DIGITS in s or HAS_DIGIT.search(s)):
            continue
        if any(t != s and t in s for t in subs) or (kind == "word" and s in subs):
            continue
        kept.add((kind, s))
    return frozenset(kept)


def _likelihood(items) -> float:
    """Guess how likely a sentence holds one of the items: letters are common, symbols rare."""
    total = 0.0
    for kind, s in items:
        if kind == "digit":
            total += 0.3
            continue
        if kind == "word" and s in COMMON_WORDS:
            return 1.0
        p = 120.0
        for ch in s:
            p *= CHAR_ODDS.get(ch) or (0.05 if ch.isalpha() else 0.004 if ch.isdigit() else 0.03 if ch == DIGITS else 0.0001)
        if WORDLIKE.fullmatch(s):
            p = max(p, 0.003)  # words are far more frequent than random letters would be
        total += min(1.0, p / 5 if kind == "word" else p)
    return min(1.0, total)


def _tail(s: str) -> str:
    """Return the shortest end of s that holds a character other than MARK (or s)."""
    i = len(s)
    while i > 0:
        i -= 1
        if s[i] != MARK:
            return s[i:]
    return s


def _head(s: str) -> str:
    """Return the shortest start of s that holds a character other than MARK (or s)."""
    for i, ch in enumerate(s):
        if ch != MARK:
            return s[: i + 1]
    return s


def _best(candidates) -> frozenset | None:
    usable = [c for c in candidates if c]
    return min(usable, key=_likelihood) if usable else None


class _Analysis:
    """Exact strings and necessary item sets of parsed pattern nodes."""

    def __init__(self, flags: int):
        # Under re.ASCII a `\b` is not where the whole-word check looks for one.
        self.unicode_words = not flags & re.ASCII
        self._exact: dict[tuple, tuple] = {}  # by op and id() of a node of the parsed tree, alive meanwhile

    def char(self, c: int) -> str:
        folded = chr(_fold_table().get(c, c))
        if folded in (MARK, GAP, DIGITS):
            raise ValueError("pattern holds a mark character")
        return folded

    def exact(self, op, av) -> frozenset | None:
        """Return every string (with `\\b` marks) the node can match, or None if unknown."""
        key = (op, id(av))
        if key not in self._exact or self._exact[key][0] is not av:
            self._exact[key] = (av, self._compute_exact(op, av))
        return self._exact[key][1]

    def _compute_exact(self, op, av) -> frozenset | None:
        if op is C.LITERAL:
            return frozenset({self.char(av)})
        if op is C.IN:
            if av == [(C.CATEGORY, C.CATEGORY_SPACE)]:
                return frozenset({GAP})
            if av == [(C.CATEGORY, C.CATEGORY_DIGIT)]:
                return frozenset({DIGITS})
            out = set()
            for o, a in av:
                if o is C.LITERAL:
                    out.add(self.char(a))
                elif o is C.RANGE and a[1] - a[0] < MAX_RANGE:
                    out.update(self.char(c) for c in range(a[0], a[1] + 1))
                else:
                    return None
            return frozenset(out)
        if op is C.AT:
            return frozenset({MARK if av is C.AT_BOUNDARY and self.unicode_words else ""})
        if op is C.ASSERT_NOT and list(av[1]) == [(C.IN, [(C.CATEGORY, C.CATEGORY_WORD)])] and self.unicode_words:
            return frozenset({MARK})  # (?!\w) or (?<!\w) next to a word character is a \b there
        if op in (C.ASSERT, C.ASSERT_NOT):
            return frozenset({""})
        if op is C.SUBPATTERN:
            return None if av[1] & re.ASCII else self.seq_exact(av[3])
        if op is C.ATOMIC_GROUP:
            return self.seq_exact(av)
        if op is C.BRANCH:
            out = set()
            for alt in av[1]:
                e = self.seq_exact(alt)
                if e is None or len(out) + len(e) > MAX_STRINGS:
                    return None
                out |= e
            return frozenset(out)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, sub = av
            inner = self.seq_exact(sub)
            if inner in ({GAP}, {DIGITS}):  # one or more of them, like a single one
                return frozenset(inner if low else inner | {""})
            if inner is None or high == C.MAXREPEAT or high > 4:
                return None
            out, power = set(), {""}
            for k in range(high + 1):
                if k >= low:
                    out |= power
                if k < high:
                    power = {a + b for a in power for b in inner}
                    if len(power) > MAX_STRINGS:
                        return None
            return frozenset(out)
        return None

    def seq_exact(self, items) -> frozenset | None:
        run = {""}
        for op, av in items:
            e = self.exact(op, av)
            if e is None or len(run) * len(e) > MAX_STRINGS:
                return None
            run = {a + b for a in run for b in e}
        return frozenset(run)

    def seq_needs(self, items, before=frozenset({""}), after=frozenset({""})) -> list[frozenset]:
        """Return item sets each of which every match of the sequence holds one of.

        `before` and `after` are the exact strings around the sequence (the
        `\\b` of `\\b(?:a|b)\\b`), so that a literal alternative can be a whole word.
        """
        items = list(items)
        exacts = [self.exact(op, av) for op, av in items]
        run, found = set(before), []
        for k, ((op, av), e) in enumerate(zip(items, exacts)):
            if e is not None and len(run) * len(e) <= MAX_STRINGS:
                run = {a + b for a in run for b in e}
                continue
            if e is None:
                found.append(self.node_needs(op, av, frozenset(run), self.follows(items[k + 1 :], after)))
                # What the run is followed by starts like the rest of the sequence.
                ends = self.follows(items[k:], after)
                if len(run) * len(ends) <= MAX_STRINGS:
                    run = {a + b for a in run for b in ends}
            found.append(_items(run))
            if e is None:
                run = {""}
            else:
                # Too many strings: keep only the last character before e, enough to bound a word.
                tails = {_tail(a) for a in run}
                run = {a + b for a in tails for b in e} if len(tails) * len(e) <= MAX_STRINGS else set(e)
        ends = after if len(run) * len(after) <= MAX_STRINGS else {_head(b) for b in after}
        if len(run) * len(ends) <= MAX_STRINGS:
            run = {a + b for a in run for b in ends}
        found.append(_items(run))
        return found

    def follows(self, items, after) -> frozenset:
        """Return how the text matched by items, then by `after`, may start ({""}: unknown)."""
        heads = self.seq_heads(items)
        if heads is None:
            return frozenset({""})
        if "" in heads:
            return frozenset(heads - {""}) | {_head(b) for b in after}
        return heads

    def seq_heads(self, items) -> frozenset | None:
        """Return the starts of what a sequence matches ("" if it can match nothing), or None."""
        out = set()
        for op, av in items:
            heads = self.heads(op, av)
            if heads is None:
                return None
            out |= heads - {""}
            if "" not in heads:
                return frozenset(out)
        return frozenset(out | {""})

    def heads(self, op, av) -> frozenset | None:
        """Return the starts of what a node matches: its shortest non-empty prefixes, or None."""
        exact = self.exact(op, av)
        if exact is not None:
            return frozenset(_head(s) for s in exact)
        if op is C.SUBPATTERN:
            return None if av[1] & re.ASCII else self.seq_heads(av[3])
        if op is C.ATOMIC_GROUP:
            return self.seq_heads(av)
        if op is C.BRANCH:
            out = set()
            for alt in av[1]:
                heads = self.seq_heads(alt)
                if heads is None:
                    return None
                out |= heads
            return frozenset(out)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            heads = self.seq_heads(av[2])
            if heads is None:
                return None
            return heads | {""} if av[0] == 0 else heads
        return None

    def node_needs(self, op, av, before, after) -> frozenset | None:
        """Return one item set that every match of a node (between before and after) holds one of."""
        if op is C.IN and all(o is C.LITERAL or (o is C.CATEGORY and a is C.CATEGORY_DIGIT) for o, a in av):
            return _reduce({DIGIT} | {("sub", self.char(a)) for o, a in av if o is C.LITERAL})
        if op is C.SUBPATTERN:
            return None if av[1] & re.ASCII else _best(self.seq_needs(av[3], before, after))
        if op is C.ATOMIC_GROUP:
            return _best(self.seq_needs(av, before, after))
        if op is C.BRANCH:
            union = set()
            for alt in av[1]:
                need = _best(self.seq_needs(alt, before, after))
                if need is None:
                    return None
                union |= need
            return _reduce(union)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, sub = av
            if low == 0:
                return None
            if low == high == 1:
                return _best(self.seq_needs(sub, before, after))
            return _best(self.seq_needs(sub))
        return None


CONDITION_CACHE = 1024  # patterns whose conditions are remembered: a reload re-derives only the changed ones


@functools.lru_cache(maxsize=CONDITION_CACHE)  # keyed by the pattern itself: an edited rule misses it
def condition(pattern: str, flags: int = 0) -> Condition | None:
    """Return a necessary condition for `re.compile(pattern, flags)` to match a text, or None."""
    if _parser is None or not isinstance(pattern, str) or flags & re.LOCALE:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
        candidates = {c for c in _Analysis(parsed.state.flags).seq_needs(parsed.data) if c}
    except Exception:  # an internal we did not expect: no condition, the rule always runs
        return None
    ranked = sorted(candidates, key=lambda c: (_likelihood(c), len(c), sorted(c)))
    useful = [c for c in ranked if _likelihood(c) < 1.0][:MAX_NEEDS] or ranked[:1]
    needs = tuple(
        Need(
            substrings=tuple(sorted((s for kind, s in c if kind == "sub"), key=lambda s: (len(s), s))),
            words=frozenset(s for kind, s in c if kind == "word"),
            digit=DIGIT in c,
        )
        for c in useful
    )
    return Condition(needs) if needs else None
