"""The text format, like rustc's: a header, the place, the source line with a caret under the
span, then notes, witness and help; `clausec check` ends with a summary line."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import attrs

from clausec.diagnostics import Diagnostic, Run, Severity
from clausec.source import SourceFile

_MAX_SOURCE_WIDTH = 100  # display columns of source shown around a span on very long lines


def render(diagnostics: Sequence[Diagnostic], run: Run) -> str:
    """What `clausec check` prints: the diagnostics (infos and accepted findings only when
    asked) and the summary line, which counts them all."""
    shown = run.listed(diagnostics)
    palette = Palette(run.color)
    body = render_all_text(shown, run.sources, palette) + "\n\n" if shown else ""
    summary = summary_line(diagnostics, len(run.files), run.dependents)
    return body + palette.paint(summary, "summary") + "\n"


# ANSI styles of the parts of a diagnostic, as rustc colours them.
_STYLES = {
    Severity.ERROR.value: "\x1b[1;31m",
    Severity.WARNING.value: "\x1b[1;33m",
    Severity.INFO.value: "\x1b[1;36m",
    "accepted": "\x1b[2m",
    "frame": "\x1b[1;34m",
    "label": "\x1b[1m",
    "summary": "\x1b[1m",
}
_RESET = "\x1b[0m"


@attrs.frozen
class Palette:
    """Colours for a terminal, or none (``on`` false: text passes through unchanged)."""

    on: bool = False

    def paint(self, text: str, role: str) -> str:
        return f"{_STYLES[role]}{text}{_RESET}" if self.on and text else text


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


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(text: str) -> str:
    """``text`` with control characters shown as U+FFFD: a message quoting a hostile file
    must not move the cursor or colour the terminal."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


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


def render_text(
    diagnostic: Diagnostic, sources: Mapping[str, SourceFile], palette: Palette = Palette()
) -> str:
    """Render like rustc: header, location, the source line and a caret under the span."""
    d = attrs.evolve(
        diagnostic,
        message=_printable(diagnostic.message),
        label=_printable(diagnostic.label),
        notes=tuple(attrs.evolve(n, message=_printable(n.message)) for n in diagnostic.notes),
        hint=None if diagnostic.hint is None else _printable(diagnostic.hint),
        suppressed=None if diagnostic.suppressed is None else _printable(diagnostic.suppressed),
    )
    paint = palette.paint
    level = d.severity.value
    head = paint("accepted ", "accepted") if d.suppressed is not None else ""
    out = [f"{head}{paint(f'{level}[{d.code}]', level)}{paint(': ' + d.message, 'label')}"]
    span = d.span
    if span is not None:
        gutter = " " * len(str(span.line))
        out.append(f"{gutter}{paint('-->', 'frame')} {span.file}:{span.line}:{span.column}")
        source = sources.get(span.file)
        if source is not None:
            line = source.line(span.line)
            start = max(0, min(span.column - 1, len(line)))
            end = span.end_column - 1 if span.end_line == span.line else len(line)
            end = max(start + 1, min(end, len(line)))
            text, caret_col, width = _excerpt(line, start, end)
            marker = ("^" * width) + (f" {d.label}" if d.label else "")
            bar = paint("|", "frame")
            out.append(f"{gutter} {bar}")
            out.append(f"{paint(str(span.line), 'frame')} {bar} {text}".rstrip())
            out.append(f"{gutter} {bar} {' ' * caret_col}{paint(marker, level)}")
        else:
            out.append(f"{gutter} {paint('|', 'frame')}")

    def item(name: str, text: str) -> None:
        out.append(f"  {paint('=', 'frame')} {paint(name + ':', 'label')} {text}")

    for note in d.notes:
        item("note", note.message + (f" ({note.span})" if note.span else ""))
    if d.witness:
        item("witness", witness_args(d.witness))
    if d.hint:
        item("help", d.hint)
    if d.suppressed is not None:
        item("accepted", d.suppressed)
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


def render_all_text(
    diagnostics: Iterable[Diagnostic],
    sources: Mapping[str, SourceFile],
    palette: Palette = Palette(),
) -> str:
    return "\n\n".join(render_text(d, sources, palette) for d in diagnostics)


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
