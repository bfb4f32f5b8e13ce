"""Reasons for negative answers (docs/semantics.md, "Reasons"): each status, in the
interpreter and in both generated evaluators, and a reason on every negative answer of every
scenario of the shipped contracts and examples."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from clausec import compile_text, load
from clausec.backends.javascript import emit_javascript
from clausec.backends.python import emit_python
from clausec.evaluation import values as RV
from clausec.evaluation.interpreter import Evaluation, ask

from conftest import REPO, run_cli

CONTRACT = """\
contract reasons_demo
  title "t"
  source "s"
  language en
  calendar DE

party seller role "seller"
party buyer role "buyer"
object goods "goods"
object price : money EUR "the price"
action deliver "deliver"
action refund "refund"
action resell "resell"
action advertise "advertise"

fact goods.paid : boolean "paid"
fact goods.defective : boolean "defective"
fact goods.returned : boolean "returned"
fact buyer.consumer : boolean "a consumer"
fact goods.value : money EUR "value"
fact order.cancelled : boolean "cancelled"
fact court.order : boolean "a court order"
event order.placed "placed"
event goods.delivered "delivered"

define goods.cheap : boolean = goods.value < 10 EUR

clause "1"
  quote "The seller delivers paid goods within 10 days unless the order is cancelled."
  seller must deliver goods to buyer
    when goods.paid and order.placed has occurred
    within 10 days after order.placed
    unless order.cancelled
    performed on goods.delivered
    otherwise buyer may resell goods

clause "2"
  quote "Defective goods are refunded to consumers."
  seller must refund price to buyer
    when goods.defective and buyer.consumer and goods.returned

clause "3"
  quote "Cheap goods are not refunded."
  seller must refund price to buyer
    when goods.cheap
    prevails over "2"

clause "4"
  quote "Goods under a court order must not be resold or advertised."
  buyer must not resell goods
    when court.order
  seller must not advertise goods
    when court.order

question must_deliver "Must the seller deliver?"
  : must seller deliver goods
question must_refund "Must the seller refund?"
  : must seller refund price
question may_resell "May the buyer resell?"
  : may buyer resell goods
question may_advertise "May the seller advertise?"
  : may seller advertise goods
question delivery_deadline "By when?"
  : deadline of seller deliver goods
question paid_and_cheap "Paid and cheap?"
  : value of goods.paid and goods.cheap
"""


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def contract():  # type: ignore[no-untyped-def]
    result = compile_text(CONTRACT, "reasons.clause")
    assert result.ok, [d.message for d in result.diagnostics]
    return result.contracts[0]


@pytest.fixture(scope="module")
def module(contract, tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("reasons")
    path = folder / "reasons_demo.py"
    path.write_text(emit_python(contract, clausec_version="test"), encoding="utf-8")
    return load_module(path)


def _reasons(contract, module, question: str, facts: dict[str, object]) -> list[dict]:  # type: ignore[no-untyped-def]
    """The reasons, checked equal in the interpreter and the generated Python module."""
    expected = ask(contract, question, facts).to_dict()
    assert module.evaluate(question, facts).to_dict() == expected
    return expected["reasons"]  # type: ignore[no-any-return]


def _brief(reasons: list[dict]) -> list[tuple[object, ...]]:  # type: ignore[type-arg]
    return [(r["status"], r["norm"], r["condition"], r["facts"]) for r in reasons]


def test_first_false_part_of_the_condition(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {"goods.paid": False, "order.placed": "2025-01-02"}
    assert _brief(_reasons(contract, module, "must_deliver", facts)) == [
        ("condition_false", "1#1", "goods.paid", {"goods.paid": False})
    ]
    # The first part is unknown, the second false: the second decides.
    facts = {"order.placed": "never"}
    assert _brief(_reasons(contract, module, "must_deliver", facts)) == [
        ("condition_false", "1#1", "order.placed has occurred", {"order.placed": "never"})
    ]


def test_exception_that_holds(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {"goods.paid": True, "order.placed": "2025-01-02", "order.cancelled": True}
    reasons = _reasons(contract, module, "must_deliver", facts)
    assert _brief(reasons) == [
        ("exception_applies", "1#1", "order.cancelled", {"order.cancelled": True})
    ]
    assert reasons[0]["clause"] == "1" and reasons[0]["quote"].startswith("The seller delivers")


def test_each_candidate_norm_gets_its_reason(contract, module) -> None:  # type: ignore[no-untyped-def]
    """Both refund duties fail, each for its own part; a definition's facts are named."""
    facts = {
        "goods.defective": False,
        "buyer.consumer": True,
        "goods.returned": True,
        "goods.value": "50 EUR",
    }
    reasons = _reasons(contract, module, "must_refund", facts)
    assert _brief(reasons) == [
        ("condition_false", "2#1", "goods.defective", {"goods.defective": False}),
        (
            "condition_false",
            "3#1",
            "goods.cheap",
            {"goods.value": {"amount": "50", "currency": "EUR"}},
        ),
    ]


