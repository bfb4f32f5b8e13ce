"""The SARIF 2.1.0 format (docs/ci.md): one run whose rules are the registry's codes, each
with its title and a link to where it is documented, and one result per diagnostic, as code
scanning takes them: paths relative to the source root (``uriBaseId`` SRCROOT), fingerprints
that survive edits elsewhere in the file, accepted findings as suppressed results, infos only
when asked, and with a baseline each result marked new or unchanged."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from clausec.diagnostics import Diagnostic, Run, Severity
from clausec.diagnostics.codes import HOME_PAGE, REGISTRY, Code
from clausec.diagnostics.fingerprints import KEY, relative_path
from clausec.diagnostics.text import plain_message
from clausec.source import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


ROOT_ID = "SRCROOT"


def render(diagnostics: Sequence[Diagnostic], run: Run) -> str:
    rules = sorted(REGISTRY.values(), key=lambda row: row.code)
    index = {row.code: i for i, row in enumerate(rules)}
    root = Path(run.root)
    shown = [d for d in diagnostics if run.show_info or d.severity is not Severity.INFO]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clausec",
                        "version": run.version,
                        "informationUri": HOME_PAGE,
                        "rules": [_rule(row) for row in rules],
                    }
                },
                # The root's place is the consumer's to know (a checkout): naming it here
                # would make the log differ from one machine to the next.
                "originalUriBaseIds": {
                    ROOT_ID: {"description": {"text": "the root of the checked repository"}}
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index[d.code], run, root) for d in shown],
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


def _result(d: Diagnostic, rule: int, run: Run, root: Path) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": d.code,
        "ruleIndex": rule,
        "level": _LEVEL[d.severity],
        "message": {"text": plain_message(d)},
    }
    if d.span is not None:
        result["locations"] = [{"physicalLocation": _place(d.span, root)}]
    if d in run.fingerprints:
        result["partialFingerprints"] = {KEY: run.fingerprints[d]}
    if run.baseline:
        result["baselineState"] = "unchanged" if d.in_baseline else "new"
    related = [n for n in d.notes if n.span is not None]
    if related:
        result["relatedLocations"] = [
            {"id": i, "message": {"text": n.message}, "physicalLocation": _place(n.span, root)}
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


def _place(span: Span, root: Path) -> dict[str, object]:
    inside = relative_path(span.file, root)
    artifact: dict[str, object] = (
        {"uri": quote(inside), "uriBaseId": ROOT_ID}
        if inside is not None
        else {"uri": Path(span.file).absolute().as_uri()}
    )
    return {
        "artifactLocation": artifact,
        "region": {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        },
    }
