"""The index: full builds published atomically, incremental writes reconciled with the corpus, under locks.

`index/current` is a symlink to `index/builds/<stamp>/`, which holds the
store's files and `manifest.json` (what the build is: schema, rules digest,
code digest). A full build writes into a fresh `builds/.tmp-*` directory;
a build that dies midway leaves the previous one current. Between full
builds the current build changes in place, one commit per write, and the
store's own integrity records (`WhooshStore.verify`) keep corruption
detectable.

Two locks, fcntl locks on files of the index directory, held across processes:

- the build lock (`.lock`): one full build at a time;
- the write lock (`.write.lock`): one writer of the current build at a time.
  Reconciliation, a document write and compaction hold it; a full build takes
  it at its end to catch up with what changed in the corpus while it read it,
  then swaps `current` before releasing it, so no write is lost in between.

Reconciliation compares the digest of every corpus file with the digest the
store recorded for the document, and indexes new and changed documents and
deletes removed ones, in one commit. Which build a process serves, and when
it reconciles, is `qa/service.py`'s business.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus import DigestCache, Document, DocumentError, Skipped, fingerprint, fsync_dir, read_corpus, read_document
from qa.entities import split_and_annotate
from qa.rules import Rules
from qa.store import Annotated, DocumentInfo
from qa.whoosh_store import WhooshStore
from qa.workers import annotated_documents

log = logging.getLogger(__name__)

# Bump when the schema or what goes into it changes: old indexes are then rebuilt.
SCHEMA_VERSION = 8
MANIFEST = "manifest.json"
CURRENT = "current"
BUILDS = "builds"
LOCK = ".lock"
WRITE_LOCK = ".write.lock"
# The code that decides what goes into the index: a change to it makes the index stale.
CODE_FILES = (
    "index.py", "entities.py", "prefilter.py", "names.py", "roles.py", "text.py", "gazetteer.py",
    "lexicon.py", "rulefiles.py", "rules.py", "records.py", "whoosh_store.py", "tagging.py", "discourse.py", "store.py",
    "corpus.py",
)  # fmt: skip
KEEP_BUILDS = 2  # the current build and the one before it, which a request under way may still read
STALE_TMP_SECONDS = 60  # a .tmp-* build directory older than this was left by a killed build
CATCH_UP_WAIT = 300.0  # seconds a finished build waits for the write lock: its work is not thrown away lightly
LOCK_POLL = 0.005  # seconds between tries of a busy lock held by another process


class IndexUnavailable(RuntimeError):
    """The index cannot be built or opened."""


class IndexBusy(RuntimeError):
    """The index's write lock was not free within the time allowed."""


@dataclass
class Manifest:
    """What a build is: the schema, rules and code it was made with (its contents change in place)."""

    schema: int
    rules: str  # the digest of the rule set (`Rules.digest`)
    code: dict[str, str]  # SHA-256 of each module of CODE_FILES
    built_seconds: float = 0.0
    skipped: list[dict] = field(default_factory=list)  # corpus files the build could not read

    def source(self) -> tuple:
        """Return what decides whether the build is stale (the corpus is reconciled, not rebuilt)."""
        return (self.schema, self.rules, self.code)


@dataclass
class Changes:
    """What a reconciliation did to the store."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    sentences: int = 0  # sentences written
    seconds: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.added or self.replaced or self.deleted)

    def summary(self) -> str:
        """Return a one-line account for the log."""
        return (
            f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.deleted)} deleted, "
            f"{self.sentences} sentences written in {self.seconds:.3f}s"
        )


@dataclass(frozen=True)
class Prepared:
    """A document read and annotated ahead of the write lock, with the rule set it was annotated with."""

    document: Document
    rules: str
    annotated: Annotated


@functools.cache  # the code of this process does not change while it runs
def code_fingerprint() -> dict[str, str]:
    """Return the digests of the modules that decide what goes into the index."""
    code_dir = Path(__file__).resolve().parent
    return fingerprint([code_dir / name for name in CODE_FILES], code_dir.parent)


def wanted_source(rules: Rules) -> tuple:
    """Return the source an up-to-date build made with this rule set has."""
    return (SCHEMA_VERSION, rules.digest, code_fingerprint())


# --- locks ---------------------------------------------------------------------------------------

_THREAD_LOCKS: dict[str, threading.Lock] = {}  # per lock file: threads of one process queue here, not on flock
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(str(path.resolve()), threading.Lock())


@contextlib.contextmanager
def build_lock(index_dir: Path, blocking: bool = True):
    """Hold the index directory's build lock (one builder at a time, across processes)."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / LOCK, "w") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_lock(index_dir: Path, timeout: float):
    """Hold the index's write lock (one writer at a time, across processes), or raise IndexBusy after timeout seconds."""
    path = Path(index_dir) / WRITE_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    local = _thread_lock(path)
    if not local.acquire(timeout=max(0.0, timeout)):
        raise IndexBusy(f"the index is being written (waited {timeout:g}s)")
    try:
        with open(path, "a") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(f"the index is being written by another process (waited {timeout:g}s)") from None
                    time.sleep(LOCK_POLL)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        local.release()


