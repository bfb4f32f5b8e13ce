"""The documentation stays true: its examples compile, and every diagnostic code is documented.

Conventions in docs/*.md (see docs/diagnostics.md):

* A fenced block marked ```clause that starts with ``contract`` is a complete file: it must
  compile with no diagnostic at all.
* A fenced block marked ```clause EXXXX (or WXXXX) in docs/diagnostics.md must produce exactly
  that one diagnostic. When it does not start with ``contract`` it is appended to the base file,
  the first complete ```clause block of docs/diagnostics.md. A plain ```clause fragment there
  (a fix) must compile clean when appended to the base file.
* A block in docs/language.md whose first line is ``# from docs/examples/NAME.clause`` is an
  excerpt: the lines after that comment appear verbatim in the example file.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clausec import check_paths, compile_text
from clausec.diagnostics.codes import CODES
from clausec.diagnostics.text import render_all_text
from clausec.syntax.grammar import reserved_words

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.clause"))
PAGES = sorted(DOCS.glob("*.md"))

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def _blocks(page: Path) -> list[tuple[str, str, int]]:
    """(info string, body, line number) of every fenced block of a page."""
    text = page.read_text(encoding="utf-8")
    return [
        (m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]


def _codes(text: str, name: str = "example.clause") -> list[str]:
    return [d.code for d in compile_text(text, name).diagnostics]


def _complete_blocks() -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        for info, body, line in _blocks(page):
            if info == "clause" and body.lstrip().startswith("contract"):
                out.append((f"{page.name}:{line}", body))
    return out


def _diagnostic_blocks() -> list[tuple[str, str, str]]:
    page = DOCS / "diagnostics.md"
    return [
        (f"diagnostics.md:{line}", info.split()[1], body)
        for info, body, line in _blocks(page)
        if info.startswith("clause ") and len(info.split()) == 2
    ]


def _base() -> str:
    for info, body, _ in _blocks(DOCS / "diagnostics.md"):
        if info == "clause" and body.lstrip().startswith("contract"):
            return body
    raise AssertionError("docs/diagnostics.md has no base file")


# ---------------------------------------------------------------- the example files


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_checks_clean(example: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "clausec", "check", str(example.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout


def test_examples_check_clean_together() -> None:
    """Checked as one folder: contract ids are distinct and imports resolve once."""
    result = subprocess.run(
        [sys.executable, "-m", "clausec", "check", "docs/examples", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- fenced blocks in the pages


@pytest.mark.parametrize("where,body", _complete_blocks(), ids=lambda x: str(x)[:40])
def test_complete_block_compiles_clean(where: str, body: str) -> None:
    result = compile_text(body, where)
    assert not result.diagnostics, [f"{d.code} {d.message} {d.span}" for d in result.diagnostics]


def test_some_complete_blocks_exist() -> None:
    assert len(_complete_blocks()) >= 3


def test_excerpts_match_their_example() -> None:
    checked = 0
    for info, body, line in _blocks(DOCS / "language.md"):
        first, _, rest = body.partition("\n")
        m = re.fullmatch(r"# from (docs/examples/[\w.]+\.clause)", first.strip())
        if info != "clause" or not m:
            continue
        source = (ROOT / m.group(1)).read_text(encoding="utf-8")
        assert rest in source, f"language.md:{line}: excerpt not found verbatim in {m.group(1)}"
        checked += 1
    assert checked >= 10


def test_reserved_word_list_is_complete() -> None:
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    m = re.search(r"^### Reserved words\n.*?^```text\n(.*?)^```", text, re.S | re.M)
    assert m, "language.md has no reserved-word list"
    assert set(m.group(1).split()) == set(reserved_words())


# ---------------------------------------------------------------- docs/diagnostics.md


def test_every_code_is_documented() -> None:
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ .*?\b([EW]\d{4})\b", text, re.M))
    missing = sorted(set(CODES) - headings)
    assert not missing, f"codes without a section in docs/diagnostics.md: {missing}"
    unknown = sorted(headings - set(CODES))
    assert not unknown, f"docs/diagnostics.md documents codes that do not exist: {unknown}"


def test_base_file_is_clean() -> None:
    assert _codes(_base()) == []


def test_fixes_shown_in_diagnostics_page_are_clean() -> None:
    """Plain ```clause fragments of docs/diagnostics.md (fixes) compile with the base file."""
    for info, body, line in _blocks(DOCS / "diagnostics.md"):
        if info == "clause" and not body.lstrip().startswith("contract"):
            assert _codes(_base() + "\n" + body) == [], f"diagnostics.md:{line}"


@pytest.mark.parametrize("where,code,body", _diagnostic_blocks(), ids=lambda x: str(x)[:40])
def test_diagnostic_example_triggers_its_code(where: str, code: str, body: str) -> None:
    text = body if body.lstrip().startswith("contract") else _base() + "\n" + body
    assert _codes(text) == [code], where


def _shown_outputs() -> list[tuple[str, str, str]]:
    """(where, example, the ```text block right after it) in docs/diagnostics.md."""
    blocks = _blocks(DOCS / "diagnostics.md")
    out = []
    for (info, body, line), (next_info, shown, _) in itertools.pairwise(blocks):
        if info.startswith("clause ") and next_info == "text":
            out.append((f"diagnostics.md:{line}", body, shown))
    return out


@pytest.mark.parametrize("where,body,shown", _shown_outputs(), ids=lambda x: str(x)[:40])
def test_shown_output_is_the_real_output(where: str, body: str, shown: str) -> None:
    """The page shows the real message and place (labels, notes and hints may be abridged)."""
    text = body if body.lstrip().startswith("contract") else _base() + "\n" + body
    result = compile_text(text, "example.clause")
    actual = render_all_text(result.diagnostics, result.sources).split("\n")
    expected = shown.rstrip("\n").split("\n")
    assert actual[:2] == expected[:2], where


def test_every_code_has_a_triggering_example() -> None:
    shown = {code for _, code, _ in _diagnostic_blocks()}
    # Codes about the file itself cannot be shown as clause text; they are tested below. The
    # quote checks need a source document (tests/test_quotes.py).
    file_level = {"E0001", "E0002", "E0003", "E0004", "E0005", "W0546", "W0547"}
    assert sorted(set(CODES) - shown - file_level) == []


def _check_file(tmp_path: Path, data: bytes, extra: dict[str, bytes] | None = None) -> list[str]:
    for name, content in (extra or {}).items():
        (tmp_path / name).write_bytes(content)
    path = tmp_path / "example.clause"
    path.write_bytes(data)
    return [d.code for d in check_paths([path]).diagnostics]


HEADER = (
    b'contract dpa title "Auftragsverarbeitung" source "004_09aed3b9005690a5.txt" '
    b"language de calendar DE-SN\n"
)


def test_e0001_unreadable_import(tmp_path: Path) -> None:
    codes = _check_file(tmp_path, HEADER + b'import main_contract from "main.clause"\n')
    assert "E0001" in codes


def test_e0005_import_outside_the_folder(tmp_path: Path) -> None:
    inner = tmp_path / "contracts"
    inner.mkdir()
    (tmp_path / "main.clause").write_bytes(HEADER.replace(b"dpa", b"main_contract"))
    data = HEADER + b'import main_contract from "../main.clause"\n'
    codes = _check_file(inner, data)
    assert "E0005" in codes and "E0001" not in codes


def test_e0002_invalid_utf8(tmp_path: Path) -> None:
    assert _check_file(tmp_path, HEADER + b'party customer role "Auftraggeber\xe4"\n') == ["E0002"]


def test_e0003_binary_file(tmp_path: Path) -> None:
    assert _check_file(tmp_path, b"PK\x03\x04\x00\x00") == ["E0003"]


def test_e0004_empty_file(tmp_path: Path) -> None:
    assert _check_file(tmp_path, b"\n\n") == ["E0004"]
