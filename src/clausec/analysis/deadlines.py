"""Deadline conflicts: one duty with different deadlines that apply together (W0520), and a
deadline that ends before the duty starts (W0521)."""

from __future__ import annotations

from clausec.analysis.candidates import describe, same_duty_pairs
from clausec.analysis.prefilter import Prefilter
from clausec.analysis.smt import NEVER_DAY, F, Translator
from clausec.analysis.solver import Solver
from clausec.analysis.undecided import undecided
from clausec.diagnostics import Diagnostic, Note, warning
from clausec.ir import nodes as ir
from clausec.ir.values import DurationValue


def check(
    contract: ir.Contract, tr: Translator, solver: Solver, prefilter: Prefilter
) -> list[Diagnostic]:
    return _different(contract, tr, solver, prefilter) + _before_start(contract, tr, solver)


def _key(d: ir.Deadline) -> str:
    return "date" if d.anchor is not None and d.kind != "monthly" else d.kind


def _different(
    contract: ir.Contract, tr: Translator, solver: Solver, prefilter: Prefilter
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for a, b in same_duty_pairs(contract, prefilter, solver.stats):
        assert a.deadline is not None and b.deadline is not None
        ka, kb = _key(a.deadline), _key(b.deadline)
        if ka == kb and ka != "date":
            continue
        if ka == "monthly" or kb == "monthly":
            continue  # monthly days are not modelled
        ea, eb = tr.effective(a, tr.higher(a)), tr.effective(b, tr.higher(b))
        if ea is None or eb is None:
            continue
        parts = [ea, eb]
        if ka == kb == "date":
            da, db = tr.due(a), tr.due(b)
            if da is None or db is None:
                continue
            parts += [da, db, F(da.term != db.term)]
        notes = [Note(f"the other deadline: {describe(a)}, clause {a.clause!r}", a.deadline.span)]
        together = solver.sat(*parts)
        if together is False:
            continue
        w = solver.witness(*parts) if together else None
        if w is None:
            question = f"whether {describe(a)} and {describe(b)} can have different deadlines"
            out.append(undecided(question, b.deadline.span, notes))
            continue
        out.append(
            warning(
                "W0520",
                f"{describe(a)} and {describe(b)} are the same duty with different "
                "deadlines that can apply together",
                b.deadline.span,
                "a different deadline",
                notes=notes,
                hint="the stricter deadline governs the answer; if the source really gives two, "
                "accept W0520 with a reason",
                witness=w.facts,
            )
        )
    return out


def _starts(n: ir.Norm) -> list[ir.Expr]:
    """Events the condition requires to have occurred: the duty starts after them."""
    found: list[ir.Expr] = []
    stack: list[ir.Expr] = [n.condition]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.Binary) and e.op == "and":
            stack += [e.right, e.left]
        elif isinstance(e, ir.Occurred):
            found.append(e.operand)
    return found


def _cannot_precede(n: ir.Norm, d: ir.Deadline, start: ir.Expr) -> bool:
    """A cheap sufficient test: `within D after E` with E the start and D, and every
    extension, a non-negative constant."""
    if d.kind != "within" or not (
        isinstance(start, ir.FactRef)
        and isinstance(d.anchor, ir.FactRef)
        and start.name == d.anchor.name
    ):
        return False
    amounts = [d.duration] + [x.amount for x in n.extensions]
    return all(
        isinstance(a, ir.Const) and isinstance(a.value, DurationValue) and a.value.amount >= 0
        for a in amounts
    )


def _before_start(contract: ir.Contract, tr: Translator, solver: Solver) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for n in contract.norms:
        d = n.deadline
        if d is None or d.anchor is None or d.kind == "monthly":
            continue
        starts = [
            s
            for s in _starts(n) + ([d.anchor] if d.kind == "within" else [])
            if not _cannot_precede(n, d, s)
        ]
        if not starts:
            continue
        applies = tr.applies(n)
        due = tr.due(n)
        if applies is None or due is None:
            continue
        seen: set[int] = set()
        for start in starts:
            s = tr.expr(start)
            if hash(s.term) in seen:
                continue
            seen.add(hash(s.term))
            early = F(tr.z3.And(due.term < s.term, s.term != NEVER_DAY))
            can_precede = solver.sat(applies, due, s, early)
            if can_precede is False:
                continue
            starts_here = [Note("the duty starts here", start.span)]
            w = solver.witness(applies, due, s, early) if can_precede else None
            if w is None:
                question = f"whether the deadline of {describe(n)} can end before the duty starts"
                out.append(undecided(question, d.span, starts_here))
                break
            out.append(
                warning(
                    "W0521",
                    f"the deadline of {describe(n)} can end before the duty starts",
                    d.span,
                    "ends before it starts",
                    notes=starts_here,
                    hint="check the period and its anchor against the quote",
                    witness=w.facts,
                )
            )
            break
    return out
