"""Colours, shapes and line styles shared by the DOT and Mermaid renderers (docs/graphs.md)."""

from __future__ import annotations

import textwrap

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


def fill_and_border(kind: str, modality: str | None) -> tuple[str, str]:
    if modality in MODALITY:
        return MODALITY[modality]
    fill, border, _ = KIND.get(kind, KIND["fact"])
    return fill, border


def wrap(text: str, width: int = 42, lines: int = 4) -> list[str]:
    """``text`` in lines of about ``width`` characters, at most ``lines`` of them."""
    out = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out
