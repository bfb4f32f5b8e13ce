"""Resolve names in expressions and type-check them, producing typed IR expressions.

Each check returns ``None`` after reporting an error, and callers stop there: one mistake
yields one diagnostic, not a cascade.
"""

from __future__ import annotations

from decimal import Decimal

from clausec.diagnostics import Diagnostic, Note, error
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import NEVER, DurationValue, EnumValue, MoneyValue
from clausec.semantic.symbols import Symbols, did_you_mean
from clausec.source import Span
from clausec.syntax import ast
from clausec.syntax.grammar import reserved_words

ISO_CURRENCIES = frozenset(
    {
        "CNY",
        "EUR",
        "HKD",
        "USD",
        "GBP",
        "RUB",
        "CHF",
        "JPY",
        "MOP",
        "TWD",
        "SGD",
        "PLN",
        "SEK",
        "NOK",
        "DKK",
        "CZK",
        "HUF",
        "CAD",
        "AUD",
    }
)


def type_of(texpr: ast.TypeExpr, owner: str, diagnostics: list[Diagnostic]) -> T.Type | None:
    """The type a declaration spells out."""
    match texpr.kind:
        case "boolean":
            return T.BOOLEAN
        case "integer":
            return T.INTEGER
        case "decimal":
            return T.DECIMAL
        case "date":
            return T.DATE
        case "text":
            return T.TEXT
        case "duration":
            assert texpr.unit is not None
            return T.Duration(T.UNIT_CLASS[texpr.unit])
        case "money":
            assert texpr.currency is not None
            if texpr.currency not in ISO_CURRENCIES:
                diagnostics.append(
                    error(
                        "E0106",
                        f"`{texpr.currency}` is not a known ISO 4217 currency code",
                        texpr.span,
                        "unknown currency",
                        hint=did_you_mean(texpr.currency, ISO_CURRENCIES),
                    )
                )
                return None
            return T.Money(texpr.currency)
        case "enum":
            members = [m.name for m in texpr.members]
            seen: set[str] = set()
            for m in texpr.members:
                if m.name in seen:
                    diagnostics.append(
                        error("E0204", f"member `{m.name}` is listed twice", m.span, "again")
                    )
                seen.add(m.name)
            return T.Enum(owner, tuple(dict.fromkeys(members)))
    raise AssertionError(texpr.kind)


_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_ORDERED = (T.Integer, T.DecimalType, T.Money, T.Date, T.Duration)


