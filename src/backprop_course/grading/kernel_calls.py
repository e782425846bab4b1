"""The grader's side of calling a student's function in its kernel: the code sent in (the
kernel-side module, the helper module the notebooks import), the results read back and checked
as plain data, and the callees' calls answered with the reference."""

from __future__ import annotations

import base64
import inspect
import warnings

import numpy as np

from ..course.contract import Contract
from ..course.helper_module import helper_module_text
from ..course.mistake_ids import NOT_IMPLEMENTED, RAISED_ERROR, TIME_LIMIT
from ..course.scenario import callee_functions
from ..in_kernel import kernel_side, scenarios, steps, wire
from ..sandbox.kernel_session import KernelSession
from .runner import Outcome

# Code that writes the helper module into the kernel's working folder, and how long it may take.
WRITE_HELPER_MODULE = (
    "with open({file!r}, 'w') as _bp_file:\n    _bp_file.write({text!r})\n"
    "del _bp_file\nimport importlib as _bp_importlib\n_bp_importlib.invalidate_caches()\ndel _bp_importlib\n"
)
HELPER_MODULE_SECONDS = 30.0


def write_helper_module(session: KernelSession, contract: Contract) -> None:
    """Put the assignment's helper module, which the notebooks' given cells import, in the kernel's
    working folder (in the sandbox an empty private /tmp), as the release has it beside the notebooks."""
    code = WRITE_HELPER_MODULE.format(file=contract.helper_file, text=helper_module_text(contract))
    session.run(code, timeout=HELPER_MODULE_SECONDS, silent=True)


# Code that writes the files beside a notebook into the kernel's working folder.
WRITE_FILES = (
    "import base64 as _bp_b64, os as _bp_os\n"
    "for _bp_name, _bp_data in {files!r}.items():\n"
    "    _bp_os.makedirs(_bp_os.path.dirname(_bp_name) or '.', exist_ok=True)\n"
    "    with open(_bp_name, 'wb') as _bp_file:\n"
    "        _bp_file.write(_bp_b64.b64decode(_bp_data))\n"
    "del _bp_b64, _bp_os, _bp_name, _bp_data\n"
    "import importlib as _bp_importlib\n_bp_importlib.invalidate_caches()\ndel _bp_importlib\n"
)
FILES_SECONDS = 60.0


def write_files(session: KernelSession, files: dict[str, bytes]) -> None:
    """Put files (relative paths, contents) into the kernel's working folder, as nbgrader's kernel
    finds the files of the submission beside the notebook it runs."""
    if files:
        encoded = {name: base64.b64encode(data).decode("ascii") for name, data in files.items()}
        session.run(WRITE_FILES.format(files=encoded), timeout=FILES_SECONDS, silent=True)


# The package the kernel gets: in_kernel's modules, run from their source text under their names
# in it (a traceback names each file backprop_<module>); its kernel_side is the kernel's
# __backprop_grader__, also importable as backprop_grader.
KERNEL_PACKAGE = "_backprop_grader"
KERNEL_MODULES = (("wire", inspect.getsource(wire)), ("kernel_side", inspect.getsource(kernel_side)))
SCENARIO_MODULES = (("steps", inspect.getsource(steps)), ("scenarios", inspect.getsource(scenarios)))


def kernel_side_code() -> str:
    """Code that defines __backprop_grader__ in the kernel: a fresh package of KERNEL_MODULES."""
    return "\n".join([
        "import sys as _bp_sys, types as _bp_types",
        f"_bp_package = _bp_types.ModuleType({KERNEL_PACKAGE!r})",
        "_bp_package.__path__ = []",
        f"_bp_sys.modules[{KERNEL_PACKAGE!r}] = _bp_package",
        *_modules_code(KERNEL_MODULES),
        "__backprop_grader__ = _bp_package.kernel_side",
        "_bp_sys.modules['backprop_grader'] = __backprop_grader__",
        "del _bp_sys, _bp_types, _bp_package, _bp_module",
    ])


