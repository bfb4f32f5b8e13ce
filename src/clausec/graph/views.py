"""Views: each takes the graph model (model.build) and returns a smaller graph ready to render.

A view graph carries presentation only (docs/graphs.md): graph attributes ``view``, ``title``,
``clusters`` (cluster id -> label, in drawing order), ``notes`` (lines shown under the title),
``rankdir`` and ``ranks`` (groups of nodes drawn side by side, in order); node attributes
``kind``, ``modality``, ``label`` (lines, the first in bold), ``small`` (lines drawn smaller
under them: the identifier), ``tooltip``, ``cluster`` and ``tentative`` (drawn dashed); edge
attributes ``relation``, ``label`` and ``tooltip``. ``legend`` holds (clause, quote, gloss)
for the clauses of the norms drawn, the gloss only where the label had to shorten it.
Nodes and edges keep the model's order, which is the contract's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from clausec.evaluation.facts import Never, RuntimeValue
from clausec.evaluation.interpreter import Evaluation
from clausec.evaluation.values import Unknown
from clausec.graph.model import Graph, node_id
from clausec.graph.style import RELATION_WORD, wrap
from clausec.ir import nodes as ir
from clausec.ir.numbering import within
from clausec.ir.queries import relevant_norms
from clausec.ir.text import MODALITY_WORD

DATED = ("within", "at_least_before", "before", "by", "until", "monthly")
# A gloss longer than this many lines is shortened in the label (at a word, with "…") and
# given whole in the legend.
GLOSS_LINES = 6


def _view(model: Graph, view: str, title: str) -> Graph:
    out: Graph = nx.MultiDiGraph(
        view=view,
        title=f"{model.graph['contract']}: {title}",
        clusters={},
        notes=(),
        legend=(),
        rankdir="LR",
        ranks=[],
    )
    return out


def _edges(model: Graph, relations: Iterable[str]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    wanted = set(relations)
    for u, v, data in model.edges(data=True):
        if data["relation"] in wanted:
            yield u, v, data


def norm_label(data: Mapping[str, object], gloss: bool) -> tuple[str, ...]:
    """Clause, the norm as a plain sentence (ir/text.py, as the site words it), its deadline
    in words, then the gloss if asked, wrapped and shortened at a word if very long."""
    name = str(data["name"])
    head = f"{data['clause']}" + (f" {name[name.rindex('#') :]}" if not name.endswith("#1") else "")
    lines = [head, *wrap(str(data["sentence"]))]
    if data.get("deadline_words"):
        lines += wrap(str(data["deadline_words"]))
    if gloss and data.get("gloss"):
        lines += wrap(str(data["gloss"]), lines=GLOSS_LINES)
    return tuple(lines)


def gloss_shortened(data: Mapping[str, object]) -> bool:
    return bool(data.get("gloss")) and len(wrap(str(data["gloss"]))) > GLOSS_LINES


def _add_norm(view: Graph, model: Graph, nid: str, *, gloss: bool, cluster: str | None) -> None:
    data = model.nodes[nid]
    tip = f"{data['clause']} ({data['name']}, {data['modality']})"
    for text in (data.get("quote"), data.get("gloss")):  # the label cuts the gloss short
        if text:
            tip += f"\n{text}"
    view.add_node(
        nid,
        kind="norm",
        modality=data["modality"],
        label=norm_label(data, gloss),
        small=(f"norm {data['name']}",),
        tooltip=tip,
        cluster=cluster,
        tentative=False,
    )


def _add_plain(view: Graph, model: Graph, nid: str, cluster: str | None = None) -> None:
    data = model.nodes[nid]
    kind = str(data["kind"])
    label: tuple[str, ...] = (str(data["name"]),)
    small: tuple[str, ...] = ()
    tip = f"{kind} {data['name']}"
    if kind in ("fact", "event", "definition") and data.get("description"):
        # What it means first, the name the clause file uses under it.
        label = tuple(wrap(str(data["description"])))
        small = (str(data["name"]),)
    if kind == "party":
        label += tuple(str(x) for x in (data["role"], data["legal_name"]) if x)
    elif kind == "question":
        label += (f"({data['question_kind']})",)
        tip += f" ({data['question_kind']})"
    elif data.get("type"):
        tip += f": {data['type']}"
    if data.get("description"):
        tip += f"\n{data['description']}"
    view.add_node(
        nid,
        kind=kind,
        modality=None,
        label=label,
        small=small,
        tooltip=tip,
        cluster=cluster,
        tentative=False,
    )


def _party_clusters(
    view: Graph, model: Graph, parties: Iterable[str], with_node: bool = True
) -> None:
    for pid in parties:
        data = model.nodes[pid]
        view.graph["clusters"][pid] = f"{data['name']} ({data['role']})"
        if with_node:  # the target of "benefits" edges
            _add_plain(view, model, pid, cluster=pid)


def _priority_edge(view: Graph, u: str, v: str, data: Mapping[str, object]) -> None:
    tip = (
        f"{u[5:]} prevails over {v[5:]} ({str(data['priority']).replace('_', ' ')}, "
        f"stated in {data['stated_in']})"
    )
    view.add_edge(u, v, key="prevails_over", relation="prevails_over", label=None, tooltip=tip)


def obligations(model: Graph) -> Graph:
    """Parties as clusters holding the norms they bear, coloured by modality; who benefits,
    which breach triggers which remedy, which norm prevails over which."""
    view = _view(model, "obligations", "obligations")
    norms = [n for n, d in model.nodes(data=True) if d.get("kind") == "norm"]
    bearers = {n: f"party:{model.nodes[n]['party']}" for n in norms}
    parties = [n for n, d in model.nodes(data=True) if d.get("kind") == "party"]
    _party_clusters(view, model, parties)
    for n in norms:
        _add_norm(view, model, n, gloss=True, cluster=bearers[n])
    for u, v, data in _edges(model, ("benefits", "triggers", "prevails_over")):
        if data["relation"] == "prevails_over":
            _priority_edge(view, u, v, data)
        else:
            view.add_edge(
                u,
                v,
                key=data["relation"],
                relation=data["relation"],
                label="if breached" if data["relation"] == "triggers" else None,
                tooltip=None,
            )
    view.graph["notes"] = (
        "blue: must · green: may · red: must not · purple: can · "
        "dashed arrow: benefits · orange arrow: prevails over · "
        "red arrow: breach triggers remedy",
    )
    return finish(view, model)


def dependencies(model: Graph, question: str | None = None) -> Graph:
    """Questions, the norms they ask about or may read, and the definitions and facts those
    read; with ``question``, only what that question may read (its cone of influence)."""
    questions = [
        n
        for n, d in model.nodes(data=True)
        if d.get("kind") == "question" and (question is None or d["name"] == question)
    ]
    if question is not None and not questions:
        raise KeyError(question)
    keep: list[str] = []
    for q in questions:
        keep += [q] + [
            v
            for _, v, data in model.out_edges(q, data=True)
            if data["relation"] in ("asks", "may_read")
        ]
    wanted = set(keep)
    view = _view(model, "dependencies", "dependencies" + (f" of {question}" if question else ""))
    for n, data in model.nodes(data=True):  # model order: questions last, so add in two passes
        if n in wanted and data["kind"] != "question":
            if data["kind"] == "norm":
                _add_norm(view, model, n, gloss=False, cluster=None)
            else:
                _add_plain(view, model, n)
    for q in questions:
        _add_plain(view, model, q)
    reached: set[str] = set()
    for u, v, data in _edges(model, ("asks", "reads", "triggers", "prevails_over")):
        if u in view and v in view:
            reached.add(v)
            if data["relation"] == "prevails_over":
                _priority_edge(view, u, v, data)
            else:
                view.add_edge(
                    u,
                    v,
                    key=data["relation"],
                    relation=data["relation"],
                    label="if breached" if data["relation"] == "triggers" else None,
                    tooltip=", ".join(data.get("roles", ())) or None,
                )
    for q in questions:  # what only a contract-wide rule (deadline extension) makes it read
        for _, v, data in model.out_edges(q, data=True):
            if data["relation"] == "may_read" and v not in reached:
                view.add_edge(
                    q,
                    v,
                    key="may_read",
                    relation="may_read",
                    label=None,
                    tooltip="read by a contract-wide rule",
                )
    return finish(view, model)


def remedies(model: Graph) -> Graph:
    """Chains from a duty to the remedies its breach triggers (transitively), with the event
    its deadline counts from and the event that performs it."""
    view = _view(model, "remedies", "remedies")
    triggers = list(_edges(model, ("triggers",)))
    chain = {n for u, v, _ in triggers for n in (u, v)}
    norms = [n for n, d in model.nodes(data=True) if d.get("kind") == "norm" and n in chain]
    parties = [f"party:{model.nodes[n]['party']}" for n in norms]
    _party_clusters(view, model, [p for p in model.nodes if p in set(parties)], with_node=False)
    for n in norms:
        _add_norm(view, model, n, gloss=True, cluster=f"party:{model.nodes[n]['party']}")
    for u, v, data in _edges(model, ("counts_from", "performed_on")):
        if u in view:
            if v not in view:
                _add_plain(view, model, v)
            if data["relation"] == "counts_from":  # drawn in the direction time runs
                view.add_edge(
                    v,
                    u,
                    key="counts_from",
                    relation="counts_from",
                    label="deadline counts from",
                    tooltip=None,
                )
            else:
                view.add_edge(
                    u,
                    v,
                    key="performed_on",
                    relation="performed_on",
                    label="performed on",
                    tooltip=None,
                )
    for u, v, _ in triggers:
        view.add_edge(u, v, key="triggers", relation="triggers", label="if breached", tooltip=None)
    if not triggers:
        view.graph["notes"] = (
            "no remedies: no norm of this contract follows the breach of another (otherwise …)",
        )
    return finish(view, model)


def timeline(
    model: Graph,
    contract: ir.Contract,
    facts: Mapping[str, RuntimeValue],
    as_of: dt.date | None,
    question: str | None = None,
) -> Graph:
    """The given dates and the computed deadline dates of the norms on a time axis, for one
    fact set; norms whose condition is unknown are dashed, those that do not apply left out.
    Raises EvaluationError as the interpreter does."""
    ev = Evaluation(contract, facts, as_of)
    if question is None:
        scope = list(contract.norms)
    else:
        scope = relevant_norms(contract, next(q for q in contract.questions if q.name == question))
    view = _view(model, "timeline", "timeline" + (f" of {question}" if question else ""))
    view.graph["rankdir"] = "TB"
    at: dict[str, list[str]] = {}  # date (ISO or "never") -> node ids
    undetermined: list[str] = []
    skipped = 0
    for norm in scope:
        if norm.deadline is None or norm.deadline.kind not in DATED:
            continue
        applies = ev.applies(norm)
        if applies is False:
            skipped += 1
            continue
        nid = node_id("norm", norm.id)
        _add_norm(view, model, nid, gloss=False, cluster=None)
        due = ev.due(norm)
        if isinstance(due, Unknown):
            view.nodes[nid]["label"] += ("due: unknown, depends on " + ", ".join(sorted(due.deps)),)
            undetermined.append(nid)
            view.nodes[nid]["cluster"] = "undetermined"
        else:
            when = "never" if due[1] == math.inf else dt.date.fromordinal(int(due[1])).isoformat()
            view.nodes[nid]["label"] += (f"due {when}",)
            at.setdefault(when, []).append(nid)
        if isinstance(applies, Unknown):
            view.nodes[nid]["tentative"] = True
            view.nodes[nid]["label"] += ("applies? depends on " + ", ".join(sorted(applies.deps)),)
    for f in contract.facts:
        value = facts.get(f.name)
        if isinstance(value, (dt.date, Never)) and not isinstance(value, bool):
            nid = node_id("fact", f.name)
            when = "never" if isinstance(value, Never) else value.isoformat()
            _add_plain(view, model, nid)
            view.nodes[nid]["label"] += (when,)
            at.setdefault(when, []).append(nid)
    if as_of is not None:
        view.add_node(
            "as_of:today",
            kind="event",
            modality=None,
            label=("as of", as_of.isoformat()),
            tooltip="the evaluation date",
            cluster=None,
            tentative=False,
        )
        at.setdefault(as_of.isoformat(), []).append("as_of:today")
    _axis(view, at)
    for u, v, data in _edges(model, ("counts_from", "triggers")):
        if u in view and v in view:
            a, b = (v, u) if data["relation"] == "counts_from" else (u, v)
            view.add_edge(
                a,
                b,
                key=data["relation"],
                relation=data["relation"],
                label="if breached" if data["relation"] == "triggers" else None,
                tooltip=None,
            )
    if undetermined:
        view.graph["clusters"]["undetermined"] = "deadline not yet determined"
    notes = [f"as of {as_of.isoformat()}" if as_of else "as of: not given (today is unknown)"]
    if skipped:
        notes.append(f"{skipped} dated norm(s) do not apply to these facts and are not shown")
    if not any(view.nodes[n]["kind"] == "norm" for n in view):
        notes.append("no norm with a dated deadline may apply to these facts")
    notes += [f"warning: {w}" for w in sorted(ev.warnings)]
    view.graph["notes"] = tuple(notes)
    return finish(view, model)


def _axis(view: Graph, at: dict[str, list[str]]) -> None:
    """One date node per date, chained in order with the days between; each date's nodes
    share its rank."""
    order = sorted(at, key=lambda d: (d == "never", d))
    previous: str | None = None
    for when in order:
        did = f"date:{when}"
        view.add_node(
            did,
            kind="date",
            modality=None,
            label=(when,),
            tooltip=when,
            cluster=None,
            tentative=False,
        )
        view.graph["ranks"].append([did, *at[when]])
        if previous is not None:
            gap = (
                ""
                if "never" in (when, previous)
                else f"+{(dt.date.fromisoformat(when) - dt.date.fromisoformat(previous)).days} days"
            )
            view.add_edge(
                f"date:{previous}",
                did,
                key="next",
                relation="next",
                label=gap or None,
                tooltip=None,
            )
        previous = when


def in_clauses(number: str, wanted: Iterable[str]) -> bool:
    """``number`` is one of ``wanted`` or below one: "6.2" selects 6.2, 6.2(1), 6.2.3 and
    "6.2 a)"."""
    return any(within(number, w) for w in wanted)


def only_clauses(view: Graph, model: Graph, clauses: Iterable[str]) -> Graph:
    """The view with only the norms of ``clauses`` (and their sub-clauses); what is left
    without a connection goes too, and so do clusters left with nothing but their party."""
    wanted = list(clauses)
    out = view.copy()
    out.graph = {
        **view.graph,
        "clusters": dict(view.graph["clusters"]),
        "title": view.graph["title"] + " (clauses " + ", ".join(wanted) + ")",
    }
    out.remove_nodes_from(
        [
            n
            for n in view
            if view.nodes[n]["kind"] == "norm"
            and not in_clauses(str(model.nodes[n]["clause"]), wanted)
        ]
    )
    out.remove_nodes_from(
        [
            n
            for n in list(out)
            if view.degree(n)
            and not out.degree(n)
            and out.nodes[n]["kind"] not in ("party", "norm")
        ]
    )
    for cid in list(out.graph["clusters"]):
        members = [n for n in out if out.nodes[n].get("cluster") == cid]
        if all(out.nodes[n]["kind"] == "party" and not out.degree(n) for n in members):
            out.remove_nodes_from(members)
            del out.graph["clusters"][cid]
    for u, v, key in out.edges(keys=True):  # labels again: fewer kinds may meet now
        out.edges[u, v, key]["label"] = view.edges[u, v, key].get("bare_label")
    return finish(out, model)


def finish(view: Graph, model: Graph) -> Graph:
    """Edge labels where kinds meet, and the legend of the quotes of the norms drawn."""
    label_where_kinds_meet(view)
    view.graph["legend"] = legend(view, model)
    return view


def label_where_kinds_meet(view: Graph) -> None:
    """Where arrows of several relations meet a node, each of them gets its relation in
    words ("prevails over", "benefits", …), so that a reader can tell them apart in print.
    ``bare_label`` keeps the label the view gave, for a filtered copy to start again from."""
    kinds: dict[str, set[str]] = {}
    for u, v, key in view.edges(keys=True):
        if key in RELATION_WORD:
            kinds.setdefault(u, set()).add(key)
            kinds.setdefault(v, set()).add(key)
    for u, v, key, data in view.edges(keys=True, data=True):
        data.setdefault("bare_label", data.get("label"))
        meet = len(kinds.get(u, ())) > 1 or len(kinds.get(v, ())) > 1
        if not data.get("label") and meet and key in RELATION_WORD:
            data["label"] = RELATION_WORD[key]


def legend(view: Graph, model: Graph) -> tuple[tuple[str, str, str | None], ...]:
    """(clause, verbatim quote, gloss) for each clause with a norm in the view, in contract
    order: the quotes in print, where no tooltip shows them. The gloss only where the label
    shortened it."""
    out: dict[str, tuple[str, str, str | None]] = {}
    for n in model:
        data = model.nodes[n]
        if n in view and data.get("kind") == "norm" and data["clause"] not in out:
            gloss = str(data["gloss"]) if gloss_shortened(data) else None
            out[str(data["clause"])] = (str(data["clause"]), str(data.get("quote") or ""), gloss)
    return tuple(out.values())


def section_of(number: str) -> str:
    """The top-level clause of a clause number: "6" of "6.2(4)(a)", "annex-2" of "annex-2
    safety stock"."""
    match = re.match(r"[^.( ]+", number.strip())
    return match.group() if match else number


