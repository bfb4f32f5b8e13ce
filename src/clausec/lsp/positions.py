"""The one conversion between clausec's positions and the Language Server Protocol's.

A :class:`~clausec.source.Span` counts 1-based lines and 1-based columns in code points, its
end column exclusive; LSP counts 0-based lines and columns in UTF-16 code units. Quotes are
full of CJK text (one code unit each) and may hold characters beyond the Basic Multilingual
Plane (two code units each), so the two counts part as soon as a line holds either."""

from __future__ import annotations

import bisect

from lsprotocol.types import Position, Range

from clausec.source import Span


def utf16_length(text: str) -> int:
    """The number of UTF-16 code units of ``text``."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """The lines of one text, to convert positions both ways."""

    def __init__(self, text: str) -> None:
        # As clausec.source.decode reads files: a line ends at "\n", a "\r" before it is dropped.
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.starts = [0]
        for text_line in self.lines:
            self.starts.append(self.starts[-1] + len(text_line) + 1)

    def position(self, line: int, column: int) -> Position:
        """The LSP position of 1-based ``line`` and code-point ``column`` (clamped to the text)."""
        if line < 1:
            return Position(0, 0)
        if line > len(self.lines):
            return Position(len(self.lines) - 1, utf16_length(self.lines[-1]))
        text = self.lines[line - 1]
        return Position(line - 1, utf16_length(text[: max(column - 1, 0)]))

    def range(self, span: Span) -> Range:
        """The LSP range of ``span``."""
        return Range(
            self.position(span.line, span.column), self.position(span.end_line, span.end_column)
        )

    def column(self, position: Position) -> tuple[int, int]:
        """The 1-based line and code-point column of an LSP position, clamped to the text; a
        position inside a surrogate pair is the character it is part of."""
        if position.line >= len(self.lines):
            return len(self.lines), len(self.lines[-1]) + 1
        text = self.lines[position.line]
        if text.isascii():
            return position.line + 1, min(position.character, len(text)) + 1
        units = 0
        for index, ch in enumerate(text):
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > position.character:
                return position.line + 1, index + 1
        return position.line + 1, len(text) + 1

    def offset(self, line: int, column: int) -> int:
        """The offset in the text (with "\\n" line ends) of 1-based ``line`` and ``column``."""
        line = min(max(line, 1), len(self.lines))
        return self.starts[line - 1] + min(max(column - 1, 0), len(self.lines[line - 1]))

    def line_column(self, offset: int) -> tuple[int, int]:
        """The 1-based line and code-point column of an offset in the text."""
        line = bisect.bisect_right(self.starts, offset) - 1
        line = min(max(line, 0), len(self.lines) - 1)
        return line + 1, offset - self.starts[line] + 1
