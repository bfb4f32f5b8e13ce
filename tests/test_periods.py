"""Periods that end on working days and rights that lapse (docs/semantics.md, "Periods ending
on working days", "Rights that lapse"): the interpreter's answers, their JSON and text, and
the generated evaluators on the same cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import clausec
from clausec.evaluation.interpreter import ask
from clausec.evaluation.result import render_text
from clausec.ir import nodes as ir

from test_javascript import NODE, interpreter_outcome, run_node, write_module
from test_python_backend import load_module

HEADER = """contract p
  title "t"
  source "t.txt"
  language ru
  calendar RU
{periods}
party a role "A"
action pay "pay"
action notify "notify"
action terminate "terminate"
action store "store"
object fee "fee"
object notice "notice"
object agreement "agreement"
object data "data"
fact granted : boolean "extension granted"
event pay.day "the day named"
event received "received"
event ends "ends"
event terminated "terminated"
"""

BODY = """
clause "1"
  quote "q"
  a must pay fee
    within 10 days after received
    extendable by 3 days if granted
clause "2"
  quote "q"
  a must notify notice
    at least 10 days before ends
clause "3"
  quote "q"
  a must pay fee
    by pay.day
    ending on any day
clause "4"
  quote "q"
  a can terminate agreement
    within 10 days after received
    performed on terminated
clause "5"
  quote "q"
  a may store data
    until ends
clause "6"
  quote "q"
  a may store fee
    by pay.day
