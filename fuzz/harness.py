"""Mutations of clause files and facts, and the oracle that judges what clausec did with them.

Shared by the long run (``fuzz/run.py``) and the Hypothesis tests (``tests/test_fuzz.py``), so
that both try the same mutations and apply the same rules. Every mutation takes a
``random.Random``: the long run seeds one per input from ``(seed, index)``, the tests get one
from Hypothesis (``st.randoms``), which then shrinks a failure.

The promise under test (docs/cli.md, docs/embedding.md): bad input never produces a Python
traceback, an internal error (exit code 3) or a hang.

- A mutated clause file goes through the in-process command line, ``clausec.cli.main(["check",
  …])``: the exit code is 0, 1 or 2; the output has no "Traceback" and no "internal error";
  every location ``FILE:LINE:COL`` it prints is inside the file (and with ``--format json``
  every span).
- Mutated facts go to the reference interpreter (``clausec.evaluation.interpreter.ask``) and to
  the generated Python module (``clausec.backends.python.emit_python``, imported): each gives a
  result or raises ``FactError`` / ``EvaluationError``, nothing else, and both give the same
  result or the same error (type, problem, fact and message).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import importlib.util
import json
import math
import os
import random
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The shipped contracts and the documentation's examples: what every mutation starts from.
SOURCES = [
    *sorted((REPO / "contracts").rglob("*.clause")),
    *sorted((REPO / "docs" / "examples").glob("*.clause")),
]
# The name of the mutated file in the check's working folder, as diagnostics show it.
FILE_NAME = "fz.clause"

# The driver raises the recursion limit on first use; do it up front so that the first input
# of a process is not special.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))


_WORK: list[Path] = []


def work_folder(base: Path | None = None) -> Path:
    """Where this process's folders go (checked files, generated modules): ``base`` once it
    is given (the tests give pytest's temporary folder), else the system's."""
    if base is not None:
        _WORK[:] = [base]
    return _WORK[0] if _WORK else Path(tempfile.gettempdir())


def _new_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="clausec-fuzz-", dir=work_folder()))


def source_name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


# ================================================================== excerpts

_HEADER_WORD = "contract"
_DECLARATION_WORDS = (
    "party",
    "fact",
    "event",
    "define",
    "action",
    "object",
    "incompatible",
    "import",
    "document",
)
_CLAUSE_WORDS = ("clause", "non-normative")
_QUERY_WORDS = ("question", "scenario")
_BLOCK_WORDS = frozenset((_HEADER_WORD, *_DECLARATION_WORDS, *_CLAUSE_WORDS, *_QUERY_WORDS))


@dataclass(frozen=True)
class Block:
    """A top-level declaration with the lines that follow it (comments, continuation lines);
    ``kind`` is its keyword ("" for what comes before the header)."""

    kind: str
    text: str


def blocks(text: str) -> list[Block]:
    """``text`` cut at every line that starts with a declaration keyword; joining the blocks'
    texts with "\\n" gives ``text`` back."""
    out: list[Block] = []
    kind, lines = "", []
    for line in text.split("\n"):
        word = line.split(" ", 1)[0]
        if word in _BLOCK_WORDS:
            if lines:
                out.append(Block(kind, "\n".join(lines)))
            kind, lines = word, [line]
        else:
            lines.append(line)
    out.append(Block(kind, "\n".join(lines)))
    return out


_TEXTS: dict[Path, str] = {}
_BLOCKS: dict[Path, list[Block]] = {}


def source_text(path: Path) -> str:
    if path not in _TEXTS:
        _TEXTS[path] = path.read_text(encoding="utf-8")
    return _TEXTS[path]


def source_blocks(path: Path) -> list[Block]:
    if path not in _BLOCKS:
        _BLOCKS[path] = blocks(source_text(path))
    return _BLOCKS[path]


def excerpt(path: Path, rng: random.Random, clauses: int = 3, queries: int = 2) -> str:
    """A small file cut from ``path``: its header and every declaration (parties, facts,
    events, definitions, actions, objects, documents, imports), then 1 to ``clauses`` of its
    clauses and 0 to ``queries`` of its questions and scenarios, in their original order."""
    all_blocks = source_blocks(path)
    keep = {i for i, b in enumerate(all_blocks) if b.kind in ("", _HEADER_WORD)}
    keep |= {i for i, b in enumerate(all_blocks) if b.kind in _DECLARATION_WORDS}
    for words, most, least in ((_CLAUSE_WORDS, clauses, 1), (_QUERY_WORDS, queries, 0)):
        found = [i for i, b in enumerate(all_blocks) if b.kind in words]
        k = min(len(found), rng.randint(least, most))
        keep |= set(rng.sample(found, k))
    keep |= _rested_on(all_blocks)
    return "\n".join(all_blocks[i].text for i in sorted(keep)).rstrip("\n") + "\n"


def _rested_on(all_blocks: list[Block]) -> set[int]:
    """The clauses that the declarations' presumptions rest on (`per "6.2(1)"`), normative
    or not, and the clauses those refer to in turn: an excerpt keeps them, or its
    declarations would not compile."""
    numbers = {
        n
        for b in all_blocks
        if b.kind in _DECLARATION_WORDS
        for refs in _PER.findall(b.text)
        for n in re.findall(r'"([^"\\]+)"', refs)
    }
    clauses = {m[1]: b.text for b in all_blocks if (m := _CLAUSE_NUMBER.match(b.text))}
    pending = list(numbers & set(clauses))
    while pending:  # any string of the clause that is a clause number (lists run over lines)
        new = set(re.findall(r'"([^"]+)"', clauses[pending.pop()])) & set(clauses) - numbers
        numbers |= new
        pending += new
    return {
        i
        for i, b in enumerate(all_blocks)
        if (m := _CLAUSE_NUMBER.match(b.text)) is not None and m[1] in numbers
    }


_IMPORT = re.compile(r'^import ([a-z_][a-z0-9_]*) from "([^"\\]+)"', re.M)
_CLAUSE_NUMBER = re.compile(r'(?:clause|non-normative) "([^"\\]*)"')
_REFERENCE = re.compile(r"\b(subject to|notwithstanding|prevails over|refers to)\b")
_PER = re.compile(r'^\s*per ((?:"[^"\\]*"\s*,?\s*)+)', re.M)


def import_fixtures() -> dict[str, str]:
    """Files for the imports of the sources (``import soolife_deposit from "deposit.clause"``),
    to lie beside the checked file: the imported file's header and declarations, and the
    clauses the importers refer to (``"2.1" of soolife_deposit``), so that excerpts of the
    importers compile and reach the analyses without checking a whole second contract."""
    by_name = {p.name: p for p in SOURCES}
    wanted: dict[str, set[str]] = {}
    for path in SOURCES:
        text = source_text(path)
        for m in _IMPORT.finditer(text):
            numbers = set(re.findall(r'"([^"]+)" of ' + m[1] + r"\b", text))
            wanted.setdefault(m[2], set()).update(numbers)
    out = {}
    for file, numbers in sorted(wanted.items()):
        if file not in by_name:
            continue
        clauses = {
            m[1]: b.text
            for b in source_blocks(by_name[file])
            if (m := _CLAUSE_NUMBER.match(b.text))
        }
        for b in source_blocks(by_name[file]):  # the clauses presumptions rest on (`per`)
            if b.kind in _DECLARATION_WORDS:
                for refs in _PER.findall(b.text):
                    numbers |= set(re.findall(r'"([^"\\]+)"', refs)) & set(clauses)
        pending = list(numbers)
        while pending:  # and the clauses those refer to, in the imported file
            for line in clauses.get(pending.pop(), "").split("\n"):
                if _REFERENCE.search(line):
                    new = set(re.findall(r'"([^"]+)"', line)) & set(clauses) - numbers
                    numbers |= new
                    pending += new
        keep = [
            b.text
            for b in source_blocks(by_name[file])
            if b.kind in ("", _HEADER_WORD, *_DECLARATION_WORDS)
            or ((m := _CLAUSE_NUMBER.match(b.text)) is not None and m[1] in numbers)
        ]
        out[file] = "\n".join(keep).rstrip("\n") + "\n"
    return out


def prepare_folder(folder: Path) -> Path:
    """Make ``folder`` the place to check mutated files in: the import fixtures, and things an
    import must not read — a FIFO, a folder, a link out of the folder, an empty file, a
    sub-folder with a file."""
    for name, text in import_fixtures().items():
        (folder / name).write_text(text, encoding="utf-8")
    with contextlib.suppress(OSError, AttributeError):
        os.mkfifo(folder / "fifo.clause")
    (folder / "dir.clause").mkdir(exist_ok=True)
    with contextlib.suppress(OSError):
        os.symlink("/etc/hostname", folder / "link.clause")
    (folder / "empty.clause").write_bytes(b"")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "inner.clause").write_text("contract inner\n", encoding="utf-8")
    return folder


_FIXTURE_FOLDER: list[Path] = []


def fixture_folder(renew: bool = False) -> Path:
    """A prepared folder of this process (made on first use). ``renew``: make a new one, as
    a forked worker must (it would share its parent's otherwise)."""
    if renew or not _FIXTURE_FOLDER:
        _FIXTURE_FOLDER[:] = [prepare_folder(_new_folder())]
    return _FIXTURE_FOLDER[0]


POOL_TRIES = 24
_POOL: dict[tuple[Path, int], list[str]] = {}


def clean_excerpts(path: Path, clauses: int = 3, tries: int = POOL_TRIES) -> list[str]:
    """Excerpts of ``path`` (with 1 to ``clauses`` clauses) without errors, so that the
    analyses run on them: those of ``tries`` excerpts seeded by the file's name, the same in
    every process."""
    if (path, clauses) not in _POOL:
        import clausec
        from clausec.diagnostics import Severity

        folder = fixture_folder()
        pool = []
        for j in range(tries):
            seed = f"excerpt:{source_name(path)}:{clauses}:{j}"
            text = excerpt(path, random.Random(seed), clauses=clauses)
            probe = folder / "probe.clause"
            probe.write_text(text, encoding="utf-8")
            with working_folder(folder):
                result = clausec.check_paths([probe.name])
            if not any(d.severity is Severity.ERROR for d in result.diagnostics):
                pool.append(text)
        _POOL[path, clauses] = pool
    return _POOL[path, clauses]


# ================================================================== clause-file mutations

# Each mutation maps the bytes of a file to new bytes. Token-level ones work on the text
# decoded with surrogateescape, so that they compose with byte-level ones.
Mutation = Callable[[random.Random, bytes], bytes]

HOSTILE_BYTES = [
    b"\x00",  # NUL: a binary file (E0003)
    b"\xff",  # never valid in UTF-8
    b"\xfe",
    b"\x80",  # lone continuation bytes
    b"\xbf",
    b"\xc3",  # a lead byte without its continuation
    b"\xe5\x90",  # a truncated 3-byte sequence
    b"\xed\xa0\x80",  # an encoded surrogate (invalid UTF-8)
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\xc0\xaf",  # an overlong encoding of "/"
    b"\r",  # a lone carriage return
    b"\r\n",
    b"\xef\xbb\xbf",  # a byte-order mark, not at the start
    "\u2028".encode(),  # LINE SEPARATOR
    "\u2029".encode(),  # PARAGRAPH SEPARATOR
    "\u0085".encode(),  # NEXT LINE
    "\u202e".encode(),  # RIGHT-TO-LEFT OVERRIDE
    "\u200b".encode(),  # ZERO WIDTH SPACE
    "\ufeff".encode(),
    "\u3000".encode(),  # IDEOGRAPHIC SPACE
    "\U0001f600".encode(),  # an astral character
    b"\t",
    b"\x0b",
    b"\x0c",
    b"\x1b[31m",  # a terminal escape
    b"\x07",
    b"\\",
]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _position(rng: random.Random, length: int) -> int:
    return rng.randint(0, length)


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    """Flip 1 to 8 random bits."""
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert_bytes(rng: random.Random, data: bytes) -> bytes:
    """Insert 1 to 8 random bytes at random places."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out.insert(_position(rng, len(out)), rng.randrange(256))
    return bytes(out)


def delete_bytes(rng: random.Random, data: bytes) -> bytes:
    """Delete a run of 1 to 32 bytes, one to three times."""
    out = data
    for _ in range(rng.randint(1, 3)):
        if not out:
            break
        i = rng.randrange(len(out))
        out = out[:i] + out[i + rng.randint(1, 32) :]
    return out


def hostile_bytes(rng: random.Random, data: bytes) -> bytes:
    """Insert NUL, 0xFF, lone continuation bytes, CR, a BOM, U+2028, … at 1 to 4 places
    (sometimes at the very start or end, or inside a string)."""
    out = data
    for _ in range(rng.randint(1, 4)):
        piece = rng.choice(HOSTILE_BYTES) * rng.choice([1, 1, 1, 2, 3])
        where = rng.random()
        if where < 0.1:
            i = 0
        elif where < 0.2:
            i = len(out)
        elif where < 0.5 and b'"' in out:
            quotes = [m.start() + 1 for m in re.finditer(rb'"', out)]
            i = rng.choice(quotes)
        else:
            i = _position(rng, len(out))
        out = out[:i] + piece + out[i:]
    return out


def _lines(data: bytes) -> list[str]:
    return _text(data).split("\n")


def delete_lines(rng: random.Random, data: bytes) -> bytes:
    """Delete 1 to 3 runs of 1 to 4 lines."""
    lines = _lines(data)
    for _ in range(rng.randint(1, 3)):
        if len(lines) <= 1:
            break
        i = rng.randrange(len(lines))
        del lines[i : i + rng.randint(1, 4)]
    return _bytes("\n".join(lines))


def duplicate_lines(rng: random.Random, data: bytes) -> bytes:
    """Repeat a run of 1 to 6 lines 1 to 3 times (sometimes 50 times) where it stands."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    run = lines[i : i + rng.randint(1, 6)]
    times = 50 if rng.random() < 0.05 else rng.randint(1, 3)
    lines[i:i] = run * times
    return _bytes("\n".join(lines))


def swap_lines(rng: random.Random, data: bytes) -> bytes:
    """Swap two lines, or move one elsewhere."""
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(j, lines.pop(i))
    return _bytes("\n".join(lines))


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_RESERVED: list[str] = []


def reserved() -> list[str]:
    """The language's keywords (clausec.syntax.grammar.reserved_words), sorted."""
    if not _RESERVED:
        from clausec.syntax.grammar import reserved_words

        _RESERVED.extend(sorted(reserved_words()))
    return _RESERVED


_ODD_WORDS = [
    "non-normative",
    "CNY",
    "EUR",
    "XXX",
    "Must",
    "MAY",
    "质保金",
    "K",  # KELVIN SIGN, which NFKC folds to "K"
    "ﬁle",  # a ligature
    "café",
    "_",
    "__init__",
    "a.b.c.d.e.f",
    "x.",
    ".x",
    "today",
    "never",
    "accept",
    "W0501",
    "E9999",
    "zh-HK",
    "true",
    "false",
]


def replace_word(rng: random.Random, data: bytes) -> bytes:
    """Replace 1 to 3 words by a keyword of the language, another word of the file, an odd
    word (upper case, non-ASCII, a code), a dotted name ending in a keyword, or a very long
    name."""
    text = _text(data)
    for _ in range(rng.randint(1, 3)):
        words = list(_WORD.finditer(text))
        if not words:
            break
        m = rng.choice(words)
        r = rng.random()
        if r < 0.45:
            new = rng.choice(reserved())
        elif r < 0.7:
            new = rng.choice(words).group(0)
        elif r < 0.85:
            new = rng.choice(_ODD_WORDS)
        elif r < 0.93:
            new = f"{m.group(0)}.{rng.choice(reserved())}"
        else:
            new = "n" * rng.choice([64, 1000, 100_000])
        text = text[: m.start()] + new + text[m.end() :]
    return _bytes(text)


_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?")
_NUMBERS = [
    "0",
    "-1",
    "-0",
    "00012",
    "1.5",
    "0.000000000000000000000000000001",
    "1." + "0" * 60,
    "9" * 19,
    "9" * 20,
    "9" * 39,
    "9" * 40,
    "9" * 41,
    "9" * 400,
    "9" * 4301,
    str(2**63),
    str(2**64 + 1),
    "1e9",
    "1_000",
    "0x10",
    "٣",  # an Arabic-Indic digit
    "１２",  # full-width digits
    "99999999999999999999.99999999999999999999",
]
_DATES = [
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "9999-12-30",
    "2025-02-29",
    "2024-02-29",
    "2025-13-01",
    "2025-00-10",
    "2025-04-31",
    "99999-01-01",
    "1900-01-01",
    "2060-12-31",
    "2061-01-01",
    "1999-12-31",
]


def change_number(rng: random.Random, data: bytes) -> bytes:
    """Change 1 to 3 numbers or dates: huge, negative, decimal, odd digits, impossible or
    extreme dates."""
    text = _text(data)
    for _ in range(rng.randint(1, 3)):
        found = list(_NUMBER.finditer(text))
        if not found:
            break
        m = rng.choice(found)
        if "-" in m.group(0) or rng.random() < 0.1:
            new = rng.choice(_DATES)
        elif rng.random() < 0.3:
            new = "-" + m.group(0)
        else:
            new = rng.choice(_NUMBERS)
        text = text[: m.start()] + new + text[m.end() :]
    return _bytes(text)


def unbalance(rng: random.Random, data: bytes) -> bytes:
    """Remove or add a quote, a parenthesis or a backslash; or add a stray escape sequence
    inside a string."""
    text = _text(data)
    for _ in range(rng.randint(1, 2)):
        action = rng.randrange(6)
        if action == 0 and '"' in text:
            spots = [m.start() for m in re.finditer('"', text)]
            i = rng.choice(spots)
            text = text[:i] + text[i + 1 :]
        elif action == 1:
            i = _position(rng, len(text))
            text = text[:i] + rng.choice(['"', '"""', '\\"', '""']) + text[i:]
        elif action == 2 and ("(" in text or ")" in text):
            spots = [m.start() for m in re.finditer(r"[()]", text)]
            i = rng.choice(spots)
            text = text[:i] + text[i + 1 :]
        elif action == 3:
            i = _position(rng, len(text))
            text = text[:i] + rng.choice(["(", ")", "((", "))", ")("]) + text[i:]
        elif '"' in text:
            # An escape inside a string: a lone backslash, an unknown or broken \u escape.
            spots = [m.end() for m in re.finditer('"', text)]
            i = rng.choice(spots)
            text = text[:i] + rng.choice(ESCAPES) + text[i:]
    return _bytes(text)


# Escapes inside strings: broken ones (E0105) and valid ones of characters no file could hold
# as they are (NUL, controls, bidi overrides, the largest code point).
ESCAPES = [
    "\\",
    "\\q",
    "\\u",
    "\\u12",
    "\\u{",
    "\\u{}",
    "\\u{d800}",
    "\\u{110000}",
    "\\u{ffffffffffffffffffff}",
    "\\u{0}",
    "\\u{00000000000000000041}",
    "\\u{a}",
    "\\u{d}",
    "\\u{2028}",
    "\\u{202e}",
    "\\u{feff}",
    "\\u{1b}",
    "\\u{10ffff}",
    "\\n",
    "\\r",
    "\\t",
    '\\"',
]


_CONDITION = re.compile(r"\b(when|unless|if|value of|breach when) ")
_NESTERS = [
    ("(", ")"),
    ("not (", ")"),
    ("not ", ""),
    ("- ", ""),
    ("earliest of (", ")"),
    ("least of (", ")"),
    ("(", ""),  # never closed
]
NESTING_DEPTHS = [5, 50, 150, 198, 199, 200, 201, 202, 400, 1000, 5000]


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    """Nest the rest of a condition line (or a new condition) in parentheses, `not`,
    unary minus or `earliest of (…)`, around the parser's limit of 200 levels and beyond."""
    text = _text(data)
    opener, closer = rng.choice(_NESTERS)
    depth = rng.choice(NESTING_DEPTHS)
    spots = list(_CONDITION.finditer(text))
    if not spots:
        nested = opener * depth + "f" + closer * depth
        return _bytes(text + f'\nclause "fz"\n  quote "q"\n  a must pay fee\n    when {nested}\n')
    m = rng.choice(spots)
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    inner = text[m.end() : end]
    return _bytes(text[: m.end()] + opener * depth + inner + closer * depth + text[end:])


CHAIN_LENGTHS = [10, 100, 1000, 3000, 5000]


def long_chain(rng: random.Random, data: bytes) -> bytes:
    """Replace a condition by a long flat chain of `or`, `and`, a mix of both, or `+`, built
    from its own text."""
    text = _text(data)
    spots = list(_CONDITION.finditer(text))
    n = rng.choice(CHAIN_LENGTHS)
    if not spots:
        return _bytes(text + "\nquestion fz_chain : value of " + " + ".join(["1"] * n) + "\n")
    m = rng.choice(spots)
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    inner = text[m.end() : end].strip()[:120] or "true"  # a chain of 5,000 stays under 1 MiB
    style = rng.randrange(4)
    if style == 0:
        chain = " or ".join([f"({inner})"] * n)
    elif style == 1:
        chain = " and ".join([f"({inner})"] * n)
    elif style == 2:
        chain = "".join(f"({inner}) {rng.choice(['and', 'or'])} " for _ in range(n - 1))
        chain += f"({inner})"
    else:
        chain = "(" + " + ".join(["1"] * n) + f") > 0 and ({inner})"
    return _bytes(text[: m.end()] + chain + text[end:])


def splice(rng: random.Random, data: bytes) -> bytes:
    """Insert a declaration, clause, question or scenario of another source file (whose names
    are mostly unknown here) between two blocks of this one."""
    donor = rng.choice(source_blocks(rng.choice(SOURCES)))
    parts = blocks(_text(data))
    i = rng.randint(1, len(parts)) if len(parts) > 1 else len(parts)
    parts.insert(i, Block(donor.kind, donor.text))
    return _bytes("\n".join(b.text for b in parts))


# Where an import may point: the file itself, the fixtures of prepare_folder, paths out of the
# folder, devices, and escapes of characters no path may hold.
IMPORT_PATHS = [
    FILE_NAME,
    "./" + FILE_NAME,
    "sub/../" + FILE_NAME,
    "deposit.clause",
    "priorities.clause",
    "fifo.clause",
    "dir.clause",
    "link.clause",
    "empty.clause",
    "sub/inner.clause",
    "sub",
    "missing.clause",
    "../" + FILE_NAME,
    "../../../../../../etc/passwd",
    "/etc/passwd",
    "/dev/zero",
    "/dev/stdin",
    "/proc/self/fd/0",
    "",
    ".",
    "..",
    "~/x.clause",
    "C:\\\\x.clause",
    "\\\\\\\\server\\\\share\\\\x.clause",
    "x\\u{0}.clause",
    "\\u{0}",
    FILE_NAME + "\\u{0}",
    "\\u{202e}esualc.zf",
    "x" * 5000 + ".clause",
    "a/" * 2000 + "x.clause",
]


def import_path(rng: random.Random, data: bytes) -> bytes:
    """Point an import (an existing one, or one added after the header) at the file itself, a
    FIFO, a folder, a link or a path outside the folder, a device, or a path holding NUL."""
    text = _text(data)
    target = rng.choice(IMPORT_PATHS)
    name = rng.choice(["soolife_deposit", "soolife_terms", "fz", "other"])
    found = list(_IMPORT.finditer(text))
    if found and rng.random() < 0.7:
        m = rng.choice(found)
        return _bytes(text[: m.start()] + f'import {m[1]} from "{target}"' + text[m.end() :])
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith(_DECLARATION_WORDS)), 1)
    lines.insert(at, f'import {name} from "{target}"')
    return _bytes("\n".join(lines))


