"""Conflicts between the norms of a contract and those of a contract it imports
(docs/checks.md#conflicts-across-imported-files).

The two contracts are joined into one for the analysis: parties, actions and objects are
the same when their names are; a fact (or event) is the same when its name, type and kind
are, else the imported one is a distinct fact named ``CONTRACT:NAME``; the imported
contract's definitions whose names the importer also defines are renamed the same way. The
imported norms come first, so that a finding is placed at the importer's norm with a note at
the imported one; their ids read ``ID of CONTRACT``. Priorities between the two files come
from the external priorities of either file: a clause or a whole contract named by reference
(`subject to "6.3" of terms`, `annex prevails over terms`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

import attrs

from clausec.ir import nodes as ir
from clausec.source import Span

_N = TypeVar("_N")


def joined(
    importer: ir.Contract, imported: ir.Contract, lower: Collection[str] | None = None
) -> tuple[ir.Contract, dict[str, int]]:
    """The two contracts as one (the importer's id, file and calendar), and the side of each
    norm: 0 for the imported contract's, 1 for the importer's. Priorities between the files
    are kept only over the norms in ``lower`` (joined ids; None: all), since a contract-wide
    one (`annex prevails over terms`) is an edge for every pair of their norms."""
    facts = {f.name: f for f in importer.facts}
    fact_names = {
        f.name: f"{imported.id}:{f.name}"
        for f in imported.facts
        if f.name in facts and (facts[f.name].type, facts[f.name].kind) != (f.type, f.kind)
    }
    own_definitions = {d.name for d in importer.definitions}
    definition_names = {
        d.name: f"{imported.id}:{d.name}" for d in imported.definitions if d.name in own_definitions
    }
    renamer = _Renamer(fact_names, definition_names)
    ids = {n.id: imported_id(n.id, imported) for n in imported.norms}

    def norm(n: ir.Norm) -> ir.Norm:
        n = renamer.rename(n)
        remedy_of = ids.get(n.remedy_of) if n.remedy_of is not None else None
        return attrs.evolve(n, id=ids[n.id], remedy_of=remedy_of)

    theirs = [norm(n) for n in imported.norms]
    extra_facts = [
        attrs.evolve(f, name=fact_names.get(f.name, f.name))
        for f in imported.facts
        if f.name not in facts or f.name in fact_names
    ]
    extra_definitions = [
        attrs.evolve(renamer.rename(d), name=definition_names.get(d.name, d.name))
        for d in imported.definitions
    ]
    priorities = [*importer.priorities]
    priorities += [
        attrs.evolve(
            p, higher=ids[p.higher], lower=ids[p.lower], stated_in=f"{p.stated_in} of {imported.id}"
        )
        for p in imported.priorities
    ]
    priorities += _across(importer, imported, ids, lower)
    contract = attrs.evolve(
        importer,
        facts=(*importer.facts, *extra_facts),
        definitions=(*importer.definitions, *extra_definitions),
        incompatible=tuple(dict.fromkeys((*importer.incompatible, *imported.incompatible))),
        incompatible_acts=tuple(
            dict.fromkeys((*importer.incompatible_acts, *imported.incompatible_acts))
        ),
        norms=(*theirs, *importer.norms),
        priorities=tuple(priorities),
        external_priorities=(),
        deadline_extensions=(),
        questions=(),
        scenarios=(),
        accepts=(),
    )
    sides = {n.id: 0 for n in theirs} | {n.id: 1 for n in importer.norms}
    return contract, sides


def imported_id(norm_id: str, imported: ir.Contract) -> str:
    """The id of an imported norm in the joined contract."""
    return f"{norm_id} of {imported.id}"


def _across(
    importer: ir.Contract,
    imported: ir.Contract,
    ids: dict[str, str],
    lower: Collection[str] | None,
) -> list[ir.Priority]:
    """The priorities between a norm of each contract that either states by reference, over
    the norms in ``lower`` (None: all)."""
    same = {n.id: n.id for n in importer.norms}
    out: dict[tuple[str, str], ir.Priority] = {}
    for contract, other, own_ids, other_ids, stated in (
        (importer, imported, same, ids, ""),
        (imported, importer, ids, same, f" of {imported.id}"),
    ):
        for p in contract.external_priorities:
            high_mine, high_theirs = _named(p.higher, (contract, own_ids), (other, other_ids))
            low_mine, low_theirs = _named(p.lower, (contract, own_ids), (other, other_ids))
            for higher, lowered in ((high_mine, low_theirs), (high_theirs, low_mine)):
                if lower is not None:
                    lowered = [n for n in lowered if n in lower]
                for h in higher:
                    for lo in lowered:
                        out.setdefault(
                            (h, lo), ir.Priority(h, lo, p.kind, f"{p.stated_in}{stated}", p.span)
                        )
    return sorted(out.values(), key=lambda p: (p.lower, p.higher))


def _named(
    refs: tuple[ir.ClauseRef, ...],
    mine: tuple[ir.Contract, dict[str, str]],
    theirs: tuple[ir.Contract, dict[str, str]],
) -> tuple[list[str], list[str]]:
    """The norms that ``refs`` name (joined ids): of the contract stating them, of the other."""
    found: tuple[list[str], list[str]] = ([], [])
    for r in refs:
        if r.contract is None or r.contract == mine[0].id:
            found[0].extend(_norms_of(mine[0], r.number, mine[1]))
        elif r.contract == theirs[0].id:
            found[1].extend(_norms_of(theirs[0], r.number, theirs[1]))
    return found


def _norms_of(contract: ir.Contract, clause: str | None, ids: dict[str, str]) -> list[str]:
    """The joined ids of a clause's norms (of every norm, for ``clause`` None)."""
    return [ids[n.id] for n in contract.norms if clause is None or n.clause == clause]


class _Renamer:
    """Renames facts and definitions throughout IR nodes (any node: it walks attrs fields)."""

    def __init__(self, facts: dict[str, str], definitions: dict[str, str]) -> None:
        self.facts = facts
        self.definitions = definitions

    def rename(self, node: _N) -> _N:
        if not self.facts and not self.definitions:
            return node
        return self._walk(node)  # type: ignore[no-any-return]

    def _walk(self, node: Any) -> Any:
        if isinstance(node, ir.FactRef) and node.name in self.facts:
            return attrs.evolve(node, name=self.facts[node.name])
        if isinstance(node, ir.DefRef) and node.name in self.definitions:
            return attrs.evolve(node, name=self.definitions[node.name])
        if isinstance(node, tuple):
            parts = tuple(self._walk(x) for x in node)
            return node if all(a is b for a, b in zip(parts, node, strict=True)) else parts
        if isinstance(node, Span) or not attrs.has(type(node)):
            return node
        changes = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            new = self._walk(value)
            if new is not value:
                changes[field.alias] = new
        return attrs.evolve(node, **changes) if changes else node
