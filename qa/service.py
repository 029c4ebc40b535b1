"""What a process serves: one rule set and the index built with it, kept in line with the corpus.

A `Service` holds a `Snapshot` (rules, store, manifest). Requests take the
current snapshot and never build. Writes (`put`, `delete`) go through the
corpus first (durable), then through the index's write lock into the current
build (searchable), in the caller's thread. A background thread (started in
each process on first use, so that it survives gunicorn's fork) looks at the
rule and corpus files every few seconds:

- rule files changed: load the new rule set (an invalid one is logged and
  ignored), build an index with it unless another process is already
  building, and swap rules and index in together once a build made with
  exactly those rules is current;
- corpus files changed (copied in, edited, removed by hand): reconcile them
  into the current build incrementally;
- the store fragmented by many writes: compact it, when no writer waits.

Every process sees a write on its next request: store views refresh when
the index's generation changed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus import (
    DigestCache,
    Skipped,
    clean_incoming,
    corpus_files,
    parse,
    remove_document,
    render,
    stat_signature,
    validate_date,
    validate_id,
    validate_source,
    validate_text,
    validate_title,
    write_document,
)
from qa.entities import split_and_annotate
from qa.index import (
    Changes,
    IndexBusy,
    IndexUnavailable,
    Manifest,
    Prepared,
    build,
    build_lock,
    differences,
    prepare,
    read_manifest,
    reconcile,
    verified,
    wanted_source,
    write_lock,
)
from qa.rules import THESAURUS_FILE, RuleError, Rules, load_rules
from qa.whoosh_store import WhooshStore

log = logging.getLogger(__name__)

REFRESH_INTERVAL = 2.0  # seconds between looks at the corpus and rules for changes
WRITE_WAIT = 10.0  # seconds a write waits for the index's write lock before it is told to come back (503)
RECONCILE_WAIT = 30.0  # seconds a reconciliation at start waits for the write lock


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A rule set and the index built with it, served together."""

    rules: Rules
    store: WhooshStore
    manifest: Manifest
    path: Path  # the build directory


@dataclass(frozen=True)
class IndexState:
    """The index served, as it is now: its build, and the documents and sentences it holds."""

    path: Path
    manifest: Manifest
    documents: dict[str, int]
    sentences: int
    skipped: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Written:
    """What a write of one document did."""

    id: str
    sentences: int
    replaced: bool


