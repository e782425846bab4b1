"""source/, release/, solutions/ and samples/ are exactly what the tools generate."""

from __future__ import annotations

import copy

import nbformat
import pytest

from backprop_course.authoring.build import build_notebook
from backprop_course.authoring.catalog_page import catalog_markdown
from backprop_course.authoring.samples import build_samples
from backprop_course.commands.generate import generate

from .support import REPO_COURSE
from .support.backprop import HELPER_FILE, NOTEBOOKS, helper_module_text


def normalised(path) -> dict:
    """A notebook without what legitimately varies between two runs of the same tools.

    That is execution timestamps, how a kernel split its printed output into messages,
    rendered image bytes (fonts, library versions) and the Python version in language_info.
    """
    notebook = copy.deepcopy(nbformat.read(path, as_version=4))
    notebook.metadata.get("language_info", {}).pop("version", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.outputs:
            if output.output_type == "stream" and merged and merged[-1].get("name") == output.name:
                merged[-1]["text"] += output.text
                continue
            output = dict(output)
            if "data" in output:
                output["data"] = {key: ("<image>" if key.startswith("image/") else value)
                                  for key, value in output["data"].items()}
            merged.append(output)
        cell.outputs = merged
    return notebook


def test_source_notebooks_are_what_the_lessons_build():
    course = REPO_COURSE
    for notebook in NOTEBOOKS:
        committed = nbformat.read(course.source / notebook.filename, as_version=4)
        built = nbformat.from_dict(build_notebook(course, notebook))
        assert committed == built, f"run `make notebooks`: source/{notebook.filename} is stale"


def test_the_helper_module_beside_the_source_notebooks_is_what_the_package_writes():
    committed = (REPO_COURSE.source / HELPER_FILE).read_text()
    assert committed == helper_module_text(), f"run `make notebooks`: source/{HELPER_FILE} is stale"


def test_samples_are_what_build_samples_writes(course):
    committed = {path: path.read_bytes() for path in course.samples.rglob("*") if path.is_file()}
    build_samples(course)
    rebuilt = {path: path.read_bytes() for path in course.samples.rglob("*") if path.is_file()}
    assert rebuilt == committed, "run `backprop-course build-samples`: samples/ is stale"


@pytest.mark.slow
def test_release_and_solutions_are_what_nbgrader_generates(course):
    committed = {
        (folder, notebook.filename): normalised(getattr(course, folder) / notebook.filename)
        for folder in ("release", "solutions")
        for notebook in NOTEBOOKS
    }
    modules = {folder: (getattr(course, folder) / HELPER_FILE).read_text() for folder in ("release", "solutions")}
    generate(course)
    for (folder, filename), notebook in committed.items():
        regenerated = normalised(getattr(course, folder) / filename)
        assert regenerated == notebook, f"{folder}/{filename} differs from what nbgrader generates from source/"
    for folder, module in modules.items():
        assert (getattr(course, folder) / HELPER_FILE).read_text() == module == helper_module_text(), folder


def test_the_catalog_page_is_what_the_catalog_writes():
    committed = (REPO_COURSE.docs / "mistakes.md").read_text()
    contracts = [REPO_COURSE.of(name).contract for name in REPO_COURSE.assignment_names]
    assert committed == catalog_markdown(contracts), "run `backprop-course catalog`: docs/mistakes.md is stale"
