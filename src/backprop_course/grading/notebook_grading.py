"""Grades one submitted notebook: its cells and functions run in the student's (sandboxed)
kernel, the grader's inputs go in and plain data comes out, and everything that decides a
grade (reference, comparison, diagnosis, score) happens here, outside the kernel.

A notebook that its assignment's contract does not declare (an assignment without a folder of
the course's assignments, or a notebook its folder does not name) is graded with nbgrader's own
semantics instead, in the same sandbox and limits: the files beside
it go into the kernel's working folder, and every code cell runs in order, its graded test cells
included, so that nbgrader scores them from their outputs as its Execute would have left them.
A cell past nbgrader's own time limit is interrupted as nbclient interrupts it, and what it defined
stays; one that the interrupt does not end makes nbgrader give up on the notebook, and grading
too (NotebookAbandonedError), unless the course has nbclient go on with the busy kernel.
Either way, a graded test cell that was not run is never left to count as passed
(UngradedCellsError).

Steps of a contract notebook, in order:
1. run the notebook's code cells, except the graded test cells, within the time and output
   limits (cell_runs.py); a cell that runs too long or kills its kernel gets a note, and the kernel starts
   afresh with the cells before it run again;
2. send kernel_side.py (and wire.py) into the kernel, then grade each function in notebook order: its hidden
   cases go in, and its callees are the given helpers (fresh copies) and, for the graded
   functions before it, stand-ins whose calls this process answers with the reference;
3. judge the outcomes here and write each check's feedback and score into its graded cell,
   where nbgrader reads the score (an execute_result, as partial credit);
4. once every function is graded, call each function that failed with no catalog name on the
   common cases (behaviour.py), for the findings recorded beside the grades: nothing graded
   depends on these calls, and a kernel they stop is not started again.
"""

from __future__ import annotations

import logging

from nbformat import NotebookNode
from nbformat.v4 import new_output

from ..course.cells import grade_id, is_graded_test
from ..course.contract import Contract, Notebook
from ..course.mistake_ids import KERNEL_DIED, MEMORY_LIMIT, RAISED_ERROR, TIME_LIMIT
from ..in_kernel import kernel_side, wire
from ..sandbox.caps import DEFAULT, MIB, Limits
from ..sandbox.kernel_session import KernelSession
from .behaviour import Finding, finding_of, observed_in_turn
from .cell_runs import CellRuns
from .feedback import feedback_lines
from .judge import CheckVerdict, judge
from .kernel_calls import answer_call, kernel_side_code, play_code, read_outcomes, write_files, write_helper_module
from .notes import forget_limit_notes, note_isolation
from .runner import GIVEN_IMPORTS, Outcome

log = logging.getLogger(__name__)

# Extra seconds a function's grading may take beyond its calls' own limits (sending the cases,
# converting the results, the callees answered here).
GRADING_MARGIN = 10.0
# Failures that the instructor's log names too (the others are the student's ordinary mistakes).
RUNTIME_FAILURES = (TIME_LIMIT, KERNEL_DIED, MEMORY_LIMIT, RAISED_ERROR)


class UngradedCellsError(RuntimeError):
    """Graded test cells that grading could not run: nbgrader would count them as passed."""

    def __init__(self, label: str, grade_ids: list[str]):
        super().__init__(f"{label}: graded test cells not run, so not graded: {', '.join(grade_ids)}")
        self.grade_ids = grade_ids


