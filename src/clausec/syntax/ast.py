"""The abstract syntax tree: frozen, slotted attrs nodes, each carrying its source span.

The tree mirrors what the author wrote (names unresolved, types unknown); the semantic
pass turns it into the typed IR of :mod:`clausec.ir`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, TypeAlias

import attrs

from clausec.source import Span

# ---------------------------------------------------------------- names


@attrs.frozen
class Ident:
    """A simple name: a party, action, object, question, enum member, contract."""

    name: str
    span: Span


@attrs.frozen
class Dotted:
    """A dotted name of a fact, event or definition (``complaint.unresolved_for``)."""

    parts: tuple[str, ...]
    span: Span

    @property
    def name(self) -> str:
        return ".".join(self.parts)


# ---------------------------------------------------------------- expressions

DurationUnit = Literal["days", "working_days", "weeks", "months", "years"]


@attrs.frozen
class NumberLit:
    value: Decimal
    is_integer: bool
    span: Span


@attrs.frozen
class PercentLit:
    value: Decimal  # 5% is stored as 5
    span: Span


@attrs.frozen
class MoneyLit:
    amount: Decimal
    currency: str
    span: Span


@attrs.frozen
class DurationLit:
    amount: int
    unit: DurationUnit
    span: Span


@attrs.frozen
class DateLit:
    value: dt.date
    span: Span


@attrs.frozen
class StringLit:
    value: str
    span: Span


@attrs.frozen
class BoolLit:
    value: bool
    span: Span


@attrs.frozen
class NeverLit:
    """The date of an event that has not happened (and is known not to have)."""

    span: Span


@attrs.frozen
class Today:
    """The evaluation date (``as of`` in scenarios, a parameter for evaluators)."""

    span: Span


@attrs.frozen
class NameRef:
    name: Dotted
    span: Span


UnaryOp = Literal["not", "neg"]
BinaryOp = Literal["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]


@attrs.frozen
class Unary:
    op: UnaryOp
    operand: Expr
    span: Span


@attrs.frozen
class Binary:
    op: BinaryOp
    left: Expr
    right: Expr
    span: Span


@attrs.frozen
class Occurred:
    """``E has occurred``: the event has a date (is not ``never``)."""

    operand: Expr
    span: Span


@attrs.frozen
class Extremum:
    """``earliest of (...)`` / ``latest of (...)``: whichever date comes first / last;
    ``least of (...)`` / ``greatest of (...)``: the smallest / largest number, amount or
    duration."""

    kind: Literal["earliest", "latest", "least", "greatest"]
    args: tuple[Expr, ...]
    span: Span


@attrs.frozen
class Conditional:
    """``if C then A else B``."""

    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span


@attrs.frozen
class Between:
    """``days from A to B`` (also working days, months): the time counted from one date to
    another."""

    unit: DurationUnit
    start: Expr
    end: Expr
    span: Span


Expr: TypeAlias = (
    NumberLit
    | PercentLit
    | MoneyLit
    | DurationLit
    | DateLit
    | StringLit
    | BoolLit
    | NeverLit
    | Today
    | NameRef
    | Unary
    | Binary
    | Occurred
    | Extremum
    | Conditional
    | Between
)


# ---------------------------------------------------------------- types

TypeKind = Literal["boolean", "integer", "decimal", "money", "date", "duration", "text", "enum"]


@attrs.frozen
class TypeExpr:
    kind: TypeKind
    span: Span
    currency: str | None = None
    unit: DurationUnit | None = None
    members: tuple[Ident, ...] = ()


# ---------------------------------------------------------------- header and declarations


@attrs.frozen
class Header:
    contract: Ident
    title: StringLit | None
    source: StringLit | None
    language: Ident | None
    calendar: Ident | None
    span: Span
    accepts: tuple[Accept, ...] = ()
    periods: PeriodsEnd | None = None
    # ``running header "…"``: lines of the source document that are not part of its text.
    running_headers: tuple[StringLit, ...] = ()


@attrs.frozen
class PeriodsEnd:
    """``periods end on working days``: a period whose last day is not a working day ends on
    the next working day (docs/semantics.md, "Periods ending on working days")."""

    span: Span


@attrs.frozen
class Accept:
    """``accept CODE, … because "reason"``: findings of ``clausec check`` accepted as they are."""

    codes: tuple[Ident, ...]
    reason: StringLit | None
    span: Span


@attrs.frozen
class Party:
    name: Ident
    role: StringLit
    legal_name: StringLit | None
    span: Span


@attrs.frozen
class Presumption:
    """``presumed VALUE because "REASON" per "CLAUSE", …``: the value a fact or event takes
    while it is not given."""

    value: Expr
    reason: StringLit
    rests_on: tuple[Ref, ...]
    span: Span


@attrs.frozen
class Fact:
    name: Dotted
    type: TypeExpr
    description: StringLit | None
    span: Span
    presumption: Presumption | None = None
    bounds: tuple[Bound, ...] = ()


@attrs.frozen
class Bound:
    """``at least X`` / ``at most X`` after a fact's type."""

    kind: Literal["minimum", "maximum"]
    value: Expr
    span: Span


