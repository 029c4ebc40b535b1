"""Titles and roles: canonical title words, the titles a question asks about, what a sentence calls a person."""

from tests.rulesets import LEX, RULES

TITLES = LEX.titles


def test_a_title_abbreviation_has_a_canonical_form():
    assert TITLES.canonical("Gen.") == "general"
    assert TITLES.canonical("tractor") == "tractor"


def test_the_titles_a_question_asks_about_longest_first():
    assert TITLES.titles_in("who is the prime minister of peru") == (("prime", "minister"),)
    assert TITLES.titles_in("who wrote the book") == ()


def test_the_title_right_before_a_name():
    text = "Treasury Secretary Jane Smith spoke."
    start, end = TITLES.title_before(text, text.index("Jane"))
    assert text[start:end] == "Treasury Secretary"
    assert TITLES.title_before("Yesterday Jane Smith spoke.", len("Yesterday ")) is None


def test_role_words_come_from_the_title_and_the_apposition():
    text = "Jane Smith, the mayor of Elmford, opened the bridge."
    words = TITLES.role_words(text, 0, len("Jane Smith"))
    assert "mayor" in words and "elmford" in words and "the" not in words


def test_the_president_refers_back_to_the_sentence_before():
    text = "The president, Jane Smith, spoke."
    words = TITLES.role_words(text, text.index("Jane"), text.index(",", text.index("Jane")), context="The Kenyan president arrived.")
    assert "kenyan" in words


def test_honorifics_say_nothing_of_a_role():
    assert {"mr", "mrs", "dr"} <= TITLES.honorifics
    assert "president" not in TITLES.honorifics


def test_a_name_after_a_family_relation_is_the_relatives(tmp_path):
    from qa.pipeline import Pipeline
    from tests.conftest import make_corpus

    corpus = make_corpus(tmp_path, life="At college the senator met his future wife Orla, now a judge.")
    answers = Pipeline(corpus, tmp_path / "index", refresh_interval=None).ask("What is the name of the senator's wife?").answers
    assert answers and answers[0].text == "Orla"


def test_who_holds_a_title_is_never_answered_by_a_description_of_the_firm():
    from qa.entities import annotate_sentence
    from qa.extraction import extract
    from qa.question import analyze
    from qa.records import Hit, Match

    text = "Kelda Varo, the country's largest lender, is to cut 800 jobs."  # a name the rules take for a person's
    matched = (Match(0, 5, "kelda", 0.5), Match(6, 10, "varo", 0.5))
    hit = Hit("bank", 0, text, 1.0, 0, 1.0, matched, tuple(annotate_sentence(text, RULES)))
    holder = analyze("Who is the chief executive of Kelda Varo?", RULES)
    assert holder.holder and all(c.label != "DESCRIPTION" for c in extract(holder, [hit], RULES))
    # A question about the firm itself is answered by the description.
    about = analyze("What is Kelda Varo?", RULES)
    assert any(c.label == "DESCRIPTION" for c in extract(about, [hit], RULES))
