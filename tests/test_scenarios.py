"""Scenarios played (in_kernel/steps.py, scenarios.py), read from a contract (course/scenario.py)
and sent through the kernel side's wire: in this process, no kernel."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from backprop_course.course.loading import ContractError, load_contract_folder
from backprop_course.course.plain import Unsupported
from backprop_course.course.recognisers import close
from backprop_course.course.scenario import callee_functions, reference_result
from backprop_course.grading.kernel_calls import (
    answer_call,
    kernel_side_code,
    play_code,
    read_outcomes,
    scenario_side_code,
)
from backprop_course.grading.runner import GIVEN_IMPORTS, run_cases
from backprop_course.in_kernel import kernel_side, wire
from backprop_course.in_kernel.scenarios import fresh_given, run_plays, unless_objects
from backprop_course.in_kernel.steps import play_steps

from .support import REPO_COURSE
from .support.objects import FOLDERS, OWN_CACHE

NODE = '''
class Node:
    made = 0

    def __init__(self, data, _children=()):
        Node.made += 1
        self.data, self.grad, self._prev = data, 0.0, tuple(_children)
        self._backward = lambda: None

    def __mul__(self, other):
        return Node(self.data * other.data, (self, other))

    def pair(self):
        return self.data, -self.data
'''


def namespace_of(code: str) -> dict:
    namespace = {"np": np}
    exec(code, namespace)
    return namespace


def test_steps_construct_call_operate_set_unpack_and_read():
    scenario = {"inputs": ["x", "y"], "steps": [
        {"let": "a", "call": "Node", "args": ["$x"]},
        {"let": "b", "call": "Node", "args": ["$y"]},
        {"let": "c", "op": "*", "args": ["$a", "$b"]},
        {"let": "n", "op": "-", "args": ["$c.data"]},
        {"let": ["p", "q"], "call": "c.pair"},
        {"set": "a.grad", "value": 2.5},
        {"read": ["c.data", "n", "q", "a.grad"]},
        {"read": {"the product": "c"}},
    ]}
    read = play_steps(scenario, (2.0, -3.0), namespace_of(NODE))
    assert {key: value for key, value in read.items() if key != "the product"} == {
        "c.data": -6.0, "n": 6.0, "q": 6.0, "a.grad": 2.5}
    assert all(isinstance(value, np.ndarray) and value.dtype == np.float64 for key, value in read.items()
               if key != "the product")
    assert read["the product"] == Unsupported("Node")  # an object read stays an object's type name


def test_a_stand_in_adds_the_product_of_its_values_read_when_it_is_called():
    scenario = {"inputs": ["k"], "steps": [
        {"let": "a", "call": "Node", "args": [1.0]},
        {"let": "c", "call": "Node", "args": [2.0], "kwargs": {"_children": ["$a"]}},
        {"set": "c._backward", "stand_in": [{"add_to": "a.grad", "product": ["$k", "$c.grad"]}]},
        {"set": "c.grad", "value": 3.0},
        {"call": "c._backward"},
        {"call": "c._backward"},
        {"read": ["a.grad"]},
    ]}
    assert play_steps(scenario, (0.5,), namespace_of(NODE))["a.grad"] == 3.0


def test_each_play_has_fresh_variables_and_leaves_the_scenario_as_it_was():
    scenario = {"inputs": ["x"], "steps": [
        {"let": "a", "call": "Node", "args": ["$x"]},
        {"let": "items", "call": "list", "args": [[1.0, "$x"]]},
        {"call": "items.append", "args": [9.0]},
        {"read": ["a.data", "items"]},
    ]}
    before = repr(scenario)
    namespace = {**namespace_of(NODE), "list": list}
    outcomes = run_plays(scenario, namespace, [(1.0,), (2.0,)], {}, 5.0)
    assert [outcome["value"]["a.data"] for outcome in outcomes] == [1.0, 2.0]
    assert [list(outcome["value"]["items"]) for outcome in outcomes] == [[1.0, 1.0, 9.0], [1.0, 2.0, 9.0]]
    assert repr(scenario) == before
    assert namespace["Node"].made == 2


@pytest.mark.parametrize(("code", "mistake"), [
    ("", "not-implemented"),  # no Node at all
    ("class Node:\n    def __init__(self, data):\n        raise NotImplementedError\n", "not-implemented"),
    ("class Node:\n    def __init__(self, data):\n        self.data = data\n    def pair(self):\n        return (1,)\n",
     "raised-error"),  # two names to unpack, one value
    ("class Node:\n    def __init__(self, data):\n        self.data = data\n    def pair(self):\n"
     "        import itertools\n        return itertools.count()\n", "raised-error"),  # endless: three taken
    ("class Node:\n    def __init__(self, data):\n        while True:\n            pass\n", "time-limit"),
])
def test_a_play_that_fails_is_an_outcome_like_a_call_that_fails(code, mistake):
    scenario = {"inputs": ["x"], "steps": [
        {"let": "a", "call": "Node", "args": ["$x"]},
        {"let": ["p", "q"], "call": "a.pair"},
        {"read": ["p"]},
    ]}
    outcomes = run_plays(scenario, namespace_of(code), [(1.0,), (2.0,)], {}, 0.3)
    assert [outcome["error"] for outcome in outcomes] == [mistake, mistake]
    assert all(outcome["value"] is None for outcome in outcomes)


def test_the_steps_call_the_students_own_function_while_stand_ins_answer_its_callees():
    """While affine_backward is graded, a call of affine_forward from inside the student's code is
    the stand-in's; the scenario's own step calls the student's affine_forward."""
    code = OWN_CACHE + "\ndef forward_inside(x, w, b):\n    return affine_forward(x, w, b)[0]\n"
    namespace = namespace_of(code)
    students = namespace["affine_forward"]
    scenario = {"inputs": ["x", "w", "b"], "steps": [
        {"let": ["out", "cache"], "call": "affine_forward", "args": ["$x", "$w", "$b"]},
        {"let": "inside", "call": "forward_inside", "args": ["$x", "$w", "$b"]},
        {"read": ["cache", "inside"]},
    ]}
    case = (np.ones((2, 2, 3)), np.ones((6, 2)), np.zeros(2))
    stand_in = {"affine_forward": lambda x, w, b: (np.full((2, 2), 7.0), None)}
    (outcome,) = run_plays(scenario, namespace, [case], stand_in, 5.0)
    assert len(outcome["value"]["cache"]) == 4  # the student's own cache design
    assert np.array_equal(outcome["value"]["inside"], np.full((2, 2), 7.0))
    assert namespace["affine_forward"] is students


