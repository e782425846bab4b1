"""The mistakes of the autograd assignment, as code: for a method or function graded through a
scenario, the classes and functions a student making the mistake writes, played through its
scenario in the reference's place (played); a mistake that makes the code raise, by its error
(raises); a property of the read table (scaled_by). RECOGNISERS says for each mistake id of
assignment.toml where (which method or function) and how it is recognised."""

from __future__ import annotations

import numpy as np

from backprop_course.course.recognisers import raises, scaled_by
from backprop_course.course.scenario import played

from . import reference

Value = reference.Value

# ----- a local step: assigned, or without the output's gradient ---------------------------------------


def _assigning(make):
    """make (a method or function that returns a node), its node's local step assigning (=) each
    input's gradient instead of adding to it: what the input held before is lost."""

    def made(*args):
        out = make(*args)
        local = out._backward

        def _backward():
            for node in out._prev:
                node.grad = 0.0
            local()

        out._backward = _backward
        return out

    return made


def _without_out_grad(make):
    """make, its node's local step adding the local derivative alone, not times out.grad."""

    def made(*args):
        out = make(*args)
        local = out._backward

        def _backward():
            grad, out.grad = out.grad, 1.0
            local()
            out.grad = grad

        out._backward = _backward
        return out

    return made


def _value_with(name: str, method) -> type:
    """A Value whose method name is method."""
    return type(f"Value_{name.strip('_')}", (Value,), {name: method})


def _assigns(name: str):
    return played({"Value": _value_with(name, _assigning(getattr(Value, name)))})


def _forgets_out_grad(name: str):
    return played({"Value": _value_with(name, _without_out_grad(getattr(Value, name)))})


# ----- the operations ------------------------------------------------------------------------------


class _MulNotSwapped(Value):
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += self.data * out.grad
            other.grad += other.data * out.grad

        out._backward = _backward
        return out


class _PowNXToN(Value):
    def __pow__(self, n):
        out = Value(self.data**n, (self,))

        def _backward():
            self.grad += n * self.data**n * out.grad

        out._backward = _backward
        return out


class _PowWithoutN(Value):
    def __pow__(self, n):
        out = Value(self.data**n, (self,))

        def _backward():
            self.grad += self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out


class _RsubReversed(Value):
    def __rsub__(self, other):
        return self - other


class _DivReversed(Value):
    def __truediv__(self, other):
        return other * self**-1


class _RtruedivReversed(Value):
    def __rtruediv__(self, other):
        return self / other


class _ExpLocalIsInput(Value):
    def exp(self):
        out = Value(np.exp(self.data), (self,))

        def _backward():
            self.grad += self.data * out.grad

        out._backward = _backward
        return out


class _TanhFromInput(Value):
    def tanh(self):
        out = Value(np.tanh(self.data), (self,))

        def _backward():
            self.grad += (1 - self.data**2) * out.grad

        out._backward = _backward
        return out


class _SigmoidFromInput(Value):
    def sigmoid(self):
        out = Value.sigmoid(self)

        def _backward():
            self.grad += self.data * (1 - self.data) * out.grad

        out._backward = _backward
        return out


# ----- backward() ----------------------------------------------------------------------------------


class _NoVisitedSet(Value):
    def backward(self):
        order = []

        def visit(node):
            for child in self._children_of(node):
                visit(child)
            order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    @staticmethod
    def _children_of(node):
        return node._prev


class _NoVisitedSetOtherOrder(_NoVisitedSet):
    """The same, each node's children visited the other way round: without a visited set the
    result depends on the order, which a student's _prev (a set, say) may give either way."""

    @staticmethod
    def _children_of(node):
        return tuple(reversed(node._prev))


class _TopoNotReversed(Value):
    def backward(self):
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in order:
            node._backward()


# ----- weighted_sum --------------------------------------------------------------------------------


def _late_binding(ws, xs, b):
    out = Value(sum(w.data * x.data for w, x in zip(ws, xs)) + b.data, (*ws, *xs, b))
    steps = []
    for w, x in zip(ws, xs):
        def step():
            w.grad += x.data * out.grad  # noqa: B023 - the mistake: w and x as they are after the loop
            x.grad += w.data * out.grad  # noqa: B023

        steps.append(step)

    def _backward():
        for step in steps:
            step()
        b.grad += out.grad

    out._backward = _backward
    return out


def _not_one_node(ws, xs, b):
    return sum((w * x for w, x in zip(ws, xs)), b)


# ----- Neuron, Layer, MLP ----------------------------------------------------------------------------


class _NeuronNoActivation(reference.Neuron):
    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)


class _NeuronNoBias(reference.Neuron):
    def __call__(self, x):
        return sum(wi * xi for wi, xi in zip(self.w, x)).sigmoid()


class _NeuronTanh(reference.Neuron):
    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()


class _NeuronUsesData(reference.Neuron):
    def __call__(self, x):
        z = sum(wi.data * xi for wi, xi in zip(self.w, x)) + self.b.data
        return type(self.b)(z).sigmoid()


class _NeuronWithoutBias(reference.Neuron):
    def parameters(self):
        return self.w


class _MLPNotChained(reference.MLP):
    def __call__(self, x):
        for layer in self.layers:
            out = layer(x)
        return out[0] if len(out) == 1 else out


# ----- training --------------------------------------------------------------------------------------


def _not_zeroed(model, X, y, learning_rate):
    loss = reference.mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data


def _update_sign(model, X, y, learning_rate):
    for p in model.parameters():
        p.grad = 0.0
    loss = reference.mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.data += learning_rate * p.grad
    return loss.data


def _zeroed_before_update(model, X, y, learning_rate):
    loss = reference.mse_loss(model, X, y)
    loss.backward()
    for p in model.parameters():
        p.grad = 0.0
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data


