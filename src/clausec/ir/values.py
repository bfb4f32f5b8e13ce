"""Runtime values shared by the IR, the interpreter and the backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, TypeAlias

import attrs


@attrs.frozen(slots=True)
class MoneyValue:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


Unit = Literal["days", "working_days", "weeks", "months", "years"]


@attrs.frozen(slots=True)
class DurationValue:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.amount} {word[:-1] if self.amount == 1 else word}"


@attrs.frozen(slots=True)
class EnumValue:
    member: str

    def __str__(self) -> str:
        return self.member


@attrs.frozen(slots=True)
class Never:
    """The date of an event known not to have happened."""

    def __str__(self) -> str:
        return "never"


NEVER = Never()

Value: TypeAlias = (
    bool | int | Decimal | MoneyValue | DurationValue | dt.date | str | EnumValue | Never
)


# Each unit in the base unit of its class (days, working days, months).
UNIT_SIZE = {"days": 1, "weeks": 7, "working_days": 1, "months": 1, "years": 12}


def order_key(value: Value) -> int | Decimal | dt.date:
    """What orders values of one ordered type: numbers, amounts of one currency, dates, and
    durations of one class in their base unit (days, working days, months)."""
    if isinstance(value, MoneyValue):
        return value.amount
    if isinstance(value, DurationValue):
        return value.amount * UNIT_SIZE[value.unit]
    assert isinstance(value, int | Decimal | dt.date), value
    return value


def to_json(value: Value) -> object:
    """A JSON-friendly rendering (decimals as strings, to keep them exact)."""
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, MoneyValue):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, DurationValue):
        return {"amount": value.amount, "unit": value.unit}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, EnumValue):
        return value.member
    if isinstance(value, Never):
        return "never"
    return value
