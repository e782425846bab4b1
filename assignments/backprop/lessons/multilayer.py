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
# # Challenge: backpropagation through a multi-layer network
#
# One neuron can only draw a straight line through its inputs. Stack layers of neurons and
# the network can bend its decision boundary, for example around the XOR-like data at the
# end of this notebook. The recipe for the gradients stays the chain rule, applied layer
# by layer from the output back to the input: that is *backpropagation*.
#
# **How this notebook is graded.** Write each function in its answer cell, replacing
# `raise NotImplementedError()`. The cell after each answer holds quick checks you can run
# yourself (restart the kernel and run all cells before you submit); when your result on a
# check's example matches a common mistake, the check names it and gives a hint. Hidden tests
# then call your function on inputs you have not seen and compare the results with a reference
# implementation, shapes exactly and values to a relative error of at most `{{ rel_tolerance }}`.
# A function that calls other graded functions is graded with correct versions of those
# substituted, so a mistake costs points only where it is made. Keep the function names and
# signatures as they are.
#
# {{ points_table }}

# %% given=true
import matplotlib.pyplot as plt
import numpy as np

# %% author_only=true
# For the author only: the build leaves this cell out. It binds what the built notebook gets from
# elsewhere (the given helpers and the graded functions from the reference, the helpers of
# backprop_checks.py, and known(), whose calls the build replaces by the values it computes), so that
# ruff knows every name and this lesson runs as it is in a kernel that has backprop_course.
from backprop_course.authoring.author import (
    FD_STEP,
    REL_TOLERANCE,
    centred_difference,
    check_result,
    check_unchanged,
    init_params,
    known,
    mlp_forward,
    mlp_gradients,
    rel_error,
    sgd_step,
    sigmoid,
    train_mlp,
)

# %% [markdown] exercise="mlp_forward"
# ## 1. The forward pass, layer by layer
#
# Examples are the rows of `X`, shape `(N, d)`. Layer $l = 1, \dots, L$ has a weight matrix
# $W_l$ of shape $(n_{l-1}, n_l)$ and a bias vector $b_l$ of shape $(n_l,)$, with $n_0 = d$
# and a single output, $n_L = 1$. They sit in a dict `params` under the keys `"W1"`, `"b1"`,
# ..., `"WL"`, `"bL"`, so $L$ = `len(params) // 2`. The given `init_params` makes one.
#
# $$a_0 = X, \qquad z_l = a_{l-1} W_l + b_l, \qquad a_l = \sigma(z_l), \qquad \hat{y} = a_L$$
#
# Every layer applies the sigmoid, the output layer included. $a_L$ has shape `(N, 1)`;
# return it as a vector of shape `(N,)`.
#
# ### Exercise 1
#
# Write `mlp_forward(X, params)`.

# %% exercise="mlp_forward"
params_check = {
    "W1": np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0]]),
    "b1": np.array([0.0, 0.1, -0.1]),
    "W2": np.array([[1.0], [-2.0], [0.5]]),
    "b2": np.array([0.2]),
}
X_check = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, 0.5]])
y_hat_check = mlp_forward(X_check, params_check)
check_result(y_hat_check, known(mlp_forward, X_check, params_check))
print("mlp_forward: visible checks passed")

# %% [markdown] exercise="mlp_gradients"
# ## 2. The backward pass
#
# Write $\delta_l = \partial L / \partial z_l$, an array of the shape of $z_l$, and $\odot$ for
# the element-wise product. Starting from the output and walking back:
#
# $$\delta_L = \frac{2}{N} (\hat{y} - y) \odot \sigma'(z_L)$$
#
# $$\frac{\partial L}{\partial W_l} = a_{l-1}^\top \delta_l, \qquad
# \frac{\partial L}{\partial b_l} = \sum_{\text{rows}} \delta_l, \qquad
# \delta_{l-1} = \bigl(\delta_l W_l^\top\bigr) \odot \sigma'(z_{l-1})$$
#
# For the single neuron of the first notebook, $L = 1$ and $n_1 = 1$: these are the same
# formulas. Watch the shapes: $\hat{y} - y$ is a vector of shape `(N,)`, while
# $\sigma'(z_L)$ has shape `(N, 1)`.
#
# ### Exercise 2
#
# Write `mlp_gradients(X, y, params)`, returning a dict with the same keys and shapes as
# `params`. Keep the $z_l$ and $a_l$ of the forward pass: the backward pass needs them.

