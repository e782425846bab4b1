"""Kernels forked from the template are fresh: what one student leaves behind in its kernel
(globals, modules, monkey-patches, files, threads, processes, environment) the next student, forked
from the same template, never sees; and a forked kernel is a real one (its imports already done)."""

from __future__ import annotations

import json

import pytest

from backprop_course.commands.autograde import autograde
from backprop_course.sandbox.forked_kernel import can_fork
from backprop_course.sandbox.kernel_session import KernelSession, OutputBudget

from .support.backprop import ASSIGNMENT, SINGLE_NEURON
from .support.released import released_copy
from .support.sandbox import needs_sandbox

pytestmark = [needs_sandbox, pytest.mark.skipif(not can_fork(), reason="kernels are forked only as root")]

LEAVE_BEHIND = """
import builtins, gc, os, sys, threading, time, types, subprocess
gc.unfreeze()
import numpy as np
import matplotlib
np.dot = lambda *args, **kwargs: 42.0
np.allclose = lambda *args, **kwargs: True
sys.modules["left_behind"] = types.ModuleType("left_behind")
builtins.left_behind = "from the last student"
os.environ["LEFT_BEHIND"] = "1"
matplotlib.rcParams["lines.linewidth"] = 17.0
left_behind_global = 1
open("/tmp/left_behind.txt", "w").write("x")
threading.Thread(target=time.sleep, args=(600,), daemon=True, name="left_behind").start()
subprocess.Popen(["/bin/sleep", "600"], start_new_session=True)
print("left")
"""

LOOK = """
import builtins, gc, json, os, sys, threading
import numpy as np
import matplotlib
print(json.dumps({
    "np.dot": float(np.dot(np.ones(2), np.ones(2))),
    "np.allclose": bool(np.allclose(1.0, 2.0)),
    "module": "left_behind" in sys.modules,
    "builtin": hasattr(builtins, "left_behind"),
    "environment": "LEFT_BEHIND" in os.environ,
    "rcParams": float(matplotlib.rcParams["lines.linewidth"]),
    "global": "left_behind_global" in globals(),
    "file": os.path.exists("/tmp/left_behind.txt"),
    "thread": any(thread.name == "left_behind" for thread in threading.enumerate()),
    "template's objects frozen": gc.get_freeze_count() > len(gc.get_objects()),
    "processes": sorted(int(pid) for pid in os.listdir("/proc") if pid.isdigit()),
}))
"""


def run(session: KernelSession, code: str) -> str:
    found = session.run(code, timeout=60, budget=OutputBudget(10**6))
    return "".join(output.get("text", "") for output in found.outputs if output.output_type == "stream")


def test_the_next_kernel_sees_nothing_the_last_one_left_behind():
    with KernelSession(sandboxed=True) as first:
        assert run(first, "import sys\nprint('numpy' in sys.modules)").strip() == "True", "not forked from the template"
        assert run(first, LEAVE_BEHIND).strip() == "left"
        left = json.loads(run(first, LOOK))
        assert left["np.dot"] == 42.0 and not left["template's objects frozen"]  # they did hold in its own kernel
    with KernelSession(sandboxed=True) as second:
        seen = json.loads(run(second, LOOK))
    processes = seen.pop("processes")
    assert seen == {"np.dot": 2.0, "np.allclose": False, "module": False, "builtin": False, "environment": False,
                    "rcParams": 1.5, "global": False, "file": False, "thread": False,
                    # the collector of a kernel passes over what the template imported
                    "template's objects frozen": True}
    assert len(processes) <= 3, f"processes in the new sandbox: {processes}"  # its init, placeholder, kernel


@pytest.mark.slow
def test_in_a_real_run_the_next_student_on_the_same_worker_sees_nothing(tmp_path):
    """Two students graded one after the other by one worker: the second one's notebook looks."""
    course = released_copy(tmp_path / "course")
    for student, code in (("a_leaves", LEAVE_BEHIND), ("b_looks", LOOK)):
        folder = course.submission(student)
        folder.mkdir(parents=True)
        for notebook in (course.release).glob("*.ipynb"):
            text = notebook.read_text()
            if notebook.name == SINGLE_NEURON.filename:
                nb = json.loads(text)
                nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "extra", "metadata": {},
                                    "outputs": [], "source": code})
                text = json.dumps(nb)
            (folder / notebook.name).write_text(text)
    autograde(course, ASSIGNMENT, jobs=1, show=lambda line: None, progress=False)
    graded = json.loads((course.autograded / "b_looks" / ASSIGNMENT / SINGLE_NEURON.filename).read_text())
    printed = "".join("".join(output.get("text", "")) for output in graded["cells"][-1]["outputs"])
    seen = json.loads(printed)
    seen.pop("processes")
    assert seen == {"np.dot": 2.0, "np.allclose": False, "module": False, "builtin": False, "environment": False,
                    "rcParams": 1.5, "global": False, "file": False, "thread": False,
                    # the collector of a kernel passes over what the template imported
                    "template's objects frozen": True}
