"""parse(source) -> AST module and diagnostics; recovers at declaration keywords."""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from typing import cast

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput
from lark.lexer import PatternStr

from clausec.diagnostics import Diagnostic, error
from clausec.source import SourceFile, Span
from clausec.syntax import ast
from clausec.syntax.build import MAX_NESTING, AstBuilder, TooDeep
from clausec.syntax.grammar import DECLARATION_KEYWORDS, keyword_of, make_parser

# Past this many syntax errors in one file the rest is not worth reporting.
MAX_SYNTAX_ERRORS = 50

# The lexical shapes that matter for recovery: strings (which may span lines), comments, and
# the lines that start a declaration. A string is found in two steps (its opening quote, then
# its body) so that a runaway one is scanned once, not once per quote inside it.
_STRING_BODY = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+')
_COMMENT = r"#[^\n]*"
_COMMENTS = re.compile(_COMMENT)
_LEADING_TRIVIA = re.compile(r"(?:\s|" + _COMMENT + r")*")
_DECLARATION_START = (
    r"(?m:^[ \t]*(?:" + "|".join(map(re.escape, DECLARATION_KEYWORDS)) + r")(?![a-z0-9_-]))"
)
_LEXEME = re.compile('"|' + _COMMENT + "|" + _DECLARATION_START)
_UNQUOTED_LEXEME = re.compile(_COMMENT + "|" + _DECLARATION_START)


def _lexemes(text: str, end: int | None = None) -> Iterator[tuple[str, int, int]]:
    """The strings, comments and declaration starts of ``text[:end]`` as (kind, start, stop),
    in linear time. A quote that opens no closed string is an ordinary character, as the
    lexer sees it; so is every quote up to where that string's body stopped, since a body
    starting at any of them stops at the same place (they are all escaped in it)."""
    end = len(text) if end is None else end
    position = 0
    plain_until = 0  # quotes before this offset open no string
    while position < end:
        if position < plain_until:
            m = _UNQUOTED_LEXEME.search(text, position, plain_until)
            if m is None:
                position = plain_until
                continue
        else:
            m = _LEXEME.search(text, position, end)
            if m is None:
                return
        start = m.start()
        if m.group(0).startswith("#"):
            stop = _COMMENTS.match(text, start, end).end()  # type: ignore[union-attr]
            yield ("comment", start, stop)
            position = stop
        elif m.group(0) != '"':
            yield ("keyword", start, m.end())
            position = m.end()
        else:
            body = _STRING_BODY.match(text, start + 1, end)
            assert body is not None  # the body may be empty
            if body.end() < end and text[body.end()] == '"':
                yield ("string", start, body.end() + 1)
                position = body.end() + 1
            else:
                position, plain_until = start + 1, body.end()


_TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": "a string",
    "INT": "a whole number",
    "NUMBER": "a number",
    "DATE": "a date",
    "CURRENCY": "a currency code",
    "TAG": "a tag such as zh or DE-SN",
    "$END": "the end of the file",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "EQUAL": "`=`",
    "DOT": "`.`",
    "PERCENT": "`%`",
}


def parse(source: SourceFile) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one file. Never raises for bad input: problems come back as diagnostics."""
    if _code_start(source.text) == len(source.text):
        return ast.Module(source.name, None, ()), [
            error(
                "E0004",
                "the file is empty (it holds no declarations)",
                Span(source.name, 1, 1, 1, 1),
                "expected a contract",
                hint='a clause file starts with a header such as `contract soolife title "…"`',
            )
        ]
    diagnostics: list[Diagnostic] = []
    try:
        header, declarations = _build(source.text, "start", source.name, 0, diagnostics)
    except (UnexpectedInput, TooDeep):
        return _parse_in_chunks(source)
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
            head, decls = _build(chunk, start, source.name, line_offset, diagnostics)
        except TooDeep as exc:
            diagnostics.append(_too_deep(exc))
            continue
        except UnexpectedInput as exc:
            syntax_errors += 1
            if syntax_errors > MAX_SYNTAX_ERRORS:
                diagnostics.append(
                    error(
                        "E0100",
                        f"too many syntax errors; stopped after {MAX_SYNTAX_ERRORS}",
                        Span(source.name, line_offset + 1, 1, line_offset + 1, 2),
                    )
                )
                break
            diagnostics.append(_syntax_diagnostic(exc, source, chunk, line_offset, index == 0))
            continue
        header = header or head
        declarations.extend(decls)
    return ast.Module(source.name, header, tuple(declarations)), diagnostics


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Split at lines that start a declaration (outside strings and comments)."""
    starts = [0]
    for kind, start, _ in _lexemes(text):
        if kind == "keyword":
            line_start = text.rfind("\n", 0, start + 1) + 1
            if line_start > starts[-1]:
                starts.append(line_start)
    starts.append(len(text))
    line = 0
    for a, b in itertools.pairwise(starts):
        yield line, text[a:b]
        line += text.count("\n", a, b)


