"""The classification assignment's corpus and catalog, as counted: what holds for every
assignment's corpus (each mistake named and costing points, correct answers in other styles, the
check cells, the ids a call can produce) is in test_assignment_battery.py, on
tests/corpora/classification.py."""

from __future__ import annotations

from .support.classification import CONTRACT


def test_the_catalog_has_its_36_mistakes_and_one_inputs_kept_mistake():
    own = {mistake.id for mistake in CONTRACT.own_mistakes}
    assert len(own) == 36 and set(CONTRACT.inputs_mistakes().values()) == {"sgd-mutates-input"}
