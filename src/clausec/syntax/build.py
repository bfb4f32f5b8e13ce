"""Lark parse tree -> AST, in lark's Transformer style (non-recursive: deep input is legal)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, cast

from lark import Token, Transformer_NonRecursive, Tree, v_args
from lark.tree import Meta

from clausec.diagnostics import Diagnostic, error
from clausec.source import Span
from clausec.syntax import ast
from clausec.syntax.grammar import reserved_words

_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", re.S)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


class AstBuilder(Transformer_NonRecursive):  # type: ignore[type-arg]
    """Builds :mod:`clausec.syntax.ast` nodes; recoverable problems go to ``diagnostics``."""

    def __init__(self, file: str, line_offset: int = 0) -> None:
        super().__init__()
        self.file = file
        self.line_offset = line_offset
        self.diagnostics: list[Diagnostic] = []
        self._reserved = reserved_words()

    # ------------------------------------------------------------ spans and tokens

    def span(self, meta: Meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.file, 1 + self.line_offset, 1, 1 + self.line_offset, 1)
        return Span(self.file, meta.line + self.line_offset, meta.column,
                    meta.end_line + self.line_offset, meta.end_column)

    def tspan(self, tok: Token) -> Span:
        assert tok.line is not None and tok.column is not None
        end_line = tok.end_line if tok.end_line is not None else tok.line
        end_col = tok.end_column if tok.end_column is not None else tok.column + len(tok)
        return Span(self.file, tok.line + self.line_offset, tok.column,
                    end_line + self.line_offset, end_col)

    def ident(self, tok: Token) -> ast.Ident:
        span = self.tspan(tok)
        if str(tok) in self._reserved:
            self.diagnostics.append(error(
                "E0104", f"`{tok}` is a reserved word and cannot be used as a name", span,
                "reserved word", hint=f"choose another name, e.g. `{tok}_`"))
        return ast.Ident(str(tok), span)

    def string(self, tok: Token) -> ast.StringLit:
        span = self.tspan(tok)
        return ast.StringLit(self._unescape(str(tok)[1:-1], span), span)

    def _unescape(self, body: str, span: Span) -> str:
        if "\\" not in body:
            return body

        def replace(m: re.Match[str]) -> str:
            esc = m.group(1)
            if esc in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[esc]
            if esc.startswith("u{"):
                code = int(esc[2:-1], 16)
                if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    return chr(code)
            self.diagnostics.append(error(
                "E0105", f"invalid escape `\\{esc}` in string", span, "in this string",
                hint='escapes are \\" \\\\ \\n \\t \\r and \\u{XXXX}'))
            return esc

        return _ESCAPE.sub(replace, body)

    # ------------------------------------------------------------ header

    @v_args(meta=True)
    def header(self, meta: Meta, children: list[Any]) -> ast.Header:
        name = self.ident(children[0])
        items: dict[str, Any] = {}
        for kind, value in children[1:]:
            if kind in items:
                self.diagnostics.append(error(
                    "E0204", f"the header gives `{kind}` twice", value.span, "second one"))
            items[kind] = value
        return ast.Header(name, items.get("title"), items.get("source"), items.get("language"),
                          items.get("calendar"), self.span(meta))

    def title(self, c: list[Token]) -> tuple[str, ast.StringLit]:
        return "title", self.string(c[0])

    def source(self, c: list[Token]) -> tuple[str, ast.StringLit]:
        return "source", self.string(c[0])

    def language(self, c: list[Token]) -> tuple[str, ast.Ident]:
        return "language", ast.Ident(str(c[0]), self.tspan(c[0]))

    def calendar(self, c: list[Token]) -> tuple[str, ast.Ident]:
        return "calendar", ast.Ident(str(c[0]), self.tspan(c[0]))

    # ------------------------------------------------------------ declarations

    def start(self, c: list[Any]) -> tuple[ast.Header, list[ast.Declaration]]:
        return c[0], c[1:]

    def declarations(self, c: list[Any]) -> tuple[None, list[ast.Declaration]]:
        return None, c

    def _opt_string(self, c: list[Any], index: int) -> ast.StringLit | None:
        return self.string(c[index]) if len(c) > index else None

    @v_args(meta=True)
    def import_decl(self, meta: Meta, c: list[Any]) -> ast.Import:
        return ast.Import(self.ident(c[0]), self._opt_string(c, 1), self.span(meta))

    @v_args(meta=True)
    def document_decl(self, meta: Meta, c: list[Any]) -> ast.Document:
        return ast.Document(self.ident(c[0]), self.string(c[1]), self.span(meta))

    @v_args(meta=True)
    def party(self, meta: Meta, c: list[Any]) -> ast.Party:
        return ast.Party(self.ident(c[0]), self.string(c[1]), self._opt_string(c, 2),
                         self.span(meta))

    @v_args(meta=True)
    def fact(self, meta: Meta, c: list[Any]) -> ast.Fact:
        return ast.Fact(c[0], c[1], self._opt_string(c, 2), self.span(meta))

    @v_args(meta=True)
    def event(self, meta: Meta, c: list[Any]) -> ast.Event:
        return ast.Event(c[0], self._opt_string(c, 1), self.span(meta))

    @v_args(meta=True)
    def definition(self, meta: Meta, c: list[Any]) -> ast.Definition:
        name, rest = c[0], c[1:]
        type_ = rest.pop(0) if isinstance(rest[0], ast.TypeExpr) else None
        description = self.string(rest[1]) if len(rest) > 1 else None
        return ast.Definition(name, type_, rest[0], description, self.span(meta))

    @v_args(meta=True)
    def action_decl(self, meta: Meta, c: list[Any]) -> ast.ActionDecl:
        return ast.ActionDecl(self.ident(c[0]), self._opt_string(c, 1), self.span(meta))

    @v_args(meta=True)
    def object_decl(self, meta: Meta, c: list[Any]) -> ast.ObjectDecl:
        rest = c[1:]
        type_ = rest.pop(0) if rest and isinstance(rest[0], ast.TypeExpr) else None
        description = self.string(rest[0]) if rest else None
        return ast.ObjectDecl(self.ident(c[0]), type_, description, self.span(meta))

    @v_args(meta=True)
    def incompatible(self, meta: Meta, c: list[Token]) -> ast.Incompatible:
        return ast.Incompatible(tuple(self.ident(t) for t in c), self.span(meta))

    # ------------------------------------------------------------ types

    @v_args(meta=True)
    def t_boolean(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("boolean", self.span(meta))

    @v_args(meta=True)
    def t_integer(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("integer", self.span(meta))

    @v_args(meta=True)
    def t_decimal(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("decimal", self.span(meta))

    @v_args(meta=True)
    def t_money(self, meta: Meta, c: list[Token]) -> ast.TypeExpr:
        return ast.TypeExpr("money", self.span(meta), currency=str(c[0]))

    @v_args(meta=True)
    def t_date(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("date", self.span(meta))

    @v_args(meta=True)
    def t_duration(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("duration", self.span(meta), unit=c[0])

    @v_args(meta=True)
    def t_text(self, meta: Meta, c: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("text", self.span(meta))

    @v_args(meta=True)
    def t_enum(self, meta: Meta, c: list[Token]) -> ast.TypeExpr:
        return ast.TypeExpr("enum", self.span(meta), members=tuple(self.ident(t) for t in c))

    def u_days(self, c: list[Any]) -> str:
        return "days"

    def u_working_days(self, c: list[Any]) -> str:
        return "working_days"

    def u_weeks(self, c: list[Any]) -> str:
        return "weeks"

    def u_months(self, c: list[Any]) -> str:
        return "months"

    def u_years(self, c: list[Any]) -> str:
        return "years"

    # ------------------------------------------------------------ clauses

    @v_args(meta=True)
    def clause(self, meta: Meta, c: list[Any]) -> ast.Clause:
        attrs = tuple(x for x in c[1:] if isinstance(x, (ast.ClauseAttr, ast.RefersTo)))
        items = tuple(x for x in c[1:] if not isinstance(x, (ast.ClauseAttr, ast.RefersTo)))
        return ast.Clause(self.string(c[0]), True, attrs, items, self.span(meta))

    @v_args(meta=True)
    def non_normative(self, meta: Meta, c: list[Any]) -> ast.Clause:
        return ast.Clause(self.string(c[0]), False, tuple(c[1:]), (), self.span(meta))

    def _attr(self, kind: str, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return ast.ClauseAttr(kind, self.string(c[0]), self.span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def quote(self, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return self._attr("quote", meta, c)

    @v_args(meta=True)
    def gloss(self, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return self._attr("gloss", meta, c)

    @v_args(meta=True)
    def reason(self, meta: Meta, c: list[Token]) -> ast.ClauseAttr:
        return self._attr("reason", meta, c)

    @v_args(meta=True)
    def refers_to(self, meta: Meta, c: list[Any]) -> ast.RefersTo:
        return ast.RefersTo(c[0], self.span(meta))

    def ref_list(self, c: list[Any]) -> tuple[ast.Ref, ...]:
        return tuple(c)

    @v_args(meta=True)
    def clause_ref(self, meta: Meta, c: list[Token]) -> ast.ClauseRef:
        contract = self.ident(c[1]) if len(c) > 1 else None
        return ast.ClauseRef(self.string(c[0]), contract, self.span(meta))

    @v_args(meta=True)
    def document_ref(self, meta: Meta, c: list[Token]) -> ast.DocumentRef:
        return ast.DocumentRef(self.ident(c[0]), self.span(meta))

    @v_args(meta=True)
    def precedence(self, meta: Meta, c: list[Any]) -> ast.Precedence:
        return ast.Precedence(c[0], c[1], self.span(meta))

    @v_args(meta=True)
    def deadline_extension(self, meta: Meta, c: list[Any]) -> ast.DeadlineExtension:
        return ast.DeadlineExtension(c[0], c[1] if len(c) > 1 else None, self.span(meta))

    # ------------------------------------------------------------ norms

    @v_args(meta=True)
    def norm(self, meta: Meta, c: list[Any]) -> ast.Norm:
        head = c[0]
        items = tuple(x for x in c[1:] if not isinstance(x, ast.Norm))
        remedies = tuple(x for x in c[1:] if isinstance(x, ast.Norm))
        return ast.Norm(head, items, remedies, self.span(meta))

    remedy = norm

    @v_args(meta=True)
    def norm_head(self, meta: Meta, c: list[Any]) -> ast.NormHead:
        party, modality, action, obj = c[:4]
        amount = next((x for x in c[4:] if isinstance(x, ast.Amount)), None)
        beneficiary = next((x for x in c[4:] if isinstance(x, ast.Ident)), None)
        return ast.NormHead(self.ident(party), modality, self.ident(action), self.ident(obj),
                            amount, beneficiary, self.span(meta))

    def must(self, c: list[Any]) -> str:
        return "must"

    def must_not(self, c: list[Any]) -> str:
        return "must_not"

    def may(self, c: list[Any]) -> str:
        return "may"

    def can(self, c: list[Any]) -> str:
        return "can"

    @v_args(meta=True)
    def amount(self, meta: Meta, c: list[Any]) -> ast.Amount:
        kind, expr = c[0]
        return ast.Amount(kind, expr, self.span(meta))

    def amount_all(self, c: list[Any]) -> tuple[str, None]:
        return "all", None

    def amount_part(self, c: list[Any]) -> tuple[str, None]:
        return "part", None

    def amount_part_or_all(self, c: list[Any]) -> tuple[str, None]:
        return "part_or_all", None

    def amount_up_to(self, c: list[Any]) -> tuple[str, ast.Expr]:
        return "up_to", c[0]

    def amount_exactly(self, c: list[Any]) -> tuple[str, ast.Expr]:
        return "exactly", c[0]

    def beneficiary(self, c: list[Token]) -> ast.Ident:
        return self.ident(c[0])

    @v_args(meta=True)
    def condition(self, meta: Meta, c: list[Any]) -> ast.Condition:
        return ast.Condition(c[0], self.span(meta))

    @v_args(meta=True)
    def exception(self, meta: Meta, c: list[Any]) -> ast.Exception_:
        return ast.Exception_(c[0], self.span(meta))

    @v_args(meta=True)
    def otherwise_provided(self, meta: Meta, c: list[Any]) -> ast.OtherwiseProvided:
        return ast.OtherwiseProvided(self.span(meta))

    def _priority(self, kind: str, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return ast.PriorityItem(kind, c[0], self.span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def subject_to(self, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return self._priority("subject_to", meta, c)

    @v_args(meta=True)
    def notwithstanding(self, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return self._priority("notwithstanding", meta, c)

    @v_args(meta=True)
    def prevails_over(self, meta: Meta, c: list[Any]) -> ast.PriorityItem:
        return self._priority("prevails_over", meta, c)

    @v_args(meta=True)
    def form(self, meta: Meta, c: list[Token]) -> ast.Form:
        return ast.Form(tuple(self.ident(t) for t in c), self.span(meta))

    @v_args(meta=True)
    def performed_on(self, meta: Meta, c: list[Any]) -> ast.PerformedOn:
        return ast.PerformedOn(c[0], self.span(meta))

    @v_args(meta=True)
    def breach_when(self, meta: Meta, c: list[Any]) -> ast.BreachWhen:
        return ast.BreachWhen(c[0], self.span(meta))

    @v_args(meta=True)
    def extension_by(self, meta: Meta, c: list[Any]) -> ast.Extension:
        return ast.Extension("by", c[0], c[1] if len(c) > 1 else None, self.span(meta))

    @v_args(meta=True)
    def extension_to(self, meta: Meta, c: list[Any]) -> ast.Extension:
        return ast.Extension("to", c[0], c[1] if len(c) > 1 else None, self.span(meta))

    # ------------------------------------------------------------ deadlines

    @v_args(meta=True)
    def within(self, meta: Meta, c: list[Any]) -> ast.Within:
        return ast.Within(c[0], c[1], self.span(meta))

    @v_args(meta=True)
    def at_least_before(self, meta: Meta, c: list[Any]) -> ast.AtLeastBefore:
        return ast.AtLeastBefore(c[0], c[1], self.span(meta))

    @v_args(meta=True)
    def before(self, meta: Meta, c: list[Any]) -> ast.DateBound:
        return ast.DateBound("before", c[0], self.span(meta))

    @v_args(meta=True)
    def by(self, meta: Meta, c: list[Any]) -> ast.DateBound:
        return ast.DateBound("by", c[0], self.span(meta))

    @v_args(meta=True)
    def until(self, meta: Meta, c: list[Any]) -> ast.DateBound:
        return ast.DateBound("until", c[0], self.span(meta))

    @v_args(meta=True)
    def without_undue_delay(self, meta: Meta, c: list[Any]) -> ast.Qualitative:
        return ast.Qualitative("without_undue_delay", self.span(meta))

    @v_args(meta=True)
    def immediately(self, meta: Meta, c: list[Any]) -> ast.Qualitative:
        return ast.Qualitative("immediately", self.span(meta))

    @v_args(meta=True)
    def monthly(self, meta: Meta, c: list[Any]) -> ast.Monthly:
        days = tuple(int(t) for t in c if isinstance(t, Token) and t.type == "INT")
        anchor = c[-1] if c and not isinstance(c[-1], (Token, Tree)) else None
        return ast.Monthly(days, anchor, self.span(meta))

    def day_word(self, c: list[Any]) -> Tree[Any]:
        return Tree("day_word", [])

    @v_args(meta=True)
    def at_least_once_every(self, meta: Meta, c: list[Any]) -> ast.Frequency:
        return ast.Frequency(c[0], self.span(meta))

    # ------------------------------------------------------------ questions and scenarios

    @v_args(meta=True)
    def question(self, meta: Meta, c: list[Any]) -> ast.Question:
        description = self.string(c[1]) if len(c) > 2 else None
        return ast.Question(self.ident(c[0]), description, c[-1], self.span(meta))

    def _query(self, kind: str, meta: Meta, c: list[Token]) -> ast.Query:
        party, action, obj = (self.ident(t) for t in c)
        return ast.Query(kind, party, action, obj, None, self.span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def q_may(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("may", meta, c)

    @v_args(meta=True)
    def q_must(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("must", meta, c)

    @v_args(meta=True)
    def q_deadline(self, meta: Meta, c: list[Token]) -> ast.Query:
        return self._query("deadline", meta, c)

    @v_args(meta=True)
    def q_value(self, meta: Meta, c: list[Any]) -> ast.Query:
        return ast.Query("value", None, None, None, c[0], self.span(meta))

    @v_args(meta=True)
    def scenario(self, meta: Meta, c: list[Any]) -> ast.Scenario:
        return ast.Scenario(self.string(c[0]), tuple(c[1:]), self.span(meta))

    @v_args(meta=True)
    def given(self, meta: Meta, c: list[Any]) -> ast.Given:
        return ast.Given(c[0], c[1], self.span(meta))

    @v_args(meta=True)
    def as_of(self, meta: Meta, c: list[Any]) -> ast.AsOf:
        return ast.AsOf(c[0], self.span(meta))

    @v_args(meta=True)
    def expect(self, meta: Meta, c: list[Any]) -> ast.Expect:
        return ast.Expect(self.ident(c[0]), c[1], tuple(c[2:]), self.span(meta))

    def _answer(self, kind: str, meta: Meta, value: ast.Expr | None = None) -> ast.Answer:
        return ast.Answer(kind, value, self.span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def a_yes(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("yes", meta)

    @v_args(meta=True)
    def a_no(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("no", meta)

    @v_args(meta=True)
    def a_obliged(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("obliged", meta)

    @v_args(meta=True)
    def a_not_obliged(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("not_obliged", meta)

    @v_args(meta=True)
    def a_undetermined(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("undetermined", meta)

    @v_args(meta=True)
    def a_without_undue_delay(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("without_undue_delay", meta)

    @v_args(meta=True)
    def a_immediately(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("immediately", meta)

    @v_args(meta=True)
    def a_none(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("none", meta)

    @v_args(meta=True)
    def a_value(self, meta: Meta, c: list[Any]) -> ast.Answer:
        return self._answer("value", meta, c[0])

    @v_args(meta=True)
    def because(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("because", refs=c[0], span=self.span(meta))

    @v_args(meta=True)
    def overriding(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("overriding", refs=c[0], span=self.span(meta))

    @v_args(meta=True)
    def depending_on(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("depending_on", names=tuple(c), span=self.span(meta))

    @v_args(meta=True)
    def due_by(self, meta: Meta, c: list[Any]) -> ast.ExpectDetail:
        return ast.ExpectDetail("by", expr=c[0], span=self.span(meta))

    # ------------------------------------------------------------ expressions

    @v_args(meta=True)
    def dotted(self, meta: Meta, c: list[Token]) -> ast.Dotted:
        for t in c:
            self.ident(t)  # reserved-word check on every part
        return ast.Dotted(tuple(str(t) for t in c), self.span(meta))

    @v_args(meta=True)
    def name(self, meta: Meta, c: list[Any]) -> ast.NameRef:
        return ast.NameRef(c[0], self.span(meta))

    def _fold(self, op: str, meta: Meta, c: list[Any]) -> ast.Expr:
        result = c[0]
        for operand in c[1:]:
            span = Span(self.file, result.span.line, result.span.column,
                        operand.span.end_line, operand.span.end_column)
            result = ast.Binary(op, result, operand, span)  # type: ignore[arg-type]
        return cast(ast.Expr, result)

    @v_args(meta=True)
    def or_expr(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return self._fold("or", meta, c)

    @v_args(meta=True)
    def and_expr(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return self._fold("and", meta, c)

    @v_args(meta=True)
    def not_(self, meta: Meta, c: list[Any]) -> ast.Unary:
        return ast.Unary("not", c[0], self.span(meta))

    @v_args(meta=True)
    def neg(self, meta: Meta, c: list[Any]) -> ast.Unary:
        return ast.Unary("neg", c[0], self.span(meta))

    def _binary(self, op: str, meta: Meta, c: list[Any]) -> ast.Binary:
        return ast.Binary(op, c[0], c[1], self.span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def eq(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("=", meta, c)

    @v_args(meta=True)
    def ne(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("!=", meta, c)

    @v_args(meta=True)
    def lt(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("<", meta, c)

    @v_args(meta=True)
    def le(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("<=", meta, c)

    @v_args(meta=True)
    def gt(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary(">", meta, c)

    @v_args(meta=True)
    def ge(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary(">=", meta, c)

    @v_args(meta=True)
    def add(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("+", meta, c)

    @v_args(meta=True)
    def sub(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("-", meta, c)

    @v_args(meta=True)
    def mul(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("*", meta, c)

    @v_args(meta=True)
    def div(self, meta: Meta, c: list[Any]) -> ast.Binary:
        return self._binary("/", meta, c)

    @v_args(meta=True)
    def occurred(self, meta: Meta, c: list[Any]) -> ast.Occurred:
        return ast.Occurred(c[0], self.span(meta))

    @v_args(meta=True)
    def today(self, meta: Meta, c: list[Any]) -> ast.Today:
        return ast.Today(self.span(meta))

    @v_args(meta=True)
    def earliest(self, meta: Meta, c: list[Any]) -> ast.Extremum:
        return ast.Extremum("earliest", tuple(c), self.span(meta))

    @v_args(meta=True)
    def latest(self, meta: Meta, c: list[Any]) -> ast.Extremum:
        return ast.Extremum("latest", tuple(c), self.span(meta))

    # ------------------------------------------------------------ literals

    @v_args(meta=True)
    def number(self, meta: Meta, c: list[Token]) -> ast.NumberLit:
        return ast.NumberLit(Decimal(str(c[0])), c[0].type == "INT", self.span(meta))

    @v_args(meta=True)
    def percent(self, meta: Meta, c: list[Token]) -> ast.PercentLit:
        return ast.PercentLit(Decimal(str(c[0])), self.span(meta))

    @v_args(meta=True)
    def money(self, meta: Meta, c: list[Token]) -> ast.MoneyLit:
        return ast.MoneyLit(Decimal(str(c[0])), str(c[1]), self.span(meta))

    @v_args(meta=True)
    def duration(self, meta: Meta, c: list[Any]) -> ast.DurationLit:
        return ast.DurationLit(int(c[0]), c[1], self.span(meta))

    @v_args(meta=True)
    def date(self, meta: Meta, c: list[Token]) -> ast.DateLit:
        span = self.span(meta)
        try:
            value = dt.date.fromisoformat(str(c[0]))
        except ValueError:
            self.diagnostics.append(error(
                "E0106", f"`{c[0]}` is not a valid date", span, "no such day",
                hint="dates are written YYYY-MM-DD, e.g. 2025-01-24"))
            value = dt.date(1, 1, 1)
        return ast.DateLit(value, span)

    def string_lit(self, c: list[Token]) -> ast.StringLit:
        return self.string(c[0])

    @v_args(meta=True)
    def true(self, meta: Meta, c: list[Any]) -> ast.BoolLit:
        return ast.BoolLit(True, self.span(meta))

    @v_args(meta=True)
    def false(self, meta: Meta, c: list[Any]) -> ast.BoolLit:
        return ast.BoolLit(False, self.span(meta))

    @v_args(meta=True)
    def never(self, meta: Meta, c: list[Any]) -> ast.NeverLit:
        return ast.NeverLit(self.span(meta))
