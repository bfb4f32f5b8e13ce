"""Working-day calendars of any country or subdivision of `holidays`: the codes accepted (and
E0402's suggestions for others), the weekend each implies, the tables computed on demand and
embedded in the generated evaluators; and `calendar days`, the plain reading of `days`."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
import sys
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clausec
from clausec.evaluation import calendar
from clausec.evaluation.calendar import working_days
from clausec.evaluation.interpreter import ask
from clausec.ir import nodes as ir
from clausec.ir.values import DurationValue

from conftest import REPO, codes, contract_of, value_expr
from test_javascript import NODE, interpreter_outcome, run_node, write_module
from test_python_backend import load_module

D = dt.date


def header(code: str) -> str:
    return f'contract t title "T" source "t.txt" language en calendar {code}\n'


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize("code", ["US", "US-CA", "FR", "GB-SCT", "JP", "AE", "DE-SN", "CN"])
def test_country_and_subdivision_codes_are_calendars(code: str) -> None:
    result = clausec.compile_text(header(code), "t.clause")
    assert not result.diagnostics
    assert result.contracts[0].calendar == code


def test_the_codes_are_those_of_holidays() -> None:
    supported = holidays.list_supported_countries(include_aliases=False)
    index = calendar.code_index()
    assert set(index.countries) == set(supported)
    assert "CA" in index.countries["US"] and "SCT" in index.countries["GB"]
    assert calendar.is_known("US-CA") and calendar.is_known("GB-SCT")
    # Alpha-3 codes and lower case are other spellings, not calendars of their own.
    assert not calendar.is_known("USA") and not calendar.is_known("us-ca")


@pytest.mark.parametrize(
    "code, close",
    [
        ("US-CAL", ["US-CA"]),  # a subdivision the code begins with
        ("us-ca", ["US-CA"]),
        ("USA", ["US"]),  # alpha-3
        ("DEU-SN", ["DE-SN"]),
        ("UK", ["GB"]),
        ("US-C", ["US-CA", "US-CO", "US-CT"]),  # subdivisions that begin with it
    ],
)
def test_close_codes(code: str, close: list[str]) -> None:
    assert calendar.close_codes(code) == close


def test_an_unknown_country_lists_look_alikes() -> None:
    close = calendar.close_codes("XX")
    assert 1 < len(close) <= 5 and all(calendar.is_known(c) and "X" in c for c in close)


@pytest.mark.parametrize(
    "code, hint",
    [
        ("US-CAL", "did you mean `US-CA`?"),
        ("DEU-SN", "did you mean `DE-SN`?"),
        ("QQQ", "a calendar is a country code of the `holidays` package"),
    ],
)
def test_e0402_hint(code: str, hint: str) -> None:
    result = clausec.compile_text(header(code), "t.clause")
    assert codes(result) == ["E0402"]
    (d,) = result.diagnostics
    assert d.message == f"unknown working-day calendar `{code}`"
    assert d.hint is not None and d.hint.startswith(hint)
    assert (d.span.line, d.span.column, d.span.end_column) == (1, 58, 58 + len(code))


# ---------------------------------------------------------------- calendar days


@pytest.mark.parametrize("text", ["21 calendar days", "1 calendar day"])
def test_calendar_days_are_days(text: str) -> None:
    plain = text.replace("calendar ", "")
    written = value_expr(text)
    assert isinstance(written, ir.Const) and isinstance(written.value, DurationValue)
    assert written.value == value_expr(plain).value  # type: ignore[attr-defined]
    assert written.value.unit == "days" and written.type == value_expr(plain).type


def test_calendar_days_in_a_deadline_and_after_the_header() -> None:
    c = contract_of(
        '\nclause "1"\n  quote "q"\n  a must pay fee to b\n    when e has occurred\n'
        "    within 21 calendar days after e\nquestion q : deadline of a pay fee\n"
    )
    answer = ask(c, "q", {"e": "2025-01-10"}, D(2025, 1, 10))
    assert answer.to_dict()["due"] == "2025-01-31"
    # The header's `calendar` item and the unit do not meet: a header item is never a number.
    text = header("US-CA") + "fact period : duration in days\n"
    text += "question p : value of 2 calendar days + period\n"
    assert not clausec.compile_text(text, "t.clause").diagnostics


def test_calendar_is_not_a_unit_alone() -> None:
    result = clausec.compile_text(header("CN") + "question p : value of 3 calendar\n")
    assert codes(result)[:1] == ["E0100"]


# ---------------------------------------------------------------- weekends and holidays


@pytest.mark.parametrize(
    "code, start, count, expected",
    [
        # Thanksgiving (27 November 2025) everywhere; the day after in California only.
        ("US", D(2025, 11, 26), 1, D(2025, 11, 28)),
        ("US-CA", D(2025, 11, 26), 1, D(2025, 12, 1)),
        # César Chávez Day (31 March) in California only.
        ("US", D(2025, 3, 28), 1, D(2025, 3, 31)),
        ("US-CA", D(2025, 3, 28), 1, D(2025, 4, 1)),
        # St Andrew's Day (30 November; Monday 1 December 2025 in lieu) in Scotland only.
        ("GB-SCT", D(2025, 11, 28), 1, D(2025, 12, 2)),
        ("GB-ENG", D(2025, 11, 28), 1, D(2025, 12, 1)),
        # Saudi Arabia rests on Friday and Saturday: Thursday to Sunday is one working day.
        ("SA", D(2025, 1, 9), 1, D(2025, 1, 12)),
        # The United Arab Emirates rested on Friday and Saturday until 2021, on Saturday and
        # Sunday since.
        ("AE", D(2021, 3, 11), 1, D(2021, 3, 14)),
        ("AE", D(2023, 3, 9), 1, D(2023, 3, 10)),
        ("AE", D(2023, 3, 10), 1, D(2023, 3, 13)),
    ],
)
def test_working_days(code: str, start: D, count: int, expected: D) -> None:
    assert working_days(code).add(start, count) == expected
    assert working_days(code).add(expected, -count) <= start


def test_weekends_follow_the_country() -> None:
    assert calendar.table("SA").weekend == (5, 6)  # Friday, Saturday
    assert calendar.table("IL").weekend == (5, 6)
    assert calendar.table("US-CA").weekend == (6, 7)
    # The weekend of the last year; an earlier weekend's days are listed as exceptions.
    ae = calendar.table("AE")
    assert ae.weekend == (6, 7)
    assert D(2021, 3, 14) in ae.workdays  # a Sunday, worked then
    assert D(2021, 3, 12) in ae.holidays  # a Friday, rested then


CODES = ["US-CA", "AE", "SA", "MY-01", "TW", "GB-SCT"]


@functools.cache
def holidays_of(code: str) -> holidays.HolidayBase:
    country, subdivision = calendar.holidays_code(code)
    return holidays.country_holidays(country, subdiv=subdivision, years=range(1999, 2062))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CODES), st.dates(D(2000, 1, 1), D(2060, 12, 31)))
def test_tables_agree_with_holidays(code: str, day: D) -> None:
    assert working_days(code).is_working_day(day) == holidays_of(code).is_working_day(day)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([*CODES, "GW"]),
    st.dates(D(1995, 1, 1), D(2065, 12, 31)),
    st.integers(0, 800),
)
def test_counting_between_dates_agrees_with_stepping(code: str, start: D, days: int) -> None:
    calendar_ = working_days(code)
    end = start + dt.timedelta(days=days)
    stepped = sum(
        calendar_.is_working_day(start + dt.timedelta(days=n)) for n in range(1, days + 1)
    )
    assert calendar_.count(start, end) == stepped


def test_make_up_days_where_holidays_has_them() -> None:
    tw = calendar.table("TW")
    assert tw.announced_through is not None and tw.workdays
    assert calendar.table("US-CA").announced_through is None


def test_years_holidays_does_not_cover_are_outside_the_table() -> None:
    gw = calendar.table("GW")  # Guinea-Bissau: known from 2023
    assert (gw.first_year, gw.last_year) == (2023, 2060)
    assert all(d.year >= 2023 for d in gw.holidays)
    warnings = working_days("GW").warnings(D(2022, 12, 20), D(2023, 1, 5))
    assert warnings == [
        "calendar GW: working days are known for 2023–2060; outside those years only "
        "weekends are skipped"
    ]


# ---------------------------------------------------------------- generated evaluators

WEEKENDS = """
party a role "first party"
party b role "second party"
action pay "pay"
object fee : money EUR "the fee"
event e

