"""LMS export plugins: Canvas's gradebook CSV and Moodle's grading worksheet from a real gradebook."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.apps import NbgraderError, nbgrader
from backprop_course.nbgrader_glue.lms_export import canvas_rows, moodle_assignment, moodle_identifier, moodle_rows

# nbgrader's Gradebook.add_submission builds its rows before adding them to the session, which
# SQLAlchemy warns about (nbgrader's code, not ours; the rows are written all the same).
pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning")

COURSE_ID = "lms-export-test"
CANVAS_EXPORTER = "--exporter=backprop_course.nbgrader_glue.lms_export.CanvasExportPlugin"
MOODLE_EXPORTER = "--exporter=backprop_course.nbgrader_glue.lms_export.MoodleExportPlugin"
# A line of a CSV file whose every field is quoted (inner quotes doubled).
ALL_QUOTED_LINE = re.compile(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*')

# Students come in the gradebook's order: last name, then first name, no name first.
CANVAS_EXPECTED = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Warm-up (812)", "backprop"],
    ["    Points Possible", "", "", "", "", "5.00", "30.00"],
    ["carol", "", "", "carol", "", "0.00", "0.00"],
    ["Builder, Bob", "4712", "", "bob", "", "0.00", "27.00"],
    ['O"Neil, Jr., Jane', "4711", "", "jane", "", "5.00", "23.50"],
]
MOODLE_HEADER = [
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
]
GRADED_AT = 8  # column of "Last modified (grade)": the time of the export
MOODLE_EXPECTED_BACKPROP = [
    MOODLE_HEADER,
    ["", "carol", "", "No submission", "0.00", "30.00", "Yes", "-", None, "No submission in nbgrader."],
    [
        "Participant 4712",
        "Bob Builder",
        "bob@example.org",
        "Submitted for grading",
        "27.00",
        "30.00",
        "Yes",
        "2026-11-19T08:00:00+00:00",
        None,
        "multilayer: 12.00/15.00; single_neuron: 15.00/15.00",
    ],
    [
        "Participant 4711",
        'Jane O"Neil, Jr.',
        "jane.oneil@example.org",
        "Submitted for grading - Graded",
        "23.50",
        "30.00",
        "Yes",
        "2026-11-21T10:30:00+00:00",
        None,
        "multilayer: 13.50/15.00; single_neuron: 12.00/15.00; late penalty: 2.00",
    ],
]


def set_grade(gradebook: Gradebook, cell: str, notebook: str, assignment: str, student: str, **scores) -> None:
    grade = gradebook.find_grade(cell, notebook, assignment, student)
    for name, value in scores.items():
        setattr(grade, name, value)
    grade.needs_manual_grade = False
    gradebook.db.commit()


def build_gradebook(db_url: str) -> None:
    """Two assignments, three students: a late one with a quoted, comma'd name, one with a hand grade
    still open, and one without names, LMS id or a backprop submission (and a penalty above her score)."""
    with Gradebook(db_url, course_id=COURSE_ID) as gradebook:
        gradebook.add_assignment("warmup", duedate="2026-10-01 12:00:00 UTC")
        gradebook.add_notebook("intro", "warmup")
        gradebook.add_grade_cell("intro_check", "intro", "warmup", max_score=5, cell_type="code")
        gradebook.add_assignment("backprop", duedate="2026-11-20 12:00:00 UTC")
        gradebook.add_notebook("single_neuron", "backprop")
        gradebook.add_grade_cell("sn_forward", "single_neuron", "backprop", max_score=10, cell_type="code")
        gradebook.add_grade_cell("sn_update", "single_neuron", "backprop", max_score=5, cell_type="code")
        gradebook.add_notebook("multilayer", "backprop")
        gradebook.add_grade_cell("ml_train", "multilayer", "backprop", max_score=12, cell_type="code")
        gradebook.add_grade_cell("ml_discussion", "multilayer", "backprop", max_score=3, cell_type="markdown")

        gradebook.add_student(
            "jane", first_name="Jane", last_name='O"Neil, Jr.', email="jane.oneil@example.org", lms_user_id="4711"
        )
        gradebook.add_student("bob", first_name="Bob", last_name="Builder", email="bob@example.org", lms_user_id="4712")
        gradebook.add_student("carol")

        gradebook.add_submission("warmup", "jane", timestamp="2026-09-30 08:00:00 UTC")
        set_grade(gradebook, "intro_check", "intro", "warmup", "jane", auto_score=5.0)
        gradebook.add_submission("warmup", "carol", timestamp="2026-10-09 08:00:00 UTC")
        set_grade(gradebook, "intro_check", "intro", "warmup", "carol", auto_score=1.0)
        gradebook.find_submission_notebook("intro", "warmup", "carol").late_submission_penalty = 3.0

        gradebook.add_submission("backprop", "jane", timestamp="2026-11-21 10:30:00 UTC")
        set_grade(gradebook, "sn_forward", "single_neuron", "backprop", "jane", auto_score=10.0)
        set_grade(gradebook, "sn_update", "single_neuron", "backprop", "jane", auto_score=2.0)
        set_grade(gradebook, "ml_train", "multilayer", "backprop", "jane", auto_score=10.5)
        set_grade(gradebook, "ml_discussion", "multilayer", "backprop", "jane", manual_score=3.0)
        gradebook.find_submission_notebook("multilayer", "backprop", "jane").late_submission_penalty = 2.0

        gradebook.add_submission("backprop", "bob", timestamp="2026-11-19 08:00:00 UTC")
        set_grade(gradebook, "sn_forward", "single_neuron", "backprop", "bob", auto_score=10.0)
        set_grade(gradebook, "sn_update", "single_neuron", "backprop", "bob", auto_score=5.0)
        set_grade(gradebook, "ml_train", "multilayer", "backprop", "bob", auto_score=12.0)
        gradebook.db.commit()


@pytest.fixture(scope="module")
def built_gradebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gradebook above, built once for the module; each test gets a copy (course_dir)."""
    path = tmp_path_factory.mktemp("lms-gradebook") / "gradebook.db"
    build_gradebook(f"sqlite:///{path}")
    return path


