"""A Pygments lexer for clause files: ``pygmentize -l clause``, and ```clause blocks in docs.

Registered as the entry point ``pygments.lexers: clause`` (pyproject.toml), so Pygments and
the tools built on it (MkDocs, Sphinx) find it by the alias ``clause`` or a ``*.clause`` file
name once clausec is installed. Pygments itself stays optional: only Pygments imports this.

The keywords are the grammar's (``grammar/clause.lark``), read when this module is imported,
so the lexer grows with the language. Tokens:

=====================================  ===============================================
``Keyword.Declaration``                ``contract`` and the declaration keywords
``Keyword.Reserved``                   the modalities ``must``, ``must not``, ``may``, ``can``
``Keyword.Type``                       ``boolean``, ``integer``, ``money``, ``one`` (of), …
``Keyword.Constant``                   ``true``, ``false``, ``never`` and the answer words
``Operator.Word``                      ``and``, ``or``, ``not``
``Name.Builtin.Pseudo``                ``today``
``Keyword``                            every other keyword (``when``, ``within``, units, …)
``Name.Variable``                      facts, events and definitions (dotted, or declared)
``Name.Class``                         parties; ``Name.Function`` actions and questions;
                                       ``Name.Attribute`` objects
``Name.Namespace``                     contracts, imports and documents
``Name.Constant``                      currencies, header tags, enumeration members
``Name.Label``                         check codes (``W0501``)
``Literal.Date``, ``Number``           dates, numbers
``String.Double``, ``String.Escape``   strings (they may span lines) and their escapes
``Comment.Single``                     ``# …``
``Error``                              what the grammar cannot read: an upper-case word
                                       that is not a currency, code or tag; an unknown
                                       escape; a character no word starts with
=====================================  ===============================================

A name is typed by where it stands (the party of a norm, ``action NAME``, …), then every other
use of a name declared in the same text takes the declaration's type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, default, words
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
    _TokenType,
)

from clausec.syntax import keywords
from clausec.syntax.grammar import grammar_text, reserved_words
from clausec.syntax.keywords import Role

__all__ = ["KEYWORDS", "ClauseLexer", "keyword_token"]

# Keywords with a hyphen (`non-normative`) are no names, so reserved_words() leaves them out.
_HYPHENATED = re.compile(r'"([a-z]+(?:-[a-z]+)+)"')

#: Every keyword of the grammar.
KEYWORDS: frozenset[str] = reserved_words() | frozenset(_HYPHENATED.findall(grammar_text()))

# The roles (clausec.syntax.keywords) that are not plain `Keyword`.
DECLARATIONS = frozenset(keywords.words(Role.DECLARATION))
MODALITIES = frozenset(keywords.words(Role.MODALITY))
TYPES = frozenset(keywords.words(Role.TYPE))
CONSTANTS = frozenset(keywords.words(Role.ANSWER, Role.CONSTANT))
OPERATORS = frozenset(keywords.words(Role.LOGICAL))
PSEUDO = frozenset(keywords.words(Role.BUILTIN))

_CATEGORIES: tuple[tuple[frozenset[str], _TokenType], ...] = (
    (DECLARATIONS, Keyword.Declaration),
    (MODALITIES, Keyword.Reserved),
    (TYPES, Keyword.Type),
    (CONSTANTS, Keyword.Constant),
    (OPERATORS, Operator.Word),
    (PSEUDO, Name.Builtin.Pseudo),
)


def keyword_token(word: str) -> _TokenType:
    """The token type of a keyword of the grammar."""
    for members, token in _CATEGORIES:
        if word in members:
            return token
    return Keyword


# The grammar's terminals (NAME, CURRENCY, TAG, CHECK_CODE, DATE, NUMBER, INT, WS).
_END = r"(?![A-Za-z0-9_])"
_WORD = r"[a-z_][a-z0-9_]*"
# A name: a lower-case word that is not a keyword (those are reserved, E0104).
_NAME = rf"(?!(?:{'|'.join(map(re.escape, sorted(KEYWORDS)))}){_END}){_WORD}{_END}"
_DOTTED = rf"{_WORD}(?:\.{_WORD})+{_END}"
_FACT = rf"(?:{_DOTTED}|{_NAME})"
_TAG = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*(?![A-Za-z0-9_])"
_SPACE = r"[ \t\f\r\n]+"  # the grammar's whitespace: other blanks are not separators
_MODALITY = r"(?:must|may|can)" + _END

# The party, modality, action and object of a norm (`merchant must not sell goods`).
_NORM_HEAD = re.compile(
    rf"(?P<party>{_NAME})(?P<s1>{_SPACE})(?P<modality>{_MODALITY})"
    rf"(?:(?P<s2>{_SPACE})(?P<negation>not{_END}))?"
    rf"(?P<s3>{_SPACE})(?P<action>{_NAME})(?P<s4>{_SPACE})(?P<object>{_NAME})"
)
_NORM_HEAD_TOKENS = {
    "party": Name.Class,
    "modality": Keyword.Reserved,
    "negation": Keyword.Reserved,
    "action": Name.Function,
    "object": Name.Attribute,
}

# Where a name is declared, by the declaration keyword before it.
_DECLARED_BY = {
    "contract": Name.Namespace,
    "import": Name.Namespace,
    "document": Name.Namespace,
    "party": Name.Class,
    "action": Name.Function,
    "object": Name.Attribute,
    "question": Name.Function,
    "fact": Name.Variable,
    "event": Name.Variable,
    "define": Name.Variable,
}


def _groups(*tokens: _TokenType) -> Any:
    """Pygments' ``bygroups``, which its type stubs leave untyped."""
    return bygroups(*tokens)  # type: ignore[no-untyped-call]


