"""``clausec fmt``: the canonical layout (clausec.syntax.layout) applied to files."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

import attrs

from clausec.diagnostics import Diagnostic, error
from clausec.driver import discover, read
from clausec.source import SourceDecodeError, SourceFile, decode, display_name
from clausec.syntax.layout import Unformattable, format_text


@attrs.frozen
class Formatted:
    """One file: its text as read, and its canonical layout (None when it does not parse,
    with the diagnostics that say why)."""

    path: Path | None  # None for standard input
    name: str
    original: bytes
    source: SourceFile
    text: str | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text.encode("utf-8") != self.original

    def diff(self) -> str:
        """A unified diff from the file to its layout ("" when it is formatted)."""
        if not self.changed or self.text is None:
            return ""
        before = self.original.decode("utf-8", "replace").splitlines(keepends=True)
        after = self.text.splitlines(keepends=True)
        lines = difflib.unified_diff(before, after, f"{self.name}", f"{self.name} (formatted)")
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def format_bytes(data: bytes, name: str, path: Path | None = None) -> Formatted:
    try:
        source = decode(name, data)
    except SourceDecodeError as exc:
        problem = error(exc.code, exc.message, exc.span, "here", hint=exc.hint)
        return Formatted(path, name, data, SourceFile(name, ""), None, (problem,))
    try:
        text = format_text(source.text, name)
    except Unformattable as exc:
        return Formatted(path, name, data, source, None, exc.diagnostics)
    return Formatted(path, name, data, source, text)


def format_paths(paths: Iterable[str]) -> list[Formatted]:
    """Every file named, and every ``.clause`` file below the folders named, as ``check``
    finds them. Raises driver.InputError for a path that cannot be read."""
    return [format_bytes(read(path), display_name(path), path) for path in discover(paths)]
