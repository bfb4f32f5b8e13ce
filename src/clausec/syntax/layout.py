"""The canonical layout of a clause file (``clausec fmt``; docs/language.md, Layout).

The formatter works on tokens, not on the AST: comments and the author's line breaks are not
in the AST, and strings must come out byte for byte. The parse tree says what each token
belongs to (a declaration, a norm item, …), which gives every line its indentation and every
pair of tokens its spacing. Line breaks are one before every item that must start a line,
the author's where a line may break (before `and`/`or`, after `,`, …; elsewhere the line is
joined), and breaks before `and`/`or` in lines wider than ``WIDTH``; so a second run finds
nothing to change."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import attrs
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from clausec.diagnostics import Diagnostic, Severity, error
from clausec.source import SourceFile, Span
from clausec.syntax.grammar import make_parser
from clausec.syntax.parser import parse

# Lines wider than this (in characters, indentation included) are broken before `and`/`or`.
WIDTH = 100
INDENT = 2


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# For each node that holds items: the items among its children, and whether each must start
# a line of its own. Anything else that starts a line continues the item it is in.
_BLOCK = True
_NORM_ITEMS = _names(
    "condition exception otherwise_provided subject_to notwithstanding prevails_over form "
    "performed_on breach_when within at_least_before before by until without_undue_delay "
    "immediately monthly at_least_once_every ending_working ending_any extension_by "
    "extension_to"
)
_ITEMS: dict[str, tuple[frozenset[str], bool]] = {
    "header": (
        _names("title source language calendar periods_end running_header accept"),
        _BLOCK,
    ),
    "clause": (
        _names("quote gloss reason refers_to accept norm precedence deadline_extension"),
        _BLOCK,
    ),
    "non_normative": (_names("quote gloss reason refers_to accept"), _BLOCK),
    "norm": (_NORM_ITEMS | {"remedy"}, _BLOCK),
    "remedy": (_NORM_ITEMS, _BLOCK),
    "scenario": (_names("given as_of expect"), _BLOCK),
    # These may stay on their declaration's line.
    "fact": (_names("at_least at_most presumption"), not _BLOCK),
    "event": (frozenset({"presumption"}), not _BLOCK),
    "expect": (_names("because overriding depending_on assuming due_by"), not _BLOCK),
}
# `and` and `or` as operators (not `part or all`, `in letter or email`): where long lines break.
_OPERATOR_LISTS = frozenset({"or_expr", "and_expr"})
# Where an author's line break is kept besides operators and items (see _may_break).
_DESCRIBED = _names("definition fact event action_decl object_decl question")
_BREAK_BEFORE = frozenset(
    {("per", "presumption"), (":", "question"), ("=", "definition"), ("=", "given")}
    | {
        (word, rule)
        for word in ("if", "then", "else")
        for rule in _names("conditional deadline_extension extension_by extension_to")
    }
)
_BREAK_AFTER = frozenset({("=", "definition"), ("=", "given"), (":", "question")})
_NO_SPACE_BEFORE = frozenset({",", ")", "%", "."})
_NO_SPACE_AFTER = frozenset({"(", "."})
_COMMENT = re.compile(r"#[^\n]*")


class Unformattable(Exception):
    """The text does not parse: the formatter never guesses. ``diagnostics`` are the syntax
    errors, as ``clausec check`` reports them."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        first = diagnostics[0] if diagnostics else None
        super().__init__(f"{first.span}: {first.message}" if first and first.span else "")
        self.diagnostics = diagnostics


@attrs.frozen(slots=True)
class _Token:
    text: str
    start: int
    end: int
    indent: int  # of the item the token is in
    starts_item: bool
    block: bool  # starts an item that must begin a line
    kind: str  # the terminal: STRING, NAME, …
    parent: str  # the rule the token is a child of
    breakable: bool  # an `and`/`or` operator
    depth: int  # of parentheses around it

    @property
    def line_indent(self) -> int:
        """The indentation of a line this token starts: its item's, one level deeper when it
        continues the item, and one more for each parenthesis open around it."""
        if self.starts_item:
            return self.indent
        return self.indent + INDENT * (1 + self.depth)


