"""Corpus files: front matter read strictly, written so that the text reads back unchanged; ids; atomic writes."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.corpus import (
    INCOMING,
    DigestCache,
    DocumentError,
    clean_incoming,
    corpus_files,
    display_title,
    parse,
    read_corpus,
    remove_document,
    render,
    split_front_matter,
    validate_date,
    validate_id,
    validate_source,
    validate_text,
    validate_title,
    write_document,
)


def test_a_document_with_metadata_is_written_with_front_matter_and_reads_back():
    data = render("The port reopened.\n", title="Port reopens", date="2024-05-01", source="https://example.com/a")
    assert data.decode() == "---\ntitle: Port reopens\ndate: 2024-05-01\nsource: https://example.com/a\n---\nThe port reopened.\n"
    document = parse("port", data)
    assert (document.text, document.title, document.date, document.source) == (
        "The port reopened.\n", "Port reopens", "2024-05-01", "https://example.com/a"
    )


def test_a_plain_text_without_metadata_is_written_as_is():
    assert render("The port reopened.") == b"The port reopened."
    assert parse("port", b"The port reopened.").title is None


@pytest.mark.parametrize("text", ["---\nThe port reopened.", "---\r\nx", "---", "\ufeffA text with a byte order mark.",
                                  "---\ntitle: Not metadata\n---\nbody"])
def test_a_text_that_would_look_like_front_matter_is_written_behind_an_empty_block(text):
    data = render(text)
    assert data.startswith(b"---\n---\n")
    assert parse("x", data).text == text and parse("x", data).title is None


@pytest.mark.parametrize(
    "raw",
    [
        "---\ntitle: x\n",  # never closed
        "---\nauthor: Jane\n---\nbody",  # an unknown key
        "---\ntitle: a\ntitle: b\n---\nbody",  # a key twice
        "---\ndate: 2024-13-45\n---\nbody",  # not a date
        "---\ntitle:  padded\n---\nbody",  # would not read back as written
        "--- \ntitle: x\n---\nbody",  # the fence is exactly three dashes
        "----\ntitle: x\n---\nbody",
        "\n---\ntitle: x\n---\nbody",  # not on the first line
        "---\ntitle x\n---\nbody",  # no ": "
    ],
)
def test_front_matter_is_recognised_strictly_or_the_whole_file_is_text(raw):
    assert split_front_matter(raw) == ({}, raw)
    assert parse("x", raw.encode()).text == raw


def test_carriage_returns_are_tolerated_in_front_matter():
    assert split_front_matter("---\r\ntitle: Storm\r\n---\r\nbody\r\n") == ({"title": "Storm"}, "body\r\n")


LINE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda t: t.strip() and len((t + "x").splitlines()) == 1 and not any(ord(c) < 32 and c != "\t" or c == "\x7f" for c in t)
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
    title=st.none() | LINE,
    date=st.none() | st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10),
    source=st.none() | LINE,
)
def test_any_text_and_metadata_read_back_exactly(text, title, date, source):
    title = title.strip() if title else None
    source = source.strip() if source else None
    document = parse("doc", render(text, title, date, source))
    assert document.text == text
    assert (document.title, document.date, document.source) == (title, date, source)


@pytest.mark.parametrize("doc_id", ["a", "article-1", "2024.05.01_storm", "x" * 100, "0"])
def test_valid_ids(doc_id):
    assert validate_id(doc_id) == doc_id


@pytest.mark.parametrize(
    "doc_id",
    ["", "../x", "..", ".", ".hidden", "-dash", "_under", "CON", "Upper", "a/b", "a\\b", "a b", "a\x00", "é", "x" * 101,
     "a\n", None, 7, "naïve", "a:b", "\u0661"],
)
def test_invalid_ids(doc_id):
    with pytest.raises(DocumentError) as raised:
        validate_id(doc_id)
    assert raised.value.code == "invalid_doc_id"


@pytest.mark.parametrize(
    "text, code",
    [(b"caf\xe9", "invalid_text"), (b"a\x00b", "invalid_text"), ("a\x00b", "invalid_text"), ("bell\x07", "invalid_text"),
     ("del\x7f", "invalid_text"), ("lone \ud800", "invalid_text"), (b"\xff\xfe", "invalid_text"), (5, "invalid_text"),
     (None, "invalid_text"), ("", "empty_text"), (" \n\t\r\x0b\x0c\u3000", "empty_text"), (b"", "empty_text")],
)
def test_texts_that_are_refused(text, code):
    with pytest.raises(DocumentError) as raised:
        validate_text(text)
    assert raised.value.code == code


def test_texts_that_are_accepted():
    assert validate_text("Tabs\tand\nlines\r\n and form feeds\x0c.") == "Tabs\tand\nlines\r\n and form feeds\x0c."
    assert validate_text("Ünïcödé ✓ 東京".encode()) == "Ünïcödé ✓ 東京"


def test_the_size_limit_counts_bytes():
    from qa.corpus import MAX_DOCUMENT_BYTES

    assert validate_text(b"a" * MAX_DOCUMENT_BYTES)
    with pytest.raises(DocumentError) as raised:
        validate_text("é" * (MAX_DOCUMENT_BYTES // 2 + 1))
    assert raised.value.status == 413


def test_metadata_validation():
    assert validate_title("  Storm  ") == "Storm"
    assert validate_source("https://example.com") == "https://example.com"
    assert validate_date("2024-02-29") == "2024-02-29"
    for bad in ("", "   ", "two\nlines", "a\u2028b", "x" * 301, 5, "nul\x00"):
        with pytest.raises(DocumentError):
            validate_title(bad)
    for bad in ("2023-02-29", "2024-5-1", "20240501", "2024-05-01T00:00", "yesterday", 20240501):
        with pytest.raises(DocumentError):
            validate_date(bad)


@pytest.mark.parametrize(
    "title, text, shown",
    [("Given", "Whatever.", "Given"), (None, "Storm closes the port\n\nThe port closed.", "Storm closes the port"),
     (None, "The port closed on Monday. Ships waited.", None), (None, "\n\n  Short headline  \nbody", "Short headline"),
     (None, "x" * 151 + "\nbody", None), (None, "", None), (None, "---\nbody", None), (None, "* * *\nbody", None)],
)
def test_the_title_shown_is_the_given_one_or_a_headline(title, text, shown):
    assert display_title(title, text) == shown


def test_writes_and_removals_are_atomic_and_leave_no_staged_files(tmp_path):
    assert write_document(tmp_path, "one", b"first") is False
    assert write_document(tmp_path, "one", b"second") is True
    assert (tmp_path / "one.txt").read_bytes() == b"second"
    assert list((tmp_path / INCOMING).iterdir()) == []
    assert [p.name for p in corpus_files(tmp_path)] == ["one.txt"]
    assert remove_document(tmp_path, "one") is True
    assert remove_document(tmp_path, "one") is False
    assert corpus_files(tmp_path) == [] and list((tmp_path / INCOMING).iterdir()) == []


def test_stale_staged_files_are_cleaned_but_fresh_ones_kept(tmp_path):
    incoming = tmp_path / INCOMING
    incoming.mkdir()
    (incoming / "old.1.tmp").write_text("x")
    (incoming / "new.2.tmp").write_text("y")
    os.utime(incoming / "old.1.tmp", (0, 0))
    assert clean_incoming(tmp_path) == ["old.1.tmp"]
    assert [p.name for p in incoming.iterdir()] == ["new.2.tmp"]


def test_the_digest_cache_hashes_again_only_what_changed(tmp_path, monkeypatch):
    write_document(tmp_path, "a", b"one")
    write_document(tmp_path, "b", b"two")
    cache = DigestCache()
    first = cache.digests(tmp_path)
    import qa.corpus

    hashed = []
    real = qa.corpus.digest
    monkeypatch.setattr(qa.corpus, "digest", lambda data: hashed.append(data) or real(data))
    assert cache.digests(tmp_path) == first and hashed == []
    write_document(tmp_path, "b", b"three")
    assert cache.digests(tmp_path)["b"] != first["b"] and hashed == [b"three"]


def test_read_corpus_skips_what_it_cannot_read(tmp_path):
    (tmp_path / "good.txt").write_text("---\ntitle: Fine\n---\nAlice lives in Paris.")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9")
    documents, skipped = read_corpus(tmp_path)
    assert [(d.id, d.title, d.text) for d in documents] == [("good", "Fine", "Alice lives in Paris.")]
    assert [(s.path, s.reason) for s in skipped] == [("bad.txt", "not valid UTF-8 at byte 3")]
