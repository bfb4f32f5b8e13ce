"""Deontic conflicts (W0501, W0502, W0503), different exact amounts of one duty (W0504), an
exact amount above a cap (W0505), and the ones the text resolves (I0504)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from clausec.analysis.candidates import WHAT, Pair, deontic_pairs, describe
from clausec.analysis.prefilter import Prefilter
from clausec.analysis.smt import F, Translator
from clausec.analysis.solver import Solver, Witness
from clausec.analysis.undecided import undecided
from clausec.diagnostics import Diagnostic, Note, Severity
from clausec.ir import nodes as ir


def check(
    contract: ir.Contract,
    tr: Translator,
    solver: Solver,
    prefilter: Prefilter,
    live: set[str],
    sides: Mapping[str, int] | None = None,
) -> list[Diagnostic]:
    """``live`` receives the norms shown to apply in some case; with ``sides``, only pairs
    of norms on different sides are checked (analysis/imports.py)."""
    out: list[Diagnostic] = []
    norms = {n.id: n for n in contract.norms}
    between: dict[frozenset[str], list[ir.Priority]] = defaultdict(list)
    over: dict[str, list[ir.Priority]] = defaultdict(list)
    for p in contract.priorities:
        between[frozenset((p.higher, p.lower))].append(p)
        over[p.lower].append(p)
    for pair in deontic_pairs(contract, prefilter, solver.stats, sides):
        code, a, b, what = pair.code, pair.first, pair.second, WHAT[pair.what]
        extra = _amounts(pair, tr)
        if extra is None:
            continue  # amounts that cannot be compared
        fa, fb = None, None
        # The candidates' conditions may hold together; their exceptions may still exclude it.
        if prefilter.refuted(a, b):  # no solver, no translation
            solver.stats.refuted += 1
            both: bool | None = False
        else:
            fa, fb = tr.applies(a), tr.applies(b)
            if fa is None or fb is None:
                continue  # a remedy whose breach is never certain never certainly applies
            both = solver.sat(fa, fb, *extra)
        notes = [Note(f"the other norm: {describe(a)}, clause {a.clause!r}", a.span)]
        together = f"whether {describe(a)} and {describe(b)} can apply together"
        if both is None:
            out.append(undecided(together, b.span, notes))
            continue
        if both:
            live |= {a.id, b.id}
        if not both:
            resolved, decided = _by_exception(a, b, tr, solver, extra)
            if not decided:
                out.append(
                    undecided(
                        f"whether the conditions of {describe(a)} and {describe(b)} overlap",
                        b.span,
                        notes,
                    )
                )
            elif resolved is not None:
                out.append(
                    Diagnostic(
                        "I0504",
                        Severity.INFO,
                        f"{describe(a)} and {describe(b)} would conflict ({what}), but the "
                        f"exception in clause {resolved.clause!r} keeps them apart",
                        b.span,
                        "resolved by an exception",
                        tuple(notes),
                    )
                )
            continue
        if fa is None or fb is None:
            continue
        direct = between.get(frozenset((a.id, b.id)), [])
        if len({p.higher for p in direct}) == 2:
            continue  # priorities both ways: a cycle (W0532), nothing is resolved
        if direct:
            p = min(direct, key=lambda p: (p.stated_in, p.higher))
            w = solver.witness(fa, fb, *extra)
            out.append(
                Diagnostic(
                    "I0504",
                    Severity.INFO,
                    f"{describe(a)} and {describe(b)} conflict ({what}); clause "
                    f"{p.stated_in!r} resolves it: {p.higher} prevails over {p.lower}",
                    b.span,
                    "resolved by a priority",
                    tuple(notes),
                    witness=w.facts if w else None,
                )
            )
            continue
        higher_a = [norms[p.higher] for p in over.get(a.id, ())]
        higher_b = [norms[p.higher] for p in over.get(b.id, ())]
        ea = tr.effective(a, higher_a) if higher_a else fa
        eb = tr.effective(b, higher_b) if higher_b else fb
        if ea is None or eb is None:
            continue
        effective = solver.sat(ea, eb, *extra) if (higher_a or higher_b) else True
        if effective is None:
            out.append(
                undecided(
                    f"whether {describe(a)} and {describe(b)} can both be effective", b.span, notes
                )
            )
            continue
        if not effective:
            stated = sorted({p.stated_in for x in (a.id, b.id) for p in over.get(x, ())})
            out.append(
                Diagnostic(
                    "I0504",
                    Severity.INFO,
                    f"{describe(a)} and {describe(b)} conflict ({what}), but whenever both "
                    f"apply one is overridden (priorities stated in "
                    f"{', '.join(repr(s) for s in stated)})",
                    b.span,
                    "resolved by priorities",
                    tuple(notes),
                )
            )
            continue
        w = solver.witness(ea, eb, *extra)
        out.append(
            _conflict(code, what, a, b, w, notes) if w else undecided(together, b.span, notes)
        )
    return out


def _amounts(pair: Pair, tr: Translator) -> list[F] | None:
    """What the amounts of the pair must do for it to conflict: differ (W0504), the exact one
    exceed the cap (W0505); nothing for the other pairs. None when the amounts are of kinds
    that cannot be compared (a number and a sum of money, two currencies)."""
    a, b = pair.first, pair.second
    if pair.code == "W0504":
        return _compare(tr, "!=", a, b)
    if pair.code == "W0505":
        exact, cap = (a, b) if a.amount is not None and a.amount.kind == "exactly" else (b, a)
        return _compare(tr, ">", exact, cap)
    return []


def _compare(tr: Translator, op: str, a: ir.Norm, b: ir.Norm) -> list[F] | None:
    assert a.amount is not None and a.amount.expr is not None
    assert b.amount is not None and b.amount.expr is not None
    found = tr.amounts(op, a.amount.expr, b.amount.expr)
    return None if found is None else [found]


def _conflict(
    code: str, what: str, a: ir.Norm, b: ir.Norm, w: Witness, notes: list[Note]
) -> Diagnostic:
    return Diagnostic(
        code,
        Severity.WARNING,
        f"{describe(a)} and {describe(b)} can apply at the same time ({what})",
        b.span,
        "conflicts with the other norm",
        tuple(notes),
        hint=f"say which prevails (`prevails over`, `subject to`, `unless otherwise "
        f"provided`) or add an exception; if the source really says so, accept {code} "
        "with a reason",
        witness=w.facts,
    )


def _by_exception(
    a: ir.Norm, b: ir.Norm, tr: Translator, solver: Solver, extra: list[F]
) -> tuple[ir.Norm | None, bool]:
    """The norm with exceptions, when the conditions alone overlap (so the exceptions keep
    the two norms apart), else None; and whether the solver could tell."""
    with_exceptions = [n for n in (a, b) if n.exceptions]
    if not with_exceptions or a.remedy_of is not None or b.remedy_of is not None:
        return None, True
    overlap = solver.sat(tr.expr(a.condition), tr.expr(b.condition), *extra)
    return (with_exceptions[-1] if overlap else None), overlap is not None
