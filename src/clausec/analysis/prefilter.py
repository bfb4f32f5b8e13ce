"""A cheap refutation before the solver: norms whose conditions put contradictory bounds on
one fact (`n > 10` and `n <= 10`, `b` and `not b`) cannot apply together. Only what every
case must satisfy is read (the top-level conjuncts of conditions, and exceptions that are
single tests), so a refutation is always right; anything else is left to the solver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import DurationValue, MoneyValue

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}


def refuted(norms: Sequence[ir.Norm], *, exceptions: bool = True) -> bool:
    """True if the norms certainly cannot all apply at once (with ``exceptions`` false:
    their conditions cannot all hold at once)."""
    lo: dict[str, tuple[Fraction, bool]] = {}  # fact -> (bound, strict)
    hi: dict[str, tuple[Fraction, bool]] = {}
    flags: dict[str, bool] = {}
    for n in norms:
        for name, op, value in _tests(n, exceptions):
            if op == "is":
                if flags.setdefault(name, value == 1) != (value == 1):
                    return True
                continue
            if op in (">", ">=", "="):
                bound = (value, op == ">")
                if name not in lo or _tighter_lo(bound, lo[name]):
                    lo[name] = bound
            if op in ("<", "<=", "="):
                bound = (value, op == "<")
                if name not in hi or _tighter_hi(bound, hi[name]):
                    hi[name] = bound
            if name in lo and name in hi:
                (a, a_strict), (b, b_strict) = lo[name], hi[name]
                if a > b or (a == b and (a_strict or b_strict)):
                    return True
    return False


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
