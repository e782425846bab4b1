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
from ..in_kernel import kernel_side
from ..sandbox.kernel_session import KernelSession
from .runner import Outcome

KERNEL_SIDE_SOURCE = inspect.getsource(kernel_side)
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


def kernel_side_code() -> str:
    """Code that defines __backprop_grader__ in the kernel from kernel_side.py's source."""
    return (
        "import sys as _bp_sys, types as _bp_types\n"
        "__backprop_grader__ = _bp_types.ModuleType('backprop_grader')\n"
        "_bp_sys.modules['backprop_grader'] = __backprop_grader__\n"
        f"exec(compile({KERNEL_SIDE_SOURCE!r}, 'backprop_grader', 'exec'), __backprop_grader__.__dict__)\n"
        "del _bp_sys, _bp_types"
    )


def read_outcomes(text: str, count: int) -> list[Outcome] | None:
    """The outcomes the kernel sent, checked to be plain data of the right form, else None."""
    try:
        found = kernel_side.loads(text)
    except kernel_side.WireError:
        return None
    if not isinstance(found, list) or len(found) != count:
        return None
    outcomes = []
    for item in found:
        if not isinstance(item, dict) or set(item) != {"value", "error", "message", "mutated_inputs", "integers"}:
            return None
        if item["error"] not in (None, NOT_IMPLEMENTED, RAISED_ERROR, TIME_LIMIT):
            return None
        value = item["value"] if item["value"] is None or kernel_side.is_plain(item["value"]) else None
        if item["error"] is None and value is None:
            return None
        outcomes.append(Outcome(value=value, error=item["error"], message=str(item["message"])[:300],
                                mutated_inputs=item["mutated_inputs"] is True,
                                integers=item["integers"][:200] if isinstance(item["integers"], str) else ""))
    return outcomes


def answer_call(contract: Contract, text: str, allowed: list[str]) -> str:
    """The reference's answer to a callee's call from the kernel, as a wire message."""
    try:
        request = kernel_side.loads(text)
    except kernel_side.WireError as error:
        return kernel_side.dumps({"sequence": None, "error": f"unreadable call: {error}"})
    if not isinstance(request, dict) or not isinstance(request.get("args"), list) or not isinstance(
        request.get("kwargs"), dict
    ):
        return kernel_side.dumps({"sequence": None, "error": "malformed call"})
    sequence, name = request.get("sequence"), request.get("name")
    if name not in allowed:
        return kernel_side.dumps({"sequence": sequence, "error": f"{name} is not answered while grading"})
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = contract.reference_function(name)(*request["args"], **request["kwargs"])
        return kernel_side.dumps({"sequence": sequence, "value": value})
    except Exception as error:  # noqa: BLE001 - the student's arguments may be anything
        return kernel_side.dumps({"sequence": sequence, "error": f"{type(error).__name__}: {error}"[:300]})
