"""Diagnostics as JSON data that another run or process reads back exactly: the result cache
of `clausec check` (clausec.checking) and the language server's analysis worker
(clausec.lsp.worker). Unlike :meth:`Diagnostic.to_dict`, the documented JSON output, this
form keeps every field, and :func:`load` checks each one: a cache file may be damaged."""

from __future__ import annotations

from typing import Any

from clausec.diagnostics import Diagnostic, Note, Severity
from clausec.source import Span

__all__ = ["Corrupt", "as_bool", "as_int", "as_list", "as_str", "dump", "load"]


class Corrupt(ValueError):
    """Data that :func:`dump` did not write."""


def dump(d: Diagnostic) -> dict[str, Any]:
    """``d`` as JSON data, for :func:`load`."""
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "span": _dump_span(d.span),
        "label": d.label,
        "notes": [[n.message, _dump_span(n.span)] for n in d.notes],
        "hint": d.hint,
        "suppressed": d.suppressed,
        "witness": None if d.witness is None else [list(pair) for pair in d.witness],
        "in_baseline": d.in_baseline,
    }


def load(data: object) -> Diagnostic:
    """The diagnostic :func:`dump` wrote as ``data``; :class:`Corrupt` if it is not such data."""
    if not isinstance(data, dict):
        raise Corrupt
    witness = data.get("witness")
    try:
        severity = Severity(data.get("severity"))
    except ValueError:
        raise Corrupt from None
    return Diagnostic(
        code=as_str(data.get("code")),
        severity=severity,
        message=as_str(data.get("message")),
        span=_load_span(data.get("span")),
        label=as_str(data.get("label")),
        notes=tuple(
            Note(as_str(message), _load_span(span))
            for message, span in (as_list(n, 2) for n in as_list(data.get("notes")))
        ),
        hint=_optional_str(data.get("hint")),
        suppressed=_optional_str(data.get("suppressed")),
        witness=None if witness is None else tuple(_pair(w) for w in as_list(witness)),
        in_baseline=as_bool(data.get("in_baseline")),
    )


def _pair(data: object) -> tuple[str, str]:
    name, value = as_list(data, 2)
    return as_str(name), as_str(value)


def _dump_span(span: Span | None) -> list[Any] | None:
    if span is None:
        return None
    return [span.file, span.line, span.column, span.end_line, span.end_column]


def _load_span(data: object) -> Span | None:
    if data is None:
        return None
    file, line, column, end_line, end_column = as_list(data, 5)
    return Span(as_str(file), as_int(line), as_int(column), as_int(end_line), as_int(end_column))


def as_list(data: object, length: int | None = None) -> list[Any]:
    """``data`` if it is a list (of ``length`` items, when given)."""
    if not isinstance(data, list) or (length is not None and len(data) != length):
        raise Corrupt
    return data


def as_str(data: object) -> str:
    if not isinstance(data, str):
        raise Corrupt
    return data


def _optional_str(data: object) -> str | None:
    return None if data is None else as_str(data)


def as_int(data: object) -> int:
    if not isinstance(data, int) or isinstance(data, bool):
        raise Corrupt
    return data


def as_bool(data: object) -> bool:
    if not isinstance(data, bool):
        raise Corrupt
    return data
