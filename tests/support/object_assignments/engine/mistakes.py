"""The mistakes of the tiny autograd engine: the Value classes of students who make them, played
through the scenario of the method they are recognised for, and a property of the read table."""

from backprop_course.course.recognisers import scaled_by
from backprop_course.course.scenario import played

from . import reference


class _MulAssigns(reference.Value):
    def __mul__(self, other):
        out = reference.Value(self.data * other.data, (self, other))

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._backward = _backward
        return out


class _NoVisitedSet(reference.Value):
    def backward(self):
        order = []

        def visit(node):
            for child in node._prev:
                visit(child)
            order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


RECOGNISERS = {
    "grad-assigned": (("Value.__mul__", played({"Value": _MulAssigns})),),
    "no-visited-set": (("Value.backward", played({"Value": _NoVisitedSet})),),
    # A property of the read table, as for functions' results: every gradient 0.
    "backward-not-seeded": (("Value.backward", scaled_by(0.0)),),
}
