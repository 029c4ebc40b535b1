"""The qa web service: `flask --app app run`, or any WSGI server with `app:create_app()`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from qa import api, errors, form, openapi
from qa.pipeline import Pipeline

MAX_BODY_BYTES = 64 * 1024


def create_app(config: dict | None = None) -> Flask:
    """Create the Flask application; config may set CORPUS_DIR and INDEX_DIR."""
    app = Flask(__name__)
    app.config.update(CORPUS_DIR="corpus", INDEX_DIR="index", MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    if config:
        app.config.update(config)
    app.json.sort_keys = False
    root = Path(app.root_path)
    corpus_dir = root / app.config["CORPUS_DIR"]
    index_dir = root / app.config["INDEX_DIR"]
    app.extensions["qa"] = pipeline = Pipeline(corpus_dir, index_dir)
    pipeline.warm()  # before gunicorn --preload forks: the workers share the compiled rules
    errors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(form.bp)
    app.register_blueprint(openapi.bp)
    return app
