"""Submissions to the backprop assignment that each make one catalog mistake, in one function,
written as students would.

Each entry: (expected mistake id, graded function, the answer cell's code). Its check cells are
tested, with the entries they cannot name, in tests/test_visible_hints.py.
"""

CORPUS = [
    ("not-implemented", "mse_loss", "def mse_loss(y_hat, y):\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
    ("raised-error", "neuron_forward", "def neuron_forward(X, w, b):\n    return sigmoid(w @ X + b)"),
    ("wrong-shape", "mlp_forward", """
def mlp_forward(X, params):
    a = X
    for l in range(1, len(params) // 2 + 1):
        a = sigmoid(a @ params[f"W{l}"] + params[f"b{l}"])
    return a
"""),
    ("not-finite", "sigmoid_prime", "def sigmoid_prime(z):\n    return np.log(-np.abs(z) - 1)"),
    ("wrong-value", "neuron_forward", "def neuron_forward(X, w, b):\n    return np.tanh(X @ w + b)"),
    ("time-limit", "sgd_update", """
def sgd_update(param, grad, learning_rate):
    while np.size(param) > 3:  # never returns on larger parameters, as the hidden ones are
        pass
    return param - learning_rate * grad
"""),
    ("loss-sum-not-mean", "mse_loss", "def mse_loss(y_hat, y):\n    return float(((y_hat - y) ** 2).sum())"),
    ("loss-half-factor", "mse_loss", "def mse_loss(y_hat, y):\n    return 0.5 * np.mean((y_hat - y) ** 2)"),
    ("loss-not-squared", "mse_loss", "def mse_loss(y_hat, y):\n    return np.mean(np.abs(y_hat - y))"),
    ("dloss-missing-2", "dloss_dyhat", "def dloss_dyhat(y_hat, y):\n    return (y_hat - y) / len(y)"),
    ("dloss-missing-1-over-n", "dloss_dyhat", "def dloss_dyhat(y_hat, y):\n    return 2 * (y_hat - y)"),
    ("dloss-sign-flipped", "dloss_dyhat", "def dloss_dyhat(y_hat, y):\n    return 2 * (y - y_hat) / y.size"),
    ("sigprime-returns-sigmoid", "sigmoid_prime", "def sigmoid_prime(z):\n    return sigmoid(z)"),
    ("sigprime-on-preactivation", "sigmoid_prime", "def sigmoid_prime(z):\n    return z * (1 - z)"),
    ("sigprime-applied-twice", "sigmoid_prime", """
def sigmoid_prime(z):
    s = sigmoid(sigmoid(z))
    return s * (1 - s)
"""),
    ("grad-missing-sigprime", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    error = dloss_dyhat(neuron_forward(X, w, b), y)
    return X.T @ error, float(np.sum(error))
"""),
    ("grad-missing-input", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
    return np.ones_like(w) * delta.sum(), delta.sum()
"""),
    ("grad-bias-not-summed", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
    return X.T @ delta, delta
"""),
    ("grad-broadcast-n-by-n", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    y_hat = neuron_forward(X, w, b).reshape(-1, 1)
    z = (X @ w + b).reshape(-1, 1)
    delta = 2 / len(y) * (y_hat - y) * sigmoid_prime(z)
    return X.T @ delta, float(delta.sum())
"""),
    ("grad-sign-flipped", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = 2 / len(y) * (y - sigmoid(z)) * sigmoid_prime(z)
    return X.T @ delta, np.sum(delta)
"""),
    ("grad-scale", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = (sigmoid(z) - y) * sigmoid_prime(z) / len(y)
    return X.T @ delta, np.sum(delta)
"""),
    ("sgd-ascent", "sgd_update", "def sgd_update(param, grad, lr):\n    return param + lr * grad"),
    ("sgd-ignores-learning-rate", "sgd_update", "def sgd_update(param, grad, lr):\n    return param - 0.01 * grad"),
    ("sgd-mutates-input", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    for name in params:
        params[name] -= learning_rate * grads[name]
    return params
"""),
    ("train-params-not-updated", "train_neuron", """
def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
    losses = []
    for _ in range(epochs):
        dw, db = neuron_gradients(X, y, w, b)
        sgd_update(w, dw, learning_rate)
        sgd_update(b, db, learning_rate)
        losses.append(mse_loss(neuron_forward(X, w, b), y))
    return w, b, losses
"""),
    ("train-wrong-loss-history", "train_mlp", """
def train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0):
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        losses.append(mse_loss(mlp_forward(X, params), y))
        params = sgd_step(params, mlp_gradients(X, y, params), learning_rate)
    return params, losses
"""),
    ("mlp-forward-no-output-sigmoid", "mlp_forward", """
def mlp_forward(X, params):
    L = len(params) // 2
    a = X
    for l in range(1, L):
        a = sigmoid(a @ params["W" + str(l)] + params["b" + str(l)])
    return (a @ params["W" + str(L)] + params["b" + str(L)]).ravel()
"""),
    ("mlp-grad-transposed", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    a, z = [X], [None]
    for l in range(1, L + 1):
        z.append(a[-1] @ params[f"W{l}"] + params[f"b{l}"])
        a.append(sigmoid(z[-1]))
    delta = (2 / len(y) * (a[L][:, 0] - y))[:, None] * sigmoid_prime(z[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = delta.T @ a[l - 1]
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * sigmoid_prime(z[l - 1])
    return grads
"""),
    ("mlp-grad-missing-hidden-sigprime", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    a, z = [X], [None]
    for l in range(1, L + 1):
        z.append(a[-1] @ params[f"W{l}"] + params[f"b{l}"])
        a.append(sigmoid(z[-1]))
    delta = (2 / len(y) * (a[L][:, 0] - y))[:, None] * sigmoid_prime(z[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = a[l - 1].T @ delta
        grads[f"b{l}"] = delta.sum(axis=0)
        delta = delta @ params[f"W{l}"].T
    return grads
"""),
    ("mlp-grad-scale-per-layer", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    N = X.shape[0]
    a, z = [X], [None]
    for l in range(1, L + 1):
        z.append(a[-1] @ params[f"W{l}"] + params[f"b{l}"])
        a.append(sigmoid(z[-1]))
    delta = (a[L][:, 0] - y)[:, None] * sigmoid_prime(z[L])
    grads = {}
    for l in range(L, 0, -1):
        delta_scaled = 2 / N * delta
        grads[f"W{l}"] = a[l - 1].T @ delta_scaled
        grads[f"b{l}"] = delta_scaled.sum(axis=0)
        if l > 1:
            delta = (delta_scaled @ params[f"W{l}"].T) * sigmoid_prime(z[l - 1])
    return grads
"""),
    ("mlp-grad-bias-not-summed", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    a, z = [X], [None]
    for l in range(1, L + 1):
        z.append(a[-1] @ params[f"W{l}"] + params[f"b{l}"])
        a.append(sigmoid(z[-1]))
    delta = (2 / len(y) * (a[L][:, 0] - y))[:, None] * sigmoid_prime(z[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = a[l - 1].T @ delta
        grads[f"b{l}"] = delta
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * sigmoid_prime(z[l - 1])
    return grads
"""),
    ("mlp-grad-missing-key", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    a, z = [X], [None]
    for l in range(1, L + 1):
        z.append(a[-1] @ params[f"W{l}"] + params[f"b{l}"])
        a.append(sigmoid(z[-1]))
    delta = (2 / len(y) * (a[L][:, 0] - y))[:, None] * sigmoid_prime(z[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = a[l - 1].T @ delta
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * sigmoid_prime(z[l - 1])
    return grads
"""),
]

# Correct answers in styles other than the reference's: each must get full points.
CORRECT_VARIANTS = [
    ("sigmoid_prime", "def sigmoid_prime(z):\n    return np.exp(-z) / (1 + np.exp(-z)) ** 2"),
    ("dloss_dyhat", """
def dloss_dyhat(y_hat, y):
    out = np.empty(len(y))
    for i in range(len(y)):
        out[i] = 2.0 * (y_hat[i] - y[i]) / len(y)
    return out
"""),
    ("neuron_gradients", """
def neuron_gradients(X, y, w, b):
    N, d = X.shape
    dw = np.zeros(d)
    db = 0.0
    for i in range(N):
        z = X[i] @ w + b
        s = 1 / (1 + np.exp(-z))
        term = 2 / N * (s - y[i]) * s * (1 - s)
        dw += term * X[i]
        db += term
    return dw, db
"""),
    ("neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
    return np.einsum("nd,n->d", X, delta), np.array(delta.sum())
"""),
    ("sgd_update", """
def sgd_update(param, grad, learning_rate):
    new = np.copy(param)
    new -= learning_rate * grad
    return new
"""),
    ("sgd_step", """
import copy
def sgd_step(params, grads, learning_rate):
    new = copy.deepcopy(params)
    for key in new:
        new[key] -= learning_rate * grads[key]
    return new
"""),
    ("mlp_forward", """
def mlp_forward(X, params):
    a = X
    for i in range(len(params) // 2):
        a = sigmoid(a.dot(params["W%d" % (i + 1)]) + params["b%d" % (i + 1)])
    return a.flatten()
"""),
    ("train_mlp", """
def train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0):
    params = init_params(layer_sizes, seed=seed)
    history = []
    epoch = 0
    while epoch < epochs:
        params = sgd_step(params, mlp_gradients(X, y, params), learning_rate)
        history.append(mse_loss(mlp_forward(X, params), y))
        epoch += 1
    return params, np.array(history)
"""),
    ("neuron_forward", """
def neuron_forward(X, w, b):
    z = np.array([np.dot(row, w) for row in X]) + b
    return sigmoid(z)
"""),
    ("mse_loss", """
def mse_loss(y_hat, y):
    diff = y_hat - y
    return float(diff @ diff) / len(y)
"""),
    ("train_neuron", """
def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
    n = len(X)
    size = n if batch_size is None else batch_size
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(epochs):
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        start = 0
        while start < n:
            rows = order[start:start + size]
            dw, db = neuron_gradients(X[rows], y[rows], w, b)
            w, b = w - learning_rate * dw, b - learning_rate * db
            start += size
        losses.append(mse_loss(neuron_forward(X, w, b), y))
    return w, b, losses
"""),
    ("mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    A, Z = {0: X}, {}
    for l in range(1, L + 1):
        Z[l] = A[l - 1] @ params["W" + str(l)] + params["b" + str(l)]
        A[l] = sigmoid(Z[l])
    dA = 2 * (A[L] - y.reshape(-1, 1)) / len(y)
    grads = {}
    for l in reversed(range(1, L + 1)):
        dZ = dA * A[l] * (1 - A[l])
        grads["W" + str(l)] = A[l - 1].T @ dZ
        grads["b" + str(l)] = np.sum(dZ, axis=0)
        dA = dZ @ params["W" + str(l)].T
    return grads
"""),
]

# More ways to make the same mistakes: each must be named as its id (not a neighbour's).
MORE_MISTAKES = [
    ("grad-missing-input", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
    return delta, delta.sum()
"""),
    ("grad-broadcast-n-by-n", "neuron_gradients", """
def neuron_gradients(X, y, w, b):
    z = X @ w + b
    y_hat = sigmoid(z)[:, None]
    delta = (2 / len(y)) * (y_hat - y) * sigmoid_prime(z)[:, None]
    return X.T @ delta, np.sum(delta)
"""),
    ("sgd-ignores-learning-rate", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    return {k: v - grads[k] for k, v in params.items()}
"""),
    ("sgd-ascent", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    return {k: params[k] + learning_rate * grads[k] for k in params}
"""),
    ("train-params-not-updated", "train_mlp", """
def train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0):
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        new_params = sgd_step(params, mlp_gradients(X, y, params), learning_rate)
        losses.append(mse_loss(mlp_forward(X, params), y))
    return params, losses
"""),
    ("train-wrong-loss-history", "train_neuron", """
def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
    losses = [mse_loss(neuron_forward(X, w, b), y)]
    for _ in range(epochs):
        dw, db = neuron_gradients(X, y, w, b)
        w, b = sgd_update(w, dw, learning_rate), sgd_update(b, db, learning_rate)
        losses.append(mse_loss(neuron_forward(X, w, b), y))
    return w, b, losses
"""),
    ("mlp-grad-transposed", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    acts, zs = [X], []
    for l in range(1, L + 1):
        zs.append(acts[-1] @ params[f"W{l}"] + params[f"b{l}"])
        acts.append(sigmoid(zs[-1]))
    delta = (2 / len(y) * (acts[-1].ravel() - y)).reshape(-1, 1) * sigmoid_prime(zs[-1])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = (acts[l - 1].T @ delta).T.reshape(params[f"W{l}"].shape)
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:
            delta = delta @ params[f"W{l}"].T * sigmoid_prime(zs[l - 2])
    return grads
"""),
    ("loss-not-squared", "mse_loss", "def mse_loss(y_hat, y):\n    return float(np.mean(y_hat - y))"),
    ("grad-scale", "mlp_gradients", """
def mlp_gradients(X, y, params):
    L = len(params) // 2
    acts, zs = [X], []
    for l in range(1, L + 1):
        zs.append(acts[-1] @ params[f"W{l}"] + params[f"b{l}"])
        acts.append(sigmoid(zs[-1]))
    delta = (acts[-1][:, 0] - y)[:, None] * sigmoid_prime(zs[-1])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = acts[l - 1].T @ delta
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:
            delta = delta @ params[f"W{l}"].T * sigmoid_prime(zs[l - 2])
    return grads
"""),
]
