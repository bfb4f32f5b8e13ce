"""From a contract to the text or bytes of one picture: the `clausec graph` pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from clausec.evaluation import values as RV
from clausec.evaluation.facts import RuntimeValue
from clausec.graph import dot, mermaid, views
from clausec.graph.model import Graph, build
from clausec.ir import nodes as ir

FORMATS = ("dot", "svg", "png", "mermaid")
# Above this many norms, the obligations view without --clause draws an overview by section:
# 40 boxes with their glosses already make a picture larger than a page at a legible size.
LARGE = 40
SUFFIXES = {
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".png": "png",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}


def view_of(
    contract: ir.Contract,
    view: str,
    *,
    question: str | None = None,
    facts: Mapping[str, RuntimeValue] | None = None,
    as_of: dt.date | None = None,
    clauses: Sequence[str] = (),
    everything: bool = False,
) -> Graph:
    """The view graph, only the norms of ``clauses`` if given (not for the timeline); for
    the obligations of a contract with more than LARGE norms and no ``clauses``, an overview
    by section unless ``everything``. KeyError for an unknown question or a clause that
    selects nothing, EvaluationError from the timeline."""
    if question is not None and question not in {q.name for q in contract.questions}:
        raise KeyError(question)
    for wanted in clauses:
        if not any(views.in_clauses(c.number, [wanted]) for c in contract.clauses):
            raise KeyError(wanted)
    model = build(contract)
    if view == "timeline":
        return views.timeline(model, contract, facts or {}, as_of, question)
    if view == "obligations" and not clauses and not everything and len(contract.norms) > LARGE:
        return views.overview(model, LARGE)
    if view == "obligations":
        graph = views.obligations(model)
    elif view == "remedies":
        graph = views.remedies(model)
    else:
        graph = views.dependencies(model, question)
    return views.only_clauses(graph, model, clauses) if clauses else graph


def draw(
    contract: ir.Contract,
    view: str,
    fmt: str,
    *,
    question: str | None = None,
    facts: Mapping[str, RuntimeValue] | None = None,
    as_of: dt.date | None = None,
    clauses: Sequence[str] = (),
    everything: bool = False,
) -> str | bytes:
    """DOT or Mermaid text, or SVG / PNG bytes (DotMissing when Graphviz is not installed)."""
    graph = view_of(
        contract,
        view,
        question=question,
        facts=facts,
        as_of=as_of,
        clauses=clauses,
        everything=everything,
    )
    if fmt == "mermaid":
        return mermaid.to_mermaid(graph)
    text = dot.to_dot(graph)
    return text if fmt == "dot" else dot.render(text, fmt)


def scenario_facts(
    contract: ir.Contract, title: str
) -> tuple[dict[str, RuntimeValue], dt.date | None]:
    """The facts and as-of date of a scenario, as the scenario runner reads them (KeyError
    if no scenario has that title)."""
    for s in contract.scenarios:
        if s.title == title:
            as_of = s.as_of if isinstance(s.as_of, dt.date) else None
            return {name: RV.from_ir(value) for name, value in s.givens}, as_of
    raise KeyError(title)
