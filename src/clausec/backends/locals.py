"""Names of a plan's locals in printed code, for every target.

A plan names its locals by role and subject (``applies:6.2(1)#1``, ``definition:x.y``,
``due:…``, ``t3``); printed code needs identifiers. A letter gives the role and a number the
norm or definition (``a3`` applies, ``e3`` effective, ``u3`` due, ``y3`` why it is not
effective, ``m3`` its amount, ``x3_0`` and ``z3_0`` whether its first extension holds and by
how much, ``l3`` whether a right has lapsed and ``k3`` on which day, ``w3`` its due date
before a move to a working day, ``d1`` a definition, ``t7`` a temporary of the plan): ASCII,
unique within a question, and never a keyword, a builtin or a runtime name of any target (none
of those is letters followed by digits). The locals of the decision have fixed names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from clausec.ir import nodes as ir
from clausec.plan import nodes as P

_FIXED = {
    "answer": "answer",
    "verdict": "verdict",
    "prohibited": "prohibited",
    "value": "value",
    "best": "best",
    "waiting": "waiting",
    "found": "found",
    "settled": "settled",
    "open": "still_open",
    "reason": "reason",
}
_ROLES = {
    "applies": "a",
    "effective": "e",
    "due": "u",
    "why": "y",
    "amount": "m",
    "lapsed": "l",
    "lapse": "k",
    "unmoved": "w",
}
# Per extension of a norm's deadline (``extends:NORM:INDEX``): whether it holds, its amount.
_EXTENSION_ROLES = {"extends": "x", "extension": "z"}


class LocalNames:
    def __init__(self, contract: ir.Contract) -> None:
        self.norms = {n.id: i for i, n in enumerate(contract.norms)}
        self.definitions = {d.name: i for i, d in enumerate(contract.definitions)}

    def __call__(self, name: str) -> str:
        role, _, subject = name.partition(":")
        if role in _ROLES:
            return f"{_ROLES[role]}{self.norms[subject]}"
        if role in _EXTENSION_ROLES:
            norm, _, index = subject.rpartition(":")
            return f"{_EXTENSION_ROLES[role]}{self.norms[norm]}_{int(index)}"
        if role == "definition":
            return f"d{self.definitions[subject]}"
        if re.fullmatch(r"t\d+", name):
            return name
        return _FIXED[name]


def assigned(block: Sequence[P.Stmt]) -> list[str]:
    """The locals a block assigns, in order of first assignment."""
    out: list[str] = []
    for s in block:
        if isinstance(s, P.Let):
            if s.name not in out:
                out.append(s.name)
        elif isinstance(s, P.If):
            for name in assigned(s.then) + assigned(s.otherwise):
                if name not in out:
                    out.append(name)
    return out


def or_chain(e: P.Or) -> list[P.Expr]:
    """The operands of a left-nested chain of disjunctions when every one is a value already
    computed (a local, a fact or a constant), else []: such a disjunction has no evaluation
    order to keep, so printers may test all operands at once."""
    out: list[P.Expr] = []
    node: P.Expr = e
    while isinstance(node, P.Or):
        out.append(node.right)
        node = node.left
    out.append(node)
    out.reverse()
    return out if all(isinstance(x, P.Local | P.Fact | P.Const) for x in out) else []


def ground_runs(grounds: Sequence[P.Ground]) -> list[tuple[P.Test | None, list[P.Ground]]]:
    """Consecutive grounds whose tests start with the same condition, with that condition
    (None for a ground on its own): printers test the shared condition once."""
    runs: list[tuple[P.Test | None, list[P.Ground]]] = []
    for g in grounds:
        first = g.when.parts[0] if isinstance(g.when, P.All) and g.when.parts else None
        if runs and first is not None and runs[-1][0] == first:
            runs[-1][1].append(g)
        else:
            runs.append((first, [g]))
    return runs
