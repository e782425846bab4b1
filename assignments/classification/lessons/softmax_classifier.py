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
# # Classification, part 1: softmax and cross-entropy
#
# So far our networks predicted one number. Many problems ask instead *which of K classes* an
# example belongs to: a digit, a species, a word. In this notebook you build the output layer
# that classifiers use, a **softmax** that turns scores into probabilities, the
# **cross-entropy** loss that judges them, and its gradient, which turns out to be
# beautifully simple. The next notebook puts a hidden layer in front of it and trains the
# whole network.
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
# elsewhere (the graded functions from the reference, the helpers of classification_checks.py, and
# known(), whose calls the build replaces by the values it computes), so that ruff knows every name
# and this lesson runs as it is in a kernel that has backprop_course.
from backprop_course.authoring.author import (
    FD_STEP,
    REL_TOLERANCE,
    centred_difference,
    check_result,
    cross_entropy,
    dloss_dlogits,
    known,
    one_hot,
    rel_error,
    softmax,
    softmax_jacobian,
)

# %% [markdown] id="lesson_setup"
# ## 1. Scores for K classes
#
# As before, the $N$ examples are the rows of a matrix `X` of shape `(N, d)`. Each example now
# belongs to one of $K$ classes, numbered $0, 1, \dots, K - 1$, and the labels are stored as
# **integers**: `y` has shape `(N,)` and `y[i]` is the class of example $i$.
#
# A classifier's last layer gives every example one score per class, its **logits**: a matrix
# `Z` of shape `(N, K)` whose entry $z_{ik}$ says how much the network believes in class $k$ for
# example $i$. Logits can be any real numbers. We want probabilities instead: numbers in
# $(0, 1)$ that add up to 1 over the classes.

# %% [markdown] exercise="one_hot"
# ## 2. Labels as vectors
#
# To compare probabilities with a label, it helps to write the label as a probability
# vector too, one that puts all of its mass on the true class. This is the **one-hot**
# encoding: for $K = 4$, the label $2$ becomes $(0, 0, 1, 0)$. For all examples at once,
#
# $$Y_{ik} = \begin{cases} 1 & \text{if } k = y_i, \\ 0 & \text{otherwise,} \end{cases}
# \qquad Y \in \{0, 1\}^{N \times K}.$$
#
# ### Exercise 1: one-hot labels
#
# Write `one_hot(y, K)`, returning the float matrix $Y$ of shape `(N, K)`. Use `K` for the
# width, even if some classes do not occur in `y`. (Hint: `Y[np.arange(N), y] = 1.0` sets one
# entry in every row.)

# %% exercise="one_hot"
y_check = np.array([2, 0, 1, 2])
Y_check = one_hot(y_check, 3)
check_result(Y_check, known(one_hot, y_check, 3))
# Class 3 never occurs here, but there are still 4 columns.
check_result(one_hot(np.array([0, 1, 1]), 4), known(one_hot, np.array([0, 1, 1]), 4))
print("one_hot: visible checks passed")

# %% [markdown] exercise="softmax"
# ## 3. From logits to probabilities: softmax
#
# The softmax makes every score positive with the exponential, then divides by the row's total
# so that the row sums to 1:
#
# $$p_{ik} = \operatorname{softmax}(z_i)_k = \frac{e^{z_{ik}}}{\sum_{j=1}^{K} e^{z_{ij}}}.$$
#
# Larger logits get larger probabilities, and the order of the classes is kept.
#
# **Why subtract the maximum.** For a logit of $1000$, `np.exp(1000.0)` is larger than any
# float and becomes `inf`; then `inf / inf` is `nan`. The way out is an identity: for any
# constant $c$,
#
# $$\frac{e^{z_{ik} - c}}{\sum_j e^{z_{ij} - c}} = \frac{e^{-c}\, e^{z_{ik}}}{e^{-c} \sum_j e^{z_{ij}}}
# = \frac{e^{z_{ik}}}{\sum_j e^{z_{ij}}},$$
#
# so shifting a row's logits does not change its probabilities. With $c = \max_j z_{ij}$, the
# largest shifted logit is $0$: no exponential exceeds $1$, and at least one term of the sum is
# exactly $1$, so the sum can never be $0$ either.
#
# ### Exercise 2: a stable softmax
#
# Write `softmax(Z)` for logits `Z` of shape `(N, K)`, row by row, subtracting each row's
# maximum first. `np.max(Z, axis=1, keepdims=True)` has shape `(N, 1)`, which broadcasts
# against `(N, K)` the way you need.

