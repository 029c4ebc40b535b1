"""Measure value-reading libraries against qa/values.py on the value corpus (rules/values.toml).

The corpus holds every span of the entity rules' examples (rules/entities.toml) with its exact
value, and the issue's edge cases. Each library reads the same texts through a small adapter
that maps its output onto our value shapes (its unit names and currency signs onto our symbols
and ISO codes); a reading is correct when its core fields equal the corpus value:
amount and currency (money), amount (percent, multiple, number, age), amount and unit
(quantity), iso or its absence (date, duration). Hedges, bounds and qualifiers are not scored
(no library gives them); qa.values is shown with them too.

Run it where the libraries are installed, never in the project's venv (see docs/values.md):

    python3 -m venv /tmp/values-venv
    /tmp/values-venv/bin/pip install word2number==1.1 price-parser==0.5.1 dateparser==1.5.0 \\
        pint==0.25.3 quantulum3==0.10.0 number-parser==0.3.2 text2num==3.1.0 ctparse==0.3.6
    /tmp/values-venv/bin/python bench/values_libraries.py
    # recognizers-text-suite needs an old emoji: a venv of its own
    python3 -m venv /tmp/values-venv-rt
    /tmp/values-venv-rt/bin/pip install recognizers-text-suite==1.0.2a2 emoji==1.7.0
    /tmp/values-venv-rt/bin/python bench/values_libraries.py

A library that is not installed is listed as such; with none installed only qa.values is measured.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import json
import logging
import re
import socket
import sys
import time
import tomllib
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.rulefiles import RuleFiles  # noqa: E402
from qa.rules import RULES_DIR  # noqa: E402
from qa.values import _corpus, load_values as load_values_from  # noqa: E402


def load_values(root):
    return load_values_from(RuleFiles(root))


def parse_rule_file(root, name, required):
    return RuleFiles(root).rules(name, required)

BRACKETS = re.compile(r"\[\[(.+?)\]\]")
# Timing: each library reads the applicable corpus this many times after one warm-up pass.
REPEATS = 3
# A reading slower than this (seconds) is cut short by the libraries that take a timeout.
TIMEOUT = 1.0
# Fields compared per kind (hedges, bounds, qualifiers are ours alone).
CORE = {
    "money": ("amount", "currency"),
    "percent": ("amount",),
    "multiple": ("amount",),
    "number": ("amount", "ordinal"),
    "age": ("amount",),
    "quantity": ("amount", "unit"),
    "date": ("iso",),
    "duration": ("iso",),
}
# Signs and currency words a library may return, as ISO codes (a generous, general mapping).
CURRENCY = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "british pound": "GBP",
    "¥": "JPY", "yen": "JPY", "japanese yen": "JPY", "c$": "CAD", "canadian dollar": "CAD", "a$": "AUD",
    "australian dollar": "AUD", "hk$": "HKD", "hong kong dollar": "HKD", "nz$": "NZD", "new zealand dollar": "NZD",
    "s$": "SGD", "singapore dollar": "SGD", "r$": "BRL", "brazilian real": "BRL", "₹": "INR", "rs": "INR",
    "rupee": "INR", "rupees": "INR", "indian rupee": "INR", "₽": "RUB", "ruble": "RUB", "rubles": "RUB", "russian ruble": "RUB",
    "kr": "SEK", "kronor": "SEK", "krona": "SEK", "swedish krona": "SEK", "krone": "NOK", "kroner": "NOK",
    "norwegian krone": "NOK", "danish krone": "DKK", "franc": "CHF", "francs": "CHF", "swiss franc": "CHF",
    "peso": "MXN", "pesos": "MXN", "mexican peso": "MXN", "pence": "GBP", "penny": "GBP", "cent": "USD", "cents": "USD",
    "shekel": "ILS", "shekels": "ILS", "naira": "NGN", "nigerian naira": "NGN", "sek": "SEK", "dkk": "DKK",
}
# Unit names and symbols a library may return, as our symbols.
UNIT = {
    "km": "km", "kilometer": "km", "kilometre": "km", "mi": "mi", "mile": "mi", "m": "m", "meter": "m", "metre": "m",
    "ft": "ft", "foot": "ft", "t": "t", "ton": "t", "tonne": "t", "metric_ton": "t", "metric ton": "t", "kg": "kg",
    "kilogram": "kg", "lb": "lb", "pound": "lb", "pound-mass": "lb", "mph": "mph", "mile per hour": "mph",
    "mile_per_hour": "mph", "km/h": "km/h", "kph": "km/h", "kilometer per hour": "km/h", "kilometre per hour": "km/h",
    "kilometer_per_hour": "km/h", "knot": "kn", "kn": "kn", "kt": "kn", "°c": "°C", "degc": "°C", "c": "°C",
    "degree celsius": "°C", "degree_celsius": "°C", "°f": "°F", "degf": "°F", "f": "°F", "degree fahrenheit": "°F",
    "degree_fahrenheit": "°F", "km2": "km2", "km²": "km2", "km ** 2": "km2", "square kilometer": "km2",
    "square kilometre": "km2", "ha": "ha", "hectare": "ha", "acre": "acre", "bbl": "bbl", "barrel": "bbl",
    "oil_barrel": "bbl", "l": "l", "liter": "l", "litre": "l",
}
DURATION = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "TH", "minute": "TM", "second": "TS", "decade": "10Y"}


HELD_OUT = Path(__file__).resolve().parent / "values_heldout.toml"


def held_out():
    """Return the held-out examples (bench/values_heldout.toml) in the corpus's form."""
    data = tomllib.loads(HELD_OUT.read_text(encoding="utf-8"))
    return [(e.text, e.label, e.context, dict(e.value), False) for e in _corpus(data, "example", "bench/values_heldout.toml")]


