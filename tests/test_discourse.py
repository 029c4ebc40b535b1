"""The discourse layer (qa/discourse.py, rules/discourse.toml): invented news stories, the rule corpora, hostile input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.discourse import DocumentDiscourse, analyse_document, expansions
from qa.discourse import load_discourse as load_discourse_from
from qa.rulefiles import RuleError, RuleFiles
from tests.rulesets import RULES as RULE_SET
from tests.rulesets import split_sentences


def load_discourse(rules_dir):
    return load_discourse_from(RuleFiles(rules_dir))

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
BRACKETS = re.compile(r"\[\[(.+?)\]\]")


@pytest.fixture(scope="module")
def rules():
    return load_discourse(RULES)


def annotate(sentences, names: dict[str, str]):
    """Return entity tuples (start, end, label, text) for every whole-word occurrence of the given names."""
    rows = []
    for s in sentences:
        row, taken = [], []
        for name in sorted(names, key=len, reverse=True):
            for m in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?![\w])", s.text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append(m.span())
                row.append((m.start(), m.end(), names[name], name))
        rows.append(sorted(row))
    return rows


def analyse(text: str, names: dict[str, str], rules) -> tuple[list, DocumentDiscourse]:
    sentences = split_sentences("test", text)
    return sentences, analyse_document(text, sentences, annotate(sentences, names), rules)


def links_of(doc: DocumentDiscourse, sentence: int) -> dict[str, str]:
    return {link.text: link.antecedent for link in doc.links[sentence]}


def sentence_with(sentences, fragment: str) -> int:
    return next(s.index for s in sentences if fragment in s.text)


# --- an invented business story: headline, names, appositives, descriptions, pronouns, quotes ----

BUSINESS = """Harbour bank to close branches