def test_a_callee_given_objects_is_the_students_own_since_objects_never_leave():
    """A stand-in answered from outside can take plain data only: given an object, the student's
    own function runs instead (and given plain data, the stand-in)."""
    code = NODE + "\ndef double(v):\n    return Node(2 * v.data) if isinstance(v, Node) else 2 * v\n" \
        "\ndef twice(v):\n    return double(v)\n"
    scenario = {"inputs": ["x"], "steps": [
        {"let": "a", "call": "Node", "args": ["$x"]},
        {"let": "b", "call": "twice", "args": ["$a"]},
        {"let": "c", "call": "twice", "args": ["$x"]},
        {"read": ["b.data", "c"]},
    ]}
    namespace = namespace_of(code)
    asked = []
    stand_in = unless_objects(lambda v: asked.append(v) or 100.0, namespace["double"])
    (outcome,) = run_plays(scenario, namespace, [(3.0,)], {"double": stand_in}, 5.0)
    assert outcome["value"] == {"b.data": 6.0, "c": 100.0} and asked == [3.0]


def test_the_kernel_side_plays_a_scenario_and_sends_back_plain_outcomes_only():
    """The code the grader sends into a kernel, run here: a callee's call goes out over the
    stdin channel and the outcomes come back as the wire's text, read as a function's are."""
    contract = load_contract_folder(FOLDERS / "layers")
    kernel = {"np": np}
    exec(kernel_side_code() + "\n" + scenario_side_code(), kernel)
    exec(OWN_CACHE.replace("x_flat.T @ dout", "affine_forward(x_flat, np.eye(x_flat.shape[1]), 0.0)[0].T @ dout"),
         kernel)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        if prompt.startswith(kernel_side.CALL):
            return answer_call(contract, prompt[len(kernel_side.CALL):], ["affine_forward"])
        return "ok"

    kernel["__backprop_scenarios__"].input = ask
    cases = contract.hidden_cases("affine_backward", "someone")
    scenario = wire.dumps(contract.functions["affine_backward"].scenario.data)
    kernel["__backprop_scenarios__"].play_in_kernel(kernel, scenario, ["affine_forward"], "", [],
                                                    wire.dumps(cases), 5.0)
    assert sum(prompt.startswith(kernel_side.CALL) for prompt in prompts) == len(cases)
    outcomes = read_outcomes(prompts[-1][len(kernel_side.RESULT):], len(cases))
    assert outcomes is not None and all(outcome.error is None for outcome in outcomes)
    assert set(outcomes[0].value) == {"dx", "dw", "db"}


