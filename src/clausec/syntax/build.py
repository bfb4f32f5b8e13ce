"""Lark parse tree -> AST, in lark's Transformer style (non-recursive: deep input is legal)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

import attrs
from lark import Token, Transformer, Tree

from clausec.diagnostics import Diagnostic, error
from clausec.source import Span
from clausec.syntax import ast
from clausec.syntax.grammar import reserved_words

_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", re.S)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


# Terminals whose text matters; every other token is a keyword or punctuation.
_VALUE_TOKENS = frozenset(
    {"NAME", "CURRENCY", "TAG", "DATE", "NUMBER", "INT", "STRING", "CHECK_CODE"}
)

_R = TypeVar("_R")
Meta = Span  # what a spanned callback receives: the span of everything the rule matched


def _edge(items: list[Any] | tuple[Any, ...], last: bool) -> Token | Span | None:
    """The first (or last) positioned thing in ``items``: a token or a node's span."""
    for item in reversed(items) if last else items:
        if isinstance(item, Token):
            if item.line is not None and item.column is not None:
                return item
            continue
        span = getattr(item, "span", None)
        if isinstance(span, Span):
            return span
        if isinstance(item, (tuple, list)):
            found = _edge(item, last)
            if found is not None:
                return found
    return None


def spanned(f: Callable[[Any, Span, list[Any]], _R]) -> Callable[[Any, list[Any]], _R]:
    """Callback decorator: pass the rule's span, and its children without punctuation."""

    def wrapper(self: AstBuilder, children: list[Any]) -> _R:
        first, last = _edge(children, False), _edge(children, True)
        if first is None or last is None:
            span = Span(self.file, 1 + self.line_offset, 1, 1 + self.line_offset, 1)
        else:
            span = Span(self.file, *self._start(first), *self._end(last))
        return f(self, span, _values(children))

    wrapper.__name__ = f.__name__
    return wrapper


def values_only(f: Callable[[Any, list[Any]], _R]) -> Callable[[Any, list[Any]], _R]:
    """Callback decorator: drop keywords and punctuation from the children."""

    def wrapper(self: AstBuilder, children: list[Any]) -> _R:
        return f(self, _values(children))

    wrapper.__name__ = f.__name__
    return wrapper


class _Unit(str):
    """A duration unit keyword that remembers where it was written."""

    span: Span

    def __new__(cls, value: str, span: Span) -> _Unit:
        self = super().__new__(cls, value)
        self.span = span
        return self


def _values(children: list[Any]) -> list[Any]:
    return [c for c in children if not isinstance(c, Token) or c.type in _VALUE_TOKENS]


# Deeper expressions are rejected: later passes walk expressions recursively, and no contract
# needs more than a few levels.
MAX_NESTING = 200
# Longer numbers are refused (E0106), as facts are (evaluation.facts.MAX_DIGITS).
MAX_LITERAL_DIGITS = 40


class TooDeep(Exception):
    """Raised from a reduction when an expression nests deeper than :data:`MAX_NESTING`."""

    def __init__(self, span: Span) -> None:
        super().__init__("expression nested too deeply")
        self.span = span


def escape_value(esc: str) -> str | None:
    """The text an escape of a string stands for (``esc`` without its backslash), or None for
    an escape the language does not have."""
    if esc in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[esc]
    if esc.startswith("u{"):
        code = int(esc[2:-1], 16)
        if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
    return None