# --- reconciliation ------------------------------------------------------------------------------


def _indexed_digests(store, only: set[str] | None) -> dict[str, str]:
    with store.view() as view:
        indexed = view.digests()
    return indexed if only is None else {d: v for d, v in indexed.items() if d in only}


def _file_digests(corpus_dir: Path, only: set[str] | None, digests: DigestCache | None) -> dict[str, str]:
    if only is None:
        return (digests or DigestCache()).digests(corpus_dir)
    found = {}
    for doc_id in only:
        path = Path(corpus_dir) / f"{doc_id}.txt"
        try:
            found[doc_id] = read_document(path).digest
        except DocumentError:
            if path.exists():
                found[doc_id] = "unreadable"
    return found


def differences(corpus_dir: Path, store, only: set[str] | None = None, digests: DigestCache | None = None) -> tuple[list[str], list[str]]:
    """Return (documents whose file is new or changed, documents whose file is gone), sorted."""
    files = _file_digests(corpus_dir, only, digests)
    indexed = _indexed_digests(store, only)
    return sorted(d for d, value in files.items() if indexed.get(d) != value), sorted(d for d in indexed if d not in files)


def prepare(corpus_dir: Path, doc_ids, rules: Rules) -> dict[str, Prepared]:
    """Read and annotate documents ahead of the write lock (files that cannot be read are left to reconcile)."""
    prepared = {}
    for doc_id in doc_ids:
        try:
            document = read_document(Path(corpus_dir) / f"{doc_id}.txt")
        except DocumentError:
            continue
        prepared[doc_id] = Prepared(document, rules.digest, split_and_annotate(document, rules))
    return prepared


def reconcile(
    corpus_dir: Path,
    store,
    rules: Rules,
    only=None,
    prepared: dict[str, Prepared] | None = None,
    digests: DigestCache | None = None,
) -> Changes:
    """Make the store hold every corpus document (or those of `only`) at its file's version, in one commit.

    The caller holds the write lock. Documents prepared with these rules from
    the file as it still is are written as prepared; the others are read and
    annotated now.
    """
    started = time.perf_counter()
    only = set(only) if only is not None else None
    prepared = prepared or {}
    changes = Changes()
    files = _file_digests(corpus_dir, only, digests)
    indexed = _indexed_digests(store, only)
    todo = sorted(d for d, value in files.items() if indexed.get(d) != value)
    gone = sorted(d for d in indexed if d not in files)
    if not todo and not gone:
        return changes
    ready, to_read = [], []
    for doc_id in todo:
        entry = prepared.get(doc_id)
        if entry is not None and entry.rules == rules.digest and entry.document.digest == files[doc_id]:
            ready.append(entry)
        else:
            to_read.append(doc_id)
    documents = []
    for doc_id in to_read:
        try:
            documents.append(read_document(Path(corpus_dir) / f"{doc_id}.txt"))
        except DocumentError as exc:
            changes.skipped.append(Skipped(f"{doc_id}.txt", exc.message))
            log.warning("skipping %s.txt: %s", doc_id, exc.message)
            if doc_id in indexed:
                gone.append(doc_id)  # its indexed version is no longer the file's
    annotate = functools.partial(split_and_annotate, rules=rules)
    with annotated_documents(documents, annotate) as annotated, store.writer() as writer:
        results = [(p.document, p.annotated) for p in ready]
        for document, annotation in [*results, *annotated]:
            if document.id in indexed:
                writer.delete(document.id)
            if not annotation.sentences:  # a document without sentences has nothing to store
                if document.id in indexed:
                    changes.deleted.append(document.id)
                continue
            writer.add(document.id, annotation, info_of(document))
            (changes.replaced if document.id in indexed else changes.added).append(document.id)
            changes.sentences += len(annotation.sentences)
        for doc_id in sorted(set(gone)):
            writer.delete(doc_id)
            changes.deleted.append(doc_id)
    changes.seconds = time.perf_counter() - started
    return changes


