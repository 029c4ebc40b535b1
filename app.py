"""The qa web service: `flask --app app run`, or any WSGI server with `app:create_app()`."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from qa import api, config, errors, form, openapi, security
from qa.pipeline import Pipeline

MAX_BODY_BYTES = 64 * 1024  # a question is at most 500 characters: 64 kB of JSON is plenty


def create_app(overrides: dict | None = None) -> Flask:
    """Create the Flask application: configured by defaults, then QA_* environment variables, then overrides."""
    app = Flask(__name__)
    app.config.update(config.DEFAULTS, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.config.update(config.from_environment())
    if overrides:
        app.config.update(overrides)
    security.init_app(app)
    app.json.sort_keys = False
    _log_under_gunicorn()
    root = Path(app.root_path)
    rules_dir = app.config["RULES_DIR"]
    pipeline = Pipeline(
        root / app.config["CORPUS_DIR"],
        root / app.config["INDEX_DIR"],
        root / rules_dir if rules_dir else None,
        refresh_interval=app.config["REFRESH_SECONDS"],
    )
    app.extensions["qa"] = pipeline
    pipeline.warm()  # before gunicorn --preload forks: the workers share the loaded rules
    errors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(form.bp)
    app.register_blueprint(openapi.bp)
    return app


def _log_under_gunicorn() -> None:
    """Send the service's own log lines (index builds, writes, swaps, failures) to gunicorn's error log (stderr)."""
    server = logging.getLogger("gunicorn.error")
    qa_log = logging.getLogger("qa")
    if server.handlers and not qa_log.handlers:
        for handler in server.handlers:
            qa_log.addHandler(handler)
        qa_log.setLevel(logging.INFO)
        qa_log.propagate = False
