"""The exercise contract in one place: names, points, tolerances and mistake ids."""

from __future__ import annotations

from dataclasses import dataclass

COURSE_ID = "backprop-course"
ASSIGNMENT = "backprop"
SOLUTION_DIRECTORY = "solutions"

# Value checks: rel_error(a, b) = max(|a - b| / max(REL_ERROR_FLOOR, |a| + |b|)) <= REL_TOLERANCE.
REL_TOLERANCE = 1e-7
REL_ERROR_FLOOR = 1e-8
# Centred finite differences of the loss, used to cross-check gradient code.
FD_STEP = 1e-5


@dataclass(frozen=True)
class GradedFunction:
    """One function the students write, as the contract names it."""

    name: str
    signature: str
    points: int
    keeps_inputs: bool = False  # the contract says the arguments must not be modified

    @property
    def answer_id(self) -> str:
        return f"answer_{self.name}"

    @property
    def test_id(self) -> str:
        return f"test_{self.name}"


@dataclass(frozen=True)
class Notebook:
    """One notebook of the assignment with its graded functions, in order."""

    name: str
    title: str
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
    title="Backpropagation for one sigmoid neuron",
    given=("sigmoid",),
    functions=(
        GradedFunction("neuron_forward", "(X, w, b)", 1),
        GradedFunction("mse_loss", "(y_hat, y)", 1),
        GradedFunction("dloss_dyhat", "(y_hat, y)", 2),
        GradedFunction("sigmoid_prime", "(z)", 2),
        GradedFunction("neuron_gradients", "(X, y, w, b)", 4),
        GradedFunction("sgd_update", "(param, grad, learning_rate)", 2, keeps_inputs=True),
        GradedFunction("train_neuron", "(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0)", 3),
    ),
)

MULTILAYER = Notebook(
    name="multilayer",
    title="Challenge: backpropagation through a multi-layer network",
    given=("sigmoid", "sigmoid_prime", "mse_loss", "init_params"),
    manual_points=3,
    functions=(
        GradedFunction("mlp_forward", "(X, params)", 2),
        GradedFunction("mlp_gradients", "(X, y, params)", 5),
        GradedFunction("sgd_step", "(params, grads, learning_rate)", 2, keeps_inputs=True),
        GradedFunction("train_mlp", "(X, y, layer_sizes, learning_rate, epochs, seed=0)", 3),
    ),
)

NOTEBOOKS = (SINGLE_NEURON, MULTILAYER)
MANUAL_GRADE_ID = "learning_rate_discussion"

GRADED_FUNCTIONS = {function.name: function for nb in NOTEBOOKS for function in nb.functions}
NOTEBOOK_OF = {function.name: nb for nb in NOTEBOOKS for function in nb.functions}


def graded_function(name: str) -> GradedFunction:
    return GRADED_FUNCTIONS[name]


MISTAKES: dict[str, str] = {
    "not-implemented": "The function still raises NotImplementedError or is missing: write its body.",
    "raised-error": "The function raised an exception when called on valid inputs.",
    "wrong-shape": "The result has the wrong shape or type; check it against the docstring.",
    "not-finite": "The result holds NaN or infinity where the correct result is finite.",
    "wrong-value": "The values are wrong, in a way that matches none of the common mistakes.",
    "loss-sum-not-mean": "You summed the squared errors: the loss is their mean (divide by N).",
    "loss-half-factor": "Our loss has no factor 1/2: it is the plain mean of the squared errors.",
    "loss-not-squared": "Square each error before averaging.",
    "dloss-missing-2": "The derivative of (y_hat - y)**2 brings down a factor 2.",
    "dloss-missing-1-over-n": "The loss is a mean, so its derivative keeps the factor 1/N.",
    "dloss-sign-flipped": "Differentiate with respect to y_hat: the term is y_hat - y, not y - y_hat.",
    "sigprime-returns-sigmoid": "You returned sigmoid(z); its derivative is sigmoid(z) * (1 - sigmoid(z)).",
    "sigprime-on-preactivation": "Apply sigmoid first: use s = sigmoid(z), then s * (1 - s), not z * (1 - z).",
    "sigprime-applied-twice": "Pass z itself, not sigmoid(z), to the derivative.",
    "grad-missing-sigprime": "The chain goes through the activation: multiply by sigmoid'(z).",
    "grad-missing-input": "dz/dw_j = x_j: the weight gradient needs the inputs in the chain.",
    "grad-bias-not-summed": "The bias gradient is one number: sum the per-example terms.",
    "grad-broadcast-n-by-n": "An (N, 1) array met an (N,) array and broadcast to (N, N): keep vectors 1-D.",
    "grad-sign-flipped": "The gradient has the wrong sign.",
    "grad-scale": "The gradient is off by a constant factor: check 2/N and the sums.",
    "sgd-ascent": "Gradient descent steps against the gradient: subtract learning_rate * grad.",
    "sgd-ignores-learning-rate": "The step must be scaled by learning_rate.",
    "sgd-mutates-input": "Return a new value: do not modify the parameters passed in.",
    "train-params-not-updated": "The parameters never change: keep the values your update returns.",
    "train-wrong-loss-history": "losses needs one full-training-set loss per epoch, after that epoch's steps.",
    "mlp-forward-no-output-sigmoid": "Every layer applies the sigmoid, the output layer included.",
    "mlp-grad-transposed": "dL/dW_l = a_{l-1}^T delta_l has the shape of W_l: check the transposes.",
    "mlp-grad-missing-hidden-sigprime": "Hidden deltas need it too: (delta_l W_l^T) * sigmoid'(z_{l-1}).",
    "mlp-grad-scale-per-layer": "Apply 2/N once, in the output delta, not again at every layer.",
    "mlp-grad-bias-not-summed": "db_l is the sum of delta_l over the examples (rows).",
    "mlp-grad-missing-key": "Return a gradient for every parameter, with the same keys as params.",
    "time-limit": "The notebook or one of its cells ran past its time limit.",
    "output-limit": "The notebook printed more than the output limit; the rest was cut.",
    "kernel-died": "The notebook's kernel exited or was killed while it ran.",
}
