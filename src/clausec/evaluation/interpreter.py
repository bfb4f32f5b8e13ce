"""The reference interpreter: answers a question over the normalized IR, for given facts.

It is written for clarity, not speed; generated evaluators must agree with it on every
input (tests/test_python_backend.py and test_javascript.py). Logic is three-valued: a fact
not given is unknown, and an unknown value carries the names of the facts it waits for.
The rules are those of docs/semantics.md, section by section.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypeAlias

import attrs
from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

from clausec.evaluation import values as RV
from clausec.evaluation.calendar import working_days
from clausec.evaluation.facts import (
    NEVER,
    TODAY_WORD,
    Never,
    RuntimeValue,
    read_as_of,
    read_facts,
)
from clausec.evaluation.result import Answer, Ground, Override, Overrider, Presumed, Reason
from clausec.evaluation.values import TODAY, EvaluationError, Unknown
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.queries import (
    Part,
    conjuncts,
    deadline_extensions,
    extension_facts,
    lapse_facts,
    norm_facts,
    norm_parts,
    parts_in_words,
    relevant_norms,
    used_definitions,
)
from clausec.ir.text import cited

Val: TypeAlias = RuntimeValue | Unknown
Tri: TypeAlias = bool | Unknown
# A deadline, ordered by strictness: immediately, then dates, then without undue delay,
# then a frequency, then none.
DueKey: TypeAlias = tuple[int, int | float, str]
NO_DEADLINE: DueKey = (4, 0, "none")


def ask(
    contract: ir.Contract,
    question: str,
    facts: Mapping[str, object],
    as_of: object = TODAY_WORD,
    *,
    presume: bool = True,
) -> Answer:
    """Answer ``question`` (a name) for raw facts (checked: FactError if one is wrong), as of
    ``as_of`` (read by ``read_as_of``: today unless given), with the contract's presumptions
    unless ``presume`` is false."""
    q = next((x for x in contract.questions if x.name == question), None)
    if q is None:
        raise KeyError(question)
    date = read_as_of(as_of)
    return answer(contract, q, read_facts(contract, facts), date, presume=presume)


def answer(
    contract: ir.Contract,
    q: ir.Question,
    facts: Mapping[str, RuntimeValue],
    as_of: dt.date | None,
    *,
    presume: bool = True,
) -> Answer:
    """The answer to ``q`` for checked facts (docs/semantics.md, "Presumptions"): from the
    given facts alone when that decides it; else, with ``presume``, from the given facts and
    the presumed values of the facts the undetermined answer waits for, naming them."""
    strict = Evaluation(contract, facts, as_of).answer(q)
    if not presume or strict.answer != "undetermined":
        return strict
    declared = {f.name: f for f in contract.facts}
    relied = [
        declared[name]
        for name in strict.depends_on
        if name in declared and declared[name].presumption is not None and name not in facts
    ]
    if not relied:
        return strict
    presumed = dict(facts)
    for f in relied:
        assert f.presumption is not None
        presumed[f.name] = RV.from_ir(f.presumption.value)
    full = Evaluation(contract, presumed, as_of).answer(q)
    return attrs.evolve(
        full,
        presumptions=tuple(
            Presumed(
                fact=f.name,
                value=RV.to_json(presumed[f.name], f.type),
                reason=f.presumption.reason,
                rests_on=cited(f.presumption.rests_on),
            )
            for f in relied
            if f.presumption is not None
        ),
    )


# ------------------------------------------------------------------ three-valued logic


def deps(*values: object) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for v in values:
        if isinstance(v, Unknown):
            out |= v.deps
    return out


def k_and(a: Tri, b: Tri) -> Tri:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return Unknown(deps(a, b))


def k_or(a: Tri, b: Tri) -> Tri:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return Unknown(deps(a, b))


def k_not(a: Tri) -> Tri:
    return a if isinstance(a, Unknown) else not a


def k_all(values: Iterable[Tri]) -> Tri:
    result: Tri = True
    for v in values:
        result = k_and(result, v)
    return result


def k_any(values: Iterable[Tri]) -> Tri:
    result: Tri = False
    for v in values:
        result = k_or(result, v)
    return result


# ------------------------------------------------------------------ evaluation


class _Tables:
    """What evaluations of one contract look up, built once per contract: by name, and per
    question what it reads (walking the expressions on every call was most of the cost)."""

    def __init__(self, contract: ir.Contract) -> None:
        self.calendar = working_days(contract.calendar) if contract.calendar else None
        self.definitions = {d.name: d for d in contract.definitions}
        self.norms = {n.id: n for n in contract.norms}
        self.fact_types = {f.name: f.type for f in contract.facts}
        self.higher: dict[str, list[ir.Priority]] = {}
        for p in contract.priorities:
            if p.higher in self.norms and p.lower in self.norms:
                self.higher.setdefault(p.lower, []).append(p)
        self.plans = {
            q.name: (used_definitions(contract, q), relevant_norms(contract, q))
            for q in contract.questions
        }
        self.norm_facts = {n.id: sorted(norm_facts(contract, n)) for n in contract.norms}
        self.extensions = {n.id: deadline_extensions(contract, n) for n in contract.norms}
        self.norm_parts = {n.id: norm_parts(contract, n) for n in contract.norms}
        self.value_parts = {
            q.name: parts_in_words(contract, conjuncts(q.expr))
            for q in contract.questions
            if q.expr
        }


_TABLES: dict[int, tuple[ir.Contract, _Tables]] = {}


def _tables(contract: ir.Contract) -> _Tables:
    entry = _TABLES.get(id(contract))
    if entry is None or entry[0] is not contract:
        if len(_TABLES) >= 64:
            _TABLES.clear()
        entry = _TABLES[id(contract)] = (contract, _Tables(contract))
    return entry[1]


class Evaluation:
    """One fact set (already checked) and one as-of date; memoizes per norm."""

    def __init__(
        self, contract: ir.Contract, facts: Mapping[str, RuntimeValue], as_of: dt.date | None
    ) -> None:
        self.contract = contract
        self.facts = facts
        self.as_of = as_of
        self.tables = tables = _tables(contract)
        self.calendar = tables.calendar
        self.definitions = tables.definitions
        self.norms = tables.norms
        self.fact_types = tables.fact_types
        self.higher = tables.higher
        self.warnings: set[str] = set()
        self._defs: dict[str, Val] = {}
        self._applies: dict[str, Tri] = {}
        self._due: dict[str, DueKey | Unknown] = {}
        self._lapsed: dict[str, Tri] = {}
        self._unmoved: dict[str, int] = {}  # norm -> its due date before a working-day move

    # ---------------------------------------------------------- expressions

    def expr(self, e: ir.Expr) -> Val:
        match e:
            case ir.Const():
                return RV.from_ir(e.value)
            case ir.FactRef():
                return self.facts[e.name] if e.name in self.facts else Unknown(frozenset({e.name}))
            case ir.DefRef():
                if e.name not in self._defs:  # prepare() evaluates them first
                    self._defs[e.name] = self.expr(self.definitions[e.name].expr)
                return self._defs[e.name]
            case ir.Today():
                return self.as_of if self.as_of is not None else Unknown(frozenset({TODAY}))
            case ir.Unary(op="not"):
                return k_not(self._tri(self.expr(e.operand)))
            case ir.Unary(op="neg"):
                v = self.expr(e.operand)
                if isinstance(v, Unknown):
                    return v
                assert isinstance(v, (int, Decimal, float)) and not isinstance(v, bool)
                return RV.EXACT.minus(v) if isinstance(v, Decimal) else -v
            case ir.Binary(op="and"):  # left to right, stopping at a false left side
                left = self._tri(self.expr(e.left))
                return False if left is False else k_and(left, self._tri(self.expr(e.right)))
            case ir.Binary(op="or"):
                left = self._tri(self.expr(e.left))
                return True if left is True else k_or(left, self._tri(self.expr(e.right)))
            case ir.Binary():
                lhs, rhs = self.expr(e.left), self.expr(e.right)
                if isinstance(lhs, Unknown) or isinstance(rhs, Unknown):
                    return Unknown(deps(lhs, rhs))
                return self._binary(e, lhs, rhs)
            case ir.Occurred():
                return self.occurred(self.expr(e.operand))
            case ir.Extremum():
                return self._extremum(e.kind, [self.expr(a) for a in e.args])
            case ir.Conditional():
                condition = self._tri(self.expr(e.condition))
                if isinstance(condition, Unknown):
                    return condition
                return self.expr(e.then if condition else e.otherwise)
            case ir.Between():
                start, end = self.expr(e.start), self.expr(e.end)
                if isinstance(start, Unknown) or isinstance(end, Unknown):
                    return Unknown(deps(start, end))
                return self.between(e.unit_class, start, end)
        raise AssertionError(type(e))

    def between(self, unit_class: str, start: RuntimeValue, end: RuntimeValue) -> Val:
        """The days, working days or whole months from ``start`` to ``end``."""
        if isinstance(start, Never) or isinstance(end, Never):
            return self._date_arithmetic("-", end, start, T.DATE, T.DATE)
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        if end < start:
            count = self.between(unit_class, end, start)
            assert isinstance(count, int)
            return -count
        if unit_class == "days":
            return (end - start).days
        if unit_class == "months":
            months = (end.year - start.year) * 12 + end.month - start.month
            return months if self.shift(start, months, "months") <= end else months - 1
        if self.calendar is None:
            raise EvaluationError("no_calendar")
        self.warnings.update(self.calendar.warnings(start, end))
        return self.calendar.count(start, end)

    def _tri(self, v: Val) -> Tri:
        assert isinstance(v, (bool, Unknown))
        return v

    def occurred(self, v: Val) -> Tri:
        if isinstance(v, Unknown):
            return v
        if isinstance(v, Never):
            return False
        assert isinstance(v, dt.date)
        return self.as_of is None or v <= self.as_of

    def _extremum(self, kind: str, args: list[Val]) -> Val:
        known = [a for a in args if not isinstance(a, Unknown)]
        if len(known) < len(args):
            return Unknown(deps(*args))
        key = _date_key if kind in ("earliest", "latest") else None
        return min(known, key=key) if kind in ("earliest", "least") else max(known, key=key)  # type: ignore[type-var, arg-type]

    def _binary(self, e: ir.Binary, a: RuntimeValue, b: RuntimeValue) -> Val:
        op = e.op
        lt, rt = e.left.type, e.right.type
        if op in ("=", "!=", "<", "<=", ">", ">="):
            if isinstance(lt, T.Date):
                a, b = _date_key(a), _date_key(b)
            return _compare(op, a, b)
        if isinstance(lt, T.Date) or isinstance(rt, T.Date):
            return self._date_arithmetic(op, a, b, lt, rt)
        if op == "/":
            assert isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal))
            q = RV.divide(a, b)
            return q if q is not None else Unknown(frozenset())
        return _arithmetic(op, a, b, e.type)

    def _date_arithmetic(
        self, op: str, a: RuntimeValue, b: RuntimeValue, lt: T.Type, rt: T.Type
    ) -> Val:
        if isinstance(lt, T.Date) and isinstance(rt, T.Date):  # date - date: days between
            if isinstance(a, Never) and isinstance(b, Never):
                return Unknown(frozenset())
            if isinstance(a, Never):
                return math.inf
            if isinstance(b, Never):
                return -math.inf
            assert isinstance(a, dt.date) and isinstance(b, dt.date)
            return (a - b).days
        if isinstance(rt, T.Date):  # duration + date
            a, b, lt, rt = b, a, rt, lt
        assert isinstance(rt, T.Duration)
        if isinstance(a, Never):
            return NEVER
        assert isinstance(a, dt.date) and isinstance(b, (int, float))
        if isinstance(b, float):  # an infinite duration
            return NEVER if (b > 0) == (op == "+") else Unknown(frozenset())
        return self.shift(a, b if op == "+" else -b, rt.unit_class)

    def shift(self, day: dt.date, amount: int, unit_class: str) -> dt.date:
        """``day`` moved by ``amount`` days, working days or months."""
        try:
            if unit_class == "days":
                return day + dt.timedelta(days=amount)
            if unit_class == "months":
                if abs(amount) > 12 * 10_000:
                    raise OverflowError
                shifted: dt.date = day + relativedelta(months=amount)
                return shifted
            if self.calendar is None:
                raise EvaluationError("no_calendar")
            if abs(amount) > 366 * 10_000:
                raise OverflowError
            result = self.calendar.add(day, amount)
            self.warnings.update(self.calendar.warnings(day, result))
            return result
        except (OverflowError, ValueError):
            raise EvaluationError(
                "date_out_of_range",
                date=day.isoformat(),
                amount=amount,
                unit=unit_class.replace("_", " "),
            ) from None

    # ---------------------------------------------------------- norms

    def applies(self, norm: ir.Norm) -> Tri:
        """The norm's condition holds, no exception does, and (for a remedy) its duty is
        breached."""
        if norm.id not in self._applies:
            # Left to right, stopping as soon as the answer is false.
            result = self._tri(self.expr(norm.condition))
            for x in norm.exceptions:
                if result is False:
                    break
                result = k_and(result, k_not(self._tri(self.expr(x))))
            if norm.remedy_of is not None and result is not False:
                result = k_and(result, self.breached(self.norms[norm.remedy_of]))
            if norm.lapses and result is not False:
                self._lapsed[norm.id] = self.lapsed(norm)
                result = k_and(result, k_not(self._lapsed[norm.id]))
            self._applies[norm.id] = result
        return self._applies[norm.id]

    def breached(self, duty: ir.Norm) -> Tri:
        applies = self.applies(duty)
        if duty.breach is not None:
            return k_and(applies, self._tri(self.expr(duty.breach)))
        if duty.modality in ("permission", "power"):
            return False
        if duty.performed_on is None:
            return k_and(applies, Unknown(frozenset()))
        performed = self.expr(ir.FactRef(duty.performed_on, T.DATE, duty.span))
        if duty.modality == "prohibition":
            return k_and(applies, self.occurred(performed))
        due = self.due(duty)
        if isinstance(due, Unknown):
            return k_and(applies, Unknown(deps(due, performed)))
        if due[0] != 1:  # no date: breached while not performed
            return k_and(applies, k_not(self.occurred(performed)))
        late = (
            Unknown(deps(performed))
            if isinstance(performed, Unknown)
            else _date_key(performed) > due[1]
        )
        passed: Tri = True if self.as_of is None else self.as_of.toordinal() > due[1]
        return k_all([applies, late, passed])

    def lapsed(self, norm: ir.Norm) -> Tri:
        """A right to be used within a period (``within``, ``by``) has lapsed when its due date
        has passed — the as-of date is after it, or there is none — and its exercise
        (``performed on``, if stated) did not happen by then; a right ``until`` a date has
        ended once that date has passed."""
        assert norm.deadline is not None
        due = self.due(norm)
        performed: Val | None = None
        if norm.performed_on is not None and norm.deadline.kind != "until":
            performed = self.expr(ir.FactRef(norm.performed_on, T.DATE, norm.span))
        if isinstance(due, Unknown):
            return Unknown(deps(due, performed))
        last = due[1]
        if isinstance(last, float):  # never: the period has not started, or never ends
            return False
        if self.as_of is not None and self.as_of.toordinal() <= last:
            return False
        if performed is None:
            return True
        if isinstance(performed, Unknown):
            return performed
        return _date_key(performed) > last

    def overriders(self, norm: ir.Norm) -> list[tuple[ir.Priority, Tri]]:
        return [(p, self.applies(self.norms[p.higher])) for p in self.higher.get(norm.id, [])]

    def effective(self, norm: ir.Norm) -> Tri:
        """The norm applies and no norm that prevails over it applies."""
        return k_and(self.applies(norm), k_not(k_any(a for _, a in self.overriders(norm))))

    def due(self, norm: ir.Norm) -> DueKey | Unknown:
        if norm.id not in self._due:
            self._due[norm.id] = self._compute_due(norm)
        return self._due[norm.id]

    def _compute_due(self, norm: ir.Norm) -> DueKey | Unknown:
        d = norm.deadline
        if d is None:
            return NO_DEADLINE
        if d.kind == "immediately":
            return (0, 0, "immediately")
        if d.kind == "without_undue_delay":
            return (2, 0, "without_undue_delay")
        if d.kind == "at_least_once_every":
            return (3, 0, f"at least once every {(d.unit or '').replace('_', ' ')}")
        if d.kind == "monthly":
            return self._monthly(d)
        assert d.anchor is not None
        anchor = self.expr(d.anchor)
        duration: Val = 0
        unit = "days"
        if d.duration is not None:
            duration = self.expr(d.duration)
            assert isinstance(d.duration.type, T.Duration)
            unit = d.duration.type.unit_class
        if isinstance(anchor, Unknown):
            return anchor
        if isinstance(duration, Unknown):
            return duration
        assert isinstance(duration, (int, float)) and isinstance(anchor, (dt.date, Never))
        date: Val
        if d.kind == "within":
            date = self._move(anchor, duration, unit)
        elif d.kind == "at_least_before":
            date = self._move(anchor, -duration, unit)
        elif d.kind == "before":
            date = self._move(anchor, -1, "days")
        else:  # by, until
            date = anchor
        for x in self.tables.extensions[norm.id]:
            holds, amount = self._extension(x)
            if isinstance(holds, Unknown):
                return holds
            if not holds:
                continue
            if isinstance(amount, Unknown):
                return amount
            assert isinstance(amount, (int, float)) and isinstance(x.amount.type, T.Duration)
            if x.mode == "by":
                date = self._move(date, amount, x.amount.type.unit_class)
            elif d.kind == "within":
                date = self._move(anchor, amount, x.amount.type.unit_class)
        if isinstance(date, Unknown):
            return date
        if d.ends_on_working_day and isinstance(date, dt.date):
            # The first working day on or after the date: the working day after the day before.
            moved = self._move(self._move(date, -1, "days"), 1, "working_days")
            assert isinstance(moved, dt.date)
            if moved != date:
                self._unmoved[norm.id] = date.toordinal()
            date = moved
        return (1, _date_key(date), "date")

    def _extension(self, x: ir.AppliedExtension) -> tuple[Tri, Val]:
        """Whether extension ``x`` holds, and its amount."""
        holds = self._tri(self.expr(x.condition)) if x.condition is not None else True
        return holds, self.expr(x.amount)

    def _extended(self, n: ir.Norm) -> list[dict[str, object]]:
        """The extensions that moved the known due date of ground ``n``: the clause that
        states each, how it moves the date, its amount, and the given facts it read."""
        out: list[dict[str, object]] = []
        for x in self.tables.extensions[n.id]:
            holds, amount = self._extension(x)
            if holds is True and not isinstance(amount, Unknown):  # known: the date is
                out.append(
                    {
                        "clause": x.clause,
                        "mode": x.mode,
                        "amount": RV.to_json(amount, x.amount.type),
                        "facts": self._given(sorted(extension_facts(self.contract, x))),
                    }
                )
        return out

    def _move(self, day: Val, amount: int | float, unit: str) -> Val:
        """A deadline date moved; ``never`` stays never, and an infinite amount gives
        never (forwards) or no date (backwards), as in date arithmetic."""
        if isinstance(day, (Unknown, Never)):
            return day
        if isinstance(amount, float):
            return NEVER if amount > 0 else Unknown(frozenset())
        assert isinstance(day, dt.date)
        return self.shift(day, amount, unit)

    def _monthly(self, d: ir.Deadline) -> DueKey | Unknown:
        if d.anchor is not None:
            start = self.expr(d.anchor)
            if isinstance(start, Unknown):
                return start
            if isinstance(start, Never):
                return (1, math.inf, "date")
            assert isinstance(start, dt.date)
            if start == dt.date.max:
                raise EvaluationError("monthly_beyond", days=monthly_days(d.days))
            start += dt.timedelta(days=1)  # strictly after the event
        elif self.as_of is not None:
            start = self.as_of
        else:
            return Unknown(frozenset({TODAY}))
        return (1, next_monthly_day(start, d.days).toordinal(), "date")

    # ---------------------------------------------------------- answers

    def prepare(self, q: ir.Question) -> None:
        """Evaluate, in a fixed order, what any answer to ``q`` may read: the definitions
        the relevant norms (or the value expression) use, then whether each relevant norm
        applies. Generated evaluators follow the same order, so that warnings and errors
        come out the same."""
        definitions, relevant = self.tables.plans[q.name]
        for name in definitions:
            self.expr(ir.DefRef(name, self.definitions[name].type, self.contract.span))
        for n in relevant:
            self.applies(n)

    def answer(self, q: ir.Question) -> Answer:
        norms = [self.norms[i] for i in q.norm_ids if i in self.norms]
        self.prepare(q)
        if q.kind == "value":
            assert q.expr is not None
            value = self.expr(q.expr)
            if isinstance(value, Unknown):
                return self._result(q, "undetermined", depends_on=value.deps)
            reasons = []
            if value is False:
                i = self._first_false(conjuncts(q.expr))
                reasons.append(
                    self._reason("condition_false", None, self.tables.value_parts[q.name][i])
                )
            return self._result(q, "value", value=RV.to_json(value, q.expr.type), reasons=reasons)
        if q.kind == "deadline":
            return self._deadline_answer(q, norms)
        if q.kind in ("may", "amount"):
            against = [n for n in norms if n.modality == "prohibition"]
            for_ = [n for n in norms if n.modality != "prohibition"]
            permitted = k_any(self.effective(n) for n in for_)
            prohibited = k_any(self.effective(n) for n in against)
            verdict = k_and(permitted, k_not(prohibited))
            if isinstance(verdict, Unknown):
                return self._result(q, "undetermined", norms=norms, depends_on=verdict.deps)
            if verdict and q.kind == "amount":
                return self._amount_answer(q, norms, for_)
            if verdict:
                grounds, reasons = for_, []
            elif prohibited is True:
                grounds = against
                reasons = [
                    self._reason("prohibits", n, None, self.tables.norm_facts[n.id])
                    for n in against
                    if self.effective(n) is True
                ]
            else:
                grounds, reasons = [], self._why_not(for_)
            return self._result(
                q,
                "yes" if verdict else "no" if q.kind == "may" else "none",
                norms=norms,
                grounds=[n for n in grounds if self.effective(n) is True],
                reasons=reasons,
            )
        duties = [n for n in norms if n.modality == "obligation"]
        obliged = k_any(self.effective(n) for n in duties)
        if isinstance(obliged, Unknown):
            return self._result(q, "undetermined", norms=norms, depends_on=obliged.deps)
        grounds = [n for n in duties if self.effective(n) is True]
        return self._result(
            q,
            "obliged" if obliged else "not_obliged",
            norms=norms,
            grounds=grounds,
            reasons=[] if obliged else self._why_not(duties),
        )

    def _amount_answer(
        self, q: ir.Question, norms: list[ir.Norm], permitting: list[ir.Norm]
    ) -> Answer:
        """How much the act is permitted (or required), given that it is permitted: ``all``
        if a ground allows all of it; undetermined while a norm that may be effective could
        allow more; ``part`` if every ground allows an unquantified part; the greatest of
        the grounds' amounts if each states one; else ``unspecified``."""
        grounds = [n for n in permitting if self.effective(n) is True]
        pending = [n for n in permitting if isinstance(self.effective(n), Unknown)]
        kinds = [n.amount.kind if n.amount is not None else None for n in grounds]
        if "all" in kinds or "part_or_all" in kinds:
            return self._result(q, "all", norms=norms, grounds=grounds)
        if pending:
            waiting = deps(*(self.effective(n) for n in pending))
            return self._result(q, "undetermined", norms=norms, depends_on=waiting)
        if all(k == "part" for k in kinds):
            return self._result(q, "part", norms=norms, grounds=grounds)
        if any(k not in ("up_to", "exactly") for k in kinds):
            return self._result(q, "unspecified", norms=norms, grounds=grounds)
        values = [self.expr(n.amount.expr) for n in grounds if n.amount and n.amount.expr]
        unknown = [v for v in values if isinstance(v, Unknown)]
        if unknown:
            return self._result(q, "undetermined", norms=norms, depends_on=deps(*unknown))
        greatest = self._extremum("greatest", values)
        assert q.amount_type is not None
        value = RV.to_json(greatest, q.amount_type)  # type: ignore[arg-type]
        return self._result(q, "value", norms=norms, grounds=grounds, value=value)

    # ---------------------------------------------------------- reasons

    def _why_not(self, candidates: Sequence[ir.Norm]) -> list[Reason]:
        """Why none of ``candidates`` (each not effective) decides the answer, each in turn;
        that nothing provides for it when there are none."""
        if not candidates:
            return [self._reason("no_provision", None, None)]
        return [self._why(n) for n in candidates]

    def _why(self, n: ir.Norm) -> Reason:
        """Why ``n``, which is not effective, is not: it applies (or may) but a norm
        prevailing over it applies; else the first part of its condition that is false;
        else the first exception that holds; else, a remedy, its duty is not breached. The
        parts are evaluated in the order, and as far as, ``applies`` evaluated them."""
        if self.applies(n) is not False:
            by = tuple(
                Overrider(norm=p.higher, clause=self.norms[p.higher].clause, stated_in=p.stated_in)
                for p, applies in self.overriders(n)
                if applies is True
            )
            return self._reason("overridden", n, None, by=by)
        condition_parts, exception_parts = self.tables.norm_parts[n.id]
        failed = self._first_false(conjuncts(n.condition))
        if failed < len(condition_parts):
            return self._reason("condition_false", n, condition_parts[failed])
        for x, part in zip(n.exceptions, exception_parts, strict=True):
            if self.expr(x) is True:
                return self._reason("exception_applies", n, part)
        if self._lapsed.get(n.id) is True:
            assert n.deadline is not None
            due = self.due(n)
            assert not isinstance(due, Unknown)
            return self._reason(
                "ended" if n.deadline.kind == "until" else "lapsed",
                n,
                None,
                lapse_facts(self.contract, n),
                date=_ordinal_json(due[1]),
            )
        return self._reason("not_breached", n, None, duty=n.remedy_of)

    def _first_false(self, expressions: Sequence[ir.Expr]) -> int:
        """The index of the first false expression (their number if none is)."""
        for i, e in enumerate(expressions):
            if self.expr(e) is False:
                return i
        return len(expressions)

    def _reason(
        self,
        status: str,
        n: ir.Norm | None,
        part: Part | None,
        reads: Sequence[str] = (),
        *,
        by: tuple[Overrider, ...] = (),
        duty: str | None = None,
        date: str | None = None,
    ) -> Reason:
        if part is not None:
            reads = part[1]
        return Reason(
            status=status,
            norm=n.id if n else None,
            clause=n.clause if n else None,
            modality=n.modality if n else None,
            quote=self.contract.clause(n.clause).quote if n else None,
            condition=part[0] if part else None,
            facts=self._given(reads),
            by=by,
            duty=duty,
            date=date,
        )

    def _given(self, names: Iterable[str]) -> dict[str, object]:
        """The given facts among ``names``, in the output form of values."""
        return {
            name: RV.to_json(self.facts[name], self.fact_types[name])
            for name in names
            if name in self.facts
        }

    def _deadline_answer(self, q: ir.Question, norms: list[ir.Norm]) -> Answer:
        known: list[tuple[DueKey, ir.Norm]] = []
        pending: list[tuple[DueKey | Unknown, Tri]] = []
        for n in norms:
            eff = self.effective(n)
            if eff is False:
                continue
            due = self.due(n)
            if eff is True and not isinstance(due, Unknown):
                known.append((due, n))
            else:
                pending.append((due, eff))
        best = min((k for k, _ in known), default=None)
        open_ = [
            (due, eff)
            for due, eff in pending
            if best is None or isinstance(due, Unknown) or due < best
        ]
        if open_:
            return self._result(
                q,
                "undetermined",
                norms=norms,
                depends_on=deps(*[x for pair in open_ for x in pair]),
            )
        if best is None:
            return self._result(q, "none", norms=norms, reasons=self._why_not(norms))
        if best == NO_DEADLINE:
            return self._result(q, "none", norms=norms, grounds=[n for k, n in known if k == best])
        answer = {0: "immediately", 1: "date", 2: "without_undue_delay", 3: "none"}[best[0]]
        return self._result(q, answer, norms=norms, grounds=[n for k, n in known if k == best])

    def _result(
        self,
        q: ir.Question,
        answer: str,
        *,
        norms: Sequence[ir.Norm] = (),
        grounds: Sequence[ir.Norm] = (),
        depends_on: Iterable[str] = (),
        value: object = None,
        reasons: Sequence[Reason] = (),
    ) -> Answer:
        ground_ids = {n.id for n in grounds}
        return Answer(
            contract=self.contract.id,
            question=q.name,
            kind=q.kind,
            answer=answer,
            value=value,
            due=self._earliest_due(grounds),
            as_of=self.as_of.isoformat() if self.as_of is not None else None,
            grounds=tuple(self._ground(n) for n in grounds),
            overridden=tuple(self._overridden(norms, ground_ids)),
            reasons=tuple(reasons),
            depends_on=tuple(sorted(set(depends_on))),
            warnings=tuple(sorted(self.warnings)),
        )

    def _earliest_due(self, grounds: Sequence[ir.Norm]) -> str | None:
        dates = [
            k[1] for k in (self.due(n) for n in grounds) if not isinstance(k, Unknown) and k[0] == 1
        ]
        return _ordinal_json(min(dates)) if dates else None

    def _ground(self, n: ir.Norm) -> Ground:
        clause = self.contract.clause(n.clause)
        due = self.due(n)
        deadline: dict[str, object] | None = None
        if n.deadline is not None and not isinstance(due, Unknown):
            deadline = {
                "kind": n.deadline.kind,
                "due": _ordinal_json(due[1]) if due[0] == 1 else None,
                "extended": self._extended(n) if due[0] == 1 else [],
                "moved": self._moved(n) if due[0] == 1 else None,
            }
        facts = self._given(self.tables.norm_facts[n.id])
        return Ground(
            norm=n.id,
            clause=n.clause,
            modality=n.modality,
            quote=clause.quote,
            gloss=clause.gloss,
            facts=facts,
            deadline=deadline,
            amount=self._amount(n),
            forms=n.forms,
        )

    def _moved(self, n: ir.Norm) -> dict[str, object] | None:
        """The day a ground's due date fell on before it moved to a working day, and why."""
        if n.id not in self._unmoved:
            return None
        return {
            "from": _ordinal_json(self._unmoved[n.id]),
            "reason": f"not a working day in {self.contract.calendar}",
        }

    def _amount(self, n: ir.Norm) -> dict[str, object] | None:
        """The amount a ground allows or requires: its kind, and its value where the norm
        gives one (null while unknown)."""
        if n.amount is None:
            return None
        value: object = None
        if n.amount.expr is not None:
            v = self.expr(n.amount.expr)
            value = None if isinstance(v, Unknown) else RV.to_json(v, n.amount.expr.type)
        return {"kind": n.amount.kind, "value": value}

    def _overridden(self, norms: Sequence[ir.Norm], grounds: set[str]) -> Iterable[Override]:
        """Norms that apply but yield: the question's own, and those a ground prevails over."""
        mine = {n.id for n in norms}
        below_grounds = {p.lower for p in self.contract.priorities if p.higher in grounds}
        for n in self.contract.norms:
            if (n.id not in mine and n.id not in below_grounds) or self.applies(n) is not True:
                continue
            by = [
                p
                for p in self.higher.get(n.id, [])
                if (n.id in mine or p.higher in grounds)
                and self.applies(self.norms[p.higher]) is True
            ]
            if by:
                yield Override(
                    norm=n.id,
                    clause=n.clause,
                    by=tuple(
                        Overrider(
                            norm=p.higher, clause=self.norms[p.higher].clause, stated_in=p.stated_in
                        )
                        for p in by
                    ),
                )


