"""Objects graded across the plain-data boundary, on the two tiny folders of tests/support/objects.py:
a cache of the student's design graded as a pair (layers), an autograd Value's methods graded
each apart from the others (engine), the mistakes named after and before submission, and (slow)
the layers notebook graded in a sandboxed kernel."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backprop_course.authoring.samples import answers_from_source, fill_answers
from backprop_course.course.cells import is_graded_test
from backprop_course.grading.notebook_grading import grade_notebook
from backprop_course.nbgrader_glue.hidden_tests import grade
from backprop_course.sandbox.sandbox import sandbox_problem

from .support.grading import verdicts_of
from .support.objects import OWN_CACHE, contract_of, course_with, run_cells, source_notebook

LAYERS, ENGINE = contract_of("layers"), contract_of("engine")


def scores(contract, code: str, student: str = "someone") -> dict[str, list[tuple[str, float, str | None]]]:
    """{function: [(check, points, mistake id or None)]} for a student's code."""
    found = {}
    for name in contract.functions:
        verdicts = verdicts_of(name, textwrap.dedent(code), student, contract)
        found[name] = [(verdict.check.name, verdict.points, verdict.failure and verdict.failure.mistake)
                       for verdict in verdicts]
    return found


def total(found: dict) -> float:
    return sum(points for checks in found.values() for _, points, _ in checks)


def failures(found: dict) -> dict[str, set[str]]:
    return {name: {mistake for _, _, mistake in checks if mistake} for name, checks in found.items()
            if any(mistake for _, _, mistake in checks)}


POINTS = {contract.name: sum(function.points for function in contract.functions.values())
          for contract in (LAYERS, ENGINE)}


# ----- a pair: the backward pass graded with the cache of the student's own forward pass --------------


@pytest.mark.parametrize("cache", ["(x_flat, w, b, x_shape)", "{'x': x_flat, 'w': w, 'shape': x_shape}",
                                   "[w, x_shape, x_flat]"])
def test_any_cache_that_forward_and_backward_agree_on_gets_full_marks(cache):
    unpack = {"(x_flat, w, b, x_shape)": "x_flat, w, b, x_shape = cache",
              "{'x': x_flat, 'w': w, 'shape': x_shape}": "x_flat, w, x_shape = cache['x'], cache['w'], cache['shape']",
              "[w, x_shape, x_flat]": "w, x_shape, x_flat = cache"}[cache]
    code = (OWN_CACHE.replace("cache = (x_flat, w, b, x.shape)", f"x_shape = x.shape\n    cache = {cache}")
            .replace("x_flat, w, b, x_shape = cache", unpack))
    found = scores(LAYERS, code)
    assert total(found) == POINTS["layers"], found


def test_a_backward_pass_that_reads_another_cache_than_its_forward_pass_gives_gets_nothing_for_it():
    code = OWN_CACHE.replace("x_flat, w, b, x_shape = cache", "x, w, b = cache\n    x_shape, x_flat = x.shape, x")
    found = scores(LAYERS, code)
    assert [points for _, points, _ in found["affine_forward"]] == [1.0, 1.0, 1.0]
    assert [(points, mistake) for _, points, mistake in found["affine_backward"]] == [(0.0, "raised-error")] * 4


def test_a_mistake_of_the_output_costs_the_forward_pass_only_and_one_of_the_pair_the_backward_pass_only():
    no_bias = scores(LAYERS, OWN_CACHE.replace("out = x_flat @ w + b", "out = x_flat @ w"))
    assert failures(no_bias) == {"affine_forward": {"affine-no-bias"}}
    assert total(no_bias) == POINTS["layers"] - 1
    db_mean = scores(LAYERS, OWN_CACHE.replace("dout.sum(axis=0)", "dout.mean(axis=0)"))
    assert failures(db_mean) == {"affine_backward": {"affine-db-mean"}}
    assert total(db_mean) == POINTS["layers"] - 1
    flat = scores(LAYERS, OWN_CACHE.replace("(dout @ w.T).reshape(x_shape)", "dout @ w.T"))
    assert failures(flat) == {"affine_backward": {"affine-dx-flat"}}


def test_a_forward_pass_that_reshapes_the_callers_x_loses_the_inputs_check():
    code = OWN_CACHE.replace("x_flat = x.reshape(x.shape[0], -1)",
                             "x_shape = x.shape\n    x.shape = (x.shape[0], -1)\n    x_flat = x")
    code = code.replace("cache = (x_flat, w, b, x.shape)", "cache = (x_flat, w, b, x_shape)")
    found = scores(LAYERS, code)
    assert found["affine_forward"] == [("shape", 1.0, None), ("values", 1.0, None), ("kept", 0.0, "affine-changes-x")]


# ----- a Value's methods, each graded apart from the others ---------------------------------------------

VALUE = (Path(ENGINE.folder) / "reference.py").read_text()  # the reference's class, as a student writes it

