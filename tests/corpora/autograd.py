"""Submissions to the autograd assignment that each make one mistake, in one method or function,
written as students would (not copies of the classes of assignments/autograd/mistakes.py).

Each entry: (expected mistake id, graded function or method, the answer cell's code). A method's
answer cell is its whole class: each entry is a student's own class (VALUE, NETWORK) with one
method written as a student making the mistake writes it. In `value_engine` the given cell
imports math and numpy; in `neural_net` it gives Value, datas, neuron_from and layer_from; in
`training` also Neuron, Layer, MLP, grads, mlp_from, init_params, mse_loss, mlp_forward and
mlp_gradients.
"""


def _edit(source: str, *changes: tuple[str, str]) -> str:
    """source with each (old, new) made once; old must be there (an entry never passes unchanged)."""
    for old, new in changes:
        assert source.count(old) == 1, f"not exactly once in the corpus's code: {old!r}"
        source = source.replace(old, new)
    return source


# A student's Value in the usual micrograd style: math for the numbers, a label of the operation,
# the children as a set, a recursive topological sort.
VALUE = '''
class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = set(_children)
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __pow__(self, n):
        assert isinstance(n, (int, float))
        out = Value(self.data**n, (self,), f"**{n}")

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
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data
        if x >= 0:
            s = 1 / (1 + math.exp(-x))
        else:
            s = math.exp(x) / (1 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
'''

WEIGHTED_SUM = '''
def weighted_sum(ws, xs, b):
    out = Value(sum(w.data * x.data for w, x in zip(ws, xs)) + b.data, list(ws) + list(xs) + [b])

    def _backward():
        for w, x in zip(ws, xs):
            w.grad += x.data * out.grad
            x.grad += w.data * out.grad
        b.grad += out.grad

    out._backward = _backward
    return out
'''

NETWORK = '''
class Neuron:
    def __init__(self, w, b):
        self.w = list(w)
        self.b = b

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.sigmoid()

    def parameters(self):
        return self.w + [self.b]


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
'''

TRAIN_STEP = '''
def train_step(model, X, y, learning_rate):
    for p in model.parameters():
        p.grad = 0.0
    loss = mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data
'''

TRAIN = '''
def train(model, X, y, learning_rate, steps):
    losses = []
    for step in range(steps):
        loss = train_step(model, X, y, learning_rate)
        losses.append(loss)
    return losses
'''

ENGINE_GRADIENTS = '''
def engine_gradients(model, loss):
    loss.backward()
    grads = {}
    for l, layer in enumerate(model.layers):
        n_in = len(layer.neurons[0].w)
        W = np.zeros((n_in, len(layer.neurons)))
        for j, neuron in enumerate(layer.neurons):
            for i in range(n_in):
                W[i, j] = neuron.w[i].grad
        grads["W" + str(l + 1)] = W
        grads["b" + str(l + 1)] = np.array([neuron.b.grad for neuron in layer.neurons])
    return grads
'''

ADD_STEP = '''        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
'''
MUL_STEP = '''        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
'''
POW_DATA = '        out = Value(self.data**n, (self,), f"**{n}")\n'
POW_STEP = "            self.grad += n * self.data ** (n - 1) * out.grad\n"
TANH_STEP = "            self.grad += (1 - t**2) * out.grad\n"
RADD = "    def __radd__(self, other):\n        return self + other\n\n"
RMUL = "    def __rmul__(self, other):\n        return self * other\n\n"
WRAP = "        other = other if isinstance(other, Value) else Value(other)\n"
TOPO = '''        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
'''

