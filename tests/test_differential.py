"""Differential tests: the reference interpreter, the generated Python module and the generated
JavaScript module give the same result (or the same error) on 10,000 seeded fact sets per
question of every shipped contract and of the documentation examples that have questions.

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
from typing import Any
from pathlib import Path

import pytest

import clausec
from clausec.evaluation.interpreter import question_facts
from conftest import REPO, SHIPPED
from factgen import fact_cases
from test_javascript import NODE, interpreter_outcome, run_node, write_module
from test_python_backend import _native, _plain, load_module

PATHS = [p for p in [*SHIPPED, *sorted((REPO / "docs" / "examples").glob("*.clause"))]
         if clausec.load(p).questions]
CASES_PER_QUESTION = 10_000


def python_outcome(call: Callable[[], object]) -> object:
    """A generated Python call's outcome in the shape of interpreter_outcome()."""
    try:
        return {"result": call().to_dict()}  # type: ignore[attr-defined]
    except Exception as exc:
        error = {"type": type(exc).__name__, "message": str(exc)}
        if type(exc).__name__ == "FactError":
            error["fact"] = exc.fact  # type: ignore[attr-defined]
        return {"error": error}


def prepared_outcome(module: Any, function: Callable[..., object], facts: dict[str, object],
                     as_of: object) -> object:
    """The outcome of ``function`` on ``module.Facts(facts)``. Facts are checked when the
    Facts is made, the as-of date by the call: when both are wrong, the call on the plain
    mapping reports the as-of date first, so then only the fact error's shape is compared."""
    try:
        prepared = module.Facts(facts)
    except module.FactError as exc:
        outcome = python_outcome(lambda: _raise(exc))
        date = python_outcome(lambda: function({}, as_of=as_of))
        bad_date = date.get("error", {}).get("fact") == "as_of"  # type: ignore[attr-defined]
        return date if bad_date else outcome
    return python_outcome(lambda: function(prepared, as_of=as_of))


def _raise(exc: Exception) -> object:
    raise exc


def kind(outcome: object) -> str:
    assert isinstance(outcome, dict)
    return outcome["result"]["answer"] if "result" in outcome else outcome["error"]["type"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_interpreter_python_and_javascript_agree(path: Path, tmp_path: Path) -> None:
    contract = clausec.load(path)
    module = load_module(contract, tmp_path)
    script = write_module(contract, tmp_path) if NODE else None
    facts_of = {f.name: f for f in contract.facts}
    seen: Counter[str] = Counter()
    # Questions the analysis proves constant (I0543): the evaluators must agree with it.
    constant = {m[1]: m[2] for d in clausec.check_paths([path], analysis=True).diagnostics
                if d.code == "I0543"
                and (m := re.fullmatch(r"question `(.+)` is always answered (\S+)", d.message))}
    for q in contract.questions:
        # crc32, not hash(): the cases must not depend on PYTHONHASHSEED.
        cases = fact_cases(contract, CASES_PER_QUESTION, seed=zlib.crc32(q.name.encode()) % 1000)
        js: list[list[object]] = []
        thread = threading.Thread(target=lambda: js.append(run_node(
            script, [(q.name, facts, as_of) for facts, as_of in cases], tmp_path))) \
            if script else None
        if thread:
            thread.start()
        function = getattr(module, q.name)
        reads = question_facts(contract, q)
        expected, answers, fast = [], Counter[str](), 0
        for facts, as_of in cases:
            want = interpreter_outcome(contract, (q.name, facts, as_of))
            expected.append(want)
            got = python_outcome(lambda: function(facts, as_of=as_of))
            assert got == want, f"python {q.name} {facts} as of {as_of}"
            assert prepared_outcome(module, function, facts, as_of) == want, \
                f"python (Facts) {q.name} {facts} as of {as_of}"
            if all(facts.get(name) is not None for name in reads):
                native = {name: _native(facts_of[name], facts[name]) for name in reads}
                day = dt.date.fromisoformat(as_of) if as_of else None
                want = interpreter_outcome(contract, (q.name, native, as_of))
                got = python_outcome(lambda: function(native, as_of=day))
                assert got == want, f"python (native) {q.name} {native} as of {as_of}"
                assert prepared_outcome(module, function, native, day) == want, \
                    f"python (native Facts) {q.name} {native} as of {as_of}"
                fast += all(_plain(facts_of[name], v) for name, v in native.items())
            answers[kind(expected[-1])] += 1
        if thread:
            thread.join()
            assert js, "node failed"
            bad = [(c, e, g) for c, e, g in zip(cases, expected, js[0]) if e != g]
            assert not bad, f"{len(bad)} JavaScript disagreements on {q.name}, first: {bad[0]}"
        # Not vacuous: several answers (unless no fact can change the answer, or the analysis
        # proves it constant), and the Python fast path ran on a good share of the cases.
        outcomes = {a for a in answers if not a.endswith("Error")}
        if q.name in constant:
            # Constant over complete fact sets; a missing fact may still leave it undetermined.
            assert outcomes - {"undetermined"} == {constant[q.name]}, (q.name, answers)
        else:
            assert len(outcomes) >= 2 or not reads, (q.name, answers)
        assert fast >= CASES_PER_QUESTION // 50 or not reads, (q.name, fast)
        seen.update(answers)
    assert "FactError" in seen and (len(seen) >= 4 or path.parent.name == "examples"), seen
