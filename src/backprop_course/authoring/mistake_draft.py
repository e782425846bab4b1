"""A drafted catalog entry written into an assignment's folder: a [[mistakes]] entry (id and a
hint to edit) at the end of assignment.toml, and at the end of mistakes.py the mutants drafted
from students' answers (answer_code.py) with the entry's recogniser (mutant(...), any_of for
several) in RECOGNISERS, and in MUTANTS where the file has that table. Both texts are checked
(TOML read back, Python compiled, never run) before either file is written."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..course.loading import CONTRACT_FILE
from .answer_code import Draft

MISTAKES_FILE = "mistakes.py"


class DraftError(ValueError):
    """The folder's files cannot take the draft; the message says which and why."""


@dataclass(frozen=True)
class Entry:
    """What to write: the mistake's id, hint and what it covers (for the catalog page), a comment
    on where it came from (no student's text), the graded function, and the mutants (the first
    is the representative one)."""

    mistake: str
    hint: str
    covers: str
    origin: str
    function: str
    mutants: tuple[Draft, ...]


def mistake_id_for(function: str, number: int, taken) -> str:
    """A new id from the function's name and the group's number, e.g. cross-entropy-group-2."""
    base = re.sub(r"[^a-z0-9]+", "-", function.lower()).strip("-") + f"-group-{number}"
    found, suffix = base, 1
    while found in taken:
        suffix += 1
        found = f"{base}-{suffix}"
    return found


def module_names(text: str) -> set[str]:
    """The names a module's text binds at its top level."""
    names = set()
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _toml_text(entry: Entry) -> str:
    return (f"\n# {entry.origin}\n# Edit the hint (students read it); {MISTAKES_FILE} holds its recogniser, drafted "
            f"from students' code: review it.\n[[mistakes]]\nid = {json.dumps(entry.mistake)}\n"
            f"hint = {json.dumps(entry.hint)}\ncovers = {json.dumps(entry.covers)}\n")


def _python_text(entry: Entry, with_mutant_table: bool) -> str:
    imports = ["from backprop_course.course.recognisers import any_of as _any_of  # noqa: E402",
               "from backprop_course.course.recognisers import mutant as _mutant  # noqa: E402"]
    if any(draft.uses_reference for draft in entry.mutants):
        imports += ["", "from . import reference  # noqa: E402"]
    recognisers = [f"_mutant({draft.name})" for draft in entry.mutants]
    recogniser = recognisers[0] if len(recognisers) == 1 else f"_any_of({', '.join(recognisers)})"
    lines = [
        "", "",
        f"# ----- {entry.mistake}: drafted by `backprop-course propose-mistake` " + "-" * 20,
        f"# {entry.origin}",
        "# Each function below is a student's answer, parsed, checked against an allowlist and renamed; it",
        "# was never run. It runs outside the sandbox wherever the catalog is used (check-assignment,",
        "# grading, the report): read it before you keep it.",
        "", *imports, "", "",
        *[part for draft in entry.mutants for part in (draft.source, "", "")],
        f"RECOGNISERS[{entry.mistake!r}] = (({entry.function!r}, {recogniser}),)",
    ]
    if with_mutant_table:
        lines.append(f"MUTANTS[{entry.mistake!r}] = ({entry.function!r}, {entry.mutants[0].name})")
    return "\n".join(lines) + "\n"


def write_entry(folder: Path, entry: Entry) -> list[Path]:
    """Append the entry to folder's assignment.toml and mistakes.py (see the module's docstring)."""
    toml_path, python_path = folder / CONTRACT_FILE, folder / MISTAKES_FILE
    toml_text, python_text = toml_path.read_text(encoding="utf-8"), python_path.read_text(encoding="utf-8")
    names = module_names(python_text)
    if "RECOGNISERS" not in names:
        raise DraftError(f"{python_path}: no RECOGNISERS at its top level to add the recogniser to")
    clash = sorted(names & {draft.name for draft in entry.mutants})
    if clash:
        raise DraftError(f"{python_path}: already defines {', '.join(clash)}")
    new_toml = toml_text.rstrip("\n") + "\n" + _toml_text(entry)
    new_python = python_text.rstrip("\n") + "\n" + _python_text(entry, "MUTANTS" in names)
    try:
        ids = [item.get("id") for item in tomllib.loads(new_toml).get("mistakes", [])]
    except tomllib.TOMLDecodeError as error:
        raise DraftError(f"{toml_path}: the draft would not read: {error}") from None
    if ids.count(entry.mistake) != 1:
        raise DraftError(f"{toml_path}: the id {entry.mistake} would not be there once")
    try:
        compile(new_python, str(python_path), "exec")
    except SyntaxError as error:
        raise DraftError(f"{python_path}: the draft would not compile: {error}") from None
    toml_path.write_text(new_toml, encoding="utf-8")
    python_path.write_text(new_python, encoding="utf-8")
    return [toml_path, python_path]
