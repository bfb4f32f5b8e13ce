"""The check's findings placed at the clauses they concern."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from clausec.diagnostics import Diagnostic
from clausec.ir import nodes as ir


@attrs.frozen
class Placed:
    """A contract's findings: those inside each clause (by clause number, in the order of the
    check) and the rest (the header, declarations, questions, scenarios)."""

    at_clause: dict[str, tuple[Diagnostic, ...]]
    elsewhere: tuple[Diagnostic, ...]


def place(contract: ir.Contract, diagnostics: Iterable[Diagnostic]) -> Placed:
    """The findings of ``contract``'s file, each at the clause its span lies in (as an
    ``accept`` directive of that clause would cover it), else elsewhere."""
    at: dict[str, list[Diagnostic]] = {}
    elsewhere: list[Diagnostic] = []
    for d in diagnostics:
        if d.span is None or d.span.file != contract.file:
            continue
        clause = next((c for c in contract.clauses if c.span.contains(d.span)), None)
        if clause is None:
            elsewhere.append(d)
        else:
            at.setdefault(clause.number, []).append(d)
    return Placed({k: tuple(v) for k, v in at.items()}, tuple(elsewhere))
