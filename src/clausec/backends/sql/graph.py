"""The columns a query computes, and how they become the steps of one SELECT.

Lowering a plan gives every value a column, defined by an expression over earlier columns
(:meth:`Graph.let`). Printing all of them as steps would make queries of hundreds of steps
and thousands of columns, so :meth:`Graph.steps` keeps only what the outputs read, puts a
column used once back into its one reader, and gives each remaining column the first step
that has what it reads: the number of steps is the depth of the computation, not its size.
Calendar lookups are joins, made in the step after their key is known."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from sqlglot import exp

from clausec.backends.sql import build as B
from clausec.backends.sql.names import internal

E = B.E


@attrs.frozen
class Join:
    """A lookup: the column ``value`` of ``table`` where its ``key`` equals column ``on``
    (and ``where`` holds, if given)."""

    table: str
    key: str
    value: str
    on: str


class Graph:
    def __init__(self) -> None:
        self.exprs: dict[str, E] = {}
        self.joins: dict[str, Join] = {}  # column -> its lookup
        self.forced: set[str] = set()  # columns that stay columns (the keys of lookups)
        self.count = 0

    def name(self, prefix: str = "c") -> str:
        self.count += 1
        return internal(f"{prefix}{self.count}")

    def let(self, expr: E) -> E:
        """A column holding ``expr`` (constants and columns are used as they are)."""
        if _trivial(expr):
            return expr
        name = self.name()
        self.exprs[name] = expr
        return B.column(name)

    def lookup(self, key: E, table: str, key_column: str, value_column: str) -> E:
        """``value_column`` of the row of ``table`` whose ``key_column`` is ``key`` (NULL for
        none, and for a NULL key)."""
        if isinstance(key, exp.Null):
            return B.NULL
        if not isinstance(key, exp.Column) or key.name not in self.exprs:
            name = self.name()
            self.exprs[name] = key
            key = B.column(name)
        self.forced.add(key.name)
        name = self.name("j")
        self.joins[name] = Join(table, key_column, value_column, key.name)
        return B.column(name)

    # ------------------------------------------------------------ steps

    def steps(self, outputs: Sequence[E], inputs: set[str]) -> tuple[list[list[str]], dict[str, E], list[E]]:
        """The columns of each step in order, every column's final expression, and the
        outputs' final expressions (over the last step's columns)."""
        reachable: dict[str, None] = {}
        uses: dict[str, int] = {}
        stack = [c for o in outputs for c in _columns(o)]
        for name in stack:
            uses[name] = uses.get(name, 0) + 1
        while stack:
            name = stack.pop()
            if name in reachable or name not in self.exprs and name not in self.joins:
                continue
            reachable[name] = None
            read = [self.joins[name].on] if name in self.joins else _columns(self.exprs[name])
            for child in read:
                uses[child] = uses.get(child, 0) + 1
                stack.append(child)
        kept = {
            n
            for n in reachable
            if n in self.joins or n in self.forced or uses.get(n, 0) > 1
        }
        final: dict[str, E] = {}

        def expand(e: E) -> E:
            def replace(node: exp.Expression) -> exp.Expression:
                if isinstance(node, exp.Column) and not node.table and node.name in self.exprs and node.name not in kept:
                    return expand(self.exprs[node.name]).copy()
                return node

            return e.transform(replace, copy=True)

        level: dict[str, int] = {}
        order = sorted(kept, key=_number)  # definitions precede their readers
        for name in order:
            if name in self.joins:
                on = self.joins[name].on
                level[name] = level.get(on, 0) + 1
                continue
            final[name] = expand(self.exprs[name])
            read = [level.get(c, 0) for c in _columns(final[name]) if c not in inputs]
            level[name] = max(read, default=0) + 1
        steps: list[list[str]] = [[] for _ in range(max(level.values(), default=0))]
        for name in order:
            steps[level[name] - 1].append(name)
        return steps, final, [expand(o) for o in outputs]


def _number(name: str) -> int:
    return int(name.rsplit("__", 1)[1][1:])


def _columns(e: E) -> list[str]:
    return [c.name for c in e.find_all(exp.Column) if not c.table]


def _trivial(e: E) -> bool:
    return isinstance(e, exp.Column | exp.Literal | exp.Boolean | exp.Null) or (
        isinstance(e, exp.Paren) and isinstance(e.this, exp.Neg) and isinstance(e.this.this, exp.Literal)
    )
