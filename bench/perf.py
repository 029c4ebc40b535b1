"""Measure the service's speed: ask latency at three corpus sizes, index build, HTTP, start-up.

Usage (from the repository root):

    python bench/perf.py [--squad ../shared/data/squad/dev-v1.1.json]
        [--skip-large] [--skip-http] [--skip-writes] [--json] [--questions N] [--large-questions N]

Prints one table, each measurement next to its target:

- ask latency p50/p95/p99 in process (a) over the regression questions on the
  article corpus (`corpus/`, copied), (b) over sampled SQuAD questions on all
  48 SQuAD dev articles in one index (no document filter), (c) the same on
  that corpus replicated 10 times (~100,000 sentences; --skip-large skips it);
- overhead ratio: ask p50 / bare Whoosh BM25 search p50 (an OR of the
  question's analysed terms via `qa.whoosh_store.analyzer(lexicon)`, top 10,
  a bare searcher of the served store (`snapshot.store.searcher()`: BM25F with
  `qa.whoosh_store.BM25_B`, `BM25_K1`) on the same index, same questions,
  interleaved in the same run; the bare search keeps one searcher open);
- index build: sentences/second of the whole pipeline (split, annotate,
  index, `service.ensure()`) against a bare Whoosh index of the same sentences
  (pre-split) with a plain `StemmingAnalyzer()`, same run (on the article:
  the first build of the process, which also loads every rule, and the
  median of 7 later builds against 7 bare ones);
- HTTP: POST /api/ask and GET /api/health under gunicorn (2 workers,
  --preload, the settings of gunicorn.conf.py, access log included, as
  `make serve`) on 127.0.0.1, driven by a bounded threaded client (8
  concurrent, 1,000 requests, hard time limit), throughput ratio, and the
  server's RSS (master + workers, VmRSS);
- document writes (bench/writes.py, unless --skip-writes): add, replace and
  delete of a 30-sentence article through the service on the 48-article
  index and on the replicated one, and ask latency on the 48 articles while
  another process writes one article a second;
- start-up: a fresh `python -m qa ask` with an existing index (wall time), a
  fresh process's import + Pipeline construction + first ask, and the first
  build of the article index (in process and as `python -m qa index`).

Each index is built once at the start of its part and serves it to the end
(`Pipeline(..., refresh_interval=None)`: no background refresh).

Standard library plus the project only. Everything binds to 127.0.0.1, every
loop is bounded, and the server is stopped in a finally block.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.squad_corpus import load_squad, percentile, replicate, write_corpus  # noqa: E402
from bench.writes import measure_ask_under_writes, measure_writes  # noqa: E402

REGRESSION = ROOT / "tests" / "regression" / "questions.jsonl"
ARTICLE_CORPUS = ROOT / "corpus"
DEFAULT_SQUAD = "../shared/data/squad/dev-v1.1.json"
ARTICLE_ROUNDS = 5
ARTICLE_REBUILDS = 7
HTTP_CONCURRENCY = 8
HTTP_REQUESTS = 1000
HTTP_TIME_LIMIT = 90.0  # seconds per load phase, hard
SERVER_START_LIMIT = 120.0
SUBPROCESS_LIMIT = 600.0
REPLICAS = 10

TARGETS = {
    "article_p50": ("<=", 10.0),
    "squad_p50": ("<=", 25.0),
    "large_p50": ("<=", 100.0),
    "squad_overhead": ("<=", 3.0),
    "build_ratio": (">=", 0.5),
    "http_ratio": (">=", 0.20),
    "add_100k_p50": ("<=", 1000.0),
    "ask_under_writes_p50": ("<=", 25.0),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pcts(values) -> dict:
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
        "mean": round(statistics.fmean(values), 2) if values else None,
    }


# --- in-process latency ---------------------------------------------------------


def bare_search(searcher, ana, question: str) -> list[str]:
    """A bare Whoosh search: OR of the question's analysed terms, top 10 ids."""
    from whoosh import query as Q

    terms = list(dict.fromkeys(t.text for t in ana(question)))
    if not terms:
        return []
    results = searcher.search(Q.Or([Q.Term("body", t) for t in terms]), limit=10)
    return [hit["id"] for hit in results]


