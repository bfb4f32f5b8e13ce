"""Completion: the keywords the grammar accepts at the cursor (asked of the LALR parser fed
the declaration written so far) and the names that fit there — facts, events and definitions
(the rest of a dotted name), enumeration members where a value of that type is expected,
parties, actions and objects in a norm, clause numbers inside a reference, question names
after `expect`."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from lark import Lark
from lark.exceptions import LarkError
from lsprotocol.types import (
    CompletionItem,
    CompletionItemKind,
    CompletionList,
    Position,
    Range,
    TextEdit,
)

from clausec.lsp.resolve import Resolver
from clausec.lsp.workspace import FileIndex, Workspace
from clausec.source import Span
from clausec.syntax import ast
from clausec.syntax.grammar import DECLARATION_KEYWORDS, keyword_of, make_parser, reserved_words

_PREFIX = re.compile(r"[a-z_][a-z0-9_.]*$")
_TOKEN = re.compile(r'[a-z_][a-z0-9_.]*|[A-Z][A-Za-z-]*|\d[\d.\-]*|"|!=|<=|>=|[=<>(),:+\-*/%]')
_DECLARATION_START = re.compile(
    r"(?m)^[ \t]*(?:" + "|".join(map(re.escape, DECLARATION_KEYWORDS)) + r")(?![a-z0-9_-])"
)
_OF_CONTRACT = re.compile(r"\s*of\s+([a-z_][a-z0-9_]*)")
# Words after which a string is a clause reference.
_REFERENCE_WORDS = frozenset({"notwithstanding", "over", "because", "overriding", "per"})
_MODALITY_WORDS = frozenset({"must", "may", "can"})
# Where an expression starts: after these words and operators a value is expected.
_EXPRESSION_WORDS = frozenset(
    {
        "when", "unless", "if", "then", "else", "and", "or", "not", "after", "before", "by",
        "until", "within", "least", "most", "up", "exactly", "presumed", "=", "!=", "<", "<=",
        ">", ">=", "+", "-", "*", "/", "(", ",", "from", "to", "as", "extended", "of", "is",
    }
)  # fmt: skip
_DETAIL_LENGTH = 80


@functools.cache
def _parser() -> Lark:
    """A parser without callbacks, asked which tokens may come next."""
    return make_parser()


def prepare() -> None:
    """Build the parser completion asks (a tenth of a second), before the first completion."""
    _parser()


@functools.cache
def _keyword_of(terminal: str) -> str | None:
    try:
        pattern = _parser().get_terminal(terminal).pattern
    except KeyError:
        return None
    return keyword_of(pattern)


def code_mentions(index: FileIndex, name: str) -> int:
    """How often ``name`` is written as a whole name outside strings and comments."""
    pattern = re.compile(r"(?<![A-Za-z0-9_.])" + re.escape(name) + r"(?![A-Za-z0-9_]|\.[a-z_])")
    return len(pattern.findall(index.code()[0]))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LENGTH else text[: _DETAIL_LENGTH - 1] + "…"


def complete(ws: Workspace, index: FileIndex, position: Position) -> CompletionList:
    line, column = index.lines.column(position)
    offset = index.lines.offset(line, column)
    code, regions = index.code()
    for start, end, kind in regions:
        if start < offset < end or (kind != "string" and start < offset <= end):
            if kind == "comment":
                return CompletionList(is_incomplete=False, items=[])
            return _in_string(ws, index, code, start, end, kind, offset)
        if start >= offset:
            break
    line_start = index.lines.starts[line - 1]
    prefix = _PREFIX.search(code, line_start, offset)
    begin = prefix.start() if prefix is not None else offset
    edit = _range(index, begin, offset)
    chunk_start = _declaration_start(code, begin)
    tokens = _TOKEN.findall(code, max(chunk_start, 0), begin)
    accepted = _accepted(index.source.text[max(chunk_start, 0) : begin], chunk_start < 0)
    names = _names(ws, index, tokens, accepted, edit)
    typed = prefix.group(0) if prefix is not None else ""
    if "." in typed:
        # After `merchant.` only the names of that group, and no keyword, can follow.
        group = typed[: typed.rindex(".") + 1]
        return CompletionList(
            is_incomplete=False, items=[i for i in names if i.label.startswith(group)]
        )
    if names and all(item.kind == CompletionItemKind.EnumMember for item in names):
        # Where a value of an enumeration is expected only its members fit.
        return CompletionList(is_incomplete=False, items=names)
    return CompletionList(is_incomplete=False, items=[*names, *_keywords(accepted, edit)])


def _declaration_start(code: str, offset: int) -> int:
    """Where the declaration holding ``offset`` starts (a line starting with a declaration
    keyword, as the parser's recovery finds them); -1 in the header."""
    start = -1
    for m in _DECLARATION_START.finditer(code, 0, offset):
        start = m.start()
    return start


def _range(index: FileIndex, start: int, end: int) -> Range:
    lines = index.lines
    return lines.range(Span("", *lines.line_column(start), *lines.line_column(end)))


def _accepted(text: str, header: bool) -> set[str] | None:
    """The terminals the parser accepts after ``text``, or None when ``text`` does not parse."""
    try:
        interactive = _parser().parse_interactive(text, start="start" if header else "declarations")
        interactive.exhaust_lexer()
        accepted: set[str] = interactive.accepts()  # type: ignore[no-untyped-call]
        return accepted
    except LarkError:
        return None


def _keywords(accepted: set[str] | None, edit: Range) -> list[CompletionItem]:
    if accepted is None:
        words = sorted(reserved_words())
    else:
        words = sorted({w for w in map(_keyword_of, accepted) if w is not None})
    return [
        CompletionItem(
            label=word,
            kind=CompletionItemKind.Keyword,
            detail="keyword",
            sort_text="2" + word,
            text_edit=TextEdit(edit, word),
        )
        for word in words
    ]


def _item(label: str, kind: CompletionItemKind, detail: str, edit: Range) -> CompletionItem:
    return CompletionItem(
        label=label,
        kind=kind,
        detail=detail,
        sort_text="1" + label,
        filter_text=label,
        text_edit=TextEdit(edit, label),
    )


def _names(
    ws: Workspace,
    index: FileIndex,
    tokens: list[str],
    accepted: set[str] | None,
    edit: Range,
) -> list[CompletionItem]:
    if accepted is not None and "NAME" not in accepted:
        return []
    last = tokens[-1] if tokens else ""
    before = tokens[-2] if len(tokens) > 1 else ""
    first = tokens[0] if tokens else ""
    symbols = index.symbols
    if last == "expect":
        return [_question(name, q, edit) for name, q in symbols.questions.items()]
    if first == "question" and ":" in tokens:
        return _query(index, tokens[tokens.index(":") + 1 :], edit)
    if last in _MODALITY_WORDS or (last == "not" and before == "must"):
        return _actions(index, edit)
    if before in _MODALITY_WORDS | {"not"} and last in symbols.actions:
        return [*_objects(index, edit), *_parties(index, edit)]
    if last in _REFERENCE_WORDS or (last == "to" and before in ("subject", "refers")):
        return _documents(index, edit)
    if first == "incompatible":
        return _actions(index, edit)
    if last == "about" or (last == "," and "about" in tokens):
        return _objects(index, edit)
    if last == "to" and before in symbols.objects | symbols.parties.keys() | {")"}:
        return _parties(index, edit)
    if last == "import":
        return _contracts(ws, index, edit)
    if last == "of" and before == '"':
        return _documents(index, edit, itself=False)
    if _listing_facts(tokens):
        return _values(index, edit, facts_only=True)
    if last == "on" and before == "performed":
        return _values(index, edit, events_only=True)
    if last in ("=", "!=") or last == "presumed":
        owner = before if last != "presumed" else (tokens[1] if len(tokens) > 1 else "")
        members = _members_of(index, owner)
        if members:
            return members_items(members, owner, edit)
    if last in _EXPRESSION_WORDS or last in ("and", "or"):
        return _values(index, edit)
    if first == "clause" and (not tokens or last not in ("prevails", "in")):
        return _parties(index, edit)
    return []


def _query(index: FileIndex, query: list[str], edit: Range) -> list[CompletionItem]:
    """In a question's query: the party, action and object of `may`, `must`, `deadline of`
    and `amount of`; a value after `value of`."""
    if query[:2] == ["value", "of"]:
        return _values(index, edit)
    lead = 2 if query[:2] in (["deadline", "of"], ["amount", "of"]) else 0
    lead = 1 if query[:1] in (["may"], ["must"]) else lead
    slots = (_parties, _actions, _objects)
    if lead and len(query) - lead < len(slots):
        return slots[len(query) - lead](index, edit)
    return []


def _listing_facts(tokens: list[str]) -> bool:
    """After `given`, or in the list of facts of `depending on` or `assuming`."""
    position = len(tokens) - 1
    while position >= 1 and tokens[position] == "," and _PREFIX.match(tokens[position - 1]):
        position -= 2
    word = tokens[position] if position >= 0 else ""
    if word == "on" and position >= 1:
        return tokens[position - 1] == "depending"
    return word in ("given", "assuming")


def _members_of(index: FileIndex, owner: str) -> list[str]:
    declared: ast.TypeExpr | None = None
    fact = index.symbols.facts.get(owner)
    definition = index.symbols.definitions.get(owner)
    if fact is not None:
        declared = fact.type
    elif definition is not None:
        declared = definition.type
    if declared is None:
        return []
    return [m.name for m in declared.members]


def members_items(members: Iterable[str], owner: str, edit: Range) -> list[CompletionItem]:
    return [
        _item(m, CompletionItemKind.EnumMember, f"member of the type of {owner}", edit)
        for m in members
    ]


def _question(name: str, question: ast.Question, edit: Range) -> CompletionItem:
    detail = question.description.value if question.description is not None else "question"
    return _item(name, CompletionItemKind.Interface, _short(detail), edit)


def _parties(index: FileIndex, edit: Range) -> list[CompletionItem]:
    return [
        _item(name, CompletionItemKind.Class, _short(f"party: {p.role.value}"), edit)
        for name, p in index.symbols.parties.items()
    ]


def _actions(index: FileIndex, edit: Range) -> list[CompletionItem]:
    return [
        _item(
            name,
            CompletionItemKind.Method,
            _short(a.description.value if a.description else "action"),
            edit,
        )
        for name, a in index.symbols.actions.items()
    ]


def _objects(index: FileIndex, edit: Range) -> list[CompletionItem]:
    return [
        _item(
            name,
            CompletionItemKind.Struct,
            _short(o.description.value if o.description else "object"),
            edit,
        )
        for name, o in index.symbols.objects.items()
    ]


def _documents(index: FileIndex, edit: Range, *, itself: bool = True) -> list[CompletionItem]:
    """Documents and imported contracts; with ``itself``, the file's own contract too (a
    reference to the whole of it)."""
    out = [
        _item(name, CompletionItemKind.File, _short(d.title.value), edit)
        for name, d in index.symbols.documents.items()
    ]
    out += [
        _item(name, CompletionItemKind.Module, "imported contract", edit)
        for name in index.symbols.imports
    ]
    if itself and index.contract_name is not None:
        out.append(_item(index.contract_name, CompletionItemKind.Module, "this contract", edit))
    return out


def _contracts(ws: Workspace, index: FileIndex, edit: Range) -> list[CompletionItem]:
    names: set[str] = set()
    for path in ws.clause_files():
        if path != index.path:
            names |= ws.defined_contracts(path)
    names.discard(index.contract_name or "")
    return [_item(name, CompletionItemKind.Module, "contract", edit) for name in sorted(names)]


def _values(
    index: FileIndex, edit: Range, *, facts_only: bool = False, events_only: bool = False
) -> list[CompletionItem]:
    symbols = index.symbols
    out = []
    if not events_only:
        for name, fact in symbols.facts.items():
            detail = index.slice(fact.type.span)
            if fact.description is not None:
                detail += " — " + fact.description.value
            out.append(_item(name, CompletionItemKind.Variable, _short(detail), edit))
    for name, event in symbols.events.items():
        detail = "event" + (" — " + event.description.value if event.description else "")
        out.append(_item(name, CompletionItemKind.Event, _short(detail), edit))
    if not facts_only and not events_only:
        for name, definition in symbols.definitions.items():
            detail = "definition = " + index.slice(definition.expr.span)
            out.append(_item(name, CompletionItemKind.Constant, _short(detail), edit))
    return out


def _in_string(
    ws: Workspace, index: FileIndex, code: str, start: int, end: int, kind: str, offset: int
) -> CompletionList:
    """Clause numbers inside a reference string; nothing in any other string."""
    declaration = max(_declaration_start(code, start), 0)
    tokens = _TOKEN.findall(code, declaration, start)
    last = tokens[-1] if tokens else ""
    before = tokens[-2] if len(tokens) > 1 else ""
    line_start = code.rfind("\n", 0, start) + 1
    reference = (
        last in _REFERENCE_WORDS
        or (last == "to" and before in ("refers", "subject"))
        or (last == "," and '"' in tokens[-3:-1])
        # A precedence statement: `"9.4" prevails over "9.3"` opens a clause's item.
        or (
            tokens[:1] == ["clause"]
            and not code[line_start:start].strip()
            and last not in ("clause", "quote", "gloss", "reason")
        )
    )
    if not reference:
        return CompletionList(is_incomplete=False, items=[])
    target = index
    after = _OF_CONTRACT.match(code, end) if kind == "string" else None
    if after is not None:
        other = Resolver(ws).contract_file(index, after.group(1))
        found = ws.file(other) if other is not None else None
        if found is None:
            return CompletionList(is_incomplete=False, items=[])
        target = found
    edit = _range(index, start + 1, end - 1 if kind == "string" else offset)
    items = []
    for number, clause in target.symbols.clauses.items():
        texts = {a.kind: a.value.value for a in clause.attrs if isinstance(a, ast.ClauseAttr)}
        detail = texts.get("gloss") or texts.get("quote") or texts.get("reason") or "clause"
        written = number.replace("\\", "\\\\").replace('"', '\\"')
        items.append(
            CompletionItem(
                label=number,
                kind=CompletionItemKind.Reference,
                detail=_short(detail),
                filter_text=written,
                text_edit=TextEdit(edit, written),
            )
        )
    return CompletionList(is_incomplete=False, items=items)
