"""The web form: works without JavaScript, highlights the span, escapes user text."""


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
