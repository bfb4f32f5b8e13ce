"""Amounts and time (docs/language.md, docs/semantics.md): `if … then … else`, counting
between dates, fact bounds, amount questions; the interpreter, and the analysis where these
change what it finds. The generated evaluators are compared with the interpreter on them by
the differential test (docs/examples/amounts_time.clause)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clausec.evaluation.calendar import working_days
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask
from clausec.ir import nodes as ir

from conftest import codes, compile_body, contract_of

D = dt.date

COUNTS = """
fact start : date "start"
fact finish : date "end"
question q_days : value of days from start to finish
question q_working : value of working days from start to finish
question q_months : value of months from start to finish
question q_event : value of days from start to e
"""


def _value(question: str, **facts: object) -> object:
    result = ask(contract_of(COUNTS), f"q_{question}", facts, None).to_dict()
    return result["value"] if result["answer"] == "value" else result["answer"]


@pytest.mark.parametrize(
    "question, start, end, expected",
    [
        ("days", "2025-01-20", "2025-02-10", 21),
        ("days", "2025-02-10", "2025-01-20", -21),
        # CN: Spring Festival 28 Jan–4 Feb 2025; Sun 26 Jan and Sat 8 Feb are make-up days.
        ("working", "2025-01-20", "2025-02-10", 11),
        ("working", "2025-02-10", "2025-01-20", -11),
        ("working", "2025-01-27", "2025-02-04", 0),
        ("working", "2025-02-04", "2025-02-04", 0),
        ("months", "2025-01-31", "2025-02-28", 1),
        ("months", "2025-01-31", "2025-02-27", 0),
        ("months", "2024-02-29", "2025-02-28", 12),
        ("months", "2025-03-31", "2025-02-28", -1),
    ],
)
def test_counting_between_dates(question: str, start: str, end: str, expected: int) -> None:
    unit = {"days": "days", "working": "working_days", "months": "months"}[question]
    assert _value(question, start=start, finish=end) == {"amount": expected, "unit": unit}


def test_counting_to_never_is_infinite_and_unknown_waits() -> None:
    infinite = {"amount": "infinite", "unit": "days"}
    assert _value("event", start="2025-01-01", e="never") == infinite
    result = ask(contract_of(COUNTS), "q_working", {"start": "2025-01-01"}, None).to_dict()
    assert (result["answer"], result["depends_on"]) == ("undetermined", ["finish"])


@given(
    start=st.dates(D(2000, 1, 1), D(2060, 12, 31)),
    count=st.integers(0, 400),
)
def test_working_days_from_a_date_to_its_move_is_the_move(start: dt.date, count: int) -> None:
    """`A + N working days` is the N-th working day after A: counting back gives N."""
    cn = working_days("CN")
    assert cn.count(start, cn.add(start, count)) == count


@given(
    start=st.dates(D(2000, 1, 1), D(2060, 12, 31)),
    end=st.dates(D(2000, 1, 1), D(2060, 12, 31)),
)
def test_working_day_count_is_the_number_of_working_days(start: dt.date, end: dt.date) -> None:
    cn = working_days("CN")
    lo, hi = sorted((start, end))
    if (hi - lo).days > 800:
        hi = lo + dt.timedelta(days=800)
    days = ((lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cn.count(lo, hi) == sum(cn.is_working_day(d) for d in days)


def test_conditional_takes_one_branch_and_waits_for_its_condition() -> None:
    body = """
fact flag : boolean "flag"
question pick : value of if flag then n else 2.5
"""
    c = contract_of(body)
    assert ask(c, "pick", {"flag": False}, None).to_dict()["value"] == "2.5"
    assert ask(c, "pick", {"flag": True, "n": 3}, None).to_dict()["value"] == "3"
    waiting = ask(c, "pick", {"n": 3}, None).to_dict()
    assert (waiting["answer"], waiting["depends_on"]) == ("undetermined", ["flag"])
    # Only the branch taken is read: the other's facts are not waited for.
    assert ask(c, "pick", {"flag": False}, None).to_dict()["depends_on"] == []


def test_conditional_branches_must_have_one_type() -> None:
    result = compile_body(
        'fact flag : boolean "f"\nquestion q : value of if flag then 1 CNY else 2\n'
    )
    assert codes(result) == ["E0300"]


BOUNDED = """
fact rent : money CNY at least 0 CNY at most 100000 CNY "rent"
fact moved : date at least 2020-01-01 "moved"
question r : value of rent
question m : value of moved
"""


@pytest.mark.parametrize(
    "question, value, problem",
    [
        ("r", "-0.01 CNY", "out_of_bounds"),
        ("r", "100000.01 CNY", "out_of_bounds"),
        ("m", "2019-12-31", "out_of_bounds"),
        ("r", "0 CNY", None),
        ("m", "2020-01-01", None),
    ],
)
def test_bounds_are_checked_on_given_facts(question: str, value: str, problem: str | None) -> None:
    c = contract_of(BOUNDED)
    name = {"r": "rent", "m": "moved"}[question]
    if problem is None:
        assert ask(c, question, {name: value}, None).answer == "value"
        return
    with pytest.raises(FactError) as raised:
        ask(c, question, {name: value}, None)
    assert raised.value.problem == problem
    assert "at least" in str(raised.value)


AMOUNTS = """
party platform role "platform"
action deduct "deduct"
object deposit : money CNY "deposit"
fact loss : money CNY "loss"
fact ordered : money CNY "ordered"
fact closed : boolean "closed"
fact harmed : boolean "harmed"
fact barred : boolean "barred"
clause "a"
  quote "qa"
  platform may deduct deposit (up to loss)
    when loss > 0 CNY
