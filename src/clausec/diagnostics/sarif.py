"""The SARIF 2.1.0 format (docs/ci.md): one run whose rules are the registry's codes, each
with its title and a link to where it is documented, and one result per diagnostic."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from clausec.diagnostics import Diagnostic, Run, Severity
from clausec.diagnostics.codes import CHECKS_PAGE, REGISTRY, REPOSITORY, Code
from clausec.diagnostics.text import plain_message
from clausec.source import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(diagnostics: Sequence[Diagnostic], run: Run) -> str:
    rules = sorted(REGISTRY.values(), key=lambda row: row.code)
    index = {row.code: i for i, row in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clausec",
                        "version": run.version,
                        "informationUri": REPOSITORY + CHECKS_PAGE,
                        "rules": [_rule(row) for row in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code]) for d in diagnostics],
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _rule(row: Code) -> dict[str, object]:
    return {
        "id": row.code,
        "shortDescription": {"text": row.title},
        **({"fullDescription": {"text": row.description}} if row.description else {}),
        "helpUri": row.uri,
        "help": {"text": f"{row.code}: {row.title}. Explained, with an example, in {row.page}."},
        "defaultConfiguration": {"level": _LEVEL[row.severity]},
    }


def _result(d: Diagnostic, rule: int) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": d.code,
        "ruleIndex": rule,
        "level": _LEVEL[d.severity],
        "message": {"text": plain_message(d)},
    }
    if d.span is not None:
        result["locations"] = [{"physicalLocation": _place(d.span)}]
    related = [n for n in d.notes if n.span is not None]
    if related:
        result["relatedLocations"] = [
            {"id": i, "message": {"text": n.message}, "physicalLocation": _place(n.span)}
            for i, n in enumerate(related)
            if n.span is not None
        ]
    if d.suppressed is not None:
        result["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": d.suppressed}
        ]
    if d.witness is not None:
        result["properties"] = {"witness": dict(d.witness)}
    return result


def _place(span: Span) -> dict[str, object]:
    return {
        "artifactLocation": {"uri": quote(span.file)},
        "region": {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        },
    }
