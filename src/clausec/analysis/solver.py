"""Deciding formulas and turning models into witnesses in the `clausec ask --fact` syntax."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from clausec.analysis.smt import BASE_DAY, MAX_DAY, MIN_DAY, NEVER_DAY, TODAY, F, Move, Translator
from clausec.ir import types as T

if TYPE_CHECKING:
    import z3

# z3's deterministic resource limit per check, about 2 s of work. Unlike a wall-clock timeout
# it gives the same answer on a loaded machine as on an idle one; a query that exceeds it is
# reported as undecided (W0550), never silently dropped.
RESOURCE_LIMIT = 3_000_000
MAX_REFINEMENTS = 30  # exact results added for approximated date moves, per query
WINDOW = (
    BASE_DAY - 100 * 365,
    BASE_DAY + 100 * 365,
)  # dates tried first when moves are approximated
RENEW_EVERY = 100  # queries per shared solver


@attrs.define
class Stats:
    candidate_pairs: int = 0
    refuted: int = 0  # candidate pairs refuted without the solver (analysis/prefilter.py)
    solver_calls: int = 0
    undecided: int = 0


@attrs.frozen
class Witness:
    facts: tuple[tuple[str, str], ...]


def _moves(formulas: Sequence[F]) -> list[Move]:
    out: list[Move] = []
    for f in formulas:
        out += (m for m in f.approx if m not in out)
    return out


class Solver:
    def __init__(self, tr: Translator, stats: Stats) -> None:
        import z3

        self.z3 = z3
        self.tr = tr
        self.stats = stats
        # One long-lived solver for the yes/no questions (push, add, check, pop): creating a
        # solver costs several times more than solving these small formulas. Witnesses use
        # fresh solvers, so that a model does not depend on the queries before it.
        self._shared = self._solver()
        self._shared_uses = 0

    def _solver(self) -> z3.Solver:
        s = self.z3.SimpleSolver(ctx=self.tr.ctx)
        s.set("rlimit", RESOURCE_LIMIT)
        return s

    def sat(self, *formulas: F) -> bool | None:
        """Whether all formulas can hold together (None: the solver gave up)."""
        # The shared solver slows down as it internalizes the terms of every query: renew it.
        self._shared_uses += 1
        if self._shared_uses % RENEW_EVERY == 0:
            self._shared = self._solver()
        s = self._shared
        s.push()
        try:
            s.add(*self.tr.closed(*formulas))
            r, _ = self._check(s, _moves(formulas))
        finally:
            s.pop()
        if r == self.z3.unknown:
            self.stats.undecided += 1
            return None
        return bool(r == self.z3.sat)

    def _check(self, s: z3.Solver, moves: Sequence[Move]) -> tuple[object, z3.ModelRef | None]:
        """``s.check()`` and its model when satisfiable, refining the approximated date moves
        until the model is exact: where a move's result in the model is not the exact one for
        the model's date and amount, that exact result is added for those inputs, and the
        solver asked again.

        With moves, dates between 1925 and 2125 are tried first: the bounds of a move hold
        for every date, so the solver is as happy with 9999-12-20 as with 2025-01-01, but only
        the latter has exact results to converge on (no working-day table or month runs off
        the calendar there)."""
        z3 = self.z3
        if moves:
            s.push()
            s.add(*self._window(moves))
            found = self._refine(s, moves)
            s.pop()
            if found[0] == z3.sat:
                return found
        return self._refine(s, moves)

    def _window(self, moves: Sequence[Move]) -> list[z3.BoolRef]:
        """Dates (facts and the results of moves) between 1925 and 2125, or never."""
        z3 = self.z3
        days = [v for name, v in self.tr.vars.items() if name == TODAY or self._is_date(name)]
        days += [mv.result for mv in moves if not mv.is_count]
        return [z3.Or(v == NEVER_DAY, z3.And(v >= WINDOW[0], v <= WINDOW[1])) for v in days]

    def _refine(self, s: z3.Solver, moves: Sequence[Move]) -> tuple[object, z3.ModelRef | None]:
        z3 = self.z3
        for _ in range(MAX_REFINEMENTS):
            self.stats.solver_calls += 1
            r = s.check()
            if r != z3.sat:
                return r, None
            model = s.model()
            lemmas = self._lemmas(model, moves)
            if not lemmas:
                return r, model
            s.add(*lemmas)
            exact = self._pinned(s, model, moves)
            if exact is not None:
                return z3.sat, exact
        return z3.unknown, None

    def _lemmas(self, model: z3.ModelRef, moves: Sequence[Move]) -> list[z3.BoolRef]:
        """For each move whose result in ``model`` is not exact: its exact result for the
        model's date and amount, and what follows for other dates, since a move by a fixed
        amount of months or working days never goes back when the date goes forward (from
        a later date, the result is no earlier; from an earlier one, no later), and a count
        grows with its end and shrinks with its start. Those cut off whole ranges of dates
        at once, not one day per round."""
        z3 = self.z3
        out = []
        for mv in moves:
            d0 = model.eval(mv.day, model_completion=True).as_long()
            n0 = model.eval(mv.n, model_completion=True).as_long()
            exact = self._exact(mv.unit_class, d0, n0)
            if (
                exact is not None
                and exact != model.eval(mv.result, model_completion=True).as_long()
            ):
                same = mv.n == n0
                dated = z3.And(mv.day >= MIN_DAY, mv.day <= MAX_DAY)
                out.append(z3.Implies(z3.And(mv.day == d0, same), mv.result == exact))
                if mv.is_count:  # a later end counts no less, a later start no more
                    dated = z3.And(dated, mv.n >= MIN_DAY, mv.n <= MAX_DAY)
                    start = mv.day == d0
                    out += [
                        z3.Implies(z3.And(start, mv.n > n0, dated), mv.result >= exact),
                        z3.Implies(z3.And(start, mv.n < n0, dated), mv.result <= exact),
                        z3.Implies(z3.And(same, mv.day > d0, dated), mv.result <= exact),
                        z3.Implies(z3.And(same, mv.day < d0, dated), mv.result >= exact),
                    ]
                else:
                    out += [
                        z3.Implies(z3.And(mv.day > d0, same, dated), mv.result >= exact),
                        z3.Implies(z3.And(mv.day < d0, same, dated), mv.result <= exact),
                    ]
        return out

    def _pinned(
        self, s: z3.Solver, model: z3.ModelRef, moves: Sequence[Move]
    ) -> z3.ModelRef | None:
        """An exact model in which the facts that the moves read are as in ``model``, if
        there is one. With those fixed, the moves form a finite chain (a move's date may be
        another's result), so refining converges within as many rounds as the chain is long,
        where refining over all facts at once may wander from one model to the next; the
        other facts stay free to fit the exact dates."""
        z3 = self.z3
        read = self._variables([t for mv in moves for t in (mv.day, mv.n)])
        pins = [
            v == model.eval(v, model_completion=True)
            for v in self.tr.vars.values()
            if v.get_id() in read
        ]
        s.push()
        try:
            s.add(*pins)
            for _ in range(MAX_REFINEMENTS):
                self.stats.solver_calls += 1
                if s.check() != z3.sat:
                    return None
                found = s.model()
                lemmas = self._lemmas(found, moves)
                if not lemmas:
                    return found
                s.add(*lemmas)
            return None
        finally:
            s.pop()

    def _variables(self, terms: Sequence[z3.ExprRef]) -> set[int]:
        """The ids of the uninterpreted constants (the variables) in ``terms``. z3's own
        ``z3util.get_vars`` tells terms apart by printing them, which took most of a check."""
        found: set[int] = set()
        seen: set[int] = set()
        todo = list(terms)
        while todo:
            term = todo.pop()
            if term.get_id() in seen:
                continue
            seen.add(term.get_id())
            if self.z3.is_const(term) and term.decl().kind() == self.z3.Z3_OP_UNINTERPRETED:
                found.add(term.get_id())
            else:
                todo.extend(term.children())
        return found

    def _exact(self, unit_class: str, day: int, n: int) -> int | None:
        """The interpreter's result of moving ``day`` by ``n`` (0 where it reports an
        error); None when ``day`` is not a date (the move is then masked)."""
        if not MIN_DAY <= day <= MAX_DAY:
            return None
        start = dt.date.fromordinal(day)
        if unit_class.startswith("count:"):
            return self._count(unit_class, start, n)
        try:
            if unit_class == "months":
                if abs(n) > 12 * 10_000:
                    return 0
                total = start.month - 1 + n
                year, month = start.year + total // 12, total % 12 + 1
                last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
                return dt.date(year, month, min(start.day, last)).toordinal()
            if abs(n) > 366 * 10_000 or not self.tr.contract.calendar:
                return 0
            from clausec.evaluation.calendar import working_days  # the holiday tables

            return working_days(self.tr.contract.calendar).add(start, n).toordinal()
        except (OverflowError, ValueError):
            return 0

    def _count(self, unit_class: str, start: dt.date, end_day: int) -> int | None:
        """The interpreter's count from ``start`` to the day ``end_day`` (0 where it reports
        an error); None when ``end_day`` is not a date."""
        if not MIN_DAY <= end_day <= MAX_DAY:
            return None
        end = dt.date.fromordinal(end_day)
        sign = 1 if end >= start else -1
        lo, hi = sorted((start, end))
        if unit_class == "count:months":
            months = (hi.year - lo.year) * 12 + hi.month - lo.month
            moved = self._exact("months", lo.toordinal(), months)
            return sign * (months if moved is not None and moved <= hi.toordinal() else months - 1)
        if not self.tr.contract.calendar:
            return 0
        from clausec.evaluation.calendar import working_days  # the holiday tables

        return sign * working_days(self.tr.contract.calendar).count(lo, hi)

    def witness(self, *formulas: F) -> Witness | None:
        """A canonical model of the formulas and the facts they read: each fact, in name
        order, takes its preferred value (false, 0, the empty text, the first member, `never`
        for events, 2025-01-01 for dates) where the formulas allow, else a date on or after
        2025-01-01 if possible; no as-of date unless needed. Deterministic: the same
        formulas give the same witness."""
        z3 = self.z3
        s = self._solver()
        s.add(*self.tr.closed(*formulas))
        facts: set[str] = set()
        for f in formulas:
            facts |= f.facts
        names = sorted(facts)
        prefs: list[Any] = []
        firsts: list[Any] = []
        if TODAY in facts:
            prefs.append(z3.Not(self.tr.has_as_of))
            firsts.append(prefs[-1])
        for name in names:
            if name != TODAY:
                mine = self._preferred(name, self.tr.var(name))
                prefs += mine
                firsts.append(mine[0])
        moves = _moves(formulas)
        if self._check(s, moves)[0] != z3.sat:
            self.stats.undecided += 1
            return None
        s.push()  # most often every first preference fits at once: one call
        s.add(*firsts)
        if self._check(s, moves)[0] != z3.sat:
            s.pop()
            for pref in prefs:
                s.push()
                s.add(pref)
                if self._check(s, moves)[0] == z3.sat:
                    continue
                s.pop()
        result, model = self._check(s, moves)
        if result != z3.sat or model is None:
            self.stats.undecided += 1
            return None
        out: list[tuple[str, str]] = []
        for name in names:
            if name == TODAY:
                if z3.is_true(model.eval(self.tr.has_as_of, model_completion=True)):
                    day = model.eval(self.tr.var(TODAY), model_completion=True).as_long()
                    out.append(("--as-of", dt.date.fromordinal(day).isoformat()))
                continue
            out.append(
                (name, self._show(name, model.eval(self.tr.var(name), model_completion=True)))
            )
        return Witness(tuple(sorted(out, key=lambda kv: (kv[0] == "--as-of", kv[0]))))

    def _is_date(self, name: str) -> bool:
        return isinstance(self.tr.fact_types[name].type, T.Date)

    def _preferred(self, name: str, v: z3.ExprRef) -> list[z3.BoolRef]:
        """Preferences for one fact, each tried in turn (the first that fits is kept)."""
        z3 = self.z3
        fact = self.tr.fact_types[name]
        t = fact.type
        if isinstance(t, T.Boolean):
            return [z3.Not(v)]
        if isinstance(t, T.Date):
            first = [v == NEVER_DAY] if fact.kind == "event" else []
            return [*first, v == BASE_DAY, v >= BASE_DAY]
        if isinstance(t, T.Text):
            return [v == z3.StringVal("", self.tr.ctx)]
        if isinstance(t, T.Enum):
            return [v == z3.StringVal(t.members[0], self.tr.ctx)]
        return [v == 0]

    def _show(self, name: str, val: z3.ExprRef) -> str:
        z3 = self.z3
        t = self.tr.fact_types[name].type
        if isinstance(t, T.Boolean):
            return "true" if z3.is_true(val) else "false"
        if isinstance(t, T.Integer):
            return str(val.as_long())
        if isinstance(t, T.Duration):
            n = val.as_long()
            unit = {"days": "days", "working_days": "working days", "months": "months"}
            return f"{n} {unit[t.unit_class]}"
        if isinstance(t, (T.DecimalType, T.Money)):
            frac = val.as_fraction()
            text = _decimal(frac)
            return f"{text} {t.currency}" if isinstance(t, T.Money) else text
        if isinstance(t, T.Date):
            day = val.as_long()
            return "never" if day == NEVER_DAY else dt.date.fromordinal(day).isoformat()
        return str(val.as_string())


def _decimal(frac: Fraction) -> str:
    """An exact decimal for a fraction whose denominator divides a power of ten."""
    d = Decimal(frac.numerator) / Decimal(frac.denominator)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def render(witness: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in witness)