def info_of(document: Document) -> DocumentInfo:
    """Return what the store records of a document."""
    return DocumentInfo(document.digest, document.title, document.date, document.source, document.text)


# --- full builds ---------------------------------------------------------------------------------


def build(corpus_dir: Path, index_dir: Path, rules: Rules, progress=None) -> Manifest:
    """Build a fresh index with a rule set into a new directory, catch up with the corpus and swap it in atomically."""
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    started = time.perf_counter()
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    tmp = builds / f".tmp-{stamp}"
    tmp.mkdir()
    store = None
    try:
        documents, skipped = read_corpus(corpus_dir)
        manifest = Manifest(SCHEMA_VERSION, rules.digest, code_fingerprint(), skipped=[s.__dict__ for s in skipped])
        store = WhooshStore.create(tmp, rules.lexicon)
        total = len(documents)
        annotate = functools.partial(split_and_annotate, rules=rules)
        # A worker process may annotate documents while this one indexes them, in order.
        with annotated_documents(documents, annotate) as results, store.writer() as writer:
            for done, (document, annotated) in enumerate(results, start=1):
                if annotated.sentences:
                    writer.add(document.id, annotated, info_of(document))
                if progress:
                    progress(done, total)
        with write_lock(index_dir, CATCH_UP_WAIT):
            # Writes made while the corpus was read went to the previous build: catch up, then swap.
            changes = reconcile(corpus_dir, store, rules)
            if changes:
                log.info("index build caught up with the corpus: %s", changes.summary())
            store.close()
            store = None
            manifest.built_seconds = round(time.perf_counter() - started, 3)
            # The manifest is written last: a build directory without one is incomplete.
            (tmp / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=1), encoding="utf-8")
            final = builds / stamp
            os.rename(tmp, final)
            link = index_dir / f".{CURRENT}-{stamp}"
            os.symlink(os.path.join(BUILDS, stamp), link)
            current = index_dir / CURRENT
            if current.is_dir() and not current.is_symlink():
                # Not ours (a real directory): set it aside rather than delete what we did not write.
                os.rename(current, index_dir / f"{CURRENT}.foreign-{stamp}")
            os.replace(link, current)
            fsync_dir(index_dir)
    except BaseException:
        if store is not None:
            store.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_builds(index_dir, keep={stamp})
    log.info("index build: %d documents in %.2fs (rules %s), swapped in as %s", total, manifest.built_seconds, rules.digest[:12], stamp)
    return manifest


def _remove_old_builds(index_dir: Path, keep: set[str]) -> None:
    """Delete builds older than the previous one; a reader may still hold the previous."""
    builds = sorted(
        (p for p in (index_dir / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime
    )
    complete = [p for p in builds if not p.name.startswith(".tmp-")]
    for path in complete[:-KEEP_BUILDS]:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in builds:
        # Leftovers of a build that was killed, older than a minute (a live build is younger).
        if path.name.startswith(".tmp-") and time.time() - path.stat().st_mtime > STALE_TMP_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


def current_target(index_dir: Path) -> Path | None:
    """Return the build directory index/current points to, or None (missing, dangling, a loop)."""
    try:
        return (Path(index_dir) / CURRENT).resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python 3.11
        return None


def read_manifest(index_dir: Path, verify: bool = False) -> tuple[Path, Manifest] | None:
    """Return the current build directory and its manifest, or None if there is no valid one.

    With verify, the store is opened and every segment file its table of
    contents names must still have the digest recorded when it was written:
    a corrupt or truncated build is not served.
    """
    target = current_target(index_dir)
    if target is None:
        return None
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None
    if manifest.schema != SCHEMA_VERSION:
        return None
    try:
        if not WhooshStore.exists(target):
            return None
        if verify:
            store = WhooshStore.open(target)
            try:
                if not verified(store, index_dir):
                    return None
            finally:
                store.close()
    except Exception:  # an unreadable file, or Whoosh failing on a damaged table of contents
        return None
    return target, manifest


VERIFY_WAIT = 60.0  # seconds a second verification waits for the write lock


def verified(store, index_dir: Path) -> bool:
    """Tell whether a store's files are intact, looking again under the write lock before saying no.

    A merge committed between reading the table of contents and reading the
    files removes files the first look expected: only a look that no writer
    can disturb may condemn the build.
    """
    if store.verify():
        return True
    try:
        with write_lock(index_dir, VERIFY_WAIT):
            return store.verify()
    except IndexBusy:
        return False
