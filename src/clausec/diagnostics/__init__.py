"""One diagnostic type for every pass, and its text (rustc-like) and JSON renderings."""

from __future__ import annotations

import enum
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import attrs

from clausec.source import SourceFile, Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@attrs.frozen(slots=True)
class Note:
    message: str
    span: Span | None = None


@attrs.frozen(slots=True)
class Diagnostic:
    """A finding with a stable code (see :data:`CODES`), anchored at ``span``."""

    code: str
    severity: Severity
    message: str
    span: Span | None
    label: str = ""
    notes: tuple[Note, ...] = ()
    hint: str | None = None
    # A finding of `clausec check` accepted in the source (`accept CODE because "…"`): the
    # reason. It stays in the output but does not count for --fail-on.
    suppressed: str | None = None
    # Facts (NAME, VALUE in the syntax of `clausec ask --fact`) under which the finding shows;
    # ("--as-of", DATE) when it needs an evaluation date.
    witness: tuple[tuple[str, str], ...] | None = None

    @property
    def counts(self) -> bool:
        """Whether it counts for --fail-on and the summary (not accepted)."""
        return self.suppressed is None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        if self.span is None:
            return ("", 0, 0, self.code, self.message)
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "span": self.span.to_dict() if self.span else None,
            "label": self.label,
            "notes": [
                {"message": n.message, "span": n.span.to_dict() if n.span else None}
                for n in self.notes
            ],
            "hint": self.hint,
            **({"suppressed": {"reason": self.suppressed}} if self.suppressed is not None else {}),
            **({"witness": dict(self.witness)} if self.witness is not None else {}),
        }


def error(
    code: str,
    message: str,
    span: Span | None,
    label: str = "",
    *,
    notes: Sequence[Note] = (),
    hint: str | None = None,
) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, label, tuple(notes), hint)


def info(
    code: str,
    message: str,
    span: Span | None,
    label: str = "",
    *,
    notes: Sequence[Note] = (),
    hint: str | None = None,
    witness: Sequence[tuple[str, str]] | None = None,
) -> Diagnostic:
    return Diagnostic(
        code,
        Severity.INFO,
        message,
        span,
        label,
        tuple(notes),
        hint,
        witness=None if witness is None else tuple(witness),
    )


def warning(
    code: str,
    message: str,
    span: Span | None,
    label: str = "",
    *,
    notes: Sequence[Note] = (),
    hint: str | None = None,
    witness: Sequence[tuple[str, str]] | None = None,
) -> Diagnostic:
    return Diagnostic(
        code,
        Severity.WARNING,
        message,
        span,
        label,
        tuple(notes),
        hint,
        witness=None if witness is None else tuple(witness),
    )


class CompileError(Exception):
    """Raised by the public API when a file does not compile; carries every diagnostic."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        where = f"{first.span}: " if first and first.span else ""
        super().__init__(f"{where}{first.message}" if first else "compilation failed")


# The stable codes. Documented in docs/diagnostics.md; never renumber, only add.
CODES: Mapping[str, str] = {
    "E0001": "cannot read file",
    "E0002": "invalid UTF-8",
    "E0003": "binary file",
    "E0004": "empty file",
    "E0100": "syntax error",
    "E0101": "unexpected character",
    "E0102": "unterminated string",
    "E0103": "expression nested too deeply",
    "E0104": "reserved word used as a name",
    "E0105": "invalid escape in string",
    "E0106": "invalid literal",
    "E0200": "unknown name",
    "E0201": "unknown party",
    "E0202": "unknown action",
    "E0203": "unknown object",
    "E0204": "duplicate declaration",
    "E0205": "duplicate clause number",
    "E0206": "reference to a missing clause",
    "E0207": "unknown contract or document",
    "E0208": "unknown question",
    "E0209": "unresolved import",
    "E0210": "circular definition",
    "E0211": "question matches no norm",
    "E0300": "type mismatch",
    "E0301": "condition is not a boolean",
    "E0302": "incompatible duration units",
    "E0303": "different currencies",
    "E0304": "expected a date",
    "E0305": "expected a duration",
    "E0306": "scenario value does not fit the fact",
    "E0307": "scenario value is not a constant",
    "E0400": "incomplete contract header",
    "E0401": "unknown language tag",
    "E0402": "unknown working-day calendar",
    "E0403": "non-normative clause without a reason",
    "E0404": "clause without its verbatim quote",
    "E0405": "normative clause without norms",
    "E0406": "more than one deadline on a norm",
    "E0407": "misplaced clause item",
    "E0408": "invalid day of month",
    "E0409": "accepted finding without a reason",
    "E0410": "code that cannot be accepted",
    "W0100": "remedy on a norm that cannot be breached",
    "W0540": "`refers to` a missing clause",
}

# The codes of the analyses that only `clausec check` runs (src/clausec/analysis/), documented
# in docs/checks.md. The prefix is the default severity.
CHECK_CODES: Mapping[str, str] = {
    "W0501": "obligation and prohibition of the same act can apply together",
    "W0502": "permission and prohibition of the same act can apply together",
    "W0503": "obligations of incompatible actions can apply together",
    "I0504": "conflict resolved by a priority or an exception",
    "W0520": "different deadlines for the same duty",
    "W0521": "deadline that ends before it starts",
    "W0530": "norm that can never apply",
    "W0531": "norm that is always overridden",
    "W0532": "priorities that form a cycle",
    "I0541": "fact that nothing reads",
    "I0542": "fact that no scenario gives",
    "I0543": "question whose answer is constant",
    "W0550": "check the solver could not decide",
}


# ---------------------------------------------------------------- text rendering

_MAX_SOURCE_WIDTH = 100  # display columns of source shown around a span on very long lines


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


def render_all_text(diagnostics: Iterable[Diagnostic], sources: Mapping[str, SourceFile]) -> str:
    return "\n\n".join(render_text(d, sources) for d in diagnostics)


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR and d.counts)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING and d.counts)
    infos = sum(1 for d in diagnostics if d.severity is Severity.INFO and d.counts)
    accepted = sum(1 for d in diagnostics if not d.counts)
    noun = "file" if files == 1 else "files"
    extra = [f"{infos} info{'s' * (infos != 1)}"] if infos else []
    extra += [f"{accepted} accepted"] if accepted else []
    return (
        f"checked {files} {noun}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}" + (f" ({', '.join(extra)})" if extra else "")
    )


def render_json(diagnostics: Sequence[Diagnostic], files: Sequence[str]) -> str:
    doc = {
        "version": 1,
        "files": list(files),
        "diagnostics": [d.to_dict() for d in diagnostics],
        "summary": {
            **{
                sev.value: sum(1 for d in diagnostics if d.severity is sev and d.counts)
                for sev in Severity
            },
            **(
                {"accepted": sum(1 for d in diagnostics if not d.counts)}
                if any(not d.counts for d in diagnostics)
                else {}
            ),
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
