"""Measure document writes: add, replace and delete one 30-sentence article, and asking while writes happen.

Usage (from the repository root):

    python bench/writes.py [--squad ../shared/data/squad/dev-v1.1.json] [--workdir DIR]
        [--scales 10k,100k] [--writes 20] [--ask-seconds 30] [--json]

For each scale, over the 48 SQuAD dev articles written as a corpus (10k: about
10,000 sentences; 100k: the same replicated 10 times):

- write latency p50/p95 of `Service.put` (add a new 30-sentence article,
  replace it) and `Service.delete`, 20 of each, interleaved, one write every
  --pace seconds, with the service's background refresh (reconciliation,
  compaction) running as in a server: the same path as PUT and DELETE
  /api/documents/{id}, without HTTP;
- ask latency p50/p95 in process over SQuAD questions of the corpus, first
  with no writes, then while another process (as another gunicorn worker
  would) writes one article a second into the same index.

The article is invented text (no benchmark data in it). Indexes are built once
per workdir and reused (`--workdir` keeps them between runs). Standard library
plus the project only; every loop is bounded in time.

`measure_writes`, `measure_ask_under_writes` and `prepare_corpora` are meant to
be called by bench/perf.py too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.squad_corpus import load_squad, percentile, replicate, write_corpus  # noqa: E402

DEFAULT_SQUAD = "../shared/data/squad/dev-v1.1.json"
WRITES = 20
PACE = 0.5  # seconds between two writes of the write benchmark: the background refresh gets its turn
ASK_SECONDS = 30.0
ASK_QUESTIONS = 300
WRITE_RATE = 1.0  # writes per second while asking
SENTENCES = 30
REPLICAS = 10
TARGETS = {"add_100k_p50_ms": 1000.0, "ask_10k_under_writes_p50_ms": 25.0}
PLACES = ["Velmora", "Tarnholm", "Quessa", "Brindlemoor", "Ostrava Bay", "Kelwick"]
PEOPLE = ["Ilsa Brandt", "Tomas Okafor", "Mirela Voss", "Jonah Pell", "Sadia Rahman", "Piet Calder"]


def log(message: str) -> None:
    print(f"[writes] {message}", file=sys.stderr, flush=True)


def article(number: int, version: int = 0, sentences: int = SENTENCES) -> str:
    """Return an invented news article of `sentences` sentences, three to a paragraph (versions differ in numbers)."""
    lines = []
    for k in range(sentences):
        place, person = PLACES[(number + k) % len(PLACES)], PEOPLE[(number * 3 + k) % len(PEOPLE)]
        amount = 10 + (number * 7 + k * 13 + version * 5) % 990
        lines.append(
            f"{person}, the mayor of {place}, said on Tuesday that the council would spend ${amount} million "
            f"on the harbour project number {number}-{k} before {2025 + k % 5}."
        )
    paragraphs = [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]
    return f"Harbour plans for {PLACES[number % len(PLACES)]}\n\n" + "\n\n".join(paragraphs) + "\n"


def pcts(values: list[float]) -> dict:
    """Return p50/p95 (and count) of milliseconds."""
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2), "n": len(values)}


def prepare_corpora(squad_path: Path, workdir: Path, scales=("10k", "100k")) -> dict[str, tuple[Path, Path, list[str]]]:
    """Write the SQuAD corpora (once per workdir); return {scale: (corpus dir, index dir, questions)}."""
    articles = load_squad(squad_path)
    questions = []
    base = workdir / "corpus-10k"
    if not base.exists():
        questions = write_corpus(articles, base)
    else:
        from bench.squad_corpus import article_questions

        questions = [q for a in articles for q in article_questions(a)]
    texts = [q.question for q in questions][:: max(1, len(questions) // ASK_QUESTIONS)][:ASK_QUESTIONS]
    corpora = {}
    for scale in scales:
        if scale == "10k":
            corpora[scale] = (base, workdir / "index-10k", texts)
        elif scale == "100k":
            large = workdir / "corpus-100k"
            if not large.exists():
                replicate(base, REPLICAS, dest=large)
            corpora[scale] = (large, workdir / "index-100k", texts)
        else:
            raise ValueError(f"unknown scale {scale!r} (10k or 100k)")
    return corpora


def _pipeline(corpus_dir: Path, index_dir: Path, refresh: float | None):
    from qa.pipeline import Pipeline

    pipeline = Pipeline(corpus_dir, index_dir, refresh_interval=refresh)
    started = time.perf_counter()
    state = pipeline.service.ensure()
    log(f"{corpus_dir.name}: index ready ({len(state.documents)} documents, {state.sentences} sentences) in "
        f"{time.perf_counter() - started:.1f}s")
    return pipeline, state


def _clean(service, prefix: str) -> None:
    """Remove the benchmark's own documents left by an earlier run."""
    with service.snapshot().store.view() as view:
        leftovers = [doc for doc in view.documents() if doc.startswith(prefix)]
    for doc in leftovers:
        service.delete(doc)


