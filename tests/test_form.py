"""The web form: works without JavaScript, highlights the span, escapes user text."""

import re

import pytest


def test_form_shows_the_question_box_and_examples(client):
    page = client.get("/").get_data(as_text=True)
    assert '<form method="get" action="/">' in page
    assert 'name="q"' in page
    assert "/?q=" in page  # example questions are links


def test_form_highlights_the_answer_in_its_sentence(client):
    page = client.get("/", query_string={"q": "How much additional funding did Blinken announce?"}).get_data(as_text=True)
    assert "<mark>$20 million</mark>" in page
    assert "NUM:money" in page


def test_form_says_when_there_is_no_answer(client):
    page = client.get("/", query_string={"q": "Who won the 2018 World Cup?"}).get_data(as_text=True)
    assert 'id="no-answer"' in page


def test_form_escapes_user_text(client):
    page = client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_form_reports_an_overlong_question(client):
    response = client.get("/", query_string={"q": "x" * 600})
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)


def test_example_questions_come_from_the_corpus_and_may_be_absent(tmp_path):
    from app import create_app
    from tests.conftest import make_corpus

    corpus = make_corpus(tmp_path, one="Alice Walker lives in Paris.")
    client = create_app({"CORPUS_DIR": str(corpus), "INDEX_DIR": str(tmp_path / "index")}).test_client()
    assert "/?q=" not in client.get("/").get_data(as_text=True)
    (corpus / "examples.questions").write_text("# a comment\nWhere does Alice Walker live?\n", encoding="utf-8")
    page = client.get("/").get_data(as_text=True)
    assert "Where does Alice Walker live?" in page and "a comment" not in page


def test_form_strict_checkbox_is_passed_on_and_kept(tmp_path):
    from app import create_app
    from tests.conftest import make_corpus

    corpus = make_corpus(tmp_path, town="The mayor of Elmford, Jane Doe, opened the bridge in 1998.")
    client = create_app({"CORPUS_DIR": str(corpus), "INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    question = "When did the mayor of Elmford open the old bridge?"  # "old" is not in the sentence
    assert "<mark>1998</mark>" in client.get("/", query_string={"q": question}).get_data(as_text=True)
    page = client.get("/", query_string={"q": question, "strict": "1"}).get_data(as_text=True)
    assert 'id="no-answer"' in page
    assert 'name="strict" value="1" checked' in page


FORMS_ARTICLE = """Council approves the bridge
The Elmford council approved the new bridge on Monday.
Ministers from Kenya, Peru and Norway attended the summit in Elmford.
The bridge will cost $5 million, officials said.
"""


@pytest.fixture(scope="module")
def forms_client(tmp_path_factory):
    from app import create_app
    from tests.conftest import make_corpus

    tmp = tmp_path_factory.mktemp("form_answers")
    corpus = make_corpus(tmp, council=FORMS_ARTICLE)
    return create_app({"CORPUS_DIR": str(corpus), "INDEX_DIR": str(tmp / "index"), "TESTING": True}).test_client()


def page_for(client, question):
    return client.get("/", query_string={"q": question}).get_data(as_text=True)


def test_a_yes_no_answer_shows_the_verdict_and_highlights_its_evidence(forms_client):
    page = page_for(forms_client, "Did the Elmford council approve the new bridge?")
    assert '<div class="text verdict yes">Yes</div>' in page
    assert re.search(r'<mark class="evidence">[^<]*approved the new bridge[^<]*</mark>', page)


def test_a_list_answer_shows_its_items_each_highlighted(forms_client):
    page = page_for(forms_client, "Which countries attended the summit in Elmford?")
    best = page.split('class="answer best"')[1].split("</div>\n</div>")[0]
    assert re.findall(r"<li>([^<]+)</li>", best) == ["Kenya", "Peru", "Norway"]
    assert re.findall(r"<mark>([^<]+)</mark>", best) == ["Kenya", "Peru", "Norway"]


def test_a_value_is_shown_beside_the_answer_text(forms_client):
    page = page_for(forms_client, "How much will the bridge cost?")
    assert re.search(r'>\$5 million</span> <span class="value"[^>]*>= 5,000,000 USD</span>', page)


def test_runners_up_come_after_the_best_answer_and_are_marked_as_such(forms_client):
    page = page_for(forms_client, "What did the council approve?")
    assert page.count('class="answer best"') == 1 and page.count('class="answer runner-up"') >= 1
    assert page.index('class="answer best"') < page.index('class="runners-up"') < page.index('class="answer runner-up"')
    # One answer alone has no runners-up section.
    assert 'class="runners-up"' not in page_for(forms_client, "Which countries attended the summit in Elmford?")


def test_value_text_reads_every_kind():
    from qa.form import value_text

    assert value_text({"kind": "money", "amount": 1200000000, "currency": "USD"}) == "1,200,000,000 USD"
    assert value_text({"kind": "percent", "amount": 12.5}) == "12.5%"
    assert value_text({"kind": "percent", "amount": 2, "points": True}) == "2 percentage points"
    assert value_text({"kind": "number", "amount": 28}) == "28"
    assert value_text({"kind": "number", "amount": 3, "ordinal": True}) == "no. 3"
    assert value_text({"kind": "multiple", "amount": 10}) == "\u00d710"
    assert value_text({"kind": "date", "iso": "2025", "qualifier": "mid"}) == "2025 (mid)"
    assert value_text({"kind": "date"}) == ""
    assert value_text({"kind": "duration", "iso": "P10Y"}) == "P10Y"
    assert value_text({"kind": "age", "amount": 45}) == "45 years old"
    assert value_text({"kind": "quantity", "amount": 2.5, "unit": "km", "approximate": True}) == "\u2248 2.5 km"
    assert value_text({"kind": "money", "amount": 5000000, "currency": "GBP", "bound": "upper"}) == "\u2264 5,000,000 GBP"
    assert value_text(None) == ""


def test_a_relative_date_is_read_against_the_documents_own_date(tmp_path):
    from qa.pipeline import Pipeline
    from tests.conftest import make_corpus

    corpus = make_corpus(tmp_path, tunnel="---\ntitle: Tunnel opens\ndate: 2024-05-03\n---\nThe Elmford tunnel opened last Monday after a long delay.")
    answer = Pipeline(corpus, tmp_path / "index", refresh_interval=None).ask("When did the Elmford tunnel open?").answers[0]
    assert answer.text == "last Monday" and answer.value == {"kind": "date", "iso": "2024-04-29"}
