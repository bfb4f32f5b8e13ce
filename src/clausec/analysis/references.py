"""Facts nothing reads (I0541), facts no scenario gives (I0542), questions whose answer
cannot change (I0543), and norms no question asks about (I0544)."""

from __future__ import annotations

from clausec.analysis.smt import F, Translator
from clausec.analysis.solver import Solver
from clausec.analysis.undecided import undecided
from clausec.diagnostics import Diagnostic, Severity
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.queries import facts_read, unasked_norms


def norm_expressions(n: ir.Norm) -> list[ir.Expr]:
    roots = [n.condition, *n.exceptions]
    if n.deadline is not None:
        roots += [x for x in (n.deadline.duration, n.deadline.anchor) if x is not None]
    for x in n.extensions:
        roots += [x.amount] + ([x.condition] if x.condition is not None else [])
    if n.breach is not None:
        roots.append(n.breach)
    if n.amount is not None and n.amount.expr is not None:
        roots.append(n.amount.expr)
    return roots


def read_facts(contract: ir.Contract) -> set[str]:
    """Every fact or event a norm, definition, question or extension reads."""
    roots: list[ir.Expr] = [d.expr for d in contract.definitions]
    for n in contract.norms:
        roots += norm_expressions(n)
    roots += [q.expr for q in contract.questions if q.expr is not None]
    for x in contract.deadline_extensions:
        roots += [x.amount] + ([x.condition] if x.condition is not None else [])
    used = facts_read(contract, roots)
    used |= {n.performed_on for n in contract.norms if n.performed_on}
    return used


def check(contract: ir.Contract, tr: Translator, solver: Solver) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    used = read_facts(contract)
    given = {name for s in contract.scenarios for name, _ in s.givens}
    for f in contract.facts:
        if f.name not in used:
            out.append(
                Diagnostic(
                    "I0541",
                    Severity.INFO,
                    f"{f.kind} `{f.name}` is declared but nothing reads it",
                    f.span,
                    "never read",
                    hint="use it in a condition or deadline, or remove it; it may also be declared "
                    "for completeness, as the source names it",
                )
            )
        elif contract.scenarios and f.name not in given:
            out.append(
                Diagnostic(
                    "I0542",
                    Severity.INFO,
                    f"no scenario gives {f.kind} `{f.name}`",
                    f.span,
                    "never given",
                    hint="add a scenario where it matters",
                )
            )
    out += _constant_questions(contract, tr, solver)
    out += [d for _, d in unasked(contract)]
    return out


_QUESTION_FOR = {"obligation": "must", "permission": "may", "power": "may", "prohibition": "may"}
_WRITTEN = {"obligation": "must", "permission": "may", "power": "can", "prohibition": "must not"}


def unasked(contract: ir.Contract) -> list[tuple[ir.Norm, Diagnostic]]:
    """I0544 at each norm that no question asks about: a user asking about its clause would
    get "no such question". Only for contracts that ask questions: one without is a library
    of norms that its importers ask about (as I0542 is only for contracts with scenarios).
    Needs no solver, so `clausec test` reports it too."""
    out: list[tuple[ir.Norm, Diagnostic]] = []
    if not contract.questions:
        return out
    for n in unasked_norms(contract):
        ask = f"{_QUESTION_FOR[n.modality]} {n.party} {n.action} {n.object}"
        out.append(
            (
                n,
                Diagnostic(
                    "I0544",
                    Severity.INFO,
                    f"no question asks about norm `{n.id}`: {n.party} {_WRITTEN[n.modality]} "
                    f"{n.action} {n.object}",
                    n.span,
                    "no question",
                    hint=f"add a question such as `question NAME : {ask}`"
                    + (", and `deadline of` the same act for its deadline" if n.deadline else "")
                    + ", or accept I0544 in the clause with the reason no user would ask",
                ),
            )
        )
    return out


def _constant_questions(contract: ir.Contract, tr: Translator, solver: Solver) -> list[Diagnostic]:
    z3 = tr.z3
    norms = {n.id: n for n in contract.norms}
    out = []
    for q in contract.questions:
        if q.kind == "value":
            if q.expr is None or not isinstance(q.expr.type, T.Boolean):
                continue
            f = tr.expr(q.expr)
            yes: F | None = f
            no: F | None = F(z3.Not(f.term), f.side, f.facts, f.approx)
            words = ("true", "false")
        elif q.kind in ("may", "must"):
            mine = [norms[i] for i in q.norm_ids if i in norms]
            eff = {}
            for n in mine:
                e = tr.effective(n, tr.higher(n))
                if e is None:
                    break
                eff[n.id] = e
            else:
                grant = [eff[n.id] for n in mine if n.modality != "prohibition"]
                deny = [eff[n.id] for n in mine if n.modality == "prohibition"]
                if q.kind == "must":
                    grant = [eff[n.id] for n in mine if n.modality == "obligation"]
                    deny = []
                yes, no = _answer(grant, deny, tr)
                words = ("yes", "no") if q.kind == "may" else ("obliged", "not obliged")
            if len(eff) != len(mine):
                continue
        else:
            continue
        can_yes = solver.sat(yes) if yes is not None else False
        can_no = solver.sat(no) if no is not None else False
        if can_yes is None or can_no is None:
            out.append(undecided(f"whether question `{q.name}` always has the same answer", q.span))
            continue
        if can_yes and can_no:
            continue
        answer = words[0] if can_yes else words[1]
        if not can_yes and not can_no:
            continue  # never decided (the interpreter would say undetermined)
        out.append(
            Diagnostic(
                "I0543",
                Severity.INFO,
                f"question `{q.name}` is always answered {answer}",
                q.span,
                "constant answer",
                hint="a question worth asking depends on the facts; check its norms' conditions",
            )
        )
    return out


def _answer(grant: list[F], deny: list[F], tr: Translator) -> tuple[F, F]:
    """When the answer is yes, and when it is no, with every fact given: yes when some
    granting norm is effective and no denying one is; no otherwise."""
    import z3 as zz  # only reached once the translator has imported it

    parts = grant + deny
    side = tuple(s for p in parts for s in p.side)
    facts = frozenset(x for p in parts for x in p.facts)
    approx = tuple(m for p in parts for m in p.approx)
    g = zz.Or(*[p.term for p in grant]) if grant else zz.BoolVal(False, tr.ctx)
    d = zz.Or(*[p.term for p in deny]) if deny else zz.BoolVal(False, tr.ctx)
    yes = zz.And(g, zz.Not(d))
    return F(yes, side, facts, approx), F(zz.Not(yes), side, facts, approx)
