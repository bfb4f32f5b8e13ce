"""parse(source) -> AST module and diagnostics; recovers at declaration keywords."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from lark import Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput
from lark.lexer import PatternStr

from clausec.diagnostics import Diagnostic, error
from clausec.source import SourceFile, Span
from clausec.syntax import ast
from clausec.syntax.build import AstBuilder
from clausec.syntax.grammar import DECLARATION_KEYWORDS, parser

# Deeper expressions are rejected: later passes walk expressions recursively, and no contract
# needs more than a few levels. 200 keeps far below Python's recursion limit.
MAX_NESTING = 200
# Past this many syntax errors in one file the rest is not worth reporting.
MAX_SYNTAX_ERRORS = 50

_RESUME = re.compile(
    r'"(?:[^"\\]|\\.)*"|#[^\n]*|(?m:^[ \t]*(?:' + "|".join(map(re.escape, DECLARATION_KEYWORDS))
    + r")(?![a-z0-9_-]))"
)

_TERMINAL_NAMES = {
    "NAME": "a name", "STRING": "a string", "INT": "a whole number", "NUMBER": "a number",
    "DATE": "a date", "CURRENCY": "a currency code", "TAG": "a tag such as zh or DE-SN",
    "$END": "the end of the file", "LPAR": "`(`", "RPAR": "`)`", "COMMA": "`,`",
    "COLON": "`:`", "EQUAL": "`=`", "DOT": "`.`", "PERCENT": "`%`",
}


def parse(source: SourceFile) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one file. Never raises for bad input: problems come back as diagnostics."""
    if not source.text.strip():
        return ast.Module(source.name, None, ()), [error(
            "E0004", "the file is empty", Span(source.name, 1, 1, 1, 1), "expected a contract",
            hint='a clause file starts with a header such as `contract soolife title "…"`')]
    try:
        tree = parser().parse(source.text, start="start")
    except UnexpectedInput:
        return _parse_in_chunks(source)
    diagnostics: list[Diagnostic] = []
    header, declarations = _build(tree, source.name, 0, diagnostics)
    return ast.Module(source.name, header, tuple(declarations)), diagnostics