# %% exercise="softmax"
Z_check = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 0.5], [2.0, -2.0, 0.0]])
P_check = softmax(Z_check)
check_result(P_check, known(softmax, Z_check))
assert rel_error(P_check.sum(axis=1), np.ones(4)) <= REL_TOLERANCE, "every row should sum to 1"
# Large logits: a softmax without the max shift gives nan here.
Z_large = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0]])
check_result(softmax(Z_large), known(softmax, Z_large))
print("softmax: visible checks passed")

# %% [markdown] exercise="cross_entropy"
# ## 4. How wrong is a probability? Cross-entropy
#
# A good classifier gives the true class a probability close to 1. The **cross-entropy** loss
# charges each example minus the log of the probability it gave its true class, and averages
# over the examples:
#
# $$L = -\frac{1}{N} \sum_{i=1}^{N} \log p_{i, y_i} = -\frac{1}{N} \sum_{i=1}^{N} \sum_{k=1}^{K} Y_{ik} \log p_{ik}.$$
#
# Both forms are the same number: the one-hot $Y_{ik}$ keeps only the true class's term. A
# confident right answer ($p_{i, y_i} \approx 1$) costs almost nothing; a confident wrong one
# ($p_{i, y_i} \approx 0$) costs a lot, and the loss is never negative.
#
# ### Exercise 3: the loss
#
# Write `cross_entropy(P, y)` for probabilities `P` of shape `(N, K)` and integer labels `y`,
# returning a Python float. Pick one entry per row with `P[np.arange(N), y]`. Take the log of
# the probabilities as they are, without clipping or adding a small epsilon: the hidden tests
# include confident mistakes with probabilities far below $10^{-15}$, and their loss must be exact.

# %% exercise="cross_entropy"
P_check = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.05, 0.9, 0.05]])
y_check = np.array([0, 2, 1, 0])
check_result(cross_entropy(P_check, y_check), known(cross_entropy, P_check, y_check))
# A uniform guess over K classes costs log(K) per example.
P_uniform = np.full((5, 4), 0.25)
assert rel_error(cross_entropy(P_uniform, np.array([0, 1, 2, 3, 0])), np.log(4.0)) <= REL_TOLERANCE
# A confident mistake: the true class gets probability 1e-30.
P_confident = np.array([[1.0 - 1e-30, 1e-30], [0.2, 0.8]])
check_result(cross_entropy(P_confident, np.array([1, 0])), known(cross_entropy, P_confident, np.array([1, 0])))
print("cross_entropy: visible checks passed")

# %% [markdown] exercise="softmax_jacobian"
# ## 5. The derivative of softmax: a Jacobian
#
# For one example, softmax maps a vector $z \in \mathbb{R}^K$ to a vector $p \in \mathbb{R}^K$,
# and **every** $p_k$ depends on **every** $z_j$ through the sum in the denominator. So its
# derivative is a $K \times K$ matrix, the **Jacobian** $J_{kj} = \partial p_k / \partial z_j$.
#
# Write $S = \sum_m e^{z_m}$, so $p_k = e^{z_k} / S$ and $\partial S / \partial z_j = e^{z_j}$.
# By the quotient rule:
#
# * for $j = k$: $\dfrac{\partial p_k}{\partial z_k} = \dfrac{e^{z_k} S - e^{z_k} e^{z_k}}{S^2} = p_k - p_k^2$;
# * for $j \ne k$: only the denominator depends on $z_j$, so
#   $\dfrac{\partial p_k}{\partial z_j} = \dfrac{- e^{z_k} e^{z_j}}{S^2} = -p_k p_j$.
#
# Both cases in one formula, with $\delta_{kj}$ equal to 1 when $k = j$ and 0 otherwise:
#
# $$J_{kj} = p_k (\delta_{kj} - p_j), \qquad J = \operatorname{diag}(p) - p\, p^\top.$$
#
# $J$ is symmetric, and each of its columns sums to 0: the probabilities always add up to 1,
# so no change of the logits can change their total.
#
# ### Exercise 4: the Jacobian of one example
#
# Write `softmax_jacobian(p)` for one probability vector `p` of shape `(K,)`, returning the
# `(K, K)` matrix $J$. `np.diag` and `np.outer` do the work.

