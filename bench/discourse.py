"""Diagnose the discourse layer (qa/discourse.py) on a corpus of articles: what it finds, how fast.

Usage (from the repository root):

    python bench/discourse.py --corpus ../shared/data/news_dev/corpus \
        [--squad ../shared/data/squad/dev-v1.1.json --squad-articles 5] \
        [--sample 40 --seed 7] [--repeat 5] [--json]

Every article is split and annotated (qa.entities.split_and_annotate) as the
index build does, then analysed.
Reported: headlines, datelines and credit lines found; links per sieve and
per rule; quotes per rule (and how many have a speaker); sentences whose
search would gain a name (expansions). Speed: CPU milliseconds of analysis per
1,000 sentences (the median and the minimum of --repeat runs over the whole
corpus, rules loaded once), beside the annotation's own CPU cost for scale
(its first run: it loads its rules and lexicon then).

--sample N prints N links drawn at random (--seed) with their sentence and
the antecedent's sentence, to be judged by hand: the judged precision is the
share a reader accepts. The sample is printed, never written to a file.
--squad adds --squad-articles articles of a SQuAD file, after the first
--squad-skip (each paragraph a paragraph of one article), to the counts and
the sample; --sieves limits the sample to some sieves (e.g. pronoun,
description-type) so that trivial repeats of a name do not fill it.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.discourse import analyse_document, expansions  # noqa: E402
from qa.entities import annotate_document  # noqa: E402
from qa.rules import load_rules  # noqa: E402

RULE_SET = load_rules()


def split_sentences(doc: str, text: str):
    return RULE_SET.lexicon.splitter.split(doc, text)


def read_corpus(folder: Path) -> list[tuple[str, str]]:
    """Return (name, text) of every *.txt article of a folder, by name."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt"))]


def read_squad(path: Path, count: int, skip: int = 0) -> list[tuple[str, str]]:
    """Return `count` SQuAD articles after the first `skip` as (title, paragraphs joined by blank lines)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"][skip : skip + count]
    return [(f"squad:{a['title']}", "\n\n".join(p["context"] for p in a["paragraphs"])) for a in data]


def prepare(articles):
    """Split and annotate every article; return the prepared articles and the seconds annotation took."""
    prepared, started = [], time.perf_counter()
    for name, text in articles:
        sentences = split_sentences(name, text)
        prepared.append((name, text, sentences, annotate_document([s.text for s in sentences], RULE_SET)))
    return prepared, time.perf_counter() - started


def analyse_all(prepared, rules):
    return [analyse_document(text, sentences, entities, rules) for _, text, sentences, entities in prepared]


def report(prepared, results) -> dict:
    sentences = sum(len(p[2]) for p in prepared)
    sieves, rules, quote_rules = collections.Counter(), collections.Counter(), collections.Counter()
    attributed = quoted = expanded = 0
    for (_, _, found, _), doc in zip(prepared, results):
        for row in doc.links:
            for link in row:
                sieves[link.sieve] += 1
                rules[f"{link.sieve}/{link.rule}"] += 1
        for row in doc.quotes:
            quoted += bool(row)
            for quote in row:
                quote_rules[quote.rule] += 1
                attributed += quote.speaker is not None
        expanded += sum(bool(expansions(doc, s.index)) for s in found)
    return {
        "articles": len(prepared),
        "sentences": sentences,
        "headlines": sum(doc.headline is not None for doc in results),
        "headline_rules": dict(collections.Counter(doc.headline.rule for doc in results if doc.headline)),
        "datelines": sum(doc.dateline is not None for doc in results),
        "dateline_rules": dict(collections.Counter(doc.dateline.rule for doc in results if doc.dateline)),
        "credits": sum(len(doc.credits) for doc in results),
        "links": sum(sieves.values()),
        "links_per_sieve": dict(sieves.most_common()),
        "links_per_rule": dict(rules.most_common()),
        "quote_pieces": sum(quote_rules.values()),
        "quote_pieces_with_speaker": attributed,
        "quote_rules": dict(quote_rules.most_common()),
        "sentences_with_quotes": quoted,
        "sentences_expanded": expanded,
    }


def timing(prepared, rules, repeat: int) -> list[float]:
    """Return the CPU seconds of each of `repeat` analyses of the whole corpus (CPU time: other load on the machine counts less)."""
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        analyse_all(prepared, rules)
        runs.append(time.process_time() - started)
    return runs


def sample(prepared, results, size: int, seed: int, sieves: set[str] | None = None) -> None:
    """Print `size` random links (of the given sieves, or all) with their context, for judging by hand."""
    pool = []
    for (name, _, found, _), doc in zip(prepared, results):
        for row in doc.links:
            for link in row:
                if sieves is None or link.sieve in sieves:
                    pool.append((name, found, link))
    random.Random(seed).shuffle(pool)
    for number, (name, found, link) in enumerate(pool[:size], start=1):
        text = found[link.sentence].text
        marked = text[: link.start] + "[[" + text[link.start : link.end] + "]]" + text[link.end :]
        print(f"\n#{number} {name} s{link.sentence} {link.sieve}/{link.rule}: {link.text!r} -> {link.antecedent!r} (s{link.antecedent_sentence})")
        if link.antecedent_sentence != link.sentence:
            print(f"   before: {found[link.antecedent_sentence].text}")
        print(f"   here:   {marked}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="directory of articles (*.txt)")
    parser.add_argument("--squad", help="a SQuAD JSON file whose first articles are added")
    parser.add_argument("--squad-articles", type=int, default=5, help="how many SQuAD articles to add")
    parser.add_argument("--squad-skip", type=int, default=0, help="skip this many SQuAD articles first")
    parser.add_argument("--sieves", help="sample only links of these sieves (comma-separated)")
    parser.add_argument("--sample", type=int, default=0, help="print this many random links to judge")
    parser.add_argument("--seed", type=int, default=7, help="the sample's random seed")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()

    articles = read_corpus(Path(args.corpus))
    if args.squad:
        articles += read_squad(Path(args.squad), args.squad_articles, args.squad_skip)
    started = time.perf_counter()
    rules = RULE_SET.discourse
    load_seconds = time.perf_counter() - started
    started = time.process_time()
    prepared, _ = prepare(articles)
    annotate_seconds = time.process_time() - started
    results = analyse_all(prepared, rules)  # the first run also warms the tagger's lexicon
    runs = timing(prepared, rules, max(1, args.repeat))
    out = report(prepared, results)
    per_thousand = 1000.0 * 1000.0 / max(1, out["sentences"])
    out["load_rules_ms"] = round(load_seconds * 1000, 1)
    out["analysis_ms_per_1000_sentences"] = round(statistics.median(runs) * per_thousand, 1)
    out["analysis_ms_per_1000_sentences_min"] = round(min(runs) * per_thousand, 1)
    out["annotation_ms_per_1000_sentences"] = round(annotate_seconds * per_thousand, 1)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for key, value in out.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for inner, count in value.items():
                    print(f"    {inner:55} {count}")
            else:
                print(f"{key:40} {value}")
    if args.sample:
        sample(prepared, results, args.sample, args.seed, set(args.sieves.split(",")) if args.sieves else None)


if __name__ == "__main__":
    main()