BOX = '''
class Box:
    def __init__(self, data):
        self.data = float(data)

    def __add__(self, other):
        other = other if isinstance(other, Box) else Box(other)
        return Box(self.data + other.data)


def boxed(x):
    return Box(x)
'''


def test_a_fresh_given_helper_builds_objects_of_the_notebooks_own_class():
    """Given helpers are run afresh while the student's code runs, but a class the given cell
    defines stays the notebook's: what a fresh helper builds adds to what the student builds with
    the notebook's class (a copy's object would not: float() of it fails, in the kernel and here)."""
    notebook = namespace_of(BOX + "\n\ndef total(x):\n    return Box(0.0) + boxed(x)\n")
    given = fresh_given(GIVEN_IMPORTS + BOX, notebook)
    assert given["Box"] is notebook["Box"] and given["boxed"] is not notebook["boxed"]
    scenario = {"inputs": ["x"], "steps": [{"let": "t", "call": "total", "args": ["$x"]}, {"read": ["t.data"]}]}
    (outcome,) = run_plays(scenario, notebook, [(2.5,)], {"boxed": given["boxed"]}, 5.0)
    assert outcome["error"] is None and outcome["value"]["t.data"] == 2.5
    alone: dict = {}
    exec(BOX, alone)
    kernel_side.with_own_classes(alone, notebook)  # the kernel's fresh copies for a function graded by a call
    assert alone["boxed"](1.0).__class__ is notebook["Box"]


def test_train_is_played_with_its_stand_in_train_step_in_the_kernel_and_here():
    """autograd's train: its scenario sets train_step to a stand-in, in the kernel's globals where
    the student's train finds it, over the stand-in that the grading process answers for plain
    data. The student's train_step (which raises) is never called, and both ways read what the
    reference reads, case by case."""
    contract = REPO_COURSE.of("autograd").contract
    notebook = contract.notebook_of["train"]
    given_source = GIVEN_IMPORTS + contract.given_code(notebook.given)
    student = ("def train_step(model, X, y, learning_rate):\n    raise ValueError('not called')\n\n"
               + contract.solution_source("train"))
    cases = contract.hidden_cases("train", "someone")
    kernel = {"np": np}
    exec(kernel_side_code() + "\n" + scenario_side_code(), kernel)
    exec(given_source, kernel)
    exec(student, kernel)
    prompts: list[str] = []
    kernel["__backprop_scenarios__"].input = lambda prompt: prompts.append(prompt) or "ok"
    proxied, _ = play_code(contract, "train", given_source, cases, 5.0)
    assert proxied == ["train_step"]
    own_step = kernel["train_step"]
    kernel["__backprop_scenarios__"].play_in_kernel(kernel, wire.dumps(contract.functions[
        "train"].scenario.data), proxied, given_source, callee_functions(contract, "train"),
                                                     wire.dumps(cases), 5.0)
    outcomes = read_outcomes(prompts[-1][len(kernel_side.RESULT):], len(cases))
    here = run_cases(contract, "train", kernel, cases)  # the namespace the student's code runs in
    expected = [reference_result(contract, "train", case) for case in cases]
    for outcomes_of in (outcomes, here):
        assert [outcome.error for outcome in outcomes_of] == [None] * len(cases), outcomes_of
        assert all(close(outcome.value, value) for outcome, value in zip(outcomes_of, expected))
    assert len({len(value["losses"]) for value in expected}) > 1 and kernel["train_step"] is own_step


