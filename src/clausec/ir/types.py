"""The types of the clause language. Units and currencies are part of the type."""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

# Durations compare and add only within a class: 10 days vs 2 weeks is fine, 1 month vs
# 30 days is not (a month has no fixed length), and working days depend on the calendar.
DurationClass = Literal["days", "working_days", "months"]
UNIT_CLASS: dict[str, DurationClass] = {
    "days": "days",
    "weeks": "days",
    "working_days": "working_days",
    "months": "months",
    "years": "months",
}


@attrs.frozen(slots=True)
class Boolean:
    def __str__(self) -> str:
        return "boolean"


@attrs.frozen(slots=True)
class Integer:
    def __str__(self) -> str:
        return "integer"


@attrs.frozen(slots=True)
class DecimalType:
    def __str__(self) -> str:
        return "decimal"


@attrs.frozen(slots=True)
class Money:
    currency: str

    def __str__(self) -> str:
        return f"money {self.currency}"


@attrs.frozen(slots=True)
class Date:
    def __str__(self) -> str:
        return "date"


@attrs.frozen(slots=True)
class Duration:
    unit_class: DurationClass

    def __str__(self) -> str:
        return {
            "days": "duration in days",
            "working_days": "duration in working days",
            "months": "duration in months",
        }[self.unit_class]


@attrs.frozen(slots=True)
class Text:
    def __str__(self) -> str:
        return "text"


@attrs.frozen(slots=True)
class Enum:
    """An enumeration; ``name`` is the fact or object that declares it."""

    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return f"one of {', '.join(self.members)}"


Type: TypeAlias = Boolean | Integer | DecimalType | Money | Date | Duration | Text | Enum

BOOLEAN = Boolean()
INTEGER = Integer()
DECIMAL = DecimalType()
DATE = Date()
TEXT = Text()


def is_numeric(t: Type) -> bool:
    return isinstance(t, (Integer, DecimalType))


def to_json(t: Type) -> dict[str, object]:
    if isinstance(t, Money):
        return {"kind": "money", "currency": t.currency}
    if isinstance(t, Duration):
        return {"kind": "duration", "unit_class": t.unit_class}
    if isinstance(t, Enum):
        return {"kind": "enum", "members": list(t.members)}
    return {"kind": str(t)}
