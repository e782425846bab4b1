"""Submissions that attack the grading of classes and methods (scenarios) instead of writing them:
a Value that lies about its gradients, methods that return objects that are not plain data, objects
that act when they are read, state kept from one play to the next, patches of the grader's code in
the kernel, and reads of the grader's frames. Each is the code of one answer cell, written after an
honest answer (alice's, so that the rest of the cell's class is right) or in its place.

An attack names the checks it attacks ("function" for all of a function's checks, or
"function:check"): they must earn nothing; everything else of the submission is alice's, at full
marks. The snippets are aimed at the autograd assignment's classes and helpers by name.
"""

from __future__ import annotations

from dataclasses import dataclass

VALUE_METHODS = ("Value.__add__", "Value.__mul__", "Value.__radd__", "Value.__rmul__", "Value.__pow__",
                 "Value.__sub__", "Value.__truediv__", "Value.exp", "Value.tanh", "Value.sigmoid", "Value.backward")
# A Value that lies in everything: weighted_sum, built on it, earns nothing either.
ALL_OF_VALUE = (*VALUE_METHODS, "weighted_sum")
LOCAL_CHECKS = tuple(f"{name}:local" for name in ("Value.__add__", "Value.__mul__", "Value.__pow__", "Value.exp",
                                                  "Value.tanh", "Value.sigmoid", "weighted_sum"))


@dataclass(frozen=True)
class ObjectAttack:
    student: str
    what: str
    # answer cell id: the code written after alice's answer in that cell (or in its place: replace).
    cells: dict
    attacked: tuple[str, ...]
    replace: bool = False

    def answers(self, honest: dict[str, str]) -> dict[str, str]:
        """alice's answers with this attack's cells written in."""
        written = {cell: code.strip("\n") if self.replace else f"{honest[cell]}\n\n{code.strip()}"
                   for cell, code in self.cells.items()}
        return {**honest, **written}

    def lost(self, contract) -> dict[str, float]:
        """The points of the attacked checks, by notebook: what it must not earn."""
        lost: dict[str, float] = {}
        for target in self.attacked:
            function, _, check = target.partition(":")
            points = sum(c.points for c in contract.checks[function] if not check or c.name == check)
            notebook = contract.notebook_of[function].name
            lost[notebook] = lost.get(notebook, 0.0) + points
        return lost


# An object that says it is equal to anything, and is any number asked of it.
_ANYTHING = '''
import numpy as _np


class _Anything:
    def __eq__(self, other):
        return True

    __le__ = __ge__ = __eq__

    def __ne__(self, other):
        return False

    def __float__(self):
        return 0.5

    def __index__(self):
        return 1

    def __len__(self):
        return 1

    def __array__(self, dtype=None, copy=None):
        return _np.array(0.5)

    def __iter__(self):
        return iter([0.5])

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __pow__ = __call__
    __iadd__ = __isub__ = __neg__ = __call__
'''

