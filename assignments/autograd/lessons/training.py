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
# # Autograd, part 3: training, and the engine against the hand-derived gradients
#
# The engine and the network are done; now the network learns. You write one step of gradient
# descent and a training run, and then the function that closes the circle with `backprop`: the
# gradients of the engine, for the same network and data, are exactly the gradients you derived
# by hand there with `mlp_gradients`.
#
# **How this notebook is graded.** The given cell holds complete `Value`, `Neuron`, `Layer` and
# `MLP` classes (the solutions of parts 1 and 2), helpers that build a network from
# `backprop`-style parameters (`mlp_from`, `init_params`), the loss `mse_loss(model, X, y)` as a
# Value, and `backprop`'s own `mlp_forward` and `mlp_gradients` in numpy. `train` is graded with a
# stand-in for `train_step` (a function whose losses the tests choose), so a mistake in
# `train_step` costs nothing in `train`: call it by its name, `train_step(...)`. Hidden tests
# compare with a reference implementation to a relative error of at most `{{ rel_tolerance }}`.
#
# {{ points_table }}

# %% given=true
import matplotlib.pyplot as plt
import numpy as np

# %% author_only=true
# For the author only: the build leaves this cell out. It binds what the built notebook gets from
# elsewhere (the reference's classes, given helpers and solutions, the helpers of autograd_checks.py,
# and known(), whose calls the build replaces by the values it computes).
from backprop_course.authoring.author import (  # noqa: F401
    MLP,
    Layer,
    Neuron,
    Value,
    check_result,
    datas,
    engine_gradients,
    grads,
    init_params,
    known,
    layer_from,
    mlp_forward,
    mlp_from,
    mlp_gradients,
    mse_loss,
    neuron_from,
    play,
    rel_error,
    train,
    train_step,
)

# %% [markdown] exercise="train_step"
# ## 1. One step of gradient descent
#
# For a network with parameters $\theta$, the mean squared error on $N$ examples is
#
# $$L = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2,$$
#
# and one step of gradient descent moves every parameter against its gradient,
# $\theta \leftarrow \theta - \eta\, \frac{\partial L}{\partial \theta}$.
#
# With the engine, a step is: set every parameter's `grad` to 0 (`backward()` *adds* to the
# gradients, and those of the step before are still there), compute the loss with
# `mse_loss(model, X, y)`, call `loss.backward()`, then change each parameter's `data` by
# $-\eta$ times its `grad`.
#
# ### Exercise 1: a step
#
# Write `train_step(model, X, y, learning_rate)`: one step as above, changing the model's
# parameters in place, and return the loss *before* the step as a float (`loss.data`).

# %% exercise="train_step"
X_check = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
y_check = np.array([0.2, 0.8])
example = (init_params([3, 2, 1], seed=1), X_check, y_check, 1.0)
check_result(play("train_step", *example), known("train_step", *example))
print("train_step: visible checks passed")

# %% [markdown] exercise="train"
# ## 2. A training run
#
# ### Exercise 2: train
#
# Write `train(model, X, y, learning_rate, steps)`: `steps` calls of your `train_step`, returning
# the list of the losses they return, in order.

# %% exercise="train"
# 3 steps, train_step a stand-in while it plays: each call moves the first bias by
# learning_rate * X[0, 0] * y[0] * 0.5 and answers the bias as its loss.
X_check = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
y_check = np.array([0.2, 0.8])
example = (init_params([3, 2, 1], seed=1), X_check, y_check, 1.0, 3, 0.5)
check_result(play("train", *example), known("train", *example))
print("train: visible checks passed")

# %% [markdown] id="lesson_run"
# Your `train` on a small regression problem: 20 points $x \in \mathbb{R}^2$ and targets in
# $(0, 1)$, a network of 2 inputs, 4 hidden neurons and 1 output, 100 steps.

