"""Evaluation: the reference semantics of questions over the normalized IR (docs/semantics.md)."""
