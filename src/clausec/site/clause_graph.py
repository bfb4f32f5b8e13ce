"""Per clause, a small graph of its norms and the priorities between them and other norms:
a ladder read from the top down — the norms that prevail over the clause's norm, an arrow
"prevails over", the clause's norm, an arrow "prevails over", the norms it prevails over.

It is HTML, not a picture: every box is text (sentences wrap, screen readers read it, a
phone stacks it), and the arrows are words, with the kind of priority and the clause that
states it on each box."""

from __future__ import annotations

from clausec.ir import nodes as ir
from clausec.ir.text import PRIORITY_WORDS, norm_sentence
from clausec.site.markup import escape


def clause_graph(
    contract: ir.Contract, clause: ir.Clause, anchors: dict[str, str], anchor: str
) -> list[str]:
    """The figure of the clause's priorities; empty when none of its norms has one."""
    rows = []
    for nid in clause.norm_ids:
        above = [p for p in contract.priorities if p.lower == nid]
        below = [p for p in contract.priorities if p.higher == nid]
        if above or below:
            rows.append((contract.norm(nid), above, below))
    if not rows:
        return []
    out = [
        f'<figure class="norm-graph" aria-labelledby="{anchor}-graph">',
        f'<figcaption id="{anchor}-graph">Priorities: from the top down, each norm '
        "prevails over those below it</figcaption>",
    ]
    for norm, above, below in rows:
        out.append('<div class="ladder">')
        if above:
            out += _column(contract, [(contract.norm(p.higher), p) for p in above], anchors)
            out.append('<p class="edge" aria-hidden="true">prevails over ↓</p>')
        out.append(
            '<div class="node own">'
            f'<p class="node-clause">this clause, norm <code>{escape(norm.id)}</code></p>'
            f'<p class="node-sentence">{escape(norm_sentence(norm))}</p></div>'
        )
        if below:
            out.append('<p class="edge" aria-hidden="true">prevails over ↓</p>')
            out += _column(contract, [(contract.norm(p.lower), p) for p in below], anchors)
        out.append("</div>")
    out.append("</figure>")
    return out


def _column(
    contract: ir.Contract, others: list[tuple[ir.Norm, ir.Priority]], anchors: dict[str, str]
) -> list[str]:
    items = []
    for other, p in others:
        why = f"{PRIORITY_WORDS[p.kind]}, stated in "
        items.append(
            '<li class="node">'
            f'<p class="node-clause">clause {_link(other.clause, anchors)}</p>'
            f'<p class="node-sentence">{escape(norm_sentence(other))}</p>'
            f'<p class="node-why">{escape(why)}{_link(p.stated_in, anchors)}</p></li>'
        )
    return ['<ul class="nodes">', *items, "</ul>"]


def _link(number: str, anchors: dict[str, str]) -> str:
    if number in anchors:
        return f'<a href="#{anchors[number]}">{escape(number)}</a>'
    return escape(number)
