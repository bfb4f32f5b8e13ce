"""Source files and spans: where every AST node, IR node and diagnostic points to."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import attrs


@attrs.frozen(slots=True)
class Span:
    """A region of a source file. Lines and columns are 1-based; ``end_column`` is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies within this span (positions only: the caller knows the file)."""
        return (self.line, self.column) <= (other.line, other.column) and (
            other.end_line,
            other.end_column,
        ) <= (self.end_line, self.end_column)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@attrs.frozen(slots=True)
class SourceFile:
    """The decoded text of one ``.clause`` file and the name it is shown under."""

    name: str
    text: str
    # The lines, split once on first use: a run that reports thousands of diagnostics in one
    # file must not split it once per diagnostic.
    _lines: list[str] | None = attrs.field(init=False, default=None, eq=False, repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def line(self, number: int) -> str:
        """The text of 1-based line ``number`` without its line ending ("" when out of range)."""
        lines = self._lines
        if lines is None:
            lines = self.text.split("\n")
            object.__setattr__(self, "_lines", lines)
        if 1 <= number <= len(lines):
            return lines[number - 1].rstrip("\r")
        return ""

    def span_of_offset(self, offset: int, length: int = 1) -> Span:
        """The span of ``length`` characters at character ``offset``."""
        line = self.text.count("\n", 0, offset) + 1
        start_of_line = self.text.rfind("\n", 0, offset) + 1
        column = offset - start_of_line + 1
        return Span(self.name, line, column, line, column + max(length, 1))


class SourceDecodeError(Exception):
    """The file is not clause text: binary, not UTF-8. ``span`` points at the first bad byte."""

    def __init__(self, code: str, message: str, span: Span, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span
        self.hint = hint


def decode(name: str, data: bytes) -> SourceFile:
    """Decode raw bytes as a clause file, rejecting binary data and invalid UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position_of_byte(data, nul)
        raise SourceDecodeError(
            "E0003",
            "this is a binary file, not clause text (it contains a NUL byte)",
            Span(name, line, column, line, column + 1),
            "clause files are UTF-8 text; check that the right file was given",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(data, exc.start)
        raise SourceDecodeError(
            "E0002",
            f"invalid UTF-8: byte 0x{data[exc.start]:02x} cannot start or continue a character",
            Span(name, line, column, line, column + 1),
            "save the file as UTF-8 (clause files must be UTF-8 encoded)",
        ) from None
    return SourceFile(name, text.replace("\r\n", "\n"))


def _position_of_byte(data: bytes, index: int) -> tuple[int, int]:
    """Line and character column of byte ``index``, decoding the line prefix leniently."""
    line = data.count(b"\n", 0, index) + 1
    start = data.rfind(b"\n", 0, index) + 1
    prefix = data[start:index].decode("utf-8", errors="replace")
    return line, len(prefix) + 1


def display_name(path: Path) -> str:
    """Paths are shown relative to the working directory when below it, with forward slashes:
    below it as written first (a folder linked into the working directory keeps the name
    the user gave it), then once symbolic links are followed; else as given."""
    cwd = Path.cwd()
    for candidate, base in ((Path(os.path.abspath(path)), cwd), (path.resolve(), cwd.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            pass
    return path.as_posix()