def _returns_inside_loop(model, X, y, learning_rate, steps):
    losses = []
    for _ in range(steps):
        losses.append(reference.train_step(model, X, y, learning_rate))  # the scenario's stand-in, while played
        return losses


def _engine_transposed(model, loss):
    loss.backward()
    found = {}
    for number, layer in enumerate(model.layers, start=1):
        found[f"W{number}"] = np.array([[w.grad for w in neuron.w] for neuron in layer.neurons])
        found[f"b{number}"] = np.array([neuron.b.grad for neuron in layer.neurons])
    return found


def _engine_no_backward(model, loss):
    found = {}
    for number, layer in enumerate(model.layers, start=1):
        found[f"W{number}"] = np.array([[neuron.w[i].grad for neuron in layer.neurons]
                                        for i in range(len(layer.neurons[0].w))])
        found[f"b{number}"] = np.array([neuron.b.grad for neuron in layer.neurons])
    return found


# ----- where and how each mistake is recognised ----------------------------------------------------

_NODES = ("Value.__add__", "Value.__mul__", "Value.__pow__", "Value.exp", "Value.tanh", "Value.sigmoid")
_REFLECTED = ("Value.__radd__", "Value.__rmul__")
_DERIVED = ("Value.__sub__", "Value.__truediv__")
_PARAMETERS = ("Neuron.parameters", "Layer.parameters", "MLP.parameters")

RECOGNISERS = {
    "grad-assigned": (*((name, _assigns(name.split(".")[1])) for name in _NODES),
                      ("weighted_sum", played({"weighted_sum": _assigning(reference.weighted_sum)}))),
    "local-forgets-out-grad": tuple((name, _forgets_out_grad(name.split(".")[1]))
                                    for name in ("Value.__mul__", "Value.__pow__", "Value.tanh", "Value.sigmoid")),
    "mul-local-not-swapped": (("Value.__mul__", played({"Value": _MulNotSwapped})),),
    # Raised wherever a number meets a Value: in the reflected operations, and in the operations
    # derived from them (k - a may be written other + (-self), k / a other * self**-1).
    "number-not-wrapped": tuple((name, raises(r"AttributeError: '(int|float)' object has no attribute 'data'"))
                                for name in (*_REFLECTED, *_DERIVED)),
    "radd-missing": tuple((name, raises(r"unsupported operand type\(s\) for \+: '(int|float)'"))
                          for name in ("Value.__radd__", "Value.__sub__")),
    "rmul-missing": tuple((name, raises(r"unsupported operand type\(s\) for \*: '(int|float)'"))
                          for name in ("Value.__rmul__", "Value.__truediv__")),
    "reflected-op-recurses": tuple((name, raises(r"^RecursionError")) for name in _REFLECTED),
    "pow-local-n-x-to-n": (("Value.__pow__", played({"Value": _PowNXToN})),),
    "pow-local-without-n": (("Value.__pow__", played({"Value": _PowWithoutN})),),
    "rsub-reversed": (("Value.__sub__", played({"Value": _RsubReversed})),),
    "div-reversed": (("Value.__truediv__", played({"Value": _DivReversed})),),
    "rtruediv-reversed": (("Value.__truediv__", played({"Value": _RtruedivReversed})),),
    "exp-local-is-input": (("Value.exp", played({"Value": _ExpLocalIsInput})),),
    "tanh-derivative-from-input": (("Value.tanh", played({"Value": _TanhFromInput})),),
    "sigmoid-derivative-from-input": (("Value.sigmoid", played({"Value": _SigmoidFromInput})),),
    "exp-overflow": tuple((name, raises(r"^OverflowError")) for name in ("Value.tanh", "Value.sigmoid")),
    "no-visited-set": (("Value.backward", played({"Value": _NoVisitedSet}, {"Value": _NoVisitedSetOtherOrder})),),
    "topo-not-reversed": (("Value.backward", played({"Value": _TopoNotReversed})),),
    # A property of the read table: every gradient 0, the output's own too.
    "backward-not-seeded": (("Value.backward", scaled_by(0.0)),),
    "closure-late-binding": (("weighted_sum", played({"weighted_sum": _late_binding})),),
    "weighted-sum-not-one-node": (("weighted_sum", played({"weighted_sum": _not_one_node})),),
    "neuron-no-activation": (("Neuron.__call__", played({"Neuron": _NeuronNoActivation})),),
    "neuron-no-bias": (("Neuron.__call__", played({"Neuron": _NeuronNoBias})),),
    "neuron-tanh-not-sigmoid": (("Neuron.__call__", played({"Neuron": _NeuronTanh})),),
    "neuron-uses-data": (("Neuron.__call__", played({"Neuron": _NeuronUsesData})),),
    "parameters-without-bias": (("Neuron.parameters", played({"Neuron": _NeuronWithoutBias})),),
    "parameters-nested": tuple((name, raises(r"'list' object has no attribute 'data'")) for name in _PARAMETERS),
    "mlp-not-chained": (("MLP.__call__", played({"MLP": _MLPNotChained})),),
    "grads-not-zeroed": (("train_step", played({"train_step": _not_zeroed})),),
    "update-sign": (("train_step", played({"train_step": _update_sign})),),
    "zeroed-before-update": (("train_step", played({"train_step": _zeroed_before_update})),),
    "train-returns-inside-loop": (("train", played({"train": _returns_inside_loop})),),
    "engine-grads-transposed": (("engine_gradients", played({"engine_gradients": _engine_transposed})),),
    "engine-no-backward": (("engine_gradients", played({"engine_gradients": _engine_no_backward})),),
}
