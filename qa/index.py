"""Index builds: write every sentence of the corpus into a fresh store, publish it atomically, under a lock.

`index/current` is a symlink to `index/builds/<stamp>/`, which holds the
store's files and `manifest.json` (what the build was made from and what it
holds). A build writes into a fresh `builds/.tmp-*` directory, writes the
manifest last, renames the directory and swaps the symlink; a build that
dies midway leaves the previous one current. Which build a process serves,
and when it looks for a new one, is `qa/service.py`'s business.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus import corpus_files, fingerprint, read_corpus
from qa.entities import split_and_annotate
from qa.rules import Rules
from qa.whoosh_store import WhooshStore
from qa.workers import annotated_documents

log = logging.getLogger(__name__)

# Bump when the schema or what goes into it changes: old indexes are then rebuilt.
SCHEMA_VERSION = 7
MANIFEST = "manifest.json"
CURRENT = "current"
BUILDS = "builds"
LOCK = ".lock"
# The code that decides what goes into the index: a change to it makes the index stale.
CODE_FILES = (
    "index.py", "entities.py", "prefilter.py", "names.py", "roles.py", "text.py", "gazetteer.py",
    "lexicon.py", "rulefiles.py", "rules.py", "records.py", "whoosh_store.py", "tagging.py", "discourse.py", "store.py",
)  # fmt: skip
KEEP_BUILDS = 2  # the current build and the one before it, which a request under way may still read
STALE_TMP_SECONDS = 60  # a .tmp-* build directory older than this was left by a killed build


class IndexUnavailable(RuntimeError):
    """The index cannot be built or opened."""


@dataclass
class Manifest:
    """What an index was built from, and what it holds."""

    schema: int
    corpus: dict[str, str]  # SHA-256 of each corpus file
    rules: str  # the digest of the rule set (`Rules.digest`)
    code: dict[str, str]  # SHA-256 of each module of CODE_FILES
    documents: dict[str, int] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)
    sentences: int = 0
    built_seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # SHA-256 of each store file of the build

    def source(self) -> tuple:
        """Return what decides whether the index is stale."""
        return (self.schema, self.corpus, self.rules, self.code)


@functools.cache  # the code of this process does not change while it runs
def code_fingerprint() -> dict[str, str]:
    """Return the digests of the modules that decide what goes into the index."""
    code_dir = Path(__file__).resolve().parent
    return fingerprint([code_dir / name for name in CODE_FILES], code_dir.parent)


def corpus_fingerprint(corpus_dir: Path) -> dict[str, str]:
    """Return the digests of the corpus files."""
    corpus_dir = Path(corpus_dir)
    return fingerprint(corpus_files(corpus_dir), corpus_dir)


def wanted_source(corpus_dir: Path, rules: Rules) -> tuple:
    """Return the source an up-to-date index of this corpus and rule set was built from."""
    return (SCHEMA_VERSION, corpus_fingerprint(corpus_dir), rules.digest, code_fingerprint())


def build(corpus_dir: Path, index_dir: Path, rules: Rules, progress=None) -> Manifest:
    """Build a fresh index with a rule set into a new directory and swap it in atomically."""
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    started = time.perf_counter()
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    tmp = builds / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        corpus_digest = corpus_fingerprint(corpus_dir)
        documents, skipped = read_corpus(corpus_dir)
        manifest = Manifest(SCHEMA_VERSION, corpus_digest, rules.digest, code_fingerprint(), skipped=[s.__dict__ for s in skipped])
        store = WhooshStore.create(tmp, rules.lexicon)
        total = len(documents)
        annotate = functools.partial(split_and_annotate, rules=rules)
        # A worker process may annotate documents while this one indexes them, in order.
        with annotated_documents(documents, annotate) as results, store.writer() as writer:
            for done, (document, annotated) in enumerate(results, start=1):
                writer.add(document.id, annotated)
                manifest.documents[document.id] = len(annotated.sentences)
                manifest.sentences += len(annotated.sentences)
                if progress:
                    progress(done, total)
        store.close()
        manifest.built_seconds = round(time.perf_counter() - started, 3)
        manifest.files = _digests(tmp)
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
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_builds(index_dir, keep={stamp})
    log.info("index build: %d sentences of %d documents in %.2fs (rules %s)", manifest.sentences, len(documents), manifest.built_seconds, rules.digest[:12])
    return manifest


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def _digests(build_dir: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(build_dir.iterdir())
        if p.is_file() and p.name != MANIFEST and not p.name.endswith("WRITELOCK")
    }


def current_target(index_dir: Path) -> Path | None:
    """Return the build directory index/current points to, or None (missing, dangling, a loop)."""
    try:
        return (Path(index_dir) / CURRENT).resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python 3.11
        return None


def read_manifest(index_dir: Path, verify: bool = False) -> tuple[Path, Manifest] | None:
    """Return the current build directory and its manifest, or None if there is no valid one.

    With verify, every Whoosh file must still have the digest the manifest
    recorded: a corrupt or truncated build is not served.
    """
    target = current_target(index_dir)
    if target is None:
        return None
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None
    if manifest.schema != SCHEMA_VERSION or not manifest.files:
        return None
    try:
        if verify and _digests(target) != manifest.files:
            return None
        if not WhooshStore.exists(target):
            return None
    except Exception:  # an unreadable file, or Whoosh failing on a damaged table of contents
        return None
    return target, manifest


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
