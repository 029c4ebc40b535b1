"""An answer that only repeats the question's focus word ("language" for "what language") is no answer."""

from qa.pipeline import Pipeline
from tests.conftest import make_corpus


def test_the_focus_word_alone_is_not_an_answer(tmp_path):
    corpus = make_corpus(tmp_path, town="The settlers of Elmford brought a language with them, and Latin replaced it in time.")
    pipeline = Pipeline(corpus, tmp_path / "index")
    answers = [a.text.lower() for a in pipeline.ask("What language replaced the language of the settlers of Elmford?").answers]
    assert "language" not in answers
    assert "a language" not in answers