STACK_SORT = VALUE.replace('''        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)''', '''        order, visited, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)''')

HELPER_OPS = '''
def _lift(value):
    return value if isinstance(value, Value) else Value(value)


def _node(data, parents, locals_):
    out = Value(data, parents)

    def _backward():
        for parent, local in zip(parents, locals_):
            parent.grad = parent.grad + local * out.grad

    out._backward = _backward
    return out


class Value:
    def __init__(self, data, _children=()):
        self.data, self.grad, self._prev, self._backward = data, 0, set(_children), lambda: None

    def __add__(self, other):
        other = _lift(other)
        return _node(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other):
        other = _lift(other)
        return _node(self.data * other.data, (self, other), (other.data, self.data))

    def backward(self):
        topo, seen = [], set()

        def build(v):
            if v in seen:
                return
            seen.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)

        build(self)
        self.grad = 1
        for v in topo[::-1]:
            v._backward()
'''


@pytest.mark.parametrize("code", [VALUE, STACK_SORT, HELPER_OPS], ids=["recursion", "stack", "helpers"])
def test_correct_values_in_other_styles_get_full_marks(code):
    found = scores(ENGINE, code)
    assert total(found) == POINTS["engine"], found


def test_a_local_step_that_assigns_costs_that_operator_only_not_the_traversal():
    code = VALUE.replace("self.grad += other.data * out.grad", "self.grad = other.data * out.grad")
    found = scores(ENGINE, code)
    assert failures(found) == {"Value.__mul__": {"grad-assigned"}}
    assert total(found) == POINTS["engine"] - 2


def test_a_traversal_without_a_visited_set_costs_backward_only_not_the_local_steps():
    code = VALUE.replace("            if node not in visited:\n", "            if True:\n")
    found = scores(ENGINE, code)
    assert failures(found) == {"Value.backward": {"no-visited-set"}}
    assert total(found) == POINTS["engine"] - 3


@pytest.mark.parametrize(("old", "new"), [
    ("            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n",
     "            raise RuntimeError('not yet')\n"),
    ("        out = Value(self.data * other.data, (self, other))\n", "        raise NotImplementedError\n"),
])
def test_a_broken_operator_costs_nothing_in_the_traversal(old, new):
    found = scores(ENGINE, VALUE.replace(old, new))
    assert set(failures(found)) == {"Value.__mul__"}
    assert [points for _, points, _ in found["Value.backward"]] == [3.0]


def test_a_backward_that_does_not_seed_the_output_is_named_by_a_property_and_costs_backward_only():
    found = scores(ENGINE, VALUE.replace("        self.grad = 1.0\n", ""))
    assert failures(found) == {"Value.backward": {"backward-not-seeded"}}


LIAR = '''
class Liar(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class Anything:
    def __float__(self):
        return 0.0

    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        import numpy
        return numpy.zeros(())
'''


@pytest.mark.parametrize("grad", ["Anything()", "Liar(0.0)", "[Anything()]"])
def test_values_whose_gradients_are_not_numbers_or_lie_about_themselves_get_no_credit(grad):
    code = LIAR + VALUE.replace("            self.grad += other.data * out.grad\n", f"            self.grad = {grad}\n")
    found = scores(ENGINE, code)
    assert [points for _, points, _ in found["Value.__mul__"]] == [1.0, 0.0]


def test_state_a_class_keeps_between_plays_earns_nothing():
    """A class that answers from what earlier plays left (its class attributes) is judged on each
    play's own reads: only the first play of each function can be right."""
    remember = ("    seen = []\n\n    def backward(self):\n        Value.seen.append(self)\n"
                "        if len(Value.seen) > 1:\n            Value.seen[0].grad = 1.0\n            return\n")
    code = VALUE.replace("    def backward(self):\n", remember)
    found = scores(ENGINE, code)
    assert [points for _, points, _ in found["Value.backward"]] == [0.0]


# ----- named before submission: the visible checks ------------------------------------------------------


@pytest.fixture(scope="module")
def layers_course(tmp_path_factory):
    return course_with(tmp_path_factory.mktemp("objects"), "layers")


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("", "", ""),  # the student's own cache passes the checks of both
    ("out = x_flat @ w + b", "out = x_flat @ w", "[affine-no-bias]"),
    ("dout.sum(axis=0)", "dout.mean(axis=0)", "[affine-db-mean]"),
    ("(dout @ w.T).reshape(x_shape)", "dout @ w.T", "[affine-dx-flat]"),
])
def test_the_check_cells_name_a_pairs_mistakes_before_submission(layers_course, old, new, shown):
    answers = answers_from_source(OWN_CACHE.replace(old, new))
    outputs = [run_cells(layers_course, "affine", answers, function.visible_check_id)
               for function in LAYERS.functions.values()]
    assert all(output == "" for output in outputs) if not shown else any(shown in output for output in outputs)