# %% exercise="softmax_jacobian"
p_check = np.array([0.5, 0.3, 0.2])
J_check = softmax_jacobian(p_check)
check_result(J_check, known(softmax_jacobian, p_check))
# The same Jacobian by centred finite differences of your softmax: row k is the gradient of p_k.
z_check = np.array([0.2, -1.0, 1.5, 0.0])
J_numerical = np.array([
    centred_difference(lambda k=k: float(softmax(z_check[None, :])[0, k]), z_check, FD_STEP) for k in range(4)
])
J_analytic = softmax_jacobian(softmax(z_check[None, :])[0])
assert rel_error(J_analytic, J_numerical) <= 1e-6, "does not match finite differences"
print("softmax_jacobian: visible checks passed")

# %% [markdown] exercise="dloss_dlogits"
# ## 6. The gradient of the loss with respect to the logits
#
# Take one example with label $y$ and loss $\ell = -\log p_y$. Its derivative with respect to
# the probabilities has one nonzero entry, $\partial \ell / \partial p_y = -1 / p_y$. The chain
# rule through the Jacobian gives, for every logit $z_j$,
#
# $$\frac{\partial \ell}{\partial z_j} = \sum_k \frac{\partial \ell}{\partial p_k} J_{kj}
# = -\frac{1}{p_y}\, p_y (\delta_{yj} - p_j) = p_j - \delta_{yj}.$$
#
# Everything cancels except a difference: **the probabilities minus the one-hot label**,
# $p - \operatorname{onehot}(y)$. The gradient pushes the true class's logit up (its entry
# $p_y - 1$ is negative) and every other logit down, each in proportion to the probability it
# wrongly received. This is why softmax and cross-entropy are almost always used together.
#
# Our loss is the mean over $N$ examples, so each example's gradient is divided by $N$:
#
# $$\frac{\partial L}{\partial Z} = \frac{1}{N} (P - Y).$$
#
# ### Exercise 5: the output layer's gradient
#
# Write `dloss_dlogits(P, y)` with `P = softmax(Z)` of shape `(N, K)` and integer labels `y`,
# returning $\frac{1}{N}(P - Y)$ of shape `(N, K)`. Use your `one_hot`: `y` holds class
# indices, and `P - y` would subtract those numbers instead.

# %% exercise="dloss_dlogits"
P_check = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25], [0.05, 0.9, 0.05]])
y_check = np.array([0, 2, 1, 0])
check_result(dloss_dlogits(P_check, y_check), known(dloss_dlogits, P_check, y_check))
# The same gradient by centred finite differences of the loss with respect to the logits.
Z_check = np.array([[0.5, -1.0, 2.0], [1.0, 1.0, -0.5], [0.0, 3.0, 1.0], [-2.0, 0.5, 0.0], [1.5, 0.0, -1.0]])
y_check = np.array([2, 0, 1, 1, 0])
numerical = centred_difference(lambda: cross_entropy(softmax(Z_check), y_check), Z_check, FD_STEP)
assert rel_error(dloss_dlogits(softmax(Z_check), y_check), numerical) <= 1e-6, "does not match finite differences"
print("dloss_dlogits: visible checks passed")

# %% [markdown] id="lesson_linear_demo"
# ## 7. A first classifier
#
# Your functions are already enough to train a classifier without a hidden layer: logits
# $Z = X W + b$, and by the chain rule $\partial L / \partial W = X^\top \frac{\partial L}{\partial Z}$
# and $\partial L / \partial b = \sum_\text{rows} \frac{\partial L}{\partial Z}$. The cell below trains
# one on three clouds of points by gradient descent and plots the loss. A straight-line
# classifier is enough for clouds like these; the next notebook adds a hidden layer for data
# that is not.

# %% id="linear_demo" locked=true
rng_data = np.random.default_rng(0)
centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
X_train = np.vstack([centre + rng_data.normal(size=(40, 2)) for centre in centres])
y_train = np.repeat(np.arange(3), 40)

W, b = np.zeros((2, 3)), np.zeros(3)
losses = []
for _ in range(200):
    P = softmax(X_train @ W + b)
    losses.append(cross_entropy(P, y_train))
    grad_logits = dloss_dlogits(P, y_train)
    W, b = W - 0.5 * X_train.T @ grad_logits, b - 0.5 * grad_logits.sum(axis=0)
accuracy = np.mean(np.argmax(softmax(X_train @ W + b), axis=1) == y_train)

figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(losses)
left.set_xlabel("step")
left.set_ylabel("cross-entropy")
right.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="viridis")
right.set_title(f"training accuracy {accuracy:.0%}")
plt.show()
