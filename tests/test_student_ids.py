"""What a student id may be (course/student_ids.py), and the doors where ids enter the course
(nbgrader_glue/student_guard.py): the gradebook, nbgrader's collect from a real exchange, and the
list of submissions autograde works through."""

from __future__ import annotations

import json
import logging
import os
import shutil

import pytest
from nbgrader.api import Gradebook, InvalidEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from backprop_course.course.student_ids import MAX_LENGTH, is_student_id, refusal
from backprop_course.nbgrader_glue.student_guard import CheckedCollect, guard_gradebook
from backprop_course.recording.recorder import submissions

# What JupyterHub and nbgrader courses call their students.
HONEST = ("jdoe", "j.doe", "jdoe2", "j_doe", "jdoe@example.edu", "JDoe", "solution_student", "a", "x" * MAX_LENGTH)
HOSTILE = ("atk-id<script defer src=x.js>", "<img src=x onerror=alert(1)>", 'q"uote', "it's", "../etc", "a/b",
           "a\\b", ".hidden", "-rf", "x" * (MAX_LENGTH + 1), "", " jdoe", "jdoe\n", "sp ace", "jdoe.", "a..b",
           "jos\u00e9", "a+b", "*", "j\u202edoe", "%2e%2e")


@pytest.mark.parametrize("student_id", HONEST)
def test_ids_of_the_forms_hubs_give_are_ids(student_id):
    assert is_student_id(student_id)


@pytest.mark.parametrize("student_id", HOSTILE)
def test_markup_paths_and_odd_characters_are_no_ids_and_the_refusal_says_what_to_do(student_id):
    assert not is_student_id(student_id)
    line = refusal(student_id, "folder submitted/x")
    assert "\n" not in line and line.isascii() and "submitted/x" in line and "rename the folder" in line
    assert "<" not in line or "<" in ascii(student_id)  # quoted as data, never bare


@pytest.mark.slow  # a new nbgrader gradebook (nbgrader runs `alembic` for it): seconds
def test_the_gradebook_takes_no_refused_id_by_any_way_in(tmp_path):
    guard_gradebook()
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        gradebook.add_student("jdoe@example.edu", first_name="<b>Jane</b>")
        for student_id in HOSTILE[:4]:
            with pytest.raises(InvalidEntry, match="refused student id"):
                gradebook.add_student(student_id)
            gradebook.db.rollback()
            with pytest.raises(InvalidEntry, match="refused student id"):
                gradebook.update_or_create_student(student_id, first_name="x")
            gradebook.db.rollback()
        assert [student.id for student in gradebook.students] == ["jdoe@example.edu"]


def test_autograde_lists_no_submission_of_a_refused_id(tmp_path):
    for student in ("jdoe", "j.doe", *HOSTILE[:3]):
        (tmp_path / "submitted" / student / "backprop").mkdir(parents=True)
        (tmp_path / "submitted" / student / "backprop" / "single_neuron.ipynb").write_text("{}")
    said = []
    found = submissions(CourseDirectory(root=str(tmp_path)), "backprop", said.append)
    assert sorted(found) == ["j.doe", "jdoe"]
    assert len(said) == 3 and all("refused student id" in line for line in said)


def collect_config(tmp_path) -> Config:
    """nbgrader's collect of backprop from tmp_path/exchange into the course tmp_path/course."""
    config = Config()
    config.CourseDirectory.root = str(tmp_path / "course")
    config.CourseDirectory.course_id = "course"
    config.CourseDirectory.assignment_id = "backprop"
    config.CourseDirectory.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    config.Exchange.root = str(tmp_path / "exchange")
    return config


@pytest.mark.slow  # nbgrader collect into a new gradebook: seconds
def test_collect_takes_only_exchange_folders_of_ids_and_goes_on_past_one_it_cannot_read(tmp_path, caplog):
    course = tmp_path / "course"
    exchange = tmp_path / "exchange"
    inbound = exchange / "course" / "inbound"
    for name in ("jdoe+backprop+2026-12-01 10:00:00.000000 UTC", "j.doe+backprop+2026-12-01 10:00:00.000000 UTC",
                 "atk<script>+backprop+2026-12-01 10:00:00.000000 UTC", "nobody+backprop+not a time",
                 "x y+backprop+2026-12-01 10:00:00.000000 UTC"):
        (inbound / name).mkdir(parents=True)
        (inbound / name / "single_neuron.ipynb").write_text("{}")
    config = collect_config(tmp_path)
    collect = CheckedCollect(coursedir=CourseDirectory(config=config), config=config)
    with caplog.at_level(logging.ERROR):
        collect.start()
    assert sorted(path.name for path in (course / "submitted").iterdir()) == ["j.doe", "jdoe"]
    refused = [record.getMessage() for record in caplog.records if "refused student id" in record.getMessage()]
    assert len(refused) == 3 and all("exchange folder" in line for line in refused)


@pytest.mark.skipif(os.geteuid() != 0, reason="handing exchange folders to other users needs root")
def test_collect_on_a_hub_of_unix_users_takes_only_what_the_student_s_own_user_handed_in(tmp_path, caplog):
    """`nobody` hands in; later `daemon` hands in under nobody's id, and once as itself."""
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    inbound = exchange / "course" / "inbound"
    for student, owner, time in (("nobody", "nobody", "10:00"), ("nobody", "daemon", "11:00"),
                                 ("daemon", "daemon", "10:30")):
        folder = inbound / f"{student}+backprop+2026-12-01 {time}:00.000000 UTC+x"
        folder.mkdir(parents=True)
        (folder / "single_neuron.ipynb").write_text(f'{{"by": "{owner}"}}')
        for path in (folder, folder / "single_neuron.ipynb"):
            shutil.chown(path, owner)
    config = collect_config(tmp_path)
    config.CheckedCollect.owners_are_students = True
    with caplog.at_level(logging.ERROR):
        CheckedCollect(coursedir=CourseDirectory(config=config), config=config).start()
    handed_in = {student: json.loads((course / "submitted" / student / "backprop" / "single_neuron.ipynb").read_text())
                 for student in ("nobody", "daemon")}
    assert handed_in == {"nobody": {"by": "nobody"}, "daemon": {"by": "daemon"}}
    skipped = [record.getMessage() for record in caplog.records if "skipped" in record.getMessage()]
    assert len(skipped) == 1 and "handed in as nobody by the user daemon" in skipped[0], skipped
