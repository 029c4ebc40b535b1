"""Crash safety of the index: a build killed mid-way, and corrupt or foreign index directories.

A build writes into builds/.tmp-*, writes its manifest last and swaps the
index/current symlink atomically, so a SIGKILL at any point leaves the
previous index complete and in service. Whatever else is found in index/ is
rebuilt, never served: a broken manifest, and (the build changing in place
once it is current) segment files that no longer have the digest recorded
when they were written. (tests/test_index.py covers an exception during a
build, a dangling `current` and a build without its manifest;
tests/test_documents_crash.py a write killed midway.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.index import BUILDS, CURRENT, MANIFEST, read_manifest
from qa.service import Service
from qa.pipeline import Pipeline
from qa.whoosh_store import RECORDS, WhooshStore
from tests.conftest import make_corpus
from tests.servers import ROOT, copy_corpus

ARTICLE = (ROOT / "corpus" / "blinken-central-asia.txt").read_text(encoding="utf-8")
COPIES = 200
QUESTION = "How much additional funding did Blinken announce?"


def cli(corpus: Path, index: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "qa", "--corpus", str(corpus), "--index", str(index), "index", *args]


def documents_in(build: Path) -> dict[str, int]:
    """Return the documents a build directory's store holds, with their sentence counts."""
    store = WhooshStore.open(build)
    try:
        with store.view() as view:
            return view.documents()
    finally:
        store.close()


def tmp_builds(index: Path) -> list[Path]:
    return [p for p in (index / BUILDS).iterdir() if p.name.startswith(".tmp-")]


