"""The child process of tests/test_rule_safety.py: time every rule pattern on adversarial inputs.

    python tests/rule_timing.py LOADER START

LOADER names one of LOADERS; the rules from index START on are run with
finditer() on every input of INPUTS. One JSON line is printed (and flushed)
before and after each rule and input, so the parent can time each one and
kill this process when one takes too long, then start again at the next rule.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

LENGTH = 10_000


def _repeat(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


# Long runs of one character or unit, near-matches that almost complete a pattern, nesting.
INPUTS = {
    "'a' * 10000": _repeat("a"),
    "'A' * 10000": _repeat("A"),
    "'aA' * 5000": _repeat("aA"),
    "'Ab ' * 3333": _repeat("Ab "),
    "'John Smith ' * 909": _repeat("John Smith "),
    "'Mr. ' * 2500": _repeat("Mr. "),
    "'U.S. ' * 2000": _repeat("U.S. "),
    "'1' * 10000": _repeat("1"),
    "'1,' * 5000": _repeat("1,"),
    "'1.' * 5000": _repeat("1."),
    "'1 ' * 5000": _repeat("1 "),
    "'1,000,000 ' * 1000": _repeat("1,000,000 "),
    "'$' * 10000": _repeat("$"),
    "'$1' * 5000": _repeat("$1"),
    "'%' * 10000": _repeat("%"),
    "'. ' * 5000": _repeat(". "),
    "' ' * 10000": _repeat(" "),
    "'\\t\\n' * 5000": _repeat("\t\n"),
    "'-' * 10000": _repeat("-"),
    "'February ' * 1111": _repeat("February "),
    "'February 1, ' * 833": _repeat("February 1, "),
    "'in 2022 ' * 1250": _repeat("in 2022 "),
    "'million ' * 1250": _repeat("million "),
    "'per cent ' * 1111": _repeat("per cent "),
    "'(' * 10000": _repeat("("),
    "'((a))' * 2000": _repeat("((a))"),
    "'\"' * 10000": _repeat('"'),
    "\"'s \" * 3333": _repeat("'s "),
    "', ' * 5000": _repeat(", "),
    "', a ' * 2500": _repeat(", a "),
    "'the ' * 2500": _repeat("the "),
    "'of the ' * 1428": _repeat("of the "),
    "'who is ' * 1428": _repeat("who is "),
    "'how much ' * 1111": _repeat("how much "),
    "'what is the ' * 833": _repeat("what is the "),
    "'because of ' * 909": _repeat("because of "),
    "'said ' * 2000": _repeat("said "),
    "'a' * 9999 + '!'": "a" * (LENGTH - 1) + "!",
    "'1' * 9999 + 'x'": "1" * (LENGTH - 1) + "x",
}


LOADERS = ("questions", "entities", "descriptions", "reasons")


def main(loader: str, start: int) -> None:
    from qa.rules import load_rules  # imported here, in the child

    rules = getattr(load_rules(), loader)
    emit({"event": "loaded", "count": len(rules)})
    for i in range(start, len(rules)):
        rule = rules[i]
        for label, text in INPUTS.items():
            emit({"event": "start", "i": i, "source": rule.source, "name": rule.name, "input": label})
            started = time.perf_counter()
            # finditer tries every start position, so it covers search() (re.search is its first match).
            for _ in rule.regex.finditer(text):
                pass
            emit({"event": "done", "seconds": time.perf_counter() - started})
    emit({"event": "end"})


def emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1], int(sys.argv[2]))