Corvane Bank, the country's oldest lender, is to close 40 branches, its chief executive Maria Lindqvist said on Monday.
Mrs Lindqvist said the bank had lost customers to online rivals. She joined the firm in 2019.
Its shares fell 3% in early trading.
Tomas Ekberg, an analyst with Nordic Securities, said the cuts were overdue.
"Branches cost money that customers no longer want to pay for," said Mr Ekberg.
"I expect others to follow."
"We will protect every job we can," Mrs Lindqvist said.
The 58-year-old has run the company since 2021.
It is thought the closures will take two years.
"""

BUSINESS_NAMES = {
    "Corvane Bank": "ORG",
    "Maria Lindqvist": "PERSON",
    "Lindqvist": "PERSON",
    "Tomas Ekberg": "PERSON",
    "Ekberg": "PERSON",
    "Nordic Securities": "ORG",
}


@pytest.fixture(scope="module")
def business(rules):
    return analyse(BUSINESS, BUSINESS_NAMES, rules)


def test_a_title_line_before_a_blank_line_is_the_headline(business):
    _, doc = business
    assert doc.headline is not None
    assert doc.headline.text == "Harbour bank to close branches"
    assert doc.headline.rule == "headline-blank-line"
    assert doc.dateline is None and doc.credits == ()


def test_a_surname_repeats_the_full_name(business):
    sentences, doc = business
    i = sentence_with(sentences, "Mrs Lindqvist said the bank")
    link = next(link for link in doc.links[i] if link.text == "Lindqvist")
    assert (link.antecedent, link.sieve, link.rule) == ("Maria Lindqvist", "name-alias", "name-surname")


def test_an_apposition_joins_a_description_to_its_name(business):
    sentences, doc = business
    first = links_of(doc, sentence_with(sentences, "Corvane Bank, the country's"))
    assert first["the country's oldest lender"] == "Corvane Bank"
    analyst = next(link for link in doc.links[sentence_with(sentences, "Tomas Ekberg, an analyst")] if link.sieve == "appositive")
    assert analyst.antecedent == "Tomas Ekberg"


def test_a_definite_description_takes_the_name_of_its_head_or_type(business):
    sentences, doc = business
    bank = links_of(doc, sentence_with(sentences, "the bank had lost"))
    assert bank["the bank"] == "Corvane Bank"  # by type: no earlier mention was called a bank
    firm = links_of(doc, sentence_with(sentences, "She joined the firm"))
    assert firm["the firm"] == "Corvane Bank"


def test_pronouns_agree_in_gender_and_take_the_subject_first(business):
    sentences, doc = business
    she = links_of(doc, sentence_with(sentences, "She joined"))
    assert she["She"] == "Maria Lindqvist"
    its = links_of(doc, sentence_with(sentences, "Its shares"))
    assert its["Its"] == "Corvane Bank"


def test_an_age_description_refers_to_the_last_person_named(business):
    sentences, doc = business
    age = doc.links[sentence_with(sentences, "The 58-year-old")]
    assert any(link.text == "The 58-year-old" and link.antecedent == "Maria Lindqvist" for link in age)


def test_a_pleonastic_it_refers_to_nothing(business):
    sentences, doc = business
    assert not [link for link in doc.links[sentence_with(sentences, "It is thought")] if link.text == "It"]


def test_quote_speakers_before_after_and_continued(business):
    sentences, doc = business
    after = doc.quotes[sentence_with(sentences, "Branches cost money")]
    assert [(q.speaker, q.rule) for q in after] == [("Tomas Ekberg", "quote-then-verb-speaker")]
    continued = doc.quotes[sentence_with(sentences, "I expect others")]
    assert [(q.speaker, q.rule) for q in continued] == [("Tomas Ekberg", "quote-previous-speaker")]
    named_after = doc.quotes[sentence_with(sentences, "We will protect")]
    assert named_after[0].speaker == "Maria Lindqvist" and named_after[0].cue == "Lindqvist"


def test_first_person_inside_a_quote_is_its_speaker(business):
    sentences, doc = business
    i = sentence_with(sentences, "I expect others")
    assert links_of(doc, i)["I"] == "Tomas Ekberg"
    we = [link for link in doc.links[sentence_with(sentences, "We will protect")] if link.text == "We"]
    assert we and we[0].antecedent == "Maria Lindqvist" and we[0].rule == "quote-first-person-plural"


def test_expansions_name_what_a_sentence_lacks(business):
    sentences, doc = business
    assert "Maria Lindqvist" in expansions(doc, sentence_with(sentences, "She joined"))
    assert "Corvane Bank" in expansions(doc, sentence_with(sentences, "Its shares"))
    # Everything the quote's own sentence names is in it already.
    assert "Tomas Ekberg" not in expansions(doc, sentence_with(sentences, "Tomas Ekberg, an analyst"))
    assert "Tomas Ekberg" in expansions(doc, sentence_with(sentences, "I expect others"))
    assert expansions(doc, 999) == [] and expansions(doc, -1) == []


def test_every_record_carries_its_rule(business):
    _, doc = business
    for row in doc.links:
        for link in row:
            assert link.rule and link.sieve and link.label
    for row in doc.quotes:
        for quote in row:
            assert quote.rule


# --- pronouns: speaker in a quote, gender cues, cataphora, reflexives, objects ------------------

def test_a_pronoun_speaker_is_resolved_through_the_links(rules):
    text = "Coach Jane Doe was confident before the final.\n\"We will win,\" she said.\n"
    sentences, doc = analyse(text, {"Jane Doe": "PERSON"}, rules)
    quote = doc.quotes[1][0]
    assert (quote.speaker, quote.cue, quote.rule) == ("Jane Doe", "she", "quote-then-speaker-verb")
    assert links_of(doc, 1)["We"] == "Jane Doe"


def test_a_quote_with_no_attribution_takes_the_subject_before_it(rules):
    text = "Coach Jane Doe was confident before the final.\n\"We will win and we know it.\"\n"
    _, doc = analyse(text, {"Jane Doe": "PERSON"}, rules)
    assert [(q.speaker, q.rule) for q in doc.quotes[1]] == [("Jane Doe", "quote-previous-subject")]


def test_a_third_person_pronoun_inside_a_quote_is_not_the_speaker(rules):
    text = "Striker Paul Okafor left the club in May.\n\"He was the best player I ever coached,\" said Anna Berg.\n"
    _, doc = analyse(text, {"Paul Okafor": "PERSON", "Anna Berg": "PERSON"}, rules)
    found = links_of(doc, 1)
    assert found["I"] == "Anna Berg"
    assert found.get("He") == "Paul Okafor"


def test_titles_and_first_names_decide_gender(rules):
    text = "Mrs Kowalczyk met Mr Adeyemi in the capital.\nShe said the talks went well.\nHe did not comment.\n"
    _, doc = analyse(text, {"Kowalczyk": "PERSON", "Adeyemi": "PERSON"}, rules)
    assert links_of(doc, 1)["She"] == "Kowalczyk"
    assert links_of(doc, 2)["He"] == "Adeyemi"
    text = "Daniel Foss and Helen Marsh ran the campaign.\nShe later quit.\n"
    _, doc = analyse(text, {"Daniel Foss": "PERSON", "Helen Marsh": "PERSON"}, rules)
    assert links_of(doc, 1)["She"] == "Helen Marsh"


def test_a_possessive_in_a_fronted_phrase_refers_forward_to_the_subject(rules):
    text = "In his first week as mayor, Peter Vance closed two roads.\n"
    _, doc = analyse(text, {"Peter Vance": "PERSON"}, rules)
    link = links_of(doc, 0)
    assert link["his"] == "Peter Vance"
    assert doc.links[0][0].rule == "pronoun-cataphora"


def test_an_object_pronoun_does_not_take_its_own_clause_subject(rules):
    text = "Peter Vance met Jonas Lind on Monday.\nJonas Lind thanked him.\n"
    _, doc = analyse(text, {"Peter Vance": "PERSON", "Jonas Lind": "PERSON"}, rules)
    assert links_of(doc, 1)["him"] == "Peter Vance"


def test_it_after_a_speech_verb_takes_the_speaker_and_an_object_it_is_left_alone(rules):
    text = "Corvane Bank said it would cut costs.\nCustomers did not like it.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG"}, rules)
    assert links_of(doc, 0)["it"] == "Corvane Bank"
    assert "it" not in links_of(doc, 1)


def test_a_group_takes_they(rules):
    text = "Ukrainian farmers blocked the road on Friday.\nThey demanded lower fuel prices.\n"
    _, doc = analyse(text, {"Ukrainian farmers": "GROUP"}, rules)
    assert links_of(doc, 1)["They"] == "Ukrainian farmers"


def test_a_pronoun_with_no_compatible_antecedent_is_not_linked(rules):
    text = "Corvane Bank opened a branch.\nShe was pleased.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG"}, rules)
    assert "She" not in links_of(doc, 1)


def test_an_acronym_repeats_the_full_name(rules):
    text = "The Northern Rail Authority approved the plan.\nThe NRA will pay half.\n"
    _, doc = analyse(text, {"Northern Rail Authority": "ORG", "NRA": "ORG"}, rules)
    link = doc.links[1][0]
    assert (link.text, link.antecedent, link.rule) == ("NRA", "Northern Rail Authority", "name-acronym")


def test_a_predicate_nominative_gives_the_name_its_head_noun(rules):
    text = "Velmar is the largest carmaker in the region.\nShares in the carmaker rose.\n"
    _, doc = analyse(text, {"Velmar": "ORG"}, rules)
    assert links_of(doc, 0)["the largest carmaker"] == "Velmar"
    assert links_of(doc, 1)["the carmaker"] == "Velmar"
    assert doc.links[1][0].sieve == "description-head"


def test_a_title_followed_by_a_name_is_not_a_reference(rules):
    text = "Anna Berg spoke first.\nLater the Foreign Minister Karl Weiss arrived.\n"
    _, doc = analyse(text, {"Anna Berg": "PERSON", "Karl Weiss": "PERSON"}, rules)
    assert "the Foreign Minister" not in links_of(doc, 1)


def test_a_name_the_story_shows_to_be_a_person_takes_he_even_when_typed_otherwise(rules):
    text = "Velmar, who was born in a mountain village, built engines.\nLater Velmar moved abroad, where he opened a workshop.\n"
    _, doc = analyse(text, {"Velmar": "ORG"}, rules)
    assert links_of(doc, 1)["he"] == "Velmar"


def test_a_short_name_stands_for_a_longer_one_only_without_other_words(rules):
    text = "Kestrel Holdings bought a mill.\nKestrel Radio reported it.\nKestrel said the deal was done.\n"
    _, doc = analyse(text, {"Kestrel Holdings": "ORG", "Kestrel Radio": "ORG", "Kestrel": "ORG"}, rules)
    link = doc.links[2][0]
    assert (link.text, link.antecedent, link.rule) == ("Kestrel", "Kestrel Holdings", "name-short-form")
    assert not doc.links[1]  # "Kestrel Radio" is not "Kestrel Holdings"


def test_an_object_pronoun_in_a_participle_clause_is_not_the_subject(rules):
    text = "Anna Berg met Paul Okafor in May.\nAnna Berg later fired Karl Weiss, replacing him with a deputy.\n"
    _, doc = analyse(text, {"Anna Berg": "PERSON", "Paul Okafor": "PERSON", "Karl Weiss": "PERSON"}, rules)
    assert links_of(doc, 1).get("him") != "Anna Berg"


def test_her_before_a_noun_is_a_possessive_of_the_subject(rules):
    text = "Helen Marsh thanked her family.\n"
    _, doc = analyse(text, {"Helen Marsh": "PERSON"}, rules)
    assert links_of(doc, 0)["her"] == "Helen Marsh"


def test_a_pronoun_in_a_subordinate_clause_may_point_forward(rules):
    text = "Fares rose in May and, when he unveiled the plan, Peter Vance said more were due.\n"
    _, doc = analyse(text, {"Peter Vance": "PERSON"}, rules)
    link = doc.links[0][0]
    assert (link.text, link.antecedent, link.rule) == ("he", "Peter Vance", "pronoun-cataphora")


def test_a_description_of_a_new_referent_is_not_linked(rules):
    text = "Corvane Bank cut jobs.\nThe other bank kept its staff.\nThe largest bank said nothing.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG"}, rules)
    assert "The other bank" not in links_of(doc, 1)
    assert "The largest bank" not in links_of(doc, 2)


def test_a_role_description_needs_more_than_a_person_nearby(rules):
    text = "Peter Vance rode north to warn the town.\nThe king had sent soldiers.\nThe former mayor was arrested.\n"
    _, doc = analyse(text, {"Peter Vance": "PERSON"}, rules)
    assert "The king" not in links_of(doc, 1)
    assert links_of(doc, 2)["The former mayor"] == "Peter Vance"


def test_a_plural_pronoun_takes_only_a_subject(rules):
    text = "The council asked Ukrainian farmers to move.\nPrices rose for their produce.\n"
    _, doc = analyse(text, {"Ukrainian farmers": "GROUP"}, rules)
    assert "their" not in links_of(doc, 1)


def test_a_pronoun_resolved_first_is_the_subject_a_later_one_takes(rules):
    text = "Before Karl Weiss retired, he named Jonas Lind as his successor.\n"
    _, doc = analyse(text, {"Karl Weiss": "PERSON", "Jonas Lind": "PERSON"}, rules)
    assert links_of(doc, 0)["his"] == "Karl Weiss"


def test_a_possessive_takes_the_subject_of_its_own_clause(rules):
    text = "Karl Weiss will stay on while Jonas Lind keeps his seat on the board.\n"
    _, doc = analyse(text, {"Karl Weiss": "PERSON", "Jonas Lind": "PERSON"}, rules)
    assert links_of(doc, 0)["his"] == "Jonas Lind"


def test_a_cleft_it_refers_to_nothing(rules):
    text = "Corvane Bank opened in 1990.\nIt was not until 2001 that profits came.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG"}, rules)
    assert "It" not in links_of(doc, 1)


def test_its_in_a_sentence_about_an_unnamed_thing_stays_unlinked(rules):
    text = "Corvane Bank launched a show in May.\nThe show was a hit during its first run.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG"}, rules)
    assert "its" not in links_of(doc, 1)


def test_a_demonstrative_takes_the_nearest_name_of_its_type(rules):
    text = "Velmar Studios pitched the series to Northstar Network; after that network refused, Velmar Studios sold it abroad.\n"
    _, doc = analyse(text, {"Velmar Studios": "ORG", "Northstar Network": "ORG"}, rules)
    link = next(link for link in doc.links[0] if link.text == "that network")
    assert (link.antecedent, link.sieve) == ("Northstar Network", "description-demonstrative")


def test_a_surname_in_the_sentence_of_the_full_name_is_something_named_after_it(rules):
    text = "Named after Jonas Lindqvist, Lindqvist is the oldest school in the region.\nLindqvist has 900 pupils.\n"
    _, doc = analyse(text, {"Jonas Lindqvist": "PERSON", "Lindqvist": "PERSON"}, rules)
    assert all(link.antecedent != "Jonas Lindqvist" for row in doc.links for link in row)


def test_a_description_after_a_copula_is_a_predicate_not_a_reference(rules):
    text = "Corvane Bank opened in 1990.\nIts chess club was the best team in the league.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG"}, rules)
    assert "the best team" not in links_of(doc, 1)


def test_a_description_in_the_clause_of_a_name_is_not_that_name(rules):
    text = "Corvane Bank cut jobs.\nNordic Securities serves as the bank's main broker.\n"
    _, doc = analyse(text, {"Corvane Bank": "ORG", "Nordic Securities": "ORG"}, rules)
    assert links_of(doc, 1).get("the bank") != "Nordic Securities"


def test_a_pronoun_after_a_relative_is_not_the_name_the_relative_stands_for(rules):
    text = "Peter Vance wrote many letters.\nHe attacked Karl Weiss, whom he blamed for the loss.\n"
    _, doc = analyse(text, {"Peter Vance": "PERSON", "Karl Weiss": "PERSON"}, rules)
    assert links_of(doc, 1)["he"] == "Peter Vance"


# --- datelines and credit lines -------------------------------------------------------------

@pytest.mark.parametrize(
    "opening, place, country, date, agency, rule",
    [
        ("OSLO, Norway \u2014 The prize was announced.", "Oslo", "Norway", None, None, "dateline-place-dash"),
        ("LONDON (Reuters) - Shares rose on Monday.", "London", "United Kingdom", None, "Reuters", "dateline-place-agency"),
        ("(CNN) -- The storm weakened overnight.", None, None, None, "CNN", "dateline-agency"),
        ("WASHINGTON, March 3 (AP) \u2014 The vote was delayed.", "Washington", "United States", "March 3", "AP", "dateline-place-agency"),
        ("Dateline: Nairobi, 4 May 2011 - Traders protested.", "Nairobi", "Kenya", "4 May 2011", None, "dateline-labelled"),
        ("Lagos, Nigeria (AFP) - Fuel queues grew.", "Lagos", "Nigeria", None, "AFP", "dateline-title-case-agency"),
    ],
)
def test_datelines(rules, opening, place, country, date, agency, rule):
    text = f"Storm hits the coast\n\n{opening} Officials said.\n"
    sentences, doc = analyse(text, {}, rules)
    d = doc.dateline
    assert d is not None, opening
    assert (d.place, d.country, d.date, d.agency, d.rule) == (place, country, date, agency, rule)
    assert d.sentence == 1 and sentences[1].text[d.start : d.end].strip() == d.text
    assert doc.headline is not None


def test_an_upper_case_word_that_is_no_place_is_no_dateline(rules):
    _, doc = analyse("NATO \u2014 the alliance \u2014 met on Monday.\n", {}, rules)
    assert doc.dateline is None


def test_a_dateline_heads_a_story_without_a_blank_line(rules):
    text = "Storm hits the coast\nOSLO, Norway \u2014 Jane Doe said it was bad.\n"
    _, doc = analyse(text, {"Jane Doe": "PERSON"}, rules)
    assert doc.headline is not None and doc.headline.rule == "headline-before-dateline"
    assert doc.dateline.place == "Oslo"
    # The dateline's place is no mention of the story: "it" finds nothing there.
    assert all(link.antecedent != "Oslo" for link in doc.links[1])


@pytest.mark.parametrize(
    "line, reporters, editors, outlet, place, rule",
    [
        ("By Jane Doe", ("Jane Doe",), (), None, None, "credit-by-line"),
        ("By Jane Doe and Omar Haddad, CNN", ("Jane Doe", "Omar Haddad"), (), "CNN", None, "credit-by-line"),
        ("Jane Doe reported from Kabul.", ("Jane Doe",), (), None, "Kabul", "credit-reported-from"),
        ("(Reporting by Jane Doe in Oslo; Editing by Omar Haddad)", ("Jane Doe",), ("Omar Haddad",), None, "Oslo", "credit-reporting-by"),
        ("Daily News, Lisbon", (), (), "Daily News", "Lisbon", "credit-outlet-place"),
    ],
)
def test_credit_lines(rules, line, reporters, editors, outlet, place, rule):
    text = f"Storm hits the coast\n\nThe storm hit the coast on Monday.\nRoads were closed.\n{line}\n"
    _, doc = analyse(text, {}, rules)
    assert len(doc.credits) == 1
    c = doc.credits[0]
    assert (c.reporters, c.editors, c.outlet, c.place, c.rule) == (reporters, editors, outlet, place, rule)


def test_a_by_line_in_the_middle_of_a_long_story_is_no_credit(rules):
    body = "\n".join(f"Paragraph {n} says little." for n in range(10))
    text = f"Title\n\n{body}\nBy Jane Doe\n" + "\n".join(f"More {n} here." for n in range(5))
    _, doc = analyse(text, {}, rules)
    assert doc.credits == ()


def test_a_credit_line_is_no_antecedent(rules):
    text = "Harbour bank to close branches\n\nBy Jane Doe\nThe bank will close 40 branches.\nShe said nothing.\n"
    sentences, doc = analyse(text, {"Jane Doe": "PERSON"}, rules)
    assert doc.credits[0].reporters == ("Jane Doe",)
    assert "She" not in links_of(doc, sentence_with(sentences, "She said"))


# --- the rule corpora -------------------------------------------------------------------------

def _cases(kind: str):
    loaded = load_discourse(RULES)
    return [
        pytest.param(rule, example, id=f"{rule.name}:{example[:30]}")
        for rules in loaded.rules.values()
        for rule in rules
        for example in getattr(rule, kind)
    ]


@pytest.mark.parametrize("rule, example", _cases("examples"))
def test_each_rule_finds_its_example(rule, example):
    text = BRACKETS.sub(lambda m: m.group(1), example)
    marked = BRACKETS.search(example)
    matches = list(rule.regex.finditer(text))
    if not matches and text == "":
        matches = [rule.regex.search(text)] if rule.regex.search(text) else []
    assert matches, f"{rule.source}: rule '{rule.name}' found nothing in {text!r}"
    if marked:
        found = {v for m in matches for v in (m.group(), *m.groupdict().values()) if v}
        assert marked.group(1) in found, f"{rule.source}: rule '{rule.name}' found {sorted(found)} in {text!r}"


@pytest.mark.parametrize("rule, example", _cases("counterexamples"))
def test_each_rule_ignores_its_counterexample(rule, example):
    assert not rule.regex.search(example), f"{rule.source}: rule '{rule.name}' matched {example!r}"


def test_every_kind_has_rules(rules):
    for kind, found in rules.rules.items():
        assert found, f"no rule of kind {kind}"


TIMING_CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from qa.discourse import load_discourse
from qa.rulefiles import RuleFiles
from tests.rule_timing import INPUTS
extra = {"'\u201c' * 10000": "\u201c" * 10000, "'Jane Doe said: ' * 600": "Jane Doe said: " * 600,
         "'the big bank ' * 800": "the big bank " * 800, "'By Jane Doe, ' * 800": "By Jane Doe, " * 800}
worst = {}
for rules in load_discourse(RuleFiles(Path(sys.argv[1]) / "rules")).rules.values():
    for rule in rules:
        for label, text in {**INPUTS, **extra}.items():
            started = time.perf_counter()
            for _ in rule.regex.finditer(text):
                pass
            worst[rule.name] = max(worst.get(rule.name, 0.0), time.perf_counter() - started)
print(json.dumps(worst))
"""


