"""Reference implementation of the {name} assignment (float64 throughout).

The build copies these functions into the notebooks: the given helpers into the read-only given
cell, each graded function, its solution between the markers, into its answer cell.
"""

import numpy as np


def squared_norm(x):
    """The squared Euclidean norm of the vector x (shape (d,)): the sum of its squared entries, a float."""
    ### BEGIN SOLUTION
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 2))
    ### END SOLUTION