@functools.cache
def _parser() -> tuple[Lark, AstBuilder]:
    builder = AstBuilder()
    return make_parser(builder), builder


def _build(
    text: str, start: str, file: str, line_offset: int, diagnostics: list[Diagnostic]
) -> tuple[ast.Header | None, list[ast.Declaration]]:
    """Parse ``text`` straight to AST nodes. Raises UnexpectedInput or TooDeep."""
    lark, builder = _parser()
    builder.reset(file, line_offset)
    try:
        header, declarations = cast(
            tuple[ast.Header | None, list[ast.Declaration]], lark.parse(text, start=start)
        )
    finally:
        found = builder.diagnostics
        builder.reset("", 0)
    diagnostics.extend(found)
    return header, list(declarations)


def _too_deep(exc: TooDeep) -> Diagnostic:
    return error(
        "E0103",
        f"expression nested more than {MAX_NESTING} levels deep",
        exc.span,
        "too deep here",
        hint="split the expression with `define` declarations",
    )


def _describe(token_type: str) -> str:
    if token_type in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[token_type]
    try:
        pattern = _parser()[0].get_terminal(token_type).pattern
    except KeyError:
        return token_type.lower()
    word = keyword_of(pattern)
    if word is not None:
        return f"`{word}`"
    if isinstance(pattern, PatternStr):  # punctuation
        return f"`{pattern.value}`"
    return token_type.lower()


def _expected(expected: set[str]) -> str:
    names = sorted({_describe(t) for t in expected})
    if len(names) > 14:
        names = [*names[:14], "…"]
    return ", ".join(names)


def _suggestion(found: str, expected: set[str]) -> str | None:
    words = [d.strip("`") for d in map(_describe, expected) if d.startswith("`")]
    close = difflib.get_close_matches(found, words, n=1, cutoff=0.7)
    return f"did you mean `{close[0]}`?" if close else None


