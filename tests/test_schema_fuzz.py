"""Schema fuzzing: schemathesis generates requests from /openapi.json and sends them to a real server.

The server is the Flask app under werkzeug on 127.0.0.1 (a free port), over a
temporary copy of the corpus and a temporary index. schemathesis runs as its
command line in a subprocess (its pytest integration does not work with the
pinned pytest), from a temporary directory so that nothing (Hypothesis data,
reports) lands in the repository. Every operation of the document gets the
examples, coverage and fuzzing phases, with valid and invalid data, and every
check: no 5xx; status code, content type, headers and body as documented;
invalid data rejected with a 4xx, valid data accepted; a wrong method a 405
with an Allow header; writes without the bearer token refused (ignored_auth).
Requests carry the admin token, so the document writes (PUT and DELETE
/api/documents/{doc_id}) are fuzzed too, into the private corpus copy.

Bounded and reproducible: at most MAX_EXAMPLES fuzzed cases an operation
(a few hundred requests in all), deterministic generation, a timeout per
request and a hard time limit on the subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import live_app

MAX_EXAMPLES = 100
REQUEST_TIMEOUT = 15  # seconds
TIME_LIMIT = 240  # seconds for the whole schemathesis run
MIN_CASES = 200  # fewer generated cases would mean the run did not really test
TOKEN = "fuzz-admin-token"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app served on 127.0.0.1 over a private corpus copy and index."""
    with live_app(tmp_path_factory.mktemp("fuzz"), admin_token=TOKEN) as base_url:
        yield base_url


def test_generated_requests_get_documented_responses_and_no_server_error(live_server, tmp_path):
    report = tmp_path / "report.json"
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{live_server}/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing",
        "--mode", "all",
        "--max-examples", str(MAX_EXAMPLES),
        "--generation-deterministic",  # the same cases every run; implies no example database
        "--request-timeout", str(REQUEST_TIMEOUT),
        "--workers", "1",
        "--header", f"Authorization: Bearer {TOKEN}",
        "--no-color",
        "--report", "json",
        "--report-json-path", str(report),
    ]
    try:
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"schemathesis did not finish within {TIME_LIMIT} s:\n{exc.stdout}")
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"schemathesis found problems:\n{output}"
    summary = json.loads(Path(report).read_text())
    assert summary["complete"] and summary["exit_code"] == 0, output
    assert summary["failures"] == [] and summary["errors"] == [], output
    # /api/ask GET and POST, /api/health, /api/documents, GET, PUT and DELETE /api/documents/{doc_id}, /, /documents,
    # /documents/{doc_id} (schemathesis leaves out /openapi.json, the document itself)
    assert summary["operations"]["tested"] >= 10, output
    assert summary["test_cases"]["generated"] >= MIN_CASES, output
    assert summary["test_cases"]["errored"] == 0, output
