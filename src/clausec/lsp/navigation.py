"""Navigation for the language server: hover, go to definition, find references, completion
and rename, as pure functions of a :class:`~clausec.lsp.workspace.Workspace` and a position.

Positions are LSP positions (0-based lines, UTF-16 columns), converted in one place
(:mod:`clausec.lsp.positions`); results are :mod:`lsprotocol.types` values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lsprotocol.types import (
    CompletionList,
    Hover,
    Location,
    MarkupContent,
    MarkupKind,
    Position,
    Range,
    TextEdit,
    WorkspaceEdit,
)
from pygls.uris import from_fs_path

from clausec.lsp import completions, hovers
from clausec.lsp.resolve import Resolver, Target
from clausec.lsp.workspace import FileIndex, Workspace
from clausec.syntax.grammar import reserved_words
from clausec.syntax.names import Occurrence

_DOTTED = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
# Declarations that only their own file names (other files can name a clause, a contract, and
# the parties, actions, objects and facts they share).
_LOCAL = frozenset({"member", "question", "document"})


class RenameError(Exception):
    """A rename that cannot be made: an invalid or reserved name, or a clash."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def uri(path: Path) -> str:
    """The ``file:`` URI of a path, as the server names documents."""
    return from_fs_path(str(path)) or path.as_uri()


def _at(ws: Workspace, path: Path, position: Position) -> tuple[FileIndex, Occurrence] | None:
    index = ws.file(path)
    if index is None:
        return None
    line, column = index.lines.column(position)
    found = index.occurrence_at(line, column)
    return (index, found) if found is not None else None


def _location(index: FileIndex, o: Occurrence) -> Location:
    return Location(uri(index.path), index.lines.range(o.span))


def hover(ws: Workspace, path: Path, position: Position) -> Hover | None:
    """What the name at ``position`` is (its declaration in words), or the norm there."""
    index = ws.file(path)
    if index is None:
        return None
    line, column = index.lines.column(position)
    found = index.occurrence_at(line, column)
    resolver = Resolver(ws)
    text: str | None = None
    where = None
    if found is not None:
        targets = resolver.resolve(index, found)
        where = found.span
        if targets and targets[0].kind == "clause":
            text = hovers.clauses_hover(resolver, targets)
        elif targets:
            text = "\n\n---\n\n".join(
                t for t in (hovers.target_hover(resolver, target) for target in targets) if t
            )
    else:
        innermost = None
        for norm_id, norm, clause in index.norms():
            s = norm.span
            if (s.line, s.column) <= (line, column) <= (s.end_line, s.end_column):
                innermost = (norm_id, norm, clause)  # remedies come after the norm holding them
        if innermost is not None:
            text = hovers.norm_hover(index, *innermost)
            where = innermost[1].head.span
    if not text:
        return None
    return Hover(
        MarkupContent(MarkupKind.Markdown, text),
        index.lines.range(where) if where is not None else None,
    )


def definition(ws: Workspace, path: Path, position: Position) -> list[Location]:
    """Where the name at ``position`` is declared (every clause of a section)."""
    found = _at(ws, path, position)
    if found is None:
        return []
    resolver = Resolver(ws)
    out = []
    for target in resolver.resolve(*found):
        declared = resolver.declaration(target)
        if declared is not None:
            out.append(_location(*declared))
    return out


def _uses(
    ws: Workspace, resolver: Resolver, targets: list[Target], declarations: bool
) -> list[tuple[FileIndex, Occurrence]]:
    """Every occurrence of the declarations ``targets``, in the files that can name them."""
    if all(t.kind in _LOCAL for t in targets):
        files = sorted({t.path for t in targets})
    else:
        files = ws.linked(targets[0].path)
    out = []
    for file in files:
        index = ws.file(file)
        if index is None:
            continue
        for o in index.occurrences:
            if o.declares and not declarations:
                continue
            if _names(resolver, index, o, targets):
                out.append((index, o))
    return out


def _names(resolver: Resolver, index: FileIndex, o: Occurrence, targets: list[Target]) -> bool:
    kinds = {t.kind for t in targets}
    # Cheap tests first: most occurrences cannot be one of the targets.
    if o.kind == "clause" and "clause" not in kinds:
        return False
    names = {t.name.split(":", 1)[-1] if t.kind == "member" else t.name for t in targets}
    if o.name not in names:
        return False
    return any(resolver.same(t, r) for r in resolver.resolve(index, o) for t in targets)


