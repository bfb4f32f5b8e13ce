"""The plan of a question and of a contract."""

from __future__ import annotations

import attrs

from clausec.evaluation import values as RV
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.plan import nodes as P


@attrs.frozen
class QuestionPlan:
    """The program that answers one question: ``body`` runs, then ``decision`` is read.

    ``reads`` are the facts it may read (declaration order): evaluators check and convert
    those and no others. ``value_type`` is the IR type of a value question's value, for its
    output form."""

    question: str
    kind: str
    reads: tuple[str, ...]
    body: P.Block
    decision: P.Decision
    value_type: T.Type | None


@attrs.frozen
class ContractPlan:
    """Every question's plan, with the contract they came from (printers take their tables
    of facts, norms and clauses from it)."""

    contract: ir.Contract
    questions: tuple[QuestionPlan, ...]


@attrs.frozen
class DirectAmount:
    """A ground's amount that needs no computation: the value of the fact ``fact``, or the
    constant ``constant`` (in the output form of values). Plans compute no local for such an
    amount; results read it when they give their grounds."""

    fact: str | None
    constant: object


def direct_amount(n: ir.Norm) -> DirectAmount | None:
    """How the amount ``n`` states is read, when it is a fact or a constant (None otherwise,
    and when ``n`` states no amount value)."""
    e = n.amount.expr if n.amount is not None else None
    if isinstance(e, ir.FactRef):
        return DirectAmount(e.name, None)
    if isinstance(e, ir.Const):
        return DirectAmount(None, RV.to_json(RV.from_ir(e.value), e.type))
    return None


@attrs.frozen
class ExplainInputs:
    """What a decision's ``explain`` statements and reasons read from the body: locals, facts,
    and whether the as-of date (``today`` or whether there is one)."""

    locals: tuple[str, ...]
    facts: tuple[str, ...]
    as_of: bool


def explain_inputs(decision: P.Decision) -> ExplainInputs:
    """The inputs of ``decision.explain`` and ``decision.reasons`` (in order of first read):
    a printer that runs them later passes exactly these."""
    reads: dict[str, None] = {}
    facts: dict[str, None] = {}
    as_of = False
    assigned: set[str] = set()

    def visit(node: object) -> None:
        nonlocal as_of
        if isinstance(node, P.Local):
            if node.name not in assigned:
                reads.setdefault(node.name)
        elif isinstance(node, P.Fact):
            facts.setdefault(node.name)
        elif isinstance(node, P.Today | P.HasAsOf):
            as_of = True
        if isinstance(node, P.Let):
            visit(node.value)
            assigned.add(node.name)
            return
        if isinstance(node, tuple):
            for item in node:
                visit(item)
        else:  # a plan node: its attrs fields
            for field in getattr(type(node), "__attrs_attrs__", ()):
                visit(getattr(node, field.name))

    visit(decision.explain)
    for reason in decision.reasons:
        visit(reason)
    return ExplainInputs(tuple(reads), tuple(facts), as_of)
