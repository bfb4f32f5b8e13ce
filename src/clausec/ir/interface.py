"""The outward interface of a contract: the facts its questions read, with their types, and
the answers each question can give.

Typed Python, TypeScript declarations and JSON Schema are printers of this one description;
they map each IR type to their own notation but take the set of facts, their order and the
possible answers from here."""

from __future__ import annotations

from typing import Literal

import attrs

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.queries import question_facts
from clausec.ir.values import to_json

QuestionKind = Literal["may", "must", "deadline", "value", "amount"]

#: The ``answer`` field of a result, per kind of question (docs/semantics.md, "Results").
ANSWERS: dict[str, tuple[str, ...]] = {
    "may": ("yes", "no", "undetermined"),
    "must": ("obliged", "not_obliged", "undetermined"),
    "deadline": ("date", "immediately", "without_undue_delay", "none", "undetermined"),
    "value": ("value", "undetermined"),
    "amount": ("value", "all", "part", "unspecified", "none", "undetermined"),
}


@attrs.frozen
class FactInterface:
    """A fact or event as callers give it. ``never`` is a value of events only;
    ``presumed`` says whether leaving it out is answered by a presumption."""

    name: str
    kind: Literal["fact", "event"]
    type: T.Type
    description: str | None
    presumed: bool
    minimum: object | None  # the bound in the IR's JSON form (ir.values.to_json)
    maximum: object | None


@attrs.frozen
class QuestionInterface:
    """A question: the facts it reads (declaration order), the answers it can give, and the
    type of its value (value questions; amount questions whose norms state amounts)."""

    name: str
    kind: str
    description: str | None
    facts: tuple[str, ...]
    answers: tuple[str, ...]
    value_type: T.Type | None


@attrs.frozen
class ContractInterface:
    contract: str
    title: str | None
    facts: tuple[FactInterface, ...]  # every fact some question reads, declaration order
    questions: tuple[QuestionInterface, ...]

    def fact(self, name: str) -> FactInterface:
        return next(f for f in self.facts if f.name == name)


def interface(contract: ir.Contract) -> ContractInterface:
    questions = tuple(_question(contract, q) for q in contract.questions)
    read = {name for q in questions for name in q.facts}
    facts = tuple(
        FactInterface(
            name=f.name,
            kind=f.kind,
            type=f.type,
            description=f.description,
            presumed=f.presumption is not None,
            minimum=to_json(f.minimum) if f.minimum is not None else None,
            maximum=to_json(f.maximum) if f.maximum is not None else None,
        )
        for f in contract.facts
        if f.name in read
    )
    return ContractInterface(contract.id, contract.title, facts, questions)


def _question(contract: ir.Contract, q: ir.Question) -> QuestionInterface:
    if q.kind == "value":
        value_type = q.expr.type if q.expr is not None else None
    elif q.kind == "amount":
        value_type = q.amount_type
    else:
        value_type = None
    return QuestionInterface(
        name=q.name,
        kind=q.kind,
        description=q.description,
        facts=tuple(question_facts(contract, q)),
        answers=ANSWERS[q.kind],
        value_type=value_type,
    )