def measure_latency(pipeline, questions: list[str], rounds: int, label: str) -> dict:
    """Ask p50/p95/p99, bare search p50/p95/p99 and stage timings, interleaved per round."""
    from qa.whoosh_store import analyzer

    # refresh_interval=None: the snapshot served at the start is the one every ask reads.
    snapshot = pipeline.service.snapshot()
    ana = analyzer(snapshot.rules.lexicon)
    ask_ms, ask_cpu_ms, bare_ms, open_ms = [], [], [], []
    stages: dict[str, list[float]] = {}
    answered = 0
    # Warm-up: first calls fill caches (rules, stems, Whoosh readers).
    for q in questions[:20]:
        pipeline.ask(q)
    with snapshot.store.searcher() as searcher:
        for q in questions[:20]:
            bare_search(searcher, ana, q)
    for number in range(rounds):
        for q in questions:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = pipeline.ask(q)
            ask_ms.append((time.perf_counter() - started) * 1000)
            ask_cpu_ms.append((time.process_time() - cpu_started) * 1000)
            answered += bool(result.answers)
            for stage, value in result.timings.items():
                stages.setdefault(stage, []).append(value)
        started = time.perf_counter()
        with snapshot.store.searcher() as searcher:
            open_ms.append((time.perf_counter() - started) * 1000)
            for q in questions:
                started = time.perf_counter()
                bare_search(searcher, ana, q)
                bare_ms.append((time.perf_counter() - started) * 1000)
        log(f"{label}: round {number + 1}/{rounds} done ({len(questions)} questions)")
    ask, bare = pcts(ask_ms), pcts(bare_ms)
    return {
        "questions": len(questions),
        "rounds": rounds,
        "answered": round(answered / max(1, len(ask_ms)), 3),
        "ask_ms": ask,
        "ask_cpu_ms": pcts(ask_cpu_ms),
        "bare_ms": bare,
        "overhead": round(ask["p50"] / bare["p50"], 2) if bare["p50"] else None,
        "searcher_open_ms": round(statistics.median(open_ms), 2),
        "stages_ms": {stage: pcts(values) for stage, values in stages.items()},
    }


# --- index build ----------------------------------------------------------------


def corpus_sentences(corpus_dir: Path, rules) -> list[tuple[str, str]]:
    """Return (id, text) of every sentence of a corpus, split as the pipeline splits with these rules."""
    from qa.corpus import read_corpus

    documents, _ = read_corpus(corpus_dir)
    split = rules.lexicon.splitter.split
    return [(f"{d.id}#{s.index}", s.text) for d in documents for s in split(d.id, d.text)]


def bare_build(sentences: list[tuple[str, str]], index_dir: Path) -> float:
    """Index pre-split sentences with a plain StemmingAnalyzer; return seconds."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, STORED, TEXT, Schema

    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    schema = Schema(id=ID(stored=True, unique=True), text=STORED(), body=TEXT(analyzer=StemmingAnalyzer()))
    ix = whoosh_index.create_in(str(index_dir), schema)
    with ix.writer(limitmb=128) as writer:
        for sid, text in sentences:
            writer.add_document(id=sid, text=text, body=text)
    return time.perf_counter() - started


def build_pipeline(corpus_dir: Path, index_dir: Path, label: str):
    """Build the index the normal way; return (pipeline, seconds, manifest)."""
    from qa.pipeline import Pipeline

    # One build per scale: no background refresh, so rule edits during the run trigger no rebuild.
    pipeline = Pipeline(corpus_dir, index_dir, refresh_interval=None)
    started = time.perf_counter()
    last = [started]

    def progress(done, total):
        now = time.perf_counter()
        if done == total or now - last[0] >= 15 or (total >= 10 and done % max(1, total // 10) == 0):
            last[0] = now
            log(f"{label}: indexed {done}/{total} documents ({now - started:.0f}s)")

    manifest = pipeline.service.ensure(progress=progress)
    seconds = time.perf_counter() - started
    return pipeline, seconds, manifest


def compare_build(pipeline_seconds: float, manifest, rules, corpus_dir: Path, bare_dir: Path, label: str) -> dict:
    sentences = corpus_sentences(corpus_dir, rules)
    log(f"{label}: bare Whoosh build of {len(sentences)} sentences")
    bare_seconds = bare_build(sentences, bare_dir)
    shutil.rmtree(bare_dir, ignore_errors=True)
    ours = manifest.sentences / pipeline_seconds
    bare = len(sentences) / bare_seconds
    return {
        "documents": len(manifest.documents),
        "sentences": manifest.sentences,
        "pipeline_seconds": round(pipeline_seconds, 2),
        "pipeline_sps": round(ours, 1),
        "bare_seconds": round(bare_seconds, 2),
        "bare_sps": round(bare, 1),
        "ratio": round(ours / bare, 3),
    }


# --- HTTP ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 10.0) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(port: int, make_request, total: int, concurrency: int, time_limit: float) -> dict:
    """Send `total` requests from `concurrency` threads, stopping at the time limit."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + time_limit

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= total:
                    return
                number = issued[0]
                issued[0] += 1
            method, path, body = make_request(number)
            started = time.perf_counter()
            try:
                status = request(port, method, path, body, timeout=max(1.0, min(10.0, deadline - time.monotonic())))
            except (OSError, http.client.HTTPException):
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + 15)
    wall = time.perf_counter() - started
    out = pcts(latencies)
    out.update({"ok": len(latencies), "errors": errors[0], "seconds": round(wall, 2),
                "rps": round(len(latencies) / wall, 1) if wall else 0.0,
                "timed_out": time.monotonic() >= deadline})
    return out


