"""What the student reads under a graded cell: the check's score, the mistake's id and hint, and
their result beside the expected one: on the cell's public example, or, where the public example
cannot show the mistake, on the first hidden case that does (its results only, never its inputs)."""

from __future__ import annotations

import numpy as np

from ..course.contract import VALUES, Contract
from ..course.plain import leaves
from ..course.scenario import reference_result
from .judge import CheckVerdict, check_outcome
from .runner import Outcome


def _show(value) -> str:
    arrays = [leaf for _, leaf in leaves(value) if isinstance(leaf, np.ndarray)]
    parts = [np.array2string(array, precision=4, threshold=8) for array in arrays]
    text = ", ".join(parts) if parts else str(value)
    return text if len(text) <= 200 else text[:200] + " ..."


def feedback_lines(contract: Contract, verdict: CheckVerdict, public: Outcome | None = None) -> list[str]:
    """What the student reads under a test cell: the check's score, then the mistake and its hint."""
    check = verdict.check
    unit = "point" if check.points == 1 else "points"
    lines = [f"{check.function}: {check.title}: {verdict.points:g} of {check.points} {unit}"]
    if verdict.failure is None:
        lines.append("  passed every hidden check")
        return lines
    failure = verdict.failure
    lines.append(f"  [{failure.mistake}] {contract.hint(failure.mistake)}")
    lines.append(f"  detail: {failure.detail}")
    if check.kind == VALUES and public is not None and public.error is None:
        expected = reference_result(contract, check.function, contract.public_example(check.function))
        line = "assert_plays" if contract.functions[check.function].scenario else "assert_implemented"
        if verdict.differs is not None and check_outcome(check, expected, public,
                                                         contract.tolerances.rel_tolerance) is None:
            yours, expected = verdict.differs  # right on the public example: a hidden case shows the mistake
            lines.append("  right on the public example; on a hidden case (inputs not shown) it differs:")
        else:
            yours = public.value
            lines.append(f"  on the public example in this cell's {line} line:")
        lines.append(f"    yours:    {_show(yours)}")
        lines.append(f"    expected: {_show(expected)}")
    return lines
