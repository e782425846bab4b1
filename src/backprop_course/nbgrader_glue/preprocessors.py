"""nbgrader preprocessors of the course, wired in by nbgrader_config.py.

- SandboxedGrading: in the place of nbgrader's Execute, grades the submission with
  grading/notebook_grading.py: student code runs only in a sandboxed kernel (sandbox/sandbox.py),
  the grades are worked out in this process from the plain data that the student's functions
  return, and each graded cell gets its feedback and score. Without a sandbox it refuses to grade, unless the
  instructor sets SandboxedGrading.unsafe.
- SaveFindings, after nbgrader's SaveAutoGrades: stores what grading found of each graded
  function (grading/behaviour.py) in the gradebook's table of findings (findings_table.py).
- StableKernelPaths: drops the kernel's process id from paths in outputs (warnings and
  tracebacks name /tmp/ipykernel_<pid>/...), so that a re-grade gives identical feedback.
- RestoreGradedCells (restore_cells.py): puts back graded cells that a submission lacks.
- Feedback drops the hidden test lines from the graded cells, so students never see them, then
  SummarizeFeedback gives the feedback template (page_templates.py) the summary table's rows. Every page
  (feedback and formgrader) is rendered from an inert notebook with safe filters (page_templates.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import ClassVar

from nbconvert.exporters import NotebookExporter
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    Execute,
    NbGraderPreprocessor,
    OverwriteCells,
    SaveAutoGrades,
)
from traitlets import Bool, Float, Int, Unicode
from traitlets.config.loader import DeferredConfig

from ..grading.notebook_grading import UngradedCellsError, grade_notebook
from ..pages.feedback_summary import summarize
from ..pages.formgrader_guard import guard_running_server
from ..pages.page_templates import (
    FEEDBACK_TEMPLATE,
    FORMGRADE_TEMPLATE,
    RESOURCES_KEY,
    page_filters,
    page_preprocessors,
    template_basedirs,
    template_file,
)
from ..sandbox.caps import CAPS, Cap, Limits, default_of, limits_from
from ..sandbox.kernel_session import KernelUnavailableError
from ..sandbox.sandbox import SandboxUnavailableError, prepare_host, require_sandbox
from . import precomputed
from .contracts import contract_for, contract_notebook
from .findings_table import ensure_table, submitted_key, write_findings
from .precomputed import grading_key
from .restore_cells import RestoreGradedCells
from .student_guard import CheckedCollect, drop_refused_submissions, guard_gradebook
from .submission_files import files_beside
from .ungraded import leave_ungraded

NO_PRECOMPUTED_RESULT = "no result from the workers matches this notebook: graded here"
# Where SandboxedGrading leaves the notebook's findings (as records) for SaveFindings.
FINDINGS_KEY = "backprop_findings"


def _cap_trait(cap: Cap):
    kind = Float if cap.type is float else Int
    return kind(default_of(cap), help=cap.help).tag(config=True)


# The sandbox's caps as traits, one per row of caps.CAPS (SandboxedGrading's, through this base).
SandboxCaps = type(NbGraderPreprocessor)(
    "SandboxCaps", (NbGraderPreprocessor,),
    {"__module__": __name__, "__doc__": "The sandbox's caps (caps.CAPS) as configurable traits.",
     **{cap.trait: _cap_trait(cap) for cap in CAPS}},
)


class SandboxedGrading(SandboxCaps):
    """Grade a submission (see grading/notebook_grading.py): cells and functions run in a sandboxed
    kernel, and the grades are worked out here; in nbgrader's autograde steps, in the place of Execute."""

    unsafe = Bool(False, help="Run student code without the sandbox: only for submissions you trust.").tag(
        config=True
    )
    fork_kernels = Bool(True, help="Fork each sandboxed kernel from a template that has imported what kernels "
                        "import (as root; else kernels are started).").tag(config=True)
    precomputed = Unicode("", help="Folder of results graded ahead by `backprop-course autograde`.").tag(config=True)

    def limits(self) -> Limits:
        return limits_from(self, nbgrader_cell_timeout(self.config))

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        student, notebook, assignment = info.get("student", ""), info.get("notebook", ""), info.get("assignment", "")
        contract = contract_for(self, resources)
        resources.pop(FINDINGS_KEY, None)
        if self.precomputed:
            key = grading_key(nb, student, notebook, self.limits(), not self.unsafe, assignment, contract)
            record = precomputed.apply(Path(self.precomputed), key, nb)
            if record is not None:
                self.log.info("%s/%s: graded by a worker", student, notebook)
                resources[FINDINGS_KEY] = record.get("findings", [])
                return nb, resources
            self.log.warning("%s/%s: %s", student, notebook, NO_PRECOMPUTED_RESULT)
        if not self.unsafe:
            require_sandbox()
            for line in prepare_host(self.limits()):
                self.log.info(line)
        cwd = resources.get("metadata", {}).get("path")
        graded_by_contract = contract_notebook(contract, notebook) is not None
        files = files_beside(Path(cwd)) if cwd and not graded_by_contract else {}
        try:
            grading = grade_notebook(nb, notebook, student, sandboxed=not self.unsafe, forked=self.fork_kernels,
                                     limits=self.limits(), cwd=cwd, logger=self.log, contract=contract,
                                     files=files)
        except (KernelUnavailableError, UngradedCellsError) as error:
            leave_ungraded(info.get("db_url", ""), assignment, student, self.log)
            why = ", the grading host failed: " if isinstance(error, KernelUnavailableError) else ": "
            raise HostFailureError(f"{student}/{notebook}: not graded{why}{error}") from error
        resources[FINDINGS_KEY] = [finding.record() for finding in grading.findings]
        return grading.nb, resources


