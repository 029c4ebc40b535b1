"""Candidate labels, defined once: which stage produces each, and the sets stages reason with."""

from __future__ import annotations

# Proper names typed by qa/names.py at index time.
NAME_LABELS = frozenset({"PERSON", "ORG", "GROUP", "NORP", "COUNTRY", "CITY", "REGION", "PROPER"})
# Spans found at question time by qa/extraction.py.
DESCRIPTION, NP, REASON, GROUP, SITE, YESNO = "DESCRIPTION", "NP", "REASON", "GROUP", "SITE", "YESNO"
QUESTION_TIME_LABELS = frozenset({DESCRIPTION, NP, REASON, GROUP, SITE, YESNO})
# Amounts that count or measure what follows them ("2 million [ethnic Germans]", "$5 million [in aid]"):
# the question's words before them are further away than those after.
COUNTS = frozenset({"NUMBER", "MONEY", "PERCENT", "SHARE", "DISTANCE", "WEIGHT", "SIZE"})
# Every amount: its confidence depends partly on whether what follows it is what the question counts.
QUANTITIES = COUNTS | {"SPEED", "TEMPERATURE"}
# Places a "where" question is answered by.
PLACES = frozenset({"CITY", "COUNTRY", "REGION"})