def references(
    ws: Workspace, path: Path, position: Position, include_declaration: bool
) -> list[Location]:
    """Every use of the name at ``position``, across the files linked to it by imports."""
    found = _at(ws, path, position)
    if found is None:
        return []
    resolver = Resolver(ws)
    targets = resolver.resolve(*found)
    if not targets:
        return []
    uses = _uses(ws, resolver, targets, include_declaration)
    return _sorted(_location(index, o) for index, o in uses)


def _sorted(locations: Iterable[Location]) -> list[Location]:
    unique = {(loc.uri, loc.range.start.line, loc.range.start.character): loc for loc in locations}
    return [unique[key] for key in sorted(unique)]


def completion(ws: Workspace, path: Path, position: Position) -> CompletionList:
    """What may be written at ``position``: keywords the grammar accepts there, and the names
    (facts, members, clause numbers, questions, …) that fit."""
    index = ws.file(path)
    if index is None:
        return CompletionList(is_incomplete=False, items=[])
    return completions.complete(ws, index, position)


def _renamed(
    ws: Workspace, path: Path, position: Position
) -> tuple[Resolver, Occurrence, Target] | None:
    found = _at(ws, path, position)
    if found is None:
        return None
    resolver = Resolver(ws)
    targets = resolver.resolve(*found)
    if len(targets) != 1 or targets[0].kind != "value":
        return None
    return resolver, found[1], targets[0]


def prepare_rename(ws: Workspace, path: Path, position: Position) -> Range | None:
    """The range of the fact, event or definition name at ``position``; None for anything
    that cannot be renamed."""
    found = _renamed(ws, path, position)
    if found is None:
        return None
    index = ws.file(path)
    assert index is not None
    return index.lines.range(found[1].span)


def rename(ws: Workspace, path: Path, position: Position, new_name: str) -> WorkspaceEdit:
    """Rename the fact, event or definition at ``position`` everywhere it is named: in its
    file and, for a fact or an event, in the files joined to it by imports that declare the
    same one. Raises :class:`RenameError` for an invalid or reserved name, a clash, or a
    file whose syntax errors may hide a use."""
    found = _renamed(ws, path, position)
    if found is None:
        raise RenameError("only a fact, an event or a definition can be renamed")
    resolver, _, target = found
    if not _DOTTED.fullmatch(new_name):
        raise RenameError(
            f"`{new_name}` is not a valid name: lower-case snake_case parts joined by dots "
            "(e.g. `merchant.closed_shop`)"
        )
    first = new_name.split(".", 1)[0]
    if first in reserved_words():
        raise RenameError(f"`{first}` is a reserved word and cannot start a name")
    if new_name == target.name:
        return WorkspaceEdit(changes={})
    uses = _uses(ws, resolver, [target], True)
    changes: dict[str, list[TextEdit]] = {}
    for index in {index.path: index for index, _ in uses}.values():
        _check_clash(index, new_name)
        _check_complete(index, target.name, sum(1 for i, _ in uses if i is index))
    for index, o in uses:
        changes.setdefault(uri(index.path), []).append(
            TextEdit(index.lines.range(o.span), new_name)
        )
    return WorkspaceEdit(changes={key: changes[key] for key in sorted(changes)})


def _check_clash(index: FileIndex, new_name: str) -> None:
    symbols = index.symbols
    for table, what in (
        (symbols.facts, "a fact"),
        (symbols.events, "an event"),
        (symbols.definitions, "a definition"),
    ):
        if new_name in table:
            declared = table[new_name].span
            raise RenameError(
                f"`{new_name}` is already {what} ({index.path.name}:{declared.line}:"
                f"{declared.column})"
            )
    if new_name in index.members:
        raise RenameError(
            f"`{new_name}` is a member of the type of `{index.members[new_name][0]}` in "
            f"{index.path.name}: the name would hide it"
        )


def _check_complete(index: FileIndex, name: str, found: int) -> None:
    """With syntax errors the parser skips declarations: refuse when one may name ``name``."""
    if not index.syntax_diagnostics:
        return
    written = completions.code_mentions(index, name)
    if written > found:
        raise RenameError(
            f"{index.path.name} has syntax errors in declarations that name `{name}`: fix "
            "them first, so that every use is renamed"
        )