def measure_writes(corpus_dir: Path, index_dir: Path, writes: int = WRITES, pace: float = PACE) -> dict:
    """Time add, replace and delete of one 30-sentence article (`writes` of each) through the service."""
    pipeline, state = _pipeline(corpus_dir, index_dir, refresh=2.0)
    service = pipeline.service
    service.snapshot()  # starts the background refresh, as in a server
    _clean(service, "bench-write-")
    timings: dict[str, list[float]] = {"add": [], "replace": [], "delete": []}
    sentences = set()
    for number in range(writes):
        doc = f"bench-write-{number}"
        for operation in ("add", "replace", "delete"):
            time.sleep(pace)
            started = time.perf_counter()
            if operation == "delete":
                service.delete(doc)
            else:
                written = service.put(doc, article(number, version=operation == "replace"))
                sentences.add(written.sentences)
                assert written.replaced == (operation == "replace")
            timings[operation].append((time.perf_counter() - started) * 1000)
        log(f"{corpus_dir.name}: write round {number + 1}/{writes}: add {timings['add'][-1]:.0f} ms, "
            f"replace {timings['replace'][-1]:.0f} ms, delete {timings['delete'][-1]:.0f} ms")
    with service.snapshot().store.view() as view:
        segments = service.snapshot().store.segment_count()
        total = view.sentence_count()
    service.close()
    return {
        "sentences_in_index": state.sentences,
        "article_sentences": sorted(sentences),
        "segments_after": segments,
        "sentences_after": total,
        **{f"{operation}_ms": pcts(values) for operation, values in timings.items()},
    }


