"""Candidate pairs for the conflict checks, found by indexing norms by party, action and
object (never by looking at all pairs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Literal

from clausec.analysis.prefilter import Prefilter
from clausec.analysis.solver import Stats
from clausec.ir import nodes as ir

PairKind = Literal["W0501", "W0502", "W0503"]


def describe(n: ir.Norm) -> str:
    word = {"obligation": "must", "prohibition": "must not", "permission": "may", "power": "can"}[
        n.modality
    ]
    return f"`{n.party} {word} {n.action} {n.object}` ({n.id})"


def deontic_pairs(
    contract: ir.Contract, prefilter: Prefilter, stats: Stats
) -> Iterator[tuple[PairKind, ir.Norm, ir.Norm]]:
    """(code, earlier norm, later norm) for every pair that may conflict, in contract order:
    a prohibition against an obligation (W0501) or a permission or power (W0502) of the same
    act; an obligation against an obligation, permission or power of an incompatible action
    on the same object by the same party (W0503). Pairs whose conditions exclude each other
    on their face are left out (counted in ``stats.refuted``)."""
    order = {n.id: i for i, n in enumerate(contract.norms)}
    by_act: dict[tuple[str, str, str], list[ir.Norm]] = defaultdict(list)
    for n in contract.norms:
        by_act[(n.party, n.action, n.object)].append(n)
    found: dict[tuple[str, str], PairKind] = {}
    total = kept = 0
    for group in by_act.values():
        prohibitions = sum(n.modality == "prohibition" for n in group)
        if not prohibitions:
            continue
        total += prohibitions * (len(group) - prohibitions)
        for x, y in prefilter.overlapping(group):
            if (x.modality == "prohibition") == (y.modality == "prohibition"):
                continue
            other = y if x.modality == "prohibition" else x
            code: PairKind = "W0501" if other.modality == "obligation" else "W0502"
            found[_ordered(x, y, order)] = code
            kept += 1
    clashing: dict[str, set[str]] = defaultdict(set)
    for actions in contract.incompatible:
        for a in actions:
            clashing[a] |= set(actions) - {a}
    if clashing:
        for (party, action, obj), group in by_act.items():
            duties = [n for n in group if n.modality == "obligation"]
            if not duties:
                continue
            for other_action in sorted(clashing.get(action, ())):
                others = [
                    n
                    for n in by_act.get((party, other_action, obj), ())
                    if n.modality != "prohibition"
                ]
                total += len(duties) * len(others)
                mine = {n.id for n in duties}
                for x, y in prefilter.overlapping(duties + others):
                    if (x.id in mine) != (y.id in mine):
                        found.setdefault(_ordered(x, y, order), "W0503")
                        kept += 1
    stats.candidate_pairs += total
    stats.refuted += total - kept
    by_id = {n.id: n for n in contract.norms}
    for (a, b), code in sorted(found.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        yield code, by_id[a], by_id[b]


def same_duty_pairs(
    contract: ir.Contract, prefilter: Prefilter, stats: Stats
) -> Iterator[tuple[ir.Norm, ir.Norm]]:
    """Pairs of obligations of the same act that both have a deadline, in contract order,
    except those whose conditions exclude each other on their face (counted in
    ``stats.refuted``)."""
    by_act: dict[tuple[str, str, str], list[ir.Norm]] = defaultdict(list)
    for n in contract.norms:
        if n.modality == "obligation" and n.deadline is not None:
            by_act[(n.party, n.action, n.object)].append(n)
    pairs = []
    order = {n.id: i for i, n in enumerate(contract.norms)}
    total = 0
    for group in by_act.values():
        total += len(group) * (len(group) - 1) // 2
        pairs += [_by_order(a, b, order) for a, b in prefilter.overlapping(group)]
    stats.candidate_pairs += total
    stats.refuted += total - len(pairs)
    pairs.sort(key=lambda ab: (order[ab[0].id], order[ab[1].id]))
    yield from pairs


def _ordered(x: ir.Norm, y: ir.Norm, order: dict[str, int]) -> tuple[str, str]:
    a, b = _by_order(x, y, order)
    return a.id, b.id


def _by_order(x: ir.Norm, y: ir.Norm, order: dict[str, int]) -> tuple[ir.Norm, ir.Norm]:
    return (x, y) if order[x.id] < order[y.id] else (y, x)
