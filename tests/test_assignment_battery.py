"""What holds for every assignment of the course, written once and run on each folder of
assignments/ (read through the package's loader): the catalog, the contract, the reference on the
hidden cases, each mistake's representative mutant against its recogniser, the released check
cells on the solutions and, for an assignment with a corpus (tests/corpora/<assignment>.py), the
corpus graded in this process. A new assignment folder gets all of it with no new test code
(test_a_new_assignment_gets_the_battery); what only one assignment has is tested in its own files
(test_reference.py, test_classification_reference.py, ...)."""

from __future__ import annotations

import copy
import inspect
import itertools
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from backprop_course.course.dependencies import names_used
from backprop_course.course.mistake_ids import GENERIC, LIMIT_IDS, NOT_FLOAT, TIME_LIMIT
from backprop_course.course.plain import leaves, to_plain

from .support import repository_copy
from .support.assignments import (
    ASSIGNMENTS,
    case_function,
    contract_of,
    corpus_of,
    course_of,
    has_mutant_table,
    mistakes_module,
    representative_mutants,
    same_results,
    seeded_cases,
)
from .support.check_cells import MISTAKE_ID, check_cell_outcomes, check_waits, run_check, run_checks
from .support.grading import failure_of, points_of, verdicts_of

SEEDS = range(8)
# Ids that only a notebook run, not a function call, can produce (the sandbox reports them).
NOTEBOOK_LEVEL = {"output-limit", "kernel-died", "memory-limit", "process-limit", "disk-limit"}
# Where an assignment's corpus is run through its check cells by a test of its own, and why there.
CHECK_CELLS_TESTED_ELSEWHERE = {
    "backprop": "test_visible_hints.py runs backprop's corpus through its check cells, with the EXCEPTIONS "
                "(what each cell shows instead, and why) written there",
}
# Pairs (claimant, mutant's mistake) whose recognisers overlap by design, in one assignment: the
# claimant's recogniser also holds for the other's mutant, and the catalog lists the other first,
# so that diagnosis names it (test_the_catalog_names_each_mutant_its_own_mistake).
OVERLAPS_BY_ORDER = {
    "backprop": {("grad-broadcast-n-by-n", "grad-bias-not-summed")},  # both: an axis of length N
}
# Faults of an assignment that this battery found, as strict xfails: the test fails until the
# assignment is fixed, then passes and the entry goes. {(test, assignment, *parameters): reason}
KNOWN_FAULTS: dict[tuple[str, ...], str] = {}


def _known_fault(*key: str):
    reason = KNOWN_FAULTS.get(key)
    return pytest.mark.xfail(strict=True, reason=reason) if reason else ()


def _skip(reason: str):
    return pytest.mark.skip(reason=reason)


def _assignment_params() -> list:
    return [pytest.param(name, id=name) for name in ASSIGNMENTS]


def _function_params() -> list:
    return [pytest.param(name, function, id=f"{name}-{function}")
            for name in ASSIGNMENTS for function in contract_of(name).functions]


def _seed_params() -> list:
    return [pytest.param(name, seed, id=f"{name}-{seed}") for name in ASSIGNMENTS for seed in SEEDS]


def _no_corpus(name: str) -> str:
    return f"{name} has no corpus: tests/corpora/{name}.py would hold it"


def _corpus_params() -> list:
    return [pytest.param(name, id=name, marks=() if corpus_of(name) else _skip(_no_corpus(name)))
            for name in ASSIGNMENTS]


def _corpus_entry_params() -> list:
    params = []
    for name in ASSIGNMENTS:
        corpus = corpus_of(name)
        if corpus is None:
            params.append(pytest.param(name, "", "", "", id=f"{name}-no-corpus", marks=_skip(_no_corpus(name))))
            continue
        params += [pytest.param(name, mistake_id, function_name, code, id=f"{name}-{mistake_id}-{function_name}")
                   for mistake_id, function_name, code in corpus.CORPUS + corpus.MORE_MISTAKES]
    return params


def _variant_params() -> list:
    params = []
    for name in ASSIGNMENTS:
        corpus = corpus_of(name)
        if corpus is None:
            params.append(pytest.param(name, "", "", id=f"{name}-no-corpus", marks=_skip(_no_corpus(name))))
            continue
        seen: dict[str, int] = {}
        for function_name, code in corpus.CORRECT_VARIANTS:
            number = seen[function_name] = seen.get(function_name, -1) + 1
            params.append(pytest.param(name, function_name, code, id=f"{name}-{function_name}{number}"))
    return params


