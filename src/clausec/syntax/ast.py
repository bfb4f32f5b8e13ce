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

node = attrs.frozen(slots=True)


# ---------------------------------------------------------------- names

@node
class Ident:
    """A simple name: a party, action, object, question, enum member, contract."""
    name: str
    span: Span


@node
class Dotted:
    """A dotted name of a fact, event or definition (``complaint.unresolved_for``)."""
    parts: tuple[str, ...]
    span: Span

    @property
    def name(self) -> str:
        return ".".join(self.parts)


# ---------------------------------------------------------------- expressions

DurationUnit = Literal["days", "working_days", "weeks", "months", "years"]


@node
class NumberLit:
    value: Decimal
    is_integer: bool
    span: Span


@node
class PercentLit:
    value: Decimal  # 5% is stored as 5
    span: Span


@node
class MoneyLit:
    amount: Decimal
    currency: str
    span: Span


@node
class DurationLit:
    amount: int
    unit: DurationUnit
    span: Span


@node
class DateLit:
    value: dt.date
    span: Span


@node
class StringLit:
    value: str
    span: Span


@node
class BoolLit:
    value: bool
    span: Span


@node
class NeverLit:
    """The date of an event that has not happened (and is known not to have)."""
    span: Span


@node
class Today:
    """The evaluation date (``as of`` in scenarios, a parameter for evaluators)."""
    span: Span


@node
class NameRef:
    name: Dotted
    span: Span


