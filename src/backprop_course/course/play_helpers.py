"""The visible checks' helpers of an assignment with scenarios, shipped at the end of its helper
module (helper_module.py) and only there: the steps' player (in_kernel/steps.py, its code as it
is), SCENARIOS (each graded function's scenario, as data), play and assert_plays. A lesson's check
writes `check_result(play("f", x, y), known("f", x, y))` for a function f graded through a
scenario, as it writes `check_result(f(x), known(f, x))` for one graded by a call."""

from __future__ import annotations

import ast
import inspect
import pprint
from typing import TYPE_CHECKING

from ..in_kernel import steps
from ..in_kernel.steps import UndefinedError, play_steps

if TYPE_CHECKING:
    from .contract import Contract

# What the notebooks' given cells import from the helper module besides helper_module.HELPER_NAMES.
SCENARIO_HELPER_NAMES = ("assert_plays", "play")
# Each graded function's scenario, {name: {"inputs": [...], "steps": [...]}}: the helper module's own.
SCENARIOS: dict = {}


def play(function_name, *inputs):
    """What the steps that grade function_name read, as plain data, played on the objects your
    notebook defines with the scenario's inputs (the hidden tests play them on other inputs)."""
    frame = inspect.currentframe()
    namespace = frame.f_back.f_globals if frame and frame.f_back else {}
    return play_steps(SCENARIOS[function_name], inputs, namespace)


def assert_plays(function_name, *inputs):
    """Fail while the steps that grade function_name meet a NotImplementedError (an answer not
    written yet, a name not defined); anything else is left to the hidden tests. Quietly."""
    import contextlib
    import io
    import warnings

    frame = inspect.currentframe()
    namespace = frame.f_back.f_globals if frame and frame.f_back else {}
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(
            io.StringIO()
        ):
            warnings.simplefilter("ignore")
            play_steps(SCENARIOS[function_name], inputs, namespace)
    except NotImplementedError as error:
        innermost = error.__traceback__
        while innermost.tb_next is not None:
            innermost = innermost.tb_next
        reason = str(error) if isinstance(error, UndefinedError) else (
            f"{innermost.tb_frame.f_code.co_name} raises NotImplementedError")
        raise AssertionError(f"{function_name} cannot be checked yet: {reason}") from None
    except Exception:
        pass


def scenarios_of(contract: Contract) -> dict:
    return {name: function.scenario.data for name, function in contract.functions.items() if function.scenario}


def scenario_helpers_text(contract: Contract) -> str:
    """What the helper module of contract's assignment ends with: "" without scenarios."""
    scenarios = scenarios_of(contract)
    if not scenarios:
        return ""
    source = inspect.getsource(steps)
    body = ast.parse(source).body
    imports = [node for node in body if isinstance(node, ast.Import)]
    last_import = max(node.end_lineno for node in body if isinstance(node, (ast.Import, ast.ImportFrom)))
    player = "".join(source.splitlines(keepends=True)[last_import:])
    helpers = "\n\n".join(inspect.getsource(function) for function in (play, assert_plays))
    return (
        "\n\n# ----- scenarios: the steps that grade a function, played on the notebook's objects -----\n\n"
        + "".join(ast.get_source_segment(source, node) + "\n" for node in imports)
        + player
        + "\n\n# Each graded function's scenario: its inputs and its steps.\n"
        + f"SCENARIOS = {pprint.pformat(scenarios, width=100, sort_dicts=False)}\n\n\n"
        + helpers
    )