def corpus():
    """Return (text, label, context, value, from_entities) for every corpus example."""
    rules = load_values(RULES_DIR)
    spans = set()
    for rule in parse_rule_file(RULES_DIR, "entities.toml", ("label", "confidence")):
        for example in rule.examples:
            match = BRACKETS.search(example)
            spans.add((match.group(1) if match else example, rule.get("label")))
    return rules, [(e.text, e.label, e.context, dict(e.value), (e.text, e.label) in spans) for e in rules.examples]


def correct(got, want) -> bool:
    """Return whether a reading's core fields equal the corpus value's."""
    if not got or got.get("kind") != want["kind"]:
        return False
    for key in CORE[want["kind"]]:
        a, b = got.get(key), want.get(key)
        if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float)):
            if abs(float(a) - b) > 0.01 * max(1.0, abs(b)) * 1e-3:
                return False
        elif a != b:
            return False
    return True


def number(value) -> int | float | None:
    """Return a library's number as a JSON number."""
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def plain_number(text: str):
    """The digits fallback every number library gets: '2,850' -> 2850."""
    try:
        return number(Decimal(text.replace(",", "")))
    except Exception:
        return None


def doc_datetime(context) -> datetime.datetime:
    """The reference time a date library resolves against: the document's date, else now (as they do)."""
    if context and context.doc_date:
        return datetime.datetime.combine(context.doc_date, datetime.time())
    return datetime.datetime.now()


def iso_of(year=None, month=None, day=None) -> str | None:
    if not year:
        return None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")


def duration_iso(amount, unit: str) -> str | None:
    code = DURATION.get(unit.rstrip("s").lower())
    if code is None or amount is None:
        return None
    if code == "10Y":
        amount, code = Decimal(str(amount)) * 10, "Y"
    text = format(Decimal(str(amount)).normalize(), "f")
    return f"P{code[:-1]}{text}{code[-1]}"


# --- adapters: (module to import, kinds it reads, factory returning read(text, label, context)) ---


def adapt_word2number():
    from word2number import w2n

    def read(text, label, context):
        try:
            return {"kind": "number", "amount": number(w2n.word_to_num(text))}
        except Exception:
            amount = plain_number(text)
            return {"kind": "number", "amount": amount} if amount is not None else None

    return read


def adapt_number_parser():
    from number_parser import parse_number, parse_ordinal

    def read(text, label, context):
        if label == "ORDINAL":
            found = parse_ordinal(text)
            return {"kind": "number", "amount": found, "ordinal": True} if found is not None else None
        found = parse_number(text)
        found = number(found) if found is not None else plain_number(text)
        return {"kind": "number", "amount": found} if found is not None else None

    return read


def adapt_text2num():
    from text_to_num import text2num

    def read(text, label, context):
        try:
            return {"kind": "number", "amount": text2num(text, "en")}
        except Exception:
            amount = plain_number(text)
            return {"kind": "number", "amount": amount} if amount is not None else None

    return read