def _norm_head(lexer: RegexLexer, match: re.Match[str]) -> Iterator[tuple[int, _TokenType, str]]:
    for group, text in match.groupdict().items():
        if text:
            yield match.start(group), _NORM_HEAD_TOKENS.get(group, Whitespace), text


def _declaration(keyword: str, name: str) -> tuple[str, Any]:
    return (
        rf"({keyword})({_SPACE})({name})",
        _groups(Keyword.Declaration, Whitespace, _DECLARED_BY[keyword]),
    )


def _query(head: str, *head_tokens: _TokenType) -> tuple[str, Any]:
    """A question's query: ``HEAD PARTY ACTION OBJECT``, the head's words in ``head``."""
    return (
        rf"{head}({_SPACE})({_NAME})({_SPACE})({_NAME})({_SPACE})({_NAME})",
        _groups(
            *head_tokens,
            Whitespace,
            Name.Class,
            Whitespace,
            Name.Function,
            Whitespace,
            Name.Attribute,
        ),
    )


_CATEGORIZED = frozenset().union(*(members for members, _ in _CATEGORIES))


class ClauseLexer(RegexLexer):
    """Clause files of clausec (``.clause``): the language of docs/language.md."""

    name = "Clause"
    aliases: ClassVar[Sequence[str]] = ["clause", "clausec"]
    filenames: ClassVar[Sequence[str]] = ["*.clause"]
    mimetypes: ClassVar[Sequence[str]] = ["text/x-clause"]
    url = "https://github.com/clausec/clausec"

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"\A\ufeff", Whitespace),  # a byte-order mark, which clausec accepts
            (_SPACE, Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "string"),
            _declaration("contract", _NAME),
            _declaration("import", _NAME),
            _declaration("document", _NAME),
            _declaration("party", _NAME),
            _declaration("action", _NAME),
            _declaration("object", _NAME),
            _declaration("question", _NAME),
            _declaration("fact", _FACT),
            _declaration("event", _FACT),
            _declaration("define", _FACT),
            (rf"(expect)({_SPACE})({_NAME})", _groups(Keyword, Whitespace, Name.Function)),
            # The header's tags; `calendar day` is a unit (`21 calendar days`).
            (
                rf"(language|calendar)({_SPACE})(?!days?{_END})({_TAG})",
                _groups(Keyword, Whitespace, Name.Constant),
            ),
            (rf"(one)({_SPACE})(of){_END}", _groups(Keyword.Type, Whitespace, Keyword), "members"),
            ("incompatible" + _END, Keyword.Declaration, "incompatible"),
            _query(rf"(:)([ \t\f\r\n]*)({_MODALITY})", Punctuation, Whitespace, Keyword.Reserved),
            _query(rf"(deadline|amount)({_SPACE})(of)", Keyword, Whitespace, Keyword),
            (_NORM_HEAD.pattern, _norm_head),
            (
                rf"(must)({_SPACE})(not){_END}",
                _groups(Keyword.Reserved, Whitespace, Keyword.Reserved),
            ),
            (
                rf"(not)({_SPACE})(obliged){_END}",
                _groups(Keyword.Constant, Whitespace, Keyword.Constant),
            ),
            ("non-normative" + _END, Keyword.Declaration),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (r"\d+\.\d+", Number.Float),
            (r"\d+", Number.Integer),
            (r"[EWI][0-9]{4}" + _END, Name.Label),
            (r"[A-Z]{3}(?![A-Za-z0-9_-])", Name.Constant),
            (_DOTTED, Name.Variable),
            *((words(sorted(members), suffix=_END), token) for members, token in _CATEGORIES),
            (words(sorted(KEYWORDS - _CATEGORIZED), suffix=_END), Keyword),
            (_WORD + _END, Name),
            # Upper case outside currencies, codes and tags (`Instruction.documented`): E0101.
            (r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*", Error),
            (r"!=|<=|>=|[=<>+\-*/%]", Operator),
            (r"[(),:.]", Punctuation),
        ],
        # Strings may span lines; an escape other than these is an error (E0105).
        "string": [
            (r'[^"\\]+', String.Double),
            (r'\\(?:["\\ntr]|u\{[0-9A-Fa-f]{1,6}\})', String.Escape),
            (r"\\.?", Error),
            (r'"', String.Double, "#pop"),
        ],
        # `one of a, b, c`: the members of an enumeration.
        "members": [
            (_SPACE, Whitespace),
            (_NAME, Name.Constant, "members-next"),
            default("#pop"),
        ],
        "members-next": [
            (r"([ \t\f\r\n]*)(,)", _groups(Whitespace, Punctuation), "#pop"),
            default("#pop:2"),
        ],
        # `incompatible deduct, release` or `incompatible terminate agreement, deliver goods`.
        "incompatible": [
            (_SPACE, Whitespace),
            (
                rf"({_NAME})([ \t]+)({_NAME})",
                _groups(Name.Function, Whitespace, Name.Attribute),
                "incompatible-next",
            ),
            (_NAME, Name.Function, "incompatible-next"),
            default("#pop"),
        ],
        "incompatible-next": [
            (r"([ \t\f\r\n]*)(,)", _groups(Whitespace, Punctuation), "#pop"),
            default("#pop:2"),
        ],
    }

    def get_tokens_unprocessed(
        self, text: str, stack: Iterable[str] = ("root",)
    ) -> Iterator[tuple[int, _TokenType, str]]:
        tokens = [token for token in super().get_tokens_unprocessed(text, stack) if token[2]]
        declared, members = _declarations(tokens)
        previous = ""
        for index, token, value in tokens:
            if token is Name:
                kind = declared.get(value, Name)
                # A member that is also an object, say, is a value where values stand.
                if value in members and kind is not Name.Variable and previous in _BEFORE_VALUE:
                    kind = Name.Constant
                token = kind
            if token not in (Whitespace, Comment.Single):
                previous = value
            yield index, token, value

    @staticmethod
    def analyse_text(text: str) -> float:
        """How likely ``text`` is a clause file (for ``pygments.lexers.guess_lexer``)."""
        if _OPENING.match(text) is None:
            return 0.0
        return 0.9 if _CLAUSE_OR_PARTY.search(text) else 0.5


