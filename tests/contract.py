"""The answer contract the tests hold every answer to, as JSON or as a record."""


def assert_span_holds(sentence: str, span, text: str, type_: str, mention: str | None) -> None:
    """Assert what an answer's span holds: its text; the mention it stands for; or, for yes/no, its clause."""
    start, end = span
    assert 0 <= start < end <= len(sentence), (span, len(sentence))
    said = sentence[start:end]
    if type_ == "YESNO":
        assert text in ("yes", "no") and said.strip()
    else:
        assert said == (mention or text), (said, text, mention)


def assert_answer_json(answer: dict) -> None:
    """Assert the span rule of an answer of the API."""
    assert_span_holds(answer["sentence"]["text"], answer["span"], answer["text"], answer["type"], answer.get("mention"))


def assert_answer(answer) -> None:
    """Assert the span rule of a pipeline answer."""
    assert_span_holds(answer.sentence, answer.span, answer.text, answer.type, answer.mention)