@pytest.fixture
def course_dir(tmp_path: Path, built_gradebook: Path) -> Path:
    """A minimal nbgrader course directory whose gradebook holds the students above."""
    course = tmp_path / "course"
    course.mkdir()
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    shutil.copy2(built_gradebook, course / "gradebook.db")  # a fresh copy: no path is stored in it
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.CourseDirectory.db_url = {db_url!r}\n"
        "c.CanvasExportPlugin.assignment_columns = {'warmup': 'Warm-up (812)'}\n"
    )
    return course


def db_url_of(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def assert_worksheet(rows: list[list[str]], expected: list[list[str | None]], before: datetime, after: datetime):
    """The rows as expected, each export time (None above) between before and after (whole seconds)."""
    assert rows[0] == expected[0]
    assert len(rows) == len(expected)
    for row, want in zip(rows[1:], expected[1:]):
        graded_at = datetime.fromisoformat(row[GRADED_AT])
        assert graded_at.utcoffset().total_seconds() == 0
        assert before.replace(microsecond=0) <= graded_at <= after
        assert row[:GRADED_AT] + row[GRADED_AT + 1 :] == want[:GRADED_AT] + want[GRADED_AT + 1 :]


def test_canvas_rows_from_gradebook(course_dir):
    with Gradebook(db_url_of(course_dir), course_id=COURSE_ID) as gradebook:
        rows = canvas_rows(gradebook, [], [], {"warmup": "Warm-up (812)"})
        assert rows == CANVAS_EXPECTED
        only_jane = canvas_rows(gradebook, ["backprop"], ["jane"], {})
    assert only_jane == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "backprop"],
        ["    Points Possible", "", "", "", "", "30.00"],
        ['O"Neil, Jr., Jane', "4711", "", "jane", "", "23.50"],
    ]


def test_moodle_rows_from_gradebook(course_dir):
    before = datetime.now(UTC)
    with Gradebook(db_url_of(course_dir), course_id=COURSE_ID) as gradebook:
        rows = moodle_rows(gradebook, "backprop", [], datetime.now(UTC))
    assert_worksheet(rows, MOODLE_EXPECTED_BACKPROP, before, datetime.now(UTC))


