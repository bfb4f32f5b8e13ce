"""The text format, like rustc's: a header, the place, the source line with a caret under the
span, then notes, witness and help; `clausec check` ends with a summary line."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from clausec.diagnostics import Diagnostic, Run, Severity
from clausec.source import SourceFile

_MAX_SOURCE_WIDTH = 100  # display columns of source shown around a span on very long lines


def render(diagnostics: Sequence[Diagnostic], run: Run) -> str:
    """What `clausec check` prints: the diagnostics (infos and accepted findings only when
    asked) and the summary line, which counts them all."""
    shown = run.listed(diagnostics)
    body = render_all_text(shown, run.sources) + "\n\n" if shown else ""
    return body + summary_line(diagnostics, len(run.files), run.dependents) + "\n"


def char_width(ch: str) -> int:
    """Display width of one character in a terminal: CJK wide/fullwidth count 2, marks 0."""
    if ch == "\t":
        return 4
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _visible(ch: str) -> str:
    if ch == "\t":
        return "    "
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return "\N{REPLACEMENT CHARACTER}"
    return ch


def _excerpt(line: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long line to a window around [start, end) (0-based char indexes).

    Returns the visible text and the display column of the span's start and its display width."""
    lo, hi = 0, len(line)
    if (
        sum(char_width(c) for c in line[: min(len(line), 4 * _MAX_SOURCE_WIDTH)])
        > _MAX_SOURCE_WIDTH
    ):
        lo = max(0, start - _MAX_SOURCE_WIDTH // 3)
        hi = min(len(line), lo + _MAX_SOURCE_WIDTH)
        end = min(end, hi)
    text = "".join(_visible(c) for c in line[lo:hi])
    caret_col = sum(char_width(c) for c in line[lo:start])
    width = max(1, sum(char_width(c) for c in line[start:end]))
    if lo > 0:
        text = "…" + text
        caret_col += 1
    if hi < len(line):
        text += "…"
    return text, caret_col, width


def render_text(diagnostic: Diagnostic, sources: Mapping[str, SourceFile]) -> str:
    """Render like rustc: header, location, the source line and a caret under the span."""
    d = diagnostic
    head = "accepted " if d.suppressed is not None else ""
    out = [f"{head}{d.severity.value}[{d.code}]: {d.message}"]
    span = d.span
    if span is not None:
        gutter = " " * len(str(span.line))
        out.append(f"{gutter}--> {span.file}:{span.line}:{span.column}")
        source = sources.get(span.file)
        if source is not None:
            line = source.line(span.line)
            start = max(0, min(span.column - 1, len(line)))
            end = span.end_column - 1 if span.end_line == span.line else len(line)
            end = max(start + 1, min(end, len(line)))
            text, caret_col, width = _excerpt(line, start, end)
            marker = ("^" * width) + (f" {d.label}" if d.label else "")
            out.append(f"{gutter} |")
            out.append(f"{span.line} | {text}".rstrip())
            out.append(f"{gutter} | {' ' * caret_col}{marker}")
        else:
            out.append(f"{gutter} |")
    for note in d.notes:
        where = f" ({note.span})" if note.span else ""
        out.append(f"  = note: {note.message}{where}")
    if d.witness:
        out.append("  = witness: " + witness_args(d.witness))
    if d.hint:
        out.append(f"  = help: {d.hint}")
    if d.suppressed is not None:
        out.append(f"  = accepted: {d.suppressed}")
    return "\n".join(out)


def witness_args(witness: Iterable[tuple[str, str]]) -> str:
    """The witness as options of `clausec ask`, quoted for a POSIX shell where needed."""
    import shlex

    parts = []
    for name, value in witness:
        parts.append(
            f"--as-of {value}" if name == "--as-of" else f"--fact {shlex.quote(f'{name}={value}')}"
        )
    return " ".join(parts) if parts else "(any facts)"


def plain_message(d: Diagnostic) -> str:
    """The message with its witness and help, one per line: for formats that show no source
    (SARIF, GitHub annotations)."""
    lines = [d.message]
    if d.witness:
        lines.append("witness: " + witness_args(d.witness))
    if d.hint:
        lines.append("help: " + d.hint)
    return "\n".join(lines)


def render_all_text(diagnostics: Iterable[Diagnostic], sources: Mapping[str, SourceFile]) -> str:
    return "\n\n".join(render_text(d, sources) for d in diagnostics)


def summary_line(diagnostics: Sequence[Diagnostic], files: int, dependents: int = 0) -> str:
    """``checked N files: E errors, W warnings (I infos, A accepted, B in the baseline)``;
    ``dependents`` of the files are files checked because they import one given."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR and d.counts)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING and d.counts)
    infos = sum(1 for d in diagnostics if d.severity is Severity.INFO and d.counts)
    accepted = sum(1 for d in diagnostics if d.suppressed is not None)
    known = sum(1 for d in diagnostics if d.in_baseline and d.suppressed is None)
    noun = "file" if files == 1 else "files"
    extra = [f"{infos} info{'s' * (infos != 1)}"] if infos else []
    extra += [f"{accepted} accepted"] if accepted else []
    extra += [f"{known} in the baseline"] if known else []
    including = f" ({dependents} importing those given)" if dependents else ""
    return (
        f"checked {files} {noun}{including}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}" + (f" ({', '.join(extra)})" if extra else "")
    )
