"""What every response carries for safety: JSON that cannot be read as markup, and headers that lock the page down."""

from __future__ import annotations

from flask.json.provider import DefaultJSONProvider

HEADERS = {
    "X-Content-Type-Options": "nosniff",  # a JSON body is never sniffed into HTML or script
    # No inline script or style, nothing from other origins, never framed (clickjacking).
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # a question in the URL never leaks to another site
}
# JSON escapes for the characters that start markup or entities: a question echoed back carries none.
MARKUP_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class EscapingJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with <, > and & written as \\u escapes (the same JSON value; no markup in the bytes)."""

    def dumps(self, obj, **kwargs) -> str:
        """Serialize as JSON, escaping <, > and & (only string contents can hold them)."""
        return super().dumps(obj, **kwargs).translate(MARKUP_ESCAPES)


def add_headers(response):
    """Set the security headers on a response (every response: pages, JSON, errors, static files)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app) -> None:
    """Install the escaping JSON provider and the headers on an app."""
    app.json = EscapingJSONProvider(app)
    app.after_request(add_headers)
