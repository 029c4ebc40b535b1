"""Part-of-speech lexicon and chunker from textblob's Pattern port (shipped in its wheel)."""

from __future__ import annotations

import functools
import warnings

import textblob.en


@functools.cache
def _loaded() -> bool:
    # textblob reads its lexicon files without closing them; the warning is
    # theirs, raised once at load, and says nothing about our code.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        textblob.en.lexicon.get("the")
        textblob.en.parse("The load warms every table.", chunks=True)
    return True


def lexicon_tag(word: str) -> str | None:
    """Return the Brill lexicon's part-of-speech tag of a word, or None if unknown."""
    _loaded()
    return textblob.en.lexicon.get(word)


def chunk(text: str) -> list[list[list[str]]]:
    """Return Pattern's tagged and chunked sentences: [word, tag, chunk, pnp] per token."""
    _loaded()
    return textblob.en.parse(text, chunks=True, relations=False, lemmata=False).split()
