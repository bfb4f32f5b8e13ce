"""Questions about the IR that several passes ask: which norms and definitions an answer to a
question may read, which facts expressions read, the parts of a condition that a reason
names. Each is a pure function of the IR; the interpreter, the plan, the back ends, the
graphs and the analyses share them so that they agree on what matters to a question."""

from __future__ import annotations

from collections.abc import Iterable

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.text import brief


def relevant_norms(contract: ir.Contract, q: ir.Question) -> list[ir.Norm]:
    """The norms an answer to ``q`` may read, in contract order: the question's norms,
    the norms that prevail over them or that they prevail over, and the duties whose breach
    any of these follows (transitively)."""
    ids = set(q.norm_ids)
    ids |= {p.higher for p in contract.priorities if p.lower in q.norm_ids}
    ids |= {p.lower for p in contract.priorities if p.higher in q.norm_ids}
    by_id = {n.id: n for n in contract.norms}
    todo = [i for i in ids if i in by_id]
    while todo:
        primary = by_id[todo.pop()].remedy_of
        if primary is not None and primary not in ids and primary in by_id:
            ids.add(primary)
            todo.append(primary)
    return [n for n in contract.norms if n.id in ids]


def unasked_norms(contract: ir.Contract) -> list[ir.Norm]:
    """The norms no question asks about: none of the contract's `may`, `must`, `deadline` or
    `amount of` questions bears on them (``Question.norm_ids``)."""
    asked = {i for q in contract.questions for i in q.norm_ids}
    return [n for n in contract.norms if n.id not in asked]


def question_expressions(contract: ir.Contract, q: ir.Question) -> list[ir.Expr]:
    """Every expression an answer to ``q`` may evaluate, definitions aside: the value
    expression, the relevant norms' expressions and the contract-wide deadline extensions."""
    roots: list[ir.Expr] = [q.expr] if q.expr is not None else []
    for n in relevant_norms(contract, q):
        roots += norm_expressions(n)
    for x in contract.deadline_extensions:
        roots += [x.amount] + ([x.condition] if x.condition is not None else [])
    return roots


def used_definitions(contract: ir.Contract, q: ir.Question) -> list[str]:
    """The definitions that the relevant norms or the value expression read, each after
    the definitions it reads."""
    defs = {d.name: d for d in contract.definitions}
    order: list[str] = []

    def visit(e: ir.Expr) -> None:
        for ref in ir.subexpressions(e):
            if isinstance(ref, ir.DefRef) and ref.name not in order:
                visit(defs[ref.name].expr)
                if ref.name not in order:
                    order.append(ref.name)

    for r in question_expressions(contract, q):
        visit(r)
    return order


def question_facts(contract: ir.Contract, q: ir.Question) -> list[str]:
    """Every fact an answer to ``q`` may read, in declaration order: those of its expressions
    and the events on which its relevant duties count as performed."""
    names = facts_read(contract, question_expressions(contract, q)) | {
        n.performed_on for n in relevant_norms(contract, q) if n.performed_on
    }
    return [f.name for f in contract.facts if f.name in names]


def facts_read(contract: ir.Contract, roots: Iterable[ir.Expr]) -> set[str]:
    """The facts that expressions read, directly or through definitions."""
    defs = {d.name: d for d in contract.definitions}
    found: set[str] = set()
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        for e in ir.subexpressions(todo.pop()):
            if isinstance(e, ir.FactRef):
                found.add(e.name)
            elif isinstance(e, ir.DefRef) and e.name not in seen:
                seen.add(e.name)
                todo.append(defs[e.name].expr)
    return found


def norm_expressions(n: ir.Norm) -> list[ir.Expr]:
    """Every expression of a norm: condition, exceptions, breach, deadline, extensions, and
    the amount it states (which its grounds give)."""
    roots: list[ir.Expr | None] = [n.condition, *n.exceptions, n.breach]
    if n.amount is not None:
        roots.append(n.amount.expr)
    if n.deadline is not None:
        roots += [n.deadline.anchor, n.deadline.duration]
    for x in n.extensions:
        roots += [x.amount, x.condition]
    return [r for r in roots if r is not None]


def deadline_extensions(contract: ir.Contract, n: ir.Norm) -> list[ir.AppliedExtension]:
    """The extensions that may move ``n``'s deadline, in the order they apply (docs/semantics.md,
    "Extensions"): for a deadline with a date, the norm's own, then the contract's
    `deadlines extended by` (not for one that counts back from an event)."""
    d = n.deadline
    if d is None or d.kind not in ("within", "at_least_before", "before", "by", "until"):
        return []
    own = [ir.AppliedExtension(n.clause, x.mode, x.amount, x.condition) for x in n.extensions]
    if d.kind == "at_least_before":
        return own
    return own + [
        ir.AppliedExtension(x.stated_in, "by", x.amount, x.condition)
        for x in contract.deadline_extensions
    ]


def extension_facts(contract: ir.Contract, x: ir.AppliedExtension) -> set[str]:
    """The facts an extension reads (its condition and amount), through definitions."""
    return facts_read(contract, [e for e in (x.condition, x.amount) if e is not None])


def extension_table(
    contract: ir.Contract,
) -> list[tuple[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]]]:
    """For each norm whose due date extensions may move, what a ground says of each: the
    clause that states it, ``by`` or ``to``, the unit class of its amount and the facts it
    reads (sorted); the generated evaluators' table of them."""
    out: list[tuple[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]]] = []
    for n in contract.norms:
        rows: list[tuple[str, str, str, tuple[str, ...]]] = []
        for x in deadline_extensions(contract, n):
            assert isinstance(x.amount.type, T.Duration)
            facts = tuple(sorted(extension_facts(contract, x)))
            rows.append((x.clause, x.mode, x.amount.type.unit_class, facts))
        if rows:
            out.append((n.id, tuple(rows)))
    return out


def norm_facts(contract: ir.Contract, n: ir.Norm) -> set[str]:
    """The facts a norm reads, through definitions: its condition, exceptions, deadline,
    extensions, breach and amount."""
    return facts_read(contract, norm_expressions(n))


def lapse_facts(contract: ir.Contract, n: ir.Norm) -> tuple[str, ...]:
    """The facts a reason that right ``n`` has lapsed names (sorted): those the norm reads, as
    for a ground, and the event of its exercise (``performed on``, except for ``until``)."""
    names = norm_facts(contract, n)
    if n.performed_on is not None and n.deadline is not None and n.deadline.kind != "until":
        names.add(n.performed_on)
    return tuple(sorted(names))


def conjuncts(e: ir.Expr) -> list[ir.Expr]:
    """The parts of a conjunction, left to right (``a and (b and c)`` gives a, b, c): the
    order in which they are evaluated, each part only while none before it is false."""
    if isinstance(e, ir.Binary) and e.op == "and":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


Part = tuple[str, tuple[str, ...]]


def parts_in_words(contract: ir.Contract, expressions: Iterable[ir.Expr]) -> tuple[Part, ...]:
    """Each expression in words, with the facts it reads (sorted): what a reason for an
    answer quotes when the expression decided it."""
    return tuple((brief(e), tuple(sorted(facts_read(contract, [e])))) for e in expressions)


def norm_parts(contract: ir.Contract, n: ir.Norm) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
    """The parts of a norm's condition and its exceptions, as reasons name them."""
    return parts_in_words(contract, conjuncts(n.condition)), parts_in_words(contract, n.exceptions)
