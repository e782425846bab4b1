"""Reference of the autograd assignment: a scalar Value that records how it was computed and passes
gradients back through its graph (value_engine), a network of Values (neural_net), its training
and the hand-derived gradients of backprop's mlp_gradients that the engine's must equal (training).

The source of each class and function below is also the code the notebooks show: the graded
methods and functions become the answer cells' solutions (between the markers), the given
classes and helpers are copied into the read-only given cells of the later notebooks. They use
only numpy, which every given cell imports.
"""

import numpy as np

# ----- value_engine -------------------------------------------------------------------------------


class Value:
    """One number of a computation and how it was made: data is the number, grad the derivative
    of the final output with respect to it (backward() fills it in), _prev the Values it was made
    from, and _backward the local step that passes this Value's grad on to them."""

    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def __mul__(self, other):
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def __radd__(self, other):
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __rmul__(self, other):
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __pow__(self, n):
        ### BEGIN SOLUTION
        assert isinstance(n, (int, float)), "the exponent is a number"
        out = Value(self.data**n, (self,))

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def __neg__(self):
        ### BEGIN SOLUTION
        return self * -1
        ### END SOLUTION

    def __sub__(self, other):
        ### BEGIN SOLUTION
        return self + (-other)
        ### END SOLUTION

    def __rsub__(self, other):
        ### BEGIN SOLUTION
        return (-self) + other
        ### END SOLUTION

    def __truediv__(self, other):
        ### BEGIN SOLUTION
        return self * other**-1
        ### END SOLUTION

    def __rtruediv__(self, other):
        ### BEGIN SOLUTION
        return self**-1 * other
        ### END SOLUTION

    def exp(self):
        ### BEGIN SOLUTION
        out = Value(np.exp(self.data), (self,))

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def tanh(self):
        ### BEGIN SOLUTION
        out = Value(np.tanh(self.data), (self,))

        def _backward():
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def sigmoid(self):
        ### BEGIN SOLUTION
        x = self.data
        s = 1.0 / (1.0 + np.exp(-x)) if x >= 0 else np.exp(x) / (1.0 + np.exp(x))
        out = Value(s, (self,))

        def _backward():
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def backward(self):
        ### BEGIN SOLUTION
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        ### END SOLUTION


def weighted_sum(ws, xs, b):
    """One node for ws[0] * xs[0] + ws[1] * xs[1] + ... + b (all Values), with its own local step."""
    ### BEGIN SOLUTION
    ws, xs = list(ws), list(xs)
    out = Value(sum(w.data * x.data for w, x in zip(ws, xs)) + b.data, (*ws, *xs, b))

    def _backward():
        for w, x in zip(ws, xs):
            w.grad += x.data * out.grad
            x.grad += w.data * out.grad
        b.grad += out.grad

    out._backward = _backward
    return out
    ### END SOLUTION


# ----- neural_net ---------------------------------------------------------------------------------


def datas(values):
    """The numbers of a list of Values, as an array."""
    return np.array([value.data for value in values], dtype=np.float64)


def neuron_from(w, b):
    """A Neuron with the weights w (numbers) and the bias b (a number)."""
    return Neuron([Value(weight) for weight in np.asarray(w, dtype=np.float64)], Value(b))


def layer_from(W, b):
    """A Layer whose neuron j has the weights W[:, j] and the bias b[j]: W has shape (inputs, neurons)."""
    return Layer([neuron_from(W[:, j], b[j]) for j in range(W.shape[1])])


