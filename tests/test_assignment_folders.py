"""Assignments are folders of the course: the grader's layers name none of them, and a folder is
read (and refused) as its author would expect."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

from backprop_course.course.loading import ContractError, load_contract, read_contract_files
from backprop_course.course.paths import CourseDir

from .support import REPO_COURSE, REPO_ROOT

# The layers that grade any assignment: the grader, the nbgrader glue, the code run in the
# student's kernel, the authoring build and the model of an assignment.
GENERIC_LAYERS = ("sandbox", "grading", "nbgrader_glue", "pages", "recording", "in_kernel", "authoring", "course")


def names_of(course: CourseDir, assignment: str) -> set[str]:
    """What only one assignment knows: its notebooks, functions, given helpers, cell ids, mistake
    ids and helper module (its own name is left out: it is also this product's name)."""
    contract = course.of(assignment).contract
    names = {contract.helper_module, *contract.manual_grade_ids}
    for notebook in contract.notebooks:
        names |= {notebook.name, *notebook.given}
        for function in notebook.functions:
            names |= {function.name, function.answer_id, function.visible_check_id}
            names |= {check.grade_id for check in function.checks}
    return names | {mistake.id for mistake in contract.own_mistakes}


def layer_files() -> list[Path]:
    package = REPO_ROOT / "src" / "backprop_course"
    return sorted(path for layer in GENERIC_LAYERS for path in (package / layer).rglob("*")
                  if path.is_file() and path.suffix in (".py", ".j2", ".html", ".css", ".js", ".tpl"))


@pytest.mark.parametrize("assignment", REPO_COURSE.assignment_names)
def test_the_grader_layers_name_no_assignment(assignment):
    names = names_of(REPO_COURSE, assignment)
    assert len(names) > 20, names  # the scan below looks for something
    word = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])")
    found = {f"{path.relative_to(REPO_ROOT)}:{number}: {match.group(1)}"
             for path in layer_files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             for match in word.finditer(line)}
    assert not found, "\n".join(sorted(found))


def broken_copy(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    folder = Path(shutil.copytree(REPO_COURSE.assignment_folder, tmp_path / REPO_COURSE.assignment))
    text = (folder / filename).read_text()
    assert old in text
    (folder / filename).write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(("filename", "old", "new", "message"), [
    ("assignment.toml", 'name = "dw", kind', 'name = "dw", points = 2, kind', "exactly one check has no points"),
    ("assignment.toml", 'kind = "structure"', 'kind = "shape"', "kind 'shape' is none of"),
    ("assignment.toml", 'given = ["sigmoid"]', 'given = ["sigmoid", "softplus"]', "no function 'softplus'"),
    ("assignment.toml", 'id = "loss-half-factor"', 'id = "loss-sum-not-mean"', "listed twice"),
    ("assignment.toml", 'id = "loss-half-factor"', 'id = "wrong-value"', "is the grader's own"),
    ("assignment.toml", 'mistake = "sgd-mutates-input" },\n]\n\n[[notebooks.functions]]\nname = "train_neuron"',
     'mistake = "sgd-mutates" },\n]\n\n[[notebooks.functions]]\nname = "train_neuron"', "names the catalog mistake"),
    ("assignment.toml", "[tolerances]", "[tolerances", "assignment.toml"),
    ("cases.py", '    "mse_loss": _predictions,\n', "", "no maker for it"),
    ("mistakes.py", '"loss-half-factor": (', '"loss-half-factr": (', "without a [[mistakes]] entry"),
    ("reference.py", "import numpy as np", "import numpy as np\n1 / 0",
     "importing it fails with ZeroDivisionError"),
])
def test_a_broken_assignment_folder_is_refused_naming_the_file_and_the_fault(tmp_path, filename, old, new, message):
    folder = broken_copy(tmp_path, filename, old, new)
    with pytest.raises(ContractError, match=re.escape(message)) as refused:
        load_contract(read_contract_files(folder))
    assert str(folder) in str(refused.value)


def test_a_missing_file_is_named(tmp_path):
    folder = Path(shutil.copytree(REPO_COURSE.assignment_folder, tmp_path / REPO_COURSE.assignment))
    (folder / "mistakes.py").unlink()
    with pytest.raises(ContractError, match="mistakes.py is missing"):
        read_contract_files(folder)


def test_a_worker_loads_the_assignment_from_its_files_alone(tmp_path):
    """What a worker gets is the files' text: the folder may not exist there, and the reference's
    source (for the given cells) still reads, from the text."""
    folder = Path(shutil.copytree(REPO_COURSE.assignment_folder, tmp_path / "elsewhere" / REPO_COURSE.assignment))
    files = read_contract_files(folder)
    (folder / "reference.py").write_text((folder / "reference.py").read_text().replace("def ", "def changed_"))
    shutil.rmtree(folder)
    sent = pickle.loads(pickle.dumps(files))
    contract = load_contract(sent)
    assert contract.digest == files.digest == REPO_COURSE.contract.digest
    first = contract.notebooks[0]
    assert contract.given_code(first.given) == REPO_COURSE.contract.given_code(first.given)


def test_two_versions_of_an_assignment_do_not_mix(tmp_path):
    folder = broken_copy(tmp_path, "assignment.toml", "rel_tolerance = 1e-7", "rel_tolerance = 1e-6")
    changed, shipped = load_contract(read_contract_files(folder)), REPO_COURSE.contract
    assert changed.digest != shipped.digest and changed.reference is not shipped.reference
    assert (changed.tolerances.rel_tolerance, shipped.tolerances.rel_tolerance) == (1e-6, 1e-7)
    assert load_contract(read_contract_files(REPO_COURSE.assignment_folder)) is shipped  # loaded once per version
