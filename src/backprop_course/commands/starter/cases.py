"""The hidden cases of the {name} assignment: for each graded function, a maker that draws one
argument tuple from the grader's seeded generator (case is 0 to cases_per_function - 1)."""

import numpy as np


def _vector(rng: np.random.Generator, case: int):
    return (rng.normal(scale=1.0 + case, size=int(rng.integers(2, 9))),)


CASES = {
    "squared_norm": _vector,
}
