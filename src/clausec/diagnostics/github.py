"""The GitHub Actions format (docs/ci.md): one workflow command per diagnostic, which GitHub
shows as an annotation on the line, then the summary line."""

from __future__ import annotations

from collections.abc import Sequence

from clausec.diagnostics import Diagnostic, Run, Severity
from clausec.diagnostics.text import plain_message, summary_line

# Infos and accepted findings are notices: GitHub has no other level below a warning.
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(diagnostics: Sequence[Diagnostic], run: Run) -> str:
    lines = [_command(d) for d in run.listed(diagnostics)]
    lines.append(summary_line(diagnostics, len(run.files), run.dependents))
    return "".join(line + "\n" for line in lines)


def _command(d: Diagnostic) -> str:
    command = "notice" if d.suppressed is not None else _COMMAND[d.severity]
    props = []
    if d.span is not None:
        props += [
            f"file={_prop(d.span.file)}",
            f"line={d.span.line}",
            f"col={d.span.column}",
            f"endLine={d.span.end_line}",
            f"endColumn={d.span.end_column}",
        ]
    title = d.code + (" (accepted)" if d.suppressed is not None else "")
    props.append(f"title={_prop(title)}")
    text = plain_message(d)
    if d.suppressed is not None:
        text += "\naccepted: " + d.suppressed
    return f"::{command} {','.join(props)}::{_data(text)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
