"""The pages of the site: one per contract (the document in its own order) and the index.

Every string from a contract goes through :func:`clausec.site.markup.escape`; the markup
around it is fixed here. Pages are built from the IR's tuples and the check's sorted findings
only, so the same input gives the same bytes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clausec.diagnostics import Diagnostic
from clausec.ir import nodes as ir
from clausec.ir.text import PRIORITY_WORDS, norm_sentence, value_words, words
from clausec.site.clause_graph import clause_graph
from clausec.site.findings import Placed, place
from clausec.site.forms import question_forms
from clausec.site.markup import anchor_ids, escape
from clausec.site.scenarios import scenario_section
from clausec.site.sentences import norm_details

STYLESHEET = "site.css"


def page_name(contract: ir.Contract) -> str:
    """The file of a contract's page: its id (an identifier: letters, digits, ``_``)."""
    return f"{contract.id}.html"


def _page(title: str, body: Sequence[str]) -> str:
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f'<link rel="stylesheet" href="{STYLESHEET}">',
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the content</a>',
    ]
    return "\n".join([*head, *body, "</body>", "</html>", ""])


# ---------------------------------------------------------------- the index


def index_page(contracts: Sequence[ir.Contract], diagnostics: Sequence[Diagnostic]) -> str:
    """The list of contracts, with what each holds and how many findings the check made."""
    rows = []
    for c in contracts:
        found = place(c, diagnostics)
        counted = [d for d in _all(found) if d.counts]
        accepted = [d for d in _all(found) if d.suppressed is not None]
        rows.append(
            "<tr>"
            f'<th scope="row"><a href="{escape(page_name(c))}">'
            f'<span lang="{escape(c.language)}">{escape(c.title)}</span></a>'
            f"<br><code>{escape(c.id)}</code></th>"
            f"<td>{escape(c.language)}</td>"
            f"<td>{len(c.clauses)}</td>"
            f"<td>{len(c.norms)}</td>"
            f"<td>{len(c.questions)}</td>"
            f"<td>{len(counted)}"
            + (f", and {len(accepted)} accepted" if accepted else "")
            + "</td>"
            "</tr>"
        )
    body = [
        "<header>",
        "<h1>Contracts</h1>",
        "<p>Each contract's document in its own order: the clauses as written beside their "
        "formal reading, and the check's findings where they apply.</p>",
        "</header>",
        '<main id="main">',
        '<table class="contracts">',
        "<caption>The contracts of this site</caption>",
        "<thead><tr>"
        '<th scope="col">Contract</th><th scope="col">Language</th>'
        '<th scope="col">Clauses</th><th scope="col">Norms</th>'
        '<th scope="col">Questions</th><th scope="col">Findings</th>'
        "</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "</main>",
    ]
    return _page("Contracts", body)


def _all(found: Placed) -> list[Diagnostic]:
    return [d for ds in found.at_clause.values() for d in ds] + list(found.elsewhere)


# ---------------------------------------------------------------- a contract


def contract_page(contract: ir.Contract, diagnostics: Sequence[Diagnostic]) -> str:
    """The contract's page: header, table of clauses, parties, the document clause by clause,
    the priority table, a form per question, the scenarios, the findings that are not at a
    clause, and what the names mean."""
    anchors = anchor_ids([c.number for c in contract.clauses], "clause")
    found = place(contract, diagnostics)
    body = [
        "<header>",
        '<p><a href="index.html">All contracts</a></p>',
        f'<h1 lang="{escape(contract.language)}">{escape(contract.title)}</h1>',
        '<dl class="facts-of-contract">',
        f"<dt>Contract</dt><dd><code>{escape(contract.id)}</code></dd>",
        f"<dt>Source document</dt><dd>{escape(contract.source_document)}</dd>",
        f"<dt>Language</dt><dd>{escape(contract.language)}</dd>",
        f"<dt>Working-day calendar</dt><dd>{escape(contract.calendar)}</dd>",
        f"<dt>Clause file</dt><dd>{escape(contract.file)}</dd>",
        "</dl>",
        "</header>",
        *_contents(contract, anchors),
        '<main id="main">',
        *_parties(contract),
        *_document(contract, anchors, found),
        *_priorities(contract, anchors),
        *question_forms(contract, anchors),
        *scenario_section(contract, anchors),
        *_general_findings(found.elsewhere),
        *_vocabulary(contract),
        "</main>",
    ]
    return _page(contract.title, body)


def _contents(contract: ir.Contract, anchors: dict[str, str]) -> list[str]:
    items = [
        f'<li><a href="#{anchors[c.number]}">{escape(c.number)}</a></li>' for c in contract.clauses
    ]
    return [
        '<nav aria-labelledby="contents-heading">',
        '<h2 id="contents-heading">Clauses</h2>',
        '<ol class="contents">',
        *items,
        "</ol>",
        "</nav>",
    ]


