"""Presumptions (docs/language.md, "Presumptions"; docs/semantics.md, "Presumptions"): what
the front end accepts, when an answer uses them, what it says, and the same in every
evaluator and on the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import clausec
from clausec.analysis import analyze
from clausec.backends.javascript import emit_javascript
from clausec.backends.json_ir import emit_json
from clausec.evaluation.interpreter import ask

from conftest import PRELUDE, REPO, codes, compile_body, contract_of, run_cli
from test_python_backend import load_module

DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"

BODY = """\
fact shown : boolean "a breach is shown"
  presumed false because "a breach must be shown by whoever relies on it" per "1"
fact cap : money EUR "a cap" presumed 0 EUR because "no cap unless agreed"
event ended "ended" presumed never because "an end is notified to the party"
clause "1"
  quote "q"
  a must pay fee
    when not shown and not ended has occurred and g
question q : must a pay fee
question capped : value of cap > 10 EUR
"""


def test_the_ir_keeps_value_reason_and_clauses() -> None:
    c = contract_of(BODY)
    presumed = {f.name: f.presumption for f in c.facts if f.presumption is not None}
    assert sorted(presumed) == ["cap", "ended", "shown"]
    shown = presumed["shown"]
    assert shown is not None and shown.value is False
    assert shown.reason == "a breach must be shown by whoever relies on it"
    assert [r.number for r in shown.rests_on] == ["1"]
    assert presumed["ended"] is not None and presumed["ended"].rests_on == ()
    fact = next(
        f
        for f in json.loads(emit_json(c, clausec_version="t"))["contract"]["facts"]
        if f["name"] == "shown"
    )
    assert fact["presumption"]["value"] == {"type": {"kind": "boolean"}, "value": False}
    assert [r["number"] for r in fact["presumption"]["rests_on"]] == ["1"]


@pytest.mark.parametrize(
    ("presumption", "code"),
    [
        ('presumed 3 because "x"', "E0306"),  # not a boolean
        ('presumed false because " "', "E0412"),  # no reason
        ('presumed false because "x" per "9"', "E0206"),  # no clause 9
        ('presumed g because "x"', "E0307"),  # not a literal
    ],
)
def test_bad_presumptions_are_errors(presumption: str, code: str) -> None:
    body = BODY.replace(
        'presumed false because "a breach must be shown by whoever relies on it" per "1"',
        presumption,
    )
    assert code in codes(compile_body(body))


def test_assuming_names_a_presumed_fact() -> None:
    body = BODY + 'scenario "s"\n  given g = true\n  expect q is obliged assuming g\n'
    assert "E0200" in codes(compile_body(body))


def test_given_facts_decide_alone_when_they_can() -> None:
    c = contract_of(BODY)
    # Decided by the given facts: no presumption is used, even one that would add nothing.
    answer = ask(c, "q", {"g": False})
    assert (answer.answer, answer.presumptions) == ("not_obliged", ())


def test_an_open_answer_is_asked_again_with_the_presumptions_it_waits_for() -> None:
    c = contract_of(BODY)
    strict = ask(c, "q", {"g": True}, presume=False)
    assert (strict.answer, strict.depends_on) == ("undetermined", ("ended", "shown"))
    answer = ask(c, "q", {"g": True})
    assert answer.answer == "obliged"
    assert [(p.fact, p.value, p.rests_on) for p in answer.presumptions] == [
        ("ended", "never", ()),
        ("shown", False, ("1",)),
    ]
    # The presumed facts show in the grounds like given ones; `cap` was not waited for.
    assert answer.grounds[0].facts == {"ended": "never", "g": True, "shown": False}
    # Still open where a fact without a presumption is missing: the presumptions are named.
    open_ = ask(c, "q", {})
    assert (open_.answer, open_.depends_on) == ("undetermined", ("g",))
    assert [p.fact for p in open_.presumptions] == ["ended", "shown"]


def test_a_value_question_uses_a_presumed_amount() -> None:
    c = contract_of(BODY)
    answer = ask(c, "capped", {})
    assert (answer.answer, answer.value) == ("value", False)
    assert [(p.fact, p.value) for p in answer.presumptions] == [
        ("cap", {"amount": "0", "currency": "EUR"})
    ]


def test_the_generated_python_module_presumes_the_same(tmp_path: Path) -> None:
    c = contract_of(BODY)
    module = load_module(c, tmp_path)
    for facts in ({}, {"g": True}, {"g": True, "ended": "2020-01-01"}, {"g": False}):
        for presume in (True, False):
            want = ask(c, "q", facts, presume=presume).to_dict()
            assert module.q(facts, presume=presume).to_dict() == want
            assert module.q(module.Facts(facts), presume=presume).to_dict() == want
            assert module.evaluate("q", facts, presume=presume).to_dict() == want
    assert module.capped({}).to_dict() == ask(c, "capped", {}).to_dict()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_generated_javascript_module_presumes_the_same(tmp_path: Path) -> None:
    c = contract_of(BODY)
    (tmp_path / "m.mjs").write_text(emit_javascript(c, clausec_version="t"), encoding="utf-8")
    cases = [({}, True), ({"g": True}, True), ({"g": True}, False), ({"g": False}, True)]
    script = (
        "import * as m from './m.mjs';\n"
        f"const cases = {json.dumps(cases)};\n"
        "const out = cases.map(([f, p]) => [m.q(f, { presume: p }).toDict(),\n"
        "  m.q(new Map(Object.entries(f)), { presume: p }).toDict(),\n"
        "  m.q(new m.Facts(f), { presume: p }).toDict()]);\n"
        "console.log(m.stringify(out));\n"
    )
    (tmp_path / "run.mjs").write_text(script, encoding="utf-8")
    done = subprocess.run(
        ["node", "run.mjs"], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    for (facts, presume), got in zip(cases, json.loads(done.stdout), strict=True):
        want = ask(c, "q", facts, presume=presume).to_dict()
        assert got == [want, want, want]


def test_a_merchant_who_simply_left_is_answered_from_two_facts() -> None:
    """The issue's test: a release date from the dates a person would give, and the
    presumptions it rests on, named. Since the second reading of 5.11 (stopping counts
    against the merchant only before the agreement ends), the two are when the merchant
    stopped and when the agreement ended."""
    contract = clausec.load(DEPOSIT)
    facts = {"service.stopped": "2024-10-24", "agreement.ended": "2024-10-24"}
    strict = ask(contract, "release_deadline", facts, presume=False)
    assert strict.answer == "undetermined" and len(strict.depends_on) >= 20
    answer = ask(contract, "release_deadline", facts)
    assert (answer.answer, answer.due) == ("date", "2025-02-13")
    assert [g.clause for g in answer.grounds] == ["6.2(1)"]
    relied = {p.fact for p in answer.presumptions}
    assert {
        "merchant.complaint_or_dispute",
        "merchant.violated_rules",
        "force_majeure.affects_performance",
    } <= relied
    assert all(p.reason for p in answer.presumptions)


def test_ask_names_the_presumptions_and_can_set_them_aside(tmp_path: Path) -> None:
    (tmp_path / "p.clause").write_text(
        PRELUDE + BODY,
        encoding="utf-8",
    )
    pinned = ["--as-of", "2025-01-01"]
    out = run_cli(["ask", "p.clause", "q", "--fact", "g=true", *pinned], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:6] == [
        "q: obliged",
        "  as of 2025-01-01",
        "  assuming ended = never",
        "    presumed: an end is notified to the party",
        "  assuming shown = false",
        "    presumed: a breach must be shown by whoever relies on it (clause 1)",
    ]
    strict = run_cli(
        ["ask", "p.clause", "q", "--fact", "g=true", "--no-presumptions", *pinned], cwd=tmp_path
    )
    assert strict.stdout.splitlines()[:3] == [
        "q: undetermined",
        "  as of 2025-01-01",
        "  depends on: ended, shown",
    ]
    data = json.loads(
        run_cli(["ask", "p.clause", "q", "--fact", "g=true", "--json"], cwd=tmp_path).stdout
    )
    assert [p["fact"] for p in data["presumptions"]] == ["ended", "shown"]
    assert data["presumptions"][1]["rests_on"] == ["1"]


def test_scenarios_rely_on_presumptions_and_can_check_it(tmp_path: Path) -> None:
    header = PRELUDE
    scenario = 'scenario "s"\n  given g = true\n  expect q is obliged assuming shown\n'
    (tmp_path / "p.clause").write_text(header + BODY + scenario, encoding="utf-8")
    out = run_cli(["test", "p.clause"], cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.splitlines()[-1] == "1 passed, 0 failed", out.stdout
    strict = run_cli(["test", "p.clause", "--no-presumptions"], cwd=tmp_path)
    assert strict.returncode == 1
    assert "expected obliged, got undetermined" in strict.stdout
    assert "expected the answer to rely on the presumption of shown; it relies on none" in (
        strict.stdout
    )


def test_the_analyses_ignore_presumptions() -> None:
    """A conflict is reported for every value of the facts: presuming `shown` false does not
    hide the clash of a duty and a prohibition that meet when it is true."""
    body = BODY + (
        'clause "2"\n  quote "r"\n  b must pay fee\n    when g\n'
        'clause "3"\n  quote "s"\n  b must not pay fee\n    when shown\n'
    )
    found = [d for d in analyze(contract_of(body)) if d.code == "W0501"]
    assert found, [d.code for d in analyze(contract_of(body))]
