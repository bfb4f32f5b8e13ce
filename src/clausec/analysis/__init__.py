"""The analyses of `clausec check` (docs/checks.md): conflicts between norms with z3
witnesses, deadlines, dead and shadowed norms, cycles of priorities, unused facts.

They read the IR only. :func:`analyze` gives the findings for one contract,
:func:`analyze_import` the conflicts between a contract and one it imports;
:func:`accept` marks the findings that the contract's `accept` directives cover."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import attrs

from clausec.analysis.solver import Stats
from clausec.diagnostics import Diagnostic
from clausec.diagnostics.codes import CHECK_CODES
from clausec.ir import nodes as ir

__all__ = [
    "CONFLICT_CODES",
    "Stats",
    "accept",
    "analyze",
    "analyze_import",
    "norms_without_question",
]

#: The codes of the conflict checks, the ones also run across imported files.
CONFLICT_CODES = frozenset({"W0501", "W0502", "W0503", "I0504", "W0504", "W0505"})


def analyze(
    contract: ir.Contract, *, codes: Collection[str] | None = None, stats: Stats | None = None
) -> list[Diagnostic]:
    """The findings of every analysis (or only those whose code is in ``codes``)."""
    from clausec.analysis import conflicts, dead, deadlines, references
    from clausec.analysis.prefilter import Prefilter
    from clausec.analysis.smt import Translator
    from clausec.analysis.solver import Solver

    wanted = set(CHECK_CODES) if codes is None else set(codes)
    stats = stats if stats is not None else Stats()
    tr = Translator(contract)
    solver = Solver(tr, stats)
    prefilter = Prefilter()
    out: list[Diagnostic] = []
    live: set[str] = set()  # norms shown to apply in some case
    if wanted & CONFLICT_CODES:
        out += conflicts.check(contract, tr, solver, prefilter, live)
    if wanted & {"W0520", "W0521"}:
        out += deadlines.check(contract, tr, solver, prefilter)
    if wanted & {"W0530", "W0531", "W0532"}:
        out += dead.check(contract, tr, solver, live)
    if wanted & {"I0541", "I0542", "I0543", "I0544"}:
        out += references.check(contract, tr, solver)
    return [d for d in out if d.code in wanted]


def analyze_import(
    importer: ir.Contract, imported: ir.Contract, *, stats: Stats | None = None
) -> list[Diagnostic]:
    """The conflicts between a norm of ``importer`` and a norm of ``imported`` (a contract it
    imports), placed at the importer's norm (analysis/imports.py)."""
    from clausec.analysis import conflicts
    from clausec.analysis.candidates import deontic_pairs
    from clausec.analysis.imports import joined
    from clausec.analysis.prefilter import Prefilter
    from clausec.analysis.smt import Translator
    from clausec.analysis.solver import Solver

    if not importer.norms or not imported.norms:
        return []
    # The candidate pairs first (cheap): most imports have none, and the priorities between
    # the files are needed only over their norms.
    unlinked, sides = joined(importer, imported, lower=())
    candidates = deontic_pairs(unlinked, Prefilter(), Stats(), sides)
    paired = {n.id for pair in candidates for n in (pair.first, pair.second)}
    if not paired:
        return []
    contract, sides = joined(importer, imported, lower=paired)
    tr = Translator(contract)
    solver = Solver(tr, stats if stats is not None else Stats())
    return conflicts.check(contract, tr, solver, Prefilter(), set(), sides)


@attrs.frozen
class Unasked:
    """A norm no question asks about (I0544), with the reason recorded in its clause (an
    `accept I0544`), or None."""

    norm: str
    clause: str
    reason: str | None


def norms_without_question(contract: ir.Contract) -> list[Unasked]:
    """The norms of ``contract`` that no question asks about, as `clausec check` reports them
    (I0544: none for a contract without questions), each with its recorded reason."""
    from clausec.analysis.references import unasked

    found = unasked(contract)
    accepted = accept(contract, [d for _, d in found])
    return [
        Unasked(n.id, n.clause, d.suppressed) for (n, _), d in zip(found, accepted, strict=True)
    ]


def accept(contract: ir.Contract, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Mark the findings in the contract's file that an `accept` directive covers: a file-wide
    one for every finding with its code; a clause's for those placed in the clause (the
    finding or one of its notes)."""
    spans = {c.number: c.span for c in contract.clauses}
    out = []
    for d in diagnostics:
        reason = None
        if d.span is not None and d.span.file == contract.file and d.severity.value != "error":
            for a in contract.accepts:
                if a.code != d.code:
                    continue
                if a.clause is None or _inside(d, spans.get(a.clause)):
                    reason = a.reason
                    break
        out.append(d if reason is None else attrs.evolve(d, suppressed=reason))
    return out


def _inside(d: Diagnostic, clause: object) -> bool:
    from clausec.source import Span

    if not isinstance(clause, Span):
        return False
    places = [d.span] + [n.span for n in d.notes]
    return any(s is not None and s.file == clause.file and clause.contains(s) for s in places)
