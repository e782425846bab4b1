"""The sandbox's caps are defined once (sandbox/caps.py's CAPS and Limits): SandboxedGrading's
traits are made from that table, with the names and defaults instructors' configs use."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from traitlets import Float, Int
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader

from backprop_course.nbgrader_glue.preprocessors import SandboxedGrading, nbgrader_timeouts
from backprop_course.sandbox.caps import CAPS, DEFAULT, NBGRADER_FIELD, Limits, NbgraderTimeouts

from .support import REPO_ROOT

# What instructors' nbgrader_config.py files name today: a name or a default changes only on purpose.
TRAITS_AND_DEFAULTS = {
    "cell_timeout": 120.0, "notebook_timeout": 600.0, "call_timeout": 10.0, "output_limit": 1_000_000,
    "memory_limit": 2 * 1024**3, "disk_limit": 512 * 1024**2, "process_limit": 64, "cpu_limit": 1.0,
    "open_files_limit": 1024, "first_uid": 60100, "uid_count": 100,
}


def test_the_table_names_every_field_of_limits_once():
    assert [cap.field for cap in CAPS] + [NBGRADER_FIELD] == [field.name for field in dataclasses.fields(Limits)]
    assert len({cap.trait for cap in CAPS}) == len(CAPS)


def test_each_cap_has_the_type_of_its_default():
    for cap in CAPS:
        assert type(getattr(DEFAULT, cap.field)) is cap.type, cap


def test_the_traits_are_the_table_with_todays_names_and_defaults():
    traits = SandboxedGrading.class_traits(config=True)
    for cap in CAPS:
        trait = traits[cap.trait]
        assert isinstance(trait, Float if cap.type is float else Int), cap
        assert trait.default_value == getattr(DEFAULT, cap.field), cap
        assert trait.help == cap.help
    assert {cap.trait: getattr(DEFAULT, cap.field) for cap in CAPS} == TRAITS_AND_DEFAULTS


def test_limits_are_read_from_the_traits_by_the_table():
    assert SandboxedGrading().limits() == DEFAULT
    config = Config({"SandboxedGrading": {"cell_timeout": 3.0, "memory_limit": 5 * 1024**2, "uid_count": 7}})
    assert SandboxedGrading(config=config).limits() == dataclasses.replace(
        DEFAULT, cell_seconds=3.0, memory_bytes=5 * 1024**2, uid_count=7)


def test_the_security_doc_names_every_cap_and_nbgrader_config_points_at_the_table():
    readme = (REPO_ROOT / "docs" / "security.md").read_text()
    assert {cap.trait for cap in CAPS} <= set(re.findall(r"SandboxedGrading\.(\w+)", readme)) | {"uid_count"}
    config = (REPO_ROOT / "nbgrader_config.py").read_text()
    assert "CAPS" in config and "sandbox/caps.py" in config


@pytest.mark.parametrize(("options", "timeouts"), [
    ((), NbgraderTimeouts(30.0, 4.0, True)),
    (("--Execute.timeout=3",), NbgraderTimeouts(3.0, 4.0, True)),
    (("--ExecutePreprocessor.timeout=7",), NbgraderTimeouts(7.0, 4.0, True)),
    (("--Execute.timeout=5", "--ExecutePreprocessor.timeout=7"), NbgraderTimeouts(5.0, 4.0, True)),
    (("--Execute.timeout=-1",), NbgraderTimeouts(math.inf, 4.0, True)),
    (("--Execute.iopub_timeout=2", "--Execute.raise_on_iopub_timeout=False"), NbgraderTimeouts(30.0, 2.0, False)),
    (("--Execute.interrupt_on_timeout=False", "--Execute.raise_on_iopub_timeout=False"),
     NbgraderTimeouts(30.0, 0.0, True)),
])
def test_notebooks_without_a_contract_get_nbgraders_own_time_limits(options, timeouts):
    config = KVArgParseConfigLoader(list(options)).load_config()
    assert nbgrader_timeouts(config) == timeouts
    assert SandboxedGrading(config=config).limits().nbgrader == timeouts