class Service:
    """A corpus's rules and index, kept current: built when missing, rebuilt when the rules change, reconciled with the corpus."""

    def __init__(self, corpus_dir, index_dir, rules_dir=None, refresh_interval: float = REFRESH_INTERVAL):
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.rules_dir = Path(rules_dir) if rules_dir is not None else None
        self.refresh_interval = refresh_interval
        self.write_wait = WRITE_WAIT
        self._snapshot: Snapshot | None = None
        self._rules: Rules | None = None  # the newest valid rule set, served or about to be
        self._lock = threading.RLock()  # ensure and refresh: one at a time in a process
        self._rules_signature = None
        self._corpus_signature = None
        self._watcher_pid: int | None = None
        self._stop = threading.Event()
        self._stores: dict[Path, WhooshStore] = {}
        self._stores_lock = threading.Lock()
        self._digests = DigestCache()
        self._skipped: list[Skipped] = []

    # --- rules ---------------------------------------------------------------------------------

    def rules(self) -> Rules:
        """Return the newest valid rule set, loading it on first use (a bad rule file raises RuleError)."""
        with self._lock:
            if self._rules is None:
                self._rules = load_rules(self.rules_dir, self.corpus_dir)
            return self._rules

    def _rule_files(self) -> list[Path]:
        rules_dir = self.rules().root
        return [self.corpus_dir / THESAURUS_FILE, *sorted(p for p in rules_dir.rglob("*") if p.is_file())]

    def _rules_for(self, digest: str) -> Rules:
        """Return the loaded rule set with this digest (the served one, the newest, or the files as they are now)."""
        for rules in (self._snapshot.rules if self._snapshot else None, self._rules):
            if rules is not None and rules.digest == digest:
                return rules
        # The build was made by another process with rules this one has not loaded yet.
        self._reload_rules()
        if self._rules.digest != digest:
            log.warning("the current build's rules (%s) are not on disk: writing with the newest (%s)", digest[:12], self._rules.digest[:12])
        return self._rules

    def _reload_rules(self) -> None:
        try:
            rules = load_rules(self.rules_dir, self.corpus_dir)
        except (RuleError, OSError) as exc:
            log.error("rules not reloaded, the previous ones stay in service: %s", exc)
            return
        if self._rules is None or rules.digest != self._rules.digest:
            log.info("rules loaded (digest %s)", rules.digest[:12])
            self._rules = rules

    # --- stores --------------------------------------------------------------------------------

    def _store(self, path: Path) -> WhooshStore:
        """Return this process's store of a build directory, opened once."""
        with self._stores_lock:
            store = self._stores.get(path)
            if store is None:
                store = self._stores[path] = WhooshStore.open(path)
                served = self._snapshot.path if self._snapshot else None
                for old in [p for p in self._stores if p not in (path, served) and not p.exists()]:
                    del self._stores[old]  # a removed build: not closed, a request under way may still read it
            return store

    def _built_with(self, rules: Rules) -> tuple[Path, Manifest] | None:
        """Return the current build if it was made with these rules and this code and its files are intact."""
        current = read_manifest(self.index_dir)
        if current is None or current[1].source() != wanted_source(rules):
            return None
        try:
            store = self._store(current[0])
        except Exception:  # Whoosh raises many kinds on a damaged index
            return None
        return current if verified(store, self.index_dir) else None

    # --- the index -----------------------------------------------------------------------------

    def ensure(self, rebuild: bool = False, progress=None) -> IndexState:
        """Make sure an index built with the current rules is served and holds the corpus as it is; build it if not."""
        with self._lock:
            self._rules_signature = stat_signature(self._rule_files())
            self._corpus_signature = stat_signature(corpus_files(self.corpus_dir))
            rules = self.rules()
            if rebuild or self._built_with(rules) is None:
                with build_lock(self.index_dir):
                    # Another process may have built it while this one waited for the lock.
                    if rebuild or self._built_with(rules) is None:
                        manifest = build(self.corpus_dir, self.index_dir, rules, progress=progress)
                        self._skipped = [Skipped(**s) for s in manifest.skipped]
            snapshot = self._open(rules)
            if snapshot is None:
                raise IndexUnavailable(f"no complete index in {self.index_dir}")
            self._swap(snapshot)
            clean_incoming(self.corpus_dir)
            self._catch_up(wait=RECONCILE_WAIT, full=True)
            return self.state()

    def state(self) -> IndexState:
        """Return the index served as it is now (documents and sentences counted live)."""
        snapshot = self._snapshot or self.snapshot()
        with snapshot.store.view() as view:
            documents, sentences = view.documents(), view.sentence_count()
        return IndexState(snapshot.path, snapshot.manifest, documents, sentences, [s.__dict__ for s in self._skipped])

    def is_stale(self) -> bool:
        """Tell whether the index is missing, was built with other rules or code, or differs from the corpus."""
        current = self._built_with(self.rules())
        if current is None:
            return True
        changed, gone = differences(self.corpus_dir, self._store(current[0]), digests=self._digests)
        return bool(changed or gone)

    @property
    def manifest(self) -> Manifest:
        """Return the manifest of the build served (building it on first use)."""
        return self.snapshot().manifest

    def _open(self, rules: Rules) -> Snapshot | None:
        """Open the current build if it was made with these rules (reusing the one served if it is the same)."""
        current = read_manifest(self.index_dir)
        if current is None or current[1].rules != rules.digest:
            return None
        path, manifest = current
        served = self._snapshot
        if served is not None and served.path == path and served.rules is rules:
            return served
        try:
            store = self._store(path)
        except Exception as exc:  # Whoosh raises many kinds on a damaged index
            raise IndexUnavailable(f"cannot open the index in {path}: {exc}") from exc
        if not verified(store, self.index_dir):
            log.error("the index in %s is damaged: not served", path)
            return None
        return Snapshot(rules, store, manifest, path)

    def _swap(self, snapshot: Snapshot) -> None:
        previous, self._snapshot = self._snapshot, snapshot
        if previous is not None and previous is not snapshot:
            log.info("index swap: serving %s (rules %s)", snapshot.path.name, snapshot.rules.digest[:12])
        # The previous store's files are not closed: a request under way may still read them.

    def _follow(self, path: Path) -> None:
        """Serve the build just written to, if this process still serves an older one and is not busy refreshing."""
        served = self._snapshot
        if served is not None and served.path == path:
            return
        if self._lock.acquire(blocking=False):
            try:
                snapshot = self._open(self.rules())
                if snapshot is not None and snapshot is not self._snapshot:
                    self._swap(snapshot)
            finally:
                self._lock.release()

    # --- writes --------------------------------------------------------------------------------

    def _current(self) -> tuple[Path, Manifest]:
        current = read_manifest(self.index_dir)
        if current is None:
            raise IndexUnavailable(f"no complete index in {self.index_dir}")
        return current

    def _reconcile(self, only=None, prepared=None, wait: float | None = None) -> Changes:
        """Reconcile the current build with the corpus (or some documents of it) under the write lock."""
        full = only is None
        with write_lock(self.index_dir, self.write_wait if wait is None else wait):
            path, manifest = self._current()
            store = self._store(path)
            changes = reconcile(self.corpus_dir, store, self._rules_for(manifest.rules), only, prepared, self._digests)
        if changes:
            log.info("index write: %s (%s)", changes.summary(), ", ".join([*changes.added, *changes.replaced, *changes.deleted][:5]))
        if full:
            self._skipped = changes.skipped
        self._follow(path)
        return changes

    def _catch_up(self, wait: float | None = None, full: bool = False) -> Changes:
        """Reconcile the corpus into the current build, reading and annotating before taking the write lock."""
        path, manifest = self._current()
        store = self._store(path)
        changed, gone = differences(self.corpus_dir, store, digests=self._digests)
        if not changed and not gone and not full:
            return Changes()
        prepared = prepare(self.corpus_dir, changed, self._rules_for(manifest.rules))
        return self._reconcile(prepared=prepared, wait=wait)

    def put(self, doc_id, text, title=None, date=None, source=None) -> Written:
        """Store a document durably in the corpus, then index it; return once it is searchable.

        Raises DocumentError for a bad id, text or metadata, IndexBusy when
        the write lock stays taken (the file is stored: the next
        reconciliation indexes it, a retry is harmless).
        """
        doc_id = validate_id(doc_id)
        text = validate_text(text)
        data = render(text, validate_title(title), validate_date(date), validate_source(source))
        self.snapshot()  # an index exists (built on first use)
        document = parse(doc_id, data)
        _, manifest = self._current()
        rules = self._rules_for(manifest.rules)
        # Annotated before the write lock: other writers wait only for the commit.
        prepared = Prepared(document, rules.digest, split_and_annotate(document, rules))
        replaced = write_document(self.corpus_dir, doc_id, data)
        self._reconcile(only={doc_id}, prepared={doc_id: prepared})
        return Written(doc_id, len(prepared.annotated.sentences), replaced)

    def delete(self, doc_id) -> bool:
        """Remove a document from the corpus and the index; return whether there was one."""
        doc_id = validate_id(doc_id)
        self.snapshot()
        existed = remove_document(self.corpus_dir, doc_id)
        changes = self._reconcile(only={doc_id})
        return existed or bool(changes.deleted)

    # --- serving -------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Return what to answer from now: built on first use, then refreshed in the background."""
        snapshot = self._snapshot
        if snapshot is None:
            self.ensure()
            snapshot = self._snapshot
        self._start_watcher()
        return snapshot

    def _start_watcher(self) -> None:
        if self.refresh_interval is None or self._watcher_pid == os.getpid():
            return
        with self._lock:
            if self._watcher_pid == os.getpid():
                return
            self._watcher_pid = os.getpid()  # a forked child starts its own: threads do not survive fork
            self._stop.clear()
            threading.Thread(target=self._watch, name="qa-refresh", daemon=True).start()

    def _watch(self) -> None:
        while not self._stop.wait(self.refresh_interval):
            try:
                self.refresh()
            except IndexBusy as exc:
                log.info("index refresh postponed: %s", exc)
            except Exception:
                log.exception("index refresh failed; the previous index stays in service")

    def stop(self) -> None:
        """Stop the background refresh of this process."""
        self._stop.set()
        self._watcher_pid = None

    def close(self) -> None:
        """Stop refreshing and release the files of every store this process opened (this thread's searchers)."""
        self.stop()
        with self._stores_lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()
        self._snapshot = None

    def refresh(self, force: bool = False) -> bool:
        """Load changed rules and rebuild, follow another process's build, reconcile a changed corpus, compact.

        Return whether the build served changed. Called by the background
        thread every few seconds; callable directly (tests, tools).
        """
        with self._lock:
            rules_signature = stat_signature(self._rule_files())
            corpus_signature = stat_signature(corpus_files(self.corpus_dir))
            rules_changed = force or rules_signature != self._rules_signature
            corpus_changed = force or corpus_signature != self._corpus_signature
            self._rules_signature = rules_signature
            if rules_changed:
                self._reload_rules()
            rules = self.rules()
            served = self._snapshot
            swapped = False
            if served is None or served.rules is not rules or rules_changed or self._followed(served) or (
                corpus_changed and not verified(served.store, self.index_dir)
            ):
                if self._built_with(rules) is None:
                    # Another process holding the lock is already rebuilding: keep serving, look again later.
                    with build_lock(self.index_dir, blocking=False) as locked:
                        if locked and self._built_with(rules) is None:
                            build(self.corpus_dir, self.index_dir, rules)
                snapshot = self._open(rules)
                if snapshot is not None and snapshot is not served:
                    self._swap(snapshot)
                    swapped = True
            if corpus_changed or swapped:
                self._catch_up()  # IndexBusy leaves the signature as it was: tried again next time
                clean_incoming(self.corpus_dir)
            self._corpus_signature = corpus_signature
            self._compact()
            return swapped

    def _followed(self, served: Snapshot) -> bool:
        """Tell whether index/current now points to another build than the one served (another process built it)."""
        current = read_manifest(self.index_dir)
        return current is not None and current[0] != served.path

    def _compact(self) -> bool:
        """Merge the current build's small segments if it is worth it and no writer holds the lock."""
        try:
            with write_lock(self.index_dir, timeout=0):
                current = read_manifest(self.index_dir)
                if current is None:
                    return False
                started = time.perf_counter()
                store = self._store(current[0])
                before = store.segment_count()
                if not store.compact():
                    return False
                log.info("index compaction: %d segments to %d in %.2fs", before, store.segment_count(), time.perf_counter() - started)
                return True
        except IndexBusy:
            return False
