"""Which contract an nbgrader step grades a notebook with: its assignment's folder of the course
(nbgrader's CourseDirectory.root), or the copy a worker was sent with its job."""

from __future__ import annotations

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Configurable

from ..course.contract import Contract
from ..course.loading import ContractFiles, load_contract
from ..course.paths import contract_of

# Where a worker's resources carry the contract's files (a worker may have no course folder).
RESOURCES_KEY = "backprop_contract"


def contract_for(step: Configurable, resources: dict) -> Contract | None:
    """The contract of the notebook in resources; None for an assignment graded with nbgrader's semantics."""
    if RESOURCES_KEY in resources:
        files: ContractFiles | None = resources[RESOURCES_KEY]
        return load_contract(files) if files is not None else None
    assignment = resources.get("nbgrader", {}).get("assignment", "")
    return contract_of(CourseDirectory(parent=step).root, assignment) if assignment else None


def contract_notebook(contract: Contract | None, notebook: str):
    """The contract's notebook of that name, or None."""
    return contract.notebook(notebook) if contract is not None else None
