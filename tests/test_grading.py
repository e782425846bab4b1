"""The grader's two steps, run on student code in this process: run the function, judge results."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from backprop_course import reference
from backprop_course.cases import hidden_cases
from backprop_course.contract import (
    GRADED_FUNCTIONS,
    MISTAKES,
    MULTILAYER,
    NOTEBOOK_OF,
    SINGLE_NEURON,
    Notebook,
    graded_function,
)
from backprop_course.hidden_tests import feedback_lines, grade
from backprop_course.judge import judge
from backprop_course.runner import run_cases


def notebook_namespace(student_code: str = "", notebook: Notebook = MULTILAYER) -> dict:
    """What a notebook's globals hold: numpy, its given helpers, then the student's cells."""
    namespace = {"np": np}
    for name in notebook.given:
        namespace[name] = getattr(reference, name)
    exec(textwrap.dedent(student_code), namespace)
    return namespace


def verdict_of(function_name: str, student_code: str, student_id: str = "someone"):
    namespace = notebook_namespace(student_code, NOTEBOOK_OF[function_name])
    cases = hidden_cases(function_name, student_id)
    return judge(function_name, hidden_cases(function_name, student_id), run_cases(function_name, namespace, cases))


def reference_namespace() -> dict:
    namespace = notebook_namespace()
    namespace.update({name: getattr(reference, name) for name in GRADED_FUNCTIONS})
    return namespace


@pytest.mark.parametrize("name", sorted(GRADED_FUNCTIONS))
def test_the_reference_itself_gets_full_points(name, capsys):
    assert grade(name, reference_namespace(), "anyone") == graded_function(name).points
    assert "passed every hidden check" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(GRADED_FUNCTIONS))
def test_a_stub_or_a_missing_function_is_not_implemented(name):
    stub = f"def {name}(*args, **kwargs):\n    raise NotImplementedError()\n"
    for code in (stub, ""):
        verdict = verdict_of(name, code)
        assert verdict.points == 0.0
        assert verdict.failure.mistake == "not-implemented"


def test_an_n_by_1_result_is_a_wrong_shape_not_a_broadcast_pass():
    verdict = verdict_of("dloss_dyhat", "def dloss_dyhat(y_hat, y):\n    return (2 / len(y) * (y_hat - y))[:, None]\n")
    assert verdict.failure.mistake == "wrong-shape"
    assert "got an array of shape" in verdict.failure.detail


@pytest.mark.parametrize("db_expression", ["float(np.sum(delta))", "np.sum(delta)", "np.array(np.sum(delta))"])
def test_db_may_be_a_float_a_numpy_scalar_or_a_0d_array(db_expression):
    code = f"""
    def neuron_gradients(X, y, w, b):
        z = X @ w + b
        delta = 2 / len(y) * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
        return X.T @ delta, {db_expression}
    """
    assert verdict_of("neuron_gradients", code).points == 4


def test_db_as_a_one_element_array_is_a_wrong_shape():
    code = """
    def neuron_gradients(X, y, w, b):
        z = X @ w + b
        delta = 2 / len(y) * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
        return X.T @ delta, np.sum(delta, keepdims=True)
    """
    verdict = verdict_of("neuron_gradients", code)
    assert verdict.failure.mistake == "wrong-shape" and "[1]" in verdict.failure.detail


def test_warnings_and_prints_of_student_code_cost_nothing_and_stay_quiet(capfd):
    code = """
    import sys, warnings
    def neuron_forward(X, w, b):
        print("debugging output")
        print("to stderr", file=sys.stderr)
        warnings.warn("a warning of the student's own")
        return 1 / (1 + np.exp(-(X @ w + b)))  # overflows in exp for large |z|
    """
    verdict = verdict_of("neuron_forward", code)
    assert verdict.points == 1, verdict.failure
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_nan_where_the_reference_is_finite_is_not_finite():
    verdict = verdict_of("mse_loss", "def mse_loss(y_hat, y):\n    return float('nan')\n")
    assert verdict.failure.mistake == "not-finite"


def test_an_exception_is_reported_with_its_type_and_message():
    verdict = verdict_of("mse_loss", "def mse_loss(y_hat, y):\n    return y_hat.nonexistent\n")
    assert verdict.failure.mistake == "raised-error"
    assert verdict.failure.detail.startswith("AttributeError")


@pytest.mark.parametrize("returned", ["'a string'", "None", "True", "[1.0, 2.0]"])
def test_a_result_of_another_type_is_a_wrong_shape(returned):
    verdict = verdict_of("mse_loss", f"def mse_loss(y_hat, y):\n    return {returned}\n")
    assert verdict.failure.mistake == "wrong-shape"


def test_updating_the_argument_in_place_is_caught():
    verdict = verdict_of("sgd_update", "def sgd_update(p, g, lr):\n    p -= lr * g\n    return p\n")
    assert verdict.failure.mistake == "sgd-mutates-input"


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
    outcomes = run_cases("neuron_gradients", namespace, cases)
    verdict = judge("neuron_gradients", hidden_cases("neuron_gradients", "x"), outcomes)
    assert verdict.points == 4
    assert namespace["dloss_dyhat"] is students_dloss
    assert verdict_of("dloss_dyhat", code).points == 0
    assert verdict_of("sigmoid_prime", code).points == 0


def test_a_correct_train_neuron_in_another_style_gets_full_points():
    code = """
    def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
        n = len(y)
        size = n if batch_size is None else batch_size
        generator = np.random.default_rng(seed)
        history = np.zeros(epochs)
        for epoch in range(epochs):
            order = np.arange(n) if batch_size is None else generator.permutation(n)
            for start in range(0, n, size):
                rows = order[start:start + size]
                dw, db = neuron_gradients(X[rows], y[rows], w, b)
                w, b = sgd_update(w, dw, learning_rate), sgd_update(b, db, learning_rate)
            history[epoch] = mse_loss(neuron_forward(X, w, b), y)
        return w, b, history
    """
    assert verdict_of("train_neuron", code).points == 3


def test_hidden_inputs_are_reproducible_and_differ_between_students():
    first, again, other = (hidden_cases("mlp_gradients", student) for student in ("ann", "ann", "ben"))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(first, again))
    assert not all(a[0].shape == b[0].shape and np.array_equal(a[0], b[0]) for a, b in zip(first, other))


def test_feedback_names_the_mistake_and_its_hint_but_no_hidden_value():
    verdict = verdict_of("mse_loss", "def mse_loss(y_hat, y):\n    return float(np.sum((y_hat - y) ** 2))\n")
    text = "\n".join(feedback_lines(verdict))
    assert "0 of 1 point" in text
    assert f"[{verdict.failure.mistake}] {MISTAKES[verdict.failure.mistake]}" in text
    expected = reference.mse_loss(*hidden_cases("mse_loss", "someone")[0])
    assert f"{expected:.4}" not in text
