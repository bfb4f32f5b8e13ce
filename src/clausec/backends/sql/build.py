"""A small vocabulary of SQL expressions over sqlglot's tree.

sqlglot prints a tree as it is built: it adds no parentheses for precedence. Every operator
here wraps compound operands, and folds the constants the plan leaves (TRUE, FALSE, 0) so
that the printed queries stay small. Texts and names never appear here: they reach SQL only
through :mod:`clausec.backends.sql.names`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlglot import exp

E = exp.Expr

TRUE: E = exp.Boolean(this=True)
FALSE: E = exp.Boolean(this=False)
NULL: E = exp.Null()


def num(value: int) -> E:
    literal = exp.Literal.number(abs(value))
    return exp.Paren(this=exp.Neg(this=literal)) if value < 0 else literal


def is_true(e: E) -> bool:
    return isinstance(e, exp.Boolean) and e.this is True


def is_false(e: E) -> bool:
    return isinstance(e, exp.Boolean) and e.this is False


def is_zero(e: E) -> bool:
    return isinstance(e, exp.Literal) and not e.is_string and e.this == "0"


def integer(e: E) -> int | None:
    """The value of an integer literal (None for anything else)."""
    if isinstance(e, exp.Literal) and not e.is_string and e.this.lstrip("-").isdigit():
        return int(e.this)
    if isinstance(e, exp.Paren) and isinstance(e.this, exp.Neg):
        inner = integer(e.this.this)
        return None if inner is None else -inner
    return None


def _folded(op: str, a: E, b: E) -> E | None:
    """``a op b`` computed now when both are integer literals."""
    x, y = integer(a), integer(b)
    if x is None or y is None:
        return None
    if op in ("=", "!=", "<", "<=", ">", ">="):
        result = {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
        return TRUE if result else FALSE
    if op == "//" and y > 0 and x >= 0:
        return num(x // y)
    if op == "%" and y > 0 and x >= 0:
        return num(x % y)
    value = {"+": x + y, "-": x - y, "*": x * y}.get(op)
    return num(value) if value is not None and abs(value) < 2**62 else None


def parenthesized(e: E) -> E:
    """``e`` as an operand: compound expressions in parentheses (sqlglot adds none)."""
    if isinstance(e, exp.Binary | exp.Not | exp.Neg | exp.Is | exp.Between | exp.In):
        return exp.Paren(this=e)
    return e


_p = parenthesized


def _binary(kind: type[exp.Binary], a: E, b: E) -> E:
    node: E = kind(this=_p(a), expression=_p(b))
    return node


def add(a: E, b: E) -> E:
    if is_zero(b):
        return a
    if is_zero(a):
        return b
    return _folded("+", a, b) or _binary(exp.Add, a, b)


def sub(a: E, b: E) -> E:
    return a if is_zero(b) else _folded("-", a, b) or _binary(exp.Sub, a, b)


def mul(a: E, b: E) -> E:
    return _folded("*", a, b) or _binary(exp.Mul, a, b)


def idiv(a: E, b: E) -> E:
    """Integer division (both operands are non-negative wherever it is used)."""
    return _folded("//", a, b) or _binary(exp.IntDiv, a, b)


def mod(a: E, b: E) -> E:
    """The remainder (the left operand is non-negative wherever it is used)."""
    return _folded("%", a, b) or _binary(exp.Mod, a, b)


def neg(a: E) -> E:
    value = integer(a)
    return num(-value) if value is not None else exp.Neg(this=_p(a))


def absolute(a: E) -> E:
    value = integer(a)
    return num(abs(value)) if value is not None else exp.Abs(this=a)


def compare(op: str, a: E, b: E) -> E:
    folded = _folded(op, a, b)
    if folded is not None:
        return folded
    kind = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
    return _binary(kind[op], a, b)


def and_(*parts: E) -> E:
    kept = [p for p in parts if not is_true(p)]
    if any(is_false(p) for p in kept):
        return FALSE
    if not kept:
        return TRUE
    result = kept[0]
    for p in kept[1:]:
        result = _binary(exp.And, result, p)
    return result


def or_(*parts: E) -> E:
    kept = [p for p in parts if not is_false(p)]
    if any(is_true(p) for p in kept):
        return TRUE
    if not kept:
        return FALSE
    result = kept[0]
    for p in kept[1:]:
        result = _binary(exp.Or, result, p)
    return result


def not_(a: E) -> E:
    if is_true(a):
        return FALSE
    if is_false(a):
        return TRUE
    if isinstance(a, exp.Not):
        inner: E = a.this.this if isinstance(a.this, exp.Paren) else a.this
        return inner
    return exp.Not(this=_p(a))


def is_null(a: E) -> E:
    if isinstance(a, exp.Null):
        return TRUE
    if isinstance(a, exp.Literal | exp.Boolean):
        return FALSE
    return exp.Is(this=_p(a), expression=exp.Null())


def not_null(a: E) -> E:
    return not_(is_null(a))


def coalesce(*parts: E) -> E:
    kept: list[E] = []
    for part in parts:  # a COALESCE inside is spread out; nothing after a constant counts
        for p in [part.this, *part.expressions] if isinstance(part, exp.Coalesce) else [part]:
            if not isinstance(p, exp.Null) and not (kept and _constant(kept[-1])):
                kept.append(p)
    if not kept:
        return NULL
    if len(kept) == 1 or _constant(kept[0]):
        return kept[0]
    return exp.Coalesce(this=kept[0], expressions=kept[1:])


def _constant(e: E) -> bool:
    return isinstance(e, exp.Literal | exp.Boolean)


def holds(test: E) -> E:
    """A condition that may be NULL, as a two-valued one (NULL counts as false)."""
    if isinstance(test, exp.Boolean):
        return test
    return exp.Coalesce(this=test, expressions=[FALSE])


def case(branches: Sequence[tuple[E, E]], default: E = NULL) -> E:
    """CASE WHEN ... THEN ... ELSE default END, dropping branches that cannot be taken."""
    kept: list[tuple[E, E]] = []
    for condition, value in branches:
        if is_false(condition):
            continue
        if is_true(condition):
            default = value
            break
        kept.append((condition, value))
    if not kept or all(v == default for _, v in kept):
        return default
    node = exp.Case(ifs=[exp.If(this=c, true=v) for c, v in kept])
    if not isinstance(default, exp.Null):
        node.set("default", default)
    return node


def bit_or(parts: Iterable[E]) -> E:
    kept = [p for p in parts if not is_zero(p)]
    if not kept:
        return num(0)
    result = kept[0]
    for p in kept[1:]:
        result = _binary(exp.BitwiseOr, result, p)
    return result


def bit_and(a: E, b: E) -> E:
    if is_zero(a) or is_zero(b):
        return num(0)
    x, y = integer(a), integer(b)
    if x is not None and y is not None:
        return num(x & y)
    return _binary(exp.BitwiseAnd, a, b)


def function(name: str, *arguments: E) -> E:
    """A call of a function every dialect printed names alike (printed as it is, without
    sqlglot's rewriting to other semantics)."""
    node: E = exp.Anonymous(this=name, expressions=list(arguments))
    return node


def least(parts: Sequence[E]) -> E:
    """The least of the values that are not NULL (as LEAST is in every dialect printed)."""
    if len(parts) == 1:
        return parts[0]
    values = [integer(p) for p in parts]
    if all(v is not None for v in values):
        return num(min(v for v in values if v is not None))
    return exp.Least(this=parts[0], expressions=list(parts[1:]), ignore_nulls=True)


def greatest(parts: Sequence[E]) -> E:
    if len(parts) == 1:
        return parts[0]
    values = [integer(p) for p in parts]
    if all(v is not None for v in values):
        return num(max(v for v in values if v is not None))
    return exp.Greatest(this=parts[0], expressions=list(parts[1:]), ignore_nulls=True)


def cast(a: E, to: str) -> E:
    return exp.Cast(this=a, to=exp.DataType.build(to))


def column(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table)


def alias(e: E, name: str, *, copy: bool = True) -> E:
    """``e AS name`` (``name`` is one of the query's own names); ``copy=False`` puts ``e``
    itself in, for a tree that nothing else holds."""
    node: E = exp.alias_(e, name, copy=copy)
    return node
