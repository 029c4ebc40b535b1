"""A phrase headed by the question's noun that opens a name answers with the whole name."""

from __future__ import annotations

import pytest

from qa.pipeline import Pipeline
from tests.conftest import make_corpus

ARTICLE = """Troops head for the border
The mission would involve soldiers from the 3rd Battalion Royal Border Rifles, based in Elmford.
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("focus_names")
    return Pipeline(make_corpus(tmp, troops=ARTICLE), tmp / "index", refresh_interval=None)


def test_which_battalion_gets_the_units_whole_name(pipeline):
    answers = pipeline.ask("Which battalion would the soldiers of the mission come from?").answers
    assert answers and answers[0].text == "3rd Battalion Royal Border Rifles"
    assert answers[0].rule == "noun-phrase-focus-name"