@attrs.define
class _Line:
    indent: int
    tokens: list[_Token] = attrs.Factory(list)
    comment: str = ""  # an end-of-line comment
    blank_before: bool = False
    own_comment: bool = False  # a line that is only a comment


def format_text(text: str, name: str = "<string>") -> str:
    """The canonical layout of a whole clause file. Raises :class:`Unformattable` when the
    text does not parse."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    tokens = _tokens(text, name)
    lines = _lines(text, tokens)
    out: list[str] = []
    for line in lines:
        for piece in _fit(line):
            if piece.blank_before and out:
                out.append("")
            out.append(_render(piece))
    return "\n".join(out) + "\n" if out else ""


@functools.cache
def _tree_parser() -> Lark:
    # The compiler's own parser (its lexer's rules included), building a tree.
    return make_parser()


def _tokens(text: str, name: str) -> list[_Token]:
    try:
        tree = _tree_parser().parse(text, start="start")
    except UnexpectedInput:
        raise Unformattable(_syntax_errors(text, name)) from None
    return list(_walk(tree))


def _syntax_errors(text: str, name: str) -> tuple[Diagnostic, ...]:
    _, diagnostics = parse(SourceFile(name, text))
    found = tuple(d for d in diagnostics if d.severity is Severity.ERROR)
    if found:
        return found
    # The AST parser recovers where the tree parser cannot; it has never disagreed, but if it
    # did, the file would still not be formatted.
    return (error("E0100", "the file does not parse", Span(name, 1, 1, 1, 2), "here"),)


def _walk(tree: Tree[Token]) -> Iterator[_Token]:
    """The tokens in order, each with the item it belongs to (iterative: expressions nest
    deeply)."""
    # (node, item indent, whether the item's first token is still to come, block)
    stack: list[tuple[Tree[Token] | Token, str, int, bool, bool]] = []
    for child in reversed(tree.children):
        stack.append((child, tree.data, 0, True, True))
    depth = 0
    while stack:
        node, parent, indent, fresh, block = stack.pop()
        if isinstance(node, Token):
            depth -= node == ")"
            yield _Token(
                str(node),
                node.start_pos or 0,
                node.end_pos or 0,
                indent,
                fresh,
                block and fresh,
                node.type,
                parent,
                parent in _OPERATOR_LISTS and str(node) in ("and", "or"),
                depth,
            )
            depth += node == "("
            continue
        items, blocks = _ITEMS.get(node.data, (frozenset(), False))
        for position in range(len(node.children) - 1, -1, -1):
            child = node.children[position]
            if isinstance(child, Tree) and child.data in items:
                stack.append((child, node.data, indent + INDENT, True, blocks))
            else:
                # Only the first token of a node can start the item the node starts.
                stack.append((child, node.data, indent, fresh and position == 0, block))


def _lines(text: str, tokens: list[_Token]) -> list[_Line]:
    """The logical lines: a break before each block item and the author's breaks where a line
    may break, each line indented for the token that starts it, comments placed."""
    lines: list[_Line] = []
    pending: list[tuple[str, bool]] = []  # own-line comments waiting for what follows
    previous_end = 0
    for index in range(len(tokens) + 1):
        token = tokens[index] if index < len(tokens) else None
        gap = text[previous_end : token.start if token else len(text)]
        newlines, own, end_of_line = _gap(gap, at_start=index == 0)
        if end_of_line is not None:
            lines[-1].comment = end_of_line
        pending += own
        if token is None:
            # Nothing follows: the comments at the end of the file are not indented.
            lines += [_Line(0, [], comment, blank, True) for comment, blank in pending]
            break
        if (
            index == 0
            or token.block
            or (newlines and (own or end_of_line or _may_break(tokens[index - 1], token)))
        ):
            indent = token.line_indent
            lines += [_Line(indent, [], comment, blank, True) for comment, blank in pending]
            pending = []
            lines.append(_Line(indent, [token], "", newlines > 1))
        else:
            lines[-1].tokens.append(token)
        previous_end = token.end
    return lines


def _may_break(previous: _Token, token: _Token) -> bool:
    """Whether an author's line break between the two tokens is kept (elsewhere the line is
    joined): before an operator `and`/`or`, an item that may share its declaration's line
    (a presumption, a bound, an expectation's detail), `per`, a description, or the `:` of a
    question; before or after a definition's `=`; after `,` or `(`; before `if`, `then`,
    `else`."""
    return (
        token.breakable
        or token.starts_item
        or previous.text in (",", "(")
        or (token.kind == "STRING" and token.parent in _DESCRIBED)
        or (token.text, token.parent) in _BREAK_BEFORE
        or (previous.text, previous.parent) in _BREAK_AFTER
    )


def _gap(gap: str, at_start: bool) -> tuple[int, list[tuple[str, bool]], str | None]:
    """What lies between two tokens (only white space and comments can): the line breaks
    after the last comment, the own-line comments (each with whether a blank line precedes
    it), and the end-of-line comment of the earlier token's line."""
    own: list[tuple[str, bool]] = []
    end_of_line = None
    cursor = 0
    for match in _COMMENT.finditer(gap):
        before = gap.count("\n", cursor, match.start())
        comment = match.group().rstrip(" \t\r\f")
        if before == 0 and cursor == 0 and not at_start:
            end_of_line = comment
        else:
            own.append((comment, before > 1))
        cursor = match.end()
    return gap.count("\n", cursor), own, end_of_line


def _fit(line: _Line) -> list[_Line]:
    """``line``, broken before `and`/`or` where it is wider than WIDTH: greedily, each
    break where the operand that follows would not fit (in linear time)."""
    if line.own_comment or _advance(line.indent, _joined(line.tokens)) <= WIDTH:
        return [line]
    tokens = line.tokens
    stops = [i for i, token in enumerate(tokens) if token.breakable] + [len(tokens)]
    pieces = [_Line(line.indent, [], "", line.blank_before)]
    column = line.indent
    following = 0  # the index in stops of the next operator after the token
    for index, token in enumerate(tokens):
        while stops[following] <= index:
            following += 1
        current = pieces[-1]
        space = _spacing(current.tokens[-1], token) if current.tokens else ""
        if token.breakable and current.tokens:
            operand = _joined(tokens[index : stops[following]])
            if _advance(column + len(space), operand) > WIDTH:
                current = _Line(token.line_indent)
                pieces.append(current)
                column, space = token.line_indent, ""
        current.tokens.append(token)
        column = _advance(column + len(space), token.text)
    pieces[-1].comment = line.comment
    return pieces


def _spacing(previous: _Token, token: _Token) -> str:
    if token.text in _NO_SPACE_BEFORE or previous.text in _NO_SPACE_AFTER:
        return ""
    if previous.text == "-" and previous.parent == "neg":
        return ""
    return " "


def _joined(tokens: list[_Token]) -> str:
    parts: list[str] = []
    for index, token in enumerate(tokens):
        if index:
            parts.append(_spacing(tokens[index - 1], token))
        parts.append(token.text)
    return "".join(parts)


def _advance(column: int, text: str) -> int:
    """The column after writing ``text`` at ``column`` (a string may hold line breaks)."""
    if "\n" not in text:
        return column + len(text)
    return len(text) - text.rfind("\n") - 1


def _render(line: _Line) -> str:
    code = _joined(line.tokens)
    if line.comment:
        code = f"{code}  {line.comment}" if code else line.comment
    return " " * line.indent + code
