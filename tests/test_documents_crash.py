"""A process killed (SIGKILL) at random points of document writes, then restarted: nothing lost, nothing half-written.

A subprocess writes, replaces and deletes documents through the service as
fast as it can (and now and then reconciles and compacts, as the background
refresh does) until it is killed at a random moment. After each kill a fresh
service starts on the same corpus and index and reconciles. Then every file
in corpus/ must be one whole version that was written (its title names the
version, its text must be exactly that version's), and the index must hold
every corpus document exactly once, with the sentences of its file's version,
and nothing else.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from qa.corpus import corpus_files, read_document
from qa.service import Service
from tests.conftest import make_corpus
from tests.servers import ROOT

KILLS = 8
SEED = 20240501
READY_TIMEOUT = 120.0

WRITER = r"""
import random, sys
from qa.service import Service
sys.path.insert(0, sys.argv[4])
from tests.test_documents_crash import version
corpus, index, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
service = Service(corpus, index, refresh_interval=None)
service.ensure()
rng = random.Random(seed)
print("ready", flush=True)
n = seed * 1000
while True:
    doc = f"doc-{rng.randrange(6)}"
    roll = rng.random()
    if roll < 0.15:
        service.delete(doc)
    elif roll < 0.22:
        service.refresh(force=True)  # reconcile and compact, as the background thread does
    else:
        service.put(doc, version(doc, n), title=f"Version {n}")
    n += 1
    print(f"done {n}", flush=True)
"""


def version(doc: str, number: int) -> str:
    """The text of version `number` of a document: its sentence count changes from version to version."""
    sentences = [f"Report {number} of {doc} counts {k + 1} barges in the Velmora canal." for k in range(2 + number % 7)]
    return f"{doc} report number {number}\n\n" + " ".join(sentences) + "\n"


def check(corpus: Path, index: Path) -> dict[str, int]:
    """Restart on the corpus and index; assert every file whole and indexed exactly once at its version."""
    service = Service(corpus, index, refresh_interval=None)
    try:
        state = service.ensure()
        splitter = service.rules().lexicon.splitter
        expected = {}
        for path in corpus_files(corpus):
            document = read_document(path)
            number = int(document.title.removeprefix("Version "))
            assert document.text == version(document.id, number), f"{path.name} holds half a version"
            expected[document.id] = (document, splitter.split(document.id, document.text))
        assert state.documents == {doc: len(sentences) for doc, (_, sentences) in expected.items()}
        with service.snapshot().store.view() as view:
            assert view.digests() == {doc: document.digest for doc, (document, _) in expected.items()}
            for doc, (document, sentences) in expected.items():
                assert [(s.index, s.text) for s in view.sentences(doc)] == [(s.index, s.text) for s in sentences]
                assert view.document(doc).info.title == document.title
            assert view.sentence_count() == sum(len(s) for _, s in expected.values())
        return state.documents
    finally:
        service.close()


def test_writes_killed_at_random_points_leave_whole_versions_indexed_once(tmp_path):
    corpus = make_corpus(tmp_path)
    index = tmp_path / "index"
    rng = random.Random(SEED)
    writes = 0
    for round_number in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(corpus), str(index), str(round_number + 1), str(ROOT)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
            time.sleep(rng.uniform(0.3, 2.5))
            process.send_signal(signal.SIGKILL)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL, err[-3000:]
        writes += out.count("done")
        check(corpus, index)
    assert writes >= 3 * KILLS, f"only {writes} writes happened before the kills"
