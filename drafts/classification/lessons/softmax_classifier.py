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
# # Backpropagation for classification
#
# The network of the last assignment predicted one number and was scored by a squared error.
# Here it sorts each example into one of $K$ classes: a hidden layer with the ReLU activation,
# then an output layer whose $K$ numbers (the *logits*) a softmax turns into probabilities,
# scored by the cross-entropy. You will work out every chain-rule term this needs, find that
# most of them cancel into one short expression, and train the network with mini-batches.
#
# **How this notebook is graded.** Write each function in its answer cell, replacing
# `raise NotImplementedError()`. The cell after each answer holds checks you can run yourself
# (restart the kernel and run all cells before you submit); when your result on a check's
# example matches a common mistake, the check names it and gives a hint. Hidden tests then call
# your function on inputs you have not seen and compare the results with a reference
# implementation, shapes exactly and values to a relative error of at most `{{ rel_tolerance }}`.
# A function that calls other graded functions is graded with correct versions of those
# substituted, so a mistake costs points only where it is made. Keep the names and signatures.
#
# {{ points_table }}

# %% given=true
import numpy as np

# %% author_only=true
# For the author only: the build leaves this cell out. It binds what the built notebook gets from
# elsewhere (the given helpers and the graded functions from the reference, the helpers of
# classification_checks.py, and known(), whose calls the build replaces by the values it
# computes), so that ruff knows every name and this lesson runs as it is, in this folder.
from backprop_course.authoring.author import (
    FD_STEP,
    REL_TOLERANCE,
    centred_difference,
    check_result,
    check_unchanged,
    cross_entropy,
    dloss_dlogits,
    forward,
    gradients,
    init_params,
    known,
    one_hot,
    rel_error,
    relu_prime,
    sgd_step,
    softmax,
    softmax_jacobian,
    train,
)

# %% [markdown] id="lesson_network"
# ## 1. The network
#
# As before, the $N$ examples are the rows of `X`, shape `(N, d)`. The labels are a vector `y` of
# $N$ integers, $y_i \in \{0, \dots, K-1\}$, the class of example $i$. The network computes
#
# $$Z_1 = X W_1 + b_1, \qquad A_1 = \mathrm{relu}(Z_1), \qquad Z_2 = A_1 W_2 + b_2, \qquad P = \mathrm{softmax}(Z_2)$$
#
# with $W_1$ of shape $(d, H)$, $b_1$ of shape $(H,)$, $W_2$ of shape $(H, K)$ and $b_2$ of shape
# $(K,)$, kept in a dict `params` under `"W1"`, `"b1"`, `"W2"`, `"b2"`; the given `init_params`
# makes one. Row $i$ of $P$ holds example $i$'s probability for each class.

# %% [markdown] exercise="relu_prime"
# ## 2. The ReLU and its derivative
#
# $\mathrm{relu}(z) = \max(z, 0)$ is given. Its derivative is $1$ where $z > 0$ and $0$ where
# $z < 0$. At $z = 0$ it has no derivative; like most libraries we use $0$ there. The hidden
# layer's chain-rule term is this derivative, element-wise.
#
# Write `relu_prime(z)`: an array of the shape of `z`, `1.0` where `z > 0` and `0.0` elsewhere.

# %% exercise="relu_prime"
z_check = np.array([[-1.5, 0.0, 2.0], [0.5, -0.2, 0.0]])
check_result(relu_prime(z_check), known(relu_prime, z_check))
print("relu_prime: visible checks passed")

# %% [markdown] exercise="softmax"
# ## 3. From logits to probabilities: the softmax
#
# For one example with logits $z \in \mathbb{R}^K$, the softmax gives
#
# $$p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$$
#
# Every $p_k$ is positive and they sum to 1. Adding the same number $c$ to every logit changes
# nothing: $e^{z_k + c} = e^c e^{z_k}$, and $e^c$ cancels. That is what makes the softmax safe to
# compute: `np.exp(1000.0)` is infinite in float64, but after subtracting the row's maximum,
# $z_k - \max_j z_j \le 0$, every exponential is at most 1 and the largest is exactly 1.
#
# Write `softmax(Z)` for logits `Z` of shape `(N, K)`, one example per row, with that shift.

# %% exercise="softmax"
Z_check = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, -1.0]])
check_result(softmax(Z_check), known(softmax, Z_check))
P_large = softmax(np.array([[1000.0, 999.0, 0.0]]))
assert np.all(np.isfinite(P_large)), "large logits overflow: subtract each row's maximum first"
print("softmax: visible checks passed")