def _writer(corpus_dir: str, index_dir: str, rate: float, seconds: float, ready, stop) -> None:
    """Write one article every 1/rate seconds (add, replace, delete in turn) until stopped: another worker."""
    from qa.service import Service

    service = Service(corpus_dir, index_dir, refresh_interval=2.0)
    service.snapshot()
    _clean(service, "bench-load-")
    ready.set()
    deadline, number = time.monotonic() + seconds, 0
    while not stop.is_set() and time.monotonic() < deadline:
        started = time.monotonic()
        doc = f"bench-load-{number // 3}"
        if number % 3 == 2:
            service.delete(doc)
        else:
            service.put(doc, article(number // 3, version=number % 3))
        number += 1
        stop.wait(max(0.0, 1.0 / rate - (time.monotonic() - started)))
    service.close()


def _ask_for(pipeline, questions: list[str], seconds: float) -> list[float]:
    latencies, deadline, n = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        started = time.perf_counter()
        pipeline.ask(questions[n % len(questions)])
        latencies.append((time.perf_counter() - started) * 1000)
        n += 1
    return latencies


def measure_ask_under_writes(corpus_dir: Path, index_dir: Path, questions: list[str], seconds: float = ASK_SECONDS,
                             rate: float = WRITE_RATE) -> dict:
    """Ask latency p50/p95 without writes, then while another process writes `rate` articles a second."""
    pipeline, _ = _pipeline(corpus_dir, index_dir, refresh=2.0)
    for question in questions[:30]:  # warm up: rules, tagger, stems, readers
        pipeline.ask(question)
    quiet = _ask_for(pipeline, questions, seconds)
    context = multiprocessing.get_context("spawn")  # this process has threads: never fork it
    ready, stop = context.Event(), context.Event()
    writer = context.Process(target=_writer, args=(str(corpus_dir), str(index_dir), rate, seconds + 120, ready, stop))
    writer.start()
    try:
        if not ready.wait(timeout=300):
            raise RuntimeError("the writer process did not start")
        started = time.monotonic()
        busy = _ask_for(pipeline, questions, seconds)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        writer.join(timeout=60)
        if writer.is_alive():
            writer.kill()
            writer.join(timeout=30)
    with pipeline.service.snapshot().store.view() as view:
        load_docs = [doc for doc in view.documents() if doc.startswith("bench-load-")]
    pipeline.service.close()
    return {
        "questions": len(questions),
        "quiet_ms": pcts(quiet),
        "under_writes_ms": pcts(busy),
        "write_rate_per_s": rate,
        "seconds": round(elapsed, 1),
        "load_documents_left": len(load_docs),
    }


def main(argv=None) -> int:
    """Run the write benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--squad", default=DEFAULT_SQUAD, help="SQuAD v1.1 dev json")
    parser.add_argument("--workdir", help="where corpora and indexes go (kept; default: a temporary directory)")
    parser.add_argument("--scales", default="10k,100k", help="comma-separated: 10k, 100k")
    parser.add_argument("--writes", type=int, default=WRITES, help="adds, replaces and deletes per scale (each)")
    parser.add_argument("--pace", type=float, default=PACE, help="seconds between writes of the write benchmark")
    parser.add_argument("--ask-seconds", type=float, default=ASK_SECONDS, help="seconds of asking, without and with writes")
    parser.add_argument("--ask-scales", default="10k", help="scales whose ask latency under writes is measured")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="qa-writes-"))
    workdir.mkdir(parents=True, exist_ok=True)
    scales = [s for s in args.scales.split(",") if s]
    corpora = prepare_corpora(Path(args.squad), workdir, scales)
    report = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count(), "scales": {}}
    for scale in scales:
        corpus_dir, index_dir, questions = corpora[scale]
        result = {"writes": measure_writes(corpus_dir, index_dir, args.writes, args.pace)}
        if scale in args.ask_scales.split(","):
            result["ask"] = measure_ask_under_writes(corpus_dir, index_dir, questions, args.ask_seconds)
        report["scales"][scale] = result
    report["load_average_after"] = os.getloadavg()
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{'measure':<44} {'p50 ms':>9} {'p95 ms':>9}  target")
    for scale, result in report["scales"].items():
        writes = result["writes"]
        for operation in ("add", "replace", "delete"):
            row = writes[f"{operation}_ms"]
            target = "<= 1000 (p50)" if (scale, operation) == ("100k", "add") else ""
            print(f"{scale} ({writes['sentences_in_index']} sentences): {operation:<8} {'':<10} {row['p50']:>9} {row['p95']:>9}  {target}")
        if "ask" in result:
            ask = result["ask"]
            print(f"{scale}: ask, no writes {'':<26} {ask['quiet_ms']['p50']:>9} {ask['quiet_ms']['p95']:>9}")
            target = "<= 25 (p50)" if scale == "10k" else ""
            print(f"{scale}: ask, one write a second {'':<17} {ask['under_writes_ms']['p50']:>9} "
                  f"{ask['under_writes_ms']['p95']:>9}  {target}")
    before, after = report["load_average_before"], report["load_average_after"]
    print(f"load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, after {after[0]:.2f} {after[1]:.2f} "
          f"{after[2]:.2f} ({report['cpus']} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
