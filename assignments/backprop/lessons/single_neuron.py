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
# # Backpropagation for one sigmoid neuron
#
# A network makes a prediction, a loss says how wrong it is, and backpropagation says how
# to change every parameter to make the loss smaller. In this notebook you work it all
# out for the smallest network there is, one sigmoid neuron, and then train it.
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
    dloss_dyhat,
    known,
    mse_loss,
    neuron_forward,
    neuron_gradients,
    rel_error,
    sgd_update,
    sigmoid,
    sigmoid_prime,
    train_neuron,
)

# %% [markdown] id="lesson_loss_overview"
# ## 1. From a forward pass to a loss
#
# Think of a network as a function $f$ that maps an input vector $x \in \mathbb{R}^d$ to
# one number $\hat{y} = f(x)$. We train it on $N$ examples $(x_i, y_i)$, $i = 1, \dots, N$.
# In code the inputs are the rows of a matrix `X` of shape `(N, d)` and the targets a
# vector `y` of shape `(N,)`. Once the network has produced its predictions (the
# *forward pass*), the **mean squared error** scores them against the targets:
#
# $$L = \frac{1}{N} \sum_{i=1}^{N} (\hat{y}_i - y_i)^2$$
#
# We use exactly this form everywhere: a mean, and no factor $\frac{1}{2}$ in front.
#
# ## 2. What the gradient tells us
#
# The partial derivative of $L$ with respect to a parameter says how quickly the loss
# changes when that parameter is nudged by a small amount $\delta$. A large value means
# the loss is very sensitive to the parameter; its sign says in which direction the loss
# goes down. Collected for all parameters, these derivatives form the **gradient**, and
# the gradient tells us where the loss gets smaller.
#
# ## 3. One neuron
#
# Our neuron weighs its inputs, adds a bias and squashes the result with the logistic
# function:
#
# $$z = w \cdot x + b = \sum_{j=1}^{d} w_j x_j + b, \qquad
# \hat{y} = \sigma(z), \qquad \sigma(z) = \frac{1}{1 + e^{-z}}$$
#
# Its parameters are the weights $w \in \mathbb{R}^d$ and the bias $b \in \mathbb{R}$.
# The given `sigmoid` above computes $\sigma$ without overflowing for large $|z|$: use it.

# %% [markdown] exercise="neuron_forward"
# ### Exercise 1: the forward pass
#
# Write `neuron_forward(X, w, b)`, which returns the predictions $\hat{y}_i = \sigma(w \cdot x_i + b)$
# for every row $x_i$ of `X`, as a vector of shape `(N,)`. One matrix product does all the
# rows at once.

# %% exercise="neuron_forward"
X_check = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
w_check = np.array([0.5, -0.25])
y_hat_check = neuron_forward(X_check, w_check, 0.1)
check_result(y_hat_check, known(neuron_forward, X_check, w_check, 0.1))
print("neuron_forward: visible checks passed")

# %% [markdown] exercise="mse_loss"
# ### Exercise 2: the loss
#
# Write `mse_loss(y_hat, y)`, the mean squared error $L$ above, returned as a Python float.

# %% exercise="mse_loss"
y_hat_check = np.array([0.2, 0.7, 0.9])
y_check = np.array([0.0, 1.0, 1.0])
loss_check = mse_loss(y_hat_check, y_check)
# One number: (0.04 + 0.09 + 0.01) / 3.
check_result(loss_check, known(mse_loss, y_hat_check, y_check))
print("mse_loss: visible checks passed")

# %% [markdown] exercise="dloss_dyhat"
# ## 4. The gradient, one link of the chain at a time
#
# We want $\partial L / \partial w_j$ and $\partial L / \partial b$. The loss depends on
# $w_j$ only through the predictions $\hat{y}_i$, so by the chain rule
#
# $$\frac{\partial L}{\partial w_j} = \sum_{i=1}^{N} \frac{\partial L}{\partial \hat{y}_i}\,
# \frac{\partial \hat{y}_i}{\partial w_j},
# \qquad
# \frac{\partial L}{\partial \hat{y}_i} = \frac{2}{N} (\hat{y}_i - y_i).$$
#
# The factor $2$ comes from differentiating the square, the $\frac{1}{N}$ from the mean.
#
# ### Exercise 3: the first link
#
# Write `dloss_dyhat(y_hat, y)`, the vector of $\partial L / \partial \hat{y}_i$, shape `(N,)`.