def scenario_side_code() -> str:
    """Code that defines __backprop_scenarios__ in the kernel (right after kernel_side_code()):
    in_kernel's steps and scenarios, added to its package."""
    return "\n".join([
        "import sys as _bp_sys, types as _bp_types",
        f"_bp_package = _bp_sys.modules[{KERNEL_PACKAGE!r}]",
        *_modules_code(SCENARIO_MODULES),
        "__backprop_scenarios__ = _bp_package.scenarios",
        "del _bp_sys, _bp_types, _bp_package, _bp_module",
    ])


def _modules_code(modules: tuple[tuple[str, str], ...]) -> list[str]:
    """Lines that run each (name, source) as the module _bp_package.<name>."""
    lines = []
    for name, source in modules:
        lines += [
            f"_bp_module = _bp_types.ModuleType({KERNEL_PACKAGE + '.' + name!r})",
            f"_bp_module.__package__ = {KERNEL_PACKAGE!r}",
            "_bp_sys.modules[_bp_module.__name__] = _bp_module",
            f"setattr(_bp_package, {name!r}, _bp_module)",
            f"exec(compile({source!r}, {'backprop_' + name!r}, 'exec'), _bp_module.__dict__)",
        ]
    return lines


def read_outcomes(text: str, count: int) -> list[Outcome] | None:
    """The outcomes the kernel sent, checked to be plain data of the right form, else None."""
    try:
        found = wire.loads(text)
    except wire.WireError:
        return None
    if not isinstance(found, list) or len(found) != count:
        return None
    outcomes = []
    for item in found:
        if not isinstance(item, dict) or set(item) != {"value", "error", "message", "mutated_inputs", "integers"}:
            return None
        if item["error"] not in (None, NOT_IMPLEMENTED, RAISED_ERROR, TIME_LIMIT):
            return None
        value = item["value"] if item["value"] is None or wire.is_plain(item["value"]) else None
        if item["error"] is None and value is None:
            return None
        outcomes.append(Outcome(value=value, error=item["error"], message=str(item["message"])[:300],
                                mutated_inputs=item["mutated_inputs"] is True,
                                integers=item["integers"][:200] if isinstance(item["integers"], str) else ""))
    return outcomes


def answer_call(contract: Contract, text: str, allowed: list[str]) -> str:
    """The reference's answer to a callee's call from the kernel, as a wire message."""
    try:
        request = wire.loads(text)
    except wire.WireError as error:
        return wire.dumps({"sequence": None, "error": f"unreadable call: {error}"})
    if not isinstance(request, dict) or not isinstance(request.get("args"), list) or not isinstance(
        request.get("kwargs"), dict
    ):
        return wire.dumps({"sequence": None, "error": "malformed call"})
    sequence, name = request.get("sequence"), request.get("name")
    if name not in allowed:
        return wire.dumps({"sequence": sequence, "error": f"{name} is not answered while grading"})
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = contract.reference_function(name)(*request["args"], **request["kwargs"])
        return wire.dumps({"sequence": sequence, "value": value})
    except Exception as error:  # noqa: BLE001 - the student's arguments may be anything
        return wire.dumps({"sequence": sequence, "error": f"{type(error).__name__}: {error}"[:300]})


def play_code(contract: Contract, function_name: str, given_source: str, cases: list[tuple],
              seconds: float) -> tuple[list[str], str]:
    """(the callees this process answers, the code the kernel runs) to play function_name's scenario
    on cases: the given helpers that are functions are fresh copies, the other callees stand-ins."""
    notebook = contract.notebook_of[function_name]
    callees = callee_functions(contract, function_name)
    given = [name for name in callees if name in notebook.given]
    proxied = [name for name in callees if name not in notebook.given]
    scenario = wire.dumps(contract.functions[function_name].scenario.data)
    code = (
        f"{kernel_side_code()}\n{scenario_side_code()}\n"
        f"__backprop_scenarios__.play_in_kernel(globals(), {scenario!r}, {proxied!r}, {given_source!r}, "
        f"{given!r}, {wire.dumps(cases)!r}, {seconds!r})\n"
    )
    return proxied, code