BYTE_MUTATIONS: dict[str, Mutation] = {
    "flip_bits": flip_bits,
    "insert_bytes": insert_bytes,
    "delete_bytes": delete_bytes,
    "hostile_bytes": hostile_bytes,
}
TOKEN_MUTATIONS: dict[str, Mutation] = {
    "delete_lines": delete_lines,
    "duplicate_lines": duplicate_lines,
    "swap_lines": swap_lines,
    "replace_word": replace_word,
    "change_number": change_number,
    "unbalance": unbalance,
    "deep_nesting": deep_nesting,
    "long_chain": long_chain,
    "splice": splice,
    "import_path": import_path,
}
SINGLE_MUTATIONS: dict[str, Mutation] = {**BYTE_MUTATIONS, **TOKEN_MUTATIONS}


# The largest input a mutation may make: a mutation that would make a larger one is undone.
# Far below the 10 MiB clausec reads, so that inputs stay quick to check (fuzz/README.md).
MAX_INPUT = 2**20


def mutate(rng: random.Random, kind: str, data: bytes) -> bytes:
    """``data`` mutated by ``kind``; unchanged if the result would exceed MAX_INPUT."""
    out = CLAUSE_MUTATIONS[kind](rng, data)
    return out if len(out) <= MAX_INPUT else data


