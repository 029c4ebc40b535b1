"""qa: rule-based question answering over news articles, with no language model."""
