"""The normalized IR of a contract: resolved names, typed expressions, norms and priorities.

Everything a later pass (analyses, evaluators, graphs) needs is here; none of them looks at
the AST. Documented in docs/ir.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, TypeAlias

import attrs

from clausec.ir.types import Type
from clausec.ir.values import Value
from clausec.source import Span

# ---------------------------------------------------------------- expressions


@attrs.frozen
class Const:
    value: Value
    type: Type
    span: Span


@attrs.frozen
class FactRef:
    """An input: a fact or an event (an event is a fact of type date that may be ``never``)."""

    name: str
    type: Type
    span: Span


@attrs.frozen
class DefRef:
    name: str
    type: Type
    span: Span


@attrs.frozen
class Today:
    type: Type
    span: Span


@attrs.frozen
class Unary:
    op: Literal["not", "neg"]
    operand: Expr
    type: Type
    span: Span


@attrs.frozen
class Binary:
    op: Literal["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]
    left: Expr
    right: Expr
    type: Type
    span: Span


@attrs.frozen
class Occurred:
    operand: Expr
    type: Type
    span: Span


@attrs.frozen
class Extremum:
    """The first or last of dates (earliest, latest), or the smallest or largest of numbers,
    amounts or durations (least, greatest)."""

    kind: Literal["earliest", "latest", "least", "greatest"]
    args: tuple[Expr, ...]
    type: Type
    span: Span


@attrs.frozen
class Conditional:
    """``if condition then then else otherwise``."""

    condition: Expr
    then: Expr
    otherwise: Expr
    type: Type
    span: Span


@attrs.frozen
class Between:
    """The days, working days or whole calendar months from ``start`` to ``end`` (negative
    when ``end`` comes first): a duration of ``unit_class``."""

    unit_class: Literal["days", "working_days", "months"]
    start: Expr
    end: Expr
    type: Type
    span: Span


Expr: TypeAlias = (
    Const | FactRef | DefRef | Today | Unary | Binary | Occurred | Extremum | Conditional | Between
)


def subexpressions(e: Expr) -> Iterator[Expr]:
    """``e`` and every expression inside it, in pre-order (left before right); definitions
    are not followed."""
    stack: list[Expr] = [e]
    while stack:
        node = stack.pop()
        yield node
        match node:
            case Unary() | Occurred():
                stack.append(node.operand)
            case Binary():
                stack += (node.right, node.left)
            case Extremum():
                stack += reversed(node.args)
            case Conditional():
                stack += (node.otherwise, node.then, node.condition)
            case Between():
                stack += (node.end, node.start)


# ---------------------------------------------------------------- declarations


@attrs.frozen
class Party:
    name: str
    role: str
    legal_name: str | None
    span: Span


@attrs.frozen
class Presumption:
    """What a fact or event is taken to be while it is not given (docs/semantics.md,
    "Presumptions"): ``value``, because of ``reason``, resting on the clauses ``rests_on``."""

    value: Value
    reason: str
    rests_on: tuple[ClauseRef, ...]
    span: Span


@attrs.frozen
class Fact:
    name: str
    type: Type
    kind: Literal["fact", "event"]
    description: str | None
    span: Span
    presumption: Presumption | None = None
    # The least and greatest values the fact can take (``at least``, ``at most``).
    minimum: Value | None = None
    maximum: Value | None = None


@attrs.frozen
class Definition:
    name: str
    type: Type
    expr: Expr
    description: str | None
    span: Span


@attrs.frozen
class Action:
    name: str
    description: str | None
    span: Span


@attrs.frozen
class Object:
    name: str
    type: Type | None
    description: str | None
    span: Span


@attrs.frozen
class ClauseRef:
    """A clause of this contract (``contract`` None), an imported contract, or a document."""

    number: str | None
    contract: str | None
    span: Span
    # `refers to … about OBJECT`: what the referring text says the referred clause is about.
    about: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.number is None:
            return f"document {self.contract}"
        return f'"{self.number}"' + (f" of {self.contract}" if self.contract else "")


@attrs.frozen(order=True)
class Act:
    """An action on an object, as an `incompatible` declaration of acts names it."""

    action: str
    object: str


@attrs.frozen
class Clause:
    number: str
    normative: bool
    quote: str | None
    gloss: str | None
    reason: str | None
    refers_to: tuple[ClauseRef, ...]
    norm_ids: tuple[str, ...]
    span: Span
    quote_span: Span | None = None  # where the quote is written


# ---------------------------------------------------------------- norms


Modality = Literal["obligation", "permission", "prohibition", "power"]


@attrs.frozen
class Amount:
    kind: Literal["all", "part", "part_or_all", "up_to", "exactly"]
    expr: Expr | None
    span: Span


@attrs.frozen
class Deadline:
    """When a norm must (or may) be performed.

    kind: within (``duration`` after ``anchor``), at_least_before (advance notice of ``duration``
    before ``anchor``), before / by / until (a date), without_undue_delay / immediately
    (qualitative: no date), monthly (``days`` of every month, after ``anchor`` if given),
    at_least_once_every (``unit``). ``ends_on_working_day``: a due date that is not a working
    day of the contract's calendar moves to the next working day (``within`` and ``by`` only,
    after extensions)."""

    kind: Literal[
        "within",
        "at_least_before",
        "before",
        "by",
        "until",
        "without_undue_delay",
        "immediately",
        "monthly",
        "at_least_once_every",
    ]
    duration: Expr | None
    anchor: Expr | None
    days: tuple[int, ...]
    unit: str | None
    span: Span
    ends_on_working_day: bool = False

    @property
    def lapses(self) -> bool:
        """A permission or power with this deadline lapses (``within``, ``by``) or ends
        (``until``) once its date has passed (docs/semantics.md, "Rights that lapse")."""
        return self.kind in ("within", "by", "until")

    @property
    def qualitative(self) -> bool:
        return self.kind in ("without_undue_delay", "immediately")


@attrs.frozen
class Extension:
    """The deadline may be extended ``by`` a duration or ``to`` a total duration, if
    ``condition``."""

    mode: Literal["by", "to"]
    amount: Expr
    condition: Expr | None
    span: Span


@attrs.frozen
class Norm:
    """One obligation, permission, prohibition or power, normalized.

    ``condition`` is the conjunction of the ``when`` clauses (true if none); ``exceptions`` are
    the ``unless`` conditions, kept apart so that answers can say which exception applied.
    ``remedy_of`` names the norm whose breach triggers this one (contrary-to-duty)."""

    id: str
    clause: str
    modality: Modality
    party: str
    action: str
    object: str
    beneficiary: str | None
    amount: Amount | None
    condition: Expr
    exceptions: tuple[Expr, ...]
    deadline: Deadline | None
    extensions: tuple[Extension, ...]
    forms: tuple[str, ...]
    performed_on: str | None
    breach: Expr | None
    remedy_of: str | None
    otherwise_provided: bool
    span: Span

    @property
    def lapses(self) -> bool:
        """A permission or power with a ``within``, ``by`` or ``until`` deadline: it lapses,
        or ends, once that date has passed (docs/semantics.md, "Rights that lapse")."""
        return (
            self.modality in ("permission", "power")
            and self.deadline is not None
            and self.deadline.lapses
        )


PriorityKind = Literal[
    "otherwise_provided", "subject_to", "notwithstanding", "prevails_over", "precedence"
]


@attrs.frozen
class Priority:
    """Norm ``higher`` prevails over norm ``lower`` where both apply.

    ``stated_in`` is the clause whose words establish the priority (for grounds)."""

    higher: str
    lower: str
    kind: PriorityKind
    stated_in: str
    span: Span


@attrs.frozen
class ExternalPriority:
    """A priority involving another contract or a document: kept as written, by reference."""

    higher: tuple[ClauseRef, ...]
    lower: tuple[ClauseRef, ...]
    kind: PriorityKind
    stated_in: str
    span: Span


@attrs.frozen
class DeadlineExtension:
    """Every deadline of the contract is extended by ``amount`` if ``condition`` (force majeure)."""

    amount: Expr
    condition: Expr | None
    stated_in: str
    span: Span


@attrs.frozen
class AppliedExtension:
    """An extension as it applies to one norm's deadline: the clause that states it, and
    whether it moves the due date ``by`` an amount or ``to`` a total period, if
    ``condition``."""

    clause: str
    mode: Literal["by", "to"]
    amount: Expr
    condition: Expr | None


# ---------------------------------------------------------------- questions and scenarios


@attrs.frozen
class Question:
    """A named query. For may / must / deadline / amount questions, ``norm_ids`` are the
    norms that bear on it (same party, action and object); a value question evaluates
    ``expr``."""

    name: str
    description: str | None
    kind: Literal["may", "must", "deadline", "value", "amount"]
    party: str | None
    action: str | None
    object: str | None
    expr: Expr | None
    norm_ids: tuple[str, ...]
    span: Span
    # An amount question: the type of the amounts its norms state (None when none states
    # one as a value).
    amount_type: Type | None = None


@attrs.frozen
class Expectation:
    question: str
    answer: Literal[
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
    value: Value | None
    because: tuple[ClauseRef, ...]
    overriding: tuple[ClauseRef, ...]
    depending_on: tuple[str, ...]
    due_by: Value | None
    span: Span
    assuming: tuple[str, ...] = ()  # presumed facts the answer must rely on


@attrs.frozen
class Scenario:
    title: str
    givens: tuple[tuple[str, Value], ...]
    as_of: Value | None
    expectations: tuple[Expectation, ...]
    span: Span


@attrs.frozen
class Import:
    contract: str
    path: str | None
    span: Span


@attrs.frozen
class Document:
    name: str
    title: str
    span: Span


@attrs.frozen
class Accept:
    """Findings with ``code`` accepted with ``reason``: in clause ``clause``, or file-wide
    (None)."""

    code: str
    reason: str
    clause: str | None
    span: Span


@attrs.frozen
class Contract:
    id: str
    title: str
    source_document: str
    language: str
    calendar: str
    file: str
    source_sha256: str
    parties: tuple[Party, ...]
    facts: tuple[Fact, ...]
    definitions: tuple[Definition, ...]
    actions: tuple[Action, ...]
    objects: tuple[Object, ...]
    incompatible: tuple[tuple[str, ...], ...]
    imports: tuple[Import, ...]
    documents: tuple[Document, ...]
    clauses: tuple[Clause, ...]
    norms: tuple[Norm, ...]
    priorities: tuple[Priority, ...]
    external_priorities: tuple[ExternalPriority, ...]
    deadline_extensions: tuple[DeadlineExtension, ...]
    questions: tuple[Question, ...]
    scenarios: tuple[Scenario, ...]
    span: Span
    accepts: tuple[Accept, ...] = ()
    # One tuple per `incompatible` declaration of acts (`incompatible terminate agreement,
    # deliver goods`): its distinct acts, sorted.
    incompatible_acts: tuple[tuple[Act, ...], ...] = ()
    # `periods end on working days`: the default of the norms' `ending on`
    periods_end_on_working_days: bool = False
    # `running header "…"`: lines of the source document that are not part of its text
    # (quotes.normal_form).
    running_headers: tuple[str, ...] = ()

    def norm(self, norm_id: str) -> Norm:
        for n in self.norms:
            if n.id == norm_id:
                return n
        raise KeyError(norm_id)

    def clause(self, number: str) -> Clause:
        for c in self.clauses:
            if c.number == number:
                return c
        raise KeyError(number)
