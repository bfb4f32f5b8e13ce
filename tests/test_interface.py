"""The outward interface of a contract (clausec.ir.interface): the answers it lists are the
answers the reference interpreter gives, and the facts are those the questions read."""

from __future__ import annotations

from pathlib import Path

import pytest

import clausec
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError
from clausec.ir.interface import ANSWERS, interface
from clausec.ir.queries import question_facts

from conftest import CONTRACTS
from factgen import fact_cases

SHIPPED = sorted(CONTRACTS.rglob("*.clause"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_answers_given_are_answers_listed(path: Path) -> None:
    contract = clausec.load(path)
    face = interface(contract)
    cases = fact_cases(contract, 40, seed=7)
    for q, source in zip(face.questions, contract.questions, strict=True):
        seen = set()
        for facts, as_of in cases:
            try:
                seen.add(ask(contract, q.name, facts, as_of).answer)
            except (FactError, EvaluationError):  # factgen also makes invalid fact sets
                continue
        assert seen <= set(ANSWERS[q.kind]), (q.name, seen)
        assert q.facts == tuple(question_facts(contract, source))
        assert set(q.facts) <= {f.name for f in face.facts}
