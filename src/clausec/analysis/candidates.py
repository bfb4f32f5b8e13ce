"""Candidate pairs for the conflict checks, found by indexing norms by party, action and
object (never by looking at all pairs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Literal

from clausec.ir import nodes as ir

PairKind = Literal["W0501", "W0502", "W0503"]


def describe(n: ir.Norm) -> str:
    word = {"obligation": "must", "prohibition": "must not", "permission": "may", "power": "can"}[
        n.modality
    ]
    return f"`{n.party} {word} {n.action} {n.object}` ({n.id})"


def deontic_pairs(contract: ir.Contract) -> Iterator[tuple[PairKind, ir.Norm, ir.Norm]]:
    """(code, earlier norm, later norm) for every pair that may conflict, in contract order:
    a prohibition against an obligation (W0501) or a permission or power (W0502) of the same
    act; an obligation against an obligation, permission or power of an incompatible action
    on the same object by the same party (W0503)."""
    order = {n.id: i for i, n in enumerate(contract.norms)}
    by_act: dict[tuple[str, str, str], list[ir.Norm]] = defaultdict(list)
    for n in contract.norms:
        by_act[(n.party, n.action, n.object)].append(n)
    found: dict[tuple[str, str], PairKind] = {}
    for group in by_act.values():
        prohibitions = [n for n in group if n.modality == "prohibition"]
        if not prohibitions:
            continue
        for p in prohibitions:
            for other in group:
                if other.modality == "prohibition":
                    continue
                code: PairKind = "W0501" if other.modality == "obligation" else "W0502"
                found[_ordered(p, other, order)] = code
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
                for other in by_act.get((party, other_action, obj), ()):
                    if other.modality == "prohibition":
                        continue
                    for d in duties:
                        found.setdefault(_ordered(d, other, order), "W0503")
    by_id = {n.id: n for n in contract.norms}
    for (a, b), code in sorted(found.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        yield code, by_id[a], by_id[b]


def same_duty_pairs(contract: ir.Contract) -> Iterator[tuple[ir.Norm, ir.Norm]]:
    """Pairs of obligations of the same act that both have a deadline, in contract order."""
    by_act: dict[tuple[str, str, str], list[ir.Norm]] = defaultdict(list)
    for n in contract.norms:
        if n.modality == "obligation" and n.deadline is not None:
            by_act[(n.party, n.action, n.object)].append(n)
    pairs = []
    order = {n.id: i for i, n in enumerate(contract.norms)}
    for group in by_act.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                pairs.append((a, b))
    pairs.sort(key=lambda ab: (order[ab[0].id], order[ab[1].id]))
    yield from pairs


def _ordered(x: ir.Norm, y: ir.Norm, order: dict[str, int]) -> tuple[str, str]:
    return (x.id, y.id) if order[x.id] < order[y.id] else (y.id, x.id)