CORPUS = [
    # ----- the grader's generic ids -------------------------------------------------------------
    ("not-implemented", "Value.__add__", _edit(VALUE, (
        '''        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
''', "        # YOUR CODE HERE\n        raise NotImplementedError()\n"))),
    ("raised-error", "Value.exp", _edit(VALUE, (
        'out = Value(math.exp(self.data), (self,), "exp")', 'out = Value(math.exp(self), (self,), "exp")'))),
    ("wrong-shape", "engine_gradients", _edit(ENGINE_GRADIENTS, (
        'np.array([neuron.b.grad for neuron in layer.neurons])',
        'np.array([[neuron.b.grad] for neuron in layer.neurons])'))),
    # tanh from exp(2x) in numpy: inf / inf is nan for large x, where math.tanh gives 1.
    ("not-finite", "Value.tanh", _edit(VALUE, (
        "        t = math.tanh(self.data)\n",
        "        e = np.exp(2 * self.data)\n        t = (e - 1) / (e + 1)\n"))),
    # n * x**n - 1: the parentheses around n - 1 forgotten.
    ("wrong-value", "Value.__pow__", _edit(VALUE, (
        POW_STEP, "            self.grad += n * self.data ** n - 1 * out.grad\n"))),
    # A power by repeated multiplication: for n = -1 or 0.5, as the hidden cases have, k never reaches n.
    ("time-limit", "Value.__pow__", _edit(VALUE, (POW_DATA, '''        data, k = 1.0, 0
        while k != n:
            data *= self.data
            k += 1
        out = Value(data, (self,), f"**{n}")
'''))),
    # ----- the operations ------------------------------------------------------------------------
    ("grad-assigned", "Value.__mul__", _edit(VALUE, (MUL_STEP, '''        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
'''))),
    ("local-forgets-out-grad", "Value.tanh", _edit(VALUE, (TANH_STEP, "            self.grad += 1 - t**2\n"))),
    ("mul-local-not-swapped", "Value.__mul__", _edit(VALUE, (MUL_STEP, '''        def _backward():
            self.grad += self.data * out.grad
            other.grad += other.data * out.grad
'''))),
    ("number-not-wrapped", "Value.__rmul__", VALUE.replace(WRAP, "")),
    ("radd-missing", "Value.__radd__", _edit(VALUE, (RADD, ""))),
    ("rmul-missing", "Value.__rmul__", _edit(VALUE, (RMUL, ""))),
    ("reflected-op-recurses", "Value.__radd__", _edit(VALUE, (
        "    def __radd__(self, other):\n        return self + other\n",
        "    def __radd__(self, other):\n        return other + self\n"))),
    ("pow-local-n-x-to-n", "Value.__pow__", _edit(VALUE, (
        POW_STEP, "            self.grad += n * self.data**n * out.grad\n"))),
    ("pow-local-without-n", "Value.__pow__", _edit(VALUE, (
        POW_STEP, "            self.grad += self.data ** (n - 1) * out.grad\n"))),
    ("rsub-reversed", "Value.__sub__", _edit(VALUE, ("        return (-self) + other\n",
                                                    "        return self - other\n"))),
    ("div-reversed", "Value.__truediv__", _edit(VALUE, ("        return self * other**-1\n",
                                                       "        return other * self**-1\n"))),
    ("rtruediv-reversed", "Value.__truediv__", _edit(VALUE, ("        return self**-1 * other\n",
                                                            "        return self * other**-1\n"))),
    ("exp-local-is-input", "Value.exp", _edit(VALUE, ("            self.grad += out.data * out.grad\n",
                                                     "            self.grad += self.data * out.grad\n"))),
    ("tanh-derivative-from-input", "Value.tanh", _edit(VALUE, (
        TANH_STEP, "            self.grad += (1 - self.data**2) * out.grad\n"))),
    ("sigmoid-derivative-from-input", "Value.sigmoid", _edit(VALUE, (
        "            self.grad += s * (1 - s) * out.grad\n", "            self.grad += x * (1 - x) * out.grad\n"))),
    ("exp-overflow", "Value.sigmoid", _edit(VALUE, ('''        if x >= 0:
            s = 1 / (1 + math.exp(-x))
        else:
            s = math.exp(x) / (1 + math.exp(x))
''', "        s = 1 / (1 + math.exp(-x))\n"))),
    # ----- backward() and weighted_sum ------------------------------------------------------------
    ("no-visited-set", "Value.backward", _edit(VALUE, (TOPO, '''        def build_topo(v):
            for child in v._prev:
                build_topo(child)
            topo.append(v)
'''))),
    ("topo-not-reversed", "Value.backward", _edit(VALUE, ("        for node in reversed(topo):\n",
                                                         "        for node in topo:\n"))),
    ("backward-not-seeded", "Value.backward", _edit(VALUE, ("        self.grad = 1.0\n        for node",
                                                           "        for node"))),
    ("closure-late-binding", "weighted_sum", VALUE + _edit(WEIGHTED_SUM, ('''    def _backward():
        for w, x in zip(ws, xs):
            w.grad += x.data * out.grad
            x.grad += w.data * out.grad
        b.grad += out.grad
''', '''    steps = []
    for w, x in zip(ws, xs):
        def step():
            w.grad += x.data * out.grad
            x.grad += w.data * out.grad
        steps.append(step)

    def _backward():
        for step in steps:
            step()
        b.grad += out.grad
'''))),
    ("weighted-sum-not-one-node", "weighted_sum", VALUE + '''

def weighted_sum(ws, xs, b):
    out = b
    for w, x in zip(ws, xs):
        out = out + w * x
    return out
'''),
    # ----- Neuron, Layer, MLP ----------------------------------------------------------------------
    ("neuron-no-activation", "Neuron.__call__", _edit(NETWORK, ("        return act.sigmoid()\n",
                                                                "        return act\n"))),
    ("neuron-no-bias", "Neuron.__call__", _edit(NETWORK, (
        "        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n",
        "        act = sum(wi * xi for wi, xi in zip(self.w, x))\n"))),
    ("neuron-tanh-not-sigmoid", "Neuron.__call__", _edit(NETWORK, ("        return act.sigmoid()\n",
                                                                   "        return act.tanh()\n"))),
    ("neuron-uses-data", "Neuron.__call__", _edit(NETWORK, (
        "        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n",
        "        act = Value(sum(wi.data * xi for wi, xi in zip(self.w, x)) + self.b.data)\n"))),
    ("parameters-without-bias", "Neuron.parameters", _edit(NETWORK, ("        return self.w + [self.b]\n",
                                                                     "        return self.w\n"))),
    ("parameters-nested", "Layer.parameters", _edit(NETWORK, (
        "        return [p for n in self.neurons for p in n.parameters()]\n",
        "        return [n.parameters() for n in self.neurons]\n"))),
    ("mlp-not-chained", "MLP.__call__", _edit(NETWORK, ('''        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x
''', '''        for layer in self.layers:
            out = layer(x)
        return out[0] if len(out) == 1 else out
'''))),
    # ----- training -----------------------------------------------------------------------------------
    ("grads-not-zeroed", "train_step", _edit(TRAIN_STEP, ("    for p in model.parameters():\n        p.grad = 0.0\n",
                                                          ""))),
    ("update-sign", "train_step", _edit(TRAIN_STEP, ("p.data -= learning_rate * p.grad",
                                                     "p.data += learning_rate * p.grad"))),
    ("zeroed-before-update", "train_step", '''
def train_step(model, X, y, learning_rate):
    loss = mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.grad = 0.0
        p.data -= learning_rate * p.grad
    return loss.data
'''),
    ("train-returns-inside-loop", "train", _edit(TRAIN, ("        losses.append(loss)\n    return losses\n",
                                                         "        losses.append(loss)\n        return losses\n"))),
    ("engine-grads-transposed", "engine_gradients", _edit(ENGINE_GRADIENTS, ("W[i, j] = neuron.w[i].grad",
                                                                             "W[j, i] = neuron.w[i].grad"),
                                                          ("W = np.zeros((n_in, len(layer.neurons)))",
                                                           "W = np.zeros((len(layer.neurons), n_in))"))),
    ("engine-no-backward", "engine_gradients", _edit(ENGINE_GRADIENTS, ("    loss.backward()\n", ""))),
]

