"""The `backprop-course` command: a thin layer over the instructor verbs.

    backprop-course [--course-dir DIR] [--debug] COMMAND [ARGS] [--Class.trait=value ...]

Every command acts on an nbgrader course directory: the current one by default, as nbgrader's
own apps do. Its nbgrader_config.py is read, and the `--Class.trait=value` options go on top of
it, here and in every nbgrader app a command runs (for example `--CourseDirectory.db_url=...`,
`--SandboxedGrading.cell_timeout=60`, `--SandboxedGrading.unsafe=True`). A failure is one line
that says what to do; --debug shows its traceback.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .course.paths import CourseDir
from .nbgrader_glue.course_config import is_option, open_course


def _build_step(until: str, catalog: bool = False):
    """The handler of a command that runs the build's steps up to until (commands/build.py)."""

    def handler(course: CourseDir, args: argparse.Namespace) -> int:
        from .commands.build import build

        names = [args.assignment] if getattr(args, "assignment", None) else course.assignment_names
        outcome = build(course, names, until, catalog=catalog, regenerate=getattr(args, "all", False),
                        debug=args.debug)
        return 0 if outcome.ok else 1

    return handler


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
        outcome = new_assignment(course, args.name)
    except NewAssignmentError as error:
        print(f"backprop-course new-assignment: {error}")
        return 2
    if not outcome.ok:
        return 1
    print(f"next: edit assignments/{args.name}/, then `make notebooks` (or `backprop-course build --assignment "
          f"{args.name}`); grade with `nbgrader autograde {args.name}`")
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


def _update_assignment(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.update_assignment import UpdateError, update_assignment
    from .sandbox.sandbox import SandboxUnavailableError

    try:
        updated = update_assignment(course, args.assignment, jobs=args.jobs, progress=not args.no_progress)
    except (UpdateError, SandboxUnavailableError) as error:
        print(f"backprop-course update-assignment: {error}")
        return 2
    return 0 if updated.graded_in_full else 1


def _catalog(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.build import write_catalog

    if not write_catalog(course):
        print("docs/mistakes.md: up to date")
    return 0


def _screenshots(course: CourseDir, args: argparse.Namespace) -> int:
    from .commands.browser import BrowserUnavailableError
    from .commands.screenshots import write_screenshots
    from .commands.serving import LabError

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
    "build-source": (_build_step("check-assignment"), "write source/ notebooks from the lessons in "
                                                     "assignments/*/lessons/, then check-assignment's checks"),
    "generate": (_build_step("generate"), "build-source, then nbgrader generate_assignment and generate_solution of "
                                          "the notebooks that changed"),
    "build-samples": (_build_step("build-samples"), "build-source and generate, then the sample submissions under "
                                                    "samples/ from release/"),
    "build": (_build_step("build-samples", catalog=True), "every step of `make notebooks`: build-source, generate, "
                                                          "build-samples and catalog, only what changed"),
    "demo": (_demo, "the whole instructor pipeline on the sample submissions"),
    "new-assignment": (_new_assignment, "start assignments/NAME/ from a small working example, built at once"),
    "check-assignment": (_check_assignment, "find an assignment's silent traps: a table of its mistakes (caught "
                                            "by the hidden cases, by the check cells, confused with) and its problems"),
    "catalog": (_catalog, "write docs/mistakes.md from the mistake catalog"),
    "autograde": (_autograde, "grade all submissions concurrently (nbgrader autograde, one gradebook writer)"),
    "update-assignment": (_update_assignment, "apply a changed assignment after students submitted: build it, bring "
                                              "the gradebook's cells to it (manual grades kept), release it, grade "
                                              "everyone again and show whose score changed"),
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
# The options of the commands that grade a class (autograde.py).
GRADING_OPTIONS = (
    (("--jobs", "-j"), {"type": int, "default": None, "help": "notebooks graded at once (default: the cores)"}),
    (("--db-url",), {"default": None, "help": "the gradebook (SQLAlchemy URL, e.g. postgresql://...); "
                                              "the same as --CourseDirectory.db_url=URL"}),
    (("--unsafe",), {"action": "store_true", "help": "no sandbox, only for submissions you trust; the same as "
                                                      "--SandboxedGrading.unsafe=True"}),
    (("--no-progress",), {"action": "store_true", "help": "no progress bar"}),
)
EVERY_NOTEBOOK = (("--all",), {"action": "store_true", "help": "generate every notebook's release and solution, "
                                                                  "changed or not (after an upgrade of nbgrader, say)"})
COMMAND_ARGUMENTS = {
    "build-source": [ONE_ASSIGNMENT],
    "generate": [ONE_ASSIGNMENT, EVERY_NOTEBOOK],
    "build-samples": [ONE_ASSIGNMENT],
    "build": [ONE_ASSIGNMENT, EVERY_NOTEBOOK],
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
    "update-assignment": [
        (("assignment",), {"help": "the assignment to update, e.g. backprop"}),
        *GRADING_OPTIONS,
    ],
    "autograde": [
        (("assignment",), {"help": "the assignment to grade, e.g. backprop"}),
        *GRADING_OPTIONS,
        (("--scheduler",), {"default": None, "help": "grade on a Dask cluster: its scheduler's address"}),
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=None,
                        help="the nbgrader course directory (default: the current directory)")
    parser.add_argument("--debug", action="store_true",
                        help="a failure shows its traceback (by default: one line that says what to do)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        for flags, keywords in COMMAND_ARGUMENTS.get(name, []):
            command.add_argument(*flags, **keywords)
    args, rest = parser.parse_known_args(argv)
    unknown = [argument for argument in rest if not is_option(argument)]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    options = [*rest, *shorthand_options(args)]
    handler, _ = COMMANDS[args.command]
    course = open_course(args.course_dir, options)
    try:
        return handler(course, args)
    except Exception as error:
        if args.debug:
            raise
        print(f"backprop-course {args.command}: {one_line(error, course)}")
        return 1


def one_line(error: Exception, course: CourseDir) -> str:
    """A failure as one line: an author's fault as its message says it (file, line, what to do),
    any other with its type and a pointer to --debug; paths relative to the course directory."""
    from .course.author_errors import AuthorError

    text = str(error) if isinstance(error, AuthorError) else \
        f"{type(error).__name__}: {error} (run with --debug for the traceback)"
    return " ".join(text.replace(f"{course.root}/", "").split("\n"))


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