def _parties(contract: ir.Contract) -> list[str]:
    rows = []
    for p in contract.parties:
        legal = (
            f'<dd lang="{escape(contract.language)}">{escape(p.legal_name)}</dd>'
            if p.legal_name is not None
            else ""
        )
        rows.append(
            f"<dt><code>{escape(p.name)}</code></dt>"
            f'<dd lang="{escape(contract.language)}">{escape(p.role)}</dd>{legal}'
        )
    return [
        '<section aria-labelledby="parties-heading">',
        '<h2 id="parties-heading">Parties</h2>',
        '<dl class="parties">',
        *rows,
        "</dl>",
        "</section>",
    ]


def _document(contract: ir.Contract, anchors: dict[str, str], found: Placed) -> list[str]:
    out = [
        '<section aria-labelledby="document-heading">',
        '<h2 id="document-heading">The document</h2>',
    ]
    for clause in contract.clauses:
        out += _clause(contract, clause, anchors, found.at_clause.get(clause.number, ()))
    out.append("</section>")
    return out


def _clause(
    contract: ir.Contract,
    clause: ir.Clause,
    anchors: dict[str, str],
    findings: Sequence[Diagnostic],
) -> list[str]:
    anchor = anchors[clause.number]
    kind = "clause" if clause.normative else "clause non-normative"
    out = [
        f'<article class="{kind}" id="{anchor}" aria-labelledby="{anchor}-heading">',
        f'<h3 id="{anchor}-heading">{escape(clause.number)}'
        + ("" if clause.normative else ' <span class="tag">non-normative</span>')
        + "</h3>",
        '<div class="pair">',
    ]
    if clause.quote is not None:
        out.append(
            f'<blockquote class="quote" lang="{escape(contract.language)}">'
            f"<p>{escape(clause.quote)}</p></blockquote>"
        )
    else:
        out.append('<p class="quote missing">No quote transcribed.</p>')
    out.append('<div class="reading">')
    norms = [contract.norm(nid) for nid in clause.norm_ids]
    if norms:
        out += ["<h4>Formal reading</h4>", '<ol class="norms">']
        out += [
            _norm(contract, n, f"{anchor}-norm-{position}")
            for position, n in enumerate(norms, start=1)
        ]
        out.append("</ol>")
    if clause.gloss is not None:
        out += ["<h4>Gloss</h4>", f'<p class="gloss">{escape(clause.gloss)}</p>']
    if clause.reason is not None:
        heading = "Why it is non-normative" if not clause.normative else "Reason"
        out += [f"<h4>{heading}</h4>", f'<p class="reason">{escape(clause.reason)}</p>']
    if clause.refers_to:
        refs = ", ".join(_reference(r, anchors) for r in clause.refers_to)
        out.append(f'<p class="refers">Refers to {refs}.</p>')
    out += clause_graph(contract, clause, anchors, anchor)
    out.append("</div>")
    out.append("</div>")
    if findings:
        out += [
            '<div class="findings">',
            f"<h4>Findings of the check ({len(findings)})</h4>",
            *_findings_list(findings),
            "</div>",
        ]
    out.append("</article>")
    return out


def _norm(contract: ir.Contract, n: ir.Norm, anchor: str) -> str:
    details = "".join(
        f'<li><span class="what">{escape(what)}</span> {escape(text)}</li>'
        for what, text in norm_details(n, contract)
    )
    return (
        f'<li class="norm {escape(n.modality)}" id="{anchor}">'
        f'<p class="sentence">{escape(norm_sentence(n))}</p>'
        + (f'<ul class="details">{details}</ul>' if details else "")
        + f'<p class="norm-id">norm <code>{escape(n.id)}</code></p>'
        "</li>"
    )


def _reference(r: ir.ClauseRef, anchors: dict[str, str]) -> str:
    about = f" (about {escape(', '.join(r.about))})" if r.about else ""
    if r.contract is None and r.number is not None and r.number in anchors:
        return f'<a href="#{anchors[r.number]}">{escape(r.number)}</a>{about}'
    return escape(str(r)) + about


def _clause_link(number: str, anchors: dict[str, str]) -> str:
    if number in anchors:
        return f'<a href="#{anchors[number]}">{escape(number)}</a>'
    return escape(number)


