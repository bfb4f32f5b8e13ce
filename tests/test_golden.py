"""Golden tests of the rendered text diagnostics (rustc-like, caret under the span).

Each ``tests/golden/diagnostics/NAME.clause`` is checked with ``clausec check NAME.clause``
from inside that folder (so that paths in the output are short and stable) and stdout is
compared with ``NAME.expected``. ``UPDATE_GOLDEN=1 pytest tests/test_golden.py`` rewrites the
expected files; review every change by eye before committing it: the expected output is what
a user should see, not whatever the compiler prints today.

Three expected files were written by hand because today's output is wrong (they fail until
the bugs are fixed; do not regenerate them blindly): ``incomplete_expression`` (the list of
what may follow omits keywords such as `not`, `true`, `today`), ``recovery_spans`` (after a
syntax error, spans ending in a keyword lose their end line, so the caret runs to the end of
the line) and ``reserved_word`` (one misuse of a keyword is reported twice: E0104 and E0200).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "diagnostics"
CASES = sorted(p.name for p in GOLDEN.glob("*.clause"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 17
    missing = [c for c in CASES if not (GOLDEN / c).with_suffix(".expected").is_file()]
    assert not missing or UPDATE, f"no .expected for {missing}; run with UPDATE_GOLDEN=1"
    orphans = [p.name for p in GOLDEN.glob("*.expected") if not p.with_suffix(".clause").exists()]
    assert not orphans


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    result = run_cli(["check", case], cwd=GOLDEN)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.stderr == ""
    assert result.returncode == 1, result.stdout  # every golden file has findings
    expected_path = (GOLDEN / case).with_suffix(".expected")
    if UPDATE:
        expected_path.write_text(result.stdout, encoding="utf-8", newline="\n")
    expected = expected_path.read_text(encoding="utf-8")
    assert result.stdout == expected


# ---------------------------------------------------------------- rendering invariants


def width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


_LOCATION = re.compile(r"^ *--> (?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+)$")


def carets(output: str) -> list[tuple[str, int, int, str, int, int]]:
    """(file, line, column, source text, caret display column, caret count) per diagnostic."""
    found = []
    lines = output.split("\n")
    for i, text in enumerate(lines):
        m = _LOCATION.match(text)
        if not m or i + 3 >= len(lines):
            continue
        src = lines[i + 2]
        marker = lines[i + 3]
        prefix = f"{m['line']} | "
        if not src.startswith(prefix):
            continue
        gutter = " " * len(m["line"]) + " | "
        assert marker.startswith(gutter), marker
        body = marker[len(gutter) :]
        col = len(body) - len(body.lstrip(" "))
        count = len(body.lstrip(" ")) - len(body.lstrip(" ").lstrip("^"))
        found.append((m["file"], int(m["line"]), int(m["col"]), src[len(prefix) :], col, count))
    return found


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("cjk")] or ["none"])
def test_caret_aligns_by_display_width(case: str) -> None:
    """Under CJK text the caret column is the display width (2 per wide character)."""
    source = (GOLDEN / case).read_text(encoding="utf-8").split("\n")
    output = run_cli(["check", case], cwd=GOLDEN).stdout
    found = carets(output)
    assert found
    for _file, line, col, shown, caret_col, _count in found:
        assert shown == source[line - 1]
        assert caret_col == width(source[line - 1][: col - 1])
        assert width(shown) > len(shown)  # there really is wide text on the line


def test_caret_count_covers_wide_text() -> None:
    output = run_cli(["check", "cjk_span_width.clause"], cwd=GOLDEN).stdout
    (found,) = carets(output)
    assert found[5] == width('"质保金" > 5 CNY')


def test_caret_width_under_a_wide_character(tmp_path: Path) -> None:
    text = (GOLDEN / "cjk_caret.clause").read_text(encoding="utf-8").split("\n")[:16]
    bad = "\n".join(text) + '\nevent 截止 "期限"\n'
    (tmp_path / "wide.clause").write_text(bad, encoding="utf-8")
    result = run_cli(["check", "wide.clause"], cwd=tmp_path)
    assert result.returncode == 1
    (found,) = carets(result.stdout)[:1]
    _file, line, col, _shown, caret_col, count = found
    assert (line, col) == (17, 7)
    assert caret_col == width("event ")
    assert count == 2  # one wide character is two columns wide


@pytest.mark.parametrize("case", CASES)
def test_golden_spans_are_consistent_with_the_source(case: str) -> None:
    """Every caret starts at the reported column and stays on the source line."""
    source = (GOLDEN / case).read_text(encoding="utf-8").split("\n")
    expected_path = (GOLDEN / case).with_suffix(".expected")
    if not expected_path.exists():
        pytest.skip("no expected output yet")
    for _file, line, col, shown, caret_col, count in carets(expected_path.read_text("utf-8")):
        assert shown == source[line - 1].rstrip()
        assert caret_col == width(source[line - 1][: col - 1])
        assert caret_col + count <= max(width(shown), caret_col + 1)
