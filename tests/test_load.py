"""Concurrent load on the production server while the corpus is refreshed and the index swapped.

gunicorn with 3 workers serves a temporary corpus copy on 127.0.0.1; 16 client
threads send 2,000 POST /api/ask in all while the test adds a document and
rebuilds the index with `python -m qa index` (the serving workers may notice
the change too and race to rebuild). Not one request may fail, every answer
must come from a document of the old or the new corpus, and every worker
must end up serving the new index.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

from tests.servers import ROOT, copy_corpus, get_json, gunicorn

CLIENTS = 16
REQUESTS = 2_000
REFRESH_AFTER = 300  # requests done before the corpus changes
TIME_LIMIT = 150  # seconds for the whole load
NEW_DOC = "zorblat-grant"
NEW_TEXT = (
    "The Zorblat Foundation announced a grant of $77 million for clean water in Almaty on Tuesday.\n\n"
    "Mira Tulegenova, the foundation's director, said the money would arrive within two years.\n"
)
# Questions that are cheap to answer (the load is about concurrency and the swap, not the pipeline's speed).
QUESTIONS = [
    "How much additional funding did Blinken announce?",
    "Where did Blinken land?",
    "How much did the tenge fall?",
    "Who won the 2018 World Cup?",
    "How much did the Zorblat Foundation announce?",
    "Who is Mira Tulegenova?",
]


def post(base_url: str, question: str, timeout: float = 30.0) -> tuple[int, dict]:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("POST", "/api/ask", json.dumps({"question": question}), {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_no_request_fails_while_the_corpus_is_refreshed_under_load(tmp_path):
    corpus, index = copy_corpus(tmp_path / "corpus"), tmp_path / "index"
    old_docs = {p.stem for p in corpus.glob("*.txt")}
    cli = [sys.executable, "-m", "qa", "--corpus", str(corpus), "--index", str(index), "index"]
    subprocess.run(cli, cwd=ROOT, check=True, capture_output=True, timeout=120)

    with gunicorn(corpus, index, tmp_path / "gunicorn.log", workers=3) as base_url:
        assert get_json(base_url, "/api/health")[1]["documents"] == len(old_docs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:  # warm the workers up
            assert {s for s, _ in pool.map(lambda n: post(base_url, QUESTIONS[n % len(QUESTIONS)]), range(30))} == {200}
        deadline = time.monotonic() + TIME_LIMIT
        done = threading.Semaphore(0)
        failures: list[str] = []
        answers_docs: set[str] = set()
        lock = threading.Lock()

        def one(n: int) -> None:
            try:
                if time.monotonic() > deadline:
                    raise TimeoutError("past the time limit")
                status, body = post(base_url, QUESTIONS[n % len(QUESTIONS)])
                if status != 200:
                    raise RuntimeError(f"status {status}: {body}")
                with lock:
                    answers_docs.update(a["sentence"]["doc"] for a in body["answers"])
            except Exception as exc:  # every failure counts, whatever it is
                with lock:
                    failures.append(f"request {n}: {type(exc).__name__}: {exc}")
            finally:
                done.release()

        refresh: dict = {}

        def refresh_corpus() -> None:
            for _ in range(REFRESH_AFTER):
                if not done.acquire(timeout=max(0.0, deadline - time.monotonic())):
                    return
            # Written beside the corpus, then renamed in: the server never reads half a file.
            partial = corpus.parent / f"{NEW_DOC}.partial"
            partial.write_text(NEW_TEXT, encoding="utf-8")
            os.replace(partial, corpus / f"{NEW_DOC}.txt")
            started = time.monotonic()
            refresh["run"] = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, timeout=120)
            refresh["seconds"] = time.monotonic() - started

        refresher = threading.Thread(target=refresh_corpus)
        refresher.start()
        with concurrent.futures.ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(one, range(REQUESTS)))
        refresher.join(timeout=150)

        assert not refresher.is_alive()
        assert refresh["run"].returncode == 0, refresh["run"].stderr
        assert "2 documents" in refresh["run"].stdout
        assert failures == [], f"{len(failures)} of {REQUESTS} requests failed:\n" + "\n".join(failures[:20])
        assert answers_docs <= old_docs | {NEW_DOC}

        # Every worker follows index/current to the new build: a run of health checks all see it.
        seen, wait_until = 0, time.monotonic() + 30
        while seen < 12 and time.monotonic() < wait_until:
            status, health = get_json(base_url, "/api/health")
            seen = seen + 1 if status == 200 and health["documents"] == len(old_docs) + 1 else 0
            time.sleep(0.05)
        assert seen >= 12, f"the workers did not all serve the new index: {health}"
        status, body = post(base_url, "How much did the Zorblat Foundation announce?")
        assert status == 200 and body["answers"][0]["sentence"]["doc"] == NEW_DOC
        assert body["answers"][0]["text"] == "$77 million"

    log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-5000:]
    assert "[ERROR]" not in log, log[-5000:]
    builds = [p for p in (index / "builds").iterdir() if not p.name.startswith(".tmp-")]
    assert 1 <= len(builds) <= 2  # old builds are cleaned up, the previous one kept for readers


def test_the_longest_get_question_fits_in_the_production_request_line(tmp_path):
    """500 characters of 4-byte UTF-8 are 6,000 bytes percent-encoded: gunicorn.conf.py allows it."""
    corpus, index = copy_corpus(tmp_path / "corpus"), tmp_path / "index"
    with gunicorn(corpus, index, tmp_path / "gunicorn.log", workers=1) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        for question, status in (("\U0001F600" * 500, 200), ("\U0001F600" * 501, 400)):
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            try:
                connection.request("GET", "/api/ask?" + urlencode({"q": question}))
                response = connection.getresponse()
                body = json.loads(response.read())
            finally:
                connection.close()
            assert response.status == status, body
            assert response.getheader("Content-Type") == "application/json"
