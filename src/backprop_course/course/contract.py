"""The exercise contract in one place: names, points, tolerances and mistake ids."""

from __future__ import annotations

from dataclasses import dataclass

from .cells import answer_id, test_id, visible_check_id

COURSE_ID = "backprop-course"
ASSIGNMENT = "backprop"
SOLUTION_DIRECTORY = "solutions"

# Value checks: rel_error(a, b) = max(|a - b| / max(REL_ERROR_FLOOR, |a| + |b|)) <= REL_TOLERANCE.
REL_TOLERANCE = 1e-7
REL_ERROR_FLOOR = 1e-8
# Centred finite differences of the loss, used to cross-check gradient code.
FD_STEP = 1e-5
# The locked cell that defines the helpers students are given (numpy, sigmoid, ...).
GIVEN_CELL_ID = "given_code"


@dataclass(frozen=True)
class GradedFunction:
    """One function the students write, as the contract names it."""

    name: str
    signature: str
    points: int

    @property
    def answer_id(self) -> str:
        return answer_id(self.name)

    @property
    def visible_check_id(self) -> str:
        return visible_check_id(self.name)

    @property
    def test_id(self) -> str:
        return test_id(self.name)


@dataclass(frozen=True)
class Notebook:
    """One notebook of the assignment with its graded functions, in order."""

    name: str
    functions: tuple[GradedFunction, ...]
    given: tuple[str, ...]
    manual_points: int = 0

    @property
    def filename(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def autograded_points(self) -> int:
        return sum(function.points for function in self.functions)


SINGLE_NEURON = Notebook(
    name="single_neuron",
    given=("sigmoid",),
    functions=(
        GradedFunction("neuron_forward", "(X, w, b)", 1),
        GradedFunction("mse_loss", "(y_hat, y)", 1),
        GradedFunction("dloss_dyhat", "(y_hat, y)", 2),
        GradedFunction("sigmoid_prime", "(z)", 2),
        GradedFunction("neuron_gradients", "(X, y, w, b)", 4),
        GradedFunction("sgd_update", "(param, grad, learning_rate)", 2),
        GradedFunction("train_neuron", "(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0)", 3),
    ),
)

MULTILAYER = Notebook(
    name="multilayer",
    given=("sigmoid", "sigmoid_prime", "mse_loss", "init_params"),
    manual_points=3,
    functions=(
        GradedFunction("mlp_forward", "(X, params)", 2),
        GradedFunction("mlp_gradients", "(X, y, params)", 5),
        GradedFunction("sgd_step", "(params, grads, learning_rate)", 2),
        GradedFunction("train_mlp", "(X, y, layer_sizes, learning_rate, epochs, seed=0)", 3),
    ),
)

NOTEBOOKS = (SINGLE_NEURON, MULTILAYER)
MANUAL_GRADE_ID = "learning_rate_discussion"

GRADED_FUNCTIONS = {function.name: function for nb in NOTEBOOKS for function in nb.functions}
NOTEBOOK_OF = {function.name: nb for nb in NOTEBOOKS for function in nb.functions}


def contract_notebook(assignment: str, notebook_name: str) -> Notebook | None:
    """The contract of a notebook of an assignment, or None: an assignment the contract does not
    declare (any other of the course) is graded with nbgrader's own semantics."""
    if assignment != ASSIGNMENT:
        return None
    return next((notebook for notebook in NOTEBOOKS if notebook.name == notebook_name), None)


def graded_function(name: str) -> GradedFunction:
    return GRADED_FUNCTIONS[name]


def callees(function_name: str) -> tuple[str, ...]:
    """What the reference stands in for while function_name is graded: its notebook's given
    helpers and the graded functions before it. Functions are graded in notebook order, so a
    callee's own grade is settled before anything can call the reference in its place."""
    notebook = NOTEBOOK_OF[function_name]
    earlier = [function.name for function in notebook.functions]
    return (*notebook.given, *earlier[: earlier.index(function_name)])
