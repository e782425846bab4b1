"""The mistakes of the {name} assignment, as code: the functions a student making each mistake
would write, and RECOGNISERS, which says for each mistake id of assignment.toml where (which
graded function) and how it is recognised."""

import numpy as np

from backprop_course.course.recognisers import mutant


def _norm(x):
    return float(np.sqrt(np.sum(np.asarray(x, dtype=np.float64) ** 2)))


RECOGNISERS = {
    "norm-not-squared": (("squared_norm", mutant(_norm)),),
}
