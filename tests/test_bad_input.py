"""Hostile and broken input through the command line: ``python -m clausec check``.

Every bad file must give exit code 1, at least one diagnostic naming FILE:LINE:COL, and never
a Python traceback; unusable paths give exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import GOLDEN_DIR, PRELUDE, REPO, run_cli

NAME = "bad.clause"
LOCATION = re.compile(r"--> bad\.clause:(\d+):(\d+)")


def check_bad(
    tmp_path: Path, content: bytes | str, *extra: str
) -> tuple[str, list[tuple[int, int]]]:
    path = tmp_path / NAME
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="\n")
    else:
        path.write_bytes(content)
    result = run_cli(["check", *extra, NAME], cwd=tmp_path)
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert "internal error" not in out, out
    assert result.returncode == 1, out
    locations = [(int(a), int(b)) for a, b in LOCATION.findall(result.stdout)]
    assert locations, out
    lines = max(1, (content if isinstance(content, bytes) else content.encode()).count(b"\n") + 1)
    for line, column in locations:
        assert 1 <= line <= lines and column >= 1, (line, column)
    return result.stdout, locations


def norm_clause(number: str, condition: str = "f") -> str:
    return f'\nclause "{number}"\n  quote "q"\n  a must pay fee\n    when {condition}\n'


def test_empty_file(tmp_path: Path) -> None:
    out, locations = check_bad(tmp_path, b"")
    assert "error[E0004]" in out and locations == [(1, 1)]


def test_whitespace_only_file(tmp_path: Path) -> None:
    out, _ = check_bad(tmp_path, "\n   \n\t\n")
    assert "error[E0004]" in out


def test_binary_junk(tmp_path: Path) -> None:
    out, locations = check_bad(tmp_path, b"contract x\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert "error[E0003]" in out
    assert locations[0] == (4, 1)


def test_invalid_utf8(tmp_path: Path) -> None:
    out, locations = check_bad(tmp_path, PRELUDE.encode() + b'party c role "caf\xe9"\n')
    assert "error[E0002]" in out and "0xe9" in out
    assert locations == [(PRELUDE.count("\n") + 1, 18)]


@pytest.mark.parametrize(
    "text, code, line, column",
    [
        ('contract a\n  title "\ud800"\n', "E0002", 2, 10),  # a lone surrogate is no character
        ("contract a\n\x00", "E0003", 2, 1),
    ],
)
def test_text_that_no_file_could_hold_is_refused(
    text: str, code: str, line: int, column: int
) -> None:
    import clausec

    result = clausec.compile_text(text, "mem.clause")
    assert [
        (d.code, d.span.line, d.span.column) for d in result.diagnostics if d.span is not None
    ] == [(code, line, column)]
    assert not result.ok and not result.contracts


def test_a_token_running_over_lines_is_shown_on_its_first_line() -> None:
    import clausec

    text = PRELUDE + 'fact"\nfact a.b : boolean "long description here"\n'
    (d,) = clausec.compile_text(text, "mem.clause").diagnostics
    line = PRELUDE.count("\n") + 1
    assert (d.code, d.message) == ("E0100", 'unexpected `"…`')
    assert d.span is not None and (
        d.span.line,
        d.span.column,
        d.span.end_line,
        d.span.end_column,
    ) == (line, 5, line, 6)


def test_latin1_after_cjk_reports_character_column(tmp_path: Path) -> None:
    _, locations = check_bad(tmp_path, 'contract x title "质保金'.encode() + b'\xff"\n')
    assert locations == [(1, 22)]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.clause").write_bytes(b"\xef\xbb\xbf" + PRELUDE.encode())
    result = run_cli(["check", "bom.clause"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unterminated_string_at_end_of_file(tmp_path: Path) -> None:
    text = PRELUDE + '\nclause "1"\n  quote "never closed\n  a must pay fee\n'
    out, locations = check_bad(tmp_path, text)
    line = PRELUDE.count("\n") + 3
    assert "error[E0102]: unterminated string" in out
    assert locations == [(line, 9)]


def test_unterminated_string_before_more_clauses(tmp_path: Path) -> None:
    """Strings may span lines, so the quote runs on to the next clause's opening quote; the
    diagnostic must still point the user at the string that is never closed."""
    text = (
        PRELUDE
        + '\nclause "1"\n  quote "never closed\n  a must pay fee\n'
        + norm_clause("2")
        + norm_clause("3")
    )
    out, locations = check_bad(tmp_path, text)
    line = PRELUDE.count("\n") + 3
    assert (line, 9) in locations, out


def test_runaway_string_of_escaped_quotes(tmp_path: Path) -> None:
    """An unterminated string of 2 million escaped quotes (the recovery scan once took time
    quadratic in them) is one E0102 at its opening quote."""
    text = PRELUDE + '\nclause "1"\n  quote "' + '\\"' * 2_000_000 + "\n" + norm_clause("2")
    out, locations = check_bad(tmp_path, text)
    assert "error[E0102]" in out
    assert locations == [(PRELUDE.count("\n") + 3, 9)]


def test_ten_megabyte_quote(tmp_path: Path) -> None:
    """A long verbatim quote is ordinary text (it once took a gigabyte to lex)."""
    path = tmp_path / "long.clause"
    quote = '合同条款 \\" ' * 600_000
    path.write_text(PRELUDE + norm_clause("1").replace('"q"', f'"{quote}"'), encoding="utf-8")
    result = run_cli(["check", "--no-analysis", "long.clause"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("opening, closing", [("(", ")"), ("not (", ")")])
def test_deep_nesting(tmp_path: Path, opening: str, closing: str) -> None:
    depth = 5000
    text = PRELUDE + norm_clause("1", opening * depth + "f" + closing * depth)
    out, locations = check_bad(tmp_path, text)
    assert "error[E0103]" in out
    assert all(line == PRELUDE.count("\n") + 5 for line, _ in locations)


@pytest.mark.parametrize(
    "expr",
    [
        "- " * 5000 + "n > 0",
        " or ".join(["f"] * 5000),
        "earliest of (" * 3000 + "d" + ")" * 3000 + " has occurred",
    ],
    ids=["unary-minus", "flat-or", "nested-earliest"],
)
def test_other_deep_or_long_expressions(tmp_path: Path, expr: str) -> None:
    """Long flat chains and deep unary/function nesting: a diagnostic, never a crash."""
    path = tmp_path / NAME
    path.write_text(PRELUDE + norm_clause("1", expr), encoding="utf-8")
    result = run_cli(["check", NAME], cwd=tmp_path)
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "internal error" not in out, out
    assert result.returncode in (0, 1), out


def test_five_megabyte_file(tmp_path: Path) -> None:
    parts = [PRELUDE]
    size = len(PRELUDE.encode())
    i = 0
    while size < 5_000_000:
        i += 1
        part = (
            f'\nclause "{i}"\n  quote "甲方应在十个工作日内返还质保金（第{i}条）"\n'
            f'  gloss "release within ten working days"\n  a must pay fee to b\n'
            f"    when f and m >= 100 CNY\n    within 10 working days after e + 3 months\n"
        )
        parts.append(part)
        size += len(part.encode())
    parts.append(norm_clause("last", "n + 1"))  # one error at the very end
    text = "".join(parts)
    assert len(text.encode()) > 5_000_000
    # Generous: tens of seconds are expected for 5 MB.
    out, locations = check_bad(tmp_path, text)
    assert "error[E0301]" in out
    assert locations == [(text.count("\n"), 10)]


@pytest.mark.parametrize(
    "body, code",
    [
        (norm_clause("1", "fx"), "E0200"),
        (norm_clause("1", "m > 100"), "E0300"),
        (norm_clause("1") + norm_clause("1", "g"), "E0205"),
        (
            norm_clause("1") + '\nclause "2"\n  quote "q"\n  a may pay fee\n    subject to "3"\n',
            "E0206",
        ),
        ('\nclause "1"\n  quote "q"\n  a must pay fee when f and and g\n', "E0100"),
        ('\nclause "1"\n  quote "q"\n  a must pay fee when f @ g\n', "E0101"),
        ("fact z : money ZZZ\n", "E0106"),
        (norm_clause("1", "m > " + "9" * 5000 + " CNY"), "E0106"),
        (norm_clause("1", "m > 1." + "0" * 60 + " CNY"), "E0106"),
    ],
)
def test_ordinary_errors(tmp_path: Path, body: str, code: str) -> None:
    out, _ = check_bad(tmp_path, PRELUDE + body)
    assert f"error[{code}]" in out


def test_many_syntax_errors_are_capped(tmp_path: Path) -> None:
    body = "".join(
        f'\nclause "{i}"\n  quote "q"\n  a must pay fee when f and )\n' for i in range(80)
    )
    out, locations = check_bad(tmp_path, PRELUDE + body)
    assert "too many syntax errors" in out
    assert 50 <= len(locations) <= 52


def test_control_characters_are_shown_safely(tmp_path: Path) -> None:
    out, _ = check_bad(tmp_path, PRELUDE + "fact z : boolean \x1b[31m\x07\n")
    assert "\x1b" not in out and "\x07" not in out


def test_missing_path() -> None:
    result = run_cli(["check", "does/not/exist.clause"], cwd=REPO)
    assert result.returncode == 2
    assert "does/not/exist.clause" in result.stderr and "Traceback" not in result.stderr


def test_folder_without_clause_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a clause file")
    result = run_cli(["check", "."], cwd=tmp_path)
    assert result.returncode == 2
    assert "no .clause files" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2() -> None:
    assert run_cli(["check"], cwd=REPO).returncode == 2
    assert run_cli(["check", "--format", "xml", "contracts"], cwd=REPO).returncode == 2
    assert run_cli(["frobnicate"], cwd=REPO).returncode == 2


def test_clean_contracts_exit_0() -> None:
    result = run_cli(["check", "contracts"], cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    # Findings the transcribers accepted (with a reason) and infos are counted, not listed: a
    # clean check is one line.
    assert re.fullmatch(
        r"checked \d+ files: 0 errors, 0 warnings \(\d+ infos, \d+ accepted\)\n", result.stdout
    ), result.stdout[-2000:]


def test_fail_on_error_ignores_warnings(tmp_path: Path) -> None:
    (tmp_path / "w.clause").write_text(
        PRELUDE + '\nclause "1"\n  quote "q"\n  a may pay fee\n    otherwise b must pay fee\n',
        encoding="utf-8",
    )
    assert run_cli(["check", "w.clause"], cwd=tmp_path).returncode == 1
    result = run_cli(["check", "--fail-on", "error", "w.clause"], cwd=tmp_path)
    assert result.returncode == 0 and "warning[W0100]" in result.stdout


def test_version() -> None:
    result = run_cli(["--version"], cwd=REPO)
    assert result.returncode == 0
    assert re.search(r"\b0\.1\.0\b", result.stdout)


# ---------------------------------------------------------------- JSON output

DIAGNOSTIC_KEYS = {"code", "severity", "message", "span", "label", "notes", "hint"}
SPAN_KEYS = {"file", "line", "column", "end_line", "end_column"}


def check_span(span: dict[str, object], lines: int) -> None:
    assert set(span) == SPAN_KEYS
    line, col, end_line, end_col = (
        span["line"],
        span["column"],
        span["end_line"],
        span["end_column"],
    )
    assert isinstance(line, int) and isinstance(end_line, int)
    assert isinstance(col, int) and isinstance(end_col, int)
    assert 1 <= line <= end_line <= lines, span
    assert col >= 1 and end_col >= 1
    if line == end_line:
        assert end_col >= col, span


def test_json_format(tmp_path: Path) -> None:
    text = PRELUDE + norm_clause("1", "m > 100") + norm_clause("1")
    (tmp_path / NAME).write_text(text, encoding="utf-8")
    result = run_cli(["check", "--format", "json", NAME], cwd=tmp_path)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert set(doc) == {"version", "files", "diagnostics", "summary"}
    assert doc["version"] == 1 and doc["files"] == [NAME]
    assert [d["code"] for d in doc["diagnostics"]] == ["E0300", "E0205"]
    for d in doc["diagnostics"]:
        assert set(d) == DIAGNOSTIC_KEYS
        assert d["severity"] == "error"
        check_span(d["span"], text.count("\n") + 1)
        assert d["span"]["file"] == NAME
        for note in d["notes"]:
            assert set(note) == {"message", "span"}
    assert doc["summary"] == {"error": 2, "warning": 0, "info": 0}


def test_json_format_clean() -> None:
    result = run_cli(["check", "--format", "json", "contracts"], cwd=REPO)
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert doc["summary"]["error"] == doc["summary"]["warning"] == 0
    assert [
        d for d in doc["diagnostics"] if d["severity"] != "info" and not d.get("suppressed")
    ] == []
    assert all(f.startswith("contracts/") and f.endswith(".clause") for f in doc["files"])


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN_DIR.glob("*.clause")))
def test_json_spans_are_well_formed(case: str) -> None:
    """Spans in JSON output stay inside the file and end after they start, also after a
    syntax error (when the parser recovers declaration by declaration)."""
    result = run_cli(["check", "--format", "json", case], cwd=GOLDEN_DIR)
    doc = json.loads(result.stdout)
    lines = (GOLDEN_DIR / case).read_text(encoding="utf-8").count("\n") + 1
    assert doc["diagnostics"]
    for d in doc["diagnostics"]:
        check_span(d["span"], lines)
        for note in d["notes"]:
            if note["span"] is not None:
                check_span(note["span"], lines)
