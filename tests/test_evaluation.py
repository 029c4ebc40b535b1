"""The SQuAD scoring rule (qa.evaluation) and the benchmark's SQuAD corpus helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qa.evaluation import best, exact_match, f1, normalize_answer

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.squad_corpus import (  # noqa: E402
    DocumentSentences,
    load_squad,
    percentile,
    replicate,
    sentence_at,
    sentence_hit,
    slugify,
    write_corpus,
)


# --- the official SQuAD normalisation ----------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("The Denver Broncos", "denver broncos"),
        ("  Denver   Broncos!  ", "denver broncos"),
        ("a cat, an owl and the dog.", "cat owl and dog"),
        ("Theatre", "theatre"),  # articles only as whole words
        ("another", "another"),
        ("U.S.", "us"),
        ("$20 million", "20 million"),
        ("Smith's", "smiths"),
        ("\u201cquoted\u201d \u2014 text", "quoted text"),
        ("line\nbreak\ttab", "line break tab"),
        ("", ""),
        ("The", ""),
    ],
)
def test_normalize_answer(text, normalized):
    assert normalize_answer(text) == normalized


def test_exact_match_ignores_case_punctuation_and_articles():
    assert exact_match("the Denver Broncos.", "Denver Broncos") == 1.0
    assert exact_match("Denver", "Denver Broncos") == 0.0
    assert exact_match("1,000", "1000") == 1.0


def test_f1_is_token_overlap():
    assert f1("Denver Broncos", "Denver Broncos") == 1.0
    assert f1("Denver", "Denver Broncos") == pytest.approx(2 / 3)  # p=1, r=1/2
    assert f1("the Denver Broncos team", "Denver Broncos") == pytest.approx(0.8)  # p=2/3, r=1
    assert f1("Carolina Panthers", "Denver Broncos") == 0.0


def test_f1_counts_repeated_tokens_once_each():
    # Counter intersection: "new" matches once, not twice.
    assert f1("new new york", "new york") == pytest.approx(0.8)


def test_f1_of_empty_strings():
    assert f1("", "") == 1.0
    assert f1("the", "a") == 1.0  # both normalise to nothing
    assert f1("", "Denver") == 0.0
    assert f1("Denver", "") == 0.0


def test_best_takes_the_maximum_over_golds():
    golds = ["Denver Broncos", "the Broncos", "Broncos"]
    assert best(exact_match, "Broncos", golds) == 1.0
    assert best(f1, "Denver", golds) == pytest.approx(2 / 3)
    assert best(f1, "Broncos team", golds) == pytest.approx(2 / 3)


def test_best_abstain_handling():
    # No gold answer (an unanswerable question): right only when abstaining.
    assert best(exact_match, "", []) == 1.0
    assert best(f1, "", []) == 1.0
    assert best(exact_match, "Denver", []) == 0.0
    assert best(f1, "Denver", []) == 0.0
    # Abstaining on an answerable question scores nothing.
    assert best(exact_match, "", ["Denver"]) == 0.0
    assert best(f1, "", ["Denver"]) == 0.0


# --- the SQuAD corpus helpers ------------------------------------------------

P1 = "Super Bowl 50 was an American football game. The Denver Broncos defeated the Carolina Panthers."
P2 = "The game was played on February 7, 2016. It was held at Levi's Stadium in Santa Clara."
P3 = "Warsaw is the capital of Poland. It has about 1.7 million residents."

SQUAD = {
    "version": "v2.0",
    "data": [
        {
            "title": "Super_Bowl_50",
            "paragraphs": [
                {
                    "context": P1,
                    "qas": [
                        {
                            "id": "q1",
                            "question": "Who won Super Bowl 50?",
                            "answers": [
                                {"text": "Denver Broncos", "answer_start": P1.index("Denver Broncos")},
                                {"text": "The Denver Broncos", "answer_start": P1.index("The Denver")},
                            ],
                        }
                    ],
                },
                {
                    "context": P2,
                    "qas": [
                        {
                            "id": "q2",
                            "question": "Where was the game held?",
                            "answers": [{"text": "Levi's Stadium", "answer_start": P2.index("Levi's")}],
                        },
                        {
                            # a misplaced answer_start, as a few SQuAD answers have
                            "id": "q3",
                            "question": "When was the game played?",
                            "answers": [{"text": "February 7, 2016", "answer_start": P2.index("February") + 3}],
                        },
                        {
                            "id": "q4",
                            "question": "Who sang the anthem?",
                            "answers": [],
                            "is_impossible": True,
                        },
                    ],
                },
            ],
        },
        {
            "title": "Fresno,_California",
            "paragraphs": [
                {
                    "context": P3,
                    "qas": [
                        {
                            "id": "q5",
                            "question": "How many people live in Warsaw?",
                            "answers": [{"text": "1.7 million", "answer_start": P3.index("1.7")}],
                        }
                    ],
                }
            ],
        },
    ],
}


@pytest.fixture()
def squad_corpus(tmp_path):
    articles = load_squad(SQUAD)
    corpus = tmp_path / "corpus"
    questions = write_corpus(articles, corpus)
    return corpus, {q.id: q for q in questions}


def test_slugify():
    assert slugify("Super_Bowl_50") == "super-bowl-50"
    assert slugify("Fresno,_California") == "fresno-california"
    assert slugify("Sky_(United_Kingdom)") == "sky-united-kingdom"
    assert slugify("Pokémon") == "pokemon"


def test_duplicate_titles_get_distinct_ids():
    data = {"data": [{"title": "Same", "paragraphs": []}, {"title": "Same", "paragraphs": []}]}
    assert [a.doc_id for a in load_squad(data)] == ["same", "same-2"]


def test_write_corpus_one_document_per_article(squad_corpus):
    corpus, questions = squad_corpus
    assert sorted(p.name for p in corpus.iterdir()) == ["fresno-california.txt", "super-bowl-50.txt"]
    assert (corpus / "super-bowl-50.txt").read_text(encoding="utf-8") == P1 + "\n" + P2
    assert questions["q1"].doc_id == "super-bowl-50"
    assert questions["q5"].doc_id == "fresno-california"


def test_gold_starts_are_document_offsets(squad_corpus):
    corpus, questions = squad_corpus
    text = (corpus / "super-bowl-50.txt").read_text(encoding="utf-8")
    for qid in ("q1", "q2", "q3"):
        q = questions[qid]
        for answer, start in zip(q.answers, q.starts):
            assert text[start:start + len(answer)] == answer
    # the misplaced start was moved to the nearest occurrence
    assert questions["q3"].starts == [len(P1) + 1 + P2.index("February")]


def test_unanswerable_questions_have_no_gold(squad_corpus):
    _, questions = squad_corpus
    assert questions["q4"].is_impossible
    assert questions["q4"].answers == [] and questions["q4"].starts == []
    assert not questions["q1"].is_impossible


def test_offset_to_sentence(squad_corpus):
    corpus, questions = squad_corpus
    sentences = DocumentSentences(corpus)
    texts = [s.text for s in sentences.sentences("super-bowl-50")]
    assert texts == [
        "Super Bowl 50 was an American football game.",
        "The Denver Broncos defeated the Carolina Panthers.",
        "The game was played on February 7, 2016.",
        "It was held at Levi's Stadium in Santa Clara.",
    ]
    assert sentences.index_of("super-bowl-50", 0) == 0
    assert sentences.index_of("super-bowl-50", questions["q1"].starts[0]) == 1
    assert sentences.index_of("super-bowl-50", questions["q2"].starts[0]) == 3
    assert sentences.index_of("super-bowl-50", questions["q3"].starts[0]) == 2
    assert sentences.index_of("fresno-california", questions["q5"].starts[0]) == 1
    # the space between two sentences belongs to the one before; past the end to none
    assert sentences.index_of("super-bowl-50", P1.index(" The Denver")) == 0
    assert sentences.index_of("super-bowl-50", len(P1) + 1 + len(P2) + 5) is None


def test_sentence_hit(squad_corpus):
    corpus, questions = squad_corpus
    sentences = DocumentSentences(corpus)
    q1 = questions["q1"]
    assert sentence_hit(sentences, q1, "super-bowl-50", 1)
    assert not sentence_hit(sentences, q1, "super-bowl-50", 0)
    assert not sentence_hit(sentences, q1, "fresno-california", 1)  # another document
    assert not sentence_hit(sentences, q1, None, None)  # abstained
    assert not sentence_hit(sentences, questions["q4"], "super-bowl-50", 3)  # unanswerable


def test_sentence_at_edges():
    starts, ends = [0, 10, 20], [9, 19, 29]
    assert sentence_at(starts, ends, 0) == 0
    assert sentence_at(starts, ends, 9) == 0
    assert sentence_at(starts, ends, 10) == 1
    assert sentence_at(starts, ends, 28) == 2
    assert sentence_at(starts, ends, 29) is None
    assert sentence_at([5], [9], 2) is None
    assert sentence_at([], [], 0) is None


def test_replicate(tmp_path, squad_corpus):
    corpus, _ = squad_corpus
    dest = tmp_path / "big"
    ids = replicate(corpus, 3, dest)
    assert len(ids) == 6 and len(set(ids)) == 6
    assert sorted(p.name for p in dest.iterdir())[:3] == [
        "fresno-california--0.txt", "fresno-california--1.txt", "fresno-california--2.txt",
    ]
    assert (dest / "super-bowl-50--2.txt").read_bytes() == (corpus / "super-bowl-50.txt").read_bytes()
    # in place: the originals count as the first copy
    ids = replicate(corpus, 2)
    assert sorted(ids) == ["fresno-california", "fresno-california--1", "super-bowl-50", "super-bowl-50--1"]
    assert len(list(corpus.glob("*.txt"))) == 4


def test_percentile():
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4, 5], 100) == 5
    assert percentile([7], 95) == 7


def test_question_word():
    from bench.squad import question_word

    assert question_word("Which NFL team won?") == "which"
    assert question_word("In what year did it end?") == "what"
    assert question_word("How many people live there?") == "how many"
    assert question_word("How much did it cost?") == "how much"
    assert question_word("How did it end?") == "how"
    assert question_word("Whose idea was it?") == "who"
    assert question_word("Name the team that won.") == "other"
