"""Normalised values of answers: amounts with currencies, percentages, ISO dates and durations, measures.

A program calling the API gets "$5 million" or "February 2022" as text; `value_of` reads such
a span (found with an entity label) into a plain record: {"kind": "money", "amount": 5000000,
"currency": "USD"}, {"kind": "date", "iso": "2022-02"}. The shapes are documented in
docs/values.md; the rules are rules/values.toml and the word lists it names.

>>> from qa.rules import load_rules
>>> rules = load_rules().values
>>> value_of("$1.2bn", "MONEY", rules)
{'kind': 'money', 'amount': 1200000000, 'currency': 'USD'}
>>> value_of("last year", "DATE", rules, ValueContext(doc_date=datetime.date(2022, 2, 24)))
{'kind': 'date', 'iso': '2021'}
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Callable, Mapping

from qa.rulefiles import RuleError, RuleFiles, alternation, expand

VALUE_RULES = "values.toml"
# The entity labels whose spans have a value (rules/entities.toml, plus AGE).
LABELS = frozenset(
    {"MONEY", "PERCENT", "SHARE", "NUMBER", "DATE", "PERIOD", "AGE", "DISTANCE", "WEIGHT", "SIZE", "SPEED", "TEMPERATURE", "ORDINAL"}
)
# The kinds of value a reading can have (docs/values.md describes each).
KINDS = frozenset({"money", "percent", "multiple", "number", "date", "duration", "age", "quantity"})
# Answers of a few questions a request; a question's candidates repeat across requests.
CACHE_SIZE = 4096
# Fragments the loader computes from the word lists; values.toml may not define them.
COMPUTED_FRAGMENTS = (
    "hedge", "hedge_after", "currency_sign", "currency_code", "currency_word", "plural_count", "time_unit",
    "unit_dist", "unit_weight", "unit_temp", "unit_speed", "unit_volume", "unit_size", "relative_phrase", "qualifier",
)
UNIT_KINDS = ("dist", "weight", "temp", "speed", "volume", "size")
HEDGE_READINGS = frozenset({"approximate", "lower", "upper", "exact"})
DURATION_DESIGNATORS = {"Y": "Y", "M": "M", "W": "W", "D": "D", "H": "TH", "MIN": "TM", "S": "TS"}
GRAINS = frozenset({"day", "week", "month", "year", "decade", "none"})
# Date parts of a year ("the first half of 2004" -> H1).
PART_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 0, "final": 0}
ISO_CODE = re.compile(r"[A-Z]{3}")
DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+|[^\W\d_]+")
SPACES = re.compile(r"\s+")
TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
QUOTES = " \t\r\n\"'“”‘’«»"
# Control characters (NUL...) mean the text is no span of an article.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ValueContext:
    """Where a span was found: the document's date and country, and its sentence with the span's offsets."""

    doc_date: datetime.date | None = None
    country: str | None = None  # a canonical name of rules/gazetteer/countries.txt
    sentence: str | None = None
    span: tuple[int, int] | None = None  # [start, end) of the text in the sentence


@dataclass(frozen=True)
class ValueRule:
    """One named pattern of values.toml with the reader that turns its groups into a value."""

    name: str
    pattern: str
    regex: re.Pattern
    labels: frozenset[str]
    read: str
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Reading:
    """A value with the rule that read it (the record answers carry)."""

    value: Mapping
    rule: str


@dataclass(frozen=True)
class Example:
    """A corpus entry of values.toml: a text, its label and context, and the value it must read as (None: nothing)."""

    text: str
    label: str
    value: Mapping | None
    context: ValueContext | None = None


@dataclass(frozen=True)
class Currency:
    """A line of rules/words/currencies.txt: an ISO code (None for a subunit: cent, pence), names, signs, countries."""

    iso: str | None
    names: tuple[str, ...]
    signs: tuple[str, ...]
    countries: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class ValueRules:
    """The validated, immutable value rules: patterns by label and the word tables their readers use."""

    rules: tuple[ValueRule, ...]
    by_label: Mapping[str, tuple[ValueRule, ...]]
    settings: Mapping
    words: Mapping[str, Mapping]
    currencies: tuple[Currency, ...]
    examples: tuple[Example, ...]
    counterexamples: tuple[Example, ...]
    hedge_before: re.Pattern
    currency_after: re.Pattern
    future: re.Pattern
    leading: re.Pattern
    _read: Callable = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_read", functools.lru_cache(maxsize=CACHE_SIZE)(self._read_uncached))

    def read(self, text: str, label: str, context: ValueContext | None = None) -> Reading | None:
        """Return the reading of a span found with an entity label (cached per text, label and context)."""
        try:
            hash((text, label, context))
        except TypeError:  # unhashable input (a list for a span): read it without the cache
            return self._read_uncached(text, label, context)
        return self._read(text, label, context)

    def _read_uncached(self, text, label, context) -> Reading | None:
        if not isinstance(text, str) or label not in self.by_label:
            return None
        context = _checked(context)
        clean, stripped, bound = _clean(text, self)
        for candidate, candidate_bound in ((clean, None), (stripped, bound)):
            if candidate is None:
                continue
            for rule in self.by_label[label]:
                match = rule.regex.fullmatch(candidate)
                if not match:
                    continue
                try:
                    value = READERS[rule.read](match.groupdict(), label, self, context)
                except (ArithmeticError, ValueError, KeyError, TypeError, AttributeError, IndexError):
                    value = None  # odd input the pattern let through: no value, never an exception
                if value is not None:
                    bound_here = candidate_bound if label in ("DATE", "PERIOD") else None
                    return Reading(MappingProxyType(_finish(value, bound_here, self, context)), rule.name)
        return None


def _checked(context) -> ValueContext | None:
    """Return the context with what a reader can use: a date (not a datetime), a well-formed span."""
    if not isinstance(context, ValueContext):
        return None
    doc_date, sentence, span = context.doc_date, context.sentence, context.span
    if isinstance(doc_date, datetime.datetime):
        doc_date = doc_date.date()
    elif not isinstance(doc_date, datetime.date):
        doc_date = None
    if not isinstance(sentence, str):
        sentence, span = None, None
    if span is not None and not (
        isinstance(span, tuple) and len(span) == 2 and all(isinstance(i, int) for i in span) and 0 <= span[0] <= span[1] <= len(sentence or "")
    ):
        span = None
    country = context.country if isinstance(context.country, str) else None
    return ValueContext(doc_date, country, sentence, span)


def value_of(text: str, label: str, rules: ValueRules, context: ValueContext | None = None) -> dict | None:
    """Return the normalised value of a span found with an entity label, or None when it has none.

    >>> from qa.rules import load_rules
    >>> rules = load_rules().values
    >>> value_of("about 20 kilometers", "DISTANCE", rules)
    {'kind': 'quantity', 'amount': 20, 'unit': 'km', 'approximate': True}
    >>> value_of("the 45-year-old", "AGE", rules)
    {'kind': 'age', 'amount': 45}
    >>> value_of("banana", "MONEY", rules) is None
    True
    """
    reading = read_value(text, label, rules, context)
    return None if reading is None else dict(reading.value)


def read_value(text: str, label: str, rules: ValueRules, context: ValueContext | None = None) -> Reading | None:
    """Return the value of a span with the rule that read it, or None."""
    try:
        return rules.read(text, label, context)
    except RecursionError:  # pragma: no cover - the patterns are flat; this only guards the promise never to raise
        return None


# --- text normalisation -----------------------------------------------------------------


def _clean(text: str, rules: ValueRules) -> tuple[str | None, str | None, str | None]:
    """Return the text ready to match (or None), the same without its leading preposition, and the bound it gives a date."""
    if len(text) > rules.settings["max_chars"] or CONTROL.search(text):
        return None, None, None
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("\u2010", "-").replace("\u2011", "-")
    text = TRAILING_PARENTHESIS.sub("", SPACES.sub(" ", text).strip(QUOTES))
    lead = rules.leading.match(text)
    if not lead:
        return text or None, None, None
    word = lead.group(1).lower()
    bound = "lower" if word in rules.words["date_lower"] else "upper" if word in rules.words["date_upper"] else None
    return text or None, text[lead.end():] or None, bound


def _finish(value: dict, bound: str | None, rules: ValueRules, context: ValueContext | None) -> dict:
    """Add the bound a preposition gave a date and a hedge standing just before the span in its sentence."""
    if bound and "bound" not in value and "/" not in value.get("iso", "/"):
        value["bound"] = bound
    if context and context.span and value["kind"] != "date" and "approximate" not in value and "bound" not in value:
        start = context.span[0]
        hedge = rules.hedge_before.search(context.sentence, max(0, start - 40), start)
        if hedge:
            _hedge(value, hedge.group(1), rules)
    return value


def _hedge(value: dict, word: str | None, rules: ValueRules) -> dict:
    """Mark a value approximate or bounded by the hedge word before (or after) it."""
    if word:
        reading = rules.words["hedges"].get(SPACES.sub(" ", word.lower()).strip(" ,"))
        if reading == "approximate":
            value["approximate"] = True
        elif reading in ("lower", "upper"):
            value["bound"] = reading
    return value


# --- numbers ------------------------------------------------------------------------------


def read_number(text: str, rules: ValueRules, extra_scales: Mapping[str, Decimal] | None = None) -> Decimal | None:
    """Return the number written in digits and/or words ("3.5 million", "twenty-eight", "half a million").

    >>> from qa.rules import load_rules
    >>> rules = load_rules().values
    >>> [str(read_number(t, rules)) for t in ("two hundred and six", "1.2bn", "three and a half", "a dozen")]
    ['206', '1200000000.0', '3.5', '12']
    >>> read_number("twenty twenty", rules) is None
    True
    """
    cardinals, scales = rules.words["cardinal"], rules.words["scale"]
    tokens = NUMBER_TOKEN.findall(text.lower())
    total, current, last_scale = Decimal(0), None, None
    count = len(tokens)
    i = 0
    while i < count:
        token = tokens[i]
        after = tokens[i + 1] if i + 1 < count else None
        if token[0].isdigit() or token[0] == ".":
            if current is not None or not DIGITS.fullmatch(token):
                return None
            current = Decimal(token.replace(",", ""))
        elif token == "and":
            if (current is None and total == 0) or after is None:
                return None
            if after in ("a", "an") and i + 2 < count and tokens[i + 2] == "half":
                if current is None:
                    return None
                current += Decimal("0.5")
                i += 3
                continue
        elif token in ("a", "an"):
            if current is not None or after is None or not (after in scales or after == "dozen" or (extra_scales and after in extra_scales)):
                return None
            current = Decimal(1)
        elif token == "half":
            if current is not None:
                return None
            current = Decimal("0.5")
            if after in ("a", "an"):
                i += 1
        elif token == "dozen":
            current = (current if current is not None else Decimal(1)) * 12
        elif token in cardinals and token not in rules.words["plural"]:
            value = cardinals[token]
            if current is None:
                current = value
            elif value < 10 and current % 10 == 0 and current % 100 >= 20:
                current += value  # "twenty-eight"
            elif value < 100 and current % 100 == 0 and current > 0 and current == current.to_integral_value():
                current += value  # "two hundred and six"
            else:
                return None
        elif token in scales or (extra_scales and token in extra_scales):
            scale = scales[token] if token in scales else extra_scales[token]
            if current is None:
                return None
            if scale == 100:
                current *= scale
            else:
                if last_scale is not None and scale >= last_scale:
                    return None
                total += current * scale
                current, last_scale = None, scale
        else:
            return None
        i += 1
    if current is None and last_scale is None:
        return None
    return total + (current if current is not None else 0)


def _amount(number: Decimal, rules: ValueRules, decimals: int | None = None) -> int | float | None:
    """Return a Decimal as a JSON number: an int when whole, a float otherwise (None when implausibly large)."""
    if abs(number) > rules.settings["max_amount"]:
        return None
    if decimals is not None:
        number = round(number, decimals)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _number_of(groups: dict, rules: ValueRules, key: str = "number", extra=None) -> Decimal | None:
    text = groups.get(key)
    return None if text is None else read_number(text, rules, extra)


# --- readers: each takes the match's groups, the label, the rules and the context ---------


def read_money(groups, label, rules, context):
    """Read an amount of money with its ISO 4217 currency."""
    extra = rules.words["money_scales"]
    text = groups["number"] + (" " + groups["scale"] if groups.get("scale") else "")
    number = read_number(text, rules, extra)
    if number is None:
        return None
    country = context.country if context else None
    currency = None
    if groups.get("sign"):
        currency = _currency_of_sign(groups["sign"], country, rules)
    elif groups.get("word"):
        word = groups["word"]
        currency = _currency_of_word(word, country, rules) or _currency_of_sign(word, country, rules)
    elif context and context.sentence and context.span:
        end = context.span[1]
        after = rules.currency_after.match(context.sentence, end) if isinstance(end, int) and 0 <= end <= len(context.sentence) else None
        if after:
            word = after.group(1)
            currency = _currency_of_word(word, country, rules) or _currency_of_sign(word, country, rules)
    if currency is None:
        return None
    iso, factor = currency
    amount = _amount(number * factor, rules)
    if amount is None:
        return None
    value = {"kind": "money", "amount": amount, "currency": iso}
    return _hedge(_hedge(value, groups.get("hedge"), rules), groups.get("after"), rules)


def _currency(index: int, country: str | None, rules: ValueRules) -> tuple[str, Decimal] | None:
    """Return the ISO code and factor of a currency line (a subunit is its country's currency x 0.01)."""
    entry = rules.currencies[index]
    if entry.iso:
        return entry.iso, Decimal(1)
    main = rules.words["main_currency"]
    parents = [main[c] for c in entry.countries if c in main]
    if not parents:
        return None
    parent = main.get(country) if country in main and main.get(country) in parents else parents[0]
    return parent, rules.settings["subunit_factor"]


def _currency_of_sign(sign: str, country: str | None, rules: ValueRules):
    indices = rules.words["signs"].get(sign) or rules.words["signs"].get(sign.upper())
    if not indices:
        return None
    return _currency(_choose(indices, sign, country, rules), country, rules)


def _currency_of_word(word: str, country: str | None, rules: ValueRules):
    key = SPACES.sub(" ", word.lower())
    index = rules.words["currency_names"].get(key)
    if index is None:
        return None
    if " " not in key:  # a bare name ("dollars", "kronor") may be any currency of that name
        index = _choose(rules.words["currency_family"].get(key, (index,)), key, country, rules, preferred=index)
    return _currency(index, country, rules)


def _choose(indices, key: str, country: str | None, rules: ValueRules, preferred: int | None = None) -> int:
    """Choose among currencies sharing a sign or name: the document's country's, else the default reading."""
    former = rules.words["former"]
    if country:
        for index in indices:
            entry = rules.currencies[index]
            if country in entry.countries and entry.iso not in former:
                return index
    default = rules.words["currency_defaults"].get(key)
    if default is not None:
        return default
    return preferred if preferred is not None else indices[0]


def read_percent(groups, label, rules, context):
    """Read a percentage ("12.5%", "7 p.c.", "2 percentage points", "25 basis points")."""
    number = _number_of(groups, rules)
    if number is None:
        return None
    unit = SPACES.sub(" ", groups["unit"].lower())
    value = {"kind": "percent"}
    if "basis" in unit or unit == "bps":
        number /= 100
    amount = _amount(number, rules, rules.settings["percent_decimals"])
    if amount is None:
        return None
    value["amount"] = amount
    if "point" in unit or unit in ("pp", "bps"):
        value["points"] = True
    return _hedge(_hedge(value, groups.get("hedge"), rules), groups.get("after"), rules)


def read_share(groups, label, rules, context):
    """Read a share as a percentage: "two-thirds" 66.67, "a quarter" 25, "one in five" 20, "half" 50."""
    numerator, denominator = groups.get("numerator"), groups.get("denominator")
    if numerator is None and denominator is None:
        share = Decimal(50)
    else:
        top = Decimal(1) if numerator.lower() in ("a", "an") else read_number(numerator, rules)
        bottom = _denominator(denominator, rules)
        if top is None or not bottom or bottom < 2:
            return None
        share = top / bottom * 100
    amount = _amount(share, rules, rules.settings["percent_decimals"])
    return None if amount is None else _hedge({"kind": "percent", "amount": amount}, groups.get("hedge"), rules)


def _denominator(text: str, rules: ValueRules) -> Decimal | None:
    word = text.lower()
    if word[0].isdigit():
        return read_number(word, rules)
    if word in ("half", "halves"):
        return Decimal(2)
    if word in ("quarter", "quarters"):
        return Decimal(4)
    if word in rules.words["cardinal"]:
        return rules.words["cardinal"][word]
    singular = word[:-1] if word.endswith("s") else word
    if singular == "second":  # "two seconds" is time, not halves
        return None
    return rules.words["ordinal"].get(singular)


def read_multiple(groups, label, rules, context):
    """Read a multiple: "tenfold", "twice", "ten times" -> {"kind": "multiple", "amount": 10}."""
    if groups.get("word"):
        number = rules.words["multiplier"].get(SPACES.sub(" ", groups["word"].lower()))
    else:
        number = _number_of(groups, rules, "number" if groups.get("number") else "times")
    if number is None or number <= 0:
        return None
    amount = _amount(number, rules)
    return None if amount is None else _hedge({"kind": "multiple", "amount": amount}, groups.get("hedge"), rules)


def read_plain_number(groups, label, rules, context):
    """Read a count: "3.5 million", "twenty-eight", "About 150,000" (hedged: approximate)."""
    number = _number_of(groups, rules)
    if number is None:
        return None
    if groups.get("sign"):
        number = -number
    amount = _amount(number, rules)
    if amount is None:
        return None
    return _hedge(_hedge({"kind": "number", "amount": amount}, groups.get("hedge"), rules), groups.get("after"), rules)


def read_counted_number(groups, label, rules, context):
    """Read "2,850 jobs" as the count 2850, unless the words after it make it another kind (a unit, time, money)."""
    first = groups["noun"].split()[0].lower()
    words = rules.words
    if (
        first in words["cardinal"] or first in words["scale"] or first in words["time_units"] or first in words["currency_names"]
        or any(first in table for table in words["units"].values()) or first in ("percent", "per", "pct", "pc")
        or first in words["hedges"]
    ):
        return None
    return read_plain_number(groups, label, rules, context)


def read_plural_number(groups, label, rules, context):
    """Read "hundreds of thousands" as the least it can mean (100 x 1000), a lower bound."""
    cardinals = rules.words["cardinal"]
    noun = ((groups.get("noun") or "").split() or [""])[0].lower()
    if noun in cardinals or noun in rules.words["scale"]:  # "thousands of millions of billions"
        return None
    number = cardinals[groups["plural"].lower()]
    if groups.get("plural2"):
        second = cardinals[groups["plural2"].lower()]
        if second <= number:
            return None
        number *= second
    value = {"kind": "number", "amount": _amount(number, rules), "bound": "lower"}
    return _hedge(value, groups.get("hedge"), rules)


def read_vague_number(groups, label, rules, context):
    """Read "a few", "several hundred" as an approximate count (a few = 3, as number_words.txt says)."""
    number = rules.words["vague"][SPACES.sub(" ", groups["vague"].lower())]
    if groups.get("scale"):
        number *= rules.words["scale"][groups["scale"].lower()]
    return {"kind": "number", "amount": _amount(number, rules), "approximate": True}


def read_ordinal(groups, label, rules, context):
    """Read an ordinal: "third", "21st" -> {"kind": "number", "amount": 21, "ordinal": true}."""
    if groups.get("digits"):
        number = int(groups["digits"])
        if groups["suffix"].lower() != _ordinal_suffix(number):
            return None
    else:
        number = rules.words["ordinal"].get(SPACES.sub(" ", groups["word"].lower()))
        if number is None:
            return None
    return {"kind": "number", "amount": int(number), "ordinal": True}


def _ordinal_suffix(number: int) -> str:
    if 11 <= number % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def read_age(groups, label, rules, context):
    """Read an age in years: "the 45-year-old", "aged 45", "58"."""
    number = _number_of(groups, rules)
    if number is None:
        return None
    if groups.get("months"):
        number /= 12
    if not 0 < number <= rules.settings["max_age"]:
        return None
    return {"kind": "age", "amount": _amount(number, rules, 2)}


def read_quantity(groups, label, rules, context):
    """Read a measure with its unit symbol: "about 20 kilometers" -> 20 km."""
    number = _number_of(groups, rules)
    if number is None:
        return None
    units = rules.words["units"]
    unit_text = SPACES.sub(" ", groups["unit"])
    for kind in rules.settings["measures"][label]:
        table = units[kind]
        found = table.get(unit_text) or table.get(unit_text.lower())
        if found:
            break
    else:
        return None
    symbol, factor = found
    if symbol == "°":
        country = context.country if context else None
        symbol = "°F" if country in rules.settings["fahrenheit_countries"] else rules.settings["default_degree"]
    if groups.get("sign"):
        number = -number
    amount = _amount(number * factor, rules)
    if amount is None:
        return None
    value = {"kind": "quantity", "amount": amount, "unit": symbol}
    return _hedge(_hedge(value, groups.get("hedge"), rules), groups.get("after"), rules)


def read_duration(groups, label, rules, context):
    """Read a stretch of time as an ISO 8601 duration: "18 months" P18M, "three and a half hours" PT3.5H."""
    unit = SPACES.sub(" ", groups["unit"].lower())
    count, designator = rules.words["time_units"][unit]
    value = {"kind": "duration"}
    number_text = groups.get("number")
    if number_text is None:
        number = Decimal(1)
        if not groups.get("span") and _plural_unit(unit, rules):
            value["bound"] = "lower"  # "decades-long", "for years"
    else:
        key = SPACES.sub(" ", number_text.lower())
        if key == "many":
            value["approximate"] = True
            return _hedge(value, groups.get("hedge"), rules)
        if key in ("a", "an"):
            number = Decimal(1)
        elif key in rules.words["vague"]:
            number = rules.words["vague"][key]
            value["approximate"] = True
        else:
            number = read_number(number_text, rules)
            if number is None:
                return None
    if groups.get("half"):
        number += Decimal("0.5")
    if number <= 0:
        return None
    if count:
        total = number * count
        if abs(total) > rules.settings["max_amount"]:
            return None
        code = DURATION_DESIGNATORS[designator]
        value["iso"] = f"P{code[:-1]}{_plain(total)}{code[-1]}"
    return _hedge(_hedge(value, groups.get("hedge"), rules), groups.get("after"), rules)


def _plural_unit(unit: str, rules: ValueRules) -> bool:
    return unit in rules.words["plural_time_units"]


def _plain(number: Decimal) -> str:
    """Return a Decimal without exponent or trailing zeros ("3.5", "10")."""
    text = format(number.normalize(), "f")
    return text


# --- dates --------------------------------------------------------------------------------


def read_date(groups, label, rules, context):
    """Read a calendar date at the grain the text gives: "2019", "2022-02", "2022-02-24" (qualifier: mid, Q3...)."""
    year = int(groups["year"])
    if not 1 <= year <= rules.settings["max_year"]:
        return None
    value = {"kind": "date"}
    month = _month(groups.get("month"), rules)
    day = groups.get("day")
    if groups.get("month") is not None and month is None:
        return None
    iso = f"{year:04d}"
    if month:
        iso += f"-{month:02d}"
        if day:
            number = int(re.match(r"\d+", day).group())
            if not 1 <= number <= calendar.monthrange(year, month)[1]:
                return None
            iso += f"-{number:02d}"
    value["iso"] = iso
    if groups.get("part"):
        part = _year_part(groups["part"])
        if part is None:
            return None
        value["qualifier"] = part
    _qualify(value, groups.get("qualifier"), rules)
    return _hedge(value, groups.get("hedge"), rules)


def _month(text: str | None, rules: ValueRules) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return rules.words["months"].get(text.lower().rstrip("."))


def _year_part(text: str) -> str | None:
    words = SPACES.sub(" ", text.lower()).split()
    if len(words) == 1:  # "Q3", "H1"
        letter, number = words[0][0].upper(), int(words[0][1])
        return f"{letter}{number}" if (letter == "Q" and number <= 4) or (letter == "H" and number <= 2) else None
    words = [w for w in words if w not in ("the", "of")]
    position, part = words[0], words[1]
    size = 2 if part == "half" else 4
    number = PART_NUMBERS[position] or size
    if number > size:
        return None
    return f"{'H' if size == 2 else 'Q'}{number}"


def _qualify(value: dict, word: str | None, rules: ValueRules) -> None:
    if word:
        value["qualifier"] = rules.words["qualifiers"][SPACES.sub(" ", word.lower())]


def read_numeric_date(groups, label, rules, context):
    """Read 24/02/2022: day first, unless the day cannot be one or the document's country writes the month first."""
    first, second, year = int(groups["first"]), int(groups["second"]), groups["year"]
    country = context.country if context else None
    if first > 12 or (second <= 12 and country not in rules.settings["month_first_countries"]):
        day, month = first, second
    else:
        month, day = first, second
    return read_date({"year": year, "month": str(month), "day": str(day)}, label, rules, context)


def read_month_day(groups, label, rules, context):
    """Read "March 3" / "15 December": the year comes from the document's date (the news convention)."""
    month = _month(groups.get("month") or groups.get("month2"), rules)
    day = int(re.match(r"\d+", groups.get("day") or groups.get("day2")).group())
    if month is None or not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000: a leap year allows 29 Feb
        return None
    value = {"kind": "date"}
    doc = context.doc_date if context else None
    if doc is not None:
        resolved = _nearest(doc, lambda year: _safe_date(year, month, day), _future(context, rules))
        if resolved:
            value["iso"] = resolved.isoformat()
    return value


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _nearest(doc: datetime.date, date_in, future: bool, strict: bool = False) -> datetime.date | None:
    """Return the most recent date_in(year) on or before doc (the coming one when future; strict excludes doc)."""
    candidates = [d for d in (date_in(doc.year + k) for k in (-2, -1, 0, 1, 2)) if d is not None]
    if future:
        later = [d for d in candidates if d > doc or (d == doc and not strict)]
        return min(later) if later else None
    earlier = [d for d in candidates if d < doc or (d == doc and not strict)]
    return max(earlier) if earlier else None


def _future(context: ValueContext | None, rules: ValueRules) -> bool:
    return bool(context and context.sentence and rules.future.search(context.sentence))


def read_year_range(groups, label, rules, context):
    """Read "1983 until 1992", "2016-17" as an ISO 8601 interval of years: "1983/1992"."""
    start, end_text = int(groups["start"]), groups["end"]
    end = int(end_text)
    if len(end_text) < len(groups["start"]):
        base = 10 ** len(end_text)
        end = start - start % base + end
    if not (1 <= start < end <= rules.settings["max_year"]):
        return None
    return {"kind": "date", "iso": f"{start:04d}/{end:04d}"}


def read_decade(groups, label, rules, context):
    """Read a decade as its years with the unknown digit X (ISO 8601-2): "the 1990s" -> "199X"."""
    digits = groups["decade"]
    number = int(digits)
    if len(digits) <= 2:  # "the 90s": the most recent such decade (of the document's century or the last)
        doc = context.doc_date if context and context.doc_date else None
        century = (doc.year // 100) * 100 if doc else 1900
        number = century + number
        if doc and number > doc.year:
            number -= 100
    if number % 100 == 0 and number < rules.settings["century_decades_before"]:
        value = {"kind": "date", "iso": f"{number // 100:02d}XX"}  # "the 1800s" is the century, not 1800-1809
    else:
        value = {"kind": "date", "iso": f"{number // 10:03d}X"}
    _qualify(value, groups.get("qualifier"), rules)
    return value


def read_century(groups, label, rules, context):
    """Read "the 12th century" as "11XX" (its hundred years); a millennium as "2XXX"; BC has no iso."""
    text = groups["number"].lower()
    if text[0].isdigit():
        number = int(re.match(r"\d+", text).group())
        if text[len(str(number)):] != _ordinal_suffix(number):
            return None
    else:
        number = rules.words["ordinal"].get(text)
        number = int(number) if number is not None else None
    if not number or number < 1:
        return None
    value = {"kind": "date"}
    era = (groups.get("era") or "").replace(".", "").upper()
    if era not in ("BC", "BCE"):
        if groups["unit"].lower().startswith("millenni"):
            if number <= 9:
                value["iso"] = f"{number - 1}XXX"
        elif number <= 99:
            value["iso"] = f"{number - 1:02d}XX"
    _qualify(value, groups.get("qualifier"), rules)
    return value


def read_era(groups, label, rules, context):
    """Read "44 BC" as the ISO 8601 (astronomical) year "-0043", "AD 79" as "0079", BP from 1950."""
    number = int((groups.get("number") or groups.get("number2")).replace(",", ""))
    era = (groups.get("era") or groups.get("era_first")).replace(".", "").upper()
    if number < 1:
        return None
    if era in ("BC", "BCE"):
        year = 1 - number
    elif era == "BP":
        year = rules.settings["before_present"] - number
    else:
        year = number
    if year > rules.settings["max_year"]:
        return None
    iso = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
    return {"kind": "date", "iso": iso}


def read_weekday(groups, label, rules, context):
    """Read a weekday: the most recent on or before the document's date (the coming one in future talk)."""
    weekday = rules.words["weekdays"][groups["weekday"].lower().rstrip(".")]
    relative = SPACES.sub(" ", (groups.get("relative") or "").lower())
    value = {"kind": "date"}
    if groups.get("day_part"):
        value["qualifier"] = groups["day_part"].lower()
    doc = context.doc_date if context else None
    if doc is None or relative in ("every", "following", "previous", "the following", "the previous", "the next"):
        return value  # no document date, or a day told from another event or recurring
    if relative == "last":
        back = (doc.weekday() - weekday) % 7 or 7
        resolved = doc - datetime.timedelta(days=back)
    elif relative == "next" or relative in ("this", "coming") or (not relative and _future(context, rules)):
        ahead = (weekday - doc.weekday()) % 7
        if relative == "next" and ahead == 0:
            ahead = 7
        resolved = doc + datetime.timedelta(days=ahead)
    else:
        resolved = doc - datetime.timedelta(days=(doc.weekday() - weekday) % 7)
    value["iso"] = resolved.isoformat()
    return value


def read_month(groups, label, rules, context):
    """Read a month without a year ("February", "last September") against the document's date."""
    month = _month(groups["month"], rules)
    if month is None:
        return None
    value = {"kind": "date"}
    _qualify(value, groups.get("qualifier"), rules)
    doc = context.doc_date if context else None
    if doc is None:
        return value
    relative = (groups.get("relative") or "").lower()
    first = doc.replace(day=1)
    if relative == "this":
        resolved = datetime.date(doc.year, month, 1)
    else:
        future = relative in ("next", "coming") or (not relative and _future(context, rules))
        resolved = _nearest(first, lambda year: datetime.date(year, month, 1), future, strict=bool(relative))
    value["iso"] = f"{resolved.year:04d}-{resolved.month:02d}"
    return value


def read_season(groups, label, rules, context):
    """Read a season as its year with the season as qualifier ("summer of 2021" -> 2021, summer)."""
    word = SPACES.sub(" ", groups["season"].lower())
    season = rules.words["seasons"].get(word, word)
    value = {"kind": "date"}
    qualifier = groups.get("qualifier")
    value["qualifier"] = f"{rules.words['qualifiers'][qualifier.lower()]} {season}" if qualifier else season
    if groups.get("year"):
        year = int(groups["year"])
        if not 1 <= year <= rules.settings["max_year"]:
            return None
        value["iso"] = f"{year:04d}"
    elif groups.get("relative") and context and context.doc_date:
        value["iso"] = f"{context.doc_date.year + rules.words['relative'][groups['relative'].lower()]:04d}"
    return value


def read_holiday(groups, label, rules, context):
    """Read a holiday: a fixed one (rules/values/holidays.txt) as its day, resolved like "March 3"."""
    day = rules.words["holidays"].get(SPACES.sub(" ", groups["holiday"].lower()))
    value = {"kind": "date"}
    if day is None:
        return value  # a moveable feast
    month, number = day
    if groups.get("year"):
        year = int(groups["year"])
        date = _safe_date(year, month, number) if 1 <= year <= rules.settings["max_year"] else None
        if date is None:
            return None
        value["iso"] = date.isoformat()
        return value
    doc = context.doc_date if context else None
    if doc is None:
        return value
    relative = (groups.get("relative") or "").lower()
    if relative == "this":
        resolved = _safe_date(doc.year, month, number)
    else:
        future = relative == "next" or (not relative and _future(context, rules))
        resolved = _nearest(doc, lambda year: _safe_date(year, month, number), future, strict=bool(relative))
    if resolved:
        value["iso"] = resolved.isoformat()
    return value


def read_relative_phrase(groups, label, rules, context):
    """Read "yesterday", "last night", "earlier this month" against the document's date."""
    grain, offset, qualifier = rules.words["relative_dates"][SPACES.sub(" ", groups["phrase"].lower())]
    value = {"kind": "date"}
    if qualifier:
        value["qualifier"] = qualifier
    if grain != "none" and context and context.doc_date:
        value["iso"] = _shift(context.doc_date, grain, offset)
    return value


def read_relative_unit(groups, label, rules, context):
    """Read "last year", "this month", "next week", "last weekend" against the document's date."""
    unit = groups["unit"].lower()
    offset = rules.words["relative"][groups["relative"].lower()]
    value = {"kind": "date"}
    if unit == "weekend":
        unit, value["qualifier"] = "week", "weekend"
    if context and context.doc_date:
        value["iso"] = _shift(context.doc_date, unit, offset)
    return value


def read_ago(groups, label, rules, context):
    """Read "two years ago" from the document's date; "three days later" (from an event) has no iso."""
    unit = SPACES.sub(" ", groups["unit"].lower())
    count, designator = rules.words["time_units"][unit]
    key = SPACES.sub(" ", groups["number"].lower())
    approximate = key in rules.words["vague"]
    if key in ("a", "an"):
        number = Decimal(1)
    else:
        number = rules.words["vague"][key] if approximate else read_number(groups["number"], rules)
    if number is None or number != number.to_integral_value() or not count or number > rules.settings["max_year"]:
        return None
    value = {"kind": "date"}
    if approximate:
        value["approximate"] = True
    direction = SPACES.sub(" ", groups["direction"].lower())
    if direction in ("ago", "from now", "hence") and context and context.doc_date:
        steps = int(number) * count * (-1 if direction == "ago" else 1)
        grain = {"Y": "year", "M": "month", "W": "week"}.get(designator, "day")
        if steps and abs(steps) <= 10_000:
            value["iso"] = _shift(context.doc_date, grain, steps)
    return _hedge(value, groups.get("hedge"), rules)


def _shift(doc: datetime.date, grain: str, offset: int) -> str:
    """Return the ISO form of the grain (day, week, month, year, decade, century) offset from the document's date."""
    if grain == "day":
        return (doc + datetime.timedelta(days=offset)).isoformat()
    if grain == "week":
        year, week, _ = (doc + datetime.timedelta(weeks=offset)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if grain == "month":
        months = doc.year * 12 + doc.month - 1 + offset
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if grain == "year":
        return f"{doc.year + offset:04d}"
    if grain == "decade":
        return f"{doc.year // 10 + offset:03d}X"
    return f"{doc.year // 100 + offset:02d}XX"


READERS: dict[str, Callable] = {
    "money": read_money,
    "percent": read_percent,
    "share": read_share,
    "multiple": read_multiple,
    "number": read_plain_number,
    "plural-number": read_plural_number,
    "counted-number": read_counted_number,
    "vague-number": read_vague_number,
    "ordinal": read_ordinal,
    "age": read_age,
    "quantity": read_quantity,
    "duration": read_duration,
    "date": read_date,
    "numeric-date": read_numeric_date,
    "month-day": read_month_day,
    "year-range": read_year_range,
    "decade": read_decade,
    "century": read_century,
    "era": read_era,
    "weekday": read_weekday,
    "month": read_month,
    "season": read_season,
    "holiday": read_holiday,
    "relative-phrase": read_relative_phrase,
    "relative-unit": read_relative_unit,
    "ago": read_ago,
}


# --- loading ------------------------------------------------------------------------------


def load_values(files: RuleFiles) -> ValueRules:
    """Read and validate rules/values.toml and the word lists it uses; return the immutable value rules."""
    root = files
    source = f"rules/{VALUE_RULES}"
    data = files.toml(VALUE_RULES)
    settings = _settings(data, source)
    words = _words(root, data, source)
    currencies = _currencies(root)
    words.update(_currency_tables(currencies, data, source))
    fragments = files.fragments(data, source)
    for name in COMPUTED_FRAGMENTS:
        if name in fragments:
            raise RuleError(f"{source}: fragment '{name}' is computed by the loader; do not define it")
    fragments.update(_computed_fragments(words, currencies))
    rules = _rules(data, fragments, source)
    by_label = {label: tuple(r for r in rules if label in r.labels) for label in sorted(LABELS)}
    hedges_before = [w for w, (reading, place) in words.pop("hedge_places").items() if place == "before"]
    currency_after = "|".join(fragments[name] for name in ("currency_word", "currency_code", "currency_sign"))
    return ValueRules(
        rules=rules,
        by_label=MappingProxyType(by_label),
        settings=MappingProxyType(settings),
        words=MappingProxyType({k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in words.items()}),
        currencies=currencies,
        examples=_corpus(data, "example", source),
        counterexamples=_corpus(data, "counterexample", source),
        hedge_before=re.compile(r"(?:^|(?<=\W))(" + alternation(hedges_before) + r")\s+$", re.IGNORECASE),
        currency_after=re.compile(r"\s*(" + currency_after + r")(?!\w)"),
        future=re.compile("|".join(_word_pattern(w) for w in data["tense"]["future"]), re.IGNORECASE),
        leading=re.compile(r"(" + alternation(data["leading"]["plain"]) + r")\s+(?=\S)", re.IGNORECASE),
    )


def _word_pattern(word: str) -> str:
    escaped = re.escape(word).replace(r"\ ", r"\s+")
    return (r"\b" if word[0].isalnum() else "") + escaped + r"\b"


def _table(data: dict, name: str, source: str) -> dict:
    table = data.get(name)
    if not isinstance(table, dict):
        raise RuleError(f"{source}: missing table [{name}]")
    return table


def _settings(data: dict, source: str) -> dict:
    given = _table(data, "settings", source)
    settings = {}
    for key, kind in (("max_amount", (int, float)), ("percent_decimals", int), ("max_chars", int), ("subunit_factor", (int, float)), ("default_degree", str)):
        if not isinstance(given.get(key), kind):
            raise RuleError(f"{source}: [settings] '{key}' is missing or of the wrong type")
        settings[key] = given[key]
    unknown = set(given) - set(settings) - {"max_age", "max_year", "before_present", "month_first_countries", "century_decades_before"}
    if unknown:
        raise RuleError(f"{source}: [settings] unknown key(s) {sorted(unknown)}")
    settings["max_amount"] = Decimal(str(settings["max_amount"]))
    settings["subunit_factor"] = Decimal(str(settings["subunit_factor"]))
    # Defaults for settings a rule file may leave out.
    settings["max_age"] = given.get("max_age", 130)
    settings["max_year"] = given.get("max_year", 9999)
    settings["before_present"] = given.get("before_present", 1950)
    settings["century_decades_before"] = given.get("century_decades_before", 2000)
    settings["month_first_countries"] = frozenset(given.get("month_first_countries", ("United States",)))
    settings["fahrenheit_countries"] = frozenset(_table(data, "temperature", source).get("fahrenheit_countries", ()))
    measures = _table(data, "measures", source)
    for label, kinds in measures.items():
        if label not in LABELS or not isinstance(kinds, list) or not set(kinds) <= set(UNIT_KINDS):
            raise RuleError(f"{source}: [measures] '{label}' must be a value label with unit kinds from {UNIT_KINDS}")
    settings["measures"] = MappingProxyType({label: tuple(kinds) for label, kinds in measures.items()})
    return settings


def _lines(files: RuleFiles, name: str, source: str):
    if not files.has(name):
        raise RuleError(f"{source}: no file rules/{name}")
    return files.lines(name)


def _norm(word: str) -> str:
    """Normalise a list word like the text it is matched against (NFKC: ² -> 2, µ -> μ)."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", word))


def _words(root: RuleFiles, data: dict, source: str) -> dict:
    """Read the word tables the readers use: numbers, months, hedges, units, time units, holidays."""
    words: dict = {}
    kinds: dict[str, dict[str, Decimal]] = {"cardinal": {}, "scale": {}, "ordinal": {}, "fraction": {}, "multiplier": {}, "approx": {}}
    name = "words/number_words.txt"
    for entry in _lines(root, name, source):
        if len(entry) != 3 or entry[2][0] not in kinds:
            raise RuleError(f"rules/{name}: '{', '.join(entry[0])}' needs 'words | value | kind'")
        try:
            number = Decimal(entry[1][0])
        except InvalidOperation as exc:
            raise RuleError(f"rules/{name}: '{entry[0][0]}': bad value {entry[1][0]!r}") from exc
        for word in entry[0]:
            kinds[entry[2][0]].setdefault(word.lower(), number)
    words["cardinal"], words["scale"], words["ordinal"] = kinds["cardinal"], kinds["scale"], kinds["ordinal"]
    words["multiplier"], words["vague"] = kinds["multiplier"], kinds["approx"]
    words["vague"].update({"several": Decimal(3), "a few": Decimal(3), "a couple of": Decimal(2)})
    # "tens", "hundreds": plural cardinals count many of their unit.
    words["plural"] = frozenset(
        w for w in kinds["cardinal"] if w.endswith("s") and (w[:-1] in kinds["cardinal"] or w[:-1] in kinds["scale"])
    )
    money = _table(data, "money", source)
    words["money_scales"] = {"m": Decimal(10**6), "k": Decimal(10**3), "b": Decimal(10**9)}
    name = "words/time_words.txt"
    months, weekdays = {}, {}
    for entry in _lines(root, name, source):
        kind = entry[-1][0] if len(entry) > 1 else ""
        target = months if kind == "month" else weekdays if kind == "weekday" else None
        if target is not None:
            number = len({*target.values()}) + (1 if kind == "month" else 0)
            for word in entry[0]:
                target[word.lower().rstrip(".")] = number
    if len(set(months.values())) != 12 or len(set(weekdays.values())) != 7:
        raise RuleError(f"rules/{name}: needs 12 month lines and 7 weekday lines in calendar order")
    words["months"], words["weekdays"] = months, weekdays
    hedges, places = {}, {}
    name = "values/hedges.txt"
    for entry in _lines(root, name, source):
        if len(entry) not in (2, 3) or entry[1][0] not in HEDGE_READINGS or (len(entry) == 3 and entry[2][0] != "after"):
            raise RuleError(f"rules/{name}: '{entry[0][0]}' needs 'words | reading [| after]' with a reading of {sorted(HEDGE_READINGS)}")
        for word in entry[0]:
            hedges[word.lower()] = entry[1][0]
            places[word.lower()] = (entry[1][0], "after" if len(entry) == 3 else "before")
    words["hedges"], words["hedge_places"] = hedges, places
    words["units"] = _units(root, source)
    time_units, plural = {}, set()
    name = "values/time_units.txt"
    for entry in _lines(root, name, source):
        if len(entry) != 3 or not entry[1][0].isdigit() or entry[2][0] not in DURATION_DESIGNATORS:
            raise RuleError(f"rules/{name}: '{entry[0][0]}' needs 'words | count | designator' ({sorted(DURATION_DESIGNATORS)})")
        for word in entry[0]:
            time_units[word.lower()] = (int(entry[1][0]), entry[2][0])
            if word.lower().endswith(("s", "ia")):  # "years", "hrs", "millennia": plurals
                plural.add(word.lower())
    words["time_units"], words["plural_time_units"] = time_units, frozenset(plural)
    holidays = {}
    name = "values/holidays.txt"
    for entry in _lines(root, name, source):
        match = re.fullmatch(r"(\d\d)-(\d\d)", entry[1][0]) if len(entry) == 2 else None
        if not match or _safe_date(2000, int(match.group(1)), int(match.group(2))) is None:
            raise RuleError(f"rules/{name}: '{entry[0][0]}' needs 'names | MM-DD'")
        for word in entry[0]:
            holidays[word.lower()] = (int(match.group(1)), int(match.group(2)))
    words["holidays"] = holidays
    relative_dates = {}
    name = "values/relative_dates.txt"
    for entry in _lines(root, name, source):
        if len(entry) not in (3, 4) or entry[1][0] not in GRAINS or not re.fullmatch(r"[+-]?\d+", entry[2][0]):
            raise RuleError(f"rules/{name}: '{entry[0][0]}' needs 'phrases | grain | offset [| qualifier]' (grains {sorted(GRAINS)})")
        for word in entry[0]:
            relative_dates[word.lower()] = (entry[1][0], int(entry[2][0]), entry[3][0] if len(entry) == 4 else None)
    words["relative_dates"] = relative_dates
    qualifiers = _table(data, "qualifiers", source)
    words["qualifiers"] = {k.lower(): v for k, v in qualifiers.items()}
    words["seasons"] = {k.lower(): v for k, v in _table(data, "seasons", source).items()}
    relative = _table(data, "relative", source)
    if not all(isinstance(v, int) for v in relative.values()):
        raise RuleError(f"{source}: [relative] values must be whole numbers")
    words["relative"] = dict(relative)
    leading = _table(data, "leading", source)
    for key in ("plain", "date_lower", "date_upper"):
        if not isinstance(leading.get(key), list):
            raise RuleError(f"{source}: [leading] '{key}' must be a list of words")
    words["date_lower"], words["date_upper"] = frozenset(leading["date_lower"]), frozenset(leading["date_upper"])
    tense = _table(data, "tense", source)
    if not isinstance(tense.get("future"), list) or not tense["future"]:
        raise RuleError(f"{source}: [tense] 'future' must be a list of words")
    if not isinstance(money.get("former", []), list) or not isinstance(money.get("defaults", {}), dict):
        raise RuleError(f"{source}: [money] 'former' is a list of ISO codes and 'defaults' a table")
    return words


def _units(root: RuleFiles, source: str) -> dict[str, dict[str, tuple[str, Decimal]]]:
    name = "values/units.txt"
    units: dict[str, dict] = {kind: {} for kind in UNIT_KINDS}
    for entry in _lines(root, name, source):
        if len(entry) not in (3, 4) or entry[2][0] not in UNIT_KINDS:
            raise RuleError(f"rules/{name}: '{entry[0][0]}' needs 'words | symbol | kind [| factor]' (kinds {UNIT_KINDS})")
        try:
            factor = Decimal(entry[3][0]) if len(entry) == 4 else Decimal(1)
        except InvalidOperation as exc:
            raise RuleError(f"rules/{name}: '{entry[0][0]}': bad factor") from exc
        table = units[entry[2][0]]
        for word in entry[0]:
            word = _norm(word)
            for key in (word, word.lower()):
                if key in table and table[key] != (entry[1][0], factor) and key == word:
                    raise RuleError(f"rules/{name}: '{word}' has two symbols in kind {entry[2][0]}")
                table.setdefault(key, (entry[1][0], factor))
    return units


def _currencies(root: RuleFiles) -> tuple[Currency, ...]:
    name = "words/currencies.txt"
    entries = []
    for entry in _lines(root, name, f"rules/{VALUE_RULES}"):
        if len(entry) != 3:
            raise RuleError(f"rules/{name}: '{entry[0][0]}' needs 'names | signs, codes | countries'")
        codes = [s for s in entry[1] if ISO_CODE.fullmatch(s)]
        entries.append(Currency(codes[0] if codes else None, entry[0], entry[1], entry[2]))
    return tuple(entries)


def _currency_tables(currencies: tuple[Currency, ...], data: dict, source: str) -> dict:
    money = data["money"]
    names, family, signs, main = {}, {}, {}, {}
    former = frozenset(money.get("former", ()))
    for index, currency in enumerate(currencies):
        for name in currency.names:
            key = SPACES.sub(" ", name.lower())
            names.setdefault(key, index)
            family.setdefault(key.split()[-1], []).append(index)
        for sign in currency.signs:
            signs.setdefault(sign, []).append(index)
        if currency.iso and currency.iso not in former:
            for country in currency.countries:
                main.setdefault(country, currency.iso)
    by_iso = {c.iso: i for i, c in enumerate(currencies) if c.iso}
    defaults = {}
    for key, iso in money.get("defaults", {}).items():
        if iso not in by_iso:
            raise RuleError(f"{source}: [money] defaults: '{key}' names {iso!r}, no ISO code of rules/words/currencies.txt")
        defaults[key] = by_iso[iso]
    return {
        "currency_names": names,
        "currency_family": {k: tuple(v) for k, v in family.items()},
        "signs": {k: tuple(v) for k, v in signs.items()},
        "main_currency": main,
        "former": former,
        "currency_defaults": defaults,
    }


def _computed_fragments(words: dict, currencies: tuple[Currency, ...]) -> dict[str, str]:
    signs = {s for c in currencies for s in c.signs}
    codes = {s for s in signs if ISO_CODE.fullmatch(s)}
    fragments = {
        "hedge": alternation(w for w, (_, place) in words["hedge_places"].items() if place == "before"),
        "hedge_after": alternation(w for w, (_, place) in words["hedge_places"].items() if place == "after") or "(?!)",
        "currency_sign": "(?-i:" + alternation(signs - codes) + ")",
        "currency_code": "(?-i:" + alternation(codes) + ")",
        "currency_word": alternation(n for c in currencies for n in c.names),
        "plural_count": alternation(words["plural"]),
        "time_unit": alternation(words["time_units"]),
        "relative_phrase": alternation(words["relative_dates"]),
        "qualifier": alternation(words["qualifiers"]),
    }
    for kind in UNIT_KINDS:
        # Case matters for unit symbols ("Mt" megatonne); words match in any case.
        table = words["units"][kind]
        fragments[f"unit_{kind}"] = alternation(table)
    return fragments


def _rules(data: dict, fragments: dict, source: str) -> tuple[ValueRule, ...]:
    allowed = {"name", "pattern", "labels", "read", "examples", "counterexamples"}
    seen, rules = set(), []
    for position, table in enumerate(data.get("rule", []), start=1):
        name = table.get("name")
        where = f"{source}: rule '{name}'" if name else f"{source}: rule #{position}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
            raise RuleError(f"{where}: 'name' must be a kebab-case string")
        if name in seen:
            raise RuleError(f"{where}: duplicate name")
        seen.add(name)
        unknown = set(table) - allowed
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
        missing = [key for key in ("pattern", "labels", "read") if key not in table]
        if missing:
            raise RuleError(f"{where}: missing key(s) {missing}")
        if not isinstance(table["labels"], list) or not table["labels"] or not set(table["labels"]) <= LABELS:
            raise RuleError(f"{where}: 'labels' must list labels of {sorted(LABELS)}")
        if table["read"] not in READERS:
            raise RuleError(f"{where}: 'read' must be one of {sorted(READERS)}")
        if not table.get("examples"):
            raise RuleError(f"{where}: needs at least one example")
        pattern = expand(table["pattern"], fragments, where)
        try:
            # A value may end with the sentence's punctuation ("in 2019.").
            regex = re.compile(f"(?:{pattern})[.,;:!?]*", re.IGNORECASE)
        except re.error as exc:
            raise RuleError(f"{where}: bad pattern: {exc}") from exc
        rules.append(
            ValueRule(name, table["pattern"], regex, frozenset(table["labels"]), table["read"],
                      tuple(table["examples"]), tuple(table.get("counterexamples", ())), source)
        )
    if not rules:
        raise RuleError(f"{source}: no [[rule]] tables")
    return tuple(rules)


def _corpus(data: dict, kind: str, source: str) -> tuple[Example, ...]:
    allowed = {"text", "label", "doc_date", "country", "sentence"} | ({"value"} if kind == "example" else set())
    examples = []
    for position, table in enumerate(data.get(kind, []), start=1):
        where = f"{source}: {kind} #{position} ({table.get('text')!r})"
        unknown = set(table) - allowed
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
        if not isinstance(table.get("text"), str) or table.get("label") not in LABELS:
            raise RuleError(f"{where}: needs a 'text' and a 'label' of {sorted(LABELS)}")
        value = table.get("value")
        if kind == "example" and (not isinstance(value, dict) or value.get("kind") not in KINDS):
            raise RuleError(f"{where}: 'value' must be a table with a 'kind' of {sorted(KINDS)}")
        doc_date = table.get("doc_date")
        if doc_date is not None and (not isinstance(doc_date, datetime.date) or isinstance(doc_date, datetime.datetime)):
            raise RuleError(f"{where}: 'doc_date' must be a TOML date (2022-02-24)")
        sentence = table.get("sentence")
        span = None
        if sentence is not None:
            start = sentence.find(table["text"]) if isinstance(sentence, str) else -1
            if start < 0:
                raise RuleError(f"{where}: the sentence must hold the text")
            span = (start, start + len(table["text"]))
        context = None
        if doc_date is not None or table.get("country") or sentence:
            context = ValueContext(doc_date, table.get("country"), sentence, span)
        examples.append(Example(table["text"], table["label"], MappingProxyType(dict(value)) if value else None, context))
    return tuple(examples)
