"""Runtime values and their exact arithmetic (docs/semantics.md, "Values").

Booleans, integers, ``Decimal`` (decimals and money amounts: the currency is in the type),
dates and ``NEVER``, durations as whole numbers of their class's base unit (days, working
days, months; infinite when measured against ``never``), strings (texts and enumeration
members). An unknown value is an ``Unknown`` carrying the facts it waits for.
"""

from __future__ import annotations

import datetime as dt
from decimal import Context, Decimal
from fractions import Fraction

import attrs

from clausec.evaluation.facts import NEVER, Never, RuntimeValue
from clausec.evaluation.messages import wording
from clausec.ir import types as T
from clausec.ir import values as V

# Addition, subtraction and multiplication are exact (up to this many digits); division
# rounds half-even to DIVISION_PLACES decimal places.
EXACT = Context(prec=200, Emax=999_999, Emin=-999_999)
DIVISION_PLACES = 18


@attrs.frozen
class Unknown:
    """A value that depends on facts not given (``deps``: their names)."""

    deps: frozenset[str]


TODAY = "today"  # the name under which a missing as-of date shows in depends_on


class EvaluationError(Exception):
    """A computation that has no answer, e.g. a date beyond year 9999. ``problem`` is a key
    of messages.MESSAGES."""

    def __init__(self, problem: str, **fields: object) -> None:
        super().__init__(wording(problem, **fields))
        self.problem = problem


def from_ir(value: V.Value) -> RuntimeValue:
    """An IR constant as a runtime value."""
    if isinstance(value, V.MoneyValue | V.DurationValue):
        return V.order_key(value)
    if isinstance(value, V.EnumValue):
        return value.member
    if isinstance(value, V.Never):
        return NEVER
    return value


def divide(a: int | Decimal, b: int | Decimal) -> Decimal | None:
    """``a / b`` rounded half-even to DIVISION_PLACES places; None when ``b`` is zero."""
    if b == 0:
        return None
    q = Fraction(a) / Fraction(b)
    return Decimal(round(q * 10**DIVISION_PLACES)).scaleb(-DIVISION_PLACES, EXACT)


def canonical_decimal(d: Decimal | int) -> str:
    """Plain notation without trailing zeros: ``10000``, ``0.5``, ``-3.25``."""
    text = format(Decimal(d), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_json(value: RuntimeValue, t: T.Type) -> object:
    """A runtime value in the output format of results (docs/semantics.md, "Results")."""
    if isinstance(value, Never):
        return "never"
    if isinstance(t, T.Money):
        assert isinstance(value, (int, Decimal))
        return {"amount": canonical_decimal(value), "currency": t.currency}
    if isinstance(t, T.DecimalType):
        assert isinstance(value, (int, Decimal))
        return canonical_decimal(value)
    if isinstance(t, T.Duration):
        if isinstance(value, float):
            return {"amount": "infinite" if value > 0 else "-infinite", "unit": t.unit_class}
        return {"amount": value, "unit": t.unit_class}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_input(value: RuntimeValue, t: T.Type) -> object:
    """A runtime value as a fact value that every evaluator reads back as the same value
    (docs/embedding.md, "Fact values"): what a generated evaluator passes for a presumed
    fact."""
    if isinstance(t, T.Money):
        assert isinstance(value, (int, Decimal))
        return f"{canonical_decimal(value)} {t.currency}"
    if isinstance(t, T.DecimalType):
        assert isinstance(value, (int, Decimal))
        return canonical_decimal(value)
    if isinstance(value, Never):
        return "never"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
