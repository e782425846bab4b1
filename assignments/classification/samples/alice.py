# Alice gets everything right, in her own style: np.eye for the one-hot rows, a log-sum-exp
# shift, np.einsum for the Jacobian, explicit loops over the batches.


def one_hot(y, K):
    return np.eye(K)[y]


def softmax(Z):
    Z = Z - Z.max(axis=-1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=-1, keepdims=True)


def cross_entropy(P, y):
    picked = np.take_along_axis(P, y[:, None], axis=1)
    return -np.log(picked).sum() / len(y)


def softmax_jacobian(p):
    K = p.shape[0]
    return np.einsum("k,kj->kj", p, np.eye(K)) - np.einsum("k,j->kj", p, p)


def dloss_dlogits(P, y):
    G = P.copy()
    G[np.arange(len(y)), y] -= 1.0
    return G / len(y)


def relu_prime(z):
    return np.where(z > 0, 1.0, 0.0)


def forward(X, params):
    H = np.maximum(0, X @ params["W1"] + params["b1"])
    return softmax(H @ params["W2"] + params["b2"])


def predict_classes(X, params):
    return forward(X, params).argmax(axis=1)


def gradients(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    P = softmax(A1 @ W2 + b2)
    dZ2 = dloss_dlogits(P, y)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * relu_prime(Z1)
    grads = {}
    grads["W2"] = A1.T @ dZ2
    grads["b2"] = dZ2.sum(axis=0)
    grads["W1"] = X.T @ dZ1
    grads["b1"] = dZ1.sum(axis=0)
    return grads


def sgd_step(params, grads, learning_rate):
    new_params = {}
    for name, value in params.items():
        new_params[name] = value - learning_rate * grads[name]
    return new_params


def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    N = len(X)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        start = 0
        while start < N:
            idx = order[start:start + batch_size]
            grads = gradients(X[idx], y[idx], params)
            params = sgd_step(params, grads, learning_rate)
            start += batch_size
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