clause "1"
  quote "q"
  a must pay fee to b
    when e has occurred
    within 3 working days after e

question due : deadline of a pay fee
fact closing : date
question span : value of working days from e to closing
"""


@pytest.mark.skipif(NODE is None, reason="`node` is not on PATH")
@pytest.mark.parametrize("code", ["AE", "SA", "US-CA"])
def test_evaluators_count_as_the_interpreter(code: str, tmp_path: Path) -> None:
    result = clausec.compile_text(header(code) + WEEKENDS, "t.clause")
    assert not result.diagnostics
    contract = result.contract("t")
    # Every day of the weeks around the Emirates' change of weekend, and of late 2025.
    days = [D(2021, 12, 1) + dt.timedelta(days=n) for n in range(70)]
    days += [D(2025, 11, 1) + dt.timedelta(days=n) for n in range(70)]
    cases: list[tuple[str, object, str | None]] = [
        ("due", {"e": d.isoformat()}, "2026-06-01") for d in days
    ]
    # Working days between dates, across weekends, holidays and the years the table knows.
    steps = (0, 1, 5, 40, 400, -9)
    cases += [
        ("span", {"e": d.isoformat(), "closing": (d + dt.timedelta(days=n)).isoformat()}, None)
        for d in days[::7]
        for n in steps
    ]
    cases += [("span", {"e": "2059-12-20", "closing": "2061-01-10"}, None)]
    expected = [interpreter_outcome(contract, c) for c in cases]
    module = load_module(contract, tmp_path)
    python = [
        {"result": module.evaluate(q, facts, as_of=as_of).to_dict()} for q, facts, as_of in cases
    ]
    assert python == expected
    assert run_node(write_module(contract, tmp_path), cases, tmp_path) == expected


def test_generated_code_is_the_same_in_a_fresh_process(tmp_path: Path) -> None:
    source = tmp_path / "t.clause"
    source.write_text(header("US-CA") + WEEKENDS, encoding="utf-8")
    outputs = []
    for target in ("python", "javascript", "python"):
        out = tmp_path / f"out-{len(outputs)}"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "clausec",
                "emit",
                str(source),
                "--target",
                target,
                "-o",
                str(out),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(sorted((p.name, p.read_bytes()) for p in out.iterdir()))
    assert outputs[0] == outputs[2]
    module = dict(outputs[1])["t.mjs"]  # beside it, its TypeScript declarations (t.d.mts)
    assert b"2025-11-28" in module  # the day after Thanksgiving, in the JS table
