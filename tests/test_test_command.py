"""`clausec test` for review pipelines: JUnit XML reports (validated against the Jenkins/Ant
JUnit schema in tests/schemas/junit.xsd), --min-coverage, -o FILE and the progress line.
The text and JSON reports themselves are tested in tests/test_cli_eval.py."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
import xmlschema

from clausec.cli import _Progress
from clausec.evaluation.junit import xml_text
from clausec.evaluation.scenarios import Coverage

from conftest import REPO, run_cli, run_cli_process

SCHEMA = xmlschema.XMLSchema(REPO / "tests" / "schemas" / "junit.xsd")
DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"

HEADER = (
    'contract t title "T" source "t.txt" language en calendar CN\n'
    'party a role "A"\naction pay "pay"\naction refund "refund"\nobject fee "the fee"\n'
    "fact f : boolean\nevent billed\n"
    'clause "1"\n  quote "Pay when f."\n  a must pay fee\n    when f\n'
    'clause "2"\n  quote "Refund within 10 days of the bill."\n  a must refund fee\n'
    "    within 10 days after billed\n"
    "question must_pay : must a pay fee\n"
    "question refund_by : deadline of a refund fee\n"
)
PASSING = 'scenario "f holds"\n  given f = true\n  expect must_pay is obliged because "1"\n'
FAILING = 'scenario "f fails"\n  given f = false\n  expect must_pay is obliged because "1"\n'
ERRING = (
    'scenario "billed at the end of time"\n  given billed = 9999-12-30\n'
    "  expect refund_by is 9999-12-31\n"
)


def _write(folder: Path, body: str, name: str = "t.clause") -> Path:
    path = folder / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _junit(*args: str, cwd: Path | None = None) -> tuple[int, ET.Element, str]:
    """Run `clausec test ARGS --format junit`; the exit code, the parsed report (validated
    against the schema) and standard error."""
    out = run_cli(["test", *args, "--format", "junit"], cwd=cwd)
    assert "Traceback" not in out.stderr, out.stderr
    SCHEMA.validate(out.stdout)
    return out.returncode, ET.fromstring(out.stdout), out.stderr


# ------------------------------------------------------------------ JUnit


def test_the_shipped_contracts_give_a_valid_report_with_one_case_per_scenario() -> None:
    code, root, _ = _junit("contracts", "docs/examples", cwd=REPO)
    assert code == 0
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    files = [s.get("name") for s in suites]
    assert len(files) == len(set(files)), "one suite per contract file"
    assert "contracts/soolife/deposit.clause" in files
    cases = root.findall("testsuite/testcase")
    text = run_cli(["test", str(REPO / "contracts"), str(REPO / "docs" / "examples")]).stdout
    assert text.splitlines()[-1] == "638 passed, 0 failed"  # expectations, not scenarios
    assert len(cases) == int(root.get("tests", "")) > 50
    assert all(int(s.get("tests", "")) == len(s.findall("testcase")) for s in suites)
    assert root.get("failures") == root.get("errors") == "0"
    assert {c.get("classname") for c in cases} >= {"soolife_deposit", "hk_payments"}
    assert not root.findall(".//failure") and not root.findall(".//error")


def test_a_failing_scenario_is_a_failure_with_the_details(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING + FAILING)
    code, root, _ = _junit(path.name, cwd=tmp_path)
    assert code == 1
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "t.clause"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    passed, failed = suite.findall("testcase")
    assert (passed.get("name"), passed.get("classname")) == ("f holds", "t")
    assert list(passed) == []
    assert (failed.get("name"), failed.get("classname")) == ("f fails", "t")
    (failure,) = failed
    assert failure.tag == "failure" and failure.get("type") == "expectation"
    assert failure.get("message") == "must_pay: expected obliged, got not obliged"
    assert failure.text == (
        "t.clause:23:3: must_pay\n"
        "  expected obliged, got not obliged\n"
        '  expected grounds "1", got none\n'
        "  the answer rests on no clause\n"
    )


def test_a_wrong_answer_names_the_clauses_it_rests_on(tmp_path: Path) -> None:
    text = DEPOSIT.read_text(encoding="utf-8").replace(
        "expect release_deadline is 2025-02-13", "expect release_deadline is 2025-02-07", 1
    )
    (tmp_path / "deposit.clause").write_text(text, encoding="utf-8")
    code, root, _ = _junit("deposit.clause", cwd=tmp_path)
    assert code == 1
    (failure,) = root.findall(".//failure")
    assert failure.get("message") == (
        "release_deadline: expected the date 2025-02-07, got the date 2025-02-13"
    )
    assert failure.text is not None
    assert "  expected the date 2025-02-07, got the date 2025-02-13\n" in failure.text
    assert "  the answer rests on clause" in failure.text


def test_an_evaluation_error_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING + ERRING + FAILING)
    code, root, _ = _junit(str(path))
    assert code == 1
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    case = root.find("testsuite/testcase[@name='billed at the end of time']")
    assert case is not None
    (error,) = case
    assert error.tag == "error" and error.get("type") == "EvaluationError"
    assert "is not a date between 0001-01-01 and 9999-12-31" in (error.get("message") or "")
    assert (error.text or "").startswith(f"{path}:23:3: refund_by\n  cannot evaluate: ")


HOSTILE = "q\"uote 'apos' <lt> &amp; & ]]> ]]&gt; \\\" tab\tend"
CONTROLS = "\x01\x08\x0b\x0c\x1b\x1f\ufffe\uffff"


def test_hostile_titles_round_trip_through_an_xml_parser(tmp_path: Path) -> None:
    escaped = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    controls = "".join(f"\\u{{{ord(c):x}}}" for c in CONTROLS)
    body = (
        f'scenario "{escaped}"\n  given f = true\n  expect must_pay is obliged\n'
        f'scenario "{escaped} {controls}\\nline two"\n  given f = false\n'
        "  expect must_pay is obliged\n"
    )
    path = _write(tmp_path, body)
    code, root, _ = _junit(str(path))
    assert code == 1
    first, second = root.findall("testsuite/testcase")
    assert first.get("name") == HOSTILE
    replaced = "\N{REPLACEMENT CHARACTER}" * len(CONTROLS)
    assert second.get("name") == f"{HOSTILE} {replaced}\nline two"
    (failure,) = second
    assert failure.tag == "failure"
    # The text report shows no control character either (a title must not move the cursor);
    # U+FFFE and U+FFFF are no controls, and a terminal shows them as it can.
    text = run_cli(["test", str(path)]).stdout
    assert not any(c in text for c in "\x01\x08\x0b\x0c\x1b\x1f\t")
    shown = HOSTILE.replace("\t", "\ufffd") + " " + "\ufffd" * 6 + "\ufffe\uffff\ufffdline two"
    assert f'FAILED {path}:23:3: scenario "{shown}", must_pay\n' in text


def test_xml_text_replaces_only_what_xml_cannot_hold() -> None:
    allowed = "\t\n\r <&>\"' \x7f\x85\u2028 中文 😀"
    assert xml_text(allowed) == allowed
    assert xml_text("a\x00b\x1fc\ufffe\ud800") == "a\ufffdb\ufffdc\ufffd\ufffd"


def test_the_report_is_deterministic_unless_times_are_asked_for(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING + FAILING)
    runs = [run_cli(["test", str(path), "--format", "junit"]).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert "timestamp" not in runs[0] and 'time="0.000"' in runs[0]
    timed = run_cli(["test", str(path), "--format", "junit", "--record-times"])
    SCHEMA.validate(timed.stdout)
    suite = ET.fromstring(timed.stdout).find("testsuite")
    assert suite is not None and len(suite.get("timestamp", "")) == len("2025-01-01T00:00:00")
    out = run_cli(["test", str(path), "--record-times"])
    assert out.returncode == 2 and "--record-times applies to --format junit" in out.stderr


def test_output_file_is_written_and_stdout_keeps_the_text_report(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING + FAILING)
    out = run_cli(["test", str(path), "--format", "junit", "-o", "report.xml"], cwd=tmp_path)
    assert out.returncode == 1
    assert out.stdout.startswith('FAILED t.clause:23:3: scenario "f fails", must_pay\n')
    assert out.stdout.endswith("1 passed, 1 failed\n")
    assert out.stderr == "wrote report.xml\n"
    SCHEMA.validate((tmp_path / "report.xml").read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xml", "t.clause"]
    out = run_cli(["test", str(path), "--json", "-o", "report.json"], cwd=tmp_path)
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["failed"] == 1
    out = run_cli(["test", str(path), "-o", "report.txt"], cwd=tmp_path)
    assert out.stdout == "" and (tmp_path / "report.txt").read_text().endswith("1 failed\n")
    dash = run_cli(["test", str(path), "--format", "junit", "-o", "-"], cwd=tmp_path)
    assert dash.stdout == run_cli(["test", str(path), "--format", "junit"], cwd=tmp_path).stdout
    assert dash.stderr == "" and not (tmp_path / "-").exists()


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = run_cli(["test", str(path), "--format", "junit", "-o", str(blocker / "r.xml")])
    assert out.returncode == 2 and "cannot write" in out.stderr
    assert "Traceback" not in out.stderr


def test_json_is_an_alias_of_format_json(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING + FAILING)
    alias = run_cli(["test", str(path), "--json"])
    full = run_cli(["test", str(path), "--format", "json"])
    assert alias.returncode == full.returncode == 1 and alias.stdout == full.stdout
    data = json.loads(full.stdout)
    assert data["coverage"] == {
        "clauses": {"covered": 1, "total": 2},
        "questions": {"covered": 1, "total": 2},
    }
    assert data["contracts"][0]["asked"] == ["must_pay"]
    assert data["contracts"][0]["not_asked"] == ["refund_by"]
    both = run_cli(["test", str(path), "--json", "--format", "junit"])
    assert both.returncode == 2 and "give one of --json and --format junit" in both.stderr


# ------------------------------------------------------------------ --min-coverage


def test_min_coverage_met_passes(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING)  # 1 of 2 clauses, 1 of 2 questions
    out = run_cli(["test", str(path), "--min-coverage", "50"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-2:] == [
        "coverage of all contracts: 1 of 2 normative clauses (50%), 1 of 2 questions (50%)",
        "1 passed, 0 failed",
    ]
    assert out.stderr == ""
    assert run_cli(["test", str(path), "--min-coverage", "0"]).returncode == 0
    assert run_cli(["test", str(path), "--min-coverage", "50%"]).returncode == 0


def test_min_coverage_below_fails_and_says_which_and_by_how_much(tmp_path: Path) -> None:
    path = _write(tmp_path, PASSING)
    out = run_cli(["test", str(path), "--min-coverage", "75"])
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "error: clause coverage is 50% (1 of 2 normative clauses), below --min-coverage 75% "
        "by 25 points: 1 more normative clause must be exercised",
        "error: question coverage is 50% (1 of 2 questions), below --min-coverage 75% "
        "by 25 points: 1 more question must be asked by a scenario",
    ]
    code, root, stderr = _junit(str(path), "--min-coverage", "75")
    assert code == 1 and stderr.count("error: ") == 2
    suite = root.find("testsuite[@name='clausec test --min-coverage']")
    assert suite is not None and suite.get("failures") == "2"
    messages = [f.get("message") or "" for f in suite.iter("failure")]
    assert messages[0].startswith("clause coverage is 50%")
    assert root.get("tests") == "3" and root.get("failures") == "2"
    data = json.loads(run_cli(["test", str(path), "--json", "--min-coverage", "75"]).stdout)
    assert data["min_coverage"] == {"percent": "75", "below": ["clauses", "questions"]}


def test_min_coverage_names_only_the_coverage_that_is_short(tmp_path: Path) -> None:
    # Both questions asked; one clause of two exercised.
    path = _write(tmp_path, PASSING + ERRING)
    out = run_cli(["test", str(path), "--min-coverage", "100"])
    assert out.returncode == 1
    assert [line.split(" is ")[0] for line in out.stderr.splitlines()] == ["error: clause coverage"]


@pytest.mark.parametrize("value", ["abc", "101", "-5", "nan", "inf", "", "1e2", "50.5.5", "٥٠"])
def test_a_bad_min_coverage_is_a_usage_error(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, PASSING)
    out = run_cli(["test", str(path), "--min-coverage", value])
    assert out.returncode == 2, out.stdout + out.stderr
    assert "--min-coverage" in out.stderr and "Traceback" not in out.stderr


def test_coverage_thresholds_are_exact() -> None:
    four_of_five = Coverage("clause", 4, 5)
    assert four_of_five.percent == 80 and four_of_five.missing(Fraction(80)) == 0
    assert four_of_five.missing(Fraction(801, 10)) == 1
    assert Coverage("question", 0, 0).percent == 100  # nothing to cover
    assert Coverage("clause", 198, 263).missing(Fraction(80)) == 13


# ------------------------------------------------------------------ progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_one_line_rewritten_on_a_terminal_and_erased(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    stream = _Terminal()
    progress = _Progress(3, stream)
    for done, name in enumerate(["a", "bb", "c"]):
        progress.advance(done, name)
    progress.close()
    written = stream.getvalue()
    assert "\n" not in written and "\x1b" not in written
    assert written.startswith("\rrunning scenarios: 0 of 3 contracts (a)")
    assert written.endswith("\r")
    assert written.rsplit("\r", 2)[-2].strip() == ""  # the line is blanked at the end


@pytest.mark.parametrize("case", ["pipe", "dumb", "one contract"])
def test_progress_only_on_a_capable_terminal(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    monkeypatch.setenv("TERM", "dumb" if case == "dumb" else "xterm")
    stream = io.StringIO() if case == "pipe" else _Terminal()
    progress = _Progress(1 if case == "one contract" else 5, stream)
    progress.advance(0, "a")
    progress.close()
    assert stream.getvalue() == ""


def test_no_progress_in_a_pipe() -> None:
    out = run_cli_process(["test", str(REPO / "contracts")])
    assert out.returncode == 0 and "\r" not in out.stderr and out.stderr == ""


@pytest.mark.parametrize(
    "report",
    [
        '<testsuites><testsuite name="f"/></testsuites>',  # a suite without its test count
        '<testsuites><testsuite name="f" tests="-1"/></testsuites>',
        '<testsuites><testsuite name="f" tests="1"><testcase/></testsuite></testsuites>',
        '<testsuites><testsuite name="f" tests="1"><testcase name="c" time="soon"/>'
        "</testsuite></testsuites>",
        '<testsuites><testsuite name="f" tests="0" timestamp="2025-01-01T00:00:00Z"/></testsuites>',
        '<testsuites><testsuite name="f" tests="1"><testcase name="c"><oops/></testcase>'
        "</testsuite></testsuites>",
        '<testsuites colour="red"/>',
    ],
)
def test_the_schema_rejects_what_the_format_does_not_allow(report: str) -> None:
    assert not SCHEMA.is_valid(report)
