"""The one rule for quotes (docs/language.md, "Quotes"): the normal form in which the IR
keeps a clause's quote, and the check that every quote is a passage of its source document.

A quote is written as the source prints it; what the extraction of a document added — line
breaks, blank lines where a page ended, a running header repeated on every page, words
hyphenated at the end of a line — carries no meaning, so both the quote and the source are
compared in a form without it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from clausec.diagnostics import Diagnostic, Severity
from clausec.files import FileProblem, read_regular
from clausec.ir import nodes as ir

SOFT_HYPHEN = "\u00ad"
# A word broken over two lines: a letter, a hyphen ending the line, a lower-case letter.
_HYPHENATED = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n\s*(?=[^\W\d_])", re.UNICODE)
_SPACE = re.compile(r"\s+")
# A list marker opening the line after a blank one: the extraction marks every paragraph so,
# also a sentence that goes on after a page break.
_MARKED_BREAK = re.compile(r"\n[ \t]*\n\s*[-*][ \t]+")
# Scripts written without spaces between words: Han, kana, CJK punctuation, full-width
# forms. (Hangul is written with spaces, so a space there is kept.)
_UNSPACED = re.compile(
    "[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)


def normal_form(text: str, running_headers: Iterable[str] = ()) -> str:
    """``text`` in the normal form of quotes: Unicode NFC; lines equal to a running header
    dropped; soft hyphens dropped; a word hyphenated at a line end joined; a list marker
    (``-``, ``*``) opening a line after a blank line dropped; every run of white space one
    space, or none between two characters of a script written without spaces."""
    text = unicodedata.normalize("NFC", text)
    headers = {unicodedata.normalize("NFC", h).strip() for h in running_headers}
    if headers:
        text = "\n".join(line for line in text.split("\n") if line.strip() not in headers)
    text = text.replace(SOFT_HYPHEN, "")
    text = _HYPHENATED.sub(lambda m: "" if m.string[m.end()].islower() else m[0], text)
    text = _MARKED_BREAK.sub("\n\n", text)
    # Again: a dropped soft hyphen can bring a letter and its combining mark together.
    return unicodedata.normalize("NFC", _SPACE.sub(_space, text).strip())


def _space(m: re.Match[str]) -> str:
    text, start, end = m.string, m.start(), m.end()
    between = start > 0 and end < len(text)
    if between and _UNSPACED.match(text[start - 1]) and _UNSPACED.match(text[end]):
        return ""
    return " "


def find_source(contract: ir.Contract, folders: Sequence[Path]) -> Path | None:
    """The contract's source document in the first of ``folders`` that has it."""
    name = contract.source_document
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        return None
    return next((f / name for f in folders if (f / name).is_file()), None)


def check(contract: ir.Contract, folders: Sequence[Path]) -> list[Diagnostic]:
    """W0546 for each quote that is not a passage of the source document; W0547 when the
    document is not in ``folders`` (or cannot be read as UTF-8 text)."""
    path = find_source(contract, folders)
    problem = "is in none of " + ", ".join(str(f) for f in folders)
    text = None
    if path is not None:
        try:
            text = read_regular(path).decode("utf-8")
        except (FileProblem, UnicodeDecodeError) as exc:
            problem = f"cannot be read as UTF-8 text ({exc})"
    if text is None:
        return [
            Diagnostic(
                "W0547",
                Severity.WARNING,
                f"source document {contract.source_document!r} {problem}: quotes not checked",
                contract.span,
                "source not found",
                hint="give the folder that holds it with --sources",
            )
        ]
    source = normal_form(text, contract.running_headers)
    out = []
    for clause in contract.clauses:
        missing = _missing_part(clause.quote, source) if clause.quote is not None else None
        if missing is None:
            continue
        out.append(
            Diagnostic(
                "W0546",
                Severity.WARNING,
                f"the quote of clause {clause.number!r} is not in the source document "
                f"{contract.source_document!r}",
                clause.quote_span or clause.span,
                "not verbatim",
                hint=_divergence(missing, source),
            )
        )
    return out


_ELISION = re.compile("\\s*\u2026+\\s*")


def _missing_part(quote: str, source: str) -> str | None:
    """The first part of ``quote`` that ``source`` lacks, or None when it has them all in
    order. An ellipsis ("…", "……") elides: the parts around it are passages of the source."""
    at = 0
    for part in _ELISION.split(quote):
        if not part:
            continue
        found = source.find(part, at)
        if found < 0:
            return part
        at = found + len(part)
    return None


def _divergence(quote: str, source: str) -> str:
    """Where the quote leaves the source: the longest beginning of it that the source has,
    and what follows there in each."""
    low, high = 0, len(quote)
    while low < high:  # the longest prefix found in the source (prefixes of a found one are)
        middle = (low + high + 1) // 2
        if quote[:middle] in source:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "not even its first character is in the source"
    at = source.index(quote[:low]) + low
    agreed = quote[max(0, low - 20) : low]
    return (
        f"the source agrees up to «…{agreed}», then has «{source[at : at + 20]}…» where the "
        f"quote has «{quote[low : low + 20]}…»"
    )
