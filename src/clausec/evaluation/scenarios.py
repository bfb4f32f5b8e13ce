"""Running a contract's scenarios, and which normative clauses they exercise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from clausec.evaluation import values as RV
from clausec.evaluation.interpreter import Evaluation
from clausec.evaluation.result import Answer
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir
from clausec.source import Span


@attrs.frozen
class Failure:
    scenario: str
    question: str
    problems: tuple[str, ...]
    span: Span


@attrs.frozen
class AnswerWarning:
    """A warning an answer gave (a date beyond the calendar's known holidays, …)."""

    scenario: str
    question: str
    message: str
    span: Span


@attrs.frozen
class Report:
    contract: str
    passed: int
    failures: tuple[Failure, ...]
    clauses: tuple[str, ...]  # the normative clauses
    exercised: tuple[str, ...]  # those some expectation's answer rests on
    warnings: tuple[AnswerWarning, ...] = ()

    @property
    def unexercised(self) -> tuple[str, ...]:
        return tuple(c for c in self.clauses if c not in set(self.exercised))


def run(contract: ir.Contract) -> Report:
    passed = 0
    failures: list[Failure] = []
    warnings: list[AnswerWarning] = []
    exercised: set[str] = set()
    questions = {q.name: q for q in contract.questions}
    for scenario in contract.scenarios:
        facts = {name: RV.from_ir(value) for name, value in scenario.givens}
        as_of = scenario.as_of if isinstance(scenario.as_of, dt.date) else None
        for expectation in scenario.expectations:
            evaluation = Evaluation(contract, facts, as_of)
            try:
                answer = evaluation.answer(questions[expectation.question])
            except EvaluationError as exc:
                failures.append(
                    Failure(scenario.title, expectation.question, (str(exc),), expectation.span)
                )
                continue
            warnings += [
                AnswerWarning(scenario.title, expectation.question, w, expectation.span)
                for w in answer.warnings
            ]
            exercised |= {g.clause for g in answer.grounds}
            exercised |= {o.clause for o in answer.overridden}
            problems = tuple(compare(expectation, answer, questions[expectation.question]))
            if problems:
                failures.append(
                    Failure(scenario.title, expectation.question, problems, expectation.span)
                )
            else:
                passed += 1
    normative = tuple(c.number for c in contract.clauses if c.normative)
    return Report(
        contract.id,
        passed,
        tuple(failures),
        normative,
        tuple(c for c in normative if c in exercised),
        tuple(warnings),
    )


def compare(e: ir.Expectation, a: Answer, q: ir.Question) -> Iterable[str]:
    """What differs between an expectation and an answer, in words."""
    got = a.answer
    if e.answer == "value":
        assert e.value is not None
        if q.kind == "deadline":
            assert isinstance(e.value, dt.date)
            if got != "date" or a.due != e.value.isoformat():
                yield f"expected the date {e.value.isoformat()}, got {_describe(a)}"
        elif (
            got != "value"
            or q.expr is None
            or a.value != RV.to_json(RV.from_ir(e.value), q.expr.type)
        ):
            yield f"expected the value {e.value}, got {_describe(a)}"
    elif got != e.answer:
        yield f"expected {e.answer.replace('_', ' ')}, got {_describe(a)}"
    if e.because:
        want = {r.number for r in e.because if r.number is not None}
        have = {g.clause for g in a.grounds}
        if want != have:
            yield f"expected grounds {_clauses(want)}, got {_clauses(have)}"
    if e.overriding:
        want = {r.number for r in e.overriding if r.number is not None}
        have = {o.clause for o in a.overridden}
        if want != have:
            yield f"expected to override {_clauses(want)}, got {_clauses(have)}"
    missing = [f for f in e.depending_on if f not in a.depends_on]
    if missing:
        yield (
            f"expected the answer to depend on {', '.join(missing)}; it depends on "
            f"{', '.join(a.depends_on) or 'nothing'}"
        )
    if e.due_by is not None:
        assert isinstance(e.due_by, dt.date)
        if a.due != e.due_by.isoformat():
            yield f"expected due by {e.due_by.isoformat()}, got {a.due or 'no date'}"


def _describe(a: Answer) -> str:
    if a.answer == "date":
        return f"the date {a.due}"
    if a.answer == "value":
        return f"the value {a.value}"
    text = a.answer.replace("_", " ")
    if a.answer == "undetermined" and a.depends_on:
        text += f" (depends on {', '.join(a.depends_on)})"
    return text


def _clauses(numbers: set[str]) -> str:
    return ", ".join(f'"{n}"' for n in sorted(numbers)) or "none"