# %% exercise="mlp_gradients"
rng_check = np.random.default_rng(4)
X_check = rng_check.normal(size=(6, 3))
y_check = rng_check.uniform(size=6)
params_check = init_params([3, 4, 2, 1], seed=5)
params_check["b1"] = rng_check.normal(size=4)
grads_check = mlp_gradients(X_check, y_check, params_check)
check_result(grads_check, known(mlp_gradients, X_check, y_check, params_check))


# The same gradients by centred finite differences of the loss: nudge each parameter both ways.
def loss_at_check_point():
    a = X_check
    for layer in (1, 2, 3):
        a = sigmoid(a @ params_check[f"W{layer}"] + params_check[f"b{layer}"])
    return float(np.mean((a[:, 0] - y_check) ** 2))


for key in params_check:
    numerical = centred_difference(loss_at_check_point, params_check[key], FD_STEP)
    assert rel_error(grads_check[key], numerical) <= REL_TOLERANCE, f"{key} does not match finite differences"
print("mlp_gradients: visible checks passed")

# %% [markdown] exercise="sgd_step"
# ## 3. One step for every parameter
#
# ### Exercise 3
#
# Write `sgd_step(params, grads, learning_rate)`: a **new** dict where each parameter has
# moved against its gradient, $\theta \leftarrow \theta - \eta\, \partial L / \partial \theta$.
# The dict passed in and its arrays must stay as they were.

# %% exercise="sgd_step"
params_check = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5, -0.5])}
grads_check = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([2.0, 0.0])}
params_before = {key: value.copy() for key, value in params_check.items()}
stepped_check = sgd_step(params_check, grads_check, 0.5)
check_result(stepped_check, known(sgd_step, params_before, grads_check, 0.5))
check_unchanged("sgd_step", params_check, params_before)
assert stepped_check is not params_check, "return a new dict"
print("sgd_step: visible checks passed")

# %% [markdown] exercise="train_mlp"
# ## 4. Training the network
#
# ### Exercise 4
#
# Write `train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0)`. Start from
# `init_params(layer_sizes, seed)`, then take `epochs` full-batch steps with your
# `mlp_gradients` and `sgd_step`, appending `mse_loss` on the whole training set after
# each step. Return `(params, losses)`.

# %% exercise="train_mlp"
rng_check = np.random.default_rng(6)
X_check = rng_check.normal(size=(12, 2))
y_check = (X_check[:, 0] > 0).astype(float)
trained_check = train_mlp(X_check, y_check, [2, 3, 1], 2.0, 40, seed=1)
check_result(trained_check, known(train_mlp, X_check, y_check, [2, 3, 1], 2.0, 40, seed=1))
params_check, losses_check = trained_check
assert losses_check[-1] < losses_check[0], "training should lower the loss on this easy data"
print("train_mlp: visible checks passed")

# %% [markdown] id="lesson_learning_rate"
# ## 5. How large a step? (graded by hand)
#
# The data below is XOR-like: points near $(\pm 1, \pm 1)$ whose label is 1 when the two
# coordinates have opposite signs. No single neuron separates it; a small hidden layer can.
#
# In the next cell, train a `[2, 4, 1]` network with `train_mlp` for the same number of
# epochs at **three learning rates**, one too small, one about right and one too large,
# and plot the three loss curves in one figure with a legend. Then explain, in the
# Markdown cell after it, what a too-large and a too-small learning rate do to training,
# pointing at your curves.

# %% id="xor_data" locked=true
rng_xor = np.random.default_rng(7)
corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
X_xor = np.repeat(corners, 10, axis=0) + rng_xor.normal(scale=0.2, size=(40, 2))
y_xor = (np.sign(X_xor[:, 0]) != np.sign(X_xor[:, 1])).astype(float)
plt.scatter(X_xor[:, 0], X_xor[:, 1], c=y_xor, cmap="coolwarm")
plt.title("XOR-like training data")
plt.show()

# %% id="learning_rate_plot" solution=true
### BEGIN SOLUTION
for learning_rate in (0.05, 5.0, 500.0):
    _, losses = train_mlp(X_xor, y_xor, [2, 4, 1], learning_rate, 2000, seed=0)
    plt.plot(losses, label=f"learning rate {learning_rate:g}")
plt.xlabel("epoch")
plt.ylabel("mean squared error")
plt.yscale("log")
plt.legend()
plt.show()
### END SOLUTION

# %% [markdown] manually_graded=true
# With a learning rate that is too small, every step is tiny: the loss falls, but so slowly
# that after 2000 epochs it has barely left its starting plateau. A good learning rate
# takes the loss down steadily to near zero. With a learning rate that is too large, the
# steps overshoot the minimum: the loss jumps around or climbs, and the sigmoids saturate,
# where their derivatives vanish and training stalls at a poor value.
