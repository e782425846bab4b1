"""The shipped classification assignment, read from its folder of the repository's course, under the
names its tests use (its contract, reference, hidden cases' makers and mistakes)."""

from __future__ import annotations

import sys

from backprop_course.course.contract import Contract
from backprop_course.course.paths import CourseDir

from . import REPO_ROOT

ASSIGNMENT = "classification"
COURSE = CourseDir(REPO_ROOT, assignment=ASSIGNMENT)
CONTRACT: Contract = COURSE.contract
reference = CONTRACT.reference
cases = sys.modules[CONTRACT.reference.__package__ + ".cases"]
mistakes = sys.modules[CONTRACT.reference.__package__ + ".mistakes"]