def _priorities(contract: ir.Contract, anchors: dict[str, str]) -> list[str]:
    out = [
        '<section aria-labelledby="priorities-heading">',
        '<h2 id="priorities-heading">Priorities</h2>',
    ]
    if not contract.priorities and not contract.external_priorities:
        out += ["<p>No clause states a priority.</p>", "</section>"]
        return out
    if contract.priorities:
        out += [
            '<div class="scroll" role="region" aria-labelledby="priority-caption" tabindex="0">',
            '<table class="priorities">',
            '<caption id="priority-caption">Where both apply, the first norm prevails</caption>',
            "<thead><tr>"
            '<th scope="col">Prevails</th><th scope="col">Over</th>'
            '<th scope="col">Because</th><th scope="col">Stated in</th>'
            "</tr></thead>",
            "<tbody>",
        ]
        for p in contract.priorities:
            higher, lower = contract.norm(p.higher), contract.norm(p.lower)
            out.append(
                "<tr>"
                f"<td>{_clause_link(higher.clause, anchors)}: {escape(norm_sentence(higher))}</td>"
                f"<td>{_clause_link(lower.clause, anchors)}: {escape(norm_sentence(lower))}</td>"
                f"<td>{escape(PRIORITY_WORDS[p.kind])}</td>"
                f"<td>{_clause_link(p.stated_in, anchors)}</td>"
                "</tr>"
            )
        out += ["</tbody>", "</table>", "</div>"]
    if contract.external_priorities:
        out += ["<h3>Priorities involving other documents</h3>", '<ul class="external">']
        for x in contract.external_priorities:
            above = ", ".join(_reference(r, anchors) for r in x.higher)
            below = ", ".join(_reference(r, anchors) for r in x.lower)
            out.append(
                f"<li>{above} <strong>prevails over</strong> {below} "
                f"({escape(PRIORITY_WORDS[x.kind])}, stated in "
                f"{_clause_link(x.stated_in, anchors)})</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return out


def _general_findings(findings: Sequence[Diagnostic]) -> list[str]:
    if not findings:
        return []
    return [
        '<section aria-labelledby="general-findings-heading" class="findings">',
        '<h2 id="general-findings-heading">Findings outside the clauses</h2>',
        *_findings_list(findings),
        "</section>",
    ]


def _findings_list(findings: Iterable[Diagnostic]) -> list[str]:
    out = ['<ul class="finding-list">']
    for d in findings:
        state = "accepted" if d.suppressed is not None else d.severity.value
        where = f"line {d.span.line}, column {d.span.column}" if d.span is not None else ""
        parts = [
            f'<li class="finding {escape(state)}">',
            f'<p><span class="severity">{escape(d.severity.value)}</span> '
            f"<code>{escape(d.code)}</code> {escape(d.message)}"
            + (f' <span class="where">({escape(where)})</span>' if where else "")
            + "</p>",
        ]
        parts += [f'<p class="note">{escape(n.message)}</p>' for n in d.notes]
        if d.hint is not None:
            parts.append(f'<p class="hint">Hint: {escape(d.hint)}</p>')
        if d.witness:
            given = "; ".join(f"{name} = {value}" for name, value in d.witness)
            parts.append(f'<p class="witness">For example when {escape(given)}</p>')
        if d.suppressed is not None:
            parts.append(f'<p class="accepted-reason">Accepted: {escape(d.suppressed)}</p>')
        parts.append("</li>")
        out.append("".join(parts))
    out.append("</ul>")
    return out


def _vocabulary(contract: ir.Contract) -> list[str]:
    """What the names in the formal reading mean: facts, events and definitions."""
    rows = []
    for f in contract.facts:
        meaning = escape(f.description) if f.description is not None else ""
        presumed = (
            f' <span class="presumed">Presumed {escape(value_words(f.presumption.value))}: '
            f"{escape(f.presumption.reason)}</span>"
            if f.presumption is not None
            else ""
        )
        rows.append(
            f'<dt><code>{escape(f.name)}</code> <span class="type">{escape(f.kind)}, '
            f"{escape(str(f.type))}</span></dt>"
            f"<dd>{meaning}</dd>" + (f"<dd>{presumed}</dd>" if presumed else "")
        )
    for d in contract.definitions:
        meaning = escape(d.description) if d.description is not None else ""
        rows.append(
            f'<dt><code>{escape(d.name)}</code> <span class="type">defined, '
            f"{escape(str(d.type))}</span></dt>"
            f"<dd>{escape(words(d.expr))}</dd>" + (f"<dd>{meaning}</dd>" if meaning else "")
        )
    if not rows:
        return []
    return [
        '<section aria-labelledby="vocabulary-heading">',
        '<h2 id="vocabulary-heading">What the names mean</h2>',
        '<dl class="vocabulary">',
        *rows,
        "</dl>",
        "</section>",
    ]
