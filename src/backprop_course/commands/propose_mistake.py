"""Instructor verb `propose-mistake ASSIGNMENT FUNCTION GROUP`: a group of the report's unnamed
mistakes (its number there) drafted into a catalog entry of the assignment's folder.

Steps, as a pipeline:
1. read the findings of the latest submissions in the gradebook and group them as the report
   does (the same numbers, while nothing is graded in between);
2. for each behaviour of the group, draft a mutant from the first of its students' answers that
   passes answer_code.py's checks (the answers are read from the autograded notebooks; none is
   run);
3. write the entry: an id and a hint to edit in assignment.toml, the mutants and the recogniser in
   mistakes.py (mistake_draft.py).
Then the instructor reviews the code, edits the hint, runs `check-assignment` and grades again:
the group's students are named by the new id, their scores unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..authoring.answer_code import Draft, RefusedAnswerError, draft_mutant
from ..authoring.mistake_draft import Entry, mistake_id_for, write_entry
from ..course.paths import CourseDir, contract_of
from ..grading.behaviour import reference_behaviour
from ..nbgrader_glue.findings_table import read_findings
from ..nbgrader_glue.gradebook import submitted_students
from .report.groups import answer_code, class_groupings, looks_like
from .report.prevalence import latest_findings

ANSWERS_TRIED = 10  # per behaviour of the group, at most


class ProposeError(RuntimeError):
    """No entry can be drafted; the message says why and what to do."""


@dataclass(frozen=True)
class Proposal:
    mistake: str
    written: list[Path]
    drafted_from: list[str]  # the students whose answers became its mutants
    refused: list[tuple[str, str]]  # (student, why) of the answers passed over
    size: int


def propose_mistake(course: CourseDir, assignment: str, function: str, number: int) -> Proposal:
    """Draft group number of function's unnamed mistakes into the assignment's folder."""
    contract = contract_of(course.root, assignment)
    if contract is None:
        raise ProposeError(f"the course has no folder assignments/{assignment}/")
    if function not in contract.functions:
        raise ProposeError(f"{assignment} grades no function {function!r} (it grades {', '.join(contract.functions)})")
    if contract.functions[function].scenario is not None or "." in function:
        raise ProposeError(f"{function} is graded through a scenario or is a method: write its mutant by hand")
    students = submitted_students(course.db_url, assignment)
    latest = latest_findings([row for row in read_findings(course.db_url, assignment) if row.student in students])
    grouping = class_groupings(contract, latest).get(function)
    group = grouping.group(number) if grouping else None
    if group is None:
        numbers = ", ".join(str(group.number) for group in grouping.groups) if grouping else "none"
        raise ProposeError(f"{function} has no group {number} of unnamed mistakes (its groups: {numbers}; "
                           f"`backprop-course report {assignment}` shows them)")
    callees = contract.callees(function)
    mistake = mistake_id_for(function, number, contract.mistakes)
    drafts: list[Draft] = []
    drafted_from, refused = [], []
    for index, variant in enumerate(group.variants, 1):
        for student in variant.students[:ANSWERS_TRIED]:
            code = answer_code(course, assignment, latest[student][function])
            try:
                if code is None:
                    raise RefusedAnswerError("its autograded notebook has no answer cell for it")
                drafts.append(draft_mutant(code, function, callees, f"_{mistake.replace('-', '_')}_{index}"))
            except RefusedAnswerError as error:
                refused.append((student, str(error)))
                continue
            drafted_from.append(student)
            break
    if not drafts:
        reasons = "; ".join(f"{student}: {why}" for student, why in refused[:5])
        raise ProposeError(f"no answer of group {number} could be drafted into a mutant ({reasons}): "
                           f"write its mutant by hand")
    seen = looks_like(reference_behaviour(contract, function), group.variants[0].behaviour,
                      contract.tolerances.rel_tolerance)
    origin = (f"Drafted from group {number} ({group.key}) of {function}: {group.size} students"
              + (f", {seen}" if seen else "") + ".")
    hint = f"(To edit) A mistake in {function} that several answers share: say what it is and how to fix it."
    covers = (f"results equal to those of {len(drafts)} student answer{'s' if len(drafts) > 1 else ''} "
              f"(drafted from a group of {group.size}; to edit)")
    written = write_entry(course.of(assignment).assignment_folder,
                          Entry(mistake, hint, covers, origin, function, tuple(drafts)))
    return Proposal(mistake, written, drafted_from, refused, group.size)


def proposal_lines(proposal: Proposal, course: CourseDir, assignment: str) -> list[str]:
    """What `backprop-course propose-mistake` prints."""
    lines = [f"wrote {path.relative_to(course.root)}" for path in proposal.written]
    lines.append(f"{proposal.mistake}: {proposal.size} students; mutants drafted from the answers of "
                 f"{', '.join(proposal.drafted_from)}"
                 + (f" ({len(proposal.refused)} answers passed over)" if proposal.refused else ""))
    lines.append("review the drafted code in mistakes.py (a student's, it runs outside the sandbox wherever the "
                 "catalog is used) and edit the hint in assignment.toml; then "
                 f"`backprop-course check-assignment {assignment}` and grade again "
                 f"(`backprop-course autograde {assignment}`)")
    return lines
