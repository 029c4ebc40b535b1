"""The corpus: every *.txt file of a directory is one UTF-8 document, the source of truth of the index.

A document file is `<id>.txt`. Its metadata (title, date, source), when it
has any, is front matter at the top of the same file, so that one rename
writes text and metadata together:

    ---
    title: Storm closes the port
    date: 2024-05-01
    source: https://example.com/storm
    ---
    <the text exactly as uploaded>

Front matter is recognised strictly: the first line is exactly `---`, then
only `key: value` lines of the known keys with valid values, then `---`.
Anything else is text. A text that itself starts with a `---` line is
written behind an empty front-matter block, so that it reads back unchanged.

Writes are atomic and durable: the file is written in `.incoming/`, synced,
renamed over `<id>.txt` and the directory synced; a removal renames the file
into `.incoming/` before unlinking it. A reader never sees half a file.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DOC_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")  # an id of a written document: a safe file name, never a path
INCOMING = ".incoming"  # the corpus's staging directory for writes (a dot name: never a document)
SUFFIX = ".txt"
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # an uploaded article: a long news story is 50 kB, a book chapter 1 MB
FENCE = "---"
META_KEYS = ("title", "date", "source")  # the front matter's keys, in the order they are written
MAX_TITLE_CHARS = 300  # a headline, not a paragraph
MAX_SOURCE_CHARS = 2000  # a URL or a publisher's name
HEADLINE_MAX_CHARS = 150  # a first line this short without a final period is taken for the title
STALE_INCOMING_SECONDS = 600  # a staged file this old was left by a killed write (a live one is seconds old)
# Characters that make a text binary rather than prose: C0 controls but tab, line feed, vertical tab,
# form feed and carriage return; DEL; lone surrogates (from JSON escapes, never valid UTF-8).
NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DocumentError(ValueError):
    """A document or its metadata cannot be accepted; code names the problem for the API."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Document:
    """A corpus document: its id (the file stem), its text (without front matter), metadata and file digest."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None
    digest: str = ""  # SHA-256 of the file's bytes, front matter included

    def display_title(self) -> str | None:
        """Return the title, else the first line when it looks like a headline (short, no final period)."""
        return display_title(self.title, self.text)


def display_title(title: str | None, text: str) -> str | None:
    """Return a document's title, else its first line when it looks like a headline (short, no final period)."""
    if title:
        return title
    for line in text.splitlines():
        line = line.strip()
        if line:
            headline = len(line) <= HEADLINE_MAX_CHARS and not line.endswith(".") and any(c.isalnum() for c in line)
            return line if headline else None
    return None


@dataclass(frozen=True)
class Skipped:
    """A corpus file that could not be read, and why."""

    path: str
    reason: str


# --- validation ----------------------------------------------------------------------------------


def validate_id(value) -> str:
    """Return a document id that may name a file of the corpus, or raise DocumentError."""
    if not isinstance(value, str) or not DOC_ID.fullmatch(value):
        raise DocumentError(
            "invalid_doc_id",
            "a document id is 1 to 100 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
        )
    return value


