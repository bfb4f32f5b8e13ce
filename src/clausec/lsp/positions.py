"""Positions between clausec and the Language Server Protocol.

A clausec :class:`~clausec.source.Span` counts 1-based lines and 1-based columns in code points,
with an exclusive end; LSP counts 0-based lines and columns in UTF-16 code units (the only
encoding this server offers), so a CJK character is one unit and an astral one (𠀀, an emoji)
two. Every conversion goes through :class:`Lines`."""

from __future__ import annotations

from lsprotocol import types

from clausec.source import Span

__all__ = ["Lines", "utf16_length"]


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Lines:
    """The lines of a document's text, for converting positions both ways. Lines end at
    "\\n" as clausec counts them (a CRLF's "\\r" is not part of the line)."""

    def __init__(self, text: str) -> None:
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]

    def line(self, index: int) -> str:
        """0-based line ``index`` ("" past the end)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def character(self, line: int, column: int) -> int:
        """The UTF-16 offset on 0-based ``line`` of the 1-based code-point ``column``; a column
        past the end of the line counts one unit per missing character (clausec points one
        past the end at a missing token)."""
        text = self.line(line)
        before = max(column - 1, 0)
        return utf16_length(text[:before]) + max(before - len(text), 0)

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of a 1-based ``line`` and ``column``."""
        index = max(line - 1, 0)
        return types.Position(line=index, character=self.character(index, column))

    def range(self, span: Span) -> types.Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def column(self, position: types.Position) -> int:
        """The 1-based code-point column of an LSP position on its line (a position inside a
        surrogate pair, or past the end of the line, is moved to the nearest character)."""
        text = self.line(position.line)
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return index + 1
            units += 2 if ord(char) > 0xFFFF else 1
        return len(text) + 1

    def end(self) -> types.Position:
        """The position just past the last character."""
        last = len(self.lines) - 1
        return types.Position(line=last, character=utf16_length(self.lines[last]))
