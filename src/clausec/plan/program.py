"""The plan of a question and of a contract."""

from __future__ import annotations

import attrs

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
