"""`clausec ask`, `clausec test` and `clausec emit` from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import REPO, run_cli

DEPOSIT = str(REPO / "contracts" / "soolife" / "deposit.clause")
CLEAN_EXIT = (
    [
        "--fact",
        "merchant.violated_rules=false",
        "--fact",
        "merchant.complaint_or_dispute=false",
        "--fact",
        "service.stopped=2024-10-24",
        "--fact",
        "agreement.ended=2024-10-24",
        "--fact",
        "agreement.terminated_by_platform=never",
    ]
    + [
        arg
        for name in (
            "merchant.closed_shop",
            "merchant.breach_harmed_buyer",
            "merchant.consumer_duty_missed",
            "merchant.unresolved_quality_dispute",
            "authority.order_to_deduct",
            "stock.misstated",
        )
        for arg in ("--fact", f"{name}=false")
    ]
    + ["--fact", "complaint.consulted=never", "--fact", "order.placed=never"]
    + [
        # No ground for freezing the deposit (6.2(4)(e), 6.4) or taking it under 6.5(2), and no
        # force majeure moving the deadline (10.1).
        "--fact",
        "merchant.breached_agreement=false",
        "--fact",
        "deposit.payout=never",
        "--fact",
        "platform.paid_beyond_deposit=false",
        "--fact",
        "platform.loss=0 CNY",
        "--fact",
        "deposit.balance=10000 CNY",
        "--fact",
        "force_majeure.affects_performance=false",
    ]
)


def test_ask_answers_with_grounds_and_quote() -> None:
    out = run_cli(["ask", DEPOSIT, "may_deduct_deposit", "--fact", "merchant.closed_shop=true"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:3] == [
        "may_deduct_deposit: yes",
        f"  as of {dt.date.today().isoformat()} (today)",
        "  because clause 5.11 (5.11#1, permission)",
    ]
    assert "如乙方擅自关店" in out.stdout and "merchant.closed_shop = true" in out.stdout


def test_ask_release_deadline_across_the_spring_festival() -> None:
    out = run_cli(["ask", DEPOSIT, "release_deadline", "--json", *CLEAN_EXIT])
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["answer"], result["due"]) == ("date", "2025-02-13")
    assert [g["clause"] for g in result["grounds"]] == ["6.2(1)"]
    assert list(result) == [
        "contract",
        "question",
        "kind",
        "answer",
        "value",
        "due",
        "as_of",
        "grounds",
        "overridden",
        "reasons",
        "presumptions",
        "depends_on",
        "warnings",
        "ask_next",
    ]


def test_ask_undetermined_lists_what_would_decide(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "complaint.consulted": "2025-03-03",
                "complaint.resolved": "never",
                "merchant.closed_shop": False,
            }
        ),
        encoding="utf-8",
    )
    out = run_cli(
        [
            "ask",
            DEPOSIT,
            "may_deduct_deposit",
            "--facts",
            str(facts),
            "--fact",
            "merchant.closed_shop=unknown",
            "--no-presumptions",
            "--as-of",
            "2025-03-20",
        ]
    )
    assert out.returncode == 0
    assert out.stdout.startswith("may_deduct_deposit: undetermined")
    assert "complaint.bad_influence" in out.stdout and "merchant.closed_shop" in out.stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ["--fact", "merchant.closed_shop=maybe"],
            1,
            "fact `merchant.closed_shop`: expected true or false",
        ),
        (["--fact", "merchant.closed_shopp=true"], 1, "did you mean `merchant.closed_shop`"),
        (["--fact", "service.stopped=2025-02-30"], 1, "not a valid date"),
        (["--fact", "nonsense"], 2, "write a fact as name=value"),
        (["--as-of", "yesterday"], 2, "--as-of"),
        (["--facts", "/nonexistent/facts.json"], 2, "cannot read"),
    ],
)
def test_ask_bad_input_names_the_problem(args: list[str], code: int, message: str) -> None:
    out = run_cli(["ask", DEPOSIT, "may_deduct_deposit", *args])
    assert out.returncode == code, out.stderr
    assert message in out.stderr and "Traceback" not in out.stderr


AS_OF_FORMS = [
    "2024-03-01",
    "2024-02-29",
    "2023-02-29",
    "2024-W09-5",
    "2024-061",
    "20240301",
    "2024-3-01",
    " 2024-03-01",
    "2024-03-01T00:00",
    "٢٠٢٤-٠٣-٠١",
    "+2024-03-01",
]


def test_as_of_accepts_what_the_evaluators_accept(tmp_path: Path) -> None:
    """--as-of takes exactly the dates a generated module's ``as_of`` takes."""
    import importlib.util

    assert run_cli(["emit", DEPOSIT, "--target", "python", "-o", str(tmp_path)]).returncode == 0
    spec = importlib.util.spec_from_file_location("as_of_probe", tmp_path / "soolife_deposit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for form in AS_OF_FORMS:
        try:
            module.release_deadline({}, as_of=form)
            accepted = True
        except module.FactError:
            accepted = False
        out = run_cli(["ask", DEPOSIT, "release_deadline", "--as-of", form])
        assert (out.returncode == 0) == accepted, (form, out.stderr)
        assert accepted or "--as-of: expected a date (YYYY-MM-DD), `today` or `none`" in out.stderr
    assert (
        sum(
            run_cli(["ask", DEPOSIT, "release_deadline", "--as-of", f]).returncode == 0
            for f in AS_OF_FORMS
        )
        == 2
    )


def test_ask_unknown_question_and_malformed_facts_file(tmp_path: Path) -> None:
    out = run_cli(["ask", DEPOSIT, "may_deduct"])
    assert out.returncode == 2 and "did you mean `may_deduct_deposit`" in out.stderr
    bad = tmp_path / "f.json"
    bad.write_text('{"merchant.closed_shop": tru}', encoding="utf-8")
    out = run_cli(["ask", DEPOSIT, "may_deduct_deposit", "--facts", str(bad)])
    assert out.returncode == 1 and f"{bad}:1:" in out.stderr


def test_ask_on_a_contract_with_errors(tmp_path: Path) -> None:
    broken = tmp_path / "b.clause"
    broken.write_text(
        'contract b title "B" source "x" language en calendar CN\nparty\n', encoding="utf-8"
    )
    out = run_cli(["ask", str(broken), "q"])
    assert out.returncode == 1 and "cannot evaluate" in out.stderr


def test_test_command_runs_scenarios_and_reports_coverage() -> None:
    out = run_cli(["test", str(REPO / "contracts"), str(REPO / "docs" / "examples")])
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1].endswith("passed, 0 failed")
    assert any(
        line.startswith("coverage soolife_deposit: ") and "not exercised: " in line
        for line in lines
    )


