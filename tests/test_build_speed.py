"""The build's shortcuts change no annotation: rule prefilters are exact, the worker process is faithful."""

from __future__ import annotations

import multiprocessing
import re
import sys

import pytest

import functools

from qa import prefilter, workers
from qa.corpus import Document
from qa.entities import find_patterns, split_and_annotate
from qa.workers import annotated_documents
from tests.rulesets import RULES

ANNOTATE = functools.partial(split_and_annotate, rules=RULES)

SENTENCES = [
    "About 150,000 refugees crossed in February 2022, the 3rd wave since the 1990s.",
    "The Indian rupee fell 12 percent to 83.2 per dollar on Thursday; £250,000 was lost.",
    "Winds of 120 mph hit the 1,500-mile coast at minus 20 degrees Celsius last winter.",
    "Mr. Smith, the president of the bank, said two dozen people left after three years.",
    "The Ünited Státes' GDP rose 2.7% (about $3.5 billion) in the 21st century.",
    "ſome long s, a KELVIN SIGN \u212a and a dotless \u0131 in 2016.",
]


def rule_texts():
    for rule in RULES.entities:
        for text in (*rule.examples, *rule.counterexamples):
            yield rule, text.replace("[[", "").replace("]]", "")


def test_a_rule_never_matches_a_text_its_condition_rules_out():
    screen = RULES.entity_screen
    texts = [text for _, text in rule_texts()] + SENTENCES
    texts += [t.upper() for t in texts] + [t.lower() for t in texts]
    for text in texts:
        for rule, may_match in zip(RULES.entities, screen.passing(text)):
            if not may_match:
                assert not rule.regex.search(text), f"rule '{rule.name}' matches {text!r} but was skipped"


def test_most_rules_get_a_condition_and_each_example_passes_it():
    conditions = [prefilter.condition(r.regex.pattern, r.regex.flags) for r in RULES.entities]
    assert sum(c is not None for c in conditions) >= len(conditions) - 2
    for rule, text in rule_texts():
        cond = conditions[RULES.entities.index(rule)]
        if cond is not None and rule.regex.search(text):
            folded = prefilter.fold(text)
            words = prefilter.text_words(text, folded)
            assert cond.holds(folded, words, bool(prefilter.HAS_DIGIT.search(text))), (rule.name, text)


@pytest.mark.parametrize(
    "pattern, matching, other",
    [
        (r"\b(?:dollar|euro)s?\b", "ten Euros", "eurozone"),
        (r"\d+(?:st|nd)\b", "the 21st", "21 st"),
        (r"(?:about\s+)?\$\d", "about $5", "about 5"),
        (r"(?-i:March)\s+\d", "March 3", "march on"),
        (r"colou?r", "COLOR", "colr"),
        (r"\bstreet\b", "\u017ftreet", "streets"),
    ],
)
def test_a_condition_lets_through_what_the_pattern_matches(pattern, matching, other):
    regex = re.compile(pattern, re.IGNORECASE)
    cond = prefilter.condition(pattern, re.IGNORECASE)
    assert cond is not None
    for text in (matching, other):
        folded = prefilter.fold(text)
        holds = cond.holds(folded, prefilter.text_words(text, folded), bool(prefilter.HAS_DIGIT.search(text)))
        assert holds or not regex.search(text), (pattern, text)
    assert regex.search(matching)


def test_unusual_patterns_get_no_condition_rather_than_a_wrong_one():
    assert prefilter.condition(r".*", 0) is None
    assert prefilter.condition(r"(", 0) is None  # does not even compile
    assert prefilter.condition("\ue000x", 0) is None  # the analysis's own mark character


def test_folding_agrees_with_ignorecase_for_every_character_the_rules_use():
    # Every character a rule spells out, and every character re.IGNORECASE matches to it, fold alike.
    universe = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    chars = {ch for rule in RULES.entities for ch in rule.regex.pattern if ch.isalpha()} | set("skiµ")
    for ch in sorted(chars):
        for match in re.finditer(re.escape(ch), universe, re.IGNORECASE):
            assert prefilter.fold(match.group()) == prefilter.fold(ch), (ch, match.group())


def test_fold_keeps_offsets():
    for text in SENTENCES:
        assert len(prefilter.fold(text)) == len(text)


def test_find_patterns_still_finds_every_kind():
    labels = {(e.text, e.label) for e in find_patterns("they gave $20 million in February 2022", RULES)}
    assert ("$20 million", "MONEY") in labels and ("February 2022", "DATE") in labels


def documents(n=12):
    return [Document(f"doc-{i}", "\n".join(SENTENCES[i % len(SENTENCES) :] + SENTENCES[: i % len(SENTENCES)])) for i in range(n)]


def plain(results):
    return [(d.id, [s.text for s in a.sentences], [[e.to_json() for e in row] for row in a.entities]) for d, a in results]


@pytest.mark.skipif(sys.platform == "win32", reason="no fork")
def test_the_worker_process_annotates_exactly_as_in_process_and_in_order():
    docs = documents()
    with annotated_documents(docs, ANNOTATE, min_chars=10**12) as results:
        serial = plain(results)
    with annotated_documents(docs, ANNOTATE, min_chars=1) as results:
        parallel = plain(results)
    assert parallel == serial
    assert [d for d, _, _ in serial] == [d.id for d in docs]
    assert serial[0][2] == [[e.to_json() for e in row] for row in split_and_annotate(docs[0], RULES).entities]
    assert not multiprocessing.active_children()


def fail_on_third(document):
    if document.text.startswith("Winds"):
        raise RuntimeError("annotation failed")
    return ANNOTATE(document)


@pytest.mark.parametrize("min_chars", [1, 10**12])
def test_a_failure_stops_the_build_and_leaves_no_process(min_chars):
    with pytest.raises(RuntimeError, match="annotation failed"):
        with annotated_documents(documents(), fail_on_third, min_chars=min_chars) as results:
            list(results)
    assert not multiprocessing.active_children()


def test_leaving_early_stops_the_worker():
    with pytest.raises(KeyError):
        with annotated_documents(documents(40), ANNOTATE, min_chars=1) as results:
            next(iter(results))
            raise KeyError("consumer failed")
    assert not multiprocessing.active_children()


@pytest.mark.skipif(sys.platform == "win32", reason="no fork")
def test_a_killed_build_takes_its_worker_with_it(tmp_path):
    # The worker shares the build's lock; if it outlived a killed build, the next build would wait forever.
    import os
    import signal
    import subprocess
    import time

    script = (
        "import sys, time\n"
        "from qa.corpus import Document\n"
        "from qa.workers import annotated_documents\n"
        "docs = [Document(str(i), 'A sentence about 3 dollars. ' * 400) for i in range(400)]\n"
        "with annotated_documents(docs, lambda d: ([], []), min_chars=1) as results:\n"
        "    for r in results:\n"
        "        import multiprocessing\n"
        "        print(multiprocessing.active_children()[0].pid, flush=True)\n"
        "        time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=workers.__file__.rsplit("/qa/", 1)[0], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(process.stdout.readline())
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(worker, signal.SIGKILL)
            pytest.fail("the worker outlived its killed parent")
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
