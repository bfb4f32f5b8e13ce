"""Colours, shapes and line styles shared by the DOT and Mermaid renderers (docs/graphs.md)."""

from __future__ import annotations

import unicodedata

# Fill and border by modality: duties blue, permissions green, prohibitions red, powers purple.
MODALITY = {
    "obligation": ("#cfe2f3", "#3d85c6"),
    "permission": ("#d9ead3", "#6aa84f"),
    "prohibition": ("#f4cccc", "#cc0000"),
    "power": ("#e4d7f5", "#8e7cc3"),
}
# Fill, border and Graphviz shape of the other kinds of node.
KIND = {
    "party": ("#fff2cc", "#bf9000", "box"),
    "fact": ("#ffffff", "#666666", "ellipse"),
    "event": ("#fce5cd", "#e69138", "hexagon"),
    "definition": ("#eeeeee", "#666666", "note"),
    "question": ("#ffffff", "#000000", "component"),
    "date": ("#ffffff", "#000000", "plaintext"),
    "note": ("#ffffff", "#999999", "note"),
    "section": ("#f3f3f3", "#666666", "box"),
}
# Line style, colour and Graphviz arrowhead by relation.
RELATION = {
    "benefits": ("dashed", "#7f6000", "empty"),
    "prevails_over": ("bold", "#b45f06", "normal"),
    "triggers": ("bold", "#cc0000", "normal"),
    "counts_from": ("dashed", "#3d85c6", "normal"),
    "performed_on": ("dotted", "#3d85c6", "normal"),
    "reads": ("solid", "#999999", "normal"),
    "asks": ("solid", "#000000", "normal"),
    "may_read": ("dotted", "#999999", "normal"),
    "next": ("solid", "#000000", "normal"),
}
# The words on an edge where arrows of several relations meet a node, so that a reader can tell
# them apart without the colour key.
RELATION_WORD = {
    "benefits": "benefits",
    "prevails_over": "prevails over",
    "triggers": "if breached",
    "counts_from": "deadline counts from",
    "performed_on": "performed on",
    "reads": "reads",
    "asks": "asks",
    "may_read": "may read",
}


def fill_and_border(kind: str, modality: str | None) -> tuple[str, str]:
    if modality in MODALITY:
        return MODALITY[modality]
    fill, border, _ = KIND.get(kind, KIND["fact"])
    return fill, border


def width_of(text: str) -> int:
    """Display width: Chinese, Japanese and Korean characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int = 42, lines: int | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces (and between any two
    characters of a run without spaces, as Chinese is written). With ``lines``, at most that
    many: the last ends at a word with "…" where text was left out."""
    out: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if width_of(joined) <= width:
            line = joined
            continue
        if width_of(word) <= width and line:
            out.append(line)
            line = word
            continue
        # A run longer than a line: filled character by character.
        line = line + " " if line else ""
        for c in word:
            if width_of(line + c) > width:
                out.append(line.rstrip())
                line = ""
            line += c
    out.append(line)
    if lines is not None and len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and width_of(last + " …") > width:
            cut = last.rfind(" ")
            last = last[:cut] if cut > 0 else last[:-1]
        out[-1] = last.rstrip() + " …"
    return out
