"""Submissions that attack the grader instead of solving the exercise, one per attack.

Each attacker submits the release with its functions unwritten (so they earn nothing), or
correct, plus one cell of attack code at the end of the first notebook. Under plain nbgrader each of these would give
full marks or spoil the grading of others; the sandboxed grading must give 0 and carry on.
The code is a template: {course}, {gradebook}, {tag} and {python} are filled in per run, so
that an attacker knows exactly where the course lives (the strongest case), and {function},
{parameters} and {later_function} name the graded functions of the assignment under attack
(target_places), so that the same attacks serve every contract-graded assignment.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    student: str
    what: str
    code: str
    # The attacker's functions: unwritten (the release's stubs), or correct, for the attacks
    # that try to spoil grading rather than to cheat: their work must still be graded in full.
    correct_functions: bool = False
    # Whether the attack code itself redefines the graded {function} (it earns nothing either way).
    redefines_function: bool = False

    def expected_points(self, contract) -> dict[str, float]:
        """What this attacker earns per notebook of contract: nothing with the release's stubs; with
        correct functions, everything but the first function when the attack redefines it."""
        points = {notebook.name: float(notebook.autograded_points) for notebook in contract.notebooks}
        if not self.correct_functions:
            return dict.fromkeys(points, 0.0)
        first = contract.notebooks[0]
        lost = first.functions[0].points if self.redefines_function else 0
        return {name: total - (lost if name == first.name else 0) for name, total in points.items()}

    def cell(self, **places: str) -> str:
        """The attack's code with {name} and {name!r} filled in from places."""
        code = self.code
        for name, value in places.items():
            code = code.replace(f"{{{name}!r}}", repr(value)).replace(f"{{{name}}}", value)
        return code


# Shared by several attacks: full marks for any cell that looks like a test, by its points.
_FULL_MARKS = '''
import re as _re

def _full_marks(lines):
    source = "".join(lines)
    if "HIDDEN" in source or "backprop" in source or "grade" in source:
        found = _re.search(r"\\((\\d+) points?\\)", source)
        return [f"{found.group(1) if found else 1}.0\\n"]
    return lines
'''