def stacked(rng: random.Random, data: bytes) -> bytes:
    """Two to four of the other mutations, one after the other."""
    for _ in range(rng.randint(2, 4)):
        data = mutate(rng, rng.choice(sorted(SINGLE_MUTATIONS)), data)
    return data


CLAUSE_MUTATIONS: dict[str, Mutation] = {**SINGLE_MUTATIONS, "stacked": stacked}


@dataclass(frozen=True)
class ClauseInput:
    """A mutated clause file and how it is checked."""

    source: str  # the file it was cut from, relative to the repository
    whole: bool  # the whole file, not an excerpt
    kind: str  # the mutation
    data: bytes
    analysis: bool  # run the analyses (else --no-analysis)
    fmt: str  # "text" or "json"

    @property
    def args(self) -> list[str]:
        # No cache: every input is new, and a run must not fill the user's cache folder.
        return [
            "check",
            "--no-cache",
            *([] if self.analysis else ["--no-analysis"]),
            *(["--format", "json"] if self.fmt == "json" else []),
        ]


def clause_input(
    rng: random.Random,
    *,
    kinds: list[str] | None = None,
    clauses: int = 3,
    whole_share: float = 0.0,
    analysis_share: float = 0.1,
    json_share: float = 0.2,
) -> ClauseInput:
    """A mutated excerpt (header, declarations, 1 to ``clauses`` clauses, 0 to 2 questions
    and scenarios) of a shipped contract or example, or with ``whole_share`` a whole file;
    checked with the analyses with ``analysis_share``, as JSON with ``json_share``."""
    path = rng.choice(SOURCES)
    whole = rng.random() < whole_share
    pool = [] if whole or rng.random() < 0.25 else clean_excerpts(path, clauses)
    if whole:
        base = source_text(path)
    elif pool:
        base = rng.choice(pool)
    else:
        base = excerpt(path, rng, clauses=clauses)
    kind = rng.choice(kinds or sorted(CLAUSE_MUTATIONS))
    data = mutate(rng, kind, _bytes(base))
    analysis = rng.random() < analysis_share
    fmt = "json" if rng.random() < json_share else "text"
    return ClauseInput(source_name(path), whole, kind, data, analysis, fmt)


