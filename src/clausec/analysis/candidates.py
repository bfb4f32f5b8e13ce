"""Candidate pairs for the conflict checks, found by indexing norms by party, action and
object (never by looking at all pairs)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from clausec.analysis.prefilter import Prefilter
from clausec.analysis.solver import Stats
from clausec.ir import nodes as ir
from clausec.ir.values import MoneyValue

PairKind = Literal["W0501", "W0502", "W0503", "W0504", "W0505"]

# What each kind of pair is, in the findings' words.
WHAT: dict[str, str] = {
    "W0501": "an obligation and a prohibition of the same act",
    "W0502": "a permission and a prohibition of the same act",
    "W0503": "an obligation and an incompatible act on the same object",
    "acts": "an obligation and an act declared incompatible with it",
    "W0504": "two different exact amounts of the same duty",
    "W0505": "an exact amount above the cap of the same act",
}


@attrs.frozen
class Pair:
    """Two norms that may conflict, ``first`` before ``second`` in the contract; ``what``
    keys :data:`WHAT`."""

    code: PairKind
    first: ir.Norm
    second: ir.Norm
    what: str


def describe(n: ir.Norm) -> str:
    word = {"obligation": "must", "prohibition": "must not", "permission": "may", "power": "can"}[
        n.modality
    ]
    return f"`{n.party} {word} {n.action} {n.object}` ({n.id})"


def deontic_pairs(
    contract: ir.Contract,
    prefilter: Prefilter,
    stats: Stats,
    sides: Mapping[str, int] | None = None,
) -> Iterator[Pair]:
    """Every pair that may conflict, in contract order: a prohibition against an obligation
    (W0501) or a permission or power (W0502) of the same act; an obligation against an
    obligation, permission or power of the same party whose act is declared incompatible
    with it (W0503: an incompatible action on the same object, or an incompatible act); two
    obligations of the same act with exact amounts (W0504); an obligation of an exact amount
    against an obligation, permission or power of the same act capped by `up to` (W0505).
    Pairs whose conditions exclude each other on their face are left out (counted in
    ``stats.refuted``), as are amounts that are equal constants (W0504) or an exact constant
    within a constant cap (W0505). With ``sides`` (a side for each norm), only pairs of norms
    on different sides."""
    order = {n.id: i for i, n in enumerate(contract.norms)}
    by_act: dict[tuple[str, str, str], list[ir.Norm]] = defaultdict(list)
    for n in contract.norms:
        by_act[(n.party, n.action, n.object)].append(n)
    found: dict[tuple[str, str], tuple[PairKind, str]] = {}
    counts = _Counts(sides)

    def between(xs: Sequence[ir.Norm], ys: Sequence[ir.Norm]) -> Iterator[tuple[ir.Norm, ir.Norm]]:
        """The pairs, one of ``xs`` and one of ``ys``, whose conditions may overlap."""
        counts.total += counts.pairs(xs, ys)
        mine = {n.id for n in xs}
        for x, y in prefilter.overlapping([*xs, *ys]):
            if (x.id in mine) != (y.id in mine) and counts.across(x, y):
                yield (x, y) if x.id in mine else (y, x)

    for group in by_act.values():
        prohibitions = [n for n in group if n.modality == "prohibition"]
        if prohibitions and len(prohibitions) < len(group):
            others = [n for n in group if n.modality != "prohibition"]
            for x, y in between(prohibitions, others):
                code: PairKind = "W0501" if y.modality == "obligation" else "W0502"
                found[_ordered(x, y, order)] = (code, code)
                counts.kept += 1
        exact = [n for n in group if n.modality == "obligation" and _amount(n, "exactly")]
        if len(exact) >= 2:
            counts.total += counts.within(exact)
            for x, y in prefilter.overlapping(exact):
                if counts.across(x, y) and not _equal_constants(x, y):
                    found.setdefault(_ordered(x, y, order), ("W0504", "W0504"))
                    counts.kept += 1
        capped = [n for n in group if n.modality != "prohibition" and _amount(n, "up_to")]
        if exact and capped:
            for x, y in between(exact, capped):
                if not _within_cap(x, y):
                    found.setdefault(_ordered(x, y, order), ("W0505", "W0505"))
                    counts.kept += 1
    # Acts that exclude the act of an obligation, and the words for the pair.
    clashing: dict[tuple[str, str], dict[tuple[str, str], str]] = defaultdict(dict)
    for actions in contract.incompatible:
        for obj in {k[2] for k in by_act}:
            for a in actions:
                for b in actions:
                    if a != b:
                        clashing[(a, obj)][(b, obj)] = "W0503"
    for acts in contract.incompatible_acts:
        for one in acts:
            for other in acts:
                if one != other:
                    clashing[(one.action, one.object)].setdefault(
                        (other.action, other.object), "acts"
                    )
    if clashing:
        for (party, action, obj), group in by_act.items():
            duties = [n for n in group if n.modality == "obligation"]
            if not duties:
                continue
            for (other_action, other_obj), what in sorted(clashing.get((action, obj), {}).items()):
                others = [
                    n
                    for n in by_act.get((party, other_action, other_obj), ())
                    if n.modality != "prohibition"
                ]
                for x, y in between(duties, others):
                    found.setdefault(_ordered(x, y, order), ("W0503", what))
                    counts.kept += 1
    stats.candidate_pairs += counts.total
    stats.refuted += counts.total - counts.kept
    by_id = {n.id: n for n in contract.norms}
    for (a, b), (code, what) in sorted(
        found.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])
    ):
        yield Pair(code, by_id[a], by_id[b], what)


class _Counts:
    """Candidate pairs counted and kept, and the sides of a cross-file analysis."""

    def __init__(self, sides: Mapping[str, int] | None) -> None:
        self.sides = sides
        self.total = 0
        self.kept = 0

    def across(self, x: ir.Norm, y: ir.Norm) -> bool:
        return self.sides is None or self.sides[x.id] != self.sides[y.id]

    def within(self, xs: Sequence[ir.Norm]) -> int:
        """How many pairs of two of ``xs`` there are (across sides)."""
        if self.sides is None:
            return len(xs) * (len(xs) - 1) // 2
        return self.pairs(xs, xs) // 2

    def pairs(self, xs: Sequence[ir.Norm], ys: Sequence[ir.Norm]) -> int:
        """How many pairs of one of ``xs`` and one of ``ys`` there are (across sides)."""
        if self.sides is None:
            return len(xs) * len(ys)
        left = Counter(self.sides[n.id] for n in xs)
        right = Counter(self.sides[n.id] for n in ys)
        return sum(left[a] * right[b] for a in left for b in right if a != b)


def _amount(n: ir.Norm, kind: str) -> bool:
    return n.amount is not None and n.amount.kind == kind and n.amount.expr is not None


def _equal_constants(x: ir.Norm, y: ir.Norm) -> bool:
    """Whether the exact amounts of ``x`` and ``y`` are the same constant."""
    a, b = _constant(x), _constant(y)
    return a is not None and b is not None and a == b


def _within_cap(exact: ir.Norm, capped: ir.Norm) -> bool:
    """Whether the exact amount and the cap are constants, the amount within the cap."""
    a, b = _constant(exact), _constant(capped)
    return a is not None and b is not None and a[0] == b[0] and a[1] <= b[1]


def _constant(n: ir.Norm) -> tuple[object, Fraction] | None:
    """The amount of ``n`` when it is a number or a sum of money written out: its unit (the
    currency, or None) and its value."""
    e = n.amount.expr if n.amount else None
    if not isinstance(e, ir.Const) or isinstance(e.value, bool):
        return None
    if isinstance(e.value, MoneyValue):
        return e.value.currency, Fraction(e.value.amount)
    if isinstance(e.value, (int, Decimal)):
        return None, Fraction(e.value)
    return None


def same_duty_pairs(
    contract: ir.Contract, prefilter: Prefilter, stats: Stats
) -> Iterator[tuple[ir.Norm, ir.Norm]]:
    """Pairs of obligations of the same act that both have a deadline, in contract order,
    except those whose conditions exclude each other on their face (counted in
    ``stats.refuted``)."""
    by_act: dict[tuple[str, str, str], list[ir.Norm]] = defaultdict(list)
    for n in contract.norms:
        if n.modality == "obligation" and n.deadline is not None:
            by_act[(n.party, n.action, n.object)].append(n)
    pairs = []
    order = {n.id: i for i, n in enumerate(contract.norms)}
    total = 0
    for group in by_act.values():
        total += len(group) * (len(group) - 1) // 2
        pairs += [_by_order(a, b, order) for a, b in prefilter.overlapping(group)]
    stats.candidate_pairs += total
    stats.refuted += total - len(pairs)
    pairs.sort(key=lambda ab: (order[ab[0].id], order[ab[1].id]))
    yield from pairs


def _ordered(x: ir.Norm, y: ir.Norm, order: dict[str, int]) -> tuple[str, str]:
    a, b = _by_order(x, y, order)
    return a.id, b.id


def _by_order(x: ir.Norm, y: ir.Norm, order: dict[str, int]) -> tuple[ir.Norm, ir.Norm]:
    return (x, y) if order[x.id] < order[y.id] else (y, x)
