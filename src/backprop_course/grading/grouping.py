"""Students whose function failed with no catalog name, grouped by what it does on the common
cases (their recorded behaviours, behaviour.py), not by their code's text.

Two stages:
1. exact: students whose results have one structure and agree within the contract's tolerance
   on every common case have one behaviour (a Variant). Each variant is gathered around its
   first student in order (the most frequent fingerprint first), in one vectorised comparison.
2. looser: variants whose results are equal up to one factor per case join one Group, where the
   results have enough numbers for such a factor to say something (MIN_SCALED_NUMBERS per
   case; a case with fewer must agree as it is), compared within the catalog's MATCH_TOLERANCE
   (code written differently rounds differently: the catalog's recognisers allow as much), and
   the cases where either is not finite are left out (at least half of the cases, and two, must
   remain).
Students whose results are the reference's on every common case are in no group (their mistake
shows only on their own cases). Groups of more than one student come first, largest first, and
are numbered from 1 in that order, then the groups of one.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..course.numerics import REL_ERROR_FLOOR
from ..course.plain import Unsupported, leaves
from ..course.recognisers import MATCH_TOLERANCE
from .behaviour import Behaviour

# A factor per case is only fitted where a case's result has this many numbers away from zero:
# one for the factor, the rest to check it (a single number always fits some factor).
MIN_SCALED_NUMBERS = 3


@dataclass(frozen=True)
class Variant:
    """Students whose functions behave exactly alike; its behaviour is its first student's."""

    students: tuple[str, ...]
    behaviour: Behaviour


@dataclass(frozen=True)
class Group:
    """Variants whose results are equal up to a factor per case (most often one variant)."""

    number: int
    variants: tuple[Variant, ...]  # largest first

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(student for variant in self.variants for student in variant.students)

    @property
    def size(self) -> int:
        return len(self.students)

    @property
    def key(self) -> str:
        """A short name that stays while the group's main behaviour does: its fingerprint."""
        return self.variants[0].behaviour.fingerprint[:8]


@dataclass(frozen=True)
class Grouping:
    """One function's students who failed unnamed, grouped."""

    function: str
    groups: tuple[Group, ...]
    like_reference: tuple[str, ...]  # their results are the reference's on every common case

    @property
    def shared(self) -> tuple[Group, ...]:
        return tuple(group for group in self.groups if group.size > 1)

    @property
    def single(self) -> tuple[Group, ...]:
        return tuple(group for group in self.groups if group.size == 1)

    def group(self, number: int) -> Group | None:
        return next((group for group in self.groups if group.number == number), None)


def group_behaviours(function: str, behaviours: dict[str, Behaviour], reference: Behaviour,
                     tolerance: float) -> Grouping:
    """The grouping of behaviours ({student: behaviour}) of function (see the module's docstring)."""
    like_reference = tuple(sorted(student for student, behaviour in behaviours.items()
                                  if same_behaviour(behaviour, reference, tolerance)))
    others = {student: behaviour for student, behaviour in behaviours.items() if student not in like_reference}
    by_signature: dict[str, dict[str, Behaviour]] = {}
    for student, behaviour in others.items():
        by_signature.setdefault(behaviour.signature, {})[student] = behaviour
    groups: list[tuple[Variant, ...]] = []
    for bucket in by_signature.values():
        groups += _scaled_together(_variants(bucket, tolerance), tolerance)
    def size(variants: tuple[Variant, ...]) -> int:
        return sum(len(variant.students) for variant in variants)

    shared = sorted((variants for variants in groups if size(variants) > 1),
                    key=lambda variants: (-size(variants), variants[0].students[0]))
    single = sorted((variants for variants in groups if size(variants) == 1),
                    key=lambda variants: variants[0].students[0])
    return Grouping(function, tuple(Group(number, variants) for number, variants in enumerate([*shared, *single], 1)),
                    like_reference)


# ----- stage 1: exact behaviours -------------------------------------------------------------------


def _numbers(behaviour: Behaviour) -> list[np.ndarray]:
    """Each case's numbers, flattened in leaf order (error cases and other leaves: none)."""
    return [np.concatenate([np.ravel(leaf) for _, leaf in leaves(result) if isinstance(leaf, np.ndarray)]
                           or [np.zeros(0)]) for result in behaviour.results]


def _others(behaviour: Behaviour) -> list:
    """The leaves that are not numbers (type names, errors), which must be equal."""
    return [leaf for result in behaviour.results for _, leaf in leaves(result) if isinstance(leaf, Unsupported)]


def _agreeing(rows: np.ndarray, leader: np.ndarray, tolerance: float) -> np.ndarray:
    """Which rows agree with leader within tolerance everywhere (NaN with NaN, an infinity with
    the same infinity)."""
    with np.errstate(all="ignore"):
        scale = np.maximum(REL_ERROR_FLOOR, np.abs(rows) + np.abs(leader))
        close = np.abs(rows - leader) / scale <= tolerance
    close |= (rows == leader) | (np.isnan(rows) & np.isnan(leader))
    return close.all(axis=1)


def same_behaviour(first: Behaviour, second: Behaviour, tolerance: float) -> bool:
    if first.signature != second.signature or _others(first) != _others(second):
        return False
    one, other = np.concatenate(_numbers(first)), np.concatenate(_numbers(second))
    return bool(_agreeing(one[None, :], other, tolerance)[0])


