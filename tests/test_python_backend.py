"""The Python backend: generated modules are standalone, typed, safe, deterministic, and
agree with the reference interpreter on every input."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import clausec
from clausec.backends.python import emit_python
from clausec.evaluation.facts import FactError, Never, read_value
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.queries import question_facts
from clausec.quotes import normal_form

from conftest import MONTHLY, REPO, SHIPPED

GOLDEN = Path(__file__).resolve().parent / "golden" / "python"
WITH_QUESTIONS = [
    p
    for p in [
        *SHIPPED,
        *sorted((REPO / "docs" / "examples").glob("*.clause")),
        *sorted((REPO / "tests" / "data" / "typing").glob("*.clause")),
    ]
    if clausec.load(p).questions
]


def load_module(contract: ir.Contract, folder: Path) -> ModuleType:
    path = folder / f"{contract.id}.py"
    path.write_text(emit_python(contract, clausec_version="test"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"gen_{contract.id}_{id(folder)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ differential


def _outcome(call: Callable[[], Any]) -> object:
    """The interpreter's result (as a dict) or error."""
    try:
        return call().to_dict()
    except FactError as exc:
        return ("FactError", exc.fact, str(exc))
    except EvaluationError as exc:
        return ("EvaluationError", str(exc))
    except Exception as exc:  # generated code raised something else: a disagreement
        return ("crash", type(exc).__name__, str(exc))


def _generated_outcome(call: Callable[[], Any]) -> object:
    """A generated module's result (as a dict) or error."""
    try:
        return call().to_dict()
    except Exception as exc:
        if type(exc).__name__ == "FactError":
            return ("FactError", exc.fact, str(exc))  # type: ignore[attr-defined]
        if type(exc).__name__ == "EvaluationError":
            return ("EvaluationError", str(exc))
        return ("crash", type(exc).__name__, str(exc))


def _native(fact: ir.Fact, raw: object) -> object:
    """``raw`` as a Python caller would rather give it: the value the interpreter reads from
    it, as a bool, an int, a datetime.date or "never" where it is one of those."""
    try:
        value = read_value(fact, raw)
    except FactError:
        return raw
    if isinstance(fact.type, T.Money):
        return raw  # money has no native form: it is given with its currency
    if isinstance(value, Never):
        return "never"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else raw
    return value if isinstance(value, bool | int | dt.date | str) else raw


def _plain(fact: ir.Fact, value: object) -> bool:
    """Whether ``value`` is of the plain type the generated fast path accepts as it is."""
    t = fact.type
    if isinstance(t, T.Boolean):
        return isinstance(value, bool)
    if isinstance(t, T.Money):  # the text or the object, read by the fast path
        return isinstance(value, str | dict)
    if isinstance(t, T.Integer | T.DecimalType | T.Duration):
        return type(value) is int and abs(value) < 10**40
    if isinstance(t, T.Date):
        return type(value) is dt.date or (fact.kind == "event" and value == "never")
    if isinstance(t, T.Enum):
        return type(value) is str and value in t.members
    return type(value) is str


def test_monthly_deadline_beyond_the_calendar_is_an_evaluation_error(tmp_path: Path) -> None:
    (contract,) = clausec.compile_text(MONTHLY, "monthly.clause").contracts
    module = load_module(contract, tmp_path)
    for facts, as_of in [
        ({"due_soon": True, "signed": "9999-12-19"}, None),
        ({"due_soon": True, "signed": "9999-12-20"}, None),
        ({"due_soon": True, "signed": dt.date(9999, 12, 31)}, None),
        ({"due_soon": False}, "9999-12-06"),
    ]:
        date = dt.date.fromisoformat(as_of) if as_of else None
        want = _outcome(partial(ask, contract, "when_pay", facts, date))
        assert _generated_outcome(partial(module.when_pay, facts, as_of=as_of)) == want
    assert want == (
        "EvaluationError",
        "the monthly deadline (day 5) has no date left before 9999-12-31",
    )