def adapt_price_parser():
    from price_parser import Price

    def read(text, label, context):
        price = Price.fromstring(text)
        if price.amount is None:
            return None
        currency = (price.currency or "").strip().lower()
        iso = currency.upper() if re.fullmatch(r"[a-z]{3}", currency) and currency.upper() in CURRENCY.values() else CURRENCY.get(currency)
        return {"kind": "money", "amount": number(price.amount), "currency": iso}

    return read


def adapt_dateparser():
    from dateparser.date import DateDataParser

    parsers = {}

    def read(text, label, context):
        base = doc_datetime(context)
        parser = parsers.get(base) or parsers.setdefault(
            base, DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
        )
        data = parser.get_date_data(text)
        when = data.date_obj
        if when is None:
            return None
        if data.period == "year":
            return {"kind": "date", "iso": iso_of(when.year)}
        if data.period == "month":
            return {"kind": "date", "iso": iso_of(when.year, when.month)}
        if data.period == "week":
            year, week, _ = when.isocalendar()
            return {"kind": "date", "iso": f"{year:04d}-W{week:02d}"}
        return {"kind": "date", "iso": iso_of(when.year, when.month, when.day)}

    return read


def adapt_ctparse():
    from ctparse import ctparse

    def read(text, label, context):
        found = ctparse(text, ts=doc_datetime(context), timeout=TIMEOUT)
        resolution = getattr(found, "resolution", None)
        year = getattr(resolution, "year", None)
        if year is None:
            return None
        return {"kind": "date", "iso": iso_of(year, getattr(resolution, "month", None), getattr(resolution, "day", None))}

    return read


def adapt_pint():
    import pint

    registry = pint.UnitRegistry()

    def read(text, label, context):
        quantity = registry.parse_expression(text.replace(",", ""))
        if not hasattr(quantity, "units"):
            return None
        name, symbol = str(quantity.units), f"{quantity.units:~}"
        if name == "percent":
            return {"kind": "percent", "amount": number(quantity.magnitude)}
        if name in DURATION:
            return {"kind": "duration", "iso": duration_iso(quantity.magnitude, name)}
        unit = UNIT.get(symbol.lower()) or UNIT.get(name.lower())
        return {"kind": "quantity", "amount": number(quantity.magnitude), "unit": unit or symbol}

    return read


def adapt_quantulum3():
    from quantulum3 import parser

    def read(text, label, context):
        found = parser.parse(text)
        if not found:
            return None
        quantity = found[0]
        unit, entity = quantity.unit, quantity.unit.entity.name
        amount = number(quantity.value)
        if entity == "currency":
            return {"kind": "money", "amount": amount, "currency": getattr(unit, "currency_code", None) or CURRENCY.get(unit.name)}
        if unit.name == "percentage":
            return {"kind": "percent", "amount": amount}
        if entity == "dimensionless":
            return {"kind": "number", "amount": amount}
        if entity == "time":
            return {"kind": "duration", "iso": duration_iso(quantity.value, unit.name)}
        symbol = UNIT.get(unit.name.lower()) or next((UNIT[s.lower()] for s in unit.symbols if s.lower() in UNIT), unit.name)
        return {"kind": "quantity", "amount": amount, "unit": symbol}

    return read