def process_tree_rss_kb(pid: int) -> tuple[int, int]:
    """Return (sum of VmRSS in kB of pid and its children, number of processes)."""
    pids = {pid}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    pids.add(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total, len(pids)


def measure_http(corpus_dir: Path, index_dir: Path, questions: list[str], workdir: Path) -> dict:
    port = free_port()
    config = {"CORPUS_DIR": str(corpus_dir), "INDEX_DIR": str(index_dir)}
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--preload",
        "--log-level", "warning", "--pid", str(workdir / "gunicorn.pid"),  # not in the project's run/
        f"app:create_app({config!r})",
    ]
    server_log = open(workdir / "gunicorn.log", "wb")
    server = subprocess.Popen(command, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT)
    log(f"http: gunicorn pid {server.pid} on 127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + SERVER_START_LIMIT
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}: see {workdir / 'gunicorn.log'}")
            try:
                if request(port, "GET", "/api/health", timeout=2) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /api/health in time")
            time.sleep(0.2)

        bodies = [json.dumps({"question": q, "top_k": 3}).encode() for q in questions]

        def ask(n):
            return "POST", "/api/ask", bodies[n % len(bodies)]

        def health(n):
            return "GET", "/api/health", None

        # Warm-up: both workers see some of each kind of request.
        load(port, ask, 40, 4, 60)
        load(port, health, 40, 4, 30)
        log(f"http: {HTTP_REQUESTS} POST /api/ask, {HTTP_CONCURRENCY} concurrent")
        asked = load(port, ask, HTTP_REQUESTS, HTTP_CONCURRENCY, HTTP_TIME_LIMIT)
        rss_kb, processes = process_tree_rss_kb(server.pid)
        log(f"http: {HTTP_REQUESTS} GET /api/health, {HTTP_CONCURRENCY} concurrent")
        trivial = load(port, health, HTTP_REQUESTS, HTTP_CONCURRENCY, HTTP_TIME_LIMIT)
        return {
            "ask": asked,
            "health": trivial,
            "ratio": round(asked["rps"] / trivial["rps"], 3) if trivial["rps"] else None,
            "rss_mb": round(rss_kb / 1024, 1),
            "processes": processes,
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        server_log.close()


# --- start-up -----------------------------------------------------------------

FIRST_ASK = r"""
import json, sys, time
t0 = time.perf_counter()
from qa.pipeline import Pipeline
t1 = time.perf_counter()
p = Pipeline(sys.argv[1], sys.argv[2], refresh_interval=None)
t2 = time.perf_counter()
p.ask(sys.argv[3])
t3 = time.perf_counter()
p.ask(sys.argv[3])
t4 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1000, "construct_ms": (t2 - t1) * 1000,
                  "first_ask_ms": (t3 - t2) * 1000, "second_ask_ms": (t4 - t3) * 1000}))
"""


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   timeout=SUBPROCESS_LIMIT)
    return time.perf_counter() - started


