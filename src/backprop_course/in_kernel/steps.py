"""A scenario's steps, played: constructions, calls, operators, attributes set and values read,
written as data in an assignment's contract (course/scenario.py reads and checks them).

The objects the steps make stay in the scenario's own table of variables, fresh for each play;
only what a `read` step reads leaves, as plain data (to_plain), taken at the moment it is read.
The grader plays a scenario on the student's namespace in their kernel (scenarios.py) and on the
reference in the grading process; an assignment with scenarios ships this module's text in its
helper module too (course/play_helpers.py), for its visible checks. So it uses only the standard
library and to_plain, and decides nothing: what it reads is judged elsewhere.
"""

from __future__ import annotations

import inspect
import itertools
import operator

from .wire import to_plain

# A string argument that starts with this names a variable (or a path from one: "$a.grad");
# doubled, it is the string without it.
REFERENCE = "$"
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
          "@": operator.matmul}
UNARY = {"-": operator.neg, "+": operator.pos}


class UndefinedError(NotImplementedError):
    """A step names something the notebook does not define (yet): graded as not implemented."""


def play_steps(scenario, values, namespace, names=None):
    """Play scenario ({"inputs": names, "steps": steps}) with its inputs bound to values, what the
    steps call or construct looked up in namespace after the variables; {label: plain value} of
    what its read steps read. A set step of a bare name with a stand_in binds it in names (the
    globals the notebook's functions look their callees up in; namespace without them) until the
    play ends."""
    variables = dict(zip(scenario["inputs"], values))
    names = namespace if names is None else names
    missing = object()
    replaced = {}
    read = {}
    try:
        for step in scenario["steps"]:
            if "read" in step:
                spec = step["read"]
                pairs = spec.items() if isinstance(spec, dict) else ((path, path) for path in spec)
                read.update((label, to_plain(look_up(path, variables, namespace))) for label, path in pairs)
            elif "set" in step:
                value = (stand_in(step, variables, namespace) if "stand_in" in step
                         else argument(step["value"], variables, namespace))
                if "." in step["set"]:
                    owner, attribute = step["set"].rsplit(".", 1)
                    setattr(look_up(owner, variables, namespace), attribute, value)
                else:
                    replaced.setdefault(step["set"], names.get(step["set"], missing))
                    names[step["set"]] = value
            elif "stand_in" in step:
                bind(step["let"], stand_in(step, variables, namespace), variables)
            else:
                bind(step.get("let"), operate(step, variables, namespace), variables)
    finally:
        for name, value in replaced.items():
            if value is missing:
                names.pop(name, None)
            else:
                names[name] = value
    return read


def look_up(path, variables, namespace):
    """The value at a dotted path: its first name a variable, else a name of namespace; a part
    that is a number indexes ("x.0" is x[0])."""
    root, *attributes = path.split(".")
    if root in variables:
        value = variables[root]
    elif root in namespace:
        value = namespace[root]
    else:
        raise UndefinedError(f"{root} is not defined")
    for attribute in attributes:
        value = value[int(attribute)] if attribute.isdigit() else getattr(value, attribute)
    return value


def argument(spec, variables, namespace):
    """A step's argument as a value: "$path" looked up, lists and tables item by item (new ones,
    so that no play changes the scenario), anything else as it is."""
    if isinstance(spec, str) and spec.startswith(REFERENCE):
        return spec[1:] if spec.startswith(REFERENCE * 2) else look_up(spec[1:], variables, namespace)
    if isinstance(spec, list):
        return [argument(item, variables, namespace) for item in spec]
    if isinstance(spec, dict):
        return {key: argument(item, variables, namespace) for key, item in spec.items()}
    return spec


def operate(step, variables, namespace):
    """What a call or op step returns."""
    args = [argument(item, variables, namespace) for item in step.get("args", [])]
    if "op" in step:
        return (UNARY if len(args) == 1 else BINARY)[step["op"]](*args)
    kwargs = {key: argument(item, variables, namespace) for key, item in step.get("kwargs", {}).items()}
    return look_up(step["call"], variables, namespace)(*args, **kwargs)


def bind(let, result, variables):
    """Name result (let: a name), or unpack it as Python's assignment does (let: a list of names)."""
    if isinstance(let, str):
        variables[let] = result
    elif let is not None:
        items = list(itertools.islice(iter(result), len(let) + 1))
        if len(items) != len(let):
            found = "more" if len(items) > len(let) else len(items)
            raise ValueError(f"expected {len(let)} values to unpack, got {found}")
        variables.update(zip(let, items))


def stand_in(step, variables, namespace):
    """A callable standing in for a local rule, a function or a callable object (a node's backward
    step, a part of a composition, a function the code calls): each call binds its arguments to
    the step's params (without params, any arguments are ignored), adds to each term's add_to the
    product of its values, and returns the step's returns (None without), all looked up when it
    is called, its params over the scenario's variables."""
    signature = inspect.Signature([inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                   for name in step.get("params", [])])

    def local_rule(*args, **kwargs):
        scope = {**variables, **signature.bind(*args, **kwargs).arguments} if "params" in step else variables
        for term in step["stand_in"]:
            owner_path, attribute = term["add_to"].rsplit(".", 1)
            owner = look_up(owner_path, scope, namespace)
            product = 1.0
            for factor in term["product"]:
                product = product * argument(factor, scope, namespace)
            setattr(owner, attribute, getattr(owner, attribute) + product)
        return argument(step["returns"], scope, namespace) if "returns" in step else None

    return local_rule