def overview(model: Graph, limit: int) -> Graph:
    """For a contract with more norms than one picture can show legibly: one box per
    top-level clause with its norms counted by modality, and the priorities and remedies
    between sections counted on the arrows; the notes say how to draw one section."""
    view = _view(model, "obligations", "overview of the obligations by section")
    norms = [d for _, d in model.nodes(data=True) if d.get("kind") == "norm"]
    sections: dict[str, list[Mapping[str, Any]]] = {}
    for n, data in model.nodes(data=True):  # sections in the document's order
        if data.get("kind") == "clause" and any(
            model.edges[e]["relation"] == "contains" for e in model.out_edges(n, keys=True)
        ):
            sections.setdefault(section_of(str(data["name"])), [])
    for data in norms:
        sections.setdefault(section_of(str(data["clause"])), []).append(data)
    inside: dict[str, dict[str, int]] = {}
    across: dict[tuple[str, str, str], int] = {}
    for u, v, data in _edges(model, ("prevails_over", "triggers")):
        a = section_of(str(model.nodes[u]["clause"]))
        b = section_of(str(model.nodes[v]["clause"]))
        if a == b:
            counts = inside.setdefault(a, {})
            counts[data["relation"]] = counts.get(data["relation"], 0) + 1
        else:
            across[(a, b, data["relation"])] = across.get((a, b, data["relation"]), 0) + 1
    for name, members in sections.items():
        by_modality = [
            f"{sum(1 for d in members if d['modality'] == m)} {word}"
            for m, word in MODALITY_WORD.items()
            if any(d["modality"] == m for d in members)
        ]
        lines = [f"clause {name}", f"{counted(len(members), 'norm')}: " + ", ".join(by_modality)]
        counts = inside.get(name, {})
        if counts.get("prevails_over"):
            lines.append(f"{counted(counts['prevails_over'], 'priority')} between its norms")
        if counts.get("triggers"):
            lines.append(f"{counted(counts['triggers'], 'remedy')} between its norms")
        view.add_node(
            f"section:{name}",
            kind="section",
            modality=None,
            label=tuple(lines),
            small=(f"--clause {name}",),
            tooltip="clauses " + ", ".join(dict.fromkeys(str(d["clause"]) for d in members)),
            cluster=None,
            tentative=False,
        )
    for (a, b, relation), count in across.items():
        view.add_edge(
            f"section:{a}",
            f"section:{b}",
            key=relation,
            relation=relation,
            label=f"{RELATION_WORD[relation]} ({counted(count, 'norm')})",
            tooltip=None,
        )
    view.graph["notes"] = (
        f"{len(norms)} norms, more than {limit}: one box per section. Draw one with "
        "--clause NUMBER, or every norm with --all",
    )
    return view


def counted(count: int, noun: str) -> str:
    """``1 norm``, ``2 norms``, ``3 priorities``."""
    if count == 1:
        return f"1 {noun}"
    return f"{count} " + (noun[:-1] + "ies" if noun.endswith("y") else noun + "s")