def _check_exception_params() -> list:
    params = []
    for name in ASSIGNMENTS:
        corpus = corpus_of(name)
        if corpus is None:
            reason = _no_corpus(name)
        elif name in CHECK_CELLS_TESTED_ELSEWHERE:
            reason = CHECK_CELLS_TESTED_ELSEWHERE[name]
        elif not hasattr(corpus, "CHECK_EXCEPTIONS"):
            reason = f"tests/corpora/{name}.py has no CHECK_EXCEPTIONS (what its check cells show where they cannot " \
                     "name an entry, and why)"
        else:
            reason = ""
        params.append(pytest.param(name, id=name, marks=_skip(reason) if reason else ()))
    return params


def _mutant_params(test: str) -> list:
    params = []
    for name in ASSIGNMENTS:
        mutants = representative_mutants(contract_of(name))
        params += [pytest.param(name, mistake_id, function_name, id=f"{name}-{mistake_id}-{function_name}",
                                marks=_known_fault(test, name, mistake_id, function_name))
                   for mistake_id, function_name in sorted(mutants)]
    return params


def _mutated_function_params(test: str) -> list:
    return [pytest.param(name, function_name, id=f"{name}-{function_name}",
                         marks=_known_fault(test, name, function_name))
            for name in ASSIGNMENTS
            for function_name in sorted({function for _, function in representative_mutants(contract_of(name))})]


def _mutant_table_params() -> list:
    params = []
    for name in ASSIGNMENTS:
        contract = contract_of(name)
        reason = ""
        if not has_mutant_table(contract):
            without = sorted({mistake.id for mistake in contract.own_mistakes}
                             - set(contract.inputs_mistakes().values())
                             - {mistake_id for mistake_id, _ in representative_mutants(contract)})
            reason = (f"{name}'s mistakes.py has no MUTANTS table: its mutants are read from its recognisers' "
                      f"predictions, and {without or 'none'} have no recogniser that predicts their whole result")
        params.append(pytest.param(name, id=name, marks=_skip(reason) if reason else ()))
    return params


# ----- the catalog ----------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", _assignment_params())
def test_every_catalog_id_has_a_hint_and_appears_once(assignment):
    contract = contract_of(assignment)
    assert all(mistake.hint for mistake in contract.catalog)
    assert len(contract.mistakes) == len(contract.catalog)


@pytest.mark.parametrize("assignment", _assignment_params())
def test_generic_ids_come_first_in_the_catalog(assignment):
    catalog = contract_of(assignment).catalog
    assert [mistake.id for mistake in catalog[: len(GENERIC)]] == list(GENERIC)


@pytest.mark.parametrize("assignment", _assignment_params())
def test_every_mistake_is_recognised_somewhere(assignment):
    contract = contract_of(assignment)
    own = {mistake.id for mistake in contract.own_mistakes}
    assert own == set(mistakes_module(contract).RECOGNISERS) | set(contract.inputs_mistakes().values())


@pytest.mark.parametrize("assignment", _mutant_table_params())
def test_every_mistake_has_a_representative_mutant(assignment):
    contract = contract_of(assignment)
    own = {mistake.id for mistake in contract.own_mistakes}
    assert set(mistakes_module(contract).MUTANTS) == own - set(contract.inputs_mistakes().values())


# ----- the contract -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("assignment", "name"), _function_params())
def test_signatures_follow_the_contract(assignment, name):
    contract = contract_of(assignment)
    assert str(inspect.signature(contract.reference_function(name))) == contract.functions[name].signature


@pytest.mark.parametrize("assignment", _assignment_params())
def test_lessons_mark_every_graded_function(assignment):
    course = course_of(assignment)
    for notebook in course.contract.notebooks:
        text = (course.lessons / f"{notebook.name}.py").read_text(encoding="utf-8")
        for function in notebook.functions:
            assert f'# %% [markdown] exercise="{function.name}"' in text
            assert f'# %% exercise="{function.name}"' in text


def _names_used(function) -> set[str]:
    return names_used(inspect.getsource(function))


