"""The sentence index: one Whoosh document per sentence, rebuilt atomically when stale."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from qa.corpus import corpus_files, fingerprint, read_corpus, stat_signature
from qa.entities import annotate_document, annotated_documents
from qa.rules import RULES_DIR, read_words
from qa.text import stem

log = logging.getLogger(__name__)

# Bump when the schema or what goes into it changes: old indexes are then rebuilt.
SCHEMA_VERSION = 4
MANIFEST = "manifest.json"
CURRENT = "current"
BUILDS = "builds"
CODE_FILES = ("index.py", "entities.py", "prefilter.py", "names.py", "roles.py", "text.py", "gazetteer.py", "rules.py")
# BM25F parameters. A sentence is short: a word said twice says little more than once (low K1).
# Chosen on SQuAD dev articles 1-8, checked on articles 25-32: the answer's sentence first
# 63.8% / 68.9% of the time with K1 0.5, against 61.8% / 66.6% with Whoosh's default 1.2.
BM25_B = 0.75
BM25_K1 = 0.5
# How often (seconds) a serving process looks at the corpus for changes.
STALE_CHECK_INTERVAL = 2.0


class IndexUnavailable(RuntimeError):
    """The index cannot be built or opened."""


def analyzer():
    """Return the analyzer of the stemmed text field (and of question keywords)."""
    return (
        RegexTokenizer(r"\w+(?:\.\w+)*")
        | LowercaseFilter()
        | StopFilter(stoplist=read_words("words/stopwords.txt"), minsize=1)
        | StemFilter(stemfn=stem, cachesize=None)  # qa.text.stem keeps its own (faster) cache
    )


def schema() -> Schema:
    """Return the Whoosh schema: one document per sentence."""
    return Schema(
        id=ID(stored=True, unique=True),
        doc=ID(stored=True),
        index=STORED(),  # read back, never searched or sorted: indexed, it cost a dozen terms a sentence
        paragraph=STORED(),
        text=STORED(),
        body=TEXT(analyzer=analyzer(), phrase=True),
        types=KEYWORD(scorable=True),  # searched (label boosts), never read back
        entities=STORED(),
    )


@dataclass
class Manifest:
    """What an index was built from, and what it holds."""

    schema: int
    corpus: dict[str, str]
    rules: dict[str, str]
    documents: dict[str, int] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)
    sentences: int = 0
    built_seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # SHA-256 of each Whoosh file of the build

    def source(self) -> tuple:
        """Return what decides whether the index is stale."""
        return (self.schema, self.corpus, self.rules)


def source_fingerprint(corpus_dir: Path) -> tuple[dict, dict]:
    """Return the digests of the corpus files and of the rules and annotating code."""
    corpus_dir = Path(corpus_dir)
    rule_files = sorted(p for p in RULES_DIR.rglob("*") if p.is_file())
    code_dir = Path(__file__).resolve().parent
    rules = fingerprint(rule_files, RULES_DIR.parent)
    rules.update(fingerprint([code_dir / name for name in CODE_FILES], code_dir.parent))
    return fingerprint(corpus_files(corpus_dir), corpus_dir), rules


def _watched_files(corpus_dir: Path) -> list[Path]:
    return corpus_files(corpus_dir) + sorted(p for p in RULES_DIR.rglob("*") if p.is_file())


def build(corpus_dir: Path, index_dir: Path, progress=None) -> Manifest:
    """Build a fresh index into a new directory and swap it in atomically."""
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    started = time.perf_counter()
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    tmp = builds / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        corpus_digest, rules_digest = source_fingerprint(corpus_dir)
        documents, skipped = read_corpus(corpus_dir)
        manifest = Manifest(SCHEMA_VERSION, corpus_digest, rules_digest, skipped=[s.__dict__ for s in skipped])
        ix = whoosh_index.create_in(str(tmp), schema())
        total = len(documents)
        # A worker process may annotate documents while this one indexes them, in order.
        with annotated_documents(documents, annotate_document) as results, ix.writer(limitmb=128) as writer:
            for done, (document, sentences, annotated) in enumerate(results, start=1):
                for sentence, entities in zip(sentences, annotated):
                    writer.add_document(
                        id=f"{document.id}#{sentence.index}",
                        doc=document.id,
                        index=sentence.index,
                        paragraph=sentence.paragraph,
                        text=sentence.text,
                        body=sentence.text,
                        types=" ".join(sorted({e.label for e in entities})),
                        entities=[e.to_json() for e in entities],
                    )
                manifest.documents[document.id] = len(sentences)
                manifest.sentences += len(sentences)
                if progress:
                    progress(done, total)
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
    log.info("indexed %d sentences of %d documents in %.2fs", manifest.sentences, len(documents), manifest.built_seconds)
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
    for path in complete[:-2]:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in builds:
        # Leftovers of a build that was killed, older than a minute (a live build is younger).
        if path.name.startswith(".tmp-") and time.time() - path.stat().st_mtime > 60:
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
        if not whoosh_index.exists_in(str(target)):
            return None
    except Exception:  # an unreadable file, or Whoosh failing on a damaged table of contents
        return None
    return target, manifest


@contextlib.contextmanager
def build_lock(index_dir: Path, blocking: bool = True):
    """Hold the index directory's build lock (one builder at a time, across processes)."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / ".lock", "w") as handle:
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


