"""The classification assignment's corpus and catalog, as counted, and what its recognisers take
by behaviour: what holds for every assignment's corpus (each mistake named and costing points,
correct answers in other styles, the check cells, the ids a call can produce) is in
test_assignment_battery.py, on tests/corpora/classification.py."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_course.course.mistake_ids import NOT_FLOAT
from backprop_course.grading.feedback import feedback_lines
from backprop_course.grading.judge import judge
from backprop_course.grading.runner import run_cases

from .support.backprop import CONTRACT as BACKPROP
from .support.classification import CONTRACT
from .support.grading import failure_of, notebook_namespace

# How students keep log away from 0, with EPS for their epsilon.
GUARDS = {
    "maximum": "np.log(np.maximum(P[np.arange(len(y)), y], EPS))",
    "clip": "np.log(np.clip(P, EPS, 1 - EPS)[np.arange(len(y)), y])",
    "add": "np.log(P[np.arange(len(y)), y] + EPS)",
}
# numpy's machine epsilon (scikit-learn's default), the usual powers of ten, and two no list holds.
EPSILONS = ("np.finfo(float).eps", "1e-15", "1e-12", "1e-10", "1e-7", "1e-300", "3.7e-11", "0.01")


def test_the_catalog_has_its_36_mistakes_and_one_inputs_kept_mistake():
    own = {mistake.id for mistake in CONTRACT.own_mistakes}
    assert len(own) == 36 and set(CONTRACT.inputs_mistakes().values()) == {"sgd-mutates-input"}


@pytest.mark.parametrize("guard", GUARDS)
@pytest.mark.parametrize("epsilon", EPSILONS)
def test_a_cross_entropy_clipped_at_any_epsilon_is_named_clipped(epsilon, guard):
    code = f"def cross_entropy(P, y):\n    return float(-np.mean({GUARDS[guard].replace('EPS', epsilon)}))\n"
    assert failure_of("cross_entropy", code, contract=CONTRACT).mistake == "ce-clipped-probabilities"


@pytest.mark.parametrize("student", ["", "ann", "ben", "cleo"])
def test_the_hidden_cases_hold_a_true_class_probability_below_any_epsilon_a_student_writes(student):
    for function_name in ("cross_entropy", "dloss_dlogits"):
        smallest = min(float(np.min(P[np.arange(len(y)), y])) for P, y in CONTRACT.hidden_cases(function_name, student))
        assert np.finfo(float).tiny < smallest < 1e-300, (function_name, smallest)


def test_other_wrong_losses_below_the_reference_are_not_taken_for_clipping():
    for wrong in ("np.log10(P[np.arange(len(y)), y])", "np.log(P[np.arange(len(y)), y]) / 2",
                  "np.log(np.maximum(P[np.arange(len(y)), y], 1e-10)) * 1.001"):
        code = f"def cross_entropy(P, y):\n    return float(-np.mean({wrong}))\n"
        assert failure_of("cross_entropy", code, contract=CONTRACT).mistake == "wrong-value", wrong


def test_the_float_results_are_the_contracts_and_only_their_catalogs_have_not_float():
    assert CONTRACT.float_results == ("one_hot", "relu_prime")
    assert NOT_FLOAT in CONTRACT.mistakes and NOT_FLOAT not in BACKPROP.mistakes


def test_integers_fail_only_the_structure_check_of_a_float_result():
    for code in ("def relu_prime(z):\n    return (z > 0).astype(np.int32)\n",
                 "def relu_prime(z):\n    return np.array([int(v > 0) for v in np.ravel(z)]).reshape(np.shape(z))\n"):
        namespace = notebook_namespace(code, CONTRACT.notebook_of["relu_prime"])
        cases = CONTRACT.hidden_cases("relu_prime", "ann")
        verdicts = judge(CONTRACT, "relu_prime", cases, run_cases(CONTRACT, "relu_prime", namespace, cases))
        assert [(verdict.check.name, verdict.points) for verdict in verdicts] == [("shape", 0.0), ("values", 1.0)]
        assert verdicts[0].failure.mistake == NOT_FLOAT and "floats are expected" in verdicts[0].failure.detail
    # predict_classes returns integers, and says nothing of its dtype: integers are right there.
    code = "def predict_classes(X, params):\n    return np.argmax(forward(X, params), axis=1).astype(np.int32)\n"
    assert failure_of("predict_classes", code, contract=CONTRACT) is None


def feedback_of(function_name: str, code: str) -> str:
    namespace = notebook_namespace(code, CONTRACT.notebook_of[function_name])
    cases = CONTRACT.hidden_cases(function_name, "ann")
    outcomes = run_cases(CONTRACT, function_name, namespace, [*cases, CONTRACT.public_example(function_name)])
    verdicts = judge(CONTRACT, function_name, cases, outcomes[:-1])
    return "\n".join(line for verdict in verdicts for line in feedback_lines(CONTRACT, verdict, outcomes[-1]))


def test_feedback_shows_a_hidden_case_where_the_public_example_cannot_show_the_mistake():
    clipped = feedback_of("cross_entropy", "def cross_entropy(P, y):\n    return float(-np.mean("
                                           f"{GUARDS['maximum'].replace('EPS', 'np.finfo(float).eps')}))\n")
    assert "right on the public example; on a hidden case (inputs not shown) it differs:" in clipped
    yours, expected = (line.split(":", 1)[1].strip() for line in clipped.splitlines()[-2:])
    assert float(yours) < float(expected), clipped
    summed = feedback_of("cross_entropy", "def cross_entropy(P, y):\n    return float(-np.sum(np.log("
                                          "P[np.arange(len(y)), y])))\n")
    assert "on the public example in this cell's assert_implemented line:" in summed
    assert "    yours:    2.1972\n    expected: 1.0986" in summed