@pytest.mark.parametrize("assignment", _assignment_params())
def test_functions_use_only_numpy_given_helpers_and_earlier_graded_functions(assignment):
    contract = contract_of(assignment)
    reference = contract.reference
    module_functions = {name for name, value in vars(reference).items()
                        if inspect.isfunction(value) and value.__module__ == reference.__name__}
    for notebook in contract.notebooks:
        allowed = set(notebook.given)
        for function in notebook.functions:
            used = _names_used(reference_function := contract.reference_function(function.name)) & module_functions
            assert used - {function.name} <= allowed, f"{reference_function.__name__} calls {used - allowed}"
            allowed.add(function.name)
        for name in notebook.given:  # a given helper calls only earlier given helpers
            used = _names_used(contract.reference_function(name)) & module_functions - {name}
            assert used <= set(notebook.given), f"{name} calls {used}"


# ----- the reference on the hidden cases --------------------------------------------------------------


@pytest.mark.parametrize(("assignment", "seed"), _seed_params())
def test_reference_is_finite_float64_and_keeps_its_arguments_on_the_hidden_cases(assignment, seed):
    contract = contract_of(assignment)
    for name in contract.functions:
        for args in seeded_cases(contract, name, seed):
            before = copy.deepcopy(args)
            result = to_plain(case_function(contract, name)(*args))
            for path, leaf in leaves(result):
                assert isinstance(leaf, np.ndarray), f"{name}{path}: {leaf!r}"
                assert np.all(np.isfinite(leaf)), f"{name}{path} is not finite"
            assert same_results(list(args), list(before)), f"{name} modified its arguments"


@pytest.mark.parametrize("assignment", _assignment_params())
def test_makers_are_reproducible(assignment):
    contract = contract_of(assignment)
    for name in contract.functions:
        first, second = seeded_cases(contract, name, 4), seeded_cases(contract, name, 4)
        assert len(first) == contract.tolerances.cases_per_function
        assert same_results(list(first), list(second))


# ----- each mistake's representative mutant against the recognisers -----------------------------------


def _results(function, args_list):
    with np.errstate(all="ignore"):
        return [to_plain(function(*args)) for args in args_list]


@pytest.mark.parametrize(("assignment", "mistake_id", "function_name"),
                         _mutant_params("test_each_mutant_differs_from_the_reference_and_is_recognised"))
def test_each_mutant_differs_from_the_reference_and_is_recognised(assignment, mistake_id, function_name):
    contract = contract_of(assignment)
    mutant_function = representative_mutants(contract)[(mistake_id, function_name)]
    recognisers = dict(contract.mistakes[mistake_id].recognisers)
    assert function_name in recognisers
    for seed in SEEDS:
        args_list = seeded_cases(contract, function_name, seed)
        expected = _results(case_function(contract, function_name), args_list)
        actual = _results(mutant_function, args_list)
        assert not all(same_results(a, e) for a, e in zip(actual, expected)), f"seed {seed}: not seen"
        with np.errstate(all="ignore"):
            assert recognisers[function_name](args_list, expected, actual), f"seed {seed}: not recognised"
            assert not recognisers[function_name](args_list, expected, expected), "the reference is recognised"


@pytest.mark.parametrize(("assignment", "mistake_id", "function_name"),
                         _mutant_params("test_the_catalog_names_each_mutant_its_own_mistake"))
def test_the_catalog_names_each_mutant_its_own_mistake(assignment, mistake_id, function_name):
    """What grading names a mutant's results: its own id, the first catalog mistake that matches."""
    contract = contract_of(assignment)
    mutant_function = representative_mutants(contract)[(mistake_id, function_name)]
    for seed in SEEDS:
        args_list = seeded_cases(contract, function_name, seed)
        expected = _results(case_function(contract, function_name), args_list)
        with np.errstate(all="ignore"):
            named = contract.diagnose(function_name, args_list, expected, _results(mutant_function, args_list))
        assert named == mistake_id, f"seed {seed}: named {named}"


@pytest.mark.parametrize(("assignment", "function_name"),
                         _mutated_function_params("test_mutants_of_one_function_are_pairwise_distinguishable"))
def test_mutants_of_one_function_are_pairwise_distinguishable(assignment, function_name):
    contract = contract_of(assignment)
    mutants = representative_mutants(contract)
    ids = sorted(mistake for mistake, name in mutants if name == function_name)
    for seed in SEEDS:
        args_list = seeded_cases(contract, function_name, seed)
        results = {mistake: _results(mutants[(mistake, function_name)], args_list) for mistake in ids}
        for first, second in itertools.combinations(ids, 2):
            assert not all(same_results(a, b, equal_nan=True) for a, b in zip(results[first], results[second])), (
                f"seed {seed}: {first} and {second} give the same results")


@pytest.mark.parametrize(("assignment", "function_name"),
                         _mutated_function_params("test_no_other_recogniser_claims_a_mutant"))