def test_overridden_reason_lists_by(tmp_path: Path) -> None:
    text = CONTRACT.replace(
        '"Cheap goods are not refunded."\n  seller must refund',
        '"Cheap goods are not refunded."\n  seller must not refund',
    )
    result = compile_text(text, "reasons.clause")
    assert result.ok, [str(d) for d in result.diagnostics]
    c = result.contracts[0]
    facts = {
        "goods.defective": True,
        "buyer.consumer": True,
        "goods.returned": True,
        "goods.value": "5 EUR",
    }
    answer = ask(c, "must_refund", facts).to_dict()
    assert answer["answer"] == "not_obliged"
    assert [(r["status"], r["norm"]) for r in answer["reasons"]] == [("overridden", "2#1")]
    assert answer["reasons"][0]["by"] == [{"norm": "3#1", "clause": "3", "stated_in": "3"}]
    path = tmp_path / "reasons_demo.py"
    path.write_text(emit_python(c, clausec_version="test"), encoding="utf-8")
    assert load_module(path).evaluate("must_refund", facts).to_dict() == answer


def test_prohibition_decides(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {
        "goods.paid": True,
        "order.placed": "2025-01-02",
        "order.cancelled": False,
        "goods.delivered": "never",
        "court.order": True,
    }
    reasons = _reasons(contract, module, "may_resell", facts)
    assert _brief(reasons) == [("prohibits", "4#1", None, {"court.order": True})]


def test_remedy_whose_duty_is_kept(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {
        "goods.paid": True,
        "order.placed": "2025-01-02",
        "order.cancelled": False,
        "goods.delivered": "2025-01-05",
        "court.order": False,
    }
    reasons = _reasons(contract, module, "may_resell", facts)
    assert [(r["status"], r["norm"], r["duty"]) for r in reasons] == [
        ("not_breached", "1#2", "1#1")
    ]


def test_no_provision(contract, module) -> None:  # type: ignore[no-untyped-def]
    reasons = _reasons(contract, module, "may_advertise", {"court.order": False})
    assert _brief(reasons) == [("no_provision", None, None, {})]


def test_deadline_none_without_an_effective_norm(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {"goods.paid": False, "order.placed": "2025-01-02"}
    result = ask(contract, "delivery_deadline", facts).to_dict()
    assert result["answer"] == "none"
    assert _brief(_reasons(contract, module, "delivery_deadline", facts)) == [
        ("condition_false", "1#1", "goods.paid", {"goods.paid": False})
    ]


def test_false_value(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {"goods.paid": True, "goods.value": "20 EUR"}
    assert _brief(_reasons(contract, module, "paid_and_cheap", facts)) == [
        (
            "condition_false",
            None,
            "goods.cheap",
            {"goods.value": {"amount": "20", "currency": "EUR"}},
        )
    ]
    assert (
        _reasons(contract, module, "paid_and_cheap", {"goods.paid": True, "goods.value": "1 EUR"})
        == []
    )


def test_positive_and_undetermined_answers_have_none(contract, module) -> None:  # type: ignore[no-untyped-def]
    facts = {"goods.paid": True, "order.placed": "2025-01-02", "order.cancelled": False}
    assert _reasons(contract, module, "must_deliver", facts) == []
    assert _reasons(contract, module, "must_deliver", {}) == []


def test_text_output_explains_no(tmp_path: Path) -> None:
    (tmp_path / "reasons.clause").write_text(CONTRACT, encoding="utf-8")
    out = run_cli(
        ["ask", "reasons.clause", "must_deliver", "--fact", "goods.paid=false", "--as-of", "none"],
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == (
        "must_deliver: not obliged\n"
        "  as of: no date (every date given counts as past)\n"
        "  not: clause 1 (1#1, obligation): condition not met: goods.paid\n"
        "    with goods.paid = false\n"
    )
    out = run_cli(
        ["ask", "reasons.clause", "may_advertise", "--fact", "court.order=false"], cwd=tmp_path
    )
    assert out.stdout == (
        f"may_advertise: no\n  as of {dt.date.today().isoformat()} (today)\n"
        "  no clause provides for this\n"
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_gives_the_same_reasons(contract, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases = [
        ("must_deliver", {"goods.paid": False, "order.placed": "2025-01-02"}),
        (
            "must_deliver",
            {"goods.paid": True, "order.placed": "2025-01-02", "order.cancelled": True},
        ),
        ("may_resell", {"court.order": True, "goods.paid": False}),
        ("may_advertise", {"court.order": False}),
        ("paid_and_cheap", {"goods.paid": True, "goods.value": "20 EUR"}),
        ("delivery_deadline", {"goods.paid": False, "order.placed": "2025-01-02"}),
    ]
    (tmp_path / "reasons_demo.mjs").write_text(
        emit_javascript(contract, clausec_version="test"), encoding="utf-8"
    )
    script = (
        "import * as m from './reasons_demo.mjs';\n"
        f"const cases = {json.dumps(cases)};\n"
        "console.log(m.stringify(cases.map(([q, f]) => m.evaluate(q, f).toDict())));\n"
    )
    (tmp_path / "run.mjs").write_text(script, encoding="utf-8")
    done = subprocess.run(
        ["node", "run.mjs"], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    expected = [ask(contract, q, f).to_dict() for q, f in cases]
    assert json.loads(done.stdout) == expected
    assert all(r["reasons"] for r in expected)


def _negative_answers(path: Path) -> list[tuple[str, str, dict[str, object]]]:
    """(scenario, question, result) of every negative answer (no, not obliged, no deadline
    without grounds, false) of the scenarios of ``path``."""
    contract = load(path)
    questions = {q.name: q for q in contract.questions}
    out = []
    for scenario in contract.scenarios:
        facts = {name: RV.from_ir(value) for name, value in scenario.givens}
        as_of = scenario.as_of if isinstance(scenario.as_of, dt.date) else None
        for expectation in scenario.expectations:
            result = Evaluation(contract, facts, as_of).answer(questions[expectation.question])
            answer = result.to_dict()
            if (
                answer["answer"] in ("no", "not_obliged")
                or (answer["answer"] == "none" and not answer["grounds"])
                or (answer["answer"] == "value" and answer["value"] is False)
            ):
                out.append((scenario.title, expectation.question, answer))
    return out


SHIPPED = sorted((REPO / "contracts").rglob("*.clause")) + sorted(
    (REPO / "docs" / "examples").glob("*.clause")
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_negative_scenario_answer_has_a_reason(path: Path) -> None:
    for scenario, question, answer in _negative_answers(path):
        assert answer["reasons"], (scenario, question, answer)


def test_the_scenarios_have_negative_answers_to_explain() -> None:
    """The test above is not vacuous: the shipped scenarios answer "no" often."""
    assert sum(len(_negative_answers(p)) for p in SHIPPED) >= 50
