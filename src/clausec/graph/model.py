"""The graph model of a contract: one networkx MultiDiGraph built from the IR (docs/graphs.md).

Node ids are ``kind:name`` (``party:platform``, ``norm:6.2(1)#1``, ``fact:service.stopped``,
``definition:deposit.short``, ``clause:6.3``, ``action:deduct``, ``object:deposit``,
``question:release_deadline``). Edge keys are the relation, so there is at most one edge of a
relation between two nodes. Nodes and edges are added in contract order and sorted where the
IR gives sets, so the same contract always gives the same graph, whatever the hash seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import networkx as nx

from clausec.ir import nodes as ir
from clausec.ir.queries import facts_read, question_expressions, relevant_norms, used_definitions
from clausec.ir.text import deadline_text, deadline_words, norm_sentence

Graph: TypeAlias = "nx.MultiDiGraph[str]"


def node_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def build(contract: ir.Contract) -> Graph:
    """The graph model of ``contract`` (the IR of a file without errors)."""
    g: Graph = nx.MultiDiGraph(
        contract=contract.id, title=contract.title, calendar=contract.calendar
    )
    _declarations(g, contract)
    for clause in contract.clauses:
        g.add_node(
            node_id("clause", clause.number),
            kind="clause",
            name=clause.number,
            normative=clause.normative,
            quote=clause.quote,
            gloss=clause.gloss,
            reason=clause.reason,
            line=clause.span.line,
        )
    for norm in contract.norms:
        _norm(g, contract, norm)
    for clause in contract.clauses:
        for ref in clause.refers_to:
            target = node_id("clause", ref.number or "")
            if ref.contract is None and target in g:
                g.add_edge(
                    node_id("clause", clause.number), target, key="refers_to", relation="refers_to"
                )
    for p in contract.priorities:
        g.add_edge(
            node_id("norm", p.higher),
            node_id("norm", p.lower),
            key="prevails_over",
            relation="prevails_over",
            priority=p.kind,
            stated_in=p.stated_in,
        )
    for q in contract.questions:
        _question(g, contract, q)
    return g


def _declarations(g: Graph, contract: ir.Contract) -> None:
    for p in contract.parties:
        g.add_node(
            node_id("party", p.name),
            kind="party",
            name=p.name,
            role=p.role,
            legal_name=p.legal_name,
        )
    for act in contract.actions:
        g.add_node(
            node_id("action", act.name), kind="action", name=act.name, description=act.description
        )
    for o in contract.objects:
        g.add_node(
            node_id("object", o.name),
            kind="object",
            name=o.name,
            type=None if o.type is None else str(o.type),
            description=o.description,
        )
    for group in contract.incompatible:
        names = sorted(set(group))
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                g.add_edge(
                    node_id("action", a),
                    node_id("action", b),
                    key="incompatible",
                    relation="incompatible",
                )
    for f in contract.facts:
        g.add_node(
            node_id("fact", f.name),
            kind=f.kind,
            name=f.name,
            type=str(f.type),
            description=f.description,
        )
    for d in contract.definitions:
        g.add_node(
            node_id("definition", d.name),
            kind="definition",
            name=d.name,
            type=str(d.type),
            description=d.description,
        )
    for d in contract.definitions:
        _reads(g, node_id("definition", d.name), [("value", d.expr)])


def _norm(g: Graph, contract: ir.Contract, n: ir.Norm) -> None:
    me = node_id("norm", n.id)
    clause = contract.clause(n.clause)
    g.add_node(
        me,
        kind="norm",
        name=n.id,
        clause=n.clause,
        modality=n.modality,
        party=n.party,
        action=n.action,
        object=n.object,
        beneficiary=n.beneficiary,
        amount=None if n.amount is None else n.amount.kind,
        deadline=None if n.deadline is None else n.deadline.kind,
        deadline_text=None if n.deadline is None else deadline_text(n.deadline),
        # The plain wording the site shows too (ir/text.py): one wording per meaning.
        sentence=norm_sentence(n),
        deadline_words=None if n.deadline is None else deadline_words(n.deadline),
        forms=n.forms,
        performed_on=n.performed_on,
        remedy_of=n.remedy_of,
        otherwise_provided=n.otherwise_provided,
        gloss=clause.gloss,
        quote=clause.quote,
        line=n.span.line,
    )
    g.add_edge(node_id("clause", n.clause), me, key="contains", relation="contains")
    g.add_edge(node_id("party", n.party), me, key="bears", relation="bears")
    if n.beneficiary is not None:
        g.add_edge(me, node_id("party", n.beneficiary), key="benefits", relation="benefits")
    g.add_edge(me, node_id("action", n.action), key="does", relation="does")
    # The object of a norm may be a party ("platform must notify merchant").
    target = node_id("object", n.object)
    g.add_edge(
        me,
        target if target in g else node_id("party", n.object),
        key="concerns",
        relation="concerns",
    )
    roots: list[tuple[str, ir.Expr]] = [("condition", n.condition)]
    roots += [("exception", x) for x in n.exceptions]
    if n.breach is not None:
        roots.append(("breach", n.breach))
    if n.amount is not None and n.amount.expr is not None:
        roots.append(("amount", n.amount.expr))
    if n.deadline is not None:
        roots += [
            ("deadline", e) for e in (n.deadline.anchor, n.deadline.duration) if e is not None
        ]
    for x in n.extensions:
        roots += [("extension", e) for e in (x.amount, x.condition) if e is not None]
    _reads(g, me, roots)
    if n.deadline is not None and n.deadline.anchor is not None:
        for target in _refs([n.deadline.anchor]):
            g.add_edge(me, target, key="counts_from", relation="counts_from")
    if n.performed_on is not None:
        g.add_edge(me, node_id("fact", n.performed_on), key="performed_on", relation="performed_on")
    if n.remedy_of is not None:
        g.add_edge(node_id("norm", n.remedy_of), me, key="triggers", relation="triggers")


def _question(g: Graph, contract: ir.Contract, q: ir.Question) -> None:
    me = node_id("question", q.name)
    g.add_node(
        me,
        kind="question",
        name=q.name,
        question_kind=q.kind,
        description=q.description,
        party=q.party,
        action=q.action,
        object=q.object,
    )
    for nid in q.norm_ids:
        g.add_edge(me, node_id("norm", nid), key="asks", relation="asks")
    if q.expr is not None:
        _reads(g, me, [("value", q.expr)])
    # Exactly what the interpreter may read to answer q (its own helpers, not a re-walk).
    cone = [node_id("norm", n.id) for n in relevant_norms(contract, q)]
    cone += [node_id("definition", d) for d in used_definitions(contract, q)]
    cone += [
        node_id("fact", f) for f in sorted(facts_read(contract, question_expressions(contract, q)))
    ]
    for target in cone:
        g.add_edge(me, target, key="may_read", relation="may_read")


def _reads(g: Graph, source: str, roots: Iterable[tuple[str, ir.Expr]]) -> None:
    """Edges ``reads`` from ``source`` to the facts and definitions its expressions name
    directly, with the roles (condition, deadline, ...) in which they are read."""
    roles: dict[str, set[str]] = {}
    for role, expr in roots:
        for target in _refs([expr]):
            roles.setdefault(target, set()).add(role)
    for target in sorted(roles):
        g.add_edge(
            source, target, key="reads", relation="reads", roles=tuple(sorted(roles[target]))
        )


def _refs(exprs: Iterable[ir.Expr]) -> list[str]:
    """Node ids of the facts and definitions named in ``exprs``, in order of appearance."""
    out: list[str] = []
    for e in exprs:
        for sub in ir.subexpressions(e):
            if isinstance(sub, ir.FactRef):
                target = node_id("fact", sub.name)
            elif isinstance(sub, ir.DefRef):
                target = node_id("definition", sub.name)
            else:
                continue
            if target not in out:
                out.append(target)
    return out