@attrs.frozen
class Event:
    name: Dotted
    description: StringLit | None
    span: Span
    presumption: Presumption | None = None


@attrs.frozen
class Definition:
    name: Dotted
    type: TypeExpr | None
    expr: Expr
    description: StringLit | None
    span: Span


@attrs.frozen
class ActionDecl:
    name: Ident
    description: StringLit | None
    span: Span


@attrs.frozen
class ObjectDecl:
    name: Ident
    type: TypeExpr | None
    description: StringLit | None
    span: Span


@attrs.frozen
class Incompatible:
    """Actions that exclude one another on the same object; with ``objects`` (one per action),
    acts that exclude one another."""

    actions: tuple[Ident, ...]
    span: Span
    objects: tuple[Ident, ...] = ()


@attrs.frozen
class Import:
    contract: Ident
    path: StringLit | None
    span: Span


@attrs.frozen
class Document:
    """An external document referred to but not transcribed (e.g. a platform's service terms)."""

    name: Ident
    title: StringLit
    span: Span


# ---------------------------------------------------------------- clauses and norms


@attrs.frozen
class ClauseRef:
    number: StringLit
    contract: Ident | None
    span: Span


@attrs.frozen
class DocumentRef:
    name: Ident
    span: Span


Ref: TypeAlias = ClauseRef | DocumentRef


@attrs.frozen
class Amount:
    kind: Literal["all", "part", "part_or_all", "up_to", "exactly"]
    expr: Expr | None
    span: Span


@attrs.frozen
class Within:
    duration: Expr
    anchor: Expr
    span: Span


@attrs.frozen
class AtLeastBefore:
    duration: Expr
    anchor: Expr
    span: Span


@attrs.frozen
class DateBound:
    """``before E`` (exclusive), ``by E`` (inclusive), ``until E`` (end of a permission)."""

    kind: Literal["before", "by", "until"]
    date: Expr
    span: Span


@attrs.frozen
class Qualitative:
    """A deadline with no computable date: without undue delay / unverzüglich, immediately."""

    kind: Literal["without_undue_delay", "immediately"]
    span: Span


@attrs.frozen
class Monthly:
    """``on days 5 and 20 of every month [after E]``."""

    days: tuple[int, ...]
    anchor: Expr | None
    span: Span


@attrs.frozen
class Frequency:
    """``at least once every month``."""

    unit: DurationUnit
    span: Span


Deadline: TypeAlias = Within | AtLeastBefore | DateBound | Qualitative | Monthly | Frequency


@attrs.frozen
class Extension:
    """``extendable by D [if C]`` / ``extendable to D [if C]``."""

    mode: Literal["by", "to"]
    amount: Expr
    condition: Expr | None
    span: Span


@attrs.frozen
class NormHead:
    party: Ident
    modality: Literal["must", "must_not", "may", "can"]
    action: Ident
    object: Ident
    amount: Amount | None
    beneficiary: Ident | None
    span: Span


@attrs.frozen
class Condition:
    expr: Expr
    span: Span


@attrs.frozen
class Exception_:
    """``unless C``."""

    expr: Expr
    span: Span


