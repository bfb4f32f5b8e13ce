"""What to ask next (docs/semantics.md, "What to ask next"): the ranking, the same in the
interpreter, the generated Python module and the generated JavaScript module on every
shipped contract and example, and `clausec ask`'s text, JSON and interactive session."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zlib
from pathlib import Path

import pytest

import clausec
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask
from clausec.evaluation.next_facts import ask_next
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir

from conftest import PRELUDE, REPO, SHIPPED, contract_of, run_cli
from factgen import fact_cases
from test_javascript import run_driver, write_module
from test_python_backend import load_module

BODY = """\
fact shown : boolean "shown" presumed false because "must be shown"
clause "1"
  quote "q"
  a must pay fee
    when f and not e has occurred
  a must pay fee
    when k = green and not shown
question q : must a pay fee
"""


def reference(contract: ir.Contract, question: str, facts: dict, as_of=None, presume=True):  # type: ignore[no-untyped-def]
    answer = ask(contract, question, facts, as_of, presume=presume)
    return ask_next(
        contract,
        answer,
        facts,
        lambda given: ask(contract, question, given, as_of, presume=presume),
    )


def test_facts_that_decide_with_more_values_come_first() -> None:
    c = contract_of(BODY)
    ranked = reference(c, "q", {})
    assert [e["fact"] for e in ranked] == ["k", "e", "f"]
    assert ranked[0]["decides"] == [{"value": "green", "answer": "obliged"}]
    # f alone cannot decide: false still leaves k open; true leaves e open.
    assert ranked[2] == {"fact": "f", "decides": []}
    assert reference(c, "q", {"k": "green"}) == []  # decided: nothing to ask
    strict = reference(c, "q", {"k": "green"}, presume=False)
    assert strict[0] == {"fact": "shown", "decides": [{"value": False, "answer": "obliged"}]}


def _undetermined_cases(contract: ir.Contract, question: ir.Question, n: int) -> list:  # type: ignore[type-arg]
    """Up to ``n`` seeded fact sets whose answer is undetermined (errors skipped)."""
    out = []
    seed = zlib.crc32(question.name.encode()) % 1000
    for facts, as_of in fact_cases(contract, 60, seed=seed):
        when = dt.date.fromisoformat(as_of) if as_of else None
        try:
            if ask(contract, question.name, facts, when).answer == "undetermined":
                out.append((facts, as_of))
        except (FactError, EvaluationError):
            continue
        if len(out) == n:
            break
    return out


FILES = [
    path
    for path in [*SHIPPED, *sorted((REPO / "docs" / "examples").glob("*.clause"))]
    if clausec.load(path).questions
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_evaluator_ranks_the_same(path: Path, tmp_path: Path) -> None:
    contract = clausec.load(path)
    cases = [
        (q.name, facts, as_of)
        for q in contract.questions
        for facts, as_of in _undetermined_cases(contract, q, 3)
    ]
    if not cases:
        pytest.skip("no question is undetermined on the seeded fact sets")
    module = load_module(contract, tmp_path)
    expected = []
    for name, facts, as_of in cases:
        when = dt.date.fromisoformat(as_of) if as_of else None
        want = reference(contract, name, facts, when)
        assert module.ask_next(name, facts, as_of=when) == want, (name, facts)
        assert module.ask_next(name, module.Facts(facts), as_of=when) == want, (name, facts)
        expected.append(want)
    if shutil.which("node") is None:
        return
    script = write_module(contract, tmp_path)
    body = "console.log(m.stringify(input.map(([q, f, a]) => m.askNext(q, f, { asOf: a }))));\n"
    assert run_driver(body, script, cases, tmp_path) == expected


def test_ask_prints_what_to_ask_next(tmp_path: Path) -> None:
    (tmp_path / "n.clause").write_text(PRELUDE + BODY, encoding="utf-8")
    out = run_cli(["ask", "n.clause", "q"], cwd=tmp_path)
    assert out.stdout.splitlines()[-4:] == [
        "  ask next:",
        "    k: green gives obliged",
        "    e: no value decides it alone",
        "    f: no value decides it alone",
    ]
    data = json.loads(run_cli(["ask", "n.clause", "q", "--json"], cwd=tmp_path).stdout)
    assert [e["fact"] for e in data["ask_next"]] == ["k", "e", "f"]
    decided = json.loads(
        run_cli(["ask", "n.clause", "q", "--fact", "k=green", "--json"], cwd=tmp_path).stdout
    )
    assert decided["answer"] == "obliged" and decided["ask_next"] == []


def test_interactive_asks_until_decided(tmp_path: Path) -> None:
    (tmp_path / "n.clause").write_text(PRELUDE + BODY, encoding="utf-8")
    # A wrong value is refused and asked again; then k = red leaves e and f; e = never,
    # f = true decides.
    out = run_cli(
        ["ask", "n.clause", "q", "--interactive"], cwd=tmp_path, stdin="blue\nred\ntrue\nnever\n"
    )
    assert out.returncode == 0, out.stderr
    assert 'error: fact `k`: expected one of red, green, got "blue"' in out.stderr
    answers = [line for line in out.stdout.splitlines() if line.startswith("q: ")]
    assert answers == ["q: undetermined", "q: undetermined", "q: undetermined", "q: obliged"]
    stopped = run_cli(["ask", "n.clause", "q", "--interactive"], cwd=tmp_path, stdin="\n")
    assert stopped.returncode == 0
    assert [line for line in stopped.stdout.splitlines() if line.startswith("q: ")] == [
        "q: undetermined"
    ]
    both = run_cli(["ask", "n.clause", "q", "--interactive", "--json"], cwd=tmp_path)
    assert both.returncode == 2
