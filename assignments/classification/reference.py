"""Reference numpy implementation of every function of the classification assignment (float64).

A network with one ReLU hidden layer and a softmax output over K classes, trained with the
mean cross-entropy loss by mini-batch stochastic gradient descent. Labels are integer class
indices y of shape (N,); X is (N, d), one example per row.

The source of each function below is also the code the notebooks show: the given helpers are
copied into read-only cells and the graded functions become the solutions of the answer cells.
So each function uses only numpy and the other names of this module, as the notebooks do.
Convention: the derivative of ReLU at z == 0 is 0.
"""

import numpy as np


def relu(z):
    """Rectified linear unit max(z, 0), element-wise; same shape as z."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def init_params(layer_sizes, seed=0):
    """Random weights and zero biases for a network [d, H, K] (d inputs, H hidden units, K classes).

    Returns {"W1": (d, H), "b1": (H,), "W2": (H, K), "b2": (K,)}; weights are drawn from a
    normal distribution of standard deviation sqrt(2 / fan_in) (He initialisation, for ReLU).
    """
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, len(layer_sizes)):
        fan_in, fan_out = layer_sizes[layer - 1], layer_sizes[layer]
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


# ----- softmax_classifier: the output layer ------------------------------------------------------


def one_hot(y, K):
    """One-hot encoding of integer labels y (N,) in 0..K-1: an (N, K) float array, Y[i, y_i] = 1."""
    ### BEGIN SOLUTION
    Y = np.zeros((y.shape[0], K))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y
    ### END SOLUTION


def softmax(Z):
    """Row-wise softmax of logits Z (N, K): P[i, k] = exp(Z[i, k]) / sum_j exp(Z[i, j]).

    Each row's maximum is subtracted first, so that no exp overflows. Returns P of shape (N, K).
    """
    ### BEGIN SOLUTION
    shifted = Z - np.max(Z, axis=1, keepdims=True)
    exp_z = np.exp(shifted)
    return exp_z / np.sum(exp_z, axis=1, keepdims=True)
    ### END SOLUTION


def cross_entropy(P, y):
    """Mean cross-entropy of probabilities P (N, K) against labels y (N,): mean_i -log P[i, y_i], a float."""
    ### BEGIN SOLUTION
    return float(-np.mean(np.log(P[np.arange(y.shape[0]), y])))
    ### END SOLUTION


def softmax_jacobian(p):
    """Jacobian of the softmax at one example: J[k, j] = dp_k / dz_j = p_k (delta_kj - p_j).

    p: (K,) the probabilities softmax gave for that example. Returns J = diag(p) - p p^T, (K, K).
    """
    ### BEGIN SOLUTION
    return np.diag(p) - np.outer(p, p)
    ### END SOLUTION


def dloss_dlogits(P, y):
    """dL/dZ for L = cross_entropy(softmax(Z), y), given P = softmax(Z) (N, K) and labels y (N,).

    Returns (P - one_hot(y, K)) / N, shape (N, K).
    """
    ### BEGIN SOLUTION
    return (P - one_hot(y, P.shape[1])) / P.shape[0]
    ### END SOLUTION


# ----- hidden_layer: the whole network -----------------------------------------------------------


def relu_prime(z):
    """Derivative of ReLU, element-wise, as floats: 1.0 where z > 0, 0.0 where z <= 0 (0 at z == 0)."""
    ### BEGIN SOLUTION
    return (z > 0).astype(np.float64)
    ### END SOLUTION


def forward(X, params):
    """Class probabilities of the network: softmax(relu(X W1 + b1) W2 + b2).

    X: (N, d); params: {"W1": (d, H), "b1": (H,), "W2": (H, K), "b2": (K,)}. Returns P, (N, K).
    """
    ### BEGIN SOLUTION
    hidden = relu(X @ params["W1"] + params["b1"])
    return softmax(hidden @ params["W2"] + params["b2"])
    ### END SOLUTION


def predict_classes(X, params):
    """The predicted class of every example: the index of its largest probability, an integer array (N,)."""
    ### BEGIN SOLUTION
    return np.argmax(forward(X, params), axis=1)
    ### END SOLUTION


def gradients(X, y, params):
    """Gradients of the mean cross-entropy of forward(X, params) against labels y (N,).

    Returns a dict with the same keys and shapes as params: grads["W1"] = dL/dW1, and so on.
    """
    ### BEGIN SOLUTION
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    P = softmax(A1 @ params["W2"] + params["b2"])
    delta2 = dloss_dlogits(P, y)
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {
        "W1": X.T @ delta1,
        "b1": np.sum(delta1, axis=0),
        "W2": A1.T @ delta2,
        "b2": np.sum(delta2, axis=0),
    }
    ### END SOLUTION


def sgd_step(params, grads, learning_rate):
    """One gradient-descent step on every parameter; returns a new dict, params is untouched."""
    ### BEGIN SOLUTION
    return {key: params[key] - learning_rate * grads[key] for key in params}
    ### END SOLUTION


def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    """Mini-batch stochastic gradient descent from the parameters params (left unchanged).

    rng = np.random.default_rng(seed) is made once; each epoch draws perm = rng.permutation(N)
    and takes one step on each batch perm[i:i + batch_size], i = 0, batch_size, 2 * batch_size, ...
    Returns (params, losses): the trained parameters and a list of `epochs` floats, the
    cross-entropy on the whole training set after each epoch.
    """
    ### BEGIN SOLUTION
    n_examples = X.shape[0]
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(n_examples)
        for start in range(0, n_examples, batch_size):
            batch = perm[start:start + batch_size]
            params = sgd_step(params, gradients(X[batch], y[batch], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
    ### END SOLUTION
