"""Obligation graphs (docs/graphs.md): the graph model of a contract, views of it, and
renderers to DOT (SVG and PNG through Graphviz) and Mermaid."""

from clausec.graph.model import build

__all__ = ["build"]