def test_no_other_recogniser_claims_a_mutant(assignment, function_name):
    """No other mistake's recogniser of this function claims a mutant, but for the overlaps that
    OVERLAPS_BY_ORDER declares, where the catalog lists the mutant's own mistake first."""
    contract = contract_of(assignment)
    mutants = representative_mutants(contract)
    ids = sorted(mistake for mistake, name in mutants if name == function_name)
    order = [mistake.id for mistake in contract.catalog]
    overlaps = OVERLAPS_BY_ORDER.get(assignment, set())
    for seed in SEEDS:
        args_list = seeded_cases(contract, function_name, seed)
        results = {mistake: _results(mutants[(mistake, function_name)], args_list) for mistake in ids}
        expected = _results(case_function(contract, function_name), args_list)
        for mistake in ids:
            for other in ids:
                if other == mistake:
                    continue
                if (other, mistake) in overlaps:
                    assert order.index(mistake) < order.index(other), f"{other} comes before {mistake}"
                    continue
                recognise = dict(contract.mistakes[other].recognisers)[function_name]
                with np.errstate(all="ignore"):
                    assert not recognise(args_list, expected, results[mistake]), f"{other} claims {mistake}"


# ----- the released check cells -------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", _assignment_params())
def test_the_solutions_pass_every_check(assignment):
    course = course_of(assignment)
    for function_name in course.contract.functions:
        shown = run_check(course, function_name, None)
        assert shown == f"{function_name}: visible checks passed\n", shown


# ----- the assignment's corpus, graded in this process ---------------------------------------------------


@pytest.mark.parametrize("assignment", _corpus_params())
def test_the_corpus_covers_every_id_a_call_can_produce(assignment):
    contract, corpus = contract_of(assignment), corpus_of(assignment)
    own = {mistake.id for mistake in contract.own_mistakes}
    assert set(LIMIT_IDS) - {TIME_LIMIT} == NOTEBOOK_LEVEL
    # An inputs-kept check charges its mistake after a call: a call produces it too.
    # not-float is the grader's where the contract says a function's results are floats.
    typed = {NOT_FLOAT} if contract.float_results else set()
    assert {mistake_id for mistake_id, _, _ in corpus.CORPUS} == own | set(GENERIC) | typed | {TIME_LIMIT}
    assert {mistake_id for mistake_id, _, _ in corpus.CORPUS} == set(contract.mistakes) - NOTEBOOK_LEVEL
    assert {mistake_id for mistake_id, _, _ in corpus.MORE_MISTAKES} <= own
    assert {function_name for function_name, _ in corpus.CORRECT_VARIANTS} == set(contract.functions)
    entries = {(group, mistake_id) for group in ("CORPUS", "MORE_MISTAKES")
               for mistake_id, _, _ in getattr(corpus, group)}
    assert set(getattr(corpus, "CHECK_EXCEPTIONS", {})) <= entries


@pytest.mark.parametrize(("assignment", "mistake_id", "function_name", "code"), _corpus_entry_params())
def test_each_corpus_mistake_is_named_and_costs_points(assignment, mistake_id, function_name, code, monkeypatch):
    contract = contract_of(assignment)
    monkeypatch.setattr("backprop_course.grading.runner.CALL_TIME_LIMIT", 0.5)
    assert points_of(function_name, code, contract=contract) < contract.functions[function_name].points
    assert failure_of(function_name, code, contract=contract).mistake == mistake_id
    verdicts = verdicts_of(function_name, code, contract=contract)
    named = {verdict.failure.mistake for verdict in verdicts if verdict.failure}
    assert named == {mistake_id}, "every failed check of a function names the same mistake"


@pytest.mark.parametrize(("assignment", "function_name", "code"), _variant_params())
def test_correct_answers_in_other_styles_get_full_points_and_pass_their_check(assignment, function_name, code):
    course = course_of(assignment)
    contract = course.contract
    assert points_of(function_name, code, contract=contract) == contract.functions[function_name].points, (
        failure_of(function_name, code, contract=contract))
    assert failure_of(function_name, code, contract=contract) is None
    shown = run_check(course, function_name, code)
    assert f"{function_name}: visible checks passed" in shown, shown
    assert not MISTAKE_ID.findall(shown), shown


