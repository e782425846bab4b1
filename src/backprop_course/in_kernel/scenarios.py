"""A graded function's scenario played on the student's namespace, case by case, and in the
sandbox the outcomes handed back as kernel_side's grade_in_kernel hands back a function's.

Each case is one play (steps.play_steps) with a fresh table of variables, run as kernel_side's
call runs a function: on a private copy of the case's inputs, quietly, within the time limit, the
inputs compared after it. The objects a play makes never leave the kernel; what its read steps
read is the outcome's value. In the sandbox this module runs in a package of its own whose
kernel_side and steps are the kernel's copies (grading/kernel_calls.py sends them).
"""

from __future__ import annotations

from .kernel_side import RESULT, call, proxy, substituted, with_own_classes
from .steps import play_steps
from .wire import WireError, dumps, loads


def play_once(scenario: dict, namespace: dict, values: tuple, seconds: float, names: dict | None = None) -> dict:
    """One play on a copy of values, as call() calls a function: value is what it read; names
    are the globals a stand-in of a notebook's name goes to (steps.play_steps)."""
    read: dict = {}
    outcome = call(lambda *copies: read.update(play_steps(scenario, copies, namespace, names)), values, seconds)
    return outcome if outcome["error"] is not None else {**outcome, "value": read}


def run_plays(scenario: dict, namespace: dict, cases: list[tuple], callees: dict, seconds: float,
              names: dict | None = None) -> list[dict]:
    """play_once() on each case with the callees bound in namespace (the student's functions'
    globals) meanwhile; the steps themselves call what namespace held before, the student's own.
    A stand-in the steps set for a name of the notebook goes to names (namespace without).

    After a play runs out of time the remaining cases are not run: they would only wait too.
    """
    own = dict(namespace)
    outcomes: list[dict] = []
    with substituted(namespace, callees):
        for values in cases:
            if outcomes and outcomes[-1]["error"] == "time-limit":
                outcomes.append(outcomes[-1])
            else:
                outcomes.append(play_once(scenario, own, values, seconds, namespace if names is None else names))
    return outcomes


def unless_objects(stand_in, own):
    """A callee that is stand_in (the reference, answered from outside) while its arguments are
    plain data, and the student's own function (own) when they hold objects, which stay here."""

    def callee(*args, **kwargs):
        if own is not None:
            try:
                dumps([list(args), kwargs])
            except (WireError, RecursionError):
                return own(*args, **kwargs)
        return stand_in(*args, **kwargs)

    return callee


def fresh_given(given_source: str, namespace: dict) -> dict:
    """The names of the given cell run afresh in a copy of namespace: the given helpers as the
    instructor wrote them, beside the notebook's own classes. A class the given cell defines is
    the notebook's own object still, so that what a fresh helper builds is of the class the
    student's code and the steps build with (an operator of one class may refuse an object of
    a copy of it)."""
    given = dict(namespace)
    exec(given_source, given)  # noqa: S102 - the instructor's given cell, not student code
    with_own_classes(given, namespace)
    return given


def play_in_kernel(namespace: dict, scenario_text: str, proxied: list, given_source: str, given_names: list,
                   cases_text: str, seconds: float) -> None:
    """Play the scenario on the grader's cases and hand the outcomes back by input(); the callees
    are fresh copies of the given helpers and, for the names in proxied, stand-ins that the
    grading process answers (as in kernel_side.grade_in_kernel) unless they are given objects.
    The fresh copies see the notebook's other names (a given helper may build the student's
    objects: a layer of their neurons), the given code's own over them."""
    ask = input  # ipykernel's input, which asks the grading process over the stdin channel
    scenario, cases = loads(scenario_text), loads(cases_text)
    given = fresh_given(given_source, namespace)
    callees = {name: given[name] for name in given_names}
    callees.update({name: unless_objects(proxy(name, ask), namespace.get(name)) for name in proxied})
    ask(RESULT + dumps(run_plays(scenario, namespace, cases, callees, seconds)))