ATTACKS = (
    ObjectAttack(
        "grad_property",
        "a Value whose grad is a property that ignores what is set and answers an object equal to anything",
        {"answer_Value": _ANYTHING + '''
_Honest = Value


class Value(_Honest):
    grad = property(lambda self: _Anything(), lambda self, value: None)
'''},
        (*LOCAL_CHECKS, "Value.backward"),
    ),
    ObjectAttack(
        "number_subclasses",
        "data a float subclass and grad a numpy float64 subclass, each equal to anything and any number asked",
        {"answer_Value": '''
import numpy as _np


class _Float(float):
    __eq__ = lambda self, other: True  # noqa: E731
    __hash__ = float.__hash__
    __float__ = lambda self: 1.0  # noqa: E731
    __array__ = lambda self, dtype=None, copy=None: _np.array(1.0)  # noqa: E731


class _Scalar(_np.float64):
    __eq__ = lambda self, other: True  # noqa: E731
    __hash__ = _np.float64.__hash__
    __float__ = lambda self: 1.0  # noqa: E731


_Honest = Value


class Value(_Honest):
    def __setattr__(self, name, value):
        if name == "data":
            value = _Float(0.0)
        elif name == "grad":
            value = _Scalar(0.0)
        object.__setattr__(self, name, value)
'''},
        ALL_OF_VALUE,
    ),
    ObjectAttack(
        "lazy_proxies",
        "data and grad lazily-evaluated proxies with __float__, __index__, __array__ and __len__, a generator, "
        "a dict subclass",
        {"answer_Value": _ANYTHING + '''
class _Lazy(_Anything):
    def __init__(self, thunk):
        object.__setattr__(self, "thunk", thunk)

    def __float__(self):
        return float(self.thunk())

    def __array__(self, dtype=None, copy=None):
        return _np.array(float(self.thunk()))


class _Grads(dict):
    def items(self):
        return iter([("grad", 0.5)])


_Honest = Value


class Value(_Honest):
    @property
    def data(self):
        return _Lazy(lambda: self.__dict__["_data"])

    @data.setter
    def data(self, value):
        self.__dict__["_data"] = float(value)

    @property
    def grad(self):
        return (g for g in [self.__dict__.get("_grad", 0.0)]) if self._prev else _Grads(g=0.5)

    @grad.setter
    def grad(self, value):
        self.__dict__["_grad"] = value
'''},
        ALL_OF_VALUE,
    ),
    ObjectAttack(
        "acts_when_read",
        "objects whose __repr__, __getattr__, __reduce__ and __del__ act while the grader converts and "
        "serialises them: they send made-up results on the grader's channel, exit, and raise",
        {"answer_Value": _ANYTHING + '''
import os as _os


def _forge():
    try:
        input('RESULT {"list":[]}')
        input("RESULT " + "[" * 100000)
    except BaseException:
        pass


class _Loud(_Anything):
    def __getattr__(self, name):
        _forge()
        raise KeyboardInterrupt

    def __repr__(self):
        _forge()
        return "Value"

    def __reduce__(self):
        _forge()
        _os._exit(0)

    def __del__(self):
        _forge()


_Honest = Value


class Value(_Honest):
    grad = property(lambda self: _Loud(), lambda self, value: None)
    data = property(lambda self: _Loud(), lambda self, value: None)
'''},
        ALL_OF_VALUE,
    ),
    ObjectAttack(
        "patches_the_player",
        "a Value that, once the grader plays a scenario, patches the player (__backprop_scenarios__, its steps "
        "and the wire format) and the helper module to report every value read as the public example's",
        {"answer_Value": '''
import sys as _sys

import numpy as _np

_KNOWN = _np.array(0.5)


def _patch():
    for name, module in list(_sys.modules.items()):
        if "backprop" in name or name.endswith("_checks"):
            for attribute in ("to_plain", "is_plain", "same_inputs", "play_steps", "check_result", "assert_plays"):
                if hasattr(module, attribute):
                    setattr(module, attribute, lambda *args, **kwargs: _KNOWN if args else None)
    for module in (globals().get("__backprop_scenarios__"), globals().get("__backprop_grader__")):
        if module is not None:
            module.to_plain = lambda value: _KNOWN


_Honest = Value


class Value(_Honest):
    def __init__(self, data, _children=()):
        _patch()
        super().__init__(0.0, _children)
'''},
        ALL_OF_VALUE,
    ),
    ObjectAttack(
        "reads_the_kernel",
        "a backward() that walks the caller's frames and the garbage collector for the scenario's hidden inputs "
        "and anything the grader knows, and sets every gradient read to a number found there",
        {"answer_Value": '''
import gc as _gc
import sys as _sys

_Honest = Value


def _numbers_nearby():
    found = []
    frame = _sys._getframe(1)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if name in ("values", "variables", "read", "expected", "cases", "outcomes"):
                found.append(value)
        frame = frame.f_back
    for thing in _gc.get_objects():
        if isinstance(thing, dict) and ("expected" in thing or "inputs" in thing):
            found.append(thing)
    numbers = [v for v in _flatten(found) if isinstance(v, float)]
    return numbers or [0.0]


def _flatten(value, depth=0):
    if depth > 4:
        return
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item, depth + 1)
    elif isinstance(value, float):
        yield value


class Value(_Honest):
    def backward(self):
        numbers = _numbers_nearby()
        frame = _sys._getframe(1)
        while frame is not None:
            for value in list(frame.f_locals.get("variables", {}).values()):
                if isinstance(value, _Honest):
                    value.grad = numbers[len(numbers) // 2]
            frame = frame.f_back
'''},
        ("Value.backward",),
    ),
    ObjectAttack(
        "keeps_state",
        "a Value that keeps state between plays: class attributes that count the plays and a cache of results "
        "keyed by inputs, answering every later play from the first one's results",
        {"answer_Value": '''
_Honest = Value


class Value(_Honest):
    _cache = {}
    _plays = [0]

    def __init__(self, data, _children=()):
        super().__init__(data, _children)
        if not _children:
            Value._plays[0] += 1

    def __add__(self, other):
        out = super().__add__(other)
        if Value._plays[0] > 2:
            out.data = Value._cache.setdefault("+", out.data)
        return out

    def __mul__(self, other):
        out = super().__mul__(other)
        if Value._plays[0] > 2:
            out.data = Value._cache.setdefault("*", out.data)
        return out
'''},
        ("Value.__add__:data", "Value.__mul__:data", "Value.__radd__", "Value.__rmul__", "Value.__sub__",
         "Value.__truediv__"),
    ),
    ObjectAttack(
        "weighted_sum_proxy",
        "weighted_sum returns a lazy proxy of a Value, whose data and gradients are worked out when read",
        {"answer_weighted_sum": _ANYTHING + '''
_honest_weighted_sum = weighted_sum


def weighted_sum(ws, xs, b):
    return _Anything()
'''},
        ("weighted_sum",),
    ),
    ObjectAttack(
        "layer_answers_subtraction",
        "Layer.__call__ returns objects that answer any subtraction with a Value of 0 (the scenario reads the "
        "layer's outputs less its own neurons')",
        {"answer_Layer": '''
class _Zero:
    def __sub__(self, other):
        return Value(0.0)

    __rsub__ = __sub__


_HonestLayer = Layer


class Layer(_HonestLayer):
    def __call__(self, x):
        return [_Zero() for _ in self.neurons]
'''},
        ("Layer.__call__",),
    ),
    ObjectAttack(
        "layer_turns_neurons_off",
        "Layer.__call__, once called by the grader's player (its frames), sets a flag (a global) that makes "
        "the student's own Neuron answer 0 from then on, "
        "and answers 0 itself",
        {"answer_Neuron": '''
import sys as _sys

_OFF = [False]
_HonestNeuron = Neuron


class Neuron(_HonestNeuron):
    def __call__(self, x):
        return Value(0.0) if _OFF[0] else super().__call__(x)
''', "answer_Layer": '''
_HonestLayer = Layer


class Layer(_HonestLayer):
    def __call__(self, x):
        frame = _sys._getframe(1)
        while frame is not None:  # only while the grader plays a scenario, not in the notebook's own checks
            _OFF[0] = _OFF[0] or frame.f_code.co_filename == "backprop_steps"
            frame = frame.f_back
        return [Value(0.0) for _ in self.neurons]
'''},
        ("Layer.__call__",),
    ),
    ObjectAttack(
        "copies_the_stand_ins",
        "Layer.__call__ and MLP.__call__ answer as the scenarios' stand-ins would (their rules are public, in the "
        "helper module's SCENARIOS) instead of passing the input through every neuron and layer",
        {"answer_Layer": '''
_HonestLayer = Layer


class Layer(_HonestLayer):
    def __call__(self, x):
        return [x[2], x[0]]
''', "answer_MLP": '''
_HonestMLP = MLP


class MLP(_HonestMLP):
    def __call__(self, x):
        return self.layers[0](x)[1]
'''},
        ("Layer.__call__", "MLP.__call__"),
    ),
    ObjectAttack(
        "mlp_patches_plain",
        "MLP.__call__ patches the player's conversion to plain data so that whatever is read reads 0",
        {"answer_MLP": '''
import sys as _sys

import numpy as _np

_HonestMLP = MLP


class MLP(_HonestMLP):
    def __call__(self, x):
        for name, module in list(_sys.modules.items()):
            if hasattr(module, "to_plain") and "backprop" in name:
                module.to_plain = lambda value: _np.array(0.0)
        return self.layers[0].neurons[0].b * 0.0  # a Value of the class the layers are made of
'''},
        ("MLP.__call__",),
    ),
    ObjectAttack(
        "train_turns_steps_off",
        "train sets a flag (a global), once it is called by the grader's player (its frames), that makes the "
        "student's own train_step a no-op answering 0.0 from then on, and answers 0.0 for every step itself",
        {"answer_train_step": '''
_OFF = [False]
_honest_train_step = train_step


def train_step(model, X, y, learning_rate):
    return 0.0 if _OFF[0] else _honest_train_step(model, X, y, learning_rate)
''', "answer_train": '''
import sys as _sys


def train(model, X, y, learning_rate, steps):
    frame = _sys._getframe(1)
    while frame is not None:  # only while the grader plays a scenario, not in the notebook's own checks
        _OFF[0] = _OFF[0] or frame.f_code.co_filename == "backprop_steps"
        frame = frame.f_back
    return [0.0] * steps
'''},
        ("train",),
    ),
    ObjectAttack(
        "train_step_lying_loss",
        "train_step moves the parameters but returns its loss as a float subclass equal to anything, "
        "a numpy scalar subclass, a generator or a dict subclass, by turns",
        {"answer_train_step": '''
import numpy as _np


class _Loss(float):
    __eq__ = lambda self, other: True  # noqa: E731
    __hash__ = float.__hash__


class _Scalar(_np.float64):
    __eq__ = lambda self, other: True  # noqa: E731
    __hash__ = _np.float64.__hash__


class _Table(dict):
    def items(self):
        return iter([])


_turn = [0]
_honest_train_step = train_step


def train_step(model, X, y, learning_rate):
    _honest_train_step(model, X, y, learning_rate)
    _turn[0] += 1
    return [_Loss(0.0), _Scalar(0.0), (x for x in [0.0]), _Table()][_turn[0] % 4]
'''},
        ("train_step:losses",),
    ),
    ObjectAttack(
        "engine_gradients_dict_subclass",
        "engine_gradients returns a dict subclass whose items(), keys() and values lie, holding lazy objects",
        {"answer_engine_gradients": _ANYTHING + '''
class _Gradients(dict):
    def items(self):
        return iter([(key, _Anything()) for key in ("W1", "b1", "W2", "b2")])

    def keys(self):
        return ["W1", "b1", "W2", "b2"]

    def __len__(self):
        return 4


def engine_gradients(model, loss):
    return _Gradients()
'''},
        ("engine_gradients",),
    ),
    ObjectAttack(
        "engine_gradients_given",
        "engine_gradients returns the hand-derived gradients of the given mlp_gradients, not the engine's: "
        "of the model's parameters, on the data of the notebook's check (X_check, y_check)",
        {"answer_engine_gradients": '''
def engine_gradients(model, loss):
    params = {}
    for number, layer in enumerate(model.layers, start=1):
        params[f"W{number}"] = np.array([[neuron.w[i].data for neuron in layer.neurons]
                                         for i in range(len(layer.neurons[0].w))])
        params[f"b{number}"] = np.array([neuron.b.data for neuron in layer.neurons])
    return mlp_gradients(X_check, y_check, params)
'''},
        ("engine_gradients:values",),
        replace=True,
    ),
)


def attack_students(attacks=ATTACKS) -> dict[str, list[ObjectAttack]]:
    """The attacks spread over students, at most one per notebook each (attacks of one notebook
    could spoil each other's grading in its kernel), named objattack<number>."""
    students: list[list[ObjectAttack]] = []
    for attack in attacks:
        home = next((student for student in students
                     if not any(_notebooks(attack) & _notebooks(other) for other in student)), None)
        if home is None:
            home = []
            students.append(home)
        home.append(attack)
    return {f"objattack{number}": attacks for number, attacks in enumerate(students)}


# The notebook of each answer cell of the autograd assignment.
CELL_NOTEBOOK = {"answer_Value": "value_engine", "answer_weighted_sum": "value_engine",
                 "answer_Neuron": "neural_net", "answer_Layer": "neural_net", "answer_MLP": "neural_net",
                 "answer_train_step": "training", "answer_train": "training", "answer_engine_gradients": "training"}


def _notebooks(attack: ObjectAttack) -> set[str]:
    return {CELL_NOTEBOOK[cell] for cell in attack.cells}
