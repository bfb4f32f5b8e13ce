"""Lowering the IR to decision plans: the one place where the meaning of norms is spelled out.

For each question, :func:`lower_question` writes the program that answers it, in the order
the reference interpreter evaluates (docs/semantics.md), so that every evaluator printed from
the plan raises the same errors and gives the same warnings: the definitions the question
may read, then whether each relevant norm applies (exceptions, then the breach of the duty a
remedy follows), then which of the question's norms are effective (priorities), then the
answer and its grounds, then the due dates of the grounds.

A value is computed again where the interpreter would find it memoized only when it was
computed on a branch: the computations are pure apart from errors and warnings, and a
computation that raised never reaches a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from clausec.evaluation import values as RV
from clausec.evaluation.facts import Never
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir import values as V
from clausec.ir.queries import (
    conjuncts,
    deadline_extensions,
    question_facts,
    relevant_norms,
    used_definitions,
)
from clausec.plan import nodes as P
from clausec.plan.program import ContractPlan, QuestionPlan, direct_amount

NO_DEADLINE = (4, 0, "none")
# Stricter than nothing: the best due key before any is known.
NO_BEST = (5, 0, "")

_BOOL_FALSE = P.Const(False, "bool")


def kind_of(t: T.Type) -> P.Kind:
    """The plan kind of values of an IR type."""
    if isinstance(t, T.Boolean):
        return "bool"
    if isinstance(t, T.Integer):
        return "int"
    if isinstance(t, T.DecimalType | T.Money):
        return "dec"
    if isinstance(t, T.Date):
        return "day"
    if isinstance(t, T.Duration):
        return "dur"
    return "text"


def constant(value: V.Value, t: T.Type) -> P.Const:
    """An IR constant as a plan constant (days as ordinals, durations in base units)."""
    kind = kind_of(t)
    if isinstance(value, V.Never | Never):
        return P.Const(P.NEVER, kind)
    if isinstance(value, V.MoneyValue):
        return P.Const(value.amount, kind)
    if isinstance(value, V.EnumValue):
        return P.Const(value.member, kind)
    runtime = RV.from_ir(value)
    if kind == "day":
        return P.Const(runtime.toordinal(), kind)  # type: ignore[union-attr]
    return P.Const(runtime, kind)


def lower(contract: ir.Contract) -> ContractPlan:
    """The plan of every question of ``contract``."""
    return ContractPlan(contract, tuple(lower_question(contract, q) for q in contract.questions))


def lower_question(contract: ir.Contract, q: ir.Question) -> QuestionPlan:
    return _Question(contract, q).program()


class NormLowering:
    """The meaning of a contract's expressions and norms as plan operations: what questions
    are built from, and what the analyses translate into solver terms. Temporaries are
    numbered per instance, so names never clash within it."""

    def __init__(self, contract: ir.Contract) -> None:
        self.contract = contract
        self.norms = {n.id: n for n in contract.norms}
        self.higher: dict[str, list[ir.Priority]] = {}
        for p in contract.priorities:
            if p.higher in self.norms and p.lower in self.norms:
                self.higher.setdefault(p.lower, []).append(p)
        self.temporaries = 0

    def temporary(self, kind: P.Kind) -> P.Local:
        self.temporaries += 1
        return P.Local(f"t{self.temporaries}", kind)

    def condition(self, n: ir.Norm) -> P.Expr:
        """The condition holds and no exception does (a remedy's breach aside)."""
        result: P.Expr = self.expr(n.condition)
        for x in n.exceptions:
            result = P.And(result, P.Not(self.expr(x)))
        return result

    # ------------------------------------------------------------ expressions

    def expr(self, e: ir.Expr) -> P.Expr:
        match e:
            case ir.Const():
                return constant(e.value, e.type)
            case ir.FactRef():
                return P.Fact(e.name, kind_of(e.type))
            case ir.DefRef():
                return P.Local(_definition(e.name), kind_of(e.type))
            case ir.Today():
                return P.Today()
            case ir.Unary(op="not"):
                return P.Not(self.expr(e.operand))
            case ir.Unary():
                return P.Negate(self.expr(e.operand))
            case ir.Binary(op="and"):
                return P.And(self.expr(e.left), self.expr(e.right))
            case ir.Binary(op="or"):
                return P.Or(self.expr(e.left), self.expr(e.right))
            case ir.Binary(op="=" | "!=" | "<" | "<=" | ">" | ">="):
                return P.Compare(e.op, self.expr(e.left), self.expr(e.right))  # type: ignore[arg-type]
            case ir.Binary():
                return self.arithmetic(e)
            case ir.Occurred():
                return P.Occurred(self.expr(e.operand))
            case ir.Extremum():
                return P.Extremum(e.kind, tuple(self.expr(a) for a in e.args))
            case ir.Conditional():
                return P.Choose(self.expr(e.condition), self.expr(e.then), self.expr(e.otherwise))
            case ir.Between(unit_class="days"):  # start is evaluated first, as written
                return P.Negate(P.DaysBetween(self.expr(e.start), self.expr(e.end)))
            case ir.Between():
                unit: Literal["working_days", "months"] = e.unit_class  # type: ignore[assignment]
                return P.CountBetween(unit, self.expr(e.start), self.expr(e.end))
        raise AssertionError(type(e))

    def arithmetic(self, e: ir.Binary) -> P.Expr:
        lt, rt = e.left.type, e.right.type
        left, right = self.expr(e.left), self.expr(e.right)
        if isinstance(lt, T.Date) and isinstance(rt, T.Date):
            return P.DaysBetween(left, right)
        if isinstance(rt, T.Date):  # duration + date
            assert isinstance(lt, T.Duration)
            return P.Shift(right, left, lt.unit_class, 1)
        if isinstance(lt, T.Date):
            assert isinstance(rt, T.Duration)
            return P.Shift(left, right, rt.unit_class, 1 if e.op == "+" else -1)
        if e.op == "/":
            return P.Divide(left, right)
        kind: P.Kind = kind_of(e.type)
        assert kind in ("int", "dec", "dur")
        return P.Arith(e.op, left, right, kind)  # type: ignore[arg-type]

    # ------------------------------------------------------------ norms

    def applies(self, n: ir.Norm, done: set[str]) -> list[P.Stmt]:
        """The statements that give ``applies:N``: the condition, then each exception (not
        evaluated once the answer is false), then, for a remedy, the breach of its duty
        (only when the answer is not false; the duty's applicability is computed there
        first if it is not yet, as the interpreter does on demand). Adds ``n`` to ``done``."""
        result = self.condition(n)
        local = _applies(n.id)
        out: list[P.Stmt] = [P.Let(local.name, result)]
        if n.remedy_of is not None and n.remedy_of in self.norms:
            duty = self.norms[n.remedy_of]
            branch_done = set(done) | {n.id}
            first = [] if duty.id in branch_done else self.applies(duty, branch_done)
            breached, stmts = self.breached(duty)
            out.append(
                P.If(
                    P.NotTest(P.IsFalse(local)),
                    (*first, *stmts, P.Let(local.name, P.And(local, breached))),
                )
            )
        if n.lapses:
            lapsed, last = lapse_locals(n.id)
            due, stmts = self.due(n)
            out += [
                P.Let(lapsed.name, _BOOL_FALSE),
                P.Let(last.name, P.Const(P.NEVER, "day")),
                P.If(
                    P.NotTest(P.IsFalse(local)),
                    (
                        *stmts,
                        *self.lapse(n, due, lapsed, last),
                        P.Let(local.name, P.And(local, P.Not(lapsed))),
                    ),
                ),
            ]
        done.add(n.id)
        return out

    def lapse(self, n: ir.Norm, due: P.Local, lapsed: P.Local, last: P.Local) -> list[P.Stmt]:
        """Whether right ``n`` has lapsed (docs/semantics.md, "Rights that lapse"): its due
        date has passed (the as-of date is after it; without one, any date but never) and its
        exercise, if stated, did not happen by then; ``until``: the date has passed. ``last``
        gets the due date when it has."""
        assert n.deadline is not None
        performed = (
            P.Fact(n.performed_on, "day")
            if n.performed_on is not None and n.deadline.kind != "until"
            else None
        )
        passed = self.temporary("bool")
        day = P.DueDay(due)
        ran_out: P.Expr = passed
        if performed is not None:
            ran_out = P.And(passed, P.Compare(">", performed, day))
        sources = (due,) if performed is None else (due, performed)
        return [
            P.If(
                P.IsUnknown(due),
                (P.Let(lapsed.name, P.UnknownFrom(sources, "bool")),),
                (
                    P.If(
                        P.HasAsOf(),
                        (P.Let(passed.name, P.Compare(">", P.Today(), day)),),
                        (P.Let(passed.name, P.Compare("<", day, P.Const(P.NEVER, "day"))),),
                    ),
                    P.Let(lapsed.name, ran_out),
                    P.If(P.IsTrue(lapsed), (P.Let(last.name, day),)),
                ),
            )
        ]

    def breached(self, duty: ir.Norm) -> tuple[P.Expr, list[P.Stmt]]:
        """Whether ``duty`` is breached (docs/semantics.md, "Remedies"), and the statements
        that must run before the expression."""
        applies = _applies(duty.id)
        if duty.breach is not None:
            breach = self.temporary("bool")  # evaluated even when the duty does not apply
            return P.And(applies, breach), [P.Let(breach.name, self.expr(duty.breach))]
        if duty.modality in ("permission", "power"):
            return _BOOL_FALSE, []
        if duty.performed_on is None:
            return P.And(applies, P.NoValue("bool")), []
        performed = P.Fact(duty.performed_on, "day")
        if duty.modality == "prohibition":
            return P.And(applies, P.Occurred(performed)), []
        due, stmts = self.due(duty)
        result = self.temporary("bool")
        passed = self.temporary("bool")
        dated = [
            P.If(
                P.HasAsOf(),
                (P.Let(passed.name, P.Compare(">", P.Today(), P.DueDay(due))),),
                (P.Let(passed.name, P.Const(True, "bool")),),
            ),
            P.Let(
                result.name,
                P.And(P.And(applies, P.Compare(">", performed, P.DueDay(due))), passed),
            ),
        ]
        stmts.append(
            P.If(
                P.IsUnknown(due),
                (P.Let(result.name, P.And(applies, P.UnknownFrom((due, performed), "bool"))),),
                (
                    P.If(
                        P.DueRank(due, 1),
                        tuple(dated),
                        (P.Let(result.name, P.And(applies, P.Not(P.Occurred(performed)))),),
                    ),
                ),
            )
        )
        return result, stmts

    def effective(self, n: ir.Norm) -> tuple[P.Expr, list[P.Stmt]]:
        """Applies, and no norm prevailing over it applies."""
        over = self.higher.get(n.id, [])
        if not over:
            return _applies(n.id), []
        others: P.Expr = _applies(over[0].higher)
        for p in over[1:]:
            others = P.Or(others, _applies(p.higher))
        local = P.Local(f"effective:{n.id}", "bool")
        return local, [P.Let(local.name, P.And(_applies(n.id), P.Not(others)))]

    # ------------------------------------------------------------ deadlines

    def due(self, n: ir.Norm) -> tuple[P.Local, list[P.Stmt]]:
        """The due key of ``n``'s deadline, in ``due:N`` (docs/semantics.md, "Deadlines")."""
        due = P.Local(f"due:{n.id}", "due")
        d = n.deadline
        if d is None:
            return due, [P.Let(due.name, P.Const(NO_DEADLINE, "due"))]
        if d.kind == "immediately":
            return due, [P.Let(due.name, P.DueKey(0, None, "immediately"))]
        if d.kind == "without_undue_delay":
            return due, [P.Let(due.name, P.DueKey(2, None, "without_undue_delay"))]
        if d.kind == "at_least_once_every":
            label = f"at least once every {(d.unit or '').replace('_', ' ')}"
            return due, [P.Let(due.name, P.DueKey(3, None, label))]
        if d.kind == "monthly":
            return due, self.monthly(d, due)
        assert d.anchor is not None
        anchor = self.temporary("day")
        duration = self.temporary("dur")
        unit: P.UnitClass = "days"
        if d.duration is not None:
            assert isinstance(d.duration.type, T.Duration)
            unit = d.duration.type.unit_class
        date = self.temporary("day")
        if d.kind == "within":
            start: P.Expr = P.Shift(anchor, duration, unit, 1)
        elif d.kind == "at_least_before":
            start = P.Shift(anchor, duration, unit, -1)
        elif d.kind == "before":
            start = P.Shift(anchor, P.Const(1, "dur"), "days", -1)
        else:  # by, until
            start = anchor
        extensions = list(enumerate(deadline_extensions(self.contract, n)))
        known: list[P.Stmt] = [
            P.Let(date.name, start),
            *self.extend(n, anchor, date, due, extensions),
        ]
        return due, [
            P.Let(anchor.name, self.expr(d.anchor)),
            P.Let(
                duration.name,
                self.expr(d.duration) if d.duration is not None else P.Const(0, "dur"),
            ),
            P.If(
                P.IsUnknown(anchor),
                (P.Let(due.name, P.UnknownFrom((anchor,), "due")),),
                (
                    P.If(
                        P.IsUnknown(duration),
                        (P.Let(due.name, P.UnknownFrom((duration,), "due")),),
                        tuple(known),
                    ),
                ),
            ),
        ]

    def extend(
        self,
        n: ir.Norm,
        anchor: P.Local,
        date: P.Local,
        due: P.Local,
        extensions: Sequence[tuple[int, ir.AppliedExtension]],
    ) -> list[P.Stmt]:
        """The extensions in order, then the due key. An extension whose condition is
        unknown, or holds with an unknown amount, makes the due date unknown and ends the
        computation there. Whether each holds, and its amount, are kept in locals named
        after the norm (:func:`extension_locals`): a known due date has read them all."""
        if not extensions:
            if not n.deadline or not n.deadline.ends_on_working_day:
                return [P.Let(due.name, P.DueKey(1, date, "date"))]
            # The first working day on or after the date: the working day after the day before.
            day_before = P.Shift(date, P.Const(1, "dur"), "days", -1)
            return [
                P.Let(unmoved_local(n.id).name, date),
                P.Let(date.name, P.Shift(day_before, P.Const(1, "dur"), "working_days", 1)),
                P.Let(due.name, P.DueKey(1, date, "date")),
            ]
        (index, x), rest = extensions[0], extensions[1:]
        assert n.deadline is not None and isinstance(x.amount.type, T.Duration)
        unit = x.amount.type.unit_class
        holds, amount = extension_locals(n.id, index)
        moved: list[P.Stmt] = []
        if x.mode == "by":
            moved = [P.Let(date.name, P.Shift(date, amount, unit, 1))]
        elif n.deadline.kind == "within":  # "to" a total period: counted from the anchor again
            moved = [P.Let(date.name, P.Shift(anchor, amount, unit, 1))]
        return [
            P.Let(
                holds.name,
                self.expr(x.condition) if x.condition is not None else P.Const(True, "bool"),
            ),
            P.Let(amount.name, self.expr(x.amount)),
            P.If(
                P.IsUnknown(holds),
                (P.Let(due.name, P.UnknownFrom((holds,), "due")),),
                (
                    P.If(
                        P.All((P.IsTrue(holds), P.IsUnknown(amount))),
                        (P.Let(due.name, P.UnknownFrom((amount,), "due")),),
                        (
                            P.If(P.IsTrue(holds), tuple(moved)),
                            *self.extend(n, anchor, date, due, rest),
                        ),
                    ),
                ),
            ),
        ]

    def monthly(self, d: ir.Deadline, due: P.Local) -> list[P.Stmt]:
        if d.anchor is None:  # from the as-of date
            return [
                P.If(
                    P.HasAsOf(),
                    (
                        P.Let(
                            due.name, P.DueKey(1, P.NextMonthly(P.Today(), d.days, False), "date")
                        ),
                    ),
                    (P.Let(due.name, P.UnknownFrom((P.Today(),), "due")),),
                )
            ]
        start = self.temporary("day")
        return [
            P.Let(start.name, self.expr(d.anchor)),
            P.If(
                P.IsUnknown(start),
                (P.Let(due.name, P.UnknownFrom((start,), "due")),),
                (
                    P.If(
                        P.IsNever(start),
                        (P.Let(due.name, P.DueKey(1, P.Const(P.NEVER, "day"), "date")),),
                        (P.Let(due.name, P.DueKey(1, P.NextMonthly(start, d.days, True), "date")),),
                    ),
                ),
            ),
        ]

    # ------------------------------------------------------------ the program


class _Question(NormLowering):
    def __init__(self, contract: ir.Contract, q: ir.Question) -> None:
        super().__init__(contract)
        self.q = q
        self.mine = [self.norms[i] for i in q.norm_ids if i in self.norms]

    def program(self) -> QuestionPlan:
        q = self.q
        body: list[P.Stmt] = []
        for name in used_definitions(self.contract, q):
            d = next(x for x in self.contract.definitions if x.name == name)
            body.append(P.Let(_definition(name), self.expr(d.expr)))
        done: set[str] = set()  # norms whose applicability is computed on every path
        for n in relevant_norms(self.contract, q):
            if n.id not in done:
                body += self.applies(n, done)
        effective: dict[str, P.Expr] = {}
        for n in self.mine:
            eff, stmts = self.effective(n)
            body += stmts
            effective[n.id] = eff
        if q.kind == "value":
            decision, stmts = self.value_answer()
        elif q.kind == "deadline":
            decision, stmts = self.deadline_answer(effective)
        else:
            decision, stmts = self.verdict_answer(effective)
        body += stmts
        value_type = q.expr.type if q.kind == "value" and q.expr is not None else q.amount_type
        return QuestionPlan(
            question=q.name,
            kind=q.kind,
            reads=tuple(question_facts(self.contract, q)),
            body=tuple(body),
            decision=decision,
            value_type=value_type,
        )

    # ------------------------------------------------------------ answers

    def verdict_answer(self, effective: dict[str, P.Expr]) -> tuple[P.Decision, list[P.Stmt]]:
        """may: permitted by an effective permission (or power, or duty) and prohibited by no
        effective prohibition; must: obliged by an effective obligation."""
        answer = P.Local("answer", "text")
        verdict = P.Local("verdict", "bool")
        stmts: list[P.Stmt] = []
        grounds: list[P.Ground] = []
        reasons: list[P.Reason] = []
        if self.q.kind in ("may", "amount"):
            pro = [n for n in self.mine if n.modality != "prohibition"]
            con = [n for n in self.mine if n.modality == "prohibition"]
            permitted = _any([effective[n.id] for n in pro])
            negative: P.Test = P.IsFalse(verdict)
            if con:
                prohibited = P.Local("prohibited", "bool")
                stmts.append(P.Let(prohibited.name, _any([effective[n.id] for n in con])))
                stmts.append(P.Let(verdict.name, P.And(permitted, P.Not(prohibited))))
                deciding = {
                    n.id: P.All(
                        (P.IsFalse(verdict), P.IsTrue(prohibited), P.IsTrue(effective[n.id]))
                    )
                    for n in con
                }
                grounds += [P.Ground(n.id, deciding[n.id]) for n in con]
                reasons += [P.Reason(n.id, _text("prohibits"), deciding[n.id]) for n in con]
                negative = P.All((negative, P.NotTest(P.IsTrue(prohibited))))
            else:
                stmts.append(P.Let(verdict.name, permitted))
            # An amount question has grounds once its amount is settled, not while pending.
            settled = () if self.q.kind == "may" else (P.IsTrue(P.Local("settled", "bool")),)
            grounds = [
                P.Ground(n.id, P.All((P.IsTrue(verdict), *settled, P.IsTrue(effective[n.id]))))
                for n in pro
            ] + grounds
            words = ("yes", "no") if self.q.kind == "may" else ("yes", "none")
            candidates = pro
        else:
            duties = [n for n in self.mine if n.modality == "obligation"]
            stmts.append(P.Let(verdict.name, _any([effective[n.id] for n in duties])))
            grounds = [P.Ground(n.id, P.IsTrue(effective[n.id])) for n in duties]
            words = ("obliged", "not_obliged")
            candidates, negative = duties, P.IsFalse(verdict)
        stmts.append(
            P.If(
                P.IsUnknown(verdict),
                (P.Let(answer.name, P.Const("undetermined", "text")),),
                (
                    P.If(
                        P.IsTrue(verdict),
                        (P.Let(answer.name, P.Const(words[0], "text")),),
                        (P.Let(answer.name, P.Const(words[1], "text")),),
                    ),
                ),
            )
        )
        waiting, value = verdict, None
        if self.q.kind == "amount":
            waiting = P.Local("waiting", "dec")
            value = P.Local("value", kind_of(self.q.amount_type or T.DECIMAL))
            stmts += self.amount_answer(pro, effective, verdict, answer, waiting, value)
        stmts.append(P.ChooseGrounds(tuple(grounds)))
        why, explain = self.why_not(candidates, negative)
        reasons += why
        # The due dates of the grounds, in the order of the grounds.
        dues: list[tuple[str, P.Local]] = []
        for g in grounds:
            n = self.norms[g.norm]
            if n.deadline is None:
                continue
            due, computed = self.due(n)
            stmts.append(P.If(P.Grounded(n.id), tuple(computed)))
            dues.append((n.id, due))
        amounts = self.amounts([g.norm for g in grounds], stmts)
        decision = P.Decision(
            answer,
            waiting,
            value,
            tuple(dues),
            self.yields(),
            tuple(reasons),
            tuple(explain),
            amounts,
            self.extended(dues),
            self.moved(dues),
        )
        return decision, stmts

    def moved(self, dues: Sequence[tuple[str, P.Local]]) -> tuple[tuple[str, P.Test, P.Local], ...]:
        """For each norm whose due date moves to a working day, when it is read and the local
        of the date before the move."""
        return tuple(
            (norm, _dated_ground(norm, due), unmoved_local(norm))
            for norm, due in dues
            if (d := self.norms[norm].deadline) is not None and d.ends_on_working_day
        )

    def amount_answer(
        self,
        permitting: Sequence[ir.Norm],
        effective: dict[str, P.Expr],
        verdict: P.Local,
        answer: P.Local,
        waiting: P.Local,
        value: P.Local,
    ) -> list[P.Stmt]:
        """How much the act is permitted, once ``answer`` says whether it is: ``all`` if a
        ground allows all of it; undetermined while a norm that may be effective could
        allow more; ``part`` if every ground allows an unquantified part; the greatest of
        the grounds' amounts if each states one (undetermined while one is unknown); else
        ``unspecified``."""

        def word(text: str) -> P.Stmt:
            return P.Let(answer.name, P.Const(text, "text"))

        settled = P.Local("settled", "bool")

        def undetermined(waits: P.Expr) -> tuple[P.Stmt, ...]:
            return (
                P.Let(waiting.name, waits),
                word("undetermined"),
                P.Let(settled.name, _BOOL_FALSE),
            )

        def category(n: ir.Norm) -> str:
            kind = n.amount.kind if n.amount is not None else None
            return {"all": "all", "part_or_all": "all", "part": "part"}.get(
                kind or "", "value" if kind in ("up_to", "exactly") else "none"
            )

        def grounded(which: Sequence[str]) -> list[P.Test]:
            return [P.IsTrue(effective[n.id]) for n in permitting if category(n) in which]

        found = P.Local("found", "bool")
        values: list[P.Stmt] = [P.Let(found.name, P.Const(False, "bool"))]
        for n in permitting:
            if category(n) != "value":
                continue
            assert n.amount is not None and n.amount.expr is not None
            amount = P.Local(f"amount:{n.id}", kind_of(n.amount.expr.type))
            greater = P.Extremum("greatest", (value, amount))
            first = (P.Let(value.name, amount), P.Let(found.name, P.Const(True, "bool")))
            values.append(
                P.If(
                    P.IsTrue(effective[n.id]),
                    (
                        P.Let(amount.name, self.expr(n.amount.expr)),
                        P.If(P.IsTrue(found), (P.Let(value.name, greater),), first),
                    ),
                )
            )
        values.append(P.If(P.IsUnknown(value), undetermined(value), (word("value"),)))
        pending = P.UnknownFrom(tuple(effective[n.id] for n in permitting), "dec")
        decided = P.If(
            P.Any_(tuple(grounded(["all"]))),
            (word("all"),),
            (
                P.If(
                    P.Any_(tuple(P.IsUnknown(effective[n.id]) for n in permitting)),
                    undetermined(pending),
                    (
                        P.If(
                            P.NotTest(P.Any_(tuple(grounded(["all", "value", "none"])))),
                            (word("part"),),
                            (
                                P.If(
                                    P.NotTest(P.Any_(tuple(grounded(["all", "part", "none"])))),
                                    tuple(values),
                                    (word("unspecified"),),
                                ),
                            )
                            # Without a norm that states an amount there is no value to
                            # compute (and its local would never be assigned).
                            if any(category(n) == "value" for n in permitting)
                            else (word("unspecified"),),
                        ),
                    ),
                ),
            ),
        )
        return [
            P.If(P.IsUnknown(verdict), (P.Let(waiting.name, P.UnknownFrom((verdict,), "dec")),)),
            P.Let(settled.name, P.Const(True, "bool")),
            P.If(P.IsTrue(verdict), (decided,)),
        ]

    def extended(self, dues: Sequence[tuple[str, P.Local]]) -> tuple[P.Extended, ...]:
        """For each norm with a due date that extensions may move, the locals saying
        whether each holds and its amount (read when the norm is a ground with a known date)."""
        return tuple(
            P.Extended(
                norm,
                _dated_ground(norm, due),
                tuple(extension_locals(norm, i) for i in range(len(xs))),
            )
            for norm, due in dues
            if (xs := deadline_extensions(self.contract, self.norms[norm]))
        )

    def amounts(
        self, grounds: Sequence[str], stmts: list[P.Stmt]
    ) -> tuple[tuple[str, P.Local], ...]:
        """The amount each ground states, computed when it is a ground (after the due dates,
        in the order of the grounds, as the interpreter builds a result); not those that
        are a fact or a constant, which results read directly (:func:`direct_amount`)."""
        out = []
        for norm in grounds:
            n = self.norms[norm]
            if n.amount is None or n.amount.expr is None or direct_amount(n) is not None:
                continue
            local = P.Local(f"amount:{n.id}", kind_of(n.amount.expr.type))
            stmts.append(P.If(P.Grounded(n.id), (P.Let(local.name, self.expr(n.amount.expr)),)))
            out.append((n.id, local))
        return tuple(out)

    def deadline_answer(self, effective: dict[str, P.Expr]) -> tuple[P.Decision, list[P.Stmt]]:
        """The strictest due key among the effective norms; undetermined while a norm that
        may be effective, or whose due date is unknown, could be stricter."""
        answer = P.Local("answer", "text")
        best = P.Local("best", "due")
        waiting = P.Local("waiting", "due")
        still_open = P.Local("open", "bool")
        stmts: list[P.Stmt] = []
        dues: list[tuple[str, P.Local]] = []
        known: dict[str, P.Test] = {}
        for n in self.mine:
            due, computed = self.due(n)
            stmts.append(P.If(P.NotTest(P.IsFalse(effective[n.id])), tuple(computed)))
            dues.append((n.id, due))
            known[n.id] = P.All((P.IsTrue(effective[n.id]), P.NotTest(P.IsUnknown(due))))
        stmts.append(P.Let(best.name, P.Const(NO_BEST, "due")))
        for n in self.mine:
            due = P.Local(f"due:{n.id}", "due")
            stmts.append(
                P.If(P.All((known[n.id], P.DueIs("<", due, best))), (P.Let(best.name, due),))
            )
        stmts += [P.Let(still_open.name, _BOOL_FALSE), P.Let(waiting.name, P.NoValue("due"))]
        for n in self.mine:
            due = P.Local(f"due:{n.id}", "due")
            pending = P.All((P.NotTest(P.IsFalse(effective[n.id])), P.NotTest(known[n.id])))
            stricter = P.Any_(
                (P.DueRank(best, NO_BEST[0]), P.IsUnknown(due), P.DueIs("<", due, best))
            )
            stmts.append(
                P.If(
                    P.All((pending, stricter)),
                    (
                        P.Let(still_open.name, P.Const(True, "bool")),
                        P.Let(waiting.name, P.UnknownFrom((waiting, due, effective[n.id]), "due")),
                    ),
                )
            )
        word = {0: "immediately", 1: "date", 2: "without_undue_delay"}
        chosen: P.Block = (P.Let(answer.name, P.Const("none", "text")),)
        for rank in (2, 1, 0):
            chosen = (
                P.If(
                    P.DueRank(best, rank),
                    (P.Let(answer.name, P.Const(word[rank], "text")),),
                    chosen,
                ),
            )
        stmts.append(
            P.If(
                P.IsTrue(still_open),
                (P.Let(answer.name, P.Const("undetermined", "text")),),
                chosen,
            )
        )
        grounds = tuple(
            P.Ground(
                n.id,
                P.All(
                    (
                        P.NotTest(P.IsTrue(still_open)),
                        known[n.id],
                        P.DueIs("=", P.Local(f"due:{n.id}", "due"), best),
                    )
                ),
            )
            for n in self.mine
        )
        stmts.append(P.ChooseGrounds(grounds))
        # No norm is effective: say why each is not.
        nothing = P.All((P.NotTest(P.IsTrue(still_open)), P.DueRank(best, NO_BEST[0])))
        reasons, explain = self.why_not(self.mine, nothing)
        amounts = self.amounts([n.id for n in self.mine], stmts)
        decision = P.Decision(
            answer,
            waiting,
            None,
            tuple(dues),
            self.yields(),
            tuple(reasons),
            tuple(explain),
            amounts,
            self.extended(dues),
            self.moved(dues),
        )
        return decision, stmts

    def value_answer(self) -> tuple[P.Decision, list[P.Stmt]]:
        assert self.q.expr is not None
        answer = P.Local("answer", "text")
        value = P.Local("value", kind_of(self.q.expr.type))
        stmts: list[P.Stmt] = [
            P.Let(value.name, self.expr(self.q.expr)),
            P.If(
                P.IsUnknown(value),
                (P.Let(answer.name, P.Const("undetermined", "text")),),
                (P.Let(answer.name, P.Const("value", "text")),),
            ),
            P.ChooseGrounds(()),
        ]
        reasons: tuple[P.Reason, ...] = ()
        explain: P.Block = ()
        if value.kind == "bool":  # false: the first part of the expression that is false
            why = P.Local("reason", "text")
            parts = conjuncts(self.q.expr)
            temporaries = [self.temporary("bool") for _ in parts]
            explain = self.first_false(parts, temporaries, why, ())
            reasons = (P.Reason(None, why, P.IsFalse(value)),)
        return P.Decision(answer, value, value, (), (), reasons, explain), stmts

    # ------------------------------------------------------------ reasons

    def why_not(
        self, candidates: Sequence[ir.Norm], negative: P.Test
    ) -> tuple[list[P.Reason], list[P.Stmt]]:
        """When ``negative`` holds (none of ``candidates`` is effective), why each is not;
        that nothing provides for the answer when there are none. Also the statements that
        compute the statuses, to run only when reasons are asked for."""
        if not candidates:
            return [P.Reason(None, _text("no_provision"), negative)], []
        reasons, body = [], []
        for n in candidates:
            why = P.Local(f"why:{n.id}", "text")
            body += self.why(n, why)
            by = tuple(
                (p.higher, p.stated_in, P.IsTrue(_applies(p.higher)))
                for p in self.higher.get(n.id, [])
            )
            date = lapse_locals(n.id)[1] if n.lapses else None
            reasons.append(P.Reason(n.id, why, negative, by, date))
        return reasons, body

    def why(self, n: ir.Norm, why: P.Local) -> list[P.Stmt]:
        """Why ``n``, which is not effective, is not: it applies (or may) but yields; else the
        first part of its condition that is false; else the first exception that holds; else
        (a remedy) its duty is not breached. Each part is evaluated again, in the order and
        as far as its applicability evaluated it, so no new error or warning can arise."""
        parts = conjuncts(n.condition)
        temporaries = [self.temporary("bool") for _ in [*parts, *n.exceptions]]
        chain: P.Block = (P.Let(why.name, _text("not_breached")),)
        if n.lapses:
            assert n.deadline is not None
            ran_out = _text("ended" if n.deadline.kind == "until" else "lapsed")
            chain = (P.If(P.IsTrue(lapse_locals(n.id)[0]), (P.Let(why.name, ran_out),), chain),)
        for j in reversed(range(len(n.exceptions))):
            holds = temporaries[len(parts) + j]
            chain = (
                P.Let(holds.name, self.expr(n.exceptions[j])),
                P.If(P.IsTrue(holds), (P.Let(why.name, _text(f"exception_applies:{j}")),), chain),
            )
        chain = self.first_false(parts, temporaries, why, chain)
        overridden = (P.Let(why.name, _text("overridden")),)
        return [P.If(P.NotTest(P.IsFalse(_applies(n.id))), overridden, chain)]

    def first_false(
        self,
        parts: Sequence[ir.Expr],
        temporaries: Sequence[P.Local],
        why: P.Local,
        otherwise: P.Block,
    ) -> P.Block:
        """Set ``why`` to ``condition_false:I`` for the first of ``parts`` that is false (each
        evaluated into its temporary); ``otherwise`` when none is."""
        chain = otherwise
        for i in reversed(range(len(parts))):
            part = temporaries[i]
            chain = (
                P.Let(part.name, self.expr(parts[i])),
                P.If(P.IsFalse(part), (P.Let(why.name, _text(f"condition_false:{i}")),), chain),
            )
        return chain

    def yields(self) -> tuple[P.Yield, ...]:
        """Norms that apply but yield: the question's own, and those a ground prevails over
        (listed only below a ground)."""
        mine = {n.id for n in self.mine}
        below_mine = {p.lower for p in self.contract.priorities if p.higher in mine}
        out = []
        for n in self.contract.norms:
            if n.id not in mine and n.id not in below_mine:
                continue
            by = []
            for p in self.higher.get(n.id, []):
                if n.id in mine:
                    test: P.Test = P.IsTrue(_applies(p.higher))
                elif p.higher in mine:
                    test = P.All((P.Grounded(p.higher), P.IsTrue(_applies(p.higher))))
                else:
                    continue
                by.append((p.higher, p.stated_in, test))
            if by:
                out.append(P.Yield(n.id, P.IsTrue(_applies(n.id)), tuple(by)))
        return tuple(out)


def extension_locals(norm: str, index: int) -> tuple[P.Local, P.Local]:
    """Whether extension ``index`` of ``norm``'s deadline holds, and its amount."""
    return P.Local(f"extends:{norm}:{index}", "bool"), P.Local(f"extension:{norm}:{index}", "dur")


def lapse_locals(norm: str) -> tuple[P.Local, P.Local]:
    """Whether right ``norm`` has lapsed (or ended), and the last day it could be used (never
    while it has not)."""
    return P.Local(f"lapsed:{norm}", "bool"), P.Local(f"lapse:{norm}", "day")


def unmoved_local(norm: str) -> P.Local:
    """``norm``'s due date before it moved to a working day."""
    return P.Local(f"unmoved:{norm}", "day")


def _dated_ground(norm: str, due: P.Local) -> P.Test:
    """``norm`` is a ground and its due date is a known date."""
    return P.All((P.Grounded(norm), P.NotTest(P.IsUnknown(due)), P.DueRank(due, 1)))


def _text(value: str) -> P.Const:
    return P.Const(value, "text")


def _definition(name: str) -> str:
    return f"definition:{name}"


def _applies(norm: str) -> P.Local:
    return P.Local(f"applies:{norm}", "bool")


def _any(values: Sequence[P.Expr]) -> P.Expr:
    """Kleene disjunction of values (false for none)."""
    if not values:
        return _BOOL_FALSE
    out = values[0]
    for v in values[1:]:
        out = P.Or(out, v)
    return out
