"""A question's plan as SQL columns: one printer method per plan operation.

Every plan value becomes two columns: ``v``, its value (NULL when unknown), and ``m``, the
facts it waits for as a bit mask over the question's facts (bit ``i`` for its ``i``-th fact,
one more bit for the as-of date), read only where ``v`` is NULL. SQL's own three-valued logic
is Kleene's: AND, OR and NOT on NULL are the plan's ``And``, ``Or`` and ``Not``. Statements
become columns too: a local assigned in the branches of an ``If`` is a CASE on its test.
Evaluation errors are a column of their own, the first error's problem on the path taken.

Kinds in SQL: ``bool`` BOOLEAN; ``int``, ``dur`` BIGINT (infinite durations are
±:data:`~clausec.backends.sql.dates.INFINITY`); ``dec`` DECIMAL; ``day`` the day's ordinal
(``never`` is :data:`~clausec.backends.sql.dates.NEVER`); ``text`` VARCHAR; ``due`` a BIGINT
key ``rank * DUE_RANK + day`` (or the label's index for rank 3), ordered as the plan's keys."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from sqlglot import exp

from clausec.backends.sql import build as B
from clausec.backends.sql import dates as D
from clausec.backends.sql.calendar import TABLE, WORKING, WorkingCalendar
from clausec.backends.sql.errors import Unsupported
from clausec.backends.sql.graph import Graph
from clausec.backends.sql.names import sql_text
from clausec.plan import nodes as P

E = B.E
DUE_RANK = 100_000_000
ERROR = "\0error"  # the error's pseudo-local: no plan local has this name
GROUND = "\0ground:"
_INF = D.INFINITY

_SHIFT_LIMIT = {"days": 4_000_000, "months": 120_000, "working_days": 3_660_000}


class Val(NamedTuple):
    v: E
    m: E  # the dependencies when v is NULL
    masked: bool = False  # m is NULL where v is not (the columns of locals)
    known: bool = False  # v is never NULL (so no test of it for NULL is printed)
    exact: bool = False  # m is 0 where v is not NULL (so m is the dependencies as it is)


_ZERO = B.num(0)
_NOTHING = Val(B.NULL, _ZERO)
Raises = list[tuple[E, str]]  # (condition, problem), in evaluation order


def unknown_deps(x: Val) -> E:
    """The dependencies of ``x`` if it is unknown, else none."""
    if x.known or B.is_zero(x.m) or isinstance(x.v, exp.Literal | exp.Boolean):
        return _ZERO
    if x.masked:
        return B.coalesce(x.m, _ZERO)
    if isinstance(x.v, exp.Null) or x.exact:
        return x.m
    return B.case([(B.is_null(x.v), x.m)], _ZERO)


def deps(*xs: Val) -> E:
    return B.bit_or(unknown_deps(x) for x in xs)


class Context:
    """What the passes over one question share: the column graph, the calendar, the labels
    of frequency deadlines, the as-of column."""

    def __init__(
        self,
        graph: Graph,
        calendar: WorkingCalendar | None,
        labels: Sequence[str],
        as_of: E,
        today_bit: int,
    ) -> None:
        self.graph = graph
        self.calendar = calendar
        self.labels = {label: i for i, label in enumerate(sorted(labels))}
        self.as_of = as_of
        self.today_bit = today_bit
        self.guard: E | None = None  # where the statements being lowered run
        self.base: E | None = None  # the guard of the pass

    def let(self, e: E) -> E:
        return self.graph.let(e, self.guard)

    def local(self, value: Val) -> Val:
        """``value`` in columns of its own; its dependencies only where it is unknown."""
        v = self.let(value.v)
        deps = unknown_deps(value)
        if B.is_zero(deps):
            return Val(v, _ZERO, known=value.known)
        if value.masked:  # its m is already NULL where it is known
            return Val(v, self.let(value.m), masked=True)
        # Where the value is unknown, its dependencies are ``m`` itself: no second test of the
        # value for NULL inside this one.
        return Val(v, self.let(B.case([(B.is_null(v), value.m)])), masked=True)

    def guarded(self, test: E) -> E | None:
        """The guard of statements that run where the current guard and ``test`` hold. Only
        the outermost tests make guards (the pass's and its top-level Ifs'): a guard of each
        nested test would make a chain of columns, one step each."""
        if B.is_true(test) or (self.guard is not None and self.guard is not self.base):
            return self.guard
        return self.graph.let(test if self.guard is None else B.and_(self.guard, test))

    def lookup(self, key: E, column: str) -> E:
        if self.guard is not None:
            # Only where the statements run: elsewhere the key is NULL, and the join does not
            # look it up (a guarded column is NULL there too).
            key = B.case([(self.guard, key)])
        if column == "nth":
            return self.graph.lookup(key, WORKING, "ordinal", "day_number")
        return self.graph.lookup(key, TABLE, "day_number", column)


class PassLowering:
    """One evaluation of a question's body over given fact columns."""

    def __init__(self, context: Context, facts: dict[str, Val], guard: E | None = None) -> None:
        self.c = context
        self.facts = facts
        self.grounds: list[str] = []
        self.guard = guard

    # ------------------------------------------------------------ statements

    def run(self, body: P.Block) -> dict[str, Val]:
        """The locals after the body; ``ERROR`` is the problem of the first error raised on
        the path taken (each statement's errors tested where its guard holds, in order)."""
        env: dict[str, Val] = {}
        self.errors: Raises = []
        self.path: list[E] = []  # the tests of the Ifs around the statement being lowered
        self.c.guard = self.c.base = self.guard
        try:
            env = self.block(body, env)
        finally:
            self.c.guard = None
        problem = B.case([(c, sql_text(p)) for c, p in self.errors])
        env[ERROR] = Val(self.c.graph.let(problem), _ZERO)
        return env

    def block(self, stmts: Sequence[P.Stmt], env: dict[str, Val]) -> dict[str, Val]:
        for s in stmts:
            if isinstance(s, P.Let):
                value, raises = self.expr(s.value, env)
                env[s.name] = self.c.local(value)
                # Where the statement runs: the pass's guard and every enclosing test.
                path = B.and_(*([self.guard] if self.guard is not None else []), *self.path)
                self.errors += [(B.and_(path, c), p) for c, p in raises]
            elif isinstance(s, P.If):
                test = self.c.let(self.test(s.test, env))
                outer = self.c.guard
                self.c.guard = self.c.guarded(test)
                self.path.append(test)
                then = self.block(s.then, dict(env))
                self.c.guard = outer
                self.c.guard = self.c.guarded(B.not_(test))
                self.path[-1] = B.not_(test)
                otherwise = self.block(s.otherwise, dict(env))
                self.path.pop()
                self.c.guard = outer
                for name in dict.fromkeys([*then, *otherwise]):
                    a, b = then.get(name, _NOTHING), otherwise.get(name, _NOTHING)
                    if a is b:
                        env[name] = a
                        continue
                    merged = Val(
                        B.case([(test, a.v)], b.v),
                        B.case([(test, unknown_deps(a))], unknown_deps(b)),
                        known=a.known and b.known,
                    )
                    env[name] = self.c.local(merged)
            elif isinstance(s, P.ChooseGrounds):
                for g in s.grounds:
                    if g.norm not in self.grounds:
                        self.grounds.append(g.norm)
                    test = self.c.let(self.test(g.when, env))
                    env[GROUND + g.norm] = Val(test, _ZERO, known=True)
            else:
                raise AssertionError(type(s))
        return env

    # ------------------------------------------------------------ tests

    def test(self, t: P.Test, env: dict[str, Val]) -> E:
        """A two-valued condition (never NULL)."""
        match t:
            case P.IsUnknown():
                x = self.value(t.value, env)
                return B.FALSE if x.known else B.is_null(x.v)
            case P.IsTrue():
                x = self.value(t.value, env)
                return _holds(x.v, x.known)
            case P.IsFalse():
                x = self.value(t.value, env)
                return _holds(B.not_(x.v), x.known)
            case P.IsNever():
                x = self.value(t.value, env)
                return _holds(B.compare("=", x.v, B.num(D.NEVER)), x.known)
            case P.HasAsOf():
                return B.not_null(self.c.as_of)
            case P.DueIs():
                left, right = self.value(t.left, env), self.value(t.right, env)
                compared = B.compare("<" if t.op == "<" else "=", left.v, right.v)
                return _holds(compared, left.known and right.known)
            case P.DueRank():
                key = self.value(t.value, env)
                ranked = B.and_(
                    B.compare(">=", key.v, B.num(t.rank * DUE_RANK)),
                    B.compare("<", key.v, B.num((t.rank + 1) * DUE_RANK)),
                )
                return _holds(ranked, key.known)
            case P.Grounded():
                return env.get(GROUND + t.norm, Val(B.FALSE, _ZERO)).v
            case P.NotTest():
                return B.not_(self.test(t.part, env))
            case P.All():
                return B.and_(*(self.test(p, env) for p in t.parts))
            case P.Any_():
                return B.or_(*(self.test(p, env) for p in t.parts))
        raise AssertionError(type(t))

    # ------------------------------------------------------------ expressions

    def value(self, e: P.Expr, env: dict[str, Val]) -> Val:
        return self.expr(e, env)[0]

    def expr(self, e: P.Expr, env: dict[str, Val]) -> tuple[Val, Raises]:
        """The value of ``e`` and when it raises."""
        match e:
            case P.Const():
                return Val(self.const(e), _ZERO, known=True), []
            case P.Fact():
                return self.facts[e.name], []
            case P.Local():
                return env.get(e.name, _NOTHING), []  # read only where assigned
            case P.Today():
                as_of = self.c.as_of
                return Val(as_of, B.num(self.c.today_bit), known=B.integer(as_of) is not None), []
            case P.NoValue():
                return _NOTHING, []
            case P.DueKey(day=None):
                return Val(B.num(self.due_key(e.rank, 0, e.label)), _ZERO, known=True), []
            case P.UnknownFrom():
                return Val(B.NULL, deps(*(self.value(x, env) for x in e.sources))), []
            case P.Not():
                (a, raises) = self.expr(e.operand, env)
                return Val(B.not_(a.v), a.m, known=a.known, exact=a.exact), raises
            case P.And() | P.Or():
                (a, ra), (b, rb) = self.expr(e.left, env), self.expr(e.right, env)
                a, b = self.let_val(a), self.let_val(b)  # read twice: value and dependencies
                if isinstance(e, P.And):
                    v, reached = B.and_(a.v, b.v), B.coalesce(a.v, B.TRUE)
                else:
                    v, reached = B.or_(a.v, b.v), B.coalesce(B.not_(a.v), B.TRUE)
                return Val(v, deps(a, b), known=a.known and b.known), ra + _guarded(reached, rb)
            case P.Choose():
                (c, rc), (t, rt), (o, ro) = (
                    self.expr(x, env) for x in (e.condition, e.then, e.otherwise)
                )
                c, t, o = self.let_val(c), self.let_val(t), self.let_val(o)
                if c.known:
                    v = B.case([(c.v, t.v)], o.v)
                else:
                    v = B.case([(B.holds(c.v), t.v), (B.holds(B.not_(c.v)), o.v)])
                m = B.case([(B.is_null(c.v), c.m), (B.holds(c.v), t.m)], o.m)
                taken = _guarded(B.holds(c.v), rt) + _guarded(B.holds(B.not_(c.v)), ro)
                return Val(v, m, known=c.known and t.known and o.known), rc + taken
        parts = [self.expr(x, env) for x in _operands(e)]
        values = [self.let_val(v) for v, _ in parts]
        raises = [r for _, rs in parts for r in rs]
        v, own = self.operation(e, values)
        known = B.and_(*(B.not_null(x.v) for x in values if not x.known))
        strict = isinstance(e, _STRICT) or (isinstance(e, P.Arith) and e.of_kind != "dur")
        if not strict:  # a CASE, LEAST or GREATEST inside may hide a NULL
            v = B.case([(B.not_(known), B.NULL)], v)
        total = all(x.known for x in values) and _total(e)
        # v is NULL wherever an operand is (see above): its dependencies need no test of v.
        return Val(v, deps(*values), known=total, exact=True), raises + _guarded(known, own)

    def let_val(self, x: Val) -> Val:
        return Val(self.c.let(x.v), x.m, x.masked, x.known, x.exact)

    def const(self, c: P.Const) -> E:
        value = c.value
        if isinstance(value, bool):
            return B.TRUE if value else B.FALSE
        if value == P.NEVER:
            return B.num(D.NEVER if c.of_kind == "day" else _INF)
        if isinstance(value, Decimal):
            return exp.Literal.number(format(value, "f"))
        if isinstance(value, int):
            return B.num(value)
        if isinstance(value, str):
            return sql_text(value)
        assert isinstance(value, tuple)
        return B.num(self.due_key(*value))

    def due_key(self, rank: int, day: int | float, label: str) -> int:
        if rank == 1:
            return DUE_RANK + (D.NEVER if day == P.NEVER else int(day))
        if rank == 3:
            return 3 * DUE_RANK + self.c.labels[label]
        return rank * DUE_RANK

    # ------------------------------------------------------------ operations on known operands

    def operation(self, e: P.Expr, x: list[Val]) -> tuple[E, Raises]:
        """The value for known operands (NULL propagates), and when it raises."""
        match e:
            case P.Compare():
                return B.compare(e.op, x[0].v, x[1].v), []
            case P.Arith() if e.of_kind == "dur":
                return _duration_arith(e.op, x[0].v, x[1].v), []
            case P.Arith():
                kind = {"+": B.add, "-": B.sub, "*": B.mul}[e.op]
                return kind(x[0].v, x[1].v), []
            case P.Negate():
                return B.neg(x[0].v), []
            case P.Divide():
                raise Unsupported("division (exact division has no portable SQL form)")
            case P.DaysBetween():
                return _days_between(x[0].v, x[1].v), []
            case P.CountBetween():
                return self.count_between(e.unit, x[0].v, x[1].v)
            case P.Shift():
                return self.shift(x[0].v, x[1].v, e.unit, e.sign)
            case P.Occurred():
                day = x[0].v
                as_of = self.c.as_of
                return B.and_(
                    B.compare("!=", day, B.num(D.NEVER)),
                    B.or_(B.is_null(as_of), B.compare("<=", day, as_of)),
                ), []
            case P.Extremum():
                pick = B.least if e.which in ("earliest", "least") else B.greatest
                return pick([v.v for v in x]), []
            case P.NextMonthly():
                return self.next_monthly(x[0].v, e.days, e.after)
            case P.DueKey():
                return B.add(x[0].v, B.num(DUE_RANK)), []
            case P.DueDay():
                return B.sub(x[0].v, B.num(DUE_RANK)), []
        raise AssertionError(type(e))

    def shift(self, day: E, amount: E, unit: P.UnitClass, sign: int) -> tuple[E, Raises]:
        let = self.c.let
        signed = let(amount if sign > 0 else B.neg(amount))
        limit = _SHIFT_LIMIT[unit]
        too_far = B.compare(">", B.absolute(signed), B.num(limit))
        n = let(B.case([(too_far, B.num(0))], signed))
        if unit == "days":
            result = let(B.add(day, n))
            bad = B.or_(too_far, B.not_(D.in_range(result)))
            problems: Raises = [(bad, "date_out_of_range")]
        elif unit == "months":
            year, month, dom = D.to_civil(day, let)
            total = let(B.add(B.add(B.mul(year, B.num(12)), B.sub(month, B.num(1))), n))
            bad = B.or_(
                too_far,
                B.compare("<", total, B.num(12)),
                B.compare(">", total, B.num(9999 * 12 + 11)),
            )
            safe = let(B.case([(bad, B.num(12))], total))
            new_year = let(B.idiv(safe, B.num(12)))
            new_month = let(B.add(B.mod(safe, B.num(12)), B.num(1)))
            clipped = B.least([dom, D.month_length(new_year, new_month)])
            result = D.from_civil(new_year, new_month, clipped, let)
            problems = [(bad, "date_out_of_range")]
        else:
            calendar = self.c.calendar
            if calendar is None:
                return B.NULL, [(too_far, "date_out_of_range"), (B.TRUE, "no_calendar")]
            count = B.integer(n)
            forwards = B.compare(">=", n, B.num(0))
            start = let(B.greatest([B.case([(forwards, day)], B.sub(day, B.num(1))), B.num(1)]))
            counted = calendar.count_to(start, self.c.lookup, let)
            target = let(B.add(counted, B.case([(forwards, n)], B.add(n, B.num(1)))))
            outer = self.c.guard
            fast = in_fast = None
            if count:  # a constant count: the table's column, where it answers
                fast = calendar.moved(start if count > 0 else day, count, self.c.lookup)
                low, high = calendar.moved_range(count)
                in_fast = let(
                    B.and_(B.compare(">=", day, B.num(low)), B.compare("<=", day, B.num(high)))
                )
                self.c.guard = self.c.guarded(B.not_(in_fast))
            found = calendar.nth(B.greatest([target, B.num(1)]), self.c.lookup, let)
            self.c.guard = outer
            general = B.case([(B.compare("=", n, B.num(0)), day)], found)
            if in_fast is not None and fast is not None:
                general = B.case([(in_fast, fast)], general)
            result = let(general)
            below = B.or_(
                B.and_(B.not_(forwards), B.compare("<", day, B.num(2))),
                B.compare("<", target, B.num(1)),
            )
            bad = B.or_(
                too_far,
                B.and_(B.not_(in_fast) if in_fast is not None else B.TRUE, below),
                B.not_(D.in_range(result)),
            )
            problems = [(bad, "date_out_of_range")]
        finite = B.and_(
            B.compare("!=", day, B.num(D.NEVER)),
            B.compare("!=", amount, B.num(_INF)),
            B.compare("!=", amount, B.num(-_INF)),
        )
        forward_never = B.num(D.NEVER)
        value = B.case(
            [
                (B.compare("=", day, B.num(D.NEVER)), B.num(D.NEVER)),
                (B.compare("=", amount, B.num(_INF)), forward_never if sign > 0 else B.NULL),
                (B.compare("=", amount, B.num(-_INF)), B.NULL if sign > 0 else forward_never),
            ],
            result,
        )
        return value, _guarded(finite, problems)

    def count_between(self, unit: str, start: E, end: E) -> tuple[E, Raises]:
        finite = B.and_(
            B.compare("!=", start, B.num(D.NEVER)), B.compare("!=", end, B.num(D.NEVER))
        )
        if unit == "months":
            let = self.c.let
            sy, sm, sd = D.to_civil(start, let)
            ey, em, ed = D.to_civil(end, let)
            sy, sd, ey, ed = let(sy), let(sd), let(ey), let(ed)
            forwards = B.compare(">=", end, start)
            months = B.add(B.mul(B.sub(ey, sy), B.num(12)), B.sub(em, sm))
            short = B.compare(">", B.least([sd, D.month_length(ey, em)]), ed)
            back_short = B.compare(">", B.least([ed, D.month_length(sy, sm)]), sd)
            counted = B.case(
                [(forwards, B.sub(months, B.case([(short, B.num(1))], B.num(0))))],
                B.add(months, B.case([(back_short, B.num(1))], B.num(0))),
            )
            problems: Raises = []
        else:
            calendar = self.c.calendar
            if calendar is None:
                return B.NULL, _guarded(finite, [(B.TRUE, "no_calendar")])
            counted = B.sub(
                calendar.count_to(end, self.c.lookup, self.c.let),
                calendar.count_to(start, self.c.lookup, self.c.let),
            )
            problems = []
        return B.case([(finite, counted)], _days_between(end, start)), problems

    def next_monthly(self, start: E, days: tuple[int, ...], after: bool) -> tuple[E, Raises]:
        let = self.c.let
        begin = let(B.add(start, B.num(1)) if after else start)
        at_end = B.compare(">", begin, B.num(D.MAX_DAY))
        safe = let(B.case([(at_end, B.num(D.MAX_DAY))], begin))
        year, month, dom = D.to_civil(safe, let)
        year, dom = let(year), let(dom)
        length = let(D.month_length(year, month))
        ordered = sorted(set(days))
        branches = []
        for day in ordered:
            candidate = B.least([B.num(day), length])
            branches.append(
                (B.compare(">=", candidate, dom), D.from_civil(year, month, candidate, let))
            )
        december = B.compare("=", month, B.num(12))
        next_year = let(B.case([(december, B.add(year, B.num(1)))], year))
        next_month = let(B.case([(december, B.num(1))], B.add(month, B.num(1))))
        beyond = B.and_(december, B.compare("=", year, B.num(9999)))
        first = B.least([B.num(ordered[0]), D.month_length(next_year, next_month)])
        found = B.or_(*(c for c, _ in branches))
        value = B.case(
            branches, D.from_civil(B.least([next_year, B.num(9999)]), next_month, first, let)
        )
        problem = B.or_(at_end, B.and_(B.not_(found), beyond))
        return value, [(problem, "monthly_beyond")]


