"""A made-up class of the classification assignment whose mistakes are known: correct students in
several styles, students who make catalog mistakes (tests/corpora/classification.py's), and
students who make mistakes that no catalog entry names, each written in several ways by several
students (UNNAMED), plus a few one-off wrong answers. planted_class() says who planted what,
so that the grouping of unnamed failures (grading/grouping.py) can be measured against it;
findings_in_process() grades a student's answers in this process, as the sandboxed grader does
in the kernel (tests/support/grading.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from backprop_course.authoring.samples import answers_from_source
from backprop_course.course.cells import answer_id
from backprop_course.grading.behaviour import Finding, finding_of, observed
from backprop_course.grading.judge import judge
from backprop_course.grading.runner import run_cases

from ..corpora.classification import CORPUS, CORRECT_VARIANTS
from .classification import CONTRACT, COURSE
from .grading import notebook_namespace

CORRECT = "correct"
UNNAMED_PREFIX = "unnamed:"

# Mistakes outside the catalog: {name: (graded function, [ways students write it])}.
UNNAMED = {
    "ce-log2": ("cross_entropy", [
        "def cross_entropy(P, y):\n    return float(-np.mean(np.log2(P[np.arange(len(y)), y])))",
        """
import math

def cross_entropy(P, y):
    total = 0.0
    for i, label in enumerate(y):
        total += math.log(P[i, label], 2)
    return -total / len(y)
""",
        """
def cross_entropy(P, y):
    N = P.shape[0]
    picked = P[range(N), y]
    return -np.sum(np.log(picked) / np.log(2)) / N
""",
    ]),
    "ce-log10": ("cross_entropy", [
        "def cross_entropy(P, y):\n    return -np.log10(P[np.arange(len(y)), y]).mean()",
        """
def cross_entropy(P, y):
    losses = [-np.log10(P[i, y[i]]) for i in range(len(y))]
    return sum(losses) / len(losses)
""",
    ]),
    "jacobian-diagonal-twice": ("softmax_jacobian", [
        "def softmax_jacobian(p):\n    return 2 * np.diag(p) - np.outer(p, p)",
        "def softmax_jacobian(p):\n    return np.diag(p) + np.diag(p) - p[:, None] * p[None, :]",
        """
def softmax_jacobian(p):
    K = len(p)
    J = np.zeros((K, K))
    for i in range(K):
        for j in range(K):
            J[i, j] = -p[i] * p[j]
            if i == j:
                J[i, j] += 2 * p[i]
    return J
""",
    ]),
    "dlogits-labels-1-based": ("dloss_dlogits", [
        """
def dloss_dlogits(P, y):
    Y = np.eye(P.shape[1])[y - 1]
    return (P - Y) / len(y)
""",
        """
def dloss_dlogits(P, y):
    N, K = P.shape
    Y = np.zeros((N, K))
    for i in range(N):
        Y[i, y[i] - 1] = 1.0  # classes counted from 1
    return (P - Y) / N
""",
        """
def dloss_dlogits(P, y):
    Y = np.roll(one_hot(y, P.shape[1]), -1, axis=1)
    return (P - Y) / P.shape[0]
""",
    ]),
    "forward-sigmoid-hidden": ("forward", [
        """
def forward(X, params):
    A1 = 1.0 / (1.0 + np.exp(-(X @ params["W1"] + params["b1"])))
    return softmax(A1 @ params["W2"] + params["b2"])
""",
        """
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = 0.5 * (1.0 + np.tanh(0.5 * Z1))  # the logistic function, written with tanh
    return softmax(A1 @ params["W2"] + params["b2"])
""",
        """
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))

def forward(X, params):
    hidden = sigmoid(np.dot(X, params["W1"]) + params["b1"])
    return softmax(np.dot(hidden, params["W2"]) + params["b2"])
""",
        # NaN where exp overflows (inf / inf): the same results wherever they are finite
        """
def forward(X, params):
    E = np.exp(X @ params["W1"] + params["b1"])
    return softmax((E / (1.0 + E)) @ params["W2"] + params["b2"])
""",
    ]),
    "predict-1-based": ("predict_classes", [
        "def predict_classes(X, params):\n    return np.argmax(forward(X, params), axis=1) + 1",
        """
def predict_classes(X, params):
    P = forward(X, params)
    return np.array([int(np.argmax(row)) + 1 for row in P])
""",
    ]),
    "grad-bias-averaged": ("gradients", [
        """