def test_stand_ins_answer_as_callables_and_as_the_notebooks_names_until_the_play_ends():
    """A stand-in step makes a callable whose params name its arguments and whose returns answers
    (a number in a path indexes); a set of a bare name puts a stand-in in the notebook's globals
    for the play, where the student's function finds it, and puts back what was there."""
    student = namespace_of(NODE + '''

def step(node, rate):
    raise AssertionError("the student's own step is not called while the stand-in answers")


def run(node, rate, times):
    return [step(node, rate=rate) for _ in range(times)]


def layer(neurons, x):
    return [neuron(x) for neuron in neurons]
''')
    own_step = student["step"]
    scenario = {"inputs": ["k"], "steps": [
        {"let": "a", "call": "Node", "args": [1.0]},
        {"let": "b", "call": "Node", "args": [-2.0]},
        {"set": "step", "params": ["node", "rate"], "returns": "$node.data",
         "stand_in": [{"add_to": "node.data", "product": ["$rate", "$k"]}]},
        {"let": "losses", "call": "run", "args": ["$a", 0.5, 3]},
        {"stand_in": [], "let": "first", "params": ["x"], "returns": "$x.1"},
        {"stand_in": [], "let": "second", "params": ["x"], "returns": ["$x.0", "$k"]},
        {"let": ["o1", "o2"], "call": "layer", "args": [["$first", "$second"], ["$a", "$b"]]},
        {"read": {"losses": "losses", "a": "a.data", "o1": "o1.data", "o2": "o2"}},
    ]}
    outcomes = run_plays(scenario, student, [(2.0,)], {}, 5.0)
    assert outcomes[0]["error"] is None, outcomes
    read = outcomes[0]["value"]
    assert list(read["losses"]) == [2.0, 3.0, 4.0] and read["a"] == 4.0 and read["o1"] == -2.0
    assert [type(item).__name__ for item in read["o2"]] == ["Unsupported", "ndarray"]
    assert student["step"] is own_step
    assert play_steps(scenario, (1.0,), student)["losses"].tolist() == [1.5, 2.0, 2.5]  # as a check cell plays
    assert student["step"] is own_step


def _broken_copy(tmp_path, old: str, new: str):
    folder = tmp_path / "layers"
    shutil.copytree(FOLDERS / "layers", folder)
    text = (folder / "assignment.toml").read_text()
    assert old in text
    (folder / "assignment.toml").write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(("old", "new", "said"), [
    ('{ read = ["out"] }', '{ read = ["out"], call = "f" }', "exactly one of call, op, set, read"),
    ('{ read = ["out"] }', '{ read = ["result"] }', "result does not start with a variable"),
    ('args = ["$x", "$w", "$b"] }', 'args = ["$x", "$w", "$bias"] }', "bias not defined"),
    ('call = "affine_forward"', 'call = "affine_forwards"', "calls affine_forwards, which reference.py does not"),
    ('{ read = ["out"] }', '{ op = "%", args = ["$x", "$w"] }', "op is one of"),
    ('{ read = ["out"] }', '{ set = "out", value = 1.0 }', "set names an attribute of a variable"),
    ('np.ones((6, 2)), np.array([0.5, -1.0])"', 'np.ones((6, 2))"',
     "public_example gives 2 values for the scenario's 3"),
    ('{ read = ["out"] }', '{ read = ["out", "out"] }', "out is read twice"),
])
def test_a_scenario_the_grader_cannot_play_is_refused_with_the_file_and_the_step(tmp_path, old, new, said):
    with pytest.raises(ContractError) as refused:
        load_contract_folder(_broken_copy(tmp_path, old, new))
    assert "assignment.toml" in str(refused.value) and said in str(refused.value)


def test_played_recognises_only_a_function_graded_through_a_scenario(tmp_path):
    text = (FOLDERS / "layers" / "assignment.toml").read_text()
    start = text.index("[notebooks.functions.scenario]")
    folder = _broken_copy(tmp_path, text[start:text.index("[[notebooks.functions]]", start)], "")
    with pytest.raises(ContractError) as refused:
        load_contract_folder(folder)
    assert "affine_forward has none" in str(refused.value)