class SentenceIndex:
    """A corpus's sentence index: built on first use, rebuilt when stale, one searcher per use."""

    def __init__(self, corpus_dir, index_dir):
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._served: tuple[Path, Manifest, object] | None = None
        self._signature = None
        self._checked = 0.0
        self._local = threading.local()  # one searcher per thread

    def is_stale(self) -> bool:
        """Tell whether the current index is missing or was built from other files."""
        current = read_manifest(self.index_dir, verify=True)
        if current is None:
            return True
        corpus, rules = source_fingerprint(self.corpus_dir)
        return current[1].source() != (SCHEMA_VERSION, corpus, rules)

    def ensure(self, rebuild: bool = False, progress=None) -> Manifest:
        """Make sure a complete, up-to-date index is current; build it if not."""
        signature = stat_signature(_watched_files(self.corpus_dir))
        if rebuild or self.is_stale():
            with build_lock(self.index_dir):
                # Another process may have built it while this one waited for the lock.
                if rebuild or self.is_stale():
                    build(self.corpus_dir, self.index_dir, progress=progress)
        self._signature = signature
        return self._follow()[1]

    def _follow(self) -> tuple[Path, Manifest, object]:
        """Serve the build that index/current points to, opening it if it is new."""
        served = self._served
        if served is not None and current_target(self.index_dir) == served[0]:
            return served
        current = read_manifest(self.index_dir, verify=True)
        if current is None:
            raise IndexUnavailable(f"no complete index in {self.index_dir}")
        with self._lock:
            if self._served is None or self._served[0] != current[0]:
                try:
                    self._served = (*current, whoosh_index.open_dir(str(current[0])))
                except Exception as exc:  # Whoosh raises many kinds on a damaged index
                    raise IndexUnavailable(f"cannot open the index in {current[0]}: {exc}") from exc
            return self._served

    def _check_corpus(self) -> None:
        """Rebuild when the corpus or rules changed, looking at most every few seconds."""
        now = time.monotonic()
        if now - self._checked < STALE_CHECK_INTERVAL:
            return
        self._checked = now
        signature = stat_signature(_watched_files(self.corpus_dir))
        if signature == self._signature:
            return
        self._signature = signature
        try:
            # Another process holding the lock is already rebuilding: keep serving.
            with build_lock(self.index_dir, blocking=False) as locked:
                if locked and self.is_stale():
                    build(self.corpus_dir, self.index_dir)
        except Exception:
            log.exception("rebuilding the index failed; the previous index stays in service")

    def _serving(self) -> tuple[Path, Manifest, object]:
        if self._served is None:
            self.ensure()
        self._check_corpus()
        # Another process may have swapped in a new build: follow the link.
        try:
            return self._follow()
        except IndexUnavailable:
            self.ensure()
            return self._follow()

    @property
    def manifest(self) -> Manifest:
        """Return the manifest of the index currently served."""
        return self._serving()[1]

    @contextlib.contextmanager
    def searcher(self):
        """Yield a Whoosh searcher over the current build, with that build's manifest.

        Each thread keeps its own searcher (Whoosh searchers are not shared
        between threads) until the build it reads is replaced: opening one
        costs more than many searches.
        """
        path, manifest, ix = self._serving()
        local = self._local
        if getattr(local, "path", None) != path:
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
            local.searcher = ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
            local.path = path
        yield local.searcher, manifest
