# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] id="intro"
# # {name}
#
# Write each function in its answer cell, replacing `raise NotImplementedError()`. The cell after
# each answer holds checks you can run yourself; hidden tests then call your function on inputs
# you have not seen, and compare shapes exactly and values to a relative error of at most
# `{{ rel_tolerance }}`.
#
# {{ points_table }}

# %% given=true
import numpy as np

# %% author_only=true
# For the author only: the build leaves this cell out. It binds what the built notebook gets from
# elsewhere, so that ruff knows every name and this lesson runs as it is (in this folder).
from backprop_course.authoring.author import check_result, known, squared_norm

# %% [markdown] exercise="squared_norm"
# ## The squared norm
#
# The squared Euclidean norm of a vector $x \in \mathbb{R}^d$ is $\|x\|^2 = \sum_{j=1}^{d} x_j^2$.
# Return it as a float.

# %% exercise="squared_norm"
x_check = np.array([1.0, -2.0, 3.0])
check_result(squared_norm(x_check), known(squared_norm, x_check))
print("squared_norm: visible checks passed")
