"""The students whose function failed with no catalog name, grouped by behaviour
(grading/grouping.py), as the report shows each group: its size, two or three of its answers
(the answer cell's code, from the autograded notebooks), its results against the reference's on
one common case, what they look like (the reference's times a factor), and the nearest
catalog mistake. Nothing here runs a student's code: it reads recorded results and text."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import nbformat

from ...course.cells import answer_id
from ...course.cells import grade_id as cell_grade_id
from ...course.contract import Contract
from ...course.paths import CourseDir
from ...course.plain import Unsupported, leaves, to_plain
from ...grading.behaviour import Behaviour, common_cases, reference_behaviour
from ...grading.grouping import Group, Grouping, case_distances, case_factors, group_behaviours
from ...grading.judge import expected_results
from ...nbgrader_glue.findings_table import FindingRow

ANSWERS_SHOWN = 3  # different answers shown per group, at most
ANSWERS_READ = 12  # autograded notebooks read per group to find them, at most
MAX_CODE_CHARS = 4000  # of an answer shown
NUMBERS_SHOWN = 6  # of a part of a result


@dataclass(frozen=True)
class Answer:
    student: str
    code: str


@dataclass(frozen=True)
class GroupView:
    """What the report shows of one group."""

    group: Group
    answers: tuple[Answer, ...]
    looks_like: str  # e.g. "the reference's times 1.443 on every common case", or ""
    nearest: tuple[str, float] | None  # the closest catalog mistake's id and its largest relative difference
    case: int | None  # the common case shown (the first where the group differs from the reference)
    rows: tuple[tuple[str, str, str], ...]  # (part, the reference's numbers, the group's numbers) on it


def class_groupings(contract: Contract, latest: dict[str, dict[str, FindingRow]]) -> dict[str, Grouping]:
    """{function: its grouping} for the functions some student's latest submission failed unnamed."""
    found = {}
    for function in contract.functions:
        behaviours = {student: rows[function].finding.behaviour for student, rows in latest.items()
                      if function in rows and rows[function].finding.behaviour is not None}
        if behaviours:
            found[function] = group_behaviours(function, behaviours, reference_behaviour(contract, function),
                                               contract.tolerances.rel_tolerance)
    return found


def answer_code(course: CourseDir, assignment: str, row: FindingRow) -> str | None:
    """The code of the answer cell of row's function in the student's autograded notebook."""
    path = course.autograded / row.student / assignment / f"{row.notebook}.ipynb"
    if not path.is_file():
        return None
    wanted = answer_id(row.finding.function)
    try:
        cells = nbformat.read(path, as_version=4).cells
    except Exception:  # noqa: BLE001 - a notebook nbgrader wrote and someone changed: no code to show
        return None
    return next((cell.source for cell in cells if cell_grade_id(cell) == wanted), None)


def representatives(course: CourseDir, assignment: str, group: Group, latest: dict[str, dict[str, FindingRow]],
                    function: str) -> list[Answer]:
    """Up to ANSWERS_SHOWN answers of different text, from each of the group's behaviours in turn."""
    found: list[Answer] = []
    seen: set[str] = set()
    order = [student for variant in group.variants for student in variant.students]
    for student in order[:ANSWERS_READ]:
        code = answer_code(course, assignment, latest[student][function])
        key = re.sub(r"\s+", " ", code or "").strip()
        if code is not None and key not in seen:
            seen.add(key)
            found.append(Answer(student, code[:MAX_CODE_CHARS]))
        if len(found) == ANSWERS_SHOWN:
            break
    return found


def looks_like(reference: Behaviour, behaviour: Behaviour, tolerance: float) -> str:
    """The group's results as the reference's times a factor, where one fits every case."""
    factors = case_factors(reference, behaviour, tolerance)
    if not factors or any(factor is None for factor in factors) or all(factor == 1.0 for factor in factors):
        return ""
    if max(factors) - min(factors) <= 1e-6 * max(map(abs, factors)):
        return f"the reference's results times {factors[0]:.6g} on every common case"
    return "the reference's results times a factor per case: " + ", ".join(f"{factor:.4g}" for factor in factors)


def catalog_behaviours(contract: Contract, function: str) -> dict[str, Behaviour]:
    """What each catalog mistake of function that can say returns on the common cases."""
    cases = common_cases(contract, function)
    predicted: dict[str, list] = {}
    for index, (args, wanted) in enumerate(zip(cases, expected_results(contract, function, cases))):
        for mistake, result in contract.mistake_predictions(function, args, wanted):
            if len(predicted.setdefault(mistake, [])) == index:  # its first prediction on this case
                predicted[mistake].append(to_plain(result))
    return {mistake: Behaviour.of(results) for mistake, results in predicted.items() if len(results) == len(cases)}


def nearest_mistake(catalog: dict[str, Behaviour], behaviour: Behaviour) -> tuple[str, float] | None:
    """The catalog mistake whose results on the common cases come closest to behaviour's."""
    distances = {mistake: max(case_distances(results, behaviour)) for mistake, results in catalog.items()}
    found = min(distances.items(), key=lambda item: item[1], default=None)
    return found if found is not None and math.isfinite(found[1]) else None


def _numbers_text(leaf) -> str:
    if isinstance(leaf, Unsupported):
        return leaf.type_name
    values = [f"{value:.4g}" for value in leaf.ravel()[:NUMBERS_SHOWN]]
    return ", ".join(values) + (", ..." if leaf.size > NUMBERS_SHOWN else "")


def case_rows(reference: Behaviour, behaviour: Behaviour, tolerance: float) -> tuple[int | None, tuple]:
    """The first common case where behaviour differs from the reference, and its parts side by side."""
    distances = case_distances(reference, behaviour)
    case = next((index for index, distance in enumerate(distances) if distance > tolerance), None)
    if case is None:
        return None, ()
    theirs = dict(leaves(behaviour.results[case]))
    ours = dict(leaves(reference.results[case]))
    paths = list(dict.fromkeys([*ours, *theirs]))
    return case, tuple(("".join(f"[{key!r}]" for key in path) or "result",
                        _numbers_text(ours[path]) if path in ours else "-",
                        _numbers_text(theirs[path]) if path in theirs else "-") for path in paths)


def group_views(course: CourseDir, assignment: str, contract: Contract, grouping: Grouping,
                latest: dict[str, dict[str, FindingRow]]) -> tuple[GroupView, ...]:
    reference = reference_behaviour(contract, grouping.function)
    catalog = catalog_behaviours(contract, grouping.function)
    tolerance = contract.tolerances.rel_tolerance
    views = []
    for group in grouping.groups:
        behaviour = group.variants[0].behaviour
        case, rows = case_rows(reference, behaviour, tolerance)
        views.append(GroupView(group, tuple(representatives(course, assignment, group, latest, grouping.function)),
                               looks_like(reference, behaviour, tolerance),
                               nearest_mistake(catalog, behaviour), case, rows))
    return tuple(views)
