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
# # Classification, part 2: a hidden layer and backpropagation
#
# A softmax on top of the raw inputs can only separate classes with straight lines. Put one
# hidden layer of ReLU units in between and the network can carve out curved regions, such as
# the rings at the end of this notebook. Here you write its forward pass, its gradients by
# backpropagation, and mini-batch stochastic gradient descent to train it. The softmax,
# cross-entropy and `dloss_dlogits` of part 1 are given below, in the reference version.
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
# classification_checks.py, and known(), whose calls the build replaces by the values it computes), so
# that ruff knows every name and this lesson runs as it is in a kernel that has backprop_course.
from backprop_course.authoring.author import (
    FD_STEP,
    REL_TOLERANCE,
    centred_difference,
    check_result,
    check_unchanged,
    cross_entropy,
    forward,
    gradients,
    init_params,
    known,
    predict_classes,
    rel_error,
    relu,
    relu_prime,
    sgd_step,
    softmax,
    train,
)

# %% [markdown] exercise="relu_prime"
# ## 1. The network
#
# Our network has $d$ inputs, $H$ hidden units and $K$ output classes. With examples as the rows
# of `X`, shape `(N, d)`:
#
# $$Z_1 = X W_1 + b_1, \qquad A_1 = \operatorname{relu}(Z_1), \qquad
# Z_2 = A_1 W_2 + b_2, \qquad P = \operatorname{softmax}(Z_2).$$
#
# $W_1$ has shape $(d, H)$, $b_1$ shape $(H,)$, $W_2$ shape $(H, K)$ and $b_2$ shape $(K,)$. They
# sit in a dict `params` under the keys `"W1"`, `"b1"`, `"W2"`, `"b2"`; the given
# `init_params([d, H, K], seed)` makes one. $Z_1$ and $A_1$ have shape $(N, H)$; $Z_2$ and $P$
# have shape $(N, K)$.
#
# The hidden units use the **rectified linear unit**, $\operatorname{relu}(z) = \max(z, 0)$
# (given). Its derivative is $1$ where $z > 0$ and $0$ where $z < 0$. At $z = 0$ exactly the
# function has a kink and no derivative; any value between 0 and 1 would do, and we choose
# **0**, as most libraries do:
#
# $$\operatorname{relu}'(z) = \begin{cases} 1 & z > 0, \\ 0 & z \le 0. \end{cases}$$
#
# ### Exercise 1: the derivative of ReLU
#
# Write `relu_prime(z)`, element-wise for an array of any shape, returning **floats** (a
# comparison like `z > 0` gives booleans: convert them with `.astype(np.float64)`).

# %% exercise="relu_prime"
z_check = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
check_result(relu_prime(z_check), known(relu_prime, z_check))
z_grid = np.array([[-1.0, 0.0], [2.0, -0.0], [1e-8, 4.0]])
check_result(relu_prime(z_grid), known(relu_prime, z_grid))
print("relu_prime: visible checks passed")

# %% [markdown] exercise="forward"
# ### Exercise 2: the forward pass
#
# Write `forward(X, params)`, returning the probabilities $P$ of shape `(N, K)`. Use the given
# `relu` and `softmax`. The output layer has no ReLU: its logits go straight into the softmax.

# %% exercise="forward"
params_check = {
    "W1": np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0]]),
    "b1": np.array([0.0, 0.1, -0.1]),
    "W2": np.array([[1.0, -0.5], [-2.0, 0.5], [0.5, 1.0]]),
    "b2": np.array([0.2, -0.2]),
}
X_check = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, 0.5]])
P_check = forward(X_check, params_check)
check_result(P_check, known(forward, X_check, params_check))
assert rel_error(P_check.sum(axis=1), np.ones(4)) <= REL_TOLERANCE, "every row should sum to 1"
print("forward: visible checks passed")

# %% [markdown] exercise="predict_classes"
# ### Exercise 3: predictions
#
# The network's prediction for an example is its most probable class. Write
# `predict_classes(X, params)`, returning the class index of every example, an integer array of shape
# `(N,)`: `np.argmax` over the classes (which axis is that?).

# %% exercise="predict_classes"
params_predict = init_params([2, 4, 3], seed=2)
X_predict = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, 0.5], [2.0, -3.0]])
check_result(predict_classes(X_predict, params_predict), known(predict_classes, X_predict, params_predict))
print("predict_classes: visible checks passed")

# %% [markdown] exercise="gradients"
# ## 2. Backpropagation
#
# We need the gradient of the mean cross-entropy $L$ with respect to all four parameters. Write
# $\delta_2 = \partial L / \partial Z_2$ and $\delta_1 = \partial L / \partial Z_1$, arrays of the shapes
# of $Z_2$ and $Z_1$, and $\odot$ for the element-wise product.
#
# **The output layer.** Part 1 did the hard work: $\delta_2 = \frac{1}{N}(P - Y)$, which the given
# `dloss_dlogits(P, y)` computes. Since $Z_2 = A_1 W_2 + b_2$,
#
# $$\frac{\partial L}{\partial W_2} = A_1^\top \delta_2, \qquad
# \frac{\partial L}{\partial b_2} = \sum_{\text{rows}} \delta_2.$$
#
# Check the shapes: $A_1^\top$ is $(H, N)$ and $\delta_2$ is $(N, K)$, so the product is $(H, K)$,
# the shape of $W_2$. The matrix product adds up the contributions of the $N$ examples, and so
# does the sum over the rows for the bias, which every example shares.
#
# **Back through the hidden layer.** $Z_2$ depends on $A_1$ through $W_2$, and $A_1$ on $Z_1$
# through the ReLU, element by element:
#
# $$\frac{\partial L}{\partial A_1} = \delta_2 W_2^\top, \qquad
# \delta_1 = \bigl(\delta_2 W_2^\top\bigr) \odot \operatorname{relu}'(Z_1).$$
#
# A hidden unit that is off for an example ($z \le 0$) passes no gradient back for it. Then, as
# for the output layer,
#
# $$\frac{\partial L}{\partial W_1} = X^\top \delta_1, \qquad
# \frac{\partial L}{\partial b_1} = \sum_{\text{rows}} \delta_1.$$
#
# The factor $\frac{1}{N}$ of the mean is already inside $\delta_2$: do not apply it again.
#
# ### Exercise 4: the gradients
#
# Write `gradients(X, y, params)`, returning a dict with the same keys and shapes as `params`.
# Do the forward pass yourself and keep $Z_1$ and $A_1$: the backward pass needs them. Use
# your `relu_prime` and the given `dloss_dlogits`.