def adapt_recognizers():
    from recognizers_date_time import DateTimeOptions
    from recognizers_suite import (
        Culture, recognize_age, recognize_currency, recognize_datetime, recognize_dimension,
        recognize_number, recognize_ordinal, recognize_percentage, recognize_temperature,
    )

    english = Culture.English

    def first(results):
        return max(results, key=lambda r: len(r.text), default=None)

    def read(text, label, context):
        if label == "MONEY":
            found = first(recognize_currency(text, english))
            if found is None:
                return None
            iso = found.resolution.get("isoCurrency") or CURRENCY.get(found.resolution.get("unit", "").lower())
            return {"kind": "money", "amount": number(found.resolution.get("value")), "currency": iso}
        if label in ("PERCENT", "SHARE"):
            found = first(recognize_percentage(text, english))
            return {"kind": "percent", "amount": number(found.resolution["value"].rstrip("%"))} if found else None
        if label == "ORDINAL":
            found = first(recognize_ordinal(text, english))
            return {"kind": "number", "amount": number(found.resolution["value"]), "ordinal": True} if found else None
        if label == "NUMBER":
            found = first(recognize_number(text, english))
            return {"kind": "number", "amount": number(found.resolution["value"])} if found else None
        if label == "AGE":
            found = first(recognize_age(text, english)) or first(recognize_number(text, english))
            return {"kind": "age", "amount": number(found.resolution["value"])} if found else None
        if label in ("DATE", "PERIOD"):
            found = first(recognize_datetime(text, english, DateTimeOptions.NONE, doc_datetime(context)))
            if found is None:
                return None
            values = found.resolution.get("values") or [{}]
            value = values[-1]
            timex = value.get("timex", "")
            if value.get("type") == "duration":
                return {"kind": "duration", "iso": timex}
            if re.fullmatch(r"\d{4}(?:-\d\d(?:-\d\d)?|-W\d\d)?", timex):
                return {"kind": "date", "iso": timex}
            if value.get("type") == "date" and value.get("value"):
                return {"kind": "date", "iso": value["value"]}
            if timex.startswith("(") and timex.endswith(")"):
                return {"kind": "duration", "iso": timex.strip("()").split(",")[-1]}
            return {"kind": "date"}
        found = first(recognize_temperature(text, english) if label == "TEMPERATURE" else recognize_dimension(text, english))
        if found is None:
            return None
        unit = found.resolution.get("unit", "")
        return {"kind": "quantity", "amount": number(found.resolution.get("value")), "unit": UNIT.get(unit.lower(), unit)}

    return read


def adapt_qa_values():
    rules = load_values(RULES_DIR)

    def read(text, label, context):
        # Uncached, as the libraries are: the warm-up pass would otherwise fill the cache.
        reading = rules._read_uncached(text, label, context)
        return None if reading is None else dict(reading.value)

    return read


LIBRARIES = [
    # (distribution, import name, kinds it reads, adapter)
    ("word2number", "word2number", {"number"}, adapt_word2number),
    ("number-parser", "number_parser", {"number"}, adapt_number_parser),
    ("text2num", "text_to_num", {"number"}, adapt_text2num),
    ("price-parser", "price_parser", {"money"}, adapt_price_parser),
    ("dateparser", "dateparser", {"date"}, adapt_dateparser),
    ("ctparse", "ctparse", {"date"}, adapt_ctparse),
    ("pint", "pint", {"quantity", "percent", "duration"}, adapt_pint),
    ("quantulum3", "quantulum3", {"money", "percent", "number", "quantity", "duration"}, adapt_quantulum3),
    ("recognizers-text-suite", "recognizers_suite", set(CORE), adapt_recognizers),
]


def install_size(distribution: str) -> tuple[int, list[str]]:
    """Return the installed size (KiB) of a distribution with its dependencies, and their names."""
    seen, todo, size = set(), [distribution], 0
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen.add(name)
        size += sum((f.size or 0) for f in dist.files or ())
        todo.extend(r for r in dist.requires or () if "extra ==" not in r)
    return size // 1024, sorted(seen - {distribution})


class NetworkGuard:
    """Refuse and count every connection attempt while the libraries run (run-time downloads are forbidden)."""

    def __init__(self):
        self.attempts = []
        self._connect = socket.socket.connect

    def __enter__(self):
        guard = self

        def connect(sock, address):
            guard.attempts.append(address)
            raise OSError("network disabled by bench/values_libraries.py")

        socket.socket.connect = connect
        return self

    def __exit__(self, *exc):
        socket.socket.connect = self._connect


