"""What grading records of each graded function beside its grades (a Finding): the mistake ids
its checks gave, and, where a check failed with none of the catalog's names, the function's
behaviour: its plain results on the common cases, the same for every student (the hidden cases
are seeded per student), so that students who make the same unnamed mistake can be grouped.

The common cases are drawn as any student's are, for a key no student id can be (student_ids.py
refuses `*`). Results are recorded compactly: an array of more than MAX_VALUES numbers keeps an
evenly spaced selection of them (its shape stays in the signature), and a behaviour whose text
passes MAX_CHARS is not recorded at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..course.contract import Contract
from ..course.mistake_ids import GENERIC_HINTS
from ..course.plain import Unsupported, leaves
from ..in_kernel import wire
from .judge import DIAGNOSABLE, CheckVerdict, expected_results
from .runner import Outcome

COMMON_CASES_KEY = "*common*"
MAX_VALUES = 64  # numbers kept of one array of a result
MAX_CHARS = 32_000  # of a behaviour's recorded results, at most
FINGERPRINT_BITS = 12  # of each number's mantissa that the fingerprint keeps


def common_cases(contract: Contract, function_name: str) -> list[tuple]:
    """The cases every student's function is called on to record its behaviour."""
    return contract.hidden_cases(function_name, COMMON_CASES_KEY)


@dataclass(frozen=True)
class Behaviour:
    """A function's plain results on the common cases (an Unsupported `error <id>` for a case
    that failed), arrays over MAX_VALUES cut down; signature: the results' structure, uncut."""

    signature: str
    results: list[Any]

    @property
    def fingerprint(self) -> str:
        """A short digest of the signature and the numbers to FINGERPRINT_BITS bits: equal for
        equal results (results that differ in the last bits may get different ones)."""
        digest = hashlib.sha256(self.signature.encode())
        for _, leaf in leaves(self.results):
            if isinstance(leaf, np.ndarray):
                mantissa, exponent = np.frexp(np.nan_to_num(leaf, nan=7.0, posinf=5.0, neginf=-5.0))
                digest.update(np.round(mantissa * 2**FINGERPRINT_BITS).astype(np.int64).tobytes())
                digest.update(exponent.astype(np.int64).tobytes())
        return digest.hexdigest()[:16]

    def text(self) -> str:
        return wire.dumps(self.results)

    @classmethod
    def of(cls, results: list[Any]) -> Behaviour:
        """The behaviour of plain results on the common cases, as recorded (arrays cut down)."""
        return cls(_signature(results), [_cut(result) for result in results])

    @classmethod
    def read(cls, signature: str, text: str) -> Behaviour | None:
        """A behaviour as recorded; None for text that is not plain results."""
        try:
            results = wire.loads(text)
        except wire.WireError:
            return None
        if not isinstance(results, list) or not wire.is_plain(results):
            return None
        return cls(signature, results)


def behaviour_of(outcomes: list[Outcome]) -> Behaviour | None:
    """The behaviour recorded for outcomes on the common cases (None when too large to record)."""
    found = Behaviour.of([Unsupported(f"error {outcome.error}") if outcome.error else outcome.value
                          for outcome in outcomes])
    return found if len(found.text()) <= MAX_CHARS else None


def reference_behaviour(contract: Contract, function_name: str) -> Behaviour:
    """The reference's behaviour, recorded as a student's is."""
    return Behaviour.of(expected_results(contract, function_name, common_cases(contract, function_name)))


def _signature(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"a{list(value.shape)}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{key!r}:{_signature(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_signature(item) for item in value) + "]"
    if isinstance(value, Unsupported):
        return f"<{value.type_name}>"
    return f"<{type(value).__name__}>"


def _cut(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        if value.size <= MAX_VALUES:
            return value
        return np.ravel(value)[np.unique(np.linspace(0, value.size - 1, MAX_VALUES).astype(np.int64))]
    if isinstance(value, dict):
        return {key: _cut(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cut(item) for item in value]
    return value


@dataclass(frozen=True)
class Finding:
    """What grading found of one graded function: the mistake ids of its failed checks (in check
    order, each once), and its behaviour where a check failed with no catalog name."""

    function: str
    mistakes: tuple[str, ...]
    behaviour: Behaviour | None = None

    def record(self) -> dict:
        """As plain JSON-able data (the gradebook stores it; it travels from a worker as this)."""
        found = {"function": self.function, "mistakes": list(self.mistakes)}
        if self.behaviour is not None:
            found |= {"signature": self.behaviour.signature, "results": self.behaviour.text(),
                      "fingerprint": self.behaviour.fingerprint}
        return found

    @classmethod
    def from_record(cls, record: dict) -> Finding:
        behaviour = None
        if record.get("results") is not None:
            behaviour = Behaviour.read(str(record.get("signature", "")), record["results"])
        return cls(str(record["function"]), tuple(map(str, record.get("mistakes", ()))), behaviour)


def unnamed(verdicts: list[CheckVerdict]) -> bool:
    """Whether a check failed on the result with only the grader's generic id: no catalog
    mistake recognised it."""
    return any(verdict.failure is not None and verdict.failure.mistake in DIAGNOSABLE
               and verdict.failure.mistake in GENERIC_HINTS for verdict in verdicts)


def finding_of(function_name: str, verdicts: list[CheckVerdict]) -> Finding:
    """The finding of a graded function, its behaviour still to observe (observed)."""
    mistakes = tuple(dict.fromkeys(verdict.failure.mistake for verdict in verdicts if verdict.failure))
    return Finding(function_name, mistakes)


def observed(contract: Contract, finding: Finding, verdicts: list[CheckVerdict],
             call: Callable[[list[tuple]], list[Outcome] | None]) -> Finding:
    """finding with its behaviour, where a check failed unnamed: call(cases) runs the student's
    function on the common cases (None: it could not)."""
    if not unnamed(verdicts):
        return finding
    outcomes = call(common_cases(contract, finding.function))
    if outcomes is None:
        return finding
    return replace(finding, behaviour=behaviour_of(outcomes))


def observed_in_turn(contract: Contract, graded: list[tuple[Finding, list[CheckVerdict]]],
                     call: Callable[[str, list[tuple]], list[Outcome] | None]) -> list[Finding]:
    """Each finding with its behaviour where it needs one (observed), call(function, cases)
    running the calls in turn until one returns None (the kernel stopped): none after it."""
    stopped = False

    def once(function_name: str, cases: list[tuple]) -> list[Outcome] | None:
        nonlocal stopped
        outcomes = None if stopped else call(function_name, cases)
        stopped = outcomes is None
        return outcomes

    return [observed(contract, finding, verdicts, lambda cases, name=finding.function: once(name, cases))
            for finding, verdicts in graded]
