"""The registry of diagnostic codes (src/clausec/diagnostics/codes.py): every code raised in
src/ has a row, and every row points at a heading that exists in its documentation page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from clausec.diagnostics import Severity
from clausec.diagnostics.codes import CHECKS_PAGE, DIAGNOSTICS_PAGE, REGISTRY, TABLE, Code

from conftest import REPO

SOURCE = REPO / "src" / "clausec"
CODE = re.compile(r"[EWI][0-9]{4}")


def github_anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page: the heading text lower-cased,
    punctuation other than `-` and `_` dropped, spaces made `-`; a repeated anchor gets -1, -2…"""
    anchors: set[str] = set()
    fence = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = not fence
        match = None if fence else re.match(r"#{1,6} +(.*?) *#* *$", line)
        if match is None:
            continue
        base = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
        anchor, n = base, 0
        while anchor in anchors:
            n += 1
            anchor = f"{base}-{n}"
        anchors.add(anchor)
    return anchors


def codes_in_source() -> dict[str, list[str]]:
    """Every string literal of src/ that is a code, and where, outside the registry. All of
    them, not only the arguments of error(): a code also reaches a diagnostic through a
    variable (`"E0205" if … else "E0204"`, SourceDecodeError.code)."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "diagnostics" / "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if not CODE.fullmatch(node.value):
                    continue
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def test_the_anchor_finder_knows_githubs_rules() -> None:
    anchors = github_anchors(REPO / DIAGNOSTICS_PAGE)
    # docs/checks.md links here by this anchor; GitHub drops the em dash and the backticks.
    assert "w0540--refers-to-a-missing-clause" in anchors
    assert "e0002--invalid-utf-8" in anchors
    assert "w0501" in github_anchors(REPO / CHECKS_PAGE)


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.code)
def test_every_code_is_documented_at_its_anchor(row: Code) -> None:
    assert row.anchor in github_anchors(REPO / row.page), f"no heading {row.page}#{row.anchor}"


def test_every_code_raised_in_the_source_is_registered() -> None:
    missing = {code: where for code, where in codes_in_source().items() if code not in REGISTRY}
    assert not missing, f"codes raised but not in diagnostics/codes.py: {missing}"


def test_analysis_codes_are_raised_by_the_analyses() -> None:
    """A code is an analysis code (its passes, its page) when analysis/ raises it, and only
    then."""
    for code, places in codes_in_source().items():
        in_analysis = {place.startswith("src/clausec/analysis/") for place in places}
        assert in_analysis == {REGISTRY[code].analysis}, (code, places)


def test_rows() -> None:
    assert len(REGISTRY) == len(TABLE), "a code has two rows"
    prefix = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}
    for row in TABLE:
        assert CODE.fullmatch(row.code), row
        assert row.severity is prefix[row.code[0]]
        assert row.title and row.passes, row
        assert set(row.passes) <= PASSES, row
        # The analyses are documented in checks.md, the front end in diagnostics.md.
        assert all(p.startswith("analysis: ") for p in row.passes) == row.analysis, row
        assert row.page == (CHECKS_PAGE if row.analysis else DIAGNOSTICS_PAGE), row
        assert row.uri == f"https://github.com/clausec/clausec/blob/main/{row.page}#{row.anchor}"


PASSES = {
    "reading",
    "syntax",
    "names",
    "types",
    "lowering",
    "imports",
    "quotes",
    "analysis: conflicts",
    "analysis: deadlines",
    "analysis: dead norms",
    "analysis: references",
}