# ================================================================== running `clausec check`


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@contextlib.contextmanager
def working_folder(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def run_cli(args: list[str]) -> CliRun:
    """``clausec ARGS`` in this process, through the console entry point (so internal errors
    are exit code 3, as for a user), with stdout and stderr captured."""
    from click.testing import CliRunner

    from clausec.cli import main

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return CliRun(code, stdout, stderr)


def run_check(case: ClauseInput, folder: Path | None = None) -> CliRun:
    """Write the input to ``FILE_NAME`` in ``folder`` (by default this process's
    fixture_folder(), which it must be prepared as) and check it there."""
    folder = folder or fixture_folder()
    (folder / FILE_NAME).write_bytes(case.data)
    with working_folder(folder):
        return run_cli([*case.args, FILE_NAME])


def file_lines(data: bytes) -> list[str]:
    """The lines of a file as diagnostics count them: split at LF only (a lone CR or U+2028
    is a character of its line), after a leading byte-order mark; columns in characters, an
    invalid byte counting as one."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace").split("\n")


_LOCATION = re.compile(re.escape(FILE_NAME) + r":(\d+):(\d+)")


def inside(lines: list[str], line: int, column: int) -> bool:
    """Whether LINE:COLUMN is a character of the file or the end of one of its lines."""
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


def check_problems(case: ClauseInput, run: CliRun) -> list[str]:
    """What is wrong with how ``clausec check`` treated ``case`` (nothing, normally)."""
    problems = []
    internal = re.search(r"internal error(: .{0,200})?", run.output)
    if internal:
        problems.append(f"internal error (exit code {run.code}){internal[1] or ''}")
    elif run.code not in (0, 1, 2):
        problems.append(f"exit code {run.code}")
    if "Traceback" in run.output:
        problems.append("a Python traceback in the output")
    lines = file_lines(case.data)
    for m in _LOCATION.finditer(run.output):
        line, column = int(m[1]), int(m[2])
        if not inside(lines, line, column):
            problems.append(f"location {m[0]} is outside the file ({len(lines)} lines)")
    if case.fmt == "json" and run.code in (0, 1):
        problems += _json_problems(run.stdout, lines)
    return problems


def _json_problems(stdout: str, lines: list[str]) -> list[str]:
    try:
        doc = json.loads(stdout)
    except ValueError as exc:
        return [f"--format json printed no JSON document: {exc}"]
    problems = []
    spans = []
    for d in doc.get("diagnostics", []):
        spans.append(d.get("span"))
        spans += [note.get("span") for note in d.get("notes", [])]
    for span in spans:
        if span is None or span.get("file") != FILE_NAME:
            continue
        start = (span["line"], span["column"])
        end = (span["end_line"], span["end_column"])
        if not inside(lines, *start) or not 1 <= end[0] <= len(lines) or end < start:
            problems.append(f"JSON span {span} is outside the file or ends before it starts")
    return problems


# ================================================================== facts

_COMPILED: dict[Path, Compiled] = {}


@dataclass
class Compiled:
    """A source file's contract and its generated Python module."""

    path: Path
    contract: Any  # clausec.ir.nodes.Contract
    module: ModuleType
    questions: list[str] = field(default_factory=list)


def compiled(path: Path, folder: Path | None = None) -> Compiled:
    """The contract of ``path`` and its generated module, built once per process. The module
    is written to ``folder`` (a new temporary folder by default) and imported."""
    if path not in _COMPILED:
        import clausec
        from clausec.backends.python import emit_python

        contract = clausec.load(path)
        where = folder or _new_folder()
        target = where / f"{contract.id}.py"
        target.write_text(emit_python(contract, clausec_version="fuzz"), encoding="utf-8")
        name = f"clausec_fuzz_{contract.id}"
        spec = importlib.util.spec_from_file_location(name, target)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look modules up by name
        spec.loader.exec_module(module)
        _COMPILED[path] = Compiled(path, contract, module, [q.name for q in contract.questions])
    return _COMPILED[path]


def question_sources() -> list[Path]:
    """The sources whose contract has questions (the only ones facts can be given to)."""
    return [p for p in SOURCES if "\nquestion " in source_text(p)]


_UNIT_WORDS = {
    "days": ["days", "day", "weeks", "week"],
    "working_days": ["working days", "working day"],
    "months": ["months", "month", "years", "year"],
}


def _day(rng: random.Random) -> dt.date:
    return dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))


