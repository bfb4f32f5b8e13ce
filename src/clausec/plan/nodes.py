"""The operations of a decision plan (docs/architecture.md, "The decision plan").

A plan is a short program per question: statements (:class:`Let`, :class:`If`) over
three-valued expressions, ending in a :class:`Decision`. Norm logic (applicability,
exceptions, priorities, remedies, deadlines and their extensions, how answers and grounds
are chosen) is resolved when a question is lowered (``plan.lower``); what is left are the
operations below, each with one meaning that every printer renders and that the solver
encoding of the analyses translates.

Values. Every expression has a :data:`Kind`:

========  ==================================================================================
``bool``  true or false
``int``   an integer
``dec``   an exact decimal (money amounts too)
``day``   a date as its ordinal (``datetime.date.toordinal()``), or ``never``: later than
          every date
``dur``   a duration in the base unit of its class (days, working days or months), or an
          infinite one (from ``date - never``)
``text``  a text, or a member of a ``one of`` type
``due``   a deadline key ``(rank, day, label)``, ordered by strictness: rank 0 immediately,
          1 a date (``day``), 2 without undue delay, 3 a frequency (``label``), 4 none
========  ==================================================================================

Any expression may instead be *unknown*, carrying the names of the facts it waits for (its
*dependencies*; ``today`` stands for the as-of date). Unless an operation says otherwise, it
is unknown as soon as an operand is, with the union of their dependencies, and operands are
evaluated left to right. An operation that has no value for known operands (division by
zero, ``never - never``) is unknown with no dependencies. Operations marked *raises* may
stop the evaluation with an evaluation error (a date out of 0001-01-01..9999-12-31), and
those marked *warns* may add a warning (a date beyond the calendar's announced years).

Tests (:class:`Test`) are two-valued conditions on values already computed: they steer
:class:`If` statements and select grounds, and never raise.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

Kind: TypeAlias = Literal["bool", "int", "dec", "day", "dur", "text", "due"]
UnitClass: TypeAlias = Literal["days", "working_days", "months"]

# ------------------------------------------------------------------ expressions


class Expr:
    """A three-valued expression."""

    __slots__ = ()

    @property
    def kind(self) -> Kind:
        raise NotImplementedError


@attrs.frozen
class Const(Expr):
    """A constant: ``value`` is a bool, an int, a ``decimal.Decimal``, a day ordinal (int),
    :data:`NEVER` (a float, +infinity, for ``day`` and ``dur``), a str, or a due key."""

    value: object
    of_kind: Kind

    @property
    def kind(self) -> Kind:
        return self.of_kind


NEVER = float("inf")  # the day of an event that does not happen; an infinite duration


@attrs.frozen
class Fact(Expr):
    """The value of a fact (unknown, depending on the fact, when it is not given)."""

    name: str
    of_kind: Kind

    @property
    def kind(self) -> Kind:
        return self.of_kind


@attrs.frozen
class Local(Expr):
    """The value a :class:`Let` gave ``name`` (every read follows its assignment)."""

    name: str
    of_kind: Kind

    @property
    def kind(self) -> Kind:
        return self.of_kind


@attrs.frozen
class Today(Expr):
    """The as-of date; unknown (depending on ``today``) when the evaluation has none."""

    @property
    def kind(self) -> Kind:
        return "day"


@attrs.frozen
class NoValue(Expr):
    """Unknown with no dependencies: a computation without a result."""

    of_kind: Kind

    @property
    def kind(self) -> Kind:
        return self.of_kind


@attrs.frozen
class UnknownFrom(Expr):
    """Unknown, with the dependencies of those of ``sources`` that are unknown (none if
    all are known)."""

    sources: tuple[Expr, ...]
    of_kind: Kind

    @property
    def kind(self) -> Kind:
        return self.of_kind


@attrs.frozen
class Not(Expr):
    """Kleene negation."""

    operand: Expr

    @property
    def kind(self) -> Kind:
        return "bool"


@attrs.frozen
class And(Expr):
    """Kleene conjunction: false if either side is false, true if both are true, else unknown
    with the dependencies of both. ``right`` is not evaluated when ``left`` is false."""

    left: Expr
    right: Expr

    @property
    def kind(self) -> Kind:
        return "bool"


@attrs.frozen
class Or(Expr):
    """Kleene disjunction: true if either side is true, false if both are false, else unknown
    with the dependencies of both. ``right`` is not evaluated when ``left`` is true."""

    left: Expr
    right: Expr

    @property
    def kind(self) -> Kind:
        return "bool"


CompareOp: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]


@attrs.frozen
class Compare(Expr):
    """A comparison of two values of one kind (``int`` and ``dec`` compare as numbers;
    ``never`` is later than every date; infinite durations beyond every finite one)."""

    op: CompareOp
    left: Expr
    right: Expr

    @property
    def kind(self) -> Kind:
        return "bool"


@attrs.frozen
class Arith(Expr):
    """``+``, ``-`` or ``*`` on ``int``, ``dec`` (exact, int operands widened) or ``dur``
    (durations of one class; an infinite result without a sign, such as infinity minus
    infinity, has no value)."""

    op: Literal["+", "-", "*"]
    left: Expr
    right: Expr
    of_kind: Literal["int", "dec", "dur"]

    @property
    def kind(self) -> Kind:
        return self.of_kind


@attrs.frozen
class Negate(Expr):
    """Arithmetic negation."""

    operand: Expr

    @property
    def kind(self) -> Kind:
        return self.operand.kind


@attrs.frozen
class Divide(Expr):
    """Exact division, rounded half to even at 18 decimal places; no value for a zero
    divisor."""

    left: Expr
    right: Expr

    @property
    def kind(self) -> Kind:
        return "dec"


@attrs.frozen
class DaysBetween(Expr):
    """``left - right`` for two days, in days: +infinity when only ``left`` is never,
    -infinity when only ``right`` is, no value when both are."""

    left: Expr
    right: Expr

    @property
    def kind(self) -> Kind:
        return "dur"


@attrs.frozen
class CountBetween(Expr):
    """The working days (of the contract's calendar) or whole calendar months from ``start``
    to ``end``: for ``end`` on or after ``start``, the working days after ``start`` up to and
    including ``end``, or the largest ``n`` with ``start + n months`` (clipped) on or before
    ``end``; for ``end`` before ``start``, minus the count from ``end`` to ``start``.
    +infinity when only ``end`` is never, -infinity when only ``start`` is, no value when
    both are. Raises for working days without a calendar; warns as :class:`Shift` does for
    the later of the two dates."""

    unit: Literal["working_days", "months"]
    start: Expr
    end: Expr

    @property
    def kind(self) -> Kind:
        return "dur"


@attrs.frozen
class Choose(Expr):
    """``then`` when ``condition`` is true, ``otherwise`` when it is false (only the branch
    taken is evaluated); unknown, with the condition's dependencies, while the condition
    is."""

    condition: Expr
    then: Expr
    otherwise: Expr

    @property
    def kind(self) -> Kind:
        kinds = {self.then.kind, self.otherwise.kind}
        return "dec" if kinds == {"int", "dec"} else self.then.kind


@attrs.frozen
class Shift(Expr):
    """``day`` moved by ``sign * amount`` units of ``unit`` (calendar days, working days of
    the contract's calendar with its make-up days, or calendar months with the day clipped to
    the month's end). ``never`` stays never; an infinite amount gives never forwards and no
    value backwards. Raises for a result outside 0001-01-01..9999-12-31 (or working days
    without a calendar); warns for working days beyond the calendar's announced years."""

    day: Expr
    amount: Expr
    unit: UnitClass
    sign: Literal[1, -1]

    @property
    def kind(self) -> Kind:
        return "day"


@attrs.frozen
class Occurred(Expr):
    """Whether the event on ``day`` has happened: not never, and on or before the as-of
    date when there is one."""

    day: Expr

    @property
    def kind(self) -> Kind:
        return "bool"


@attrs.frozen
class Extremum(Expr):
    """The earliest or latest of some days, or the least or greatest of some values of one
    kind (``int`` and ``dec`` compare as numbers, and the result is ``dec`` when any is)."""

    which: Literal["earliest", "latest", "least", "greatest"]
    args: tuple[Expr, ...]

    @property
    def kind(self) -> Kind:
        kinds = {a.kind for a in self.args}
        return "dec" if "dec" in kinds else self.args[0].kind


@attrs.frozen
class NextMonthly(Expr):
    """The first date on or after ``start`` (strictly after it when ``after``) that falls on
    one of ``days`` of its month, a day beyond a month's end counting as its last day.
    ``start`` is a known date, not never. Raises when there is no such date before
    9999-12-31."""

    start: Expr
    days: tuple[int, ...]
    after: bool

    @property
    def kind(self) -> Kind:
        return "day"


@attrs.frozen
class DueKey(Expr):
    """A deadline key: ``(rank, day, label)`` with ``day`` a known day for rank 1, else 0.
    Unknown when ``day`` is."""

    rank: int
    day: Expr | None
    label: str

    @property
    def kind(self) -> Kind:
        return "due"


@attrs.frozen
class DueDay(Expr):
    """The day of a known due key of rank 1."""

    due: Expr

    @property
    def kind(self) -> Kind:
        return "day"


# ------------------------------------------------------------------ tests


class Test:
    """A two-valued condition on computed values."""

    __slots__ = ()


@attrs.frozen
class IsUnknown(Test):
    value: Expr


@attrs.frozen
class IsTrue(Test):
    """Known and true."""

    value: Expr


@attrs.frozen
class IsFalse(Test):
    """Known and false."""

    value: Expr


@attrs.frozen
class IsNever(Test):
    """A known day that is never."""

    value: Expr


@attrs.frozen
class HasAsOf(Test):
    """The evaluation has an as-of date."""


@attrs.frozen
class DueIs(Test):
    """Known due keys compared by strictness: ``"<"`` stricter, ``"="`` the same key."""

    op: Literal["<", "="]
    left: Expr
    right: Expr


@attrs.frozen
class DueRank(Test):
    """A known due key of rank ``rank``."""

    value: Expr
    rank: int


@attrs.frozen
class Grounded(Test):
    """Norm ``norm`` is among the grounds of the decision (read after the answer is set)."""

    norm: str


@attrs.frozen
class All(Test):
    """Every part holds (``All(())`` always holds)."""

    parts: tuple[Test, ...]


@attrs.frozen
class Any_(Test):
    """Some part holds (``Any_(())`` never holds)."""

    parts: tuple[Test, ...]


@attrs.frozen
class NotTest(Test):
    part: Test


# ------------------------------------------------------------------ statements


class Stmt:
    __slots__ = ()


@attrs.frozen
class Let(Stmt):
    """Evaluate ``value`` and give it to the local ``name`` (which may be given again)."""

    name: str
    value: Expr


@attrs.frozen
class If(Stmt):
    test: Test
    then: tuple[Stmt, ...]
    otherwise: tuple[Stmt, ...] = ()


@attrs.frozen
class Ground:
    """Norm ``norm`` grounds the answer when ``when`` holds."""

    norm: str
    when: Test


@attrs.frozen
class ChooseGrounds(Stmt):
    """The grounds of the answer: those of ``grounds`` whose test holds, in this order. Every
    program has one, after its answer is set and before any :class:`Grounded` test."""

    grounds: tuple[Ground, ...]


Block: TypeAlias = tuple[Stmt, ...]

# ------------------------------------------------------------------ the decision


@attrs.frozen
class Yield:
    """Norm ``norm`` applies but yields, when ``when`` holds, to each of ``by`` whose test
    holds: (the norm prevailing, the clause stating the priority, the test)."""

    norm: str
    when: Test
    by: tuple[tuple[str, str, Test], ...]


@attrs.frozen
class Reason:
    """A reason the answer is not positive, listed when ``when`` holds (docs/semantics.md,
    "Reasons"). ``status`` is a ``text`` expression: ``prohibits``, ``overridden``,
    ``not_breached``, ``no_provision``, or ``condition_false:I`` / ``exception_applies:I``
    with the index of the part of ``norm``'s condition (of the question's value when
    ``norm`` is None) or of its exception that decided, or ``lapsed`` / ``ended`` (a right
    whose period has run). ``by`` are the norms prevailing over ``norm`` with their tests, as
    in :class:`Yield`; they are read only for ``overridden``. ``date`` is a ``day`` read only
    for ``lapsed`` and ``ended``: the last day the right could be used."""

    norm: str | None
    status: Expr
    when: Test
    by: tuple[tuple[str, str, Test], ...] = ()
    date: Expr | None = None


@attrs.frozen
class Extended:
    """The extensions that may move ``norm``'s due date, in order (docs/semantics.md,
    "Extensions"): for each, the local saying whether it holds and the local of its
    amount, read when ``when`` holds (the norm is a ground and its due date a known date:
    then every one of them is assigned)."""

    norm: str
    when: Test
    extensions: tuple[tuple[Local, Local], ...]


@attrs.frozen
class Decision:
    """What a question's program returns, read after its body. ``answer`` is a ``text``
    local (``yes``, ``no``, ``obliged``, ``not_obliged``, ``undetermined``, ``date``,
    ``immediately``, ``without_undue_delay``, ``none``, ``value``); ``depends_on`` a local
    whose dependencies are the answer's when it is undetermined; ``value`` the value of a
    value question; ``dues`` the due-key locals of norms with deadlines, each assigned when
    its norm is a ground (and read only then); ``yields`` the norms that may be overridden;
    ``reasons`` why a negative answer is negative, read after ``explain`` has run;
    ``amounts`` the amount locals of grounds whose norm states an amount, each assigned when
    its norm is a ground (and read only then); ``extended`` the extension locals of the
    norms in ``dues`` whose due date extensions may move; ``moved`` the norms in ``dues``
    whose due date moves to a working day, each with the test of its being a ground with a
    known date (as in ``extended``) and the local of its date before the move, read only when
    the test holds: it moved when that date differs from the due date).

    ``explain`` computes the statuses of the reasons from the values the body computed. It
    only evaluates again what the body evaluated, so it raises no error and adds no warning
    that the body did not: printers may run it later, when the reasons are asked for, from
    the values it reads (:func:`clausec.plan.program.explain_inputs`)."""

    answer: Local
    depends_on: Local | None
    value: Local | None
    dues: tuple[tuple[str, Local], ...]
    yields: tuple[Yield, ...]
    reasons: tuple[Reason, ...] = ()
    explain: tuple[Stmt, ...] = ()
    amounts: tuple[tuple[str, Local], ...] = ()
    extended: tuple[Extended, ...] = ()
    moved: tuple[tuple[str, Test, Local], ...] = ()