class ExprChecker:
    def __init__(self, symbols: Symbols, diagnostics: list[Diagnostic]) -> None:
        self.symbols = symbols
        self.diagnostics = diagnostics
        self.fact_types: dict[str, T.Type] = {}
        self.definitions: dict[str, ir.Definition] = {}
        self._in_progress: list[str] = []
        self._failed: set[str] = set()
        for name, fact in symbols.facts.items():
            t = type_of(fact.type, name, diagnostics)
            if t is not None:
                self.fact_types[name] = t
        for name in symbols.events:
            self.fact_types[name] = T.DATE

    # ------------------------------------------------------------ entry points

    def check(self, expr: ast.Expr) -> ir.Expr | None:
        return self._expr(expr)

    def check_as(
        self, expr: ast.Expr, expected: T.Type, what: str, code: str = "E0300"
    ) -> ir.Expr | None:
        result = self._expr(expr, hint=expected)
        if result is None:
            return None
        if not _assignable(result.type, expected):
            self._mismatch(
                code,
                f"{what} must be {_article(expected)}, but this is {_article(result.type)}",
                expr.span,
                result.type,
            )
            return None
        return result

    def check_condition(self, expr: ast.Expr) -> ir.Expr | None:
        return self.check_as(expr, T.BOOLEAN, "a condition", "E0301")

    def check_date(self, expr: ast.Expr, what: str) -> ir.Expr | None:
        return self.check_as(expr, T.DATE, what, "E0304")

    def check_duration(self, expr: ast.Expr, what: str) -> ir.Expr | None:
        result = self._expr(expr)
        if result is None:
            return None
        if not isinstance(result.type, T.Duration):
            self._mismatch(
                "E0305",
                f"{what} must be a duration, but this is {_article(result.type)}",
                expr.span,
                result.type,
                hint="write a duration such as `10 working days` or `3 months`",
            )
            return None
        return result

    def definition(self, name: str) -> ir.Definition | None:
        """Check a definition once (in any order), detecting cycles."""
        if name in self.definitions:
            return self.definitions[name]
        if name in self._failed:
            return None
        decl = self.symbols.definitions[name]
        if name in self._in_progress:
            cycle = [*self._in_progress[self._in_progress.index(name) :], name]
            self.diagnostics.append(
                error(
                    "E0210",
                    f"definition `{name}` depends on itself: {' -> '.join(cycle)}",
                    decl.name.span,
                    "circular",
                )
            )
            self._failed.add(name)
            return None
        self._in_progress.append(name)
        try:
            declared = type_of(decl.type, name, self.diagnostics) if decl.type else None
            expr = (
                self.check_as(decl.expr, declared, f"`{name}`")
                if declared
                else self._expr(decl.expr)
            )
        finally:
            self._in_progress.pop()
        if expr is None:
            self._failed.add(name)
            return None
        result = ir.Definition(
            name,
            declared or expr.type,
            expr,
            decl.description.value if decl.description else None,
            decl.span,
        )
        self.definitions[name] = result
        return result

    def constant(self, expr: ast.Expr, expected: T.Type, what: str) -> ir.Const | None:
        """A scenario value: a literal (or negated literal) fitting ``expected``."""
        if isinstance(expr, ast.NameRef) and isinstance(expected, T.Enum):
            member = expr.name.name
            if member in expected.members:
                return ir.Const(EnumValue(member), expected, expr.span)
            self.diagnostics.append(
                error(
                    "E0306",
                    f"`{member}` is not one of {', '.join(expected.members)}",
                    expr.span,
                    "not a member",
                    hint=did_you_mean(member, expected.members),
                )
            )
            return None
        if isinstance(expr, ast.NeverLit) and isinstance(expected, T.Date):
            return ir.Const(NEVER, T.DATE, expr.span)
        if not _is_literal(expr):
            self.diagnostics.append(
                error(
                    "E0307",
                    f"{what} must be a literal value",
                    expr.span,
                    "not a constant",
                    hint="scenarios give facts as literals: true, 3, 10000 CNY, 2025-01-24, never",
                )
            )
            return None
        result = self.check_as(expr, expected, what, "E0306")
        if result is None:
            return None
        assert isinstance(result, (ir.Const, ir.Unary))
        if isinstance(result, ir.Unary):
            return _negate_const(result)
        if isinstance(expected, T.DecimalType) and isinstance(result.value, int):
            return ir.Const(Decimal(result.value), expected, result.span)
        return result

    # ------------------------------------------------------------ the walk

    def _expr(self, e: ast.Expr, hint: T.Type | None = None) -> ir.Expr | None:
        match e:
            case ast.NumberLit():
                if e.is_integer:
                    return ir.Const(int(e.value), T.INTEGER, e.span)
                return ir.Const(e.value, T.DECIMAL, e.span)
            case ast.PercentLit():
                return ir.Const(e.value / 100, T.DECIMAL, e.span)
            case ast.MoneyLit():
                if e.currency not in ISO_CURRENCIES:
                    self.diagnostics.append(
                        error(
                            "E0106",
                            f"`{e.currency}` is not a known ISO 4217 currency code",
                            e.span,
                            "unknown currency",
                            hint=did_you_mean(e.currency, ISO_CURRENCIES),
                        )
                    )
                    return None
                return ir.Const(MoneyValue(e.amount, e.currency), T.Money(e.currency), e.span)
            case ast.DurationLit():
                return ir.Const(
                    DurationValue(e.amount, e.unit), T.Duration(T.UNIT_CLASS[e.unit]), e.span
                )
            case ast.DateLit():
                return ir.Const(e.value, T.DATE, e.span)
            case ast.StringLit():
                return ir.Const(e.value, T.TEXT, e.span)
            case ast.BoolLit():
                return ir.Const(e.value, T.BOOLEAN, e.span)
            case ast.NeverLit():
                return ir.Const(NEVER, T.DATE, e.span)
            case ast.Today():
                return ir.Today(T.DATE, e.span)
            case ast.NameRef():
                return self._name(e, hint)
            case ast.Unary():
                return self._unary(e)
            case ast.Binary():
                return self._binary(e)
            case ast.Occurred():
                operand = self._expr(e.operand)
                if operand is None:
                    return None
                if not isinstance(operand.type, T.Date):
                    self._mismatch(
                        "E0304",
                        "`has occurred` applies to an event or a date, "
                        f"not {_article(operand.type)}",
                        e.operand.span,
                        operand.type,
                    )
                    return None
                return ir.Occurred(operand, T.BOOLEAN, e.span)
            case ast.Extremum(kind="earliest" | "latest"):
                args = [self.check_date(a, f"each argument of `{e.kind} of`") for a in e.args]
                if any(a is None for a in args):
                    return None
                return ir.Extremum(e.kind, tuple(a for a in args if a is not None), T.DATE, e.span)
            case ast.Extremum():
                return self._least_or_greatest(e)
            case ast.Conditional():
                return self._conditional(e, hint)
            case ast.Between():
                start = self.check_date(e.start, f"the start of `{_unit_words(e.unit)} from`")
                end = self.check_date(e.end, f"the end of `{_unit_words(e.unit)} from`")
                if start is None or end is None:
                    return None
                return ir.Between(
                    T.UNIT_CLASS[e.unit], start, end, T.Duration(T.UNIT_CLASS[e.unit]), e.span
                )
        raise AssertionError(type(e))

    def _conditional(self, e: ast.Conditional, hint: T.Type | None) -> ir.Expr | None:
        """``if C then A else B``: A and B of one type (an integer and a decimal make a
        decimal); a bare enumeration member takes the other branch's type."""
        condition = self.check_condition(e.condition)
        if self._is_unknown_bare_name(e.then):
            otherwise = self._expr(e.otherwise, hint)
            then = self._expr(e.then, otherwise.type if otherwise else hint)
        else:
            then = self._expr(e.then, hint)
            otherwise = self._expr(e.otherwise, then.type if then else hint)
        if condition is None or then is None or otherwise is None:
            return None
        if then.type == otherwise.type:
            result = then.type
        elif T.is_numeric(then.type) and T.is_numeric(otherwise.type):
            result = T.DECIMAL
        else:
            self._two_types(
                "the two branches of `if … then … else` must have one type", e.span, then, otherwise
            )
            return None
        return ir.Conditional(condition, then, otherwise, result, e.span)

    def _two_types(
        self, what: str, span: Span, first: ir.Expr, other: ir.Expr, hint: str | None = None
    ) -> None:
        """E0300 for two operands whose types do not go together, each noted at its place."""
        self.diagnostics.append(
            error(
                "E0300",
                f"{what}, not {_article(first.type)} and {_article(other.type)}",
                span,
                "type mismatch",
                notes=[
                    Note(f"this is {_article(first.type)}", first.span),
                    Note(f"this is {_article(other.type)}", other.span),
                ],
                hint=hint,
            )
        )

    def _least_or_greatest(self, e: ast.Extremum) -> ir.Expr | None:
        """``least of`` / ``greatest of``: numbers (decimal unless all are integers), amounts
        in one currency, or durations of one class."""
        args = [self._expr(a) for a in e.args]
        if any(a is None for a in args):
            return None
        typed = [a for a in args if a is not None]
        types = [a.type for a in typed]
        result: T.Type | None = None
        if all(T.is_numeric(t) for t in types):
            result = T.INTEGER if all(t == T.INTEGER for t in types) else T.DECIMAL
        elif all(isinstance(t, T.Money | T.Duration) for t in types) and len(set(types)) == 1:
            result = types[0]
        if result is None:
            first = typed[0]
            other = next((a for a in typed[1:] if a.type != first.type), first)
            self._two_types(
                f"`{e.kind} of` needs numbers, amounts in one currency or durations of one class",
                e.span,
                first,
                other,
                hint="for dates, use `earliest of` or `latest of`"
                if all(isinstance(t, T.Date) for t in types)
                else None,
            )
            return None
        return ir.Extremum(e.kind, tuple(typed), result, e.span)

    def _name(self, e: ast.NameRef, hint: T.Type | None) -> ir.Expr | None:
        name = e.name.name
        if name in self.fact_types:
            return ir.FactRef(name, self.fact_types[name], e.span)
        if name in self.symbols.definitions:
            d = self.definition(name)
            return ir.DefRef(name, d.type, e.span) if d else None
        if name in self.symbols.facts:
            return None  # its type was invalid and already reported
        if isinstance(hint, T.Enum) and name in hint.members:
            return ir.Const(EnumValue(name), hint, e.span)
        if e.name.parts[0] in reserved_words():
            return None  # the parser reported the keyword used as a name
        self.diagnostics.append(
            error(
                "E0200",
                f"unknown name `{name}`",
                e.span,
                "not declared",
                hint=did_you_mean(name, self.symbols.value_names())
                or "declare it with `fact`, `event` or `define`",
            )
        )
        return None

    def _unary(self, e: ast.Unary) -> ir.Expr | None:
        if e.op == "not":
            operand = self.check_condition(e.operand)
            return ir.Unary("not", operand, T.BOOLEAN, e.span) if operand else None
        operand = self._expr(e.operand)
        if operand is None:
            return None
        if not (T.is_numeric(operand.type) or isinstance(operand.type, (T.Money, T.Duration))):
            self._mismatch("E0300", f"cannot negate {_article(operand.type)}", e.span, operand.type)
            return None
        return ir.Unary("neg", operand, operand.type, e.span)

    def _binary(self, e: ast.Binary) -> ir.Expr | None:
        if e.op in ("and", "or"):
            left = self.check_condition(e.left)
            right = self.check_condition(e.right)
            if left is None or right is None:
                return None
            return ir.Binary(e.op, left, right, T.BOOLEAN, e.span)
        # Enum members are bare names: resolve the other side first and use its type as the hint.
        if self._is_unknown_bare_name(e.left):
            right = self._expr(e.right)
            left = self._expr(e.left, hint=right.type) if right else None
        else:
            left = self._expr(e.left)
            right = self._expr(e.right, hint=left.type) if left else None
        if left is None or right is None:
            return None
        result_type = self._result_type(e, left.type, right.type)
        if result_type is None:
            return None
        return ir.Binary(e.op, left, right, result_type, e.span)

    def _is_unknown_bare_name(self, e: ast.Expr) -> bool:
        return (
            isinstance(e, ast.NameRef)
            and len(e.name.parts) == 1
            and e.name.name not in self.fact_types
            and e.name.name not in self.symbols.definitions
        )

    def _result_type(self, e: ast.Binary, lt: T.Type, rt: T.Type) -> T.Type | None:
        op = e.op
        if op in _COMPARISONS:
            if T.is_numeric(lt) and T.is_numeric(rt):
                return T.BOOLEAN
            if op in ("=", "!=") and lt == rt:
                return T.BOOLEAN
            if (
                not isinstance(lt, T.Enum)
                and type(lt) is type(rt)
                and isinstance(lt, _ORDERED)
                and self._same_unit(e, lt, rt)
            ):
                return T.BOOLEAN
            if type(lt) is type(rt) and isinstance(lt, (T.Money, T.Duration)):
                return None  # unit or currency mismatch, already reported
            return self._operands(e, lt, rt)
        if T.is_numeric(lt) and T.is_numeric(rt):
            if op == "/":
                return T.DECIMAL
            return T.INTEGER if lt == rt == T.INTEGER else T.DECIMAL
        if op in ("+", "-"):
            if isinstance(lt, T.Date) and isinstance(rt, T.Duration):
                return T.DATE
            if op == "+" and isinstance(lt, T.Duration) and isinstance(rt, T.Date):
                return T.DATE
            if op == "-" and isinstance(lt, T.Date) and isinstance(rt, T.Date):
                return T.Duration("days")
            if type(lt) is type(rt) and isinstance(lt, (T.Money, T.Duration)):
                return lt if self._same_unit(e, lt, rt) else None
        if op == "*":
            if isinstance(lt, T.Money) and T.is_numeric(rt):
                return lt
            if T.is_numeric(lt) and isinstance(rt, T.Money):
                return rt
            if isinstance(lt, T.Duration) and rt == T.INTEGER:
                return lt
            if lt == T.INTEGER and isinstance(rt, T.Duration):
                return rt
        if op == "/":
            if isinstance(lt, T.Money) and T.is_numeric(rt):
                return lt
            if isinstance(lt, T.Money) and isinstance(rt, T.Money):
                return T.DECIMAL if self._same_unit(e, lt, rt) else None
        return self._operands(e, lt, rt)

    def _same_unit(self, e: ast.Binary, lt: T.Type, rt: T.Type) -> bool:
        if isinstance(lt, T.Money) and isinstance(rt, T.Money) and lt.currency != rt.currency:
            self.diagnostics.append(
                error(
                    "E0303",
                    f"cannot combine {lt.currency} and {rt.currency} with `{e.op}`",
                    e.span,
                    "different currencies",
                    notes=[
                        Note(f"left is money {lt.currency}", e.left.span),
                        Note(f"right is money {rt.currency}", e.right.span),
                    ],
                    hint="convert one side explicitly with a defined exchange rate",
                )
            )
            return False
        if (
            isinstance(lt, T.Duration)
            and isinstance(rt, T.Duration)
            and lt.unit_class != rt.unit_class
        ):
            self.diagnostics.append(
                error(
                    "E0302",
                    f"cannot combine a {lt} with a {rt} using `{e.op}`",
                    e.span,
                    "incompatible units",
                    notes=[
                        Note(f"left is a {lt}", e.left.span),
                        Note(f"right is a {rt}", e.right.span),
                    ],
                    hint="days, working days and months have no fixed ratio; "
                    "compare like with like",
                )
            )
            return False
        return True

    def _operands(self, e: ast.Binary, lt: T.Type, rt: T.Type) -> T.Type | None:
        """Report operands that do not combine; returns None (no type) for the caller."""
        hint = None
        if (isinstance(lt, T.Money) and T.is_numeric(rt)) or (
            T.is_numeric(lt) and isinstance(rt, T.Money)
        ):
            hint = "money is not a plain number: write the amount with its currency, e.g. `100 CNY`"
        elif (isinstance(lt, T.Date) and isinstance(rt, T.Duration)) or (
            isinstance(lt, T.Duration) and isinstance(rt, T.Date)
        ):
            hint = "a duration is not a date: add it to a date, e.g. `service.stopped + 3 months`"
        self.diagnostics.append(
            error(
                "E0300",
                f"`{e.op}` cannot combine {_article(lt)} and {_article(rt)}",
                e.span,
                "type mismatch",
                notes=[
                    Note(f"left is {_article(lt)}", e.left.span),
                    Note(f"right is {_article(rt)}", e.right.span),
                ],
                hint=hint,
            )
        )
        return None

    def _mismatch(
        self, code: str, message: str, span: Span, found: T.Type, hint: str | None = None
    ) -> None:
        self.diagnostics.append(error(code, message, span, f"this is {_article(found)}", hint=hint))


