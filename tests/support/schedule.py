"""The order in which `make test`'s workers take the test modules: the costliest first, by the
seconds each module took in a recorded run (scope_costs.json), so that the workers end close
together (pytest-xdist's loadscope hands a module to the first worker free, in collection order).
A module not recorded yet goes first: it may be a slow one. `--record-costs` records a run's
(the modules it ran)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

COSTS = Path(__file__).resolve().parent / "scope_costs.json"


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def recorded_costs() -> dict[str, float]:
    return json.loads(COSTS.read_text()) if COSTS.exists() else {}


def costliest_first(items: list[pytest.Item]) -> None:
    """Orders items by their module's recorded cost, highest first (unrecorded modules before all),
    keeping each module's items in pytest's order."""
    costs = recorded_costs()
    items.sort(key=lambda item: -costs.get(module_of(item.nodeid), float("inf")))


class CostRecorder:
    """Adds up each module's seconds (setup, call and teardown of its tests) as the reports come in,
    and writes them to scope_costs.json at the end of the run: of the modules that ran a test (a
    module whose every test skipped here keeps its recorded cost)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.ran: set[str] = set()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[module_of(report.nodeid)] += report.duration
        if report.when == "call" and not report.skipped:
            self.ran.add(module_of(report.nodeid))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        costs = recorded_costs() | {module: round(seconds, 1) for module, seconds in self.seconds.items()
                                    if module in self.ran}
        COSTS.write_text(json.dumps(dict(sorted(costs.items())), indent=1) + "\n")