class AstBuilder(Transformer):  # type: ignore[type-arg]
    """Builds :mod:`clausec.syntax.ast` nodes during LALR reductions (lark's inline transformer).

    One instance serves every parse: :meth:`reset` points it at the next file. Recoverable
    problems go to ``diagnostics``."""

    def __init__(self) -> None:
        super().__init__()
        self.file = ""
        self.line_offset = 0
        self.diagnostics: list[Diagnostic] = []
        self._reserved = reserved_words()
        # id(node) -> (node, depth): the node is kept so that its id cannot be reused by
        # another object while the entry exists.
        self._depth: dict[int, tuple[object, int]] = {}

    def reset(self, file: str, line_offset: int) -> None:
        self.file = file
        self.line_offset = line_offset
        self.diagnostics = []
        self._depth = {}

    def nested(self, node: ast.Expr, *children: object) -> ast.Expr:
        """Record the nesting depth of an expression node built from ``children``."""
        depth = 1 + max((self.depth(c) for c in children), default=0)
        if depth > MAX_NESTING:
            raise TooDeep(node.span)
        self._depth[id(node)] = (node, depth)
        return node

    def depth(self, node: object) -> int:
        entry = self._depth.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else 0

    # ------------------------------------------------------------ spans and tokens

    def span(self, meta: Span) -> Span:
        return meta

    # Token positions are relative to the parsed chunk, as are spans without a file (none
    # yet): add the chunk's line offset. Nodes' spans are placed already.
    def _start(self, edge: Token | Span) -> tuple[int, int]:
        line = cast(int, edge.line)
        if isinstance(edge, Token) or not edge.file:
            line += self.line_offset
        return line, cast(int, edge.column)

    def _end(self, edge: Token | Span) -> tuple[int, int]:
        if isinstance(edge, Token):
            line = edge.end_line if edge.end_line is not None else cast(int, edge.line)
            column = (
                edge.end_column
                if edge.end_column is not None
                else (cast(int, edge.column) + len(edge))
            )
            return line + self.line_offset, column
        return edge.end_line + (0 if edge.file else self.line_offset), edge.end_column

    def tspan(self, tok: Token) -> Span:
        assert tok.line is not None and tok.column is not None
        end_line = tok.end_line if tok.end_line is not None else tok.line
        end_col = tok.end_column if tok.end_column is not None else tok.column + len(tok)
        return Span(
            self.file, tok.line + self.line_offset, tok.column, end_line + self.line_offset, end_col
        )

    def ident(self, tok: Token) -> ast.Ident:
        span = self.tspan(tok)
        if str(tok) in self._reserved:
            self.diagnostics.append(
                error(
                    "E0104",
                    f"`{tok}` is a reserved word and cannot be used as a name",
                    span,
                    "reserved word",
                    hint=f"choose another name, e.g. `{tok}_`",
                )
            )
        return ast.Ident(str(tok), span)

    def string(self, tok: Token) -> ast.StringLit:
        span = self.tspan(tok)
        return ast.StringLit(self._unescape(str(tok)[1:-1], span), span)

    def _unescape(self, body: str, span: Span) -> str:
        if "\\" not in body:
            return body

        def replace(m: re.Match[str]) -> str:
            esc = m.group(1)
            value = escape_value(esc)
            if value is not None:
                return value
            self.diagnostics.append(
                error(
                    "E0105",
                    f"invalid escape `\\{esc}` in string",
                    span,
                    "in this string",
                    hint='escapes are \\" \\\\ \\n \\t \\r and \\u{XXXX}',
                )
            )
            return esc

        return _ESCAPE.sub(replace, body)

    # ------------------------------------------------------------ header

    @spanned
    def header(self, meta: Meta, children: list[Any]) -> ast.Header:
        name = self.ident(children[0])
        items: dict[str, Any] = {}
        accepts = tuple(x for x in children[1:] if isinstance(x, ast.Accept))
        headers = tuple(
            v for k, v in (x for x in children[1:] if isinstance(x, tuple)) if k == "running"
        )
        for kind, value in (x for x in children[1:] if not isinstance(x, ast.Accept)):
            if kind == "running":  # one line per header the document repeats
                continue
            if kind in items:
                self.diagnostics.append(
                    error("E0204", f"the header gives `{kind}` twice", value.span, "second one")
                )
            items[kind] = value
        return ast.Header(
            name,
            items.get("title"),
            items.get("source"),
            items.get("language"),
            items.get("calendar"),
            self.span(meta),
            accepts,
            items.get("periods"),
            headers,
        )

    @spanned
    def accept(self, meta: Meta, c: list[Token]) -> ast.Accept:
        codes = tuple(ast.Ident(str(t), self.tspan(t)) for t in c if t.type == "CHECK_CODE")
        reason = self.string(c[-1]) if c[-1].type == "STRING" else None
        return ast.Accept(codes, reason, self.span(meta))

    @values_only
    def title(self, c: list[Token]) -> tuple[str, ast.StringLit]:
        return "title", self.string(c[0])

    @values_only
    def source(self, c: list[Token]) -> tuple[str, ast.StringLit]:
        return "source", self.string(c[0])

    @values_only
    def running_header(self, c: list[Token]) -> tuple[str, ast.StringLit]:
        return "running", self.string(c[0])

    @values_only
    def language(self, c: list[Token]) -> tuple[str, ast.Ident]:
        return "language", ast.Ident(str(c[0]), self.tspan(c[0]))

    @values_only
    def calendar(self, c: list[Token]) -> tuple[str, ast.Ident]:
        return "calendar", ast.Ident(str(c[0]), self.tspan(c[0]))

    @spanned
    def periods_end(self, meta: Meta, c: list[Any]) -> tuple[str, ast.PeriodsEnd]:
        return "periods", ast.PeriodsEnd(self.span(meta))

    # ------------------------------------------------------------ declarations

    @values_only
    def start(self, c: list[Any]) -> tuple[ast.Header, list[ast.Declaration]]:
        return c[0], c[1:]

    @values_only
    def declarations(self, c: list[Any]) -> tuple[None, list[ast.Declaration]]:
        return None, c

    def _opt_string(self, c: list[Any], index: int) -> ast.StringLit | None:
        return self.string(c[index]) if len(c) > index else None

    @spanned
    def import_decl(self, meta: Meta, c: list[Any]) -> ast.Import:
        return ast.Import(self.ident(c[0]), self._opt_string(c, 1), self.span(meta))

    @spanned
    def document_decl(self, meta: Meta, c: list[Any]) -> ast.Document:
        return ast.Document(self.ident(c[0]), self.string(c[1]), self.span(meta))

    @spanned
    def party(self, meta: Meta, c: list[Any]) -> ast.Party:
        return ast.Party(
            self.ident(c[0]), self.string(c[1]), self._opt_string(c, 2), self.span(meta)
        )

    @spanned
    def fact(self, meta: Meta, c: list[Any]) -> ast.Fact:
        presumption = c.pop() if isinstance(c[-1], ast.Presumption) else None
        bounds = tuple(x for x in c[2:] if isinstance(x, ast.Bound))
        rest = [*c[:2], *(x for x in c[2:] if not isinstance(x, ast.Bound))]
        return ast.Fact(
            rest[0], rest[1], self._opt_string(rest, 2), self.span(meta), presumption, bounds
        )

    @spanned
    def at_least(self, meta: Meta, c: list[Any]) -> ast.Bound:
        return ast.Bound("minimum", c[0], self.span(meta))

    @spanned
    def at_most(self, meta: Meta, c: list[Any]) -> ast.Bound:
        return ast.Bound("maximum", c[0], self.span(meta))

    @spanned
    def event(self, meta: Meta, c: list[Any]) -> ast.Event:
        presumption = c.pop() if isinstance(c[-1], ast.Presumption) else None
        return ast.Event(c[0], self._opt_string(c, 1), self.span(meta), presumption)

    @spanned
    def presumption(self, meta: Meta, c: list[Any]) -> ast.Presumption:
        rests_on = c[2] if len(c) > 2 else ()
        return ast.Presumption(c[0], self.string(c[1]), tuple(rests_on), self.span(meta))

    @spanned
    def definition(self, meta: Meta, c: list[Any]) -> ast.Definition:
        name, rest = c[0], c[1:]
        type_ = rest.pop(0) if isinstance(rest[0], ast.TypeExpr) else None
        description = self.string(rest[1]) if len(rest) > 1 else None
        return ast.Definition(name, type_, rest[0], description, self.span(meta))

    @spanned
    def action_decl(self, meta: Meta, c: list[Any]) -> ast.ActionDecl:
        return ast.ActionDecl(self.ident(c[0]), self._opt_string(c, 1), self.span(meta))

    @spanned
    def object_decl(self, meta: Meta, c: list[Any]) -> ast.ObjectDecl:
        rest = c[1:]
        type_ = rest.pop(0) if rest and isinstance(rest[0], ast.TypeExpr) else None
        description = self.string(rest[0]) if rest else None
        return ast.ObjectDecl(self.ident(c[0]), type_, description, self.span(meta))

    @spanned
    def incompatible(self, meta: Meta, c: list[Token]) -> ast.Incompatible:
        return ast.Incompatible(tuple(self.ident(t) for t in c), self.span(meta))

    @spanned
    def incompatible_acts(self, meta: Meta, c: list[tuple[Token, Token]]) -> ast.Incompatible:
        actions = tuple(self.ident(action) for action, _ in c)
        objects = tuple(self.ident(obj) for _, obj in c)
        return ast.Incompatible(actions, self.span(meta), objects)

    def act(self, c: list[Token]) -> tuple[Token, Token]:
        return c[0], c[1]

    # ------------------------------------------------------------ types

    @spanned
    def t_boolean(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("boolean", self.span(meta))

    @spanned
    def t_integer(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("integer", self.span(meta))

    @spanned
    def t_decimal(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("decimal", self.span(meta))

    @spanned
    def t_money(self, meta: Meta, c: list[Token]) -> ast.TypeExpr:
        return ast.TypeExpr("money", self.span(meta), currency=str(c[0]))

    @spanned
    def t_date(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("date", self.span(meta))

    @spanned
    def t_duration(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("duration", self.span(meta), unit=str(c[0]))  # type: ignore[arg-type]

    @spanned
    def t_text(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("text", self.span(meta))

    @spanned
    def t_enum(self, meta: Meta, c: list[Token]) -> ast.TypeExpr:
        return ast.TypeExpr("enum", self.span(meta), members=tuple(self.ident(t) for t in c))

    @spanned
    def u_days(self, meta: Meta, c: list[Any]) -> str:
        return _Unit("days", meta)

    @spanned
    def u_working_days(self, meta: Meta, c: list[Any]) -> str:
        return _Unit("working_days", meta)

    @spanned
    def u_weeks(self, meta: Meta, c: list[Any]) -> str:
        return _Unit("weeks", meta)

    @spanned
    def u_months(self, meta: Meta, c: list[Any]) -> str:
        return _Unit("months", meta)

    @spanned
    def u_years(self, meta: Meta, c: list[Any]) -> str:
        return _Unit("years", meta)

    # ------------------------------------------------------------ clauses

    @spanned
    def clause(self, meta: Meta, c: list[Any]) -> ast.Clause:
        kinds = (ast.ClauseAttr, ast.RefersTo, ast.Accept)
        attrs = tuple(x for x in c[1:] if isinstance(x, kinds))
        items = tuple(x for x in c[1:] if not isinstance(x, kinds))
        return ast.Clause(self.string(c[0]), True, attrs, items, self.span(meta))

    @spanned
    def non_normative(self, meta: Meta, c: list[Any]) -> ast.Clause:
        return ast.Clause(self.string(c[0]), False, tuple(c[1:]), (), self.span(meta))

    def _attr(self, kind: str, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return ast.ClauseAttr(kind, self.string(c[0]), self.span(meta))  # type: ignore[arg-type]

    @spanned
    def quote(self, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return self._attr("quote", meta, c)

    @spanned
    def gloss(self, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return self._attr("gloss", meta, c)

    @spanned
    def reason(self, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return self._attr("reason", meta, c)

    @spanned
    def refers_to(self, meta: Meta, c: list[Any]) -> ast.RefersTo:
        return ast.RefersTo(c[0], self.span(meta), tuple(self.ident(t) for t in c[1:]))

    @values_only
    def ref_list(self, c: list[Any]) -> tuple[ast.Ref, ...]:
        return tuple(c)

    @spanned
    def clause_ref(self, meta: Meta, c: list[Token]) -> ast.ClauseRef:
        contract = self.ident(c[1]) if len(c) > 1 else None
        return ast.ClauseRef(self.string(c[0]), contract, self.span(meta))

    @spanned
    def document_ref(self, meta: Meta, c: list[Token]) -> ast.DocumentRef:
        return ast.DocumentRef(self.ident(c[0]), self.span(meta))

    @spanned
    def precedence(self, meta: Meta, c: list[Any]) -> ast.Precedence:
        return ast.Precedence(c[0], c[1], self.span(meta))

    @spanned
    def deadline_extension(self, meta: Meta, c: list[Any]) -> ast.DeadlineExtension:
        return ast.DeadlineExtension(c[0], c[1] if len(c) > 1 else None, self.span(meta))

    # ------------------------------------------------------------ norms

    @spanned
    def norm(self, meta: Meta, c: list[Any]) -> ast.Norm:
        head = c[0]
        items = tuple(x for x in c[1:] if not isinstance(x, ast.Norm))
        remedies = tuple(x for x in c[1:] if isinstance(x, ast.Norm))
        return ast.Norm(head, items, remedies, self.span(meta))

    remedy = norm

    @spanned
    def norm_head(self, meta: Meta, c: list[Any]) -> ast.NormHead:
        party, modality, action, obj = c[:4]
        amount = next((x for x in c[4:] if isinstance(x, ast.Amount)), None)
        beneficiary = next((x for x in c[4:] if isinstance(x, ast.Ident)), None)
        return ast.NormHead(
            self.ident(party),
            modality,
            self.ident(action),
            self.ident(obj),
            amount,
            beneficiary,
            self.span(meta),
        )

    @values_only
    def must(self, c: list[Any]) -> str:
        return "must"

    @values_only
    def must_not(self, c: list[Any]) -> str:
        return "must_not"

    @values_only
    def may(self, c: list[Any]) -> str:
        return "may"

    @values_only
    def can(self, c: list[Any]) -> str:
        return "can"

    @spanned
    def amount(self, meta: Meta, c: list[Any]) -> ast.Amount:
        kind, expr = c[0]
        return ast.Amount(kind, expr, self.span(meta))

    @values_only
    def amount_all(self, c: list[Any]) -> tuple[str, None]:
        return "all", None

    @values_only
    def amount_part(self, c: list[Any]) -> tuple[str, None]:
        return "part", None

    @values_only
    def amount_part_or_all(self, c: list[Any]) -> tuple[str, None]:
        return "part_or_all", None

    @values_only
    def amount_up_to(self, c: list[Any]) -> tuple[str, ast.Expr]:
        return "up_to", c[0]

    @values_only
    def amount_exactly(self, c: list[Any]) -> tuple[str, ast.Expr]:
        return "exactly", c[0]

    @values_only
    def beneficiary(self, c: list[Token]) -> ast.Ident:
        return self.ident(c[0])

    @spanned
    def condition(self, meta: Meta, c: list[Any]) -> ast.Condition:
        return ast.Condition(c[0], self.span(meta))

    @spanned
    def exception(self, meta: Meta, c: list[Any]) -> ast.Exception_:
        return ast.Exception_(c[0], self.span(meta))

    @spanned
    def otherwise_provided(self, meta: Meta, c: list[Any]) -> ast.OtherwiseProvided:
        return ast.OtherwiseProvided(self.span(meta))

    def _priority(self, kind: str, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return ast.PriorityItem(kind, c[0], self.span(meta))  # type: ignore[arg-type]

    @spanned
    def subject_to(self, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return self._priority("subject_to", meta, c)

    @spanned
    def notwithstanding(self, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return self._priority("notwithstanding", meta, c)

    @spanned
    def prevails_over(self, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return self._priority("prevails_over", meta, c)

    @spanned
    def form(self, meta: Meta, c: list[Token]) -> ast.Form:
        return ast.Form(tuple(self.ident(t) for t in c), self.span(meta))

    @spanned
    def performed_on(self, meta: Meta, c: list[Any]) -> ast.PerformedOn:
        return ast.PerformedOn(c[0], self.span(meta))

    @spanned
    def breach_when(self, meta: Meta, c: list[Any]) -> ast.BreachWhen:
        return ast.BreachWhen(c[0], self.span(meta))

    @spanned
    def extension_by(self, meta: Meta, c: list[Any]) -> ast.Extension:
        return ast.Extension("by", c[0], c[1] if len(c) > 1 else None, self.span(meta))

    @spanned
    def extension_to(self, meta: Meta, c: list[Any]) -> ast.Extension:
        return ast.Extension("to", c[0], c[1] if len(c) > 1 else None, self.span(meta))

    @spanned
    def ending_working(self, meta: Meta, c: list[Any]) -> ast.EndingOn:
        return ast.EndingOn(True, self.span(meta))

    @spanned
    def ending_any(self, meta: Meta, c: list[Any]) -> ast.EndingOn:
        return ast.EndingOn(False, self.span(meta))

    # ------------------------------------------------------------ deadlines

    @spanned
    def within(self, meta: Meta, c: list[Any]) -> ast.Within:
        return ast.Within(c[0], c[1], self.span(meta))

    @spanned
    def at_least_before(self, meta: Meta, c: list[Any]) -> ast.AtLeastBefore:
        return ast.AtLeastBefore(c[0], c[1], self.span(meta))

    @spanned
    def before(self, meta: Meta, c: list[Any]) -> ast.DateBound:
        return ast.DateBound("before", c[0], self.span(meta))

    @spanned
    def by(self, meta: Meta, c: list[Any]) -> ast.DateBound:
        return ast.DateBound("by", c[0], self.span(meta))

    @spanned
    def until(self, meta: Meta, c: list[Any]) -> ast.DateBound:
        return ast.DateBound("until", c[0], self.span(meta))

    @spanned
    def without_undue_delay(self, meta: Meta, c: list[Any]) -> ast.Qualitative:
        return ast.Qualitative("without_undue_delay", self.span(meta))

    @spanned
    def immediately(self, meta: Meta, c: list[Any]) -> ast.Qualitative:
        return ast.Qualitative("immediately", self.span(meta))

    @spanned
    def monthly(self, meta: Meta, c: list[Any]) -> ast.Monthly:
        days = tuple(int(t) for t in c if isinstance(t, Token) and t.type == "INT")
        anchor = c[-1] if c and not isinstance(c[-1], (Token, Tree)) else None
        return ast.Monthly(days, anchor, self.span(meta))

    @values_only
    def day_word(self, c: list[Any]) -> Tree[Any]:
        return Tree("day_word", [])

    @spanned
    def at_least_once_every(self, meta: Meta, c: list[Any]) -> ast.Frequency:
        return ast.Frequency(str(c[0]), self.span(meta))  # type: ignore[arg-type]

    # ------------------------------------------------------------ questions and scenarios

    @spanned
    def question(self, meta: Meta, c: list[Any]) -> ast.Question:
        description = self.string(c[1]) if len(c) > 2 else None
        return ast.Question(self.ident(c[0]), description, c[-1], self.span(meta))

    def _query(self, kind: str, meta: Meta, c: list[Token]) -> ast.Query:
        party, action, obj = (self.ident(t) for t in c)
        return ast.Query(kind, party, action, obj, None, self.span(meta))  # type: ignore[arg-type]

    @spanned
    def q_may(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("may", meta, c)

    @spanned
    def q_must(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("must", meta, c)

    @spanned
    def q_deadline(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("deadline", meta, c)

    @spanned
    def q_amount(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("amount", meta, c)

    @spanned
    def q_value(self, meta: Meta, c: list[Any]) -> ast.Query:
        return ast.Query("value", None, None, None, c[0], self.span(meta))

    @spanned
    def scenario(self, meta: Meta, c: list[Any]) -> ast.Scenario:
        return ast.Scenario(self.string(c[0]), tuple(c[1:]), self.span(meta))

    @spanned
    def given(self, meta: Meta, c: list[Any]) -> ast.Given:
        return ast.Given(c[0], c[1], self.span(meta))

    @spanned
    def as_of(self, meta: Meta, c: list[Any]) -> ast.AsOf:
        return ast.AsOf(c[0], self.span(meta))

    @spanned
    def expect(self, meta: Meta, c: list[Any]) -> ast.Expect:
        return ast.Expect(self.ident(c[0]), c[1], tuple(c[2:]), self.span(meta))

    def _answer(self, kind: str, meta: Meta, value: ast.Expr | None = None) -> ast.Answer:
        return ast.Answer(kind, value, self.span(meta))  # type: ignore[arg-type]

    @spanned
    def a_yes(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("yes", meta)

    @spanned
    def a_no(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("no", meta)

    @spanned
    def a_obliged(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("obliged", meta)

    @spanned
    def a_not_obliged(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("not_obliged", meta)

    @spanned
    def a_undetermined(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("undetermined", meta)

    @spanned
    def a_without_undue_delay(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("without_undue_delay", meta)

    @spanned
    def a_immediately(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("immediately", meta)

    @spanned
    def a_none(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("none", meta)

    @spanned
    def a_all(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("all", meta)

    @spanned
    def a_part(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("part", meta)

    @spanned
    def a_unspecified(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("unspecified", meta)

    @spanned
    def a_value(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("value", meta, c[0])

    @spanned
    def because(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("because", refs=c[0], span=self.span(meta))

    @spanned
    def overriding(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("overriding", refs=c[0], span=self.span(meta))

    @spanned
    def depending_on(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("depending_on", names=tuple(c), span=self.span(meta))

    @spanned
    def assuming(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("assuming", names=tuple(c), span=self.span(meta))

    @spanned
    def due_by(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("by", expr=c[0], span=self.span(meta))

    # ------------------------------------------------------------ expressions

    @spanned
    def dotted(self, meta: Meta, c: list[Token]) -> ast.Dotted:
        self.ident(c[0])  # after a dot a keyword is unambiguous; only the first part is reserved
        return ast.Dotted(tuple(str(t) for t in c), self.span(meta))

    @spanned
    def name(self, meta: Meta, c: list[Any]) -> ast.NameRef:
        return ast.NameRef(c[0], self.span(meta))

    def _fold(self, op: str, meta: Meta, c: list[Any]) -> ast.Expr:
        """A chain ``a or b or c …`` as a balanced tree: and/or are associative, and a long
        list of alternatives is not deep nesting."""
        if len(c) == 1:
            return cast(ast.Expr, c[0])
        middle = len(c) // 2
        left, right = self._fold(op, meta, c[:middle]), self._fold(op, meta, c[middle:])
        span = Span(
            self.file, left.span.line, left.span.column, right.span.end_line, right.span.end_column
        )
        return self.nested(ast.Binary(op, left, right, span), left, right)  # type: ignore[arg-type]

    @spanned
    def atom(self, meta: Meta, c: list[Any]) -> Any:
        """``( expr )``: no AST node, but the parentheses count towards the nesting limit."""
        inner = attrs.evolve(c[0], span=meta)
        depth = self.depth(c[0]) + 1
        if depth > MAX_NESTING:
            raise TooDeep(meta)
        self._depth[id(inner)] = (inner, depth)
        return inner

    @spanned
    def or_expr(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return self._fold("or", meta, c)

    @spanned
    def and_expr(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return self._fold("and", meta, c)

    @spanned
    def not_(self, meta: Meta, c: list[Any]) -> ast.Unary:
        return self.nested(ast.Unary("not", c[0], self.span(meta)), c[0])  # type: ignore[return-value]

    @spanned
    def neg(self, meta: Meta, c: list[Any]) -> ast.Unary:
        return self.nested(ast.Unary("neg", c[0], self.span(meta)), c[0])  # type: ignore[return-value]

    def _binary(self, op: str, meta: Meta, c: list[Any]) -> ast.Binary:
        node = ast.Binary(op, c[0], c[1], self.span(meta))  # type: ignore[arg-type]
        return self.nested(node, c[0], c[1])  # type: ignore[return-value]

    @spanned
    def eq(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("=", meta, c)

    @spanned
    def ne(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("!=", meta, c)

    @spanned
    def lt(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("<", meta, c)

    @spanned
    def le(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("<=", meta, c)

    @spanned
    def gt(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary(">", meta, c)

    @spanned
    def ge(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary(">=", meta, c)

    @spanned
    def add(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("+", meta, c)

    @spanned
    def sub(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("-", meta, c)

    @spanned
    def mul(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("*", meta, c)

    @spanned
    def div(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("/", meta, c)

    @spanned
    def occurred(self, meta: Meta, c: list[Any]) -> ast.Occurred:
        return self.nested(ast.Occurred(c[0], self.span(meta)), c[0])  # type: ignore[return-value]

    @spanned
    def today(self, meta: Meta, c: list[Any]) -> ast.Today:
        return ast.Today(self.span(meta))

    @spanned
    def conditional(self, meta: Meta, c: list[Any]) -> ast.Conditional:
        node = ast.Conditional(c[0], c[1], c[2], self.span(meta))
        return self.nested(node, *c)  # type: ignore[return-value]

    @spanned
    def between(self, meta: Meta, c: list[Any]) -> ast.Between:
        node = ast.Between(str(c[0]), c[1], c[2], self.span(meta))  # type: ignore[arg-type]
        return self.nested(node, c[1], c[2])  # type: ignore[return-value]

    @spanned
    def earliest(self, meta: Meta, c: list[Any]) -> ast.Extremum:
        return self.nested(ast.Extremum("earliest", tuple(c), self.span(meta)), *c)  # type: ignore[return-value]

    @spanned
    def latest(self, meta: Meta, c: list[Any]) -> ast.Extremum:
        return self.nested(ast.Extremum("latest", tuple(c), self.span(meta)), *c)  # type: ignore[return-value]

    @spanned
    def least(self, meta: Meta, c: list[Any]) -> ast.Extremum:
        return self.nested(ast.Extremum("least", tuple(c), self.span(meta)), *c)  # type: ignore[return-value]

    @spanned
    def greatest(self, meta: Meta, c: list[Any]) -> ast.Extremum:
        return self.nested(ast.Extremum("greatest", tuple(c), self.span(meta)), *c)  # type: ignore[return-value]

    # ------------------------------------------------------------ literals

    def digits(self, token: Token, meta: Meta) -> str:
        """The text of a number, or "0" (after an error) when it has more digits than any
        value in clausec may: every later pass and every evaluator computes with it."""
        text = str(token)
        if len(text.replace(".", "")) <= MAX_LITERAL_DIGITS:
            return text
        self.diagnostics.append(
            error(
                "E0106",
                f"a number of {len(text.replace('.', ''))} digits is too long",
                self.span(meta),
                f"more than {MAX_LITERAL_DIGITS} digits",
                hint=f"numbers, amounts and durations have at most {MAX_LITERAL_DIGITS} digits",
            )
        )
        return "0"

    @spanned
    def number(self, meta: Meta, c: list[Token]) -> ast.NumberLit:
        return ast.NumberLit(Decimal(self.digits(c[0], meta)), c[0].type == "INT", self.span(meta))

    @spanned
    def percent(self, meta: Meta, c: list[Token]) -> ast.PercentLit:
        return ast.PercentLit(Decimal(self.digits(c[0], meta)), self.span(meta))

    @spanned
    def money(self, meta: Meta, c: list[Token]) -> ast.MoneyLit:
        return ast.MoneyLit(Decimal(self.digits(c[0], meta)), str(c[1]), self.span(meta))

    @spanned
    def duration(self, meta: Meta, c: list[Any]) -> ast.DurationLit:
        return ast.DurationLit(int(self.digits(c[0], meta)), str(c[1]), self.span(meta))  # type: ignore[arg-type]

    @spanned
    def date(self, meta: Meta, c: list[Token]) -> ast.DateLit:
        span = self.span(meta)
        try:
            value = dt.date.fromisoformat(str(c[0]))
        except ValueError:
            self.diagnostics.append(
                error(
                    "E0106",
                    f"`{c[0]}` is not a valid date",
                    span,
                    "no such day",
                    hint="dates are written YYYY-MM-DD, e.g. 2025-01-24",
                )
            )
            value = dt.date(1, 1, 1)
        return ast.DateLit(value, span)

    @values_only
    def string_lit(self, c: list[Token]) -> ast.StringLit:
        return self.string(c[0])

    @spanned
    def true(self, meta: Meta, c: list[Any]) -> ast.BoolLit:
        return ast.BoolLit(True, self.span(meta))

    @spanned
    def false(self, meta: Meta, c: list[Any]) -> ast.BoolLit:
        return ast.BoolLit(False, self.span(meta))

    @spanned
    def never(self, meta: Meta, c: list[Any]) -> ast.NeverLit:
        return ast.NeverLit(self.span(meta))
