# Alice gets everything right, in her own style: the operations through two small helpers, the
# reflected ones as aliases, math for the numbers, an explicit stack for the topological sort,
# and loops written out in the network and its training.


class Value:
    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None

    def __repr__(self):
        return f"Value({self.data}, grad={self.grad})"

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Value) else Value(other)

    def _node(self, data, parents, locals_):
        out = Value(data, parents)

        def _backward():
            for parent, local in zip(parents, locals_):
                parent.grad += local * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = Value._lift(other)
        return self._node(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = Value._lift(other)
        return self._node(self.data * other.data, (self, other), (other.data, self.data))

    __radd__ = __add__
    __rmul__ = __mul__

    def __pow__(self, n):
        return self._node(self.data**n, (self,), (n * self.data ** (n - 1),))

    def __neg__(self):
        return -1 * self

    def __sub__(self, other):
        return self + -other

    def __rsub__(self, other):
        return -self + other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return self**-1 * other

    def exp(self):
        e = math.exp(self.data)
        return self._node(e, (self,), (e,))

    def tanh(self):
        t = math.tanh(self.data)
        return self._node(t, (self,), (1 - t * t,))

    def sigmoid(self):
        if self.data >= 0:
            s = 1 / (1 + math.exp(-self.data))
        else:
            s = math.exp(self.data) / (1 + math.exp(self.data))
        return self._node(s, (self,), (s * (1 - s),))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1.0
        for node in order[::-1]:
            node._backward()


def weighted_sum(ws, xs, b):
    ws, xs = list(ws), list(xs)
    total = b.data
    for w, x in zip(ws, xs):
        total += w.data * x.data
    out = Value(total, ws + xs + [b])

    def _backward():
        for i in range(len(ws)):
            ws[i].grad += xs[i].data * out.grad
            xs[i].grad += ws[i].data * out.grad
        b.grad += out.grad

    out._backward = _backward
    return out


class Neuron:
    def __init__(self, w, b):
        self.w = list(w)
        self.b = b

    def __call__(self, x):
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z.sigmoid()

    def parameters(self):
        return [*self.w, self.b]


class Layer:
    def __init__(self, neurons):
        self.neurons = list(neurons)

    def __call__(self, x):
        outputs = []
        for neuron in self.neurons:
            outputs.append(neuron(x))
        return outputs

    def parameters(self):
        params = []
        for neuron in self.neurons:
            params.extend(neuron.parameters())
        return params


class MLP:
    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, x):
        out = x
        for layer in self.layers:
            out = layer(out)
        if len(out) == 1:
            return out[0]
        return out

    def parameters(self):
        return sum((layer.parameters() for layer in self.layers), [])


def train_step(model, X, y, learning_rate):
    params = model.parameters()
    for p in params:
        p.grad = 0
    loss = mse_loss(model, X, y)
    loss.backward()
    for p in params:
        p.data = p.data - learning_rate * p.grad
    return float(loss.data)


def train(model, X, y, learning_rate, steps):
    return [train_step(model, X, y, learning_rate) for _ in range(steps)]


def engine_gradients(model, loss):
    loss.backward()
    result = {}
    for index, layer in enumerate(model.layers):
        weights = np.array([[w.grad for w in neuron.w] for neuron in layer.neurons])
        result[f"W{index + 1}"] = weights.T
        result[f"b{index + 1}"] = np.array([neuron.b.grad for neuron in layer.neurons])
    return result
