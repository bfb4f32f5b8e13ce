"""`clausec check --format sarif|github`: the diagnostics as a SARIF 2.1.0 log, or as GitHub
Actions workflow commands (docs/ci.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from clausec.diagnostics import CHECK_CODES, CODES, Diagnostic, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_DOCS = "https://github.com/clausec/clausec/blob/main/docs/"


def _rules() -> list[tuple[str, str]]:
    return sorted({**CODES, **CHECK_CODES}.items())


def _page(code: str) -> str:
    return "checks.md" if code in CHECK_CODES else "diagnostics.md"


def _region(d: Diagnostic) -> dict[str, object]:
    assert d.span is not None
    return {
        "startLine": d.span.line,
        "startColumn": d.span.column,
        "endLine": d.span.end_line,
        "endColumn": d.span.end_column,
    }


def _text(d: Diagnostic) -> str:
    lines = [d.message]
    if d.witness:
        from clausec.diagnostics import witness_args

        lines.append("witness: " + witness_args(d.witness))
    if d.hint:
        lines.append("help: " + d.hint)
    return "\n".join(lines)


def render_sarif(diagnostics: Sequence[Diagnostic], version: str) -> str:
    rules = _rules()
    index = {code: i for i, (code, _) in enumerate(rules)}
    results = []
    for d in diagnostics:
        result: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVEL[d.severity],
            "message": {"text": _text(d)},
        }
        if d.span is not None:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(d.span.file)},
                        "region": _region(d),
                    }
                }
            ]
        related = [n for n in d.notes if n.span is not None]
        if related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    "message": {"text": n.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(n.span.file)},
                        "region": {
                            "startLine": n.span.line,
                            "startColumn": n.span.column,
                            "endLine": n.span.end_line,
                            "endColumn": n.span.end_column,
                        },
                    },
                }
                for i, n in enumerate(related)
                if n.span is not None
            ]
        if d.suppressed is not None:
            result["suppressions"] = [
                {"kind": "inSource", "status": "accepted", "justification": d.suppressed}
            ]
        if d.witness is not None:
            result["properties"] = {"witness": dict(d.witness)}
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clausec",
                        "version": version,
                        "informationUri": _DOCS + "checks.md",
                        "rules": [
                            {
                                "id": code,
                                "shortDescription": {"text": text},
                                "helpUri": f"{_DOCS}{_page(code)}#{code.lower()}",
                                "help": {
                                    "text": f"{code}: {text}. Explained, with an example, in "
                                    f"docs/{_page(code)}."
                                },
                                "defaultConfiguration": {"level": _LEVEL[_severity(code)]},
                            }
                            for code, text in rules
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _severity(code: str) -> Severity:
    return {"E": Severity.ERROR, "W": Severity.WARNING}.get(code[0], Severity.INFO)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """One workflow command per diagnostic: ::error, ::warning or ::notice (infos and
    accepted findings)."""
    lines = []
    for d in diagnostics:
        command = (
            "notice"
            if d.suppressed is not None
            else {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
        )
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
        text = _text(d)
        if d.suppressed is not None:
            text += "\naccepted: " + d.suppressed
        lines.append(f"::{command} {','.join(props)}::{_data(text)}")
    return "".join(line + "\n" for line in lines)