def test_moodle_identifier_and_assignment():
    assert moodle_identifier("4712") == "Participant 4712"
    assert moodle_identifier("Participant 4712") == "Participant 4712"
    assert moodle_identifier(None) == ""
    assert moodle_assignment([], ["backprop"]) == "backprop"
    assert moodle_assignment(["warmup"], ["backprop", "warmup"]) == "warmup"
    with pytest.raises(ValueError, match="one assignment"):
        moodle_assignment(["warmup", "backprop"], ["backprop", "warmup"])
    with pytest.raises(ValueError, match="choose one with --assignment"):
        moodle_assignment([], ["backprop", "warmup"])


@pytest.mark.slow
def test_canvas_export_command(course_dir):
    nbgrader("export", CANVAS_EXPORTER, "--to", "canvas.csv", course=CourseDir(course_dir))
    assert read_csv(course_dir / "canvas.csv") == CANVAS_EXPECTED
    lines = (course_dir / "canvas.csv").read_bytes().decode("utf-8").split("\r\n")
    assert lines[-1] == ""
    assert all(ALL_QUOTED_LINE.fullmatch(line) for line in lines[:-1])
    assert '"O""Neil, Jr., Jane"' in lines[4]


@pytest.mark.slow
def test_moodle_export_command_asks_which_assignment_when_the_gradebook_has_several(course_dir):
    result = nbgrader("export", MOODLE_EXPORTER, "--to", "moodle.csv", course=CourseDir(course_dir), check=False)
    assert result.returncode != 0
    assert "the gradebook has backprop, warmup, so choose one with --assignment" in result.stdout + result.stderr
    assert not (course_dir / "moodle.csv").exists()


@pytest.mark.slow
def test_moodle_export_command_of_the_course_assignment(course_dir):
    before = datetime.now(UTC)
    nbgrader("export", MOODLE_EXPORTER, "--to", "moodle.csv", "--assignment", "backprop",
             course=CourseDir(course_dir))
    after = datetime.now(UTC)
    assert_worksheet(read_csv(course_dir / "moodle.csv"), MOODLE_EXPECTED_BACKPROP, before, after)
    lines = (course_dir / "moodle.csv").read_text(encoding="utf-8").splitlines()
    assert all(ALL_QUOTED_LINE.fullmatch(line) for line in lines)


@pytest.mark.slow
def test_moodle_export_command_of_another_assignment(course_dir):
    before = datetime.now(UTC)
    result = nbgrader("export", MOODLE_EXPORTER, "--to", "warmup.csv", "--assignment", "warmup",
                      course=CourseDir(course_dir))
    after = datetime.now(UTC)
    expected = [
        MOODLE_HEADER,
        ["", "carol", "", "Submitted for grading - Graded", "0.00", "5.00", "Yes", "2026-10-09T08:00:00+00:00",
         None, "intro: 1.00/5.00; late penalty: 3.00"],
        ["Participant 4712", "Bob Builder", "bob@example.org", "No submission", "0.00", "5.00", "Yes", "-",
         None, "No submission in nbgrader."],
        ["Participant 4711", 'Jane O"Neil, Jr.', "jane.oneil@example.org", "Submitted for grading - Graded", "5.00",
         "5.00", "Yes", "2026-09-30T08:00:00+00:00", None, "intro: 5.00/5.00"],
    ]  # fmt: skip
    assert_worksheet(read_csv(course_dir / "warmup.csv"), expected, before, after)
    assert "Moodle will skip the rows of: carol" in result.stdout + result.stderr


@pytest.mark.slow
def test_moodle_export_command_refuses_two_assignments(course_dir):
    with pytest.raises(NbgraderError, match="ERROR] A Moodle grading worksheet is for one assignment") as error:
        nbgrader(
            "export", MOODLE_EXPORTER, "--to", "both.csv", "--assignment=['warmup','backprop']",
            course=CourseDir(course_dir),
        )
    assert "Traceback" not in str(error.value)
    assert not (course_dir / "both.csv").exists()


@pytest.mark.slow
def test_canvas_export_command_names_an_unknown_assignment(course_dir):
    with pytest.raises(NbgraderError, match="ERROR] No such assignment: backprop2"):
        nbgrader("export", CANVAS_EXPORTER, "--to", "x.csv", "--assignment", "backprop2", course=CourseDir(course_dir))
    assert not (course_dir / "x.csv").exists()