# %% exercise="gradients"
rng_check = np.random.default_rng(4)
X_check = rng_check.normal(size=(6, 3))
y_check = np.array([0, 1, 3, 3, 2, 1])
params_check = init_params([3, 5, 4], seed=5)
params_check["b1"] = rng_check.normal(scale=0.5, size=5)
grads_check = gradients(X_check, y_check, params_check)
check_result(grads_check, known(gradients, X_check, y_check, params_check))


# The same gradients by centred finite differences of the loss: nudge each parameter both ways.
def loss_at_check_point():
    hidden = relu(X_check @ params_check["W1"] + params_check["b1"])
    return cross_entropy(softmax(hidden @ params_check["W2"] + params_check["b2"]), y_check)


for key in params_check:
    numerical = centred_difference(loss_at_check_point, params_check[key], FD_STEP)
    assert rel_error(grads_check[key], numerical) <= 1e-6, f"{key} does not match finite differences"
print("gradients: visible checks passed")

# %% [markdown] exercise="sgd_step"
# ## 3. Training
#
# Gradient descent moves every parameter a small step against its gradient,
# $\theta \leftarrow \theta - \eta\, \partial L / \partial \theta$, with the learning rate $\eta$.
#
# ### Exercise 5: one step
#
# Write `sgd_step(params, grads, learning_rate)`, returning a **new** dict of new arrays. The
# dict passed in and its arrays must stay as they were: no `-=` on them.

# %% exercise="sgd_step"
params_check = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5, -0.5])}
grads_check = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([2.0, 0.0])}
params_before = {key: value.copy() for key, value in params_check.items()}
stepped_check = sgd_step(params_check, grads_check, 0.5)
check_result(stepped_check, known(sgd_step, params_before, grads_check, 0.5))
check_unchanged("sgd_step", params_check, params_before)
print("sgd_step: visible checks passed")

# %% [markdown] exercise="train"
# ### Exercise 6: mini-batch stochastic gradient descent
#
# Write `train(X, y, params, learning_rate, epochs, batch_size, seed=0)`, starting from the
# given `params`:
#
# * make `rng = np.random.default_rng(seed)` **once**, before the first epoch;
# * in each epoch draw `perm = rng.permutation(N)` and take one step (your `gradients`, then
#   your `sgd_step`) on each batch `perm[i:i + batch_size]`, for
#   `i = 0, batch_size, 2 * batch_size, ...` (the last batch may be shorter);
# * after each epoch's steps, append the cross-entropy of `forward(X, params)` on the
#   **whole** training set to `losses`.
#
# Return `(params, losses)`, where `losses` is a list of `epochs` floats. Shuffling every epoch
# matters: batches in the same order each time bias the steps.

# %% exercise="train"
rng_check = np.random.default_rng(6)
X_check = rng_check.normal(size=(20, 2))
y_check = (X_check[:, 0] > 0).astype(int) + (X_check[:, 1] > 0).astype(int)
start_check = init_params([2, 6, 3], seed=1)
trained_check = train(X_check, y_check, start_check, 0.5, 5, 6, seed=3)
check_result(trained_check, known(train, X_check, y_check, start_check, 0.5, 5, 6, seed=3))
params_check, losses_check = trained_check
assert losses_check[-1] < losses_check[0], "training should lower the loss on this easy data"
print("train: visible checks passed")

# %% [markdown] id="lesson_rings"
# ## 4. Watching it learn
#
# The data below has three classes arranged in rings around the origin: no straight line
# separates them. The cell trains a network with 32 hidden units with your `train`, plots the
# loss after every epoch, and colours the plane by the class your network predicts there.

# %% id="rings_demo" locked=true
rng_data = np.random.default_rng(0)
radius = np.concatenate([rng_data.normal(r, 0.15, size=80) for r in (0.5, 1.5, 2.5)])
angle = rng_data.uniform(0.0, 2.0 * np.pi, size=240)
X_rings = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
y_rings = np.repeat(np.arange(3), 80)

trained, losses = train(X_rings, y_rings, init_params([2, 32, 3], seed=0), 0.5, 300, 16, seed=0)
accuracy = np.mean(predict_classes(X_rings, trained) == y_rings)

grid = np.linspace(-3.5, 3.5, 200)
grid_x, grid_y = np.meshgrid(grid, grid)
regions = predict_classes(np.column_stack([grid_x.ravel(), grid_y.ravel()]), trained).reshape(grid_x.shape)

figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(losses)
left.set_xlabel("epoch")
left.set_ylabel("cross-entropy on the training set")
right.contourf(grid_x, grid_y, regions, alpha=0.3, cmap="viridis")
right.scatter(X_rings[:, 0], X_rings[:, 1], c=y_rings, cmap="viridis", s=10)
right.set_title(f"training accuracy {accuracy:.0%}")
plt.show()