# A Value in another style: every operation through two helpers, the reflected operations as
# aliases, numpy for the numbers, and a topological sort with an explicit stack.
HELPERS = '''
def _lift(value):
    return value if isinstance(value, Value) else Value(value)


def _node(data, parents, local_gradients):
    out = Value(data, parents)

    def _backward():
        for parent, local in zip(parents, local_gradients):
            parent.grad = parent.grad + local * out.grad

    out._backward = _backward
    return out


class Value:
    def __init__(self, data, _children=()):
        self.data, self.grad, self._prev, self._backward = float(data), 0.0, list(_children), lambda: None

    def __add__(self, other):
        other = _lift(other)
        return _node(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = _lift(other)
        return _node(self.data * other.data, (self, other), (other.data, self.data))

    __radd__ = __add__
    __rmul__ = __mul__

    def __pow__(self, n):
        return _node(self.data**n, (self,), (n * self.data ** (n - 1),))

    def __neg__(self):
        return -1 * self

    def __sub__(self, other):
        return self + -1 * _lift(other)

    def __rsub__(self, other):
        return _lift(other) - self

    def __truediv__(self, other):
        return self * _lift(other) ** -1

    def __rtruediv__(self, other):
        return _lift(other) / self

    def exp(self):
        e = float(np.exp(self.data))
        return _node(e, (self,), (e,))

    def tanh(self):
        t = float(np.tanh(self.data))
        return _node(t, (self,), (1.0 - t * t,))

    def sigmoid(self):
        z = float(np.exp(-abs(self.data)))
        s = 1.0 / (1.0 + z) if self.data >= 0 else z / (1.0 + z)
        return _node(s, (self,), (s * (1.0 - s),))

    def backward(self):
        order, done, stack = [], set(), [(self, iter(self._prev))]
        done.add(self)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(node)
            elif child not in done:
                done.add(child)
                stack.append((child, iter(child._prev)))
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
'''