class NotebookGrading(CellRuns):
    """The grading of one notebook of one student (see the module's docstring)."""

    def __init__(self, nb: NotebookNode, notebook_name: str, student: str, session: KernelSession,
                 limits: Limits = DEFAULT, label: str = "", logger: logging.Logger | None = None, *,
                 contract: Contract | None, files: dict[str, bytes] | None = None):
        self.contract = contract
        self.notebook: Notebook | None = contract.notebook(notebook_name) if contract is not None else None
        super().__init__(nb, session, limits, label or f"{student}/{notebook_name}", logger or log,
                         nbgrader_semantics=self.notebook is None)
        self.files = files or {}  # the files beside the notebook (notebooks without a contract)
        self.student = student
        self.findings: list[Finding] = []  # of each graded function, in order (behaviour.py)

    def grade(self) -> NotebookNode:
        forget_limit_notes(self.nb)
        self.session.start()
        note_isolation(self.nb, self.session.isolation())
        self.prepare_kernel()
        try:
            self.run_cells()
            if self.notebook is not None:
                graded = []
                for function in self.notebook.functions:
                    verdicts = self.grade_function(function.name)
                    self.write_verdicts(verdicts)
                    graded.append((finding_of(function.name, verdicts), verdicts))
                self.findings = observed_in_turn(  # once all are graded: no grade depends on these calls
                    self.contract, graded, lambda name, cases: self.call_in_kernel(name, cases, restart=False))
        finally:
            self.session.close()
        unrun = [grade_id(cell) for cell in self.nb.cells
                 if is_graded_test(cell) and not cell.get("outputs") and cell.get("execution_count") is None]
        if unrun:
            raise UngradedCellsError(self.label, unrun)
        return self.nb

    def prepare_kernel(self) -> None:
        """What a fresh kernel gets before any cell: the contract's helper module, or the files
        beside a notebook graded with nbgrader's semantics."""
        if self.notebook is not None:
            write_helper_module(self.session, self.contract)
        else:
            write_files(self.session, self.files)

    # ----- 2. the functions, called in the kernel ---------------------------------------------

    def grade_function(self, function_name: str) -> list[CheckVerdict]:
        cases = self.contract.hidden_cases(function_name, self.student)
        outcomes = self.call_in_kernel(function_name, [*cases, self.contract.public_example(function_name)])
        self.public = outcomes[-1]
        verdicts = judge(self.contract, function_name, cases, outcomes[:-1])
        failed = next((outcome for outcome in outcomes[:-1] if outcome.error in RUNTIME_FAILURES), None)
        if failed is not None and (failed.error != RAISED_ERROR or _left_unnamed(verdicts, RAISED_ERROR)):
            self.note(failed.error, f"{function_name}: {failed.message}")
        return verdicts

    def call_in_kernel(self, function_name: str, cases: list[tuple], restart: bool = True) -> list[Outcome] | None:
        """The outcomes of the student's function_name on cases, run in the kernel. When the call
        stops the kernel, it is started afresh, or (not restart) None is returned."""
        results: list[str] = []
        scenario = self.contract.functions[function_name].scenario
        if scenario is not None:
            allowed, code = play_code(self.contract, function_name, self.given_source(), cases,
                                      self.limits.call_seconds)
        else:
            allowed = [name for name in self.contract.callees(function_name) if name not in self.notebook.given]
            code = (
                f"{kernel_side_code()}\n"
                f"__backprop_grader__.grade_in_kernel(globals(), {function_name!r}, {allowed!r}, "
                f"{self.given_source()!r}, {list(self.notebook.given)!r}, {wire.dumps(cases)!r}, "
                f"{self.limits.call_seconds!r})\n"
            )
        timeout = self.limits.call_seconds * len(cases) + GRADING_MARGIN
        before = self.session.counters()
        run = self.session.run(code, timeout=timeout, answer=lambda prompt: self.answer(prompt, allowed, results),
                               silent=True)
        if results:
            outcomes = read_outcomes(results[-1], len(cases))
            if outcomes is not None:
                return outcomes
        if run.status in (TIME_LIMIT, KERNEL_DIED):
            if not restart:
                return None
            status, message = run.status, f"the kernel died while {function_name} was called"
            if status == TIME_LIMIT:
                message = f"grading {function_name} ran longer than {timeout:g} s"
            elif MEMORY_LIMIT in self.caps_hit(before, run):
                status = MEMORY_LIMIT
                message = f"{function_name} passed the sandbox's memory cap of {self.limits.memory_bytes / MIB:g} MiB"
            self.start_afresh()
            return [Outcome(error=status, message=message)] * len(cases)
        return [Outcome(error=RAISED_ERROR, message="the grader got no result back from the kernel")] * len(cases)

    def given_source(self) -> str:
        return GIVEN_IMPORTS + self.contract.given_code(self.notebook.given)

    def answer(self, prompt: str, allowed: list[str], results: list[str]) -> str:
        """Reply to the kernel's input(): a callee's reference result, or a delivered result."""
        if prompt.startswith(kernel_side.RESULT):
            results.append(prompt[len(kernel_side.RESULT):])
            return "ok"
        if prompt.startswith(kernel_side.CALL):
            return answer_call(self.contract, prompt[len(kernel_side.CALL):], allowed)
        return ""  # the student's own input(): an empty line

    # ----- 3. verdicts into the graded cells --------------------------------------------------

    def write_verdicts(self, verdicts: list[CheckVerdict]) -> None:
        cells = {grade_id(cell): cell for cell in self.nb.cells
                 if is_graded_test(cell)}
        for verdict in verdicts:
            cell = cells.get(verdict.check.grade_id)
            if cell is None:
                continue
            text = "\n".join(feedback_lines(self.contract, verdict, self.public)) + "\n"
            cell.outputs = [
                new_output("stream", name="stdout", text=text),
                new_output("execute_result", data={"text/plain": repr(verdict.points)}, execution_count=None),
            ]


def grade_notebook(nb: NotebookNode, notebook_name: str, student: str, sandboxed: bool = True, forked: bool = True,
                   limits: Limits = DEFAULT, cwd=None, logger: logging.Logger | None = None, *,
                   contract: Contract | None, files: dict[str, bytes] | None = None) -> NotebookGrading:
    """Grade nb, notebook_name of the assignment whose contract is given (None: nbgrader's
    semantics), in place (see the module's docstring); the finished NotebookGrading.
    files: those beside the notebook, for a notebook without a contract."""
    session = KernelSession(sandboxed, cwd, limits, forked)
    grading = NotebookGrading(nb, notebook_name, student, session, limits, logger=logger, contract=contract,
                              files=files)
    grading.grade()
    return grading


def _left_unnamed(verdicts: list[CheckVerdict], mistake: str) -> bool:
    """Whether some check failed with the grader's own id mistake, that the catalog did not name
    (an error the catalog names, by raises(), is the student's ordinary mistake, not the log's)."""
    return any(verdict.failure is not None and verdict.failure.mistake == mistake for verdict in verdicts)
