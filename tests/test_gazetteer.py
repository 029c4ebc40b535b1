"""The gazetteer: places and demonyms in running text, their kinds, countries and other names."""

from tests.rulesets import LEX

GAZETTEER = LEX.gazetteer


def names(text: str, case_sensitive: bool = False):
    return [(m.text, m.place.kind, m.place.country) for m in GAZETTEER.find_places(text, case_sensitive)]


def test_countries_capitals_and_demonyms_are_found_with_their_country():
    found = names("French officials flew from Paris to Peru.")
    assert ("French", "DEMONYM", "France") in found
    assert ("Paris", "CITY", "France") in found
    assert ("Peru", "COUNTRY", "Peru") in found


def test_the_longest_name_wins():
    assert [t for t, _, _ in names("They met in the United States.")] == ["United States"]


def test_a_short_acronym_in_lower_case_is_an_ordinary_word():
    assert not any(text == "us" for text, _, _ in names("tell us more"))
    assert any(text == "US" for text, _, _ in names("the US said"))


def test_case_sensitive_look_up_wants_a_capital():
    assert names("the chad river", case_sensitive=True) == []


def test_a_possessive_is_not_part_of_the_name():
    assert names("Peru's president spoke.")[0][0] == "Peru"


def test_places_map_demonyms_to_their_country():
    assert GAZETTEER.places("a Kenyan farmer in Nairobi") == frozenset({"Kenya"})


def test_country_names_lists_the_canonical_name_first():
    names_of = GAZETTEER.country_names("Germany")
    assert names_of[0] == "Germany" and "German" in names_of
    assert GAZETTEER.country_names("Atlantis") == ("Atlantis",)


def test_an_adjective_made_from_a_region_is_a_demonym():
    (match,) = GAZETTEER.find_places("South American exports")
    assert match.place.kind == "DEMONYM"