# A clause file starts with `contract NAME`, after comments and blank lines.
_OPENING = re.compile(r"(?:[ \t\f\r\n]*#[^\n]*\n)*[ \t\f\r\n]*contract[ \t]+[a-z_][a-z0-9_]*\s")
_CLAUSE_OR_PARTY = re.compile(r'^[ \t]*(?:clause "|party [a-z_])', re.M)


def _rank(kind: _TokenType) -> int:
    """Which declaration a name means: a fact over anything; a member only as a last resort."""
    return {Name.Variable: 0, Name.Constant: 2, Name: 3}.get(kind, 1)


# Where an enumeration member stands as a value: `given F = M`, `F != M`, `expect Q is M`.
_BEFORE_VALUE = frozenset(("=", "!=", "is"))


def _declarations(
    tokens: Sequence[tuple[int, _TokenType, str]],
) -> tuple[dict[str, _TokenType], frozenset[str]]:
    """The simple names a text declares, with the token type of their declaration, and the
    enumeration members among them.

    A fact may share its name with an enumeration member: the name then means the fact."""
    declared: dict[str, _TokenType] = {}
    members: set[str] = set()
    previous = ""
    for _, token, value in tokens:
        if token in (Whitespace, Comment.Single):
            continue
        kind = None
        if previous in _DECLARED_BY and token is _DECLARED_BY[previous]:
            kind = token
        elif token is Name.Constant and previous in ("of", ","):
            kind = token
            members.add(value)
        if kind is not None and _rank(kind) < _rank(declared.get(value, Name)):
            declared[value] = kind
        previous = value
    return declared, frozenset(members)