def base_value(fact: Any, rng: random.Random) -> object:
    """A value of the fact's type, as a caller would give it: native Python values (which the
    generated module's two-valued code takes) or text."""
    from clausec.ir import types as T

    t = fact.type
    native = rng.random() < 0.5
    if isinstance(t, T.Boolean):
        value = rng.random() < 0.5
        return value if native else ("true" if value else "false")
    if isinstance(t, T.Integer):
        n = rng.randint(-3, 60)
        return n if native else str(n)
    if isinstance(t, T.DecimalType):
        return rng.choice([rng.randint(0, 100), f"{rng.randint(0, 100)}.{rng.randint(0, 99)}"])
    if isinstance(t, T.Money):
        n = rng.choice([0, 1, 100, 9999, 10000, 10001, rng.randint(0, 50_000)])
        return n if native else rng.choice([f"{n} {t.currency}", f"{n}.50", str(n)])
    if isinstance(t, T.Date):
        if fact.kind == "event" and rng.random() < 0.2:
            return "never"
        day = _day(rng)
        return day if native else day.isoformat()
    if isinstance(t, T.Duration):
        n = rng.randint(0, 40)
        return n if native else f"{n} {rng.choice(_UNIT_WORDS[t.unit_class])}"
    if isinstance(t, T.Text):
        return rng.choice(["", "email", "说明", "in writing"])
    if isinstance(t, T.Enum):
        return rng.choice(t.members)
    raise AssertionError(t)


