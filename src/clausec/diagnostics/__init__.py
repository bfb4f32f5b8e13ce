"""One diagnostic type for every pass, the registry of their codes and one renderer per output
format.

This module holds the types and :func:`select`; :mod:`~clausec.diagnostics.codes` the registry;
:mod:`~clausec.diagnostics.text`, :mod:`~clausec.diagnostics.json_output`,
:mod:`~clausec.diagnostics.sarif` and :mod:`~clausec.diagnostics.github` the formats, which
:data:`clausec.diagnostics.formats.FORMATS` names."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from clausec.source import SourceFile, Span

__all__ = [
    "CompileError",
    "Diagnostic",
    "Note",
    "Run",
    "Severity",
    "error",
    "info",
    "select",
    "warning",
]


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
    """A finding with a stable code (see :mod:`clausec.diagnostics.codes`), anchored at
    ``span``."""

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
    # Found as well by the run a baseline file records (`clausec check --baseline`): reported
    # as such, and it does not count.
    in_baseline: bool = False

    @property
    def counts(self) -> bool:
        """Whether it counts for --fail-on and the summary (not accepted, not in the
        baseline)."""
        return self.suppressed is None and not self.in_baseline

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
            **({"in_baseline": True} if self.in_baseline else {}),
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


def select(
    diagnostics: Iterable[Diagnostic], chosen: Sequence[str], ignored: Sequence[str]
) -> list[Diagnostic]:
    """Keep the codes in ``chosen`` (all if empty) minus those in ``ignored``. A code may be
    given in full (W0501) or as a prefix (W05)."""

    def match(code: str, patterns: Sequence[str]) -> bool:
        return any(code.startswith(p) for p in patterns)

    return [
        d
        for d in diagnostics
        if (not chosen or match(d.code, chosen)) and not match(d.code, ignored)
    ]


@attrs.frozen(slots=True)
class Run:
    """One run of `clausec check`: what an output format may show besides the diagnostics."""

    files: Sequence[str]
    sources: Mapping[str, SourceFile]
    version: str
    # Infos and accepted findings are counted in the summary, and listed only when asked
    # (--show-info, --show-accepted) by the formats people read: text, GitHub, SARIF (which
    # always lists accepted findings, as suppressed results). JSON always lists everything.
    show_info: bool = False
    show_accepted: bool = False
    # SARIF: paths relative to this folder (a repository's root), and each finding's
    # fingerprint (diagnostics/fingerprints.py).
    root: str = "."
    fingerprints: Mapping[Diagnostic, str] = attrs.field(factory=dict)
    # Whether a baseline was given: SARIF then marks each result new or unchanged.
    baseline: bool = False
    # How many of the files were checked because they import a file given (dependents.py).
    dependents: int = 0
    # Text format: ANSI colours (a terminal, `--color`; see terminal.py).
    color: bool = False

    def listed(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics that formats for people list in full."""
        return [
            d
            for d in diagnostics
            if (self.show_info or d.severity is not Severity.INFO)
            and (self.show_accepted or d.counts)
        ]
