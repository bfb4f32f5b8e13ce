"""Mermaid flowchart text for a view graph (for Markdown pages that render Mermaid).

Tooltips are left out (Mermaid shows them only with scripts enabled); clusters become
subgraphs, ranks of the timeline become one subgraph per date, and the legend of quotes a
last subgraph with one box per clause.
"""

from __future__ import annotations

import json

from clausec.graph.model import Graph
from clausec.graph.style import MODALITY, RELATION, fill_and_border, wrap

_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "|": "#124;",
    # Mermaid reads `%%{...}%%` anywhere in the text, inside a label too, as a directive that
    # changes the diagram's configuration: no `%` is written as it is.
    "%": "#37;",
}


def text(value: str) -> str:
    """A Mermaid string body: entity codes for the characters that end or format a label."""
    return "".join(_ENTITIES.get(c, c) for c in " ".join(value.split()))


def label(lines: tuple[str, ...] | list[str], small: tuple[str, ...] | list[str] = ()) -> str:
    """The lines, the first bold, then the ``small`` ones (identifiers) smaller."""
    parts = [text(str(x)) for x in lines]
    if parts and parts[0]:
        parts[0] = f"<b>{parts[0]}</b>"
    parts += [f"<small>{text(str(x))}</small>" for x in small]
    return '"' + "<br/>".join(parts) + '"'


_ARROWS = {"dashed": "-.->", "dotted": "-.->", "bold": "==>", "solid": "-->"}


def to_mermaid(view: Graph) -> str:
    names = {n: f"n{i}" for i, n in enumerate(view)}
    g = view.graph
    out = [
        "---",
        f"title: {json.dumps(g['title'], ensure_ascii=False)}",
        "---",
        f"flowchart {'LR' if g['rankdir'] == 'LR' else 'TB'}",
    ]
    out += [f"  %% {text(note)}" for note in g["notes"]]
    groups: dict[str, str] = {}
    for n, data in view.nodes(data=True):
        if data.get("cluster") is not None:
            groups[n] = data["cluster"]
    for i, group in enumerate(g["ranks"]):  # a date's nodes side by side
        for n in group:
            groups[n] = f"rank:{i}"
    subgraphs = [(cid, title) for cid, title in g["clusters"].items()]
    subgraphs += [
        (f"rank:{i}", view.nodes[group[0]]["label"][0]) for i, group in enumerate(g["ranks"])
    ]
    for n in view:
        if n not in groups:
            out.append("  " + _node(view, n, names))
    for i, (gid, title) in enumerate(subgraphs):
        inside = [n for n in view if groups.get(n) == gid]
        out.append(f"  subgraph s{i} [{label([title])}]")
        if gid.startswith("rank:"):
            out.append("    direction LR")
        out += ["    " + _node(view, n, names) for n in inside]
        out.append("  end")
    out += _legend(g.get("legend", ()), len(subgraphs))
    for u, v, key, data in view.edges(keys=True, data=True):
        arrow = _ARROWS[RELATION.get(key, RELATION["reads"])[0]]
        edge_label = f'|"{text(str(data["label"]))}"|' if data.get("label") else ""
        out.append(f"  {names[u]} {arrow}{edge_label} {names[v]}")
    out += _classes(view, names)
    return "\n".join(out) + "\n"


def _legend(legend: tuple[tuple[str, str, str | None], ...], index: int) -> list[str]:
    """The quotes of the clauses drawn, one box each in a subgraph of their own (Mermaid has
    no tables, and no tooltips to hold them)."""
    if not legend:
        return []
    out = [f"  subgraph s{index} [{label(['original wording of the clauses drawn'])}]"]
    for i, (clause, quote, gloss) in enumerate(legend):
        lines = [text(clause), *(text(x) for x in wrap(quote, 70))]
        lines += [f"<i>{text(x)}</i>" for x in wrap(gloss, 70)] if gloss else []
        lines[0] = f"<b>{lines[0]}</b>"
        out.append(f'    q{i}["' + "<br/>".join(lines) + '"]')
    out.append("  end")
    return out


def _node(view: Graph, n: str, names: dict[str, str]) -> str:
    data = view.nodes[n]
    kind = data["kind"]
    body = label(data["label"], data.get("small", ()))
    if kind in ("fact", "event", "question"):
        return f"{names[n]}([{body}])"
    if kind == "definition":
        return f"{names[n]}[/{body}/]"
    return f"{names[n]}[{body}]"


def _classes(view: Graph, names: dict[str, str]) -> list[str]:
    """One class per modality / kind in use, and the nodes that wear it."""
    members: dict[str, list[str]] = {}
    for n, data in view.nodes(data=True):
        cls = data.get("modality") or data["kind"]
        if data["tentative"]:
            cls += "_tentative"
        members.setdefault(cls, []).append(names[n])
    out = []
    for cls in sorted(members):
        base = cls.removesuffix("_tentative")
        fill, border = fill_and_border(base, base if base in MODALITY else None)
        dash = ",stroke-dasharray:4 3" if cls.endswith("_tentative") else ""
        out.append(f"  classDef {cls} fill:{fill},stroke:{border}{dash}")
        out.append(f"  class {','.join(members[cls])} {cls}")
    return out