def test_a_graded_cell_of_the_release_says_which_answer_is_not_written_yet(layers_course):
    stub = OWN_CACHE.replace("    x_flat = x.reshape(x.shape[0], -1)\n", "    raise NotImplementedError()\n")
    shown = run_cells(layers_course, "affine", answers_from_source(stub), "test_affine_backward_dx")
    assert shown.startswith("AssertionError: affine_backward cannot be checked yet: affine_forward raises")
    assert run_cells(layers_course, "affine", answers_from_source(OWN_CACHE), "test_affine_backward_dx") == ""


@pytest.fixture(scope="module")
def engine_course(tmp_path_factory):
    return course_with(tmp_path_factory.mktemp("objects"), "engine")


@pytest.mark.parametrize(("code", "shown"), [
    (VALUE, ""),
    (STACK_SORT, ""),
    (VALUE.replace("self.grad += other.data * out.grad", "self.grad = other.data * out.grad"), "[grad-assigned]"),
    (VALUE.replace("            if node not in visited:\n", "            if True:\n"), "[no-visited-set]"),
    (VALUE.replace("        self.grad = 1.0\n", ""), "[backward-not-seeded]"),
])
def test_the_check_cells_name_a_classs_mistakes_before_submission(engine_course, code, shown):
    outputs = [run_cells(engine_course, "engine", answers_from_source(code), function.visible_check_id)
               for function in ENGINE.functions.values()]
    printed = "".join(outputs)
    assert printed.count("visible checks passed") == len(outputs) - (1 if shown else 0), printed
    assert (shown in printed) if shown else "[" not in printed, printed


def test_a_class_is_written_in_one_answer_cell_before_its_first_methods_checks(engine_course):
    cells = [cell.id for cell in source_notebook(engine_course, "engine").cells]
    assert cells.count("answer_Value") == 1
    assert cells.index("lesson_Value___add__") < cells.index("answer_Value") < cells.index("check_Value___add__")
    stub = VALUE.replace("        ### BEGIN SOLUTION\n        order, visited = [], set()",
                         "        raise NotImplementedError()\n        order, visited = [], set()")
    shown = run_cells(engine_course, "engine", answers_from_source(stub), "test_Value_backward_grads")
    assert shown.startswith("AssertionError: Value.backward cannot be checked yet: backward raises"), shown


def test_a_notebook_grades_a_class_itself_as_nbgrader_validate_runs_it(engine_course, monkeypatch, capsys):
    """The hidden test lines (nbgrader validate of the source): a class redefined between two cells
    is graded again."""
    monkeypatch.chdir(engine_course.source)
    namespace: dict = {}

    def graded(code: str) -> float:
        exec(code, namespace)
        return sum(grade("engine", name, check.name, namespace) for name, checks in ENGINE.checks.items()
                   for check in checks)

    assert graded(VALUE) == POINTS["engine"]
    assert graded(VALUE.replace("self.grad += other.data", "self.grad = other.data")) == POINTS["engine"] - 2
    assert "[grad-assigned]" in capsys.readouterr().out


# ----- in a sandboxed kernel ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sandbox_problem() is not None, reason=str(sandbox_problem()))
def test_a_student_designed_cache_and_a_class_are_graded_in_a_sandboxed_kernel(layers_course, engine_course):
    """The layers notebook with a cache of the student's own, and with a mistake of the pair; the
    engine notebook with a Value whose traversal is right and whose __mul__ assigns gradients."""
    graded = {}
    students = (("own-cache", layers_course, "affine", OWN_CACHE),
                ("db-mean", layers_course, "affine", OWN_CACHE.replace("sum(axis=0)", "mean(axis=0)")),
                ("assigns", engine_course, "engine",
                 VALUE.replace("self.grad += other.data", "self.grad = other.data")))
    for student, course, notebook, code in students:
        nb = fill_answers(source_notebook(course, notebook), answers_from_source(code))
        grading = grade_notebook(nb, notebook, student, sandboxed=True, contract=course.contract)
        graded[student] = {cell.id: (float(cell.outputs[-1].data["text/plain"]), cell.outputs[0].text)
                           for cell in grading.nb.cells if is_graded_test(cell)}
    assert sum(points for points, _ in graded["own-cache"].values()) == POINTS["layers"]
    assert sum(points for points, _ in graded["db-mean"].values()) == POINTS["layers"] - 1
    assert "[affine-db-mean]" in graded["db-mean"]["test_affine_backward_db"][1]
    assert {cell: points for cell, (points, _) in graded["assigns"].items()} == {
        "test_Value___add___data": 1.0, "test_Value___add___local": 1.0, "test_Value___mul___data": 1.0,
        "test_Value___mul___local": 0.0, "test_Value_backward_grads": 3.0}
    assert "[grad-assigned]" in graded["assigns"]["test_Value___mul___local"][1]
