"""The text of a hover, in Markdown: what a declaration says (a fact's type, description and
presumption; a clause's verbatim quote) and what a norm means, in words.

Text from a contract reaches Markdown only through :func:`markdown_text` (prose) and
:func:`code_block` (source as written)."""

from __future__ import annotations

import re

from clausec.lsp.resolve import Resolver, Target
from clausec.lsp.workspace import FileIndex
from clausec.syntax import ast

# Every character that Markdown (CommonMark) may read as markup, and the line starts that
# open a block (a heading, a list, a quote) when escaped characters alone would not stop them.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&$])")
# A section of clauses may hold many: the first few are shown.
MAX_CLAUSES_SHOWN = 5

MODALITIES = {
    "must": ("obligation", "must", "is bound to do it"),
    "must_not": ("prohibition", "must not", "is bound not to do it"),
    "may": ("permission", "may", "is free to do it"),
    "can": (
        "power",
        "can",
        "can change the legal position of others by doing it (it is effective)",
    ),
}


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown prose: every markup character escaped, line breaks kept."""
    return "  \n".join(_MARKUP.sub(r"\\\1", line) for line in text.split("\n"))


def code_block(text: str, language: str = "clause") -> str:
    """``text`` verbatim in a fenced code block whose fence no run of backticks in it closes."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def _quoted(text: str) -> str:
    return "\n".join("> " + line for line in markdown_text(text).split("\n"))


def _code(name: str) -> str:
    """A name in a code span (names are ASCII words and dots: nothing to escape)."""
    return f"`{name}`"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def target_hover(resolver: Resolver, target: Target) -> str | None:
    """The hover of a declaration."""
    found = resolver.declaration(target)
    if found is None:
        return None
    index, _ = found
    symbols = index.symbols
    match target.kind:
        case "value":
            if target.name in symbols.facts:
                return _fact(index, symbols.facts[target.name])
            if target.name in symbols.events:
                return _event(index, symbols.events[target.name])
            return _definition(index, symbols.definitions[target.name])
        case "party":
            party = symbols.parties[target.name]
            parts = [f"**party** {_code(target.name)}", f"role: {markdown_text(party.role.value)}"]
            if party.legal_name is not None:
                parts.append(f"name: {markdown_text(party.legal_name.value)}")
            return "\n\n".join(parts)
        case "action":
            action = symbols.actions[target.name]
            return _described(f"**action** {_code(target.name)}", action.description)
        case "object":
            obj = symbols.objects[target.name]
            head = f"**object** {_code(target.name)}"
            if obj.type is not None:
                head += f" : {_code(_one_line(index.slice(obj.type.span)))}"
            return _described(head, obj.description)
        case "member":
            owner, member = target.name.split(":", 1)
            return f"**member** {_code(member)} of the type of {_code(owner)}"
        case "clause":
            return clause_hover(index, symbols.clauses[target.name], resolver)
        case "contract":
            return _contract(index)
        case "document":
            document = symbols.documents[target.name]
            return f"**document** {_code(target.name)}\n\n{markdown_text(document.title.value)}"
        case "question":
            question = symbols.questions[target.name]
            parts = [f"**question** {_code(target.name)}"]
            if question.description is not None:
                parts.append(markdown_text(question.description.value))
            parts.append(code_block(_one_line(index.slice(question.query.span))))
            return "\n\n".join(parts)
    return None


def clauses_hover(resolver: Resolver, targets: list[Target]) -> str | None:
    """The hover of a reference to clauses: each clause's quote (the first few of a section)."""
    shown = []
    for target in targets[:MAX_CLAUSES_SHOWN]:
        text = target_hover(resolver, target)
        if text is not None:
            shown.append(text)
    if len(targets) > MAX_CLAUSES_SHOWN:
        shown.append(f"… and {len(targets) - MAX_CLAUSES_SHOWN} more clauses")
    return "\n\n---\n\n".join(shown) if shown else None


