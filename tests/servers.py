"""Real servers for the tests, on 127.0.0.1 only: werkzeug in a thread, or gunicorn in a subprocess.

Every wait here is bounded in time, and every server is stopped by the context
manager that started it, whatever happens in the test.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def copy_corpus(target: Path) -> Path:
    """Copy the repository's corpus into target (created) and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "corpus").iterdir():  # the documents and their example questions
        shutil.copy(path, target / path.name)
    return target


@contextlib.contextmanager
def thread_server(app):
    """Serve a WSGI app on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def live_app(tmp: Path, admin_token: str | None = None):
    """Serve the app in a thread over a private copy of the corpus and a fresh index; yield its base URL."""
    from app import create_app

    config = {"CORPUS_DIR": str(copy_corpus(tmp / "corpus")), "INDEX_DIR": str(tmp / "index"), "ADMIN_TOKEN": admin_token}
    app = create_app(config)
    app.extensions["qa"].service.ensure()
    with thread_server(app) as base_url:
        yield base_url


def get_json(base_url: str, path: str, timeout: float = 10.0):
    """GET a path of a local server and return (status, parsed JSON body)."""
    return request(base_url, "GET", path, timeout=timeout)[:2]


def request(base_url: str, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
            timeout: float = 30.0) -> tuple[int, object, dict]:
    """Send a request to a local server and return (status, parsed JSON body or None, headers)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None, dict(response.getheaders())
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(corpus_dir: Path, index_dir: Path, log_path: Path, workers: int = 3, ready_timeout: float = 60.0, **config):
    """Run the production server (gunicorn) over a corpus and index; yield its base URL.

    gunicorn binds 127.0.0.1:0 and its log names the port it got, so no port is
    guessed. No control socket (its default path is shared by every gunicorn
    of the user); the access log goes to the same log. The server is
    terminated (then killed) on exit. Extra keyword arguments are app config.
    """
    config = {"CORPUS_DIR": str(corpus_dir), "INDEX_DIR": str(index_dir), **config}
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers),
        "--bind", f"{HOST}:0",
        "--timeout", "60",
        "--graceful-timeout", "5",
        "--no-control-socket",
        "--access-logfile", "-",
        f"app:create_app({config!r})",
    ]
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base_url = None
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline and process.poll() is None:
            match = re.search(rb"Listening at: http://127\.0\.0\.1:(\d+)", log_path.read_bytes())
            if match:
                base_url = f"http://{HOST}:{int(match.group(1))}"
                with contextlib.suppress(OSError):
                    if get_json(base_url, "/api/health", timeout=30)[0] == 200:
                        break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not come up:\n{log_path.read_text(errors='replace')}")
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        log.close()