def test_no_rule_backtracks_catastrophically():
    """Every pattern runs over 10,000-character adversarial texts in well under a second each."""
    done = subprocess.run([sys.executable, "-c", TIMING_CHILD, str(ROOT)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    worst = json.loads(done.stdout)
    slow = {name: round(seconds, 2) for name, seconds in worst.items() if seconds > 1.0}
    assert not slow, f"rules slower than 1 s on one input: {slow}"


# --- loading errors name the file, the rule and the field ----------------------------------------

@pytest.fixture()
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('kind = "dateline"', 'kind = "headline"', "rule 'dateline-place-agency': field 'kind' must be one of"),
        ('refers = ["ORG", "PROPER"]', 'refers = ["COMPANY"]', "rule 'description-organisation': field 'refers'"),
        ('number = "singular"', 'number = "many"', "field 'number'"),
        ("pattern = '\\b(?P<det>{det})\\s(?:(?:{mod})\\s){0,3}(?P<head>{org_head})\\b'", "pattern = '\\b(?P<det>{det})\\s'", "needs the group(s) ['head']"),
        ('link = true', 'link = "yes"', "field 'link' must be true or false"),
    ],
)
def test_a_malformed_rule_fails_naming_it(rules_copy, old, new, message):
    _edit(rules_copy / "discourse.toml", old, new)
    with pytest.raises(RuleError) as error:
        load_discourse(rules_copy)
    assert message in str(error.value)
    assert "rules/discourse.toml" in str(error.value)


