"""The only ways a text or a name from a contract reaches generated SQL.

Texts become string literals and names quoted identifiers of sqlglot's tree, which each
dialect prints with its own escaping (doubled quotes, or backslashes in Spark); nothing from a
contract is ever pasted into SQL text. The query's own columns carry :data:`INTERNAL`, a prefix
no input column may have."""

from __future__ import annotations

from sqlglot import exp

INTERNAL = "clausec__"


def sql_text(text: str) -> exp.Literal:
    """A string literal of ``text``."""
    return exp.Literal.string(text)


def sql_name(name: str) -> exp.Identifier:
    """A quoted identifier naming a column or table the user gave (a fact's column)."""
    return exp.to_identifier(name, quoted=True)


def internal(name: str) -> str:
    """The name of one of the query's own columns or steps (ASCII letters, digits, ``_``)."""
    assert name.replace("_", "").isalnum() and name.isascii(), name
    return INTERNAL + name
