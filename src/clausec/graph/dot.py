"""DOT text for a view graph, and SVG / PNG from it by running Graphviz's ``dot``."""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess

import networkx as nx

from clausec.graph.model import Graph
from clausec.graph.style import KIND, RELATION, fill_and_border, wrap

FONT = "Helvetica,Arial,sans-serif"
# Clusters with more unconnected pieces than this are woven into a grid of about sqrt(n)
# columns by invisible edges, instead of one endless rank.
GRID_FROM = 8
# Relations that do not shape the layout (a party benefits from many norms across the picture).
LOOSE = {"benefits"}
_SAFE_ID = re.compile(r'[^"\\\n\r]*')
# What XML 1.0 cannot hold, so neither Graphviz's HTML-like labels (parsed as XML) nor the SVG
# it writes: C0 controls but tab and line breaks, U+FFFE, U+FFFF and lone surrogates. NUL
# would also end a DOT string early. Texts from clause files may hold them (`\u{0}`).
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class DotMissing(Exception):
    """Graphviz's ``dot`` program is not on PATH."""


class DotFailed(Exception):
    """``dot`` ran but did not produce output."""


def quoted(text: str, backslash: str = "\\\\") -> str:
    """A DOT string: escString escapes for backslashes, quotes and line breaks, an entity for
    ``&`` (Graphviz would decode one). Graphviz unescapes labels once but tooltips twice, so
    ``tooltip`` writes one backslash as four. Characters no picture can hold become U+FFFD."""
    text = _UNSHOWABLE.sub("\ufffd", text)
    text = text.replace("\\", backslash).replace('"', '\\"').replace("&", "&amp;")
    return '"' + text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n") + '"'


def tooltip(text: str) -> str:
    return quoted(text, "\\" * 4)


def html_text(text: str) -> str:
    """One line of text for an HTML-like label (the escaping every label text goes through):
    white space collapsed, ``&``, ``<``, ``>``, quotes and ``]`` as entities, backslashes
    doubled, characters no picture can hold as U+FFFD. A line break cannot remain: lines are
    joined with ``<BR/>`` by the callers."""
    shown = _UNSHOWABLE.sub("\ufffd", " ".join(str(text).split()))
    # Graphviz expands \N, \G, ... in HTML labels too; a doubled backslash is one backslash.
    # Its HTML lexer fails on some text made of `]` (`]`, `]]`): those go as entities.
    return html.escape(shown, quote=True).replace("\\", "\\\\").replace("]", "&#93;")


SMALL = '<FONT POINT-SIZE="8" COLOR="#555555">'


def html_label(
    lines: tuple[str, ...] | list[str],
    align: str = "CENTER",
    bold: bool = True,
    small: tuple[str, ...] | list[str] = (),
) -> str:
    """An HTML-like label: the first line bold (if ``bold``), then the ``small`` lines in a
    smaller grey font (identifiers), every line through html_text."""
    parts = []
    for i, line in enumerate(lines):
        text = html_text(line)
        parts.append(f"<B>{text}</B>" if i == 0 and bold and text else text)
    parts += [f"{SMALL}{html_text(line)}</FONT>" for line in small]
    br = f'<BR ALIGN="{align}"/>'
    return "<" + br.join(parts) + (br if align != "CENTER" else "") + ">"


def legend_table(legend: tuple[tuple[str, str, str | None], ...]) -> str:
    """The quotes in print: an HTML-like table of clause, verbatim quote (and the whole gloss
    where a label shortened it), each text wrapped and through html_text."""
    br = '<BR ALIGN="LEFT"/>'

    def cell(text: str, width: int) -> str:
        return br.join(html_text(line) for line in wrap(text, width)) + br

    rows = [
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>original wording of the clauses drawn</B></TD></TR>'
    ]
    for clause, quote, gloss in legend:
        text = cell(quote, 70)
        if gloss:
            text += f"<I>{cell(gloss, 70)}</I>"
        rows.append(
            f'<TR><TD ALIGN="LEFT" VALIGN="TOP"><B>{html_text(clause)}</B></TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT">{text}</TD></TR>'
        )
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#999999">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _names(view: Graph) -> dict[str, str]:
    """DOT names: the node id where it needs no escaping, else a generated one (they cannot
    clash: every id of the model contains a colon)."""
    return {n: quoted(n) if _SAFE_ID.fullmatch(n) else f"x{i}" for i, n in enumerate(view)}


