"""Every extraction rule's examples and counterexamples, run as tests (Duckling-style corpora)."""

import re

import pytest

from qa.entities import find_patterns
from qa.rulefiles import RuleError, RuleFiles
from tests.rulesets import RULES

BRACKETS = re.compile(r"\[\[(.+?)\]\]")


def expected(example: str) -> tuple[str, str]:
    """Return the example without brackets and the span it marks (the whole text if none)."""
    match = BRACKETS.search(example)
    text = BRACKETS.sub(lambda m: m.group(1), example)
    return text, (match.group(1) if match else text)


def cases(rules, kind):
    return [pytest.param(rule, example, id=f"{rule.name}:{example[:30]}") for rule in rules for example in getattr(rule, kind)]


@pytest.mark.parametrize("rule, example", cases(RULES.entities, "examples"))
def test_entity_rule_finds_its_example(rule, example):
    text, span = expected(example)
    found = [m.group() for m in rule.regex.finditer(text)]
    assert span in found, f"{rule.source}: rule '{rule.name}' found {found} in {text!r}, expected {span!r}"


@pytest.mark.parametrize("rule, example", cases(RULES.entities, "counterexamples"))
def test_entity_rule_ignores_its_counterexample(rule, example):
    assert not rule.regex.search(example), f"{rule.source}: rule '{rule.name}' matched {example!r}"


@pytest.mark.parametrize("rule, example", cases(RULES.descriptions, "examples") + cases(RULES.reasons, "examples"))
def test_answer_rule_captures_its_example(rule, example):
    text, span = expected(example)
    found = [m.group("answer") for m in rule.regex.finditer(text)]
    assert span in found, f"{rule.source}: rule '{rule.name}' captured {found} in {text!r}, expected {span!r}"


@pytest.mark.parametrize("rule, example", cases(RULES.descriptions, "counterexamples") + cases(RULES.reasons, "counterexamples"))
def test_answer_rule_ignores_its_counterexample(rule, example):
    assert not rule.regex.search(example), f"{rule.source}: rule '{rule.name}' matched {example!r}"


def test_overlapping_matches_keep_the_longest():
    labels = {(e.text, e.label) for e in find_patterns("they gave $20 million in February 2022", RULES)}
    assert ("$20 million", "MONEY") in labels
    assert ("February 2022", "DATE") in labels
    assert not any(text == "20 million" for text, _ in labels)


@pytest.mark.parametrize(
    "content, message",
    [
        ('[[rule]]\nname = "a"\npattern = "x"\nlabel = "L"\nconfidence = 1\nexamples = ["x"]\n[[rule]]\nname = "a"\npattern = "y"\nlabel = "L"\nconfidence = 1\nexamples = ["y"]\n', "rule 'a': duplicate name"),
        ('[[rule]]\nname = "a"\npattern = "x"\nlabel = "L"\nconfidence = 1\nexamples = ["x"]\ncolour = "red"\n', "rule 'a': unknown key"),
        ('[[rule]]\nname = "a"\npattern = "{nope}"\nlabel = "L"\nconfidence = 1\nexamples = ["x"]\n', "rule 'a': undefined fragment '{nope}'"),
        ('[[rule]]\nname = "a"\npattern = "(x"\nlabel = "L"\nconfidence = 1\nexamples = ["x"]\n', "rule 'a': bad pattern"),
        ('[[rule]]\nname = "a"\npattern = "x"\nconfidence = 1\nexamples = ["x"]\n', "rule 'a': missing key(s) ['label']"),
        ('[[rule]]\nname = "Bad Name"\npattern = "x"\nlabel = "L"\nconfidence = 1\nexamples = ["x"]\n', "kebab-case"),
        ('[[rule]]\nname = "a"\npattern = "x"\nlabel = "L"\nconfidence = 1\n', "rule 'a': needs at least one example"),
    ],
)
def test_a_bad_rule_file_fails_naming_the_rule(tmp_path, content, message):
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    with pytest.raises(RuleError) as error:
        RuleFiles(tmp_path).rules("bad.toml", ("label", "confidence"))
    assert message in str(error.value)
    assert "rules/bad.toml" in str(error.value)
