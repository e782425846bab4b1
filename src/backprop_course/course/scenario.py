"""Scenarios: a graded function or method checked through a short sequence of steps written as
data in assignment.toml (its `scenario` table), so that objects (a node, a layer, a cache) stay
where they were made and only plain data is judged. Read and checked here when the contract is
loaded; played on the reference in this process; and the recogniser of a mistake's code played
through the same steps (`played`). The steps themselves are played by in_kernel/steps.py."""

from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from ..in_kernel.steps import BINARY, REFERENCE, UNARY, play_steps
from .plain import Unsupported, leaves, to_plain
from .recognisers import Recognise, Recogniser, close

if TYPE_CHECKING:
    from .contract import Contract

# What each kind of step may hold besides its own key (exactly one of these keys).
STEP_KEYS = {"call": {"let", "args", "kwargs"}, "op": {"let", "args"},
             "set": {"value", "stand_in", "params", "returns"}, "read": set(), "stand_in": {"let", "params", "returns"}}
STAND_IN_KEYS = {"add_to", "product"}
# What a stand-in holds besides its terms (steps.stand_in): checked with the stand-in, not as the step's.
STAND_IN_EXTRAS = ("stand_in", "params", "returns")


@dataclass(frozen=True, eq=False)
class Scenario:
    """The steps a graded function is checked through: its inputs (the hidden case's arguments,
    by name, as cases.py's maker draws them) and its steps, as read from assignment.toml."""

    inputs: tuple[str, ...]
    steps: tuple[dict, ...]

    @property
    def data(self) -> dict:
        """As steps.play_steps and the wire take it (a copy)."""
        return {"inputs": list(self.inputs), "steps": copy.deepcopy(list(self.steps))}


def read_scenario(entry: Any, function: str) -> Scenario | None:
    """The scenario of a graded function's entry (None without one); ValueError naming the step at fault."""
    if entry is None:
        return None
    if not isinstance(entry, dict) or set(entry) != {"inputs", "steps"}:
        raise ValueError(f"{function}: a scenario has inputs (names) and steps, nothing else")
    inputs, steps = entry["inputs"], entry["steps"]
    if not (isinstance(inputs, list) and all(_is_name(name) for name in inputs) and isinstance(steps, list)):
        raise ValueError(f"{function}: a scenario's inputs are a list of names, its steps a list of tables")
    defined, labels = set(inputs), set()
    for number, step in enumerate(steps, 1):
        problem = _step_problem(step, defined, labels)
        if problem:
            raise ValueError(f"{function}: scenario step {number} ({step!r}): {problem}")
    if not labels:
        raise ValueError(f"{function}: a scenario reads something (a read step)")
    return Scenario(tuple(inputs), tuple(steps))


def _is_name(text: Any) -> bool:
    return isinstance(text, str) and text.isidentifier()


def _is_path(text: Any) -> bool:
    """A name, then attributes or indexes (digits): "a.grad", "x.0"."""
    return (isinstance(text, str) and text.split(".")[0].isidentifier()
            and all(part.isidentifier() or part.isdigit() for part in text.split(".")[1:]))


def _step_problem(step: Any, defined: set, labels: set) -> str:
    """What is wrong with one step, or ""; defined and labels grow with what it binds and reads."""
    kinds = [kind for kind in STEP_KEYS if isinstance(step, dict) and kind in step]
    if kinds == ["set", "stand_in"]:
        kinds = ["set"]
    if len(kinds) != 1:
        return f"a step is a table with exactly one of {', '.join(STEP_KEYS)}"
    kind = kinds[0]
    extra = set(step) - STEP_KEYS[kind] - {kind}
    if extra:
        return f"a {kind} step has no {', '.join(sorted(extra))}"
    if kind == "read":
        return _read_problem(step["read"], defined, labels)
    undefined = [name for name in _references({key: value for key, value in step.items()
                                               if key not in STAND_IN_EXTRAS}) if name not in defined]
    if undefined:
        return f"{', '.join(undefined)} not defined by the inputs or an earlier let"
    if kind == "set":
        path = step["set"]
        if not (_is_path(path) and ("." in path and path.split(".")[0] in defined
                                    or "." not in path and "stand_in" in step and path not in defined)):
            return ("set names an attribute of a variable (variable.attribute), or with a stand_in a name "
                    "of the notebook (a function its code calls)")
        if len({"value", "stand_in"} & set(step)) != 1 or "value" in step and {"params", "returns"} & set(step):
            return "a set step has a value or a stand_in (with its params and returns)"
        return _stand_in_problem(step, defined) if "stand_in" in step else ""
    if kind == "stand_in":
        problem = _stand_in_problem(step, defined)
        if problem:
            return problem
    arity = len(step.get("args", []))
    if kind == "op" and not (isinstance(step["op"], str) and (step["op"] in BINARY and arity == 2
                                                              or step["op"] in UNARY and arity == 1)):
        return f"op is one of {', '.join(BINARY)} with two args, or {', '.join(UNARY)} with one"
    if kind == "call" and not _is_path(step["call"]):
        return "call names a function, a class or a method (name or variable.method)"
    let = step.get("let")
    if kind == "stand_in" and not isinstance(let, str):
        return "a stand_in step names the callable it makes (let = name)"
    names = [let] if isinstance(let, str) else let if isinstance(let, list) else [] if let is None else [None]
    if not all(_is_name(name) for name in names):
        return "let is a name, or a list of names to unpack the result into"
    defined.update(names)
    return ""