@attrs.frozen
class OtherwiseProvided:
    """``unless otherwise provided``: yields to any other norm on the same matter."""

    span: Span


@attrs.frozen
class PriorityItem:
    kind: Literal["subject_to", "notwithstanding", "prevails_over"]
    refs: tuple[Ref, ...]
    span: Span


@attrs.frozen
class Form:
    forms: tuple[Ident, ...]
    span: Span


@attrs.frozen
class PerformedOn:
    event: Dotted
    span: Span


@attrs.frozen
class EndingOn:
    """``ending on working days`` (``working``) or ``ending on any day``: whether this norm's
    deadline moves off a day that is not a working day, whatever the header says."""

    working: bool
    span: Span


@attrs.frozen
class BreachWhen:
    expr: Expr
    span: Span


NormItem: TypeAlias = (
    Condition
    | Exception_
    | OtherwiseProvided
    | PriorityItem
    | Form
    | PerformedOn
    | EndingOn
    | BreachWhen
    | Extension
    | Within
    | AtLeastBefore
    | DateBound
    | Qualitative
    | Monthly
    | Frequency
)


@attrs.frozen
class Norm:
    head: NormHead
    items: tuple[NormItem, ...]
    remedies: tuple[Norm, ...]
    span: Span


@attrs.frozen
class Precedence:
    """``"8.5" prevails over "9.3"`` stated inside a clause."""

    higher: tuple[Ref, ...]
    lower: tuple[Ref, ...]
    span: Span


@attrs.frozen
class DeadlineExtension:
    """``deadlines extended by D [if C]``: every deadline of the contract (force majeure)."""

    amount: Expr
    condition: Expr | None
    span: Span


ClauseItem: TypeAlias = Norm | Precedence | DeadlineExtension


@attrs.frozen
class ClauseAttr:
    kind: Literal["quote", "gloss", "reason"]
    value: StringLit
    span: Span


@attrs.frozen
class RefersTo:
    refs: tuple[Ref, ...]
    span: Span
    about: tuple[Ident, ...] = ()  # the objects the source says the referred text is about


@attrs.frozen
class Clause:
    number: StringLit
    normative: bool
    attrs: tuple[ClauseAttr | RefersTo | Accept, ...]
    items: tuple[ClauseItem, ...]
    span: Span


# ---------------------------------------------------------------- questions and scenarios


@attrs.frozen
class Query:
    kind: Literal["may", "must", "deadline", "value", "amount"]
    party: Ident | None
    action: Ident | None
    object: Ident | None
    expr: Expr | None
    span: Span


@attrs.frozen
class Question:
    name: Ident
    description: StringLit | None
    query: Query
    span: Span


@attrs.frozen
class Given:
    name: Dotted
    value: Expr
    span: Span


@attrs.frozen
class AsOf:
    date: Expr
    span: Span


AnswerKind = Literal[
    "yes",
    "no",
    "obliged",
    "not_obliged",
    "undetermined",
    "without_undue_delay",
    "immediately",
    "none",
    "value",
    "all",
    "part",
    "unspecified",
]


@attrs.frozen
class Answer:
    kind: AnswerKind
    value: Expr | None
    span: Span


@attrs.frozen
class ExpectDetail:
    kind: Literal["because", "overriding", "depending_on", "assuming", "by"]
    refs: tuple[Ref, ...] = ()
    names: tuple[Dotted, ...] = ()
    expr: Expr | None = None
    span: Span | None = None


@attrs.frozen
class Expect:
    question: Ident
    answer: Answer
    details: tuple[ExpectDetail, ...]
    span: Span


@attrs.frozen
class Scenario:
    title: StringLit
    items: tuple[Given | AsOf | Expect, ...]
    span: Span


Declaration: TypeAlias = (
    Party
    | Fact
    | Event
    | Definition
    | ActionDecl
    | ObjectDecl
    | Incompatible
    | Import
    | Document
    | Clause
    | Question
    | Scenario
)


@attrs.frozen
class Module:
    """One parsed ``.clause`` file."""

    file: str
    header: Header | None
    declarations: tuple[Declaration, ...]