def gradients(X, y, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    delta2 = dloss_dlogits(softmax(A1 @ params["W2"] + params["b2"]), y)
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {"W1": X.T @ delta1, "b1": delta1.mean(axis=0), "W2": A1.T @ delta2, "b2": delta2.mean(axis=0)}
""",
        """
def gradients(X, y, params):
    N = X.shape[0]
    Z1 = np.dot(X, params["W1"]) + params["b1"]
    A1 = relu(Z1)
    P = softmax(np.dot(A1, params["W2"]) + params["b2"])
    d2 = dloss_dlogits(P, y)
    d1 = np.dot(d2, params["W2"].T) * relu_prime(Z1)
    grads = {"W2": np.dot(A1.T, d2), "W1": np.dot(X.T, d1)}
    grads["b2"] = np.sum(d2, axis=0) / N  # the mean over the batch
    grads["b1"] = np.sum(d1, axis=0) / N
    return grads
""",
    ]),
    "train-drops-partial-batch": ("train", [
        """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(N)
        for start in range(0, N - batch_size + 1, batch_size):
            batch = perm[start:start + batch_size]
            params = sgd_step(params, gradients(X[batch], y[batch], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
""",
        """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    losses = []
    n_batches = len(X) // batch_size
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            params = sgd_step(params, gradients(X[idx], y[idx], params), learning_rate)
        losses.append(float(cross_entropy(forward(X, params), y)))
    return params, losses
""",
        """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(len(y))
        start = 0
        while start + batch_size <= len(y):
            batch = perm[start:start + batch_size]
            grads = gradients(X[batch], y[batch], params)
            params = sgd_step(params, grads, learning_rate)
            start += batch_size
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
""",
    ]),
    "train-step-discarded": ("train", [
        """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            batch = perm[start:start + batch_size]
            sgd_step(params, gradients(X[batch], y[batch], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
""",
        """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    N = len(X)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            new_params = sgd_step(params, gradients(X[idx], y[idx], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
""",
    ]),
}
# Students per unnamed mistake (each of its ways written by at least one of them), and students
# who make a catalog mistake and nothing else.
STUDENTS_PER_MISTAKE = 5
CATALOG_ONLY = 16
# Wrong answers that only one student gives: (label, function, code).
ONE_OFFS = [(f"one-off:{mistake}", function, code) for mistake, function, code in CORPUS
            if mistake in ("wrong-value", "wrong-shape", "not-finite")]
# ...and one that makes an unnamed mistake (log base 2) and a catalog one (a sum) together.
ONE_OFFS.append(("one-off:ce-log2-summed", "cross_entropy",
                 "def cross_entropy(P, y):\n    return -np.sum(np.log2(P[np.arange(len(y)), y]))"))
CATALOG = [(mistake, function, code) for mistake, function, code in CORPUS if mistake in CONTRACT.mistakes
           and mistake in {own.id for own in CONTRACT.own_mistakes}]


@dataclass(frozen=True)
class Planted:
    """One student: their answer cell per graded function, and what each answer is."""

    student: str
    answers: dict[str, str]
    labels: dict[str, str]  # function: CORRECT, a catalog id, UNNAMED_PREFIX + name, or a one-off's label

    def answer_cells(self) -> dict[str, str]:
        """The answers by answer cell id, for write_submission."""
        return {answer_id(function): code for function, code in self.answers.items()}


def correct_styles() -> dict[str, list[str]]:
    """Correct answers per function: the sample alice's, then the corpus's other styles."""
    alice = answers_from_source((COURSE.sample_answers / "alice.py").read_text())
    styles = {function: [alice[answer_id(function)]] for function in CONTRACT.functions}
    for function, code in CORRECT_VARIANTS:
        styles[function].append(code)
    return styles


def planted_class(students: int = 80, seed: int = 0) -> list[Planted]:
    """A class of at least `students` (each unnamed mistake by STUDENTS_PER_MISTAKE of them, a
    third of whom make a catalog mistake in another function too; CATALOG_ONLY students with a
    catalog mistake; the one-offs; the rest correct), in a shuffled order."""
    rng = np.random.default_rng(seed)
    styles = correct_styles()
    roles: list[dict[str, tuple[str, str]]] = []
    catalog = itertools.cycle(CATALOG)
    for name, (function, ways) in UNNAMED.items():
        for number in range(STUDENTS_PER_MISTAKE):
            role = {function: (UNNAMED_PREFIX + name, ways[number % len(ways)])}
            if number % 3 == 2:
                extra = next(entry for entry in catalog if entry[1] != function)
                role[extra[1]] = (extra[0], extra[2])
            roles.append(role)
    roles += [{function: (mistake, code)} for mistake, function, code in CATALOG[-CATALOG_ONLY:]]
    roles += [{function: (label, code)} for label, function, code in ONE_OFFS]
    roles += [{} for _ in range(max(0, students - len(roles)))]
    order = rng.permutation(len(roles))
    planted = []
    for number, index in enumerate(order):
        role = roles[index]
        answers, labels = {}, {}
        for function in CONTRACT.functions:
            label, code = role.get(function, (CORRECT, None))
            answers[function] = code or styles[function][int(rng.integers(len(styles[function])))]
            labels[function] = label
        planted.append(Planted(f"learner{number:03d}", answers, labels))
    return planted


def findings_in_process(planted: Planted, contract=CONTRACT) -> dict[str, Finding]:
    """Each graded function's finding, graded in this process as the grader does in the kernel:
    the notebook's answers run in one namespace, each function on the student's hidden cases
    (callees the reference's), then the ones that failed unnamed on the common cases."""
    found = {}
    for notebook in contract.notebooks:
        code = "\n\n".join(planted.answers[function.name] for function in notebook.functions)
        namespace = notebook_namespace(code, notebook)
        for function in notebook.functions:
            name = function.name
            cases = contract.hidden_cases(name, planted.student)
            verdicts = judge(contract, name, cases, run_cases(contract, name, namespace, cases))
            found[name] = observed(contract, finding_of(name, verdicts), verdicts,
                                   lambda common, name=name, namespace=namespace: run_cases(contract, name, namespace,
                                                                                            common))
    return found


def pair_scores(predicted: dict[str, int], planted: dict[str, str]) -> tuple[float, float]:
    """(precision, recall) of a grouping over pairs of students: predicted {student: group},
    planted {student: label} for the same students."""
    students = sorted(planted)
    together = {(a, b) for a, b in itertools.combinations(students, 2) if predicted.get(a) == predicted.get(b)
                and predicted.get(a) is not None}
    truly = {(a, b) for a, b in itertools.combinations(students, 2) if planted[a] == planted[b]}
    precision = len(together & truly) / len(together) if together else 1.0
    recall = len(together & truly) / len(truly) if truly else 1.0
    return precision, recall