UnaryOp = Literal["not", "neg"]
BinaryOp = Literal["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]


@node
class Unary:
    op: UnaryOp
    operand: Expr
    span: Span


@node
class Binary:
    op: BinaryOp
    left: Expr
    right: Expr
    span: Span


@node
class Occurred:
    """``E has occurred``: the event has a date (is not ``never``)."""
    operand: Expr
    span: Span


@node
class Extremum:
    """``earliest of (...)`` / ``latest of (...)``: whichever comes first / last."""
    kind: Literal["earliest", "latest"]
    args: tuple[Expr, ...]
    span: Span


Expr: TypeAlias = (
    NumberLit | PercentLit | MoneyLit | DurationLit | DateLit | StringLit | BoolLit | NeverLit
    | Today | NameRef | Unary | Binary | Occurred | Extremum
)


# ---------------------------------------------------------------- types

TypeKind = Literal["boolean", "integer", "decimal", "money", "date", "duration", "text", "enum"]


@node
class TypeExpr:
    kind: TypeKind
    span: Span
    currency: str | None = None
    unit: DurationUnit | None = None
    members: tuple[Ident, ...] = ()


# ---------------------------------------------------------------- header and declarations

@node
class Header:
    contract: Ident
    title: StringLit | None
    source: StringLit | None
    language: Ident | None
    calendar: Ident | None
    span: Span


@node
class Party:
    name: Ident
    role: StringLit
    legal_name: StringLit | None
    span: Span


@node
class Fact:
    name: Dotted
    type: TypeExpr
    description: StringLit | None
    span: Span


@node
class Event:
    name: Dotted
    description: StringLit | None
    span: Span


@node
class Definition:
    name: Dotted
    type: TypeExpr | None
    expr: Expr
    description: StringLit | None
    span: Span


@node
class ActionDecl:
    name: Ident
    description: StringLit | None
    span: Span


@node
class ObjectDecl:
    name: Ident
    type: TypeExpr | None
    description: StringLit | None
    span: Span


@node
class Incompatible:
    actions: tuple[Ident, ...]
    span: Span


@node
class Import:
    contract: Ident
    path: StringLit | None
    span: Span


@node
class Document:
    """An external document referred to but not transcribed (e.g. a platform's service terms)."""
    name: Ident
    title: StringLit
    span: Span


# ---------------------------------------------------------------- clauses and norms

@node
class ClauseRef:
    number: StringLit
    contract: Ident | None
    span: Span


@node
class DocumentRef:
    name: Ident
    span: Span


Ref: TypeAlias = ClauseRef | DocumentRef


@node
class Amount:
    kind: Literal["all", "part", "part_or_all", "up_to", "exactly"]
    expr: Expr | None
    span: Span


@node
class Within:
    duration: Expr
    anchor: Expr
    span: Span


@node
class AtLeastBefore:
    duration: Expr
    anchor: Expr
    span: Span


@node
class DateBound:
    """``before E`` (exclusive), ``by E`` (inclusive), ``until E`` (end of a permission)."""
    kind: Literal["before", "by", "until"]
    date: Expr
    span: Span


@node
class Qualitative:
    """A deadline with no computable date: without undue delay / unverzüglich, immediately."""
    kind: Literal["without_undue_delay", "immediately"]
    span: Span


@node
class Monthly:
    """``on days 5 and 20 of every month [after E]``."""
    days: tuple[int, ...]
    anchor: Expr | None
    span: Span


@node
class Frequency:
    """``at least once every month``."""
    unit: DurationUnit
    span: Span


Deadline: TypeAlias = Within | AtLeastBefore | DateBound | Qualitative | Monthly | Frequency


@node
class Extension:
    """``extendable by D [if C]`` / ``extendable to D [if C]``."""
    mode: Literal["by", "to"]
    amount: Expr
    condition: Expr | None
    span: Span


@node
class NormHead:
    party: Ident
    modality: Literal["must", "must_not", "may", "can"]
    action: Ident
    object: Ident
    amount: Amount | None
    beneficiary: Ident | None
    span: Span


@node
class Condition:
    expr: Expr
    span: Span


@node
class Exception_:
    """``unless C``."""
    expr: Expr
    span: Span


@node
class OtherwiseProvided:
    """``unless otherwise provided``: yields to any other norm on the same matter."""
    span: Span


@node
class PriorityItem:
    kind: Literal["subject_to", "notwithstanding", "prevails_over"]
    refs: tuple[Ref, ...]
    span: Span


@node
class Form:
    forms: tuple[Ident, ...]
    span: Span


@node
class PerformedOn:
    event: Dotted
    span: Span


@node
class BreachWhen:
    expr: Expr
    span: Span


NormItem: TypeAlias = (
    Condition | Exception_ | OtherwiseProvided | PriorityItem | Form | PerformedOn | BreachWhen
    | Extension | Within | AtLeastBefore | DateBound | Qualitative | Monthly | Frequency
)


@node
class Norm:
    head: NormHead
    items: tuple[NormItem, ...]
    remedies: tuple[Norm, ...]
    span: Span


@node
class Precedence:
    """``"8.5" prevails over "9.3"`` stated inside a clause."""
    higher: tuple[Ref, ...]
    lower: tuple[Ref, ...]
    span: Span


@node
class DeadlineExtension:
    """``deadlines extended by D [if C]``: every deadline of the contract (force majeure)."""
    amount: Expr
    condition: Expr | None
    span: Span


ClauseItem: TypeAlias = Norm | Precedence | DeadlineExtension


@node
class ClauseAttr:
    kind: Literal["quote", "gloss", "reason"]
    value: StringLit
    span: Span


@node
class RefersTo:
    refs: tuple[Ref, ...]
    span: Span


@node
class Clause:
    number: StringLit
    normative: bool
    attrs: tuple[ClauseAttr | RefersTo, ...]
    items: tuple[ClauseItem, ...]
    span: Span


# ---------------------------------------------------------------- questions and scenarios

@node
class Query:
    kind: Literal["may", "must", "deadline", "value"]
    party: Ident | None
    action: Ident | None
    object: Ident | None
    expr: Expr | None
    span: Span


@node
class Question:
    name: Ident
    description: StringLit | None
    query: Query
    span: Span


@node
class Given:
    name: Dotted
    value: Expr
    span: Span


@node
class AsOf:
    date: Expr
    span: Span


AnswerKind = Literal[
    "yes", "no", "obliged", "not_obliged", "undetermined", "without_undue_delay",
    "immediately", "none", "value",
]


@node
class Answer:
    kind: AnswerKind
    value: Expr | None
    span: Span


@node
class ExpectDetail:
    kind: Literal["because", "overriding", "depending_on", "by"]
    refs: tuple[Ref, ...] = ()
    names: tuple[Dotted, ...] = ()
    expr: Expr | None = None
    span: Span | None = None


@node
class Expect:
    question: Ident
    answer: Answer
    details: tuple[ExpectDetail, ...]
    span: Span


@node
class Scenario:
    title: StringLit
    items: tuple[Given | AsOf | Expect, ...]
    span: Span


Declaration: TypeAlias = (
    Party | Fact | Event | Definition | ActionDecl | ObjectDecl | Incompatible | Import
    | Document | Clause | Question | Scenario
)


@node
class Module:
    """One parsed ``.clause`` file."""
    file: str
    header: Header | None
    declarations: tuple[Declaration, ...]