def _unit_words(unit: str) -> str:
    return unit.replace("_", " ")


def _article(t: T.Type) -> str:
    text = str(t)
    if isinstance(t, T.Enum):
        return f"a value of `{t.name}` ({text})"
    return ("an " if text[0] in "aeiou" else "a ") + text


def _assignable(found: T.Type, expected: T.Type) -> bool:
    return found == expected or (found == T.INTEGER and expected == T.DECIMAL)


def _is_literal(e: ast.Expr) -> bool:
    if isinstance(e, ast.Unary) and e.op == "neg":
        return isinstance(e.operand, (ast.NumberLit, ast.MoneyLit, ast.PercentLit))
    return isinstance(
        e,
        (
            ast.NumberLit,
            ast.PercentLit,
            ast.MoneyLit,
            ast.DurationLit,
            ast.DateLit,
            ast.StringLit,
            ast.BoolLit,
            ast.NeverLit,
        ),
    )


def _negate_const(u: ir.Unary) -> ir.Const:
    assert isinstance(u.operand, ir.Const)
    v = u.operand.value
    if isinstance(v, MoneyValue):
        return ir.Const(MoneyValue(-v.amount, v.currency), u.type, u.span)
    assert isinstance(v, (int, Decimal)) and not isinstance(v, bool)
    return ir.Const(-v, u.type, u.span)
