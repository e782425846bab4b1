"""The entries of an assignment's contract (assignment.toml) read into the Contract's parts: its
notebooks, graded functions and their checks, each entry's faults named by its function."""

from __future__ import annotations

from typing import Any

from .author_errors import described
from .contract import Check, GradedFunction, GradientOf, Notebook
from .scenario import read_scenario


class EntryError(ValueError):
    """A fault in one named entry of the contract (a graded function), so that its line can be found."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def notebook_entry(entry: dict, parts: dict) -> Notebook:
    """A [[notebooks]] entry, its functions' checks bound to mistakes.py's PARTS (parts)."""
    functions = tuple(_function(item, parts) for item in entry["functions"])
    return Notebook(name=entry["name"], functions=functions, given=tuple(entry.get("given", ())),
                    manual_points=int(entry.get("manual_points", 0)), manual_grade_id=entry.get("manual_grade_id", ""),
                    manual_title=entry.get("manual_title", ""))


def _function(entry: dict, parts: dict) -> GradedFunction:
    name = entry["name"]
    try:
        return _checked_function(entry, parts)
    except KeyError as error:
        raise EntryError(name, f"{name}: a required key is missing: {error}") from error
    except (TypeError, ValueError) as error:
        raise EntryError(name, str(error) if str(error).startswith(f"{name}:") else f"{name}: {described(error)}") \
            from error


def _checked_function(entry: dict, parts: dict) -> GradedFunction:
    name, points = entry["name"], int(entry["points"])
    specs = entry["checks"]
    rest = points - sum(int(spec["points"]) for spec in specs if "points" in spec)
    if [("points" in spec) for spec in specs].count(False) != 1 or rest < 1:
        raise ValueError(f"{name}: exactly one check has no points (it takes the {points} points the others leave), "
                         "and at least 1 is left for it")
    checks = tuple(
        Check(function=name, name=spec["name"], points=int(spec.get("points", rest)), kind=spec["kind"],
              title=spec["title"], parts=_parts(spec.get("parts"), parts, name), mistake=spec.get("mistake", ""))
        for spec in specs
    )
    return GradedFunction(name, entry["signature"], points, entry.get("public_example", ""), checks,
                          gradient_of=_gradient_of(entry.get("gradient_of"), name),
                          scenario=read_scenario(entry.get("scenario"), name), dtype=entry.get("dtype", ""))


def _gradient_of(spec: Any, function: str) -> GradientOf | None:
    if spec is None:
        return None
    wrt = spec.get("wrt") if isinstance(spec, dict) else None
    names = [wrt] if isinstance(wrt, str) else wrt
    if (not isinstance(spec, dict) or set(spec) != {"loss", "wrt"} or not isinstance(spec["loss"], str)
            or not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names)):
        raise ValueError(f"{function}: gradient_of is {{loss = \"<expression>\", wrt = \"<parameter>\" or "
                         "[\"<parameter>\", ...]}")
    try:
        compile(spec["loss"], "gradient_of", "eval")
    except SyntaxError as error:
        raise ValueError(f"{function}: gradient_of's loss is not a Python expression: {error}") from None
    return GradientOf(spec["loss"], tuple(names), several=isinstance(wrt, list))


def _parts(spec: Any, named: dict, function: str):
    if spec is None:
        return None
    if isinstance(spec, str):
        if spec not in named:
            raise ValueError(f"{function}: parts {spec!r} is not in mistakes.py's PARTS")
        return named[spec]
    paths = [tuple(path) for path in spec]
    return lambda result: list(paths)