# %% exercise="dloss_dyhat"
y_hat_check = np.array([0.2, 0.7, 0.9])
y_check = np.array([0.0, 1.0, 1.0])
dloss_check = dloss_dyhat(y_hat_check, y_check)
check_result(dloss_check, known(dloss_dyhat, y_hat_check, y_check))
print("dloss_dyhat: visible checks passed")

# %% [markdown] exercise="sigmoid_prime"
# The prediction depends on $w_j$ through $z_i$, so the chain rule applies once more:
#
# $$\frac{\partial \hat{y}_i}{\partial w_j} = \sigma'(z_i)\, \frac{\partial z_i}{\partial w_j}
# = \sigma'(z_i)\, x_{ij},
# \qquad \frac{\partial z_i}{\partial b} = 1.$$
#
# The last link is the derivative of the activation itself, which the logistic function
# expresses through its own value:
#
# $$\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr).$$
#
# ### Exercise 4: the derivative of the sigmoid
#
# Write `sigmoid_prime(z)`, element-wise, for an array `z` of any shape.

# %% exercise="sigmoid_prime"
z_check = np.array([-2.0, 0.0, 3.0])
check_result(sigmoid_prime(z_check), known(sigmoid_prime, z_check))
assert rel_error(sigmoid_prime(np.array(0.0)), 0.25) <= REL_TOLERANCE  # the slope is largest at z = 0
z_grid = np.linspace(-4.0, 4.0, 12).reshape(3, 4)
assert np.shape(sigmoid_prime(z_grid)) == (3, 4), "sigmoid_prime keeps the shape of z"
numerical = centred_difference(lambda: float(np.sum(sigmoid(z_grid))), z_grid, FD_STEP)
assert rel_error(sigmoid_prime(z_grid), numerical) <= REL_TOLERANCE, "does not match finite differences"
print("sigmoid_prime: visible checks passed")

# %% [markdown] exercise="neuron_gradients"
# ### Exercise 5: the chain put together
#
# Multiplying the links and summing over the examples gives
#
# $$\frac{\partial L}{\partial w} = \frac{2}{N} \sum_{i=1}^{N} (\hat{y}_i - y_i)\,
# \sigma(z_i)\bigl(1 - \sigma(z_i)\bigr)\, x_i,
# \qquad
# \frac{\partial L}{\partial b} = \frac{2}{N} \sum_{i=1}^{N} (\hat{y}_i - y_i)\,
# \sigma(z_i)\bigl(1 - \sigma(z_i)\bigr).$$
#
# Write `neuron_gradients(X, y, w, b)`, returning `(dw, db)` with `dw` of shape `(d,)`
# and `db` a single number. Build it from your `dloss_dyhat` and `sigmoid_prime`: the
# per-example factor $\frac{2}{N}(\hat{y}_i - y_i)\,\sigma'(z_i)$ is a vector of shape
# `(N,)`, and a matrix product with `X` does the sum over examples for the weights.

# %% exercise="neuron_gradients"
rng_check = np.random.default_rng(1)
X_check = rng_check.normal(size=(5, 3))
y_check = rng_check.uniform(size=5)
w_check = rng_check.normal(size=3)
b_check = 0.3
gradients_check = neuron_gradients(X_check, y_check, w_check, b_check)
check_result(gradients_check, known(neuron_gradients, X_check, y_check, w_check, b_check))

# The same gradients by centred finite differences of the loss: nudge each parameter both ways.
dw_check, db_check = gradients_check
b_box = np.array([b_check])  # the bias in a 1-element array, so that it can be nudged in place


def loss_at_check_point():
    return float(np.mean((sigmoid(X_check @ w_check + b_box[0]) - y_check) ** 2))