# A backward() that recurses over the reversed order it built with a seen list, not a set.
RECURSIVE = _edit(VALUE, (TOPO + "\n        build_topo(self)\n", '''        seen = []

        def visit(v):
            if any(v is s for s in seen):
                return
            seen.append(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

        visit(self)
'''))

OTHER_NETWORK = '''
class Neuron:
    def __init__(self, w, b):
        self.w = list(w)
        self.b = b

    def __call__(self, x):
        return weighted(self.w, x, self.b).sigmoid()

    def parameters(self):
        return [*self.w, self.b]


def weighted(ws, xs, b):
    total = b
    for w, x in zip(ws, xs):
        total = w * x + total
    return total


class Layer:
    def __init__(self, neurons):
        self.neurons = list(neurons)

    def __call__(self, x):
        return list(map(lambda neuron: neuron(x), self.neurons))

    def parameters(self):
        params = []
        for neuron in self.neurons:
            params += neuron.w + [neuron.b]
        return params


class MLP:
    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, x):
        values = list(x)
        for layer in self.layers:
            values = layer(values)
        return values[0] if len(values) == 1 else values

    def parameters(self):
        return sum((layer.parameters() for layer in self.layers), [])
'''

# Correct answers in styles other than the reference's: each must get full points and pass its check.
CORRECT_VARIANTS = [
    *((name, HELPERS) for name in ("Value.__add__", "Value.__mul__", "Value.__radd__", "Value.__rmul__",
                                   "Value.__pow__", "Value.__sub__", "Value.__truediv__", "Value.exp", "Value.tanh",
                                   "Value.sigmoid", "Value.backward")),
    ("Value.backward", VALUE),
    ("Value.backward", RECURSIVE),
    ("Value.__radd__", _edit(VALUE, ("    def __radd__(self, other):\n        return self + other\n",
                                     "    def __radd__(self, other):\n        return Value(other) + self\n"))),
    ("weighted_sum", VALUE + WEIGHTED_SUM),
    ("weighted_sum", HELPERS + '''

def weighted_sum(ws, xs, b):
    ws, xs = list(ws), list(xs)
    out = Value(b.data + sum(w.data * x.data for w, x in zip(ws, xs)), ws + xs + [b])
    steps = []
    for w, x in zip(ws, xs):
        def step(w=w, x=x):
            w.grad += x.data * out.grad
            x.grad += w.data * out.grad
        steps.append(step)

    def _backward():
        for step in steps:
            step()
        b.grad += out.grad

    out._backward = _backward
    return out
'''),
    *((name, OTHER_NETWORK) for name in ("Neuron.__call__", "Neuron.parameters", "Layer.__call__",
                                         "Layer.parameters", "MLP.__call__", "MLP.parameters")),
    ("train_step", '''
def train_step(model, X, y, learning_rate):
    params = model.parameters()
    for p in params:
        p.grad = 0
    loss = mse_loss(model, X, y)
    loss.backward()
    for p in params:
        p.data = p.data - learning_rate * p.grad
    return float(loss.data)
'''),
    ("train", TRAIN),
    ("train", '''
def train(model, X, y, learning_rate, steps):
    return [train_step(model, X, y, learning_rate) for _ in range(steps)]
'''),
    ("engine_gradients", ENGINE_GRADIENTS),
    ("engine_gradients", '''
def engine_gradients(model, loss):
    found = {}
    loss.backward()
    for number, layer in enumerate(model.layers, start=1):
        found[f"W{number}"] = np.array([[w.grad for w in neuron.w] for neuron in layer.neurons]).T
        found[f"b{number}"] = grads([neuron.b for neuron in layer.neurons])
    return found
'''),
]

