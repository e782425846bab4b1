# Bob makes the typical mistakes: his __mul__ assigns the gradients (=) instead of adding to them,
# he forgets __rmul__ (so 2 * a fails), takes tanh's derivative from the input, sorts the graph
# without a visited set, leaves the bias out of a neuron's parameters, and never zeroes the
# gradients between two training steps. Everything else is right.


class Value:
    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __pow__(self, n):
        out = Value(self.data**n, (self,))

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return self**-1 * other

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        out = Value(math.tanh(x), (self,))

        def _backward():
            self.grad += (1 - x**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        out = Value(s, (self,))

        def _backward():
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo = []

        def build(v):
            for child in v._prev:
                build(child)
            topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def weighted_sum(ws, xs, b):
    out = Value(sum(w.data * x.data for w, x in zip(ws, xs)) + b.data, (*ws, *xs, b))

    def _backward():
        for w, x in zip(ws, xs):
            w.grad += x.data * out.grad
            x.grad += w.data * out.grad
        b.grad += out.grad

    out._backward = _backward
    return out


class Neuron:
    def __init__(self, w, b):
        self.w = list(w)
        self.b = b

    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).sigmoid()

    def parameters(self):
        return self.w


class Layer:
    def __init__(self, neurons):
        self.neurons = list(neurons)

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def train_step(model, X, y, learning_rate):
    loss = mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data


def train(model, X, y, learning_rate, steps):
    losses = []
    for _ in range(steps):
        losses.append(train_step(model, X, y, learning_rate))
    return losses


def engine_gradients(model, loss):
    loss.backward()
    grads = {}
    for l, layer in enumerate(model.layers, start=1):
        grads[f"W{l}"] = np.array([[n.w[i].grad for n in layer.neurons] for i in range(len(layer.neurons[0].w))])
        grads[f"b{l}"] = np.array([n.b.grad for n in layer.neurons])
    return grads
