"""Plan operations as z3 formulas (docs/checks.md#how-it-decides).

The analyses ask about norms (can these two apply together? when is this one due?); the
answers come from the same decision-plan operations that the evaluators are printed from
(``clausec.plan``): a norm's applicability, breach and due date are lowered by
``plan.lower.NormLowering`` and the resulting statements are executed symbolically here, one
method per operation. So what an operation means is written once for evaluation and for
analysis.

Facts are total here: a witness gives every fact the formulas read. A value that the
interpreter would leave unknown even so (division by zero, ``today`` without an as-of date, a
date out of range, ``never - never``, a statement's unknown branch) is *not defined*: every
translated value carries the conditions under which it is defined (:attr:`F.side`), Kleene's
``and``/``or`` are defined where the plan says they are, and a formula holds only where it is
defined and true, as the interpreter would say true.

Representation: booleans as Bool; integers and durations (in the base unit of their class)
as Int; decimals and money as Real (facts on a grid of 1/100); days as ordinals
(``date.toordinal()``) with ``never`` a value above every date; text and members of ``one of``
as String; a due key as its day when it is a date, else as a negative code of its rank.
Moving a date by months or working days is approximated (exact month arithmetic needs
divisions that make the solver slow by orders of magnitude, and working days need holiday
tables): ``date + N months`` is a fresh date between ``date + 28N`` and ``date + 31N`` days,
``date + N working days`` one between ``date + N`` and ``date + 3N + 30``. The bounds hold for
every date, so "unsatisfiable" is exact; a model is then refined by the solver until it is
exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import order_key
from clausec.plan import nodes as P
from clausec.plan.lower import NormLowering

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
    """A translated value: its term, the conditions under which it is defined, the facts it
    reads, and the approximated date moves in it."""

    term: z3.ExprRef
    side: tuple[z3.BoolRef, ...] = ()
    facts: frozenset[str] = frozenset()
    approx: tuple[Move, ...] = ()


@attrs.frozen(eq=False)
class Move:
    """``result`` stands for ``day`` moved by ``n`` months or working days, or for the count
    of them from ``day`` to ``n``; the solver only knows bounds, and
    :class:`~clausec.analysis.solver.Solver` refines it on models."""

    unit_class: str
    day: z3.ArithRef
    n: z3.ArithRef
    result: z3.ArithRef

    @property
    def is_count(self) -> bool:
        """A count from ``day`` to the date ``n`` (``count:working_days``, ``count:months``),
        not a move: its result is a number."""
        return self.unit_class.startswith("count:")


def _join(parts: Iterable[F]) -> tuple[tuple[z3.BoolRef, ...], frozenset[str], tuple[Move, ...]]:
    side: list[z3.BoolRef] = []
    facts: set[str] = set()
    approx: tuple[Move, ...] = ()
    for p in parts:
        side += p.side
        facts |= p.facts
        approx += tuple(m for m in p.approx if m not in approx)
    return tuple(dict.fromkeys(side, None)), frozenset(facts), approx


Env = dict[str, F]


class Translator:
    """Translates the plan operations of one contract's norms and expressions; caches every
    norm's translation."""

    def __init__(self, contract: ir.Contract) -> None:
        import z3  # imported here so that `clausec --help` stays fast

        z3.set_param("smt.random_seed", 0)
        z3.set_param("sat.random_seed", 0)
        self._z = self.z3 = z3
        # A context of its own: z3's choices depend on every term its context has seen, so
        # a shared one would make findings depend on what was analysed before in the process.
        self.ctx = z3.Context()
        self.contract = contract
        self.lowering = NormLowering(contract)
        self.fact_types = {f.name: f for f in contract.facts}
        self.norms = {n.id: n for n in contract.norms}
        self.vars: dict[str, z3.ExprRef] = {}
        self.domains: dict[str, z3.BoolRef] = {}
        self._definitions: Env = {}
        self._conditions: dict[str, F] = {}
        self._applies: dict[str, F] = {}
        self._due: dict[str, F | None] = {}
        self._fresh = 0
        self._moves: dict[tuple[int, int, str], tuple[Any, list[Any], tuple[Move, ...]]] = {}
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
            elif isinstance(t, T.DecimalType | T.Money):
                steps = z3.Int(f"{name}$steps", self.ctx)
                v = z3.Real(name, self.ctx)
                dom = v == z3.ToReal(steps) / GRID
            elif isinstance(t, T.Date):
                v = z3.Int(name, self.ctx)
                dom = z3.And(v >= MIN_DAY, v <= MAX_DAY)
                if fact.kind == "event":
                    dom = z3.Or(dom, v == NEVER_DAY)
            elif isinstance(t, T.Enum):
                v = z3.String(name, self.ctx)
                dom = z3.Or(*(v == z3.StringVal(m, self.ctx) for m in t.members))
            else:  # text
                v, dom = z3.String(name, self.ctx), z3.BoolVal(True, self.ctx)
            dom = z3.And(dom, *self.bounds(fact, v))
        self.vars[name] = v
        self.domains[name] = dom
        return v

    def bounds(self, fact: ir.Fact, v: Any) -> list[Any]:
        """The declared bounds of a fact (``at least``, ``at most``) on its variable."""
        out = []
        for value, lower in ((fact.minimum, True), (fact.maximum, False)):
            if value is None:
                continue
            key = order_key(value)
            if isinstance(key, dt.date):
                term = self._z.IntVal(key.toordinal(), self.ctx)
            elif isinstance(key, Decimal):
                term = self._z.RealVal(str(key), self.ctx)
            else:
                term = self._z.IntVal(key, self.ctx)
            out.append(v >= term if lower else v <= term)
        return out

    def fresh(self, prefix: str) -> z3.ArithRef:
        self._fresh += 1
        return self._z.Int(f"${prefix}{self._fresh}", self.ctx)

    def false(self) -> z3.BoolRef:
        return self._z.BoolVal(False, self.ctx)

    # ------------------------------------------------------------ the IR's questions

    def expr(self, e: ir.Expr) -> F:
        """An IR expression, through its plan operations."""
        return self.value(self.lowering.expr(e), self.definitions())

    def amounts(self, op: str, a: ir.Expr, b: ir.Expr) -> F | None:
        """Whether amount ``a`` stands in ``op`` ("!=" or ">") to amount ``b``, through the
        plan's comparison (both defined); None for amounts of kinds that cannot be compared:
        a number and a sum of money, two currencies, two classes of durations."""
        if not _comparable(a.type, b.type):
            return None
        lowered = P.Compare(op, self.lowering.expr(a), self.lowering.expr(b))  # type: ignore[arg-type]
        return self.value(lowered, self.definitions())

    def definitions(self) -> Env:
        if not self._definitions and self.contract.definitions:
            env: Env = {}
            for d in _in_order(self.contract):
                env[f"definition:{d.name}"] = self.value(self.lowering.expr(d.expr), env)
            self._definitions = env
        return self._definitions

    def condition(self, norm: ir.Norm) -> F:
        """The condition and no exception (a remedy's breach aside)."""
        if norm.id not in self._conditions:
            self._conditions[norm.id] = self.value(
                self.lowering.condition(norm), self.definitions()
            )
        return self._conditions[norm.id]

    def applies(self, norm: ir.Norm) -> F | None:
        """When the norm certainly applies (defined and true)."""
        if norm.id not in self._applies:
            if norm.remedy_of is None and not norm.lapses:  # the condition is all there is
                self._applies[norm.id] = self.condition(norm)
            else:
                env = dict(self.definitions())
                self.run(self.lowering.applies(norm, set()), env)
                self._applies[norm.id] = env[f"applies:{norm.id}"]
        return self._applies[norm.id]

    def higher(self, norm: ir.Norm) -> list[ir.Norm]:
        """The norms that prevail over ``norm``."""
        return [self.norms[p.higher] for p in self.lowering.higher.get(norm.id, [])]

    def effective(self, norm: ir.Norm, higher: Sequence[ir.Norm]) -> F | None:
        """Applies, and none of ``higher`` (the norms prevailing over it) applies."""
        env: Env = {}
        for n in [norm, *higher]:
            applies = self.applies(n)
            if applies is None:
                return None
            env[f"applies:{n.id}"] = applies
        mine: P.Expr = P.Local(f"applies:{norm.id}", "bool")
        if not higher:
            return env[f"applies:{norm.id}"]
        others: P.Expr = P.Local(f"applies:{higher[0].id}", "bool")
        for h in higher[1:]:
            others = P.Or(others, P.Local(f"applies:{h.id}", "bool"))
        return self.value(P.And(mine, P.Not(others)), env)

    def due(self, norm: ir.Norm) -> F | None:
        """The day a dated deadline falls due, extensions included; None for other deadlines
        and for monthly days (not modelled)."""
        if norm.id not in self._due:
            d = norm.deadline
            if d is None or d.anchor is None or d.kind == "monthly":
                self._due[norm.id] = None
            else:
                env = dict(self.definitions())
                due, stmts = self.lowering.due(norm)
                self.run(stmts, env)
                self._due[norm.id] = env[due.name]
        return self._due[norm.id]

    # ------------------------------------------------------------ statements

    def run(self, stmts: Sequence[P.Stmt], env: Env) -> None:
        """Execute statements symbolically: ``env`` receives the value of each local."""
        z3 = self._z
        for s in stmts:
            if isinstance(s, P.Let):
                env[s.name] = self.value(s.value, env)
            elif isinstance(s, P.If):
                test = self.test(s.test, env)
                then, otherwise = dict(env), dict(env)
                self.run(s.then, then)
                self.run(s.otherwise, otherwise)
                for name in dict.fromkeys([*then, *otherwise]):
                    a, b = then.get(name), otherwise.get(name)
                    if a is b:
                        continue
                    if a is None or b is None:  # assigned on one branch only
                        one = a if a is not None else b
                        assert one is not None
                        defined = _defined(z3, one)
                        side = (
                            z3.If(test.term, defined, self.false())
                            if a is not None
                            else (z3.If(test.term, self.false(), defined))
                        )
                        env[name] = F(one.term, (side,), *_join([one, test])[1:])
                        continue
                    term = z3.If(test.term, a.term, b.term)
                    side = z3.If(test.term, _defined(z3, a), _defined(z3, b))
                    env[name] = F(term, (side,), *_join([a, b, test])[1:])
            else:
                raise AssertionError(type(s))  # questions' decisions are not translated

    def test(self, t: P.Test, env: Env) -> F:
        """A two-valued test: a Bool term (defined everywhere)."""
        z3 = self._z
        match t:
            case P.IsUnknown():
                v = self.value(t.value, env)
                return F(z3.Not(_defined(z3, v)), (), *_join([v])[1:])
            case P.IsTrue() | P.IsFalse() | P.IsNever():
                v = self.value(t.value, env)
                holds = (
                    v.term
                    if isinstance(t, P.IsTrue)
                    else z3.Not(v.term)
                    if isinstance(t, P.IsFalse)
                    else v.term == NEVER_DAY
                )
                return F(z3.And(_defined(z3, v), holds), (), *_join([v])[1:])
            case P.HasAsOf():
                return F(self.has_as_of)
            case P.DueRank():
                v = self.value(t.value, env)
                rank = v.term >= 0 if t.rank == 1 else v.term == _rank_code(t.rank)
                return F(z3.And(_defined(z3, v), rank), (), *_join([v])[1:])
            case P.NotTest():
                inner = self.test(t.part, env)
                return F(z3.Not(inner.term), (), *_join([inner])[1:])
            case P.All() | P.Any_():
                parts = [self.test(p, env) for p in t.parts]
                combine = z3.And if isinstance(t, P.All) else z3.Or
                terms = [p.term for p in parts]
                empty = z3.BoolVal(isinstance(t, P.All), self.ctx)
                return F(combine(*terms) if terms else empty, (), *_join(parts)[1:])
        raise AssertionError(type(t))

    # ------------------------------------------------------------ expressions

    def value(self, e: P.Expr, env: Env) -> F:
        z3 = self._z
        match e:
            case P.Const():
                return F(self.const(e))
            case P.Fact():
                return F(self.var(e.name), (), frozenset({e.name}))
            case P.Local():
                return env[e.name]
            case P.Today():
                return F(self.var(TODAY), (self.has_as_of,), frozenset({TODAY}))
            case P.NoValue():
                return F(self._opaque(e.of_kind), (self.false(),))
            case P.UnknownFrom():
                sources = [self.value(x, env) for x in e.sources]
                return F(self._opaque(e.of_kind), (self.false(),), *_join(sources)[1:])
            case P.Not():
                a = self.value(e.operand, env)
                return F(z3.Not(a.term), (_defined(z3, a),), *_join([a])[1:])
            case P.And() | P.Or():
                a, b = self.value(e.left, env), self.value(e.right, env)
                combine = z3.And if isinstance(e, P.And) else z3.Or
                if not a.side and not b.side:  # both always defined: so is the result
                    return F(combine(a.term, b.term), (), *_join([a, b])[1:])
                da, db = _defined(z3, a), _defined(z3, b)
                if isinstance(e, P.And):  # false if either is false, else both must be known
                    term = z3.And(a.term, b.term)
                    defined = z3.Or(
                        z3.And(da, db), z3.And(da, z3.Not(a.term)), z3.And(db, z3.Not(b.term))
                    )
                else:
                    term = z3.Or(a.term, b.term)
                    defined = z3.Or(z3.And(da, db), z3.And(da, a.term), z3.And(db, b.term))
                return F(term, (defined,), *_join([a, b])[1:])
            case P.Compare():
                return self.compare(e, env)
            case P.Arith() | P.Divide():
                return self.arithmetic(e, env)
            case P.Negate():
                a = self.value(e.operand, env)
                return F(-a.term, a.side, a.facts, a.approx)
            case P.DaysBetween():
                a, b = self.value(e.left, env), self.value(e.right, env)
                # Infinite durations (from `never`) are not modelled: both must be dates.
                side, facts, approx = _join([a, b])
                return F(
                    a.term - b.term,
                    (*side, a.term != NEVER_DAY, b.term != NEVER_DAY),
                    facts,
                    approx,
                )
            case P.CountBetween():
                return self.count_between(e, env)
            case P.Choose():
                c, a, b = (self.value(x, env) for x in (e.condition, e.then, e.otherwise))
                x, y = a.term, b.term
                if e.kind == "dec":  # an integer branch of a decimal choice
                    x = z3.ToReal(x) if e.then.kind == "int" else x
                    y = z3.ToReal(y) if e.otherwise.kind == "int" else y
                defined = z3.And(
                    _defined(z3, c),
                    z3.Implies(c.term, _defined(z3, a)),
                    z3.Implies(z3.Not(c.term), _defined(z3, b)),
                )
                return F(z3.If(c.term, x, y), (defined,), *_join([c, a, b])[1:])
            case P.Shift():
                return self.shift(e, env)
            case P.Occurred():
                a = self.value(e.day, env)
                today = self.var(TODAY)
                term = z3.If(self.has_as_of, a.term <= today, a.term != NEVER_DAY)
                side, facts, approx = _join([a])
                return F(term, side, facts | {TODAY}, approx)
            case P.Extremum():
                args = [self.value(x, env) for x in e.args]
                terms = [
                    z3.ToReal(a.term) if e.kind == "dec" and x.kind == "int" else a.term
                    for a, x in zip(args, e.args, strict=True)
                ]
                term = terms[0]
                for t in terms[1:]:
                    better = t < term if e.which in ("earliest", "least") else t > term
                    term = z3.If(better, t, term)
                return F(term, *_join(args))
            case P.DueKey(rank=1, day=P.Expr() as at):
                return self.value(at, env)  # a dated deadline's key stands for its day
            case P.DueKey():
                return F(z3.IntVal(_rank_code(e.rank), self.ctx))
            case P.DueDay():
                return self.value(e.due, env)
        # Monthly days are not modelled: never defined.
        return F(self._opaque(e.kind), (self.false(),))

    def _opaque(self, kind: P.Kind) -> z3.ExprRef:
        self._fresh += 1
        name = f"$opaque{self._fresh}"
        if kind == "bool":
            return self._z.Bool(name, self.ctx)
        if kind == "dec":
            return self._z.Real(name, self.ctx)
        if kind == "text":
            return self._z.String(name, self.ctx)
        return self._z.Int(name, self.ctx)

    def const(self, c: P.Const) -> z3.ExprRef:
        z3 = self._z
        value = c.value
        if isinstance(value, bool):
            return z3.BoolVal(value, self.ctx)
        if value == P.NEVER:
            return z3.IntVal(NEVER_DAY, self.ctx)
        if isinstance(value, Decimal):
            return z3.RealVal(str(value), self.ctx)
        if isinstance(value, int):
            return z3.IntVal(value, self.ctx)
        if isinstance(value, str):
            return z3.StringVal(value, self.ctx)
        assert isinstance(value, tuple)  # a due key without a date
        return z3.IntVal(_rank_code(value[0]), self.ctx)

    def compare(self, e: P.Compare, env: Env) -> F:
        z3 = self._z
        a, b = self.value(e.left, env), self.value(e.right, env)
        x, y = a.term, b.term
        if {e.left.kind, e.right.kind} == {"int", "dec"}:
            x = z3.ToReal(x) if e.left.kind == "int" else x
            y = z3.ToReal(y) if e.right.kind == "int" else y
        term = {
            "=": lambda: x == y,
            "!=": lambda: x != y,
            "<": lambda: x < y,
            "<=": lambda: x <= y,
            ">": lambda: x > y,
            ">=": lambda: x >= y,
        }[e.op]()
        return F(term, *_join([a, b]))

    def arithmetic(self, e: P.Arith | P.Divide, env: Env) -> F:
        z3 = self._z
        a, b = self.value(e.left, env), self.value(e.right, env)
        side, facts, approx = _join([a, b])
        x, y = a.term, b.term
        if e.left.kind != e.right.kind or isinstance(e, P.Divide):
            x = z3.ToReal(x) if x.sort() == z3.IntSort(self.ctx) else x
            y = z3.ToReal(y) if y.sort() == z3.IntSort(self.ctx) else y
        if isinstance(e, P.Divide):
            return F(x / y, (*side, y != 0), facts, approx)
        term = x + y if e.op == "+" else x - y if e.op == "-" else x * y
        return F(term, side, facts, approx)

    def shift(self, e: P.Shift, env: Env) -> F:
        z3 = self._z
        day, amount = self.value(e.day, env), self.value(e.amount, env)
        x = day.term
        step = amount.term if e.sign > 0 else -amount.term
        moved, more, is_approx = self.move(x, step, e.unit)
        term = z3.If(x == NEVER_DAY, NEVER_DAY, moved)
        side, facts, approx = _join([day, amount])
        in_range = z3.Or(x == NEVER_DAY, z3.And(moved >= MIN_DAY, moved <= MAX_DAY))
        return F(term, (*side, in_range, *more), facts, approx + is_approx)

    def count_between(self, e: P.CountBetween, env: Env) -> F:
        """The count from ``start`` to ``end``, approximated by bounds that hold for every
        pair of dates (a month is 28 to 31 days; ``n`` working days span at most ``3n + 30``
        days) and refined on models like a move. Both must be dates, as for a difference of
        days."""
        z3 = self._z
        start, end = self.value(e.start, env), self.value(e.end, env)
        a, b = start.term, end.term
        key = (a.get_id(), b.get_id(), f"count:{e.unit}")
        if key not in self._moves:
            r = self.fresh("count")
            d = b - a

            def bounded(n: Any, days: Any) -> Any:
                if e.unit == "months":
                    return z3.And(n >= 0, 28 * n <= days, 31 * (n + 1) > days)
                return z3.And(n >= 0, n <= days, 3 * n + 33 > days)

            bounds = z3.If(d >= 0, bounded(r, d), bounded(-r, -d))
            self._moves[key] = (r, [bounds], (Move(f"count:{e.unit}", a, b, r),))
        r, more, approx = self._moves[key]
        side, facts, joined = _join([start, end])
        return F(r, (*side, a != NEVER_DAY, b != NEVER_DAY, *more), facts, joined + approx)

    def move(
        self, day: z3.ArithRef, n: z3.ArithRef, unit_class: str
    ) -> tuple[z3.ArithRef, list[z3.BoolRef], tuple[Move, ...]]:
        """``day`` moved by ``n`` units: the result, its side conditions, the approximation."""
        z3 = self._z
        if unit_class == "days":
            return day + n, [], ()
        # The same move of the same date (a deadline's anchor, and the same expression in a
        # condition) is one unknown: two would be approximated apart.
        key = (day.get_id(), n.get_id(), unit_class)
        if key in self._moves:
            return self._moves[key]
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
        self._moves[key] = (r, [bounds], (Move(unit_class, day, n, r),))
        return self._moves[key]

    # ------------------------------------------------------------ solving

    def closed(self, *formulas: F) -> list[z3.BoolRef]:
        """The assertions that make every formula hold: boolean terms (the others, dates and
        amounts, only bring their conditions), the conditions under which each is defined,
        and the domains of the facts they read."""
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


