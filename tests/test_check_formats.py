"""`clausec check` for review pipelines: JSON with witnesses and suppressions, GitHub
workflow commands (escaping), --select / --ignore, --fail-on with accepted findings,
--show-info, --no-analysis, the accept directive's errors, and byte-identical output."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from clausec.diagnostics.github import _data, _prop
from clausec.driver import compile_text

from conftest import REPO, run_cli, run_cli_process

CHECKS = Path(__file__).parent / "golden" / "checks"
W0501 = "w0501_obligation_prohibition.clause"


def test_json_has_witness_and_suppressed() -> None:
    result = run_cli(["check", "--format", "json", W0501, "accepted.clause"], cwd=CHECKS)
    assert result.returncode == 1  # the W0501 of the first file is not accepted
    doc = json.loads(result.stdout)
    by_file = {}
    for d in doc["diagnostics"]:
        by_file.setdefault(d["span"]["file"], []).append(d)
    (conflict,) = by_file[W0501]
    assert conflict["witness"] == {
        "deposit.balance": "0 CNY",
        "merchant.clean": "true",
        "service.stopped": "2025-01-01",
    }
    assert "suppressed" not in conflict
    accepted = by_file["accepted.clause"]
    assert {d["code"]: d["suppressed"]["reason"] for d in accepted} == {
        "I0541": "the annex reads merchant.rating",
        "W0501": "the source really says both; raised with the drafters",
    }
    assert doc["summary"] == {"error": 0, "warning": 1, "info": 0, "accepted": 2}


def test_accepted_findings_do_not_fail() -> None:
    result = run_cli(["check", "accepted.clause"], cwd=CHECKS)
    assert result.returncode == 0, result.stdout
    # Counted in the summary, listed only when asked.
    assert result.stdout == "checked 1 file: 0 errors, 0 warnings (2 accepted)\n"
    shown = run_cli(["check", "--show-accepted", "accepted.clause"], cwd=CHECKS).stdout
    assert "accepted warning[W0501]" in shown and "accepted info[I0541]" not in shown
    assert "= accepted: the source really says both; raised with the drafters" in shown
    assert shown.endswith("checked 1 file: 0 errors, 0 warnings (2 accepted)\n")
    # Infos, accepted or not, with --show-info as well.
    full = run_cli(["check", "--show-info", "--show-accepted", "accepted.clause"], cwd=CHECKS)
    assert "accepted info[I0541]" in full.stdout
    assert full.stdout.endswith("checked 1 file: 0 errors, 0 warnings (2 accepted)\n")
    github = run_cli(["check", "--format", "github", "accepted.clause"], cwd=CHECKS).stdout
    assert github == "checked 1 file: 0 errors, 0 warnings (2 accepted)\n"


def test_accept_in_one_clause_covers_only_that_clause(tmp_path: Path) -> None:
    text = (CHECKS / "accepted.clause").read_text(encoding="utf-8")
    # Move the accept to a clause that has nothing to do with the conflict.
    text = text.replace(
        '  accept W0501 because "the source really says both; raised with the drafters"\n', ""
    )
    text += (
        '\nclause "7"\n  quote "q"\n  accept W0501 because "elsewhere"\n'
        "  platform must release deposit\n    when deposit.balance > 5 CNY\n"
        "    unless deposit.balance > 4 CNY\n"
    )
    (tmp_path / "a.clause").write_text(text, encoding="utf-8")
    result = run_cli(["check", "--format", "json", "a.clause"], cwd=tmp_path)
    doc = json.loads(result.stdout)
    conflicts = [d for d in doc["diagnostics"] if d["code"] == "W0501"]
    assert conflicts and all("suppressed" not in d for d in conflicts if d["span"]["line"] < 24)
    assert result.returncode == 1


@pytest.mark.parametrize(
    "directive,code",
    [
        ("  accept W0501\n", "E0409"),
        ('  accept W0501 because ""\n', "E0409"),
        ('  accept E0300 because "no"\n', "E0410"),
        ('  accept W7777 because "no"\n', "E0410"),
    ],
)
def test_accept_directive_errors(directive: str, code: str) -> None:
    text = (CHECKS / "accepted.clause").read_text(encoding="utf-8")
    text = text.replace(
        '  accept W0501 because "the source really says both; raised with the drafters"\n',
        directive,
    )
    assert code in [d.code for d in compile_text(text, "x.clause").diagnostics]


def test_github_format() -> None:
    result = run_cli(
        ["check", "--format", "github", "--show-info", "--show-accepted", "."], cwd=CHECKS
    )
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("checked ")
    commands = lines[:-1]
    assert commands and all(
        line.startswith(("::error ", "::warning ", "::notice ")) for line in commands
    )
    first = next(line for line in commands if "title=W0501" in line and "w0501" in line)
    assert first.startswith(
        "::warning file=w0501_obligation_prohibition.clause,line=26,col=3,"
        "endLine=27,endColumn=37,title=W0501::"
    )
    assert "%0Awitness: --fact 'deposit.balance=0 CNY'" in first
    assert "\n" not in first and "\r" not in first
    accepted = [line for line in commands if "accepted.clause" in line]
    assert accepted and all(
        line.startswith("::notice ") and "(accepted)" in line for line in accepted
    )
    assert any(line.startswith("::notice ") and "title=I0504" in line for line in commands)


def test_github_escaping() -> None:
    assert _data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert _prop("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_escapes_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "a,b:c"
    folder.mkdir()
    (folder / "x.clause").write_text((CHECKS / W0501).read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli(["check", "--format", "github", "a,b:c/x.clause"], cwd=tmp_path)
    assert "file=a%2Cb%3Ac/x.clause," in result.stdout


def test_select_and_ignore() -> None:
    def codes(*args: str) -> set[str]:
        out = run_cli(["check", "--format", "json", *args, "."], cwd=CHECKS)
        return {d["code"] for d in json.loads(out.stdout)["diagnostics"]}

    everything = codes()
    assert {"W0501", "W0530", "I0504", "W0540"} <= everything
    assert codes("--select", "W0501") == {"W0501"}
    assert codes("--select", "W053,I0504") == {"W0530", "W0531", "W0532", "I0504"}
    assert codes("--select", "W05", "--select", "W0540") == {
        c for c in everything if c.startswith("W05")
    }
    assert codes("--ignore", "I") == {c for c in everything if not c.startswith("I")}
    assert codes("--select", "W", "--ignore", "W05") == set()
    ok = run_cli(["check", "--select", "I", W0501], cwd=CHECKS)
    assert ok.returncode == 0  # the only warning is not selected


@pytest.mark.parametrize("bad", ["X0501", "W05x", "W050101", "0501"])
def test_bad_codes_are_usage_errors(bad: str) -> None:
    result = run_cli(["check", "--select", bad, W0501], cwd=CHECKS)
    assert result.returncode == 2 and "--select" in result.stderr
    assert "Traceback" not in result.stderr


def test_infos_are_shown_on_request() -> None:
    plain = run_cli(["check", "i0504_resolved.clause"], cwd=CHECKS).stdout
    full = run_cli(["check", "--show-info", "i0504_resolved.clause"], cwd=CHECKS).stdout
    assert "info[I0504]" not in plain and "info[I0504]" in full
    # Counted either way.
    assert plain.endswith("checked 1 file: 0 errors, 1 warning (3 infos)\n")
    assert full.endswith("checked 1 file: 0 errors, 1 warning (3 infos)\n")


def test_no_analysis() -> None:
    result = run_cli(["check", "--no-analysis", W0501], cwd=CHECKS)
    assert result.returncode == 0 and result.stdout == "checked 1 file: 0 errors, 0 warnings\n"


def test_fail_on_error_lets_conflicts_pass() -> None:
    assert run_cli(["check", "--fail-on", "error", W0501], cwd=CHECKS).returncode == 0
    assert run_cli(["check", W0501], cwd=CHECKS).returncode == 1


def test_files_with_errors_are_not_analysed(tmp_path: Path) -> None:
    text = (CHECKS / W0501).read_text(encoding="utf-8") + "\nfact broken : nosuchtype\n"
    (tmp_path / "e.clause").write_text(text, encoding="utf-8")
    out = run_cli(["check", "--format", "json", "e.clause"], cwd=tmp_path).stdout
    codes = [d["code"] for d in json.loads(out)["diagnostics"]]
    assert codes and "W0501" not in codes


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_is_byte_identical(fmt: str, tmp_path: Path) -> None:
    # A snapshot: the shipped contracts may be edited while the suite runs.
    shutil.copytree(REPO / "contracts", tmp_path / "contracts")
    shutil.copytree(CHECKS, tmp_path / "checks")
    outs = [
        run_cli_process(
            ["check", "--format", fmt, "--show-info", "checks", "contracts"],
            cwd=tmp_path,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "random")
    ]
    for other in outs[1:]:
        diff = difflib.unified_diff(outs[0].splitlines(), other.splitlines(), lineterm="")
        assert other == outs[0], "\n".join(list(diff)[:60])


def test_help_does_not_import_z3() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from clausec.cli import cli\n"
        "try:\n    cli.main(['check', '--help'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "assert 'z3' not in sys.modules and 'networkx' not in sys.modules, 'imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
