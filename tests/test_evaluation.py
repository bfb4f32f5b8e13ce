"""The reference semantics (docs/semantics.md): dates, working days, three-valued answers,
grounds and overrides, facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clausec.evaluation.calendar import working_days
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError

from conftest import contract_of

D = dt.date


def norm_contract(norm: str, question: str) -> object:
    return contract_of(f'clause "1"\n  quote "q1"\n{norm}\nquestion q : {question}\n')


def answer(
    norm: str, question: str, as_of: dt.date | None = None, **facts: object
) -> dict[str, object]:
    return ask(norm_contract(norm, question), "q", facts, as_of).to_dict()  # type: ignore[arg-type]


# ------------------------------------------------------------------ calendars


def test_cn_working_days_count_make_up_days() -> None:
    cn = working_days("CN")
    assert cn.add(D(2025, 1, 24), 10) == D(2025, 2, 13)
    assert cn.is_working_day(D(2025, 1, 26)) and cn.is_working_day(
        D(2025, 2, 8)
    )  # Sundays/Saturday worked
    assert not cn.is_working_day(D(2025, 1, 29))  # Spring Festival
    assert not cn.is_working_day(D(2025, 2, 9))  # an ordinary Sunday
    assert cn.add(D(2025, 2, 13), -10) == D(2025, 1, 24)


@pytest.mark.parametrize(
    "code, start, count, expected",
    [
        ("DE-SN", D(2024, 11, 19), 1, D(2024, 11, 21)),  # Buß- und Bettag (Saxony only)
        ("DE", D(2024, 11, 19), 1, D(2024, 11, 20)),
        ("HK", D(2025, 1, 27), 2, D(2025, 2, 1)),  # Saturday works in HK; 29–31 Jan off
        ("RU", D(2024, 12, 27), 1, D(2024, 12, 28)),  # Saturday 28 Dec 2024 is a working day
        ("LV", D(2024, 11, 15), 1, D(2024, 11, 19)),  # 18 November, Proclamation Day
    ],
)
def test_other_calendars(code: str, start: dt.date, count: int, expected: dt.date) -> None:
    assert working_days(code).add(start, count) == expected


def test_counting_past_the_announced_years_warns() -> None:
    cn = working_days("CN")
    assert cn.announced_through is not None
    late = D(cn.announced_through, 12, 20)
    end = cn.add(late, 15)
    assert end.year == cn.announced_through + 1
    assert any("make-up working days are known through" in w for w in cn.warnings(late, end))
    assert cn.warnings(D(2025, 1, 24), D(2025, 2, 13)) == []
    assert working_days("DE-SN").announced_through is None


# ------------------------------------------------------------------ deadlines


DUTY = """  a must pay fee
    when e has occurred
    within {duration} after e
"""


@pytest.mark.parametrize(
    "duration, start, due",
    [
        ("10 working days", "2025-01-24", "2025-02-13"),  # CN calendar: make-up days count
        ("10 days", "2025-01-24", "2025-02-03"),  # calendar days
        ("1 month", "2025-01-31", "2025-02-28"),  # end-of-month clipping
        ("1 month", "2024-01-31", "2024-02-29"),
        ("1 year", "2024-02-29", "2025-02-28"),
        ("2 weeks", "2025-12-25", "2026-01-08"),
    ],
)
def test_deadline_dates(duration: str, start: str, due: str) -> None:
    result = answer(DUTY.format(duration=duration), "deadline of a pay fee", e=start)
    assert (result["answer"], result["due"]) == ("date", due)
    assert result["grounds"][0]["deadline"] == {
        "kind": "within",
        "due": due,
        "extended": [],
        "moved": None,
    }


def test_deadline_past_announced_years_carries_a_warning() -> None:
    result = answer(
        DUTY.format(duration="10 working days"), "deadline of a pay fee", e="2031-01-24"
    )
    assert result["answer"] == "date"
    assert any("2031" in w for w in result["warnings"])


def test_qualitative_deadline_is_not_a_date() -> None:
    result = answer(
        "  a must notify b\n    when f\n    without undue delay\n", "deadline of a notify b", f=True
    )
    assert result["answer"] == "without_undue_delay" and result["due"] is None


def test_date_beyond_9999_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="not a date between"):
        answer(DUTY.format(duration="10 days"), "deadline of a pay fee", e="9999-12-30")


# ------------------------------------------------------------------ three-valued answers


def test_unknown_fact_makes_the_answer_undetermined_and_names_it() -> None:
    result = answer("  a may pay fee\n    when f and g\n", "may a pay fee", f=True)
    assert result["answer"] == "undetermined" and result["depends_on"] == ["g"]


def test_decided_by_known_facts_is_not_undetermined() -> None:
    assert answer("  a may pay fee\n    when f and g\n", "may a pay fee", f=False)["answer"] == "no"
    assert answer("  a may pay fee\n    when f or g\n", "may a pay fee", g=True)["answer"] == "yes"


def test_exception_and_prohibition() -> None:
    norm = "  a may pay fee\n    when f\n    unless g\n"
    assert answer(norm, "may a pay fee", f=True, g=True)["answer"] == "no"
    assert answer(norm, "may a pay fee", f=True, g=False)["answer"] == "yes"
    both = "  a may pay fee\n    when f\n  a must not pay fee\n    when g\n"
    result = answer(both, "may a pay fee", f=True, g=True)
    assert result["answer"] == "no" and [x["norm"] for x in result["grounds"]] == ["1#2"]
    assert answer(both, "may a pay fee", f=True)["depends_on"] == ["g"]


def test_grounds_carry_quote_and_the_facts_read() -> None:
    result = answer("  a may pay fee\n    when f and n > 2\n", "may a pay fee", f=True, n="3")
    (ground,) = result["grounds"]
    assert ground["quote"] == "q1" and ground["facts"] == {"f": True, "n": 3}


PRIORITY = """clause "1"
  quote "q1"
  a must pay fee
    when f
    unless otherwise provided
