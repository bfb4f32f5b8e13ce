"""`clausec fmt` and the canonical layout (clausec.syntax.layout; docs/language.md, Layout).

Goldens: tests/golden/fmt/NAME.clause is laid out as NAME.formatted (UPDATE_GOLDEN=1
rewrites the .formatted files). Properties, for every shipped contract, docs example, whole
```clause block of the docs and Hypothesis-made files: formatting is idempotent, keeps every
token, string and comment byte for byte, and leaves the IR as it was (spans aside)."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput
from test_properties import mutated

from clausec import __version__
from clausec.backends.json_ir import emit_json
from clausec.driver import check_paths, compile_text
from clausec.syntax.grammar import grammar_text
from clausec.syntax.layout import WIDTH, Unformattable, format_text

from conftest import CONTRACTS, REPO, SHIPPED, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "fmt"
GOLDEN_INPUTS = sorted(GOLDEN.glob("*.clause"))
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.clause"))
_FENCE = re.compile(r"^```clause\n(.*?)^```[ \t]*$", re.M | re.S)
DOC_BLOCKS = [
    (f"{page.name}:{page.read_text(encoding='utf-8').count(chr(10), 0, m.start()) + 1}", body)
    for page in sorted((REPO / "docs").glob("*.md"))
    for m in _FENCE.finditer(page.read_text(encoding="utf-8"))
    if (body := m.group(1)).lstrip().startswith("contract")
]
FILES = {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8") for p in SHIPPED + EXAMPLES}
# Keys of the JSON IR that say where, not what.
_POSITIONAL = frozenset({"span", "quote_span", "file", "source_sha256", "clausec_version"})


@functools.cache
def _lexer() -> Lark:
    return Lark(grammar_text(), parser="lalr", start="start", keep_all_tokens=True)


def _lexemes(text: str) -> list[str]:
    """Every token and comment of a file, in order: what formatting must keep (comments
    without trailing white space)."""
    tokens = [t for t in _lexer().lex(text, dont_ignore=True) if t.type != "WS"]
    return [str(t).rstrip(" \t\r\f") if t.type == "COMMENT" else str(t) for t in tokens]


def _without_positions(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_positions(v) for k, v in value.items() if k not in _POSITIONAL}
    if isinstance(value, list):
        return [_without_positions(v) for v in value]
    return value


def _ir(result_contracts: object) -> list[object]:
    return [
        _without_positions(json.loads(emit_json(c, clausec_version=__version__)))
        for c in result_contracts  # type: ignore[attr-defined]
    ]


def _assert_kept(before: str, after: str) -> None:
    """Idempotent, every token and comment kept, no line ending in white space."""
    assert format_text(after) == after
    assert _lexemes(after) == _lexemes(before)
    assert all(line == line.rstrip() for line in after.split("\n") if '"' not in line)
    assert after.endswith("\n") and not after.endswith("\n\n")


# ---------------------------------------------------------------- goldens


def test_there_are_goldens() -> None:
    assert len(GOLDEN_INPUTS) >= 5


@pytest.mark.parametrize("source", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_golden(source: Path) -> None:
    expected_file = source.with_suffix(".formatted")
    formatted = format_text(source.read_text(encoding="utf-8"), source.name)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(formatted, encoding="utf-8")
    assert formatted == expected_file.read_text(encoding="utf-8")
    _assert_kept(source.read_text(encoding="utf-8"), formatted)


def test_goldens_cover_every_rule_of_the_grammar() -> None:
    """Every rule and alias of the grammar occurs in some golden input."""
    parser = _lexer()
    # A node per alias, and per rule that is not inlined (`?`); `declarations` is the start
    # symbol of error recovery, and `__…` rules are Lark's own.
    rules = {
        str(rule.alias or rule.origin.name)
        for rule in parser.rules
        if rule.alias or not rule.options.expand1
    }
    rules = {r for r in rules if not r.startswith("_")} - {"declarations"}
    seen: set[str] = set()
    for source in GOLDEN_INPUTS:
        tree = parser.parse(source.read_text(encoding="utf-8"))
        seen |= {str(t.data) for t in tree.iter_subtrees()}
    assert rules - seen == set()


# ---------------------------------------------------------------- the rules, one by one


def test_strings_and_comments_are_kept_byte_for_byte() -> None:
    text = (
        'contract x   # note:   spaced\n  title  "a  \\"b\\"\n  c  "\n'
        "#   own line   \n"
        'party p role "  r  "\n'
    )
    assert format_text(text) == (
        'contract x  # note:   spaced\n  title "a  \\"b\\"\n  c  "\n'
        "#   own line\n"
        'party p role "  r  "\n'
    )


def test_blank_line_runs_collapse_to_one_and_the_ends_are_trimmed() -> None:
    text = '\n\n# c\n\n\n\ncontract x\n\n\n\nparty p role "r"\n\n\n'
    assert format_text(text) == '# c\n\ncontract x\n\nparty p role "r"\n'


def test_long_conditions_break_before_and_or() -> None:
    condition = " and ".join(f"fact_number_{i}" for i in range(12))
    text = f"contract x\ndefine d = {condition}\n"
    lines = format_text(text).splitlines()
    assert all(len(line) <= WIDTH for line in lines)
    assert all(line.startswith("  and ") for line in lines[2:])


def test_crlf_and_a_byte_order_mark_are_dropped() -> None:
    assert format_text('\ufeffcontract x\r\nparty p role "r"\r\n') == (
        'contract x\nparty p role "r"\n'
    )


def test_unparsable_text_is_refused_with_the_syntax_diagnostics() -> None:
    with pytest.raises(Unformattable) as caught:
        format_text('contract x\nparty p role\nparty q role "r"\n', "bad.clause")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E0100"
    assert str(diagnostic.span) == "bad.clause:2:9"


@pytest.mark.parametrize(
    "text", ["", "# only a comment\n", 'party p role "r"\n', 'contract x title "open\n']
)
def test_other_unparsable_texts(text: str) -> None:
    with pytest.raises(Unformattable) as caught:
        format_text(text)
    assert caught.value.diagnostics


# ---------------------------------------------------------------- shipped files and docs


@pytest.mark.parametrize("name", sorted(FILES))
def test_shipped_file_is_formatted(name: str) -> None:
    """The shipped contracts and the docs examples are in the canonical layout."""
    assert format_text(FILES[name], name) == FILES[name]


@pytest.mark.parametrize("name", sorted(FILES))
def test_formatting_keeps_the_ir(name: str, tmp_path: Path) -> None:
    """Messing up the layout of a shipped file and formatting it again gives the same IR."""
    original = REPO / name
    copy = tmp_path / original.parent.name
    shutil.copytree(original.parent, copy)
    target = copy / original.name
    messy = _messy(FILES[name])
    assert messy != FILES[name]
    formatted = format_text(messy, name)
    _assert_kept(FILES[name], formatted)
    target.write_text(formatted, encoding="utf-8")
    before = check_paths([original])
    after = check_paths([target])
    assert before.ok and after.ok
    assert _ir(after.contracts) == _ir(before.contracts)


def _messy(text: str) -> str:
    """The same tokens with other white space: extra spaces, lines joined where no comment
    ends them, continuation lines indented at random."""
    out = re.sub(r"(?m)^( *)(?=[a-z\"(])", lambda m: " " * (len(m.group(1)) * 3 % 7), text)
    out = re.sub(r'(?m)(?<=[a-z0-9"])\n(?= *(and|or|when|unless) )', "   ", out)
    return out


@pytest.mark.parametrize("where,body", DOC_BLOCKS, ids=lambda x: str(x)[:40])
def test_doc_block_formats_to_the_same_ir(where: str, body: str) -> None:
    formatted = format_text(body, where)
    _assert_kept(body, formatted)
    assert _ir(compile_text(formatted, where).contracts) == _ir(compile_text(body, where).contracts)


def test_there_are_doc_blocks() -> None:
    assert len(DOC_BLOCKS) >= 3


# ---------------------------------------------------------------- generated files


_GAPS = re.compile(r'"(?:[^"\\]|\\.)*"|#[^\n]*|([ \t\n]+)')
_LAYOUTS = [" ", "\n", "\n\n\n", "  ", "\n    ", " # c\n  ", "\t"]


@st.composite
def relaid(draw: st.DrawFn, text: str) -> str:
    """``text`` with the white space between some tokens replaced: by other spaces, line
    breaks, blank lines, and comments."""
    gaps = [m.span(1) for m in _GAPS.finditer(text) if m.group(1) is not None]
    changes = draw(
        st.lists(
            st.tuples(st.integers(0, len(gaps) - 1), st.sampled_from(_LAYOUTS)),
            max_size=30,
            unique_by=lambda change: change[0],
        )
    )
    for index, layout in sorted(changes, reverse=True):
        start, end = gaps[index]
        if "#" in layout and text.rfind("#", text.rfind("\n", 0, start), start) >= 0:
            continue  # the line already ends in a comment
        text = text[:start] + layout + text[end:]
    return text


# The docs examples and the smallest contract: the big ones take a second an example.
@pytest.mark.parametrize("name", [n for n in sorted(FILES) if len(FILES[n]) < 40_000])
@given(data=st.data())
def test_any_layout_of_a_shipped_file_formats_to_the_same_tokens(
    name: str, data: st.DataObject
) -> None:
    messy = data.draw(relaid(FILES[name]))
    try:
        _lexemes(messy)
    except UnexpectedInput:
        assume(False)
    try:
        formatted = format_text(messy, name)
    except Unformattable:
        # A line break moved into `non-normative`'s reach of a keyword: not a layout change.
        assume(False)
        return
    _assert_kept(messy, formatted)


@given(data=st.data())
def test_mutated_files_format_or_are_refused(data: st.DataObject) -> None:
    """Whatever the text, the formatter formats it idempotently, keeping its tokens, or
    refuses it with diagnostics; it never crashes."""
    name = data.draw(st.sampled_from(sorted(FILES)))
    text = data.draw(mutated(FILES[name]))
    try:
        formatted = format_text(text, name)
    except Unformattable as exc:
        assert exc.diagnostics
        return
    _assert_kept(text, formatted)


# ---------------------------------------------------------------- the command


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "a.clause").write_text("contract   a\n", encoding="utf-8")
    (tmp_path / "b.clause").write_text("contract b\n", encoding="utf-8")
    return tmp_path


def test_fmt_writes_the_files_that_change(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    before = (folder / "b.clause").stat().st_mtime_ns
    result = run_cli(["fmt", "."], cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "formatted a.clause\n"
    assert (folder / "a.clause").read_text(encoding="utf-8") == "contract a\n"
    assert (folder / "b.clause").stat().st_mtime_ns == before


def test_fmt_check_lists_and_writes_nothing(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = run_cli(["fmt", "--check", "."], cwd=folder)
    assert (result.returncode, result.stdout) == (1, "would reformat a.clause\n")
    assert (folder / "a.clause").read_text(encoding="utf-8") == "contract   a\n"
    assert run_cli(["fmt", "--check", "b.clause"], cwd=folder).returncode == 0


def test_fmt_diff_prints_a_unified_diff(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = run_cli(["fmt", "--diff", "."], cwd=folder)
    assert result.returncode == 0
    assert result.stdout == (
        "--- a.clause\n+++ a.clause (formatted)\n@@ -1 +1 @@\n-contract   a\n+contract a\n"
    )
    assert (folder / "a.clause").read_text(encoding="utf-8") == "contract   a\n"
    assert run_cli(["fmt", "--check", "--diff", "."], cwd=folder).returncode == 1


def test_fmt_standard_input_to_standard_output() -> None:
    result = run_cli(["fmt", "-"], stdin='contract x\nparty  p role "r"\n')
    assert (result.returncode, result.stdout) == (0, 'contract x\nparty p role "r"\n')


def test_fmt_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    (tmp_path / "bad.clause").write_text("contract x\nparty p role\n", encoding="utf-8")
    (tmp_path / "ok.clause").write_text("contract   y\n", encoding="utf-8")
    result = run_cli(["fmt", "."], cwd=tmp_path)
    assert result.returncode == 1
    assert "error[E0100]: unexpected end of input\n --> bad.clause:2:9" in result.stderr
    assert "error: cannot format bad.clause: fix the syntax errors first" in result.stderr
    assert (tmp_path / "bad.clause").read_text(encoding="utf-8") == "contract x\nparty p role\n"
    assert (tmp_path / "ok.clause").read_text(encoding="utf-8") == "contract y\n"


def test_fmt_refuses_a_binary_file(tmp_path: Path) -> None:
    (tmp_path / "bin.clause").write_bytes(b"contract x\x00\n")
    result = run_cli(["fmt", "bin.clause"], cwd=tmp_path)
    assert result.returncode == 1
    assert "E0003" in result.stderr


def test_fmt_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["fmt", "nowhere.clause"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: nowhere.clause: no such file or folder\n"


def test_fmt_check_on_the_repository_is_clean() -> None:
    result = run_cli(["fmt", "--check", "contracts", "docs/examples"], cwd=REPO)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_formatter_reads_keywords_as_the_compiler_does() -> None:
    # The formatter had a parser of its own without the compiler's lexer rules: where a
    # declaration must start it read `importnsoolife_deposit` as `import nsoolife_deposit`
    # (a mutation of the deep tier found it), and wrote the space.
    text = (CONTRACTS / "soolife" / "annex1.clause").read_text(encoding="utf-8")
    glued = text.replace("import soolife_deposit from", "importnsoolife_deposit from", 1)
    assert glued != text
    with pytest.raises(Unformattable) as refused:
        format_text(glued, "annex1.clause")
    assert [d.code for d in refused.value.diagnostics] == ["E0100"]
