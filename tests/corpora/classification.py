"""Submissions to the classification assignment that each make one mistake, in one function, written
as students would (not copies of the mutants in assignments/classification/mistakes.py).

Each entry: (expected mistake id, graded function, the answer cell's code). In `hidden_layer` the
notebook gives relu, one_hot, softmax, cross_entropy, dloss_dlogits and init_params; in
`softmax_classifier` only numpy (and the answers of the functions before).
"""

CORPUS = [
    # ----- the grader's generic ids -------------------------------------------------------------
    ("not-implemented", "softmax", "def softmax(Z):\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
    ("raised-error", "softmax", """
def softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1)  # (N, K) / (N,): no keepdims
"""),
    ("wrong-shape", "predict_classes", """
def predict_classes(X, params):
    probabilities = forward(X, params)
    return np.argmax(probabilities)  # no axis: one index into the flattened matrix
"""),
    ("not-finite", "relu_prime", """
def relu_prime(z):
    # relu(z) / z is 1 where z > 0 and 0 where z < 0
    return relu(z) / z
"""),
    ("wrong-value", "softmax_jacobian", """
def softmax_jacobian(p):
    # p is one example's probabilities; p.T @ p for the outer product
    return np.diag(p) - p.T @ p
"""),
    ("not-float", "relu_prime", "def relu_prime(z):\n    return (z > 0).astype(int)"),
    ("not-float", "one_hot", """
def one_hot(y, K):
    Y = np.zeros((len(y), K), dtype=int)
    Y[np.arange(len(y)), y] = 1
    return Y
"""),
    ("time-limit", "one_hot", """
def one_hot(y, K):
    Y = np.zeros((len(y), K))
    i = 0
    while i < len(y):
        Y[i, y[i]] = 1.0
        if len(y) <= 5:  # forgets to move on for more than 5 labels (the hidden ones have more)
            i += 1
    return Y
"""),
    # ----- one_hot ------------------------------------------------------------------------------
    ("onehot-transposed", "one_hot", """
def one_hot(y, K):
    Y = np.zeros((K, len(y)))
    for i, label in enumerate(y):
        Y[label, i] = 1
    return Y
"""),
    ("onehot-width-from-labels", "one_hot", """
def one_hot(y, K):
    n_classes = int(y.max()) + 1
    Y = np.zeros((y.size, n_classes))
    Y[np.arange(y.size), y] = 1.0
    return Y
"""),
    # ----- softmax ------------------------------------------------------------------------------
    ("softmax-no-max-shift", "softmax", """
def softmax(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    ("softmax-wrong-axis", "softmax", """
def softmax(Z):
    shifted = Z - Z.max(axis=0)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=0)
"""),
    ("softmax-sum-over-all", "softmax", """
def softmax(Z):
    exps = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    total = np.sum(exps)
    return exps / total
"""),
    # ----- cross_entropy ------------------------------------------------------------------------
    ("ce-sum-not-mean", "cross_entropy", """
def cross_entropy(P, y):
    correct = P[range(len(y)), y]
    return float(-np.sum(np.log(correct)))
"""),
    ("ce-sign-flipped", "cross_entropy", """
def cross_entropy(P, y):
    N = len(y)
    return float(np.log(P[np.arange(N), y]).sum() / N)
"""),
    ("ce-picks-columns", "cross_entropy", """
def cross_entropy(P, y):
    return float(-np.log(P[:, y]).mean())
"""),
    ("ce-clipped-probabilities", "cross_entropy", """
def cross_entropy(P, y):
    eps = 1e-10  # so that log never sees 0
    return float(-np.mean(np.log(P[np.arange(P.shape[0]), y] + eps)))
"""),
    # ----- softmax_jacobian ---------------------------------------------------------------------
    ("jacobian-missing-diagonal", "softmax_jacobian", """
def softmax_jacobian(p):
    K = len(p)
    J = np.zeros((K, K))
    for k in range(K):
        for j in range(K):
            J[k, j] = -p[k] * p[j]
    return J
"""),
    ("jacobian-outer-sign", "softmax_jacobian", """
def softmax_jacobian(p):
    return np.diag(p) + p[:, None] * p[None, :]
"""),
    ("jacobian-diagonal-only", "softmax_jacobian", """
def softmax_jacobian(p):
    return np.diagflat(p - p ** 2)
"""),
    # ----- dloss_dlogits ------------------------------------------------------------------------
    ("dlogits-missing-1-over-n", "dloss_dlogits", """
def dloss_dlogits(P, y):
    Y = np.zeros_like(P)
    Y[np.arange(len(y)), y] = 1
    return P - Y
"""),
    ("dlogits-sign-flipped", "dloss_dlogits", """
def dloss_dlogits(P, y):
    N, K = P.shape
    return (one_hot(y, K) - P) / N
"""),
    ("labels-not-one-hot", "dloss_dlogits", """
def dloss_dlogits(P, y):
    return (P - y.reshape(-1, 1)) / P.shape[0]
"""),
    ("dlogits-labels-left-out", "dloss_dlogits", """
def dloss_dlogits(P, y):
    N = P.shape[0]
    grad = P.copy()
    grad[np.arange(N), y] - 1  # meant -=: the statement computes and drops the result
    return grad / N
"""),
    # ----- relu_prime ---------------------------------------------------------------------------
    ("relu-prime-at-zero", "relu_prime", "def relu_prime(z):\n    return np.where(z >= 0, 1.0, 0.0)"),
    ("relu-prime-is-relu", "relu_prime", "def relu_prime(z):\n    return z * (z > 0)"),
    ("relu-prime-boolean", "relu_prime", "def relu_prime(z):\n    return z > 0"),
    # ----- forward and predict_classes ----------------------------------------------------------
    ("forward-no-hidden-relu", "forward", """
def forward(X, params):
    Z1 = np.dot(X, params["W1"]) + params["b1"]
    Z2 = np.dot(Z1, params["W2"]) + params["b2"]
    return softmax(Z2)
"""),
    ("forward-relu-on-logits", "forward", """
def forward(X, params):
    A = X
    for layer in (1, 2):
        A = relu(A @ params[f"W{layer}"] + params[f"b{layer}"])
    return softmax(A)
"""),
    ("predict-wrong-axis", "predict_classes", """
def predict_classes(X, params):
    return forward(X, params).argmax(axis=0)
"""),
    ("predict-max-not-argmax", "predict_classes", """
def predict_classes(X, params):
    return forward(X, params).max(1)
"""),
    # ----- gradients ----------------------------------------------------------------------------
    ("grad-missing-1-over-n", "gradients", """
def gradients(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    P = softmax(A1 @ W2 + b2)
    dZ2 = P - one_hot(y, W2.shape[1])
    dZ1 = dZ2 @ W2.T * relu_prime(Z1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
"""),
    ("grad-bias-not-summed", "gradients", """
def gradients(X, y, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    P = softmax(A1 @ params["W2"] + params["b2"])
    d2 = dloss_dlogits(P, y)
    d1 = d2 @ params["W2"].T * relu_prime(Z1)
    return {"W1": X.T @ d1, "b1": d1, "W2": A1.T @ d2, "b2": d2}
"""),
    ("grad-hidden-missing-relu-prime", "gradients", """
def gradients(X, y, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    P = softmax(A1 @ params["W2"] + params["b2"])
    delta2 = dloss_dlogits(P, y)
    delta1 = delta2 @ params["W2"].T
    grads = {}
    grads["W2"] = A1.T @ delta2
    grads["b2"] = delta2.sum(axis=0)
    grads["W1"] = X.T @ delta1
    grads["b1"] = delta1.sum(axis=0)
    return grads
"""),
    ("grad-weights-transposed", "gradients", """
def gradients(X, y, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    delta2 = dloss_dlogits(softmax(A1 @ params["W2"] + params["b2"]), y)
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {
        "W1": delta1.T @ X,
        "b1": delta1.sum(axis=0),
        "W2": delta2.T @ A1,
        "b2": delta2.sum(axis=0),
    }
"""),
    ("grad-output-uses-preactivation", "gradients", """
def gradients(X, y, params):
    Z1 = X @ params["W1"] + params["b1"]
    P = softmax(relu(Z1) @ params["W2"] + params["b2"])
    delta2 = dloss_dlogits(P, y)
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {
        "W1": X.T @ delta1,
        "b1": np.sum(delta1, axis=0),
        "W2": Z1.T @ delta2,
        "b2": np.sum(delta2, axis=0),
    }
"""),
    ("grad-sign-flipped", "gradients", """
def gradients(X, y, params):
    N = X.shape[0]
    K = params["W2"].shape[1]
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    P = softmax(A1 @ params["W2"] + params["b2"])
    delta2 = (one_hot(y, K) - P) / N
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {"W1": X.T @ delta1, "b1": delta1.sum(0), "W2": A1.T @ delta2, "b2": delta2.sum(0)}
"""),
    # ----- sgd_step -----------------------------------------------------------------------------
    ("sgd-ascent", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    new_params = {}
    for name, value in params.items():
        new_params[name] = value + learning_rate * grads[name]
    return new_params
"""),
    ("sgd-ignores-learning-rate", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    updated = {}
    for key in params:
        updated[key] = params[key] - grads[key]
    return updated
"""),
    ("sgd-mutates-input", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    for key in params:
        params[key] -= learning_rate * grads[key]
    return params
"""),
    # ----- train --------------------------------------------------------------------------------
    ("train-no-shuffle", "train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    losses = []
    for epoch in range(epochs):
        for start in range(0, len(X), batch_size):
            X_batch, y_batch = X[start:start + batch_size], y[start:start + batch_size]
            params = sgd_step(params, gradients(X_batch, y_batch, params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
"""),
    ("train-rng-every-epoch", "train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    N = X.shape[0]
    losses = []
    for epoch in range(epochs):
        rng = np.random.default_rng(seed)
        perm = rng.permutation(N)
        for i in range(0, N, batch_size):
            idx = perm[i:i + batch_size]
            params = sgd_step(params, gradients(X[idx], y[idx], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
"""),
    ("train-loss-on-last-batch", "train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    N = len(y)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for i in range(0, N, batch_size):
            Xb, yb = X[order[i:i + batch_size]], y[order[i:i + batch_size]]
            params = sgd_step(params, gradients(Xb, yb, params), learning_rate)
        losses.append(cross_entropy(forward(Xb, params), yb))
    return params, losses
"""),
    ("train-loss-before-epoch", "train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    losses = []
    for epoch in range(epochs):
        losses.append(cross_entropy(forward(X, params), y))
        perm = rng.permutation(N)
        for i in range(0, N, batch_size):
            batch = perm[i:i + batch_size]
            params = sgd_step(params, gradients(X[batch], y[batch], params), learning_rate)
    return params, losses
"""),
]

# Correct answers in styles other than the reference's: each must get full points and pass its check.
CORRECT_VARIANTS = [
    ("one_hot", "def one_hot(y, K):\n    return np.eye(K)[y]"),
    ("one_hot", """
def one_hot(y, K):
    Y = np.zeros((len(y), K))
    for i in range(len(y)):
        Y[i, y[i]] = 1.0
    return Y
"""),
    ("softmax", """
def softmax(Z):
    # log-sum-exp: log P = Z - m - log(sum(exp(Z - m)))
    m = Z.max(axis=1, keepdims=True)
    log_P = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return np.exp(log_P)
"""),
    ("softmax", """
def softmax(Z):
    P = np.empty_like(Z, dtype=float)
    for i, row in enumerate(Z):
        e = np.exp(row - row.max())
        P[i] = e / e.sum()
    return P
"""),
    ("cross_entropy", """
def cross_entropy(P, y):
    picked = np.take_along_axis(P, y[:, None], axis=1)
    return float(-np.log(picked).mean())
"""),
    ("cross_entropy", """
def cross_entropy(P, y):
    N, K = P.shape
    return float(-np.sum(one_hot(y, K) * np.log(P)) / N)
"""),
    ("softmax_jacobian", """
def softmax_jacobian(p):
    K = p.shape[0]
    return np.einsum("k,kj->kj", p, np.eye(K)) - np.einsum("k,j->kj", p, p)
"""),
    ("softmax_jacobian", """
def softmax_jacobian(p):
    K = len(p)
    J = np.empty((K, K))
    for k in range(K):
        for j in range(K):
            J[k, j] = p[k] * ((1.0 if k == j else 0.0) - p[j])
    return J
"""),
    ("dloss_dlogits", """
def dloss_dlogits(P, y):
    N = len(y)
    grad = P.copy()
    grad[np.arange(N), y] -= 1.0
    return grad / N
"""),
    ("relu_prime", "def relu_prime(z):\n    return np.heaviside(z, 0.0)"),
    ("relu_prime", "def relu_prime(z):\n    return np.where(z > 0, 1.0, 0.0)"),
    ("forward", """
def forward(X, params):
    hidden = np.maximum(0, np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"])
    logits = hidden.dot(params["W2"]) + params["b2"]
    return softmax(logits)
"""),
    ("predict_classes", """
def predict_classes(X, params):
    P = forward(X, params)
    return np.array([int(np.argmax(row)) for row in P])
"""),
    ("gradients", """
def gradients(X, y, params):
    N = X.shape[0]
    W1, b1, W2, b2 = (params[key] for key in ("W1", "b1", "W2", "b2"))
    grads = {key: np.zeros_like(value) for key, value in params.items()}
    for n in range(N):
        x = X[n]
        z1 = x @ W1 + b1
        a1 = np.maximum(z1, 0.0)
        z2 = a1 @ W2 + b2
        p = np.exp(z2 - z2.max())
        p /= p.sum()
        d2 = p.copy()
        d2[y[n]] -= 1.0
        d2 /= N
        d1 = (W2 @ d2) * (z1 > 0)
        grads["W2"] += np.outer(a1, d2)
        grads["b2"] += d2
        grads["W1"] += np.outer(x, d1)
        grads["b1"] += d1
    return grads
"""),
    ("gradients", """
def gradients(X, y, params):
    Z1 = np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"]
    A1 = relu(Z1)
    delta2 = dloss_dlogits(forward(X, params), y)
    delta1 = np.where(Z1 > 0, delta2 @ params["W2"].T, 0.0)
    return {
        "W1": np.einsum("nd,nh->dh", X, delta1),
        "b1": delta1.sum(axis=0),
        "W2": np.einsum("nh,nk->hk", A1, delta2),
        "b2": delta2.sum(axis=0),
    }
"""),
    ("sgd_step", """
def sgd_step(params, grads, learning_rate):
    new = {}
    for key, value in params.items():
        new[key] = value.copy()
        new[key] -= learning_rate * grads[key]
    return new
"""),
    ("sgd_step", """
import copy

def sgd_step(params, grads, learning_rate):
    stepped = copy.deepcopy(params)
    for key in stepped:
        stepped[key] = stepped[key] - learning_rate * grads[key]
    return stepped
"""),
    ("train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    n = len(y)
    losses = []
    epoch = 0
    while epoch < epochs:
        perm = rng.permutation(n)
        start = 0
        while start < n:
            batch = perm[start:start + batch_size]
            grads = gradients(X[batch], y[batch], params)
            params = sgd_step(params, grads, learning_rate)
            start += batch_size
        losses.append(float(cross_entropy(forward(X, params), y)))
        epoch += 1
    return params, losses
"""),
    ("train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(X.shape[0])
        for batch in np.array_split(perm, np.arange(batch_size, X.shape[0], batch_size)):
            params = sgd_step(params, gradients(X[batch], y[batch], params), learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
"""),
]

# More ways to make the same mistakes: each must be named as its id (not a neighbour's).
MORE_MISTAKES = [
    ("onehot-transposed", "one_hot", "def one_hot(y, K):\n    return np.eye(K)[:, y]"),
    ("softmax-no-max-shift", "softmax", """
def softmax(Z):
    P = np.zeros(Z.shape)
    for i in range(Z.shape[0]):
        P[i] = np.exp(Z[i]) / np.sum(np.exp(Z[i]))
    return P
"""),
    ("softmax-wrong-axis", "softmax", """
def softmax(Z):
    exps = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return exps / exps.sum(axis=0, keepdims=True)
"""),
    ("softmax-sum-over-all", "softmax", """
def softmax(Z):
    exps = np.exp(Z - np.max(Z))
    return exps / np.sum(exps)
"""),
    ("ce-clipped-probabilities", "cross_entropy", """
def cross_entropy(P, y):
    P = np.clip(P, 1e-15, 1 - 1e-15)  # the usual guard against log(0)
    return float(-np.mean(np.log(P[np.arange(len(y)), y])))
"""),
    ("ce-clipped-probabilities", "cross_entropy", """
def cross_entropy(P, y):
    # machine epsilon, scikit-learn's default guard
    p = np.maximum(P[np.arange(len(y)), y], np.finfo(float).eps)
    return float(-np.log(p).mean())
"""),
    ("ce-clipped-probabilities", "cross_entropy", """
def cross_entropy(P, y):
    eps = 1e-7  # Keras's epsilon
    P = np.clip(P, eps, 1.0 - eps)
    return -np.sum(np.log(P[np.arange(P.shape[0]), y])) / P.shape[0]
"""),
    ("ce-sign-flipped", "cross_entropy", """
def cross_entropy(P, y):
    total = 0.0
    for i, label in enumerate(y):
        total += np.log(P[i, label])
    return total / len(y)
"""),
    ("jacobian-diagonal-only", "softmax_jacobian", "def softmax_jacobian(p):\n    return p * (1 - p)"),
    ("labels-not-one-hot", "dloss_dlogits", "def dloss_dlogits(P, y):\n    return (P - y[:, np.newaxis]) / len(y)"),
    ("relu-prime-at-zero", "relu_prime", "def relu_prime(z):\n    return np.heaviside(z, 1.0)"),
    ("relu-prime-boolean", "relu_prime", "def relu_prime(z):\n    return np.greater(z, 0)"),
    ("grad-bias-not-summed", "gradients", """
def gradients(X, y, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    delta2 = dloss_dlogits(softmax(A1 @ params["W2"] + params["b2"]), y)
    delta1 = (delta2 @ params["W2"].T) * relu_prime(Z1)
    return {"W1": X.T @ delta1, "b1": delta1.sum(axis=1), "W2": A1.T @ delta2, "b2": delta2.sum(axis=1)}
"""),
    ("sgd-ignores-learning-rate", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    lr = 0.01
    return {key: params[key] - lr * grads[key] for key in params}
"""),
    ("sgd-mutates-input", "sgd_step", """
def sgd_step(params, grads, learning_rate):
    new_params = params.copy()  # a new dict, but the same arrays
    for key in new_params:
        new_params[key] -= learning_rate * grads[key]
    return new_params
"""),
    ("train-rng-every-epoch", "train", """
def train(X, y, params, learning_rate, epochs, batch_size, seed=0):
    losses = []
    for _ in range(epochs):
        perm = np.random.default_rng(seed).permutation(len(X))
        for i in range(0, len(X), batch_size):
            params = sgd_step(params, gradients(X[perm[i:i + batch_size]], y[perm[i:i + batch_size]], params),
                              learning_rate)
        losses.append(cross_entropy(forward(X, params), y))
    return params, losses
"""),
]

# Where the released check cell cannot name a corpus entry's id: what it shows instead, and why.
CHECK_EXCEPTIONS = {
    ("CORPUS", "not-implemented"): (
        "NotImplementedError", "the check stops with the student's own stub's NotImplementedError"),
    ("CORPUS", "raised-error"): (
        "ValueError", "the check stops with the student's own exception (a broadcasting error)"),
    ("CORPUS", "time-limit"): (
        "one_hot: visible checks passed",
        "the loop only hangs on more than 5 labels; the check's examples have 4 and 3"),
    ("MORE_MISTAKES", "grad-bias-not-summed"): (
        "[wrong-shape]", "summed over the wrong axis (shape (N,)): recognised by an axis of length N (a property); "
                         "only the unsummed form is precomputed"),
    ("MORE_MISTAKES", "sgd-ignores-learning-rate"): (
        "[wrong-value]", "a step of 0.01 * grad: the catalog tells it by one factor over cases with different "
                         "learning rates; only the step params - grads is precomputed"),
}
