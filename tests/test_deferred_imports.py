"""A slow optional import (rfc3987_syntax's grammar) waits for its first use, and then behaves as the
real module: jsonschema's `iri` format is still checked; the nbgrader apps this package starts defer it."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROGRAM = """
import sys
import backprop_course, nbformat, jsonschema
print(type(sys.modules["rfc3987_syntax"]).__name__)
checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
validator = jsonschema.Draft202012Validator({"format": "iri"}, format_checker=checker)
print(len(list(validator.iter_errors("http://a b"))), len(list(validator.iter_errors("http://example.com/é"))))
print(type(sys.modules["rfc3987_syntax"]).__name__)
"""


def test_rfc3987_syntax_is_imported_when_an_iri_is_first_checked():
    pytest.importorskip("rfc3987_syntax", reason="jsonschema's IRI check is not installed here")
    shown = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["_StandIn", "1", "0", "module"]


def test_the_nbgrader_apps_this_package_starts_are_nbgrader_with_the_import_deferred():
    pytest.importorskip("rfc3987_syntax", reason="jsonschema's IRI check is not installed here")
    from backprop_course.nbgrader_glue.apps import BIN_DIR, NBGRADER_COMMAND

    ours = subprocess.run([*NBGRADER_COMMAND, "--help"], capture_output=True, text=True, check=True).stdout
    theirs = subprocess.run([str(BIN_DIR / "nbgrader"), "--help"], capture_output=True, text=True,
                            check=True).stdout
    assert ours == theirs and "autograde" in ours
    module = NBGRADER_COMMAND[NBGRADER_COMMAND.index("-m") + 1]
    loaded = subprocess.run([sys.executable, "-c", f"import sys, {module}\n"
                             "print(type(sys.modules['rfc3987_syntax']).__name__)"],
                            capture_output=True, text=True, check=True).stdout
    assert loaded.split() == ["_StandIn"]