def _variants(bucket: dict[str, Behaviour], tolerance: float) -> list[Variant]:
    """The exact behaviours among behaviours of one signature."""
    by_others: dict[str, list[str]] = {}
    for student, behaviour in bucket.items():
        by_others.setdefault(repr(_others(behaviour)), []).append(student)
    found = []
    for students in by_others.values():
        counts = Counter(bucket[student].fingerprint for student in students)
        order = sorted(students, key=lambda student: (-counts[bucket[student].fingerprint], student))
        rows = np.array([np.concatenate(_numbers(bucket[student])) for student in order])
        left = np.arange(len(order))
        while left.size:
            agree = _agreeing(rows[left], rows[left[0]], tolerance)
            agree[0] = True
            members = tuple(sorted(order[index] for index in left[agree]))
            found.append(Variant(members, bucket[order[left[0]]]))
            left = left[~agree]
    return found


# ----- stage 2: equal up to a factor per case ----------------------------------------------------


def factor_of(a: np.ndarray, b: np.ndarray, tolerance: float, min_numbers: int = 1) -> float | None:
    """The factor c with b = c a within tolerance, or None; 1 where a has fewer than min_numbers
    numbers away from zero to fit one."""
    usable = np.abs(a) > REL_ERROR_FLOOR
    factor = 1.0
    if np.count_nonzero(usable) >= min_numbers:
        with np.errstate(all="ignore"):
            factor = float(np.median(b[usable] / a[usable]))
        if not np.isfinite(factor) or factor == 0.0:
            return None
    return factor if _agreeing(b[None, :], factor * a, tolerance)[0] else None


def case_factors(reference: Behaviour, behaviour: Behaviour, tolerance: float) -> list[float | None]:
    """For each common case, the factor that makes the reference's results behaviour's (None
    where none does, or the structures differ)."""
    if reference.signature != behaviour.signature:
        return [None] * len(behaviour.results)
    return [factor_of(a, b, tolerance) if a.size and b.size else None
            for a, b in zip(_numbers(reference), _numbers(behaviour))]


def case_distances(first: Behaviour, second: Behaviour) -> list[float]:
    """For each common case, the largest relative difference of two behaviours' numbers (NaN
    against NaN counts as none; infinity where the structures differ)."""
    if first.signature != second.signature or _others(first) != _others(second):
        return [math.inf] * len(first.results)
    found = []
    for a, b in zip(_numbers(first), _numbers(second)):
        with np.errstate(all="ignore"):
            error = np.abs(a - b) / np.maximum(REL_ERROR_FLOOR, np.abs(a) + np.abs(b))
        error[(a == b) | (np.isnan(a) & np.isnan(b))] = 0.0
        found.append(float(np.max(np.nan_to_num(error, nan=np.inf), initial=0.0)))
    return found


def _scaled_together(variants: list[Variant], tolerance: float) -> list[tuple[Variant, ...]]:
    """The variants (of one signature) joined where one's numbers are another's times one factor
    per case (see the module's docstring), through any chain of them; for each variant, all the
    later ones at once."""
    parent = list(range(len(variants)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    numbers = [_numbers(variant.behaviour) for variant in variants]
    stacks = [np.array([found[case] for found in numbers]) for case in range(len(numbers[0]))] if numbers else []
    finite = [np.all(np.isfinite(stack), axis=1) & (stack.shape[1] > 0) for stack in stacks]
    needed = max(2, math.ceil(len(stacks) / 2))
    looser = max(tolerance, MATCH_TOLERANCE)
    for first in range(len(variants) - 1):
        later = np.arange(first + 1, len(variants))
        alike, comparable = np.ones(later.size, dtype=bool), np.zeros(later.size, dtype=int)
        for stack, whole in zip(stacks, finite):
            both = whole[later] & whole[first]
            alike &= ~both | _scaled_rows(stack[first], stack[later], looser)
            comparable += both
        for other in later[alike & (comparable >= needed)]:
            parent[root(int(other))] = root(first)
    joined: dict[int, list[Variant]] = {}
    for index, variant in enumerate(variants):
        joined.setdefault(root(index), []).append(variant)
    return [tuple(sorted(members, key=lambda variant: (-len(variant.students), variant.students[0])))
            for members in joined.values()]


def _scaled_rows(a: np.ndarray, rows: np.ndarray, tolerance: float) -> np.ndarray:
    """Which rows are a times one factor each (fitted where a has MIN_SCALED_NUMBERS numbers away
    from zero, else 1), within tolerance."""
    usable = np.abs(a) > REL_ERROR_FLOOR
    factors = np.ones(rows.shape[0])
    with np.errstate(all="ignore"):
        if np.count_nonzero(usable) >= MIN_SCALED_NUMBERS:
            factors = np.median(rows[:, usable] / a[usable], axis=1)
        scaled = factors[:, None] * a
        close = np.abs(rows - scaled) / np.maximum(REL_ERROR_FLOOR, np.abs(rows) + np.abs(scaled)) <= tolerance
    return (close | (rows == scaled)).all(axis=1) & np.isfinite(factors) & (factors != 0.0)
