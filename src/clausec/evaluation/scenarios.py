"""Running a contract's scenarios, and which normative clauses they exercise."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from clausec.evaluation import values as RV
from clausec.evaluation.interpreter import answer as answer_of
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
    # True when evaluating the expectation raised an error (its message is the one problem),
    # rather than giving an answer that differs from the expected one.
    error: bool = False
    # The clauses the answer rests on (grounds and overridden norms), in contract order.
    clauses: tuple[str, ...] = ()


@attrs.frozen
class AnswerWarning:
    """A warning an answer gave (a date beyond the calendar's known holidays, …)."""

    scenario: str
    question: str
    message: str
    span: Span


@attrs.frozen
class ScenarioResult:
    """One scenario's run: its expectations' outcomes, and how long it took."""

    title: str
    span: Span
    expectations: int
    failures: tuple[Failure, ...]
    warnings: tuple[AnswerWarning, ...]
    exercised: frozenset[str]  # the clauses its answers rest on
    seconds: float  # measured (time.perf_counter); not reproducible from run to run

    @property
    def errored(self) -> bool:
        return any(f.error for f in self.failures)


@attrs.frozen
class Report:
    contract: str
    passed: int
    failures: tuple[Failure, ...]
    clauses: tuple[str, ...]  # the normative clauses
    exercised: tuple[str, ...]  # those some expectation's answer rests on
    warnings: tuple[AnswerWarning, ...] = ()
    file: str = ""  # the contract's file, as the diagnostics name it
    questions: tuple[str, ...] = ()  # every question of the contract
    asked: tuple[str, ...] = ()  # those some expectation asks
    scenarios: tuple[ScenarioResult, ...] = ()

    @property
    def unexercised(self) -> tuple[str, ...]:
        return tuple(c for c in self.clauses if c not in set(self.exercised))

    @property
    def unasked(self) -> tuple[str, ...]:
        return tuple(q for q in self.questions if q not in set(self.asked))


def run(contract: ir.Contract, *, presume: bool = True) -> Report:
    """Run every scenario of ``contract``: each expectation is evaluated on its own, with the
    contract's presumptions unless ``presume`` is false."""
    results = [_run_scenario(contract, scenario, presume) for scenario in contract.scenarios]
    exercised = {c for r in results for c in r.exercised}
    normative = tuple(c.number for c in contract.clauses if c.normative)
    asked = {e.question for s in contract.scenarios for e in s.expectations}
    questions = tuple(q.name for q in contract.questions)
    return Report(
        contract.id,
        sum(r.expectations - len(r.failures) for r in results),
        tuple(f for r in results for f in r.failures),
        normative,
        tuple(c for c in normative if c in exercised),
        tuple(w for r in results for w in r.warnings),
        file=contract.file,
        questions=questions,
        asked=tuple(q for q in questions if q in asked),
        scenarios=tuple(results),
    )


def _run_scenario(contract: ir.Contract, scenario: ir.Scenario, presume: bool) -> ScenarioResult:
    start = time.perf_counter()
    failures: list[Failure] = []
    warnings: list[AnswerWarning] = []
    exercised: set[str] = set()
    questions = {q.name: q for q in contract.questions}
    facts = {name: RV.from_ir(value) for name, value in scenario.givens}
    as_of = scenario.as_of if isinstance(scenario.as_of, dt.date) else None
    for expectation in scenario.expectations:
        try:
            answer = answer_of(
                contract, questions[expectation.question], facts, as_of, presume=presume
            )
        except EvaluationError as exc:
            failures.append(
                Failure(
                    scenario.title,
                    expectation.question,
                    (str(exc),),
                    expectation.span,
                    error=True,
                )
            )
            continue
        warnings += [
            AnswerWarning(scenario.title, expectation.question, w, expectation.span)
            for w in answer.warnings
        ]
        rests_on = {g.clause for g in answer.grounds} | {o.clause for o in answer.overridden}
        exercised |= rests_on
        problems = tuple(compare(expectation, answer, questions[expectation.question]))
        if problems:
            # In contract order; a clause of an imported contract (not in this one) last.
            order = {c.number: i for i, c in enumerate(contract.clauses)}
            clauses = sorted(rests_on, key=lambda c: (order.get(c, len(order)), c))
            failures.append(
                Failure(
                    scenario.title,
                    expectation.question,
                    problems,
                    expectation.span,
                    clauses=tuple(clauses),
                )
            )
    return ScenarioResult(
        scenario.title,
        scenario.span,
        len(scenario.expectations),
        tuple(failures),
        tuple(warnings),
        frozenset(exercised),
        time.perf_counter() - start,
    )


@attrs.frozen
class Coverage:
    """How many of the normative clauses (``what`` is "clause") or of the questions
    ("question") of the contracts run the scenarios reach: clauses their answers rest on,
    questions their expectations ask."""

    what: str
    covered: int
    total: int

    @property
    def percent(self) -> Fraction:
        """Exactly; nothing to cover counts as fully covered."""
        return Fraction(100 * self.covered, self.total) if self.total else Fraction(100)

    def missing(self, minimum: Fraction) -> int:
        """How many more must be covered to reach ``minimum`` percent (0 if it is reached)."""
        return max(0, math.ceil(minimum * self.total / 100) - self.covered)


def coverage(reports: Sequence[Report]) -> tuple[Coverage, Coverage]:
    """The clause coverage and the question coverage of ``reports`` taken together."""
    return (
        Coverage(
            "clause",
            sum(len(r.exercised) for r in reports),
            sum(len(r.clauses) for r in reports),
        ),
        Coverage(
            "question",
            sum(len(r.asked) for r in reports),
            sum(len(r.questions) for r in reports),
        ),
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
            or (t := q.expr.type if q.expr is not None else q.amount_type) is None
            or a.value != RV.to_json(RV.from_ir(e.value), t)
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
    relied = {p.fact for p in a.presumptions}
    unused = [f for f in e.assuming if f not in relied]
    if unused:
        yield (
            f"expected the answer to rely on the presumption of {', '.join(unused)}; it relies "
            f"on {', '.join(sorted(relied)) or 'none'}"
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
