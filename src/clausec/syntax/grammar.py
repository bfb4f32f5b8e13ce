"""Finding and loading the Lark grammar (cached: parser construction is most of start-up)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from pathlib import Path

from lark import Lark
from lark.lexer import Pattern, PatternRE, PatternStr, TerminalDef

from clausec.syntax import keywords
from clausec.syntax.keywords import Role

_GRAMMAR_NAME = "clause.lark"


def grammar_path() -> Path:
    """The grammar shipped inside the package (wheel), else the repository's ``grammar/``."""
    packaged = Path(__file__).resolve().parent.parent / "grammar" / _GRAMMAR_NAME
    if packaged.is_file():
        return packaged
    repository = Path(__file__).resolve().parents[3] / "grammar" / _GRAMMAR_NAME
    if repository.is_file():
        return repository
    raise FileNotFoundError(
        f"clausec's grammar {_GRAMMAR_NAME} is missing from {packaged.parent} "
        f"and {repository.parent}"
    )


@functools.cache
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _cache_file(text: str) -> str | bool:
    """A per-grammar cache file in a private directory; True (Lark's default place) otherwise."""
    import lark

    # _whole_word edits the terminals after the grammar is read: its version is in the key.
    digest = hashlib.sha256((text + lark.__version__ + _KEYWORD_FORM).encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "clausec")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        folder = tempfile.gettempdir()
    if not os.access(folder, os.W_OK):
        return True
    return os.path.join(folder, f"grammar-{digest}.lark-cache")


# The form keyword terminals are given (part of the parser cache's key).
_KEYWORD_FORM = "keywords end where a name cannot go on, v1"
_WORD = re.compile(r"[a-z][a-z-]*")
_WORD_END = r"(?![A-Za-z0-9_-])"


def _whole_word(terminal: TerminalDef) -> None:
    """A keyword ends where a name could not go on: ``importx`` is never ``import x``.

    Lark's contextual lexer only tries the terminals the parser accepts at that point, so
    where a keyword is expected and no name is, it would take a keyword as the start of a
    longer word. As a pattern with a look-ahead, tried before names (priority 1), a keyword
    matches whole words only; a longer word is lexed as a name, as everywhere else."""
    pattern = terminal.pattern
    if isinstance(pattern, PatternStr) and _WORD.fullmatch(pattern.value):
        terminal.pattern = PatternRE(re.escape(pattern.value) + _WORD_END, pattern.flags)
        terminal.priority = max(terminal.priority, 1)


def keyword_of(pattern: Pattern) -> str | None:
    """The keyword a terminal's pattern stands for (None for names, numbers, punctuation)."""
    value = pattern.value
    if isinstance(pattern, PatternRE) and value.endswith(_WORD_END):
        value = value.removesuffix(_WORD_END).replace("\\-", "-")
    elif not isinstance(pattern, PatternStr):
        return None
    return value if _WORD.fullmatch(value) else None


def make_parser(transformer: object | None = None) -> Lark:
    """The LALR parser; with ``transformer``, callbacks run at each reduction (no parse tree)."""
    text = grammar_text()
    return Lark(
        text,
        parser="lalr",
        lexer="contextual",
        edit_terminals=_whole_word,
        start=["start", "declarations"],
        maybe_placeholders=False,
        # Keywords and punctuation reach the callbacks so that spans cover them (no meta inline).
        keep_all_tokens=True,
        transformer=transformer,
        cache=_cache_file(text),
    )


_KEYWORD = re.compile(r'"([a-z][a-z-]*)"')
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@functools.cache
def reserved_words() -> frozenset[str]:
    """Every keyword of the grammar that would otherwise be a valid name."""
    return frozenset(w for w in _KEYWORD.findall(grammar_text()) if _NAME.fullmatch(w))


# Keywords that start a declaration after the header: where error recovery resumes.
DECLARATION_KEYWORDS = tuple(w for w in keywords.words(Role.DECLARATION) if w != "contract")
