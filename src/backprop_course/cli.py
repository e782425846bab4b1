"""The `backprop-course` command: a thin layer over the instructor verbs.

    backprop-course [--course-dir DIR] COMMAND [ARGS] [--Class.trait=value ...]

Every command acts on an nbgrader course directory: the current one by default, as nbgrader's
own apps do. Its nbgrader_config.py is read, and the `--Class.trait=value` options go on top of
it, here and in every nbgrader app a command runs (for example `--CourseDirectory.db_url=...`,
`--SandboxedGrading.cell_timeout=60`, `--SandboxedGrading.unsafe=True`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .course.paths import CourseDir
from .nbgrader_glue.course_config import is_option, open_course


def _assignments(course: CourseDir, args: argparse.Namespace) -> list[CourseDir]:
    """The course once per assignment a command acts on: --assignment's, or every one."""
    names = [args.assignment] if getattr(args, "assignment", None) else course.assignment_names
    return [course.of(name) for name in names]


def _build_source(course: CourseDir, args: argparse.Namespace) -> int:
    from .authoring.build import build_source

    failed = False
    for one in _assignments(course, args):
        for path in build_source(one):
            print(f"wrote {path.relative_to(course.root)}")
        failed |= not _checked_after_build(one)
    return 1 if failed else 0


