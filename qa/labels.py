"""Candidate labels, defined once: which stage produces each, and the sets stages reason with."""

from __future__ import annotations

# Proper names typed by qa/names.py at index time.
NAME_LABELS = frozenset({"PERSON", "ORG", "GROUP", "NORP", "COUNTRY", "CITY", "REGION", "PROPER"})
# Spans found at question time by qa/extraction.py.
DESCRIPTION, NP, REASON, GROUP, SITE = "DESCRIPTION", "NP", "REASON", "GROUP", "SITE"
QUESTION_TIME_LABELS = frozenset({DESCRIPTION, NP, REASON, GROUP, SITE})
# Amounts: what they count follows them ("2 million [ethnic Germans]").
QUANTITIES = frozenset({"NUMBER", "MONEY", "PERCENT", "SHARE", "DISTANCE", "WEIGHT", "SIZE", "SPEED", "TEMPERATURE"})
# Places a "where" question is answered by.
PLACES = frozenset({"CITY", "COUNTRY", "REGION"})