def base_facts(contract: Any, rng: random.Random) -> dict[object, object]:
    """Each fact given (a value of its type), given as None (unknown) or left out."""
    known = rng.choice([0.3, 0.7, 0.95, 1.0])
    facts: dict[object, object] = {}
    for f in contract.facts:
        r = rng.random()
        if r < known:
            facts[f.name] = base_value(f, rng)
        elif r < known + (1 - known) / 3:
            facts[f.name] = None
    return facts


class _Odd:
    """An object of a class the readers have never seen."""

    def __repr__(self) -> str:
        return "<odd>"


def _nested(rng: random.Random, depth: int) -> object:
    value: object = rng.choice([1, "x", None, True])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


def _cyclic() -> object:
    loop: list[object] = []
    loop.append(loop)
    return loop


NESTED_DEPTHS = [2, 30, 500, 5_000, 50_000]


def _wrong_type_value(rng: random.Random) -> object:
    return rng.choice(
        [
            [],
            {},
            [1, 2],
            {"a": 1},
            {10**5000: 1},  # a key whose str() Python refuses
            {None: 1, (1, 2): "x"},
            1.5,
            -0.0,
            float("nan"),
            float("inf"),
            1e308,
            5e-324,
            b"bytes",
            bytearray(b"x"),
            {1, 2},
            (1,),
            frozenset(),
            1j,
            _Odd(),
            object,
            decimal.Decimal("NaN"),
            decimal.Decimal("sNaN"),
            decimal.Decimal("-Infinity"),
            decimal.Decimal("1.5"),
            dt.datetime(2025, 1, 1, 12, 0),
            dt.date(2025, 1, 1),
            dt.timedelta(days=3),
            dt.time(12),
            True,
            False,
            0,
            1,
            -1,
            "",
            "yes",
            range(3),
        ]
    )


_HUGE = [
    10**15,
    2**53,
    2**53 + 1,
    2**63,
    10**39,
    10**40 - 1,
    10**40,
    10**40 + 1,
    10**300,
    10**5000,
    2**100_000,
]


def _huge_value(rng: random.Random) -> object:
    n = rng.choice(_HUGE) * rng.choice([1, -1])
    r = rng.random()
    if r < 0.4:
        return n
    if r < 0.55:
        return rng.choice(["9" * rng.choice([39, 40, 41, 4300, 4301, 50_000]), "-" + "9" * 41])
    if r < 0.7:
        return rng.choice([1e300, -1e300, 1e22, 1e21, 9007199254740993.0, 1.7976931348623157e308])
    if r < 0.85:
        return decimal.Decimal(rng.choice(["1E+40", "1E+999999", "1E-999999", "9" * 60, "1E+400"]))
    return rng.choice(
        [f"{'9' * 41} days", f"{'9' * 40} CNY", f"{'9' * 40}.5", "0." + "0" * 60 + "1"]
    )