clause "2"
  quote "q2"
  a must not pay fee
    when g
question must_pay : must a pay fee
question may_pay : may a pay fee
"""


def test_overridden_norm_is_reported_with_the_clause_that_prevails() -> None:
    c = contract_of(PRIORITY)
    result = ask(c, "must_pay", {"f": True, "g": True}).to_dict()
    assert result["answer"] == "not_obliged"
    assert result["overridden"] == [
        {"norm": "1#1", "clause": "1", "by": [{"norm": "2#1", "clause": "2", "stated_in": "1"}]}
    ]
    assert ask(c, "must_pay", {"f": True, "g": False}).to_dict()["answer"] == "obliged"
    assert ask(c, "must_pay", {"f": True}).to_dict()["depends_on"] == ["g"]


# ------------------------------------------------------------------ facts


@pytest.mark.parametrize(
    "facts, message",
    [
        ({"nope": True}, "no such fact"),
        ({"f": "maybe"}, "expected true or false"),
        ({"n": 1.5}, "expected a whole number"),
        ({"m": "3 EUR"}, "amount in EUR"),
        ({"d": "2025-02-30"}, "not a valid date"),
        ({"d": "never"}, "only for events"),
        ({"wd": "3 days"}, "duration in days"),
        ({"k": "blue"}, "one of red, green"),
        ({"x": float("nan")}, "decimal"),
        ({"n": 10**50}, "whole number"),
    ],
)
def test_bad_facts_are_rejected_with_the_fact_named(facts: dict[str, object], message: str) -> None:
    c = norm_contract("  a may pay fee\n    when f\n", "may a pay fee")
    with pytest.raises(FactError, match=message) as info:
        ask(c, "q", facts)  # type: ignore[arg-type]
    assert info.value.fact == next(iter(facts))


def test_fact_forms() -> None:
    norm = "  a may pay fee\n    when m >= 100.5 CNY and wd >= 2 working days and e < d\n"
    yes = answer(
        norm, "may a pay fee", m="100.50 CNY", wd="2 working days", e="2024-01-01", d="2024-01-02"
    )
    assert yes["answer"] == "yes"
    money = {"amount": "100.4", "currency": "CNY"}  # the form results give money in
    assert answer(norm, "may a pay fee", m=money, wd=2, e="never", d="2024-01-02")["answer"] == "no"
    for bare in (100.4, 101, "101", Decimal("101")):  # a number names no currency
        with pytest.raises(FactError) as info:
            answer(norm, "may a pay fee", m=bare, wd=2, e="never", d="2024-01-02")
        assert info.value.problem == "wrong_value"
        assert '"100.50 CNY" or {"amount": "100.50", "currency": "CNY"}' in str(info.value)
    with pytest.raises(FactError) as info:
        answer(
            norm,
            "may a pay fee",
            m={"amount": "1", "currency": "EUR"},
            wd=2,
            e="never",
            d="2024-01-02",
        )
    assert info.value.problem == "wrong_currency"


# ------------------------------------------------------------------ least and greatest


@pytest.mark.parametrize(
    "expr, facts, value",
    [
        ("least of (n, 3)", {"n": 5}, 3),
        ("greatest of (n, x, 0.5)", {"n": 1, "x": "2.25"}, "2.25"),
        ("least of (m, 100 CNY)", {"m": "99.99 CNY"}, {"amount": "99.99", "currency": "CNY"}),
        ("greatest of (dd, 3 days)", {"dd": 2}, {"amount": 3, "unit": "days"}),
        ("least of (n, 3)", {}, None),  # unknown: waits for n
    ],
)
def test_least_and_greatest(expr: str, facts: dict[str, object], value: object) -> None:
    result = ask(
        contract_of(f"question q : value of {expr}\n"),
        "q",
        facts,  # type: ignore[arg-type]
    ).to_dict()
    if value is None:
        assert result["answer"] == "undetermined" and result["depends_on"] == ["n"]
    else:
        assert result["answer"] == "value" and result["value"] == value