def _generate(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.generate import generate

    for one in _assignments(course, args):
        generate(one)
        print(f"wrote {one.release.relative_to(course.root)} and {one.solutions.relative_to(course.root)}")
    return 0


def _build_samples(course: CourseDir, args: argparse.Namespace) -> int:
    from .authoring.samples import build_samples

    for one in _assignments(course, args):
        for path in build_samples(one):
            print(f"wrote {path.relative_to(course.root)}")
    return 0


def _demo(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.demo import run_demo

    return run_demo(course)


def _report(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.report import ReportError, summary_lines, write_report

    try:
        report, path = write_report(course, args.assignment)
    except ReportError as error:
        print(f"backprop-course report: {error}")
        return 1
    print("\n".join(summary_lines(report, path, course)))
    return 0


def _propose_mistake(course: CourseDir, args: argparse.Namespace) -> int:
    from .authoring.mistake_draft import DraftError
    from .commands.propose_mistake import ProposeError, proposal_lines, propose_mistake

    try:
        proposal = propose_mistake(course, args.assignment, args.function, args.group)
    except (ProposeError, DraftError) as error:
        print(f"backprop-course propose-mistake: {error}")
        return 1
    print("\n".join(proposal_lines(proposal, course, args.assignment)))
    return 0


def _autograde(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.autograde import AssignmentMissingError, autograde, summary
    from .sandbox.sandbox import SandboxUnavailableError

    try:
        lines = autograde(course, args.assignment, jobs=args.jobs, scheduler=args.scheduler,
                          progress=not args.no_progress)
    except SandboxUnavailableError as error:
        print(f"backprop-course autograde: refusing to grade without a sandbox: {error}")
        return 2
    except AssignmentMissingError as error:
        print(f"backprop-course autograde: {error}")
        return 2
    except KeyboardInterrupt:
        print("backprop-course autograde: stopped; every kernel is stopped and no submission is half-recorded")
        return 130
    text, code = summary(lines)
    print(text)
    return code


def _new_assignment(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.new_assignment import NewAssignmentError, new_assignment

    try:
        written = new_assignment(course, args.name)
    except NewAssignmentError as error:
        print(f"backprop-course new-assignment: {error}")
        return 2
    for path in written:
        print(f"wrote {path.relative_to(course.root)}")
    print(f"next: edit assignments/{args.name}/, then `make notebooks` (or build-source, generate, build-samples "
          f"with --assignment {args.name}); grade with `nbgrader autograde {args.name}`")
    return 0


def _check_assignment(course: CourseDir, args: argparse.Namespace) -> int:
    from .authoring.assignment_check import check_assignment
    from .course.loading import ContractError

    if args.name not in course.assignment_names:
        print(f"backprop-course check-assignment: the course has no folder assignments/{args.name}/ "
              f"(its assignments: {', '.join(course.assignment_names) or 'none'})")
        return 2
    try:
        report = check_assignment(course.of(args.name))
    except ContractError as error:
        print(f"backprop-course check-assignment: {error}")
        return 1
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


def _checked_after_build(course: CourseDir) -> bool:
    """check-assignment's checks of the assignment just built: its problems printed; whether none."""
    from .authoring.assignment_check import check_assignment

    report = check_assignment(course)
    print("\n".join(report.summary()))
    return report.ok


def _catalog(course: CourseDir, args: argparse.Namespace) -> int:
    from .authoring.catalog_page import write_catalog_page

    print(f"wrote {write_catalog_page(course).relative_to(course.root)}")
    return 0


def _screenshots(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.browser import BrowserUnavailableError
    from .commands.screenshots import write_screenshots
    from .commands.student_lab import LabError

    try:
        paths = write_screenshots(course)
    except (BrowserUnavailableError, LabError) as error:
        print(f"backprop-course screenshots: {error}")
        return 1
    for path in paths:
        print(f"wrote {path.relative_to(course.root)}")
    return 0


def _init(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.init_course import InitError, init_course

    try:
        lines = init_course(course, args.assignments or None)
    except InitError as error:
        print(f"backprop-course init: {error}")
        return 2
    print("\n".join(lines))
    print("next: `nbgrader generate_assignment NAME` for each, then the course's usual workflow "
          "(docs/instructors.md)")
    return 0


COMMANDS = {
    "build-source": (_build_source, "write source/ notebooks from the lessons in assignments/*/lessons/"),
    "generate": (_generate, "nbgrader generate_assignment and generate_solution"),
    "build-samples": (_build_samples, "write the sample submissions under samples/ from release/"),
    "demo": (_demo, "the whole instructor pipeline on the sample submissions"),
    "new-assignment": (_new_assignment, "start assignments/NAME/ from a small working example, built at once"),
    "check-assignment": (_check_assignment, "find an assignment's silent traps: a table of its mistakes (caught "
                                            "by the hidden cases, by the check cells, confused with) and its problems"),
    "catalog": (_catalog, "write docs/mistakes.md from the mistake catalog"),
    "autograde": (_autograde, "grade all submissions concurrently (nbgrader autograde, one gradebook writer)"),
    "report": (_report, "HTML report of scores and mistakes, unnamed mistakes grouped by behaviour "
                        "(reports/ASSIGNMENT.html, reports/ASSIGNMENT-mistakes.csv) and nbgrader export"),
    "propose-mistake": (_propose_mistake, "draft a catalog entry (assignment.toml, mistakes.py) from a group of "
                                          "the report's unnamed mistakes, for the instructor to review"),
    "init": (_init, "add the package's assignments and grading to an existing nbgrader course (this directory)"),
    "screenshots": (_screenshots, "docs/ screenshots: a feedback page (samples graded afresh), a check cell in "
                                  "JupyterLab (needs Chromium)"),
}

# Arguments of the commands that take any: {command: [(flags, add_argument's keywords)]}.
ONE_ASSIGNMENT = (("--assignment",), {"default": None, "help": "this assignment only (default: every one of the "
                                                                "course's assignments/)"})
COMMAND_ARGUMENTS = {
    "build-source": [ONE_ASSIGNMENT],
    "generate": [ONE_ASSIGNMENT],
    "build-samples": [ONE_ASSIGNMENT],
    "new-assignment": [(("name",), {"help": "the new assignment's nbgrader id, e.g. softmax"})],
    "check-assignment": [(("name",), {"help": "the assignment to check, e.g. backprop"})],
    "init": [(("assignments",), {"nargs": "*", "help": "the assignments to add (default: every one the package "
                                                       "ships)"})],
    "report": [(("assignment",), {"help": "the assignment to report on, e.g. backprop"})],
    "propose-mistake": [
        (("assignment",), {"help": "the assignment, e.g. classification"}),
        (("function",), {"help": "the graded function, e.g. cross_entropy"}),
        (("group",), {"type": int, "help": "the group's number in the report's unnamed mistakes of that function"}),
    ],
    "autograde": [
        (("assignment",), {"help": "the assignment to grade, e.g. backprop"}),
        (("--jobs", "-j"), {"type": int, "default": None, "help": "notebooks graded at once (default: the cores)"}),
        (("--scheduler",), {"default": None, "help": "grade on a Dask cluster: its scheduler's address"}),
        (("--db-url",), {"default": None, "help": "the gradebook (SQLAlchemy URL, e.g. postgresql://...); "
                                                  "the same as --CourseDirectory.db_url=URL"}),
        (("--unsafe",), {"action": "store_true", "help": "no sandbox, only for submissions you trust; the same as "
                                                          "--SandboxedGrading.unsafe=True"}),
        (("--no-progress",), {"action": "store_true", "help": "no progress bar"}),
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=None,
                        help="the nbgrader course directory (default: the current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        for flags, keywords in COMMAND_ARGUMENTS.get(name, []):
            command.add_argument(*flags, **keywords)
    args, rest = parser.parse_known_args(argv)
    unknown = [argument for argument in rest if not is_option(argument)]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    options = [*rest, *shorthand_options(args)]
    handler, _ = COMMANDS[args.command]
    return handler(open_course(args.course_dir, options), args)


def shorthand_options(args: argparse.Namespace) -> list[str]:
    """The --Class.trait=value options that --db-url and --unsafe stand for."""
    options = []
    if getattr(args, "db_url", None):
        options.append(f"--CourseDirectory.db_url={args.db_url}")
    if getattr(args, "unsafe", False):
        options.append("--SandboxedGrading.unsafe=True")
    return options


if __name__ == "__main__":
    raise SystemExit(main())