def measure_startup(corpus_dir: Path, index_dir: Path, question: str, workdir: Path) -> dict:
    cli = [sys.executable, "-m", "qa", "--corpus", str(corpus_dir), "--index", str(index_dir), "ask", question]
    cli_runs = [wall(cli) for _ in range(3)]
    inproc = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", FIRST_ASK, str(corpus_dir), str(index_dir), question],
                             cwd=ROOT, check=True, capture_output=True, text=True, timeout=SUBPROCESS_LIMIT)
        inproc.append(json.loads(out.stdout.strip().splitlines()[-1]))
    fresh_index = workdir / "fresh-index"
    build_cli = wall([sys.executable, "-m", "qa", "--corpus", str(corpus_dir), "--index", str(fresh_index), "index"])
    shutil.rmtree(fresh_index, ignore_errors=True)
    median = {k: round(statistics.median(r[k] for r in inproc), 1) for k in inproc[0]}
    return {
        "cli_ask_s": round(statistics.median(cli_runs), 3),
        "cli_ask_runs_s": [round(x, 3) for x in cli_runs],
        "in_process_ms": median,
        "cli_first_build_s": round(build_cli, 3),
    }


# --- the table ------------------------------------------------------------------


def check(key: str, value) -> str:
    if key not in TARGETS or value is None:
        return ""
    op, target = TARGETS[key]
    ok = value <= target if op == "<=" else value >= target
    return "ok" if ok else "MISS"


def target_text(key: str) -> str:
    if key not in TARGETS:
        return ""
    op, target = TARGETS[key]
    return f"{'≤' if op == '<=' else '≥'} {target:g}"


def rows_of(report: dict) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []

    def add(name, value, key=None, raw=None):
        rows.append((name, value, target_text(key) if key else "", check(key, raw) if key else ""))

    for name, key, tkey in (("article", "article", "article_p50"), ("squad-48", "squad", "squad_p50"),
                            (f"squad-48 x{REPLICAS}", "large", "large_p50")):
        if key not in report:
            continue
        r = report[key]
        lat, build = r["latency"], r["build"]
        rows.append((f"-- {name}: {build['documents']} documents, {build['sentences']} sentences, "
                     f"{lat['questions']} questions x {lat['rounds']}", "", "", ""))
        a = lat["ask_ms"]
        add("ask p50 / p95 / p99 (ms)", f"{a['p50']:.1f} / {a['p95']:.1f} / {a['p99']:.1f}", tkey, a["p50"])
        c = lat["ask_cpu_ms"]
        add("  ask CPU time p50 / p95 (ms)", f"{c['p50']:.1f} / {c['p95']:.1f}")
        stages = " / ".join(f"{v['p50']:.1f}" for v in lat["stages_ms"].values())
        add(f"  stages p50 ({' / '.join(s.replace('_ms', '') for s in lat['stages_ms'])})", stages)
        b = lat["bare_ms"]
        add("bare BM25 search p50 / p95 (ms)", f"{b['p50']:.2f} / {b['p95']:.2f}")
        add("overhead ratio (ask p50 / bare p50)", f"{lat['overhead']:.1f}",
            "squad_overhead" if key == "squad" else None, lat["overhead"])
        add("  (searcher open per ask, ms)", f"{lat['searcher_open_ms']:.2f}")
        add("answered (not abstained)", f"{100 * lat['answered']:.0f}%")
        add("build: pipeline sentences/s (s)", f"{build['pipeline_sps']:.0f} ({build['pipeline_seconds']:.1f}s)")
        add("build: bare Whoosh sentences/s (s)", f"{build['bare_sps']:.0f} ({build['bare_seconds']:.1f}s)")
        if build.get("second_build"):
            add("build ratio, first build in the process (loads the rules)", f"{build['first_build_ratio']:.2f}")
            add(f"build ratio, later builds (median of {ARTICLE_REBUILDS})", f"{build['ratio']:.2f}", "build_ratio", build["ratio"])
        else:
            add("build ratio (pipeline / bare)", f"{build['ratio']:.2f}", "build_ratio", build["ratio"])
    if "writes" in report:
        w = report["writes"]
        rows.append(("-- document writes: one 30-sentence article through the service (as PUT/DELETE)", "", "", ""))
        for name, key in (("squad-48", "squad"), (f"squad-48 x{REPLICAS}", "large")):
            if key not in w:
                continue
            x = w[key]
            for operation in ("add", "replace", "delete"):
                ms = x[f"{operation}_ms"]
                tkey = "add_100k_p50" if (key, operation) == ("large", "add") else None
                add(f"{name} ({x['sentences_in_index']} sentences): {operation} p50 / p95 (ms)",
                    f"{ms['p50']:.0f} / {ms['p95']:.0f}", tkey, ms["p50"])
        if "ask" in w:
            a = w["ask"]
            add("squad-48: ask p50 / p95, no writes (ms)", f"{a['quiet_ms']['p50']:.1f} / {a['quiet_ms']['p95']:.1f}")
            add(f"squad-48: ask p50 / p95, {a['write_rate_per_s']:g} write/s by another process (ms)",
                f"{a['under_writes_ms']['p50']:.1f} / {a['under_writes_ms']['p95']:.1f}", "ask_under_writes_p50",
                a["under_writes_ms"]["p50"])
    if "http" in report:
        h = report["http"]
        rows.append((f"-- HTTP: gunicorn 2 workers, {HTTP_CONCURRENCY} concurrent, {HTTP_REQUESTS} requests", "", "", ""))
        for name, key in (("POST /api/ask", "ask"), ("GET /api/health", "health")):
            x = h[key]
            add(f"{name} req/s", f"{x['rps']:.0f} ({x['ok']} ok, {x['errors']} err, {x['seconds']:.1f}s)")
            add(f"{name} p50 / p95 / p99 (ms)", f"{x['p50']:.1f} / {x['p95']:.1f} / {x['p99']:.1f}")
        add("ask / health throughput", f"{h['ratio']:.2f}", "http_ratio", h["ratio"])
        add(f"server RSS ({h['processes']} processes, MB)", f"{h['rss_mb']:.0f}")
    if "startup" in report:
        s = report["startup"]
        rows.append(("-- start-up (article index exists)", "", "", ""))
        add("python -m qa ask, wall (s, median of 3)", f"{s['cli_ask_s']:.2f}")
        m = s["in_process_ms"]
        add("fresh process: import / Pipeline() / 1st ask (ms)",
            f"{m['import_ms']:.0f} / {m['construct_ms']:.0f} / {m['first_ask_ms']:.0f}")
        add("  2nd ask (ms)", f"{m['second_ask_ms']:.1f}")
        add("first build of the article, in process (s)", f"{report['article']['build']['first_build_seconds']:.2f}")
        add("first build of the article, python -m qa index (s)", f"{s['cli_first_build_s']:.2f}")
    return rows