def to_dot(view: Graph) -> str:
    names = _names(view)
    g = view.graph
    title = [g["title"], *g["notes"]]
    out = [
        f"digraph {quoted(g['view'])} {{",
        f"  graph [rankdir={g['rankdir']}, newrank=true, nodesep=0.25, ranksep=0.5, "
        f'fontname="{FONT}", fontsize=12, labelloc=t, labeljust=l, '
        f"label={html_label(title, 'LEFT')}];",
        f'  node [fontname="{FONT}", fontsize=10, style="filled,rounded", shape=box, '
        'margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9];',
    ]
    members: dict[str | None, list[str]] = {}
    for n, data in view.nodes(data=True):
        members.setdefault(data.get("cluster"), []).append(n)
    loose = members.get(None, [])  # a timeline's date axis first, so that it is drawn leftmost
    for n in sorted(loose, key=lambda n: view.nodes[n]["kind"] != "date"):
        out.append("  " + _node(view, n, names))
    for i, (cid, label) in enumerate(g["clusters"].items()):
        inside = members.get(cid, [])
        out.append(f"  subgraph cluster_{i} {{")
        out.append(
            f'    graph [label={html_label([label])}, style="rounded,dashed", '
            'color="#999999", fontsize=12];'
        )
        out += ["    " + _node(view, n, names) for n in inside]
        out += ["    " + line for line in _grid(view, inside, names)]
        out.append("  }")
    if g.get("legend"):  # a name without a colon: no model id can take it
        out.append(f'  legend [shape=plaintext, style="", label={legend_table(g["legend"])}];')
        last = _last_rank(view)
        if last is not None:  # beside the picture, after its last rank, not above it
            out.append(f"  {names[last]} -> legend [style=invis];")
    for group in g["ranks"]:
        out.append("  { rank=same; " + " ".join(names[n] + ";" for n in group) + " }")
    for u, v, key, data in view.edges(keys=True, data=True):
        out.append("  " + _edge(names[u], names[v], key, data))
    out.append("}")
    return "\n".join(out) + "\n"


def _node(view: Graph, n: str, names: dict[str, str]) -> str:
    data = view.nodes[n]
    kind = str(data["kind"])
    fill, border = fill_and_border(kind, data.get("modality"))
    shape = "box" if kind == "norm" else KIND.get(kind, KIND["fact"])[2]
    style = "filled" + (",rounded" if shape == "box" else "")
    style += ",dashed" if data["tentative"] else ""
    attrs = [
        f"label={html_label(data['label'], small=data.get('small', ()))}",
        f"shape={shape}",
        f'style="{style}"',
        f'fillcolor="{fill}"',
        f'color="{border}"',
    ]
    if data.get("tooltip"):
        attrs.append(f"tooltip={tooltip(str(data['tooltip']))}")
    return f"{names[n]} [{', '.join(attrs)}];"


def _edge(u: str, v: str, relation: str, data: dict[str, object]) -> str:
    style, color, head = RELATION.get(relation, RELATION["reads"])
    attrs = [f'style="{style}"', f'color="{color}"', f"arrowhead={head}"]
    if data.get("label"):
        attrs += [f"label={html_label([str(data['label'])], bold=False)}", f'fontcolor="{color}"']
    if data.get("tooltip"):
        attrs.append(f"tooltip={tooltip(str(data['tooltip']))}")
    if relation in LOOSE:
        attrs.append("constraint=false")
    return f"{u} -> {v} [{', '.join(attrs)}];"


def _grid(view: Graph, inside: list[str], names: dict[str, str]) -> list[str]:
    """Invisible edges that stack a large cluster's pieces (its nodes grouped by connected
    component, "benefits" aside) in columns of about sqrt(n), so that it stays compact
    instead of one endless rank."""
    shaping: Graph = nx.MultiDiGraph()
    shaping.add_edges_from((u, v) for u, v, k in view.edges(keys=True) if k not in LOOSE)
    component: dict[str, int] = {}
    for i, nodes in enumerate(nx.weakly_connected_components(shaping)):
        component.update((n, i) for n in nodes)
    heads: list[str] = []
    seen: set[object] = set()
    for n in inside:
        key = component.get(n, n)
        if key not in seen:
            seen.add(key)
            heads.append(n)
    if len(heads) <= GRID_FROM:
        return []
    width = math.ceil(math.sqrt(len(heads)))
    return [
        f"{names[heads[i]]} -> {names[heads[i + width]]} [style=invis];"
        for i in range(len(heads) - width)
    ]


def _last_rank(view: Graph) -> str | None:
    """A node of the last rank the arrows that shape the layout make (any node if there are
    no such arrows, None if they make a cycle), for the legend to follow."""
    shaping: Graph = nx.MultiDiGraph()
    shaping.add_edges_from((u, v) for u, v, k in view.edges(keys=True) if k not in LOOSE and u != v)
    if not len(shaping):
        return next(iter(view), None)
    if not nx.is_directed_acyclic_graph(shaping):
        return None
    order = {n: i for i, n in enumerate(view)}
    generations = list(nx.topological_generations(shaping))
    return min(generations[-1], key=order.__getitem__)


def render(dot_text: str, fmt: str) -> bytes:
    """``dot -T<fmt>`` on the text: SVG or PNG bytes."""
    exe = shutil.which("dot")
    if exe is None:
        raise DotMissing(
            f"rendering {fmt} needs Graphviz's `dot` program, which is not on "
            "PATH; install Graphviz (Debian: apt-get install graphviz), or write "
            "--format dot or --format mermaid"
        )
    proc = subprocess.run(
        [exe, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout:
        raise DotFailed(
            proc.stderr.decode("utf-8", "replace").strip()
            or f"dot exited with status {proc.returncode}"
        )
    return proc.stdout