def nbgrader_cell_timeout(config) -> float:
    """The time limit of one cell that nbgrader's Execute would apply under config:
    `Execute.timeout`, else `ExecutePreprocessor.timeout`, else Execute's default (30 s); no limit
    (None or not positive, as nbclient reads it) is infinity, so only the notebook's time holds."""
    trait = Execute.class_traits()["timeout"]
    for section in ("Execute", "ExecutePreprocessor"):
        if section in config and "timeout" in config[section]:
            value = config[section].timeout
            if isinstance(value, DeferredConfig):  # from the command line, not yet read as a number
                value = value.get_value(trait)
            return float(value) if value is not None and value > 0 else math.inf
    return float(trait.default_value)


class HostFailureError(RuntimeError):
    """Grading failed for a reason outside the student's code; the student is left ungraded."""


class SandboxRefusal(SystemExit):
    """Stops `nbgrader autograde` before its first student: no sandbox, and unsafe is not set."""


class SandboxCheckingExporter(NotebookExporter):
    """Autograde's exporter (`Autograde.exporter_class`): nbgrader's own, made once per run before
    the first student is touched. It leaves out the submissions of refused student ids
    (student_guard.py), and refuses in one line when no sandbox can start (and unsafe
    is not set), or logs what each sandbox gets.

    It refuses with SystemExit, which nbgrader lets through, so that nothing is written or
    removed for anyone.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        drop_refused_submissions(self.parent, self.log)
        grading = SandboxedGrading(parent=self)  # with the run's configuration, the command line's included
        if grading.unsafe or grading.precomputed:  # precomputed: graded ahead, in the workers' sandboxes
            return
        try:
            require_sandbox()
        except SandboxUnavailableError as error:
            self.log.error("refusing to grade without a sandbox: %s", error)
            raise SandboxRefusal(2) from None
        for line in prepare_host(grading.limits()):
            self.log.info(line)


KERNEL_PATH = re.compile(r"ipykernel_\d+")


class SaveFindings(NbGraderPreprocessor):
    """Store the notebook's findings, which SandboxedGrading left in resources, in the gradebook's
    table of findings, beside the grades SaveAutoGrades stored (its own transaction, as theirs)."""

    def preprocess(self, nb, resources):
        records = resources.get(FINDINGS_KEY)
        if records is None:  # a notebook this step did not see graded
            return nb, resources
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            ensure_table(gradebook.engine)
            submission = gradebook.find_submission(info["assignment"], info["student"])
            write_findings(gradebook.db, info["assignment"], info["student"], info["notebook"],
                           submitted_key(submission.timestamp), records)
            gradebook.db.commit()
        return nb, resources


class StableKernelPaths(NbGraderPreprocessor):
    """Replace /tmp/ipykernel_<pid>/ by /tmp/ipykernel/ in every output's text and traceback."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = KERNEL_PATH.sub("ipykernel", output.text)
            if "traceback" in output:
                output.traceback = [KERNEL_PATH.sub("ipykernel", line) for line in output.traceback]
        return cell, resources


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's CheckCellMetadata, run once per process for each distinct set of cell types and
    nbgrader metadata: most submissions carry the release's, and nbgrader's check validates its
    JSON schema again on every cell (most of a worker's sanitizing time). A notebook whose cell
    types changed is always checked, for nbgrader's warning."""

    _valid: ClassVar[set[str]] = set()

    def preprocess(self, nb, resources):
        cells = [(cell.cell_type, cell.metadata.get("nbgrader")) for cell in nb.cells]
        if any(meta and meta.get("cell_type", kind) != kind for kind, meta in cells):
            return super().preprocess(nb, resources)
        digest = hashlib.sha256(json.dumps(cells, sort_keys=True, default=str).encode()).hexdigest()
        if digest not in self._valid:
            nb, resources = super().preprocess(nb, resources)
            self._valid.add(digest)
        return nb, resources


def sanitize_preprocessors() -> list:
    """nbgrader's own steps before grading, then RestoreGradedCells after OverwriteCells, and
    the metadata check once per distinct metadata."""
    steps = []
    for step in Autograde.class_traits()["sanitize_preprocessors"].default():
        steps += [step, RestoreGradedCells] if step is OverwriteCells else [_once(step)]
    return steps


def _once(step):
    return CheckCellMetadataOnce if step is CheckCellMetadata else step


def autograde_preprocessors(check_metadata_again: bool = True) -> list:
    """nbgrader's own autograde steps, with SandboxedGrading in the place of Execute, the
    outputs made stable right after it (before any score is read from them), and the findings
    saved after the grades.

    Without check_metadata_again, the last step (CheckCellMetadata, which only validates, and
    which already ran on the same metadata among the sanitize steps) is left out.
    """
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        if step is CheckCellMetadata and not check_metadata_again:
            continue
        if step is Execute:
            steps += [SandboxedGrading, StableKernelPaths]
        else:
            steps += [_once(step), SaveFindings] if step is SaveAutoGrades else [_once(step)]
    return steps


class SummarizeFeedback(NbGraderPreprocessor):
    """Put the rows of the table a feedback page opens with into resources (feedback_summary.py);
    after GetGrades, whose scores it reads."""

    def preprocess(self, nb, resources):
        resources.setdefault(RESOURCES_KEY, {})["summary"] = summarize(nb, contract_for(self, resources))
        return nb, resources


def feedback_preprocessors() -> list:
    """nbgrader's own feedback steps, then the removal of the hidden test lines, then what the
    feedback template needs beyond the notebook."""
    defaults = GenerateFeedback.class_traits()["preprocessors"].default()
    return [*defaults, ClearHiddenTests, SummarizeFeedback]


def use_course_grading(config) -> None:
    """Wire the course's grading and pages into an nbgrader configuration (nbgrader_config.py
    calls this)."""
    guard_gradebook()
    guard_running_server()
    config.ExchangeFactory.collect = CheckedCollect
    config.Autograde.exporter_class = SandboxCheckingExporter
    config.Autograde.sanitize_preprocessors = sanitize_preprocessors()
    config.Autograde.autograde_preprocessors = autograde_preprocessors()
    config.GenerateFeedback.preprocessors = feedback_preprocessors()
    # The pages students and graders read (page_templates.py): feedback opens with a table of every check;
    # on every page student content is inert and formulas are MathML. Formgrader's exporter has
    # no parent to scope its settings by; GenerateFeedback's settings take precedence over them
    # for feedback.
    config.HTMLExporter.preprocessors = page_preprocessors()
    config.HTMLExporter.filters = page_filters()
    config.HTMLExporter.template_name = FORMGRADE_TEMPLATE
    config.HTMLExporter.template_file = template_file(FORMGRADE_TEMPLATE)
    config.HTMLExporter.extra_template_basedirs = template_basedirs()
    config.GenerateFeedback.HTMLExporter.template_name = FEEDBACK_TEMPLATE
    config.GenerateFeedback.HTMLExporter.template_file = template_file(FEEDBACK_TEMPLATE)
