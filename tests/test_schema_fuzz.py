"""Schema fuzzing: schemathesis generates requests from /openapi.json and sends them to a real server.

The server is the Flask app under werkzeug on 127.0.0.1 (a free port), over a
temporary copy of the corpus and a temporary index. Every operation of the
document gets the examples, coverage and fuzzing phases (valid and invalid
data); each response must not be a 5xx and must conform to the document
(status code, content type, body schema, Allow header of a 405, ...).
Bounded: MAX_EXAMPLES fuzzed cases an operation plus the coverage cases, a
timeout per request and a time budget for the whole run.
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from app import create_app
from tests.servers import copy_corpus, thread_server

MAX_EXAMPLES = 40  # fuzzed cases per operation and generation mode, on top of the coverage phase
REQUEST_TIMEOUT = 15  # seconds
BUDGET = 180  # seconds for the whole run; past it every case fails


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app served on 127.0.0.1 over a private corpus copy and index."""
    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app({"CORPUS_DIR": str(copy_corpus(tmp / "corpus")), "INDEX_DIR": str(tmp / "index")})
    app.extensions["qa"].index.ensure()
    with thread_server(app) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def api_schema(live_server):
    """The document as served by the running server."""
    return schemathesis.openapi.from_url(f"{live_server}/openapi.json", config=SchemathesisConfig(), timeout=10)


@pytest.fixture(scope="module")
def http():
    """One HTTP session for the run (keep-alive), and the run's start time."""
    with requests.Session() as session:
        session.started = time.monotonic()
        yield session


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_every_response_conforms_and_none_is_a_server_error(case, live_server, http):
    elapsed = time.monotonic() - http.started
    if elapsed > BUDGET:
        pytest.fail(f"the fuzzing run took over its {BUDGET} s budget")
    response = case.call_and_validate(base_url=live_server, session=http, timeout=REQUEST_TIMEOUT)
    assert response.status_code < 500