def test_a_malformed_word_list_fails_naming_it(rules_copy):
    _edit(rules_copy / "words" / "pronouns.txt", "he | 3 | singular | male", "he | 3 | singular | manly")
    with pytest.raises(RuleError, match="rules/words/pronouns.txt: 'he'"):
        load_discourse(rules_copy)
    (rules_copy / "words" / "first_names.txt").unlink()
    _edit(rules_copy / "words" / "pronouns.txt", "manly", "male")
    with pytest.raises(RuleError, match="rules/words/first_names.txt"):
        load_discourse(rules_copy)


def test_the_loader_reads_the_directory_it_is_given(rules_copy):
    _edit(rules_copy / "words" / "first_names.txt", "Helen | female", "Helen | male")
    changed = load_discourse(rules_copy)
    assert changed.first_names["Helen"] == "male"
    assert load_discourse(RULES).first_names["Helen"] == "female"


# --- hostile input ------------------------------------------------------------------------------

def test_an_empty_document(rules):
    doc = analyse_document("", [], [], rules)
    assert doc == DocumentDiscourse(None, None, (), (), (), ())
    assert expansions(doc, 0) == []


def test_no_entities_at_all(rules):
    sentences, doc = analyse(BUSINESS, {}, rules)
    assert len(doc.links) == len(sentences) == len(doc.quotes)
    for row in doc.links:
        for link in row:
            assert link.sieve in ("description-head", "appositive", "predicate", "pronoun-in-quote", "pronoun"), link


