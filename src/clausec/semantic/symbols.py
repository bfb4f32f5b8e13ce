"""Collect a module's declarations into a symbol table, reporting duplicates."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TypeVar

import attrs

from clausec.diagnostics import Diagnostic, Note, error
from clausec.source import Span
from clausec.syntax import ast

_Declaration = TypeVar("_Declaration")


@attrs.define
class Symbols:
    parties: dict[str, ast.Party] = attrs.Factory(dict)
    facts: dict[str, ast.Fact] = attrs.Factory(dict)
    events: dict[str, ast.Event] = attrs.Factory(dict)
    definitions: dict[str, ast.Definition] = attrs.Factory(dict)
    actions: dict[str, ast.ActionDecl] = attrs.Factory(dict)
    objects: dict[str, ast.ObjectDecl] = attrs.Factory(dict)
    clauses: dict[str, ast.Clause] = attrs.Factory(dict)
    questions: dict[str, ast.Question] = attrs.Factory(dict)
    imports: dict[str, ast.Import] = attrs.Factory(dict)
    documents: dict[str, ast.Document] = attrs.Factory(dict)

    def value_names(self) -> list[str]:
        return sorted({*self.facts, *self.events, *self.definitions})


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def collect(module: ast.Module, diagnostics: list[Diagnostic]) -> Symbols:
    """Build the symbol table. Facts, events and definitions share one namespace."""
    symbols = Symbols()
    values: dict[str, Span] = {}
    spans: dict[tuple[str, str], Span] = {}

    def add(
        table: dict[str, _Declaration],
        key: str,
        decl: _Declaration,
        span: Span,
        what: str,
        shared: dict[str, Span] | None = None,
    ) -> None:
        previous = (shared if shared is not None else {}).get(key)
        if previous is None and key in table:
            previous = spans[(what, key)]
        if previous is not None:
            diagnostics.append(
                error(
                    "E0205" if what == "clause" else "E0204",
                    f"{what} {key!r} is declared twice"
                    if what == "clause"
                    else f"`{key}` is declared twice",
                    span,
                    "second declaration",
                    notes=[Note("first declared here", previous)],
                )
            )
            return
        table[key] = decl
        spans[(what, key)] = span
        if shared is not None:
            shared[key] = span

    for decl in module.declarations:
        match decl:
            case ast.Party():
                add(symbols.parties, decl.name.name, decl, decl.name.span, "party")
            case ast.Fact():
                add(symbols.facts, decl.name.name, decl, decl.name.span, "fact", values)
            case ast.Event():
                add(symbols.events, decl.name.name, decl, decl.name.span, "event", values)
            case ast.Definition():
                add(symbols.definitions, decl.name.name, decl, decl.name.span, "definition", values)
            case ast.ActionDecl():
                add(symbols.actions, decl.name.name, decl, decl.name.span, "action")
            case ast.ObjectDecl():
                add(symbols.objects, decl.name.name, decl, decl.name.span, "object")
            case ast.Clause():
                add(symbols.clauses, decl.number.value, decl, decl.number.span, "clause")
            case ast.Question():
                add(symbols.questions, decl.name.name, decl, decl.name.span, "question")
            case ast.Import():
                add(symbols.imports, decl.contract.name, decl, decl.contract.span, "import")
            case ast.Document():
                add(symbols.documents, decl.name.name, decl, decl.name.span, "document")
            case _:
                pass
    return symbols
