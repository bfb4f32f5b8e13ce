"""Norms that can never apply (W0530), that are always overridden (W0531), and priorities
that form a cycle (W0532)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from clausec.analysis.candidates import describe
from clausec.analysis.smt import GRID, Translator
from clausec.analysis.solver import Solver
from clausec.analysis.undecided import undecided
from clausec.diagnostics import Diagnostic, Note, warning
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import MoneyValue


def check(
    contract: ir.Contract, tr: Translator, solver: Solver, known_live: set[str]
) -> list[Diagnostic]:
    """``known_live``: norms already shown to apply in some case (by the conflict check)."""
    out: list[Diagnostic] = []
    dead: set[str] = set()
    for n in contract.norms:
        if n.id in known_live or _plainly_satisfiable(n.condition, n.exceptions):
            continue
        can_apply = solver.sat(tr.condition(n))
        if can_apply is None:
            out.append(undecided(f"whether {describe(n)} can apply", n.span))
        elif can_apply is False:
            dead.add(n.id)
            out.append(
                warning(
                    "W0530",
                    f"{describe(n)} can never apply: its condition and exceptions "
                    "exclude every case",
                    n.span,
                    "never applies",
                    hint="check the comparison operators and the exceptions against the quote",
                )
            )
    norms = {n.id: n for n in contract.norms}
    higher: dict[str, list[ir.Priority]] = defaultdict(list)
    for p in contract.priorities:
        higher[p.lower].append(p)
    for n in contract.norms:
        if n.id in dead or n.id not in higher:
            continue
        over = [norms[p.higher] for p in higher[n.id]]
        eff = tr.effective(n, over)
        if eff is None:
            continue
        effective = solver.sat(eff)
        applies = tr.applies(n) if effective is False else None
        can_apply = solver.sat(applies) if applies is not None else False
        if effective is None or can_apply is None:
            out.append(undecided(f"whether {describe(n)} is always overridden", n.span))
            continue
        if effective or not can_apply:
            continue
        stated = sorted({p.stated_in for p in higher[n.id]})
        out.append(
            warning(
                "W0531",
                f"{describe(n)} is always overridden: whenever it applies, a norm that "
                "prevails over it applies too",
                n.span,
                "never effective",
                notes=[Note(f"prevails over it: {describe(h)}", h.span) for h in over]
                + [Note(f"priorities stated in {', '.join(repr(s) for s in stated)}")],
                hint="the priority may point the wrong way, or the norm may be redundant",
            )
        )
    out += _cycles(contract)
    return out


def _plainly_satisfiable(condition: ir.Expr, exceptions: Sequence[ir.Expr]) -> bool:
    """A cheap sufficient test (no solver) that the condition can hold with no exception:
    every formula is built with `and`, `or` and `not` from simple tests, each on a fact that
    no other test reads. Each test can be made true or false on its own, so each formula can
    be made true (the condition) or false (the exceptions) independently. A number may be
    read by several tests that are conjuncts of the condition (`n >= 10 and n < 20`) when
    some value on its grid passes them all."""
    conjuncts: list[ir.Expr] = []
    stack = [condition]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.Binary) and e.op == "and":
            stack += [e.right, e.left]
        else:
            conjuncts.append(e)
    ranges: dict[str, list[ir.Expr]] = defaultdict(list)
    for e in conjuncts:
        fact = _simple_test(e)
        if fact is not None and _grid(e) is not None:
            ranges[fact].append(e)
    shared = {fact for fact, tests in ranges.items() if len(tests) > 1}
    for fact in shared:
        if not _some_value_passes(ranges[fact]):
            return False
    parts = [e for e in conjuncts if _simple_test(e) not in shared] + list(exceptions)
    return _independent(parts, set(shared))


def _independent(parts: list[ir.Expr], seen: set[str]) -> bool:
    """Whether every formula of ``parts`` is built from simple tests on facts that no other
    test reads (nor any in ``seen``)."""
    stack = list(parts)
    while stack:
        e = stack.pop()
        if isinstance(e, ir.Binary) and e.op in ("and", "or"):
            stack += [e.left, e.right]
            continue
        if isinstance(e, ir.Unary) and e.op == "not":
            stack.append(e.operand)
            continue
        fact = _simple_test(e)
        if fact is None or fact in seen:
            return False
        seen.add(fact)
    return True


# The steps in which the solver lets numbers vary (analysis/smt.py): whole numbers, and
# decimals and money on a grid of 1/GRID.
_GRIDS_OF = {T.Integer: Fraction(1), T.DecimalType: Fraction(1, GRID), T.Money: Fraction(1, GRID)}


def _grid(e: ir.Expr) -> Fraction | None:
    """The grid of the number a simple test compares, or None if it is not a number."""
    assert isinstance(e, ir.Binary | ir.FactRef | ir.Occurred)
    if not isinstance(e, ir.Binary):
        return None
    fact = e.left if isinstance(e.left, ir.FactRef) else e.right
    return _GRIDS_OF.get(type(fact.type))


def _some_value_passes(tests: list[ir.Expr]) -> bool:
    """Whether some value on the fact's grid passes every test (each `fact OP constant`)."""
    grid = _grid(tests[0])
    assert grid is not None
    low: int | None = None
    high: int | None = None
    for test in tests:
        assert isinstance(test, ir.Binary)
        op: str = test.op
        const = test.right
        if isinstance(test.left, ir.Const):
            op, const = _FLIP[op], test.left
        assert isinstance(const, ir.Const)
        value = _number(const.value)
        if value is None:
            return False
        steps = value / grid
        if op in (">", ">="):
            k = math.floor(steps) + 1 if op == ">" else math.ceil(steps)
            low = k if low is None else max(low, k)
        else:
            k = math.ceil(steps) - 1 if op == "<" else math.floor(steps)
            high = k if high is None else min(high, k)
    return low is None or high is None or low <= high


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _number(value: object) -> Fraction | None:
    if isinstance(value, MoneyValue):
        return Fraction(value.amount)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Fraction(value)
    return None


