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
CHEAP = 12  # nodes: a column read twice or more is recomputed in place below this size


@attrs.frozen
class Join:
    """A lookup: the column ``value`` of the row of ``table`` whose ``key`` equals column
    ``on``, joined as ``alias`` (lookups of one row share their join)."""

    table: str
    key: str
    value: str
    on: str
    alias: str


class Graph:
    def __init__(self) -> None:
        self.exprs: dict[str, E] = {}
        # A column computed only where its guard holds (NULL elsewhere), when it is a column
        # of its own: a value of an If branch, read only where its tests hold.
        self.guards: dict[str, str] = {}
        self.known: dict[tuple[E, str | None], E] = {}  # the same expression, the same column
        self.joins: dict[str, Join] = {}  # column -> its lookup
        self.forced: set[str] = set()  # columns that stay columns (the keys of lookups)
        self.aliases: dict[tuple[str, str, str], str] = {}  # a join by (table, key, column)
        self.count = 0

    def name(self, prefix: str = "c") -> str:
        self.count += 1
        return internal(f"{prefix}{self.count}")

    def let(self, expr: E, guard: E | None = None) -> E:
        """A column holding ``expr`` where ``guard`` (a column) holds (constants and columns
        are used as they are)."""
        return expr if _trivial(expr) else self._column(expr, guard)

    def _column(self, expr: E, guard: E | None = None) -> E:
        """The column of ``expr`` under ``guard``: the same expression, the same column."""
        key = (expr, guard.name if isinstance(guard, exp.Column) else None)
        if key in self.known:
            return self.known[key].copy()
        name = self.name()
        self.exprs[name] = expr
        if isinstance(guard, exp.Column):
            self.guards[name] = guard.name
        self.known[key] = B.column(name)
        return B.column(name)

    def lookup(self, key: E, table: str, key_column: str, value_column: str) -> E:
        """``value_column`` of the row of ``table`` whose ``key_column`` is ``key`` (NULL for
        none, and for a NULL key)."""
        if isinstance(key, exp.Null):
            return B.NULL
        if not isinstance(key, exp.Column) or key.name not in self.exprs:
            # A column of its own, even for an input or a constant: lookups of one key share
            # a join.
            key = self._column(key)
        self.forced.add(key.name)
        alias = self.aliases.setdefault((table, key_column, key.name), self.name("j"))
        found = self.known.get((B.column(alias + "." + value_column), None))
        if found is not None:
            return found.copy()
        value = B.column(self.name())
        self.known[(B.column(alias + "." + value_column), None)] = value
        self.joins[value.name] = Join(table, key_column, value_column, key.name, alias)
        return value.copy()

    # ------------------------------------------------------------ steps

    def steps(
        self, outputs: Sequence[E], inputs: set[str]
    ) -> tuple[list[list[str]], dict[str, E], list[E]]:
        """The columns of each step in order, every column's final expression, and the
        outputs' final expressions (over the last step's columns)."""
        reachable: dict[str, None] = {}
        uses: dict[str, int] = {}
        stack = [c for o in outputs for c in _columns(o)]
        for name in stack:
            uses[name] = uses.get(name, 0) + 1
        while stack:
            name = stack.pop()
            if name in reachable or (name not in self.exprs and name not in self.joins):
                continue
            reachable[name] = None
            read = [self.joins[name].on] if name in self.joins else _columns(self.exprs[name])
            for child in read:
                uses[child] = uses.get(child, 0) + 1
                stack.append(child)
        # A column read more than once stays a column, unless recomputing it costs less than
        # a step: an expression of at most CHEAP nodes once its inlined parts are in.
        size: dict[str, int] = {}
        kept: set[str] = set()
        for name in sorted(reachable, key=_number):
            if name in self.joins:
                kept.add(name)
                continue
            expr = self.exprs[name]
            columns = _columns(expr)
            size[name] = sum(1 for _ in expr.walk()) + sum(
                size.get(c, 1) - 1 for c in columns if c not in kept
            )
            if name in self.forced or (uses.get(name, 0) > 1 and size[name] > CHEAP):
                kept.add(name)
        pending = [self.guards[n] for n in kept if n in self.guards]
        while pending:  # the guard of a column is read where it is computed
            guard = pending.pop()
            if guard not in kept and guard not in inputs:  # a fact is a guard as it is
                kept.add(guard)
                reachable[guard] = None
                if guard in self.guards:
                    pending.append(self.guards[guard])
                stack = (
                    [self.joins[guard].on] if guard in self.joins else _columns(self.exprs[guard])
                )
                while stack:  # what a guard reads that nothing else did
                    name = stack.pop()
                    if name in self.exprs and name not in reachable:
                        reachable[name] = None
                        stack += _columns(self.exprs[name])
        final: dict[str, E] = {}
        inlined: dict[str, E] = {}  # a column put back into its readers, expanded once

        def replace(node: exp.Expr) -> exp.Expr:
            if (
                isinstance(node, exp.Column)
                and not node.table
                and node.name in self.exprs
                and node.name not in kept
            ):
                if node.name not in inlined:
                    inlined[node.name] = B.parenthesized(expand(self.exprs[node.name]))
                return inlined[node.name].copy()
            return node

        def expand(e: E) -> E:
            return e.transform(replace, copy=True)

        level: dict[str, int] = {}
        order = sorted(kept, key=_number)  # definitions precede their readers
        for name in order:
            if name in self.joins:
                on = self.joins[name].on
                level[name] = level.get(on, 0) + 1
                continue
            final[name] = expand(self.exprs[name])
            if name in self.guards:
                final[name] = B.case([(B.column(self.guards[name]), final[name])])
            levels = [level.get(c, 0) for c in _columns(final[name]) if c not in inputs]
            level[name] = max(levels, default=0) + 1
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
        isinstance(e, exp.Paren)
        and isinstance(e.this, exp.Neg)
        and isinstance(e.this.this, exp.Literal)
    )
