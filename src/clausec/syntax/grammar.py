"""Finding and loading the Lark grammar (cached: parser construction is most of start-up)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from pathlib import Path

from lark import Lark

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

    digest = hashlib.sha256((text + lark.__version__).encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "clausec")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        folder = tempfile.gettempdir()
    if not os.access(folder, os.W_OK):
        return True
    return os.path.join(folder, f"grammar-{digest}.lark-cache")


def make_parser(transformer: object | None = None) -> Lark:
    """The LALR parser; with ``transformer``, callbacks run at each reduction (no parse tree)."""
    text = grammar_text()
    return Lark(
        text,
        parser="lalr",
        lexer="contextual",
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


# Keywords that start a top-level declaration: where error recovery resumes.
DECLARATION_KEYWORDS = (
    "clause",
    "non-normative",
    "fact",
    "event",
    "define",
    "party",
    "action",
    "object",
    "incompatible",
    "import",
    "document",
    "question",
    "scenario",
)