# Operations whose SQL form is NULL when an operand is.
_STRICT = (P.Compare, P.Negate, P.Occurred, P.DueKey, P.DueDay)


def _total(e: P.Expr) -> bool:
    """Whether ``e`` has a value whenever its operands do."""
    if isinstance(e, P.Arith):
        return e.of_kind != "dur"
    if isinstance(e, P.Shift):  # an infinite amount backwards has no value
        amount = e.amount
        return isinstance(amount, P.Const) and amount.value != P.NEVER
    return isinstance(e, (*_STRICT, P.Extremum, P.NextMonthly))


def _holds(test: E, known: bool) -> E:
    """A two-valued condition: ``test`` itself when its operands are known."""
    return test if known else B.holds(test)


def _operands(e: P.Expr) -> list[P.Expr]:
    match e:
        case P.Compare() | P.Arith() | P.Divide() | P.DaysBetween():
            return [e.left, e.right]
        case P.Negate():
            return [e.operand]
        case P.CountBetween():
            return [e.start, e.end]
        case P.Shift():
            return [e.day, e.amount]
        case P.Occurred():
            return [e.day]
        case P.Extremum():
            return list(e.args)
        case P.NextMonthly():
            return [e.start]
        case P.DueKey():
            return [e.day] if e.day is not None else []
        case P.DueDay():
            return [e.due]
    raise AssertionError(type(e))


