"""Reads an assignment's folder (assignment.toml and its Python files) into a Contract.

The folder's files travel as text (ContractFiles), so that a worker on another machine loads
the same assignment as the host; they are imported as a package of their own, in memory, under
a name made from their digest, so two versions of one assignment never mix.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.abc
import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .author_errors import AuthorError, described, error_lines
from .contract import Contract, Mistake, Tolerances
from .contract_entries import EntryError, notebook_entry
from .contract_rules import contract_problems
from .mistake_ids import DTYPE_HINTS, GENERIC_HINTS, LIMIT_HINTS
from .scenario import bound

CONTRACT_FILE = "assignment.toml"
# The Python files of an assignment, imported in this order: the reference, the hidden cases'
# makers, the mistakes' recognisers (they may import the reference: `from . import reference`).
CODE_FILES = ("reference.py", "cases.py", "mistakes.py")


class ContractError(AuthorError):
    """An assignment folder the grader cannot read; the message says which file and what is wrong."""


@dataclass(frozen=True)
class ContractFiles:
    """The text of an assignment's contract and code files, as read from its folder."""

    name: str
    folder: str
    texts: tuple[tuple[str, str], ...]  # (file name, text), in CONTRACT_FILE, CODE_FILES order

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self.texts).encode()).hexdigest()

    def text(self, filename: str) -> str:
        return dict(self.texts)[filename]


def is_assignment_folder(folder: Path) -> bool:
    return (Path(folder) / CONTRACT_FILE).is_file()


def read_contract_files(folder: Path) -> ContractFiles:
    """The assignment in folder, as text; its name is the folder's (nbgrader's assignment id)."""
    folder = Path(folder).resolve()
    texts = []
    for filename in (CONTRACT_FILE, *CODE_FILES):
        path = folder / filename
        if not path.is_file():
            raise ContractError(f"an assignment folder needs {', '.join((CONTRACT_FILE, *CODE_FILES))}; "
                                f"{filename} is missing", folder,
                                fix="`backprop-course new-assignment NAME` writes a complete folder to start from")
        texts.append((filename, path.read_text(encoding="utf-8")))
    return ContractFiles(folder.name, str(folder), tuple(texts))


_loaded: dict[str, Contract] = {}


def load_contract(files: ContractFiles) -> Contract:
    """The Contract of files (loaded once per process and version)."""
    digest = files.digest
    if digest not in _loaded:
        _loaded[digest] = _build(files, digest)
    return _loaded[digest]


def load_contract_folder(folder: Path) -> Contract:
    return load_contract(read_contract_files(folder))


class _SourceLoader(importlib.abc.InspectLoader):
    """Imports modules from texts held in memory; get_source lets inspect read their functions."""

    def __init__(self, sources: dict[str, tuple[str, str]]):
        self.sources = sources  # module name: (file name, text)

    def get_source(self, fullname: str) -> str:
        return self.sources[fullname][1]

    def get_filename(self, fullname: str) -> str:
        return self.sources[fullname][0]

    def is_package(self, fullname: str) -> bool:
        return "." not in fullname

    def exec_module(self, module: ModuleType) -> None:
        filename, text = self.sources[module.__name__]
        exec(compile(text, filename, "exec"), module.__dict__)  # noqa: S102 - the course's own files


def _import(files: ContractFiles, digest: str) -> dict[str, ModuleType]:
    package = f"_backprop_course_assignment_{files.name.replace('-', '_')}_{digest[:12]}"
    folder = Path(files.folder)
    sources = {package: (str(folder / "__init__.py"), "")}
    for filename in CODE_FILES:
        sources[f"{package}.{filename[:-3]}"] = (str(folder / filename), files.text(filename))
    loader = _SourceLoader(sources)
    modules = {}
    for name in sources:
        spec = importlib.util.spec_from_loader(name, loader, origin=sources[name][0],
                                               is_package=loader.is_package(name))
        if "." not in name:
            spec.submodule_search_locations = []
        module = importlib.util.module_from_spec(spec)
        module.__file__ = sources[name][0]
        sys.modules[name] = module
        try:
            loader.exec_module(module)
        except Exception as error:
            path = sources[name][0]
            lines = error_lines(error, path)
            raise ContractError(f"importing it fails with {described(error)}", path, lines[-1] if lines else None,
                                "fix the file so that it imports") from error
        if "." in name:
            setattr(sys.modules[package], name.rsplit(".", 1)[1], module)
        modules[name.rsplit(".", 1)[-1]] = module
    return modules