_WEIRD_STRINGS = [
    "",
    " ",
    "\t\n",
    "\u2028",
    "\x00",
    "\ud800",  # a lone surrogate
    "\ufeff1",
    "١٢٣",  # Arabic-Indic digits
    "１２",  # full-width digits
    "1_000",
    "0x10",
    "1e5",
    "1E5",
    "Infinity",
    "-Infinity",
    "NaN",
    "+-1",
    "--1",
    " 12 ",
    "12.",
    ".5",
    "+.5",
    "12 CNY",
    "12 EUR",
    "12 cny",
    "12CNY",
    "CNY 12",
    "12  CNY",
    "12 working days",
    "12 days",
    "12 months",
    "1 year",
    "3 fortnights",
    "12 Days",
    "-3 days",
    "+3 weeks",
    "3\tworking  days",
    "true ",
    "True",
    "TRUE",
    "yes",
    "never",
    "Never",
    "today",
    "unknown",
    "null",
    "x" * 100_000,
    "说明" * 1000,
    '"quoted"',
    "\\u0041",
    "\x1b[31mred",
]


def _weird_string(rng: random.Random) -> str:
    return rng.choice(_WEIRD_STRINGS)


_BAD_DATES = [
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "9999-12-30",
    "9999-11-30",
    "2025-02-29",
    "2024-02-29",
    "2025-13-01",
    "2025-00-01",
    "2025-04-31",
    "2025-1-1",
    "25-01-01",
    "10000-01-01",
    "+2025-01-01",
    "2025-01-01T00:00",
    "2025-W01-1",
    "20250101",
    "２０２５-01-01",
    "2025-01-01 ",
]


def _bad_date(rng: random.Random) -> object:
    r = rng.random()
    if r < 0.6:
        return rng.choice(_BAD_DATES)
    return rng.choice(
        [
            dt.date.max,
            dt.date.min,
            dt.date(9999, 12, 1),
            dt.datetime(2025, 1, 1),
            dt.date(1, 1, 2),
        ]
    )


def _fact_names(contract: Any, facts: Mapping[object, object]) -> list[object]:
    names: list[object] = [f.name for f in contract.facts]
    return names or list(facts) or ["x"]


def _set_some(
    rng: random.Random, contract: Any, facts: dict[object, object], make: Callable[[], object]
) -> None:
    names = _fact_names(contract, facts)
    for _ in range(rng.randint(1, 3)):
        facts[rng.choice(names)] = make()


