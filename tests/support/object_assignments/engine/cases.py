"""The hidden cases of the tiny autograd engine: numbers of both signs away from zero."""

import numpy as np


def _numbers(count):
    def make(rng: np.random.Generator, case: int):
        return tuple(float(value) for value in rng.choice([-1.0, 1.0], size=count) * rng.uniform(0.5, 3.0, size=count))

    return make


CASES = {"Value.__add__": _numbers(4), "Value.__mul__": _numbers(4), "Value.backward": _numbers(11)}