question pay_by : deadline of a pay fee
question notify_by : deadline of a notify notice
question may_terminate : may a terminate agreement
question may_store : may a store data
question may_notify : may a store fee
"""


def _contract(periods: bool = True, body: str = BODY) -> ir.Contract:
    text = HEADER.format(periods="  periods end on working days\n" if periods else "") + body
    result = clausec.compile_text(text, "p.clause")
    assert result.ok, [d.message for d in result.diagnostics]
    return result.contract("p")


def _ask(c: ir.Contract, q: str, facts: dict[str, object], as_of: str | None) -> dict[str, object]:
    return ask(c, q, facts, dt.date.fromisoformat(as_of) if as_of else None).to_dict()


def _deadline(result: dict[str, object]) -> dict[str, object]:
    grounds = result["grounds"]
    assert isinstance(grounds, list) and grounds
    deadline = grounds[0]["deadline"]
    assert isinstance(deadline, dict)
    return deadline


def test_a_period_ending_in_the_new_year_holidays_moves_to_the_next_working_day() -> None:
    result = _ask(
        _contract(),
        "pay_by",
        {"received": "2025-12-25", "pay.day": "never", "granted": False},
        None,
    )
    assert (result["answer"], result["due"]) == ("date", "2026-01-12")
    assert _deadline(result)["moved"] == {
        "from": "2026-01-04",
        "reason": "not a working day in RU",
    }
    text = render_text(result)
    assert "    2026-01-04 is not a working day in RU: moved to 2026-01-12\n" in text


def test_without_the_header_nothing_moves() -> None:
    result = _ask(
        _contract(periods=False),
        "pay_by",
        {"received": "2025-12-25", "pay.day": "never", "granted": False},
        None,
    )
    assert result["due"] == "2026-01-04"
    assert _deadline(result)["moved"] is None


def test_a_working_day_is_kept_and_says_nothing() -> None:
    result = _ask(
        _contract(),
        "pay_by",
        {"received": "2026-02-20", "pay.day": "never", "granted": False},
        None,
    )
    assert result["due"] == "2026-03-02"  # a Monday
    assert _deadline(result)["moved"] is None


def test_the_move_comes_after_the_extension() -> None:
    # 25 Dec + 10 days = 4 Jan, + 3 days = 7 Jan (Christmas), moved to 12 Jan; from 7 Jan, not
    # from 4 Jan: the extended period is what ends.
    facts = {"received": "2025-12-25", "granted": True, "pay.day": "never"}
    result = _ask(_contract(), "pay_by", facts, None)
    assert result["due"] == "2026-01-12"
    deadline = _deadline(result)
    assert deadline["moved"] == {"from": "2026-01-07", "reason": "not a working day in RU"}
    assert [x["clause"] for x in deadline["extended"]] == ["1"]  # type: ignore[index, union-attr]


def test_an_advance_notice_is_not_moved() -> None:
    # 2026-01-14 - 10 days = Sunday 4 January: counted backwards, it stays.
    result = _ask(_contract(), "notify_by", {"ends": "2026-01-14", "pay.day": "never"}, None)
    assert result["due"] == "2026-01-04"
    assert _deadline(result)["moved"] is None


def test_a_norm_can_keep_its_day_against_the_header() -> None:
    facts = {"received": "never", "pay.day": "2026-01-04", "granted": False}
    result = _ask(_contract(), "pay_by", facts, None)
    assert result["due"] == "2026-01-04"
    ground = next(g for g in result["grounds"] if g["clause"] == "3")  # type: ignore[union-attr]
    assert ground["deadline"]["moved"] is None


def test_a_norm_can_move_its_day_without_the_header() -> None:
    body = BODY.replace(
        "    by pay.day\n    ending on any day", "    by pay.day\n    ending on working days"
    )
    facts = {"received": "never", "pay.day": "2026-01-04", "granted": False}
    assert _ask(_contract(False, body), "pay_by", facts, None)["due"] == "2026-01-12"


def test_the_ir_records_the_move_per_deadline() -> None:
    c = _contract()
    moves = {n.clause: n.deadline.ends_on_working_day for n in c.norms if n.deadline}
    assert moves == {"1": True, "2": False, "3": False, "4": True, "5": False, "6": True}
    assert c.periods_end_on_working_days


@pytest.mark.parametrize(
    ("facts", "as_of", "answer"),
    [
        # 2026-01-04 moved to 2026-01-12: the power runs through 12 January.
        ({"received": "2025-12-25", "terminated": "never"}, "2026-01-12", "yes"),
        ({"received": "2025-12-25", "terminated": "never"}, "2026-01-13", "no"),
        ({"received": "2025-12-25", "terminated": "2026-01-12"}, "2026-02-01", "yes"),
        ({"received": "2025-12-25", "terminated": "2026-01-13"}, "2026-02-01", "no"),
        ({"received": "2025-12-25"}, "2026-02-01", "undetermined"),
        ({"received": "2025-12-25"}, "2026-01-05", "yes"),  # still running: no need to know
        # Without an as-of date every given date counts as past.
        ({"received": "2025-12-25", "terminated": "never"}, None, "no"),
        ({"received": "never", "terminated": "never"}, None, "yes"),  # not started: not past
    ],
)
def test_a_power_lapses_when_its_period_runs_out_unused(
    facts: dict[str, object], as_of: str | None, answer: str
) -> None:
    result = _ask(_contract(), "may_terminate", facts, as_of)
    assert result["answer"] == answer
    if answer == "no":
        (reason,) = result["reasons"]  # type: ignore[misc]
        assert reason["status"] == "lapsed"
        assert reason["date"] == "2026-01-12"
        assert reason["clause"] == "4"
        assert reason["facts"] == facts  # what the norm reads, and its exercise
        assert render_text(result).startswith("may_terminate: no — lapsed on 2026-01-12\n")
    if answer == "undetermined":
        assert result["depends_on"] == ["terminated"]


@pytest.mark.parametrize(
    ("as_of", "answer"),
    [("2025-05-30", "yes"), ("2025-05-31", "yes"), ("2025-06-01", "no"), (None, "no")],
)
def test_until_includes_its_day_and_ends_after_it(as_of: str | None, answer: str) -> None:
    result = _ask(_contract(), "may_store", {"ends": "2025-05-31"}, as_of)
    assert result["answer"] == answer
    if answer == "no":
        (reason,) = result["reasons"]  # type: ignore[misc]
        assert (reason["status"], reason["date"]) == ("ended", "2025-05-31")
        assert "ended on 2025-05-31" in render_text(result)
    else:
        assert result["due"] == "2025-05-31"


def test_an_ended_right_no_longer_has_a_deadline() -> None:
    c = _contract()
    assert _ask(c, "may_store", {"ends": "never"}, None)["answer"] == "yes"  # never ends


def test_a_permission_by_a_day_lapses_after_the_moved_day() -> None:
    c = _contract()
    # by Sunday 4 January 2026, moved to 12 January (clause 6 follows the header).
    assert _ask(c, "may_notify", {"pay.day": "2026-01-04"}, "2026-01-12")["answer"] == "yes"
    assert _ask(c, "may_notify", {"pay.day": "2026-01-04"}, "2026-01-13")["answer"] == "no"


def test_obligations_do_not_lapse() -> None:
    c = _contract()
    result = _ask(
        c, "pay_by", {"received": "2025-01-01", "pay.day": "never", "granted": False}, "2026-01-01"
    )
    assert (result["answer"], result["due"]) == ("date", "2025-01-13")  # 11 Jan is a Saturday


CASES = [
    (q, facts, as_of)
    for q in ("pay_by", "notify_by", "may_terminate", "may_store", "may_notify")
    for facts in (
        {"received": "2025-12-25", "terminated": "never", "ends": "2026-01-14"},
        {"received": "2025-12-25", "terminated": "2026-01-12", "pay.day": "2026-01-04"},
        {"received": "2025-12-25", "granted": True, "ends": "2025-05-31"},
        {"received": "2024-12-28", "pay.day": "2025-01-07", "ends": "never"},
        {"received": "never", "terminated": "never", "pay.day": "never", "ends": "never"},
        {},
    )
    for as_of in (None, "2025-06-01", "2026-01-12", "2026-01-13")
]


def test_the_generated_python_module_agrees(tmp_path: Path) -> None:
    c = _contract()
    module = load_module(c, tmp_path)
    for q, facts, as_of in CASES:
        expected = ask(c, q, facts, dt.date.fromisoformat(as_of) if as_of else None)
        got = module.evaluate(q, facts, as_of=as_of)
        assert got.to_dict() == expected.to_dict(), (q, facts, as_of)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_generated_javascript_module_agrees(tmp_path: Path) -> None:
    c = _contract()
    module = write_module(c, tmp_path)
    got = run_node(module, CASES, tmp_path)  # type: ignore[arg-type]
    expected = [interpreter_outcome(c, case) for case in CASES]  # type: ignore[arg-type]
    assert got == expected


@pytest.mark.parametrize("word", ["periods", "end", "ending", "any"])
def test_the_new_words_are_reserved(word: str) -> None:
    text = HEADER.format(periods="") + f'fact {word}.x : boolean "x"\n'
    result = clausec.compile_text(text, "p.clause")
    assert [d.code for d in result.diagnostics] == ["E0104"]


def test_the_header_item_is_given_once() -> None:
    twice = "  periods end on working days\n  periods end on working days\n"
    result = clausec.compile_text(HEADER.format(periods=twice) + BODY, "p.clause")
    assert [d.code for d in result.diagnostics] == ["E0204"]