def _parse_in_chunks(source: SourceFile) -> tuple[ast.Module, list[Diagnostic]]:
    """Re-parse declaration by declaration so that one error does not hide the next."""
    diagnostics: list[Diagnostic] = []
    header: ast.Header | None = None
    declarations: list[ast.Declaration] = []
    syntax_errors = 0
    for index, (line_offset, chunk) in enumerate(_chunks(source.text)):
        start = "start" if index == 0 else "declarations"
        try:
            tree = parser().parse(chunk, start=start)
        except UnexpectedInput as exc:
            syntax_errors += 1
            if syntax_errors > MAX_SYNTAX_ERRORS:
                diagnostics.append(error(
                    "E0100", f"too many syntax errors; stopped after {MAX_SYNTAX_ERRORS}",
                    Span(source.name, line_offset + 1, 1, line_offset + 1, 2)))
                break
            diagnostics.append(_syntax_diagnostic(exc, source, chunk, line_offset, index == 0))
            continue
        head, decls = _build(tree, source.name, line_offset, diagnostics)
        header = header or head
        declarations.extend(decls)
    return ast.Module(source.name, header, tuple(declarations)), diagnostics


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Split at lines that start a declaration (outside strings and comments)."""
    starts = [0]
    for m in _RESUME.finditer(text):
        if m.group(0)[:1] not in ('"', "#"):
            line_start = text.rfind("\n", 0, m.start() + 1) + 1
            if line_start > starts[-1]:
                starts.append(line_start)
    starts.append(len(text))
    line = 0
    for a, b in zip(starts, starts[1:]):
        yield line, text[a:b]
        line += text.count("\n", a, b)


def _build(tree: Tree[Any], file: str, line_offset: int, diagnostics: list[Diagnostic]
           ) -> tuple[ast.Header | None, list[ast.Declaration]]:
    too_deep = _too_deep(tree)
    if too_deep is not None:
        span = Span(file, too_deep[0] + line_offset, too_deep[1], too_deep[0] + line_offset,
                    too_deep[1] + 1)
        diagnostics.append(error(
            "E0103", f"expression nested more than {MAX_NESTING} levels deep", span,
            "too deep here", hint="split the expression with `define` declarations"))
        tree = _drop_deep_declarations(tree)
    builder = AstBuilder(file, line_offset)
    header, declarations = builder.transform(tree)
    diagnostics.extend(builder.diagnostics)
    return header, list(declarations)


def _depths(tree: Tree[Any]) -> Iterator[tuple[Tree[Any], int]]:
    stack: list[tuple[Tree[Any], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _too_deep(tree: Tree[Any]) -> tuple[int, int] | None:
    for node, depth in _depths(tree):
        if depth > MAX_NESTING + 8:  # a few levels of declaration structure above expressions
            meta = node.meta
            return (meta.line, meta.column) if not meta.empty else (1, 1)
    return None


def _drop_deep_declarations(tree: Tree[Any]) -> Tree[Any]:
    kept = [c for c in tree.children
            if not isinstance(c, Tree) or _too_deep(Tree("x", [c])) is None]
    return Tree(tree.data, kept, tree.meta)


def _describe(token_type: str) -> str:
    if token_type in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[token_type]
    try:
        pattern = parser().get_terminal(token_type).pattern
    except KeyError:
        return token_type.lower()
    if isinstance(pattern, PatternStr):
        return f"`{pattern.value}`"
    return token_type.lower()


def _expected(expected: set[str]) -> str:
    names = sorted({_describe(t) for t in expected})
    if len(names) > 10:
        names = names[:10] + ["…"]
    return ", ".join(names)


def _suggestion(found: str, expected: set[str]) -> str | None:
    words = [d.strip("`") for d in map(_describe, expected) if d.startswith("`")]
    close = difflib.get_close_matches(found, words, n=1, cutoff=0.7)
    return f"did you mean `{close[0]}`?" if close else None


def _syntax_diagnostic(exc: UnexpectedInput, source: SourceFile, chunk: str,
                       line_offset: int, first_chunk: bool) -> Diagnostic:
    if first_chunk and not chunk.lstrip().startswith("contract"):
        return _missing_header(source)
    line = (exc.line if exc.line and exc.line > 0 else chunk.rstrip().count("\n") + 1)
    column = exc.column if exc.column and exc.column > 0 else 1
    line += line_offset
    if isinstance(exc, UnexpectedCharacters):
        ch = chunk[exc.pos_in_stream] if exc.pos_in_stream < len(chunk) else ""
        span = Span(source.name, line, column, line, column + 1)
        if ch == '"':
            return error("E0102", "unterminated string", span, "this string is never closed",
                         hint='close it with `"`; write \\" for a quote inside a string')
        shown = f"`{ch}`" if ch.isprintable() else f"U+{ord(ch):04X}"
        hint = f"expected {_expected(set(exc.allowed or ()))}"
        if ch.isascii() and ch.isupper():
            hint = "names are lower-case snake_case; upper case is for currencies and tags"
        return error("E0101", f"unexpected character {shown}", span, "not valid here",
                     hint=hint)
    expected = set(getattr(exc, "expected", None) or ())
    token = getattr(exc, "token", None)
    if token is None or token.type == "$END":
        last = source.line(line)
        span = Span(source.name, line, min(column, len(last) + 1), line,
                    min(column, len(last) + 1) + 1)
        return error("E0100", "unexpected end of input", span, "incomplete here",
                     hint=f"expected {_expected(expected)}" if expected else None)
    text = str(token)
    span = Span(source.name, line, column, line, column + max(1, len(text)))
    found = f"`{text}`" if len(text) <= 40 else f"`{text[:37]}…`"
    return error("E0100", f"unexpected {found}", span, f"expected {_expected(expected)}",
                 hint=_suggestion(text, expected))


def _missing_header(source: SourceFile) -> Diagnostic:
    stripped = source.text.lstrip()
    offset = len(source.text) - len(stripped)
    return error(
        "E0400", "a clause file must start with its contract header",
        source.span_of_offset(offset, len(stripped.split(None, 1)[0]) if stripped else 1),
        "expected `contract`",
        hint='start the file with e.g. `contract soolife title "…" source "…" language zh '
             "calendar CN`")