ATTACKS = (
    Attack(
        "input_transformer",
        "an IPython input transformer that turns every test cell into its full points",
        _FULL_MARKS + "get_ipython().input_transformers_post.append(_full_marks)\n",
    ),
    Attack(
        "exception_handler",
        "a custom exception handler that hides every failing cell, and an AST transformer that wraps cells in try",
        '''
import ast
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)

class _Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
        return ast.fix_missing_locations(ast.Module(body=[ast.Try(body=node.body or [ast.Pass()],
            handlers=[handler], orelse=[], finalbody=[])], type_ignores=[]))

get_ipython().ast_transformers.append(_Swallow())
''',
    ),
    Attack(
        "patched_numpy",
        "numpy's comparisons patched to always agree",
        '''
import numpy as np
import numpy.testing
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_almost_equal = lambda *args, **kwargs: None
np.max = lambda *args, **kwargs: 0.0
np.abs = lambda x, *args, **kwargs: np.zeros_like(x)
''',
    ),
    Attack(
        "patched_builtins",
        "builtins patched so that any comparison or check passes",
        '''
import builtins
builtins.all = lambda *args: True
builtins.any = lambda *args: True
builtins.isinstance = lambda *args: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.max = lambda *args, **kwargs: 0.0
''',
    ),
    Attack(
        "fake_modules",
        "fake modules for the grader's imports, handing out full scores",
        '''
import sys, types
_fake = types.ModuleType("backprop_course.nbgrader_glue.hidden_tests")
_fake.grade = lambda function_name, check_name, namespace, student_id=None: 100.0
for _name in ("backprop_course", "backprop_course.nbgrader_glue.hidden_tests", "backprop_course.grading.judge",
              "backprop_grader"):
    sys.modules[_name] = _fake
sys.modules["backprop_course"].hidden_tests = _fake
_fake.grade_in_kernel = lambda *args, **kwargs: input("RESULT []")
''',
    ),
    Attack(
        "asks_for_answers",
        "calls the grader's stand-ins for the function being graded and for later ones",
        '''
import json

def _ask(name, *args):
    from backprop_grader import dumps, loads  # the grader's own wire format, once it is loaded
    return loads(input("CALL " + dumps({"name": name, "args": list(args), "kwargs": {}, "sequence": 1})))

def {function}(*args):
    return _ask("{function}", *args).get("value")

def {later_function}(*args):
    reply = _ask("{later_function}", *args)
    if reply.get("value") is not None:
        return reply["value"]
    return _ask("{function}", *args).get("value")
''',
    ),
    Attack(
        "writes_gradebook",
        "writes the SQLite gradebook directly, by absolute and relative path",
        '''
import sqlite3
for _path in ({gradebook!r}, "../../../gradebook.db", "../../gradebook.db", "gradebook.db"):
    try:
        _db = sqlite3.connect(_path)
        _db.execute("UPDATE grade SET manual_score = 100, extra_credit = 100")
        _db.execute("INSERT INTO student (id) VALUES ('intruder')")
        _db.commit()
        print("wrote", _path)
    except Exception as error:
        print("could not write", _path, type(error).__name__)
''',
    ),
    Attack(
        "detached_writer",
        "a detached process that waits for grading to end, then writes the gradebook",
        '''
import subprocess
_script = """
# {tag}-detached
import sqlite3, time
time.sleep(4)
db = sqlite3.connect({gradebook!r})
db.execute("UPDATE grade SET manual_score = 100, extra_credit = 100")
db.commit()
"""
for _python in ({python!r}, "python3", "/usr/bin/python3"):
    try:
        subprocess.Popen([_python, "-c", _script], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        break
    except OSError:
        pass
import os
if os.fork() == 0:  # a double fork as well, the classic daemon
    os.setsid()
    if os.fork() == 0:
        os.execvp("/bin/sh", ["/bin/sh", "-c", "# {tag}-daemon\\nsleep 6"])
    os._exit(0)
''',
        correct_functions=True,
    ),
    Attack(
        "reads_solutions",
        "reads the solutions and the reference from the course directory and the grader's package (and the "
        "assignments an installed wheel ships in it)",
        '''
import glob, importlib.util, json, os
_roots = [{course!r}]
try:
    _roots += list(importlib.util.find_spec("backprop_course").submodule_search_locations or [])
except Exception:
    pass
_found = []
for _root in _roots:
    for _path in glob.glob(_root + "/**/*.ipynb", recursive=True) + glob.glob(_root + "/**/*.py", recursive=True):
        try:
            _found.append(open(_path).read())
        except OSError:
            pass
try:
    from backprop_course.course.paths import CourseDir
    for _name in CourseDir({course!r}).assignment_names:
        globals().update(vars(CourseDir({course!r}).of(_name).contract.reference))
except Exception:
    pass
for _text in _found:
    if ("### BEGIN SOLUTION" in _text or "def " + {function!r} + "(" in _text) and not _text.lstrip().startswith("{"):
        try:
            exec(_text)  # a reference module of the course, read as text
        except Exception:
            pass
    try:
        for _cell in json.loads(_text)["cells"]:
            if "BEGIN SOLUTION" in "".join(_cell["source"]):
                exec("".join(_cell["source"]))
    except Exception:
        pass
print("read", len(_found), "files")
''',
    ),
    Attack(
        "kills_grader",
        "kills its parent process and every process of the grader it can find",
        '''
import os, signal
for _pid in (os.getppid(), 1):
    try:
        os.kill(_pid, signal.SIGKILL)
    except OSError as error:
        print("could not kill", _pid, type(error).__name__)
for _entry in os.listdir("/proc"):
    if _entry.isdigit() and int(_entry) != os.getpid():
        try:
            _command = open(f"/proc/{_entry}/cmdline", "rb").read()
            if b"nbgrader" in _command or b"pytest" in _command or b"jupyter" in _command:
                os.kill(int(_entry), signal.SIGKILL)
        except OSError:
            pass
''',
        correct_functions=True,
    ),
    Attack(
        "locks_gradebook",
        "holds an exclusive lock on the gradebook from a detached process",
        '''
import subprocess
_script = """
# {tag}-locker
import sqlite3, time
db = sqlite3.connect({gradebook!r}, timeout=0)
db.execute("BEGIN EXCLUSIVE")
time.sleep(3600)
"""
subprocess.Popen([{python!r}, "-c", _script], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
''',
        correct_functions=True,
    ),
    Attack(
        "prints_100mb",
        "prints 100 MB",
        '''
import sys
_line = "x" * 1023 + "\\n"
for _ in range(100 * 1024):
    sys.stdout.write(_line)
''',
        correct_functions=True,
    ),
    Attack(
        "loops_forever",
        "a cell that never ends",
        '''
while True:
    pass
''',
        correct_functions=True,
    ),
    Attack(
        "function_ignores_time_limit",
        "a graded function that ignores the grader's time-limit signal and then never returns",
        """
import signal

def {function}({parameters}):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
    while True:
        pass
""",
        correct_functions=True, redefines_function=True,
    ),
    Attack(
        "changes_course",
        "rewrites the course's configuration, source, release and the other students' submissions",
        '''
import glob, os
_written = 0
for _pattern in ("/nbgrader_config.py", "/source/**/*.ipynb", "/release/**/*.ipynb", "/submitted/**/*.ipynb",
                 "/autograded/**/*.ipynb"):
    for _path in glob.glob({course!r} + _pattern, recursive=True):
        try:
            with open(_path, "a") as _file:
                _file.write("tampered")
            _written += 1
        except OSError:
            pass
for _relative in ("../../../nbgrader_config.py", "../../../submitted"):
    try:
        os.remove(_relative) if _relative.endswith(".py") else None
    except OSError:
        pass
print("tampered with", _written, "files")
''',
        correct_functions=True,
    ),
    Attack(
        "kills_own_kernel",
        "kills its own kernel in a cell",
        """
import os
os.kill(os.getpid(), 9)
""",
        correct_functions=True,
    ),
    Attack(
        "exits_when_graded",
        "a graded function that exits its kernel when called",
        """
import os

def {function}({parameters}):
    os._exit(3)
""",
        correct_functions=True, redefines_function=True,
    ),
    Attack(
        "memory_bomb",
        "allocates memory until something gives",
        '''
_hoard = []
try:
    while True:
        _hoard.append(bytearray(256 * 1024 * 1024))
except MemoryError:
    print("memory ran out after", len(_hoard) // 4, "GiB")
''',
        correct_functions=True,
    ),
)


# What {function}, {parameters} and {later_function} stand for in an assignment without a contract.
NO_CONTRACT_TARGET = {"function": "answer", "parameters": "*args", "later_function": "answer"}


def target_places(contract) -> dict[str, str]:
    """The graded functions the attacks aim at: the first notebook's first function (with its
    parameters) and its last one."""
    functions = contract.notebooks[0].functions
    return {"function": functions[0].name, "parameters": functions[0].signature.strip()[1:-1],
            "later_function": functions[-1].name}
