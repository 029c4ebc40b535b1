"""Rule edits reach a running service: new rules and an index annotated with them are swapped in together."""

from __future__ import annotations

import shutil
import time

import pytest

from app import create_app
from qa.rules import RULES_DIR
from qa.store import BODY, Clause, Query
from tests.conftest import make_corpus
from tests.servers import get_json, thread_server

REFRESH = 0.2  # seconds between the service's looks at its files, in these tests
WAIT = 30.0  # seconds a change may take to be served (a rebuild of a tiny corpus takes well under one)
TEXT = "Jane Doe zorbled the old mill in 1998. The mill once made paper for the Riverton Gazette, which cost $4 million."


@pytest.fixture()
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


@pytest.fixture()
def live(tmp_path, rules_copy):
    corpus = make_corpus(tmp_path, mill=TEXT)
    app = create_app({"CORPUS_DIR": str(corpus), "INDEX_DIR": str(tmp_path / "index"), "RULES_DIR": str(rules_copy), "REFRESH_SECONDS": REFRESH})
    with thread_server(app) as base_url:
        yield base_url, app


def ask(base_url: str, question: str) -> list[str]:
    status, body = get_json(base_url, "/api/ask?" + "q=" + question.replace(" ", "+"))
    assert status == 200
    return [a["text"] for a in body["answers"]]


def wait_for(condition, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(REFRESH)
    raise AssertionError("the change was not served in time")


def test_a_new_synonym_group_changes_the_answers_without_a_restart(live, rules_copy):
    base_url, app = live
    question = "Who acquired the old mill?"
    assert "Jane Doe" not in ask(base_url, question)
    before = app.extensions["qa"].service.snapshot()
    with open(rules_copy / "synonyms.txt", "a", encoding="utf-8") as thesaurus:
        thesaurus.write("\nacquire, acquired, zorble, zorbled\n")
    wait_for(lambda: "Jane Doe" in ask(base_url, question))
    after = app.extensions["qa"].service.snapshot()
    # The rules and the index built with them were swapped together.
    assert after.rules is not before.rules and after.path != before.path
    assert after.manifest.rules == after.rules.digest


def test_an_entity_rule_edit_reaches_the_index_annotations(live, rules_copy):
    base_url, app = live
    service = app.extensions["qa"].service
    entities = rules_copy / "entities.toml"
    text = entities.read_text(encoding="utf-8")
    marker = 'name = "money-symbol"'
    start = text.index(marker)
    edited = text[:start] + text[start:].replace("confidence = 0.95", "confidence = 0.35", 1)
    assert edited != text

    def money_confidence():
        snapshot = service.snapshot()
        with snapshot.store.view() as view:
            found = view.search(Query((Clause(BODY, ("gazett",)),)), 5)
            money = [e for f in found for e in view.sentence(f.ref).entities if e.rule == "money-symbol"]
        assert money, "the sentence or its money went missing"
        return money[0].confidence

    assert money_confidence() == 0.95
    entities.write_text(edited, encoding="utf-8")
    wait_for(lambda: money_confidence() == 0.35)


def test_a_broken_rule_file_is_ignored_and_the_old_rules_keep_serving(live, rules_copy, caplog):
    base_url, app = live
    service = app.extensions["qa"].service
    before = service.snapshot()
    assert ask(base_url, "When was the old mill zorbled?")[:1] == ["1998"]
    (rules_copy / "questions.toml").write_text("[[rule]]\nname = 'Broken Name'\n", encoding="utf-8")
    time.sleep(REFRESH * 10)
    assert service.snapshot().rules is before.rules
    assert ask(base_url, "When was the old mill zorbled?")[:1] == ["1998"]


def test_files_copied_into_the_corpus_are_indexed_incrementally_without_a_rebuild(live, tmp_path):
    base_url, app = live
    service = app.extensions["qa"].service
    before = service.snapshot()
    corpus = tmp_path / "corpus"
    staged = tmp_path / "grant.partial"
    staged.write_text("The Zorblat Foundation announced a grant of $77 million on Tuesday.", encoding="utf-8")
    staged.rename(corpus / "grant.txt")  # copied in the way a careful user does: whole, by a rename
    wait_for(lambda: "$77 million" in ask(base_url, "How much did the Zorblat Foundation announce?"))
    after = service.snapshot()
    assert after.path == before.path and after.rules is before.rules  # the same build, changed in place
    (corpus / "grant.txt").write_text("The Zorblat Foundation announced a grant of $12 million on Tuesday.", encoding="utf-8")
    wait_for(lambda: "$12 million" in ask(base_url, "How much did the Zorblat Foundation announce?"))
    (corpus / "grant.txt").unlink()
    wait_for(lambda: get_json(base_url, "/api/documents/grant")[0] == 404)
    assert service.snapshot().path == before.path