# %% id="training_demo" locked=true
rng_demo = np.random.default_rng(0)
X_demo = rng_demo.uniform(-2.0, 2.0, size=(20, 2))
y_demo = 1.0 / (1.0 + np.exp(-(X_demo[:, 0] * X_demo[:, 1])))
model_demo = mlp_from(init_params([2, 4, 1], seed=0))
losses_demo = train(model_demo, X_demo, y_demo, 2.0, 100)
plt.plot(losses_demo)
plt.xlabel("step")
plt.ylabel("mean squared error")
plt.show()

# %% [markdown] exercise="engine_gradients"
# ## 3. The engine against the hand-derived gradients
#
# In `backprop` you derived, for a network with a sigmoid on every layer, $\delta_l =
# \partial L / \partial z_l$ and
#
# $$\delta_L = \tfrac{2}{N} (\hat y - y) \odot \sigma'(z_L), \qquad
# \frac{\partial L}{\partial W_l} = a_{l-1}^\top \delta_l, \qquad
# \frac{\partial L}{\partial b_l} = \sum_{\text{rows}} \delta_l, \qquad
# \delta_{l-1} = (\delta_l W_l^\top) \odot \sigma'(z_{l-1}),$$
#
# which the given `mlp_gradients(X, y, params)` computes. The engine finds the same numbers
# without any of these formulas: only the local derivatives of $+$, $\cdot$, powers and the
# sigmoid, and the chain rule applied node by node. And it finds them for any loss built from the
# network's outputs, where the formulas above hold for the mean squared error only.
#
# ### Exercise 3: the engine's gradients in mlp_gradients' form
#
# Write `engine_gradients(model, loss)`: `loss` is a Value computed from `model`'s outputs (an
# `MLP`, as `mlp_from` builds); call `backward()` on it and return the gradients of the model's
# parameters in the form of `mlp_gradients`: a dict with the keys `"W1"`, `"b1"`, `"W2"`, ...,
# where `"W1"` has the shape (inputs, neurons) of layer 1's weights, as `params["W1"]` has, and
# its entry `[i, j]` is the gradient of neuron `j`'s weight `i` in layer 1, and `"b1"` holds the
# gradients of layer 1's biases; and so on for every layer. The hidden tests use losses other
# than the mean squared error.

# %% exercise="engine_gradients"
# The loss of the check: the mean squared error on X_check and y_check plus 2.0 times the output at x_check.
X_check = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
y_check = np.array([0.2, 0.8])
params_check = init_params([3, 2, 1], seed=1)
example = (params_check, X_check, y_check, [1.0, -0.5, 0.25], 2.0)
check_result(play("engine_gradients", *example), known("engine_gradients", *example))
# On the mean squared error alone, the engine's gradients are the hand-derived ones.
model_check = mlp_from(params_check)
by_engine = engine_gradients(model_check, mse_loss(model_check, X_check, y_check))
by_hand = mlp_gradients(X_check, y_check, params_check)
for key in by_hand:
    assert rel_error(by_engine[key], by_hand[key]) <= 1e-10, f"{key}: the engine and mlp_gradients differ"
print("engine_gradients: visible checks passed")

# %% [markdown] id="lesson_larger"
# The seed's challenge was to write down a larger network and compute the gradients of all its
# parameters. The engine does it for any network: below, three hidden layers, compared with the
# hand-derived formulas parameter by parameter.

# %% id="larger_demo" locked=true
rng_demo = np.random.default_rng(1)
X_larger = rng_demo.normal(size=(8, 4))
y_larger = rng_demo.uniform(0.0, 1.0, size=8)
params_larger = init_params([4, 6, 5, 3, 1], seed=2)
model_larger = mlp_from(params_larger)
by_engine = engine_gradients(model_larger, mse_loss(model_larger, X_larger, y_larger))
by_hand = mlp_gradients(X_larger, y_larger, params_larger)
for key in params_larger:
    print(f"{key}: shape {by_engine[key].shape}, rel_error {rel_error(by_engine[key], by_hand[key]):.1e}")