def mlp_from(params):
    """An MLP with the weights and biases of params = {"W1": ..., "b1": ..., "W2": ..., ...}."""
    return MLP([layer_from(params[f"W{layer}"], params[f"b{layer}"]) for layer in range(1, len(params) // 2 + 1)])


class Neuron:
    """One neuron: its weights w (Values), its bias b (a Value), and a sigmoid."""

    def __init__(self, w, b):
        self.w = list(w)
        self.b = b

    def __call__(self, x):
        ### BEGIN SOLUTION
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).sigmoid()
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return self.w + [self.b]
        ### END SOLUTION


class Layer:
    """Neurons side by side, each given the same inputs."""

    def __init__(self, neurons):
        self.neurons = list(neurons)

    def __call__(self, x):
        ### BEGIN SOLUTION
        return [neuron(x) for neuron in self.neurons]
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return [p for neuron in self.neurons for p in neuron.parameters()]
        ### END SOLUTION


class MLP:
    """Layers one after the other, each given the outputs of the one before."""

    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, x):
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return [p for layer in self.layers for p in layer.parameters()]
        ### END SOLUTION


# ----- training -------------------------------------------------------------------------------------


def grads(values):
    """The gradients of a list of Values, as an array."""
    return np.array([value.grad for value in values], dtype=np.float64)


def init_params(layer_sizes, seed=0):
    """Random weights and zero biases for layer_sizes = [d, n_1, ..., 1], as in backprop."""
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, len(layer_sizes)):
        fan_in, fan_out = layer_sizes[layer - 1], layer_sizes[layer]
        params[f"W{layer}"] = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def mse_loss(model, X, y):
    """The mean squared error of model's predictions for the rows of X against y, as a Value."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return sum((model(x) - target) ** 2 for x, target in zip(X.tolist(), y.tolist())) / len(y)


def mlp_forward(X, params):
    """backprop's forward pass, in numpy: a sigmoid on every layer, the predictions of shape (N,)."""
    a = X
    for layer in range(1, len(params) // 2 + 1):
        a = 1.0 / (1.0 + np.exp(-(a @ params[f"W{layer}"] + params[f"b{layer}"])))
    return a[:, 0]


def mlp_gradients(X, y, params):
    """backprop's hand-derived gradients of the mean squared error for every parameter (a dict
    with the keys of params): delta_L = (2/N)(y_hat - y) * sigma'(z_L), dW_l = a_(l-1)^T delta_l,
    db_l = the sum of delta_l's rows, delta_(l-1) = (delta_l W_l^T) * sigma'(z_(l-1))."""
    n_layers = len(params) // 2
    activations, slopes = [X], []
    for layer in range(1, n_layers + 1):
        a = 1.0 / (1.0 + np.exp(-(activations[-1] @ params[f"W{layer}"] + params[f"b{layer}"])))
        activations.append(a)
        slopes.append(a * (1.0 - a))
    delta = (2.0 / X.shape[0] * (activations[-1][:, 0] - y))[:, None] * slopes[-1]
    gradients = {}
    for layer in range(n_layers, 0, -1):
        gradients[f"W{layer}"] = activations[layer - 1].T @ delta
        gradients[f"b{layer}"] = delta.sum(axis=0)
        if layer > 1:
            delta = (delta @ params[f"W{layer}"].T) * slopes[layer - 2]
    return gradients


def train_step(model, X, y, learning_rate):
    """One step of gradient descent on mse_loss: every parameter moved against its gradient.
    Returns the loss before the step, a float."""
    ### BEGIN SOLUTION
    for p in model.parameters():
        p.grad = 0.0
    loss = mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data
    ### END SOLUTION


def train(model, X, y, learning_rate, steps):
    """steps steps of train_step; the list of their losses."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(steps):
        losses.append(train_step(model, X, y, learning_rate))
    return losses
    ### END SOLUTION


def engine_gradients(model, loss):
    """The gradients of loss (a Value computed from model's outputs) with respect to model's
    parameters, worked out by the engine, in mlp_gradients' form: {"W1": an array of layer 1's
    weights' gradients, shaped (inputs, neurons), "b1": its biases', ...}."""
    ### BEGIN SOLUTION
    loss.backward()
    gradients = {}
    for number, layer in enumerate(model.layers, start=1):
        gradients[f"W{number}"] = np.array([[neuron.w[i].grad for neuron in layer.neurons]
                                            for i in range(len(layer.neurons[0].w))])
        gradients[f"b{number}"] = np.array([neuron.b.grad for neuron in layer.neurons])
    return gradients
    ### END SOLUTION