def _read_problem(spec: Any, defined: set, labels: set) -> str:
    pairs = list(spec.items()) if isinstance(spec, dict) else []
    if isinstance(spec, list):
        pairs = [(path, path) for path in spec]
    if not pairs or not all(isinstance(label, str) and _is_path(path) for label, path in pairs):
        return "read is a list of paths (variable or variable.attribute), or a table of labels and paths"
    for label, path in pairs:
        if path.split(".")[0] not in defined:
            return f"{path} does not start with a variable"
        if label in labels:
            return f"{label} is read twice (a table of labels names each read)"
        labels.add(label)
    return ""


def _stand_in_problem(step: dict, defined: set) -> str:
    """What is wrong with a stand-in's terms, params and returns: its params are variables inside it."""
    params = step.get("params", [])
    if not (isinstance(params, list) and all(_is_name(name) for name in params)):
        return "a stand_in's params are a list of names (its arguments, named)"
    inside = defined | set(params)
    terms = step["stand_in"]
    if not (isinstance(terms, list) and all(isinstance(term, dict) and set(term) == STAND_IN_KEYS
                                            and _is_path(term["add_to"]) and "." in term["add_to"]
                                            and term["add_to"].split(".")[0] in inside
                                            and isinstance(term["product"], list) for term in terms)):
        return "stand_in is a list of {add_to = variable.attribute, product = [values]}"
    undefined = [name for name in _references([terms, step.get("returns")]) if name not in inside]
    if undefined:
        return f"{', '.join(undefined)} not defined by the inputs, an earlier let or the stand_in's params"
    return ""


def _references(value: Any) -> list[str]:
    """The variables that the "$..." arguments of a step (or of its stand-in) start with."""
    if isinstance(value, str) and value.startswith(REFERENCE) and not value.startswith(REFERENCE * 2):
        return [value[1:].split(".")[0]]
    if isinstance(value, list):
        return [name for item in value for name in _references(item)]
    if isinstance(value, dict):
        return [name for key, item in value.items() if key not in STEP_KEYS for name in _references(item)]
    return []


# ----- a contract's scenarios ------------------------------------------------------------------


def scenario_of(contract: Contract, function_name: str) -> Scenario | None:
    function = contract.functions.get(function_name)
    return function.scenario if function is not None else None


def scenario_problems(contract: Contract) -> list[str]:
    """What the loader refuses in a contract's scenarios, beyond one step: names the steps call
    that the reference lacks, a public example that does not give the inputs."""
    problems = []
    for name, function in contract.functions.items():
        scenario = function.scenario
        if scenario is None:
            continue
        variables = set(scenario.inputs) | {let for step in scenario.steps for let in _lets(step)}
        for step in scenario.steps:
            root = step.get("call", "").split(".")[0]
            if root and root not in variables and not hasattr(contract.reference, root):
                problems.append(f"{name}: its scenario calls {root}, which reference.py does not define")
        try:
            count = len(contract.public_example(name))
        except Exception as error:  # noqa: BLE001 - the author's text, reported as the fault
            problems.append(f"{name}: public_example does not evaluate: {type(error).__name__}: {error}")
            continue
        if count != len(scenario.inputs):
            problems.append(f"{name}: public_example gives {count} values for the scenario's "
                            f"{len(scenario.inputs)} inputs")
    return problems


def _lets(step: dict) -> list[str]:
    let = step.get("let")
    return [let] if isinstance(let, str) else list(let or [])


def reference_result(contract: Contract, function_name: str, args: tuple) -> Any:
    """The reference's plain result on one case: its function called, or its scenario played (on a copy)."""
    scenario = scenario_of(contract, function_name)
    if scenario is None:
        return to_plain(contract.reference_function(function_name)(*args))
    return PlayedCode(scenario, contract.reference)(*copy.deepcopy(args))


