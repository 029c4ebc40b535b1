"""Proper names: people after titles, organisations, places, and the fullest form of a name."""

from qa.entities import annotate_document
from qa.names import find_names
from tests.rulesets import LEX, RULES


def labels(text):
    return {(n.text, n.label) for n in find_names(text, LEX)}


def test_a_title_marks_a_person_and_is_not_part_of_the_name():
    assert ("Jane Q. Public", "PERSON") in labels("Secretary of State Jane Q. Public arrived on Monday.")


def test_hyphenated_names_and_middle_initials_stay_whole():
    assert ("Anne-Marie T. Dupont", "PERSON") in labels("The minister, Anne-Marie T. Dupont, spoke.")


def test_a_place_after_of_is_not_part_of_a_persons_name():
    found = labels("He met President Jean R. Smith of France.")
    assert ("Jean R. Smith", "PERSON") in found
    assert ("France", "COUNTRY") in found


def test_gazetteer_places_are_typed():
    found = labels("Officials in Berlin and Germany met.")
    assert ("Berlin", "CITY") in found and ("Germany", "COUNTRY") in found


def test_a_sentence_initial_common_word_is_not_a_name():
    assert not any(text.startswith("However") for text, _ in labels("However Paris stayed calm."))


def test_a_later_mention_resolves_to_the_fullest_name():
    annotated = annotate_document(["President Maria L. Gomez of Chile spoke.", "Later, Ms. Gomez left."], RULES)
    person = [e for e in annotated[1] if e.label == "PERSON"][0]
    assert person.text == "Gomez"
    assert person.canonical == "Maria L. Gomez"


def test_a_nationality_followed_by_a_group_noun_is_a_group():
    assert ("Kenyan officials", "GROUP") in labels("Kenyan officials said the talks failed.")


def test_a_title_with_only_a_place_after_of_names_nobody():
    found = labels("The President of France and the Secretary of State of Peru spoke.")
    assert ("France", "COUNTRY") in found
    assert not any(label == "PERSON" for _, label in found)


def test_a_building_or_battle_is_no_person():
    found = labels("Tom Reyes scored at Harbour Stadium before the Siege Redmoor began.")
    assert ("Tom Reyes", "PERSON") in found
    assert ("Harbour Stadium", "PERSON") not in found
    assert ("Siege Redmoor", "PERSON") not in found


def test_an_ordinal_opens_the_name_of_a_unit_only():
    from qa.entities import annotate_sentence

    found = [(e.label, e.text) for e in annotate_sentence("Troops of the 2nd Battalion Royal Border Rifles landed.", RULES)]
    assert ("ORG", "2nd Battalion Royal Border Rifles") in found and all(label != "ORDINAL" for label, _ in found)
    found = [(e.label, e.text) for e in annotate_sentence("It was her 3rd World Cup.", RULES)]
    assert ("ORDINAL", "3rd") in found and all(not text.startswith("3rd W") for _, text in found)


def test_a_very_long_sentence_is_read_in_linear_time():
    import time

    text = "word " * 200_000 + "Jane Doe left."
    started = time.perf_counter()
    found = find_names(text, LEX)
    assert time.perf_counter() - started < 5.0  # quadratic look-backs took minutes here
    assert any(n.text == "Jane Doe" for n in found)


def test_a_place_word_before_a_name_types_it():
    assert ("Velmora Nueva", "CITY") in labels("The talks moved to the Kelvish capital Velmora Nueva last week.")
    assert ("Tarnholm", "CITY") in labels("Rain fell on the port of Tarnholm.")
    assert ("Quessa", "REGION") in labels("Troops entered the province of Quessa.")
    assert ("Ilsa Brandt", "PERSON") in labels("The minister, Ilsa Brandt, spoke.")


def test_of_the_inside_a_name_keeps_it_whole():
    found = labels("Aid arrived from the Federation of the Northern Isles on Monday.")
    assert ("Federation of the Northern Isles", "ORG") in found
    assert not any(text == "Federation" for text, _ in found)


def test_of_the_before_lower_case_words_ends_the_name():
    found = labels("The Federation of the poor districts met.")
    assert not any("poor" in text for text, _ in found)


def test_a_colour_word_inside_a_name_is_part_of_it():
    from qa.entities import annotate_sentence

    spans = {(e.text, e.label) for e in annotate_sentence("They thanked the Green Harbour Trust for its help.", RULES)}
    assert ("Green Harbour Trust", "ORG") in spans
    assert not any(label == "COLOR" for _, label in spans)
    assert ("red", "COLOR") in {(e.text, e.label) for e in annotate_sentence("He wore a red coat.", RULES)}