def _inner(value: object) -> bool:
    """Not a date at the very edge of the calendar (nothing is before 0001-01-01)."""
    return not isinstance(value, dt.date) or dt.date(1, 1, 2) <= value <= dt.date(9999, 12, 30)


def _simple_test(e: ir.Expr) -> str | None:
    """The fact a simple test reads, or None."""
    if isinstance(e, ir.FactRef) and isinstance(e.type, T.Boolean):
        return e.name
    if isinstance(e, ir.Occurred) and isinstance(e.operand, ir.FactRef):
        return e.operand.name
    if isinstance(e, ir.Binary) and e.op in ("<", "<=", ">", ">="):
        sides = (e.left, e.right)
        facts = [x for x in sides if isinstance(x, ir.FactRef)]
        consts = [x for x in sides if isinstance(x, ir.Const)]
        if (
            len(facts) == 1
            and len(consts) == 1
            and not isinstance(facts[0].type, (T.Text, T.Enum, T.Boolean))
            and _inner(consts[0].value)
        ):
            return facts[0].name
    return None


def _cycles(contract: ir.Contract) -> list[Diagnostic]:
    import graphlib

    graph: dict[str, set[str]] = defaultdict(set)
    for p in contract.priorities:
        graph[p.lower].add(p.higher)
    try:
        graphlib.TopologicalSorter(graph).prepare()
        return []
    except graphlib.CycleError:
        pass
    import networkx as nx  # slow to import: only when there is a cycle

    g: nx.DiGraph[str] = nx.DiGraph()
    first: dict[tuple[str, str], ir.Priority] = {}
    for p in contract.priorities:
        g.add_edge(p.higher, p.lower)
        first.setdefault((p.higher, p.lower), p)
    order = {n.id: i for i, n in enumerate(contract.norms)}
    out = []
    for component in nx.strongly_connected_components(g):
        members = sorted(component, key=lambda i: order.get(i, len(order)))
        if len(members) == 1 and not g.has_edge(members[0], members[0]):
            continue
        edges = sorted(
            (p for (h, lo), p in first.items() if h in component and lo in component),
            key=lambda p: (p.span.line, p.span.column, p.higher, p.lower),
        )
        out.append(
            warning(
                "W0532",
                f"priorities form a cycle among {', '.join(members)}: when they all "
                "apply, each is overridden",
                edges[0].span,
                "part of a cycle",
                notes=[
                    Note(f"{p.higher} prevails over {p.lower} (stated in {p.stated_in!r})", p.span)
                    for p in edges
                ],
                hint="a priority usually runs one way; remove or reverse one of them",
            )
        )
    return out