def test_five_thousand_pronouns_take_little_time(rules):
    text = "Jane Doe spoke.\n" + " ".join(["he she it they him her his its them"] * 556) + ".\n"
    sentences = split_sentences("hostile", text)
    started = time.perf_counter()
    doc = analyse_document(text, sentences, annotate(sentences, {"Jane Doe": "PERSON"}), rules)
    assert time.perf_counter() - started < 5.0
    assert len(doc.links[1]) <= 100


def test_five_thousand_sentences_of_pronouns_take_linear_time(rules):
    text = "Jane Doe spoke.\n" + "\n".join('She said: "We will win." He left. They came. It rained.' for _ in range(1250)) + "\n"
    sentences = split_sentences("hostile", text)
    started = time.perf_counter()
    doc = analyse_document(text, sentences, annotate(sentences, {"Jane Doe": "PERSON"}), rules)
    assert time.perf_counter() - started < 10.0
    assert len(doc.links) == len(sentences)
    # A pronoun reaches back a few sentences only: the name is not carried across the whole text.
    assert sum(len(row) for row in doc.links) < 10


def test_unbalanced_and_many_quotation_marks(rules):
    text = 'Jane Doe said: "It is open.\n' + '"' * 5000 + "\n\u201cNever closed, she said.\n"
    sentences = split_sentences("hostile", text)
    doc = analyse_document(text, sentences, annotate(sentences, {"Jane Doe": "PERSON"}), rules)
    assert doc.quotes[0][0].speaker == "Jane Doe"
    assert len(doc.quotes) == len(sentences)


