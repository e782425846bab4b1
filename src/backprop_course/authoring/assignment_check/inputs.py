"""The reference and its given helpers leave their arguments as they were and give the same
results for the same arguments; the makers draw the same cases from the same seed; a scenario
reads plain data from the reference (a function graded through one is played, not called)."""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import warnings
from collections.abc import Callable, Iterator

import numpy as np

from ...course.plain import Unsupported, leaves, plain
from ...course.scenario import case_function
from ...in_kernel.kernel_side import same_inputs
from .subject import Problem, Subject

# How many calls of each given helper are watched (each watched call runs it twice).
WATCHED_CALLS = 20
COPY_TODO = "work on a copy (x = x.copy(), d = dict(d)) and return what changes"
SEED_TODO = "draw from the seeded generator it is given (or a seed argument), never from global random state"


def changed_arguments(function: Callable, before: tuple[tuple, dict], after: tuple[tuple, dict]) -> list[str]:
    """The names of the arguments, (positional, keyword) before and after a call, that differ.
    Objects that only equal themselves (a node, a network: changed on purpose) are not compared."""
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    pairs = [(names[index] if index < len(names) else f"argument {index + 1}", old, new)
             for index, (old, new) in enumerate(zip(before[0], after[0]))]
    pairs += [(key, value, after[1][key]) for key, value in before[1].items()]
    return [name for name, old, new in pairs if same_inputs(old, copy.deepcopy(old)) and not same_inputs(old, new)]


class _Watch:
    """Given helpers replaced, in the reference module, by wrappers that check each call."""

    def __init__(self, subject: Subject):
        self.subject = subject
        self.calls: dict[str, int] = {}
        self.problems: dict[str, Problem] = {}
        self.where = ""

    def wrapped(self, name: str, function: Callable) -> Callable:
        @functools.wraps(function)  # its signature names the arguments
        def watched(*args, **kwargs):
            if self.calls.get(name, 0) >= WATCHED_CALLS or name in self.problems:
                return function(*args, **kwargs)
            self.calls[name] = self.calls.get(name, 0) + 1
            before = copy.deepcopy((args, kwargs))
            result = function(*args, **kwargs)
            again = function(*copy.deepcopy(before[0]), **copy.deepcopy(before[1]))
            changed = changed_arguments(function, before, (args, kwargs))
            if changed:
                self.problems[name] = Problem(self.subject.file("reference.py"), f"given helper {name}",
                                              f"changes its arguments ({', '.join(changed)}), called {self.where}",
                                              COPY_TODO)
            elif not same_inputs(plain(result), plain(again)):
                self.problems[name] = Problem(self.subject.file("reference.py"), f"given helper {name}",
                                              f"gives other results for the same arguments, called {self.where}",
                                              SEED_TODO)
            return result

        return watched

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        reference = self.subject.contract.reference
        names = given_functions(self.subject.contract)
        saved = {name: getattr(reference, name) for name in names}
        try:
            for name, function in saved.items():
                setattr(reference, name, self.wrapped(name, function))
            yield
        finally:
            for name, function in saved.items():
                setattr(reference, name, function)


def inputs_problems(subject: Subject) -> tuple[list[Problem], set[str], list[str]]:
    """Problems of the reference, its given helpers and the makers; the graded functions whose
    reference cannot run on its cases (the other checks leave them out); and the given helpers
    that nothing called (so nothing checked)."""
    problems, broken = [], set()
    watch = _Watch(subject)
    with watch.installed(), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name in subject.contract.functions:
            found, runs = _function_problems(subject, watch, name)
            problems += found
            if not runs:
                broken.add(name)
    given = given_functions(subject.contract)
    return problems + list(watch.problems.values()), broken, [name for name in given if name not in watch.calls]


def given_functions(contract) -> list[str]:
    """The given helpers that are functions (a given class is code the students read, not a call to watch)."""
    return sorted({name for notebook in contract.notebooks for name in notebook.given
                   if inspect.isfunction(getattr(contract.reference, name, None))})


def _function_problems(subject: Subject, watch: _Watch, name: str) -> tuple[list[Problem], bool]:
    """name's problems, and whether its reference runs on every hidden case."""
    contract = subject.contract
    try:
        labelled = [(f"hidden case {index} of student {student!r}", args) for student in subject.students
                    for index, args in enumerate(contract.hidden_cases(name, student))]
        drawn_again = [args for student in subject.students for args in contract.hidden_cases(name, student)]
    except Exception as error:
        return [Problem(subject.file("cases.py"), f"the maker of {name}", f"raises {type(error).__name__}: {error}",
                        "fix the maker")], False
    problems = []
    if not same_inputs([args for _, args in labelled], drawn_again):
        problems.append(Problem(subject.file("cases.py"), f"the maker of {name}",
                                "draws other cases from the same seed each time", SEED_TODO))
    try:
        watch.where = f"while the public example of {name} is made"
        labelled.append((f"public example ({contract.functions[name].public_example})", contract.public_example(name)))
    except Exception as error:
        problems.append(Problem(subject.file("assignment.toml"), f"{name}'s public_example",
                                f"does not evaluate: {type(error).__name__}: {error}",
                                "write it in np and the reference's names"))
    function = case_function(contract, name)
    for label, args in labelled:
        watch.where = f"by {name} on its {label}"
        before = copy.deepcopy(args)
        try:
            result = function(*args)
            again = function(*copy.deepcopy(before))
        except Exception as error:
            return [*problems, Problem(subject.file("reference.py"), name,
                                       f"raises {type(error).__name__}: {error} on its {label}",
                                       "fix the reference, or the maker of its cases in cases.py")], False
        found = _call_problem(subject, function, name, label, (before, args, result, again))
        if found is None and contract.functions[name].scenario is not None:
            found = _read_problem(subject, name, label, result)
        if found is not None:
            return [*problems, found], True
    return problems, True


def _read_problem(subject: Subject, name: str, label: str, read: dict) -> Problem | None:
    """A scenario that reads something other than numbers (an object, a boolean) on one case."""
    for path, leaf in leaves(plain(read)):
        if isinstance(leaf, Unsupported):
            return Problem(subject.file("assignment.toml"), f"the scenario of {name}",
                           f"reads {path[0]} as a {leaf.type_name}, which is not plain data, on its {label}",
                           "read numbers: an attribute such as .data, or a given helper's numbers")
    return None


def _call_problem(subject: Subject, function: Callable, name: str, label: str, call: tuple) -> Problem | None:
    """What is wrong with one call: (arguments before, after, result, result of a second call)."""
    before, args, result, again = call
    where = subject.file("reference.py")
    changed = changed_arguments(function, (before, {}), (args, {}))
    if changed:
        return Problem(where, name, f"the reference changes its arguments ({', '.join(changed)}) on its {label}",
                       COPY_TODO)
    if not same_inputs(plain(result), plain(again)):
        return Problem(where, name, f"gives other results for the same arguments ({label})", SEED_TODO)
    return None