def test_test_command_reports_a_failing_scenario(tmp_path: Path) -> None:
    text = (
        Path(DEPOSIT)
        .read_text(encoding="utf-8")
        .replace(
            "expect release_deadline is 2025-02-13", "expect release_deadline is 2025-02-07", 1
        )
    )
    path = tmp_path / "deposit.clause"
    path.write_text(text, encoding="utf-8")
    out = run_cli(["test", str(path)])
    assert out.returncode == 1
    assert "expected the date 2025-02-07, got the date 2025-02-13" in out.stdout
    assert out.stdout.splitlines()[-1].endswith("1 failed")
    data = json.loads(run_cli(["test", str(path), "--json"]).stdout)
    assert (
        data["failed"] == 1
        and data["contracts"][0]["failures"][0]["question"] == "release_deadline"
    )


def test_test_command_shows_the_warnings_of_answers(tmp_path: Path) -> None:
    """A scenario whose working days run past the calendar's known years passes, with the
    warning `ask` gives for the same facts."""
    path = tmp_path / "late.clause"
    path.write_text(
        'contract late title "Late" source "l.txt" language en calendar CN\n'
        'party a role "A"\naction pay "pay"\nobject fee "the fee"\nevent billed\n'
        'clause "1"\n  quote "Pay within 10 working days of the bill."\n'
        "  a must pay fee\n    within 10 working days after billed\n"
        "question pay_by : deadline of a pay fee\n"
        'scenario "billed in 2065"\n  given billed = 2065-03-02\n'
        '  expect pay_by is 2065-03-16 because "1"\n',
        encoding="utf-8",
    )
    out = run_cli(["test", str(path)])
    asked = run_cli(["ask", str(path), "pay_by", "--fact", "billed=2065-03-02"])
    warnings = [
        line.split("warning: ", 1)[1] for line in asked.stdout.splitlines() if "warning: " in line
    ]
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(warnings) == 2 and any("2060" in w for w in warnings)
    for w in warnings:
        assert f'late.clause:13:3: scenario "billed in 2065", pay_by: {w}\n' in out.stdout
    data = json.loads(run_cli(["test", str(path), "--json"]).stdout)
    assert [w["message"] for w in data["contracts"][0]["warnings"]] == warnings


@pytest.mark.parametrize("target, suffix", [("python", ".py"), ("json", ".ir.json")])
def test_emit_writes_atomically(tmp_path: Path, target: str, suffix: str) -> None:
    out = run_cli(["emit", DEPOSIT, "--target", target, "-o", str(tmp_path / "out")])
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"soolife_deposit{suffix}"]


def test_emit_into_an_unwritable_place_fails_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = run_cli(["emit", DEPOSIT, "--target", "python", "-o", str(blocker / "sub")])
    assert out.returncode == 2 and "cannot write" in out.stderr and "Traceback" not in out.stderr