def _guarded(reached: E, raises: Raises) -> Raises:
    return [(B.and_(reached, c), p) for c, p in raises]


def _days_between(left: E, right: E) -> E:
    never = B.num(D.NEVER)
    return B.case(
        [
            (B.and_(B.compare("=", left, never), B.compare("=", right, never)), B.NULL),
            (B.compare("=", left, never), B.num(_INF)),
            (B.compare("=", right, never), B.num(-_INF)),
        ],
        B.sub(left, right),
    )


def _duration_arith(op: str, a: E, b: E) -> E:
    inf, minus = B.num(_INF), B.num(-_INF)

    def infinite(x: E) -> E:
        return B.or_(B.compare("=", x, inf), B.compare("=", x, minus))

    if op == "*":
        zero = B.or_(B.compare("=", a, B.num(0)), B.compare("=", b, B.num(0)))
        same = B.compare("=", B.compare(">", a, B.num(0)), B.compare(">", b, B.num(0)))
        return B.case(
            [
                (B.and_(B.or_(infinite(a), infinite(b)), zero), B.NULL),
                (B.or_(infinite(a), infinite(b)), B.case([(same, inf)], minus)),
            ],
            B.mul(a, b),
        )
    if op == "-":
        b = B.case([(B.compare("=", b, inf), minus), (B.compare("=", b, minus), inf)], B.neg(b))
    return B.case(
        [
            (
                B.or_(
                    B.and_(B.compare("=", a, inf), B.compare("=", b, minus)),
                    B.and_(B.compare("=", a, minus), B.compare("=", b, inf)),
                ),
                B.NULL,
            ),
            (infinite(a), a),
            (infinite(b), b),
        ],
        B.add(a, b),
    )
