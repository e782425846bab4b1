"""Reference numpy implementation of every function of the contract (float64 throughout).

The source of each function below is also the code the notebooks show: the given helpers are
copied into read-only cells and the graded functions become the solutions of the answer cells.
So each function uses only numpy and the other names of this module, as the notebooks do.
"""

import numpy as np


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), computed without overflow for any float z."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def init_params(layer_sizes, seed=0):
    """Random weights and zero biases for a network with the given layer sizes.

    layer_sizes = [d, n_1, ..., n_L] with n_L = 1. Returns {"W1": (d, n_1), "b1": (n_1,), ...}.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, len(layer_sizes)):
        fan_in, fan_out = layer_sizes[layer - 1], layer_sizes[layer]
        params[f"W{layer}"] = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def neuron_forward(X, w, b):
    """Predictions of one sigmoid neuron.

    X: (N, d) inputs, one example per row; w: (d,) weights; b: float bias.
    Returns y_hat of shape (N,).
    """
    ### BEGIN SOLUTION
    return sigmoid(X @ w + b)
    ### END SOLUTION


def mse_loss(y_hat, y):
    """Mean squared error of predictions y_hat (N,) against targets y (N,), as a float."""
    ### BEGIN SOLUTION
    return float(np.mean((y_hat - y) ** 2))
    ### END SOLUTION


def dloss_dyhat(y_hat, y):
    """Chain-rule term 1: dL/dy_hat_i for the mean squared error. Shape (N,)."""
    ### BEGIN SOLUTION
    return 2.0 / y.shape[0] * (y_hat - y)
    ### END SOLUTION


def sigmoid_prime(z):
    """Derivative of the sigmoid at z, element-wise; same shape as z."""
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1.0 - s)
    ### END SOLUTION


def neuron_gradients(X, y, w, b):
    """Gradients of the mean squared error of one sigmoid neuron.

    X: (N, d), y: (N,), w: (d,), b: float.
    Returns (dw, db): dw of shape (d,) and db a float.
    """
    ### BEGIN SOLUTION
    z = X @ w + b
    delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
    return X.T @ delta, float(np.sum(delta))
    ### END SOLUTION


def sgd_update(param, grad, learning_rate):
    """One gradient-descent step: a new value param - learning_rate * grad.

    param and grad have the same shape (or are both floats); param is not modified.
    """
    ### BEGIN SOLUTION
    return param - learning_rate * grad
    ### END SOLUTION


def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
    """Train one sigmoid neuron with (mini-batch) stochastic gradient descent.

    batch_size=None: each epoch is one step on the whole training set. Otherwise
    rng = np.random.default_rng(seed) is made once; each epoch draws perm = rng.permutation(N)
    and steps on X[perm[i:i + batch_size]] for i = 0, batch_size, 2 * batch_size, ...
    Returns (w, b, losses): the trained parameters and a list of `epochs` floats, the loss on
    the whole training set after each epoch.
    """
    ### BEGIN SOLUTION
    n_examples = X.shape[0]
    rng = None if batch_size is None else np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        if rng is None:
            batches = [np.arange(n_examples)]
        else:
            perm = rng.permutation(n_examples)
            batches = [perm[i:i + batch_size] for i in range(0, n_examples, batch_size)]
        for batch in batches:
            dw, db = neuron_gradients(X[batch], y[batch], w, b)
            w = sgd_update(w, dw, learning_rate)
            b = sgd_update(b, db, learning_rate)
        losses.append(mse_loss(neuron_forward(X, w, b), y))
    return w, b, losses
    ### END SOLUTION


def mlp_forward(X, params):
    """Predictions of a network with a sigmoid on every layer.

    X: (N, d); params: {"W1": (d, n_1), "b1": (n_1,), ..., "WL": (n_{L-1}, 1), "bL": (1,)}.
    Returns y_hat of shape (N,).
    """
    ### BEGIN SOLUTION
    a = X
    for layer in range(1, len(params) // 2 + 1):
        a = sigmoid(a @ params[f"W{layer}"] + params[f"b{layer}"])
    return a[:, 0]
    ### END SOLUTION


def mlp_gradients(X, y, params):
    """Gradients of the mean squared error with respect to every parameter.

    X: (N, d), y: (N,), params as in mlp_forward.
    Returns a dict with the same keys and shapes as params: grads["W1"] = dL/dW1, ...
    """
    ### BEGIN SOLUTION
    n_layers = len(params) // 2
    activations, pre_activations = [X], []
    for layer in range(1, n_layers + 1):
        z = activations[-1] @ params[f"W{layer}"] + params[f"b{layer}"]
        pre_activations.append(z)
        activations.append(sigmoid(z))
    y_hat = activations[-1][:, 0]
    delta = (2.0 / X.shape[0] * (y_hat - y))[:, None] * sigmoid_prime(pre_activations[-1])
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = activations[layer - 1].T @ delta
        grads[f"b{layer}"] = delta.sum(axis=0)
        if layer > 1:
            delta = (delta @ params[f"W{layer}"].T) * sigmoid_prime(pre_activations[layer - 2])
    return grads
    ### END SOLUTION


def sgd_step(params, grads, learning_rate):
    """One gradient-descent step on every parameter; returns a new dict, params is untouched."""
    ### BEGIN SOLUTION
    return {key: params[key] - learning_rate * grads[key] for key in params}
    ### END SOLUTION


def train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0):
    """Full-batch gradient descent from init_params(layer_sizes, seed).

    Returns (params, losses): the trained parameters and a list of `epochs` floats, the loss on
    the whole training set after each step.
    """
    ### BEGIN SOLUTION
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        grads = mlp_gradients(X, y, params)
        params = sgd_step(params, grads, learning_rate)
        losses.append(mse_loss(mlp_forward(X, params), y))
    return params, losses
    ### END SOLUTION
