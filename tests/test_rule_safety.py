"""Regular-expression safety: no rule pattern takes long on adversarial text (no catastrophic backtracking).

Every compiled pattern of rules/ (question, entity, description and reason
rules) runs finditer() over 10,000-character adversarial inputs
(tests/rule_timing.py lists them) in a subprocess, one subprocess for a rule
file. The parent times each rule on each input: one that takes over LIMIT
seconds (a linear pattern takes well under 0.2 s; a quadratic one several
seconds; an exponential one forever) has its subprocess killed, is reported
by file, rule name and input, and the run goes on from the next rule in a new
subprocess.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.rule_timing import INPUTS, LOADERS

HERE = Path(__file__).resolve().parent
LIMIT = 2.0  # seconds a rule may take on one 10,000-character input
STARTUP = 60.0  # seconds for a subprocess to import qa and load the rules
MAX_RESTARTS = 20  # a file with more slow rules than this stops early (and fails anyway)


def run_batch(loader: str, start: int):
    """Run rules from start on; return (timings, slow rule or None, next start or None when done)."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "rule_timing.py"), loader, str(start)],
        cwd=HERE.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put("")], daemon=True)
    reader.start()
    timings, current, deadline = [], None, time.monotonic() + STARTUP
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                if current is None:
                    raise RuntimeError(f"the {loader} rules did not load within {STARTUP} s") from None
                return timings, current, current["i"] + 1
            if not line:
                process.wait(timeout=10)
                raise RuntimeError(f"rule_timing.py {loader} exited early:\n{process.stderr.read()}")
            record = json.loads(line)
            if record["event"] == "start":
                current, deadline = record, time.monotonic() + LIMIT
            elif record["event"] == "done":
                timings.append({**current, **record})
                current, deadline = None, time.monotonic() + LIMIT
            elif record["event"] == "end":
                return timings, None, None
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        reader.join(timeout=10)
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize("loader", LOADERS)
def test_no_rule_pattern_backtracks_catastrophically(loader):
    slow, timings, start = [], [], 0
    for _ in range(MAX_RESTARTS):
        done, culprit, start = run_batch(loader, start)
        timings.extend(done)
        if culprit is not None:
            slow.append(f"{culprit['source']}: rule '{culprit['name']}' took over {LIMIT} s on {culprit['input']}")
        if start is None:
            break
    else:
        slow.append(f"stopped after {MAX_RESTARTS} slow rules")
    assert timings or slow, "no rule was timed"
    assert not slow, "patterns that backtrack on adversarial input:\n" + "\n".join(slow)
    if os.environ.get("QA_RULE_TIMINGS"):
        for t in sorted(timings, key=lambda t: -t["seconds"])[:10]:
            print(f"{t['seconds']:.3f}s {t['source']} {t['name']} on {t['input']}")


def test_the_inputs_are_long_enough_to_matter():
    assert len(INPUTS) >= 30
    assert all(len(text) == 10_000 for text in INPUTS.values())
