"""The quick fix that accepts a finding: ``accept CODE because "…"`` inserted among the
attributes of the clause the finding is in, or in the header for a finding of the whole file
(docs/language.md, "Accepting a finding")."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from clausec.diagnostics import Diagnostic, Severity
from clausec.diagnostics.codes import REGISTRY
from clausec.lsp.positions import LineIndex, utf16_length
from clausec.source import Span
from clausec.syntax import ast

__all__ = ["REASON", "accept_actions", "acceptable"]

#: What the inserted reason holds until the author writes it (selected when the editor takes
#: snippets).
REASON = "…"
_INDENT = "  "


def acceptable(d: Diagnostic) -> bool:
    """Whether an `accept` can cover ``d``: a warning or an info with a registered code, not
    already accepted."""
    return d.severity is not Severity.ERROR and d.code in REGISTRY and d.suppressed is None


def accept_actions(
    d: Diagnostic,
    shown: types.Diagnostic,
    module: ast.Module,
    lines: LineIndex,
    document: types.OptionalVersionedTextDocumentIdentifier,
    snippets: bool,
) -> list[types.CodeAction]:
    """The code actions that accept ``d`` (shown to the client as ``shown``): in its clause
    (preferred), and for the whole file."""
    out: list[types.CodeAction] = []
    clause = _clause_of(d, module.declarations)
    if clause is not None:
        anchor, indent = _clause_place(clause, lines)
        out.append(
            _action(
                f"Accept {d.code} in clause {clause.number.value}",
                d.code,
                anchor,
                indent,
                shown,
                lines,
                document,
                snippets,
                preferred=True,
            )
        )
    if module.header is not None:
        anchor, indent = _header_place(module.header, lines)
        out.append(
            _action(
                f"Accept {d.code} in the whole file",
                d.code,
                anchor,
                indent,
                shown,
                lines,
                document,
                snippets,
                preferred=clause is None,
            )
        )
    return out


def _action(
    title: str,
    code: str,
    anchor: int,
    indent: str,
    shown: types.Diagnostic,
    lines: LineIndex,
    document: types.OptionalVersionedTextDocumentIdentifier,
    snippets: bool,
    preferred: bool,
) -> types.CodeAction:
    """An action inserting the directive on a line of its own after 1-based line ``anchor``."""
    line = f"{indent}accept {code} because "
    if anchor < len(lines.lines):
        place = types.Position(line=anchor, character=0)
        before, after = "", "\n"
    else:  # the anchor is the last line and has no line break
        place = types.Position(line=anchor - 1, character=utf16_length(lines.lines[anchor - 1]))
        before, after = "\n", ""
    where = types.Range(place, place)
    edit: types.TextEdit | types.SnippetTextEdit
    if snippets:
        snippet = f'{before}{line}"${{1:{REASON}}}"{after}'
        edit = types.SnippetTextEdit(where, types.StringValue(snippet))
    else:
        edit = types.TextEdit(where, f'{before}{line}"{REASON}"{after}')
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[shown],
        is_preferred=preferred,
        edit=types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=[edit])]
        ),
    )


def _clause_of(d: Diagnostic, declarations: Sequence[ast.Declaration]) -> ast.Clause | None:
    """The clause ``d`` is in: the one holding its place, else one holding a note's place in
    the same file (as an `accept` in a clause decides, clausec.analysis.accept)."""
    clauses = [c for c in declarations if isinstance(c, ast.Clause)]
    if d.span is None:
        return None
    places = [d.span, *(n.span for n in d.notes)]
    for place in places:
        if place is None or place.file != d.span.file:
            continue
        for clause in clauses:
            if clause.span.contains(place):
                return clause
    return None


def _clause_place(clause: ast.Clause, lines: LineIndex) -> tuple[int, str]:
    """After the clause's last attribute (quote, gloss, refers to, accept), at their
    indentation; with no attribute, after the clause's number, indented as its items."""
    attributes: Sequence[ast.ClauseAttr | ast.RefersTo | ast.Accept] = clause.attrs
    if attributes:
        return attributes[-1].span.end_line, _indent_of(attributes[0].span, lines)
    if clause.items:
        return clause.number.span.end_line, _indent_of(clause.items[0].span, lines)
    return clause.number.span.end_line, _INDENT


def _header_place(header: ast.Header, lines: LineIndex) -> tuple[int, str]:
    """After the header's last line, at the indentation of its items."""
    items = [
        item.span
        for item in (header.title, header.source, header.language, header.calendar)
        if item is not None
    ]
    items += [a.span for a in header.accepts]
    below = [s for s in items if s.line > header.span.line]
    indent = _indent_of(min(below, key=lambda s: s.line), lines) if below else _INDENT
    return header.span.end_line, indent


def _indent_of(span: Span, lines: LineIndex) -> str:
    """The white space that starts the line of ``span`` (the default when there is none)."""
    text = lines.lines[span.line - 1] if 0 < span.line <= len(lines.lines) else ""
    lead = text[: len(text) - len(text.lstrip())]
    return lead or _INDENT
