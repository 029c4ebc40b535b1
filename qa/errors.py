"""The one JSON error shape of the service: {"error": {"code", "message"}}."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from qa.corpus import DocumentError
from qa.index import IndexBusy, IndexUnavailable

CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    500: "internal_error",
}
RETRY_AFTER_SECONDS = 2  # a write that found the index busy: another writer's commit takes well under this


class ApiError(Exception):
    """A client error with an HTTP status, a stable code and a message naming the problem."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers: dict | None = None):
    """Return a Flask JSON response in the error shape."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app) -> None:
    """Answer every error, ours or Werkzeug's, with the JSON error shape."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(DocumentError)
    def _document_error(exc: DocumentError):
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(IndexBusy)
    def _busy(exc: IndexBusy):
        return error_response(
            503, "busy", f"{exc}; try again (a document already written is indexed by then)", {"Retry-After": str(RETRY_AFTER_SECONDS)}
        )

    @app.errorhandler(IndexUnavailable)
    def _unavailable(exc: IndexUnavailable):
        app.logger.error("index unavailable: %s", exc)
        return error_response(503, "index_unavailable", "the index is not available right now", {"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        response = error_response(exc.code or 500, CODES.get(exc.code, "http_error"), exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "the server failed to answer; the error was logged")