dw_numerical = centred_difference(loss_at_check_point, w_check, FD_STEP)
db_numerical = centred_difference(loss_at_check_point, b_box, FD_STEP)[0]
assert rel_error(dw_check, dw_numerical) <= REL_TOLERANCE, "dw does not match finite differences"
assert rel_error(db_check, db_numerical) <= REL_TOLERANCE, "db does not match finite differences"
print("neuron_gradients: visible checks passed")

# %% [markdown] exercise="sgd_update"
# ## 5. Stochastic gradient descent
#
# The gradient points towards the steepest *increase* of the loss, so training moves each
# parameter a small step the other way:
#
# $$\theta \leftarrow \theta - \eta\, \frac{\partial L}{\partial \theta}.$$
#
# The learning rate $\eta$ sets the step size. Too large a step overshoots and training
# diverges; too small a step makes training crawl. *Stochastic* gradient descent takes each
# step on the gradient of a random mini-batch of examples instead of the whole training set.
#
# ### Exercise 6: one step
#
# Write `sgd_update(param, grad, learning_rate)`. It returns the updated value as a new
# array (or float) and leaves `param` as it was: no in-place `-=` on the argument.

# %% exercise="sgd_update"
param_check = np.array([1.0, -2.0, 0.5])
grad_check = np.array([0.5, 0.5, -1.0])
param_before = param_check.copy()
updated_check = sgd_update(param_check, grad_check, 0.1)
check_result(updated_check, known(sgd_update, param_before, grad_check, 0.1))
check_unchanged("sgd_update", param_check, param_before)
# Floats work too, for the bias.
check_result(sgd_update(2.0, 4.0, 0.25), known(sgd_update, 2.0, 4.0, 0.25))
print("sgd_update: visible checks passed")

# %% [markdown] exercise="train_neuron"
# ### Exercise 7: training
#
# Write `train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0)` using
# your `neuron_gradients` and `sgd_update`:
#
# * with `batch_size=None`, every epoch is one step on the whole training set;
# * otherwise make `rng = np.random.default_rng(seed)` once, before the first epoch; in
#   each epoch draw `perm = rng.permutation(N)` and take one step on each slice
#   `perm[i:i + batch_size]` for `i = 0, batch_size, 2 * batch_size, ...` (the last slice
#   may be shorter);
# * after each epoch, append `mse_loss` on the **whole** training set to `losses`.
#
# Return `(w, b, losses)`, where `losses` is a list of `epochs` floats.

# %% exercise="train_neuron"
rng_check = np.random.default_rng(2)
X_check = rng_check.normal(size=(20, 2))
y_check = (X_check[:, 0] - X_check[:, 1] > 0).astype(float)
w_start, b_start = np.zeros(2), 0.0
trained_check = train_neuron(X_check, y_check, w_start, b_start, 1.0, 30)
check_result(trained_check, known(train_neuron, X_check, y_check, w_start, b_start, 1.0, 30))
w_check, b_check, losses_check = trained_check
assert losses_check[-1] < losses_check[0], "full-batch training on this easy data should lower the loss"
minibatch_check = train_neuron(X_check, y_check, w_start, b_start, 0.5, 5, batch_size=6, seed=3)
check_result(minibatch_check, known(train_neuron, X_check, y_check, w_start, b_start, 0.5, 5, batch_size=6, seed=3))
print("train_neuron: visible checks passed")

# %% [markdown] id="lesson_training_run"
# ## 6. Watching it learn
#
# The cell below trains your neuron on two clouds of points and plots the loss after each
# epoch, once with full-batch steps and once with mini-batches of 8. The mini-batch curve
# is noisier, but each of its epochs takes several steps.

# %% id="training_run" locked=true
rng_data = np.random.default_rng(0)
X_train = np.vstack([rng_data.normal(-1.0, 1.0, size=(50, 2)), rng_data.normal(1.0, 1.0, size=(50, 2))])
y_train = np.concatenate([np.zeros(50), np.ones(50)])

for batch_size in (None, 8):
    _, _, losses = train_neuron(X_train, y_train, np.zeros(2), 0.0, 0.5, 60, batch_size=batch_size, seed=0)
    plt.plot(losses, label="full batch" if batch_size is None else f"mini-batches of {batch_size}")
plt.xlabel("epoch")
plt.ylabel("mean squared error")
plt.legend()
plt.show()