def _build(files: ContractFiles, digest: str) -> Contract:
    where = Path(files.folder) / CONTRACT_FILE
    text = files.text(CONTRACT_FILE)
    try:
        contract = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error, where) from error
    modules = _import(files, digest)
    reference, cases, mistakes = modules["reference"], modules["cases"], modules["mistakes"]
    parts = getattr(mistakes, "PARTS", {})
    tolerances = contract.get("tolerances", {})
    try:
        notebooks = tuple(notebook_entry(entry, parts) for entry in contract["notebooks"])
        own = tuple(Mistake(entry["id"], entry["hint"], covers=entry.get("covers", ""))
                    for entry in contract.get("mistakes", []))
        scenarios = {function.name: function.scenario for notebook in notebooks for function in notebook.functions}
        bind = functools.partial(bound, scenarios, reference)
        contract = Contract(
            name=contract.get("name", files.name),
            helper_module=contract["helper_module"],
            tolerances=Tolerances(float(tolerances["rel_tolerance"]), float(tolerances["fd_step"]),
                                  int(tolerances.get("cases_per_function", 4))),
            notebooks=notebooks,
            own_mistakes=_with_recognisers(own, getattr(mistakes, "RECOGNISERS", {}), where, bind),
            reference=reference,
            makers=dict(cases.CASES),
            folder=files.folder,
            digest=digest,
        )
    except ContractError:
        raise
    except EntryError as error:
        raise ContractError(str(error), where, _entry_line(text, error.name)) from error
    except KeyError as error:
        raise ContractError(f"a required key is missing: {error}", where) from error
    except (TypeError, ValueError) as error:
        raise ContractError(described(error), where) from error
    _validate(contract, where)
    return contract


def _toml_error(error: tomllib.TOMLDecodeError, where: Path) -> ContractError:
    """The TOML parser's fault, its line where it says one ("... (at line 23, column 10)")."""
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    message = str(error) if found is None else f"{str(error)[:found.start()].strip()} (column {found.group(2)})"
    return ContractError(f"not valid TOML: {message}", where, int(found.group(1)) if found else None,
                         "fix the syntax (https://toml.io)")


def _entry_line(text: str, name: str) -> int | None:
    """The line of `name = "<name>"` in the contract's text: where the entry of that name starts."""
    pattern = re.compile(rf"""^\s*name\s*=\s*["']{re.escape(name)}["']""")
    return next((number for number, line in enumerate(text.splitlines(), start=1) if pattern.match(line)), None)


def _with_recognisers(own: tuple[Mistake, ...], recognisers: dict, where: Path, bind) -> tuple[Mistake, ...]:
    ids = [mistake.id for mistake in own]
    reserved = set(GENERIC_HINTS) | set(DTYPE_HINTS) | set(LIMIT_HINTS)
    problems = [f"mistake id {mistake_id!r} is the grader's own" for mistake_id in ids if mistake_id in reserved]
    problems += [f"mistake id {mistake_id!r} is listed twice" for mistake_id in sorted(set(ids))
                 if ids.count(mistake_id) > 1]
    if problems:
        raise ContractError("; ".join(problems), where)
    unknown = sorted(set(recognisers) - set(ids))
    if unknown:
        raise ContractError(f"mistakes.py's RECOGNISERS names ids without a [[mistakes]] entry: {unknown}", where,
                            fix="add a [[mistakes]] entry (id, hint) for each, or correct the id in mistakes.py")
    return tuple(Mistake(mistake.id, mistake.hint, tuple((name, bind(name, recognise))
                                                         for name, recognise in recognisers.get(mistake.id, ())),
                         mistake.covers)
                 for mistake in own)


def _validate(contract: Contract, where: Path) -> None:
    problems = contract_problems(contract)
    if problems:
        raise ContractError("; ".join(problems), where)
