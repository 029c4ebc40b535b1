"""The regression question suite over the article: a gate on the share answered correctly."""

from pathlib import Path

from qa.evaluation import evaluate, format_table, read_suite, summarize

SUITE = Path(__file__).parent / "regression" / "questions.jsonl"
GATE = 0.90


def test_suite_is_well_formed():
    items = read_suite(SUITE)
    text = (Path(__file__).parent.parent / "corpus" / "blinken-central-asia.txt").read_text(encoding="utf-8")
    assert len([i for i in items if i["answers"]]) >= 80
    assert len([i for i in items if not i["answers"]]) >= 8
    for item in items:
        for answer in item["answers"]:
            if item.get("type") == "YESNO":
                assert answer in ("yes", "no"), f"{item['question']!r}: a yes/no question is answered yes or no"
                continue
            assert answer in text, f"{item['question']!r}: answer {answer!r} is not in the article"
        assert item["sentence"] in text


def test_regression_suite_passes_the_gate(pipeline):
    summary = summarize(evaluate(pipeline, read_suite(SUITE)))
    correct = summary["overall"]["em"]
    assert correct >= GATE, f"{correct:.1%} correct, below {GATE:.0%}\n" + format_table(summary)