@pytest.mark.parametrize("assignment", _check_exception_params())
def test_each_corpus_mistake_is_named_by_its_check_cell_or_listed_with_the_reason(assignment):
    course, corpus = course_of(assignment), corpus_of(assignment)
    entries = [("CORPUS", *entry) for entry in corpus.CORPUS] + [("MORE_MISTAKES", *entry)
                                                                 for entry in corpus.MORE_MISTAKES]
    named, wrong, table = check_cell_outcomes(course, entries, corpus.CHECK_EXCEPTIONS)
    print(table)
    assert not wrong, "\n".join(wrong) + "\n\n" + table
    assert named == len(entries) - len(corpus.CHECK_EXCEPTIONS)


@pytest.mark.parametrize("assignment", _corpus_params())
def test_a_corpus_mistake_is_named_at_its_own_check_and_the_checks_that_wait_for_it_say_to_fix_it_first(
        assignment):
    """Run All with one corpus mistake: the checks of the functions that depend on the mistaken one
    (by the reference's code and their check code) name no mistake and say which to fix first."""
    course, corpus = course_of(assignment), corpus_of(assignment)
    contract = course.contract
    # A loop that never ends would only stop the run here.
    entries = [entry for entry in corpus.CORPUS + corpus.MORE_MISTAKES if entry[0] != TIME_LIMIT]
    tried = 0
    for notebook in contract.notebooks:
        waits = check_waits(course, notebook)
        for name, after in waits.items():
            assert set(contract.graded_callees(name)) <= set(after), name
        for mistake_id, function_name, code in entries:
            waiting = [name for name, after in waits.items() if function_name in after]
            if contract.notebook_of[function_name] is not notebook or not waiting:
                continue
            shown = run_checks(course, notebook, {function_name: code})
            if f"{function_name}: visible checks passed" in shown[function_name]:
                continue  # its own check cannot tell (CHECK_EXCEPTIONS): the others run as usual
            tried += 1
            for name in waiting:
                assert shown[name].strip() == (f"CheckError: {name}: fix `{function_name}` first: its check fails; "
                                               "this check runs after it passes"), (mistake_id, name, shown[name])
            others = [name for name in waits if name != function_name and name not in waiting]
            assert all(shown[name] == f"{name}: visible checks passed\n" for name in others), (mistake_id, shown)
    assert tried >= 5, f"only {tried} corpus mistakes in functions that others depend on"


# ----- a new assignment gets the battery -------------------------------------------------------------------


# What needs a corpus: a new assignment without one skips these, saying so.
CORPUS_TESTS = {"test_the_corpus_covers_every_id_a_call_can_produce",
                "test_each_corpus_mistake_is_named_and_costs_points",
                "test_correct_answers_in_other_styles_get_full_points_and_pass_their_check",
                "test_each_corpus_mistake_is_named_by_its_check_cell_or_listed_with_the_reason",
                "test_a_corpus_mistake_is_named_at_its_own_check_and_the_checks_that_wait_for_it_say_to_fix_it_first"}


@pytest.mark.slow
def test_a_new_assignment_gets_the_battery():
    """In a copy of the repository, `backprop-course new-assignment tiny` and nothing else: this
    file's tests run on tiny beside the shipped assignments; those that need a corpus skip it with
    the reason, and the starter's one mutant-table test skips it with its reason (its mistakes.py
    has no MUTANTS)."""
    from backprop_course.commands.new_assignment import new_assignment
    from backprop_course.course.paths import CourseDir

    copy_root = repository_copy()
    try:
        new_assignment(CourseDir(copy_root), "tiny")
        env = dict(os.environ, PYTHONPATH=str(copy_root / "src"))
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "-m", "not slow", "-k", "tiny",
             "tests/test_assignment_battery.py"],
            cwd=copy_root, env=env, capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(copy_root, ignore_errors=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    passed = set(re.findall(r"^PASSED tests/test_assignment_battery\.py::(\w+)\[tiny[-\]]", output, re.MULTILINE))
    skipped = re.findall(r"^SKIPPED \[\d+\] tests/test_assignment_battery\.py:\d+: (.*)$", output, re.MULTILINE)
    battery = {name for name, value in globals().items() if name.startswith("test_") and callable(value)}
    no_table = "test_every_mistake_has_a_representative_mutant"
    assert passed == battery - CORPUS_TESTS - {no_table, "test_a_new_assignment_gets_the_battery"}, output[-5000:]
    assert len(skipped) == len(CORPUS_TESTS) + 1, output[-5000:]
    assert sum("tiny has no corpus: tests/corpora/tiny.py would hold it" in line for line in skipped) == 5
    assert any(line.startswith("tiny's mistakes.py has no MUTANTS table") for line in skipped), skipped
