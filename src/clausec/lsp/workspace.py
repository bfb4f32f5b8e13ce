"""The clause files an editor works on: the open documents' current texts, the files on disk
around them, and an index of each text (its syntax tree, symbol table and names), built once
per text and kept until the text changes.

The index comes from the front end's parser, which recovers from syntax errors: a file being
typed is indexed from what the parser keeps."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from clausec.diagnostics import Diagnostic
from clausec.driver import Parsed
from clausec.files import FileProblem, read_regular
from clausec.links import scan, string_value
from clausec.lsp.positions import LineIndex
from clausec.semantic.symbols import Symbols, collect
from clausec.source import SourceDecodeError, SourceFile, Span, decode
from clausec.syntax import ast
from clausec.syntax.names import Occurrence, occurrences
from clausec.syntax.parser import parse

if TYPE_CHECKING:
    from clausec.ir import nodes as ir

EXTENSION = ".clause"
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})


def normal_path(path: Path) -> Path:
    """One spelling per file: absolute, ``..`` resolved (links kept, as the editor names them)."""
    return Path(os.path.normpath(os.path.abspath(path)))


def read_from_disk(path: Path) -> str | None:
    """The text of a clause file on disk, or None when it cannot be read as one."""
    try:
        return decode(str(path), read_regular(path)).text
    except (FileProblem, SourceDecodeError):
        return None


class FileIndex:
    """What one text of one file declares and names, found once."""

    def __init__(self, path: Path, text: str, parsed: Parsed | None = None) -> None:
        self.path = path
        self.text = text
        self.lines = LineIndex(text)
        normal = text.replace("\r\n", "\n")
        if parsed is not None and parsed.source.text == normal:
            # The front end's parse of this very text.
            self.source, self.module = parsed.source, parsed.module
            self.syntax_diagnostics = list(parsed.syntax_errors)
        else:
            self.source = SourceFile(str(path), normal)
            self.module, self.syntax_diagnostics = parse(self.source)
        scratch: list[Diagnostic] = []
        self.symbols: Symbols = collect(self.module, scratch)
        self.occurrences: list[Occurrence] = occurrences(self.module)
        self._starts = [(o.span.line, o.span.column) for o in self.occurrences]
        header = self.module.header
        self.contract_name = header.contract.name if header is not None else None
        # Enumeration members by name: the facts, definitions and objects whose type lists them.
        self.members: dict[str, list[str]] = {}
        for o in self.occurrences:
            if o.kind == "member" and o.declares and o.context is not None:
                self.members.setdefault(o.name, []).append(o.context)
        self._contract: ir.Contract | None = None
        self._lowered = False
        self._code: tuple[str, list[tuple[int, int, str]]] | None = None

    def occurrence_at(self, line: int, column: int) -> Occurrence | None:
        """The name written at 1-based ``line`` and ``column``, or just before it (a cursor
        right after a name is on it)."""
        index = bisect.bisect_right(self._starts, (line, column)) - 1
        for candidate in self.occurrences[max(index - 1, 0) : index + 1][::-1]:
            if _contains(candidate, line, column):
                return candidate
        return None

    def slice(self, span: Span) -> str:
        """The text ``span`` covers."""
        start = self.lines.offset(span.line, span.column)
        return self.source.text[start : self.lines.offset(span.end_line, span.end_column)]

    @property
    def contract(self) -> ir.Contract | None:
        """The IR of the text (lowered on first use), or None when it has no usable header."""
        if not self._lowered:
            from clausec.semantic.lower import lower

            self._contract = lower(self.module, self.source, [])
            self._lowered = True
        return self._contract

    def code(self) -> tuple[str, list[tuple[int, int, str]]]:
        """The text with the insides of strings and comments blanked (line breaks kept), and
        the strings and comments as (start, end, kind) offsets. A quote that no quote closes
        is taken as a string being typed, to the end of its line."""
        if self._code is None:
            self._code = _blank(self.source.text)
        return self._code

    def norms(self) -> Iterator[tuple[str, ast.Norm, ast.Clause]]:
        """Every norm with its id (``CLAUSE#k``, remedies counted in order) and its clause."""
        for decl in self.module.declarations:
            if not isinstance(decl, ast.Clause):
                continue
            position = 0
            stack = [n for n in reversed(decl.items) if isinstance(n, ast.Norm)]
            while stack:
                norm = stack.pop()
                position += 1
                yield f"{decl.number.value}#{position}", norm, decl
                stack += reversed(norm.remedies)


_QUOTE_OR_COMMENT = re.compile(r'"|#[^\n]*')
_NOT_LINE_BREAK = re.compile(r"[^\n]")
_STRING_BODY = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+')


def _blank(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    regions: list[tuple[int, int, str]] = []
    position = 0
    while True:
        m = _QUOTE_OR_COMMENT.search(text, position)
        if m is None:
            break
        start = m.start()
        if m.group(0) != '"':
            regions.append((start, m.end(), "comment"))
            position = m.end()
            continue
        body = _STRING_BODY.match(text, start + 1)
        assert body is not None  # the body may be empty
        if body.end() < len(text) and text[body.end()] == '"':
            regions.append((start, body.end() + 1, "string"))
            position = body.end() + 1
        else:
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            regions.append((start, end, "open string"))
            position = end
    parts = []
    position = 0
    for start, end, kind in regions:
        inside, outside = (start + 1, end - 1) if kind == "string" else (start, end)
        parts += [text[position:inside], _NOT_LINE_BREAK.sub(" ", text[inside:outside])]
        position = outside
    parts.append(text[position:])
    return "".join(parts), regions


def _contains(o: Occurrence, line: int, column: int) -> bool:
    s = o.span
    return (s.line, s.column) <= (line, column) <= (s.end_line, s.end_column)


class Workspace:
    """The open documents and the workspace folders' clause files, each indexed once per text.

    ``roots``: the workspace folders searched for ``.clause`` files (references and renames
    reach the files linked to a file by imports among them). ``read_file``: how to read a
    file that is not open (default: from disk; None when it cannot be read)."""

    def __init__(
        self,
        roots: Sequence[Path] = (),
        read_file: Callable[[Path], str | None] | None = None,
    ) -> None:
        self.roots = tuple(normal_path(r) for r in roots)
        self._read = read_file or read_from_disk
        self._open: dict[Path, str] = {}
        self._indexes: dict[Path, FileIndex] = {}
        self._scans: dict[Path, tuple[str, set[str], set[str], list[str]]] = {}

    # ------------------------------------------------------------ texts

    def set_text(self, path: Path, text: str) -> None:
        """An open document's current text."""
        self._open[normal_path(path)] = text

    def close(self, path: Path) -> None:
        """The document is closed: its text is the disk's again."""
        self._open.pop(normal_path(path), None)

    def text(self, path: Path) -> str | None:
        path = normal_path(path)
        if path in self._open:
            return self._open[path]
        return self._read(path)

    def adopt(self, path: Path, parsed: Parsed) -> None:
        """Index the file from the front end's parse of its current text (a parse saved),
        unless its index is already current or ``parsed`` is of another text."""
        path = normal_path(path)
        text = self.text(path)
        index = self._indexes.get(path)
        if text is None or (index is not None and index.text == text):
            return
        if parsed.source.text == text.replace("\r\n", "\n"):
            self._indexes[path] = FileIndex(path, text, parsed)

    def file(self, path: Path) -> FileIndex | None:
        """The index of the file's current text (built when the text changed), or None when
        the file cannot be read."""
        path = normal_path(path)
        text = self.text(path)
        if text is None:
            self._indexes.pop(path, None)
            return None
        index = self._indexes.get(path)
        if index is None or index.text != text:
            index = FileIndex(path, text)
            self._indexes[path] = index
        return index

    # ------------------------------------------------------------ files and links

    def clause_files(self) -> list[Path]:
        """The ``.clause`` files of the workspace folders and the open documents, sorted."""
        found = set(self._open)
        for root in self.roots:
            for folder, subfolders, names in os.walk(root):
                subfolders[:] = sorted(
                    s for s in subfolders if not s.startswith(".") and s not in _SKIPPED_FOLDERS
                )
                found.update(normal_path(Path(folder) / n) for n in names if n.endswith(EXTENSION))
        return sorted(found)

    def _scan(self, path: Path) -> tuple[set[str], set[str], list[str]]:
        """The contracts a file defines and imports, and its import paths (a scan, no parse)."""
        text = self.text(path)
        if text is None:
            return set(), set(), []
        cached = self._scans.get(path)
        if cached is None or cached[0] != text:
            cached = (text, *scan(text))
            self._scans[path] = cached
        return cached[1], cached[2], cached[3]

    def defined_contracts(self, path: Path) -> set[str]:
        """The contracts a file defines (found by a scan of its text)."""
        return set(self._scan(normal_path(path))[0])

    def imported_file(self, path: Path, name: str) -> Path | None:
        """The file of contract ``name`` as ``path`` imports it: by the import's path, else
        (``import name`` alone) a workspace file that defines it, in ``path``'s folder first."""
        path = normal_path(path)
        index = self.file(path)
        if index is not None:
            declared = index.symbols.imports.get(name)
            if declared is not None and declared.path is not None:
                target = normal_path(path.parent / declared.path.value)
                return target if self.text(target) is not None else None
        candidates = [p for p in self.clause_files() if p != path and name in self._scan(p)[0]]
        candidates.sort(key=lambda p: (p.parent != path.parent, p))
        return candidates[0] if candidates else None

    def linked(self, path: Path) -> list[Path]:
        """``path`` and the workspace files joined to it by imports, either way, directly or
        not (what `clausec check` would load together): ``path`` first, then sorted."""
        path = normal_path(path)
        files = self.clause_files()
        if path not in files:
            files.append(path)
        defines: dict[str, list[Path]] = {}
        edges: dict[Path, set[Path]] = {p: set() for p in files}
        for p in files:
            for name in self._scan(p)[0]:
                defines.setdefault(name, []).append(p)
        for p in files:
            _, imported, paths = self._scan(p)
            targets = set()
            for literal in paths:
                value = string_value(literal)
                if value is not None and "\0" not in value:
                    targets.add(normal_path(p.parent / value))
            for name in imported:
                targets.update(t for t in defines.get(name, ()) if t.parent == p.parent)
            for target in targets & edges.keys():
                if target != p:
                    edges[p].add(target)
                    edges[target].add(p)
        seen = {path}
        frontier = [path]
        while frontier:
            for neighbour in edges[frontier.pop()]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    frontier.append(neighbour)
        return [path, *sorted(seen - {path})]
