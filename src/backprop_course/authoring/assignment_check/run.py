"""check_assignment: every check of an assignment, in order, into one report (a row per mistake
of the catalog and the problems found, one line each)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...course import contract as contract_module
from ...course.author_errors import AuthorError
from ...course.paths import CourseDir
from .answerable import answerable_notes
from .check_cells import check_cell_outcomes
from .differences import gradient_problems
from .hidden import Hidden, hidden_outcomes
from .inputs import inputs_problems
from .recogniser_errors import recogniser_problems
from .subject import Problem, Subject

NO_MUTANT = "no mutant (property)"
COLUMNS = ("mistake", "function", "caught by hidden cases", "caught before submission", "confused with")


@dataclass(frozen=True)
class Row:
    """One mistake of the catalog: where it is recognised and what the checks made of its mutants."""

    mistake: str
    functions: tuple[str, ...]
    hidden: str
    before: str
    confused: str


@dataclass
class CheckReport:
    """What check_assignment found."""

    assignment: str
    rows: list[Row]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(self) -> list[str]:
        cells = [COLUMNS, *((row.mistake, ", ".join(row.functions) or "-", row.hidden, row.before, row.confused)
                            for row in self.rows)]
        widths = [max(len(line[column]) for line in cells) for column in range(len(COLUMNS))]
        return ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in cells]

    @property
    def found(self) -> str:
        count = len(self.problems)
        return f"{count} problem{'s' if count > 1 else ''}" if count else "no problems"

    def lines(self) -> list[str]:
        return [*self.table(), *self.notes, f"{self.assignment}: {self.found}",
                *(problem.line() for problem in self.problems)]


@contextlib.contextmanager
def _recogniser_log_quiet() -> Iterator[None]:
    """Grading logs a recogniser that raises; here the report says it instead."""
    log = contract_module.log
    previous, log.disabled = log.disabled, True
    try:
        yield
    finally:
        log.disabled = previous


class AssignmentTrapError(AuthorError):
    """The problems check-assignment found in an assignment just built: one line saying how many,
    then one detail line per problem."""

    def __init__(self, report: CheckReport):
        super().__init__(f"{report.found} (`backprop-course check-assignment {report.assignment}` shows the table)")
        self.details = tuple(problem.line() for problem in report.problems)


def checked(course: CourseDir) -> list[Path]:
    """The build's step after build-source: check-assignment's checks, which write nothing; a
    problem stops the assignment's later steps (AssignmentTrapError)."""
    report = check_assignment(course, source_built=True)
    if not report.ok:
        raise AssignmentTrapError(report)
    return []


def check_assignment(course: CourseDir, source_built: bool = False) -> CheckReport:
    """Check course's assignment (its folder must load: loading.py refuses a broken one); with
    source_built, its source/ notebooks are taken to be the build of its lessons as they are now."""
    subject = Subject(course, course.contract, source_built=source_built)
    contract = subject.contract
    with _recogniser_log_quiet():
        problems, broken, uncalled = inputs_problems(subject)
        functions = [name for name in contract.functions if name not in broken]
        problems += _catalog_problems(subject)
        raised = recogniser_problems(subject, functions)
        hidden, pair_problems = hidden_outcomes(subject, functions)
        before, cell_problems = check_cell_outcomes(subject, functions)
        gradient_found, gradient_line = gradient_problems(subject, functions)
        answerable = answerable_notes(subject, functions)
    problems += raised.values()
    # A mutant whose recogniser raised is named something else: that problem says why.
    problems += [problem for key, outcome in hidden.items() if key not in raised for problem in outcome.problems]
    problems += pair_problems + cell_problems + gradient_found
    rows = [_row(subject, mistake.id, hidden, before, broken) for mistake in contract.own_mistakes]
    notes = [f"hidden cases of {len(subject.students)} students, {len(subject.mutants)} mutants", gradient_line]
    notes += answerable
    notes += [f"given helpers that neither the reference nor a public example calls, so not checked: "
              f"{', '.join(uncalled)}"] if uncalled else []
    return CheckReport(contract.name, rows, problems, notes)


def _catalog_problems(subject: Subject) -> list[Problem]:
    charged = set(subject.contract.inputs_mistakes().values())
    return [Problem(subject.file("mistakes.py"), mistake.id, "no recogniser in RECOGNISERS, and no inputs-kept check "
                    "charges it", "add its recogniser (usually mutant(f), f the function a student making it writes)")
            for mistake in subject.contract.own_mistakes if not mistake.recognisers and mistake.id not in charged]


def _row(subject: Subject, mistake_id: str, hidden: dict[tuple[str, str], Hidden],
         before: dict[tuple[str, str], str], broken: set[str]) -> Row:
    contract = subject.contract
    functions = [name for name, _ in contract.mistakes[mistake_id].recognisers]
    functions += [name for name, charged in contract.inputs_mistakes().items() if charged == mistake_id]

    def cell(word_of) -> str:
        words = {name: word_of(name) for name in functions}
        if len(set(words.values())) <= 1:
            return next(iter(words.values()), "-")
        return "; ".join(f"{name}: {word}" for name, word in words.items())

    def hidden_word(name: str) -> str:
        if name in broken:
            return "- (the reference fails)"
        found = hidden.get((mistake_id, name))
        return found.status if found else NO_MUTANT

    confused = sorted({other for name in functions if (mistake_id, name) in hidden
                       for other in hidden[(mistake_id, name)].confused})
    return Row(mistake_id, tuple(dict.fromkeys(functions)), cell(hidden_word),
               cell(lambda name: before.get((mistake_id, name), "-")), ", ".join(confused) or "-")
