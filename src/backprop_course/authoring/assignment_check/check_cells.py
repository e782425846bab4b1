"""Each mutant through its function's visible check cell, as a student's notebook runs it (the
given cell, the other answers the solutions', the mutant in place of the answer): does the cell
name the mistake before submission, where the public example tells the mutant from the reference?"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import warnings
from collections.abc import Callable

import numpy as np

from ...course.cells import GIVEN_CELL_ID
from ...course.contract import Notebook
from ...course.helper_module import helper_module_importable
from ...course.scenario import PlayedCode, case_function
from ...in_kernel.kernel_side import TimeLimitReached, same_inputs, time_limit
from .mutants import same_results
from .subject import Problem, Subject

# An id a check cell prints when it names a mistake: "[some-mistake-id]".
MISTAKE_ID = re.compile(r"\[([a-z][a-z0-9-]*)\]")
CHECK_CELL_SECONDS = 10
NO_CODE = "- (a property: no code to run)"


# A student's answer to a function: code for its answer cell (a class's: for all its methods), a
# function to call in its place, or names to bind (a mistake's classes).
Answer = Callable | str | dict


def run_check_cells(cells: dict[str, str], notebook: Notebook, answers: dict[str, Answer],
                    until: str | None = None, seconds: float = CHECK_CELL_SECONDS) -> dict[str, tuple[bool, str]]:
    """{function: whether its check cell passes, and what it shows}, for each function of notebook
    up to until's, run as Run All runs them: the given cell, then each answer cell (a class's, with
    all its methods, once, before its first method's check) and each check cell in order, going on
    past a check that fails (so that a check that waits for the checks of the functions it calls,
    authoring/gates.py, finds them run). cells: the notebook's cell sources by id, the answer cells
    the solutions'; answers replace them. The helper module must be importable."""
    shown = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # what numpy warns of a student's code (log of a negative, ...)
        namespace: dict = {}
        exec(cells[GIVEN_CELL_ID], namespace)  # noqa: S102 - the course's own notebook
        written = set()
        for function in notebook.functions:
            if function.answer_id not in written:
                written.add(function.answer_id)
                code = next((answers[other.name] for other in notebook.functions
                             if other.answer_id == function.answer_id and isinstance(answers.get(other.name), str)),
                            None)
                exec(code or cells[function.answer_id], namespace)  # noqa: S102
            answer = answers.get(function.name)
            if callable(answer):
                namespace[function.name] = answer
            elif isinstance(answer, dict):
                namespace.update(answer)
            shown[function.name] = _run_check(cells[function.visible_check_id], namespace, seconds)
            if function.name == until:
                break
    return shown


def _run_check(source: str, namespace: dict, seconds: float) -> tuple[bool, str]:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            with time_limit(seconds):
                exec(source, namespace)  # noqa: S102
        except TimeLimitReached:
            print(f"the check ran longer than {seconds:g} s")
            return False, output.getvalue()
        except Exception as error:  # what the notebook would show under the cell
            print(f"{type(error).__name__}: {error}")
            return False, output.getvalue()
    return True, output.getvalue()


def check_cell_outcomes(subject: Subject, function_names) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """{(mistake, function): what its check cell does with its mutant}, and the problems."""
    contract = subject.contract
    found, problems = {}, []
    for notebook in contract.notebooks:
        names = [function.name for function in notebook.functions if function.name in function_names]
        if not any(subject.mutants_of(name) for name in names):
            continue
        try:
            cells = {cell.id: cell.source for cell in subject.built(notebook).cells}
        except Exception as error:  # the build says what; the other checks go on
            problems.append(Problem(subject.file(f"lessons/{notebook.name}.py"), "the build",
                                    f"{type(error).__name__}: {error}", "fix what it says"))
            continue
        with helper_module_importable(contract):
            for name in names:
                for mistake_id, mutant in subject.mutants_of(name).items():
                    word, problem = _outcome(subject, notebook, cells, name, mistake_id, mutant)
                    found[(mistake_id, name)] = word
                    problems += [problem] if problem else []
    return found, problems


def _outcome(subject: Subject, notebook: Notebook, cells: dict[str, str], name: str, mistake_id: str,
             mutant: Callable) -> tuple[str, Problem | None]:
    answer = _as_graded(subject, name, mutant)
    if answer is None:
        return NO_CODE, None
    passed, shown = run_check_cells(cells, notebook, {name: answer}, until=name)[name]
    printed = list(dict.fromkeys(MISTAKE_ID.findall(shown)))
    if not passed:
        if printed[:1] == [mistake_id]:
            return "named" + (f" (with {', '.join(printed[1:])})" if printed[1:] else ""), None
        word = f"shows {', '.join(printed) or shown.strip()[:40]}"
        own = {mistake.id for mistake in subject.contract.own_mistakes}
        misleading = mistake_id not in printed and bool(own.intersection(printed))
        return word, Problem(
            subject.file(f"lessons/{notebook.name}.py"), f"the checks of {name}",
            f"name {', '.join(printed)} for {mistake_id}'s mutant",
            "check on an example where these mistakes give different results") if misleading else None
    if not _example_tells(subject, name, mutant):
        return "no (the public example cannot tell)", None
    return "no", Problem(
        subject.file(f"lessons/{notebook.name}.py"), f"the checks of {name}",
        f"pass {mistake_id}'s mutant, although the public example tells it from the reference",
        f"add check_result({name}(...), known({name}, ...)) on an example where it differs")


def _as_graded(subject: Subject, name: str, mutant: Callable) -> Callable | dict | None:
    """The mutant as the notebook holds it: called as the grader calls it (every argument of the
    signature, in order); for a function graded through a scenario, the names its code binds (None
    without code: a property's prediction cannot be put into a notebook)."""
    if subject.contract.functions[name].scenario is not None:
        return mutant.replacements if isinstance(mutant, PlayedCode) else None
    signature = inspect.signature(subject.contract.reference_function(name))

    def answer(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return mutant(*bound.arguments.values())

    return answer


def _example_tells(subject: Subject, name: str, mutant: Callable) -> bool:
    """Whether the mutant's result on the public example differs from the reference's, or the
    mutant changes the example's arguments."""
    contract = subject.contract
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            args = contract.public_example(name)
            result = mutant(*args)
            return not (same_inputs(args, contract.public_example(name)) and same_results(
                result, case_function(contract, name)(*contract.public_example(name)), equal_nan=True))
    except Exception:  # it raises there: the example tells
        return True
