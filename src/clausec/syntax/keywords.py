"""What each keyword of the language is for: the one table of keyword roles.

The Pygments lexer (clausec.highlight) and the TextMate grammar of the VS Code extension
(editors/vscode/syntaxes/tmlanguage.py) colour a keyword by its role, each mapping the roles
to its own token types; the parser resumes after a syntax error at a declaration keyword
(clausec.syntax.grammar.DECLARATION_KEYWORDS). Every keyword of grammar/clause.lark has
exactly one role (tests/test_highlight.py checks it against the grammar), so a keyword added
to the grammar must be placed here before either highlighter can be built."""

from __future__ import annotations

import enum

__all__ = ["ROLES", "Role", "words"]


class Role(enum.Enum):
    """The part a keyword plays in a clause file."""

    DECLARATION = "declaration"  # starts a top-level declaration
    ATTRIBUTE = "attribute"  # an attribute of a declaration: `title`, `quote`, `accept`
    MODALITY = "modality"  # must, may, can
    TYPE = "type"  # a fact's type
    CONTROL = "control"  # conditions, exceptions, priorities
    DEADLINE = "deadline"  # time limits and their extensions
    UNIT = "unit"  # units of durations
    QUERY = "query"  # what a question asks for
    SCENARIO = "scenario"  # scenarios and questions' wording
    ANSWER = "answer"  # the answers a question may expect
    CONSTANT = "constant"  # literal values
    BUILTIN = "builtin"  # the as-of date
    LOGICAL = "logical"  # and, or, not
    OPERATOR = "operator"  # other words of expressions
    FUNCTION = "function"  # functions of dates and amounts
    OTHER = "other"  # the small words that join the others


_TABLE: dict[Role, tuple[str, ...]] = {
    Role.DECLARATION: (
        "contract",
        "party",
        "fact",
        "event",
        "define",
        "action",
        "object",
        "incompatible",
        "import",
        "document",
        "question",
        "scenario",
        "clause",
        "non-normative",
    ),
    Role.ATTRIBUTE: (
        "title",
        "source",
        "language",
        "calendar",
        "periods",
        "end",
        "running",
        "header",
        "role",
        "name",
        "quote",
        "gloss",
        "reason",
        "refers",
        "about",
        "accept",
        "because",
        "presumed",
        "per",
    ),
    Role.MODALITY: ("must", "may", "can"),
    Role.TYPE: ("boolean", "integer", "decimal", "money", "date", "duration", "text", "one"),
    Role.CONTROL: (
        "when",
        "unless",
        "if",
        "then",
        "else",
        "otherwise",
        "provided",
        "subject",
        "notwithstanding",
        "prevails",
        "over",
        "breach",
        "performed",
    ),
    Role.DEADLINE: (
        "within",
        "after",
        "before",
        "by",
        "until",
        "without",
        "undue",
        "delay",
        "immediately",
        "at",
        "most",
        "once",
        "every",
        "ending",
        "extendable",
        "extended",
        "deadlines",
        "on",
        "any",
    ),
    Role.UNIT: ("day", "days", "week", "weeks", "month", "months", "year", "years", "working"),
    Role.QUERY: ("value", "amount", "deadline"),
    Role.SCENARIO: ("given", "as", "expect", "is", "depending", "assuming", "overriding"),
    Role.ANSWER: ("yes", "no", "obliged", "undetermined", "none", "unspecified", "all", "part"),
    Role.CONSTANT: ("true", "false", "never"),
    Role.BUILTIN: ("today",),
    Role.LOGICAL: ("and", "or", "not"),
    Role.OPERATOR: ("has", "occurred"),
    Role.FUNCTION: ("earliest", "latest", "least", "greatest"),
    Role.OTHER: ("of", "to", "in", "from", "exactly", "up"),
}

#: Every keyword of the grammar, with its role.
ROLES: dict[str, Role] = {word: role for role, listed in _TABLE.items() for word in listed}


def words(*roles: Role) -> tuple[str, ...]:
    """The keywords of the given roles, in the order of the table."""
    return tuple(word for role in roles for word in _TABLE[role])
