"""The outline of a document (textDocument/documentSymbol): its clauses with their norms,
and its parties, actions, objects, facts, events, definitions, imports, questions and
scenarios, from the syntax tree (a file with syntax errors keeps what the parser recovered)."""

from __future__ import annotations

from lsprotocol import types

from clausec.lsp.positions import LineIndex
from clausec.source import Span
from clausec.syntax import ast

__all__ = ["outline"]

# Norms in words, as a reader of the outline says them.
_MODALITIES = {"must": "must", "must_not": "must not", "may": "may", "can": "can"}
# How long a quote may be in the outline before it is cut.
_QUOTE_WIDTH = 40

_Kind = types.SymbolKind


def outline(module: ast.Module, lines: LineIndex) -> list[types.DocumentSymbol]:
    """The document's symbols in the order they are written."""
    out: list[types.DocumentSymbol] = []
    for declaration in module.declarations:
        symbol = _declaration(declaration, lines)
        if symbol is not None:
            out.append(symbol)
    return out


def _symbol(
    name: str,
    kind: types.SymbolKind,
    node_span: Span,
    name_span: Span,
    lines: LineIndex,
    detail: str | None = None,
    children: list[types.DocumentSymbol] | None = None,
) -> types.DocumentSymbol:
    whole = lines.range(node_span)
    selection = lines.range(name_span)
    # The client requires the selection inside the whole.
    if not _inside(selection, whole):
        selection = types.Range(whole.start, whole.start)
    return types.DocumentSymbol(
        name=name or "?",
        kind=kind,
        range=whole,
        selection_range=selection,
        detail=detail,
        children=children,
    )


def _inside(inner: types.Range, outer: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


def _declaration(d: ast.Declaration, lines: LineIndex) -> types.DocumentSymbol | None:
    match d:
        case ast.Clause():
            return _clause(d, lines)
        case ast.Party():
            return _symbol(d.name.name, _Kind.Object, d.span, d.name.span, lines, d.role.value)
        case ast.ActionDecl():
            return _symbol(
                d.name.name, _Kind.Function, d.span, d.name.span, lines, _text(d.description)
            )
        case ast.ObjectDecl():
            return _symbol(
                d.name.name, _Kind.Struct, d.span, d.name.span, lines, _text(d.description)
            )
        case ast.Fact():
            return _symbol(
                d.name.name, _Kind.Field, d.span, d.name.span, lines, _text(d.description)
            )
        case ast.Event():
            return _symbol(
                d.name.name, _Kind.Event, d.span, d.name.span, lines, _text(d.description)
            )
        case ast.Definition():
            return _symbol(
                d.name.name, _Kind.Constant, d.span, d.name.span, lines, _text(d.description)
            )
        case ast.Import():
            return _symbol(
                d.contract.name, _Kind.Module, d.span, d.contract.span, lines, _text(d.path)
            )
        case ast.Document():
            return _symbol(d.name.name, _Kind.File, d.span, d.name.span, lines, d.title.value)
        case ast.Question():
            return _symbol(
                d.name.name, _Kind.Interface, d.span, d.name.span, lines, _text(d.description)
            )
        case ast.Scenario():
            return _symbol(d.title.value, _Kind.Class, d.span, d.title.span, lines, "scenario")
    return None


def _clause(clause: ast.Clause, lines: LineIndex) -> types.DocumentSymbol:
    texts = {a.kind: a.value.value for a in clause.attrs if isinstance(a, ast.ClauseAttr)}
    detail = texts.get("gloss") or _cut(texts.get("quote", ""))
    children = [_norm(item, lines) for item in clause.items if isinstance(item, ast.Norm)]
    return _symbol(
        f"clause {clause.number.value}"
        if clause.normative
        else f"non-normative {clause.number.value}",
        _Kind.Namespace,
        clause.span,
        clause.number.span,
        lines,
        detail or None,
        children or None,
    )


def _norm(norm: ast.Norm, lines: LineIndex, remedy: bool = False) -> types.DocumentSymbol:
    head = norm.head
    words = f"{head.party.name} {_MODALITIES[head.modality]} {head.action.name} {head.object.name}"
    remedies = [_norm(r, lines, remedy=True) for r in norm.remedies]
    detail = "otherwise" if remedy else None
    return _symbol(words, _Kind.Method, norm.span, head.span, lines, detail, remedies or None)


def _text(value: ast.StringLit | None) -> str | None:
    return value.value if value is not None else None


def _cut(text: str) -> str:
    return text if len(text) <= _QUOTE_WIDTH else text[: _QUOTE_WIDTH - 1] + "…"
