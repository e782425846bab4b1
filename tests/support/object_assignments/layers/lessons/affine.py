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
# # An affine layer
#
# {{ points_table }}

# %% given=true
import numpy as np

# %% author_only=true
# play() finds the answers by name in this namespace, as it finds the notebook's.
from backprop_course.authoring.author import (  # noqa: F401
    affine_backward,
    affine_forward,
    check_result,
    check_unchanged,
    known,
    play,
)

# %% [markdown] exercise="affine_forward"
# ## Forward
#
# Return the output and a cache of your own design: whatever your backward pass needs.

# %% exercise="affine_forward"
x_check = np.linspace(-1.0, 1.0, 12).reshape(2, 2, 3)
w_check = np.linspace(0.5, -0.5, 12).reshape(6, 2)
b_check = np.array([0.25, -0.75])
x_before = x_check.copy()
check_result(play("affine_forward", x_check, w_check, b_check), known("affine_forward", x_check, w_check, b_check))
check_unchanged("affine_forward", x_check, x_before)

# %% [markdown] exercise="affine_backward"
# ## Backward
#
# Your backward pass gets the cache that your forward pass returned.

# %% exercise="affine_backward"
x_check = np.linspace(-1.0, 1.0, 12).reshape(2, 2, 3)
w_check = np.linspace(0.5, -0.5, 12).reshape(6, 2)
b_check = np.array([0.25, -0.75])
dout_check = np.array([[1.0, -2.0], [0.5, 3.0]])
check_result(play("affine_backward", x_check, w_check, b_check, dout_check),
             known("affine_backward", x_check, w_check, b_check, dout_check))
