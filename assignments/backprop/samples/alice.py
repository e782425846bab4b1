# Alice solves everything, in her own style: loops, exp forms, copies.


def neuron_forward(X, w, b):
    z = np.dot(X, w) + b
    return sigmoid(z)


def mse_loss(y_hat, y):
    errors = y_hat - y
    return np.sum(errors * errors) / len(y)


def dloss_dyhat(y_hat, y):
    n = len(y)
    return np.array([2 * (y_hat[i] - y[i]) / n for i in range(n)])


def sigmoid_prime(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2


def neuron_gradients(X, y, w, b):
    z = X @ w + b
    y_hat = neuron_forward(X, w, b)
    delta = dloss_dyhat(y_hat, y) * sigmoid_prime(z)
    dw = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        dw += delta[i] * X[i]
    db = np.sum(delta)
    return dw, db


def sgd_update(param, grad, learning_rate):
    new_param = np.copy(param)
    new_param = new_param - learning_rate * grad
    return new_param


def train_neuron(X, y, w, b, learning_rate, epochs, batch_size=None, seed=0):
    N = len(y)
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(epochs):
        if batch_size is None:
            dw, db = neuron_gradients(X, y, w, b)
            w = sgd_update(w, dw, learning_rate)
            b = sgd_update(b, db, learning_rate)
        else:
            perm = rng.permutation(N)
            for start in range(0, N, batch_size):
                idx = perm[start:start + batch_size]
                dw, db = neuron_gradients(X[idx], y[idx], w, b)
                w = sgd_update(w, dw, learning_rate)
                b = sgd_update(b, db, learning_rate)
        losses.append(mse_loss(neuron_forward(X, w, b), y))
    return w, b, losses


def mlp_forward(X, params):
    L = len(params) // 2
    a = X
    for l in range(1, L + 1):
        a = sigmoid(np.dot(a, params["W" + str(l)]) + params["b" + str(l)])
    return a.reshape(-1)


def mlp_gradients(X, y, params):
    L = len(params) // 2
    N = X.shape[0]
    zs = {}
    activations = {0: X}
    for l in range(1, L + 1):
        zs[l] = activations[l - 1] @ params[f"W{l}"] + params[f"b{l}"]
        activations[l] = sigmoid(zs[l])
    y_hat = activations[L].ravel()
    delta = (2 / N) * (y_hat - y).reshape(N, 1) * sigmoid_prime(zs[L])
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = activations[l - 1].T @ delta
        grads[f"b{l}"] = np.sum(delta, axis=0)
        if l > 1:
            delta = np.dot(delta, params[f"W{l}"].T) * sigmoid_prime(zs[l - 1])
    return grads


def sgd_step(params, grads, learning_rate):
    new_params = {}
    for name, value in params.items():
        new_params[name] = value.copy() - learning_rate * grads[name]
    return new_params


def train_mlp(X, y, layer_sizes, learning_rate, epochs, seed=0):
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        params = sgd_step(params, mlp_gradients(X, y, params), learning_rate)
        losses.append(float(mse_loss(mlp_forward(X, params), y)))
    return params, losses


learning_rate_plot = """
for lr in [0.1, 3.0, 300.0]:
    _, losses = train_mlp(X_xor, y_xor, [2, 4, 1], lr, 1500, seed=0)
    plt.plot(losses, label=f"lr = {lr}")
plt.legend()
plt.xlabel("epoch")
plt.ylabel("loss")
plt.show()
"""

learning_rate_discussion = """
At 0.1 the loss hardly moves: the steps are so small that 1500 epochs are not enough.
At 3.0 the loss drops to almost zero. At 300 the loss jumps up and down and gets stuck,
because each step overshoots and the sigmoids saturate.
"""
