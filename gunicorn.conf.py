"""gunicorn settings, read from the working directory by every `gunicorn` started in the repository (`make serve`)."""

# A GET question may be 500 characters, and one character up to 12 bytes once percent-encoded:
# the default 4,094-byte request line would turn such a question into gunicorn's own HTML 414.
# 8,190 is gunicorn's largest; longer request lines still get that 414 before the app sees them.
limit_request_line = 8190
