"""Reference implementation of the classification assignment (float64 throughout).

A network with one hidden ReLU layer and a softmax output over K classes, trained on the mean
cross-entropy. The build copies these functions into the notebook: relu and init_params into
the read-only given cell, each graded function, its solution between the markers, into its
answer cell. So each uses only numpy and the other names of this module.
"""

import numpy as np


def relu(z):
    """max(z, 0), element-wise."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def init_params(layer_sizes, seed=0):
    """Random weights and zero biases for layer_sizes = [d, H, K].

    Returns {"W1": (d, H), "b1": (H,), "W2": (H, K), "b2": (K,)}.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for layer in (1, 2):
        fan_in, fan_out = layer_sizes[layer - 1], layer_sizes[layer]
        params[f"W{layer}"] = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def relu_prime(z):
    """Derivative of relu at z, element-wise: 1.0 where z > 0, else 0.0 (0.0 at z == 0 too)."""
    ### BEGIN SOLUTION
    return (np.asarray(z) > 0).astype(np.float64)
    ### END SOLUTION


def softmax(Z):
    """Row-wise softmax of logits Z (N, K): each row of the result is positive and sums to 1.

    Subtract each row's maximum before exponentiating, so that large logits do not overflow.
    """
    ### BEGIN SOLUTION
    shifted = Z - np.max(Z, axis=1, keepdims=True)
    exp_z = np.exp(shifted)
    return exp_z / np.sum(exp_z, axis=1, keepdims=True)
    ### END SOLUTION


def cross_entropy(P, y):
    """Mean cross-entropy of probabilities P (N, K) against labels y (N,) of ints in 0..K-1, a float."""
    ### BEGIN SOLUTION
    n_examples = P.shape[0]
    return float(-np.mean(np.log(P[np.arange(n_examples), y])))
    ### END SOLUTION


def one_hot(y, n_classes):
    """Labels y (N,) as an (N, n_classes) array of floats: row i is 1.0 in column y[i], else 0.0."""
    ### BEGIN SOLUTION
    Y = np.zeros((y.shape[0], n_classes))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y
    ### END SOLUTION


def softmax_jacobian(p):
    """Jacobian of the softmax at one example: dp_i/dz_j for its probabilities p (K,), a (K, K) array."""
    ### BEGIN SOLUTION
    return np.diag(p) - np.outer(p, p)
    ### END SOLUTION


def dloss_dlogits(P, y):
    """dL/dZ for the mean cross-entropy of softmax(Z) = P (N, K) against labels y (N,): shape (N, K)."""
    ### BEGIN SOLUTION
    return (P - one_hot(y, P.shape[1])) / P.shape[0]
    ### END SOLUTION


def forward(X, params):
    """Class probabilities P (N, K) of the network on inputs X (N, d): softmax(relu(X W1 + b1) W2 + b2)."""
    ### BEGIN SOLUTION
    hidden = relu(X @ params["W1"] + params["b1"])
    return softmax(hidden @ params["W2"] + params["b2"])
    ### END SOLUTION


def gradients(X, y, params):
    """Gradients of the mean cross-entropy with respect to every parameter.

    X: (N, d), y: (N,) labels, params as init_params makes them. Returns a dict with the same keys
    and shapes as params: grads["W1"] = dL/dW1, ...
    """
    ### BEGIN SOLUTION
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    P = softmax(A1 @ params["W2"] + params["b2"])
    delta2 = dloss_dlogits(P, y)
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {"W1": X.T @ delta1, "b1": delta1.sum(axis=0), "W2": A1.T @ delta2, "b2": delta2.sum(axis=0)}
    ### END SOLUTION


def sgd_step(params, grads, learning_rate):
    """One gradient-descent step on every parameter; returns a new dict, params is untouched."""
    ### BEGIN SOLUTION
    return {key: params[key] - learning_rate * grads[key] for key in params}
    ### END SOLUTION


def train(X, y, n_classes, hidden_size, learning_rate, epochs, batch_size, seed=0):
    """Mini-batch gradient descent from init_params([d, hidden_size, n_classes], seed).

    rng = np.random.default_rng(seed) is made once; each epoch draws perm = rng.permutation(N) and
    steps on the examples perm[i:i + batch_size] for i = 0, batch_size, 2 * batch_size, ...
    Returns (params, losses): the trained parameters and a list of `epochs` floats, the mean
    cross-entropy on the whole training set after each epoch.
    """
    ### BEGIN SOLUTION
    params = init_params([X.shape[1], hidden_size, n_classes], seed)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            batch = perm[start:start + batch_size]
            params = sgd_step(params, gradients(X[batch], y[batch], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
    ### END SOLUTION
