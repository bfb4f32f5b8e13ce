"""A cheap refutation before the solver: norms whose conditions put contradictory bounds on
one fact (`n > 10` and `n <= 10`, `b` and `not b`) cannot apply together. Only what every
case must satisfy is read (the top-level conjuncts of conditions, and exceptions that are
single tests), so a refutation is always right; anything else is left to the solver.

Each norm's bounds are read once (:class:`Prefilter`), and :meth:`Prefilter.overlapping`
finds the pairs of a group whose bounds may overlap by sorting them on one fact's range,
never by trying every pair: a group of many norms on one act stays near-linear."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import DurationValue, MoneyValue

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}

Bound = tuple[Fraction, bool]  # (value, strict)


@attrs.frozen
class Bounds:
    """What every case in which some norms apply must satisfy: lower and upper bounds per
    fact (a boolean fact `b` as 1 <= b <= 1); ``empty`` when they contradict each other."""

    lo: dict[str, Bound] = attrs.field(factory=dict)
    hi: dict[str, Bound] = attrs.field(factory=dict)
    empty: bool = False

    def meet(self, other: Bounds) -> Bounds:
        """The bounds of both at once."""
        if self.empty or other.empty:
            return _EMPTY
        lo, hi = dict(self.lo), dict(self.hi)
        for name, bound in other.lo.items():
            if name not in lo or _tighter_lo(bound, lo[name]):
                lo[name] = bound
        for name, bound in other.hi.items():
            if name not in hi or _tighter_hi(bound, hi[name]):
                hi[name] = bound
        names = (other.lo.keys() | other.hi.keys()) & (lo.keys() & hi.keys())
        if any(_contradict(lo[n], hi[n]) for n in names):
            return _EMPTY
        return Bounds(lo, hi)

    def excludes(self, other: Bounds) -> bool:
        """Whether the two cannot hold at once (without building their meet)."""
        if self.empty or other.empty:
            return True
        for name, bound in self.lo.items():
            upper = other.hi.get(name)
            if upper is not None and _contradict(bound, upper):
                return True
        for name, bound in self.hi.items():
            lower = other.lo.get(name)
            if lower is not None and _contradict(lower, bound):
                return True
        return False


_EMPTY = Bounds(empty=True)


def bounds_of(norm: ir.Norm, *, exceptions: bool = True) -> Bounds:
    """The bounds of one norm's condition (and, with ``exceptions``, of its exceptions'
    negations)."""
    lo: dict[str, Bound] = {}
    hi: dict[str, Bound] = {}
    for name, op, value in _tests(norm, exceptions):
        if op in (">", ">=", "=", "is"):
            bound = (value, op == ">")
            if name not in lo or _tighter_lo(bound, lo[name]):
                lo[name] = bound
        if op in ("<", "<=", "=", "is"):
            bound = (value, op == "<")
            if name not in hi or _tighter_hi(bound, hi[name]):
                hi[name] = bound
        if name in lo and name in hi and _contradict(lo[name], hi[name]):
            return _EMPTY
    return Bounds(lo, hi)


def refuted(norms: Sequence[ir.Norm], *, exceptions: bool = True) -> bool:
    """True if the norms certainly cannot all apply at once (with ``exceptions`` false:
    their conditions cannot all hold at once)."""
    total = Bounds()
    for n in norms:
        total = total.meet(bounds_of(n, exceptions=exceptions))
        if total.empty:
            return True
    return False


class Prefilter:
    """The bounds of each norm of one contract, read once."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, bool], Bounds] = {}

    def bounds(self, norm: ir.Norm, *, exceptions: bool = True) -> Bounds:
        key = (norm.id, exceptions)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = bounds_of(norm, exceptions=exceptions)
        return found

    def refuted(self, a: ir.Norm, b: ir.Norm, *, exceptions: bool = True) -> bool:
        return self.bounds(a, exceptions=exceptions).excludes(self.bounds(b, exceptions=exceptions))

    def overlapping(self, norms: Sequence[ir.Norm]) -> Iterator[tuple[ir.Norm, ir.Norm]]:
        """Every pair of ``norms`` whose conditions may hold together (exceptions aside), in
        no particular order: the norms sorted by their range of the fact that most of them
        bound, each paired with those whose range it meets, then checked on all facts."""
        bounds = [self.bounds(n, exceptions=False) for n in norms]
        usable = [i for i, b in enumerate(bounds) if not b.empty]
        counts = Counter(name for i in usable for name in bounds[i].lo.keys() | bounds[i].hi.keys())
        if not counts:
            ranked: list[tuple[Bound, Bound, int]] = []
            free = usable
        else:
            key = min(counts, key=lambda name: (-counts[name], name))
            free = [i for i in usable if key not in bounds[i].lo and key not in bounds[i].hi]
            ranked = sorted(
                (bounds[i].lo.get(key, _NO_LOWER), bounds[i].hi.get(key, _NO_UPPER), i)
                for i in usable
                if key in bounds[i].lo or key in bounds[i].hi
            )
        pairs: list[tuple[int, int]] = []
        # Unbounded on the key: they may meet any other.
        for x, i in enumerate(free):
            pairs += ((i, j) for j in free[x + 1 :])
            pairs += ((i, j) for _, _, j in ranked)
        # A sweep by lower bound; `open` holds the ranges not yet ended, by upper bound.
        open_: list[tuple[Fraction, bool, int]] = []
        for low, high, i in ranked:
            while open_ and _contradict(low, (open_[0][0], open_[0][1])):
                heapq.heappop(open_)
            pairs += ((j, i) for _, _, j in open_)
            heapq.heappush(open_, (high[0], high[1], i))
        for i, j in pairs:
            if not bounds[i].excludes(bounds[j]):
                yield norms[i], norms[j]