def measure(name, module, kinds, factory, examples):
    """Return a result row for one library, or None when it is not installed."""
    with warnings.catch_warnings(record=True) as caught, NetworkGuard() as guard:
        warnings.simplefilter("always")
        try:
            started = time.perf_counter()
            importlib.import_module(module)
            read = factory()
            setup = time.perf_counter() - started
        except ImportError:
            return None
        applicable = [e for e in examples if e[3]["kind"] in kinds]

        def safe(text, label, context):
            try:
                return read(text, label, context)
            except Exception:
                return None

        results = [safe(text, label, context) for text, label, context, _, _ in applicable]  # also the warm-up
        started = time.perf_counter()
        for _ in range(REPEATS):
            for text, label, context, _, _ in applicable:
                safe(text, label, context)
        per_call = (time.perf_counter() - started) / max(1, REPEATS * len(applicable))
    right = [correct(got, e[3]) for got, e in zip(results, applicable)]
    exact = [got is not None and json.dumps(got, sort_keys=True) == json.dumps(e[3], sort_keys=True) for got, e in zip(results, applicable)]
    by_kind = {}
    for ok, e in zip(right, applicable):
        done, total = by_kind.get(e[3]["kind"], (0, 0))
        by_kind[e[3]["kind"]] = (done + ok, total + 1)
    entity = [(ok, e) for ok, e in zip(right, applicable) if e[4]]
    try:
        version = importlib.metadata.version(name)
        size, dependencies = install_size(name)
    except importlib.metadata.PackageNotFoundError:
        version, size, dependencies = "(this tree)", 0, []
    categories = sorted({f"{w.category.__name__}: {str(w.message)[:60]}" for w in caught})
    return {
        "library": name, "version": version, "kinds": sorted(kinds), "correct": sum(right), "applicable": len(applicable),
        "exact": sum(exact), "entity_correct": sum(ok for ok, _ in entity), "entity_applicable": len(entity),
        "by_kind": by_kind, "us_per_call": per_call * 1e6, "setup_s": setup, "size_kib": size,
        "dependencies": dependencies, "warnings": categories, "network": len(guard.attempts),
        "misses": [(e[0], e[1], got) for ok, got, e in zip(right, results, applicable) if not ok][:8],
    }


def main(argv: list[str]) -> int:
    """Measure every installed library and qa.values; print Markdown tables (and JSON with --json)."""
    logging.disable(logging.WARNING)  # ctparse logs every text it cannot read
    _, examples = corpus()
    unseen = held_out()
    rows, missing = [], []
    for name, module, kinds, factory in [*LIBRARIES, ("qa.values", "qa.values", set(CORE), adapt_qa_values)]:
        row = measure(name, module, kinds, factory, examples)
        if row is None:
            missing.append(name)
            continue
        row["held_out"] = measure(name, module, kinds, factory, unseen)
        rows.append(row)
    entity_total = sum(e[4] for e in examples)
    print(f"corpus: {len(examples)} examples of rules/values.toml ({entity_total} of them spans of rules/entities.toml examples);")
    print(f"held out: {len(unseen)} examples of bench/values_heldout.toml; Python {sys.version.split()[0]}")
    print()
    print("| library | version | corpus: correct / its kinds | entity spans | held out | µs a call | install KiB (deps) | warnings; network |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        unseen_row = row["held_out"]
        deps = f"{row['size_kib']:,} ({len(row['dependencies'])})" if row["size_kib"] else "0 (stdlib only)"
        notes = "; ".join(row["warnings"]) or "none"
        notes += f"; {row['network']} connection attempts" if row["network"] else ""
        print(
            f"| {row['library']} | {row['version']} | {row['correct']}/{row['applicable']} "
            f"| {row['entity_correct']}/{row['entity_applicable']} | {unseen_row['correct']}/{unseen_row['applicable']} "
            f"| {row['us_per_call']:.0f} | {deps} | {notes} |"
        )
    print()
    print("Per kind (corpus; held out):")
    for row in rows:
        kinds = ", ".join(
            f"{k} {a}/{b}; {row['held_out']['by_kind'].get(k, (0, 0))[0]}/{row['held_out']['by_kind'].get(k, (0, 0))[1]}"
            for k, (a, b) in sorted(row["by_kind"].items())
        )
        print(f"- {row['library']}: {kinds}")
    ours = next(row for row in rows if row["library"] == "qa.values")
    print()
    print(f"qa.values with hedges, bounds and qualifiers too: corpus {ours['exact']}/{ours['applicable']} exact, "
          f"held out {ours['held_out']['exact']}/{ours['held_out']['applicable']} exact")
    if missing:
        print(f"not installed here (see the docstring for the command): {', '.join(missing)}")
    if "--misses" in argv:
        for row in rows:
            print(f"\n{row['library']}: dependencies {row['dependencies']}")
            for miss in row["misses"] + row["held_out"]["misses"]:
                print("   ", miss)
    if "--json" in argv:
        print(json.dumps(rows, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