# %% [markdown] exercise="cross_entropy"
# ## 4. The cross-entropy
#
# The loss of example $i$ is $-\log$ of the probability the network gives its true class; the
# loss of the training set is the mean over the examples:
#
# $$L = -\frac{1}{N} \sum_{i=1}^{N} \log P_{i, y_i}$$
#
# A confident right answer ($P_{i,y_i}$ near 1) costs almost nothing; a confident wrong one costs
# a lot. `P[np.arange(N), y]` picks each row's entry in its label's column.
#
# Write `cross_entropy(P, y)`, returning a float.

# %% exercise="cross_entropy"
P_check = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
y_check = np.array([0, 2])
check_result(cross_entropy(P_check, y_check), known(cross_entropy, P_check, y_check))
print("cross_entropy: visible checks passed")

# %% [markdown] exercise="one_hot"
# ## 5. Labels as one-hot rows
#
# The derivation below is shorter with the labels written as a matrix $Y$ of shape $(N, K)$:
# row $i$ is $1$ in column $y_i$ and $0$ elsewhere. Then $L = -\frac{1}{N} \sum_i \sum_k Y_{ik} \log P_{ik}$.
#
# Write `one_hot(y, n_classes)`, an array of floats of shape `(N, n_classes)`.

# %% exercise="one_hot"
check_result(one_hot(np.array([2, 0, 1]), 4), known(one_hot, np.array([2, 0, 1]), 4))
print("one_hot: visible checks passed")

# %% [markdown] exercise="softmax_jacobian"
# ## 6. The softmax's Jacobian
#
# Each probability depends on every logit of its example, so the softmax's derivative is a
# $K \times K$ matrix, its Jacobian $J_{kj} = \partial p_k / \partial z_j$. Differentiating the
# quotient above:
#
# - for $j = k$: $\partial p_k / \partial z_k = p_k - p_k^2 = p_k (1 - p_k)$;
# - for $j \ne k$: $\partial p_k / \partial z_j = -p_k p_j$.
#
# In one formula, $J = \mathrm{diag}(p) - p p^\top$: the diagonal of probabilities, less the
# outer product of $p$ with itself. (It is symmetric.)
#
# Write `softmax_jacobian(p)` for the probabilities `p` of one example, shape `(K,)`.

# %% exercise="softmax_jacobian"
p_check = softmax(np.array([[0.2, -1.0, 0.7, 0.1]]))[0]
jacobian_check = softmax_jacobian(p_check)
check_result(jacobian_check, known(softmax_jacobian, p_check))


# The same matrix by centred finite differences of the softmax: nudge one logit at a time.
def softmax_entry(k, z):
    return lambda: float(softmax(z[None, :])[0, k])


z_box = np.log(p_check)
numerical = np.array([centred_difference(softmax_entry(k, z_box), z_box, FD_STEP) for k in range(4)])
assert rel_error(jacobian_check, numerical) <= 1e3 * REL_TOLERANCE, "the Jacobian does not match finite differences"
print("softmax_jacobian: visible checks passed")

# %% [markdown] exercise="dloss_dlogits"
# ## 7. The output layer's chain-rule term: $P - Y$
#
# For one example, $\partial L_i / \partial p_k = -Y_{ik} / p_k$. Through the Jacobian,
#
# $$\frac{\partial L_i}{\partial z_j} = \sum_k \frac{\partial L_i}{\partial p_k} J_{kj}
#   = -\sum_k \frac{Y_{ik}}{p_k} (p_k [k = j] - p_k p_j) = -Y_{ij} + p_j \sum_k Y_{ik} = p_j - Y_{ij}$$
#
# since the one-hot row sums to 1. Every $1/p_k$ cancels: the gradient of the cross-entropy with
# respect to the logits is simply *probabilities minus labels*, and the loss being a mean over the
# examples adds a factor $1/N$:
#
# $$\frac{\partial L}{\partial Z_2} = \frac{1}{N} (P - Y)$$
#
# Write `dloss_dlogits(P, y)`, of shape `(N, K)`. (You may use your `one_hot`.)

# %% exercise="dloss_dlogits"
check_result(dloss_dlogits(P_check, y_check), known(dloss_dlogits, P_check, y_check))
print("dloss_dlogits: visible checks passed")