def test_a_build_killed_midway_leaves_the_previous_index_serving(tmp_path):
    small, index = copy_corpus(tmp_path / "small"), tmp_path / "index"
    subprocess.run(cli(small, index), cwd=ROOT, check=True, capture_output=True, timeout=120)
    before = read_manifest(index)
    assert before is not None

    # The article 200 times under distinct ids: a build that takes far longer than the kill.
    large = tmp_path / "large"
    large.mkdir()
    for n in range(COPIES):
        (large / f"article-{n:03d}.txt").write_text(ARTICLE, encoding="utf-8")
    progress = tmp_path / "progress.txt"
    with open(progress, "w") as stderr:
        process = subprocess.Popen(cli(large, index, "--rebuild", "--progress"), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        # Kill it once it is writing: its tmp build exists and a few documents are in.
        deadline, written = time.monotonic() + 120, 0
        while time.monotonic() < deadline and process.poll() is None:
            counts = re.findall(r"(\d+)/%d documents" % COPIES, progress.read_text(errors="replace"))
            written = int(counts[-1]) if counts else 0
            if written >= 3 and tmp_builds(index):
                break
            time.sleep(0.05)
        assert process.poll() is None, f"the build ended before it could be killed:\n{progress.read_text()}"
        assert 3 <= written < COPIES and tmp_builds(index)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # The previous index is still current, complete and served.
    leftovers = tmp_builds(index)
    assert leftovers, "the killed build left no tmp directory (was it killed while writing?)"
    after = read_manifest(index)
    assert after is not None and after[0] == before[0]
    assert documents_in(after[0]) == documents_in(before[0]) == {"blinken-central-asia": 57}
    pipeline = Pipeline(small, index)
    assert not pipeline.service.is_stale()
    assert pipeline.ask(QUESTION).answers[0].text == "$20 million"
    assert read_manifest(index)[0] == before[0]  # served as it was, not rebuilt

    # The next build succeeds (the killed builder's lock died with it), ignoring the fresh leftover...
    run = subprocess.run(cli(small, index, "--rebuild"), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    rebuilt = read_manifest(index)
    assert rebuilt is not None and rebuilt[0] != before[0] and not rebuilt[0].name.startswith(".tmp-")
    assert documents_in(rebuilt[0]) == {"blinken-central-asia": 57}
    # ...and removing it once it is old enough that no live build can own it.
    for leftover in leftovers:
        old = time.time() - 3600
        os.utime(leftover, (old, old))
    run = subprocess.run(cli(small, index, "--rebuild"), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert not any(p.exists() for p in leftovers)
    assert Pipeline(small, index).ask(QUESTION).answers[0].text == "$20 million"


# -- corrupt and foreign index directories -------------------------------------------------------


def built(tmp_path: Path) -> tuple[Path, Path]:
    corpus = make_corpus(tmp_path, one="Alice Walker lives in Paris. She writes.")
    index = tmp_path / "index"
    Service(corpus, index).ensure()
    return corpus, index


def assert_rebuilt_and_served(corpus: Path, index: Path, previous: Path | None) -> None:
    pipeline = Pipeline(corpus, index)
    assert [a.text for a in pipeline.ask("Where does Alice Walker live?").answers][:1] == ["Paris"]
    current = read_manifest(index)
    assert current is not None and documents_in(current[0]) == {"one": 2}
    assert current[0] != previous
    assert (current[0] / MANIFEST).is_file()


def _manifest(index: Path) -> Path:
    return (index / CURRENT).resolve() / MANIFEST


def _edit_manifest(index: Path, **changes) -> None:
    data = json.loads(_manifest(index).read_text())
    data.update(changes)
    _manifest(index).write_text(json.dumps(data))


CORRUPTIONS = {
    "current-to-a-directory-without-manifest": lambda index: (
        (index / BUILDS / "foreign").mkdir(),
        (index / BUILDS / "foreign" / "notes.txt").write_text("not an index"),
        os.remove(index / CURRENT),
        os.symlink(os.path.join(BUILDS, "foreign"), index / CURRENT),
    ),
    "current-to-a-directory-outside-the-index": lambda index: (
        (index.parent / "elsewhere").mkdir(),
        os.remove(index / CURRENT),
        os.symlink(index.parent / "elsewhere", index / CURRENT),
    ),
    "current-is-a-regular-file": lambda index: (os.remove(index / CURRENT), (index / CURRENT).write_text("builds/x")),
    "manifest-of-another-schema": lambda index: _edit_manifest(index, schema=999),
    "manifest-of-schema-zero": lambda index: _edit_manifest(index, schema=0),
    "manifest-with-unknown-fields": lambda index: _edit_manifest(index, version="2.0", extra={"a": 1}),
    "manifest-missing-fields": lambda index: _manifest(index).write_text(json.dumps({"schema": 1})),
    "manifest-not-json": lambda index: _manifest(index).write_bytes(b"\xff\xfe garbage {"),
    "manifest-a-json-list": lambda index: _manifest(index).write_text("[1, 2, 3]"),
    "manifest-empty": lambda index: _manifest(index).write_bytes(b""),
    "manifest-a-directory": lambda index: (_manifest(index).unlink(), _manifest(index).mkdir()),
    "garbage-files-everywhere": lambda index: (
        (index / "_MAIN_1.toc").write_bytes(os.urandom(200)),
        (index / "junk.seg").write_bytes(os.urandom(200)),
        (index / BUILDS / "zzz-not-a-build").write_text("x"),
        (index / BUILDS / ".tmp-abandoned").mkdir(),
        os.remove(index / CURRENT),
    ),
    "whoosh-files-deleted": lambda index: [
        p.unlink() for p in (index / CURRENT).resolve().iterdir() if p.name != MANIFEST
    ],
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupt_or_foreign_index_is_rebuilt_not_served(tmp_path, corruption):
    corpus, index = built(tmp_path)
    previous = (index / CURRENT).resolve()
    CORRUPTIONS[corruption](index)
    assert read_manifest(index) is None  # detected: no valid current build
    assert_rebuilt_and_served(corpus, index, previous)


def _corrupt_whoosh(index: Path, how: str) -> None:
    target = (index / CURRENT).resolve()
    for path in target.iterdir():
        if how == "toc" and path.suffix == ".toc":
            path.write_bytes(b"garbage" * 10)
        elif how == "segment" and path.suffix == ".seg":
            path.write_bytes(b"\x00" * 100)
        elif how == "truncated" and path.name != MANIFEST and path.suffix != ".toc":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        elif how == "one-byte" and path.suffix == ".seg":
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0x01  # a flipped bit Whoosh itself would not notice
            path.write_bytes(bytes(data))
        elif how == "records-missing" and path.name == RECORDS:
            path.unlink()
        elif how == "records-altered" and path.name == RECORDS:
            path.write_text(json.dumps({name: "0" * 64 for name in json.loads(path.read_text())}))
        elif how == "records-garbage" and path.name == RECORDS:
            path.write_bytes(b"\xff\xfe[")


ASK_AND_CHECK = """
import sys
from qa.index import read_manifest
from qa.pipeline import Pipeline
corpus, index, previous = sys.argv[1:4]
assert read_manifest(index, verify=True) is None, "the damage was not detected"
answers = [a.text for a in Pipeline(corpus, index).ask("Where does Alice Walker live?").answers]
current = read_manifest(index)
assert answers[:1] == ["Paris"], answers
assert current is not None and str(current[0]) != previous, "the corrupt build is still current"
"""


CORRUPT_WHOOSH = ["toc", "segment", "truncated", "one-byte", "records-missing", "records-altered", "records-garbage"]


@pytest.mark.parametrize("how", CORRUPT_WHOOSH)
def test_a_build_with_corrupt_whoosh_files_is_rebuilt_not_served(tmp_path, how):
    corpus, index = built(tmp_path)
    previous = (index / CURRENT).resolve()
    _corrupt_whoosh(index, how)
    # In a subprocess: should Whoosh fail on the files, it leaks the ones it had open.
    run = subprocess.run(
        [sys.executable, "-c", ASK_AND_CHECK, str(corpus), str(index), str(previous)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]


@pytest.mark.parametrize("how", ["segment", "truncated", "one-byte"])
def test_a_segment_written_by_an_incremental_write_is_verified_too(tmp_path, how):
    """The build changes in place: the segment a document write adds is checked like the build's own."""
    corpus, index = built(tmp_path)
    service = Service(corpus, index)
    service.put("two", "Bob Stone lives in Rome. He paints.")
    service.close()
    previous = (index / CURRENT).resolve()
    assert read_manifest(index, verify=True) is not None
    newest = max((p for p in previous.iterdir() if p.suffix == ".seg"), key=lambda p: p.stat().st_mtime_ns)
    data = bytearray(newest.read_bytes())
    if how == "segment":
        data = bytearray(len(data))
    elif how == "truncated":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0x01
    newest.write_bytes(bytes(data))
    # A fresh process does not serve it: it rebuilds, with both documents.
    run = subprocess.run(
        [sys.executable, "-c", ASK_AND_CHECK, str(corpus), str(index), str(previous)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert documents_in((index / CURRENT).resolve()) == {"one": 2, "two": 2}


def test_a_current_symlink_loop_is_rebuilt_not_a_crash(tmp_path):
    corpus, index = built(tmp_path)
    os.remove(index / CURRENT)
    os.symlink(CURRENT, index / CURRENT)
    assert_rebuilt_and_served(corpus, index, None)


def test_a_current_that_is_a_real_directory_is_replaced(tmp_path):
    corpus, index = built(tmp_path)
    os.remove(index / CURRENT)
    (index / CURRENT).mkdir()
    assert_rebuilt_and_served(corpus, index, None)


def test_an_index_directory_of_someone_else_is_not_emptied(tmp_path):
    """Rebuilding next to foreign files adds builds/ and current, and deletes nothing it did not write."""
    corpus = make_corpus(tmp_path, one="Alice Walker lives in Paris. She writes.")
    index = tmp_path / "index"
    index.mkdir()
    (index / "README").write_text("keep me")
    shutil.copy(ROOT / "corpus" / "blinken-central-asia.txt", index / "notes.txt")
    assert_rebuilt_and_served(corpus, index, None)
    assert (index / "README").read_text() == "keep me" and (index / "notes.txt").exists()
