"""What a name written in a file stands for: the declaration it leads to, in that file or in a
file it imports, and which declarations of linked files are one and the same.

A bare name in an expression is a fact, event or definition when one is declared with it,
else an enumeration member (of the type it is compared with, when that is known). Across
files joined by imports, parties, actions and objects are the same when their names are,
and facts and events when their names, kinds and types are: as the analysis of imported
contracts joins them (clausec.analysis.imports); definitions and everything else belong to
their file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeAlias

import attrs

from clausec.ir.numbering import sub_clauses
from clausec.lsp.workspace import FileIndex, Workspace
from clausec.syntax import ast
from clausec.syntax.names import Occurrence

TargetKind: TypeAlias = Literal[
    "value", "party", "action", "object", "member", "clause", "contract", "document", "question"
]
_SHARED: frozenset[str] = frozenset({"party", "action", "object"})


@attrs.frozen
class Target:
    """A declaration: its file, kind and name (a member's name is ``OWNER:MEMBER``)."""

    path: Path
    kind: TargetKind
    name: str


class Resolver:
    """Resolves names for one request (imports are looked up once per request)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._imports: dict[tuple[Path, str], Path | None] = {}

    def index(self, path: Path) -> FileIndex | None:
        return self.workspace.file(path)

    def contract_file(self, index: FileIndex, name: str) -> Path | None:
        """The file of the contract ``name`` as ``index``'s file knows it: itself, or an import."""
        if name == index.contract_name:
            return index.path
        if name not in index.symbols.imports:
            return None
        key = (index.path, name)
        if key not in self._imports:
            self._imports[key] = self.workspace.imported_file(index.path, name)
        return self._imports[key]

    def resolve(self, index: FileIndex, o: Occurrence) -> list[Target]:
        """The declarations ``o`` leads to (none for an unknown name; several for a section
        of clauses or a member of several enumerations)."""
        here, symbols = index.path, index.symbols
        match o.kind:
            case "value":
                if o.name in symbols.facts or o.name in symbols.events:
                    return [Target(here, "value", o.name)]
                if o.name in symbols.definitions:
                    return [Target(here, "value", o.name)]
                owners = index.members.get(o.name, [])
                if o.context in owners:
                    owners = [o.context]
                return [Target(here, "member", f"{owner}:{o.name}") for owner in owners]
            case "member":
                return [Target(here, "member", f"{o.context}:{o.name}")]
            case "party" if o.name in symbols.parties:
                return [Target(here, "party", o.name)]
            case "action" if o.name in symbols.actions:
                return [Target(here, "action", o.name)]
            case "object":
                if o.name in symbols.objects:
                    return [Target(here, "object", o.name)]
                if o.name in symbols.parties:
                    return [Target(here, "party", o.name)]
            case "question" if o.name in symbols.questions:
                return [Target(here, "question", o.name)]
            case "contract":
                return [Target(here, "contract", o.name)]
            case "import":
                other = self.contract_file(index, o.name)
                return [Target(other, "contract", o.name)] if other is not None else []
            case "document":
                if o.name in symbols.documents:
                    return [Target(here, "document", o.name)]
                other = self.contract_file(index, o.name)
                return [Target(other, "contract", o.name)] if other is not None else []
            case "clause":
                return self._clauses(index, o)
        return []

    def _clauses(self, index: FileIndex, o: Occurrence) -> list[Target]:
        if o.declares or o.context is None:
            target: FileIndex | None = index
        else:
            path = self.contract_file(index, o.context)
            target = self.index(path) if path is not None else None
        if target is None:
            return []
        numbers = target.symbols.clauses
        found = [o.name] if o.name in numbers else sub_clauses(o.name, numbers)
        return [Target(target.path, "clause", n) for n in found]

    def declaration(self, target: Target) -> tuple[FileIndex, Occurrence] | None:
        """Where ``target`` is declared."""
        index = self.index(target.path)
        if index is None:
            return None
        name, owner = target.name, None
        if target.kind == "member":
            owner, name = target.name.split(":", 1)
        for o in index.occurrences:
            if not o.declares or o.kind != target.kind or o.name != name:
                continue
            if owner is None or o.context == owner:
                return index, o
        return None

    def same(self, a: Target, b: Target) -> bool:
        """``a`` and ``b`` are one declaration (seen from files joined by imports)."""
        if a == b:
            return True
        if a.kind != b.kind or a.name != b.name:
            return False
        if a.kind in _SHARED:
            return True
        if a.kind == "value":
            mine = _fact_signature(self.index(a.path), a.name)
            return mine is not None and mine == _fact_signature(self.index(b.path), b.name)
        return False


def _fact_signature(index: FileIndex | None, name: str) -> tuple[str, ...] | None:
    """What makes a fact or event of one file the same as one of another: kind and type."""
    if index is None:
        return None
    event = index.symbols.events.get(name)
    if event is not None:
        return ("event",)
    fact = index.symbols.facts.get(name)
    if fact is None:
        return None
    return ("fact", *_type_signature(fact.type))


def _type_signature(t: ast.TypeExpr) -> tuple[str, ...]:
    unit = {"weeks": "days", "years": "months"}.get(t.unit or "", t.unit or "")
    return (t.kind, t.currency or "", unit, *(m.name for m in t.members))
