"""The grader's two steps, run on student code in this process: run the function, judge results."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_course.grading.feedback import feedback_lines
from backprop_course.grading.judge import judge
from backprop_course.grading.kernel_calls import read_outcomes
from backprop_course.grading.runner import run_cases
from backprop_course.in_kernel import kernel_side, wire
from backprop_course.nbgrader_glue.hidden_tests import grade

from .support.backprop import (
    ASSIGNMENT,
    CHECKS,
    CONTRACT,
    GRADED_FUNCTIONS,
    MISTAKES,
    SINGLE_NEURON,
    hidden_cases,
    reference,
)
from .support.grading import failure_of, notebook_namespace, points_of, verdicts_of


def reference_namespace() -> dict:
    namespace = notebook_namespace()
    namespace.update({name: getattr(reference, name) for name in GRADED_FUNCTIONS})
    return namespace


def test_check_points_add_up_to_the_contract():
    for name, function in GRADED_FUNCTIONS.items():
        assert sum(check.points for check in CHECKS[name]) == function.points, name
        assert all(check.grade_id.startswith(function.test_id) for check in CHECKS[name])


@pytest.mark.parametrize("name", sorted(GRADED_FUNCTIONS))
def test_the_reference_itself_gets_full_points(name, capsys):
    namespace = reference_namespace()
    earned = sum(grade(ASSIGNMENT, name, check.name, namespace, "anyone") for check in CHECKS[name])
    assert earned == GRADED_FUNCTIONS[name].points
    assert capsys.readouterr().out.count("passed every hidden check") == len(CHECKS[name])


@pytest.mark.parametrize("name", sorted(GRADED_FUNCTIONS))
def test_a_stub_or_a_missing_function_is_not_implemented(name):
    stub = f"def {name}(*args, **kwargs):\n    raise NotImplementedError()\n"
    for code in (stub, ""):
        assert points_of(name, code) == 0.0
        assert failure_of(name, code).mistake == "not-implemented"


def test_an_n_by_1_result_is_a_wrong_shape_not_a_broadcast_pass():
    failure = failure_of("dloss_dyhat", "def dloss_dyhat(y_hat, y):\n    return (2 / len(y) * (y_hat - y))[:, None]\n")
    assert failure.mistake == "wrong-shape"
    assert "got an array of shape" in failure.detail


@pytest.mark.parametrize("db_expression", ["float(np.sum(delta))", "np.sum(delta)", "np.array(np.sum(delta))"])
def test_db_may_be_a_float_a_numpy_scalar_or_a_0d_array(db_expression):
    code = f"""
    def neuron_gradients(X, y, w, b):
        z = X @ w + b
        delta = 2 / len(y) * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
        return X.T @ delta, {db_expression}
    """
    assert points_of("neuron_gradients", code) == 4


def test_db_as_a_one_element_array_is_a_wrong_shape_and_costs_only_shape_and_db():
    code = """
    def neuron_gradients(X, y, w, b):
        z = X @ w + b
        delta = 2 / len(y) * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
        return X.T @ delta, np.sum(delta, keepdims=True)
    """
    verdicts = {verdict.check.name: verdict for verdict in verdicts_of("neuron_gradients", code)}
    assert verdicts["dw"].points == 2
    assert verdicts["shape"].failure.mistake == "wrong-shape" and "[1]" in verdicts["shape"].failure.detail
    assert verdicts["db"].points == 0


def test_warnings_and_prints_of_student_code_cost_nothing_and_stay_quiet(capfd):
    code = """
    import sys, warnings
    def neuron_forward(X, w, b):
        print("debugging output")
        print("to stderr", file=sys.stderr)
        warnings.warn("a warning of the student's own")
        return 1 / (1 + np.exp(-(X @ w + b)))  # overflows in exp for large |z|
    """
    assert points_of("neuron_forward", code) == 1
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_an_exception_is_reported_with_its_type_and_message():
    failure = failure_of("mse_loss", "def mse_loss(y_hat, y):\n    return y_hat.nonexistent\n")
    assert failure.mistake == "raised-error"
    assert failure.detail.startswith("AttributeError")


@pytest.mark.parametrize("returned", ["'a string'", "None", "True", "[1.0, 2.0]"])
def test_a_result_of_another_type_is_a_wrong_shape(returned):
    assert failure_of("mse_loss", f"def mse_loss(y_hat, y):\n    return {returned}\n").mistake == "wrong-shape"


def test_an_in_place_update_with_the_right_values_loses_only_the_inputs_check():
    verdicts = verdicts_of("sgd_update", "def sgd_update(p, g, lr):\n    p -= lr * g\n    return p\n")
    assert [(verdict.check.name, verdict.points) for verdict in verdicts] == [("values", 1.0), ("inputs", 0.0)]
    assert verdicts[1].failure.mistake == "sgd-mutates-input"


def test_callers_are_graded_with_the_reference_callees_and_the_notebook_is_restored():
    code = """
    def dloss_dyhat(y_hat, y):
        return y - y_hat  # wrong sign and scale
    def sigmoid_prime(z):
        return sigmoid(z)  # wrong
    def neuron_gradients(X, y, w, b):
        z = X @ w + b
        delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
        return X.T @ delta, float(delta.sum())
    """
    namespace = notebook_namespace(code, SINGLE_NEURON)
    students_dloss = namespace["dloss_dyhat"]
    cases = hidden_cases("neuron_gradients", "x")
    verdicts = judge(CONTRACT, "neuron_gradients", cases, run_cases(CONTRACT, "neuron_gradients", namespace, cases))
    assert sum(verdict.points for verdict in verdicts) == 4
    assert namespace["dloss_dyhat"] is students_dloss
    assert points_of("dloss_dyhat", code) < 2
    assert points_of("sigmoid_prime", code) < 2


def test_a_function_that_never_returns_is_stopped_and_reported(monkeypatch):
    monkeypatch.setattr("backprop_course.grading.runner.CALL_TIME_LIMIT", 0.2)
    failure = failure_of("mse_loss", "def mse_loss(y_hat, y):\n    while True:\n        pass\n")
    assert failure.mistake == "time-limit"


def test_hidden_inputs_are_reproducible_and_differ_between_students():
    first, again, other = (hidden_cases("mlp_gradients", student) for student in ("ann", "ann", "ben"))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(first, again))
    assert not all(a[0].shape == b[0].shape and np.array_equal(a[0], b[0]) for a, b in zip(first, other))


def test_feedback_names_the_mistake_and_its_hint_but_no_hidden_value():
    verdicts = verdicts_of("mse_loss", "def mse_loss(y_hat, y):\n    return float(np.sum((y_hat - y) ** 2))\n")
    text = "\n".join(feedback_lines(CONTRACT, verdicts[0]))
    assert "0 of 1 point" in text
    assert f"[loss-sum-not-mean] {MISTAKES['loss-sum-not-mean'].hint}" in text
    for args in hidden_cases("mse_loss", "someone"):
        assert f"{reference.mse_loss(*args):.4}" not in text


def test_the_kernel_says_where_a_result_holds_integers_and_the_grader_reads_it_back():
    where = wire.integer_part
    assert where({"a": np.zeros(2), "b": [1.0, np.arange(3)]}) == 'the result["b"][1] is an array of int64'
    assert where((np.zeros(2), 3)) == "the result[1] is an integer (int)"
    assert where(np.arange(3) > 0) == where(True) == where(2.0) == where("text") == ""
    sent = wire.dumps([kernel_side.call(lambda: np.arange(2, dtype=np.int32), (), 1.0)])
    assert read_outcomes(sent, 1)[0].integers == "the result is an array of int32"
