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
# # A tiny autograd engine
#
# {{ points_table }}

# %% given=true
import numpy as np  # noqa: F401 - the built checks write their known values as np.array(...)

# %% author_only=true
# play() finds Value by name in this namespace, as it finds the notebook's.
from backprop_course.authoring.author import Value, check_result, known, play  # noqa: F401

# %% [markdown] exercise="Value.__add__"
# ## A Value
#
# Write `__add__`, `__mul__` and `backward` in the class below; each is checked on its own.

# %% exercise="Value.__add__"
check_result(play("Value.__add__", 2.0, -3.0, 0.5, 1.5), known("Value.__add__", 2.0, -3.0, 0.5, 1.5))
print("Value.__add__: visible checks passed")

# %% [markdown] exercise="Value.__mul__"
# ## Multiplication

# %% exercise="Value.__mul__"
check_result(play("Value.__mul__", 2.0, -3.0, 0.5, 1.5), known("Value.__mul__", 2.0, -3.0, 0.5, 1.5))
print("Value.__mul__: visible checks passed")

# %% [markdown] exercise="Value.backward"
# ## Backward

# %% exercise="Value.backward"
example = (1.0, 2.0, 3.0, 4.0, 5.0, 0.5, -0.5, 2.0, 1.5, -1.0, 0.25)
check_result(play("Value.backward", *example), known("Value.backward", *example))
print("Value.backward: visible checks passed")
