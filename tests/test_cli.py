"""The command line: ask, index, eval."""

import json

from qa.cli import main


def run(capsys, corpus_dir, index_dir, *args):
    code = main(["--corpus", str(corpus_dir), "--index", str(index_dir), *args])
    return code, capsys.readouterr()


def test_ask_prints_the_answer_and_its_sentence(capsys, corpus_dir, index_dir, pipeline):
    code, out = run(capsys, corpus_dir, index_dir, "ask", "How much additional funding did Blinken announce?")
    assert code == 0
    assert "$20 million" in out.out
    assert "[$20 million]" in out.out  # the span is marked inside the sentence


def test_ask_json_prints_the_api_body(capsys, corpus_dir, index_dir, pipeline):
    code, out = run(capsys, corpus_dir, index_dir, "ask", "who won the 2018 world cup", "--json", "--top-k", "2")
    body = json.loads(out.out)
    assert code == 0 and body["answers"] == []


def test_ask_unknown_doc_fails_clearly(capsys, corpus_dir, index_dir, pipeline):
    code, out = run(capsys, corpus_dir, index_dir, "ask", "who?", "--doc", "nope")
    assert code == 2 and "nope" in out.err


def test_index_reports_its_size(capsys, corpus_dir, index_dir, pipeline):
    code, out = run(capsys, corpus_dir, index_dir, "index")
    assert code == 0 and "57 sentences" in out.out


def test_eval_prints_a_per_type_table(capsys, corpus_dir, index_dir, pipeline, tmp_path):
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"question": "how much extra funding did blinken announce", "answers": ["$20 million"], "sentence": "$20 million", "type": "NUM:money"})
        + "\n"
        + json.dumps({"question": "who won the 2018 world cup", "answers": [], "sentence": "", "type": "HUM:gr"})
        + "\n",
        encoding="utf-8",
    )
    code, out = run(capsys, corpus_dir, index_dir, "eval", str(suite))
    assert code == 0
    assert "NUM:money" in out.out and "ALL" in out.out


# -- add and remove: the same path as the API, with or without a running server -----------------


def make_small(tmp_path):
    from tests.conftest import make_corpus

    return make_corpus(tmp_path, mill="The old mill in Riverton made paper until 1998."), tmp_path / "index"


def test_add_and_remove_a_document(capsys, tmp_path):
    corpus, index = make_small(tmp_path)
    article = tmp_path / "Storm Report.txt"
    article.write_text("Storm closes the port\n\nThe repairs will cost $3 million, the council said.\n", encoding="utf-8")
    code, out = run(capsys, corpus, index, "add", str(article), "--title", "Storm", "--date", "2024-05-01")
    assert code == 0 and out.out.strip() == "added storm-report: 2 sentences"
    assert (corpus / "storm-report.txt").read_text(encoding="utf-8").startswith("---\ntitle: Storm\ndate: 2024-05-01\n---\n")
    code, out = run(capsys, corpus, index, "ask", "How much will the repairs cost?")
    assert code == 0 and "$3 million" in out.out and "storm-report#1" in out.out
    code, out = run(capsys, corpus, index, "add", str(article), "--id", "storm-report")
    assert code == 0 and out.out.startswith("replaced storm-report")
    code, out = run(capsys, corpus, index, "remove", "storm-report")
    assert code == 0 and out.out.strip() == "removed storm-report"
    assert not (corpus / "storm-report.txt").exists()
    code, out = run(capsys, corpus, index, "remove", "storm-report")
    assert code == 2 and "storm-report" in out.err


def test_add_refuses_what_the_api_refuses(capsys, tmp_path):
    corpus, index = make_small(tmp_path)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02 not text")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n ")
    good = tmp_path / "good.txt"
    good.write_text("Fine text.")
    for args, code_name in [
        ((str(binary),), "invalid_text"),
        ((str(empty),), "empty_text"),
        ((str(good), "--id", "../escape"), "invalid_doc_id"),
        ((str(good), "--date", "2024-02-30"), "invalid_date"),
        ((str(good), "--title", "two\nlines"), "invalid_title"),
    ]:
        code, out = run(capsys, corpus, index, "add", *args)
        assert code == 2 and f"({code_name})" in out.err, out.err
    assert sorted(p.name for p in corpus.glob("*.txt")) == ["mill.txt"]
    code, out = run(capsys, corpus, index, "add", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in out.err


def test_add_from_standard_input_needs_an_id(capsys, tmp_path, monkeypatch):
    import io

    corpus, index = make_small(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Piped text about the mill.")))
    code, out = run(capsys, corpus, index, "add", "-")
    assert code == 2 and "--id" in out.err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Piped text about the mill.")))
    code, out = run(capsys, corpus, index, "add", "-", "--id", "piped")
    assert code == 0 and out.out.strip() == "added piped: 1 sentences"


def test_a_running_server_serves_what_the_command_line_adds_and_removes(tmp_path):
    """The command line writes through the index's write lock; the server's next request sees it."""
    import subprocess
    import sys

    from app import create_app
    from tests.servers import ROOT, get_json, thread_server

    corpus, index = make_small(tmp_path)
    app = create_app({"CORPUS_DIR": str(corpus), "INDEX_DIR": str(index)})
    app.extensions["qa"].service.ensure()
    article = tmp_path / "grant.txt"
    article.write_text("The Zorblat Foundation announced a grant of $77 million on Tuesday.", encoding="utf-8")
    cli = [sys.executable, "-m", "qa", "--corpus", str(corpus), "--index", str(index)]
    with thread_server(app) as base_url:
        question = "/api/ask?q=How+much+did+the+Zorblat+Foundation+announce%3F"
        assert get_json(base_url, question)[1]["answers"] == []
        run = subprocess.run([*cli, "add", str(article)], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        status, body = get_json(base_url, question)  # at once: no waiting for a refresh
        assert status == 200 and body["answers"][0]["text"] == "$77 million"
        assert get_json(base_url, "/api/health")[1]["documents"] == 2
        run = subprocess.run([*cli, "remove", "grant"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert get_json(base_url, question)[1]["answers"] == []
        assert get_json(base_url, "/api/documents/grant")[0] == 404
    app.extensions["qa"].service.stop()


def test_ask_shows_a_value_beside_the_answer_and_not_a_bare_repeat(tmp_path, capsys):
    from qa.cli import main
    from tests.conftest import make_corpus

    corpus = make_corpus(tmp_path, bridge="The new bridge will cost $5 million, and 5 firms bid for it.")
    assert main(["--corpus", str(corpus), "--index", str(tmp_path / "index"), "ask", "How much will the bridge cost?", "--top-k", "3"]) == 0
    out = capsys.readouterr().out
    assert "1. $5 million = 5,000,000 USD" in out
    assert "5 = 5" not in out
