"""Gazetteer look-ups: countries, capitals, cities, regions and demonyms."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa.rules import read_lines

COUNTRIES = "gazetteer/countries.txt"
CITIES = "gazetteer/cities.txt"
REGIONS = "gazetteer/regions.txt"
MAX_WORDS = 6
TOKEN = re.compile(r"[\w\u2019'.-]+")


@dataclass(frozen=True)
class Place:
    """A gazetteer entry found in a text: canonical name, kind and country."""

    name: str
    kind: str  # COUNTRY, CITY, REGION or DEMONYM
    country: str | None
    capital: bool = False


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found at a character span of a text."""

    start: int
    end: int
    text: str
    place: Place


def _key(words: list[str]) -> str:
    return " ".join(words).lower().replace("\u2019", "'")


@functools.cache
def entries() -> dict[str, Place]:
    """Return every place name and demonym, lower-cased, mapped to its Place."""
    table: dict[str, Place] = {}

    def add(names, place, overwrite=False):
        for name in names:
            key = _key(name.split())
            if overwrite or key not in table:
                table[key] = place

    # Regions first so that countries and cities with the same name win.
    for fields in read_lines(REGIONS):
        add(fields[0], Place(fields[0][0], "REGION", None))
    for fields in read_lines(CITIES):
        country = fields[1][0] if len(fields) > 1 and fields[1] else None
        add(fields[0], Place(fields[0][0], "CITY", country), overwrite=True)
    for fields in read_lines(COUNTRIES):
        country = fields[0][0]
        if len(fields) > 2 and fields[2]:
            add(fields[2], Place(country, "DEMONYM", country))
        if len(fields) > 1 and fields[1]:
            add(fields[1], Place(fields[1][0], "CITY", country, capital=True), overwrite=True)
        add(fields[0], Place(country, "COUNTRY", country), overwrite=True)
    return table


@functools.cache
def _ambiguous_lowercase() -> frozenset[str]:
    # Short upper-case aliases ("US", "UK") are ordinary words in lower case.
    names = set()
    for path in (COUNTRIES, CITIES, REGIONS):
        for fields in read_lines(path):
            for field in fields[:2] if path == COUNTRIES else fields[:1]:
                for name in field:
                    if name.replace(".", "").isupper() and len(name.replace(".", "")) <= 3:
                        names.add(name.lower())
    return frozenset(names)


def _lookup(table, text, start, end):
    # Try the span as written ("U.S."), then without trailing punctuation or a possessive.
    surface = text[start:end]
    bare = re.sub(r"['\u2019]s?$", "", surface.rstrip(".,-"))
    for candidate in (surface, surface.rstrip(".,'\u2019-"), bare):
        key = _key(candidate.split())
        if candidate and key in table:
            return start + len(candidate), key, table[key]
    # "South American": an adjective made from a place name stands for the place.
    if len(bare) > 4 and bare.endswith("n") and bare[0].isupper():
        place = table.get(_key(bare[:-1].split()))
        if place is not None and place.kind in ("COUNTRY", "REGION"):
            return start + len(bare), _key(bare.split()), Place(bare, "DEMONYM", place.country or place.name)
    return None


def find_places(text: str, case_sensitive: bool = False) -> list[PlaceMatch]:
    """Return the longest non-overlapping gazetteer names in a text, left to right.

    With case_sensitive, a name must start with a capital letter as written in
    running text; otherwise ("who is the president of peru") any case
    matches except short acronyms such as "us".
    """
    return list(_find_places(text, case_sensitive))


@functools.lru_cache(maxsize=65536)
def _find_places(text: str, case_sensitive: bool) -> tuple[PlaceMatch, ...]:
    table, first_words = entries(), _first_words()
    tokens = [m.span() for m in TOKEN.finditer(text)]
    found, i = [], 0
    while i < len(tokens):
        # Most words start no place name: skip them before trying any n-gram.
        first = text[tokens[i][0] : tokens[i][1]].lower().replace("\u2019", "'")
        if first not in first_words and first.rstrip(".,'-") not in first_words and _bare(first) not in first_words:
            i += 1
            continue
        for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            match = _lookup(table, text, start, end)
            if match is None:
                continue
            end, key, place = match
            surface = text[start:end]
            if case_sensitive and not surface[0].isupper():
                continue
            if not case_sensitive and surface.islower() and key in _ambiguous_lowercase():
                continue
            found.append(PlaceMatch(start, end, surface, place))
            i += n - 1
            break
        i += 1
    return tuple(found)


def _bare(word: str) -> str:
    return re.sub(r"['\u2019]s?$", "", word.rstrip(".,-"))


@functools.cache
def _first_words() -> frozenset[str]:
    """Return the first word of every name, and of the places adjectives are made from."""
    words = {key.split()[0] for key in entries()}
    # "American" in "South American" starts nothing, but "south" does; one-word adjectives ("American") need this.
    words |= {key + "n" for key in entries() if " " not in key}
    return frozenset(words)


def country_names(country: str) -> tuple[str, ...]:
    """Return every name and demonym of a country, canonical name first."""
    for fields in read_lines(COUNTRIES):
        if fields[0][0] == country:
            return tuple(fields[0]) + (tuple(fields[2]) if len(fields) > 2 and fields[2] else ())
    return (country,)
