"""Calibration tables: kinds of answers, fallbacks, validation of rules/calibration.toml."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from qa.calibration import Calibration, kind_of, load_calibration
from qa.rulefiles import RuleError, RuleFiles
from tests.rulesets import RULES


def test_the_kind_of_an_answer_names_its_type_frame_and_scope():
    assert kind_of("NUM:money", False) == "NUM"
    assert kind_of("HUM:ind", True, scope=5000) == "HUM+frame"
    assert kind_of("HUM:ind", True, scope=30) == "article/HUM+frame"
    assert kind_of("YESNO", False, scope=60) == "article/YESNO"


def test_a_kind_without_its_own_table_falls_back_to_its_scope_then_the_default():
    tables = MappingProxyType({
        "default": ((0.0, 0.0), (1.0, 0.5)),
        "article": ((0.0, 0.2), (1.0, 1.0)),
        "article/NUM": ((0.0, 0.0), (1.0, 0.1)),
        "HUM": ((0.0, 0.3), (1.0, 0.3)),
    })
    c = Calibration(tables)
    assert c.probability(1.0, "article/NUM+frame") == 0.1  # its kind without the frame
    assert c.probability(1.0, "article/LOC") == 1.0  # the article table
    assert c.probability(1.0, "LOC") == 0.5  # the default
    assert c.probability(0.5, "HUM+frame") == 0.3
    assert c.probability(0.5, "default") == 0.25  # interpolated


def test_the_shipped_tables_are_monotone_and_valid():
    calibration = RULES.calibration
    for kind, knots in calibration.tables.items():
        assert all(b[1] >= a[1] for a, b in zip(knots, knots[1:])), kind
    assert 0.0 <= calibration.probability(0.75, "article/NUM") <= 1.0


@pytest.mark.parametrize(
    "table, message",
    [
        ('"NUMBERS" = [[0.0, 0.0], [1.0, 1.0]]', "is named"),
        ('"NUM" = [[0.0, 0.5], [1.0, 0.2]]', "must not decrease"),
        ('"NUM" = [[0.5, 0.5], [0.4, 0.6]]', "must increase"),
    ],
)
def test_a_bad_table_is_named(tmp_path, table, message):
    (tmp_path / "calibration.toml").write_text(f'source = "test"\n[tables]\ndefault = [[0.0, 0.0], [1.0, 1.0]]\n{table}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_calibration(RuleFiles(tmp_path))
