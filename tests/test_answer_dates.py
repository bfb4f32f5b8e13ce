"""Dates in answers (docs/semantics.md, "`has occurred` and `today`", "Extensions"): every
answer states its as-of date, today's unless given; a date after it has not happened yet;
the extensions that moved a due date are in its grounds; open-ended periods are worded as
such. The same in the interpreter, both evaluators and the command line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from clausec.evaluation.interpreter import ask
from clausec.evaluation.result import render_text

from conftest import REPO, contract_of, run_cli
from test_javascript import run_driver, write_module
from test_python_backend import load_module

DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"

BODY = """\
event started "the period started"
event ended "the period ended"
fact held : boolean "the extension's condition holds"
fact extra : duration in days "by how much"
clause "1"
  quote "q"
  a must pay fee
    when started has occurred
    within 10 days after started
    extendable by extra if held
  a may refund goods
    when not ended has occurred
    until ended
question pay : deadline of a pay fee
question keep : may a refund goods
question in_force : value of not ended has occurred
"""


def _contract():  # type: ignore[no-untyped-def]
    return contract_of(BODY)


def test_the_default_as_of_date_is_today_and_every_answer_states_it() -> None:
    c = _contract()
    today = dt.date.today()
    assert ask(c, "keep", {}).as_of == today.isoformat()
    assert ask(c, "keep", {}, dt.date(2025, 1, 2)).as_of == "2025-01-02"
    assert ask(c, "keep", {}, "2025-01-02").as_of == "2025-01-02"
    assert ask(c, "keep", {}, None).as_of is None
    assert ask(c, "keep", {}, None).to_dict()["as_of"] is None


def test_a_date_after_the_as_of_date_has_not_happened_yet() -> None:
    c = _contract()
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    # The period still runs today: it may keep the deposit until then.
    now = ask(c, "in_force", {"ended": later})
    assert (now.answer, now.value) == ("value", True)
    kept = ask(c, "keep", {"ended": later})
    assert (kept.answer, kept.due) == ("yes", later)
    # Without an as-of date a given date counts as past.
    assert ask(c, "in_force", {"ended": later}, None).value is False
    assert ask(c, "keep", {"ended": later}, None).answer == "no"


def test_extensions_that_moved_a_due_date_are_in_its_ground() -> None:
    c = _contract()
    facts = {"started": "2025-01-01", "held": True, "extra": "5 days"}
    result = ask(c, "pay", facts, dt.date(2025, 1, 3))
    assert result.due == "2025-01-16"
    deadline = result.grounds[0].deadline
    assert deadline == {
        "kind": "within",
        "due": "2025-01-16",
        "extended": [
            {
                "clause": "1",
                "mode": "by",
                "amount": {"amount": 5, "unit": "days"},
                "facts": {"extra": {"amount": 5, "unit": "days"}, "held": True},
            }
        ],
        "moved": None,
    }
    not_held = ask(c, "pay", {**facts, "held": False}, dt.date(2025, 1, 3))
    assert not_held.due == "2025-01-11"
    assert not_held.grounds[0].deadline == {
        "kind": "within",
        "due": "2025-01-11",
        "extended": [],
        "moved": None,
    }
    text = render_text(result.to_dict())
    assert "    extended by 5 days under clause 1\n      with extra = 5 days, held = true\n" in text


def test_force_majeure_extension_is_named_with_its_clause_and_facts() -> None:
    import clausec

    contract = clausec.load(DEPOSIT)
    facts = {
        "deposit.payout": "2025-09-26",
        "deposit.balance": "6000 CNY",
        "deposit.required": "10000 CNY",
        "agreement.ended": "never",
        "platform.paid_beyond_deposit": False,
        "platform.loss": "0 CNY",
        "force_majeure.affects_performance": True,
        "force_majeure.duration": "3 days",
    }
    result = ask(contract, "top_up_deadline", facts, dt.date(2025, 10, 1))
    assert result.due == "2025-10-09"
    assert result.grounds[0].deadline is not None
    (extension,) = result.grounds[0].deadline["extended"]  # type: ignore[misc]
    assert extension["clause"] == "10.1" and extension["mode"] == "by"
    assert extension["facts"]["force_majeure.affects_performance"] is True


def test_open_ended_periods_are_worded_as_such() -> None:
    c = _contract()
    kept = render_text(ask(c, "keep", {"ended": "never"}, dt.date(2025, 1, 1)).to_dict())
    assert kept.startswith(
        "keep: yes, with no end date yet (the event that ends it has not happened)\n"
        "  as of 2025-01-01\n"
    )
    assert "    deadline: no end date yet (the event that ends it has not happened)\n" in kept
    until = render_text(ask(c, "keep", {"ended": "2025-03-01"}, dt.date(2025, 1, 1)).to_dict())
    assert until.startswith("keep: yes, until 2025-03-01\n")
    assert "    deadline: until 2025-03-01\n" in until
    pay = render_text(ask(c, "pay", {"started": "never", "held": False}, None).to_dict())
    assert pay.startswith("pay: no deadline\n  as of: no date (every date given counts as past)\n")
    due = render_text(ask(c, "pay", {"started": "2025-01-01", "held": False}).to_dict())
    assert due.startswith(f"pay: due by 2025-01-11\n  as of {dt.date.today()} (today)\n")


def test_every_evaluator_states_the_as_of_date_and_extensions(tmp_path: Path) -> None:
    c = _contract()
    module = load_module(c, tmp_path)
    facts = {"started": "2025-01-01", "held": True, "extra": "5 days", "ended": "2099-01-01"}
    expected = {
        name: [
            ask(c, name, facts).to_dict(),
            ask(c, name, facts, dt.date(2025, 1, 3)).to_dict(),
            ask(c, name, facts, None).to_dict(),
        ]
        for name in ("pay", "keep", "in_force")
    }
    for name, (today, dated, undated) in expected.items():
        assert module.evaluate(name, facts).to_dict() == today
        assert module.evaluate(name, facts, as_of="today").to_dict() == today
        assert module.evaluate(name, module.Facts(facts), as_of="2025-01-03").to_dict() == dated
        assert module.evaluate(name, facts, as_of=None).to_dict() == undated
    assert module.evaluate("pay", facts).as_of == dt.date.today().isoformat()
    if shutil.which("node") is None:
        return
    body = (
        "const out = {};\n"
        "for (const q of ['pay', 'keep', 'in_force']) out[q] = [\n"
        "  m.evaluate(q, input).toDict(),\n"
        "  m.evaluate(q, new m.Facts(input), { asOf: '2025-01-03' }).toDict(),\n"
        "  m.evaluate(q, input, { asOf: null }).toDict()];\n"
        "console.log(m.stringify(out));\n"
    )
    assert run_driver(body, write_module(c, tmp_path), facts, tmp_path) == expected


@pytest.mark.parametrize(
    ("option", "line"),
    [
        ([], f"  as of {dt.date.today()} (today)"),
        (["--as-of", "today"], f"  as of {dt.date.today()} (today)"),
        (["--as-of", "2025-02-01"], "  as of 2025-02-01"),
        (["--as-of", "none"], "  as of: no date (every date given counts as past)"),
    ],
)
def test_ask_states_the_as_of_date(option: list[str], line: str) -> None:
    done = run_cli(["ask", str(DEPOSIT), "may_deduct_deposit", *option])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[1] == line
    as_json = run_cli(["ask", str(DEPOSIT), "may_deduct_deposit", "--json", *option])
    stated = json.loads(as_json.stdout)["as_of"]
    assert stated == (None if "none" in option else line.split()[2])


def test_a_bad_as_of_date_is_a_usage_error() -> None:
    done = run_cli(["ask", str(DEPOSIT), "may_deduct_deposit", "--as-of", "2025-02-30"])
    assert done.returncode == 2
    assert "--as-of: expected a date (YYYY-MM-DD), `today` or `none`" in done.stderr
