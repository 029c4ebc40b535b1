"""Gazetteer look-ups: countries, capitals, cities, regions and demonyms."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa.rulefiles import RuleFiles

COUNTRIES = "gazetteer/countries.txt"
CITIES = "gazetteer/cities.txt"
REGIONS = "gazetteer/regions.txt"
MAX_WORDS = 6  # the longest place name, in words ("Saint Vincent and the Grenadines")
TOKEN = re.compile(r"[\w\u2019'.-]+")
AMBIGUOUS_ACRONYM = 3  # upper-case aliases this short ("US", "UK") are ordinary words in lower case
PLACE_CACHE = 65536  # texts whose places are remembered: sentences are looked up again and again


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


def _bare(word: str) -> str:
    return re.sub(r"['\u2019]s?$", "", word.rstrip(".,-"))


class Gazetteer:
    """Place names and demonyms from rules/gazetteer/, with look-ups in running text."""

    def __init__(self, files: RuleFiles):
        countries, cities, regions = files.lines(COUNTRIES), files.lines(CITIES), files.lines(REGIONS)
        self.entries: dict[str, Place] = self._table(countries, cities, regions)
        self._countries = {fields[0][0]: fields for fields in countries}
        self._ambiguous = self._short_acronyms(countries, cities, regions)
        words = {key.split()[0] for key in self.entries}
        # "American" in "South American" starts nothing, but "south" does; one-word adjectives ("American") need this.
        words |= {key + "n" for key in self.entries if " " not in key}
        self._first_words = frozenset(words)
        self._find = functools.lru_cache(maxsize=PLACE_CACHE)(self._find_places)
        self.places = functools.lru_cache(maxsize=PLACE_CACHE)(self._places)

    @staticmethod
    def _table(countries, cities, regions) -> dict[str, Place]:
        table: dict[str, Place] = {}

        def add(names, place, overwrite=False):
            for name in names:
                key = _key(name.split())
                if overwrite or key not in table:
                    table[key] = place

        # Regions first so that countries and cities with the same name win.
        for fields in regions:
            add(fields[0], Place(fields[0][0], "REGION", None))
        for fields in cities:
            country = fields[1][0] if len(fields) > 1 and fields[1] else None
            add(fields[0], Place(fields[0][0], "CITY", country), overwrite=True)
        for fields in countries:
            country = fields[0][0]
            if len(fields) > 2 and fields[2]:
                add(fields[2], Place(country, "DEMONYM", country))
            if len(fields) > 1 and fields[1]:
                add(fields[1], Place(fields[1][0], "CITY", country, capital=True), overwrite=True)
            add(fields[0], Place(country, "COUNTRY", country), overwrite=True)
        return table

    @staticmethod
    def _short_acronyms(countries, cities, regions) -> frozenset[str]:
        names = set()
        for entries, columns in ((countries, 2), (cities, 1), (regions, 1)):
            for fields in entries:
                for field in fields[:columns]:
                    for name in field:
                        bare = name.replace(".", "")
                        if bare.isupper() and len(bare) <= AMBIGUOUS_ACRONYM:
                            names.add(name.lower())
        return frozenset(names)

    def get(self, name: str) -> Place | None:
        """Return the place a lower-case name or demonym stands for, or None."""
        return self.entries.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def country_names(self, country: str) -> tuple[str, ...]:
        """Return every name and demonym of a country, canonical name first."""
        fields = self._countries.get(country)
        if fields is None:
            return (country,)
        return tuple(fields[0]) + (tuple(fields[2]) if len(fields) > 2 and fields[2] else ())

    def _lookup(self, text, start, end):
        # Try the span as written ("U.S."), then without trailing punctuation or a possessive.
        surface = text[start:end]
        bare = _bare(surface)
        for candidate in (surface, surface.rstrip(".,'\u2019-"), bare):
            key = _key(candidate.split())
            if candidate and key in self.entries:
                return start + len(candidate), key, self.entries[key]
        # "South American": an adjective made from a place name stands for the place.
        if len(bare) > 4 and bare.endswith("n") and bare[0].isupper():
            place = self.entries.get(_key(bare[:-1].split()))
            if place is not None and place.kind in ("COUNTRY", "REGION"):
                return start + len(bare), _key(bare.split()), Place(bare, "DEMONYM", place.country or place.name)
        return None

    def find_places(self, text: str, case_sensitive: bool = False) -> tuple[PlaceMatch, ...]:
        """Return the longest non-overlapping gazetteer names in a text, left to right.

        With case_sensitive, a name must start with a capital letter as written in
        running text; otherwise ("who is the president of peru") any case
        matches except short acronyms such as "us".
        """
        return self._find(text, case_sensitive)

    def _find_places(self, text: str, case_sensitive: bool) -> tuple[PlaceMatch, ...]:
        tokens = [m.span() for m in TOKEN.finditer(text)]
        first_words = self._first_words
        found, i = [], 0
        while i < len(tokens):
            # Most words start no place name: skip them before trying any n-gram.
            first = text[tokens[i][0] : tokens[i][1]].lower().replace("\u2019", "'")
            if first not in first_words and first.rstrip(".,'-") not in first_words and _bare(first) not in first_words:
                i += 1
                continue
            for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                match = self._lookup(text, start, end)
                if match is None:
                    continue
                end, key, place = match
                surface = text[start:end]
                if case_sensitive and not surface[0].isupper():
                    continue
                if not case_sensitive and surface.islower() and key in self._ambiguous:
                    continue
                found.append(PlaceMatch(start, end, surface, place))
                i += n - 1
                break
            i += 1
        return tuple(found)

    def _places(self, text: str) -> frozenset[str]:
        """Return the countries and places a text names, demonyms mapped to their country."""
        return frozenset(m.place.country or m.place.name for m in self.find_places(text))

    def place_names(self, text: str) -> frozenset[str]:
        """Return the canonical names of the places a text names ("USA" -> "United States")."""
        return frozenset(m.place.name if m.place.kind != "DEMONYM" else m.place.country for m in self.find_places(text))
