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
