"""Sentence splitting: Punkt with the abbreviation list, offsets, paragraphs."""

from tests.conftest import ARTICLE, CORPUS
from tests.rulesets import split_sentences


def article_sentences():
    return split_sentences(ARTICLE, (CORPUS / f"{ARTICLE}.txt").read_text(encoding="utf-8"))


def test_the_article_splits_into_57_sentences():
    assert len(article_sentences()) == 57


def test_a_title_and_middle_initial_do_not_end_a_sentence():
    sentences = [s.text for s in article_sentences()]
    assert any(s.startswith("Gen. Mark A. Milley,") for s in sentences)


def test_a_closing_abbreviation_before_a_quote_stays_in_its_sentence():
    sentences = [s.text for s in article_sentences()]
    assert any(s.endswith("than the U.S. does.\u201d") for s in sentences)


def test_offsets_point_back_into_the_document():
    text = (CORPUS / f"{ARTICLE}.txt").read_text(encoding="utf-8")
    for s in article_sentences():
        assert text[s.start : s.end] == s.text


def test_sentences_never_cross_a_line_break():
    sentences = split_sentences("d", "First line without a stop\nSecond line. Third one.")
    assert [s.text for s in sentences] == ["First line without a stop", "Second line.", "Third one."]
    assert [s.paragraph for s in sentences] == [0, 1, 1]


def test_honorifics_do_not_split():
    sentences = split_sentences("d", "Mr. Smith met Dr. Jones in St. Louis on Tuesday. They talked.")
    assert len(sentences) == 2
