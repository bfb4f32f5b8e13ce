"""Differential tests: the reference interpreter, the generated Python module and the generated
JavaScript module give the same result (or the same error) on seeded fact sets for every
question of every shipped contract and of the documentation examples that have questions:
300 per question by default, 10,000 in the full-depth tier (CLAUSEC_TEST_DEPTH=full).

The interpreter's outcome is computed once per fact set and compared with both backends; node
runs the JavaScript module in a thread meanwhile. Fact sets that give every fact a question
reads are also passed to the Python module in native types (bool, int, datetime.date), which
is what its two-valued fast path takes. Every fact set is also given as a prepared ``Facts``,
which must give the same result (or raise the same FactError when it is made)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import clausec
from clausec.ir import nodes as ir
from clausec.ir.queries import question_facts

from conftest import REPO, SHIPPED, depth
from factgen import fact_cases
from test_javascript import NODE, error_fields, interpreter_outcome, run_node, write_module
from test_python_backend import _native, _plain, load_module

# One test item per (file, question), so that the work spreads over xdist's workers.
ITEMS = [
    (path, q.name)
    for path in [*SHIPPED, *sorted((REPO / "docs" / "examples").glob("*.clause"))]
    for q in clausec.load(path).questions
]
CASES_PER_QUESTION = depth(fast=300, full=10_000)


@dataclass(frozen=True)
class Compiled:
    """What every question of one file shares: built once per test process."""

    contract: ir.Contract
    module: ModuleType
    script: Path | None  # the JavaScript module, when node is there to run it
    constant: dict[str, str]  # question -> the answer the analysis proves constant (I0543)


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Compiled]:
    cache: dict[Path, Compiled] = {}

    def get(path: Path) -> Compiled:
        if path not in cache:
            folder = tmp_path_factory.mktemp(path.stem)
            contract = clausec.load(path)
            constant = {
                m[1]: m[2]
                for d in clausec.check_paths([path], analysis=True).diagnostics
                if d.code == "I0543"
                and (m := re.fullmatch(r"question `(.+)` is always answered (\S+)", d.message))
            }
            cache[path] = Compiled(
                contract,
                load_module(contract, folder),
                write_module(contract, folder) if NODE else None,
                constant,
            )
        return cache[path]

    return get


def python_outcome(
    function: Callable[..., Any], facts: object, as_of: object, presume: bool = True
) -> object:
    """The outcome of a generated question function in the shape of interpreter_outcome()."""
    try:
        return {"result": function(facts, as_of=as_of, presume=presume).to_dict()}
    except Exception as exc:
        return error_outcome(exc)


def error_outcome(exc: Exception) -> object:
    if type(exc).__name__ in ("FactError", "EvaluationError"):
        return {"error": error_fields(exc)}
    return {"error": {"type": type(exc).__name__, "message": str(exc)}}


def prepared_outcome(
    module: Any, function: Callable[..., object], facts: dict[str, object], as_of: object
) -> object:
    """The outcome of ``function`` on ``module.Facts(facts)``. Facts are checked when the
    Facts is made, the as-of date by the call: when both are wrong, the call on the plain
    mapping reports the as-of date first, so then only the fact error's shape is compared."""
    try:
        prepared = module.Facts(facts)
    except module.FactError as exc:
        date = python_outcome(function, {}, as_of)
        bad_date = date.get("error", {}).get("fact") == "as_of"  # type: ignore[attr-defined]
        return date if bad_date else error_outcome(exc)
    return python_outcome(function, prepared, as_of)


def kind(outcome: object) -> str:
    assert isinstance(outcome, dict)
    return outcome["result"]["answer"] if "result" in outcome else outcome["error"]["type"]


@pytest.mark.deep
@pytest.mark.parametrize(
    ("path", "question"), ITEMS, ids=[f"{p.parent.name}/{p.name}:{q}" for p, q in ITEMS]
)
def test_interpreter_python_and_javascript_agree(
    path: Path, question: str, tmp_path: Path, compiled: Callable[[Path], Compiled]
) -> None:
    shared = compiled(path)
    contract, module, script = shared.contract, shared.module, shared.script
    q = next(q for q in contract.questions if q.name == question)
    facts_of = {f.name: f for f in contract.facts}
    # crc32, not hash(): the cases must not depend on PYTHONHASHSEED.
    cases = fact_cases(contract, CASES_PER_QUESTION, seed=zlib.crc32(q.name.encode()) % 1000)
    js: list[list[object]] = []
    thread = (
        threading.Thread(
            target=lambda: js.append(
                run_node(script, [(q.name, facts, as_of) for facts, as_of in cases], tmp_path)
            )
        )
        if script
        else None
    )
    if thread:
        thread.start()
    function = getattr(module, q.name)
    reads = question_facts(contract, q)
    expected, answers, fast = [], Counter[str](), 0
    for facts, as_of in cases:
        want = interpreter_outcome(contract, (q.name, facts, as_of))
        expected.append(want)
        got = python_outcome(function, facts, as_of)
        assert got == want, f"python {q.name} {facts} as of {as_of}"
        assert prepared_outcome(module, function, facts, as_of) == want, (
            f"python (Facts) {q.name} {facts} as of {as_of}"
        )
        if all(facts.get(name) is not None for name in reads):
            native = {name: _native(facts_of[name], facts[name]) for name in reads}
            day = dt.date.fromisoformat(as_of) if as_of else None
            want = interpreter_outcome(contract, (q.name, native, as_of))
            got = python_outcome(function, native, day)
            assert got == want, f"python (native) {q.name} {native} as of {as_of}"
            assert prepared_outcome(module, function, native, day) == want, (
                f"python (native Facts) {q.name} {native} as of {as_of}"
            )
            fast += all(_plain(facts_of[name], v) for name, v in native.items())
        answers[kind(expected[-1])] += 1
    # Without presumptions (every third case), where the question reads a presumed fact.
    strict: list[tuple[str, object, str | None, bool]] = []
    if any(facts_of[name].presumption is not None for name in reads):
        strict = [(q.name, facts, as_of, False) for facts, as_of in cases[::3]]
    strict_expected = [interpreter_outcome(contract, c) for c in strict]
    for (_, facts, as_of, _), want in zip(strict, strict_expected, strict=True):
        got = python_outcome(function, facts, as_of, presume=False)
        assert got == want, f"python (no presumptions) {q.name} {facts} as of {as_of}"
    if thread:
        thread.join()
        assert js, "node failed"
        bad = [(c, e, g) for c, e, g in zip(cases, expected, js[0], strict=True) if e != g]
        assert not bad, f"{len(bad)} JavaScript disagreements on {q.name}, first: {bad[0]}"
        if strict:
            got_js = run_node(script, strict, tmp_path)  # type: ignore[arg-type]
            bad = [
                (c, e, g) for c, e, g in zip(strict, strict_expected, got_js, strict=True) if e != g
            ]
            assert not bad, f"{len(bad)} JavaScript disagreements without presumptions: {bad[0]}"
    # Not vacuous: fact errors were compared, several answers came (unless no fact can change
    # the answer, or the analysis proves it constant), and the Python fast path ran on a good
    # share of the cases.
    assert "FactError" in answers, (q.name, answers)
    outcomes = {a for a in answers if not a.endswith("Error")}
    if q.name in shared.constant:
        # Constant over complete fact sets; a missing fact may still leave it undetermined.
        assert outcomes - {"undetermined"} == {shared.constant[q.name]}, (q.name, answers)
    else:
        assert len(outcomes) >= 2 or not reads, (q.name, answers)
    assert fast >= CASES_PER_QUESTION // 50 or not reads, (q.name, fast)
