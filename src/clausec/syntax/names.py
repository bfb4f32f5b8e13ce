"""Every name written in a module, with its span: what an editor needs to go to a declaration,
find the uses of a name and rename it. Names are not resolved here (a bare name in an
expression may be a value or an enumeration member): :mod:`clausec.lsp.navigation` resolves
them against the symbol table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, TypeAlias

import attrs

from clausec.source import Span
from clausec.syntax import ast

NameKind: TypeAlias = Literal[
    # a fact, event or definition (in an expression, possibly an enumeration member)
    "value",
    "party",
    "action",
    # an object; in a norm head or a query, a party may stand there too
    "object",
    "member",
    # a clause number as written in a string (declaration or reference)
    "clause",
    # a contract's own name in its header
    "contract",
    # a name after `import`: the contract of another file
    "import",
    # a document or a contract named in a reference (`service_agreement`, `"3" of terms`)
    "document",
    "question",
]


@attrs.frozen
class Occurrence:
    """One name as written. ``declares``: this is where the name is declared. ``context``:
    for a clause number, the contract or document after ``of``; for an enumeration member
    declared in a type, the name that declares the type; for a bare name in an expression,
    the name it is compared with or given to (which decides the enumeration it belongs to)."""

    kind: NameKind
    name: str
    span: Span
    declares: bool = False
    context: str | None = None


def occurrences(module: ast.Module) -> list[Occurrence]:
    """The names of ``module`` in source order."""
    found = list(_module(module))
    found.sort(key=lambda o: (o.span.line, o.span.column))
    return found


_Found: TypeAlias = Iterator[Occurrence]


def _module(module: ast.Module) -> _Found:
    if module.header is not None:
        yield Occurrence("contract", module.header.contract.name, module.header.contract.span, True)
    for decl in module.declarations:
        yield from _declaration(decl)


def _declaration(decl: ast.Declaration) -> _Found:
    match decl:
        case ast.Party():
            yield Occurrence("party", decl.name.name, decl.name.span, True)
        case ast.Fact():
            yield Occurrence("value", decl.name.name, decl.name.span, True)
            yield from _type(decl.type, decl.name.name)
            for bound in decl.bounds:
                yield from _expr(bound.value, decl.name.name)
            yield from _presumption(decl.presumption, decl.name.name)
        case ast.Event():
            yield Occurrence("value", decl.name.name, decl.name.span, True)
            yield from _presumption(decl.presumption, decl.name.name)
        case ast.Definition():
            yield Occurrence("value", decl.name.name, decl.name.span, True)
            if decl.type is not None:
                yield from _type(decl.type, decl.name.name)
            yield from _expr(decl.expr)
        case ast.ActionDecl():
            yield Occurrence("action", decl.name.name, decl.name.span, True)
        case ast.ObjectDecl():
            yield Occurrence("object", decl.name.name, decl.name.span, True)
            if decl.type is not None:
                yield from _type(decl.type, decl.name.name)
        case ast.Incompatible():
            for action in decl.actions:
                yield Occurrence("action", action.name, action.span)
            for obj in decl.objects:
                yield Occurrence("object", obj.name, obj.span)
        case ast.Import():
            yield Occurrence("import", decl.contract.name, decl.contract.span, True)
        case ast.Document():
            yield Occurrence("document", decl.name.name, decl.name.span, True)
        case ast.Clause():
            yield from _clause(decl)
        case ast.Question():
            yield Occurrence("question", decl.name.name, decl.name.span, True)
            yield from _query(decl.query)
        case ast.Scenario():
            yield from _scenario(decl)


def _type(t: ast.TypeExpr, owner: str) -> _Found:
    for member in t.members:
        yield Occurrence("member", member.name, member.span, True, owner)


def _presumption(p: ast.Presumption | None, owner: str) -> _Found:
    if p is not None:
        yield from _expr(p.value, owner)
        yield from _refs(p.rests_on)


def _refs(refs: tuple[ast.Ref, ...]) -> _Found:
    for ref in refs:
        if isinstance(ref, ast.DocumentRef):
            yield Occurrence("document", ref.name.name, ref.name.span)
            continue
        other = ref.contract.name if ref.contract is not None else None
        yield Occurrence("clause", ref.number.value, ref.number.span, context=other)
        if ref.contract is not None:
            yield Occurrence("document", ref.contract.name, ref.contract.span)


def _clause(c: ast.Clause) -> _Found:
    yield Occurrence("clause", c.number.value, c.number.span, True)
    for attr in c.attrs:
        if isinstance(attr, ast.RefersTo):
            yield from _refs(attr.refs)
            for obj in attr.about:
                yield Occurrence("object", obj.name, obj.span)
    for item in c.items:
        match item:
            case ast.Norm():
                yield from _norm(item)
            case ast.Precedence():
                yield from _refs(item.higher)
                yield from _refs(item.lower)
            case ast.DeadlineExtension():
                yield from _expr(item.amount)
                if item.condition is not None:
                    yield from _expr(item.condition)


def _norm(n: ast.Norm) -> _Found:
    head = n.head
    yield Occurrence("party", head.party.name, head.party.span)
    yield Occurrence("action", head.action.name, head.action.span)
    yield Occurrence("object", head.object.name, head.object.span)
    if head.amount is not None and head.amount.expr is not None:
        yield from _expr(head.amount.expr)
    if head.beneficiary is not None:
        yield Occurrence("party", head.beneficiary.name, head.beneficiary.span)
    for item in n.items:
        match item:
            case ast.Condition() | ast.Exception_() | ast.BreachWhen():
                yield from _expr(item.expr)
            case ast.PriorityItem():
                yield from _refs(item.refs)
            case ast.PerformedOn():
                yield Occurrence("value", item.event.name, item.event.span)
            case ast.Extension():
                yield from _expr(item.amount)
                if item.condition is not None:
                    yield from _expr(item.condition)
            case ast.Within() | ast.AtLeastBefore():
                yield from _expr(item.duration)
                yield from _expr(item.anchor)
            case ast.DateBound():
                yield from _expr(item.date)
            case ast.Monthly() if item.anchor is not None:
                yield from _expr(item.anchor)
    for remedy in n.remedies:
        yield from _norm(remedy)


def _query(q: ast.Query) -> _Found:
    if q.party is not None:
        yield Occurrence("party", q.party.name, q.party.span)
    if q.action is not None:
        yield Occurrence("action", q.action.name, q.action.span)
    if q.object is not None:
        yield Occurrence("object", q.object.name, q.object.span)
    if q.expr is not None:
        yield from _expr(q.expr)


def _scenario(s: ast.Scenario) -> _Found:
    for item in s.items:
        match item:
            case ast.Given():
                yield Occurrence("value", item.name.name, item.name.span)
                yield from _expr(item.value, item.name.name)
            case ast.AsOf():
                yield from _expr(item.date)
            case ast.Expect():
                yield Occurrence("question", item.question.name, item.question.span)
                if item.answer.value is not None:
                    yield from _expr(item.answer.value)
                for detail in item.details:
                    yield from _refs(detail.refs)
                    for name in detail.names:
                        yield Occurrence("value", name.name, name.span)
                    if detail.expr is not None:
                        yield from _expr(detail.expr)


def _expr(e: ast.Expr, context: str | None = None) -> _Found:
    """The names of an expression; a bare name compared with another (``k = red``) gets that
    name as its context. Iterative: expressions may nest up to the parser's limit."""
    stack: list[tuple[ast.Expr, str | None]] = [(e, context)]
    while stack:
        node, around = stack.pop()
        match node:
            case ast.NameRef():
                yield Occurrence("value", node.name.name, node.name.span, context=around)
            case ast.Unary() | ast.Occurred():
                stack.append((node.operand, None))
            case ast.Binary():
                left = right = None
                if node.op in ("=", "!="):
                    left, right = _bare(node.right), _bare(node.left)
                stack += ((node.right, right), (node.left, left))
            case ast.Extremum():
                stack += ((arg, None) for arg in reversed(node.args))
            case ast.Conditional():
                stack += ((node.otherwise, around), (node.then, around), (node.condition, None))
            case ast.Between():
                stack += ((node.end, None), (node.start, None))


def _bare(e: ast.Expr) -> str | None:
    return e.name.name if isinstance(e, ast.NameRef) else None