def _comparable(a: T.Type, b: T.Type) -> bool:
    numbers = (T.Integer, T.DecimalType)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return True
    if isinstance(a, T.Money) and isinstance(b, T.Money):
        return a.currency == b.currency
    if isinstance(a, T.Duration) and isinstance(b, T.Duration):
        return a.unit_class == b.unit_class
    return False


def _rank_code(rank: int) -> int:
    """The term of a due key without a date (days are positive, so a negative code cannot be
    mistaken for a dated key)."""
    return -(rank + 1)


def _defined(z3: Any, f: F) -> z3.BoolRef:
    if not f.side:
        return z3.BoolVal(True, f.term.ctx)
    return f.side[0] if len(f.side) == 1 else z3.And(*f.side)


def _in_order(contract: ir.Contract) -> list[ir.Definition]:
    """Definitions each after those it reads."""
    by_name = {d.name: d for d in contract.definitions}
    order: list[ir.Definition] = []
    seen: set[str] = set()

    def visit(d: ir.Definition) -> None:
        if d.name in seen:
            return
        seen.add(d.name)
        for e in ir.subexpressions(d.expr):
            if isinstance(e, ir.DefRef) and e.name in by_name:
                visit(by_name[e.name])
        order.append(d)

    for d in contract.definitions:
        visit(d)
    return order