clause "b"
  quote "qb"
  platform may deduct deposit (up to ordered)
    when ordered > 0 CNY
clause "c"
  quote "qc"
  platform may deduct deposit (part or all)
    when closed
clause "d"
  quote "qd"
  platform may deduct deposit (part)
    when harmed
clause "e"
  quote "qe"
  platform must not deduct deposit
    when barred
question how_much : amount of platform deduct deposit
"""


@pytest.mark.parametrize(
    "facts, answer, value",
    [
        (
            {
                "loss": "300 CNY",
                "ordered": "500 CNY",
                "closed": False,
                "harmed": False,
                "barred": False,
            },
            "value",
            {"amount": "500", "currency": "CNY"},
        ),
        (
            {
                "loss": "300 CNY",
                "ordered": "0 CNY",
                "closed": False,
                "harmed": False,
                "barred": False,
            },
            "value",
            {"amount": "300", "currency": "CNY"},
        ),
        ({"closed": True, "barred": False}, "all", None),
        (
            {"loss": "0 CNY", "ordered": "0 CNY", "closed": False, "harmed": True, "barred": False},
            "part",
            None,
        ),
        (
            {
                "loss": "300 CNY",
                "ordered": "0 CNY",
                "closed": False,
                "harmed": True,
                "barred": False,
            },
            "unspecified",
            None,
        ),
        (
            {
                "loss": "300 CNY",
                "ordered": "0 CNY",
                "closed": False,
                "harmed": False,
                "barred": True,
            },
            "none",
            None,
        ),
        (
            {"loss": "300 CNY", "closed": False, "harmed": False, "barred": False},
            "undetermined",
            None,
        ),
    ],
)
def test_amount_answers(facts: dict[str, object], answer: str, value: object) -> None:
    result = ask(contract_of(AMOUNTS), "how_much", facts, None).to_dict()
    assert (result["answer"], result["value"]) == (answer, value)
    if answer == "undetermined":
        assert result["depends_on"] == ["ordered"] and result["grounds"] == []
    if answer == "none":
        assert [r["status"] for r in result["reasons"]] == ["prohibits"]


def _check(body: str) -> list[str]:
    from clausec.analysis import analyze

    result = compile_body(body)
    assert not result.diagnostics, [d.message for d in result.diagnostics]
    return [d.code for d in analyze(result.contract("t"))]


def test_bounds_remove_a_conflict_that_needs_a_value_outside_them() -> None:
    conflict = """
party platform role "platform"
action deduct "deduct"
object deposit "deposit"
fact rent : money CNY{bound} "rent"
clause "1"
  quote "q1"
  platform must deduct deposit
    when rent < 0 CNY
clause "2"
  quote "q2"
  platform must not deduct deposit
"""
    assert "W0501" in _check(conflict.format(bound=""))
    assert "W0501" not in _check(conflict.format(bound=" at least 0 CNY"))


def test_a_conflict_through_working_days_between_dates_has_an_exact_witness() -> None:
    result = compile_body(
        """
party platform role "platform"
action deduct "deduct"
object deposit "deposit"
event order.placed "order"
clause "1"
  quote "q1"
  platform must deduct deposit
    when working days from order.placed to today > 3 working days
clause "2"
  quote "q2"
  platform must not deduct deposit
    when days from order.placed to today < 6 days
"""
    )
    from clausec.analysis import analyze
    from clausec.evaluation.facts import read_facts
    from clausec.evaluation.interpreter import Evaluation

    contract = result.contract("t")
    (finding,) = [d for d in analyze(contract) if d.code == "W0501"]
    assert finding.witness is not None
    raw = {k: v for k, v in finding.witness if k != "--as-of"}
    as_of = next(dt.date.fromisoformat(v) for k, v in finding.witness if k == "--as-of")
    ev = Evaluation(contract, read_facts(contract, raw), as_of)
    assert all(ev.applies(n) is True for n in contract.norms)


def test_ir_records_bounds_and_amount_types() -> None:
    c = contract_of(BOUNDED + AMOUNTS)
    rent = next(f for f in c.facts if f.name == "rent")
    assert (str(rent.minimum), str(rent.maximum)) == ("0 CNY", "100000 CNY")
    q = next(q for q in c.questions if q.name == "how_much")
    assert isinstance(q, ir.Question) and str(q.amount_type) == "money CNY"