def print_table(report: dict) -> None:
    rows = rows_of(report)
    width = max(len(r[0]) for r in rows if r[1]) + 2
    vwidth = max(len(r[1]) for r in rows) + 2
    print(f"{'measurement':<{width}}{'value':>{vwidth}}  {'target':<8}")
    for name, value, target, ok in rows:
        if not value:
            print(name)
            continue
        print(f"{name:<{width}}{value:>{vwidth}}  {target:<8}{ok}")
    print(f"\n{report['environment']}; load average at the end {report['load_average']}; total {report['seconds']:.0f}s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--squad", default=DEFAULT_SQUAD, help=f"SQuAD v1.1 dev json (default {DEFAULT_SQUAD})")
    parser.add_argument("--skip-large", action="store_true", help=f"skip the {REPLICAS}x replicated corpus")
    parser.add_argument("--skip-http", action="store_true", help="skip the gunicorn measurements")
    parser.add_argument("--skip-writes", action="store_true", help="skip the document write measurements")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--questions", type=int, default=500, help="SQuAD questions asked on the 48 articles (default 500)")
    parser.add_argument("--large-questions", type=int, default=200,
                        help=f"of those, how many are asked on the x{REPLICAS} corpus (default 200)")
    args = parser.parse_args(argv)
    squad = Path(args.squad)
    if not squad.is_file() and not squad.is_absolute() and (ROOT / squad).is_file():
        squad = ROOT / squad
    if not squad.is_file():
        parser.error(f"no such file: {args.squad}")

    started = time.perf_counter()
    report: dict = {
        "environment": f"python {sys.version.split()[0]}, {os.cpu_count()} cpus",
    }
    regression = [json.loads(line)["question"] for line in REGRESSION.read_text(encoding="utf-8").splitlines() if line.strip()]

    with tempfile.TemporaryDirectory(prefix="qa-perf-") as tmp:
        tmp = Path(tmp)
        # (a) the article corpus
        article_corpus, article_index = tmp / "article" / "corpus", tmp / "article" / "index"
        article_corpus.mkdir(parents=True)
        for path in ARTICLE_CORPUS.glob("*.txt"):
            shutil.copy(path, article_corpus / path.name)
        log("article: first build")
        pipeline, seconds, manifest = build_pipeline(article_corpus, article_index, "article")
        rules = pipeline.service.rules()
        build = compare_build(seconds, manifest, rules, article_corpus, tmp / "bare", "article")
        # The first build in a process also loads and compiles every rule (about a second, once):
        # on 57 sentences that is nearly all of it. Later builds show the steady rate; a build this
        # small takes milliseconds, so both sides are the median of ARTICLE_REBUILDS builds.
        import qa.index

        sentences = corpus_sentences(article_corpus, rules)
        ours, bare = [], []
        for number in range(ARTICLE_REBUILDS):
            began = time.perf_counter()
            qa.index.build(article_corpus, tmp / "article" / f"rebuilt-{number}", rules)
            ours.append(time.perf_counter() - began)
            bare.append(bare_build(sentences, tmp / f"bare-{number}"))
        build = {
            **build,
            "first_build_ratio": build["ratio"],
            "first_build_seconds": build["pipeline_seconds"],
            "second_build": True,
            "pipeline_seconds": round(statistics.median(ours), 3),
            "pipeline_sps": round(manifest.sentences / statistics.median(ours), 1),
            "bare_seconds": round(statistics.median(bare), 3),
            "bare_sps": round(len(sentences) / statistics.median(bare), 1),
            "ratio": round(statistics.median(bare) / statistics.median(ours), 3),
        }
        report["article"] = {"build": build, "latency": measure_latency(pipeline, regression, ARTICLE_ROUNDS, "article")}
        del pipeline

        # (b) all SQuAD dev articles in one index
        squad_corpus, squad_index = tmp / "squad" / "corpus", tmp / "squad" / "index"
        squad_questions = write_corpus(load_squad(squad), squad_corpus)
        step = max(1, len(squad_questions) // args.questions)
        sample = [q.question for q in squad_questions[::step]][: args.questions]
        log(f"squad: building {len(list(squad_corpus.glob('*.txt')))} articles")
        pipeline, seconds, manifest = build_pipeline(squad_corpus, squad_index, "squad")
        build = compare_build(seconds, manifest, pipeline.service.rules(), squad_corpus, tmp / "bare", "squad")
        report["squad"] = {"build": build, "latency": measure_latency(pipeline, sample, 1, "squad")}
        del pipeline
        if not args.skip_writes:
            log("squad: document writes, and asking while another process writes")
            report["writes"] = {"squad": measure_writes(squad_corpus, squad_index),
                                "ask": measure_ask_under_writes(squad_corpus, squad_index, sample)}

        # (c) that corpus replicated
        if not args.skip_large:
            large_corpus, large_index = tmp / "large" / "corpus", tmp / "large" / "index"
            replicate(squad_corpus, REPLICAS, large_corpus)
            shutil.rmtree(squad_index, ignore_errors=True)
            log(f"large: building {len(list(large_corpus.glob('*.txt')))} documents (several minutes)")
            pipeline, seconds, manifest = build_pipeline(large_corpus, large_index, "large")
            build = compare_build(seconds, manifest, pipeline.service.rules(), large_corpus, tmp / "bare", "large")
            report["large"] = {"build": build, "latency": measure_latency(pipeline, sample[: args.large_questions], 1, "large")}
            del pipeline
            if not args.skip_writes:
                log("large: document writes")
                report.setdefault("writes", {})["large"] = measure_writes(large_corpus, large_index)
            shutil.rmtree(tmp / "large", ignore_errors=True)

        if not args.skip_http:
            report["http"] = measure_http(article_corpus, article_index, regression, tmp)
        log("start-up")
        report["startup"] = measure_startup(article_corpus, article_index, regression[0], tmp)

    report["seconds"] = round(time.perf_counter() - started, 1)
    report["load_average"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