def test_scenarios_agree(tmp_path: Path) -> None:
    from clausec.evaluation import values as RV

    for path in WITH_QUESTIONS:
        contract = clausec.load(path)
        module = load_module(contract, tmp_path)
        for s in contract.scenarios:
            types = {f.name: f.type for f in contract.facts}
            facts = {k: RV.to_input(RV.from_ir(v), types[k]) for k, v in s.givens}
            as_of = s.as_of.isoformat() if isinstance(s.as_of, dt.date) else None
            for e in s.expectations:
                want = ask(contract, e.question, facts, s.as_of).to_dict()  # type: ignore[arg-type]
                assert getattr(module, e.question)(facts, as_of=as_of).to_dict() == want


# ------------------------------------------------------------------ the module


def test_golden_generated_module() -> None:
    """The generated code for a small contract, kept as a golden file (UPDATE_GOLDEN=1)."""
    source = REPO / "docs" / "examples" / "questions_scenarios.clause"
    text = emit_python(clausec.load(source), clausec_version="0.0.0-golden")
    golden = GOLDEN / "unisend_privacy.py.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_module_is_standalone_and_typed(tmp_path: Path) -> None:
    contract = clausec.load(REPO / "contracts" / "soolife" / "deposit.clause")
    path = tmp_path / "soolife_deposit.py"
    path.write_text(emit_python(contract, clausec_version="test"), encoding="utf-8")
    # Runs without clausec importable (-I: isolated, no site-packages, no cwd).
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import soolife_deposit as m; "
        "r = m.may_deduct_deposit({'merchant.closed_shop': True}); "
        "assert 'clausec' not in sys.modules; print(r.answer, r.to_dict()['grounds'][0]['clause'])"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["yes", "5.11"]
    # Every module with questions, shipped contracts and documentation examples, is typed.
    others = tmp_path / "others"
    others.mkdir()
    for source in WITH_QUESTIONS:
        other = clausec.load(source)
        if other.id == contract.id:
            continue
        (others / f"{other.id}.py").write_text(
            emit_python(other, clausec_version="test"), encoding="utf-8"
        )
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(path), *sorted(map(str, others.iterdir()))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert mypy.returncode == 0, mypy.stdout
    text = path.read_text(encoding="utf-8")
    assert contract.source_sha256 in text and "clausec test" in text
    assert "如乙方擅自关店" in text  # docstrings quote the clauses


def test_api_fact_errors_batch_and_as_of(tmp_path: Path) -> None:
    m = load_module(clausec.load(REPO / "contracts" / "soolife" / "deposit.clause"), tmp_path)
    with pytest.raises(m.FactError, match=r"merchant\.closed_shopp") as info:
        m.may_deduct_deposit({"merchant.closed_shopp": True})
    assert "did you mean `merchant.closed_shop`" in str(info.value)
    with pytest.raises(m.FactError, match="expected true or false"):
        m.may_deduct_deposit({"merchant.closed_shop": "yes"})
    with pytest.raises(m.FactError, match="as_of"):
        m.may_deduct_deposit({}, as_of="tomorrow")
    results = list(
        m.evaluate_many(
            "may_deduct_deposit",
            [{"merchant.closed_shop": True}, {"merchant.closed_shop": 3}, {}],
            errors="return",
        )
    )
    assert results[0].answer == "yes" and isinstance(results[1], m.FactError)
    assert results[2].answer == "no"
    # An iterator: each result is made when asked for, so an error comes at its fact set.
    batch = m.evaluate_many("may_deduct_deposit", [{}, {"merchant.closed_shop": 3}])
    assert next(batch).answer == "no"
    with pytest.raises(m.FactError):
        next(batch)
    with pytest.raises(KeyError):
        m.evaluate_many("no_such_question", [])
    with pytest.raises(ValueError, match="errors must be"):
        m.evaluate_many("may_deduct_deposit", [], errors="ignore")
    # Nothing given: no release is due on the presumptions, and nothing is decided without them.
    assert m.evaluate("release_deadline", {}).answer == "none"
    assert m.evaluate("release_deadline", {}, presume=False).answer == "undetermined"
    contract = clausec.load(REPO / "contracts" / "soolife" / "deposit.clause")
    assert (
        set(m.QUESTIONS)
        == {q.name for q in contract.questions}
        >= {
            "may_deduct_deposit",
            "deduction_amount",
            "must_release_deposit",
            "release_deadline",
            "top_up_deadline",
            "platform_may_terminate",
            "agreement_in_force",
            "may_use_merchant_content",
        }
    )