# %% [markdown] exercise="forward"
# ## 8. The forward pass
#
# Write `forward(X, params)`, returning $P$ of shape `(N, K)` as in section 1 (use the given
# `relu` and your `softmax`).

# %% exercise="forward"
params_check = init_params([3, 4, 2], seed=1)
X_check = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1]])
check_result(forward(X_check, params_check), known(forward, X_check, params_check))
print("forward: visible checks passed")

# %% [markdown] exercise="gradients"
# ## 9. Backpropagation through both layers
#
# With $\delta_2 = \partial L / \partial Z_2 = \frac{1}{N}(P - Y)$, the output layer's gradients
# are those of any linear layer:
#
# $$\frac{\partial L}{\partial W_2} = A_1^\top \delta_2, \qquad
# \frac{\partial L}{\partial b_2} = \sum_i (\delta_2)_{i,:}$$
#
# The error flows back through $W_2$ and the ReLU,
#
# $$\delta_1 = (\delta_2 W_2^\top) \odot \mathrm{relu}'(Z_1)$$
#
# and the hidden layer's gradients follow in the same way, $X^\top \delta_1$ and the column sums
# of $\delta_1$. Each gradient has the shape of its parameter.
#
# Write `gradients(X, y, params)`, returning a dict with the keys and shapes of `params`.

# %% exercise="gradients"
y_three = np.array([1, 0, 1])
grads_check = gradients(X_check, y_three, params_check)
check_result(grads_check, known(gradients, X_check, y_three, params_check))


# The same gradients by centred finite differences of the loss, one parameter array at a time.
def loss_at_check_point():
    return cross_entropy(forward(X_check, params_check), y_three)


for key in ("W1", "b1", "W2", "b2"):
    numerical = centred_difference(loss_at_check_point, params_check[key], FD_STEP)
    error = rel_error(grads_check[key], numerical)
    assert error <= 1e3 * REL_TOLERANCE, f"{key} does not match finite differences"
print("gradients: visible checks passed")

# %% [markdown] exercise="sgd_step"
# ## 10. One step of gradient descent
#
# Write `sgd_step(params, grads, learning_rate)`: a *new* dict with
# `params[key] - learning_rate * grads[key]` for every key. Leave `params` itself unchanged.

# %% exercise="sgd_step"
params_before = {key: value.copy() for key, value in params_check.items()}
stepped_check = sgd_step(params_check, grads_check, 0.5)
check_unchanged("sgd_step", params_check, params_before)
check_result(stepped_check, known(sgd_step, params_before, grads_check, 0.5))
print("sgd_step: visible checks passed")

# %% [markdown] exercise="train"
# ## 11. Training with mini-batches
#
# Write `train(X, y, n_classes, hidden_size, learning_rate, epochs, batch_size, seed=0)`. Start
# from `init_params([d, hidden_size, n_classes], seed)` and make `rng = np.random.default_rng(seed)`
# once. Each epoch, draw `perm = rng.permutation(N)` and take one `sgd_step` on each batch
# `perm[i:i + batch_size]`, for `i = 0, batch_size, 2 * batch_size, ...` (the last may be
# smaller). After each epoch, record the cross-entropy on the *whole* training set. Return
# `(params, losses)`.

# %% exercise="train"
X_train = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.2], [0.2, 0.9]])
y_train = np.array([0, 1, 1, 0, 1, 0])
trained_check = train(X_train, y_train, 2, 3, 0.5, 4, 4, seed=3)
check_result(trained_check, known(train, X_train, y_train, 2, 3, 0.5, 4, 4, seed=3))
print("train: visible checks passed")

# %% [markdown] id="lesson_training_run"
# ## 12. A training run
#
# Three clusters of points in the plane, one per class. Run the cell: the loss should fall and
# the accuracy rise.

# %% id="training_run"
rng_demo = np.random.default_rng(0)
centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
y_demo = np.repeat(np.arange(3), 40)
X_demo = centres[y_demo] + rng_demo.normal(scale=0.7, size=(120, 2))
params_demo, losses_demo = train(X_demo, y_demo, 3, 8, 0.5, 30, 16, seed=0)
accuracy = np.mean(np.argmax(forward(X_demo, params_demo), axis=1) == y_demo)
print(f"loss {losses_demo[0]:.3f} after the first epoch, {losses_demo[-1]:.3f} after the last; "
      f"training accuracy {accuracy:.0%}")