def validate_text(value) -> str:
    """Return a document's text (a str, or UTF-8 bytes) if it is prose, or raise DocumentError."""
    if isinstance(value, (bytes, bytearray)):
        if len(value) > MAX_DOCUMENT_BYTES:
            raise DocumentError("payload_too_large", f"a document is at most {MAX_DOCUMENT_BYTES} bytes", 413)
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError("invalid_text", f"the text is not valid UTF-8 (at byte {exc.start})") from None
    if not isinstance(value, str):
        raise DocumentError("invalid_text", "'text' must be a string")
    found = NOT_TEXT.search(value)
    if found:
        raise DocumentError("invalid_text", f"the text holds a control or binary character at {found.start()} ({found.group()!r})")
    if len(value.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise DocumentError("payload_too_large", f"a document is at most {MAX_DOCUMENT_BYTES} bytes", 413)
    if not value.strip():
        raise DocumentError("empty_text", "the text is empty or only white space")
    return value


def _line(value, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DocumentError(f"invalid_{name}", f"'{name}' must be a string")
    if len(value) > limit or not value.strip() or NOT_TEXT.search(value) or _breaks_line(value):
        raise DocumentError(f"invalid_{name}", f"'{name}' must be one line of 1 to {limit} characters, not only white space")
    return value.strip()


def _breaks_line(value: str) -> bool:
    return len((value + "x").splitlines()) > 1  # str.splitlines breaks at \n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029


def validate_title(value) -> str | None:
    """Return a title (one line, stripped) or None, or raise DocumentError."""
    return _line(value, "title", MAX_TITLE_CHARS)


def validate_source(value) -> str | None:
    """Return a source (one line, stripped) or None, or raise DocumentError."""
    return _line(value, "source", MAX_SOURCE_CHARS)


def validate_date(value) -> str | None:
    """Return a calendar date as YYYY-MM-DD or None, or raise DocumentError."""
    if value is None:
        return None
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            datetime.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise DocumentError("invalid_date", "'date' must be a calendar date written YYYY-MM-DD")


# --- the file format -----------------------------------------------------------------------------


def render(text: str, title: str | None = None, date: str | None = None, source: str | None = None) -> bytes:
    """Return the bytes of a document file: front matter when there is metadata (or the text starts with ---), then the text."""
    meta = {"title": title, "date": date, "source": source}
    first = text.split("\n", 1)[0].removesuffix("\r")
    # Behind a block, a text starting with a fence or a byte order mark reads back as it was written.
    if not any(meta.values()) and first != FENCE and not text.startswith("\ufeff"):
        return text.encode("utf-8")
    lines = [FENCE, *(f"{key}: {meta[key]}" for key in META_KEYS if meta[key]), FENCE]
    return ("\n".join(lines) + "\n" + text).encode("utf-8")


_VALIDATORS = {"title": validate_title, "date": validate_date, "source": validate_source}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Return (metadata, body) of a file's text: the front matter's keys if it has a valid block, else ({}, text)."""
    if not text.startswith(FENCE):
        return {}, text
    lines = text.split("\n")
    if lines[0].removesuffix("\r") != FENCE:
        return {}, text
    meta: dict[str, str] = {}
    offset = len(lines[0]) + 1
    for line in lines[1:]:
        offset += len(line) + 1
        bare = line.removesuffix("\r")
        if bare == FENCE:
            return meta, text[offset:] if offset <= len(text) else ""
        key, sep, value = bare.partition(": ")
        if not sep or key not in _VALIDATORS or key in meta:
            return {}, text
        try:
            checked = _VALIDATORS[key](value)
        except DocumentError:
            return {}, text
        if checked != value:  # a value that would not read back as written ("  x", ...)
            return {}, text
        meta[key] = value
    return {}, text  # no closing fence: it was text


def digest(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def parse(doc_id: str, data: bytes) -> Document:
    """Return the document of a file's bytes, or raise DocumentError (not UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError("invalid_text", f"not valid UTF-8 at byte {exc.start}") from None
    meta, body = split_front_matter(text.lstrip("\ufeff"))
    return Document(doc_id, body, meta.get("title"), meta.get("date"), meta.get("source"), digest(data))


# --- the directory -------------------------------------------------------------------------------


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Return the corpus's *.txt files in a stable order."""
    return sorted(p for p in Path(corpus_dir).glob("*" + SUFFIX) if p.is_file())


def document_path(corpus_dir: Path, doc_id: str) -> Path:
    """Return the file of a document (its id validated: the path never leaves the corpus)."""
    return Path(corpus_dir) / (validate_id(doc_id) + SUFFIX)


def read_document(path: Path) -> Document:
    """Read one corpus file, or raise DocumentError (unreadable, not UTF-8)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError("unreadable", f"unreadable: {exc.strerror}") from None
    return parse(path.name[: -len(SUFFIX)], data)


def read_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """Read every document of a corpus directory; report, skip, never crash on bad files."""
    documents, skipped = [], []
    for path in corpus_files(corpus_dir):
        try:
            documents.append(read_document(path))
        except DocumentError as exc:
            skipped.append(Skipped(path.name, exc.message))
            log.warning("skipping %s: %s", path.name, exc.message)
    return documents, skipped


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (a rename into it) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _incoming(corpus_dir: Path) -> Path:
    incoming = Path(corpus_dir) / INCOMING
    incoming.mkdir(exist_ok=True)
    return incoming


def write_document(corpus_dir: Path, doc_id: str, data: bytes) -> bool:
    """Write a document file durably and atomically (stage, sync, rename, sync the directory); return whether it replaced one."""
    target = document_path(corpus_dir, doc_id)
    staged = _incoming(corpus_dir) / f"{doc_id}.{secrets.token_hex(8)}.tmp"
    try:
        with open(staged, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replaced = target.exists()
        os.replace(staged, target)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return replaced


def remove_document(corpus_dir: Path, doc_id: str) -> bool:
    """Remove a document file atomically (renamed out of the corpus, then unlinked); return whether it existed."""
    target = document_path(corpus_dir, doc_id)
    staged = _incoming(corpus_dir) / f"{doc_id}.{secrets.token_hex(8)}.removed"
    try:
        os.rename(target, staged)
    except FileNotFoundError:
        return False
    fsync_dir(target.parent)
    staged.unlink(missing_ok=True)
    return True


def clean_incoming(corpus_dir: Path, older_than: float = STALE_INCOMING_SECONDS) -> list[str]:
    """Delete staged files left by killed writes (older than a live write could be); return their names."""
    removed = []
    incoming = Path(corpus_dir) / INCOMING
    if not incoming.is_dir():
        return removed
    now = time.time()
    for path in incoming.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > older_than:
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue
    return removed


class DigestCache:
    """SHA-256 digests of corpus files, hashed again only when a file's inode, size or mtime changed."""

    def __init__(self):
        self._known: dict[str, tuple[tuple, str]] = {}
        self._lock = threading.Lock()

    def digests(self, corpus_dir: Path) -> dict[str, str]:
        """Return {document id: digest of its file} for every corpus file ("unreadable" for a file that cannot be read)."""
        with self._lock:
            return self._digests(corpus_dir)

    def _digests(self, corpus_dir: Path) -> dict[str, str]:
        found, known = {}, {}
        for path in corpus_files(corpus_dir):
            doc_id = path.name[: -len(SUFFIX)]
            try:
                st = path.stat()
                key = (st.st_ino, st.st_size, st.st_mtime_ns)
                cached = self._known.get(doc_id)
                value = cached[1] if cached and cached[0] == key else digest(path.read_bytes())
                known[doc_id] = (key, value)
            except OSError:
                value = "unreadable"
            found[doc_id] = value
        self._known = known
        return found


def fingerprint(paths: list[Path], root: Path) -> dict[str, str]:
    """Return a SHA-256 digest of each file, keyed by its path relative to root."""
    digests = {}
    for path in paths:
        try:
            digests[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digests[path.relative_to(root).as_posix()] = "unreadable"
    return digests


def stat_signature(paths: list[Path]) -> tuple:
    """Return a cheap signature (name, size, mtime) of files, to notice changes between hashes."""
    signature = []
    for path in paths:
        try:
            st = path.stat()
            signature.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            signature.append((str(path), -1, -1, -1))
    return tuple(signature)
