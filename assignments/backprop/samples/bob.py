# Bob makes the typical mistakes: a summed loss, a forgotten factor 2, sigmoid' on z itself,
# no sigmoid on the output layer, and an SGD step that modifies the parameters in place.
# Everything else is right.


def neuron_forward(X, w, b):
    return sigmoid(X @ w + b)


def mse_loss(y_hat, y):
    return np.sum((y_hat - y) ** 2)


def dloss_dyhat(y_hat, y):
    return (y_hat - y) / len(y)


def sigmoid_prime(z):
    return z * (1 - z)


def neuron_gradients(X, y, w, b):
    z = X @ w + b
    delta = dloss_dyhat(sigmoid(z), y) * sigmoid_prime(z)
    return X.T @ delta, delta.sum()


def sgd_update(param, grad, learning_rate):
    return param - learning_rate * grad


def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    size = n if batch_size is None else batch_size
    losses = []
    for _ in range(epochs):
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        for i in range(0, n, size):
            batch = order[i:i + size]
            dw, db = neuron_gradients(X[batch], y[batch], w, b)
            w, b = sgd_update(w, dw, learning_rate), sgd_update(b, db, learning_rate)
        losses.append(mse_loss(neuron_forward(X, w, b), y))
    return w, b, losses


def mlp_forward(X, params):
    a = X
    L = len(params) // 2
    for l in range(1, L):
        a = sigmoid(a @ params[f"W{l}"] + params[f"b{l}"])
    return (a @ params[f"W{L}"] + params[f"b{L}"])[:, 0]


def mlp_gradients(X, y, params):
    L = len(params) // 2
    a, z = [X], [None]
    for l in range(1, L + 1):
        z.append(a[-1] @ params[f"W{l}"] + params[f"b{l}"])
        a.append(sigmoid(z[-1]))
    delta = 2 / len(y) * (a[L][:, 0] - y)[:, None] * sigmoid_prime(z[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = a[l - 1].T @ delta
        grads[f"b{l}"] = delta.sum(axis=0)
        delta = delta @ params[f"W{l}"].T * sigmoid_prime(z[l - 1]) if l > 1 else None
    return grads


def sgd_step(params, grads, learning_rate):
    for key in params:
        params[key] -= learning_rate * grads[key]
    return dict(params)


def train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0):
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        params = sgd_step(params, mlp_gradients(X, y, params), learning_rate)
        losses.append(mse_loss(mlp_forward(X, params), y))
    return params, losses


learning_rate_discussion = """
A big learning rate is faster.
"""