# ------------------------------------------------------------------ helpers


def next_monthly_day(start: dt.date, days: tuple[int, ...]) -> dt.date:
    """The first date on or after ``start`` that falls on one of ``days`` of its month (a
    day beyond the month's end counts as its last day)."""
    year, month = start.year, start.month
    while True:
        last = calendar.monthrange(year, month)[1]
        for day in sorted(days):
            candidate = dt.date(year, month, min(day, last))
            if candidate >= start:
                return candidate
        if (year, month) == (9999, 12):
            raise EvaluationError("monthly_beyond", days=monthly_days(days))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def monthly_days(days: tuple[int, ...]) -> str:
    return ", ".join(map(str, sorted(days)))


def _date_key(v: object) -> int | float:
    if isinstance(v, Never):
        return math.inf
    assert isinstance(v, dt.date)
    return v.toordinal()


def _ordinal_json(key: int | float) -> str:
    return "never" if isinstance(key, float) else dt.date.fromordinal(key).isoformat()


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def _compare(op: str, a: object, b: object) -> bool:
    return _COMPARE[op](a, b)


def _arithmetic(op: str, a: RuntimeValue, b: RuntimeValue, t: T.Type) -> Val:
    assert not isinstance(a, (bool, str, dt.date, Never))
    assert not isinstance(b, (bool, str, dt.date, Never))
    if isinstance(t, T.Duration):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float))
        result = a + b if op == "+" else a - b if op == "-" else a * b
        if isinstance(result, float) and math.isnan(result):
            return Unknown(frozenset())
        return result
    if isinstance(t, T.Integer):
        assert isinstance(a, int) and isinstance(b, int)
        return a + b if op == "+" else a - b if op == "-" else a * b
    assert isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal))
    x, y = Decimal(a), Decimal(b)
    if op == "+":
        return RV.EXACT.add(x, y)
    if op == "-":
        return RV.EXACT.subtract(x, y)
    return RV.EXACT.multiply(x, y)
