"""Entity annotation: typed spans of every sentence, found once at index time."""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace

from qa.names import find_names, surname
from qa.prefilter import Screen, condition
from qa.roles import role_words
from qa.rules import load_rules
from qa.text import Sentence, split_sentences

log = logging.getLogger(__name__)

ENTITY_RULES = "entities.toml"
# Below this many characters (about 200 sentences) starting a worker costs more than it saves.
PARALLEL_MIN_CHARS = 30_000
# How many documents a worker may annotate ahead of the consumer: bounds the memory held.
PARALLEL_AHEAD = 8
# How often (seconds) a worker looks whether the build that started it is still alive.
PARENT_CHECK_INTERVAL = 0.2


@dataclass(frozen=True)
class Entity:
    """A typed span of a sentence with the rule that found it."""

    start: int
    end: int
    text: str
    label: str
    rule: str
    confidence: float
    canonical: str | None = None  # the fullest form of a person's name in the document
    roles: tuple[str, ...] = ()  # what the document calls a person: titles, appositions

    def to_json(self) -> list:
        """Return the entity as a compact list for the index."""
        return [self.start, self.end, self.label, self.rule, self.confidence, self.canonical, list(self.roles)]

    @classmethod
    def from_json(cls, sentence: str, row: list) -> "Entity":
        """Rebuild an entity stored by to_json for a sentence."""
        start, end, label, rule, confidence, canonical, roles = row
        return cls(start, end, sentence[start:end], label, rule, confidence, canonical, tuple(roles))

    def as_dict(self) -> dict:
        """Return the entity as a plain dict."""
        return asdict(self)


@functools.cache
def entity_rules():
    """Return the compiled extraction rules of rules/entities.toml, in file order."""
    return load_rules(ENTITY_RULES, required=("label", "confidence"))


@functools.cache
def _screen() -> Screen:
    """Return the necessary conditions of the entity rules (see qa/prefilter.py), in file order."""
    return Screen(condition(rule.regex.pattern, rule.regex.flags) for rule in entity_rules())


def find_patterns(text: str) -> list[Entity]:
    """Return the non-overlapping pattern matches of a text: longest first, then file order."""
    found = []
    for order, (rule, may_match) in enumerate(zip(entity_rules(), _screen().passing(text))):
        if not may_match:
            continue  # the text lacks everything the rule needs: running it would find nothing
        for match in rule.regex.finditer(text):
            if match.end() > match.start():
                found.append((-(match.end() - match.start()), order, match, rule))
    found.sort(key=lambda item: (item[0], item[1], item[2].start()))
    taken: list[tuple[int, int]] = []
    entities = []
    for _, _, match, rule in found:
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        entities.append(Entity(start, end, match.group(), rule.get("label"), rule.name, rule.get("confidence")))
    return sorted(entities, key=lambda e: e.start)


def annotate_sentence(text: str) -> list[Entity]:
    """Return every entity of one sentence, without document context."""
    entities = find_patterns(text)
    numeric = [(e.start, e.end) for e in entities]
    for name in find_names(text):
        if any(name.start < e and s < name.end for s, e in numeric):
            continue  # "February" in "February 2022" is a date, not a name
        entities.append(Entity(name.start, name.end, name.text, name.label, name.rule, name.confidence))
    return sorted(entities, key=lambda e: (e.start, -e.end))


def resolve_people(sentences: list[str], annotated: list[list[Entity]]) -> list[list[Entity]]:
    """Give every mention of a person the fullest form of its name and its roles in the document."""
    fullest: dict[str, str] = {}
    for entities in annotated:
        for e in entities:
            if e.label == "PERSON":
                key = surname(e.text)
                if len(e.text.split()) > len(fullest.get(key, "").split()):
                    fullest[key] = e.text
    relabelled = []
    for entities in annotated:
        row = []
        for e in entities:
            if e.label == "PROPER" and len(e.text.split()) == 1 and e.text in fullest:
                e = replace(e, label="PERSON", rule="name-known-surname", confidence=0.8)
            row.append(e)
        relabelled.append(row)
    # A person's profile: every title and apposition the document gives any mention.
    profiles: dict[str, set[str]] = {}
    for number, entities in enumerate(relabelled):
        context = sentences[number - 1] if number else ""
        for e in entities:
            if e.label == "PERSON":
                name_words = {w.lower() for w in e.text.split()}
                words = role_words(sentences[number], e.start, e.end, context)
                profiles.setdefault(surname(e.text), set()).update(w for w in words if w not in name_words)
    resolved = []
    for entities in relabelled:
        row = []
        for e in entities:
            if e.label == "PERSON":
                key = surname(e.text)
                canonical = fullest.get(key)
                e = replace(e, canonical=None if canonical == e.text else canonical, roles=tuple(sorted(profiles.get(key, ()))))
            row.append(e)
        resolved.append(row)
    return resolved


def annotate_document(sentences: list[str]) -> list[list[Entity]]:
    """Annotate the sentences of one document, resolving people across it."""
    return resolve_people(sentences, [annotate_sentence(text) for text in sentences])


def split_and_annotate(document, annotate=annotate_document) -> tuple[list[Sentence], list[list[Entity]]]:
    """Split a corpus document into sentences and annotate them with annotate (a document's sentences)."""
    sentences = split_sentences(document.id, document.text)
    return sentences, annotate([s.text for s in sentences])


@contextlib.contextmanager
def annotated_documents(documents, annotate=annotate_document, min_chars: int | None = None):
    """Yield an iterator of (document, sentences, entities) in document order.

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
        yield ((d, *split_and_annotate(d, annotate)) for d in documents)
        return
    try:
        yield _in_worker(executor, documents)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_worker_annotate = annotate_document  # what a worker process annotates with, set as it starts


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
    return split_and_annotate(document, _worker_annotate)


def _start_worker(annotate) -> ProcessPoolExecutor | None:
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        # Forked, the worker inherits the loaded rules and the annotate function (not pickled).
        return ProcessPoolExecutor(
            max_workers=1,
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
        sentences, annotated = future.result()
        for following in queue:
            pending.append((following, executor.submit(_annotate_in_worker, following)))
            break
        yield document, sentences, annotated
