"""Tests for rules/questions.toml: every rule's corpus, the loader's errors, normalisation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qa.question import classify as classify_with, normalize
from qa.rulefiles import RuleError, RuleFiles
from tests.rulesets import RULES as RULE_SET

RULES = RULE_SET.questions


def classify(question):
    return classify_with(question, RULE_SET)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "trec_qc" / "train_5500.label"
UIUC_FINE = """ABBR:abb ABBR:exp DESC:def DESC:desc DESC:manner DESC:reason ENTY:animal ENTY:body
ENTY:color ENTY:cremat ENTY:currency ENTY:dismed ENTY:event ENTY:food ENTY:instru ENTY:lang
ENTY:letter ENTY:other ENTY:plant ENTY:product ENTY:religion ENTY:sport ENTY:substance
ENTY:symbol ENTY:techmeth ENTY:termeq ENTY:veh ENTY:word HUM:desc HUM:gr HUM:ind HUM:title
LOC:city LOC:country LOC:mount LOC:other LOC:state NUM:code NUM:count NUM:date NUM:dist
NUM:money NUM:ord NUM:other NUM:perc NUM:period NUM:speed NUM:temp NUM:volsize NUM:weight""".split()

EXAMPLES = [(rule.name, example) for rule in RULES for example in rule.examples]
COUNTEREXAMPLES = [(rule.name, text) for rule in RULES for text in rule.counterexamples]
BY_NAME = {rule.name: rule for rule in RULES}


@pytest.mark.parametrize("rule_name, example", EXAMPLES)
def test_example_is_won_by_its_rule(rule_name, example):
    answer_type, winner, _ = classify(example)
    assert winner == rule_name, (
        f"rule {rule_name!r}: example {example!r} was won by {winner!r} ({answer_type})"
    )


@pytest.mark.parametrize("rule_name, text", COUNTEREXAMPLES)
def test_counterexample_does_not_match(rule_name, text):
    match = BY_NAME[rule_name].regex.search(normalize(text))
    assert match is None, f"rule {rule_name!r}: counterexample {text!r} matched {match.group(0)!r}"


def test_every_fine_class_has_a_rule():
    covered = {rule.get("answer_type") for rule in RULES}
    assert set(UIUC_FINE) <= covered, sorted(set(UIUC_FINE) - covered)


def test_fallback_is_last_and_catches_everything():
    last = RULES[-1]
    for text in ["", "?", "zzz", "Tell me something."]:
        assert last.regex.search(normalize(text)), text
    assert classify("Tell me something.")[1] == last.name


@pytest.mark.parametrize(
    "question, answer_type, group, value",
    [
        ("how much additional funding did blinken announce", "NUM:money", None, None),
        ("how much did the tenge fall", "NUM:perc", None, None),
        ("by how much did the currency drop", "NUM:perc", None, None),
        ("how many russians fled", "NUM:count", None, None),
        ("when were the sanctions imposed", "NUM:date", None, None),
        ("what is the capital of kyrgyzstan", "LOC:city", "target", "kyrgyzstan"),
        ("where did blinken land", "LOC:other", None, None),
        ("which country is kazakhstan's largest trading partner", "LOC:country", "focus", "country"),
        ("who is the president of kazakhstan", "HUM:ind", None, None),
        ("who is jane smith", "HUM:desc", "target", "jane smith"),
        ("Who was Galileo ?", "HUM:desc", "target", "galileo"),
        ("what organisation does he work for", "HUM:gr", "focus", "organisation"),
        ("why did prices rise", "DESC:reason", None, None),
        ("what is the yurt of invincibility", "DESC:def", "target", "yurt of invincibility"),
        ("what is a tenge", "DESC:def", "target", "tenge"),
        ("what makes up most of the exports", "ENTY:other", None, None),
        ("how long did the siege last", "NUM:period", None, None),
        ("how far is astana from almaty", "NUM:dist", None, None),
        ("what are the five central asian countries", "LOC:country", "focus", "countries"),
    ],
)
def test_service_question_forms(question, answer_type, group, value):
    got, rule, match = classify(question)
    assert got == answer_type, f"{question!r}: {got} by rule {rule!r}"
    if group:
        assert match is not None and match.group(group) == value


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Who Is Jane Smith ?", "who is jane smith"),
        ("  who   is\tjane  smith  ", "who is jane smith"),
        ("who is jane smith", "who is jane smith"),
        ("What is the country 's capital ?", "what is the country's capital"),
        ("What ’s the capital?!", "what's the capital"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "trec, plain",
    [
        ("Who is Colin Powell ?", "who is colin powell"),
        ("What country 's flag has a maple leaf ?", "what country's flag has a maple leaf"),
        ("How much did the Iran-Contra investigation cost ?", "how much did the iran-contra investigation cost"),
        ("What is the capital of Burkina Faso ?", "WHAT IS THE CAPITAL OF BURKINA FASO"),
    ],
)
def test_trec_spacing_and_case_classify_alike(trec, plain):
    assert classify(trec)[:2] == classify(plain)[:2]


def test_patterns_are_linear_on_long_input():
    texts = [
        "what " + "a " * 5000,
        "what " + "big " * 2500,
        "what is the " + "country " * 1200,
        "how much " + "money " * 1600,
        "who is " + "x" * 9990,
        "which of the following " + "famous " * 1400,
        "name the " + "soft drink " * 900,
    ]
    for text in texts:
        start = time.perf_counter()
        for rule in RULES:
            rule.regex.search(text)
        assert time.perf_counter() - start < 2.0, text[:40]


@pytest.fixture
def rules_dir(tmp_path):
    """A temporary rules/ folder."""
    return tmp_path


def write_rules(folder, text):
    (folder / "test.toml").write_text(text, encoding="utf-8")
    return "test.toml"


GOOD = """
[[rule]]
name = "good-rule"
pattern = '^when\\b'
answer_type = "NUM:date"
examples = ["When?"]
"""


@pytest.mark.parametrize(
    "text, message",
    [
        (GOOD + GOOD, r"rule 'good-rule': duplicate name"),
        (GOOD.replace('answer_type', 'colour = "red"\nanswer_type'), r"rule 'good-rule': unknown key"),
        (GOOD.replace("^when", "^{when}"), r"rule 'good-rule': undefined fragment '\{when\}'"),
        (GOOD.replace("^when", "^(when"), r"rule 'good-rule': bad pattern"),
        (GOOD.replace('examples = ["When?"]', "examples = []"), r"rule 'good-rule': needs at least one example"),
        (GOOD.replace('"good-rule"', '"Good Rule"'), r"rule 'Good Rule': 'name' must be a kebab-case"),
    ],
)
def test_malformed_rules_raise_rule_error_naming_the_rule(rules_dir, text, message):
    name = write_rules(rules_dir, text)
    with pytest.raises(RuleError, match=message) as error:
        RuleFiles(rules_dir).rules(name, ("answer_type",))
    assert str(error.value).startswith("rules/test.toml")


def test_well_formed_rules_load(rules_dir):
    name = write_rules(rules_dir, "[lists]\nwh = \"wh.txt\"\n" + GOOD.replace("^when", "^{wh}"))
    (rules_dir / "wh.txt").write_text("# question words\nwhen\nwhere\n", encoding="utf-8")
    (rule,) = RuleFiles(rules_dir).rules(name, ("answer_type",))
    assert rule.regex.search("where is it") and not rule.regex.search("who is it")


def test_missing_list_file_raises(rules_dir):
    name = write_rules(rules_dir, "[lists]\nwh = \"nowhere.txt\"\n" + GOOD)
    with pytest.raises(RuleError, match=r"list 'wh': no file rules/nowhere.txt"):
        RuleFiles(rules_dir).rules(name, ("answer_type",))


@pytest.mark.skipif(not DATA.exists(), reason="../shared/data is not present")
def test_train_accuracy_floor():
    """Every third training question (to stay well under two seconds) keeps its accuracy."""
    right_coarse = right_fine = total = 0
    lines = DATA.read_text(encoding="latin-1").splitlines()
    for line in lines[::3]:
        label, _, question = line.partition(" ")
        if not question:
            continue
        got = classify(question)[0]
        total += 1
        right_fine += got == label
        right_coarse += got.split(":")[0] == label.split(":")[0]
    coarse, fine = right_coarse / total, right_fine / total
    assert coarse > 0.92 and fine > 0.88, f"coarse {coarse:.3f}, fine {fine:.3f}"