# More ways to make the same mistakes: each must be named as its id (not a neighbour's).
MORE_MISTAKES = [
    ("grad-assigned", "Value.__add__", _edit(VALUE, (ADD_STEP, '''        def _backward():
            self.grad = out.grad
            other.grad = out.grad
'''))),
    ("grad-assigned", "weighted_sum", VALUE + _edit(WEIGHTED_SUM, ("            w.grad += x.data * out.grad\n",
                                                          "            w.grad = x.data * out.grad\n"))),
    ("number-not-wrapped", "Value.__sub__", VALUE.replace(WRAP, "")),
    ("radd-missing", "Value.__sub__", _edit(VALUE, (RADD, ""), (
        "        return (-self) + other\n", "        return other + (-self)\n"))),
    ("rmul-missing", "Value.__truediv__", _edit(VALUE, (RMUL, ""), (
        "        return self**-1 * other\n", "        return other * self**-1\n"))),
    ("reflected-op-recurses", "Value.__rmul__", _edit(VALUE, (
        "    def __rmul__(self, other):\n        return self * other\n",
        "    def __rmul__(self, other):\n        return other * self\n"))),
    ("exp-overflow", "Value.tanh", _edit(VALUE, (
        "        t = math.tanh(self.data)\n",
        "        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)\n"))),
    ("local-forgets-out-grad", "Value.__mul__", _edit(VALUE, (MUL_STEP, '''        def _backward():
            self.grad += other.data
            other.grad += self.data
'''))),
    ("parameters-nested", "MLP.parameters", _edit(NETWORK, (
        "        return [p for layer in self.layers for p in layer.parameters()]\n",
        "        return [layer.parameters() for layer in self.layers]\n"))),
    ("no-visited-set", "Value.backward", _edit(VALUE, (
        "            if v not in visited:\n                visited.add(v)\n", "            if True:\n"))),
    # The loop variable rebound to 0: the Values keep their gradients.
    ("grads-not-zeroed", "train_step", _edit(TRAIN_STEP, ("    for p in model.parameters():\n        p.grad = 0.0\n",
                                                          "    for grad in [p.grad for p in model.parameters()]:\n"
                                                          "        grad = 0.0\n"))),
    ("update-sign", "train_step", _edit(TRAIN_STEP, ("p.data -= learning_rate * p.grad",
                                                     "p.data = p.data + learning_rate * p.grad"))),
]

# Where the released check cell cannot name a corpus entry's id: what it shows instead, and why.
CHECK_EXCEPTIONS = {
    ("CORPUS", "not-implemented"): (
        "NotImplementedError", "the check stops with the student's own stub's NotImplementedError"),
    ("CORPUS", "raised-error"): ("TypeError", "the check stops with the student's own exception"),
    ("CORPUS", "time-limit"): (
        "Value.__pow__: visible checks passed", "the loop only hangs for exponents that are not whole and positive; "
                                                "the check's example has 3"),
    # A mistake named by the error it raises: the check stops with that error, which says what is wrong.
    **{(corpus, mistake): (error, "the check stops with the student's own error, which the hint explains")
       for corpus, mistake, error in (
        ("CORPUS", "number-not-wrapped", "object has no attribute 'data'"),
        ("CORPUS", "radd-missing", "TypeError: unsupported operand type(s) for +"),
        ("CORPUS", "rmul-missing", "TypeError: unsupported operand type(s) for *"),
        ("CORPUS", "reflected-op-recurses", "RecursionError"),
        ("CORPUS", "exp-overflow", "OverflowError"),
        ("CORPUS", "parameters-nested", "AttributeError: 'list' object has no attribute 'data'"),
        ("MORE_MISTAKES", "number-not-wrapped", "object has no attribute 'data'"),
        ("MORE_MISTAKES", "radd-missing", "TypeError: unsupported operand type(s) for +"),
        ("MORE_MISTAKES", "rmul-missing", "TypeError: unsupported operand type(s) for *"),
        ("MORE_MISTAKES", "reflected-op-recurses", "RecursionError"),
        ("MORE_MISTAKES", "exp-overflow", "OverflowError"),
        ("MORE_MISTAKES", "parameters-nested", "AttributeError: 'list' object has no attribute 'data'"),
    )},
}