def test_facts_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Facts: the errors of a call, an immutable read-only mapping (a copy), picklable, the
    same results as the mapping for every question, and the two-valued code on known facts."""
    import pickle

    contract = clausec.load(REPO / "contracts" / "soolife" / "deposit.clause")
    m = load_module(contract, tmp_path)
    for bad in (
        {"merchant.closed_shopp": True},
        {"merchant.closed_shop": "yes"},
        {"z.unknown": 1, "merchant.closed_shop": 2},
        {1: True},
        [("a", 1)],
    ):
        with pytest.raises(m.FactError) as call:
            m.may_deduct_deposit(bad)
        with pytest.raises(m.FactError) as made:
            m.Facts(bad)
        assert (made.value.fact, str(made.value)) == (call.value.fact, str(call.value))
    given = {
        "merchant.closed_shop": "true",
        "deposit.balance": "9000 CNY",
        "service.stopped": dt.date(2024, 10, 24),
        "complaint.consulted": None,
    }
    facts = m.Facts(given)
    given["merchant.closed_shop"] = False  # a copy: later changes are not seen
    assert dict(facts) == {
        "merchant.closed_shop": "true",
        "deposit.balance": "9000 CNY",
        "service.stopped": dt.date(2024, 10, 24),
        "complaint.consulted": None,
    }
    assert len(facts) == 4 and "deposit.balance" in facts and facts.get("x") is None
    for change in (lambda: setattr(facts, "_known", 0), lambda: delattr(facts, "_given")):
        with pytest.raises(AttributeError, match="cannot be changed"):
            change()
    with pytest.raises(TypeError):
        facts["merchant.closed_shop"] = False  # type: ignore[index]
    monkeypatch.setitem(sys.modules, m.__name__, m)  # pickle finds classes by module name
    copy = pickle.loads(pickle.dumps(facts))
    assert copy == facts and copy._values == facts._values and copy._known == facts._known
    for name, function in m.QUESTIONS.items():
        for as_of in (None, "2025-01-10"):
            want = function(dict(facts), as_of=as_of).to_dict()
            assert function(facts, as_of=as_of).to_dict() == want, name
            assert next(m.evaluate_many(name, [facts], as_of=as_of)).to_dict() == want, name
    # Every fact the question reads known: the two-valued code answers, and agrees.
    (question,) = [q for q in contract.questions if q.name == "may_deduct_deposit"]
    known = m.Facts(
        {
            name: False
            if m._FACTS[name][0] == "boolean"
            else "never"
            if m._FACTS[name][3]
            else f"0 {m._FACTS[name][1]}"
            if m._FACTS[name][0] == "money"
            else 0
            for name in question_facts(contract, question)
        }
        | {"merchant.closed_shop": True}
    )
    assert known._known & (1 << m._INDEX["merchant.closed_shop"])
    result = m.may_deduct_deposit(known)
    assert (result.answer, [g["clause"] for g in result.grounds]) == ("yes", ["5.11"])
    assert result.grounds[0]["facts"] == {
        "merchant.closed_shop": True,
        "service.stopped": "never",
        "agreement.ended": "never",
    }
    assert result.to_dict() == m.may_deduct_deposit(dict(known)).to_dict()
    # A Facts of another module is a mapping there: read and checked like any other.
    other = load_module(clausec.load(REPO / "contracts" / "unisend" / "privacy.clause"), tmp_path)
    with pytest.raises(m.FactError, match="no such fact"):
        m.may_deduct_deposit(other.Facts({"parcel.created": "2025-01-02"}))


NASTY = 'a "quote" \'single\' \\ backslash """ triple ${x} `tick` </script> */ \u2028 \u2029 end'


