"""The repository's rule set, loaded once for the tests that need it directly."""

from qa.rules import load_rules

RULES = load_rules()
LEX = RULES.lexicon


def split_sentences(doc: str, text: str):
    """Split a text with the rule set's sentence splitter."""
    return LEX.splitter.split(doc, text)