def wrong_type(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """Values of types the readers do not take: lists, floats, NaN, bytes, sets, datetimes…"""
    _set_some(rng, contract, facts, lambda: _wrong_type_value(rng))
    return facts


def huge_number(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """Integers of 15 to 30,000 digits, long digit strings, huge floats and Decimals."""
    _set_some(rng, contract, facts, lambda: _huge_value(rng))
    return facts


def deep_value(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """Lists and dicts nested up to 50,000 deep, and (rarely) a list that contains itself."""
    if rng.random() < 0.1:
        _set_some(rng, contract, facts, _cyclic)
    else:
        _set_some(rng, contract, facts, lambda: _nested(rng, rng.choice(NESTED_DEPTHS)))
    return facts


_ODD_NAMES: list[object] = [
    "",
    " ",
    "x",
    "merchant",
    "merchant.",
    ".closed_shop",
    "MERCHANT.CLOSED_SHOP",
    "n" * 100_000,
    "\x00",
    "\u2028",
    "\ud800",
    "质保金",
    "today",
    "as_of",
    "<facts>",
    0,
    -1,
    10**5000,
    1.5,
    float("nan"),
    None,
    True,
    (1, 2),
    b"name",
    frozenset(),
]


def unknown_name(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """A misspelled fact name, an odd one (empty, 100,000 characters, NUL, a lone surrogate)
    or a key that is not a text at all (an int of 5,000 digits, None, bytes, a tuple)."""
    names = [f.name for f in contract.facts]
    for _ in range(rng.randint(1, 2)):
        r = rng.random()
        if r < 0.4 and names:
            name = rng.choice(names)
            i = rng.randrange(len(name))
            key: object = name[:i] + rng.choice(["", "x", "_", "."]) + name[i + 1 :]
        else:
            key = rng.choice(_ODD_NAMES)
        facts[key] = base_value(rng.choice(contract.facts), rng) if names else True
    return facts


def weird_string(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """Strings almost of the right form: other digits, units, currencies, case, spaces,
    separators, a lone surrogate, 100,000 characters."""
    _set_some(rng, contract, facts, lambda: _weird_string(rng))
    return facts


def bad_date(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """Dates out of range or impossible (0000-01-01, 2025-02-29, 9999-12-31, date.max),
    other date forms, datetimes; given to date facts and others."""
    from clausec.ir import types as T

    dates = [f.name for f in contract.facts if isinstance(f.type, T.Date)]
    for _ in range(rng.randint(1, 3)):
        pool = dates if dates and rng.random() < 0.8 else _fact_names(contract, facts)
        facts[rng.choice(pool)] = _bad_date(rng)
    return facts


def not_a_mapping(rng: random.Random, contract: Any, facts: dict[object, object]) -> object:
    """Facts that are not a mapping at all (a list of pairs, a string, None, an int)."""
    return rng.choice([list(facts.items()), "facts", None, 0, [], set(), _Odd()])


FactsMutation = Callable[[random.Random, Any, dict[object, object]], object]
FACTS_MUTATIONS: dict[str, FactsMutation] = {
    "wrong_type": wrong_type,
    "huge_number": huge_number,
    "deep_value": deep_value,
    "unknown_name": unknown_name,
    "weird_string": weird_string,
    "bad_date": bad_date,
    "not_a_mapping": not_a_mapping,
}
_AS_OF: list[dt.date | None] = [
    None,
    None,
    dt.date(2025, 6, 30),
    dt.date.max,
    dt.date.min,
    dt.date(9999, 12, 1),
    dt.date(2061, 1, 1),
]


@dataclass(frozen=True)
class FactsInput:
    """Mutated facts for one question of a contract."""

    source: str
    question: str
    kind: str
    facts: object  # usually a dict; not_a_mapping gives anything
    as_of: dt.date | None
    prepared: bool  # also through the generated module's Facts

    def summary(self) -> str:
        return f"{self.source} question {self.question} as_of={self.as_of} facts={show(self.facts)}"


def show(value: object, limit: int = 300) -> str:
    """A short, safe description of any value (reprlib: no huge or deep repr)."""
    import reprlib

    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxother, r.maxlong = 4, 60, 60, 60
    r.maxdict = r.maxlist = r.maxtuple = r.maxset = r.maxfrozenset = 12
    try:
        text = r.repr(value)
    except Exception as exc:  # a value whose repr fails: say so rather than fail here
        text = f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def facts_input(
    rng: random.Random,
    *,
    kinds: list[str] | None = None,
    sources: list[Path] | None = None,
    prepared_share: float = 0.25,
) -> FactsInput:
    """A question of a contract and facts for it, of which 1 to 3 are mutated."""
    path = rng.choice(sources or question_sources())
    c = compiled(path)
    question = rng.choice(c.questions)
    kind = rng.choice(kinds or sorted(FACTS_MUTATIONS))
    facts = FACTS_MUTATIONS[kind](rng, c.contract, base_facts(c.contract, rng))
    as_of = rng.choice(_AS_OF)
    return FactsInput(
        source_name(path), question, kind, facts, as_of, rng.random() < prepared_share
    )


@dataclass(frozen=True)
class Outcome:
    """What one evaluator did: ``("result", to_dict())``, ``("FactError", fields)``,
    ``("EvaluationError", fields)`` or ``("crash", type, message, traceback)``."""

    kind: str
    value: object

    @property
    def label(self) -> str:
        return self.kind if self.kind != "result" else "result"


def _outcome(call: Callable[[], Any], errors: tuple[type[BaseException], ...]) -> Outcome:
    try:
        return Outcome("result", call().to_dict())
    except errors as exc:
        fields: dict[str, object] = {"problem": exc.problem, "message": str(exc)}  # type: ignore[attr-defined]
        if type(exc).__name__ == "FactError":
            fields["fact"] = exc.fact  # type: ignore[attr-defined]
            fields["expected"] = exc.expected  # type: ignore[attr-defined]
        return Outcome(type(exc).__name__, fields)
    except RecursionError as exc:  # caught apart, so that its traceback is short
        return Outcome("crash", (type(exc).__name__, str(exc)[:300], _short_traceback(exc)))
    except Exception as exc:
        return Outcome("crash", (type(exc).__name__, str(exc)[:300], _short_traceback(exc)))


def _short_traceback(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if len(frames) > 12:
        frames = traceback.StackSummary.from_list([*frames[:4], *frames[-8:]])
    return "".join(traceback.format_list(frames))


@dataclass(frozen=True)
class FactsRun:
    interpreter: Outcome
    module: Outcome
    prepared: Outcome | None


def run_facts(case: FactsInput) -> FactsRun:
    """The interpreter's outcome, the generated module's (on the mapping), and with
    ``case.prepared`` the module's on ``Facts(mapping)``."""
    from clausec.evaluation.facts import FactError
    from clausec.evaluation.interpreter import ask
    from clausec.evaluation.values import EvaluationError

    c = compiled(REPO / case.source)
    module = c.module
    facts: Any = case.facts
    interpreter = _outcome(
        lambda: ask(c.contract, case.question, facts, case.as_of), (FactError, EvaluationError)
    )
    generated_errors = (module.FactError, module.EvaluationError)
    generated = _outcome(
        lambda: module.evaluate(case.question, facts, as_of=case.as_of), generated_errors
    )
    prepared = None
    if case.prepared:
        prepared = _outcome(
            lambda: module.evaluate(case.question, module.Facts(facts), as_of=case.as_of),
            generated_errors,
        )
    return FactsRun(interpreter, generated, prepared)


def facts_problems(run: FactsRun) -> list[str]:
    """Crashes (anything but a result, FactError or EvaluationError) and disagreements."""
    problems = []
    named = [("interpreter", run.interpreter), ("generated module", run.module)]
    if run.prepared is not None:
        named.append(("generated module on Facts(…)", run.prepared))
    for who, outcome in named:
        if outcome.kind == "crash":
            name, message, _ = outcome.value  # type: ignore[misc]
            problems.append(f"{who} raised {name}: {message}")
    for who, outcome in named[1:]:
        if "crash" not in (outcome.kind, run.interpreter.kind) and outcome != run.interpreter:
            problems.append(
                f"{who} disagrees with the interpreter: {_brief(outcome)} against "
                f"{_brief(run.interpreter)}"
            )
    return problems


def _brief(outcome: Outcome) -> str:
    if outcome.kind == "result":
        value: Any = outcome.value
        return f"result {value.get('answer')!r}"
    return f"{outcome.kind} {show(outcome.value)}"


def tracebacks(run: FactsRun) -> str:
    out = []
    for who, outcome in (("interpreter", run.interpreter), ("module", run.module)):
        if outcome.kind == "crash":
            out.append(f"{who}:\n{outcome.value[2]}")  # type: ignore[index]
    if run.prepared is not None and run.prepared.kind == "crash":
        out.append(f"module on Facts:\n{run.prepared.value[2]}")  # type: ignore[index]
    return "\n".join(out)


# ================================================================== one input of the long run

CLAUSE_SHARE = 0.6  # of the long run's inputs; the rest are facts


@dataclass(frozen=True)
class Case:
    """Input number ``index`` of the run with ``seed``: the same for the same pair."""

    index: int
    family: str  # "clause" or "facts"
    kind: str
    clause: ClauseInput | None = None
    facts: FactsInput | None = None


def make_case(seed: int, index: int, *, analysis_share: float = 0.1) -> Case:
    rng = random.Random(f"clausec-fuzz:{seed}:{index}")
    if rng.random() < CLAUSE_SHARE:
        c = clause_input(rng, whole_share=0.02, analysis_share=analysis_share)
        return Case(index, "clause", c.kind, clause=c)
    f = facts_input(rng)
    return Case(index, "facts", f.kind, facts=f)


def describe_number(x: float) -> str:
    return "nan" if math.isnan(x) else f"{x:,.0f}"