def case_function(contract: Contract, function_name: str) -> Callable:
    """The reference as grading asks it for one case's result, called with the case's values: the
    function itself, or (graded through a scenario) its scenario played on the reference's names."""
    scenario = scenario_of(contract, function_name)
    return contract.reference_function(function_name) if scenario is None else PlayedCode(scenario, contract.reference)


def callee_functions(contract: Contract, function_name: str) -> list[str]:
    """The callees of a function graded through a scenario that stand-ins can take the place of:
    functions of the reference's module (a class or a method is the student's own in a scenario;
    a step that tests it apart says so in its steps)."""
    return [name for name in contract.callees(function_name)
            if inspect.isfunction(getattr(contract.reference, name, None))]


# ----- recognising a mistake by playing its code --------------------------------------------------


@dataclass(frozen=True, eq=False)
class PlayedCode:
    """A scenario played on the reference's names, some of them replaced (by the code a student
    making a mistake writes): called like the function it grades, with one case's values (which
    the steps may change), it returns what the steps read, and raises what they raise."""

    scenario: Scenario
    reference: ModuleType
    replacements: dict = field(default_factory=dict)

    @property
    def __signature__(self) -> inspect.Signature:
        """The scenario's inputs, as the parameters of the function it grades are named."""
        return inspect.Signature([inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                  for name in self.scenario.inputs])

    @property
    def namespace(self) -> dict:
        """The names the steps find: the reference's, with the replacements in their place."""
        return {**vars(self.reference), **self.replacements}

    def __call__(self, *values) -> dict:
        """A stand-in set for a name of the notebook goes to the reference module's globals, where
        its functions (and a mistake's code, calling reference.name) look it up, for the play."""
        return play_steps(self.scenario.data, values, self.namespace, vars(self.reference))


@dataclass(frozen=True)
class PlayedRecogniser(Recogniser):
    """A played() recogniser bound to its function's scenario, with the code it plays."""

    code: PlayedCode | None = None


@dataclass(frozen=True, eq=False)
class Played:
    """A mistake recognised by the scenario of the function it is recognised for, played with
    names of the reference replaced by the code a student making it writes: each of variants maps
    a name (a function, a class) to such code, and a case matches when it reads what one of them
    reads (a student's code may give one of several results: a set's order, say). The loader
    binds it to its function's scenario."""

    variants: tuple[dict, ...]

    def code(self, scenario: Scenario, reference: ModuleType) -> PlayedCode:
        """The first variant's code: the mistake's representative."""
        return PlayedCode(scenario, reference, dict(self.variants[0]))

    def bind(self, scenario: Scenario, reference: ModuleType) -> Recogniser:
        codes = [PlayedCode(scenario, reference, dict(replacements)) for replacements in self.variants]

        def results(args: tuple) -> list:
            """The mistake's plain results on one case, a variant each, where it runs and reads numbers."""
            found = []
            for code in codes:
                try:
                    with warnings.catch_warnings(), np.errstate(all="ignore"):
                        warnings.simplefilter("ignore")
                        read = code(*copy.deepcopy(args))
                except Exception:  # noqa: BLE001 - a mistake that fails on a case predicts nothing there
                    continue
                if not any(isinstance(leaf, Unsupported) for _, leaf in leaves(read)):
                    found.append(read)
            return found

        def recognise(cases, expected, actual) -> bool:
            return all(any(close(got, mistaken) for mistaken in results(args)) for args, got in zip(cases, actual))

        def predict(args, expected) -> list:
            return results(args)

        return PlayedRecogniser(recognise, predict, codes[0])


def played(replacements: dict, *variants: dict) -> Played:
    """In mistakes.py's RECOGNISERS, for a function graded through a scenario: the mistake is what
    the scenario reads when replacements (name: the student's code) take the reference's place,
    or, case by case, what one of the other variants (replacements too) reads."""
    return Played((dict(replacements), *(dict(variant) for variant in variants)))


def bound(scenarios: dict[str, Scenario | None], reference, function_name: str, recognise: Recognise) -> Recognise:
    """recognise as the contract keeps it: a played() recogniser bound to function_name's scenario."""
    if not isinstance(recognise, Played):
        return recognise
    scenario = scenarios.get(function_name)
    if scenario is None:
        raise ValueError(f"played() recognises a mistake of a function graded through a scenario; "
                         f"{function_name} has none")
    return recognise.bind(scenario, reference)