def test_hostile_text_gives_a_module_that_loads_and_behaves(tmp_path: Path) -> None:
    escaped = NASTY.replace("\\", "\\\\").replace('"', '\\"')
    source = f'''contract hostile title "{escaped}" source "x.txt" language en calendar CN
party a role "{escaped}"
action pay "{escaped}"
object fee "{escaped}"
fact f : boolean "{escaped}"
clause "1"
  quote "{escaped}
second line"
  gloss "{escaped}"
  a may pay fee
    when f
question q "{escaped}" : may a pay fee
'''
    result = clausec.compile_text(source, "hostile.clause")
    assert result.ok, result.diagnostics
    contract = result.contracts[0]
    module = load_module(contract, tmp_path)
    ground = module.q({"f": True}).to_dict()["grounds"][0]
    # The quote in the normal form of quotes (line breaks are layout); the gloss as written.
    assert ground["quote"] == normal_form(NASTY + "\nsecond line") and ground["gloss"] == NASTY
    assert module.CONTRACT["title"] == NASTY


def test_output_is_deterministic_under_any_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "12345"):
        out = tmp_path / seed
        subprocess.run(
            [
                sys.executable,
                "-m",
                "clausec",
                "emit",
                str(REPO / "contracts"),
                "--target",
                "python",
                "-o",
                str(out),
            ],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
        outputs.append((out / "soolife_deposit.py").read_bytes())
    assert outputs[0] == outputs[1]


def test_integers_of_any_size_are_refused_alike(tmp_path: Path) -> None:
    """Integers past Python's 4,300-digit str() limit are refused as too long, with a message
    that shows their first digits, by the interpreter and the generated module alike."""
    text = MONTHLY.replace("fact due_soon : boolean", "fact due_soon : boolean\nfact n : integer")
    text = text.replace("    when due_soon\n", "    when due_soon and n > 3\n")
    (contract,) = clausec.compile_text(text, "numbers.clause").contracts
    module = load_module(contract, tmp_path)
    question = contract.questions[0]
    number = "n"
    for raw in (10**5000, -(10**5000), 10**40, 10**40 - 1):
        given = {number: raw}
        want = _outcome(partial(ask, contract, question.name, given))
        got = _generated_outcome(partial(getattr(module, question.name), given))
        assert got == want
    assert isinstance(want, dict)  # 40 digits are accepted
    huge = _outcome(partial(ask, contract, question.name, {number: 10**5000}))
    assert huge[0] == "FactError" and "1000000000" in huge[2]  # type: ignore[index]


def test_deeply_nested_fact_values_are_fact_errors(tmp_path: Path) -> None:
    """A value nested 200,000 deep is a FactError showing its first characters, in the
    interpreter and the generated module alike (once a RecursionError)."""
    contract = clausec.load(REPO / "contracts" / "soolife" / "deposit.clause")
    module = load_module(contract, tmp_path)
    nested: object = []
    for _ in range(200_000):
        nested = [nested]
    facts = {"merchant.closed_shop": nested}
    want = _outcome(partial(ask, contract, "may_deduct_deposit", facts))
    assert want == (
        "FactError",
        "merchant.closed_shop",
        "fact `merchant.closed_shop`: expected true or false, got " + "[" * 57 + "...",
    )
    assert _generated_outcome(partial(module.may_deduct_deposit, facts)) == want
