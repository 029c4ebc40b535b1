"""What a process serves: one rule set and the index built with it, swapped together, refreshed in the background.

A `Service` holds a `Snapshot` (rules, store, manifest). Requests take the
current snapshot and never build. A background thread (started in each
process on first use, so that it survives gunicorn's fork) looks at the
corpus and rule files every few seconds; on a change it loads a new rule set
(an invalid one is logged and ignored), builds an index with it unless
another process is already building, and swaps rules and index in together
once an index built with exactly those rules and that corpus is current.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from qa.corpus import corpus_files, stat_signature
from qa.index import IndexUnavailable, Manifest, build, build_lock, read_manifest, wanted_source
from qa.rules import THESAURUS_FILE, RuleError, Rules, load_rules
from qa.whoosh_store import WhooshStore

log = logging.getLogger(__name__)

REFRESH_INTERVAL = 2.0  # seconds between looks at the corpus and rules for changes


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A rule set and the index built with it, served together."""

    rules: Rules
    store: WhooshStore
    manifest: Manifest
    path: Path  # the build directory


class Service:
    """A corpus's rules and index, kept current: built when missing, rebuilt and swapped when stale."""

    def __init__(self, corpus_dir, index_dir, rules_dir=None, refresh_interval: float = REFRESH_INTERVAL):
        self.corpus_dir = Path(corpus_dir)
        self.index_dir = Path(index_dir)
        self.rules_dir = Path(rules_dir) if rules_dir is not None else None
        self.refresh_interval = refresh_interval
        self._snapshot: Snapshot | None = None
        self._rules: Rules | None = None  # the newest valid rule set, served or about to be
        self._lock = threading.RLock()
        self._signature = None
        self._watcher_pid: int | None = None
        self._stop = threading.Event()

    # --- rules ---------------------------------------------------------------------------------

    def rules(self) -> Rules:
        """Return the newest valid rule set, loading it on first use (a bad rule file raises RuleError)."""
        with self._lock:
            if self._rules is None:
                self._rules = load_rules(self.rules_dir, self.corpus_dir)
            return self._rules

    def _watched(self) -> list[Path]:
        rules_dir = self.rules().root
        return [
            *corpus_files(self.corpus_dir),
            self.corpus_dir / THESAURUS_FILE,
            *sorted(p for p in rules_dir.rglob("*") if p.is_file()),
        ]

    # --- the index -----------------------------------------------------------------------------

    def ensure(self, rebuild: bool = False, progress=None) -> Manifest:
        """Make sure an index of the corpus built with the current rules is current and served; build it if not."""
        with self._lock:
            self._signature = stat_signature(self._watched())
            rules = self.rules()
            if rebuild or not self._is_current(rules):
                with build_lock(self.index_dir):
                    # Another process may have built it while this one waited for the lock.
                    if rebuild or not self._is_current(rules):
                        build(self.corpus_dir, self.index_dir, rules, progress=progress)
            snapshot = self._open(rules)
            if snapshot is None:
                raise IndexUnavailable(f"no complete index in {self.index_dir}")
            self._swap(snapshot)
            return snapshot.manifest

    def is_stale(self) -> bool:
        """Tell whether the current index is missing or was built from other files or rules."""
        return not self._is_current(self.rules())

    @property
    def manifest(self) -> Manifest:
        """Return the manifest of the index served (building it on first use)."""
        return self.snapshot().manifest

    def _is_current(self, rules: Rules) -> bool:
        current = read_manifest(self.index_dir, verify=True)
        return current is not None and current[1].source() == wanted_source(self.corpus_dir, rules)

    def _open(self, rules: Rules) -> Snapshot | None:
        """Open the current build if it was built with these rules (reusing the one served if it is the same)."""
        current = read_manifest(self.index_dir, verify=True)
        if current is None or current[1].rules != rules.digest:
            return None
        path, manifest = current
        served = self._snapshot
        if served is not None and served.path == path and served.rules is rules:
            return served
        try:
            store = served.store if served is not None and served.path == path else WhooshStore.open(path)
        except Exception as exc:  # Whoosh raises many kinds on a damaged index
            raise IndexUnavailable(f"cannot open the index in {path}: {exc}") from exc
        return Snapshot(rules, store, manifest, path)

    def _swap(self, snapshot: Snapshot) -> None:
        previous, self._snapshot = self._snapshot, snapshot
        if previous is not None and previous is not snapshot:
            log.info("serving %s (rules %s, %d sentences)", snapshot.path.name, snapshot.rules.digest[:12], snapshot.manifest.sentences)
        # The previous store's files are not closed: a request under way may still read them.

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
            except Exception:
                log.exception("refreshing the index failed; the previous index stays in service")

    def stop(self) -> None:
        """Stop the background refresh of this process."""
        self._stop.set()
        self._watcher_pid = None

    def refresh(self, force: bool = False) -> bool:
        """Load changed rules, rebuild a stale index unless another process is building, swap when ready.

        Return whether what is served changed. Called by the background thread
        every few seconds; callable directly (tests, tools).
        """
        with self._lock:
            signature = stat_signature(self._watched())
            changed = force or signature != self._signature
            self._signature = signature
            if changed:
                self._reload_rules()
            rules = self.rules()
            served = self._snapshot
            if served is not None and served.rules is rules and not changed and not self._followed(served):
                return False
            if not self._is_current(rules):
                # Another process holding the lock is already rebuilding: keep serving, look again later.
                with build_lock(self.index_dir, blocking=False) as locked:
                    if locked and not self._is_current(rules):
                        build(self.corpus_dir, self.index_dir, rules)
            snapshot = self._open(rules)
            if snapshot is None or snapshot is served:
                return False
            self._swap(snapshot)
            return True

    def _followed(self, served: Snapshot) -> bool:
        """Tell whether index/current now points to another build than the one served (another process built it)."""
        current = read_manifest(self.index_dir)
        return current is not None and current[0] != served.path

    def _reload_rules(self) -> None:
        try:
            rules = load_rules(self.rules_dir, self.corpus_dir)
        except (RuleError, OSError) as exc:
            log.error("rules not reloaded, the previous ones stay in service: %s", exc)
            return
        if self._rules is None or rules.digest != self._rules.digest:
            log.info("rules loaded (digest %s)", rules.digest[:12])
            self._rules = rules
