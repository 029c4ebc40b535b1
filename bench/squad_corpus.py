"""Helpers shared by the SQuAD benchmarks: a SQuAD json as a corpus and its questions.

Each article becomes one document `<slug-of-title>.txt` whose text is the
article's paragraph contexts joined by "\\n" (so a paragraph never shares a
sentence with the next one). Every question keeps its gold answers and their
`answer_start` mapped from the paragraph to the document, so that the
sentence holding a gold answer can be found with the pipeline's own sentence
splitter (the rule set's `SentenceSplitter`).

    articles = load_squad(path)                 # v1.1 or v2.0
    questions = write_corpus(articles, corpus_dir)
    sentences = DocumentSentences(corpus_dir)
    sentences.index_of(doc_id, offset)          # -> sentence index

The benchmark data is never copied into the repository: callers pass paths
and write corpora to temporary directories.
"""

from __future__ import annotations

import bisect
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

PARAGRAPH_SEPARATOR = "\n"


@dataclass
class Article:
    """A SQuAD article: its title, its document id and its paragraphs (context, qas)."""

    title: str
    doc_id: str
    paragraphs: list[dict]


@dataclass
class SquadQuestion:
    """One SQuAD question with its gold answers located in its article's document."""

    id: str
    question: str
    answers: list[str]
    doc_id: str
    is_impossible: bool = False
    # answer_start of each gold answer, as a character offset in the document text
    starts: list[int] = field(default_factory=list)
    paragraph: int = 0


def slugify(title: str) -> str:
    """Return a file-name-safe id for a title: ASCII, lower case, words joined by '-'.

    >>> slugify("Fresno,_California")
    'fresno-california'
    """
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "article"


def load_squad(path_or_data) -> list[Article]:
    """Read a SQuAD v1.1 or v2.0 json (a path or the parsed dict) into articles with unique ids."""
    if isinstance(path_or_data, dict):
        data = path_or_data
    else:
        data = json.loads(Path(path_or_data).read_text(encoding="utf-8"))
    articles, seen = [], set()
    for number, entry in enumerate(data["data"]):
        slug = slugify(entry.get("title") or f"article-{number}")
        doc_id, n = slug, 2
        while doc_id in seen:
            doc_id, n = f"{slug}-{n}", n + 1
        seen.add(doc_id)
        articles.append(Article(entry.get("title", doc_id), doc_id, entry["paragraphs"]))
    return articles


def _locate(context: str, text: str, start: int) -> int:
    """Return the answer's start in the paragraph, fixing the rare misplaced answer_start."""
    if context[start:start + len(text)] == text:
        return start
    found = [m.start() for m in re.finditer(re.escape(text), context)] if text else []
    if not found:
        return start
    return min(found, key=lambda s: abs(s - start))


def document_text(article: Article) -> str:
    """Return the document text of an article: its contexts joined by a line break."""
    return PARAGRAPH_SEPARATOR.join(p["context"] for p in article.paragraphs)


def article_questions(article: Article) -> list[SquadQuestion]:
    """Return the questions of an article, gold starts mapped to document offsets."""
    questions, offset = [], 0
    for number, paragraph in enumerate(article.paragraphs):
        context = paragraph["context"]
        for qa in paragraph["qas"]:
            golds = qa.get("answers", [])
            impossible = bool(qa.get("is_impossible", False))
            questions.append(
                SquadQuestion(
                    id=qa["id"],
                    question=qa["question"],
                    answers=[] if impossible else [a["text"] for a in golds],
                    doc_id=article.doc_id,
                    is_impossible=impossible,
                    starts=[] if impossible else [offset + _locate(context, a["text"], a["answer_start"]) for a in golds],
                    paragraph=number,
                )
            )
        offset += len(context) + len(PARAGRAPH_SEPARATOR)
    return questions


def write_corpus(articles: list[Article], corpus_dir) -> list[SquadQuestion]:
    """Write each article as `<doc_id>.txt` into corpus_dir; return all their questions."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    questions = []
    for article in articles:
        # newline="" writes the text byte for byte, so offsets stay exact.
        with open(corpus_dir / f"{article.doc_id}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(document_text(article))
        questions.extend(article_questions(article))
    return questions


def replicate(corpus_dir, n: int, dest=None) -> list[str]:
    """Make every document of corpus_dir exist n times under distinct ids.

    Without dest the copies are added to corpus_dir itself (the originals count
    as the first copy); with dest, n copies of each document are written there.
    Copy k of `doc.txt` is `doc--k.txt`. Returns the ids of all the documents.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    corpus_dir = Path(corpus_dir)
    sources = sorted(p for p in corpus_dir.glob("*.txt") if p.is_file())
    ids = []
    if dest is None:
        for path in sources:
            ids.append(path.stem)
            for k in range(1, n):
                target = corpus_dir / f"{path.stem}--{k}.txt"
                shutil.copyfile(path, target)
                ids.append(target.stem)
    else:
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        for path in sources:
            for k in range(n):
                target = dest / f"{path.stem}--{k}.txt"
                shutil.copyfile(path, target)
                ids.append(target.stem)
    return ids


def percentile(values, q: float) -> float:
    """Return the q-th percentile (0-100) of values by linear interpolation; nan if empty."""
    data = sorted(values)
    if not data:
        return float("nan")
    position = (len(data) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


def sentence_at(starts: list[int], ends: list[int], offset: int) -> int | None:
    """Return the position of the span holding offset in sorted (start, end) spans.

    An offset in the white space between two sentences belongs to the one
    before; an offset before the first sentence or past the end to none.
    """
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return None
    if i == len(starts) - 1 and offset >= ends[i]:
        return None
    return i


class DocumentSentences:
    """The pipeline's sentences of each document, to map document offsets to sentences."""

    def __init__(self, corpus_dir=None, texts: dict[str, str] | None = None):
        self.corpus_dir = Path(corpus_dir) if corpus_dir is not None else None
        self.texts = dict(texts or {})
        self._cache: dict[str, tuple[list, list[int], list[int]]] = {}
        self._splitter = None  # the rule set's sentence splitter, loaded on first use

    def text(self, doc_id: str) -> str:
        if doc_id not in self.texts:
            self.texts[doc_id] = (self.corpus_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        return self.texts[doc_id]

    def sentences(self, doc_id: str):
        """Return the qa.text.Sentence list of a document (cached)."""
        if doc_id not in self._cache:
            if self._splitter is None:
                from qa.rules import load_rules

                self._splitter = load_rules().lexicon.splitter
            sentences = self._splitter.split(doc_id, self.text(doc_id).lstrip("\ufeff"))
            self._cache[doc_id] = (sentences, [s.start for s in sentences], [s.end for s in sentences])
        return self._cache[doc_id][0]

    def index_of(self, doc_id: str, offset: int) -> int | None:
        """Return the index of the sentence of doc_id holding a character offset."""
        self.sentences(doc_id)
        sentences, starts, ends = self._cache[doc_id]
        position = sentence_at(starts, ends, offset)
        return None if position is None else sentences[position].index

    def span(self, doc_id: str, index: int) -> tuple[int, int]:
        """Return the (start, end) document offsets of a sentence."""
        sentence = self.sentences(doc_id)[index]
        return sentence.start, sentence.end


def sentence_hit(sentences: DocumentSentences, question: SquadQuestion, doc_id: str | None, index: int | None) -> bool:
    """Tell whether the answer's sentence (doc_id, index) holds a gold answer's start."""
    if doc_id is None or index is None or doc_id != question.doc_id or not question.starts:
        return False
    return any(sentences.index_of(doc_id, s) == index for s in question.starts)
