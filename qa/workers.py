"""Annotation in a forked worker process while the caller writes the index.

A large corpus is annotated by one worker process (forked, so it inherits
the loaded rules without pickling them) while the parent indexes the
documents already done: the build then uses both cores.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

# Below this many characters (about 200 sentences) starting a worker costs more than it saves.
PARALLEL_MIN_CHARS = 30_000
# How many documents a worker may annotate ahead of the consumer: bounds the memory held.
PARALLEL_AHEAD = 8
# How often (seconds) a worker looks whether the build that started it is still alive.
PARENT_CHECK_INTERVAL = 0.2
# Worker processes: annotating a sentence costs about three times what indexing it does, so two
# workers keep the indexing process busy even on two cores.
WORKERS = 2


@contextlib.contextmanager
def annotated_documents(documents, annotate, min_chars: int | None = None):
    """Yield an iterator of (document, annotate(document)) in document order.

    A large corpus is annotated by a worker process while the caller indexes
    the documents already done (annotation is pure, one document at a time).
    Small corpora, a process with other threads (forking it is unsafe) or a
    system without fork are annotated in this process. Leaving the block,
    normally or by an exception, shuts the worker down.
    """
    documents = list(documents)
    executor = None
    if min_chars is None:
        min_chars = PARALLEL_MIN_CHARS
    if sum(len(d.text) for d in documents) >= min_chars and (os.cpu_count() or 1) > 1:
        executor = _start_worker(annotate)
    if executor is None:
        yield ((d, annotate(d)) for d in documents)
        return
    try:
        yield _in_worker(executor, documents)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_worker_annotate = None  # what a worker process annotates with (a document -> its annotation), set as it starts


def _init_worker(annotate, parent: int) -> None:
    global _worker_annotate
    _worker_annotate = annotate
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which stops the worker
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End the worker once its parent is gone (killed): it shares the parent's files and build lock."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_INTERVAL)
    os._exit(1)


def _annotate_in_worker(document):
    return _worker_annotate(document)


def _start_worker(annotate) -> ProcessPoolExecutor | None:
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        # Forked, the worker inherits the loaded rules and the annotate function (not pickled).
        return ProcessPoolExecutor(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(annotate, os.getpid()),
        )
    except (OSError, ImportError, NotImplementedError) as exc:  # no semaphores, no /dev/shm
        log.info("annotating in process: no worker (%s)", exc)
        return None


def _in_worker(executor: ProcessPoolExecutor, documents):
    """Yield the annotated documents in order, keeping at most PARALLEL_AHEAD of them in flight."""
    queue = iter(documents)
    pending = collections.deque()
    for document in queue:
        pending.append((document, executor.submit(_annotate_in_worker, document)))
        if len(pending) >= PARALLEL_AHEAD:
            break
    while pending:
        document, future = pending.popleft()
        annotated = future.result()
        for following in queue:
            pending.append((following, executor.submit(_annotate_in_worker, following)))
            break
        yield document, annotated