def test_bad_entity_spans_and_mismatched_lengths_are_ignored(rules):
    text = "Jane Doe spoke.\nShe left.\n"
    sentences = split_sentences("hostile", text)
    entities = [[(0, 8, "PERSON", "Jane Doe"), (5, 999, "PERSON", "x"), (-3, 2, "ORG", "y"), ("a", "b", "ORG", "z")]]
    doc = analyse_document(text, sentences, entities, rules)  # one row for two sentences
    assert links_of(doc, 1)["She"] == "Jane Doe"
    doc = analyse_document(text, sentences, entities + [[]] * 5, rules)  # more rows than sentences
    assert len(doc.links) == 2


def test_sentences_as_plain_tuples(rules):
    text = "Jane Doe spoke.\nShe left.\n"
    tuples = [(s.start, s.end, s.paragraph, s.text) for s in split_sentences("t", text)]
    doc = analyse_document(text, tuples, [[(0, 8, "PERSON", "Jane Doe")], []], rules)
    assert links_of(doc, 1)["She"] == "Jane Doe"


def test_with_the_project_entity_annotator(rules):
    from qa.entities import annotate_document

    sentences = split_sentences("business", BUSINESS)
    entities = annotate_document([s.text for s in sentences], RULE_SET)
    doc = analyse_document(BUSINESS, sentences, entities, rules)
    assert links_of(doc, sentence_with(sentences, "She joined"))["She"] == "Maria Lindqvist"
    assert doc.quotes[sentence_with(sentences, "Branches cost")][0].speaker == "Tomas Ekberg"