def _syntax_diagnostic(
    exc: UnexpectedInput, source: SourceFile, chunk: str, line_offset: int, first_chunk: bool
) -> Diagnostic:
    if first_chunk and not chunk.startswith("contract", _code_start(chunk)):
        return _missing_header(source)
    line = exc.line if exc.line and exc.line > 0 else chunk.rstrip().count("\n") + 1
    column = exc.column if exc.column and exc.column > 0 else 1
    line += line_offset
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = chunk[pos] if pos < len(chunk) else ""
        span = Span(source.name, line, column, line, column + 1)
        if ch == '"':
            return error(
                "E0102",
                "unterminated string",
                span,
                "this string is never closed",
                hint='close it with `"`; write \\" for a quote inside a string',
            )
        shown = f"`{ch}`" if ch.isprintable() else f"U+{ord(ch):04X}"
        hint = f"expected {_expected(set(exc.allowed or ()))}"
        if ch.isascii() and ch.isupper():
            hint = "names are lower-case snake_case; upper case is for currencies and tags"
        elif unicodedata.category(ch).startswith("P") and unicodedata.east_asian_width(ch) in (
            "F",
            "W",
        ):
            hint = f"`{ch}` is full-width punctuation; outside strings write ASCII punctuation"
        elif not ch.isascii():
            hint = "outside strings, clause files use ASCII; put original-language text in quotes"
        return error("E0101", f"unexpected character {shown}", span, "not valid here", hint=hint)
    # `accepts` (what the parser state accepts) is complete where `expected` omits keywords.
    expected = set(getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ())
    token = getattr(exc, "token", None)
    at: int | None = getattr(exc, "pos_in_stream", None)
    if at is not None:
        runaway = _runaway_string(chunk, at, source.name, line_offset)
        if runaway is not None:
            return runaway
    if token is None or token.type == "$END":
        last = source.line(line)
        span = Span(
            source.name, line, min(column, len(last) + 1), line, min(column, len(last) + 1) + 1
        )
        return error(
            "E0100",
            "unexpected end of input",
            span,
            "incomplete here",
            hint=f"expected {_expected(expected)}" if expected else None,
        )
    text = str(token)
    # A token may run over several lines (a string): point at, and show, its first line.
    first = text.split("\n", 1)[0]
    span = Span(source.name, line, column, line, column + max(1, len(first)))
    found = f"`{first}`" if len(first) <= 40 and first == text else f"`{first[:37]}…`"
    suggestion = _suggestion(text, expected)
    if suggestion is None and at is not None:
        suggestion = _misspelled_item(chunk[:at])
    return error(
        "E0100", f"unexpected {found}", span, f"expected {_expected(expected)}", hint=suggestion
    )


_LAST_WORD = re.compile(r"([a-z_][a-z0-9_]*)\s*$")
_WORD_WINDOW = 100  # longer than any keyword a misspelling is matched against
# Keywords that continue a norm: a misspelling of one reads as the start of a new norm.
_NORM_KEYWORDS = (
    "when",
    "unless",
    "within",
    "before",
    "until",
    "immediately",
    "otherwise",
    "subject",
    "notwithstanding",
    "prevails",
    "performed",
    "breach",
    "extendable",
    "without",
)


def _runaway_string(chunk: str, pos: int, file: str, line_offset: int) -> Diagnostic | None:
    """A string that swallowed a line break right before the error: its closing quote is
    probably missing, and the error is really at its start."""
    before = chunk[:pos].rstrip()
    if not before.endswith('"'):
        return None
    last = None
    for kind, start, stop in _lexemes(chunk, len(before)):
        if kind == "string":
            last = (start, stop)
    if last is None or last[1] != len(before) or "\n" not in chunk[last[0] : last[1]]:
        return None
    start = last[0]
    line = chunk.count("\n", 0, start) + 1 + line_offset
    column = start - (chunk.rfind("\n", 0, start) + 1) + 1
    end_line = chunk.count("\n", 0, last[1]) + 1 + line_offset
    return error(
        "E0102",
        "unterminated string: it runs on to the next line and swallows the "
        f"text up to line {end_line}",
        Span(file, line, column, line, column + 1),
        "this string is probably never closed",
        hint='close it with `"`; strings may span lines, so the next `"` ended it',
    )


def _misspelled_item(before: str) -> str | None:
    # The search is quadratic in a run of word characters: look at the end only.
    m = _LAST_WORD.search(before.rstrip()[-_WORD_WINDOW:])
    if m is None:
        return None
    close = difflib.get_close_matches(m.group(1), _NORM_KEYWORDS, n=1, cutoff=0.74)
    return f"`{m.group(1)}` reads as a name here; did you mean `{close[0]}`?" if close else None


def _code_start(text: str) -> int:
    """Offset of the first character that is neither white space nor part of a comment."""
    match = _LEADING_TRIVIA.match(text)
    return match.end() if match else 0


def _missing_header(source: SourceFile) -> Diagnostic:
    offset = _code_start(source.text)
    rest = source.text[offset:]
    return error(
        "E0400",
        "a clause file must start with its contract header",
        source.span_of_offset(offset, len(rest.split(None, 1)[0]) if rest.strip() else 1),
        "expected `contract`",
        hint='start the file with e.g. `contract soolife title "…" source "…" language zh '
        "calendar CN`",
    )