def clause_hover(index: FileIndex, clause: ast.Clause, resolver: Resolver | None = None) -> str:
    """A clause's number, its contract when it is another file's, its quote, gloss, reason."""
    title = f"**clause** {_code(clause.number.value)}"
    if not clause.normative:
        title = f"**non-normative clause** {_code(clause.number.value)}"
    if index.contract_name is not None:
        title += f" of {_code(index.contract_name)}"
    parts = [title]
    for attribute in clause.attrs:
        if isinstance(attribute, ast.ClauseAttr):
            if attribute.kind == "quote":
                parts.append(_quoted(attribute.value.value))
            else:
                parts.append(f"*{attribute.kind}:* {markdown_text(attribute.value.value)}")
    return "\n\n".join(parts)


def norm_hover(index: FileIndex, norm_id: str, norm: ast.Norm, clause: ast.Clause) -> str:
    """A norm: its modality in words, what it says as written, and its clause's text."""
    head = norm.head
    kind, word, meaning = MODALITIES[head.modality]
    says = f"{_code(head.party.name)} {word} {_code(head.action.name)} {_code(head.object.name)}"
    if head.beneficiary is not None:
        says += f" to {_code(head.beneficiary.name)}"
    parts = [
        f"**{kind}** {_code(norm_id)}: {says}",
        f"{kind.capitalize()}: {_code(head.party.name)} {markdown_text(meaning)}.",
    ]
    items = [_one_line(index.slice(item.span)) for item in norm.items]
    if head.amount is not None:
        items.insert(0, "amount " + _one_line(index.slice(head.amount.span)))
    if items:
        parts.append(code_block("\n".join(items)))
    parts.append(clause_hover(index, clause))
    return "\n\n".join(parts)


def _described(head: str, description: ast.StringLit | None) -> str:
    if description is None:
        return head
    return f"{head}\n\n{markdown_text(description.value)}"


def _fact(index: FileIndex, fact: ast.Fact) -> str:
    head = f"**fact** {_code(fact.name.name)} : {_code(_one_line(index.slice(fact.type.span)))}"
    parts = [_described(head, fact.description)]
    if fact.bounds:
        bounds = ", ".join(_one_line(index.slice(b.span)) for b in fact.bounds)
        parts.append(f"bounds: {_code(bounds)}")
    parts += _presumption(index, fact.presumption)
    return "\n\n".join(parts)


def _event(index: FileIndex, event: ast.Event) -> str:
    head = f"**event** {_code(event.name.name)} : a date, or `never`"
    return "\n\n".join(
        [_described(head, event.description), *_presumption(index, event.presumption)]
    )


def _presumption(index: FileIndex, presumption: ast.Presumption | None) -> list[str]:
    if presumption is None:
        return []
    value = _one_line(index.slice(presumption.value.span))
    text = f"presumed {_code(value)} because {markdown_text(presumption.reason.value)}"
    if presumption.rests_on:
        cited = (_code(_one_line(index.slice(r.span))) for r in presumption.rests_on)
        text += " (per " + ", ".join(cited) + ")"
    return [text]


def _definition(index: FileIndex, definition: ast.Definition) -> str:
    head = f"**definition** {_code(definition.name.name)}"
    if definition.type is not None:
        head += f" : {_code(_one_line(index.slice(definition.type.span)))}"
    else:
        contract = index.contract
        found = None
        if contract is not None:
            found = next((d for d in contract.definitions if d.name == definition.name.name), None)
        if found is not None:
            head += f" : {_code(str(found.type))}"
    parts = [head, code_block(_one_line(index.slice(definition.expr.span)))]
    if definition.description is not None:
        parts.append(markdown_text(definition.description.value))
    return "\n\n".join(parts)


def _contract(index: FileIndex) -> str:
    header = index.module.header
    parts = [f"**contract** {_code(index.contract_name or '')}"]
    if header is not None and header.title is not None:
        parts.append(markdown_text(header.title.value))
    parts.append(markdown_text(index.path.name))
    return "\n\n".join(parts)
