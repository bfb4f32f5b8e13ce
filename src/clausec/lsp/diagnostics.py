"""The diagnostics of an open document: computed from its unsaved text, in LSP form.

The front end (parse, names, types) runs on the text the editor holds, with the file's imports
read from disk; the analyses of `clausec check` run on the same input in a worker process
(clausec.lsp.worker). Both go through :func:`check`, so the editor shows what `clausec check`
prints for that text: the same codes, severities, spans, messages, hints and notes, with
accepted findings left out as check's text output leaves them out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import attrs
from lsprotocol import types

from clausec.diagnostics import Diagnostic, Severity
from clausec.diagnostics.codes import REGISTRY
from clausec.driver import Parsed, check_read
from clausec.lsp.positions import LineIndex
from clausec.source import Span, display_name

__all__ = [
    "Outcome",
    "check",
    "is_finding",
    "shift",
    "to_lsp",
]

SOURCE = "clausec"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


@attrs.frozen
class Outcome:
    """What checking a document found: its diagnostics (of every file read), its name as
    spans show it, and the path of every file read, by the name spans show."""

    diagnostics: tuple[Diagnostic, ...]
    name: str
    files: Mapping[str, Path]
    # The document's text as the front end parsed it (not sent by the worker).
    parsed: Parsed | None = attrs.field(default=None, eq=False, repr=False)

    def own(self) -> tuple[Diagnostic, ...]:
        """The diagnostics placed in the document itself (or nowhere)."""
        return tuple(d for d in self.diagnostics if d.span is None or d.span.file == self.name)

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def check(path: Path, text: str, root: Path, *, analysis: bool = False) -> Outcome:
    """Check the text of the file at ``path`` as `clausec check` checks the file (its imports
    read from disk, inside ``root``); with ``analysis``, the analyses too."""
    loaded: dict[str, Path] = {}
    # Through the bytes, as for a file: lone surrogates and NUL are refused as in a file.
    data = text.encode("utf-8", "surrogatepass")
    parsed: dict[str, Parsed] = {}
    result = check_read([(path, root, data)], analysis=analysis, loaded=loaded, parsed=parsed)
    name = display_name(path)
    return Outcome(result.diagnostics, name, {name: path, **loaded}, parsed.get(name))


def is_finding(d: Diagnostic) -> bool:
    """Whether only the analyses report it (it comes later than the front end's)."""
    row = REGISTRY.get(d.code)
    return row is not None and row.analysis


def to_lsp(
    d: Diagnostic, lines: LineIndex, locate: Callable[[str], tuple[str, LineIndex] | None]
) -> types.Diagnostic:
    """``d`` as an LSP diagnostic of the document whose lines are ``lines``. Notes placed in a
    file that ``locate`` finds (its URI and lines, by the name spans show) become related
    information; the hint and the other notes are added to the message, as `clausec check`
    prints them below it."""
    start = types.Position(line=0, character=0)
    place = lines.range(d.span) if d.span is not None else types.Range(start=start, end=start)
    message = d.message
    related: list[types.DiagnosticRelatedInformation] = []
    for note in d.notes:
        found = locate(note.span.file) if note.span is not None else None
        if note.span is None or found is None:
            message += f"\nnote: {note.message}"
        else:
            uri, its_lines = found
            location = types.Location(uri, its_lines.range(note.span))
            related.append(types.DiagnosticRelatedInformation(location, note.message))
    if d.hint:
        message += f"\nhelp: {d.hint}"
    row = REGISTRY.get(d.code)
    return types.Diagnostic(
        range=place,
        message=message,
        severity=_SEVERITIES[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=row.uri) if row is not None else None,
        source=SOURCE,
        related_information=related or None,
    )


def shift(
    diagnostics: Sequence[Diagnostic], name: str, changes: Sequence[tuple[int, int, int]]
) -> list[Diagnostic]:
    """``diagnostics`` of the file shown as ``name`` after edits, each (first line, last line,
    lines inserted) with 1-based lines: those below an edit move with it, those it touches
    are dropped (they are recomputed for the new text soon)."""
    out: list[Diagnostic] = []
    for d in diagnostics:
        moved: Diagnostic | None = d
        for first, last, inserted in changes:
            if moved is None:
                break
            moved = _shifted(moved, name, first, last, inserted)
        if moved is not None:
            out.append(moved)
    return out


class _Touched(Exception):
    """A span that an edit touched."""


def _shifted(d: Diagnostic, name: str, first: int, last: int, inserted: int) -> Diagnostic | None:
    def move(span: Span | None) -> Span | None:
        if span is None or span.file != name or span.end_line < first:
            return span
        if span.line > last:
            delta = inserted - (last - first)
            return attrs.evolve(span, line=span.line + delta, end_line=span.end_line + delta)
        raise _Touched

    try:
        notes = tuple(attrs.evolve(note, span=move(note.span)) for note in d.notes)
        return attrs.evolve(d, span=move(d.span), notes=notes)
    except _Touched:
        return None
