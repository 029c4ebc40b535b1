"""Readers under load while documents are added, replaced and deleted, on the production server.

gunicorn with 3 workers serves a private corpus copy on 127.0.0.1 with an
admin token. 16 client threads ask questions while one writer adds, replaces
and deletes documents through the API. Not one request may fail; every
answer's sentence (its index and text) must be a sentence of some version of
its document that was written; after each write every worker must serve the
new version within 2 seconds; at the end the index holds exactly the
documents written, at their last version. The log holds an access line per
request and a line per index write, and no error.
"""

from __future__ import annotations

import json
import threading
import time

from qa.rules import load_rules
from tests.servers import copy_corpus, gunicorn, request

TOKEN = "load-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain; charset=utf-8"}
READERS = 16
MIN_ASKS = 1_200  # questions asked in all, at least (the readers go on until the writer is done)
TIME_LIMIT = 150  # seconds for the readers and the writer
VISIBLE_WITHIN = 2.0  # seconds after a write answered by which every worker serves it
DOCS = 4
ROUNDS = 12
QUESTIONS = [
    "How much did the Quorvath bridge cost?",
    "When did work on the Quorvath bridge begin?",
    "Who is Ilsa Brandt?",
    "How much additional funding did Blinken announce?",
    "Where did Blinken land?",
]


def version(doc: int, number: int) -> str:
    """The text of one version of a written document: invented names, numbers that tell versions apart."""
    return (
        f"Quorvath bridge {doc} report\n\n"
        f"The Quorvath bridge in Velmora cost ${100 * doc + number + 1} million, the mayor Ilsa Brandt said on Monday.\n"
        f"Work on the Quorvath bridge began in {1900 + 10 * doc + number}. It carries {number + 2} lanes of traffic.\n"
    )


def schedule() -> list[tuple[str, int, int]]:
    """The writes: (operation, document, version), adds, replacements and deletions interleaved."""
    operations, exists = [], set()
    for number in range(ROUNDS):
        for doc in range(DOCS):
            if (number + doc) % 5 == 4 and doc in exists:
                operations.append(("DELETE", doc, number))
                exists.discard(doc)
            else:
                operations.append(("PUT", doc, number))
                exists.add(doc)
    return operations


def test_readers_never_fail_and_see_only_written_versions_while_documents_change(tmp_path):
    corpus, index = copy_corpus(tmp_path / "corpus"), tmp_path / "index"
    splitter = load_rules().lexicon.splitter
    allowed: dict[str, set] = {}
    for path in corpus.glob("*.txt"):
        allowed[path.stem] = {(s.index, s.text) for s in splitter.split(path.stem, path.read_text(encoding="utf-8"))}
    operations = schedule()
    for _, doc, number in operations:
        allowed.setdefault(f"bridge-{doc}", set()).update(
            (s.index, s.text) for s in splitter.split(f"bridge-{doc}", version(doc, number))
        )
    log_path = tmp_path / "gunicorn.log"

    with gunicorn(corpus, index, log_path, workers=3, ADMIN_TOKEN=TOKEN) as base_url:
        deadline = time.monotonic() + TIME_LIMIT
        failures: list[str] = []
        asked = [0]
        lock = threading.Lock()
        writer_done = threading.Event()

        def fail(message: str) -> None:
            with lock:
                failures.append(message)

        def reader(number: int) -> None:
            n = number
            while time.monotonic() < deadline and not (writer_done.is_set() and asked[0] >= MIN_ASKS):
                question = QUESTIONS[n % len(QUESTIONS)]
                n += READERS
                try:
                    status, body, _ = request(base_url, "POST", "/api/ask", json.dumps({"question": question}),
                                              {"Content-Type": "application/json"})
                except Exception as exc:  # every failure counts, whatever it is
                    fail(f"{question!r}: {type(exc).__name__}: {exc}")
                    continue
                with lock:
                    asked[0] += 1
                if status != 200:
                    fail(f"{question!r}: status {status}: {body}")
                    continue
                for answer in body["answers"]:
                    sentence = answer["sentence"]
                    if (sentence["index"], sentence["text"]) not in allowed.get(sentence["doc"], ()):
                        fail(f"{question!r}: a sentence no version of {sentence['doc']} had: {sentence}")

        delays: list[float] = []
        last: dict[int, int | None] = {}

        def writer() -> None:
            try:
                for operation, doc, number in operations:
                    if time.monotonic() > deadline:
                        fail("the writer ran out of time")
                        return
                    path = f"/api/documents/bridge-{doc}"
                    if operation == "PUT":
                        status, body, _ = request(base_url, "PUT", path, version(doc, number).encode(), AUTH)
                        expected = {200, 201}
                        last[doc] = number
                    else:
                        status, body, _ = request(base_url, "DELETE", path, None, AUTH)
                        expected = {204}
                        last[doc] = None
                    if status not in expected:
                        fail(f"{operation} {path}: status {status}: {body}")
                        continue
                    # Every worker serves the write within 2 s: a run of reads (spread over the workers) all see it.
                    written, seen, started = time.monotonic(), 0, time.monotonic()
                    while seen < 6 and time.monotonic() - written < VISIBLE_WITHIN + 1:
                        status, body, _ = request(base_url, "GET", path)
                        current = body.get("text") if status == 200 else None
                        wanted = version(doc, number) if operation == "PUT" else None
                        seen = seen + 1 if current == wanted else 0
                    delays.append(time.monotonic() - started)
                    if seen < 6:
                        fail(f"{operation} {path} v{number} was not served by every worker within {VISIBLE_WITHIN}s")
            finally:
                writer_done.set()

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
        threads.append(threading.Thread(target=writer))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIME_LIMIT + 30)
        assert not any(thread.is_alive() for thread in threads), "a client thread hung"
        assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures[:20])
        assert asked[0] >= MIN_ASKS
        assert max(delays) <= VISIBLE_WITHIN + 1

        # The index holds exactly what was written last, once each.
        status, listed, headers = request(base_url, "GET", "/api/documents")
        expected = {path.stem for path in corpus.glob("*.txt")}
        assert {d["id"] for d in listed} == expected
        for doc, number in last.items():
            status, body, _ = request(base_url, "GET", f"/api/documents/bridge-{doc}")
            if number is None:
                assert status == 404
            else:
                assert status == 200 and body["text"] == version(doc, number)
                assert [(s["index"], s["text"]) for s in body["sentences"]] == [
                    (s.index, s.text) for s in splitter.split(f"bridge-{doc}", version(doc, number))
                ]

    log = log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[max(0, log.find("Traceback") - 300) :][:5000]
    assert "[ERROR]" not in log, log[max(0, log.find("[ERROR]") - 300) :][:5000]
    assert "index write:" in log  # the index events reach gunicorn's log
    assert log.count('"PUT /api/documents/bridge-') == sum(op == "PUT" for op, _, _ in operations)  # access lines
