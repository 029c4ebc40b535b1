"""A full rebuild (as after a rule change) while documents are written: no write is lost.

The writes go to the build being served; the rebuild read the corpus before
them, so before it swaps itself in it takes the write lock and catches up
with what changed in the corpus since. Afterwards the new build holds every
corpus document at its file's version, the written ones included.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from qa.corpus import DigestCache
from qa.index import read_manifest
from qa.service import Service
from tests.conftest import make_corpus
from tests.servers import ROOT

ARTICLE = (ROOT / "corpus" / "blinken-central-asia.txt").read_text(encoding="utf-8")
COPIES = 150  # enough that the rebuild is still running after the writes
TIME_LIMIT = 240
# The build alone, as the background refresh runs it after a rule change (no reconciliation after it).
REBUILD = r"""
import sys
from qa.index import build
from qa.rules import load_rules
corpus, index = sys.argv[1:3]
build(corpus, index, load_rules(None, corpus), progress=lambda done, total: print(f"{done}/{total} documents", file=sys.stderr, flush=True))
"""


def test_writes_during_a_full_rebuild_are_caught_up_before_the_swap(tmp_path):
    corpus = make_corpus(tmp_path, keep="Alice Walker lives in Paris.", change="Bob Stone lives in Rome.", drop="Carol sails.")
    index = tmp_path / "index"
    service = Service(corpus, index, refresh_interval=None)
    service.ensure()
    old_build = read_manifest(index)[0]
    for n in range(COPIES):
        (corpus / f"copy-{n:03d}.txt").write_text(ARTICLE, encoding="utf-8")
    progress = tmp_path / "progress.txt"
    command = [sys.executable, "-c", REBUILD, str(corpus), str(index)]
    with open(progress, "w") as stderr:
        rebuild = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        deadline = time.monotonic() + TIME_LIMIT
        while time.monotonic() < deadline and rebuild.poll() is None:
            counts = re.findall(r"(\d+)/\d+ documents", progress.read_text(errors="replace"))
            if counts and int(counts[-1]) >= 3:
                break  # the rebuild has read the corpus and is indexing it
            time.sleep(0.05)
        assert rebuild.poll() is None, f"the rebuild ended before the writes:\n{progress.read_text()}"
        service.put("added", "Dana Cruz moved to Lima in 2019.", title="Dana moves")
        service.put("change", "Bob Stone moved to Oslo. He paints ships.")
        service.put("copy-007", "The copy was replaced by a short note.")
        assert service.delete("drop")
        assert rebuild.poll() is None, "the rebuild ended before the writes were done: the test proves nothing"
        out, _ = rebuild.communicate(timeout=TIME_LIMIT)
    finally:
        if rebuild.poll() is None:
            rebuild.kill()
            rebuild.wait(timeout=30)
    assert rebuild.returncode == 0, progress.read_text()[-3000:]
    service.close()

    new_build = read_manifest(index)[0]
    assert new_build != old_build
    fresh = Service(corpus, index, refresh_interval=None)
    try:
        assert not fresh.is_stale()  # nothing to reconcile: the rebuild caught up before the swap
        with fresh.snapshot().store.view() as view:
            assert fresh.snapshot().path == new_build
            assert view.digests() == DigestCache().digests(corpus)
            assert "drop" not in view.documents() and view.documents()["added"] == 1
            assert [s.text for s in view.sentences("change")] == ["Bob Stone moved to Oslo.", "He paints ships."]
            assert [s.text for s in view.sentences("copy-007")] == ["The copy was replaced by a short note."]
            assert view.document("added").info.title == "Dana moves"
            assert len(view.documents()) == COPIES + 3
    finally:
        fresh.close()
