"""The corpus: every *.txt file of a directory is one UTF-8 document."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """A corpus document: its id (the file stem) and its text."""

    id: str
    text: str


@dataclass(frozen=True)
class Skipped:
    """A corpus file that could not be read, and why."""

    path: str
    reason: str


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Return the corpus's *.txt files in a stable order."""
    return sorted(p for p in Path(corpus_dir).glob("*.txt") if p.is_file())


def read_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """Read every document of a corpus directory; report, skip, never crash on bad files."""
    documents, skipped = [], []
    for path in corpus_files(corpus_dir):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            skipped.append(Skipped(path.name, f"not valid UTF-8 at byte {exc.start}"))
            log.warning("skipping %s: not valid UTF-8 at byte %d", path.name, exc.start)
            continue
        except OSError as exc:
            skipped.append(Skipped(path.name, f"unreadable: {exc.strerror}"))
            log.warning("skipping %s: %s", path.name, exc.strerror)
            continue
        documents.append(Document(path.stem, text.lstrip("\ufeff")))
    return documents, skipped


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
            signature.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            signature.append((str(path), -1, -1))
    return tuple(signature)
