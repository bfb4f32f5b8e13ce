"""IR expressions and norm applicability as z3 formulas (docs/checks.md#how-it-decides).

Facts are total here: a witness gives every fact the formulas read, so the interpreter's
three-valued logic is two-valued on it. What the interpreter would leave unknown or refuse
(division by zero, ``today`` without an as-of date, a date out of range, ``never - never``)
becomes a side condition that must hold, so a formula holds only where the interpreter
would say true.

Representation: booleans as Bool; integers, durations (in the base unit of their class) and
enumeration members (their index) as Int; decimals and money as Real (facts on a grid of
1/100); dates as day ordinals (``date.toordinal()``) with ``never`` a value above every
date; text as String. Moving a date by months or working days is approximated (exact month
arithmetic needs divisions that make the solver slow by orders of magnitude, and working days
need holiday tables): ``date + N months`` is a fresh date between ``date + 28N`` and
``date + 31N`` days, ``date + N working days`` one between ``date + N`` and ``date + 3N + 30``.
The bounds hold for every date, so "unsatisfiable" is exact; a model is then refined by the
solver (the exact result for the model's date and N is added, and the solver asked again)
until it is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import DurationValue, EnumValue, MoneyValue, Never, Value

if TYPE_CHECKING:
    import z3

MIN_DAY = dt.date(1, 1, 1).toordinal()
MAX_DAY = dt.date(9999, 12, 31).toordinal()
NEVER_DAY = MAX_DAY + 1_000_000
GRID = 100  # decimal and money facts take values in steps of 1/GRID
BASE_DAY = dt.date(2025, 1, 1).toordinal()  # witnesses prefer dates near this one
TODAY = "today"  # the as-of date, as in `depends_on`


@attrs.frozen(eq=False)
class F:
    """A translated expression: its term, the side conditions under which the interpreter
    gives it a value, the facts it reads, and the approximated date moves in it."""

    term: z3.ExprRef
    side: tuple[z3.BoolRef, ...] = ()
    facts: frozenset[str] = frozenset()
    approx: tuple[Move, ...] = ()


@attrs.frozen(eq=False)
class Move:
    """``result`` stands for ``day`` moved by ``n`` months or working days; the solver only
    knows bounds, and :class:`~clausec.analysis.solver.Solver` refines it on models."""

    unit_class: str
    day: z3.ArithRef
    n: z3.ArithRef
    result: z3.ArithRef


def _join(parts: Iterable[F]) -> tuple[tuple[z3.BoolRef, ...], frozenset[str], tuple[Move, ...]]:
    side: list[z3.BoolRef] = []
    facts: set[str] = set()
    approx: tuple[Move, ...] = ()
    for p in parts:
        side += p.side
        facts |= p.facts
        approx += tuple(m for m in p.approx if m not in approx)
    return tuple(dict.fromkeys(side, None)), frozenset(facts), approx


class Unsupported(Exception):
    """An expression the translation does not cover."""


class Translator:
    """Translates the expressions and norms of one contract; caches every translation."""

    def __init__(self, contract: ir.Contract) -> None:
        import z3  # imported here so that `clausec --help` stays fast

        z3.set_param("smt.random_seed", 0)
        z3.set_param("sat.random_seed", 0)
        self._z = self.z3 = z3
        # A context of its own: z3's choices depend on every term its context has seen, so
        # a shared one would make findings depend on what was analysed before in the process.
        self.ctx = z3.Context()
        self.contract = contract
        self.fact_types = {f.name: f for f in contract.facts}
        self.definitions = {d.name: d for d in contract.definitions}
        self.norms = {n.id: n for n in contract.norms}
        self._higher: dict[str, list[str]] = {}
        for p in contract.priorities:
            self._higher.setdefault(p.lower, []).append(p.higher)
        self.vars: dict[str, z3.ExprRef] = {}
        self.domains: dict[str, z3.BoolRef] = {}
        # id(expression) -> (expression, translation): the expression is kept so that its id
        # is not reused (breached() translates expressions it makes on the fly).
        self._cache: dict[int, tuple[ir.Expr, F]] = {}
        self._def_cache: dict[str, F] = {}
        self._applies: dict[str, F | None] = {}
        self._due: dict[str, F | None] = {}
        self._fresh = 0
        self.has_as_of = z3.Bool("$has_as_of", self.ctx)

    # ------------------------------------------------------------ facts

    def var(self, name: str) -> z3.ExprRef:
        if name in self.vars:
            return self.vars[name]
        z3 = self._z
        if name == TODAY:
            v = z3.Int(TODAY, self.ctx)
            dom = z3.And(v >= MIN_DAY, v <= MAX_DAY)
        else:
            fact = self.fact_types[name]
            t = fact.type
            if isinstance(t, T.Boolean):
                v, dom = z3.Bool(name, self.ctx), z3.BoolVal(True, self.ctx)
            elif isinstance(t, T.Integer):
                v, dom = z3.Int(name, self.ctx), z3.BoolVal(True, self.ctx)
            elif isinstance(t, T.Duration):  # a period given as a fact is not negative
                v = z3.Int(name, self.ctx)
                dom = v >= 0
            elif isinstance(t, (T.DecimalType, T.Money)):
                steps = z3.Int(f"{name}$steps", self.ctx)
                v = z3.Real(name, self.ctx)
                dom = v == z3.ToReal(steps) / GRID
            elif isinstance(t, T.Date):
                v = z3.Int(name, self.ctx)
                dom = z3.And(v >= MIN_DAY, v <= MAX_DAY)
                if fact.kind == "event":
                    dom = z3.Or(dom, v == NEVER_DAY)
            elif isinstance(t, T.Enum):
                v = z3.Int(name, self.ctx)
                dom = z3.And(v >= 0, v < len(t.members))
            else:  # text
                v, dom = z3.String(name, self.ctx), z3.BoolVal(True, self.ctx)
        self.vars[name] = v
        self.domains[name] = dom
        return v

    def fresh(self, prefix: str) -> z3.ArithRef:
        self._fresh += 1
        return self._z.Int(f"${prefix}{self._fresh}", self.ctx)

    # ------------------------------------------------------------ expressions

    def expr(self, e: ir.Expr) -> F:
        entry = self._cache.get(id(e))
        if entry is not None and entry[0] is e:
            return entry[1]
        try:
            found = self._expr(e)
        except Unsupported:  # never has a value: formulas that need it cannot hold
            found = F(self._opaque(e.type), (self._z.BoolVal(False, self.ctx),))
        self._cache[id(e)] = (e, found)
        return found

    def _opaque(self, t: T.Type) -> z3.ExprRef:
        self._fresh += 1
        name = f"$opaque{self._fresh}"
        if isinstance(t, T.Boolean):
            return self._z.Bool(name, self.ctx)
        if isinstance(t, (T.DecimalType, T.Money)):
            return self._z.Real(name, self.ctx)
        if isinstance(t, T.Text):
            return self._z.String(name, self.ctx)
        return self._z.Int(name, self.ctx)

    def _expr(self, e: ir.Expr) -> F:
        z3 = self._z
        match e:
            case ir.Const():
                return F(self.const(e.value, e.type))
            case ir.FactRef():
                return F(self.var(e.name), (), frozenset({e.name}))
            case ir.DefRef():
                if e.name not in self._def_cache:
                    self._def_cache[e.name] = self.expr(self.definitions[e.name].expr)
                return self._def_cache[e.name]
            case ir.Today():
                return F(self.var(TODAY), (self.has_as_of,), frozenset({TODAY}))
            case ir.Unary():
                a = self.expr(e.operand)
                term = z3.Not(a.term) if e.op == "not" else -a.term
                return F(term, a.side, a.facts, a.approx)
            case ir.Occurred():
                a = self.expr(e.operand)
                today = self.var(TODAY)
                term = z3.If(self.has_as_of, a.term <= today, a.term != NEVER_DAY)
                side, facts, approx = _join([a])
                return F(term, side, facts | {TODAY}, approx)
            case ir.Extremum():
                args = [self.expr(x) for x in e.args]
                term = args[0].term
                for a in args[1:]:
                    better = a.term < term if e.kind == "earliest" else a.term > term
                    term = z3.If(better, a.term, term)
                return F(term, *_join(args))
            case ir.Binary():
                return self._binary(e)
        raise Unsupported(type(e).__name__)

    def const(self, value: Value, t: T.Type) -> z3.ExprRef:
        z3 = self._z
        if isinstance(value, bool):
            return z3.BoolVal(value, self.ctx)
        if isinstance(value, int):
            return z3.IntVal(value, self.ctx)
        if isinstance(value, Decimal):
            return z3.RealVal(str(value), self.ctx)
        if isinstance(value, MoneyValue):
            return z3.RealVal(str(value.amount), self.ctx)
        if isinstance(value, DurationValue):
            factor = {"weeks": 7, "years": 12}.get(value.unit, 1)
            return z3.IntVal(value.amount * factor, self.ctx)
        if isinstance(value, Never):
            return z3.IntVal(NEVER_DAY, self.ctx)
        if isinstance(value, dt.date):
            return z3.IntVal(value.toordinal(), self.ctx)
        if isinstance(value, EnumValue):
            assert isinstance(t, T.Enum)
            return z3.IntVal(t.members.index(value.member), self.ctx)
        return z3.StringVal(value, self.ctx)

    def _binary(self, e: ir.Binary) -> F:
        z3 = self._z
        a, b = self.expr(e.left), self.expr(e.right)
        side, facts, approx = _join([a, b])
        extra: list[Any] = []
        x, y = a.term, b.term
        lt, rt = e.left.type, e.right.type
        if e.op == "and":
            return F(z3.And(x, y), side, facts, approx)
        if e.op == "or":
            return F(z3.Or(x, y), side, facts, approx)
        if T.is_numeric(lt) and T.is_numeric(rt) and lt != rt:
            x, y = (
                z3.ToReal(x) if isinstance(lt, T.Integer) else x,
                z3.ToReal(y) if isinstance(rt, T.Integer) else y,
            )
        if e.op in ("=", "!="):
            return F(x == y if e.op == "=" else x != y, side, facts, approx)
        if e.op in ("<", "<=", ">", ">="):
            term = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[e.op]
            return F(term, side, facts, approx)
        if isinstance(lt, T.Date) and isinstance(rt, T.Duration) and e.op in ("+", "-"):
            step = y if e.op == "+" else -y
            moved, more, is_approx = self.move(x, step, rt.unit_class)
            term = z3.If(x == NEVER_DAY, NEVER_DAY, moved)
            extra += [z3.Or(x == NEVER_DAY, z3.And(moved >= MIN_DAY, moved <= MAX_DAY)), *more]
            return F(term, side + tuple(extra), facts, approx + is_approx)
        if isinstance(lt, T.Duration) and isinstance(rt, T.Date) and e.op == "+":
            moved, more, is_approx = self.move(y, x, lt.unit_class)
            term = z3.If(y == NEVER_DAY, NEVER_DAY, moved)
            extra += [z3.Or(y == NEVER_DAY, z3.And(moved >= MIN_DAY, moved <= MAX_DAY)), *more]
            return F(term, side + tuple(extra), facts, approx + is_approx)
        if isinstance(lt, T.Date) and isinstance(rt, T.Date):  # date - date: days
            # Infinite durations (from `never`) are not modelled: both must be dates.
            extra += [x != NEVER_DAY, y != NEVER_DAY]
            return F(x - y, side + tuple(extra), facts, approx)
        if e.op == "+":
            return F(x + y, side, facts, approx)
        if e.op == "-":
            return F(x - y, side, facts, approx)
        if e.op == "*":
            return F(x * y, side, facts, approx)
        if e.op == "/":
            x = z3.ToReal(x) if x.sort() == z3.IntSort(self.ctx) else x
            y = z3.ToReal(y) if y.sort() == z3.IntSort(self.ctx) else y
            return F(x / y, (*side, y != 0), facts, approx)
        raise Unsupported(e.op)

    def move(
        self, day: z3.ArithRef, n: z3.ArithRef, unit_class: str
    ) -> tuple[z3.ArithRef, list[z3.BoolRef], tuple[Move, ...]]:
        """``day`` moved by ``n`` units: the result, its side conditions, the approximation."""
        z3 = self._z
        if unit_class == "days":
            return day + n, [], ()
        r = self.fresh("m" if unit_class == "months" else "wd")
        if unit_class == "months":  # n months are 28n to 31n days
            lo, hi = day + 28 * n, day + 31 * n
        else:  # n working days are at least n days; holidays add at most 2n + 30 more
            lo, hi = day + n, day + 3 * n + 30
        bounds = z3.If(
            n >= 0,
            z3.And(r >= lo, r <= hi),
            z3.And(
                r <= day + (28 if unit_class == "months" else 1) * n,
                r >= day + (31 * n if unit_class == "months" else 3 * n - 30),
            ),
        )
        return r, [bounds], (Move(unit_class, day, n, r),)

    # ------------------------------------------------------------ norms

    def condition(self, norm: ir.Norm) -> F:
        """The condition and no exception (a remedy's breach aside)."""
        parts = [self.expr(norm.condition), *(self.expr(x) for x in norm.exceptions)]
        term = self._z.And(parts[0].term, *(self._z.Not(p.term) for p in parts[1:]))
        return F(term, *_join(parts))

    def applies(self, norm: ir.Norm) -> F | None:
        """When the norm certainly applies; None if it never certainly does (a remedy of a
        duty whose breach the interpreter cannot decide)."""
        if norm.id not in self._applies:
            self._applies[norm.id] = None  # guards against remedy cycles
            self._applies[norm.id] = self._compute_applies(norm)
        return self._applies[norm.id]

    def _compute_applies(self, norm: ir.Norm) -> F | None:
        base = self.condition(norm)
        if norm.remedy_of is None:
            return base
        duty = self.norms.get(norm.remedy_of)
        breach = self.breached(duty) if duty is not None else None
        if breach is None:
            return None
        return F(self._z.And(base.term, breach.term), *_join([base, breach]))

    def breached(self, duty: ir.Norm) -> F | None:
        z3 = self._z
        applies = self.applies(duty)
        if applies is None or duty.modality in ("permission", "power"):
            return None
        parts = [applies]
        if duty.breach is not None:
            b = self.expr(duty.breach)
            return F(z3.And(applies.term, b.term), *_join([applies, b]))
        if duty.performed_on is None:
            return None
        ev = self.expr(ir.FactRef(duty.performed_on, T.DATE, duty.span))
        today = self.var(TODAY)
        occurred = z3.If(self.has_as_of, ev.term <= today, ev.term != NEVER_DAY)
        if duty.modality == "prohibition":
            side, facts, approx = _join([applies, ev])
            return F(z3.And(applies.term, occurred), side, facts | {TODAY}, approx)
        due = self.due(duty)
        if duty.deadline is None or duty.deadline.kind in (
            "immediately",
            "without_undue_delay",
            "at_least_once_every",
        ):
            side, facts, approx = _join([applies, ev])
            return F(z3.And(applies.term, z3.Not(occurred)), side, facts | {TODAY}, approx)
        if due is None:
            return None
        parts += [ev, due]
        side, facts, approx = _join(parts)
        passed = z3.Or(z3.Not(self.has_as_of), today > due.term)
        return F(z3.And(applies.term, ev.term > due.term, passed), side, facts | {TODAY}, approx)

    def higher(self, norm: ir.Norm) -> list[ir.Norm]:
        """The norms that prevail over ``norm``."""
        return [self.norms[i] for i in self._higher.get(norm.id, ()) if i in self.norms]

    def effective(self, norm: ir.Norm, higher: Sequence[ir.Norm]) -> F | None:
        """Applies, and none of ``higher`` (the norms prevailing over it) applies."""
        z3 = self._z
        mine = self.applies(norm)
        if mine is None:
            return None
        parts = [mine]
        terms = [mine.term]
        for h in higher:
            theirs = self.applies(h)
            if theirs is None:  # its applicability is never known false for certain
                return None
            parts.append(theirs)
            terms.append(z3.Not(theirs.term))
        return F(z3.And(*terms), *_join(parts))

    def due(self, norm: ir.Norm) -> F | None:
        """The due date (day ordinal) of a dated deadline, extensions included; None for
        other deadlines and for monthly days (not modelled)."""
        if norm.id not in self._due:
            self._due[norm.id] = self._compute_due(norm)
        return self._due[norm.id]

    def _compute_due(self, norm: ir.Norm) -> F | None:
        z3 = self._z
        d = norm.deadline
        if d is None or d.anchor is None or d.kind == "monthly":
            return None
        anchor = self.expr(d.anchor)
        parts = [anchor]
        if d.kind in ("within", "at_least_before"):
            assert d.duration is not None and isinstance(d.duration.type, T.Duration)
            dur = self.expr(d.duration)
            parts.append(dur)
            step = dur.term if d.kind == "within" else -dur.term
            due, more, approx = self.move(anchor.term, step, d.duration.type.unit_class)
        elif d.kind == "before":
            due, more, approx = anchor.term - 1, [], ()
        else:
            due, more, approx = anchor.term, [], ()
        extra = list(more)
        for x in norm.extensions:
            if d.kind not in ("within", "at_least_before", "before", "by", "until"):
                break
            amount = self.expr(x.amount)
            cond = self.expr(x.condition) if x.condition is not None else None
            parts += [amount] + ([cond] if cond else [])
            assert isinstance(x.amount.type, T.Duration)
            if x.mode == "by":
                moved, more, ap = self.move(due, amount.term, x.amount.type.unit_class)
            elif d.kind == "within":
                moved, more, ap = self.move(anchor.term, amount.term, x.amount.type.unit_class)
            else:
                continue
            extra += more
            approx = approx + ap
            due = moved if cond is None else z3.If(cond.term, moved, due)
        if d.kind in ("within", "before", "by", "until"):
            for ext in self.contract.deadline_extensions:
                amount = self.expr(ext.amount)
                cond = self.expr(ext.condition) if ext.condition is not None else None
                parts += [amount] + ([cond] if cond else [])
                assert isinstance(ext.amount.type, T.Duration)
                moved, more, ap = self.move(due, amount.term, ext.amount.type.unit_class)
                extra += more
                approx = approx + ap
                due = moved if cond is None else z3.If(cond.term, moved, due)
        never = anchor.term == NEVER_DAY
        extra.append(z3.Or(never, z3.And(due >= MIN_DAY, due <= MAX_DAY)))
        side, facts, ap2 = _join(parts)
        return F(z3.If(never, NEVER_DAY, due), side + tuple(extra), facts, approx + ap2)

    # ------------------------------------------------------------ solving

    def closed(self, *formulas: F) -> list[z3.BoolRef]:
        """The assertions that make every formula hold: boolean terms (the others, dates and
        amounts, only bring their side conditions), side conditions, domains."""
        out: list[z3.BoolRef] = []
        facts: set[str] = set()
        for f in formulas:
            if self._z.is_bool(f.term):
                out.append(f.term)
            out += f.side
            facts |= f.facts
        for name in sorted(facts):
            self.var(name)
            out.append(self.domains[name])
        return out