# Stand-ins for a missing bound on the sweep's key fact.
_NO_LOWER: Bound = (Fraction(-(10**60)), False)
_NO_UPPER: Bound = (Fraction(10**60), False)


def _contradict(lower: Bound, upper: Bound) -> bool:
    """Whether no value is at least ``lower`` and at most ``upper``."""
    (a, a_strict), (b, b_strict) = lower, upper
    return a > b or (a == b and (a_strict or b_strict))


def _tighter_lo(x: tuple[Fraction, bool], y: tuple[Fraction, bool]) -> bool:
    return x[0] > y[0] or (x[0] == y[0] and x[1] and not y[1])


def _tighter_hi(x: tuple[Fraction, bool], y: tuple[Fraction, bool]) -> bool:
    return x[0] < y[0] or (x[0] == y[0] and x[1] and not y[1])


def _tests(n: ir.Norm, exceptions: bool) -> Iterator[tuple[str, str, Fraction]]:
    stack: list[ir.Expr] = [n.condition]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.Binary) and e.op == "and":
            stack += [e.left, e.right]
        else:
            yield from _test(e, True)
    for x in n.exceptions if exceptions else ():
        yield from _test(x, False)


def _test(e: ir.Expr, positive: bool) -> Iterator[tuple[str, str, Fraction]]:
    if isinstance(e, ir.Unary) and e.op == "not":
        e, positive = e.operand, not positive
    if isinstance(e, ir.FactRef) and isinstance(e.type, T.Boolean):
        yield e.name, "is", Fraction(1 if positive else 0)
        return
    if not (isinstance(e, ir.Binary) and e.op in _FLIP):
        return
    left, right, op = e.left, e.right, str(e.op)
    if isinstance(left, ir.Const) and isinstance(right, ir.FactRef):
        left, right, op = right, left, _FLIP[op]
    if not (isinstance(left, ir.FactRef) and isinstance(right, ir.Const)):
        return
    value = _number(right.value)
    if value is None or isinstance(left.type, (T.Text, T.Enum, T.Boolean)):
        return
    op = op if positive else _NEGATE[op]
    if op != "!=":
        yield left.name, op, value


def _number(v: object) -> Fraction | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, Decimal)):
        return Fraction(v)
    if isinstance(v, MoneyValue):
        return Fraction(v.amount)
    if isinstance(v, DurationValue):
        return Fraction(v.amount * {"weeks": 7, "years": 12}.get(v.unit, 1))
    if isinstance(v, dt.date):
        return Fraction(v.toordinal())
    return None
